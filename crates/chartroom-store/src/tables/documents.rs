//! Documents (notes, reports) and the per-patient listing.

use super::{IdKey, PairKey};
use redb::TableDefinition;

pub(crate) const DOCUMENTS_NAME: &str = "documents-1";
/// `documents-1` — key: document id (8 bytes BE); value: v1 + postcard(`domain::Document`).
pub(crate) const DOCUMENTS: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(DOCUMENTS_NAME);

pub(crate) const PATIENT_DOCUMENTS_NAME: &str = "patient-documents-1";
/// `patient-documents-1` — per-patient listing (key-only): key: (patient id,
/// document id), 16 bytes BE; value: `()`.
pub(crate) const PATIENT_DOCUMENTS: TableDefinition<&PairKey, ()> =
    TableDefinition::new(PATIENT_DOCUMENTS_NAME);
