//! The generator's own rate, every row discarded (no store): what generation costs
//! before the store's encoding, indexes and commits. Prints one `name value unit` line
//! per figure:
//!
//! `CHARTROOM_GEN_PATIENTS=100000 cargo bench -p chartroom-generate --bench generate_without_store`

// A measurement program, not library code: a failure should stop it with its message.
#![allow(clippy::expect_used)]

use chartroom_generate::bench_support::generate_without_store;
use chartroom_generate::GenerateOptions;
use std::time::Instant;

fn main() {
    let patients: u64 = std::env::var("CHARTROOM_GEN_PATIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let options = GenerateOptions {
        patients,
        ..GenerateOptions::default()
    };
    let started = Instant::now();
    let out = generate_without_store(&options).expect("generate");
    let secs = started.elapsed().as_secs_f64();
    println!("generator_only_patients {patients} patients");
    println!("generator_only_seconds {secs:.2} s");
    println!(
        "generator_only_rate {:.0} patients/s",
        patients as f64 / secs
    );
    println!(
        "generator_only_encounters {} encounters",
        out.report.encounters
    );
    println!(
        "generator_only_documents {} documents",
        out.report.documents
    );
    println!("generator_only_text_bytes {} bytes", out.text_bytes);
}
