//! `procedures.csv` of a Synthea export: the procedures deficiency analysis looks at (a
//! surgical one needs an operative report).
//!
//! The file has no id column: a procedure's source id is built from its encounter, code
//! and start (`synthea-procedure:<encounter>:<code>:<start>`), so a re-import updates it
//! in place. Columns are found by header name; START, PATIENT, ENCOUNTER and CODE are
//! required; DESCRIPTION, STOP, SYSTEM (Synthea v3) and the reason columns are optional.
//! PATIENT must name a patient of this import or of an earlier one (else the file fails);
//! an ENCOUNTER that was never imported leaves the procedure without one (counted).
//! The SNOMED CODE goes to `codes`; `category_codes` stays empty (surgical status comes
//! from the surgical-codes list at analysis time) and there are no performers (the
//! encounter's attending is responsible).
//!
//! Like `encounters.csv` the file is streamed into one write transaction flushed every
//! 20,000 rows; a bad row aborts it, so the file commits all or nothing.

use super::chart_upsert::encounter_by_source_id;
use super::csv_file::CsvFile;
use super::synthea::uuid_value;
use super::{ImportError, ImportReport, SYNTHEA_SYSTEM};
use chartroom_domain::{EncounterId, PatientId, Procedure, ProcedureId};
use chartroom_store::Store;
use chrono::NaiveDateTime;
use std::collections::HashMap;
use std::path::Path;

const FILE: &str = "procedures.csv";
/// Buffered procedures between flushes into the redb transaction.
const FLUSH_EVERY: usize = 20_000;
/// What a procedure without a DESCRIPTION is called.
const NO_DESCRIPTION: &str = "Procedure";

/// One valid row of `procedures.csv`.
pub(crate) struct ProcedureRow {
    pub line: u64,
    pub start: NaiveDateTime,
    pub patient: String,
    pub encounter: String,
    pub code: String,
    /// False when SYSTEM names a code system other than SNOMED CT.
    pub snomed: bool,
    pub description: String,
}

impl ProcedureRow {
    /// `synthea-procedure:<encounter>:<code>:<start>` (start as UTC, `2023-10-10T04:17:47Z`).
    pub(crate) fn source_id(&self) -> String {
        format!(
            "synthea-procedure:{}:{}:{}",
            self.encounter,
            self.code,
            self.start.format("%Y-%m-%dT%H:%M:%S%.fZ")
        )
    }

    /// The row's identity within the file, compact: a Synthea export has millions.
    fn key(&self) -> RowKey {
        RowKey {
            encounter: match uuid_value(&self.encounter) {
                Some(value) => EncounterKey::Uuid(value),
                None => EncounterKey::Text(self.encounter.clone()),
            },
            code: self.code.clone(),
            start: self.start,
        }
    }
}

#[derive(PartialEq, Eq, Hash)]
enum EncounterKey {
    Uuid(u128),
    Text(String),
}

/// ENCOUNTER + CODE + START: what the source id is built from.
#[derive(PartialEq, Eq, Hash)]
struct RowKey {
    encounter: EncounterKey,
    code: String,
    start: NaiveDateTime,
}

/// Reads `procedures.csv` row by row, handing each valid row to `each`. The first bad
/// row or error from `each` stops the reading.
pub(crate) fn read_procedures(
    dir: &Path,
    mut each: impl FnMut(ProcedureRow) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut file = CsvFile::open(dir, FILE)?;
    let start = file.required("START")?;
    let patient = file.required("PATIENT")?;
    let encounter = file.required("ENCOUNTER")?;
    let code = file.required("CODE")?;
    let stop = file.optional("STOP");
    let system = file.optional("SYSTEM");
    let description = file.optional("DESCRIPTION");
    file.for_each(|row| {
        let start_time = row.datetime(start)?;
        if let (Some(s), Some(column)) = (row.datetime_opt(stop)?, stop) {
            if s < start_time {
                return Err(row.error(column, "is before START"));
            }
        }
        let snomed = row
            .text_opt(system)?
            .is_none_or(|s| s.to_ascii_lowercase().contains("snomed"));
        each(ProcedureRow {
            line: row.line,
            start: start_time,
            patient: row.non_empty(patient)?.to_string(),
            encounter: row.non_empty(encounter)?.to_string(),
            code: row.non_empty(code)?.to_string(),
            snomed,
            description: row
                .text_opt(description)?
                .unwrap_or(NO_DESCRIPTION)
                .to_string(),
        })
    })
}

/// Writes the procedures of `procedures.csv` while it is read (see the module notes).
/// `patients` are the Synthea Ids of this import's patients.csv; encounters are looked
/// up in the store, so encounters.csv must be committed first.
pub(crate) fn import_procedures(
    store: &Store,
    dir: &Path,
    patients: &HashMap<String, PatientId>,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let store_error = |source| ImportError::Store { file: FILE, source };
    let read = store.read().map_err(store_error)?;
    let mut tx = store.write().map_err(store_error)?;
    // Rows already written from this file (the read transaction does not see them): a
    // repeated ENCOUNTER + CODE + START is the same procedure, written again.
    let mut written: HashMap<RowKey, ProcedureId> = HashMap::new();
    // Procedures come grouped by encounter: the last lookup answers most rows.
    let mut last_encounter: Option<(String, Option<(EncounterId, PatientId)>)> = None;
    read_procedures(dir, |row| {
        let field = |column: &'static str, problem: &str| ImportError::Field {
            file: FILE.into(),
            line: row.line,
            column,
            problem: problem.into(),
        };
        let patient = match patients.get(&row.patient) {
            Some(id) => *id,
            None => read
                .patient_by_identifier(SYNTHEA_SYSTEM, &row.patient)
                .map_err(store_error)?
                .ok_or_else(|| {
                    field(
                        "PATIENT",
                        "refers to a patient Id that is neither in patients.csv nor already imported",
                    )
                })?,
        };
        let stored = match &last_encounter {
            Some((source, found)) if *source == row.encounter => *found,
            _ => {
                let found = encounter_by_source_id(&read, &row.encounter)
                    .map_err(store_error)?
                    .map(|e| (e.id, e.patient));
                last_encounter = Some((row.encounter.clone(), found));
                found
            }
        };
        let encounter = match stored {
            Some((id, owner)) if owner == patient => Some(id),
            Some(_) => {
                return Err(field(
                    "ENCOUNTER",
                    "refers to an encounter of another patient than PATIENT",
                ))
            }
            None => {
                report.unknown_procedure_encounters += 1;
                None
            }
        };
        let source_id = row.source_id();
        let key = row.key();
        let id = match written.get(&key) {
            Some(id) => {
                report.procedures_repeated += 1;
                *id
            }
            None => {
                let id = match read.procedure_by_source(&source_id).map_err(store_error)? {
                    Some(p) => {
                        report.procedures_updated += 1;
                        p.id
                    }
                    None => {
                        report.procedures_added += 1;
                        tx.next_procedure_id().map_err(store_error)?
                    }
                };
                written.insert(key, id);
                id
            }
        };
        let procedure = Procedure {
            id,
            patient,
            encounter,
            source_id: Some(source_id),
            codes: if row.snomed {
                vec![row.code]
            } else {
                Vec::new()
            },
            category_codes: Vec::new(),
            description: row.description,
            start: row.start,
            performers: Vec::new(),
        };
        tx.put_procedure(&procedure).map_err(store_error)?;
        if tx.pending() >= FLUSH_EVERY {
            tx.flush().map_err(store_error)?;
        }
        Ok(())
    })?;
    tx.commit().map_err(store_error)
}
