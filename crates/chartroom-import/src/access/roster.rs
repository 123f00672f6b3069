//! The HR roster: `user_id,name,department,role,home_address,linked_patient_id,provider_id`.

use super::{field_error, header_names, next_record, AccessImportError};
use chartroom_domain::privacy::RosterEntry;
use chartroom_store::Store;
use csv::{ByteRecord, ReaderBuilder};
use std::collections::HashSet;
use std::fmt;
use std::fs::File;
use std::path::Path;

/// What a roster import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RosterReport {
    pub read: u64,
    /// Users new or changed.
    pub changed: u64,
}

impl fmt::Display for RosterReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} roster rows read, {} new or changed, {} unchanged",
            self.read,
            self.changed,
            self.read - self.changed
        )
    }
}

const COLUMNS: [&str; 7] = [
    "user_id",
    "name",
    "department",
    "role",
    "home_address",
    "linked_patient_id",
    "provider_id",
];

/// Imports (adds or replaces, by `user_id`) every row of a roster CSV, or none.
pub fn import_roster(store: &Store, path: &Path) -> Result<RosterReport, AccessImportError> {
    let file_name = path.display().to_string();
    let file = File::open(path).map_err(|source| AccessImportError::Io {
        file: file_name.clone(),
        source,
    })?;
    let mut reader = ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(file);
    let headers = header_names(&mut reader, &file_name)?;
    let mut index = [None; 7];
    for (i, name) in COLUMNS.iter().enumerate() {
        index[i] = headers.iter().position(|h| h == name);
    }
    for required in [0usize, 1] {
        if index[required].is_none() {
            return Err(AccessImportError::MissingColumn {
                file: file_name,
                column: COLUMNS[required].to_string(),
            });
        }
    }
    let mut entries = Vec::new();
    let mut seen = HashSet::new();
    let mut record = ByteRecord::new();
    while let Some(line) = next_record(&mut reader, &mut record, &file_name)? {
        let mut values: [String; 7] = Default::default();
        for (i, column) in index.iter().enumerate() {
            if let Some(c) = column {
                let raw = record.get(*c).unwrap_or_default();
                let text = std::str::from_utf8(raw).map_err(|_| {
                    field_error(
                        &file_name,
                        format!("line {line}"),
                        COLUMNS[i],
                        "is not UTF-8",
                    )
                })?;
                values[i] = text.trim().to_string();
            }
        }
        for required in [0usize, 1] {
            if values[required].is_empty() {
                return Err(field_error(
                    &file_name,
                    format!("line {line}"),
                    COLUMNS[required],
                    "is empty",
                ));
            }
        }
        if !seen.insert(values[0].clone()) {
            return Err(field_error(
                &file_name,
                format!("line {line}"),
                "user_id",
                "repeats a user of an earlier line",
            ));
        }
        let [user_id, name, department, role, home_address, linked, provider] = values;
        entries.push(RosterEntry {
            user_id,
            name,
            department,
            role,
            home_address,
            linked_patient_id: (!linked.is_empty()).then_some(linked),
            provider_id: (!provider.is_empty()).then_some(provider),
        });
    }
    let (changed, _) = store.import_access(|w| {
        let mut changed = 0u64;
        for entry in &entries {
            if w.put_roster(entry)? {
                changed += 1;
            }
        }
        Ok::<u64, AccessImportError>(changed)
    })?;
    Ok(RosterReport {
        read: entries.len() as u64,
        changed,
    })
}
