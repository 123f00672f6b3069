//! Encounters, their unique number index and the per-patient listing.

use super::{IdKey, PairKey};
use redb::TableDefinition;

pub(crate) const ENCOUNTERS_NAME: &str = "encounters-1";
/// `encounters-1` — key: encounter id (8 bytes BE); value: v1 + postcard(`domain::Encounter`).
pub(crate) const ENCOUNTERS: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(ENCOUNTERS_NAME);

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
