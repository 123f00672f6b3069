//! Generation and import rates against the real store: a population generated into a
//! fresh store, then exported as Synthea CSV and imported into another fresh store.
//! Prints the generator's and the import's reports, then one `name value unit` line per
//! figure. `CHARTROOM_GEN_PATIENTS` patients (20,000 by default);
//! `CHARTROOM_SKIP_IMPORT=1` stops after generating:
//!
//! `CHARTROOM_GEN_PATIENTS=100000 cargo bench -p chartroom --bench generate_import`

// A measurement program, not library code: a failure should stop it with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chartroom_generate::{generate, GenerateOptions, NoProgress};
use chartroom_import::{export_synthea_csv, import_synthea_csv, ExportOptions};
use chartroom_store::Store;
use std::time::Instant;

fn open_store(dir: &std::path::Path) -> Store {
    Store::open(dir).unwrap_or_else(|e| panic!("open store: {e}"))
}

fn main() {
    let patients: u64 = std::env::var("CHARTROOM_GEN_PATIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = open_store(&tmp.path().join("gen"));
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
    eprintln!("{report}");
    println!("generate_patients {patients} patients");
    println!("generate_seconds {secs:.2} s");
    println!("generate_rate {:.0} patients/s", patients as f64 / secs);
    println!("generate_encounters {} encounters", report.encounters);
    println!("generate_documents {} documents", report.documents);
    println!("store_bytes {size} bytes");
    println!("store_size {:.1} MiB", size as f64 / 1048576.0);

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
    eprintln!("{imported}");
    println!("import_seconds {secs:.2} s");
    println!(
        "import_rate {:.0} patients/s",
        imported.patients_added as f64 / secs
    );
    println!(
        "import_encounter_rate {:.0} encounters/s",
        imported.encounters_added as f64 / secs
    );
    // The export and import lost no one: otherwise the rates above measure less work.
    assert_eq!(imported.patients_added, patients, "patients imported");
}
