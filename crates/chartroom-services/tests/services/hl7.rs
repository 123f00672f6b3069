//! HL7 v2 through the services: the file import (audited, indexed), A40 merges that
//! searches follow to the survivor, unmerge, and the feed's ACKs and resends.

use chartroom_domain::SystemClock;
use chartroom_services::{AckCode, Services};
use std::sync::Arc;

const MESSAGES: &str = "MSH|^~\\&|REG|HOSP|CHART|HIM|20240301083000||ADT^A01|C1|P|2.5
PID|1||1234567890^^^HOSP^MR||Quintanilla^Rosalind||19800214|F
PV1|1|I|||||||||||||||||V100|||||||||||||||||||||||||20240301080000
MSH|^~\\&|REG|HOSP|CHART|HIM|20240302||ADT^A04|C2|P|2.5
PID|1||AB777^^^HOSP^MR||Quintanila^Rosalyn||19800214|F
PV1|1|O|||||||||||||||||V200
MSH|^~\\&|REG|HOSP|CHART|HIM|20240303||ADT^A03|C3|P|2.5
PID|1||1234567890^^^HOSP^MR
PV1|1|I|||||||||||||||||V100
";

const A40: &str = "MSH|^~\\&|REG|HOSP|CHART|HIM|20240304||ADT^A40|C4|P|2.5
EVN|A40|20240304
PID|1||1234567890^^^HOSP^MR
MRG|AB777^^^HOSP^MR
";

#[test]
fn import_merge_search_and_unmerge() {
    let dir = tempfile::tempdir().unwrap();
    let services = Services::open(dir.path(), Arc::new(SystemClock)).unwrap();
    let admin = services.local_session("boss").unwrap();
    let file = dir.path().join("feed.hl7");
    std::fs::write(&file, MESSAGES.replace('\n', "\r")).unwrap();
    let (report, applied) = services.import_hl7(&admin, &file).unwrap();
    assert_eq!((report.applied, report.patients_added), (3, 2), "{report}");
    assert!(applied >= 2);

    let survivor = services.search_patients(&admin, "1234567890", 5).unwrap()[0]
        .patient
        .clone();
    let retired = services.search_patients(&admin, "AB777", 5).unwrap()[0]
        .patient
        .clone();
    assert_ne!(survivor.id, retired.id);
    assert_eq!(retired.mrn_text(), "AB777");

    std::fs::write(&file, A40.replace('\n', "\r")).unwrap();
    let (report, _) = services.import_hl7(&admin, &file).unwrap();
    assert_eq!(report.merges, 1, "{report}");
    // The retired chart's MRN, name and visit number all lead to the survivor.
    for query in ["AB777", "V200", "Quintanila Rosalyn"] {
        let hits = services.search_patients(&admin, query, 5).unwrap();
        assert!(hits.iter().all(|h| h.patient.id != retired.id), "{query}");
        let first = &hits[0];
        assert_eq!(first.patient.id, survivor.id, "{query}");
        assert!(
            first.why.iter().any(|w| w.contains("merged into")),
            "{query}: {:?}",
            first.why
        );
    }
    // Recorded and reversible.
    let record = services.merge_of(&admin, retired.id).unwrap().unwrap();
    assert_eq!(record.survivor, survivor.id);
    services
        .unmerge_chart(&admin, retired.id, "not the same person")
        .unwrap();
    assert!(services.merge_of(&admin, retired.id).unwrap().is_none());
    let hits = services.search_patients(&admin, "AB777", 5).unwrap();
    assert_eq!(hits[0].patient.id, retired.id);
    let trail = services.audit_trail(&admin, None, 100).unwrap();
    assert!(trail.iter().any(|e| e.event.event.action.code() == "merge"));
}

#[test]
fn feed_acks_after_commit_and_applies_a_resend_once() {
    let dir = tempfile::tempdir().unwrap();
    let services = Services::open(dir.path(), Arc::new(SystemClock)).unwrap();
    let admin = services.local_session("boss").unwrap();
    let feed = services.open_hl7_feed(&admin, "test").unwrap();
    let first = MESSAGES.split("MSH").nth(1).unwrap();
    let message = format!("MSH{first}").replace('\n', "\r");
    let answer = services.hl7_message(&feed, message.as_bytes());
    assert_eq!(answer.code, AckCode::Accept, "{:?}", answer.reason);
    let ack = String::from_utf8(answer.ack).unwrap();
    assert!(ack.starts_with("MSH|^~\\&|CHART|HIM|REG|HOSP|"), "{ack}");
    assert!(ack.contains("\rMSA|AA|C1|"), "{ack}");
    let again = services.hl7_message(&feed, message.as_bytes());
    assert!(again.duplicate);
    assert_eq!(again.code, AckCode::Accept);
    services.hl7_feed_sync(&feed).unwrap();
    let hits = services.search_patients(&admin, "1234567890", 5).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(services.status().unwrap().patients, 1);

    let garbled = services.hl7_message(&feed, b"MSH|^~\\&|X\rthis is not a segment\r");
    assert_eq!(garbled.code, AckCode::Reject);
    let unknown = services.hl7_message(
        &feed,
        b"MSH|^~\\&|REG|HOSP|||2024||ADT^A08|Z9|P|2.5\rPID|1||nobody^^^HOSP^MR\r",
    );
    assert_eq!(unknown.code, AckCode::Error);
    let ack = String::from_utf8(unknown.ack).unwrap();
    assert!(ack.contains("MSA|AE|Z9|unknown patient"), "{ack}");
    assert!(ack.contains("\rERR|"), "{ack}");
    let stats = feed.stats();
    assert_eq!(stats.duplicates, 1);
    assert_eq!(stats.by_code.get("AE"), Some(&1));
}

/// Commits a patient straight to the store, leaving its index change in the outbox.
fn commit_patient_behind_the_index(services: &Services, given: &str, dob: (i32, u32, u32)) {
    let mut tx = services.store_for_tests().write().unwrap();
    let mut p = chartroom_testkit::patient(given, "Chart", dob);
    p.id = tx.next_patient_id().unwrap();
    p.mrn = tx.next_mrn().unwrap();
    tx.put_patient(&p).unwrap();
    tx.commit().unwrap();
}

/// A process killed between a store commit and its index update leaves outbox entries:
/// `verify` lists them as queued, not as drift, and still finds real drift.
#[test]
fn verify_counts_queued_changes_as_pending_not_drift() {
    let dir = tempfile::tempdir().unwrap();
    {
        let services = Services::open(dir.path(), Arc::new(SystemClock)).unwrap();
        services.leave_outbox_on_drop_for_tests();
        commit_patient_behind_the_index(&services, "Queued", (1970, 1, 1));
    }
    let report = chartroom_services::verify(dir.path()).unwrap();
    assert!(report.first_problem().is_none(), "{:?}", report.checks);
    assert_eq!(
        report.checks[0].detail,
        "1 changes pending, applied on next open (not drift)"
    );
    assert!(
        report.checks[1].detail.contains("pending in the outbox"),
        "{:?}",
        report.checks
    );
}

/// A command leaving early (its error after a commit) brings the index up to date for
/// what it committed: dropping the services applies the outbox, and `verify` finds
/// nothing pending. A signal's handler applies it without the store's writer.
#[test]
fn leaving_early_brings_the_index_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    {
        let services = Services::open(dir.path(), Arc::new(SystemClock)).unwrap();
        commit_patient_behind_the_index(&services, "Early", (1970, 1, 1));
        // an error here would drop the services on its way out
    }
    let report = chartroom_services::verify(dir.path()).unwrap();
    assert!(report.first_problem().is_none(), "{:?}", report.checks);
    assert_eq!(report.checks[0].detail, "0 changes pending");

    let services = Services::open(dir.path(), Arc::new(SystemClock)).unwrap();
    services.leave_outbox_on_drop_for_tests();
    commit_patient_behind_the_index(&services, "Signal", (1971, 2, 2));
    // the store's writer is held (an import mid-file) while the signal handler runs
    let writer = services.store_for_tests().write().unwrap();
    assert_eq!(services.catch_up_index_before_exit().unwrap(), 1);
    drop(writer);
    drop(services);
    let report = chartroom_services::verify(dir.path()).unwrap();
    assert!(report.first_problem().is_none(), "{:?}", report.checks);
    // applied to the index, acknowledged by the next open
    assert!(
        report.checks[1].detail.starts_with("2 in store and index"),
        "{:?}",
        report.checks
    );
}

/// The running feed is registered with the services: its counts and refusals reach an
/// admin's session (the Admin workspace, `hl7 stats`), and a clerk is refused them.
#[test]
fn feed_stats_come_through_the_session_and_a_clerk_is_refused() {
    use chartroom_domain::Role;
    use chartroom_services::{NewUser, ServiceError, Session};
    let dir = tempfile::tempdir().unwrap();
    let services = Services::open(dir.path(), Arc::new(SystemClock)).unwrap();
    let admin = services.local_session("boss").unwrap();
    assert_eq!(services.hl7_feed_stats(&admin).unwrap(), None);

    let feed = Arc::new(services.open_hl7_feed(&admin, "127.0.0.1:2575").unwrap());
    services.register_hl7_feed(feed.clone());
    for message in MESSAGES.split("MSH").skip(1) {
        let message = format!("MSH{message}").replace('\n', "\r");
        let answer = services.hl7_message(&feed, message.as_bytes());
        assert_eq!(answer.code, AckCode::Accept, "{:?}", answer.reason);
    }
    services.hl7_message(
        &feed,
        b"MSH|^~\\&|REG|HOSP|||2024||ADT^A08|Z9|P|2.5\rPID|1||nobody^^^HOSP^MR\r",
    );
    services.hl7_message(&feed, b"MSH|^~\\&|X\rthis is not a segment\r");

    let stats = services.hl7_feed_stats(&admin).unwrap().unwrap();
    assert_eq!(stats.listen, "127.0.0.1:2575");
    assert_eq!(
        (
            stats.adt("A01"),
            stats.adt("A04"),
            stats.adt("A03"),
            stats.adt("A08")
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(stats.other_than(&["A01", "A04", "A08", "A03", "A40"]), 1);
    assert_eq!(
        (stats.code("AA"), stats.code("AE"), stats.code("AR")),
        (3, 1, 1)
    );
    assert_eq!(stats.recent_errors.len(), 2);
    let unknown = &stats.recent_errors[0];
    assert_eq!((unknown.code, unknown.control_id.as_str()), ("AE", "Z9"));
    assert!(unknown.reason.starts_with("unknown patient"), "{unknown:?}");
    // A refusal names the message, never a value from it.
    assert!(!unknown.to_string().contains("nobody"), "{unknown}");
    assert_eq!(stats.recent_errors[1].code, "AR");

    let data = services.data_overview(&admin).unwrap();
    assert_eq!((data.patients, data.encounters), (2, 2));
    assert!(
        data.audit_events > 0 && data.schema_version >= 2,
        "{data:?}"
    );

    let clerk = services
        .add_user(
            &admin,
            NewUser {
                username: "clerk1".into(),
                display_name: String::new(),
                role: Role::Clerk,
                department: "HIM".into(),
                ssh_keys: vec![
                    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm3ZkBpG3cJcUOyTWl2D8yD1pK9mR4v0P7wKQ0xY2a3 c@d"
                        .into(),
                ],
            },
        )
        .unwrap();
    let clerk = Session {
        user: clerk,
        id: "test".into(),
        client: "127.0.0.1:5000".into(),
    };
    assert!(matches!(
        services.hl7_feed_stats(&clerk),
        Err(ServiceError::Forbidden { .. })
    ));
    assert!(matches!(
        services.data_overview(&clerk),
        Err(ServiceError::Forbidden { .. })
    ));
}
