//! Documents (notes, reports) and the per-patient listing.

use super::{IdKey, PairKey};
use redb::TableDefinition;

pub(crate) const DOCUMENTS_NAME: &str = "documents-2";
/// `documents-2` — key: document id (8 bytes BE); value: v1 + postcard(`domain::Document`).
/// Since schema 2 (source id, offset and LOINC codes joined the value).
pub(crate) const DOCUMENTS: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(DOCUMENTS_NAME);
/// `documents-1` — schema 1's layout; read once by the migration to schema 2, then deleted.
pub(crate) const DOCUMENTS_V1: TableDefinition<&IdKey, &[u8]> = TableDefinition::new("documents-1");

pub(crate) const DOCUMENT_BY_SOURCE_NAME: &str = "document-by-source-1";
/// `document-by-source-1` — key: the source id (`DocumentReference.id`) as UTF-8 bytes;
/// value: document id (8 bytes BE). A re-sent document finds its row here.
pub(crate) const DOCUMENT_BY_SOURCE: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new(DOCUMENT_BY_SOURCE_NAME);

pub(crate) const PATIENT_DOCUMENTS_NAME: &str = "patient-documents-1";
/// `patient-documents-1` — per-patient listing (key-only): key: (patient id,
/// document id), 16 bytes BE; value: `()`.
pub(crate) const PATIENT_DOCUMENTS: TableDefinition<&PairKey, ()> =
    TableDefinition::new(PATIENT_DOCUMENTS_NAME);
