//! Query shapes that combine slips or give part of a date: partial dates narrow by
//! birth month and year and outrank an MRN made of their digits, a typo and a slipped
//! DOB together, a rare name with a typo and no DOB, equal matches ordered by spelling.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::test_support::patient;
use super::*;

fn build(records: Vec<PatientRecord>) -> (tempfile::TempDir, TantivyIndex) {
    let dir = tempfile::tempdir().expect("temp dir");
    let idx = TantivyIndex::open(dir.path()).expect("open index");
    idx.rebuild(&mut records.into_iter(), &mut Vec::new().into_iter())
        .expect("rebuild");
    (dir, idx)
}

fn order(idx: &TantivyIndex, q: &str) -> Vec<u64> {
    idx.search_patients(q, 10)
        .expect("search")
        .iter()
        .map(|h| h.patient.0)
        .collect()
}

fn first(idx: &TantivyIndex, q: &str) -> (u64, Vec<String>) {
    let hits = idx.search_patients(q, 10).expect("search");
    let h = hits.first().unwrap_or_else(|| panic!("no hits for {q}"));
    if let Some(second) = hits.get(1) {
        assert!(second.score < h.score, "{q}: tie {:?}", order(idx, q));
    }
    (h.patient.0, h.why.clone())
}

fn population() -> Vec<PatientRecord> {
    vec![
        // Jane Doe born in four different months and years
        patient(1, "Jane", "Doe", "1984-03-17"),
        patient(2, "Jane", "Doe", "1984-07-02"),
        patient(3, "Jane", "Doe", "1992-12-30"),
        patient(4, "Jane", "Doe", "2002-10-05"),
        // MRN 102002 (1000 + id would not reach it: set below)
        patient(5, "Walter", "Brennan", "1950-01-01"),
        patient(6, "Katherine", "Johnson", "1961-03-14"),
        patient(7, "Katherine", "Johnson", "1967-08-21"),
        patient(8, "Kathy", "Jonas", "1967-03-14"),
        patient(9, "Dale", "Wojciechowski", "1970-05-05"),
        patient(10, "Dale", "Woods", "1971-06-06"),
        patient(11, "Ann", "Hollingsworth-Pardee", "1980-02-02"),
        patient(12, "Ann", "Hollings", "1981-03-03"),
        patient(13, "Pyotr", "Tchaikovsky", "1940-05-07"),
        patient(14, "Pyotr", "Chaikovskiy", "1940-05-07"),
    ]
}

fn index() -> (tempfile::TempDir, TantivyIndex) {
    let mut records = population();
    records[4].patient.mrn = chartroom_domain::Mrn(102002);
    build(records)
}

#[test]
fn partial_dates_narrow_by_month_and_year() {
    let (_dir, idx) = index();
    for (q, want) in [
        ("jane doe born March 1984", 1),
        ("jane doe 3/84", 1),
        ("doe, jane 07/1984", 2),
        ("jane doe 1992-12", 3),
        ("jane doe jul 84", 2),
        ("jane doe 92", 3),
        ("jane doe 1992", 3),
    ] {
        let (top, why) = first(&idx, q);
        assert_eq!(top, want, "{q}: {why:?} {:?}", order(&idx, q));
    }
    let (_, why) = first(&idx, "jane doe 3/84");
    assert!(why.iter().any(|w| w == "DOB month and year"), "{why:?}");
    // two Jane Does born in 1984: both first, by the year, tied
    let hits = idx.search_patients("jane doe 84", 10).expect("search");
    let mut top2: Vec<u64> = hits.iter().take(2).map(|h| h.patient.0).collect();
    top2.sort_unstable();
    assert_eq!(top2, vec![1, 2]);
    assert!(
        hits[0].why.iter().any(|w| w == "DOB year"),
        "{:?}",
        hits[0].why
    );
    assert!(hits.get(2).is_none_or(|h| h.score < hits[1].score));
}

#[test]
fn a_month_and_year_outranks_an_mrn_made_of_its_digits() {
    let (_dir, idx) = index();
    // `10/2002` is October 2002, not MRN 102002 (Walter Brennan)
    assert_eq!(first(&idx, "jane doe 10/2002").0, 4);
    assert_eq!(first(&idx, "doe 10/2002").0, 4);
    // with nothing else typed, the MRN reading is the best one left
    assert_eq!(first(&idx, "10/2002").0, 5);
    assert_eq!(first(&idx, "102002").0, 5);
}

#[test]
fn a_name_typo_with_a_slipped_date_finds_the_patient() {
    let (_dir, idx) = index();
    // born 1961-03-14; the year's last digit misremembered and a typo in the name
    let (top, why) = first(&idx, "katherine jonhson 03/14/1967");
    assert_eq!(top, 6, "{why:?}");
    assert!(why.iter().any(|w| w == "DOB one digit off"), "{why:?}");
    // typos in both names with the right date
    assert_eq!(first(&idx, "katherien jonhsno 03/14/1961").0, 6);
    // a nickname and the day and month swapped
    assert_eq!(first(&idx, "kathy johnson 21/08/1967").0, 7);
}

#[test]
fn a_rare_name_with_a_typo_and_no_date_is_found() {
    let (_dir, idx) = index();
    assert_eq!(first(&idx, "dale wojciechowsky").0, 9);
    assert_eq!(first(&idx, "ann hollingsworth-pardey").0, 11);
    assert_eq!(first(&idx, "ann hollingsworht").0, 11);
    // the name being typed still lists what it starts
    assert!(order(&idx, "dale wojc").contains(&9));
}

#[test]
fn of_two_sound_alikes_the_closer_spelling_ranks_first() {
    let (_dir, idx) = index();
    let hits = order(&idx, "pyotr tchaikovskiy");
    assert_eq!(hits.first(), Some(&13), "{hits:?}");
    let hits = order(&idx, "pyotr chaikovsky");
    assert_eq!(hits.first(), Some(&14), "{hits:?}");
}
