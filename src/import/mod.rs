//! Synthea CSV import: the only user of the csv crate.
//!
//! `import_synthea_csv(store, dir)` reads `providers.csv`, `patients.csv` and
//! `encounters.csv` (with `organizations.csv` for location names) from a Synthea v3
//! CSV export. Columns are found by header name. Each file is parsed and validated
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
//! - Only `patients.csv` is required; a missing `encounters.csv`, `providers.csv` or
//!   `organizations.csv` is skipped and listed in the report. Without `providers.csv`
//!   encounters get no attending.
//! - Errors name the file, the line (header = line 1) and the column, never the value.
//! - `encounters.csv` is streamed: rows are written as they are read into one write
//!   transaction flushed every 20,000 rows, and a bad row aborts it (still all or nothing).
//!   A Synthea export of 100k patients has ~2M encounters; holding them all took 2.3 GB,
//!   streaming ~0.9 GB (mostly redb's page cache), so 1M-patient exports fit too.

mod csv_file;
mod synthea;
mod synthea_export;

pub use synthea_export::{export_synthea_csv, ExportError, ExportOptions, ExportReport};

use crate::domain::{
    AltName, Encounter, EncounterId, Identifier, NameKind, Patient, PatientFlags, PatientId,
    PersonName, Provider, ProviderId,
};
use crate::store::{ReadTx, Store, StoreError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use synthea::{PatientRow, ProviderRow, DRIVERS_LICENSE_SYSTEM, PASSPORT_SYSTEM};

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
    pub encounters_added: u64,
    pub encounters_updated: u64,
    pub providers_added: u64,
    pub providers_updated: u64,
    /// Organizations read (their names become encounter locations).
    pub organizations: u64,
    /// Optional files that were not in the directory.
    pub skipped_files: Vec<&'static str>,
    pub elapsed: Duration,
}

impl ImportReport {
    /// Patients written (added or updated) per second.
    pub fn patients_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            (self.patients_added + self.patients_updated) as f64 / secs
        } else {
            0.0
        }
    }
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "imported patients: {} added, {} updated; encounters: {} added, {} updated; providers: {} added, {} updated; {} organizations; {:.2} s",
            self.patients_added,
            self.patients_updated,
            self.encounters_added,
            self.encounters_updated,
            self.providers_added,
            self.providers_updated,
            self.organizations,
            self.elapsed.as_secs_f64()
        )?;
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
    let patients =
        write_patients(store, rows, &mut report).map_err(|source| ImportError::Store {
            file: "patients.csv",
            source,
        })?;

    if present("encounters.csv", &mut report) {
        import_encounters(
            store,
            dir,
            &patients,
            &providers,
            have_providers,
            &organizations,
            &mut report,
        )?;
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
        let existing = match ids.get(&row.id) {
            Some(id) => read.provider(*id)?,
            None => None,
        };
        let provider = match existing {
            Some(mut p) => {
                p.name = row.name;
                p.specialty = row.specialty;
                report.providers_updated += 1;
                p
            }
            None => {
                report.providers_added += 1;
                Provider {
                    id: tx.next_provider_id()?,
                    name: row.name,
                    specialty: row.specialty,
                    npi: None,
                    source_id: Some(row.id.clone()),
                }
            }
        };
        tx.put_provider(&provider)?;
        ids.insert(row.id, provider.id);
    }
    tx.commit()
}

fn write_patients(
    store: &Store,
    rows: Vec<PatientRow>,
    report: &mut ImportReport,
) -> Result<HashMap<String, PatientId>, StoreError> {
    let read = store.read()?;
    let mut tx = store.write()?;
    let mut ids = HashMap::with_capacity(rows.len());
    for row in rows {
        let existing = match read.patient_by_identifier(SYNTHEA_SYSTEM, &row.id)? {
            Some(id) => read.patient(id)?,
            None => None,
        };
        let source_id = row.id.clone();
        let patient = match existing {
            Some(mut p) => {
                apply(&mut p, row);
                report.patients_updated += 1;
                p
            }
            None => {
                let mut p = Patient {
                    id: tx.next_patient_id()?,
                    mrn: tx.next_mrn()?,
                    name: PersonName::default(),
                    other_names: Vec::new(),
                    dob: row.dob,
                    sex: row.sex,
                    address: None,
                    phones: Vec::new(),
                    ssn: None,
                    flags: PatientFlags::default(),
                    identifiers: vec![Identifier {
                        system: SYNTHEA_SYSTEM.into(),
                        value: row.id.clone(),
                    }],
                    staff_link: None,
                };
                apply(&mut p, row);
                report.patients_added += 1;
                p
            }
        };
        tx.put_patient(&patient)?;
        ids.insert(source_id, patient.id);
    }
    tx.commit()?;
    Ok(ids)
}

/// Copies the file's demographics onto a (new or existing) patient.
fn apply(patient: &mut Patient, row: PatientRow) {
    patient.other_names.retain(|a| a.kind != NameKind::Maiden);
    if let Some(maiden) = row.maiden.filter(|m| *m != row.name.family) {
        let mut birth = PersonName::new(row.name.given.clone(), maiden);
        birth.middle = row.name.middle.clone();
        patient.other_names.push(AltName {
            kind: NameKind::Maiden,
            name: birth,
        });
    }
    patient.name = row.name;
    patient.dob = row.dob;
    patient.sex = row.sex;
    if row.address.is_some() {
        patient.address = row.address;
    }
    if row.ssn.is_some() {
        patient.ssn = row.ssn;
    }
    patient.flags.deceased = row.deceased;
    // ID documents: the file's numbers replace what an earlier import recorded.
    patient
        .identifiers
        .retain(|i| i.system != DRIVERS_LICENSE_SYSTEM && i.system != PASSPORT_SYSTEM);
    for (system, value) in row.documents {
        patient.identifiers.push(Identifier {
            system: system.to_string(),
            value,
        });
    }
    // The Synthea Id stays the first identifier (source_id()).
    patient
        .identifiers
        .retain(|i| !(i.system == SYNTHEA_SYSTEM && i.value == row.id));
    patient.identifiers.insert(
        0,
        Identifier {
            system: SYNTHEA_SYSTEM.into(),
            value: row.id,
        },
    );
}

/// `SY` + the first 12 hex digits of the Id; `long` gives all of them.
fn account_number(source_id: &str, long: bool) -> String {
    let hex: String = source_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    let take = if long { hex.len() } else { hex.len().min(12) };
    format!("SY{}", &hex[..take])
}

/// Writes encounters while `encounters.csv` is read, in one write transaction flushed
/// every few thousand rows: a Synthea export of 100k patients has millions of encounters,
/// which must never all sit in memory. A bad row anywhere aborts the transaction, so the
/// file still commits all or nothing.
fn import_encounters(
    store: &Store,
    dir: &Path,
    patients: &HashMap<String, PatientId>,
    providers: &HashMap<String, ProviderId>,
    have_providers: bool,
    organizations: &HashMap<String, String>,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    const FILE: &str = "encounters.csv";
    /// Buffered encounters between flushes into the redb transaction.
    const FLUSH_EVERY: usize = 20_000;
    let store_error = |source| ImportError::Store { file: FILE, source };
    let read = store.read().map_err(store_error)?;
    let mut tx = store.write().map_err(store_error)?;
    let mut taken = TakenNumbers::default();
    synthea::read_encounters(dir, |row| {
        let patient = match patients.get(&row.patient) {
            Some(id) => *id,
            None => read.patient_by_identifier(SYNTHEA_SYSTEM, &row.patient).map_err(store_error)?.ok_or_else(|| {
                ImportError::Field {
                    file: FILE.into(),
                    line: row.line,
                    column: "PATIENT",
                    problem: "refers to a patient Id that is neither in patients.csv nor already imported".into(),
                }
            })?,
        };
        let attending = match (&row.provider, have_providers) {
            (Some(p), true) => Some(*providers.get(p).ok_or_else(|| ImportError::Field {
                file: FILE.into(),
                line: row.line,
                column: "PROVIDER",
                problem: "refers to a provider Id that is not in providers.csv".into(),
            })?),
            (Some(p), false) => providers.get(p).copied(),
            (None, _) => None,
        };
        let (number, existing) = place_number(&read, &row.id, &mut taken).map_err(store_error)?;
        let id = match existing {
            Some(id) => {
                report.encounters_updated += 1;
                id
            }
            None => {
                report.encounters_added += 1;
                tx.next_encounter_id().map_err(store_error)?
            }
        };
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
        };
        tx.put_encounter(&encounter).map_err(store_error)?;
        if tx.pending() >= FLUSH_EVERY {
            tx.flush().map_err(store_error)?;
        }
        Ok(())
    })?;
    tx.commit().map_err(store_error)
}

/// Account numbers handed out in this file. The usual `SY` + 12 hex digits is kept as a
/// number (millions of rows), the rare full-length fallback as text.
#[derive(Default)]
struct TakenNumbers {
    short: std::collections::HashSet<u64>,
    long: std::collections::HashSet<String>,
}

impl TakenNumbers {
    fn key(number: &str) -> Option<u64> {
        let hex = number.strip_prefix("SY")?;
        (hex.len() == 12)
            .then(|| u64::from_str_radix(hex, 16).ok())
            .flatten()
    }

    fn contains(&self, number: &str) -> bool {
        match Self::key(number) {
            Some(k) => self.short.contains(&k),
            None => self.long.contains(number),
        }
    }

    fn insert(&mut self, number: &str) {
        match Self::key(number) {
            Some(k) => self.short.insert(k),
            None => self.long.insert(number.to_string()),
        };
    }
}

/// The account number for a Synthea encounter and, on re-import, the row it updates.
fn place_number(
    read: &ReadTx,
    source_id: &str,
    taken: &mut TakenNumbers,
) -> Result<(String, Option<EncounterId>), StoreError> {
    for long in [false, true] {
        let number = account_number(source_id, long);
        if taken.contains(&number) {
            continue;
        }
        match read.encounter_by_number(&number)? {
            Some(e) if e.source_id.as_deref() == Some(source_id) => {
                taken.insert(&number);
                return Ok((number, Some(e.id)));
            }
            Some(_) => continue,
            None => {
                taken.insert(&number);
                return Ok((number, None));
            }
        }
    }
    // Full-length Ids collide only if the same Id appears twice, which the parser refuses.
    Ok((account_number(source_id, true), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_numbers_from_synthea_ids() {
        assert_eq!(
            account_number("57f2562b-445c-f11c-ba40-edc55af3c84f", false),
            "SY57F2562B445C"
        );
        assert_eq!(
            account_number("57f2562b-445c-f11c-ba40-edc55af3c84f", true),
            "SY57F2562B445CF11CBA40EDC55AF3C84F"
        );
        assert_eq!(account_number("abc", false), "SYABC");
    }
}
