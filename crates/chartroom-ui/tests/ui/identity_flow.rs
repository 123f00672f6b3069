//! The Identity workspace over the real services: a duplicate registration found and
//! shown side by side with its differences and both charts' visits (80×24 snapshot),
//! merged keeping the first chart and unmerged again; then the file room's scan
//! station charges a chart out at typing speed and checks it back in, the missing-chart
//! workflow marks one missing and a scan finds it (80×24 snapshot of the tracking view).

use super::ui_support::{
    fixed_services, keys, screen, screen_rows, smithers_services, snapshot_app, wait,
};
use chartroom_domain::chart_tracking::ChartPlace;
use chartroom_domain::duplicates::DuplicateStatus;
use chartroom_domain::*;
use chartroom_ui::screens::identity::state::IdentityView;
use chartroom_ui::App;

fn at(y: i32, m: u32, d: u32, h: u32) -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, 0, 0))
        .expect("date")
}

/// Jonathan Smithers (123456, from `smithers_services`) registered again as "Jon" with
/// one SSN digit slipped, same address and phone; each chart with a visit.
fn plant_second_registration(dir: &std::path::Path) {
    super::ui_support::plant_smithers(dir);
    let store = chartroom_store::Store::open(dir).expect("store");
    let mut first = store
        .read()
        .expect("read")
        .patient_by_mrn(Mrn(123456))
        .expect("read")
        .expect("smithers");
    let mut tx = store.write().expect("tx");
    let address = Address {
        line: "12 Elm St".into(),
        city: "Riverton".into(),
        state: "MA".into(),
        zip: "01999".into(),
    };
    first.address = Some(address.clone());
    first.phones = vec!["617-555-0142".into()];
    first.ssn = Ssn::parse("371-28-4455");
    tx.put_patient(&first).expect("put");
    let mut second = first.clone();
    second.id = tx.next_patient_id().expect("id");
    second.mrn = Mrn(234567);
    second.name.given = "Jon".into();
    second.ssn = Ssn::parse("371-28-4456");
    tx.put_patient(&second).expect("put");
    for (i, (p, admit, location)) in [
        (&first, at(2026, 10, 2, 9), "Cardiology Clinic"),
        (&second, at(2026, 11, 25, 10), "Family Medicine"),
    ]
    .into_iter()
    .enumerate()
    {
        let id = tx.next_encounter_id().expect("id");
        tx.put_encounter(&Encounter {
            id,
            number: format!("V{i}"),
            patient: p.id,
            class: EncounterClass::Outpatient,
            admit,
            discharge: Some(admit + chrono::Duration::hours(1)),
            discharge_offset_secs: 0,
            attending: None,
            other_providers: Vec::new(),
            location: location.into(),
            reason: String::new(),
            source_id: None,
        })
        .expect("encounter");
    }
    tx.commit().expect("commit");
}

fn pair_status(app: &App) -> Option<DuplicateStatus> {
    app.state.identity.pairs.current().map(|r| r.0.pair.status)
}

#[test]
fn identity_workspace_compares_merges_and_unmerges_a_pair() {
    let dir = tempfile::tempdir().expect("tempdir");
    plant_second_registration(dir.path());
    let (services, session) = fixed_services(dir.path());
    services.find_duplicates(&session).expect("find");
    let mut app = snapshot_app(services, session);

    keys(&mut app, "f7");
    wait(&mut app, "the pairs", |a| {
        a.state.identity.pairs.rows().len() == 1
    });
    assert_eq!(pair_status(&app), Some(DuplicateStatus::Potential));
    keys(&mut app, "enter");
    wait(&mut app, "the comparison", |a| {
        a.state.identity.shown_pair().is_some()
    });
    let shown = screen_rows(&app);
    assert!(
        shown.contains("≠ nickname") && shown.contains("≠ one_digit"),
        "{shown}"
    );
    assert!(
        shown.contains("Family Medicine") && shown.contains("Cardiology"),
        "{shown}"
    );
    insta::assert_snapshot!("identity_comparison", screen(&app).backend());

    // Merge, keeping chart A (the first choice).
    keys(&mut app, "m enter");
    wait(&mut app, "the merge", |a| {
        pair_status(a) == Some(DuplicateStatus::VerifiedDuplicate)
    });
    keys(&mut app, "u");
    keys(&mut app, "w r o n g space p e r s o n enter");
    wait(&mut app, "the unmerge", |a| {
        pair_status(a) == Some(DuplicateStatus::Potential)
    });
    // Not a duplicate: the first reason needs no words.
    keys(&mut app, "n enter");
    wait(&mut app, "the decision", |a| {
        pair_status(a) == Some(DuplicateStatus::NotDuplicate)
    });
    // The pull list: today's (the fixed clock's) one visit, then an empty next day.
    keys(&mut app, "esc tab tab tab");
    assert_eq!(app.state.identity.view, IdentityView::PullList);
    wait(&mut app, "the pull list", |a| {
        a.state.identity.pull.rows().len() == 1
    });
    assert!(
        screen_rows(&app).contains("67-45-23 Smithers, Jon"),
        "{}",
        screen_rows(&app)
    );
    keys(&mut app, "]");
    wait(&mut app, "the next day", |a| {
        a.state.identity.pull.rows().is_empty()
    });
    assert!(screen_rows(&app).contains("no visits that day"));
}

fn place(app: &App) -> Vec<(String, ChartPlace)> {
    app.state
        .identity
        .charts
        .rows()
        .iter()
        .map(|r| (r.out.patient.mrn.to_string(), r.out.volume.place.clone()))
        .collect()
}

#[test]
fn scan_station_charges_out_checks_in_and_finds_a_missing_chart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (services, session) = smithers_services(dir.path());
    let mut app = snapshot_app(services, session);
    keys(&mut app, "f7");
    wait(&mut app, "the pairs", |a| a.state.identity.loaded);
    keys(&mut app, "tab tab");
    assert_eq!(app.state.identity.view, IdentityView::Charts);

    // Charge out to Coding (the first place), then the scanner types the MRN and enter
    // with no pause: none of its keys may be taken for a command.
    keys(&mut app, "o enter");
    keys(&mut app, "1 2 - 3 4 - 5 6 enter");
    wait(&mut app, "the charge-out", |a| place(a).len() == 1);
    assert_eq!(
        place(&app),
        vec![(
            "00-12-34-56".to_string(),
            ChartPlace::Department("Coding".into())
        )]
    );
    let shown = screen_rows(&app);
    assert!(
        shown.contains("✓ 56-34-12 Smithers, Jonathan v1: charged out to dept Coding"),
        "{shown}"
    );
    insta::assert_snapshot!("identity_tracking", screen(&app).backend());

    // An unknown MRN is refused on the scan line, naming no number.
    keys(&mut app, "9 9 9 9 9 9 enter");
    wait(&mut app, "the refusal", |a| {
        a.state.identity.scan.log.first().is_some_and(|l| !l.ok)
    });
    assert!(!screen_rows(&app).contains("999999"));

    // Missing: x, y; then the chart turns up and is scanned in.
    keys(&mut app, "x y");
    wait(&mut app, "missing", |a| {
        place(a).first().map(|p| p.1.clone()) == Some(ChartPlace::Missing)
    });
    keys(&mut app, "i 1 2 3 4 5 6 enter");
    wait(&mut app, "the check-in", |a| place(a).is_empty());
    assert!(
        screen_rows(&app).contains("found and checked in"),
        "{}",
        screen_rows(&app)
    );
}
