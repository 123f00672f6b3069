//! Rule tables: each validator code fires and does not fire; the clock, the fees, the
//! release set and the accounting.

use super::*;
use crate::sensitivity::Category;
use crate::{DocumentType, PatientId, UserId};
use chrono::NaiveDate;
use std::collections::BTreeSet;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn good_auth() -> Authorization {
    Authorization {
        description: Some("all records".into()),
        discloser: Some("General Hospital".into()),
        recipient: Some("Law firm".into()),
        purpose: Some("litigation".into()),
        expires: Some(d("2027-01-01")),
        expiration_event: None,
        signed_on: Some(d("2026-01-02")),
        signer: Some(Signer::Patient),
        representative_authority: None,
        statements: Statements {
            revocation: true,
            conditioning: true,
            redisclosure: true,
        },
        revoked_on: None,
        specific_consent: Vec::new(),
    }
}

fn intake(kind: RequesterType) -> RoiIntake {
    RoiIntake {
        request_id: "R1".into(),
        received: d("2026-03-01"),
        requester: Requester {
            kind,
            name: Some("Someone".into()),
            address: Some("1 Main St".into()),
        },
        patient: PatientId(1),
        patient_ref: "p1".into(),
        scope: Scope::default(),
        purpose: Some("care".into()),
        delivery: Some(Delivery::Electronic),
        format: Some(Format::Electronic),
        identity_verified: true,
        court_order: false,
        subpoena_assurances: false,
        legal_process: None,
        representative_authority: None,
        authorization: None,
    }
}

fn codes(i: &RoiIntake) -> Vec<&'static str> {
    missing(i, &RoiPolicy::default())
}

#[test]
fn a_clean_patient_request_lacks_nothing() {
    assert!(codes(&intake(RequesterType::Patient)).is_empty());
}

#[test]
fn identity_unverified_fires_for_any_requester() {
    for kind in RequesterType::ALL {
        let mut i = intake(*kind);
        i.identity_verified = false;
        assert!(codes(&i).contains(&"identity_unverified"), "{kind}");
        i.identity_verified = true;
        assert!(!codes(&i).contains(&"identity_unverified"), "{kind}");
    }
}

#[test]
fn representative_authority_top_level_or_inside() {
    let mut i = intake(RequesterType::PersonalRepresentative);
    assert_eq!(codes(&i), ["representative_authority"]);
    i.representative_authority = Some("POA".into());
    assert!(codes(&i).is_empty());
    i.representative_authority = None;
    i.authorization = Some(Authorization {
        representative_authority: Some("guardian".into()),
        ..Authorization::default()
    });
    // An unneeded authorization yields no codes of its own.
    assert!(codes(&i).is_empty());
}

#[test]
fn authorization_required_by_policy_types() {
    for kind in RequesterType::ALL {
        let needs = RoiPolicy::default().needs_authorization(*kind);
        let i = intake(*kind);
        assert_eq!(
            codes(&i).contains(&"authorization_required"),
            needs,
            "{kind}"
        );
        let mut with = i.clone();
        with.authorization = Some(good_auth());
        assert!(!codes(&with).contains(&"authorization_required"));
    }
}

#[test]
fn each_element_missing_in_turn() {
    type Strip = fn(&mut Authorization);
    let table: [(&str, Strip); 10] = [
        ("description", |a| a.description = None),
        ("discloser", |a| a.discloser = None),
        ("recipient", |a| a.recipient = None),
        ("purpose", |a| a.purpose = None),
        ("expiration", |a| a.expires = None),
        ("signature", |a| a.signed_on = None),
        ("representative_authority", |a| {
            a.signer = Some(Signer::Representative)
        }),
        ("statement_revocation", |a| a.statements.revocation = false),
        ("statement_conditioning", |a| {
            a.statements.conditioning = false
        }),
        ("statement_redisclosure", |a| {
            a.statements.redisclosure = false
        }),
    ];
    for (code, strip) in table {
        let mut i = intake(RequesterType::Attorney);
        i.authorization = Some(good_auth());
        assert!(codes(&i).is_empty(), "{code}: clean");
        if let Some(a) = i.authorization.as_mut() {
            strip(a);
        }
        assert_eq!(codes(&i), [code]);
    }
}

#[test]
fn an_expiration_event_stands_for_a_date_and_authority_may_be_top_level() {
    let mut i = intake(RequesterType::Insurer);
    let mut a = good_auth();
    a.expires = None;
    a.expiration_event = Some("end of the claim".into());
    a.signer = Some(Signer::Representative);
    i.authorization = Some(a);
    i.representative_authority = Some("POA".into());
    assert!(codes(&i).is_empty());
}

#[test]
fn expired_and_revoked_are_judged_on_the_received_date() {
    let mut i = intake(RequesterType::Research);
    let mut a = good_auth();
    a.expires = Some(d("2026-03-01")); // expires on the received date: still good
    i.authorization = Some(a.clone());
    assert!(codes(&i).is_empty());
    a.expires = Some(d("2026-02-28"));
    i.authorization = Some(a.clone());
    assert_eq!(codes(&i), ["expired"]);
    a.expires = Some(d("2027-01-01"));
    a.revoked_on = Some(d("2026-03-01"));
    i.authorization = Some(a.clone());
    assert_eq!(codes(&i), ["revoked"]);
    a.revoked_on = Some(d("2026-03-02"));
    i.authorization = Some(a);
    assert!(codes(&i).is_empty());
}

#[test]
fn psychotherapy_notes_may_not_be_compounded() {
    let mut i = intake(RequesterType::Attorney);
    let mut a = good_auth();
    a.specific_consent = vec![Category::Psythpn, Category::Hiv];
    i.authorization = Some(a.clone());
    assert_eq!(codes(&i), ["compound_authorization"]);
    a.specific_consent = vec![Category::Psythpn];
    i.authorization = Some(a.clone());
    assert!(codes(&i).is_empty());
    a.specific_consent = vec![Category::Eth, Category::Hiv];
    i.authorization = Some(a);
    assert!(codes(&i).is_empty());
}

#[test]
fn subpoenas_need_a_court_order_assurances_or_a_valid_authorization() {
    let mut i = intake(RequesterType::Subpoena);
    assert_eq!(codes(&i), ["court_order_or_assurances"]);
    i.court_order = true;
    assert!(codes(&i).is_empty());
    i.court_order = false;
    i.subpoena_assurances = true;
    assert!(codes(&i).is_empty());
    i.subpoena_assurances = false;
    i.authorization = Some(good_auth());
    assert!(codes(&i).is_empty());
    let mut bad = good_auth();
    bad.signed_on = None;
    i.authorization = Some(bad.clone());
    assert_eq!(codes(&i), ["court_order_or_assurances", "signature"]);
    // On a court order the (defective) authorization is not relied on.
    i.court_order = true;
    assert!(codes(&i).is_empty());
}

#[test]
fn law_enforcement_names_its_legal_process() {
    let mut i = intake(RequesterType::LawEnforcement);
    assert_eq!(codes(&i), ["legal_process"]);
    i.legal_process = Some(LegalProcess::Warrant);
    assert!(codes(&i).is_empty());
}

#[test]
fn codes_are_sorted_and_unique() {
    let mut i = intake(RequesterType::PersonalRepresentative);
    i.identity_verified = false;
    let mut a = Authorization {
        signer: Some(Signer::Representative),
        ..Authorization::default()
    };
    a.specific_consent = vec![Category::Psythpn, Category::Eth];
    i.authorization = Some(a);
    let got = codes(&i);
    let mut sorted = got.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(got, sorted);
    assert_eq!(got, ["identity_unverified", "representative_authority"]);
    for code in validate::CODES {
        assert!(!rule_of(code.0).is_empty());
    }
}

fn request(kind: RequesterType) -> RoiRequest {
    RoiRequest {
        id: RoiRequestId(1),
        intake: intake(kind),
        logged_at: d("2026-03-01").and_hms_opt(9, 0, 0).unwrap(),
        extension: None,
        qa: None,
        release: None,
        closure: None,
    }
}

#[test]
fn due_dates_and_the_one_extension() {
    let policy = RoiPolicy {
        due_days: 15,
        ..RoiPolicy::default()
    };
    let mut r = request(RequesterType::Patient);
    r.intake.received = d("2026-01-31");
    assert_eq!(due(&r, &policy), d("2026-03-02"));
    assert_eq!(days_left(&r, &policy, d("2026-03-04")), -2);
    // On the due date: allowed; a day late: refused.
    assert_eq!(
        extension_due(&r, &policy, d("2026-03-03"), "backlog"),
        Err(ExtensionRefused::TooLate {
            due: d("2026-03-02")
        })
    );
    let new_due = extension_due(&r, &policy, d("2026-03-02"), "backlog").unwrap();
    assert_eq!(new_due, d("2026-04-01"));
    r.extension = Some(Extension {
        on: d("2026-03-02"),
        reason: "backlog".into(),
        new_due,
        by: UserId(1),
    });
    assert_eq!(due(&r, &policy), new_due);
    assert_eq!(
        extension_due(&r, &policy, d("2026-03-02"), "again"),
        Err(ExtensionRefused::AlreadyExtended)
    );
    let other = request(RequesterType::Attorney);
    assert_eq!(due(&other, &policy), d("2026-03-16"));
    assert_eq!(
        extension_due(&other, &policy, d("2026-03-02"), "x"),
        Err(ExtensionRefused::NotPatientAccess)
    );
}

#[test]
fn fees() {
    let policy = RoiPolicy::default();
    let mut i = intake(RequesterType::Patient);
    assert_eq!(fee_cents(&i, &policy, 400), 650);
    i.format = Some(Format::Paper);
    i.delivery = Some(Delivery::Pickup);
    // Labour and supplies only: no search or retrieval fee.
    assert_eq!(fee_cents(&i, &policy, 10), 300);
    i.delivery = Some(Delivery::Mail);
    assert_eq!(fee_cents(&i, &policy, 10), 450);
    assert_eq!(
        fee_cents(&intake(RequesterType::ContinuingCare), &policy, 99),
        0
    );
    assert_eq!(
        fee_cents(&intake(RequesterType::Attorney), &policy, 10),
        3000
    );
    assert_eq!(
        fee_cents(&intake(RequesterType::CourtOrder), &policy, 10),
        0
    );
}

fn doc(id: &str, date: &str, cats: &[Category]) -> DocFacts {
    DocFacts {
        id: id.into(),
        date: d(date),
        doc_type: DocumentType::ProgressNote,
        categories: cats.iter().copied().collect::<BTreeSet<_>>(),
    }
}

fn docs() -> Vec<DocFacts> {
    vec![
        doc("plain", "2026-01-10", &[]),
        doc("hiv", "2026-01-11", &[Category::Hiv]),
        doc("eth", "2026-01-12", &[Category::Eth]),
        doc("note", "2026-01-13", &[Category::Psythpn, Category::Psy]),
        doc("old", "2025-01-01", &[Category::Hiv]),
    ]
}

fn withheld(s: &Selection) -> Vec<(&str, &str)> {
    s.withheld
        .iter()
        .map(|w| (w.document.as_str(), w.reason.as_str()))
        .collect()
}

#[test]
fn patients_get_their_sensitive_records_but_never_psychotherapy_notes() {
    let mut i = intake(RequesterType::Patient);
    i.scope.from = Some(d("2026-01-01"));
    let s = select(&i, &RoiPolicy::default(), d("2026-03-05"), &docs());
    assert_eq!(s.included, ["plain", "hiv", "eth"]);
    assert_eq!(withheld(&s), [("note", "PSYTHPN")]);
    assert!(s.psychotherapy_denied && s.part2_included);
}

#[test]
fn others_get_only_consented_categories() {
    let policy = RoiPolicy::default();
    let mut i = intake(RequesterType::Attorney);
    i.scope.from = Some(d("2026-01-01"));
    i.scope.to = Some(d("2026-01-12"));
    let mut a = good_auth();
    a.specific_consent = vec![Category::Hiv];
    i.authorization = Some(a);
    let s = select(&i, &policy, d("2026-03-05"), &docs());
    assert_eq!(s.included, ["plain", "hiv"]);
    assert_eq!(withheld(&s), [("eth", "ETH")]);
    assert!(!s.part2_included && !s.psychotherapy_denied);
    // Lapsed by the release date: the consent no longer counts.
    let s = select(&i, &policy, d("2027-02-01"), &docs());
    assert_eq!(s.included, ["plain"]);
    assert_eq!(
        check_release(&request_with(i), &policy, d("2027-02-01")).unwrap_err(),
        ReleaseRefused::AuthorizationLapsed("expired")
    );
}

fn request_with(i: RoiIntake) -> RoiRequest {
    let mut r = request(i.requester.kind);
    r.intake = i;
    r.qa = Some(QaCheck {
        by: UserId(1),
        at: d("2026-03-02").and_hms_opt(9, 0, 0).unwrap(),
    });
    r
}

#[test]
fn a_psychotherapy_notes_authorization_releases_only_the_notes() {
    let mut i = intake(RequesterType::Research);
    let mut a = good_auth();
    a.specific_consent = vec![Category::Psythpn];
    i.authorization = Some(a);
    i.scope.from = Some(d("2026-01-01"));
    let s = select(&i, &RoiPolicy::default(), d("2026-03-05"), &docs());
    assert_eq!(s.included, ["note"]);
    assert_eq!(withheld(&s), [("hiv", "HIV"), ("eth", "ETH")]);
}

#[test]
fn an_unneeded_authorization_counts_only_when_it_would_pass() {
    let policy = RoiPolicy::default();
    let mut i = intake(RequesterType::WorkersComp);
    let mut a = good_auth();
    a.specific_consent = vec![Category::Eth];
    a.statements.redisclosure = false;
    i.authorization = Some(a.clone());
    assert!(missing(&i, &policy).is_empty());
    let s = select(&i, &policy, d("2026-03-05"), &docs());
    assert!(withheld(&s).contains(&("eth", "ETH")));
    a.statements.redisclosure = true;
    i.authorization = Some(a);
    let s = select(&i, &policy, d("2026-03-05"), &docs());
    assert!(s.included.contains(&"eth".to_string()));
    // A lapsed unneeded one simply stops counting: the release is not refused.
    assert!(check_release(&request_with(i.clone()), &policy, d("2027-06-01")).is_ok());
    assert!(is_accountable(&i, &policy));
}

#[test]
fn release_refusals() {
    let policy = RoiPolicy::default();
    let mut r = request(RequesterType::Patient);
    r.intake.identity_verified = false;
    assert!(matches!(
        check_release(&r, &policy, d("2026-03-05")),
        Err(ReleaseRefused::OnHold(_))
    ));
    r.intake.identity_verified = true;
    assert_eq!(
        check_release(&r, &policy, d("2026-03-05")),
        Err(ReleaseRefused::NotQaConfirmed)
    );
    let mut revoked = intake(RequesterType::Insurer);
    let mut a = good_auth();
    a.revoked_on = Some(d("2026-03-04"));
    revoked.authorization = Some(a);
    assert_eq!(
        check_release(&request_with(revoked), &policy, d("2026-03-05")),
        Err(ReleaseRefused::AuthorizationLapsed("revoked"))
    );
}

#[test]
fn accountable_disclosures() {
    let policy = RoiPolicy::default();
    use RequesterType as T;
    for (kind, expected) in [
        (T::Patient, false),
        (T::PersonalRepresentative, false),
        (T::ContinuingCare, false),
        (T::Attorney, false),
        (T::Insurer, false),
        (T::CourtOrder, true),
        (T::LawEnforcement, true),
        (T::WorkersComp, true),
        (T::Disability, false),
        (T::Research, false),
    ] {
        let mut i = intake(kind);
        i.authorization = Some(good_auth());
        assert_eq!(is_accountable(&i, &policy), expected, "{kind}");
    }
    let mut s = intake(T::Subpoena);
    s.authorization = Some(good_auth());
    assert!(!is_accountable(&s, &policy));
    s.subpoena_assurances = true;
    assert!(is_accountable(&s, &policy));
}

#[test]
fn status_follows_the_request() {
    let mut r = request(RequesterType::Patient);
    assert_eq!(r.status(&["identity_unverified"], true), RoiStatus::OnHold);
    assert_eq!(r.status(&[], true), RoiStatus::InFulfillment);
    assert_eq!(r.status(&[], false), RoiStatus::Qa);
    r.release = Some(ReleaseRecord {
        on: d("2026-03-05"),
        by: UserId(1),
        included: Vec::new(),
        withheld: Vec::new(),
        pages: 1,
        fee_cents: 650,
    });
    assert_eq!(r.status(&[], true), RoiStatus::Released);
}
