//! Rough throughput of the generator's shape: batches of 10,000 patients with 5
//! encounters and 3 notes (~820 bytes of text) each, in bulk mode (no fsync per commit,
//! one sync at the end; `STORE_BENCH_DURABLE=1` syncs every commit), then a full scan.
//! Prints one `name value unit` line per figure:
//!
//! `STORE_BENCH_PATIENTS=30000 cargo bench -p chartroom-store --bench bulk_load`

// A measurement program, not library code: a failure should stop it with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chartroom_store::bench_support::{document, encounter, patient};
use chartroom_store::Store;
use std::time::Instant;

const PER_BATCH: u64 = 10_000;

fn main() {
    let patients: u64 = std::env::var("STORE_BENCH_PATIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3 * PER_BATCH);
    let durable = std::env::var_os("STORE_BENCH_DURABLE").is_some();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("open");
    let text = "Subjective: patient reports improvement. ".repeat(20);
    let started = Instant::now();
    let (mut written, mut batch) = (0, 0);
    while written < patients {
        let size = PER_BATCH.min(patients - written);
        batch += 1;
        let buffering = Instant::now();
        let mut tx = store.write().unwrap();
        tx.set_bulk(!durable);
        for _ in 0..size {
            let id = tx.next_patient_id().unwrap();
            let mrn = tx.next_mrn().unwrap();
            tx.put_patient(&patient(id.0, mrn.0)).unwrap();
            for day in 1..=5 {
                let eid = tx.next_encounter_id().unwrap();
                tx.put_encounter(&encounter(eid.0, id.0, day)).unwrap();
            }
            for day in 1..=3 {
                let did = tx.next_document_id().unwrap();
                let mut d = document(did.0, id.0, day);
                d.text = text.clone();
                tx.put_document(&d).unwrap();
            }
        }
        let committing = Instant::now();
        tx.commit().unwrap();
        let ms = |from: Instant, to: Instant| (to - from).as_secs_f64() * 1000.0;
        let done = Instant::now();
        println!(
            "store_batch{batch}_buffer {:.1} ms",
            ms(buffering, committing)
        );
        println!("store_batch{batch}_commit {:.1} ms", ms(committing, done));
        written += size;
    }
    store.sync().unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!("store_bulk_patients {patients} patients");
    println!("store_bulk_seconds {secs:.2} s");
    println!(
        "store_bulk_patients_per_sec {:.0} patients/s",
        patients as f64 / secs
    );
    println!(
        "store_file_size {:.1} MB",
        store.file_size_bytes().unwrap() as f64 / 1e6
    );
    let scanning = Instant::now();
    let count = store.read().unwrap().patients().unwrap().count();
    println!("store_scan_patients {count} patients");
    println!(
        "store_scan {:.1} ms",
        scanning.elapsed().as_secs_f64() * 1000.0
    );
}
