//! Field comparisons one by one, then whole pairs: planted duplicates score at or above
//! the threshold; twins, Jr/Sr pairs and a shared SSN stay below it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::compare::{compare_dob_field, compare_family, compare_given, compare_ssn};
use super::*;
use crate::{Address, AltName, Mrn, NameKind, Patient, PatientFlags, PersonName, Sex, Ssn};
use chrono::NaiveDate;

fn patient(id: u64, given: &str, family: &str, dob: (i32, u32, u32), sex: Sex) -> Patient {
    Patient {
        id: PatientId(id),
        mrn: Mrn(100_000 + id as u32),
        name: PersonName::new(given, family),
        other_names: Vec::new(),
        dob: NaiveDate::from_ymd_opt(dob.0, dob.1, dob.2).unwrap(),
        sex,
        address: Some(Address {
            line: "12 Oak Street".into(),
            city: "Springfield".into(),
            state: "IL".into(),
            zip: "62701".into(),
        }),
        phones: vec!["(217) 555-0101".into()],
        ssn: None,
        flags: PatientFlags::default(),
        identifiers: Vec::new(),
        staff_link: None,
    }
}

fn john() -> Patient {
    let mut p = patient(1, "John", "Smith", (1984, 3, 2), Sex::Male);
    p.name.middle = Some("Quincy".into());
    p.ssn = Ssn::parse("912-34-5678");
    p
}

fn pr(p: &Patient) -> Profile {
    Profile::of(p)
}

fn pair_score(a: &Patient, b: &Patient) -> (u8, Comparison) {
    let c = compare(&pr(a), &pr(b));
    (score(&c), c)
}

fn with<F: FnOnce(&mut Patient)>(mut p: Patient, id: u64, f: F) -> Patient {
    p.id = PatientId(id);
    f(&mut p);
    p
}

#[test]
fn first_names() {
    let a = pr(&john());
    let cases = [
        ("John", FieldMatch::Exact),
        ("Jon", FieldMatch::Nickname),
        ("Johnny", FieldMatch::Nickname),
        ("J", FieldMatch::Initial),
        ("Jhon", FieldMatch::Typo),
        ("Quincy", FieldMatch::Swapped),
        ("Peter", FieldMatch::Different),
        ("", FieldMatch::Missing),
    ];
    for (given, want) in cases {
        let b = pr(&with(john(), 2, |p| {
            // Going by the middle name: registered as Quincy John, or Quincy alone.
            p.name.middle = (given == "Quincy").then(|| "John".to_string());
            p.name.given = given.into();
        }));
        assert_eq!(compare_given(&a, &b), want, "{given}");
    }
    let kathryn = pr(&patient(3, "Kathryn", "Smith", (1984, 3, 2), Sex::Female));
    let catherine = pr(&patient(4, "Katherine", "Smith", (1984, 3, 2), Sex::Female));
    assert_ne!(compare_given(&kathryn, &catherine), FieldMatch::Different);
}

#[test]
fn last_names() {
    let a = pr(&john());
    let cases = [
        ("Smith", FieldMatch::Exact),
        ("Smtih", FieldMatch::Typo),
        ("Smyth", FieldMatch::Typo),
        ("Smith-Jones", FieldMatch::HyphenPart),
        ("Jones", FieldMatch::Different),
    ];
    for (family, want) in cases {
        let b = pr(&with(john(), 2, |p| p.name.family = family.into()));
        assert_eq!(compare_family(&a, &b), want, "{family}");
    }
    let married = with(john(), 2, |p| {
        p.name.family = "Jones".into();
        p.other_names.push(AltName {
            kind: NameKind::Maiden,
            name: PersonName::new("John", "Smith"),
        });
    });
    assert_eq!(compare_family(&a, &pr(&married)), FieldMatch::Maiden);
}

#[test]
fn birth_dates() {
    let a = pr(&john());
    let cases = [
        ((1984, 3, 2), FieldMatch::Exact),
        ((1984, 2, 3), FieldMatch::DayMonthSwap),
        ((1984, 3, 3), FieldMatch::OneDigit),
        ((1994, 3, 2), FieldMatch::OneDigit),
        ((1984, 7, 19), FieldMatch::SameYear),
        ((1955, 7, 19), FieldMatch::Different),
    ];
    for ((y, m, d), want) in cases {
        let b = pr(&with(john(), 2, |p| {
            p.dob = NaiveDate::from_ymd_opt(y, m, d).unwrap()
        }));
        assert_eq!(compare_dob_field(&a, &b), want, "{y}-{m}-{d}");
    }
}

#[test]
fn ssns_sex_suffix_address_phone() {
    assert_eq!(
        compare_ssn(Some("912345678"), Some("912345678")),
        FieldMatch::Exact
    );
    assert_eq!(
        compare_ssn(Some("912345678"), Some("912345679")),
        FieldMatch::OneDigit
    );
    assert_eq!(
        compare_ssn(Some("912345678"), Some("912354678")),
        FieldMatch::OneDigit
    );
    assert_eq!(
        compare_ssn(Some("912345678"), Some("987654321")),
        FieldMatch::Different
    );
    assert_eq!(compare_ssn(Some("912345678"), None), FieldMatch::Missing);
    assert_eq!(
        compare_ssn(Some("999999999"), Some("999999999")),
        FieldMatch::Missing
    );

    let a = john();
    let (_, c) = pair_score(&a, &with(john(), 2, |p| p.sex = Sex::Female));
    assert_eq!(c.get(Field::Sex), FieldMatch::Different);
    let (_, c) = pair_score(&a, &with(john(), 2, |p| p.name.suffix = Some("Jr".into())));
    assert_eq!(c.get(Field::Suffix), FieldMatch::Missing);
    let sr = with(john(), 3, |p| p.name.suffix = Some("Sr.".into()));
    let jr = with(john(), 4, |p| p.name.suffix = Some("Jr".into()));
    assert_eq!(
        pair_score(&sr, &jr).1.get(Field::Suffix),
        FieldMatch::Different
    );
    let ii = with(john(), 5, |p| p.name.suffix = Some("II".into()));
    assert_eq!(
        pair_score(&ii, &jr).1.get(Field::Suffix),
        FieldMatch::Compatible
    );

    let (_, c) = pair_score(
        &a,
        &with(john(), 2, |p| {
            p.address = Some(Address {
                line: "12 oak st.".into(),
                city: "Springfield".into(),
                state: "IL".into(),
                zip: "62701-1234".into(),
            });
            p.phones = vec!["217.555.0101".into()];
        }),
    );
    assert_eq!(c.get(Field::Address), FieldMatch::Exact);
    assert_eq!(c.get(Field::Phone), FieldMatch::Exact);
    let (_, c) = pair_score(
        &a,
        &with(john(), 2, |p| {
            p.address = None;
            p.phones = vec!["217 555 0199".into()];
        }),
    );
    assert_eq!(c.get(Field::Address), FieldMatch::Missing);
    assert_eq!(c.get(Field::Phone), FieldMatch::Different);
}

/// A registration slip of the same person, with a moved address, no phone, no SSN.
fn sparse(id: u64, f: impl FnOnce(&mut Patient)) -> Patient {
    with(john(), id, |p| {
        p.ssn = None;
        p.name.middle = None;
        p.phones.clear();
        p.address = Some(Address {
            line: "9 Elm Road".into(),
            city: "Decatur".into(),
            state: "IL".into(),
            zip: "62521".into(),
        });
        f(p);
    })
}

#[test]
fn planted_duplicates_reach_the_threshold() {
    let a = john();
    let dups = [
        ("same details", sparse(2, |_| {})),
        (
            "first-name typo",
            sparse(2, |p| p.name.given = "Jhon".into()),
        ),
        (
            "last-name typo",
            sparse(2, |p| p.name.family = "Smiht".into()),
        ),
        ("nickname", sparse(2, |p| p.name.given = "Johnny".into())),
        (
            "swapped DOB",
            sparse(2, |p| p.dob = NaiveDate::from_ymd_opt(1984, 2, 3).unwrap()),
        ),
        (
            "slipped DOB",
            sparse(2, |p| p.dob = NaiveDate::from_ymd_opt(1984, 3, 9).unwrap()),
        ),
        (
            "slipped SSN",
            with(john(), 2, |p| {
                p.ssn = Ssn::parse("912-34-5679");
                p.name.given = "Jon".into();
            }),
        ),
    ];
    for (what, dup) in dups {
        let (s, c) = pair_score(&a, &dup);
        assert!(s >= DEFAULT_THRESHOLD, "{what}: {s} {c:?}");
    }
    // Going by the middle name, with nothing personal agreeing, could be a twin whose
    // first name is the other's middle name: it stays below; with the SSN it is found.
    let by_middle = sparse(2, |p| p.name.given = "Quincy".into());
    assert!(pair_score(&a, &by_middle).0 < DEFAULT_THRESHOLD);
    let by_middle_ssn = with(by_middle, 2, |p| p.ssn = a.ssn.clone());
    assert!(pair_score(&a, &by_middle_ssn).0 >= DEFAULT_THRESHOLD);
    // A married woman re-registered under her new name, maiden name not recorded.
    let mary = with(
        patient(10, "Mary", "Brown", (1970, 5, 6), Sex::Female),
        10,
        |_| {},
    );
    let married = with(mary.clone(), 11, |p| p.name.family = "Jones".into());
    let (s, c) = pair_score(&mary, &married);
    assert!(s >= DEFAULT_THRESHOLD, "married: {s} {c:?}");
    assert_eq!(c.get(Field::LastName), FieldMatch::Different);
}

#[test]
fn twins_stay_below_the_threshold() {
    let a = patient(1, "Emma", "Lee", (2001, 6, 7), Sex::Female);
    for (given, sex) in [
        ("Olivia", Sex::Female),
        ("Noah", Sex::Male),
        ("Ella", Sex::Female),
    ] {
        let b = with(a.clone(), 2, |p| {
            p.name.given = given.into();
            p.sex = sex;
        });
        let (s, c) = pair_score(&a, &b);
        assert!(s < DEFAULT_THRESHOLD, "twin {given}: {s} {c:?}");
    }
}

#[test]
fn jr_and_sr_stay_below_the_threshold() {
    let sr = with(john(), 1, |p| {
        p.name.suffix = Some("Sr".into());
        p.dob = NaiveDate::from_ymd_opt(1954, 8, 1).unwrap();
        p.ssn = None;
    });
    for (suffix, dob) in [
        (Some("Jr"), (1984, 3, 2)),
        (None, (1984, 3, 2)),
        (Some("Jr"), (1984, 8, 1)),
        (None, (1984, 8, 1)),
    ] {
        let jr = with(john(), 2, |p| {
            p.name.suffix = suffix.map(str::to_string);
            p.dob = NaiveDate::from_ymd_opt(dob.0, dob.1, dob.2).unwrap();
            p.ssn = None;
        });
        let (s, c) = pair_score(&sr, &jr);
        assert!(s < DEFAULT_THRESHOLD, "jr {suffix:?} {dob:?}: {s} {c:?}");
    }
}

#[test]
fn a_shared_ssn_is_evidence_not_proof() {
    let a = john();
    // A son registered with his father's number.
    let son = with(john(), 2, |p| {
        p.name.suffix = Some("Jr".into());
        p.dob = NaiveDate::from_ymd_opt(2010, 1, 15).unwrap();
    });
    assert!(pair_score(&a, &son).0 < DEFAULT_THRESHOLD);
    // A stranger with the same number typed by mistake.
    let mut other = patient(3, "Linda", "Okafor", (1961, 11, 30), Sex::Female);
    other.ssn = a.ssn.clone();
    other.address = None;
    assert!(pair_score(&a, &other).0 < DEFAULT_THRESHOLD);
}

#[test]
fn blocking_finds_all_three_pairs_of_a_triple() {
    let a = john();
    let b = sparse(2, |p| p.name.given = "Jhon".into());
    let c = sparse(3, |p| p.dob = NaiveDate::from_ymd_opt(1984, 2, 3).unwrap());
    let d = patient(4, "Olivia", "Smith", (1984, 3, 2), Sex::Female);
    let profiles: Vec<Profile> = [&a, &b, &c, &d].iter().map(|p| Profile::of(p)).collect();
    let (found, stats) = find_candidates(&profiles, DEFAULT_THRESHOLD);
    let pairs: Vec<(u64, u64)> = found.iter().map(|c| (c.a.0, c.b.0)).collect();
    assert_eq!(pairs.len(), 3, "{pairs:?}");
    for want in [(1, 2), (1, 3), (2, 3)] {
        assert!(pairs.contains(&want), "{want:?} in {pairs:?}");
    }
    assert!(stats.comparisons >= 3);
    assert!(found.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn statuses_read_and_print() {
    for s in DuplicateStatus::ALL {
        assert_eq!(DuplicateStatus::parse(s.code()), Some(s));
    }
    assert_eq!(
        DuplicateStatus::parse("not-duplicate"),
        Some(DuplicateStatus::NotDuplicate)
    );
    assert_eq!(DuplicateStatus::parse("maybe"), None);
}
