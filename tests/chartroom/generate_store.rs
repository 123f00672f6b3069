//! The demo generator against the real store. Its rates (and the import's) are measured
//! by a bench: `cargo bench -p chartroom --bench generate_import`.

use chartroom_generate::{generate, GenerateOptions, NoProgress};
use chartroom_store::Store;

fn open_store(dir: &std::path::Path) -> Store {
    Store::open(dir).unwrap_or_else(|e| panic!("open store: {e}"))
}

#[test]
fn generated_population_lands_in_the_store() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = open_store(tmp.path());
    let options = GenerateOptions {
        patients: 1_500,
        seed: 3,
        batch_size: 400,
        ..GenerateOptions::default()
    };
    let report = generate(&store, &options, &NoProgress).expect("generate");
    let read = store.read().expect("read");
    let counts = read.counts().expect("counts");
    assert_eq!(counts.patients, 1_500);
    assert_eq!(counts.encounters, report.encounters);
    assert_eq!(counts.documents, report.documents);
    assert_eq!(counts.providers, report.providers);
    assert_eq!(counts.users, report.users);
    for d in &report.duplicates {
        let original = read
            .patient_by_mrn(d.original_mrn)
            .expect("read")
            .expect("original");
        let duplicate = read
            .patient_by_mrn(d.duplicate_mrn)
            .expect("read")
            .expect("duplicate");
        assert_eq!(original.id, d.original);
        assert_eq!(duplicate.id, d.duplicate);
    }
    let users = read.users().expect("users");
    let linked = users
        .iter()
        .find(|u| u.patient_link.is_some())
        .expect("a staff member with a chart");
    let chart = read
        .patient(linked.patient_link.expect("link"))
        .expect("read")
        .expect("chart");
    assert_eq!(chart.staff_link, Some(linked.id));
    assert!(read.user_by_name("clerk").expect("read").is_some());
    // Encounter account numbers resolve.
    let some = read.encounters_of(chart.id).expect("encounters");
    for e in some {
        assert_eq!(
            read.encounter_by_number(&e.number)
                .expect("read")
                .map(|x| x.id),
            Some(e.id)
        );
    }
}
