//! The desk's statuses after intake, each through its own use case: logged and
//! started, pending authorization until an authorization arrives, pending payment
//! until paid (the release waits), denied (reviewable or not, with its letter),
//! cancelled; second-person QA; requests for an accounting of disclosures (60 days,
//! one 30-day extension, fulfilled by the accounting).

use super::roi::{auth, day, request, row, setup, write_lines};
use chartroom_domain::roi::RoiIntake;
use chartroom_services::roi::{NewAccountingRequest, RoiAct};
use serde_json::{json, Value};

fn intake_of(services: &chartroom_services::Services, line: &Value) -> RoiIntake {
    let session = services.local_session("roi1").unwrap();
    // Log through the file intake once in a scratch id, then reuse its parsed intake.
    let dir = tempfile::tempdir().unwrap();
    let file = write_lines(dir.path(), "one.jsonl", std::slice::from_ref(line));
    services.import_roi_requests(&session, &file).unwrap();
    let id = line["request_id"].as_str().unwrap();
    let rows = services.roi_desk(&session, day("2026-03-10")).unwrap();
    rows.into_iter()
        .find(|r| r.row.request_id == id)
        .unwrap()
        .request
        .intake
}

#[test]
fn every_status_of_the_contract_list_has_a_service_path() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = setup(dir.path());
    let lines = [
        request("HOLD", "insurer", Value::Null),
        request("AUTH", "insurer", Value::Null),
        request("FUL", "patient", Value::Null),
        request("QA", "continuing_care", Value::Null),
        request("PAY", "attorney", auth(&[])),
        request("REL", "patient", Value::Null),
        request("DENY", "patient", Value::Null),
        request("CAN", "attorney", auth(&[])),
    ];
    let file = write_lines(dir.path(), "in.jsonl", &lines);
    services.import_roi_requests(&session, &file).unwrap();
    let on = day("2026-03-10");

    // pending_authorization: only while something is missing.
    let err = services
        .await_roi_authorization(&session, "FUL", "asked", on)
        .unwrap_err()
        .to_string();
    assert!(err.contains("lacks nothing"), "{err}");
    services
        .await_roi_authorization(&session, "AUTH", "form mailed", on)
        .unwrap();
    services.confirm_roi_qa(&session, "QA").unwrap();
    // pending_payment: invoiced after QA; the release waits for the payment.
    services.confirm_roi_qa(&session, "PAY").unwrap();
    let invoice = services.invoice_roi_request(&session, "PAY", on).unwrap();
    assert!(invoice.number.starts_with("INV-") && invoice.amount_cents >= 2500);
    let out = dir.path().join("pay-out");
    let err = services
        .release_roi(&session, "PAY", on, &out)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("pending payment") && err.contains(&invoice.number),
        "{err}"
    );
    assert!(!out.exists());
    services.confirm_roi_qa(&session, "REL").unwrap();
    services
        .release_roi(&session, "REL", on, &dir.path().join("rel"))
        .unwrap();
    let letter = services
        .deny_roi_request(&session, "DENY", "psychotherapy notes", false, on)
        .unwrap();
    assert!(
        letter.contains("not reviewable") && letter.contains("164.524(d)(2)"),
        "{letter}"
    );
    let letter = services
        .cancel_roi_request(&session, "CAN", "withdrawn by the requester", on)
        .unwrap();
    assert!(
        letter.contains("cancelled") && letter.contains("withdrawn"),
        "{letter}"
    );
    // logged: entered at the desk, not started.
    let mut entered = intake_of(&services, &request("SEED", "patient", Value::Null));
    entered.request_id = "LOG".into();
    services.log_roi_request(&session, entered.clone()).unwrap();
    assert!(services.log_roi_request(&session, entered).is_err());

    let rows = services.roi_list(&session, on).unwrap();
    let status = |id: &str| row(&rows, id).status.clone();
    for (id, want) in [
        ("LOG", "logged"),
        ("AUTH", "pending_authorization"),
        ("HOLD", "on_hold"),
        ("FUL", "in_fulfillment"),
        ("QA", "qa"),
        ("PAY", "pending_payment"),
        ("REL", "released"),
        ("DENY", "denied"),
        ("CAN", "cancelled"),
    ] {
        assert_eq!(status(id), want, "{id}");
    }
    assert_eq!(row(&rows, "PAY").fee_cents, invoice.amount_cents);
    assert_eq!(row(&rows, "AUTH").missing, ["authorization_required"]);

    // Closed and released requests refuse every further step, changing nothing.
    for id in ["DENY", "CAN", "REL"] {
        assert!(services
            .cancel_roi_request(&session, id, "again", on)
            .is_err());
        assert!(services.invoice_roi_request(&session, id, on).is_err());
    }
    assert!(services
        .release_roi(&session, "DENY", on, &dir.path().join("denied"))
        .is_err());
    assert!(services
        .deny_roi_request(&session, "FUL", " ", true, on)
        .is_err());

    // The authorization arrives: the wait is over, the request is worked.
    let file = dir.path().join("auth.json");
    std::fs::write(&file, auth(&[]).to_string()).unwrap();
    let missing = services
        .attach_roi_authorization_file(&session, "AUTH", &file)
        .unwrap();
    assert!(missing.is_empty(), "{missing:?}");
    std::fs::write(&file, json!({"signed_on": "yesterday"}).to_string()).unwrap();
    let err = services
        .attach_roi_authorization_file(&session, "HOLD", &file)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("auth.json") && err.contains("field signed_on"),
        "{err}"
    );
    // Payment: too little is refused; the invoice's amount lets the release proceed.
    let short = invoice.amount_cents - 1;
    assert!(services
        .pay_roi_request(&session, "PAY", short, on)
        .is_err());
    services
        .pay_roi_request(&session, "PAY", invoice.amount_cents, on)
        .unwrap();
    services.start_roi_request(&session, "LOG").unwrap();
    assert!(services.start_roi_request(&session, "LOG").is_err());
    let rows = services.roi_list(&session, on).unwrap();
    assert_eq!(row(&rows, "AUTH").status, "in_fulfillment");
    assert_eq!(row(&rows, "PAY").status, "qa");
    assert_eq!(row(&rows, "LOG").status, "in_fulfillment");
    let manifest = services
        .release_roi(&session, "PAY", on, &dir.path().join("paid"))
        .unwrap();
    assert_eq!(manifest.fee_cents, invoice.amount_cents);
    // The hold letter names each missing element and its rule.
    let letter = services.roi_letter(&session, "HOLD").unwrap().unwrap();
    assert!(
        letter.contains("authorization_required") && letter.contains("164.508"),
        "{letter}"
    );
    // Every step is audited.
    let trail = services.audit_trail(&session, None, 200).unwrap();
    for what in [
        "waiting on an authorization",
        "invoice INV-",
        "denied (not reviewable)",
        "cancelled",
        "fulfillment started",
        "authorization received",
    ] {
        let found = trail.iter().any(|e| e.event.event.detail.contains(what));
        assert!(found, "no audit of {what}");
    }
}

#[test]
fn the_workspace_steps_go_through_one_entry_point() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = setup(dir.path());
    let file = write_lines(
        dir.path(),
        "in.jsonl",
        &[request("W1", "patient", Value::Null)],
    );
    services.import_roi_requests(&session, &file).unwrap();
    let on = day("2026-03-10");
    let done = services
        .roi_act(
            &session,
            "W1",
            RoiAct::Deny {
                reason: "risk of harm".into(),
                reviewable: true,
            },
            on,
        )
        .unwrap();
    assert!(done.contains("W1 denied"), "{done}");
    let letter = services.roi_letter(&session, "W1").unwrap().unwrap();
    assert!(
        letter.contains("reviewed by a licensed health care professional"),
        "{letter}"
    );
}

#[test]
fn second_person_qa_is_enforced_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    let (services, preparer) = setup(dir.path());
    let file = write_lines(
        dir.path(),
        "in.jsonl",
        &[request("Q1", "patient", Value::Null)],
    );
    services.import_roi_requests(&preparer, &file).unwrap();
    // Off by default: the preparer may confirm.
    services.confirm_roi_qa(&preparer, "Q1").unwrap();
    let policy = chartroom_services::roi::DEFAULT_POLICY
        .replace("qa_second_person = false", "qa_second_person = true");
    std::fs::write(dir.path().join("roi.toml"), policy).unwrap();
    let file = write_lines(
        dir.path(),
        "in2.jsonl",
        &[request("Q2", "patient", Value::Null)],
    );
    services.import_roi_requests(&preparer, &file).unwrap();
    let err = services
        .confirm_roi_qa(&preparer, "Q2")
        .unwrap_err()
        .to_string();
    assert!(err.contains("second person"), "{err}");
    let second = services.local_session("roi2").unwrap();
    services.confirm_roi_qa(&second, "Q2").unwrap();
    let rows = services.roi_list(&second, day("2026-03-10")).unwrap();
    assert_eq!(row(&rows, "Q2").status, "qa");
    // Whoever starts a logged request becomes its preparer.
    let mut clerk = services.local_session("clerk9").unwrap();
    clerk.user.role = chartroom_domain::Role::Clerk;
    assert!(services.confirm_roi_qa(&clerk, "Q2").is_err());
    assert!(services
        .cancel_roi_request(&clerk, "Q2", "x", day("2026-03-10"))
        .is_err());
}

#[test]
fn a_request_for_an_accounting_has_sixty_days_and_one_extension() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = setup(dir.path());
    // A court-ordered release puts one entry in the accounting.
    let mut court = request("C1", "court_order", Value::Null);
    court["requester"]["name"] = json!("Superior Court");
    let file = write_lines(dir.path(), "in.jsonl", &[court]);
    services.import_roi_requests(&session, &file).unwrap();
    services.confirm_roi_qa(&session, "C1").unwrap();
    services
        .release_roi(&session, "C1", day("2026-03-05"), &dir.path().join("c1"))
        .unwrap();
    let new = NewAccountingRequest {
        request_id: "ACC1".into(),
        patient: "pat-1".into(),
        received: day("2026-03-06"),
        requester_name: Some("the patient".into()),
        requester_address: None,
    };
    let logged = services.log_accounting_request(&session, &new).unwrap();
    assert_eq!(logged.due(), day("2026-05-05"));
    // The same request again changes nothing; another patient under the id is refused.
    services.log_accounting_request(&session, &new).unwrap();
    let other = NewAccountingRequest {
        received: day("2026-03-07"),
        ..new.clone()
    };
    assert!(services.log_accounting_request(&session, &other).is_err());
    // A day late is refused; on the due date allowed, once.
    let late =
        services.extend_accounting_request(&session, "ACC1", "BA records", day("2026-05-06"));
    assert!(late.unwrap_err().to_string().contains("164.528(c)(1)(ii)"));
    let notice = services
        .extend_accounting_request(&session, "ACC1", "BA records", day("2026-05-05"))
        .unwrap();
    assert_eq!(notice.new_due, day("2026-06-04"));
    assert!(notice.letter.contains("BA records") && notice.letter.contains("2026-06-04"));
    assert!(services
        .extend_accounting_request(&session, "ACC1", "again", day("2026-05-01"))
        .is_err());
    let rows = services
        .accounting_requests(&session, day("2026-06-10"))
        .unwrap();
    assert_eq!((rows[0].days_left, rows[0].status), (-6, "in_fulfillment"));
    let entries = services
        .fulfill_accounting_request(&session, "ACC1", day("2026-06-01"))
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].recipient, "Superior Court");
    assert!(services
        .fulfill_accounting_request(&session, "ACC1", day("2026-06-02"))
        .is_err());
    let rows = services
        .accounting_requests(&session, day("2026-06-10"))
        .unwrap();
    assert_eq!(rows[0].status, "released");
    assert_eq!(rows[0].request.fulfilled.as_ref().unwrap().entries, 1);
}

#[test]
fn the_three_part_test_is_recorded_for_administrative_law_enforcement_requests_only() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = setup(dir.path());
    let mut admin = request("ADMIN", "law_enforcement", Value::Null);
    admin["legal_process"] = json!("administrative_request");
    let mut warrant = request("WARRANT", "law_enforcement", Value::Null);
    warrant["legal_process"] = json!("warrant");
    let lines = [admin, warrant, request("PAT", "patient", Value::Null)];
    let file = write_lines(dir.path(), "in.jsonl", &lines);
    services.import_roi_requests(&session, &file).unwrap();
    let on = day("2026-03-10");

    for other in ["WARRANT", "PAT"] {
        let err = services
            .record_three_part_test(&session, other, [true; 3], "", on)
            .unwrap_err()
            .to_string();
        assert!(err.contains("administrative"), "{other}: {err}");
    }
    let partial = services
        .record_three_part_test(
            &session,
            "ADMIN",
            [true, true, false],
            "asked for all years",
            on,
        )
        .unwrap();
    assert!(!partial.met());
    let text = partial.checklist();
    assert!(text.contains("[x] (1)") && text.contains("[x] (2)") && text.contains("[ ] (3)"));
    assert!(text.contains("Not met"), "{text}");
    let met = services
        .record_three_part_test(&session, "ADMIN", [true; 3], "scope narrowed", on)
        .unwrap();
    assert!(met.met() && met.checklist().contains("Met: "));
    // kept on the desk's record, which the workspace shows
    let rows = services.roi_desk(&session, on).unwrap();
    let desk = rows.iter().find(|r| r.row.request_id == "ADMIN").unwrap();
    assert_eq!(desk.work.three_part_test.as_ref(), Some(&met));
}

#[test]
fn a_request_on_a_chart_since_merged_is_the_survivors_and_releases_the_whole_record() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session) = setup(dir.path());
    // A duplicate registration of the same woman, with one note of its own.
    let bundle = json!({ "resourceType": "Bundle", "type": "collection", "entry": [
        { "resource": { "resourceType": "Patient", "id": "pat-dup",
            "name": [{ "family": "Okafor", "given": ["Adaeze"] }],
            "gender": "female", "birthDate": "1970-02-03" } },
        { "resource": { "resourceType": "DocumentReference", "id": "dup-note",
            "status": "current",
            "type": { "coding": [{ "system": "http://loinc.org", "code": "11506-3" }] },
            "subject": { "reference": "Patient/pat-dup" }, "date": "2026-01-16T10:00:00Z",
            "content": [{ "attachment": { "contentType": "text/plain",
                "data": "UHJvZ3Jlc3Mgbm90ZSB0ZXh0Lg==" } }] } } ] });
    let path = dir.path().join("dup.json");
    std::fs::write(&path, bundle.to_string()).unwrap();
    services.import_fhir(&session, &path).unwrap();
    let mut line = request("DUPREQ", "patient", Value::Null);
    line["patient"]["id"] = json!("pat-dup");
    let file = write_lines(dir.path(), "dup.jsonl", &[line]);
    services.import_roi_requests(&session, &file).unwrap();

    let find = |id: &str| services.chart_by_source_id(&session, id).unwrap().unwrap();
    let (keep, gone) = (find("pat-1"), find("pat-dup"));
    services
        .merge_charts(&session, keep.id, gone.id, "same person")
        .unwrap();
    let rows = services.roi_desk(&session, day("2026-03-10")).unwrap();
    let desk = rows.iter().find(|r| r.row.request_id == "DUPREQ").unwrap();
    assert_eq!(desk.mrn, keep.mrn, "listed under the survivor");
    let included = &desk.preview.as_ref().unwrap().included;
    assert!(
        included.iter().any(|d| d == "dup-note") && included.iter().any(|d| d == "plain"),
        "the packet is the whole person's record: {included:?}"
    );
}
