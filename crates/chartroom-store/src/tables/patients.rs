//! Patients and their unique lookup indexes (MRN, external identifiers).

use super::IdKey;
use redb::TableDefinition;

pub(crate) const PATIENTS_NAME: &str = "patients-1";
/// `patients-1` — key: patient id (8 bytes BE); value: v1 + postcard(`domain::Patient`).
pub(crate) const PATIENTS: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(PATIENTS_NAME);

pub(crate) const PATIENT_BY_MRN_NAME: &str = "patient-by-mrn-1";
/// `patient-by-mrn-1` — key: MRN (`u32`, 4 bytes BE); value: patient id (8 bytes BE).
/// MRNs are unique: a second patient with the same MRN is `StoreError::Duplicate`.
pub(crate) const PATIENT_BY_MRN: TableDefinition<&[u8; 4], &[u8]> =
    TableDefinition::new(PATIENT_BY_MRN_NAME);

pub(crate) const PATIENT_BY_IDENTIFIER_NAME: &str = "patient-by-identifier-1";
/// `patient-by-identifier-1` — key: UTF-8 system, one `0x00` byte, UTF-8 value
/// (`synthea\0a1b2...`); value: patient id (8 bytes BE). Unique per (system, value).
/// A system containing `0x00` would be ambiguous; none of ours do.
pub(crate) const PATIENT_BY_IDENTIFIER: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new(PATIENT_BY_IDENTIFIER_NAME);

/// Key of [`PATIENT_BY_MRN`].
pub(crate) fn mrn_key(mrn: u32) -> [u8; 4] {
    mrn.to_be_bytes()
}

/// Key of [`PATIENT_BY_IDENTIFIER`]: system, `0x00`, value.
pub(crate) fn identifier_key(system: &str, value: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(system.len() + 1 + value.len());
    out.extend_from_slice(system.as_bytes());
    out.push(0);
    out.extend_from_slice(value.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_keys_separate_system_and_value() {
        assert_ne!(identifier_key("ab", "c"), identifier_key("a", "bc"));
    }
}
