//! Every redb table of the store, with its key and value layout.
//!
//! Rules that hold for all tables:
//! - Names carry a layout version (`patients-1`). A change of key or value layout gets a
//!   new name and a migration (see `migrations.rs`) that copies the old table over; the
//!   old name is then never reused.
//! - Keys are raw bytes in big-endian, fixed-width where possible, so byte order is sort
//!   order and the shape carries over to any ordered key-value store (FoundationDB, TiKV).
//!   Ids are `u64` (8 bytes), MRNs `u32` (4 bytes), audit sequence numbers `u64`.
//!   Composite keys concatenate their parts, e.g. `(patient_id, encounter_id)` is 16 bytes,
//!   so all rows of one patient are one range scan.
//! - Entity values are `&[u8]` = one value-version byte (currently [`VALUE_V1`]) followed
//!   by the postcard encoding of the domain type. They are decoded in `codec.rs` into a
//!   `Result`; an unknown version byte or undecodable payload is `StoreError::Corrupt`.
//! - Index values that point at a row are the 8-byte big-endian row id (`&[u8]`, length
//!   checked on read). Key-only indexes have the unit value `()`.

use redb::TableDefinition;

/// The value layout version written in the first byte of every entity value.
pub(crate) const VALUE_V1: u8 = 1;

/// 8-byte big-endian key of a `u64` id or sequence number.
pub(crate) type IdKey = [u8; 8];
/// 16-byte big-endian key of a `(u64, u64)` pair.
pub(crate) type PairKey = [u8; 16];

// ---- meta ----------------------------------------------------------------------------

pub(crate) const META_NAME: &str = "meta";
/// `meta` — store-wide values. Never renamed: it holds the schema version itself.
///
/// Key: UTF-8 name (one of the `META_*` constants below).
/// Value: [`VALUE_V1`] + postcard of the entry's type:
/// - `schema_version`: `u32`
/// - `next_patient_id`, `next_encounter_id`, `next_document_id`, `next_provider_id`,
///   `next_user_id`, `next_outbox_seq`: `u64` (the next value to hand out)
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

// ---- entities ------------------------------------------------------------------------

pub(crate) const PATIENTS_NAME: &str = "patients-1";
/// `patients-1` — key: patient id (8 bytes BE); value: v1 + postcard(`domain::Patient`).
pub(crate) const PATIENTS: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(PATIENTS_NAME);

pub(crate) const ENCOUNTERS_NAME: &str = "encounters-1";
/// `encounters-1` — key: encounter id (8 bytes BE); value: v1 + postcard(`domain::Encounter`).
pub(crate) const ENCOUNTERS: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(ENCOUNTERS_NAME);

pub(crate) const DOCUMENTS_NAME: &str = "documents-1";
/// `documents-1` — key: document id (8 bytes BE); value: v1 + postcard(`domain::Document`).
pub(crate) const DOCUMENTS: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(DOCUMENTS_NAME);

pub(crate) const PROVIDERS_NAME: &str = "providers-1";
/// `providers-1` — key: provider id (8 bytes BE); value: v1 + postcard(`domain::Provider`).
pub(crate) const PROVIDERS: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(PROVIDERS_NAME);

pub(crate) const USERS_NAME: &str = "users-1";
/// `users-1` — key: user id (8 bytes BE); value: v1 + postcard(`domain::StaffUser`).
pub(crate) const USERS: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(USERS_NAME);

// ---- unique lookup indexes -----------------------------------------------------------

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

pub(crate) const ENCOUNTER_BY_NUMBER_NAME: &str = "encounter-by-number-1";
/// `encounter-by-number-1` — key: the encounter (account) number as UTF-8 bytes;
/// value: encounter id (8 bytes BE). Unique.
pub(crate) const ENCOUNTER_BY_NUMBER: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new(ENCOUNTER_BY_NUMBER_NAME);

pub(crate) const USER_BY_NAME_NAME: &str = "user-by-name-1";
/// `user-by-name-1` — key: the username as UTF-8 bytes (as stored, case-sensitive);
/// value: user id (8 bytes BE). Unique.
pub(crate) const USER_BY_NAME: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new(USER_BY_NAME_NAME);

// ---- per-patient listings (key-only) -------------------------------------------------

pub(crate) const PATIENT_ENCOUNTERS_NAME: &str = "patient-encounters-1";
/// `patient-encounters-1` — key: (patient id, encounter id), 16 bytes BE; value: `()`.
pub(crate) const PATIENT_ENCOUNTERS: TableDefinition<&PairKey, ()> =
    TableDefinition::new(PATIENT_ENCOUNTERS_NAME);

pub(crate) const PATIENT_DOCUMENTS_NAME: &str = "patient-documents-1";
/// `patient-documents-1` — key: (patient id, document id), 16 bytes BE; value: `()`.
pub(crate) const PATIENT_DOCUMENTS: TableDefinition<&PairKey, ()> =
    TableDefinition::new(PATIENT_DOCUMENTS_NAME);

// ---- outbox --------------------------------------------------------------------------

pub(crate) const OUTBOX_NAME: &str = "outbox-1";
/// `outbox-1` — key: outbox seq (8 bytes BE, from `meta.next_outbox_seq`, never reused);
/// value: v1 + postcard(`codec::OutboxRow`), i.e. which patient or document the search
/// index still has to absorb. Rows are deleted by `Store::ack_outbox`.
pub(crate) const OUTBOX: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(OUTBOX_NAME);

// ---- audit trail (append-only: no code path updates or deletes these rows) ------------

pub(crate) const AUDIT_NAME: &str = "audit-1";
/// `audit-1` — key: audit seq (8 bytes BE, contiguous from 1); value: v1 +
/// postcard(`domain::AccessEvent`) including `prev_hash` and `hash` of the chain.
pub(crate) const AUDIT: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(AUDIT_NAME);

pub(crate) const AUDIT_BY_PATIENT_NAME: &str = "audit-by-patient-1";
/// `audit-by-patient-1` — key: (patient id, audit seq), 16 bytes BE; value: `()`.
/// "All access to patient X" is one range scan.
pub(crate) const AUDIT_BY_PATIENT: TableDefinition<&PairKey, ()> =
    TableDefinition::new(AUDIT_BY_PATIENT_NAME);

pub(crate) const AUDIT_BY_USER_NAME: &str = "audit-by-user-1";
/// `audit-by-user-1` — key: (user id, audit seq), 16 bytes BE; value: `()`.
/// Events without a user id (some imported logs) are not in this index.
pub(crate) const AUDIT_BY_USER: TableDefinition<&PairKey, ()> =
    TableDefinition::new(AUDIT_BY_USER_NAME);

// ---- key helpers ---------------------------------------------------------------------

pub(crate) fn id_key(id: u64) -> IdKey {
    id.to_be_bytes()
}

pub(crate) fn id_from_key(key: &IdKey) -> u64 {
    u64::from_be_bytes(*key)
}

pub(crate) fn pair_key(a: u64, b: u64) -> PairKey {
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&a.to_be_bytes());
    out[8..].copy_from_slice(&b.to_be_bytes());
    out
}

pub(crate) fn pair_from_key(key: &PairKey) -> (u64, u64) {
    let mut a = [0u8; 8];
    let mut b = [0u8; 8];
    a.copy_from_slice(&key[..8]);
    b.copy_from_slice(&key[8..]);
    (u64::from_be_bytes(a), u64::from_be_bytes(b))
}

pub(crate) fn mrn_key(mrn: u32) -> [u8; 4] {
    mrn.to_be_bytes()
}

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
    fn pair_keys_sort_by_first_then_second() {
        assert!(pair_key(1, u64::MAX) < pair_key(2, 0));
        assert!(pair_key(2, 1) < pair_key(2, 256));
        assert_eq!(pair_from_key(&pair_key(7, 9)), (7, 9));
        assert_eq!(id_from_key(&id_key(258)), 258);
    }

    #[test]
    fn identifier_keys_separate_system_and_value() {
        assert_ne!(identifier_key("ab", "c"), identifier_key("a", "bc"));
    }
}
