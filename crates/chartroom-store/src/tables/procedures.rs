//! Procedures (surgery needs an operative report), their per-patient listing and the
//! source-id lookup that makes a re-sent Procedure update its row.

use super::{IdKey, PairKey};
use redb::TableDefinition;

pub(crate) const PROCEDURES_NAME: &str = "procedures-1";
/// `procedures-1` — key: procedure id (8 bytes BE); value: v1 + postcard(`domain::Procedure`).
pub(crate) const PROCEDURES: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(PROCEDURES_NAME);

pub(crate) const PATIENT_PROCEDURES_NAME: &str = "patient-procedures-1";
/// `patient-procedures-1` — per-patient listing (key-only): key: (patient id, procedure
/// id), 16 bytes BE; value: `()`.
pub(crate) const PATIENT_PROCEDURES: TableDefinition<&PairKey, ()> =
    TableDefinition::new(PATIENT_PROCEDURES_NAME);

pub(crate) const PROCEDURE_BY_SOURCE_NAME: &str = "procedure-by-source-1";
/// `procedure-by-source-1` — key: source id (`Procedure.id`) as UTF-8 bytes; value:
/// procedure id (8 bytes BE).
pub(crate) const PROCEDURE_BY_SOURCE: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new(PROCEDURE_BY_SOURCE_NAME);
