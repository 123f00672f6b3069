//! The whole stack driven by keys: real store, real index, real services, the app and
//! its runtime. Type a name, open the chart, and find the open in the audit trail; a
//! restricted chart asks for a reason and its open is flagged for privacy review.

use chartroom_domain::{AccessAction, FixedClock, Patient};
use chartroom_generate::{generate, GenerateOptions, NoProgress};
use chartroom_services::Services;
use chartroom_ui::state::Screen;
use chartroom_ui::{App, Key, Msg, UiConfig, UiOptions};
use chrono::{TimeZone, Utc};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn services(dir: &std::path::Path) -> Arc<Services> {
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 0)
            .single()
            .expect("valid time"),
    ));
    let services = Services::open(dir, clock).expect("open data directory");
    let options = GenerateOptions {
        patients: 600,
        seed: 11,
        ..GenerateOptions::default()
    };
    generate(services.store_for_tests(), &options, &NoProgress).expect("generate");
    services.rebuild_index_for_tests().expect("index");
    Arc::new(services)
}

fn press(app: &mut App, key: &str) {
    let key: Key = key.parse().expect("key name");
    app.handle(Msg::Key(key));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.handle(Msg::Key(Key::char(c)));
    }
}

fn wait_until(app: &mut App, what: &str, done: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done(app) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        if let Ok(msg) = app.messages().recv_timeout(Duration::from_millis(20)) {
            app.handle(msg);
        }
    }
}

fn results_settled(app: &App) -> bool {
    let s = &app.state.search;
    s.shown_generation == s.generation && !s.pending && !s.results.is_empty()
}

fn first_patient(services: &Services, pick: impl Fn(&Patient) -> bool) -> Patient {
    let read = services.store_for_tests().read().expect("read");
    let found = read
        .patients()
        .expect("patients")
        .map(|p| p.expect("row"))
        .find(|p| pick(p));
    found.expect("a patient of that kind")
}

#[test]
fn type_a_name_open_the_chart_and_see_the_audit_event() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let services = services(tmp.path());
    let target = first_patient(&services, |p| !p.flags.needs_reason());
    let session = services.local_session("clerk-test").expect("session");
    let config = UiConfig::load(&UiOptions::default()).expect("config");
    let mut app = App::new(services.clone(), session, &config, 80, 24);

    let query = format!(
        "{}, {} {}",
        target.name.family,
        target.name.given,
        target.dob.format("%m/%d/%Y")
    );
    type_text(&mut app, &query);
    wait_until(&mut app, "search results", results_settled);
    let top = &app.state.search.results[0];
    assert_eq!(top.patient.id, target.id, "the patient typed comes first");
    press(&mut app, "enter");
    wait_until(&mut app, "the chart", |a| a.state.screen == Screen::Chart);

    let read = services.store_for_tests().read().expect("read");
    let events = read.audit_for_patient(target.id, 10).expect("audit");
    let open = events
        .iter()
        .find(|e| e.event.action == AccessAction::OpenChart)
        .expect("the chart open is audited");
    assert_eq!(open.event.username, "clerk-test");
    assert_eq!(open.event.client, "local");
    assert!(!open.event.flagged);
    assert!(matches!(
        services
            .store_for_tests()
            .check_audit_chain()
            .expect("chain"),
        chartroom_store::ChainCheck::Intact { .. }
    ));
}

#[test]
fn a_sensitive_chart_asks_for_a_reason_and_the_open_is_flagged() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let services = services(tmp.path());
    let target = first_patient(&services, |p| p.flags.needs_reason());
    let session = services.local_session("clerk-test").expect("session");
    let config = UiConfig::load(&UiOptions::default()).expect("config");
    let mut app = App::new(services.clone(), session, &config, 80, 24);

    type_text(&mut app, &target.mrn.digits());
    wait_until(&mut app, "search results", results_settled);
    assert_eq!(app.state.search.results[0].patient.id, target.id);
    press(&mut app, "enter");
    wait_until(&mut app, "the reason popup", |a| a.state.popup.is_some());
    assert_eq!(
        app.state.screen,
        Screen::Search,
        "nothing shown before a reason"
    );
    let before = services
        .store_for_tests()
        .read()
        .expect("read")
        .audit_for_patient(target.id, 10)
        .expect("audit");
    assert!(before.is_empty(), "asking is not an open");

    press(&mut app, "enter"); // the first reason: direct patient care
    wait_until(&mut app, "the chart", |a| a.state.screen == Screen::Chart);
    let read = services.store_for_tests().read().expect("read");
    let events = read.audit_for_patient(target.id, 10).expect("audit");
    let glass = events
        .iter()
        .find(|e| e.event.action == AccessAction::BreakGlass)
        .expect("a break-the-glass event");
    assert!(glass.event.flagged, "flagged for privacy review");
    assert!(glass
        .event
        .reason
        .as_deref()
        .unwrap_or("")
        .contains("direct patient care"));
}
