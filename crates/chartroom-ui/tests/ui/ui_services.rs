//! The UI runtime over the real services (store + index in a temp directory): typing
//! finds patients, enter opens a chart, a VIP chart asks for a reason first.

use super::ui_support::wait;
use chartroom_domain::*;
use chartroom_services::Services;
use chartroom_store::Store;
use chartroom_ui::state::Screen;
use chartroom_ui::{App, Key, Msg, UiConfig};
use chrono::{NaiveDate, TimeZone, Utc};
use std::sync::Arc;

fn patient(id: PatientId, mrn: u32, given: &str, family: &str, vip: bool) -> Patient {
    let mut p = chartroom_testkit::patient(given, family, (1984, 3, 2));
    p.id = id;
    p.mrn = Mrn(mrn);
    p.sex = Sex::Male;
    p.flags.vip = vip;
    p
}

fn press(app: &mut App, name: &str) {
    app.handle(Msg::Key(name.parse::<Key>().expect("key")));
}

#[test]
fn search_and_open_charts_through_real_services() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let store = Store::open(dir.path()).expect("store");
        let mut tx = store.write().expect("tx");
        let a = tx.next_patient_id().expect("id");
        tx.put_patient(&patient(a, 123456, "Jonathan", "Smithers", false))
            .expect("put");
        let b = tx.next_patient_id().expect("id");
        tx.put_patient(&patient(b, 234567, "Johnny", "Smithers", true))
            .expect("put");
        tx.commit().expect("commit");
    }
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 11, 25, 14, 5, 0)
            .single()
            .expect("time"),
    ));
    let services = Arc::new(Services::open(dir.path(), clock).expect("services"));
    let session = services.local_session("tester").expect("session");
    let mut app = App::new(
        services,
        session,
        &UiConfig::builtin(true).expect("config"),
        80,
        24,
    );
    wait(&mut app, "the status", |a| a.state.status.is_some());
    assert_eq!(app.state.status.map(|s| s.patients), Some(2));

    for c in "smithers".chars() {
        app.handle(Msg::Key(Key::char(c)));
    }
    wait(&mut app, "results", |a| {
        !a.state.search.pending && a.state.search.results.len() == 2
    });
    let vip_row = app
        .state
        .search
        .results
        .iter()
        .position(|r| r.patient.flags.vip)
        .expect("vip found");
    let plain_row = 1 - vip_row;

    for _ in 0..plain_row {
        press(&mut app, "down");
    }
    press(&mut app, "enter");
    wait(&mut app, "the plain chart", |a| {
        a.state.screen == Screen::Chart
    });
    assert_eq!(
        app.state.chart.as_ref().map(|c| c.chart.patient.mrn),
        Some(Mrn(123456))
    );
    press(&mut app, "esc");

    press(&mut app, if vip_row == 0 { "up" } else { "down" });
    press(&mut app, "enter");
    wait(&mut app, "the break-the-glass popup", |a| {
        a.state.popup.is_some()
    });
    press(&mut app, "enter");
    wait(&mut app, "the VIP chart", |a| {
        a.state.screen == Screen::Chart
    });
    assert_eq!(
        app.state.chart.as_ref().map(|c| c.chart.patient.mrn),
        Some(Mrn(234567))
    );
    assert_eq!(app.state.recent.len(), 2);
    assert!(app.state.error.is_none(), "{:?}", app.state.error);
}

#[test]
fn note_search_opens_the_note_through_break_the_glass_and_audits_both() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vip;
    {
        let store = Store::open(dir.path()).expect("store");
        let mut tx = store.write().expect("tx");
        vip = tx.next_patient_id().expect("id");
        tx.put_patient(&patient(vip, 345678, "Johnny", "Smithers", true))
            .expect("put");
        let doc = tx.next_document_id().expect("id");
        tx.put_document(&Document {
            id: doc,
            patient: vip,
            encounter: None,
            doc_type: DocumentType::DischargeSummary,
            title: "Discharge summary".into(),
            author: None,
            time: NaiveDate::from_ymd_opt(2026, 10, 6)
                .and_then(|d| d.and_hms_opt(15, 5, 0))
                .expect("time"),
            signature: SignatureStatus::Signed,
            text: "Community-acquired pneumonia, right lower lobe. Discharged home.".into(),
            offset_secs: 0,
            source_id: None,
            type_codes: Vec::new(),
            sensitivity: Vec::new(),
        })
        .expect("put");
        tx.commit().expect("commit");
    }
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 11, 25, 14, 5, 0)
            .single()
            .expect("time"),
    ));
    let services = Arc::new(Services::open(dir.path(), clock).expect("services"));
    let session = services.local_session("tester").expect("session");
    let mut app = App::new(
        services.clone(),
        session,
        &UiConfig::builtin(true).expect("config"),
        80,
        24,
    );
    press(&mut app, "ctrl-f");
    for c in "pneumon* type:discharge mrn:34-56-78".chars() {
        app.handle(Msg::Key(Key::char(c)));
    }
    wait(&mut app, "note results", |a| {
        !a.state.notes.pending && a.state.notes.results.len() == 1
    });
    // The VIP chart's note is listed, its text withheld until a reason is given.
    let snippet = &app.state.notes.results[0].hit.snippet;
    assert_eq!(snippet.text, chartroom_services::WITHHELD_SNIPPET);
    assert!(snippet.marks.is_empty());
    press(&mut app, "enter");
    wait(&mut app, "the break-the-glass popup", |a| {
        a.state.popup.is_some()
    });
    press(&mut app, "enter");
    wait(&mut app, "the note in the reading pane", |a| {
        a.state.chart.as_ref().is_some_and(|c| c.reading.is_some())
    });
    assert!(app.state.error.is_none(), "{:?}", app.state.error);
    let read = services.store_for_tests().read().expect("read");
    let actions: Vec<AccessAction> = read
        .audit_for_patient(vip, 50)
        .expect("audit")
        .into_iter()
        .map(|e| e.event.action)
        .collect();
    for wanted in [
        AccessAction::NoteSearch,
        AccessAction::BreakGlass,
        AccessAction::OpenDocument,
    ] {
        assert!(actions.contains(&wanted), "{wanted:?} audited: {actions:?}");
    }
    press(&mut app, "esc");
    assert_eq!(app.state.screen, Screen::Notes);
}
