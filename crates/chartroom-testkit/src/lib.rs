//! Test helpers shared by every crate's integration tests: where the third-party samples
//! and the repository's fixtures are, and the hand-made patients tests plant.

#![allow(clippy::expect_used)] // test helpers: a failed fixture is a failed test

use chartroom_domain::{Patient, PatientFlags, PersonName, Sex};
use chartroom_store::{OutboxItem, Store};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// The repository root (this crate lives in `crates/chartroom-testkit`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `tests/fixtures/REL` at the repository root.
pub fn fixture(rel: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(rel)
}

/// The real third-party samples in ../shared/data (see its README): a test that needs
/// one skips with a notice when the folder is absent, and fails when
/// CHARTROOM_REQUIRE_SHARED_DATA=1 (as CI sets it). Answers `../shared/data/REL` beside
/// the repository (or the same under /work/shared/data).
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let candidates = [
        repo_root().join("../shared/data").join(rel),
        PathBuf::from("/work/shared/data").join(rel),
    ];
    if let Some(found) = candidates.iter().find(|p| p.exists()) {
        return Some(found.clone());
    }
    if std::env::var("CHARTROOM_REQUIRE_SHARED_DATA").as_deref() == Ok("1") {
        panic!("shared data {rel} not found (CHARTROOM_REQUIRE_SHARED_DATA=1)");
    }
    eprintln!("notice: skipping, shared data {rel} not found");
    None
}

/// A fresh store in a temporary directory (kept alive by the returned guard).
pub fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("open store");
    (dir, store)
}

/// A plain patient (no address, phone or flags) for tests to adjust; `id` and `mrn`
/// are placeholders until [`plant_patient`] assigns the store's next ones.
pub fn patient(given: &str, family: &str, dob: (i32, u32, u32)) -> Patient {
    Patient {
        id: chartroom_domain::PatientId(0),
        mrn: chartroom_domain::Mrn(0),
        name: PersonName::new(given, family),
        other_names: vec![],
        dob: NaiveDate::from_ymd_opt(dob.0, dob.1, dob.2).expect("valid date"),
        sex: Sex::Female,
        address: None,
        phones: vec![],
        ssn: None,
        flags: PatientFlags::default(),
        identifiers: vec![],
        staff_link: None,
    }
}

/// Writes `patient` with the store's next id and MRN, in its own transaction, and
/// answers it as stored.
pub fn plant_patient(store: &Store, mut patient: Patient) -> Patient {
    let mut tx = store.write().expect("write tx");
    patient.id = tx.next_patient_id().expect("id");
    patient.mrn = tx.next_mrn().expect("mrn");
    tx.put_patient(&patient).expect("put patient");
    tx.commit().expect("commit");
    patient
}

/// What the store has queued for the search index and the index has not taken yet,
/// oldest first (up to 1,000 entries).
pub fn queued_for_index(store: &Store) -> Vec<OutboxItem> {
    store
        .read()
        .expect("read")
        .outbox(1_000)
        .expect("outbox")
        .into_iter()
        .map(|(_, item)| item)
        .collect()
}

/// Peak resident memory of this process so far (Linux `VmHWM`), in MB; 0 elsewhere.
/// Benchmarks print it next to their rates.
pub fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}
