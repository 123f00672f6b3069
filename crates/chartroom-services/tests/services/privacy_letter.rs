//! "Who viewed my record" for the patient and the Privacy workspace's timelines: the
//! letter as PDF and text (the users' names, none of another patient's accesses, no
//! user ids or workstations), its refusal and audit; the patient timeline and the user
//! activity through `ChartServices`, role-gated and audited.

use super::privacy::{open, write};
use chartroom_domain::{AccessAction, Role};
use chartroom_services::privacy::{AlertsQuery, LetterFormat};
use chartroom_services::{ChartServices, ServiceError, Services, Session};
use chrono::NaiveDate;
use serde_json::json;
use std::path::Path;

/// Two charts: `pat-1` (Ana Garcia, 12 Oak St) and `pat-2` (Bo Lind), and a log where
/// three staff look at pat-1 and a fourth only at pat-2.
fn setup(dir: &Path) -> (Services, Session) {
    let (services, session) = open(dir);
    let bundle = json!({ "resourceType": "Bundle", "type": "transaction", "entry": [
        { "resource": { "resourceType": "Patient", "id": "pat-1",
            "name": [{ "family": "Garcia", "given": ["Ana"] }], "gender": "female",
            "birthDate": "1980-01-02",
            "address": [{ "line": ["12 Oak St"], "city": "Springfield", "state": "MA", "postalCode": "01101" }] } },
        { "resource": { "resourceType": "Patient", "id": "pat-2",
            "name": [{ "family": "Lind", "given": ["Bo"] }], "gender": "male",
            "birthDate": "1970-05-06" } }
    ]});
    services
        .import_fhir(&session, &write(dir, "bundle.json", &bundle.to_string()))
        .unwrap();
    let roster = "user_id,name,department,role,home_address,linked_patient_id,provider_id
twin,Sam Garcia,5 North Surgical,nurse,1 Pine Rd Riverton MA 01999,,
snoop,Maria Garcia,Heart Center,clerk,2 Pine Rd Riverton MA 01999,,
doc,Kofi Osei,Surgery,physician,3 Pine Rd Riverton MA 01999,,prac-1
nosy,Nils Otherly,Radiology,technologist,4 Pine Rd Riverton MA 01999,,
";
    services
        .import_roster(&session, &write(dir, "roster.csv", roster))
        .unwrap();
    let log = "timestamp,user_id,patient_id,action,workstation,department
2026-03-03T10:15:00-05:00,twin,pat-1,view,WS-5N-1,5 North Surgical
2026-03-04T11:00:00-05:00,snoop,pat-1,view,WS-HC-2,Heart Center
2026-03-04T11:05:00-05:00,snoop,pat-1,print,WS-HC-2,Heart Center
2026-03-03T09:00:00-05:00,doc,pat-1,view,WS-OR-1,Surgery
2026-03-05T09:30:00-05:00,nosy,pat-2,view,WS-RAD-7,Radiology
2026-03-06T09:30:00-05:00,nosy,pat-2,update,WS-RAD-7,Radiology
";
    services
        .import_access_csv(&session, &write(dir, "log.csv", log), None, &mut |_| {})
        .unwrap();
    (services, session)
}

fn privacy(session: &Session) -> Session {
    let mut s = session.clone();
    s.user.role = Role::Privacy;
    s
}

#[test]
fn privacy_letter_pdf_names_the_staff_and_nothing_of_another_patient() {
    let dir = tempfile::tempdir().unwrap();
    let (services, admin) = setup(dir.path());
    let officer = privacy(&admin);
    let out = dir.path().join("letter.pdf");
    let summary = services
        .write_access_letter(&officer, "pat-1", &AlertsQuery::default(), &out)
        .unwrap();
    assert_eq!(
        (summary.format, summary.accesses, summary.pages),
        (LetterFormat::Pdf, 4, 1)
    );
    assert!(summary.addressed);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    // The text streams are uncompressed: the names are in the bytes.
    let text = String::from_utf8_lossy(&bytes);
    for name in [
        "Kofi Osei",
        "Sam Garcia",
        "Maria Garcia",
        "Ana Garcia",
        "12 Oak St",
    ] {
        assert!(text.contains(name), "{name} missing");
    }
    assert!(text.contains("Heart Center") && text.contains("printed"));
    assert!(text.contains("2026-03-04 11:05"), "local times: {text}");
    assert!(text.contains("UTC-05:00"));
    // Nothing of the other patient, and no user ids or workstations.
    for absent in [
        "Nils Otherly",
        "Radiology",
        "Lind",
        "pat-2",
        "snoop",
        "WS-HC-2",
    ] {
        assert!(!text.contains(absent), "{absent} leaked into the letter");
    }

    // A window: only its accesses, and the period in words.
    let window = AlertsQuery {
        from: NaiveDate::from_ymd_opt(2026, 3, 4),
        to: NaiveDate::from_ymd_opt(2026, 3, 4),
        include_disposed: true,
    };
    let txt = dir.path().join("letter.txt");
    let summary = services
        .write_access_letter(&officer, "pat-1", &window, &txt)
        .unwrap();
    assert_eq!((summary.format, summary.accesses), (LetterFormat::Text, 2));
    let letter = std::fs::read_to_string(&txt).unwrap();
    let words = letter.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("used your record on March 4, 2026, as our computer"),
        "{letter}"
    );
    assert!(letter.contains("Maria Garcia") && !letter.contains("Kofi Osei"));
    assert!(letter.lines().all(|l| l.chars().count() <= 84), "{letter}");
    assert!(letter.contains("Contact: the Privacy Office"));

    // The contact line comes from config.toml when it names one.
    std::fs::write(
        dir.path().join("config.toml"),
        "privacy_contact = \"Privacy Office, 1 Main St, (555) 010-0199\"\n",
    )
    .unwrap();
    services
        .write_access_letter(&officer, "pat-1", &window, &txt)
        .unwrap();
    let letter = std::fs::read_to_string(&txt).unwrap();
    assert!(letter.contains("(555) 010-0199"), "{letter}");
}

#[test]
fn privacy_letter_is_refused_without_the_role_or_a_chart_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (services, admin) = setup(dir.path());
    let mut clerk = admin.clone();
    clerk.user.role = Role::Clerk;
    let out = dir.path().join("letter.pdf");
    assert!(matches!(
        services.write_access_letter(&clerk, "pat-1", &AlertsQuery::default(), &out),
        Err(ServiceError::Forbidden { .. })
    ));
    assert!(!out.exists());
    let officer = privacy(&admin);
    assert!(services
        .write_access_letter(
            &officer,
            "pat-1",
            &AlertsQuery::default(),
            &dir.path().join("x.doc")
        )
        .is_err());
    assert!(matches!(
        services.write_access_letter(&officer, "no-such", &AlertsQuery::default(), &out),
        Err(ServiceError::NotFound { .. })
    ));
    services
        .write_access_letter(&officer, "pat-1", &AlertsQuery::default(), &out)
        .unwrap();
    let audit = services.audit_trail(&admin, None, 100).unwrap();
    let letters: Vec<&str> = audit
        .iter()
        .filter(|e| e.event.event.action == AccessAction::AccessReview)
        .map(|e| e.event.event.detail.as_str())
        .filter(|d| d.starts_with("access letter"))
        .collect();
    assert_eq!(letters, vec!["access letter (pdf): 4 accesses, 1 page(s)"]);
}

#[test]
fn privacy_timeline_and_activity_through_chart_services() {
    let dir = tempfile::tempdir().unwrap();
    let (services, admin) = setup(dir.path());
    let officer = privacy(&admin);
    let seam: &dyn ChartServices = &services;
    let timeline = seam.patient_timeline(&officer, "pat-1").unwrap();
    let users: Vec<&str> = timeline.iter().map(|l| l.record.user.as_str()).collect();
    assert_eq!(users, vec!["doc", "twin", "snoop", "snoop"]);
    assert_eq!(timeline[0].user_name, "Kofi Osei");
    let activity = seam.user_activity(&officer, "nosy").unwrap();
    assert_eq!(activity.lines.len(), 2);
    assert_eq!(activity.patients, 1);
    assert_eq!(
        activity.per_day,
        vec![
            (NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(), 1),
            (NaiveDate::from_ymd_opt(2026, 3, 6).unwrap(), 1)
        ]
    );
    let mut clerk = admin.clone();
    clerk.user.role = Role::Clerk;
    assert!(matches!(
        seam.patient_timeline(&clerk, "pat-1"),
        Err(ServiceError::Forbidden { .. })
    ));
    assert!(matches!(
        seam.user_activity(&clerk, "nosy"),
        Err(ServiceError::Forbidden { .. })
    ));
    let audit = services.audit_trail(&admin, None, 100).unwrap();
    let reviews: Vec<&str> = audit
        .iter()
        .filter(|e| e.event.event.action == AccessAction::AccessReview)
        .map(|e| e.event.event.detail.as_str())
        .collect();
    assert!(
        reviews.contains(&"access report: 4 accesses")
            && reviews.contains(&"user activity: 2 accesses"),
        "{reviews:?}"
    );
}
