//! What every importer does the same way once a file is parsed: put a patient's
//! demographics on a new or existing chart (keyed by the source system's id), upsert a
//! provider by its source id, and give an imported encounter its account number.

use super::synthea::{DRIVERS_LICENSE_SYSTEM, PASSPORT_SYSTEM};
use super::SYNTHEA_SYSTEM;
use chartroom_domain::{
    Address, AltName, Encounter, Identifier, NameKind, Patient, PatientId, PersonName, Provider,
    ProviderId, Sex, Ssn,
};
use chartroom_store::{ReadTx, StoreError, WriteTx};
use chrono::NaiveDate;
use std::collections::HashSet;

/// Whether an upsert made a new row or changed an existing one (for the report).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Upserted {
    Added,
    Updated,
}

/// A patient's demographics as a source file gives them.
pub(crate) struct Demographics {
    /// The Synthea Id (first identifier, `system = "synthea"`): the re-import key.
    pub source_id: String,
    pub name: PersonName,
    /// Birth name; dropped when its family name equals the current one.
    pub maiden: Option<PersonName>,
    /// Other names the source lists (FHIR `usual`, `nickname`, `old`...).
    pub aliases: Vec<PersonName>,
    pub dob: NaiveDate,
    pub deceased: Option<NaiveDate>,
    pub sex: Sex,
    pub ssn: Option<Ssn>,
    pub address: Option<Address>,
    /// Replace what is on file when not empty (CSV exports carry none).
    pub phones: Vec<String>,
    /// ID documents and other systems' numbers (driver's licence, passport, MR number).
    pub identifiers: Vec<Identifier>,
}

/// Finds the chart with this source id or makes a new one (fresh MRN), copies the
/// demographics on, and queues it in `tx`. `also` runs on the chart before it is put
/// (the FHIR import adds sensitive categories there).
pub(crate) fn upsert_patient(
    read: &ReadTx,
    tx: &mut WriteTx,
    demographics: Demographics,
    also: impl FnOnce(&mut Patient),
) -> Result<(PatientId, Upserted), StoreError> {
    let (patient, stored) = merged_patient(read, tx, demographics, also)?;
    tx.put_patient(&patient)?;
    let upserted = match stored {
        Some(_) => Upserted::Updated,
        None => Upserted::Added,
    };
    Ok((patient.id, upserted))
}

/// [`upsert_patient`], except that a chart the file would leave exactly as it is, is not
/// written at all (`None`): not rewritten, not queued for the index. A daily load of a
/// whole export, or the re-import after a crash, then costs reads instead of writes.
pub(crate) fn upsert_patient_if_changed(
    read: &ReadTx,
    tx: &mut WriteTx,
    demographics: Demographics,
) -> Result<(PatientId, Option<Upserted>), StoreError> {
    let (patient, stored) = merged_patient(read, tx, demographics, |_| {})?;
    let upserted = match stored {
        Some(old) if old == patient => return Ok((patient.id, None)),
        Some(_) => Upserted::Updated,
        None => Upserted::Added,
    };
    tx.put_patient(&patient)?;
    Ok((patient.id, Some(upserted)))
}

/// The chart as it will be after the file: the stored one with the demographics copied
/// on, or a new one (fresh row id and MRN); and the stored one, if any.
fn merged_patient(
    read: &ReadTx,
    tx: &mut WriteTx,
    demographics: Demographics,
    also: impl FnOnce(&mut Patient),
) -> Result<(Patient, Option<Patient>), StoreError> {
    let stored = match read.patient_by_identifier(SYNTHEA_SYSTEM, &demographics.source_id)? {
        Some(id) => read.patient(id)?,
        None => None,
    };
    let mut patient = match &stored {
        Some(p) => p.clone(),
        None => Patient::new_chart(
            tx.next_patient_id()?,
            tx.next_mrn()?,
            PersonName::default(),
            demographics.dob,
            demographics.sex,
        ),
    };
    apply_demographics(&mut patient, demographics);
    also(&mut patient);
    Ok((patient, stored))
}

/// Copies a file's demographics onto a (new or existing) patient. What the file does
/// not carry stays as it was: row id, MRN, VIP/employee/restricted/sensitive flags,
/// staff link, identifiers of other systems, alias and previous names.
pub(crate) fn apply_demographics(patient: &mut Patient, d: Demographics) {
    patient.other_names.retain(|a| a.kind != NameKind::Maiden);
    if let Some(maiden) = d.maiden.filter(|m| m.family != d.name.family) {
        patient.other_names.push(AltName {
            kind: NameKind::Maiden,
            name: maiden,
        });
    }
    for alias in d.aliases {
        let known = patient.other_names.iter().any(|a| a.name == alias);
        if !known && alias != d.name {
            patient.other_names.push(AltName {
                kind: NameKind::Alias,
                name: alias,
            });
        }
    }
    patient.name = d.name;
    patient.dob = d.dob;
    patient.sex = d.sex;
    if d.address.is_some() {
        patient.address = d.address;
    }
    if d.ssn.is_some() {
        patient.ssn = d.ssn;
    }
    if !d.phones.is_empty() {
        patient.phones = d.phones;
    }
    patient.flags.deceased = d.deceased;
    // ID documents: the file's numbers replace what an earlier import recorded; so do
    // the numbers of any other system the file names.
    let replaced: HashSet<&str> = d.identifiers.iter().map(|i| i.system.as_str()).collect();
    patient.identifiers.retain(|i| {
        i.system != DRIVERS_LICENSE_SYSTEM
            && i.system != PASSPORT_SYSTEM
            && !replaced.contains(i.system.as_str())
    });
    patient.identifiers.extend(d.identifiers);
    // The Synthea Id stays the first identifier (source_id()).
    patient
        .identifiers
        .retain(|i| !(i.system == SYNTHEA_SYSTEM && i.value == d.source_id));
    patient.identifiers.insert(
        0,
        Identifier {
            system: SYNTHEA_SYSTEM.into(),
            value: d.source_id,
        },
    );
}

/// A provider as a source file gives it, keyed by `source_id`.
pub(crate) struct ProviderFields {
    pub source_id: String,
    pub name: String,
    pub specialty: String,
    pub npi: Option<String>,
    /// The FHIR `Practitioner.id`, when the source is FHIR.
    pub resource_id: Option<String>,
}

/// Updates the provider `existing` names (if it is still there) or adds a new one.
pub(crate) fn upsert_provider(
    read: &ReadTx,
    tx: &mut WriteTx,
    existing: Option<ProviderId>,
    fields: ProviderFields,
) -> Result<(ProviderId, Upserted), StoreError> {
    let found = match existing {
        Some(id) => read.provider(id)?,
        None => None,
    };
    let (provider, upserted) = match found {
        Some(mut p) => {
            p.name = fields.name;
            p.specialty = fields.specialty;
            if fields.npi.is_some() {
                p.npi = fields.npi;
            }
            if fields.resource_id.is_some() {
                p.resource_id = fields.resource_id;
            }
            (p, Upserted::Updated)
        }
        None => (
            Provider {
                id: tx.next_provider_id()?,
                name: fields.name,
                specialty: fields.specialty,
                npi: fields.npi,
                source_id: Some(fields.source_id),
                resource_id: fields.resource_id,
            },
            Upserted::Added,
        ),
    };
    tx.put_provider(&provider)?;
    Ok((provider.id, upserted))
}

/// `Description: reason` as the chart's encounter list shows it.
pub(crate) fn encounter_reason(description: Option<&str>, why: Option<&str>) -> String {
    match (description, why) {
        (Some(d), Some(r)) => format!("{d}: {r}"),
        (Some(d), None) => d.to_string(),
        (None, Some(r)) => r.to_string(),
        (None, None) => String::new(),
    }
}

/// `SY` + the first 12 hex digits of the Id; `long` gives all of them.
pub(crate) fn account_number(source_id: &str, long: bool) -> String {
    let hex: String = source_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    let take = if long { hex.len() } else { hex.len().min(12) };
    format!("SY{}", &hex[..take])
}

/// The account number for a Synthea encounter and, on re-import, the stored row it updates.
/// `taken` holds the numbers already given out in this file.
pub(crate) fn place_number(
    read: &ReadTx,
    source_id: &str,
    taken: &mut TakenNumbers,
) -> Result<(String, Option<Encounter>), StoreError> {
    for long in [false, true] {
        let number = account_number(source_id, long);
        if taken.contains(&number) {
            continue;
        }
        match read.encounter_by_number(&number)? {
            Some(e) if e.source_id.as_deref() == Some(source_id) => {
                taken.insert(&number);
                return Ok((number, Some(e)));
            }
            Some(_) => continue,
            None => {
                taken.insert(&number);
                return Ok((number, None));
            }
        }
    }
    // Full-length Ids collide only if the same Id appears twice, which the parsers refuse.
    Ok((account_number(source_id, true), None))
}

/// Account numbers handed out in one file. The usual `SY` + 12 hex digits is kept as a
/// number (a Synthea export has millions of encounters), the rare full-length fallback
/// as text.
#[derive(Default)]
pub(crate) struct TakenNumbers {
    short: HashSet<u64>,
    long: HashSet<String>,
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

/// The stored encounter imported from `source_id` in an earlier run, if any.
pub(crate) fn encounter_by_source_id(
    read: &ReadTx,
    source_id: &str,
) -> Result<Option<chartroom_domain::Encounter>, StoreError> {
    for long in [false, true] {
        if let Some(e) = read.encounter_by_number(&account_number(source_id, long))? {
            if e.source_id.as_deref() == Some(source_id) {
                return Ok(Some(e));
            }
        }
    }
    Ok(None)
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
