//! Synthea CSV import against the real 27-patient export in ../shared/data and the
//! bad-input fixtures in tests/fixtures/synthea-bad/.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test helpers outside #[test] fns

use chartroom_domain::{EncounterClass, NameKind};
use chartroom_import::{import_synthea_csv, ImportError};
use chartroom_store::Store;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    chartroom_testkit::fixture("")
}

/// The shared Synthea CSV set (see `shared_data`).
fn shared_csv() -> Option<PathBuf> {
    chartroom_testkit::shared_data("synthea-csv-dbt-27/csv")
}

fn counts(store: &Store) -> chartroom_store::StoreCounts {
    store
        .read()
        .unwrap_or_else(|e| panic!("read: {e}"))
        .counts()
        .unwrap_or_else(|e| panic!("counts: {e}"))
}

fn open_store() -> (tempfile::TempDir, Store) {
    chartroom_testkit::temp_store()
}

#[test]
fn imports_the_27_patient_export() {
    let Some(csv) = shared_csv() else { return };
    let (_dir, store) = open_store();
    let report = import_synthea_csv(&store, &csv).expect("import");
    assert_eq!(report.patients_added, 27);
    assert_eq!(report.encounters_added, 604);
    assert_eq!(report.providers_added, 166);
    assert_eq!(report.organizations, 63);
    assert_eq!(
        (report.procedures_added, report.procedures_updated),
        (249, 0)
    );
    assert_eq!(report.unknown_procedure_encounters, 0);
    assert_eq!(report.procedures_repeated, 0);
    assert!(report.skipped_files.is_empty(), "{report}");
    assert!(
        report
            .to_string()
            .contains("procedures: 249 added, 0 updated"),
        "{report}"
    );

    let read = store.read().expect("read");
    let counts = read.counts().expect("counts");
    assert_eq!(counts.patients, 27);
    assert_eq!(counts.encounters, 604);
    assert_eq!(counts.procedures, 249);

    let id = read
        .patient_by_identifier("synthea", "3edac2e3-d223-6fae-d515-daf96ef6bc76")
        .expect("lookup")
        .expect("patient imported");
    let patient = read.patient(id).expect("read").expect("patient");
    assert_eq!(patient.source_id(), "3edac2e3-d223-6fae-d515-daf96ef6bc76");
    assert_eq!(patient.name.given, "Maynard46");
    assert_eq!(patient.name.family, "Mosciski958");
    assert_eq!(
        patient.ssn.as_ref().map(|s| s.masked()).as_deref(),
        Some("***-**-5017")
    );
    assert_eq!(
        patient.address.as_ref().map(|a| a.zip.as_str()),
        Some("02155")
    );
    // ID documents are kept as identifiers, so a requester's licence finds the chart
    let jackie = read
        .patient_by_identifier("synthea", "1d3d16ce-a3a4-5e9e-1b4d-58a391895443")
        .expect("lookup")
        .and_then(|id| read.patient(id).expect("read"))
        .expect("patient imported");
    let documents: Vec<(&str, &str)> = jackie
        .identifiers
        .iter()
        .map(|i| (i.system.as_str(), i.value.as_str()))
        .collect();
    assert!(
        documents.contains(&("drivers-license", "S99994942")),
        "{documents:?}"
    );
    assert!(
        documents.contains(&("passport", "X79835501X")),
        "{documents:?}"
    );
    assert!(patient.identifiers.iter().all(|i| i.system == "synthea"));
    let encounters = read.encounters_of(id).expect("encounters");
    assert!(!encounters.is_empty());
    assert!(encounters
        .iter()
        .all(|e| e.number.starts_with("SY") && e.source_id.is_some()));

    let all: Vec<_> = read
        .patients()
        .expect("patients")
        .collect::<Result<_, _>>()
        .expect("rows");
    let deceased = all.iter().filter(|p| p.flags.deceased.is_some()).count();
    assert_eq!(deceased, 2);
    assert!(all
        .iter()
        .any(|p| p.other_names.iter().any(|a| a.kind == NameKind::Maiden)));
    let mut mrns: Vec<_> = all.iter().map(|p| p.mrn).collect();
    mrns.sort();
    mrns.dedup();
    assert_eq!(mrns.len(), 27, "each patient gets its own MRN");
    let first = read
        .encounter_by_number("SY57F2562B445C")
        .expect("lookup")
        .expect("encounter");
    assert_eq!(first.class, EncounterClass::Ambulatory);
    assert!(first.attending.is_some());
    assert!(first.reason.contains("Acute viral pharyngitis"));

    // procedures.csv line 2: keyed by ENCOUNTER + CODE + START, on the encounter's chart
    let procedure = read
        .procedure_by_source(
            "synthea-procedure:0622440b-ab3a-87bf-b0d7-f8145ac11cc5:430193006:2023-10-10T04:17:47Z",
        )
        .expect("lookup")
        .expect("procedure imported");
    assert_eq!(procedure.patient, id);
    assert_eq!(procedure.codes, ["430193006"]);
    assert!(procedure.category_codes.is_empty());
    assert!(procedure.performers.is_empty());
    assert_eq!(
        procedure.description,
        "Medication Reconciliation (procedure)"
    );
    let encounter = procedure.encounter.expect("encounter resolved");
    let stored = encounters
        .iter()
        .find(|e| e.id == encounter)
        .expect("an encounter of the same patient");
    assert_eq!(
        stored.source_id.as_deref(),
        Some("0622440b-ab3a-87bf-b0d7-f8145ac11cc5")
    );
    assert!(read
        .procedures_of(id)
        .expect("procedures")
        .iter()
        .all(|p| p.encounter.is_some()));
}

#[test]
fn reimport_updates_in_place() {
    let Some(csv) = shared_csv() else { return };
    let (_dir, store) = open_store();
    import_synthea_csv(&store, &csv).expect("first import");
    store
        .ack_outbox(u64::MAX)
        .expect("the index took everything");
    let before: Vec<_> = store
        .read()
        .expect("read")
        .patients()
        .expect("p")
        .collect::<Result<_, _>>()
        .expect("rows");
    let report = import_synthea_csv(&store, &csv).expect("second import");
    // The same files again: every chart and visit is already so; nothing is rewritten
    // and nothing goes back to the index.
    assert_eq!(
        (
            report.patients_added,
            report.patients_updated,
            report.patients_unchanged
        ),
        (0, 0, 27)
    );
    assert_eq!(
        (
            report.encounters_added,
            report.encounters_updated,
            report.encounters_unchanged
        ),
        (0, 0, 604)
    );
    assert_eq!(chartroom_testkit::queued_for_index(&store), vec![]);
    assert_eq!((report.providers_added, report.providers_updated), (0, 166));
    assert_eq!(
        (report.procedures_added, report.procedures_updated),
        (0, 249)
    );
    let read = store.read().expect("read");
    let counts = read.counts().expect("counts");
    assert_eq!(
        (
            counts.patients,
            counts.encounters,
            counts.providers,
            counts.procedures
        ),
        (27, 604, 166, 249)
    );
    let after: Vec<_> = read
        .patients()
        .expect("p")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(before == after, "same ids, MRNs and demographics");
}

#[test]
fn columns_may_come_in_any_order() {
    let (_dir, store) = open_store();
    let report = import_synthea_csv(&store, &fixtures().join("synthea-reordered")).expect("import");
    assert_eq!(
        (
            report.patients_added,
            report.encounters_added,
            report.providers_added
        ),
        (3, 5, 2)
    );
    assert!(report.skipped_files.contains(&"organizations.csv"));
    let read = store.read().expect("read");
    let id = read
        .patient_by_identifier("synthea", "00000000-0000-4000-8000-000000000001")
        .expect("lookup")
        .expect("found");
    let p = read.patient(id).expect("read").expect("patient");
    assert_eq!(p.name.display_last_first(), "Alpha, Testa");
    assert!(p.flags.deceased.is_some());
    assert_eq!(
        p.other_names
            .first()
            .map(|a| (a.kind, a.name.family.as_str())),
        Some((NameKind::Maiden, "Omega"))
    );
}

fn bad(name: &str) -> (tempfile::TempDir, Store, String) {
    let (dir, store) = open_store();
    let err = match import_synthea_csv(&store, &fixtures().join("synthea-bad").join(name)) {
        Ok(report) => panic!("{name} must fail, imported {report}"),
        Err(e) => e,
    };
    (dir, store, err.to_string())
}

#[test]
fn bad_date_names_file_line_column_and_commits_nothing() {
    let (_dir, store, message) = bad("bad-date");
    assert_eq!(
        message,
        "patients.csv line 3, column BIRTHDATE: is not a date (expected YYYY-MM-DD)"
    );
    assert!(!message.contains("1984-13-02"), "never echo the value");
    assert_eq!(counts(&store).patients, 0);
}

#[test]
fn missing_column_is_named() {
    let (_dir, store, message) = bad("missing-column");
    assert_eq!(message, "patients.csv: missing required column BIRTHDATE");
    assert_eq!(counts(&store).patients, 0);
}

#[test]
fn unknown_patient_reference_fails_the_encounter_file_only() {
    let (_dir, store, message) = bad("unknown-patient");
    assert!(
        message.starts_with("encounters.csv line 5, column PATIENT: "),
        "{message}"
    );
    let counts = counts(&store);
    assert_eq!(
        counts.encounters, 0,
        "no encounter of the bad file is committed"
    );
    assert_eq!(
        counts.patients, 3,
        "patients.csv was good and stays imported"
    );
}

#[test]
fn bad_utf8_names_the_cell() {
    let (_dir, store, message) = bad("bad-utf8");
    assert_eq!(
        message,
        "patients.csv line 4, column LAST: is not valid UTF-8"
    );
    assert_eq!(counts(&store).patients, 0);
}

#[test]
fn missing_directory_and_file() {
    let (_dir, store) = open_store();
    let err = import_synthea_csv(&store, Path::new("/nonexistent/synthea")).expect_err("no dir");
    assert!(matches!(err, ImportError::NotADirectory { .. }));
    let empty = tempfile::tempdir().expect("temp");
    let err = import_synthea_csv(&store, empty.path()).expect_err("no patients.csv");
    assert!(
        err.to_string().starts_with("patients.csv is missing from"),
        "{err}"
    );
}

/// A patients.csv with one patient and an encounters.csv of `rows` good encounters
/// followed by `last` (a raw CSV line), in a fresh directory.
fn large_export(rows: usize, last: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let patients = "Id,BIRTHDATE,DEATHDATE,SSN,DRIVERS,PASSPORT,PREFIX,FIRST,LAST,SUFFIX,MAIDEN,MARITAL,RACE,ETHNICITY,GENDER\n\
        00000000-0000-4000-8000-000000000001,1984-03-02,,,,,,Ann,Lee,,,,,,F\n";
    std::fs::write(dir.path().join("patients.csv"), patients)
        .unwrap_or_else(|e| panic!("write patients: {e}"));
    let mut encounters = String::from(
        "Id,START,STOP,PATIENT,ORGANIZATION,PROVIDER,PAYER,ENCOUNTERCLASS,CODE,DESCRIPTION\n",
    );
    for i in 0..rows {
        encounters.push_str(&format!(
            "{i:08x}-0000-4000-a000-{i:012x},2024-01-01T10:00:00Z,,00000000-0000-4000-8000-000000000001,,,,ambulatory,,Check up\n"
        ));
    }
    encounters.push_str(last);
    std::fs::write(dir.path().join("encounters.csv"), encounters)
        .unwrap_or_else(|e| panic!("write encounters: {e}"));
    dir
}

#[test]
fn a_bad_row_after_many_flushed_rows_still_commits_nothing_of_the_file() {
    // more rows than the importer buffers before flushing into the write transaction
    let rows = 45_000;
    let bad = "ffffffff-0000-4000-a000-ffffffffffff,2024-13-45T10:00:00Z,,00000000-0000-4000-8000-000000000001,,,,ambulatory,,Check up\n";
    let export = large_export(rows, bad);
    let (_dir, store) = open_store();
    let err = import_synthea_csv(&store, export.path()).expect_err("bad START");
    let line = rows + 2;
    assert!(
        err.to_string()
            .starts_with(&format!("encounters.csv line {line}, column START: ")),
        "{err}"
    );
    let after_bad = counts(&store);
    assert_eq!(after_bad.encounters, 0);
    assert_eq!(
        after_bad.patients, 1,
        "patients.csv was good and stays imported"
    );

    // the same file without the bad row goes in whole
    let export = large_export(rows, "");
    let report = import_synthea_csv(&store, export.path()).expect("import");
    assert_eq!(report.encounters_added, rows as u64);
    assert_eq!(counts(&store).encounters, rows as u64);
}

#[test]
fn a_repeated_encounter_id_names_both_lines() {
    let repeat = "00000007-0000-4000-a000-000000000007,2024-01-01T10:00:00Z,,00000000-0000-4000-8000-000000000001,,,,ambulatory,,Check up\n";
    let export = large_export(10, repeat);
    let (_dir, store) = open_store();
    let err = import_synthea_csv(&store, export.path()).expect_err("repeated Id");
    assert_eq!(
        err.to_string(),
        "encounters.csv line 12, column Id: repeats the Id of line 9"
    );
}

#[test]
fn an_attending_missing_from_providers_csv_leaves_the_encounter_without_one() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let good = fixtures().join("synthea-good");
    for name in ["patients.csv", "providers.csv"] {
        std::fs::copy(good.join(name), dir.path().join(name))
            .unwrap_or_else(|e| panic!("copy {name}: {e}"));
    }
    let patient = "00000000-0000-4000-8000-000000000001";
    let encounters = format!(
        "Id,START,STOP,PATIENT,ORGANIZATION,PROVIDER,PAYER,ENCOUNTERCLASS,CODE,DESCRIPTION\n\
         00000000-0000-4000-a000-000000000001,2024-01-01T10:00:00Z,,{patient},,ffffffff-0000-4000-9000-000000000000,,ambulatory,,Check up\n"
    );
    std::fs::write(dir.path().join("encounters.csv"), encounters)
        .unwrap_or_else(|e| panic!("write encounters: {e}"));
    let (_store_dir, store) = open_store();
    let report = import_synthea_csv(&store, dir.path()).expect("import");
    assert_eq!((report.encounters_added, report.unknown_providers), (1, 1));
    assert!(report
        .to_string()
        .contains("1 encounters name a provider not in providers.csv"));
    let read = store.read().expect("read");
    let id = read
        .patient_by_identifier("synthea", patient)
        .expect("lookup")
        .expect("patient");
    let encounters = read.encounters_of(id).expect("encounters");
    assert_eq!(encounters.len(), 1);
    assert!(encounters[0].attending.is_none());
}

const PROCEDURES_HEADER: &str =
    "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION,BASE_COST,REASONCODE,REASONDESCRIPTION\n";

/// The synthea-good patients, providers and encounters with `procedures` (rows after
/// the header of procedures.csv), in a fresh directory.
fn with_procedures(procedures: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let good = fixtures().join("synthea-good");
    for name in ["patients.csv", "providers.csv", "encounters.csv"] {
        std::fs::copy(good.join(name), dir.path().join(name))
            .unwrap_or_else(|e| panic!("copy {name}: {e}"));
    }
    std::fs::write(
        dir.path().join("procedures.csv"),
        format!("{PROCEDURES_HEADER}{procedures}"),
    )
    .unwrap_or_else(|e| panic!("write procedures: {e}"));
    dir
}

const PATIENT_1: &str = "00000000-0000-4000-8000-000000000001";
const ENCOUNTER_1: &str = "00000000-0000-4000-a000-000000000001";

#[test]
fn a_malformed_procedure_row_names_file_line_and_field_and_commits_nothing_of_the_file() {
    let good = format!(
        "2024-01-01T10:05:00Z,2024-01-01T10:20:00Z,{PATIENT_1},{ENCOUNTER_1},80146002,Appendectomy (procedure),100.00,,\n"
    );
    let cases = [
        (
            format!("2024-01-01T25:61:00Z,,{PATIENT_1},{ENCOUNTER_1},80146002,Appendectomy,,,\n"),
            "procedures.csv line 3, column START: ",
            "25:61",
        ),
        (
            format!("2024-01-01T10:05:00Z,2024-01-01T09:00:00Z,{PATIENT_1},{ENCOUNTER_1},80146002,Appendectomy,,,\n"),
            "procedures.csv line 3, column STOP: is before START",
            "09:00",
        ),
        (
            format!("2024-01-01T10:05:00Z,,{PATIENT_1},{ENCOUNTER_1},,Appendectomy,,,\n"),
            "procedures.csv line 3, column CODE: is empty",
            "Appendectomy",
        ),
        (
            format!("2024-01-01T10:05:00Z,,ffffffff-0000-4000-8000-00000000ffff,{ENCOUNTER_1},80146002,Appendectomy,,,\n"),
            "procedures.csv line 3, column PATIENT: refers to a patient Id",
            "ffffffff",
        ),
        (
            // encounter 2 belongs to patient 2
            format!("2024-01-01T10:05:00Z,,{PATIENT_1},00000000-0000-4000-a000-000000000002,80146002,Appendectomy,,,\n"),
            "procedures.csv line 3, column ENCOUNTER: refers to an encounter of another patient",
            "a000-000000000002",
        ),
    ];
    for (bad_row, expected, value) in cases {
        let export = with_procedures(&format!("{good}{bad_row}"));
        let (_dir, store) = open_store();
        let message = import_synthea_csv(&store, export.path())
            .expect_err(expected)
            .to_string();
        assert!(message.starts_with(expected), "{message}");
        assert!(!message.contains(value), "never echo the value: {message}");
        let counts = counts(&store);
        assert_eq!(counts.procedures, 0, "nothing of the bad file: {expected}");
        assert_eq!(
            (counts.patients, counts.encounters),
            (3, 5),
            "the files before it stay imported"
        );
    }

    // a row too short for the header
    let export = with_procedures(&format!("{good}2024-01-01T10:05:00Z,{PATIENT_1}\n"));
    let (_dir, store) = open_store();
    let message = import_synthea_csv(&store, export.path())
        .expect_err("short row")
        .to_string();
    assert_eq!(
        message,
        "procedures.csv line 3: has 2 fields where the header has 9"
    );
    assert_eq!(counts(&store).procedures, 0);
}

#[test]
fn procedures_without_a_known_encounter_or_a_procedures_file() {
    // SYSTEM (Synthea v3) in another column order; an encounter never imported; a
    // non-SNOMED code keeps the row but not the code
    let dir = with_procedures("");
    let procedures = format!(
        "PATIENT,SYSTEM,CODE,ENCOUNTER,START,DESCRIPTION\n\
         {PATIENT_1},http://snomed.info/sct,80146002,{ENCOUNTER_1},2024-01-01T10:05:00Z,Appendectomy\n\
         {PATIENT_1},http://snomed.info/sct,80146002,ffffffff-0000-4000-a000-00000000ffff,2024-01-01T11:00:00Z,\n\
         {PATIENT_1},http://www.ama-assn.org/go/cpt,44950,{ENCOUNTER_1},2024-01-01T10:05:00Z,Appendectomy\n"
    );
    std::fs::write(dir.path().join("procedures.csv"), procedures)
        .unwrap_or_else(|e| panic!("write procedures: {e}"));
    let (_store_dir, store) = open_store();
    let report = import_synthea_csv(&store, dir.path()).expect("import");
    assert_eq!(
        (report.procedures_added, report.unknown_procedure_encounters),
        (3, 1)
    );
    assert!(
        report
            .to_string()
            .contains("1 procedures name an encounter not imported"),
        "{report}"
    );
    let read = store.read().expect("read");
    let patient = read
        .patient_by_identifier("synthea", PATIENT_1)
        .expect("lookup")
        .expect("patient");
    let procedures = read.procedures_of(patient).expect("procedures");
    let summary: Vec<(bool, Vec<&str>, &str)> = procedures
        .iter()
        .map(|p| {
            (
                p.encounter.is_some(),
                p.codes.iter().map(String::as_str).collect(),
                p.description.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (true, vec!["80146002"], "Appendectomy"),
            (false, vec!["80146002"], "Procedure"),
            (true, vec![], "Appendectomy"),
        ]
    );

    // a re-import keeps the same three; without procedures.csv it is listed as skipped
    let again = import_synthea_csv(&store, dir.path()).expect("re-import");
    assert_eq!((again.procedures_added, again.procedures_updated), (0, 3));
    std::fs::remove_file(dir.path().join("procedures.csv"))
        .unwrap_or_else(|e| panic!("remove: {e}"));
    let without = import_synthea_csv(&store, dir.path()).expect("import");
    assert!(without.skipped_files.contains(&"procedures.csv"));
    assert_eq!(counts(&store).procedures, 3);
}

#[test]
fn a_repeated_procedure_row_is_the_same_procedure() {
    let row = format!("2024-01-01T10:05:00Z,,{PATIENT_1},{ENCOUNTER_1},80146002,Appendectomy,,,\n");
    let export = with_procedures(&format!("{row}{row}"));
    let (_dir, store) = open_store();
    let report = import_synthea_csv(&store, export.path()).expect("import");
    assert_eq!(
        (report.procedures_added, report.procedures_repeated),
        (1, 1)
    );
    assert_eq!(counts(&store).procedures, 1);
}

/// Found on a real export: two people with one driver's licence number. Both charts
/// are imported, both keep the number, and the pair is flagged for review.
#[test]
fn a_shared_licence_is_kept_on_both_charts_and_flagged() {
    let (dir, store) = open_store();
    let csv = dir.path().join("export");
    std::fs::create_dir_all(&csv).expect("dir");
    std::fs::write(
        csv.join("patients.csv"),
        "Id,BIRTHDATE,FIRST,LAST,GENDER,DRIVERS,PASSPORT\n\
         p-1,1970-01-01,Ann,One,F,S99990001,X1\n\
         p-2,1971-01-01,Bea,Two,F,S99990001,X1\n",
    )
    .expect("write");
    let report = import_synthea_csv(&store, &csv).expect("import");
    assert_eq!(report.patients_added, 2);
    let read = store.read().expect("read");
    let one = read
        .patient_by_identifier("synthea", "p-1")
        .expect("lookup")
        .expect("one");
    let two = read
        .patient_by_identifier("synthea", "p-2")
        .expect("lookup")
        .expect("two");
    let chart = read.patient(two).expect("read").expect("chart");
    assert!(chart
        .identifiers
        .iter()
        .any(|i| i.system == "drivers-license" && i.value == "S99990001"));
    assert_eq!(read.identifier_conflicts(one).expect("flags"), vec![two]);
    assert_eq!(read.identifier_conflicts(two).expect("flags"), vec![one]);
}

#[test]
fn a_visit_for_a_patient_imported_earlier_queues_the_patient_for_the_index() {
    // The index holds each patient's encounter numbers; a later encounters.csv whose
    // patient is not in that export's patients.csv must still bring the patient's index
    // record up to date.
    let (_dir, store) = open_store();
    import_synthea_csv(&store, &fixtures().join("synthea-reordered")).expect("first import");
    store
        .ack_outbox(u64::MAX)
        .expect("the index took everything");
    let later = tempfile::tempdir().expect("temp dir");
    let source = fixtures().join("synthea-reordered");
    let header = |file: &str| {
        let text = std::fs::read_to_string(source.join(file)).expect("fixture");
        text.lines().next().expect("header").to_string()
    };
    std::fs::write(
        later.path().join("patients.csv"),
        header("patients.csv") + "\n",
    )
    .expect("write");
    std::fs::write(
        later.path().join("encounters.csv"),
        format!(
            "{}\n,,,,,Encounter for check up,,ambulatory,,,,00000000-0000-4000-8000-000000000001,2024-06-01T10:30:00Z,2024-06-01T10:00:00Z,00000000-0000-4000-a000-0000000000f1\n",
            header("encounters.csv")
        ),
    )
    .expect("write");
    let report = import_synthea_csv(&store, later.path()).expect("later import");
    assert_eq!(report.encounters_added, 1);
    assert_only_queued(&store, "00000000-0000-4000-8000-000000000001");
}

#[test]
fn an_unchanged_patient_with_a_new_visit_is_queued_for_the_index() {
    let (_dir, store) = open_store();
    let source = fixtures().join("synthea-reordered");
    import_synthea_csv(&store, &source).expect("first import");
    store
        .ack_outbox(u64::MAX)
        .expect("the index took everything");
    // The same patients.csv (every chart unchanged) with one new visit.
    let later = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        source.join("patients.csv"),
        later.path().join("patients.csv"),
    )
    .expect("copy");
    let text = std::fs::read_to_string(source.join("encounters.csv")).expect("fixture");
    let header = text.lines().next().expect("header");
    std::fs::write(
        later.path().join("encounters.csv"),
        format!(
            "{header}\n,,,,,Encounter for check up,,ambulatory,,,,00000000-0000-4000-8000-000000000001,2024-06-01T10:30:00Z,2024-06-01T10:00:00Z,00000000-0000-4000-a000-0000000000f2\n"
        ),
    )
    .expect("write");
    let report = import_synthea_csv(&store, later.path()).expect("later import");
    assert_eq!(
        (
            report.patients_updated,
            report.encounters_added,
            report.encounters_unchanged
        ),
        (0, 1, 0)
    );
    assert!(report.patients_unchanged > 0, "{report}");
    assert_only_queued(&store, "00000000-0000-4000-8000-000000000001");
}

/// The index queue holds exactly the chart of this Synthea Id.
fn assert_only_queued(store: &Store, synthea_id: &str) {
    let id = store
        .read()
        .expect("read")
        .patient_by_identifier("synthea", synthea_id)
        .expect("lookup")
        .expect("found");
    assert_eq!(
        chartroom_testkit::queued_for_index(store),
        vec![chartroom_store::OutboxItem::Patient(id)]
    );
}
