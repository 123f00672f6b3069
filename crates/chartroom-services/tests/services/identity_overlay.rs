//! The overlay check through the services: a chart carrying someone else's visit is
//! flagged with its evidence, a consistent chart is not, merged-away charts are skipped,
//! and the run needs MergeCharts and is audited.

use chartroom_domain::{AccessAction, Encounter, EncounterClass, FixedClock, Patient, Sex};
use chartroom_services::{ServiceError, Services};
use chartroom_testkit::{patient, plant_patient};
use chrono::{NaiveDate, TimeZone, Utc};
use std::sync::Arc;

fn visit(services: &Services, p: &Patient, on: (i32, u32, u32), reason: &str) -> String {
    let mut tx = services.store_for_tests().write().unwrap();
    let id = tx.next_encounter_id().unwrap();
    let admit = NaiveDate::from_ymd_opt(on.0, on.1, on.2)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    let number = format!("V{}", id.0);
    tx.put_encounter(&Encounter {
        id,
        number: number.clone(),
        patient: p.id,
        class: EncounterClass::Outpatient,
        admit,
        discharge: Some(admit + chrono::Duration::hours(1)),
        discharge_offset_secs: 0,
        attending: None,
        other_providers: vec![],
        location: "Clinic".into(),
        reason: reason.into(),
        source_id: None,
    })
    .unwrap();
    tx.commit().unwrap();
    number
}

/// Services at 2026-11-02 09:00 UTC with the local session of `him1`.
fn him_services(dir: &std::path::Path) -> (Services, chartroom_services::Session) {
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
    ));
    let services = Services::open(dir, clock).unwrap();
    let him = services.local_session("him1").unwrap();
    (services, him)
}

#[test]
fn a_chart_with_someone_elses_visit_is_flagged_with_its_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let (services, him) = him_services(dir.path());
    let store = services.store_for_tests();

    let mut man = patient("Marcus", "Bell", (1975, 4, 2));
    man.sex = Sex::Male;
    let man = plant_patient(store, man);
    let mut woman = patient("Nora", "Bell", (1988, 9, 9));
    woman.sex = Sex::Female;
    let woman = plant_patient(store, woman);
    visit(&services, &man, (2024, 5, 1), "Hypertension");
    let wrong = visit(&services, &man, (2025, 2, 3), "Prenatal visit");
    visit(&services, &woman, (2025, 2, 3), "Prenatal visit");
    visit(&services, &woman, (2025, 9, 3), "Postpartum check");

    let flagged = services.overlay_check(&him).unwrap();
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    assert_eq!(flagged[0].patient.id, man.id);
    let signal = &flagged[0].candidate.signals[0];
    assert_eq!(signal.rule.code(), "sex_specific");
    assert!(signal.explain().contains(&wrong), "{}", signal.explain());
    assert!(flagged[0].candidate.score >= 30);

    // Merged away, the chart is no longer checked on its own.
    services
        .merge_charts(&him, woman.id, man.id, "test")
        .unwrap();
    let after = services.overlay_check(&him).unwrap();
    assert!(after.iter().all(|v| v.patient.id != man.id), "{after:?}");

    let trail = services.audit_trail(&him, None, 50).unwrap();
    assert!(trail
        .iter()
        .any(|e| e.event.event.action == AccessAction::Merge
            && e.event.event.detail.starts_with("overlay check: ")));

    let clerk = super::support::clerk_session(&services, &him, "clerk2");
    assert!(matches!(
        services.overlay_check(&clerk),
        Err(ServiceError::Forbidden { .. })
    ));
}

#[test]
fn the_demo_plants_one_overlay_of_each_kind_and_charts_out_in_every_state() {
    let dir = tempfile::tempdir().unwrap();
    let (services, session, options) = super::support::demo_services(dir.path(), 400);
    let flagged = services.overlay_check(&session).unwrap();
    let mut rules: Vec<&str> = flagged
        .iter()
        .flat_map(|v| v.candidate.rules())
        .map(|r| r.code())
        .collect();
    rules.sort();
    rules.dedup();
    // The generator itself never contradicts a chart: every flag is a planted one.
    assert_eq!(flagged.len(), 4, "{flagged:#?}");
    for rule in [
        "before_birth",
        "after_death",
        "sex_specific",
        "overlapping_stays",
    ] {
        assert!(rules.contains(&rule), "no {rule}: {rules:?}");
    }
    // The demo's file room: charts out in every state, overdue first.
    let out = services.charts_out(&session).unwrap();
    let today = options.as_of;
    let overdue = out.iter().filter(|c| c.volume.overdue(today)).count();
    let missing = out
        .iter()
        .filter(|c| c.volume.place == chartroom_domain::chart_tracking::ChartPlace::Missing)
        .count();
    assert_eq!((out.len(), overdue, missing), (11, 3, 2));
    assert!(out[..3].iter().all(|c| c.volume.overdue(today)));
    assert_eq!(
        out.iter().filter(|c| !c.volume.requests.is_empty()).count(),
        2
    );
}

/// A merge makes the retired chart's record follow the survivor: opening the survivor
/// shows both charts' encounters (newest first), also through a second merge into it,
/// and its access report lists who opened the duplicate; an unmerge takes them back.
#[test]
fn the_survivor_chart_shows_the_merged_charts_visits() {
    use chartroom_services::OpenChart;
    let dir = tempfile::tempdir().unwrap();
    let (services, him) = him_services(dir.path());
    let store = services.store_for_tests();
    let keep = plant_patient(store, patient("Ada", "Moss", (1970, 1, 2)));
    let gone = plant_patient(store, patient("Ada", "Mos", (1970, 1, 2)));
    let third = plant_patient(store, patient("Adah", "Moss", (1970, 1, 2)));
    let v1 = visit(&services, &keep, (2024, 5, 1), "Checkup");
    let v2 = visit(&services, &gone, (2025, 2, 3), "Flu");
    let v3 = visit(&services, &third, (2023, 7, 9), "Sprain");
    let numbers = |id| match services.open_chart(&him, id, None).unwrap() {
        OpenChart::Opened(chart) => chart
            .encounters
            .iter()
            .map(|e| e.encounter.number.clone())
            .collect::<Vec<_>>(),
        OpenChart::NeedsReason { .. } => panic!("no reason needed"),
    };
    assert_eq!(numbers(keep.id), vec![v1.clone()]);
    // Someone opened the duplicate before the merge: the survivor's access report has it.
    numbers(gone.id);
    services
        .merge_charts(&him, keep.id, gone.id, "same")
        .unwrap();
    assert_eq!(numbers(keep.id), vec![v2.clone(), v1.clone()]);
    let report = services
        .access_report(
            &him,
            &keep.mrn.digits(),
            &chartroom_services::privacy::AlertsQuery::default(),
        )
        .unwrap();
    assert!(
        report.iter().any(|l| l.record.patient == gone.source_id()),
        "{report:?}"
    );
    // A second duplicate merged into the same survivor.
    services
        .merge_charts(&him, keep.id, third.id, "same")
        .unwrap();
    assert_eq!(numbers(keep.id), vec![v2.clone(), v1.clone(), v3]);
    services.unmerge_chart(&him, third.id, "twin").unwrap();
    services.unmerge_chart(&him, gone.id, "twin").unwrap();
    assert_eq!(numbers(keep.id), vec![v1]);
    assert_eq!(numbers(gone.id), vec![v2]);
}
