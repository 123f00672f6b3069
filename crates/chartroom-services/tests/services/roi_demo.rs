//! The demo population keeps the Release workspace alive: requests in every status the
//! services produce, due-soon and overdue clocks, several requester types.

use chartroom_domain::FixedClock;
use chartroom_generate::NoProgress;
use chartroom_services::Services;
use std::collections::HashSet;
use std::sync::Arc;

#[test]
fn the_demo_population_has_requests_in_every_status_and_clock() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session, options) = super::support::demo_services(dir.path(), 300);
    let now = options.as_of.and_hms_opt(18, 0, 0).unwrap().and_utc();
    let rows = services.roi_list(&session, options.as_of).unwrap();
    assert!(
        rows.len() >= 36 && rows.len() <= 240,
        "{} requests",
        rows.len()
    );
    let statuses: HashSet<&str> = rows.iter().map(|r| r.status.as_str()).collect();
    for s in [
        "logged",
        "pending_authorization",
        "on_hold",
        "in_fulfillment",
        "qa",
        "pending_payment",
        "released",
        "denied",
        "cancelled",
    ] {
        assert!(statuses.contains(s), "no {s} request: {statuses:?}");
    }
    let open = |r: &&chartroom_services::roi::RoiRow| r.status != "released";
    assert!(
        rows.iter().filter(open).any(|r| r.days_left < 0),
        "none overdue"
    );
    assert!(
        rows.iter()
            .filter(open)
            .any(|r| (0..=5).contains(&r.days_left)),
        "none due soon"
    );
    let missing: HashSet<&str> = rows
        .iter()
        .flat_map(|r| r.missing.iter().map(String::as_str))
        .collect();
    for code in [
        "identity_unverified",
        "representative_authority",
        "authorization_required",
        "legal_process",
        "court_order_or_assurances",
        "signature",
        "expired",
        "revoked",
        "compound_authorization",
        "description",
    ] {
        assert!(missing.contains(code), "no hold for {code}: {missing:?}");
    }
    // Packets stay inside the data directory.
    let packets = dir.path().join("roi-demo").join("packets");
    assert!(std::fs::read_dir(&packets).unwrap().count() > 0);
    // The same seed gives the same requests.
    let dir2 = tempfile::tempdir().unwrap();
    let again = Services::open(dir2.path(), Arc::new(FixedClock(now))).unwrap();
    again.generate_demo("demo", &options, &NoProgress).unwrap();
    let session2 = again.local_session("demo").unwrap();
    assert_eq!(again.roi_list(&session2, options.as_of).unwrap(), rows);
}
