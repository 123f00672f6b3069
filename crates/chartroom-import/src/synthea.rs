//! Synthea v3 CSV rows (patients, encounters, providers, organizations) parsed and
//! validated into memory, before anything is written.

use super::chart_upsert::{encounter_reason, Demographics};
use super::csv_file::CsvFile;
use super::ImportError;
use chartroom_domain::{Address, EncounterClass, Identifier, PersonName, Sex, Ssn};
use chrono::NaiveDateTime;
use std::collections::HashMap;
use std::path::Path;

/// Identifier systems of the ID documents in patients.csv.
pub(crate) const DRIVERS_LICENSE_SYSTEM: &str = "drivers-license";
pub(crate) const PASSPORT_SYSTEM: &str = "passport";

pub(crate) struct EncounterRow {
    pub line: u64,
    pub id: String,
    pub start: NaiveDateTime,
    pub stop: Option<NaiveDateTime>,
    pub patient: String,
    pub provider: Option<String>,
    pub organization: Option<String>,
    pub class: EncounterClass,
    pub reason: String,
}

pub(crate) struct ProviderRow {
    pub id: String,
    pub name: String,
    pub specialty: String,
}

/// The `Id`s seen so far in one file, with their lines. Synthea's lower-case UUIDs are
/// kept as 16-byte numbers, so a file of millions of encounters costs tens of MB here
/// rather than hundreds; any other id is kept as text.
#[derive(Default)]
struct SeenIds {
    uuids: HashMap<u128, u64>,
    other: HashMap<String, u64>,
}

impl SeenIds {
    /// Fails on an `Id` seen earlier in the same file.
    fn check(&mut self, file: &'static str, line: u64, id: &str) -> Result<(), ImportError> {
        let first = match uuid_value(id) {
            Some(value) => self.uuids.insert(value, line),
            None => self.other.insert(id.to_string(), line),
        };
        if let Some(first) = first {
            return Err(ImportError::Field {
                file: file.to_string(),
                line,
                column: "Id",
                problem: format!("repeats the Id of line {first}"),
            });
        }
        Ok(())
    }
}

/// A UUID written as Synthea writes it (`8-4-4-4-12` lower-case hex) as a number; `None`
/// for anything else, so two ids differing only in case never share a value.
pub(crate) fn uuid_value(id: &str) -> Option<u128> {
    let bytes = id.as_bytes();
    if bytes.len() != 36 || [8, 13, 18, 23].iter().any(|&i| bytes[i] != b'-') {
        return None;
    }
    let mut value: u128 = 0;
    for (i, b) in bytes.iter().enumerate() {
        if [8, 13, 18, 23].contains(&i) {
            continue;
        }
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            _ => return None,
        };
        value = (value << 4) | u128::from(digit);
    }
    Some(value)
}

/// Patients as demographics; driver's licence and passport numbers become identifiers
/// (what a requester's ID shows at the desk).
pub(crate) fn read_patients(dir: &Path) -> Result<Vec<Demographics>, ImportError> {
    let mut file = CsvFile::open(dir, "patients.csv")?;
    let id = file.required("ID")?;
    let birth = file.required("BIRTHDATE")?;
    let first = file.required("FIRST")?;
    let last = file.required("LAST")?;
    let gender = file.required("GENDER")?;
    let death = file.optional("DEATHDATE");
    let ssn = file.optional("SSN");
    let prefix = file.optional("PREFIX");
    let middle = file.optional("MIDDLE");
    let suffix = file.optional("SUFFIX");
    let maiden = file.optional("MAIDEN");
    let address = file.optional("ADDRESS");
    let city = file.optional("CITY");
    let state = file.optional("STATE");
    let zip = file.optional("ZIP");
    let id_documents = [
        (DRIVERS_LICENSE_SYSTEM, file.optional("DRIVERS")),
        (PASSPORT_SYSTEM, file.optional("PASSPORT")),
    ];
    let mut rows = Vec::new();
    let mut seen = SeenIds::default();
    file.for_each(|row| {
        let source_id = row.non_empty(id)?;
        seen.check(row.file, row.line, source_id)?;
        let dob = row.date(birth)?;
        let deceased = row.date_opt(death)?;
        let ssn = match (ssn, row.text_opt(ssn)?) {
            (Some(column), Some(text)) => Some(Ssn::parse(text).ok_or_else(|| {
                row.error(
                    column,
                    "is not a social security number (expected 9 digits)",
                )
            })?),
            _ => None,
        };
        let name = PersonName {
            prefix: row.text_opt(prefix)?.map(str::to_string),
            given: row.non_empty(first)?.to_string(),
            middle: row.text_opt(middle)?.map(str::to_string),
            family: row.non_empty(last)?.to_string(),
            suffix: row.text_opt(suffix)?.map(str::to_string),
        };
        let parts = [
            row.text_opt(address)?,
            row.text_opt(city)?,
            row.text_opt(state)?,
            row.text_opt(zip)?,
        ];
        let address = parts.iter().any(Option::is_some).then(|| Address {
            line: parts[0].unwrap_or_default().to_string(),
            city: parts[1].unwrap_or_default().to_string(),
            state: parts[2].unwrap_or_default().to_string(),
            zip: parts[3].unwrap_or_default().to_string(),
        });
        let mut identifiers = Vec::new();
        for (system, column) in id_documents {
            if let Some(number) = row.text_opt(column)? {
                identifiers.push(Identifier {
                    system: system.to_string(),
                    value: number.to_string(),
                });
            }
        }
        let maiden = row.text_opt(maiden)?.map(|family| PersonName {
            given: name.given.clone(),
            middle: name.middle.clone(),
            family: family.to_string(),
            ..PersonName::default()
        });
        rows.push(Demographics {
            source_id: source_id.to_string(),
            name,
            maiden,
            aliases: Vec::new(),
            dob,
            deceased,
            sex: Sex::parse(row.text(gender)?),
            ssn,
            address,
            phones: Vec::new(),
            identifiers,
        });
        Ok(())
    })?;
    Ok(rows)
}

/// Reads `encounters.csv` row by row, handing each valid row to `each` (the file can
/// hold tens of millions of rows: they are never all in memory). The first bad row or
/// error from `each` stops the reading.
pub(crate) fn read_encounters(
    dir: &Path,
    mut each: impl FnMut(EncounterRow) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut file = CsvFile::open(dir, "encounters.csv")?;
    let id = file.required("ID")?;
    let start = file.required("START")?;
    let patient = file.required("PATIENT")?;
    let class = file.required("ENCOUNTERCLASS")?;
    let stop = file.optional("STOP");
    let provider = file.optional("PROVIDER");
    let organization = file.optional("ORGANIZATION");
    let description = file.optional("DESCRIPTION");
    let reason = file.optional("REASONDESCRIPTION");
    let mut seen = SeenIds::default();
    file.for_each(|row| {
        let source_id = row.non_empty(id)?;
        seen.check(row.file, row.line, source_id)?;
        let start_time = row.datetime(start)?;
        let stop_time = row.datetime_opt(stop)?;
        if let (Some(s), Some(column)) = (stop_time, stop) {
            if s < start_time {
                return Err(row.error(column, "is before START"));
            }
        }
        let class_text = row.non_empty(class)?;
        let class_value = EncounterClass::parse(class_text).ok_or_else(|| {
            row.error(class, "is not an encounter class (inpatient, outpatient, emergency, ambulatory, wellness, urgentcare, ...)")
        })?;
        let reason = encounter_reason(row.text_opt(description)?, row.text_opt(reason)?);
        each(EncounterRow {
            line: row.line,
            id: source_id.to_string(),
            start: start_time,
            stop: stop_time,
            patient: row.non_empty(patient)?.to_string(),
            provider: row.text_opt(provider)?.map(str::to_string),
            organization: row.text_opt(organization)?.map(str::to_string),
            class: class_value,
            reason,
        })
    })
}

pub(crate) fn read_providers(dir: &Path) -> Result<Vec<ProviderRow>, ImportError> {
    let mut file = CsvFile::open(dir, "providers.csv")?;
    let id = file.required("ID")?;
    let name = file.required("NAME")?;
    let specialty = file.required_any(&["SPECIALITY", "SPECIALTY"])?;
    let mut rows = Vec::new();
    let mut seen = SeenIds::default();
    file.for_each(|row| {
        let source_id = row.non_empty(id)?;
        seen.check(row.file, row.line, source_id)?;
        rows.push(ProviderRow {
            id: source_id.to_string(),
            name: row.non_empty(name)?.to_string(),
            specialty: title_words(row.text(specialty)?),
        });
        Ok(())
    })?;
    Ok(rows)
}

/// Organization `Id` → name (used as the encounter's location).
pub(crate) fn read_organizations(dir: &Path) -> Result<HashMap<String, String>, ImportError> {
    let mut file = CsvFile::open(dir, "organizations.csv")?;
    let id = file.required("ID")?;
    let name = file.required("NAME")?;
    let mut out = HashMap::new();
    let mut seen = SeenIds::default();
    file.for_each(|row| {
        let source_id = row.non_empty(id)?;
        seen.check(row.file, row.line, source_id)?;
        out.insert(source_id.to_string(), title_words(row.text(name)?));
        Ok(())
    })?;
    Ok(out)
}

/// `GENERAL PRACTICE` → `General Practice` (Synthea shouts directory names).
pub(crate) fn title_words(text: &str) -> String {
    if text.chars().any(|c| c.is_lowercase()) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphanumeric() && c != '\'';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shouting_becomes_title_case() {
        assert_eq!(title_words("GENERAL PRACTICE"), "General Practice");
        assert_eq!(title_words("ST. MARY'S HOSPITAL"), "St. Mary's Hospital");
        assert_eq!(title_words("Already Fine"), "Already Fine");
    }

    #[test]
    fn synthea_uuids_become_numbers_and_nothing_else_does() {
        assert_eq!(
            uuid_value("00000000-0000-4000-8000-00000000000a"),
            Some(0x0000_0000_0000_4000_8000_0000_0000_000a)
        );
        // upper case, missing dashes, wrong length: kept as text, never merged with a UUID
        assert_eq!(uuid_value("00000000-0000-4000-8000-00000000000A"), None);
        assert_eq!(uuid_value("0000000000000400080000000000000000a"), None);
        assert_eq!(uuid_value("abc"), None);
        assert_eq!(uuid_value("00000000-0000-4000-8000-00000000000é"), None);
    }
}
