//! The Admin workspace over the real services: without a listener the feed panel says
//! how to start one; with a feed registered (as `serve --mllp` does) ctrl-r shows its
//! counts per type and ACK code, its refusals and the store's counts; an 80×24 snapshot.

use super::ui_support::{keys, screen, snapshot_app, wait};
use chartroom_domain::FixedClock;
use chartroom_services::{AckCode, Services};
use chartroom_ui::screens::admin::view::NO_LISTENER;
use chrono::{TimeZone, Utc};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::Arc;

/// One of each counted type, a skipped A02 (other), and three refusals: an update for
/// an unknown patient (AE), an unsupported message type and a garbled frame (AR).
const FEED: &[(&str, AckCode)] = &[
    ("MSH|^~\\&|REG|HOSP|CHART|HIM|20261125080000||ADT^A01|C1|P|2.5\rPID|1||1234567890^^^HOSP^MR||Quintanilla^Rosalind||19800214|F\rPV1|1|I|||||||||||||||||V100\r", AckCode::Accept),
    ("MSH|^~\\&|REG|HOSP|CHART|HIM|20261125081000||ADT^A04|C2|P|2.5\rPID|1||AB777^^^HOSP^MR||Okafor^Ben||19700101|M\rPV1|1|O|||||||||||||||||V200\r", AckCode::Accept),
    ("MSH|^~\\&|REG|HOSP|CHART|HIM|20261125082000||ADT^A08|C3|P|2.5\rPID|1||1234567890^^^HOSP^MR||Quintanilla^Rosalind||19800214|F\rPV1|1|I|||||||||||||||||V100\r", AckCode::Accept),
    ("MSH|^~\\&|REG|HOSP|CHART|HIM|20261125083000||ADT^A02|C4|P|2.5\rPID|1||1234567890^^^HOSP^MR\r", AckCode::Accept),
    ("MSH|^~\\&|REG|HOSP|CHART|HIM|20261125084000||ADT^A03|C5|P|2.5\rPID|1||1234567890^^^HOSP^MR\rPV1|1|I|||||||||||||||||V100\r", AckCode::Accept),
    ("MSH|^~\\&|REG|HOSP|CHART|HIM|20261125085000||ADT^A08|C6|P|2.5\rPID|1||nobody^^^HOSP^MR\r", AckCode::Error),
    ("MSH|^~\\&|LAB|HOSP|CHART|HIM|20261125086000||ORU^R01|L7|P|2.5\rPID|1||1234567890^^^HOSP^MR\r", AckCode::Reject),
    ("MSH|^~\\&|X\rthis is not a segment\r", AckCode::Reject),
];

fn text(t: &Terminal<TestBackend>) -> String {
    t.backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect()
}

#[test]
fn admin_workspace_shows_the_feed_and_the_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 11, 25, 14, 5, 0)
            .single()
            .expect("time"),
    ));
    let services = Arc::new(Services::open(dir.path(), clock).expect("services"));
    let session = services.local_session("tester").expect("session");
    let mut app = snapshot_app(services.clone(), session.clone());

    keys(&mut app, "f8");
    wait(&mut app, "the first read", |a| a.state.admin.feed.is_some());
    assert!(matches!(app.state.admin.feed, Some(Ok(None))));
    let first = text(&screen(&app)).replace(' ', "");
    assert!(first.contains("noHL7listenerinthisprocess"), "{first}");
    assert!(NO_LISTENER.contains("chartroom serve --mllp ADDR"));

    let feed = Arc::new(
        services
            .open_hl7_feed(&session, "127.0.0.1:2575")
            .expect("feed"),
    );
    for (message, code) in FEED {
        let answer = services.hl7_message(&feed, message.as_bytes());
        assert_eq!(answer.code, *code, "{message}: {:?}", answer.reason);
    }
    services.register_hl7_feed(feed);

    keys(&mut app, "ctrl-r");
    wait(&mut app, "the feed's counts", |a| {
        matches!(&a.state.admin.feed, Some(Ok(Some(_)))) && !a.state.admin.loading
    });
    let data = match &app.state.admin.data {
        Some(Ok(data)) => *data,
        other => panic!("data panel: {other:?}"),
    };
    assert_eq!((data.patients, data.encounters), (2, 2));
    let shown = screen(&app);
    // Refusals name the message, never a value from it.
    let all = text(&shown);
    assert!(
        !all.contains("Quintanilla") && !all.contains("nobody"),
        "{all}"
    );
    insta::assert_snapshot!("admin_workspace", shown.backend());

    // Help explains the workspace's own keys.
    keys(&mut app, "?");
    let help = text(&screen(&app));
    assert!(help.contains("reload the data on screen"), "{help}");
}
