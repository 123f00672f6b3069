//! The Release workspace over the real services: five requests logged through the ROI
//! intake show in the queue with their clocks (due soon, overdue) and holds; the
//! detail pane explains each missing code; QA is confirmed with `c` `y`, a refused
//! extension shows its rule on the error line, an allowed one moves the due date;
//! an 80×24 snapshot.

use super::ui_support::{keys, screen, smithers_services, snapshot_app, wait};
use chartroom_domain::*;
use chartroom_services::Services;
use chartroom_ui::screens::release::view::detail;
use chartroom_ui::{App, UiConfig};
use chrono::{TimeZone, Utc};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::Arc;

pub(super) fn line(id: &str, received: &str, kind: &str, name: &str, verified: bool) -> String {
    format!(
        r#"{{"request_id":"{id}","received":"{received}","requester":{{"type":"{kind}","name":"{name}","address":"1 Main St"}},"patient":{{"id":"00-12-34-56"}},"scope":{{"from":"2025-01-01","to":"2026-10-31","document_types":null}},"purpose":"personal use","delivery":"electronic","format":"electronic","identity_verified":{verified},"court_order":false,"subpoena_assurances":false,"legal_process":null,"representative_authority":null,"authorization":null}}"#
    )
}

fn text(t: &Terminal<TestBackend>) -> String {
    t.backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect()
}

fn status_of(app: &App, id: &str) -> String {
    app.state
        .release
        .all
        .iter()
        .find(|r| r.0.row.request_id == id)
        .map(|r| r.0.row.status.clone())
        .unwrap_or_default()
}

#[test]
fn release_workspace_shows_the_clock_and_works_requests() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (services, session) = smithers_services(dir.path());
    let lines = [
        line("R-101", "2026-11-20", "patient", "the patient", true),
        line("R-102", "2026-10-20", "attorney", "Hale & Morrow LLP", true),
        line(
            "R-103",
            "2026-10-28",
            "personal_representative",
            "Mary Smithers",
            false,
        ),
        line(
            "R-104",
            "2026-11-10",
            "continuing_care",
            "Riverside Clinic",
            true,
        ),
        line(
            "R-105",
            "2026-11-24",
            "law_enforcement",
            "County Sheriff",
            true,
        ),
    ];
    let file = dir.path().join("requests.jsonl");
    std::fs::write(&file, lines.join("\n")).expect("write");
    services
        .import_roi_requests(&session, &file)
        .expect("intake");
    let mut app = snapshot_app(services.clone(), session.clone());

    keys(&mut app, "f5");
    wait(&mut app, "the requests", |a| {
        a.state.release.as_of.is_some()
    });
    let r = &app.state.release;
    assert_eq!(r.queue.rows().len(), 5);
    assert_eq!((r.counts.on_hold, r.counts.in_fulfillment), (3, 2));
    assert_eq!((r.counts.due_soon, r.counts.overdue), (1, 1));
    // Due first: the overdue attorney's request, with its hold explained.
    let first = r.queue.current().expect("a row");
    assert_eq!(first.0.row.request_id, "R-102");
    assert_eq!(first.days_left_cell(), "-6 late");
    let explained = detail(first).text.unwrap_or_default();
    assert!(
        explained.contains("authorization_required: hospital policy"),
        "{explained}"
    );

    // The attorney's request cannot be extended: the rule is on the error line.
    keys(&mut app, "e enter");
    wait(&mut app, "the refusal", |a| a.state.error.is_some());
    let error = app.state.error.clone().unwrap_or_default();
    assert!(error.contains("164.524(b)(2)"), "{error}");

    // QA for the continuing-care request: c, then y.
    keys(&mut app, "/ R - 1 0 4 enter c y");
    wait(&mut app, "QA", |a| status_of(a, "R-104") == "qa");
    // The patient's own request is extended once, with the first reason.
    keys(&mut app, "esc / R - 1 0 1 enter e enter");
    wait(&mut app, "the extension", |a| {
        a.state
            .release
            .all
            .iter()
            .any(|r| r.0.row.request_id == "R-101" && r.0.row.days_left == 55)
    });
    keys(&mut app, "esc");
    wait(&mut app, "the reload", |a| {
        a.state.release.queue.rows().len() == 5
    });
    // Back to the top (the overdue hold), its detail scrolled to what is missing.
    keys(&mut app, "home enter down down down down down down");
    let shown = screen(&app);
    let all = text(&shown);
    assert!(all.contains("R-102") && all.contains("-6 late"), "{all}");
    insta::assert_snapshot!("release_workspace", shown.backend());
}

#[test]
fn the_help_overlay_lists_the_release_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
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
    keys(&mut app, "f5");
    wait(&mut app, "the requests", |a| {
        a.state.release.as_of.is_some()
    });
    assert!(text(&screen(&app)).contains("Open requests"));
    keys(&mut app, "?");
    let help = text(&screen(&app));
    assert!(help.contains("extend the request once"), "{help}");
}
