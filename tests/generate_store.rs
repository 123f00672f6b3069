//! The demo generator against the real store, and (ignored) rate measurements:
//! `CHARTROOM_GEN_PATIENTS=100000 cargo test --release --test generate_store -- --ignored --nocapture`

use chartroom_generate::{generate, GenerateOptions, NoProgress};
use chartroom_import::{export_synthea_csv, import_synthea_csv, ExportOptions};
use chartroom_store::Store;
use std::time::Instant;

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

#[test]
#[ignore = "measurement: run with --release --ignored --nocapture"]
fn measure_generate_and_import_rates() {
    let patients: u64 = std::env::var("CHARTROOM_GEN_PATIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("gen");
    let store = open_store(&data);
    let started = Instant::now();
    let report = generate(
        &store,
        &GenerateOptions {
            patients,
            ..GenerateOptions::default()
        },
        &NoProgress,
    )
    .expect("generate");
    let secs = started.elapsed().as_secs_f64();
    let size = store.file_size_bytes().expect("size");
    println!("{report}");
    println!("generate_patients {patients} patients");
    println!("generate_seconds {secs:.2} s");
    println!("generate_rate {:.0} patients/s", patients as f64 / secs);
    println!("generate_encounters {} encounters", report.encounters);
    println!("generate_documents {} documents", report.documents);
    println!(
        "store_bytes {size} bytes ({:.1} MiB)",
        size as f64 / 1048576.0
    );

    if std::env::var_os("CHARTROOM_SKIP_IMPORT").is_some() {
        return;
    }
    // Import rate: export the population as Synthea CSV, import it into a fresh store.
    let csv = tmp.path().join("csv");
    let read = store.read().expect("read");
    export_synthea_csv(&read, &csv, ExportOptions::default()).expect("export");
    drop(read);
    let fresh = open_store(&tmp.path().join("imported"));
    let started = Instant::now();
    let imported = import_synthea_csv(&fresh, &csv).expect("import");
    let secs = started.elapsed().as_secs_f64();
    println!("{imported}");
    println!("import_seconds {secs:.2} s");
    println!(
        "import_rate {:.0} patients/s",
        imported.patients_added as f64 / secs
    );
    println!(
        "import_encounter_rate {:.0} encounters/s",
        imported.encounters_added as f64 / secs
    );
    assert_eq!(imported.patients_added, patients);
}
