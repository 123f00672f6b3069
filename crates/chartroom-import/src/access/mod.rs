//! Access logs and the HR roster into the store (`chartroom import access-csv`,
//! `import roster`, `import auditevent`).
//!
//! Decisions (see docs/PRIVACY.md):
//! - Each file is one write transaction: a bad row aborts the whole file (nothing of it
//!   is committed) with an error naming the file, the line (header = line 1) or the
//!   Bundle entry, and the field — never the value.
//! - An event's identity is (patient, time, user, action): re-importing a file, or the
//!   same event from two files, adds nothing.
//! - Patients are kept as the source named them (MRN or source id); the rules resolve
//!   them to charts when they run.

mod auditevent;
mod csv_log;
mod roster;
mod time;

pub use auditevent::import_auditevents;
pub use csv_log::{import_access_csv, AccessMapping};
pub use roster::{import_roster, RosterReport};
pub use time::parse_iso_time;

use chartroom_store::StoreError;
use std::fmt;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum AccessImportError {
    #[error("cannot read {file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: missing required column {column}")]
    MissingColumn { file: String, column: String },
    #[error("{file} {place}, field {field}: {problem}")]
    Field {
        file: String,
        /// `line 12` or `entry 3`.
        place: String,
        field: String,
        problem: String,
    },
    #[error("{file}: {reason}")]
    Unsupported { file: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub(crate) fn field_error(
    file: &str,
    place: String,
    field: &str,
    problem: &str,
) -> AccessImportError {
    AccessImportError::Field {
        file: file.to_string(),
        place,
        field: field.to_string(),
        problem: problem.to_string(),
    }
}

/// The header's column names, trimmed and lower-case (a UTF-8 BOM dropped).
pub(crate) fn header_names<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    file: &str,
) -> Result<Vec<String>, AccessImportError> {
    Ok(reader
        .byte_headers()
        .map_err(|e| field_error(file, "line 1".into(), "header", &e.to_string()))?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_ascii_lowercase()
        })
        .collect())
}

/// Reads the next non-blank record; answers its line (header = line 1), `None` at the end.
pub(crate) fn next_record<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
    file: &str,
) -> Result<Option<u64>, AccessImportError> {
    loop {
        let more = reader.read_byte_record(record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            field_error(file, format!("line {line}"), "record", "not readable CSV")
        })?;
        if !more {
            return Ok(None);
        }
        if !record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            return Ok(Some(record.position().map_or(0, |p| p.line())));
        }
    }
}

/// What an access-log import did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccessImportReport {
    /// Events read from the file(s).
    pub read: u64,
    /// Events new to the store (the rest were already there).
    pub added: u64,
    /// Records that name no patient or no user (not patient-record access).
    pub skipped: u64,
    pub elapsed: Duration,
}

impl AccessImportReport {
    pub fn events_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.read as f64 / secs
        } else {
            0.0
        }
    }
}

impl fmt::Display for AccessImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} access events read, {} new, {} already imported",
            self.read,
            self.added,
            self.read.saturating_sub(self.added)
        )?;
        if self.skipped > 0 {
            write!(
                f,
                ", {} records skipped (no patient or no user)",
                self.skipped
            )?;
        }
        write!(
            f,
            " in {:.2} s ({:.0} events/s)",
            self.elapsed.as_secs_f64(),
            self.events_per_second()
        )
    }
}
