//! Evaluation queries with known answers, made the way clerks type what callers say:
//! names in every order, typos, sound-alikes, nicknames, every DOB format, identifiers.
//! `chartroom eval make` writes them; `chartroom eval run` scores recall per kind.
//!
//! Each query is derived from one patient and carries that patient's source id as the
//! expected answer. Kinds that cannot be made for a patient (no suffix, no phone...)
//! are skipped for it, so every kind is drawn from the patients it applies to.

use chartroom_domain::{NameKind, Patient};
use chrono::{Datelike, NaiveDate};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

/// One evaluation query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalQuery {
    pub kind: &'static str,
    pub q: String,
    /// Source id of the patient that must be found (`Patient::source_id`).
    pub expect: String,
}

/// A patient with the account numbers a caller could quote.
pub struct EvalPatient<'a> {
    pub patient: &'a Patient,
    pub encounter_numbers: &'a [String],
}

/// Every kind this generator makes, in report order: single slips first, then slips
/// combined (`typo_dob_slip`...), then partial dates (`partial_*`: month and year in the
/// forms callers say them, or a two-digit year, always with both names).
pub const KINDS: [&str; 30] = [
    "last_first",
    "comma_last_first",
    "first_middle_last",
    "suffix",
    "typo1_dob",
    "typo2_dob",
    "transposition_dob",
    "phonetic_dob",
    "nickname_dob",
    "dob_formats",
    "dob_swapped",
    "dob_slip",
    "mrn",
    "source_id",
    "encounter",
    "phone",
    "ssn4_name",
    "maiden_dob",
    "family_part_dob",
    "combo",
    "typo_dob_slip",
    "nickname_dob_swap",
    "family_part_year2",
    "typo_both_dob",
    "rare_name_typo",
    "partial_month_word",
    "partial_m_yy",
    "partial_m_yyyy",
    "partial_yyyy_mm",
    "partial_yy",
];

fn lower(s: &str) -> String {
    s.trim_end_matches(|c: char| c.is_ascii_digit())
        .to_lowercase()
}

/// One random edit (substitute, drop, double) at a position past the first letter:
/// callers rarely get the first letter wrong.
fn typo(rng: &mut ChaCha8Rng, word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 3 {
        return word.to_string();
    }
    let at = rng.random_range(1..chars.len());
    let mut out = chars.clone();
    match rng.random_range(0..3) {
        0 => {
            let letters: Vec<char> = "aeioulnrst".chars().filter(|c| *c != chars[at]).collect();
            out[at] = *letters.choose(rng).unwrap_or(&'e');
        }
        1 => {
            out.remove(at);
        }
        _ => out.insert(at, chars[at]),
    }
    out.into_iter().collect()
}

fn transpose(rng: &mut ChaCha8Rng, word: &str) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() < 4 {
        return word.to_string();
    }
    let at = rng.random_range(1..chars.len() - 1);
    chars.swap(at, at + 1);
    chars.into_iter().collect()
}

/// A sound-alike spelling, as a caller spelling by ear would write it.
fn sound_alike(word: &str) -> Option<String> {
    const RULES: [(&str, &str); 14] = [
        ("ph", "f"),
        ("ck", "k"),
        ("th", "t"),
        ("ie", "y"),
        ("y", "ie"),
        ("ee", "ea"),
        ("c", "k"),
        ("k", "c"),
        ("z", "s"),
        ("s", "z"),
        ("ou", "ow"),
        ("ei", "ie"),
        ("mm", "m"),
        ("ll", "l"),
    ];
    RULES.iter().find_map(|(from, to)| {
        let pos = word[1.min(word.len())..].find(from)? + 1;
        let mut out = word.to_string();
        out.replace_range(pos..pos + from.len(), to);
        (out != word).then_some(out)
    })
}

fn dob_forms(p: &Patient) -> [String; 8] {
    let d = p.dob;
    [
        d.format("%-m/%-d/%Y").to_string(),
        d.format("%m/%d/%y").to_string(),
        d.format("%Y-%m-%d").to_string(),
        d.format("%Y%m%d").to_string(),
        d.format("%m%d%Y").to_string(),
        d.format("%m-%d-%Y").to_string(),
        // as printed on forms and older systems' screens
        d.format("%d-%b-%Y").to_string().to_uppercase(),
        d.format("%B %-d, %Y").to_string(),
    ]
}

fn phone_forms(digits: &str) -> Vec<String> {
    if digits.len() != 10 {
        return vec![digits.to_string()];
    }
    let (a, b, c) = (&digits[0..3], &digits[3..6], &digits[6..]);
    vec![
        format!("({a}) {b}-{c}"),
        format!("{a}-{b}-{c}"),
        format!("{a}.{b}.{c}"),
        digits.to_string(),
        format!("{b}-{c}"),
    ]
}

/// The date with one digit changed, as a caller misremembering it: the last digit of the
/// year or the tens digit of the day (`03/14/1961` → `03/14/1967`, `03/24/1961`), never a
/// date in the future or an impossible one.
fn slipped_date(rng: &mut ChaCha8Rng, dob: NaiveDate, today_year: i32) -> Option<NaiveDate> {
    let candidates: Vec<NaiveDate> = if rng.random_bool(0.5) {
        let decade = dob.year() - dob.year() % 10;
        (0..10)
            .map(|d| decade + d)
            .filter(|y| *y != dob.year() && *y <= today_year)
            .filter_map(|y| NaiveDate::from_ymd_opt(y, dob.month(), dob.day()))
            .collect()
    } else {
        (0..=3)
            .map(|t| t * 10 + dob.day() % 10)
            .filter(|d| *d != dob.day())
            .filter_map(|d| NaiveDate::from_ymd_opt(dob.year(), dob.month(), d))
            .collect()
    };
    candidates.choose(rng).copied()
}

/// How many charts of the whole population carry each family name, each given +
/// family pair and each given + family + birth year (lowercased). A query without a
/// whole date of birth can only name one patient when nobody else answers it as well:
/// `rare_name_typo` judges rarity here, on the population, not on the sample (at 1M
/// patients a name seen once in a sample of 8,000 is often a father's and his son's) and
/// keeps only typos that spell nobody's name; `partial_yy` ("robert brown 98") and
/// `family_part_year2` ("mary ellis 84" for Mary Ellis-Shaw) skip a patient when another
/// of that name was born the same year (at 1M there are several Michael Smiths born in
/// 2002, and a Mary Ellis born in 1984 is the better answer to "mary ellis 84").
#[derive(Clone, Debug, Default)]
pub struct NameCensus {
    family: HashMap<String, u32>,
    full: HashMap<(String, String), u32>,
    full_year: HashMap<(String, String, i32), u32>,
}

impl NameCensus {
    /// Counts one chart.
    pub fn add(&mut self, given: &str, family: &str, birth_year: i32) {
        let (given, family) = (lower(given), lower(family));
        *self
            .full_year
            .entry((given.clone(), family.clone(), birth_year))
            .or_default() += 1;
        *self.full.entry((given, family.clone())).or_default() += 1;
        *self.family.entry(family).or_default() += 1;
    }
    /// Charts with this (lowercased) given and family name born in `year`.
    pub fn full_year(&self, given: &str, family: &str, year: i32) -> u32 {
        self.full_year
            .get(&(given.to_string(), family.to_string(), year))
            .copied()
            .unwrap_or(0)
    }
    /// Charts with this (lowercased) family name.
    pub fn family(&self, family: &str) -> u32 {
        self.family.get(family).copied().unwrap_or(0)
    }
    /// Charts with this (lowercased) given and family name.
    pub fn full(&self, given: &str, family: &str) -> u32 {
        self.full
            .get(&(given.to_string(), family.to_string()))
            .copied()
            .unwrap_or(0)
    }
}

/// Makes up to one query of each kind for each sampled patient, then keeps at most
/// `per_kind` per kind. Deterministic for `seed`. `nickname_of` maps a given name to a
/// nickname in use (`robert` → `bob`), or `None`.
pub fn eval_queries(
    patients: &[EvalPatient<'_>],
    per_kind: usize,
    seed: u64,
    nickname_of: &dyn Fn(&str) -> Option<String>,
    census: &NameCensus,
) -> Vec<EvalQuery> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut by_kind: Vec<Vec<EvalQuery>> = vec![Vec::new(); KINDS.len()];
    for ep in patients {
        let p = ep.patient;
        let given = lower(&p.name.given);
        let family = lower(&p.name.family);
        if given.is_empty() || family.is_empty() {
            continue;
        }
        let forms = dob_forms(p);
        let dob = forms.choose(&mut rng).cloned().unwrap_or_default();
        let expect = p.source_id();
        let mut push = |kind: &'static str, q: String| {
            if let Some(slot) = KINDS.iter().position(|k| *k == kind) {
                by_kind[slot].push(EvalQuery {
                    kind,
                    q,
                    expect: expect.clone(),
                });
            }
        };
        push("last_first", format!("{family} {given} {dob}"));
        push(
            "comma_last_first",
            format!("{}, {} {dob}", p.name.family, p.name.given),
        );
        if let Some(m) = p.name.middle.as_deref().filter(|m| !m.is_empty()) {
            push(
                "first_middle_last",
                format!("{given} {} {family}", lower(m)),
            );
        }
        if let Some(s) = p.name.suffix.as_deref().filter(|s| !s.is_empty()) {
            push("suffix", format!("{given} {family} {}", s.to_lowercase()));
        }
        let typo_target = if rng.random_bool(0.6) {
            &family
        } else {
            &given
        };
        let typoed = typo(&mut rng, typo_target);
        let q = if typo_target == &family {
            format!("{typoed} {given} {dob}")
        } else {
            format!("{family} {typoed} {dob}")
        };
        push("typo1_dob", q);
        if family.len() >= 6 {
            let once = typo(&mut rng, &family);
            let twice = typo(&mut rng, &once);
            push("typo2_dob", format!("{twice} {given} {dob}"));
        }
        push(
            "transposition_dob",
            format!("{} {given} {dob}", transpose(&mut rng, &family)),
        );
        if let Some(alike) = sound_alike(&family) {
            push("phonetic_dob", format!("{given} {alike} {dob}"));
        }
        if let Some(nick) = nickname_of(&given) {
            push("nickname_dob", format!("{nick} {family} {dob}"));
        }
        let form = forms.choose(&mut rng).cloned().unwrap_or_default();
        push("dob_formats", format!("{family} {form}"));
        if p.dob.day() <= 12 && p.dob.day() != p.dob.month() {
            push(
                "dob_swapped",
                format!(
                    "{family} {given} {}/{}/{}",
                    p.dob.day(),
                    p.dob.month(),
                    p.dob.year()
                ),
            );
        }
        let slipped_day = if p.dob.day() >= 20 {
            p.dob.day() - 10
        } else {
            p.dob.day() + 10
        };
        push(
            "dob_slip",
            format!(
                "{family} {given} {}/{}/{}",
                p.dob.month(),
                slipped_day,
                p.dob.year()
            ),
        );
        let mrn_forms = [
            p.mrn.to_string(),
            p.mrn.digits(),
            p.mrn.0.to_string(),
            p.mrn.to_string().replace('-', " "),
        ];
        push(
            "mrn",
            mrn_forms.choose(&mut rng).cloned().unwrap_or_default(),
        );
        if let Some(id) = p.identifiers.first() {
            let forms = [
                id.value.clone(),
                id.value.replace('-', ""),
                id.value.to_uppercase(),
            ];
            push(
                "source_id",
                forms.choose(&mut rng).cloned().unwrap_or_default(),
            );
        }
        if let Some(number) = ep.encounter_numbers.choose(&mut rng) {
            push("encounter", number.clone());
        }
        if let Some(phone) = p.phones.first() {
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            // a phone field with no digits gives no query (an empty box finds nobody)
            let forms = if digits.is_empty() {
                Vec::new()
            } else {
                phone_forms(&digits)
            };
            if let Some(form) = forms.choose(&mut rng) {
                push("phone", form.clone());
            }
        }
        if let Some(ssn) = &p.ssn {
            push("ssn4_name", format!("{family} {}", ssn.last4()));
        }
        if let Some(alt) = p
            .other_names
            .iter()
            .find(|n| matches!(n.kind, NameKind::Maiden | NameKind::Previous))
        {
            let maiden = lower(&alt.name.family);
            if !maiden.is_empty() && maiden != family {
                push("maiden_dob", format!("{given} {maiden} {dob}"));
            }
        }
        let parts: Vec<&str> = family.split(['-', ' ']).filter(|s| s.len() > 1).collect();
        if parts.len() > 1 {
            if let Some(part) = parts.choose(&mut rng) {
                push("family_part_dob", format!("{given} {part} {dob}"));
            }
        }
        let short = p.dob.format("%-m/%-d/%y").to_string();
        let first = nickname_of(&given).unwrap_or_else(|| given.clone());
        push(
            "combo",
            format!("{} {first} {short}", typo(&mut rng, &family)),
        );
        combined_kinds(
            &mut rng,
            p,
            &given,
            &family,
            &dob,
            nickname_of,
            census,
            &mut push,
        );
        partial_date_kinds(p, &given, &family, census, &mut push);
    }
    by_kind
        .into_iter()
        .flat_map(|v| v.into_iter().take(per_kind))
        .collect()
}

/// Two slips at once: a name typo and a DOB one digit off, a nickname and a swapped
/// day/month, a family-name part and a two-digit year, typos in both names, a typo in a
/// rare or hyphenated family name with no DOB.
#[allow(clippy::too_many_arguments)]
fn combined_kinds(
    rng: &mut ChaCha8Rng,
    p: &Patient,
    given: &str,
    family: &str,
    dob: &str,
    nickname_of: &dyn Fn(&str) -> Option<String>,
    census: &NameCensus,
    push: &mut impl FnMut(&'static str, String),
) {
    let today = chrono::Utc::now().year();
    if let Some(slipped) = slipped_date(rng, p.dob, today) {
        let typoed = typo(rng, family);
        push(
            "typo_dob_slip",
            format!("{given} {typoed} {}", slipped.format("%m/%d/%Y")),
        );
    }
    if let Some(nick) = nickname_of(given) {
        if p.dob.day() <= 12 && p.dob.day() != p.dob.month() {
            push(
                "nickname_dob_swap",
                format!(
                    "{nick} {family} {:02}/{:02}/{}",
                    p.dob.day(),
                    p.dob.month(),
                    p.dob.year()
                ),
            );
        }
    }
    let parts: Vec<&str> = family.split(['-', ' ']).filter(|s| s.len() > 1).collect();
    if parts.len() > 1 {
        if let Some(part) = parts.choose(rng) {
            if census.full_year(given, part, p.dob.year()) == 0 {
                let year2 = p.dob.format("%y");
                push("family_part_year2", format!("{given} {part} {year2}"));
            }
        }
    }
    if given.chars().count() >= 4 && family.chars().count() >= 4 {
        let g = typo(rng, given);
        let f = typo(rng, family);
        push("typo_both_dob", format!("{g} {f} {dob}"));
    }
    // Rare in the population (or hyphenated), nobody else of the same name, and a
    // typo that is not someone's family name: otherwise the query names another
    // patient as well as this one, and no search could tell them apart.
    let rare = census.family(family) == 1 && family.len() >= 8;
    if (rare || parts.len() > 1) && census.full(given, family) == 1 {
        let typoed = (0..4)
            .map(|_| typo(rng, family))
            .find(|t| census.family(t) == 0);
        if let Some(typoed) = typoed {
            push("rare_name_typo", format!("{given} {typoed}"));
        }
    }
}

/// Partial dates with both names: `born March 1984`, `3/84`, `10/2002`, `1992-12`, `84`.
fn partial_date_kinds(
    p: &Patient,
    given: &str,
    family: &str,
    census: &NameCensus,
    push: &mut impl FnMut(&'static str, String),
) {
    let d = p.dob;
    push(
        "partial_month_word",
        format!("{given} {family} born {}", d.format("%B %Y")),
    );
    push(
        "partial_m_yy",
        format!("{given} {family} {}", d.format("%-m/%y")),
    );
    push(
        "partial_m_yyyy",
        format!("{family}, {given} {}", d.format("%m/%Y")),
    );
    push(
        "partial_yyyy_mm",
        format!("{given} {family} {}", d.format("%Y-%m")),
    );
    if census.full_year(given, family, d.year()) <= 1 {
        push("partial_yy", format!("{given} {family} {}", d.format("%y")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chartroom_domain::{Mrn, PatientFlags, PatientId, PersonName, Sex};
    use chrono::NaiveDate;

    fn patient() -> Patient {
        Patient {
            id: PatientId(1),
            mrn: Mrn(123456),
            name: PersonName::new("Robert", "Smith-Jones"),
            other_names: vec![],
            dob: NaiveDate::from_ymd_opt(1984, 3, 2).unwrap_or_default(),
            sex: Sex::Male,
            address: None,
            phones: vec!["(413) 555-0142".into()],
            ssn: None,
            flags: PatientFlags::default(),
            identifiers: vec![],
            staff_link: None,
        }
    }

    /// A sample of one: the patient with one account number.
    fn sample_of<'a>(p: &'a Patient, numbers: &'a [String]) -> [EvalPatient<'a>; 1] {
        [EvalPatient {
            patient: p,
            encounter_numbers: numbers,
        }]
    }

    #[test]
    fn makes_each_applicable_kind_deterministically() {
        let (p, numbers) = (patient(), vec!["A1000".to_string()]);
        let ep = sample_of(&p, &numbers);
        let nick = |g: &str| (g == "robert").then(|| "bob".to_string());
        let mut census = NameCensus::default();
        census.add(&p.name.given, &p.name.family, 1984);
        let a = eval_queries(&ep, 10, 3, &nick, &census);
        let b = eval_queries(&ep, 10, 3, &nick, &census);
        assert_eq!(a, b);
        let kinds: Vec<_> = a.iter().map(|q| q.kind).collect();
        for kind in [
            "last_first",
            "nickname_dob",
            "dob_swapped",
            "mrn",
            "phone",
            "encounter",
            "family_part_dob",
        ] {
            assert!(kinds.contains(&kind), "missing {kind}: {kinds:?}");
        }
        assert!(!kinds.contains(&"suffix"));
        assert!(a.iter().all(|q| q.expect == p.source_id()));
        let swapped = a
            .iter()
            .find(|q| q.kind == "dob_swapped")
            .map(|q| q.q.clone());
        assert_eq!(swapped.as_deref(), Some("smith-jones robert 2/3/1984"));
        // combined slips and partial dates
        let of = |kind: &str| {
            a.iter()
                .find(|q| q.kind == kind)
                .map(|q| q.q.clone())
                .unwrap_or_else(|| panic!("missing {kind}: {kinds:?}"))
        };
        assert_eq!(of("nickname_dob_swap"), "bob smith-jones 02/03/1984");
        assert_eq!(
            of("partial_month_word"),
            "robert smith-jones born March 1984"
        );
        assert_eq!(of("partial_m_yy"), "robert smith-jones 3/84");
        assert_eq!(of("partial_m_yyyy"), "smith-jones, robert 03/1984");
        assert_eq!(of("partial_yyyy_mm"), "robert smith-jones 1984-03");
        assert_eq!(of("partial_yy"), "robert smith-jones 84");
        let part = of("family_part_year2");
        assert!(
            part == "robert smith 84" || part == "robert jones 84",
            "{part}"
        );
        // a typo in the family name and one digit of the DOB off
        let slip = of("typo_dob_slip");
        let (name, date) = slip.rsplit_once(' ').unwrap_or_default();
        assert!(
            name.starts_with("robert s") && name != "robert smith-jones",
            "{slip}"
        );
        assert_ne!(date, "03/02/1984");
        assert!(date.starts_with("03/") && date.len() == 10, "{slip}");
        // hyphenated: a rare-name typo with no DOB
        let rare = of("rare_name_typo");
        assert!(
            rare.starts_with("robert s") && !rare.contains('/'),
            "{rare}"
        );
        let both = of("typo_both_dob");
        assert!(!both.starts_with("robert smith-jones"), "{both}");
    }

    #[test]
    fn a_name_two_charts_share_makes_no_rare_name_query() {
        let (p, numbers) = (patient(), vec!["A1000".to_string()]);
        let ep = sample_of(&p, &numbers);
        let rare = |census: &NameCensus| {
            eval_queries(&ep, 10, 3, &|_: &str| None, census)
                .into_iter()
                .find(|q| q.kind == "rare_name_typo")
        };
        let mut census = NameCensus::default();
        census.add("Robert", "Smith-Jones", 1984);
        let alone = rare(&census).expect("a hyphenated name nobody else has");
        let typoed = alone.q.trim_start_matches("robert ");
        assert_eq!(census.family(typoed), 0, "{typoed}");
        // father and son: the same name on two charts, and no DOB to tell them apart
        census.add("Robert", "Smith-Jones", 2010);
        assert_eq!(rare(&census), None);
        let kinds = |census: &NameCensus| -> Vec<&'static str> {
            eval_queries(&ep, 10, 3, &|_: &str| None, census)
                .into_iter()
                .map(|q| q.kind)
                .collect()
        };
        assert!(kinds(&census).contains(&"partial_yy"), "born another year");
        // another Robert Smith-Jones born in 1984: "robert smith-jones 84" names both
        census.add("Robert", "Smith-Jones", 1984);
        assert!(!kinds(&census).contains(&"partial_yy"));
    }

    #[test]
    fn slipped_dates_differ_by_one_digit() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let dob = NaiveDate::from_ymd_opt(1961, 3, 14).unwrap_or_default();
        for _ in 0..50 {
            let s = slipped_date(&mut rng, dob, 2026).expect("a slip");
            let (a, b) = (
                dob.format("%Y%m%d").to_string(),
                s.format("%Y%m%d").to_string(),
            );
            let diffs = a.bytes().zip(b.bytes()).filter(|(x, y)| x != y).count();
            assert_eq!(diffs, 1, "{a} {b}");
        }
    }

    #[test]
    fn edits_change_words() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..50 {
            let t = typo(&mut rng, "johnson");
            assert_ne!(t, "johnson");
            assert!(t.starts_with('j'));
        }
        assert_eq!(sound_alike("stephens").as_deref(), Some("stefens"));
        assert_eq!(sound_alike("mckenzie").as_deref(), Some("mkenzie"));
        assert_eq!(sound_alike("ab"), None);
    }
}
