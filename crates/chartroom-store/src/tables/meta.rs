//! The `meta` table: store-wide values, including the schema version itself.

use redb::TableDefinition;

pub(crate) const META_NAME: &str = "meta";
/// `meta` — store-wide values. Never renamed: it holds the schema version itself.
///
/// Key: UTF-8 name (one of the `META_*` constants below).
/// Value: [`VALUE_V1`](super::VALUE_V1) + postcard of the entry's type:
/// - `schema_version`: `u32`
/// - `next_patient_id`, `next_encounter_id`, `next_document_id`, `next_provider_id`,
///   `next_user_id`, `next_outbox_seq`, and since schema 2 `next_procedure_id`,
///   `next_deficiency_id`: `u64` (the next value to hand out)
/// - `next_mrn`: `u32`
/// - `audit_head`: `Option<(u64, [u8; 32])>` (seq and hash of the last audit event)
pub(crate) const META: TableDefinition<&[u8], &[u8]> = TableDefinition::new(META_NAME);

pub(crate) const META_SCHEMA_VERSION: &str = "schema_version";
pub(crate) const META_NEXT_PATIENT: &str = "next_patient_id";
pub(crate) const META_NEXT_ENCOUNTER: &str = "next_encounter_id";
pub(crate) const META_NEXT_DOCUMENT: &str = "next_document_id";
pub(crate) const META_NEXT_PROVIDER: &str = "next_provider_id";
pub(crate) const META_NEXT_USER: &str = "next_user_id";
pub(crate) const META_NEXT_MRN: &str = "next_mrn";
pub(crate) const META_NEXT_OUTBOX: &str = "next_outbox_seq";
pub(crate) const META_AUDIT_HEAD: &str = "audit_head";
/// Since schema 2.
pub(crate) const META_NEXT_PROCEDURE: &str = "next_procedure_id";
/// Since schema 2.
pub(crate) const META_NEXT_DEFICIENCY: &str = "next_deficiency_id";
