//! Record retention: retention dates per rule and state in the report, legal holds,
//! destruction refused under each hold (and for the wrong role or authoriser), the
//! destruction itself (store, index, destruction log) and `verify` afterwards.

use super::research::{plant_encounter, staff_session as user, with_address};
use chartroom_domain::completion::Origin;
use chartroom_domain::privacy::Determination;
use chartroom_domain::{Deficiency, DeficiencyStatus, FixedClock, PatientId, Role};
use chartroom_services::privacy::{AlertRef, CaseAction};
use chartroom_services::{ServiceError, Services, Session};
use chartroom_testkit::{patient, plant_patient};
use chrono::{NaiveDate, TimeZone, Utc};
use std::path::Path;
use std::sync::Arc;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn open(dir: &Path) -> (Services, Session) {
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap(),
    ));
    let services = Services::open(dir, clock).unwrap();
    let admin = services.local_session("admin1").unwrap();
    (services, admin)
}

/// Charts: `old` (last discharge 2015-03-02), `recent` (2024), `child` (born 2010,
/// treated 2012), `empty` (no care).
struct Charts {
    old: PatientId,
    recent: PatientId,
    child: PatientId,
}

fn charts(services: &Services) -> Charts {
    let store = services.store_for_tests();
    let old = plant_patient(
        store,
        with_address(
            patient("Hollis", "Vantongeren", (1950, 4, 2)),
            "9 Elm St",
            "OH",
            "43201",
        ),
    );
    plant_encounter(services, &old, (2012, 6, 1), &[]);
    plant_encounter(services, &old, (2015, 3, 1), &["I10"]);
    let recent = plant_patient(store, patient("Marisol", "Quintanar", (1980, 1, 1)));
    plant_encounter(services, &recent, (2024, 1, 10), &[]);
    let child = plant_patient(store, patient("Tobias", "Wexley", (2010, 6, 15)));
    plant_encounter(services, &child, (2012, 1, 4), &[]);
    plant_patient(store, patient("Nadia", "Oyelaran", (1990, 1, 1)));
    services.sync_index().unwrap();
    Charts {
        old: old.id,
        recent: recent.id,
        child: child.id,
    }
}

fn until_of(
    services: &Services,
    session: &Session,
    state: &str,
    as_of: NaiveDate,
    id: PatientId,
) -> Option<NaiveDate> {
    services
        .retention_report(session, as_of, Some(state))
        .unwrap()
        .into_iter()
        .find(|r| r.patient.id == id)
        .map(|r| r.retain_until)
}

#[test]
fn retention_dates_per_rule_and_state() {
    let dir = tempfile::tempdir().unwrap();
    let (services, admin) = open(dir.path());
    let c = charts(&services);
    let far = day(2100, 1, 1);
    // OH (the built-in hospital state): 7 years after the last discharge (2015-03-02)
    let rows = services
        .retention_report(&admin, day(2026, 3, 10), None)
        .unwrap();
    assert_eq!(rows.len(), 1, "only the old chart is past retention");
    assert_eq!(rows[0].patient.id, c.old);
    assert_eq!(rows[0].rule, "OH");
    assert_eq!(rows[0].retain_until, day(2022, 3, 2));
    assert_eq!(rows[0].last_discharge, Some(day(2015, 3, 2)));
    assert!(rows[0].blocks.is_empty());
    // NY: 6 years; MA: 20 years; TX: 10 years after last treatment
    assert_eq!(
        until_of(&services, &admin, "NY", far, c.old),
        Some(day(2021, 3, 2))
    );
    assert_eq!(
        until_of(&services, &admin, "MA", far, c.old),
        Some(day(2035, 3, 2))
    );
    assert_eq!(
        until_of(&services, &admin, "TX", far, c.old),
        Some(day(2025, 3, 2))
    );
    // a state without a rule gets the default (7 years)
    assert_eq!(
        until_of(&services, &admin, "ZZ", far, c.old),
        Some(day(2022, 3, 2))
    );
    // minors: OH majority 18 + 3 years; TX until 20; CA 18 + 1; MA 20 years, no minors' rule
    assert_eq!(
        until_of(&services, &admin, "OH", far, c.child),
        Some(day(2031, 6, 15))
    );
    assert_eq!(
        until_of(&services, &admin, "TX", far, c.child),
        Some(day(2030, 6, 15))
    );
    assert_eq!(
        until_of(&services, &admin, "CA", far, c.child),
        Some(day(2029, 6, 15))
    );
    assert_eq!(
        until_of(&services, &admin, "MA", far, c.child),
        Some(day(2032, 1, 5))
    );
    assert_eq!(
        until_of(&services, &admin, "OH", far, c.recent),
        Some(day(2031, 1, 11))
    );
    // a chart without care never appears
    assert_eq!(
        services.retention_report(&admin, far, None).unwrap().len(),
        3
    );
    // a data directory's own rules replace the built-in ones
    std::fs::write(
        dir.path().join("retention.toml"),
        "cms_minimum_years = 5\n[default]\nyears = 2\nafter = \"discharge\"\nmajority_age = 0\n",
    )
    .unwrap();
    // never below the CMS minimum of 5 years
    assert_eq!(
        until_of(&services, &admin, "OH", far, c.old),
        Some(day(2020, 3, 2))
    );
}

fn refused_codes(
    result: chartroom_services::Result<chartroom_domain::retention::DestructionRecord>,
) -> Vec<&'static str> {
    match result {
        Err(ServiceError::DestructionRefused(reasons)) => reasons.iter().map(|r| r.0).collect(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn destruction_is_refused_under_each_hold_then_done_and_verified() {
    let dir = tempfile::tempdir().unwrap();
    let (services, admin) = open(dir.path());
    let c = charts(&services);
    let sup = user(&services, &admin, "sup1", Role::Supervisor);
    let clerk = user(&services, &admin, "clerk1", Role::Clerk);

    // the wrong role, the wrong authoriser, retention still running
    assert!(matches!(
        services.destroy_chart(&clerk, c.old, "sup1", "end of retention"),
        Err(ServiceError::Forbidden { .. })
    ));
    assert!(matches!(
        services.set_legal_hold(&clerk, c.old, true, "litigation"),
        Err(ServiceError::Forbidden { .. })
    ));
    assert!(matches!(
        services.destroy_chart(&sup, c.old, "clerk1", "end of retention"),
        Err(ServiceError::Invalid { .. })
    ));
    assert_eq!(
        refused_codes(services.destroy_chart(&sup, c.recent, "sup1", "x")),
        vec!["retention-not-reached"]
    );

    // legal hold: needs a reason, refuses, clears
    assert!(services.set_legal_hold(&sup, c.old, true, "  ").is_err());
    services
        .set_legal_hold(&sup, c.old, true, "Doe v. Hospital")
        .unwrap();
    assert_eq!(services.legal_holds(&sup).unwrap().len(), 1);
    assert_eq!(
        refused_codes(services.destroy_chart(&sup, c.old, "sup1", "x")),
        vec!["legal-hold"]
    );
    let report = services
        .retention_report(&sup, day(2026, 3, 10), None)
        .unwrap();
    let codes: Vec<&str> = report[0].blocks.iter().map(|b| b.code()).collect();
    assert_eq!(codes, vec!["legal-hold"]);
    let hold = services
        .set_legal_hold(&sup, c.old, false, "settled")
        .unwrap();
    assert_eq!(hold.changes.len(), 2);

    // privacy case
    let named = services
        .store_for_tests()
        .read()
        .unwrap()
        .patient(c.old)
        .unwrap()
        .unwrap()
        .source_id();
    let alert = AlertRef {
        user_id: "nosy1".into(),
        patients: vec![named],
        score: 80,
        rules: vec!["same_last_name".into()],
    };
    let case = services.promote_alerts(&admin, &[alert], None).unwrap();
    assert_eq!(
        refused_codes(services.destroy_chart(&sup, c.old, "sup1", "x")),
        vec!["privacy-case"]
    );
    services
        .case_action(&admin, case, CaseAction::Close, "appropriate: records work")
        .unwrap_err();
    services
        .case_action(&admin, case, CaseAction::StartReview, "")
        .unwrap();
    services
        .case_action(
            &admin,
            case,
            CaseAction::Determine(Determination::Appropriate),
            "records work",
        )
        .unwrap();
    services
        .case_action(&admin, case, CaseAction::Close, "")
        .unwrap();

    // open deficiency (then closed)
    let store = services.store_for_tests();
    let encounter = store.read().unwrap().encounters_of(c.old).unwrap()[0].clone();
    let mut deficiency = Deficiency {
        id: chartroom_domain::DeficiencyId(0),
        encounter: encounter.id,
        patient: c.old,
        kind: "discharge_summary".into(),
        document: None,
        procedure: None,
        provider: None,
        status: DeficiencyStatus::Open,
        origin: Origin::Manual,
        discharge_date: day(2012, 6, 2),
        due: day(2012, 7, 2),
        comment: String::new(),
        created: day(2012, 6, 3).and_hms_opt(8, 0, 0).unwrap(),
        history: vec![],
    };
    {
        let mut tx = store.write().unwrap();
        deficiency.id = tx.next_deficiency_id().unwrap();
        tx.put_deficiency(&deficiency).unwrap();
        tx.commit().unwrap();
    }
    assert_eq!(
        refused_codes(services.destroy_chart(&sup, c.old, "sup1", "x")),
        vec!["open-deficiency"]
    );
    deficiency.status = DeficiencyStatus::Closed;
    {
        let mut tx = store.write().unwrap();
        tx.put_deficiency(&deficiency).unwrap();
        tx.commit().unwrap();
    }

    // open release-of-information request
    let mrn = store.read().unwrap().patient(c.old).unwrap().unwrap().mrn;
    let intake = serde_json::json!({ "request_id": "R-1", "received": "2026-03-01",
        "requester": { "type": "patient", "name": "Requester", "address": "1 Main St" },
        "patient": { "id": mrn.0.to_string() },
        "scope": { "from": "2012-01-01", "to": "2015-12-31", "document_types": null },
        "purpose": "personal", "delivery": "electronic", "format": "electronic",
        "identity_verified": true, "court_order": false, "subpoena_assurances": false,
        "legal_process": null, "representative_authority": null, "authorization": null });
    let path = dir.path().join("roi.jsonl");
    std::fs::write(&path, format!("{intake}\n")).unwrap();
    services.import_roi_requests(&admin, &path).unwrap();
    assert_eq!(
        refused_codes(services.destroy_chart(&sup, c.old, "sup1", "x")),
        vec!["open-roi-request"]
    );
    let mut request = store.read().unwrap().roi_requests_of(c.old).unwrap()[0].clone();
    request.closure = Some(chartroom_domain::roi::Closure {
        status: chartroom_domain::roi::RoiStatus::Cancelled,
        reason: "withdrawn".into(),
        reviewable: false,
        on: day(2026, 3, 9),
        by: admin.user.id,
    });
    {
        let mut tx = store.write().unwrap();
        tx.put_roi_request(&request).unwrap();
        tx.commit().unwrap();
    }

    // all clear: destroyed
    let record = services
        .destroy_chart(&sup, c.old, "admin1", "retention period ended")
        .unwrap();
    assert_eq!(record.by, "sup1");
    assert_eq!(record.authorised_by, "admin1");
    assert_eq!(record.encounters, 2);
    assert_eq!(record.first_service, Some(day(2012, 6, 1)));
    assert_eq!(record.last_service, Some(day(2015, 3, 2)));
    assert_eq!(record.retain_until, day(2022, 3, 2));
    assert_eq!(record.name, "Vantongeren, Hollis");
    let read = store.read().unwrap();
    assert!(read.patient(c.old).unwrap().is_none());
    assert!(read.patient_by_mrn(mrn).unwrap().is_none());
    assert!(read.encounters_of(c.old).unwrap().is_empty());
    assert!(read.encounter(encounter.id).unwrap().is_none());
    assert!(read
        .encounter_by_number(&encounter.number)
        .unwrap()
        .is_none());
    assert!(read.deficiencies_of(encounter.id).unwrap().is_empty());
    assert!(read.encounter_conditions(encounter.id).unwrap().is_empty());
    // the log outlives the chart, and the audit trail still names it
    let log = services.destruction_log(&sup).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].mrn, mrn);
    assert!(!read.audit_for_patient(c.old, 100).unwrap().is_empty());
    drop(read);
    // the index let go of it
    assert!(services
        .find_patients_for_tests("Vantongeren", 5)
        .unwrap()
        .iter()
        .all(|r| r.patient.id != c.old));
    assert!(refused_codes_or_missing(
        services.destroy_chart(&sup, c.old, "sup1", "again")
    ));
    drop(services);
    let verify = chartroom_services::verify(dir.path()).unwrap();
    assert!(
        verify.first_problem().is_none(),
        "{:?}",
        verify.first_problem()
    );
}

fn refused_codes_or_missing(
    result: chartroom_services::Result<chartroom_domain::retention::DestructionRecord>,
) -> bool {
    matches!(result, Err(ServiceError::NotFound { .. }))
}
