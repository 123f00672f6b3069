//! Release of information end to end through FHIR and the services: intake (bad lines,
//! idempotent re-import), validation codes, the clock and its extension, sensitive
//! categories from labels and conditions, the release set and its manifest, the PDF
//! packet, refusals that write nothing, and the accounting of disclosures.

use chartroom_domain::FixedClock;
use chartroom_services::roi::RoiRow;
use chartroom_services::{Services, Session};
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;

const ACT: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

pub(super) fn open(dir: &Path) -> (Services, Session) {
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap(),
    ));
    let services = Services::open(dir, clock).unwrap();
    let session = services.local_session("roi1").unwrap();
    (services, session)
}

pub(super) fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn document(id: &str, encounter: &str, date: &str, labels: &[&str], meta: &[&str]) -> Value {
    let codings: Vec<Value> = labels
        .iter()
        .map(|c| json!({ "system": ACT, "code": c }))
        .collect();
    let mut d = json!({ "resourceType": "DocumentReference", "id": id, "status": "current",
        "type": { "coding": [{ "system": "http://loinc.org", "code": "11506-3" }] },
        "subject": { "reference": "Patient/pat-1" },
        "date": date,
        "securityLabel": [{ "coding": codings },
            { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R" }] }],
        "content": [{ "attachment": { "contentType": "text/plain",
            "data": "UHJvZ3Jlc3Mgbm90ZSB0ZXh0Lg==" } }],
        "context": { "encounter": [{ "reference": format!("Encounter/{encounter}") }] } });
    if !meta.is_empty() {
        let m: Vec<Value> = meta
            .iter()
            .map(|c| json!({ "system": ACT, "code": c }))
            .collect();
        d["meta"] = json!({ "security": m });
    }
    d
}

/// A chart: `plain` (no label), `hiv` (HIV label), `eth-enc` (in an encounter whose
/// condition is alcohol dependence), `note` (PSYTHPN via meta.security), `r-only`
/// (confidentiality R only: no category), `late` (outside most scopes), one dated in
/// its own offset on the 31st though the 1st in UTC.
pub(super) fn setup(dir: &Path) -> (Services, Session) {
    let (services, session) = open(dir);
    let encounter = |id: &str| {
        json!({ "resourceType": "Encounter", "id": id, "status": "finished",
            "class": { "system": ACT, "code": "AMB" },
            "subject": { "reference": "Patient/pat-1" },
            "period": { "start": "2026-01-05T09:00:00Z", "end": "2026-01-05T10:00:00Z" } })
    };
    let resources = vec![
        json!({ "resourceType": "Patient", "id": "pat-1",
            "name": [{ "family": "Okafor", "given": ["Ada"] }],
            "gender": "female", "birthDate": "1970-02-03" }),
        encounter("enc-1"),
        encounter("enc-2"),
        json!({ "resourceType": "Condition", "id": "cond-1",
            "code": { "coding": [{ "system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F10.20" }] },
            "subject": { "reference": "Patient/pat-1" },
            "encounter": { "reference": "Encounter/enc-2" } }),
        document("plain", "enc-1", "2026-01-10T10:00:00Z", &[], &[]),
        document("hiv", "enc-1", "2026-01-11T10:00:00Z", &["HIV", "N"], &[]),
        document("eth-enc", "enc-2", "2026-01-12T10:00:00Z", &[], &[]),
        document("note", "enc-1", "2026-01-13T10:00:00Z", &[], &["PSYTHPN"]),
        document("r-only", "enc-1", "2026-01-14T10:00:00Z", &["R"], &[]),
        document("offset", "enc-1", "2026-01-31T22:00:00-05:00", &[], &[]),
        document("late", "enc-1", "2026-02-20T10:00:00Z", &[], &[]),
    ];
    let entries: Vec<Value> = resources
        .into_iter()
        .map(|r| json!({ "resource": r }))
        .collect();
    let bundle = json!({ "resourceType": "Bundle", "type": "collection", "entry": entries });
    let path = dir.join("chart.json");
    std::fs::write(&path, bundle.to_string()).unwrap();
    services.import_fhir(&session, &path).unwrap();
    (services, session)
}

pub(super) fn auth(consent: &[&str]) -> Value {
    json!({ "description": "records of January", "discloser": "General Hospital",
        "recipient": "Smith & Co", "purpose": "litigation", "expires": "2026-12-31",
        "expiration_event": null, "signed_on": "2026-02-01", "signer": "patient",
        "representative_authority": null,
        "statements": { "revocation": true, "conditioning": true, "redisclosure": true },
        "revoked_on": null, "specific_consent": consent })
}

pub(super) fn request(id: &str, kind: &str, authorization: Value) -> Value {
    json!({ "request_id": id, "received": "2026-03-01",
        "requester": { "type": kind, "name": "Requester", "address": "1 Main St" },
        "patient": { "id": "pat-1" },
        "scope": { "from": "2026-01-01", "to": "2026-01-31", "document_types": null },
        "purpose": "review", "delivery": "electronic", "format": "electronic",
        "identity_verified": true, "court_order": false, "subpoena_assurances": false,
        "legal_process": null, "representative_authority": null,
        "authorization": authorization })
}

pub(super) fn write_lines(dir: &Path, name: &str, lines: &[Value]) -> std::path::PathBuf {
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    let path = dir.join(name);
    std::fs::write(&path, text.join("\n") + "\n").unwrap();
    path
}

pub(super) fn row<'a>(rows: &'a [RoiRow], id: &str) -> &'a RoiRow {
    rows.iter().find(|r| r.request_id == id).unwrap()
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn intake_is_all_or_nothing_and_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = setup(dir.path());
    let good = request("R1", "patient", Value::Null);
    let mut bad = request("R2", "lawyer", Value::Null);
    let file = write_lines(dir.path(), "bad.jsonl", &[good.clone(), bad.clone()]);
    let err = services
        .import_roi_requests(&session, &file)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bad.jsonl line 2, field requester.type"),
        "{err}"
    );
    assert!(!err.contains("lawyer"), "{err}");
    assert!(services
        .roi_list(&session, day("2026-03-10"))
        .unwrap()
        .is_empty());

    bad["requester"]["type"] = json!("attorney");
    let file = write_lines(dir.path(), "good.jsonl", &[good.clone(), bad]);
    let report = services.import_roi_requests(&session, &file).unwrap();
    assert_eq!((report.logged, report.unchanged), (2, 0));
    let again = services.import_roi_requests(&session, &file).unwrap();
    assert_eq!((again.logged, again.unchanged), (0, 2));

    let mut changed = good;
    changed["purpose"] = json!("something else");
    let file = write_lines(dir.path(), "changed.jsonl", &[changed]);
    let err = services
        .import_roi_requests(&session, &file)
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 1, field request_id"), "{err}");
    let mut unknown = request("R9", "patient", Value::Null);
    unknown["patient"]["id"] = json!("nobody");
    let file = write_lines(dir.path(), "unknown.jsonl", &[unknown]);
    let err = services
        .import_roi_requests(&session, &file)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("field patient.id") && !err.contains("nobody"),
        "{err}"
    );
}

#[test]
fn holds_clock_and_extension() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = setup(dir.path());
    let mut unverified = request("P1", "patient", Value::Null);
    unverified["identity_verified"] = json!(null);
    let mut defective = request("A1", "attorney", auth(&[]));
    defective["authorization"]["signed_on"] = json!("");
    defective["authorization"]["statements"]["conditioning"] = json!(null);
    let file = write_lines(
        dir.path(),
        "in.jsonl",
        &[
            unverified,
            defective,
            request("S1", "subpoena", Value::Null),
        ],
    );
    services.import_roi_requests(&session, &file).unwrap();
    let rows = services.roi_list(&session, day("2026-04-02")).unwrap();
    let p1 = row(&rows, "P1");
    assert_eq!(
        (p1.status.as_str(), p1.missing.clone()),
        ("on_hold", vec!["identity_unverified".to_string()])
    );
    assert_eq!((p1.due, p1.days_left), (day("2026-03-31"), -2));
    let a1 = row(&rows, "A1");
    assert_eq!(a1.missing, ["signature", "statement_conditioning"]);
    assert_eq!(row(&rows, "S1").missing, ["court_order_or_assurances"]);

    // A late extension is refused; on the due date it is allowed, once.
    let late = services.extend_roi_request(&session, "P1", "backlog", day("2026-04-01"));
    assert!(late.unwrap_err().to_string().contains("164.524(b)(2)"));
    let notice = services
        .extend_roi_request(&session, "P1", "records off site", day("2026-03-31"))
        .unwrap();
    assert_eq!(notice.new_due, day("2026-04-30"));
    assert!(notice.letter.contains("records off site") && notice.letter.contains("2026-04-30"));
    assert!(services
        .extend_roi_request(&session, "P1", "again", day("2026-03-31"))
        .is_err());
    assert!(services
        .extend_roi_request(&session, "A1", "attorney", day("2026-03-05"))
        .is_err());
    let rows = services.roi_list(&session, day("2026-04-02")).unwrap();
    assert_eq!(row(&rows, "P1").due, day("2026-04-30"));
}

#[test]
fn patient_release_withholds_psychotherapy_notes_only() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = setup(dir.path());
    let file = write_lines(
        dir.path(),
        "in.jsonl",
        &[request("P1", "patient", Value::Null)],
    );
    services.import_roi_requests(&session, &file).unwrap();
    let out = dir.path().join("out");
    let refused = services.release_roi(&session, "P1", day("2026-03-10"), &out);
    assert!(refused.unwrap_err().to_string().contains("QA"));
    assert!(!out.exists(), "a refused release writes nothing");
    services.confirm_roi_qa(&session, "P1").unwrap();
    let m = services
        .release_roi(&session, "P1", day("2026-03-10"), &out)
        .unwrap();
    assert_eq!(m.included, ["plain", "hiv", "eth-enc", "r-only", "offset"]);
    let file = manifest(&out);
    assert_eq!(
        file["withheld"],
        json!([{ "document": "note", "reason": "PSYTHPN" }])
    );
    assert_eq!(file["fee_cents"], json!(650));
    let pdf = std::fs::read(out.join("packet.pdf")).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.starts_with("%PDF-"));
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    assert_eq!(file["pages"], json!(pages));
    assert!(text.contains(&format!("Page {pages} of {pages}")));
    assert!(text.contains("Okafor, Ada | MRN"));
    assert!(text.contains("DENIAL OF ACCESS: PSYCHOTHERAPY NOTES"));
    assert!(text.contains("42 CFR 2.32"), "ETH records went out");
    let rows = services.roi_list(&session, day("2026-03-10")).unwrap();
    assert_eq!(row(&rows, "P1").status, "released");
    assert!(services.disclosures(&session, "pat-1").unwrap().is_empty());
}

#[test]
fn third_parties_get_consented_categories_and_accountable_releases_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = setup(dir.path());
    let mut court = request("C1", "court_order", Value::Null);
    court["requester"]["name"] = json!("County Court");
    let mut psy = request("R1", "research", auth(&["PSYTHPN"]));
    psy["scope"]["to"] = json!(null);
    let lines = [
        request("A1", "attorney", auth(&["HIV"])),
        court,
        psy,
        request("W1", "workers_comp", auth(&["ETH"])),
    ];
    let file = write_lines(dir.path(), "in.jsonl", &lines);
    services.import_roi_requests(&session, &file).unwrap();
    for id in ["A1", "C1", "R1", "W1"] {
        services.confirm_roi_qa(&session, id).unwrap();
    }
    let out = dir.path().join("a1");
    let m = services
        .release_roi(&session, "A1", day("2026-03-10"), &out)
        .unwrap();
    assert_eq!(m.included, ["plain", "hiv", "r-only", "offset"]);
    let withheld: Vec<(String, String)> = m
        .withheld
        .iter()
        .map(|w| (w.document.clone(), w.reason.clone()))
        .collect();
    assert_eq!(
        withheld,
        [
            ("eth-enc".to_string(), "ETH".to_string()),
            ("note".to_string(), "PSYTHPN".to_string())
        ]
    );
    let c1 = services
        .release_roi(&session, "C1", day("2026-03-11"), &dir.path().join("c1"))
        .unwrap();
    assert_eq!(c1.included, ["plain", "r-only", "offset"]);
    let r1 = services
        .release_roi(&session, "R1", day("2026-03-12"), &dir.path().join("r1"))
        .unwrap();
    assert_eq!(r1.included, ["note"]);
    // An unneeded but valid authorization's consent counts; workers' comp stays
    // accountable.
    let w1 = services
        .release_roi(&session, "W1", day("2026-03-13"), &dir.path().join("w1"))
        .unwrap();
    assert!(w1.included.contains(&"eth-enc".to_string()));
    let accounting = services.disclosures(&session, "pat-1").unwrap();
    let ids: Vec<&str> = accounting.iter().map(|d| d.request_id.as_str()).collect();
    assert_eq!(ids, ["C1", "W1"]);
    assert_eq!(accounting[0].recipient, "County Court");
    assert_eq!(accounting[0].address, "1 Main St");
    assert_eq!(accounting[0].date, day("2026-03-11"));
    assert!(services
        .release_roi(&session, "C1", day("2026-03-12"), &dir.path().join("again"))
        .is_err());
}

#[test]
fn a_relied_on_authorization_that_lapsed_refuses_the_release() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = setup(dir.path());
    let mut a = request("A1", "insurer", auth(&[]));
    a["authorization"]["revoked_on"] = json!("2026-03-05");
    let file = write_lines(dir.path(), "in.jsonl", &[a]);
    services.import_roi_requests(&session, &file).unwrap();
    services.confirm_roi_qa(&session, "A1").unwrap();
    let out = dir.path().join("out");
    let err = services
        .release_roi(&session, "A1", day("2026-03-06"), &out)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("revoked") && err.contains("164.508(b)(5)"),
        "{err}"
    );
    assert!(!out.exists());
    assert!(services
        .release_roi(&session, "A1", day("2026-03-04"), &out)
        .is_ok());
}

#[test]
fn clerks_may_not_work_requests() {
    let dir = tempfile::tempdir().unwrap();
    let (services, _) = setup(dir.path());
    let mut clerk = services.local_session("clerk1").unwrap();
    clerk.user.role = chartroom_domain::Role::Clerk;
    assert!(services.roi_list(&clerk, day("2026-03-10")).is_err());
    assert!(services
        .release_roi(&clerk, "X", day("2026-03-10"), dir.path())
        .is_err());
}
