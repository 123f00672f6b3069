//! Access-log review through the services: CSV, roster and AuditEvent imports
//! (idempotent, bad rows commit nothing and echo nothing), the rules on a FHIR chart
//! (snooping ranks, the look-alike on the encounter does not), the role gate, the case
//! flow with its audit trail, "who viewed my record", and the ranking eval.

use chartroom_domain::privacy::{CaseStatus, Determination};
use chartroom_domain::{AccessAction, FixedClock, Role};
use chartroom_services::privacy::{AlertRef, AlertsQuery, CaseAction};
use chartroom_services::{GenerateOptions, ServiceError, Services, Session};
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::json;
use std::path::Path;
use std::sync::Arc;

/// Services at 2026-03-20 12:00 UTC with the local session of `privacy1` (also the
/// letter tests').
pub(super) fn open(dir: &Path) -> (Services, Session) {
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 3, 20, 12, 0, 0).unwrap(),
    ));
    let services = Services::open(dir, clock).unwrap();
    let session = services.local_session("privacy1").unwrap();
    (services, session)
}

pub(super) fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// One chart (`pat-1`, Garcia, 12 Oak St) with an encounter on 5 North attended by
/// `prac-1`, imported as FHIR.
fn chart(services: &Services, session: &Session, dir: &Path) {
    let bundle = json!({ "resourceType": "Bundle", "type": "transaction", "entry": [
        { "resource": { "resourceType": "Practitioner", "id": "prac-1",
            "name": [{ "family": "Osei", "given": ["Kofi"] }] } },
        { "resource": { "resourceType": "Patient", "id": "pat-1",
            "name": [{ "family": "Garcia", "given": ["Ana"] }], "gender": "female",
            "birthDate": "1980-01-02",
            "address": [{ "line": ["12 Oak St"], "city": "Springfield", "state": "MA", "postalCode": "01101" }] } },
        { "resource": { "resourceType": "Encounter", "id": "enc-1", "status": "finished",
            "class": { "code": "IMP" }, "subject": { "reference": "Patient/pat-1" },
            "participant": [{ "individual": { "reference": "Practitioner/prac-1" } }],
            "location": [{ "location": { "display": "5 North Surgical" } }],
            "period": { "start": "2026-03-02T10:00:00Z", "end": "2026-03-06T10:00:00Z" } } }
    ]});
    let path = write(dir, "bundle.json", &bundle.to_string());
    services.import_fhir(session, &path).unwrap();
}

const ROSTER: &str = "user_id,name,department,role,home_address,linked_patient_id,provider_id
twin,Sam Garcia,5 North Surgical,nurse,1 Pine Rd Riverton MA 01999,,
snoop,Maria Garcia,Heart Center,clerk,2 Pine Rd Riverton MA 01999,,
doc,Kofi Osei,Surgery,physician,3 Pine Rd Riverton MA 01999,,prac-1
";

const LOG: &str = "timestamp,user_id,patient_id,action,workstation,department
2026-03-03T10:15:00-05:00,twin,pat-1,view,WS-5N-1,5 North Surgical
2026-03-04T11:00:00-05:00,snoop,pat-1,view,WS-HC-2,Heart Center
2026-03-04T11:05:00-05:00,snoop,pat-1,print,WS-HC-2,Heart Center
2026-03-03T09:00:00-05:00,doc,pat-1,view,WS-OR-1,Surgery
";

#[test]
fn csv_import_is_idempotent_and_bad_rows_commit_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = open(dir.path());
    let log = write(dir.path(), "log.csv", LOG);
    let first = services
        .import_access_csv(&session, &log, None, &mut |_| {})
        .unwrap();
    assert_eq!((first.read, first.added), (4, 4));
    let again = services
        .import_access_csv(&session, &log, None, &mut |_| {})
        .unwrap();
    assert_eq!((again.read, again.added), (4, 0));

    let bad = write(
        dir.path(),
        "bad.csv",
        "timestamp,user_id,patient_id,action,workstation,department\n\
         2026-03-05T10:00:00Z,nurse9,pat-1,view,,\n\
         2026-03-05 ten past ten,nurse9,SECRET-MRN-77,view,,\n",
    );
    let err = services
        .import_access_csv(&session, &bad, None, &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bad.csv") && err.contains("line 3") && err.contains("timestamp"),
        "{err}"
    );
    assert!(
        !err.contains("ten past") && !err.contains("SECRET"),
        "echoes a value: {err}"
    );
    let missing = write(
        dir.path(),
        "missing.csv",
        "timestamp,user_id,action\n2026-03-05T10:00:00Z,a,view\n",
    );
    let err = services
        .import_access_csv(&session, &missing, None, &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(err.contains("patient_id"), "{err}");
    let report = services
        .user_activity(&session, "nurse9", &AlertsQuery::default())
        .unwrap();
    assert!(report.lines.is_empty(), "the bad file committed rows");
}

#[test]
fn mapping_reads_another_layout() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = open(dir.path());
    let log = write(
        dir.path(),
        "epic.txt",
        "When|Who|MRN|What\n03/04/2026 23:10|snoop|pat-1|view\n",
    );
    let mapping = write(
        dir.path(),
        "map.toml",
        "timestamp = \"When\"\nuser_id = \"Who\"\npatient_id = \"MRN\"\naction = \"What\"\n\
         time_format = \"%m/%d/%Y %H:%M\"\nutc_offset = \"-05:00\"\ndelimiter = \"|\"\n",
    );
    let report = services
        .import_access_csv(&session, &log, Some(&mapping), &mut |_| {})
        .unwrap();
    assert_eq!(report.added, 1);
    let activity = services
        .user_activity(&session, "snoop", &AlertsQuery::default())
        .unwrap();
    assert_eq!(
        activity.lines[0].record.time,
        Utc.with_ymd_and_hms(2026, 3, 5, 4, 10, 0).unwrap()
    );
}

#[test]
fn rules_rank_the_snoop_above_the_nurse_on_the_encounter() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = open(dir.path());
    chart(&services, &session, dir.path());
    let roster = write(dir.path(), "roster.csv", ROSTER);
    assert_eq!(
        services.import_roster(&session, &roster).unwrap().changed,
        3
    );
    assert_eq!(
        services.import_roster(&session, &roster).unwrap().changed,
        0
    );
    services
        .import_access_csv(
            &session,
            &write(dir.path(), "log.csv", LOG),
            None,
            &mut |_| {},
        )
        .unwrap();
    let alerts = services
        .privacy_alerts(&session, &AlertsQuery::default())
        .unwrap();
    let top = &alerts[0].alert;
    assert_eq!(
        (top.user_id.as_str(), top.patient_id.as_str()),
        ("snoop", "pat-1")
    );
    let codes: Vec<&str> = top.rules.iter().map(|r| r.code()).collect();
    assert!(
        codes.contains(&"same_last_name") && codes.contains(&"no_care_relationship"),
        "{codes:?}"
    );
    assert!(top.score >= 60 && top.why.contains("last name"), "{top:?}");
    assert!(
        alerts
            .iter()
            .all(|a| a.alert.user_id != "twin" && a.alert.user_id != "doc"),
        "{alerts:?}"
    );

    // Who viewed the record: every user, oldest first, with the roster's columns.
    let lines = services
        .access_report(&session, "pat-1", &AlertsQuery::default())
        .unwrap();
    let users: Vec<&str> = lines.iter().map(|l| l.record.user.as_str()).collect();
    assert_eq!(users, vec!["doc", "twin", "snoop", "snoop"]);
    assert_eq!(lines[1].department, "5 North Surgical");
    let window = AlertsQuery {
        from: NaiveDate::from_ymd_opt(2026, 3, 4),
        to: NaiveDate::from_ymd_opt(2026, 3, 4),
        include_disposed: true,
    };
    assert_eq!(
        services
            .access_report(&session, "pat-1", &window)
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn review_needs_the_privacy_role_and_every_action_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (services, admin) = open(dir.path());
    chart(&services, &admin, dir.path());
    services
        .import_roster(&admin, &write(dir.path(), "roster.csv", ROSTER))
        .unwrap();
    services
        .import_access_csv(
            &admin,
            &write(dir.path(), "log.csv", LOG),
            None,
            &mut |_| {},
        )
        .unwrap();
    let mut clerk = admin.clone();
    clerk.user.role = Role::Clerk;
    assert!(matches!(
        services.privacy_alerts(&clerk, &AlertsQuery::default()),
        Err(ServiceError::Forbidden { .. })
    ));
    let mut privacy = admin.clone();
    privacy.user.role = Role::Privacy;
    let alerts = services
        .privacy_alerts(&privacy, &AlertsQuery::default())
        .unwrap();
    let a = &alerts[0].alert;
    let id = services
        .promote_alerts(
            &privacy,
            &[AlertRef {
                user_id: a.user_id.clone(),
                patients: vec![a.patient_id.clone()],
                score: a.score,
                rules: a.rules.iter().map(|r| r.code().to_string()).collect(),
            }],
            None,
        )
        .unwrap();
    // A promoted alert leaves the queue.
    assert!(services
        .privacy_alerts(&privacy, &AlertsQuery::default())
        .unwrap()
        .iter()
        .all(|v| v.alert.user_id != "snoop"));
    assert!(services
        .case_action(&privacy, id, CaseAction::Close, "")
        .is_err());
    services
        .case_action(&privacy, id, CaseAction::StartReview, "")
        .unwrap();
    let case = services
        .case_action(
            &privacy,
            id,
            CaseAction::Determine(Determination::BreachAssessment),
            "viewed twice",
        )
        .unwrap();
    assert_eq!(case.notice_due(), NaiveDate::from_ymd_opt(2026, 5, 19));
    services
        .case_action(&privacy, id, CaseAction::Close, "")
        .unwrap();
    let case = services
        .case_action(&privacy, id, CaseAction::Reopen, "new facts")
        .unwrap();
    assert_eq!(case.status, CaseStatus::UnderReview);
    assert_eq!(case.history.len(), 5);
    assert!(services
        .case_action(&clerk, id, CaseAction::Close, "")
        .is_err());
    let audit = services.audit_trail(&admin, None, 100).unwrap();
    let moves = audit
        .iter()
        .filter(|e| e.event.event.action == AccessAction::PrivacyCase)
        .count();
    assert_eq!(moves, 5);
}

#[test]
fn auditevent_samples_import_once() {
    let Some(balp) = chartroom_testkit::shared_data("fhir-auditevent-ihe-balp/json") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = open(dir.path());
    let first = services.import_auditevents(&session, &balp).unwrap();
    assert!(first.read >= 30 && first.added >= 1, "{first:?}");
    assert!(
        first.skipped >= 5,
        "NoPatient/NoUser samples are skipped: {first:?}"
    );
    let again = services.import_auditevents(&session, &balp).unwrap();
    assert_eq!(again.added, 0);
    let lines = services
        .access_report(&session, "ex-patient", &AlertsQuery::default())
        .unwrap();
    assert!(lines.iter().any(|l| l.record.action == "read"), "{lines:?}");
    if let Some(spec) = chartroom_testkit::shared_data("fhir-r4-spec-examples/AuditEvent") {
        let report = services.import_auditevents(&session, &spec).unwrap();
        assert!(report.read >= 1, "{report:?}");
    }
    if let Some(xml) = chartroom_testkit::shared_data("fhir-auditevent-ch-epr-atc") {
        let err = services
            .import_auditevents(&session, &xml)
            .unwrap_err()
            .to_string();
        assert!(err.contains("XML"), "{err}");
    }
}

#[test]
fn planted_snooping_ranks_first() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = open(dir.path());
    let options = GenerateOptions {
        patients: 600,
        as_of: NaiveDate::from_ymd_opt(2026, 3, 20).unwrap(),
        ..GenerateOptions::default()
    };
    let report = services.privacy_eval(&session, &options).unwrap();
    println!("{report}");
    let snoops: Vec<_> = report.ranks.iter().filter(|r| !r.case.legit).collect();
    assert!(snoops.len() >= 12, "{report}");
    assert!(snoops.iter().all(|r| r.rank.is_some()), "{report}");
    assert!(report.precision_at_k >= 0.8, "{report}");
    for r in report.ranks.iter().filter(|r| r.case.legit) {
        assert!(
            r.rank.is_none_or(|n| n > report.k),
            "look-alike ranks high: {report}"
        );
    }
}

/// A measurement, not a test: `cargo test -p chartroom-services --test services
/// privacy_bench -- --ignored --nocapture` (`PRIVACY_BENCH_EVENTS`, default 1,000,000).
/// Prints `name value unit` lines: CSV ingest rate, re-import, one patient's history,
/// one user's activity, and the rule run over the month.
#[test]
#[ignore]
fn privacy_bench() {
    use std::io::Write as _;
    use std::time::Instant;
    let events: usize = std::env::var("PRIVACY_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = open(dir.path());
    let options = GenerateOptions {
        patients: 2000,
        as_of: NaiveDate::from_ymd_opt(2026, 3, 20).unwrap(),
        ..GenerateOptions::default()
    };
    services.privacy_eval(&session, &options).unwrap();
    let ids: Vec<String> = services
        .sample_patients(&session, 2000, "privacy bench")
        .unwrap()
        .into_iter()
        .map(|r| r.patient.source_id())
        .collect();
    let log = dir.path().join("month.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&log).unwrap());
    writeln!(
        out,
        "timestamp,user_id,patient_id,action,workstation,department"
    )
    .unwrap();
    let mut x: u64 = 7;
    let mut next = |n: usize| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((x >> 33) as usize) % n
    };
    for i in 0..events {
        let day = 1 + (i * 30 / events);
        let u = next(2000);
        writeln!(
            out,
            "2026-02-{:02}T{:02}:{:02}:{:02}-05:00,u{u:04},{},view,WS-{},Unit {}",
            day.min(28),
            next(24),
            next(60),
            next(60),
            ids[next(ids.len())],
            u % 97,
            u % 12
        )
        .unwrap();
    }
    out.flush().unwrap();
    drop(out);
    let started = Instant::now();
    let report = services
        .import_access_csv(&session, &log, None, &mut |_| {})
        .unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!("access_import_events {} events", report.read);
    println!("access_import_seconds {secs:.3} s");
    println!(
        "access_import_rate {:.0} events/s",
        report.read as f64 / secs
    );
    let again = services
        .import_access_csv(&session, &log, None, &mut |_| {})
        .unwrap();
    println!("access_reimport_added {} events", again.added);
    let month = AlertsQuery {
        from: NaiveDate::from_ymd_opt(2026, 2, 1),
        to: NaiveDate::from_ymd_opt(2026, 2, 28),
        include_disposed: true,
    };
    let started = Instant::now();
    let lines = services.access_report(&session, &ids[0], &month).unwrap();
    println!(
        "patient_history_ms {:.1} ms ({} events)",
        started.elapsed().as_secs_f64() * 1000.0,
        lines.len()
    );
    let started = Instant::now();
    let activity = services.user_activity(&session, "u0001", &month).unwrap();
    println!(
        "user_activity_ms {:.1} ms ({} events)",
        started.elapsed().as_secs_f64() * 1000.0,
        activity.lines.len()
    );
    let day = AlertsQuery {
        from: NaiveDate::from_ymd_opt(2026, 2, 10),
        to: NaiveDate::from_ymd_opt(2026, 2, 10),
        include_disposed: true,
    };
    let started = Instant::now();
    let alerts = services.privacy_alerts(&session, &day).unwrap();
    println!(
        "alerts_day_seconds {:.3} s ({} alerts)",
        started.elapsed().as_secs_f64(),
        alerts.len()
    );
    let started = Instant::now();
    let alerts = services.privacy_alerts(&session, &month).unwrap();
    println!(
        "alerts_month_seconds {:.3} s ({} alerts)",
        started.elapsed().as_secs_f64(),
        alerts.len()
    );
}

/// A run over one day: the coder's usual sixty charts a day (read from the ten days
/// before the period) are no spike; the clerk who usually opens five is one.
#[test]
fn a_one_day_run_takes_the_spike_baseline_from_the_days_before() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = open(dir.path());
    let mut log = String::from("timestamp,user_id,patient_id,action,workstation,department\n");
    for day in 1..=11 {
        let (coder, clerk) = (60, if day == 11 { 60 } else { 5 });
        for p in 0..coder {
            log.push_str(&format!(
                "2026-03-{day:02}T10:{:02}:00-05:00,coder,c{day}-{p},view,WS-1,Coding\n",
                p % 60
            ));
        }
        for p in 0..clerk {
            log.push_str(&format!(
                "2026-03-{day:02}T11:{:02}:00-05:00,clerk,k{day}-{p},view,WS-2,Registration\n",
                p % 60
            ));
        }
    }
    let path = write(dir.path(), "days.csv", &log);
    services
        .import_access_csv(&session, &path, None, &mut |_| {})
        .unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 3, 11);
    let spikes: Vec<String> = services
        .privacy_alerts(
            &session,
            &AlertsQuery {
                from: day,
                to: day,
                include_disposed: true,
            },
        )
        .unwrap()
        .into_iter()
        .filter(|a| a.alert.is_spike())
        .map(|a| a.alert.user_id)
        .collect();
    assert_eq!(spikes, vec!["clerk".to_string()]);
}
