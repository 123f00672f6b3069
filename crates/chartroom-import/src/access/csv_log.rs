//! `timestamp,user_id,patient_id,action,workstation,department` access logs, or another
//! layout through a mapping.

use super::time::parse_iso_time;
use super::{field_error, header_names, next_record, AccessImportError, AccessImportReport};
use chartroom_store::{AccessRow, AccessWriter, NameKind, Store};
use csv::{ByteRecord, ReaderBuilder};
use serde::Deserialize;
use std::fs::File;
use std::path::Path;
use std::time::Instant;

/// How another layout's columns map onto the contract's (each key names the source
/// column; absent keys keep the contract's header name).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccessMapping {
    pub timestamp: Option<String>,
    pub user_id: Option<String>,
    pub patient_id: Option<String>,
    pub action: Option<String>,
    pub workstation: Option<String>,
    pub department: Option<String>,
    /// A chrono format (`%m/%d/%Y %H:%M:%S`) for times that are not ISO-8601.
    pub time_format: Option<String>,
    /// The offset (`-05:00`) of times written without one.
    pub utc_offset: Option<String>,
    /// One-character field delimiter (default `,`).
    pub delimiter: Option<String>,
}

/// Parses `±HH:MM` / `Z` / `UTC` into seconds east.
fn parse_offset(text: &str) -> Option<i32> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
        return Some(0);
    }
    parse_iso_time(&format!("2000-01-01T00:00:00{t}"), None).map(|(_, off)| off)
}

struct Columns {
    time: usize,
    user: usize,
    patient: usize,
    action: usize,
    workstation: Option<usize>,
    department: Option<usize>,
}

fn field(record: &ByteRecord, index: usize) -> &str {
    record
        .get(index)
        .and_then(|b| std::str::from_utf8(b).ok())
        .map_or("", str::trim)
}

/// Imports one access-log CSV. `progress` is told the bytes read so far.
pub fn import_access_csv(
    store: &Store,
    path: &Path,
    mapping: &AccessMapping,
    progress: &mut dyn FnMut(u64),
) -> Result<AccessImportReport, AccessImportError> {
    let started = Instant::now();
    let file_name = path.display().to_string();
    let io = |source| AccessImportError::Io {
        file: file_name.clone(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let delimiter = match mapping.delimiter.as_deref() {
        None => b',',
        Some(d) if d.len() == 1 => d.as_bytes()[0],
        Some(_) => {
            return Err(AccessImportError::Unsupported {
                file: file_name,
                reason: "the mapping's delimiter must be one character".into(),
            })
        }
    };
    let default_offset = match mapping.utc_offset.as_deref() {
        None => None,
        Some(text) => Some(
            parse_offset(text).ok_or_else(|| AccessImportError::Unsupported {
                file: file_name.clone(),
                reason: "the mapping's utc_offset is not an offset like -05:00".into(),
            })?,
        ),
    };
    let mut reader = ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(1 << 20)
        .from_reader(file);
    let headers = header_names(&mut reader, &file_name)?;
    let find = |ours: &'static str, theirs: &Option<String>| -> Option<usize> {
        let wanted = theirs
            .as_deref()
            .unwrap_or(ours)
            .trim()
            .to_ascii_lowercase();
        headers.iter().position(|h| *h == wanted)
    };
    let required = |ours: &'static str, theirs: &Option<String>| {
        find(ours, theirs).ok_or_else(|| AccessImportError::MissingColumn {
            file: file_name.clone(),
            column: theirs.clone().unwrap_or_else(|| ours.to_string()),
        })
    };
    let columns = Columns {
        time: required("timestamp", &mapping.timestamp)?,
        user: required("user_id", &mapping.user_id)?,
        patient: required("patient_id", &mapping.patient_id)?,
        action: required("action", &mapping.action)?,
        workstation: find("workstation", &mapping.workstation),
        department: find("department", &mapping.department),
    };
    let source = format!(
        "csv:{}",
        path.file_name()
            .map_or(file_name.clone(), |n| n.to_string_lossy().into_owned())
    );
    let time_format = mapping.time_format.clone();
    let mut read = 0u64;
    let ((), added) = store.import_access(|w: &mut AccessWriter<'_>| {
        let source_id = w.intern(NameKind::Source, &source)?;
        let mut record = ByteRecord::new();
        let mut last_report = 0u64;
        while let Some(line) = next_record(&mut reader, &mut record, &file_name)? {
            let bad = |field: &str, problem: &str| {
                field_error(&file_name, format!("line {line}"), field, problem)
            };
            let time_text = field(&record, columns.time);
            let parsed = match &time_format {
                None => parse_iso_time(time_text, default_offset),
                Some(format) => parse_with_format(time_text, format, default_offset),
            };
            let (time_us, offset_secs) = parsed.ok_or_else(|| {
                if time_text.is_empty() {
                    bad("timestamp", "is empty")
                } else {
                    bad("timestamp", "is not an ISO-8601 time with an offset")
                }
            })?;
            let user = field(&record, columns.user);
            if user.is_empty() {
                return Err(bad("user_id", "is empty"));
            }
            let patient = field(&record, columns.patient);
            if patient.is_empty() {
                return Err(bad("patient_id", "is empty"));
            }
            let action = field(&record, columns.action);
            if action.is_empty() {
                return Err(bad("action", "is empty"));
            }
            let row = AccessRow {
                patient: w.intern(NameKind::Patient, patient)?,
                time_us,
                user: w.intern(NameKind::User, user)?,
                action: w.intern(NameKind::Action, &action.to_ascii_lowercase())?,
                workstation: match columns.workstation {
                    Some(i) => w.intern(NameKind::Workstation, field(&record, i))?,
                    None => 0,
                },
                department: match columns.department {
                    Some(i) => w.intern(NameKind::Department, field(&record, i))?,
                    None => 0,
                },
                source: source_id,
                offset_secs,
            };
            w.add(row)?;
            read += 1;
            if read - last_report >= 65_536 {
                last_report = read;
                progress(record.position().map_or(0, |p| p.byte()));
            }
        }
        Ok::<(), AccessImportError>(())
    })?;
    Ok(AccessImportReport {
        read,
        added,
        skipped: 0,
        elapsed: started.elapsed(),
    })
}

fn parse_with_format(text: &str, format: &str, default_offset: Option<i32>) -> Option<(i64, i32)> {
    if format.contains("%z") || format.contains("%:z") {
        let t = chrono::DateTime::parse_from_str(text, format).ok()?;
        return Some((t.timestamp_micros(), t.offset().local_minus_utc()));
    }
    let naive = chrono::NaiveDateTime::parse_from_str(text, format).ok()?;
    let offset = default_offset?;
    Some((
        naive.and_utc().timestamp_micros() - i64::from(offset) * 1_000_000,
        offset,
    ))
}
