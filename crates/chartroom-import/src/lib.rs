//! Charts into and out of the store from the formats hospitals and test data come in:
//! the only user of the csv and base64 crates.
//!
//! - `import_synthea_csv` (this file, `synthea.rs`, `csv_file.rs`): a Synthea v3 CSV export.
//! - `import_fhir` (`fhir/`): FHIR R4 bundles, bundle directories and Bulk Data NDJSON.
//! - `export_synthea_csv` (`synthea_export.rs`): every chart back out as Synthea v3 CSV.
//! - `import_hl7` (`hl7/`): HL7 v2 ADT files and directories; `hl7::Feed` applies
//!   single messages for the MLLP listener.
//! - `chart_upsert.rs`: the patient/encounter/provider upserts both imports share.
//!
//! The services call these inside audited use cases; nothing else does.
//!
//! ## Synthea CSV
//!
//! `import_synthea_csv(store, dir)` reads `providers.csv`, `patients.csv`,
//! `encounters.csv` and `procedures.csv` (with `organizations.csv` for location names)
//! from a Synthea v3 CSV export. Columns are found by header name. Each file is parsed and validated
//! whole into memory first, then written in one write transaction: a bad file commits
//! nothing of itself (files before it stay imported).
//!
//! Decisions:
//! - The patient's Synthea `Id` is kept as the first identifier (`system = "synthea"`),
//!   so `Patient::source_id()` returns it. Each new patient gets a fresh MRN.
//! - Re-importing updates in place, keyed by Synthea Id: a patient keeps its row id,
//!   MRN, VIP/employee/restricted/sensitive flags, staff link, other identifiers and
//!   alias/previous names; demographics and the maiden name come from the file.
//!   Encounters are matched by account number, providers by source id.
//! - Account number of an imported encounter: `SY` + the first 12 hex digits of its
//!   Synthea Id (`SY57F2562B445C`), short enough to read aloud and stable across
//!   re-imports. If two encounters would share one, the later gets all 32 hex digits.
//! - Names are kept as Synthea writes them (with its digits, `Maynard46`).
//! - Only `patients.csv` is required; a missing `encounters.csv`, `procedures.csv`,
//!   `providers.csv` or `organizations.csv` is skipped and listed in the report. Without `providers.csv`
//!   encounters get no attending; an encounter whose PROVIDER is not in providers.csv is
//!   imported without one and counted in the report (not an error: it would lose the file).
//! - Errors name the file, the line (header = line 1) and the column, never the value.
//! - `encounters.csv` is streamed: rows are written as they are read into one write
//!   transaction flushed every 20,000 rows, and a bad row aborts it (still all or nothing).
//!   A Synthea export of 100k patients has ~2M encounters; holding them all took 2.3 GB,
//!   streaming ~0.9 GB (mostly redb's page cache), so 1M-patient exports fit too.
//! - `procedures.csv` (`synthea_procedures.rs`) is streamed the same way. It has no id
//!   column: the source id is `synthea-procedure:<ENCOUNTER>:<CODE>:<START>`, so a
//!   re-import updates in place. A procedure whose ENCOUNTER was never imported is kept
//!   without an encounter and counted; a PATIENT not imported fails the file.

pub mod access;
mod chart_upsert;
mod csv_file;
pub mod fhir;
pub mod hl7;
pub mod roi_intake;
mod synthea;
mod synthea_export;
mod synthea_procedures;

pub use fhir::{import_fhir, FhirImportError, FhirImportReport};
pub use hl7::{import_hl7, Hl7ImportError, Hl7ImportReport, Hl7Options};
pub use synthea_export::{export_synthea_csv, ExportError, ExportOptions, ExportReport};

use chart_upsert::{
    place_number, upsert_patient_if_changed, upsert_provider, Demographics, ProviderFields,
    TakenNumbers, Upserted,
};
use chartroom_domain::{Encounter, PatientId, ProviderId};
use chartroom_store::{Store, StoreError};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use synthea::ProviderRow;

/// What an import was pointed at: one file, or a directory's regular files in name
/// order (each importer then picks the ones it reads).
pub(crate) enum Input {
    File(PathBuf),
    Directory(Vec<PathBuf>),
    Missing,
}

pub(crate) fn input(path: &Path) -> std::io::Result<Input> {
    if path.is_file() {
        return Ok(Input::File(path.to_path_buf()));
    }
    if !path.is_dir() {
        return Ok(Input::Missing);
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path)? {
        let file = entry?.path();
        if file.is_file() {
            files.push(file);
        }
    }
    files.sort();
    Ok(Input::Directory(files))
}

/// `name count, name count` for the counts of an import report.
pub(crate) fn count_list<K: std::fmt::Display>(
    counts: &std::collections::BTreeMap<K, u64>,
) -> String {
    counts
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A rate for import reports (0 when no time was measured).
pub(crate) fn per_second(count: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        count as f64 / secs
    } else {
        0.0
    }
}

/// The identifier system of Synthea Ids.
pub const SYNTHEA_SYSTEM: &str = "synthea";

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{dir} is not a directory")]
    NotADirectory { dir: PathBuf },
    #[error("{file} is missing from {dir}")]
    MissingFile { file: &'static str, dir: PathBuf },
    #[error("cannot read {file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: missing required column {column}")]
    MissingColumn { file: String, column: &'static str },
    #[error("{file} line {line}: {reason}")]
    Malformed {
        file: String,
        line: u64,
        reason: String,
    },
    #[error("{file} line {line}, column {column}: {problem}")]
    Field {
        file: String,
        line: u64,
        column: &'static str,
        problem: String,
    },
    #[error("importing {file}: {source}")]
    Store {
        file: &'static str,
        source: StoreError,
    },
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub patients_added: u64,
    pub patients_updated: u64,
    /// Charts already stored exactly as the file has them: not written, not reindexed.
    pub patients_unchanged: u64,
    pub encounters_added: u64,
    pub encounters_updated: u64,
    /// Encounters already stored exactly as the file has them (not written).
    pub encounters_unchanged: u64,
    pub providers_added: u64,
    pub providers_updated: u64,
    pub procedures_added: u64,
    pub procedures_updated: u64,
    /// Rows of procedures.csv repeating an earlier row's ENCOUNTER, CODE and START (the
    /// same procedure: the later row is what is kept).
    pub procedures_repeated: u64,
    /// Procedures whose ENCOUNTER was neither in encounters.csv nor imported before
    /// (imported without an encounter).
    pub unknown_procedure_encounters: u64,
    /// Organizations read (their names become encounter locations).
    pub organizations: u64,
    /// Encounters whose PROVIDER is not in providers.csv (imported without an attending).
    pub unknown_providers: u64,
    /// Optional files that were not in the directory.
    pub skipped_files: Vec<&'static str>,
    pub elapsed: Duration,
}

impl ImportReport {
    /// Patients written (added or updated) per second.
    pub fn patients_per_second(&self) -> f64 {
        per_second(self.patients_added + self.patients_updated, self.elapsed)
    }
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "imported patients: {} added, {} updated, {} unchanged; encounters: {} added, {} updated, {} unchanged; procedures: {} added, {} updated; providers: {} added, {} updated; {} organizations; {:.2} s",
            self.patients_added,
            self.patients_updated,
            self.patients_unchanged,
            self.encounters_added,
            self.encounters_updated,
            self.encounters_unchanged,
            self.procedures_added,
            self.procedures_updated,
            self.providers_added,
            self.providers_updated,
            self.organizations,
            self.elapsed.as_secs_f64()
        )?;
        if self.unknown_providers > 0 {
            write!(
                f,
                "; {} encounters name a provider not in providers.csv (imported without an attending)",
                self.unknown_providers
            )?;
        }
        if self.unknown_procedure_encounters > 0 {
            write!(
                f,
                "; {} procedures name an encounter not imported (imported without one)",
                self.unknown_procedure_encounters
            )?;
        }
        if self.procedures_repeated > 0 {
            write!(
                f,
                "; {} procedures.csv rows repeat an earlier row's ENCOUNTER, CODE and START (the later row is kept)",
                self.procedures_repeated
            )?;
        }
        if !self.skipped_files.is_empty() {
            write!(f, " (not present: {})", self.skipped_files.join(", "))?;
        }
        Ok(())
    }
}

/// Imports a Synthea v3 CSV export directory (see the module notes).
pub fn import_synthea_csv(store: &Store, dir: &Path) -> Result<ImportReport, ImportError> {
    let started = Instant::now();
    if !dir.is_dir() {
        return Err(ImportError::NotADirectory {
            dir: dir.to_path_buf(),
        });
    }
    if !dir.join("patients.csv").is_file() {
        return Err(ImportError::MissingFile {
            file: "patients.csv",
            dir: dir.to_path_buf(),
        });
    }
    let mut report = ImportReport::default();
    let present = |name: &'static str, report: &mut ImportReport| {
        let there = dir.join(name).is_file();
        if !there {
            report.skipped_files.push(name);
        }
        there
    };

    let organizations = if present("organizations.csv", &mut report) {
        synthea::read_organizations(dir)?
    } else {
        HashMap::new()
    };
    report.organizations = organizations.len() as u64;

    let mut providers = existing_providers(store)?;
    let have_providers = present("providers.csv", &mut report);
    if have_providers {
        let rows = synthea::read_providers(dir)?;
        write_providers(store, rows, &mut providers, &mut report).map_err(|source| {
            ImportError::Store {
                file: "providers.csv",
                source,
            }
        })?;
    }

    let rows = synthea::read_patients(dir)?;
    let written =
        write_patients(store, rows, &mut report).map_err(|source| ImportError::Store {
            file: "patients.csv",
            source,
        })?;

    if present("encounters.csv", &mut report) {
        import_encounters(
            store,
            dir,
            &written,
            &providers,
            have_providers,
            &organizations,
            &mut report,
        )?;
    }
    if present("procedures.csv", &mut report) {
        synthea_procedures::import_procedures(store, dir, &written.ids, &mut report)?;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

fn existing_providers(store: &Store) -> Result<HashMap<String, ProviderId>, ImportError> {
    let read = store.read().map_err(|source| ImportError::Store {
        file: "providers.csv",
        source,
    })?;
    let list = read.providers().map_err(|source| ImportError::Store {
        file: "providers.csv",
        source,
    })?;
    Ok(list
        .into_iter()
        .filter_map(|p| p.source_id.map(|s| (s, p.id)))
        .collect())
}

fn write_providers(
    store: &Store,
    rows: Vec<ProviderRow>,
    ids: &mut HashMap<String, ProviderId>,
    report: &mut ImportReport,
) -> Result<(), StoreError> {
    let read = store.read()?;
    let mut tx = store.write()?;
    for row in rows {
        let existing = ids.get(&row.id).copied();
        let fields = ProviderFields {
            source_id: row.id.clone(),
            name: row.name,
            specialty: row.specialty,
            npi: None,
            resource_id: None,
        };
        let (id, upserted) = upsert_provider(&read, &mut tx, existing, fields)?;
        match upserted {
            Upserted::Added => report.providers_added += 1,
            Upserted::Updated => report.providers_updated += 1,
        }
        ids.insert(row.id, id);
    }
    tx.commit()
}

/// The charts of patients.csv by Synthea Id, and those of them the file left exactly as
/// they were (not written, so not queued for the index by their own write).
struct PatientsWritten {
    ids: HashMap<String, PatientId>,
    unchanged: HashSet<PatientId>,
}

fn write_patients(
    store: &Store,
    rows: Vec<Demographics>,
    report: &mut ImportReport,
) -> Result<PatientsWritten, StoreError> {
    let read = store.read()?;
    let mut tx = store.write()?;
    let mut ids = HashMap::with_capacity(rows.len());
    let mut unchanged = HashSet::new();
    for row in rows {
        let source_id = row.source_id.clone();
        let (id, upserted) = upsert_patient_if_changed(&read, &mut tx, row)?;
        match upserted {
            Some(Upserted::Added) => report.patients_added += 1,
            Some(Upserted::Updated) => report.patients_updated += 1,
            None => {
                report.patients_unchanged += 1;
                unchanged.insert(id);
            }
        }
        ids.insert(source_id, id);
    }
    tx.commit()?;
    Ok(PatientsWritten { ids, unchanged })
}

/// Writes encounters while `encounters.csv` is read, in one write transaction flushed
/// every few thousand rows: a Synthea export of 100k patients has millions of encounters,
/// which must never all sit in memory. A bad row anywhere aborts the transaction, so the
/// file still commits all or nothing.
fn import_encounters(
    store: &Store,
    dir: &Path,
    patients: &PatientsWritten,
    providers: &HashMap<String, ProviderId>,
    have_providers: bool,
    organizations: &HashMap<String, String>,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    const FILE: &str = "encounters.csv";
    /// Buffered encounters between flushes into the redb transaction.
    const FLUSH_EVERY: usize = 20_000;
    /// New encounters handed to the store together: it sorts each table's keys, so a
    /// large batch walks each B-tree once (~70 MB of rows at 200,000).
    const NEW_BATCH: usize = 200_000;
    let store_error = |source| ImportError::Store { file: FILE, source };
    let read = store.read().map_err(store_error)?;
    let mut tx = store.write().map_err(store_error)?;
    let mut taken = TakenNumbers::default();
    // Patients this import did not write (imported earlier, or in patients.csv but
    // unchanged) whose visits change here: the index holds each patient's encounter
    // numbers, and only a written patient is queued for it, so they are written again
    // (unchanged) before the commit.
    let mut requeue: HashSet<PatientId> = HashSet::new();
    let mut new_encounters: Vec<Encounter> = Vec::new();
    synthea::read_encounters(dir, |row| {
        let (patient, not_written) = match patients.ids.get(&row.patient) {
            Some(id) => (*id, patients.unchanged.contains(id)),
            None => {
                let id = read.patient_by_identifier(SYNTHEA_SYSTEM, &row.patient).map_err(store_error)?.ok_or_else(|| {
                    ImportError::Field {
                        file: FILE.into(),
                        line: row.line,
                        column: "PATIENT",
                        problem: "refers to a patient Id that is neither in patients.csv nor already imported".into(),
                    }
                })?;
                (id, true)
            }
        };
        // An attending missing from providers.csv leaves the encounter without one (and is
        // counted): losing every encounter of the file over it would be worse.
        let attending = row
            .provider
            .as_ref()
            .and_then(|p| providers.get(p).copied());
        if have_providers && row.provider.is_some() && attending.is_none() {
            report.unknown_providers += 1;
        }
        let (number, stored) = place_number(&read, &row.id, &mut taken).map_err(store_error)?;
        let id = match &stored {
            Some(e) => e.id,
            None => tx.next_encounter_id().map_err(store_error)?,
        };
        // A visit moving to another chart leaves the old chart's indexed numbers stale.
        let moved_from = stored.as_ref().map(|e| e.patient).filter(|p| *p != patient);
        let location = row
            .organization
            .as_ref()
            .and_then(|o| organizations.get(o))
            .cloned()
            .unwrap_or_default();
        let encounter = Encounter {
            id,
            number,
            patient,
            class: row.class,
            admit: row.start,
            discharge: row.stop,
            attending,
            other_providers: Vec::new(),
            location,
            reason: row.reason,
            source_id: Some(row.id),
            discharge_offset_secs: 0,
        };
        // A visit stored exactly so is left alone: rewriting it would also put it back
        // in the analysis queue.
        if not_written && stored.as_ref() != Some(&encounter) {
            requeue.insert(patient);
        }
        match stored {
            Some(e) if e == encounter => {
                report.encounters_unchanged += 1;
                return Ok(());
            }
            Some(_) => {
                report.encounters_updated += 1;
                tx.put_encounter(&encounter).map_err(store_error)?;
            }
            None => {
                report.encounters_added += 1;
                new_encounters.push(encounter);
                if new_encounters.len() >= NEW_BATCH {
                    tx.put_new_encounters(&new_encounters)
                        .map_err(store_error)?;
                    new_encounters.clear();
                }
            }
        }
        requeue.extend(moved_from);
        if tx.pending() >= FLUSH_EVERY {
            tx.flush().map_err(store_error)?;
        }
        Ok(())
    })?;
    tx.put_new_encounters(&new_encounters)
        .map_err(store_error)?;
    for id in requeue {
        if let Some(patient) = read.patient(id).map_err(store_error)? {
            tx.put_patient(&patient).map_err(store_error)?;
        }
    }
    tx.commit().map_err(store_error)
}
