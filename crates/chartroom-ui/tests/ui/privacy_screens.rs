//! 80×24 snapshots of the Privacy workspace over the real services at a fixed clock:
//! the alert queue with an alert's evidence, the patient's timeline (`t`) and the
//! user's activity (`u`) with their charts of accesses per day, and the case list with
//! a case's detail.

use super::ui_support::{keys, screen, smithers_services, snapshot_app, wait};
use chartroom_ui::App;

const ROSTER: &str = "user_id,name,department,role,home_address,linked_patient_id,provider_id
snoop,Pat Smithers,Heart Center,clerk,1 Pine Rd Riverton MA 01999,,
night,Nia Owl,Heart Center,clerk,2 Pine Rd Riverton MA 01999,,
";

/// Smithers (123456) looked at by a namesake on three days and by a night clerk once;
/// the namesake also opens two charts this hospital does not hold.
const LOG: &str = "timestamp,user_id,patient_id,action,workstation,department
2026-11-10T09:00:00-05:00,snoop,ext-1,view,WS-HC-1,Heart Center
2026-11-12T09:30:00-05:00,snoop,ext-2,view,WS-HC-1,Heart Center
2026-11-16T10:15:00-05:00,snoop,123456,view,WS-HC-1,Heart Center
2026-11-16T10:20:00-05:00,snoop,123456,print,WS-HC-1,Heart Center
2026-11-17T11:00:00-05:00,snoop,ext-1,view,WS-HC-1,Heart Center
2026-11-18T02:40:00-05:00,night,123456,view,WS-HC-2,Heart Center
2026-11-19T14:10:00-05:00,snoop,123456,view,WS-HC-1,Heart Center
";

/// The app on the Privacy workspace with the alerts loaded, the snoop's on top.
fn privacy_app(dir: &std::path::Path) -> App {
    let (services, session) = smithers_services(dir);
    let roster = dir.join("roster.csv");
    std::fs::write(&roster, ROSTER).expect("write");
    services.import_roster(&session, &roster).expect("roster");
    let log = dir.join("log.csv");
    std::fs::write(&log, LOG).expect("write");
    services
        .import_access_csv(&session, &log, None, &mut |_| {})
        .expect("log");
    let mut app = snapshot_app(services, session);
    keys(&mut app, "f6");
    wait(&mut app, "the alerts", |a| {
        !a.state.privacy.alerts.rows().is_empty()
    });
    let top = &app.state.privacy.alerts.current().expect("a row").0.alert;
    assert_eq!(
        (top.user_id.as_str(), top.patient_id.as_str()),
        ("snoop", "123456")
    );
    app
}

#[test]
fn privacy_screens_evidence_timeline_and_activity() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = privacy_app(dir.path());

    keys(&mut app, "enter");
    wait(&mut app, "the evidence", |a| {
        a.state.privacy.evidence.is_some()
    });
    // The detail pane is focused: scroll to the roster row, the chart and the accesses.
    keys(&mut app, "down down down down down");
    insta::assert_snapshot!("privacy_alert_evidence", screen(&app).backend());

    // The patient's timeline: every user, newest first, under the chart.
    keys(&mut app, "esc t");
    wait(&mut app, "the timeline", |a| {
        a.state.privacy.timeline.is_some()
    });
    let timeline = app.state.privacy.timeline.as_ref().expect("timeline");
    assert_eq!(timeline.lines.len(), 4);
    assert_eq!(timeline.days.counts, vec![2, 0, 1, 1]);
    insta::assert_snapshot!("privacy_patient_timeline", screen(&app).backend());

    // `u` on the newest access: that user's activity and the patients touched.
    keys(&mut app, "u");
    wait(&mut app, "the activity", |a| {
        a.state.privacy.activity.is_some()
    });
    let activity = app.state.privacy.activity.as_ref().expect("activity");
    assert_eq!(activity.user_id, "snoop");
    assert_eq!(activity.patients.len(), 3);
    assert_eq!(activity.patients[0].patient, "123456");
    insta::assert_snapshot!("privacy_user_activity", screen(&app).backend());

    // `t` on a touched patient, then esc back to the queue.
    keys(&mut app, "down t");
    wait(&mut app, "the other timeline", |a| {
        a.state.privacy.timeline.is_some()
    });
    assert_eq!(app.state.privacy.focus_pair.1, "ext-1");
    keys(&mut app, "esc");
    assert_eq!(
        app.state.privacy.view,
        chartroom_ui::screens::privacy::state::PrivacyView::Alerts
    );
}

#[test]
fn privacy_screens_case_list_with_detail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = privacy_app(dir.path());
    keys(&mut app, "p");
    wait(&mut app, "the case", |a| {
        a.state.privacy.counts.assigned == 1
    });
    keys(&mut app, "tab r");
    wait(&mut app, "the review", |a| {
        a.state.privacy.counts.review == 1
    });
    keys(
        &mut app,
        "n A s k e d space t h e space m a n a g e r enter",
    );
    wait(&mut app, "the note", |a| {
        a.state.privacy.cases.rows()[0].0.history.len() == 3
    });
    // The case's detail, scrolled to its history.
    keys(&mut app, "enter down down down down down");
    insta::assert_snapshot!("privacy_case_detail", screen(&app).backend());
}
