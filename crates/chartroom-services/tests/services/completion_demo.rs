//! The demo population keeps the Completion workspace alive: deficiencies in every
//! status and aging bucket, across many providers, months on both sides of 50 %.

use chartroom_domain::{DeficiencyStatus, FixedClock};
use chartroom_generate::NoProgress;
use chartroom_services::completion::{DeficiencyFilter, DeficiencyRow};
use chartroom_services::Services;
use std::collections::HashSet;
use std::sync::Arc;

#[test]
fn the_demo_population_has_deficiencies_in_every_status_and_age() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session, options) = super::support::demo_services(dir.path(), 3_000);
    let now = options.as_of.and_hms_opt(18, 0, 0).unwrap().and_utc();
    let as_of = options.as_of;
    let rows = services
        .deficiency_rows(&session, &DeficiencyFilter::default(), as_of)
        .unwrap();
    let statuses: HashSet<DeficiencyStatus> = rows.iter().map(|r| r.deficiency.status).collect();
    for s in DeficiencyStatus::ALL {
        assert!(statuses.contains(&s), "no {} deficiency", s.code());
    }
    let providers: HashSet<_> = rows
        .iter()
        .filter(|r| r.deficiency.status.is_outstanding())
        .filter_map(|r| r.deficiency.provider)
        .collect();
    assert!(providers.len() >= 10, "{} providers", providers.len());
    let dash = services.completion_dashboard(&session, as_of).unwrap();
    assert!(dash.aging.iter().all(|n| *n > 0), "{:?}", dash.aging);
    let threshold = f64::from(dash.threshold_percent);
    assert!(dash.months.iter().any(|m| m.rate_percent > threshold));
    assert!(dash
        .months
        .iter()
        .any(|m| m.discharges > 0 && m.rate_percent < threshold));
    // The same seed gives the same history.
    let dir2 = tempfile::tempdir().unwrap();
    let again = Services::open(dir2.path(), Arc::new(FixedClock(now))).unwrap();
    again.generate_demo("demo", &options, &NoProgress).unwrap();
    let session2 = again.local_session("demo").unwrap();
    let rows2 = again
        .deficiency_rows(&session2, &DeficiencyFilter::default(), as_of)
        .unwrap();
    let key = |r: &DeficiencyRow| {
        (
            r.deficiency.id,
            r.deficiency.status,
            r.deficiency.history.len(),
        )
    };
    assert_eq!(
        rows.iter().map(key).collect::<Vec<_>>(),
        rows2.iter().map(key).collect::<Vec<_>>()
    );
}
