//! The Privacy workspace over the real services: an access log and a roster imported,
//! the alert queue worst first (the same-last-name snoop above the after-hours look),
//! the evidence of an alert, a dismissal with a reason, and one alert taken from
//! promotion to a closed case with a breach assessment, read off the 80×24 screen.

use super::ui_support::{keys, screen_rows, smithers_services, snapshot_app, wait};
use chartroom_domain::privacy::{CaseStatus, Determination};

const ROSTER: &str = "user_id,name,department,role,home_address,linked_patient_id,provider_id
snoop,Pat Smithers,Heart Center,clerk,1 Pine Rd Riverton MA 01999,,
night,Nia Owl,Heart Center,clerk,2 Pine Rd Riverton MA 01999,,
";

const LOG: &str = "timestamp,user_id,patient_id,action,workstation,department
2026-11-16T10:15:00-05:00,snoop,123456,view,WS-HC-1,Heart Center
2026-11-16T10:20:00-05:00,snoop,123456,print,WS-HC-1,Heart Center
2026-11-18T02:40:00-05:00,night,123456,view,WS-HC-2,Heart Center
";

#[test]
fn privacy_workspace_from_alert_to_closed_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (services, session) = smithers_services(dir.path());
    let roster = dir.path().join("roster.csv");
    std::fs::write(&roster, ROSTER).expect("write");
    services.import_roster(&session, &roster).expect("roster");
    let log = dir.path().join("log.csv");
    std::fs::write(&log, LOG).expect("write");
    services
        .import_access_csv(&session, &log, None, &mut |_| {})
        .expect("log");
    let mut app = snapshot_app(services.clone(), session.clone());

    keys(&mut app, "f6");
    wait(&mut app, "the alerts", |a| {
        a.state.privacy.counts.alerts == 2
    });
    let first = app.state.privacy.alerts.current().expect("a row");
    assert_eq!(first.0.alert.user_id, "snoop");
    keys(&mut app, "enter");
    wait(&mut app, "the evidence", |a| {
        a.state.privacy.evidence.is_some()
    });
    let shown = screen_rows(&app);
    assert!(
        shown.contains("snoop") && shown.contains("same_last_name"),
        "{shown}"
    );

    // The after-hours look is dismissed with the first reason.
    keys(&mut app, "esc down d enter");
    wait(&mut app, "the dismissal", |a| {
        a.state.privacy.counts.alerts == 1
    });
    // The snoop becomes a case, reviewed, determined a breach, closed.
    keys(&mut app, "home p");
    wait(&mut app, "the case", |a| {
        a.state.privacy.counts.assigned == 1
    });
    keys(&mut app, "tab r");
    wait(&mut app, "the review", |a| {
        a.state.privacy.counts.review == 1
    });
    keys(&mut app, "m down down down enter");
    wait(&mut app, "the determination", |a| {
        a.state.privacy.counts.determined == 1
    });
    let case = &app.state.privacy.cases.rows()[0].0;
    assert_eq!(case.determination, Some(Determination::BreachAssessment));
    assert!(case.notice_due().is_some());
    keys(
        &mut app,
        "n I n t e r v i e w e d space m a n a g e r enter",
    );
    wait(&mut app, "the note", |a| {
        a.state.privacy.cases.rows()[0].0.history.len() == 4
    });
    keys(&mut app, "c");
    wait(&mut app, "the close", |a| {
        a.state.privacy.counts.closed == 1
    });
    assert_eq!(
        app.state.privacy.cases.rows()[0].0.status,
        CaseStatus::Closed
    );
    let shown = screen_rows(&app);
    assert!(shown.contains("#1") && shown.contains("closed"), "{shown}");
}
