//! Reading one CSV file into memory with errors that name file, line and column.
//!
//! Columns are mapped by header name, so column order may vary between exports.
//! Lines are 1-based with the header on line 1 (a record's line is where it starts).
//! Errors never contain the field's value: it may be patient data.

use super::ImportError;
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use csv::{ByteRecord, Reader, ReaderBuilder};
use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

/// An open CSV file and where its columns are.
pub(crate) struct CsvFile {
    pub name: &'static str,
    reader: Reader<File>,
    columns: HashMap<String, usize>,
}

impl CsvFile {
    pub(crate) fn open(dir: &Path, name: &'static str) -> Result<CsvFile, ImportError> {
        let path = dir.join(name);
        let file = File::open(&path).map_err(|source| ImportError::Io {
            file: name.to_string(),
            source,
        })?;
        let mut reader = ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(file);
        let headers = reader
            .byte_headers()
            .map_err(|e| csv_error(name, e))?
            .clone();
        let mut columns = HashMap::new();
        for (index, raw) in headers.iter().enumerate() {
            let text = std::str::from_utf8(raw).map_err(|_| ImportError::Malformed {
                file: name.to_string(),
                line: 1,
                reason: format!("header {} is not valid UTF-8", index + 1),
            })?;
            let text = text
                .trim_start_matches('\u{feff}')
                .trim()
                .to_ascii_uppercase();
            columns.entry(text).or_insert(index);
        }
        Ok(CsvFile {
            name,
            reader,
            columns,
        })
    }

    /// The index of a column the file must have.
    pub(crate) fn required(&self, column: &'static str) -> Result<Column, ImportError> {
        self.optional(column).ok_or(ImportError::MissingColumn {
            file: self.name.to_string(),
            column,
        })
    }

    pub(crate) fn optional(&self, column: &'static str) -> Option<Column> {
        self.columns.get(column).map(|&index| Column {
            name: column,
            index,
        })
    }

    /// The first of several spellings (`SPECIALITY` / `SPECIALTY`) present.
    pub(crate) fn required_any(&self, names: &[&'static str]) -> Result<Column, ImportError> {
        names
            .iter()
            .find_map(|n| self.optional(n))
            .ok_or(ImportError::MissingColumn {
                file: self.name.to_string(),
                column: names[0],
            })
    }

    /// Calls `each` for every record.
    pub(crate) fn for_each(
        &mut self,
        mut each: impl FnMut(&Row<'_>) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        let mut record = ByteRecord::new();
        loop {
            match self.reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => return Err(csv_error(self.name, e)),
            }
            let line = record.position().map_or(0, |p| p.line());
            // A blank trailing line is not a record.
            if record.len() == 1 && record.get(0).is_some_and(<[u8]>::is_empty) {
                continue;
            }
            each(&Row {
                file: self.name,
                line,
                record: &record,
            })?;
        }
    }
}

fn csv_error(file: &str, error: csv::Error) -> ImportError {
    let line = error.position().map_or(0, |p| p.line());
    match error.into_kind() {
        csv::ErrorKind::Io(source) => ImportError::Io {
            file: file.to_string(),
            source,
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => ImportError::Malformed {
            file: file.to_string(),
            line,
            reason: format!("has {len} fields where the header has {expected_len}"),
        },
        csv::ErrorKind::Utf8 { .. } => ImportError::Malformed {
            file: file.to_string(),
            line,
            reason: "is not valid UTF-8".into(),
        },
        _ => ImportError::Malformed {
            file: file.to_string(),
            line,
            reason: "is not valid CSV".into(),
        },
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Column {
    pub name: &'static str,
    index: usize,
}

/// One record, with typed accessors that fail naming file, line and column.
pub(crate) struct Row<'r> {
    pub file: &'static str,
    pub line: u64,
    record: &'r ByteRecord,
}

impl<'r> Row<'r> {
    pub(crate) fn error(&self, column: Column, problem: impl Into<String>) -> ImportError {
        ImportError::Field {
            file: self.file.to_string(),
            line: self.line,
            column: column.name,
            problem: problem.into(),
        }
    }

    /// The trimmed text of a column (empty when the cell is empty).
    pub(crate) fn text(&self, column: Column) -> Result<&'r str, ImportError> {
        let raw = self.record.get(column.index).unwrap_or(b"");
        std::str::from_utf8(raw)
            .map(str::trim)
            .map_err(|_| self.error(column, "is not valid UTF-8"))
    }

    pub(crate) fn text_opt(&self, column: Option<Column>) -> Result<Option<&'r str>, ImportError> {
        match column {
            Some(c) => self.text(c).map(|t| (!t.is_empty()).then_some(t)),
            None => Ok(None),
        }
    }

    /// A cell that must not be empty.
    pub(crate) fn non_empty(&self, column: Column) -> Result<&'r str, ImportError> {
        let text = self.text(column)?;
        if text.is_empty() {
            return Err(self.error(column, "is empty"));
        }
        Ok(text)
    }

    pub(crate) fn date(&self, column: Column) -> Result<NaiveDate, ImportError> {
        let text = self.non_empty(column)?;
        parse_date(text).ok_or_else(|| self.error(column, "is not a date (expected YYYY-MM-DD)"))
    }

    pub(crate) fn date_opt(
        &self,
        column: Option<Column>,
    ) -> Result<Option<NaiveDate>, ImportError> {
        match (column, self.text_opt(column)?) {
            (Some(c), Some(text)) => parse_date(text)
                .map(Some)
                .ok_or_else(|| self.error(c, "is not a date (expected YYYY-MM-DD)")),
            _ => Ok(None),
        }
    }

    pub(crate) fn datetime(&self, column: Column) -> Result<NaiveDateTime, ImportError> {
        let text = self.non_empty(column)?;
        parse_datetime(text).ok_or_else(|| {
            self.error(
                column,
                "is not a date and time (expected YYYY-MM-DDTHH:MM:SSZ)",
            )
        })
    }

    pub(crate) fn datetime_opt(
        &self,
        column: Option<Column>,
    ) -> Result<Option<NaiveDateTime>, ImportError> {
        match (column, self.text_opt(column)?) {
            (Some(c), Some(text)) => parse_datetime(text).map(Some).ok_or_else(|| {
                self.error(c, "is not a date and time (expected YYYY-MM-DDTHH:MM:SSZ)")
            }),
            _ => Ok(None),
        }
    }
}

pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Synthea writes ISO 8601 UTC (`2023-01-27T16:17:47Z`); offsets, fractions and a bare
/// date are accepted too. Times are kept as UTC wall time.
/// Like [`parse_datetime`], with the UTC offset (seconds east) the text was written in;
/// 0 when it gave none (`Z`, a bare time or a date).
pub(crate) fn parse_datetime_offset(text: &str) -> Option<(NaiveDateTime, i32)> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some((dt.naive_utc(), dt.offset().local_minus_utc()));
    }
    parse_datetime(text).map(|t| (t, 0))
}

pub(crate) fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.naive_utc());
    }
    let bare = text.trim_end_matches('Z');
    NaiveDateTime::parse_from_str(bare, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(bare, "%Y-%m-%d %H:%M:%S%.f"))
        .ok()
        .or_else(|| parse_date(text).and_then(|d| d.and_hms_opt(0, 0, 0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_in_synthea_and_nearby_forms() {
        let want = NaiveDate::from_ymd_opt(2023, 1, 27)
            .unwrap()
            .and_hms_opt(16, 17, 47)
            .unwrap();
        assert_eq!(parse_datetime("2023-01-27T16:17:47Z"), Some(want));
        assert_eq!(parse_datetime("2023-01-27T16:17:47"), Some(want));
        assert_eq!(parse_datetime("2023-01-27T17:17:47+01:00"), Some(want));
        assert!(parse_datetime("2023-01-27").is_some());
        assert_eq!(parse_datetime("27/01/2023"), None);
        assert_eq!(parse_date("1984-13-02"), None);
    }
}
