//! The new-request screen over the real services: `n` opens it, the patient is picked
//! with chart search, the validator's verdict changes live as the checklist is ticked,
//! enter logs the request (`logged`), `g` starts it; the dashboard (`d`) after a few
//! requests. 80×24 snapshots of the screen and the dashboard.

use super::release_flow::line;
use super::ui_support::{keys, screen, smithers_services, snapshot_app, wait};
use chartroom_ui::key::Key;
use chartroom_ui::{App, Msg};

fn type_in(app: &mut App, text: &str) {
    for c in text.chars() {
        app.handle(Msg::Key(Key::char(c)));
    }
}

fn status_of(app: &App, id: &str) -> Option<String> {
    app.state
        .release
        .all
        .iter()
        .find(|r| r.0.row.request_id == id)
        .map(|r| r.0.row.status.clone())
}

fn verdict(app: &App) -> Result<Vec<&'static str>, String> {
    let r = &app.state.release;
    r.entry.as_ref().expect("the form").verdict(&r.policy)
}

#[test]
fn a_request_entered_in_the_screen_is_validated_live_and_logged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (services, session) = smithers_services(dir.path());
    let lines = [
        line("R-201", "2026-10-20", "attorney", "Hale & Morrow LLP", true),
        line("R-202", "2026-11-20", "patient", "the patient", true),
        line("R-203", "2026-10-01", "insurer", "Meridian Life", true),
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

    keys(&mut app, "n");
    assert!(app.state.release.entry.is_some());
    assert!(verdict(&app).is_err(), "no patient yet");
    // Name, then the patient by MRN through chart search.
    keys(&mut app, "down down down");
    type_in(&mut app, "Jonathan Smithers");
    keys(&mut app, "down down");
    type_in(&mut app, "00-12-34-56");
    keys(&mut app, "enter");
    wait(&mut app, "the chart search", |a| {
        a.state
            .release
            .entry
            .as_ref()
            .is_some_and(|e| !e.candidates.is_empty())
    });
    assert_eq!(verdict(&app), Ok(vec!["identity_unverified"]));
    // Purpose, then tick "ID verified": nothing missing.
    keys(&mut app, "down down down down");
    type_in(&mut app, "second opinion");
    keys(&mut app, "down down down space");
    assert_eq!(verdict(&app), Ok(vec![]));
    // An attorney needs an authorization: the verdict says so at once.
    keys(&mut app, "up up up up up up up up up up right right right");
    assert_eq!(verdict(&app), Ok(vec!["authorization_required"]));
    keys(&mut app, "left left left");
    assert_eq!(verdict(&app), Ok(vec![]));
    insta::assert_snapshot!("release_new_request", screen(&app).backend());

    keys(&mut app, "enter");
    wait(&mut app, "the logged request", |a| {
        status_of(a, "W-261125-004").as_deref() == Some("logged")
    });
    assert!(app.state.release.entry.is_none());
    // Start it from the queue: g, y.
    keys(&mut app, "/ W - 2 6 enter g y");
    wait(&mut app, "the start", |a| {
        status_of(a, "W-261125-004").as_deref() == Some("in_fulfillment")
    });
    keys(&mut app, "esc d");
    assert!(app.state.release.dashboard);
    insta::assert_snapshot!("release_dashboard", screen(&app).backend());
}
