//! The Completion workspace over the real services: the analysis queue shows the
//! rules' findings; an analyst records two manual deficiencies, completes and verifies
//! them (an illegal move shows the rule), marks the chart reviewed; 80×24 snapshots of
//! the queue and the dashboard.

use super::ui_support::{keys, screen, snapshot_app, wait};
use chartroom_domain::completion::DeficiencyStatus;
use chartroom_domain::*;
use chartroom_services::Services;
use chartroom_store::Store;
use chartroom_ui::screens::completion::state::{Focus, Tab};
use chartroom_ui::App;
use chrono::{NaiveDate, TimeZone, Utc};
use std::sync::Arc;

fn at(y: i32, m: u32, d: u32, h: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, 0, 0))
        .expect("date")
}

/// Two discharged encounters: an inpatient stay with a discharge summary but no H&P,
/// and an ED visit with no ED note.
fn plant(dir: &std::path::Path) {
    let store = Store::open(dir).expect("store");
    let mut tx = store.write().expect("tx");
    let doc_id = tx.next_provider_id().expect("id");
    tx.put_provider(&Provider {
        id: doc_id,
        name: "Dr. Ana Reyes".into(),
        specialty: "Hospital medicine".into(),
        npi: None,
        source_id: None,
        resource_id: Some("pr-1".into()),
    })
    .expect("provider");
    let mut p = chartroom_testkit::patient("Jonathan", "Smithers", (1984, 3, 2));
    p.id = tx.next_patient_id().expect("id");
    p.mrn = Mrn(123456);
    tx.put_patient(&p).expect("patient");
    let stays = [
        (
            EncounterClass::Inpatient,
            "Cardiology",
            at(2026, 9, 27, 8),
            at(2026, 10, 1, 15),
        ),
        (
            EncounterClass::Emergency,
            "Emergency",
            at(2026, 11, 20, 2),
            at(2026, 11, 20, 9),
        ),
    ];
    for (i, (class, location, admit, discharge)) in stays.into_iter().enumerate() {
        let id = tx.next_encounter_id().expect("id");
        tx.put_encounter(&Encounter {
            id,
            number: format!("V{i}"),
            patient: p.id,
            class,
            admit,
            discharge: Some(discharge),
            discharge_offset_secs: 0,
            attending: Some(doc_id),
            other_providers: Vec::new(),
            location: location.into(),
            reason: String::new(),
            source_id: Some(format!("enc-{i}")),
        })
        .expect("encounter");
        if class == EncounterClass::Inpatient {
            let doc = tx.next_document_id().expect("doc");
            tx.put_document(&Document {
                id: doc,
                patient: p.id,
                encounter: Some(id),
                doc_type: DocumentType::DischargeSummary,
                title: "Discharge summary".into(),
                author: Some(doc_id),
                time: discharge,
                offset_secs: 0,
                signature: SignatureStatus::Signed,
                text: "Discharged home.".into(),
                source_id: Some("doc-1".into()),
                type_codes: vec!["18842-5".into()],
                sensitivity: Vec::new(),
            })
            .expect("document");
        }
    }
    tx.commit().expect("commit");
}

fn statuses(app: &App) -> Vec<DeficiencyStatus> {
    app.state
        .completion
        .deficiencies
        .rows()
        .iter()
        .map(|r| r.status())
        .collect()
}

fn start() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("tempdir");
    plant(dir.path());
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 11, 25, 14, 5, 0)
            .single()
            .expect("time"),
    ));
    let services = Arc::new(Services::open(dir.path(), clock).expect("services"));
    let session = services.local_session("tester").expect("session");
    let report = services
        .analyze_deficiencies(&session, true)
        .expect("analyse");
    assert_eq!(report.recorded, 2, "{report:?}");
    let app = snapshot_app(services, session);
    (dir, app)
}

#[test]
fn analyse_record_complete_verify_and_review_a_chart() {
    let (_dir, mut app) = start();
    keys(&mut app, "f4");
    wait(&mut app, "the queue and its first chart", |a| {
        a.state.completion.encounters.rows().len() == 2 && a.state.completion.shown.is_some()
    });
    // Oldest discharge first: the inpatient stay, missing its H&P.
    let first = &app.state.completion.encounters.rows()[0].0;
    assert_eq!(first.encounter.class, EncounterClass::Inpatient);
    assert_eq!(statuses(&app), vec![DeficiencyStatus::Open]);
    assert_eq!(app.state.completion.documents.len(), 1);
    insta::assert_snapshot!("completion_queue", screen(&app).backend());

    // Record two manual deficiencies: a consultation (4th kind) and a verbal order
    // (7th) with a comment.
    keys(&mut app, "a down down down enter");
    wait(&mut app, "the first record", |a| {
        a.state.completion.deficiencies.rows().len() == 2
    });
    keys(
        &mut app,
        "a down down down down down down o k space t o o enter",
    );
    wait(&mut app, "the second record", |a| {
        a.state.completion.deficiencies.rows().len() == 3
    });
    let kinds: Vec<String> = app
        .state
        .completion
        .deficiencies
        .rows()
        .iter()
        .map(|r| r.0.deficiency.kind.clone())
        .collect();
    assert!(kinds.contains(&"consultation".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"verbal_order".to_string()), "{kinds:?}");
    let comments: Vec<&str> = app
        .state
        .completion
        .deficiencies
        .rows()
        .iter()
        .map(|r| r.0.deficiency.comment.as_str())
        .collect();
    assert!(comments.contains(&"ok too"), "{comments:?}");

    // Into the chart's list; close before verify is refused with the rule.
    keys(&mut app, "enter");
    assert_eq!(app.state.completion.focus, Focus::Deficiencies);
    keys(&mut app, "x");
    wait(&mut app, "the refusal", |a| a.state.error.is_some());
    let error = app.state.error.clone().unwrap_or_default();
    assert!(
        error.contains("closed only after HIM has verified"),
        "{error}"
    );

    // Complete all three (bulk: confirm with y), then verify all three.
    keys(&mut app, "ctrl-a c y");
    wait(&mut app, "completion", |a| {
        statuses(a) == vec![DeficiencyStatus::Completed; 3]
    });
    keys(&mut app, "ctrl-a v y");
    wait(&mut app, "verification", |a| {
        statuses(a) == vec![DeficiencyStatus::Verified; 3]
    });
    assert_eq!(
        app.state.completion.notice.as_deref(),
        Some("3 deficiencies: verified")
    );

    // Reviewed: the chart leaves the queue.
    keys(&mut app, "n");
    wait(&mut app, "the review", |a| {
        a.state.completion.encounters.rows().len() == 1
    });
}

#[test]
fn dashboard_and_provider_view() {
    let (_dir, mut app) = start();
    keys(&mut app, "f4 3");
    wait(&mut app, "the dashboard", |a| {
        a.state.completion.dashboard.is_some()
    });
    assert_eq!(app.state.completion.tab, Tab::Dashboard);
    insta::assert_snapshot!("completion_dashboard", screen(&app).backend());

    keys(&mut app, "2");
    wait(&mut app, "the providers", |a| {
        a.state.completion.providers.rows().len() == 1
    });
    keys(&mut app, "enter");
    wait(&mut app, "the provider's deficiencies", |a| {
        a.state.completion.provider_deficiencies.rows().len() == 2
    });
    // Oldest first.
    let ages: Vec<i64> = app
        .state
        .completion
        .provider_deficiencies
        .rows()
        .iter()
        .map(|r| r.0.age_days)
        .collect();
    assert_eq!(ages, vec![55, 5]);
}
