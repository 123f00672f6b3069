//! Chart completion end to end through FHIR: each template rule fires and does not
//! fire, due dates in the discharge's own offset (month ends, leap days), re-analysis
//! that records nothing twice and completes what the chart now holds, the lifecycle.

use chartroom_domain::completion::Transition;
use chartroom_domain::{DeficiencyStatus, FixedClock};
use chartroom_services::completion::{DeficiencyFilter, DeficiencyRow};
use chartroom_services::{Services, Session};
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;

fn open(dir: &Path) -> (Services, Session) {
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap(),
    ));
    let services = Services::open(dir, clock).unwrap();
    let session = services.local_session("analyst1").unwrap();
    (services, session)
}

fn import(services: &Services, session: &Session, dir: &Path, name: &str, resources: Vec<Value>) {
    let entries: Vec<Value> = resources
        .into_iter()
        .map(|r| json!({ "resource": r }))
        .collect();
    let bundle = json!({ "resourceType": "Bundle", "type": "collection", "entry": entries });
    let path = dir.join(name);
    std::fs::write(&path, bundle.to_string()).unwrap();
    services.import_fhir(session, &path).unwrap();
}

fn patient() -> Value {
    json!({ "resourceType": "Patient", "id": "pat-1",
            "name": [{ "family": "Okafor", "given": ["Ada"] }],
            "gender": "female", "birthDate": "1970-02-03" })
}

fn practitioner(id: &str, family: &str) -> Value {
    json!({ "resourceType": "Practitioner", "id": id, "name": [{ "family": family, "given": ["Sam"] }] })
}

fn encounter(id: &str, class: &str, start: &str, end: Option<&str>) -> Value {
    let mut e = json!({ "resourceType": "Encounter", "id": id, "status": "finished",
        "class": { "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": class },
        "subject": { "reference": "Patient/pat-1" },
        "participant": [
            { "type": [{ "coding": [{ "code": "CON" }] }], "individual": { "reference": "Practitioner/dr-consult" } },
            { "type": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "ATND" }] }],
              "individual": { "reference": "Practitioner/dr-attend" } }
        ],
        "period": { "start": start } });
    if let Some(end) = end {
        e["period"]["end"] = json!(end);
    }
    e
}

fn document(id: &str, encounter: &str, loinc: &str, date: &str, status: Option<&str>) -> Value {
    let mut d = json!({ "resourceType": "DocumentReference", "id": id, "status": "current",
        "type": { "coding": [{ "system": "http://loinc.org", "code": loinc }] },
        "subject": { "reference": "Patient/pat-1" },
        "author": [{ "reference": "Practitioner/dr-author" }],
        "date": date,
        "context": { "encounter": [{ "reference": format!("Encounter/{encounter}") }] } });
    if let Some(s) = status {
        d["docStatus"] = json!(s);
    }
    d
}

fn procedure(id: &str, encounter: &str, start: &str, surgical: bool) -> Value {
    let category = if surgical { "387713003" } else { "103693007" };
    json!({ "resourceType": "Procedure", "id": id, "status": "completed",
        "category": { "coding": [{ "system": "http://snomed.info/sct", "code": category }] },
        "code": { "coding": [{ "system": "http://snomed.info/sct", "code": "0000" }], "text": "Procedure" },
        "subject": { "reference": "Patient/pat-1" },
        "encounter": { "reference": format!("Encounter/{encounter}") },
        "performedPeriod": { "start": start },
        "performer": [{ "actor": { "reference": "Practitioner/dr-surgeon" } }] })
}

fn rows(services: &Services, session: &Session, as_of: NaiveDate) -> Vec<DeficiencyRow> {
    services
        .deficiency_rows(session, &DeficiencyFilter::default(), as_of)
        .unwrap()
}

fn find<'a>(rows: &'a [DeficiencyRow], encounter: &str, kind: &str) -> Vec<&'a DeficiencyRow> {
    rows.iter()
        .filter(|r| {
            r.encounter_source_id.as_deref() == Some(encounter) && r.deficiency.kind == kind
        })
        .collect()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn every_template_rule_fires_and_does_not_fire() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = open(dir.path());
    import(
        &services,
        &session,
        dir.path(),
        "directory.json",
        vec![
            practitioner("dr-attend", "Attend"),
            practitioner("dr-consult", "Consult"),
            practitioner("dr-author", "Author"),
            practitioner("dr-surgeon", "Surgeon"),
        ],
    );
    import(
        &services,
        &session,
        dir.path(),
        "charts.json",
        vec![
            patient(),
            // Inpatient, discharged 23:30 New York time on Jan 31 of a leap year: due Mar 1.
            encounter(
                "enc-imp",
                "IMP",
                "2024-01-20T08:00:00-05:00",
                Some("2024-01-31T23:30:00-05:00"),
            ),
            // H&P exactly 30 days before admission counts.
            document(
                "hp-early",
                "enc-imp",
                "34117-2",
                "2023-12-21T08:00:00-05:00",
                None,
            ),
            // A discharge summary not yet signed: present, but a signature deficiency.
            document(
                "ds-1",
                "enc-imp",
                "18842-5",
                "2024-01-31T20:00:00-05:00",
                Some("preliminary"),
            ),
            // Two surgical procedures, one op note after the second covers both...
            procedure("proc-1", "enc-imp", "2024-01-21T09:00:00-05:00", true),
            procedure("proc-2", "enc-imp", "2024-01-22T09:00:00-05:00", true),
            document(
                "op-1",
                "enc-imp",
                "11504-8",
                "2024-01-22T12:00:00-05:00",
                Some("final"),
            ),
            // ...so does it for a surgical procedure with no performed time at all...
            {
                let mut p = procedure("proc-untimed", "enc-imp", "2024-01-22T09:00:00-05:00", true);
                p.as_object_mut().unwrap().remove("performedPeriod");
                p
            },
            // ...a non-surgical procedure needs no op note.
            procedure("proc-3", "enc-imp", "2024-01-25T09:00:00-05:00", false),
            // Inpatient: H&P 25 hours after admission does not count; op note before the
            // procedure does not count; no discharge summary.
            encounter(
                "enc-late",
                "IMP",
                "2024-03-01T08:00:00Z",
                Some("2024-03-05T10:00:00Z"),
            ),
            document(
                "hp-late",
                "enc-late",
                "34117-2",
                "2024-03-02T09:00:00Z",
                None,
            ),
            document(
                "op-early",
                "enc-late",
                "11504-8",
                "2024-03-02T10:00:00Z",
                None,
            ),
            procedure("proc-late", "enc-late", "2024-03-03T09:00:00Z", true),
            // Emergency without an ED note; one still in house (not analysed).
            encounter(
                "enc-ed",
                "EMER",
                "2024-04-10T22:00:00Z",
                Some("2024-04-11T02:00:00Z"),
            ),
            encounter("enc-inhouse", "IMP", "2024-05-30T08:00:00Z", None),
            // Ambulatory: none of the class rules apply.
            encounter(
                "enc-amb",
                "AMB",
                "2024-05-01T08:00:00Z",
                Some("2024-05-01T09:00:00Z"),
            ),
        ],
    );
    let report = services.analyze_deficiencies(&session, false).unwrap();
    assert_eq!(report.encounters, 4, "{report}");
    assert_eq!(report.in_house, 1, "{report}");

    let all = rows(&services, &session, day(2024, 3, 2));
    let imp: Vec<&str> = all
        .iter()
        .filter(|r| r.encounter_source_id.as_deref() == Some("enc-imp"))
        .map(|r| r.deficiency.kind.as_str())
        .collect();
    assert_eq!(imp, ["signature"], "only the unsigned discharge summary");
    let sig = find(&all, "enc-imp", "signature")[0];
    assert_eq!(sig.document_source_id.as_deref(), Some("ds-1"));
    assert_eq!(sig.provider_id.as_deref(), Some("dr-author"));
    // Discharge date Jan 31 in its own offset (Feb 1 in UTC), + 30 days, leap year.
    assert_eq!(sig.deficiency.due, day(2024, 3, 1));
    assert_eq!(sig.age_days, 31);
    assert!(sig.delinquent, "as of Mar 2 it is past its Mar 1 due date");
    let on_due_day = rows(&services, &session, day(2024, 3, 1));
    assert!(!find(&on_due_day, "enc-imp", "signature")[0].delinquent);

    let late = rows(&services, &session, day(2024, 3, 10));
    assert_eq!(find(&late, "enc-late", "history_physical").len(), 1);
    assert_eq!(find(&late, "enc-late", "discharge_summary").len(), 1);
    let op = find(&late, "enc-late", "operative_report");
    assert_eq!(op.len(), 1);
    assert_eq!(op[0].procedure_source_id.as_deref(), Some("proc-late"));
    assert_eq!(op[0].provider_id.as_deref(), Some("dr-surgeon"));
    // The ATND participant is the attending, not the first participant.
    let ds = find(&late, "enc-late", "discharge_summary")[0];
    assert_eq!(ds.provider_id.as_deref(), Some("dr-attend"));
    assert_eq!(ds.document_source_id, None);
    assert_eq!(find(&late, "enc-ed", "ed_note").len(), 1);
    assert!(late
        .iter()
        .all(|r| r.encounter_source_id.as_deref() != Some("enc-amb")));
    assert!(late
        .iter()
        .all(|r| r.encounter_source_id.as_deref() != Some("enc-inhouse")));

    // Analysing again records nothing twice.
    let again = services.analyze_deficiencies(&session, true).unwrap();
    assert_eq!((again.recorded, again.completed), (0, 0), "{again}");
    assert_eq!(
        rows(&services, &session, day(2024, 3, 10)).len(),
        late.len()
    );

    // The signed discharge summary arrives (same id, new date) and the in-house patient
    // is discharged: the signature completes itself, the new discharge is analysed.
    import(
        &services,
        &session,
        dir.path(),
        "update.json",
        vec![
            patient(),
            encounter(
                "enc-inhouse",
                "IMP",
                "2024-05-30T08:00:00Z",
                Some("2024-05-31T10:00:00+02:00"),
            ),
            encounter(
                "enc-imp",
                "IMP",
                "2024-01-20T08:00:00-05:00",
                Some("2024-01-31T23:30:00-05:00"),
            ),
            document(
                "ds-1",
                "enc-imp",
                "18842-5",
                "2024-02-01T09:00:00-05:00",
                Some("final"),
            ),
        ],
    );
    let update = services.analyze_deficiencies(&session, false).unwrap();
    assert_eq!(update.completed, 1, "{update}");
    let after = rows(&services, &session, day(2024, 6, 1));
    assert_eq!(
        find(&after, "enc-imp", "signature")[0].deficiency.status,
        DeficiencyStatus::Completed
    );
    assert!(!find(&after, "enc-imp", "signature")[0].delinquent);
    let inhouse = find(&after, "enc-inhouse", "discharge_summary");
    assert_eq!(inhouse.len(), 1);
    assert_eq!(inhouse[0].deficiency.due, day(2024, 6, 30));
}

#[test]
fn lifecycle_moves_are_checked_audited_and_all_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = open(dir.path());
    import(
        &services,
        &session,
        dir.path(),
        "charts.json",
        vec![
            practitioner("dr-attend", "Attend"),
            patient(),
            encounter(
                "enc-1",
                "IMP",
                "2024-01-02T08:00:00Z",
                Some("2024-01-05T08:00:00Z"),
            ),
        ],
    );
    services.analyze_deficiencies(&session, false).unwrap();
    let open: Vec<_> = rows(&services, &session, day(2024, 1, 6))
        .into_iter()
        .map(|r| r.deficiency.id)
        .collect();
    assert_eq!(open.len(), 2, "discharge summary and H&P");
    let err = services
        .move_deficiencies(&session, &open, Transition::Verify, "", None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("verified only after it is completed"), "{err}");
    services
        .move_deficiencies(&session, &open[..1], Transition::Complete, "", None)
        .unwrap();
    // One legal, one illegal: nothing moves.
    assert!(services
        .move_deficiencies(&session, &open, Transition::Verify, "", None)
        .is_err());
    let statuses: Vec<_> = rows(&services, &session, day(2024, 1, 6))
        .iter()
        .map(|r| r.deficiency.status)
        .collect();
    assert_eq!(
        statuses,
        [DeficiencyStatus::Completed, DeficiencyStatus::Open]
    );
    services
        .move_deficiencies(&session, &open[..1], Transition::Verify, "", None)
        .unwrap();
    services
        .move_deficiencies(&session, &open[..1], Transition::Close, "", None)
        .unwrap();
    services
        .move_deficiencies(
            &session,
            &open[1..],
            Transition::Return,
            "not my patient",
            None,
        )
        .unwrap();
    let trail = services.audit_trail(&session, None, 100).unwrap();
    let moves = trail
        .iter()
        .filter(|e| e.event.event.detail.contains("deficiency"))
        .count();
    assert!(moves >= 4, "{moves} deficiency audit events");
}
