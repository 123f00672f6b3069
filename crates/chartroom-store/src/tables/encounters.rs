//! Encounters, their unique number index and the per-patient listing.

use super::{IdKey, PairKey};
use redb::TableDefinition;

pub(crate) const ENCOUNTERS_NAME: &str = "encounters-2";
/// `encounters-2` — key: encounter id (8 bytes BE); value: v1 + postcard(`domain::Encounter`).
/// Since schema 2 (the discharge's UTC offset joined the value).
pub(crate) const ENCOUNTERS: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(ENCOUNTERS_NAME);
/// `encounters-1` — schema 1's layout (no discharge offset); read once by the migration
/// to schema 2, then deleted. Never reused.
pub(crate) const ENCOUNTERS_V1: TableDefinition<&IdKey, &[u8]> =
    TableDefinition::new("encounters-1");

pub(crate) const ENCOUNTER_BY_NUMBER_NAME: &str = "encounter-by-number-1";
/// `encounter-by-number-1` — key: the encounter (account) number as UTF-8 bytes;
/// value: encounter id (8 bytes BE). Unique.
pub(crate) const ENCOUNTER_BY_NUMBER: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new(ENCOUNTER_BY_NUMBER_NAME);

pub(crate) const PATIENT_ENCOUNTERS_NAME: &str = "patient-encounters-1";
/// `patient-encounters-1` — per-patient listing (key-only): key: (patient id,
/// encounter id), 16 bytes BE; value: `()`.
pub(crate) const PATIENT_ENCOUNTERS: TableDefinition<&PairKey, ()> =
    TableDefinition::new(PATIENT_ENCOUNTERS_NAME);
