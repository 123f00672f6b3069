//! FHIR import against the real Synthea sets in ../shared/data (hiv-79 bundles, bulk-10
//! NDJSON), note search over the imported notes, and the bad-input fixtures in
//! tests/fixtures/fhir-bad/.

use chartroom_domain::{DocumentType, EncounterClass, NameKind, SensitiveCategory, SystemClock};
use chartroom_import::{import_fhir, FhirImportError};
use chartroom_services::{NoteQuery, Services, WITHHELD_SNIPPET};
use chartroom_store::Store;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const HIV_79: &str = "synthea-fhir-fdp-hiv-79/bundles";
const BULK_10: &str = "synthea-fhir-smart-bulk-10/ndjson";

fn fixtures() -> PathBuf {
    chartroom_testkit::fixture("fhir-bad")
}

fn shared(rel: &str) -> Option<PathBuf> {
    chartroom_testkit::shared_data(rel)
}

fn open_store() -> (tempfile::TempDir, Store) {
    chartroom_testkit::temp_store()
}

#[test]
fn imports_the_hiv_79_bundles_and_reimports_in_place() {
    let Some(bundles) = shared(HIV_79) else {
        return;
    };
    let (_dir, store) = open_store();
    let report = import_fhir(&store, &bundles).expect("import");
    assert_eq!(report.files, 81);
    assert_eq!(report.patients_added, 79);
    assert_eq!(report.encounters_added, 4006);
    assert_eq!(report.documents_added, 4006);
    assert_eq!(report.providers_added, 1191);
    // Authors and attendings are conditional references into the practitioner batch
    // file: all of them resolve.
    assert!(report.unresolved.is_empty(), "{:?}", report.unresolved);
    assert_eq!(report.skipped.get("Claim"), Some(&4028));

    let read = store.read().expect("read");
    let counts = read.counts().expect("counts");
    assert_eq!(
        (counts.patients, counts.encounters, counts.documents),
        (79, 4006, 4006)
    );
    let id = read
        .patient_by_identifier("synthea", "742fc10a-c565-f636-3c05-5dcd28672194")
        .expect("lookup")
        .expect("patient imported");
    let alva = read.patient(id).expect("read").expect("patient");
    assert_eq!(alva.source_id(), "742fc10a-c565-f636-3c05-5dcd28672194");
    assert_eq!(alva.name.display_last_first(), "Dickinson688, Alva958");
    assert_eq!(alva.name.prefix.as_deref(), Some("Mr."));
    assert_eq!(alva.dob.to_string(), "1998-04-29");
    assert_eq!(alva.ssn.as_ref().map(|s| s.last4()), Some("3348"));
    assert_eq!(alva.address.as_ref().map(|a| a.zip.as_str()), Some("01960"));
    assert_eq!(alva.phones, vec!["555-969-2143".to_string()]);
    let ids: Vec<(&str, &str)> = alva
        .identifiers
        .iter()
        .map(|i| (i.system.as_str(), i.value.as_str()))
        .collect();
    assert_eq!(ids[0], ("synthea", "742fc10a-c565-f636-3c05-5dcd28672194"));
    assert!(ids.contains(&("drivers-license", "S99948068")), "{ids:?}");
    assert!(ids.contains(&("passport", "X15432431X")), "{ids:?}");
    // Synthea's MR number repeats the UUID: not kept twice.
    assert_eq!(ids.len(), 3, "{ids:?}");

    let encounters = read.encounters_of(id).expect("encounters");
    assert!(encounters
        .iter()
        .all(|e| e.number.starts_with("SY") && e.attending.is_some()));
    let first = read
        .encounter_by_number("SY27693CABA4E6")
        .expect("lookup")
        .expect("first encounter");
    assert_eq!(first.class, EncounterClass::Ambulatory);
    assert!(first.reason.contains("Well child visit"), "reason set");
    assert!(!first.location.is_empty());
    let documents = read.documents_of(id).expect("documents");
    assert_eq!(documents.len(), encounters.len());
    assert!(documents.iter().all(|d| d.author.is_some()
        && d.encounter.is_some()
        && d.text.contains("# Chief Complaint")));
    assert!(documents
        .iter()
        .any(|d| d.doc_type == DocumentType::ProgressNote));

    // Every patient of this set is in HIV care (tests, viral loads, antiretrovirals).
    let all: Vec<_> = read
        .patients()
        .expect("patients")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(all
        .iter()
        .all(|p| p.flags.sensitive.contains(&SensitiveCategory::HivSti)));
    assert_eq!(report.hiv_marked, 79);
    drop(read);

    let again = import_fhir(&store, &bundles).expect("re-import");
    assert_eq!((again.patients_added, again.patients_updated), (0, 79));
    assert_eq!(
        (again.encounters_added, again.encounters_updated),
        (0, 4006)
    );
    assert_eq!((again.documents_added, again.documents_updated), (0, 4006));
    assert_eq!((again.providers_added, again.providers_updated), (0, 1191));
    assert_eq!(again.hiv_marked, 0, "already marked");
    let read = store.read().expect("read");
    let after = read.counts().expect("counts");
    assert_eq!(
        (
            after.patients,
            after.encounters,
            after.documents,
            after.providers
        ),
        (79, 4006, 4006, 1191)
    );
    let alva_again = read.patient(id).expect("read").expect("patient");
    assert!(alva_again == alva, "same row, MRN and demographics");
}

#[test]
fn imports_the_bulk_10_ndjson() {
    let Some(ndjson) = shared(BULK_10) else {
        return;
    };
    let (_dir, store) = open_store();
    let report = import_fhir(&store, &ndjson).expect("import");
    assert_eq!(report.patients_added, 13);
    assert_eq!(report.encounters_added, 1215);
    assert_eq!(report.documents_added, 1215);
    assert!(report.unresolved.is_empty(), "{:?}", report.unresolved);
    assert_eq!(report.skipped_files, vec!["log.ndjson".to_string()]);
    let read = store.read().expect("read");
    let all: Vec<_> = read
        .patients()
        .expect("patients")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(all.len(), 13);
    assert_eq!(all.iter().filter(|p| p.flags.deceased.is_some()).count(), 3);
    assert!(all.iter().all(|p| p.flags.sensitive.is_empty()));
    let id = read
        .patient_by_identifier("synthea", "129c6ac7-8d06-89de-ad63-0204a93e76c3")
        .expect("lookup")
        .expect("imported");
    let p = read.patient(id).expect("read").expect("patient");
    assert_eq!(p.name.given, "Sumiko254");
    assert_eq!(p.name.middle.as_deref(), Some("Larue605"));
    assert_eq!(p.name.family, "Medhurst46");
    // The local date of death, not the UTC one (the source says 20:35 at -04:00).
    assert_eq!(
        p.flags.deceased.map(|d| d.to_string()).as_deref(),
        Some("1989-05-09")
    );
    assert_eq!(
        p.other_names
            .first()
            .map(|a| (a.kind, a.name.family.as_str())),
        Some((NameKind::Maiden, "Cummerata161"))
    );
    let emergency = read
        .documents()
        .expect("documents")
        .filter_map(Result::ok)
        .filter(|d| d.doc_type == DocumentType::EmergencyNote)
        .count();
    assert!(emergency >= 303, "ED notes (34111-5): {emergency}");
}

/// Both sets in one directory: search the notes through services, as the UI does.
#[test]
fn note_search_finds_imported_notes_and_withholds_hiv_snippets() {
    let (Some(bundles), Some(ndjson)) = (shared(HIV_79), shared(BULK_10)) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let services = Services::open(dir.path(), Arc::new(SystemClock)).expect("open");
    import_fhir(services.store_for_tests(), &bundles).expect("hiv-79");
    import_fhir(services.store_for_tests(), &ndjson).expect("bulk-10");
    let applied = services.sync_index().expect("index");
    assert!(applied >= 4006 + 1215, "{applied}");
    let session = services.local_session("boss").expect("session");
    let read = services.store_for_tests().read().expect("read");
    let patient_of = |synthea: &str| {
        read.patient_by_identifier("synthea", synthea)
            .expect("lookup")
            .expect("patient")
    };

    // A rare word of the bulk set: one patient (no sensitive category), six notes.
    let query = NoteQuery {
        text: "trimethoprim".into(),
        ..NoteQuery::default()
    };
    let hits = services.search_notes(&session, &query, 50).expect("search");
    assert_eq!(hits.len(), 6);
    let expected = patient_of("a5cb8ce9-cec6-6b23-0990-cbaf753578a4");
    for hit in &hits {
        assert_eq!(hit.hit.patient, expected);
        assert!(!hit.hit.snippet.marks.is_empty(), "snippet has marks");
        let marked = &hit.hit.snippet.text[hit.hit.snippet.marks[0].clone()];
        assert!(marked.eq_ignore_ascii_case("trimethoprim"), "{marked}");
    }

    // A rare word of the HIV set: the notes are listed, their text withheld.
    let query = NoteQuery {
        text: "cardioversion".into(),
        ..NoteQuery::default()
    };
    let hits = services.find_notes_for_tests(&query, 50).expect("search");
    assert_eq!(hits.len(), 14);
    let owners = [
        patient_of("6d44fe03-2478-a82d-7495-3a7c433ed921"),
        patient_of("a4abb8bd-c78c-e552-3037-471a46cac3c7"),
    ];
    for hit in &hits {
        assert!(owners.contains(&hit.hit.patient));
        assert_eq!(hit.hit.snippet.text, WITHHELD_SNIPPET);
        assert!(hit.hit.snippet.marks.is_empty());
    }
}

fn import_error(path: &Path) -> (tempfile::TempDir, Store, String) {
    let (dir, store) = open_store();
    let err = import_fhir(&store, path).expect_err("must fail");
    (dir, store, err.to_string())
}

/// Fixture values that must never appear in an error message.
const FIXTURE_VALUES: [&str; 8] = [
    "Quincy",
    "Zebulon",
    "Orson",
    "Nobody",
    "999-12-3456",
    "1971-04-05",
    "00000000-0000-4000-8000-00000000b001",
    "00000000-0000-4000-8000-00000000dead",
];

fn assert_no_values(message: &str) {
    for value in FIXTURE_VALUES {
        assert!(!message.contains(value), "{value} leaked: {message}");
    }
}

#[test]
fn malformed_json_names_file_line_and_column() {
    let (_dir, store, message) = import_error(&fixtures().join("malformed.json"));
    assert!(message.contains("malformed.json"), "{message}");
    assert!(message.contains("line 6, column"), "{message}");
    assert!(message.contains("expected"), "{message}");
    assert_no_values(&message);
    assert_eq!(store.read().expect("read").counts().expect("c").patients, 0);
}

#[test]
fn invalid_base64_fails_its_file_only() {
    let (_dir, store, message) = import_error(&fixtures().join("partial"));
    assert!(message.contains("b-bad-base64.json"), "{message}");
    assert!(message.contains("entry 2 (DocumentReference)"), "{message}");
    assert!(
        message.contains("field content[0].attachment.data: is not valid base64"),
        "{message}"
    );
    assert_no_values(&message);
    let read = store.read().expect("read");
    let counts = read.counts().expect("counts");
    // a-good.json came first and stays; nothing of the bad file was written.
    assert_eq!(
        (counts.patients, counts.encounters, counts.documents),
        (1, 0, 0)
    );
    assert!(read
        .patient_by_identifier("synthea", "00000000-0000-4000-8000-00000000a001")
        .expect("lookup")
        .is_some());
    assert!(read
        .patient_by_identifier("synthea", "00000000-0000-4000-8000-00000000b001")
        .expect("lookup")
        .is_none());
}

#[test]
fn an_encounter_of_an_unknown_patient_fails_the_file() {
    let (_dir, store, message) = import_error(&fixtures().join("orphan-encounter.json"));
    assert!(message.contains("orphan-encounter.json"), "{message}");
    assert!(
        message.contains("entry 0 (Encounter), field subject"),
        "{message}"
    );
    assert!(
        message.contains("neither in this import nor already imported"),
        "{message}"
    );
    assert_no_values(&message);
    assert_eq!(
        store.read().expect("read").counts().expect("c").encounters,
        0
    );
}

#[test]
fn a_missing_path_is_named() {
    let (_dir, store) = open_store();
    let err = import_fhir(&store, &fixtures().join("no-such-dir")).expect_err("fails");
    assert!(matches!(err, FhirImportError::NotFound { .. }), "{err}");
}

/// Every imported patient is found by given and family name. Patients with dozens of
/// encounters used to be dropped: their ranking record outgrew the fast field and no
/// longer decoded (the record now keeps the newest account numbers within its budget).
#[test]
fn every_imported_patient_is_found_by_name() {
    let Some(bundles) = shared(HIV_79) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let services = Services::open(dir.path(), Arc::new(SystemClock)).expect("open");
    import_fhir(services.store_for_tests(), &bundles).expect("import");
    services.sync_index().expect("index");
    let read = services.store_for_tests().read().expect("read");
    let patients: Vec<_> = read
        .patients()
        .expect("patients")
        .collect::<Result<_, _>>()
        .expect("rows");
    let missed: Vec<_> = patients
        .iter()
        .filter(|p| {
            let query = format!("{} {}", p.name.given, p.name.family);
            let hits = services
                .find_patients_for_tests(&query, 10)
                .expect("search");
            !hits.iter().any(|h| h.patient.id == p.id)
        })
        .map(|p| p.id)
        .collect();
    assert!(
        missed.is_empty(),
        "{} of {} not found: {missed:?}",
        missed.len(),
        patients.len()
    );
}

/// The same Synthea Id from CSV and then FHIR is one chart (one MRN), updated in place.
#[test]
fn a_csv_patient_imported_again_from_fhir_is_the_same_chart() {
    let (_dir, store) = open_store();
    let csv = chartroom_testkit::fixture("synthea-good");
    chartroom_import::import_synthea_csv(&store, &csv).expect("csv");
    let read = store.read().expect("read");
    let before = read.counts().expect("counts").patients;
    let id = read
        .patient_by_identifier("synthea", "00000000-0000-4000-8000-000000000002")
        .expect("lookup")
        .expect("csv patient");
    let mrn = read.patient(id).expect("read").expect("patient").mrn;
    drop(read);

    let single = chartroom_testkit::fixture("fhir-good/same-as-csv.json");
    let report = import_fhir(&store, &single).expect("fhir");
    assert_eq!((report.patients_added, report.patients_updated), (0, 1));
    let read = store.read().expect("read");
    assert_eq!(read.counts().expect("counts").patients, before);
    let p = read.patient(id).expect("read").expect("patient");
    assert_eq!(p.mrn, mrn);
    assert_eq!(p.source_id(), "00000000-0000-4000-8000-000000000002");
    assert_eq!(p.name.middle.as_deref(), Some("Quentin"));
    assert_eq!(p.phones, vec!["614-555-0100".to_string()]);
    assert!(p
        .other_names
        .iter()
        .any(|a| a.kind == NameKind::Alias && a.name.given == "Tess"));
    assert!(p
        .identifiers
        .iter()
        .any(|i| i.system == "http://hospital.example.org" && i.value == "H-12345"));
}

/// An Encounter file whose patient came in by an earlier import queues that chart for the
/// index (which holds each chart's visit numbers).
#[test]
fn a_visit_for_a_chart_imported_earlier_queues_the_chart_for_the_index() {
    let (dir, store) = open_store();
    chartroom_import::import_synthea_csv(&store, &chartroom_testkit::fixture("synthea-good"))
        .expect("csv");
    store
        .ack_outbox(u64::MAX)
        .expect("the index took everything");
    let id = store
        .read()
        .expect("read")
        .patient_by_identifier("synthea", "00000000-0000-4000-8000-000000000002")
        .expect("lookup")
        .expect("csv patient");
    let file = dir.path().join("Encounter.ndjson");
    std::fs::write(
        &file,
        concat!(
            r#"{"resourceType":"Encounter","id":"enc-later-1","status":"finished","#,
            r#""class":{"code":"AMB"},"period":{"start":"2025-03-01T10:00:00Z","#,
            r#""end":"2025-03-01T10:30:00Z"},"#,
            r#""subject":{"reference":"Patient/00000000-0000-4000-8000-000000000002"}}"#,
            "\n"
        ),
    )
    .expect("write");
    let report = import_fhir(&store, &file).expect("fhir");
    assert_eq!(report.encounters_added, 1);
    assert_eq!(
        chartroom_testkit::queued_for_index(&store),
        vec![chartroom_store::OutboxItem::Patient(id)]
    );
}
