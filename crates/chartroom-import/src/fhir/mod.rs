//! FHIR R4 import: `import_fhir(store, path)` reads a Bundle file, a directory of Bundle
//! files (Synthea: one transaction bundle per patient plus batch bundles of hospitals
//! and practitioners), or a Bulk Data directory of NDJSON files (one per resource type).
//!
//! Decisions (see docs/DEMO-DATA-AND-IMPORT.md, "FHIR import"):
//! - All files are parsed first; then directory files (no patient data: practitioners,
//!   organizations) are written before chart files, so conditional references such as
//!   `Practitioner?identifier=…|NPI` resolve across files. NDJSON files go in a fixed
//!   order of resource types (Organization, PractitionerRole, Practitioner, Patient,
//!   Encounter, Condition, Observation, DocumentReference, then the rest).
//! - All-or-nothing per file: one write transaction per file; the first bad file stops
//!   the import, files before it stay imported.
//! - Patients are keyed by their Synthea Id (first identifier, `system = "synthea"`),
//!   exactly like the CSV import, so CSV and FHIR imports of one patient are one chart.
//! - Errors name the file and the line and column (syntax) or the resource (bundle entry
//!   index or NDJSON line, with its type) and the field; never a value.

mod convert;
mod procedures;
mod read;
mod references;
mod resources;
mod visits;
mod write;

use chartroom_store::{Store, StoreError};
use read::ParsedFile;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum FhirImportError {
    #[error("{path} does not exist")]
    NotFound { path: PathBuf },
    #[error("{path} holds no FHIR files (*.json bundles or *.ndjson)")]
    NoFiles { path: PathBuf },
    #[error("cannot read {file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file} line {line}, column {column}: {problem}")]
    Json {
        file: String,
        line: usize,
        column: usize,
        problem: String,
    },
    #[error("{file} {at}, field {field}: {problem}")]
    Field {
        file: String,
        at: String,
        field: String,
        problem: String,
    },
    #[error("importing {file}: {source}")]
    Store { file: String, source: StoreError },
}

/// What a FHIR import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FhirImportReport {
    pub files: u64,
    pub patients_added: u64,
    pub patients_updated: u64,
    pub encounters_added: u64,
    pub encounters_updated: u64,
    pub documents_added: u64,
    pub documents_updated: u64,
    pub procedures_added: u64,
    pub procedures_updated: u64,
    pub providers_added: u64,
    pub providers_updated: u64,
    /// Organizations read (their names become encounter locations).
    pub organizations: u64,
    /// Conditions and Observations that are HIV information.
    pub hiv_resources: u64,
    /// Charts newly marked sensitive (HIV/STI) by this import.
    pub hiv_marked: u64,
    /// DocumentReferences without inline plain text (not imported).
    pub documents_without_text: u64,
    /// Resources of types the import does not use, by type.
    pub skipped: BTreeMap<String, u64>,
    /// References left empty, by field (`author`, `attending`, `encounter`, `subject`).
    pub unresolved: BTreeMap<&'static str, u64>,
    /// Files in the directory that are not FHIR output (e.g. a bulk export's log.ndjson).
    pub skipped_files: Vec<String>,
    pub elapsed: Duration,
}

impl FhirImportReport {
    fn unresolved(&mut self, field: &'static str) {
        *self.unresolved.entry(field).or_default() += 1;
    }

    /// Patients written (added or updated) per second.
    pub fn patients_per_second(&self) -> f64 {
        crate::per_second(self.patients_added + self.patients_updated, self.elapsed)
    }
}

impl std::fmt::Display for FhirImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "imported {} files: patients {} added, {} updated; encounters {} added, {} updated; documents {} added, {} updated; procedures {} added, {} updated; providers {} added, {} updated; {} organizations; {} charts marked HIV/STI sensitive",
            self.files,
            self.patients_added,
            self.patients_updated,
            self.encounters_added,
            self.encounters_updated,
            self.documents_added,
            self.documents_updated,
            self.procedures_added,
            self.procedures_updated,
            self.providers_added,
            self.providers_updated,
            self.organizations,
            self.hiv_marked,
        )?;
        if self.documents_without_text > 0 {
            write!(
                f,
                "; {} notes without plain text",
                self.documents_without_text
            )?;
        }
        let total: u64 = self.unresolved.values().sum();
        write!(f, "; unresolved references: {total}")?;
        if total > 0 {
            write!(f, " ({})", crate::count_list(&self.unresolved))?;
        }
        if !self.skipped.is_empty() {
            write!(f, "; skipped: {}", crate::count_list(&self.skipped))?;
        }
        if !self.skipped_files.is_empty() {
            write!(f, "; not FHIR: {}", self.skipped_files.join(", "))?;
        }
        write!(f, "; {:.2} s", self.elapsed.as_secs_f64())
    }
}

/// NDJSON files are written in this order of resource types (directory first, then
/// charts, then what refers to charts); other types follow by name.
const NDJSON_ORDER: [&str; 9] = [
    "Organization",
    "PractitionerRole",
    "Practitioner",
    "Patient",
    "Encounter",
    "Condition",
    "Observation",
    "DocumentReference",
    "Procedure",
];

/// Imports a FHIR Bundle file, a directory of bundles, or a Bulk Data NDJSON directory.
pub fn import_fhir(store: &Store, path: &Path) -> Result<FhirImportReport, FhirImportError> {
    let started = Instant::now();
    let mut report = FhirImportReport::default();
    let files = list_files(path, &mut report)?;
    // Parse everything first: references cross files. A file that does not parse
    // keeps its place in the order, so the files before it are still imported.
    let mut parsed: Vec<(u8, Result<ParsedFile, FhirImportError>)> = files
        .into_iter()
        .map(|file| {
            let result = read::read_file(&file);
            (write_rank(&file, &result), result)
        })
        .collect();
    parsed.sort_by_key(|(rank, _)| *rank);
    let read = store.read().map_err(|source| FhirImportError::Store {
        file: path.display().to_string(),
        source,
    })?;
    let mut state = write::ImportState::new(&read).map_err(|source| FhirImportError::Store {
        file: path.display().to_string(),
        source,
    })?;
    drop(read);
    for (_, file) in parsed {
        write::write_file(store, &mut state, file?, &mut report)?;
        report.files += 1;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// The files to read, in name order.
fn list_files(path: &Path, report: &mut FhirImportReport) -> Result<Vec<PathBuf>, FhirImportError> {
    let io = |source| FhirImportError::Io {
        file: path.display().to_string(),
        source,
    };
    let all = match crate::input(path).map_err(io)? {
        crate::Input::File(file) => return Ok(vec![file]),
        crate::Input::Missing => {
            return Err(FhirImportError::NotFound {
                path: path.to_path_buf(),
            })
        }
        crate::Input::Directory(files) => files,
    };
    let mut files = Vec::new();
    for file in all {
        let ext = file
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if !(ext == "json" || ext == "ndjson") {
            continue;
        }
        // Bulk Data output files are named after their resource type
        // (`Patient.000.ndjson`); anything else (the export's log.ndjson) is not FHIR.
        if ext == "ndjson" && !ndjson_type(&file).starts_with(|c: char| c.is_ascii_uppercase()) {
            report.skipped_files.push(file_name(&file));
            continue;
        }
        files.push(file);
    }
    if files.is_empty() {
        return Err(FhirImportError::NoFiles {
            path: path.to_path_buf(),
        });
    }
    files.sort();
    Ok(files)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn ndjson_type(path: &Path) -> String {
    let name = file_name(path);
    name.split('.').next().unwrap_or_default().to_string()
}

/// Sort rank: directory files first, then charts (a stable sort keeps name order).
fn write_rank(path: &Path, parsed: &Result<ParsedFile, FhirImportError>) -> u8 {
    if path.extension().is_some_and(|e| e == "ndjson") {
        let kind = ndjson_type(path);
        let at = NDJSON_ORDER.iter().position(|k| *k == kind);
        return at.map_or(NDJSON_ORDER.len() as u8, |i| i as u8);
    }
    match parsed {
        Ok(file) if file.is_directory() => 0,
        _ => 1,
    }
}
