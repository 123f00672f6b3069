//! Every redb table of the store, with its key and value layout: one file per entity
//! group (`patients.rs`, `audit.rs`, ...) declares its tables, and [the registry](#registry)
//! below lists them once for the migration, the commit and the counts.
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
//!
//! # Registry
//!
//! The `tables!` invocation at the end of this file is the one list of tables. A new
//! table is: its declaration (name constant + `TableDefinition` + layout doc) in its
//! group's file, one line in the registry, and the migration of the schema version named
//! in its `since` (which calls [`create_since`] for that version). From the registry come
//! [`WriteTables`] (what a commit opens), [`create_since`] (what a migration creates) and
//! [`counts`] (`StoreCounts`; a `StoreCounts` field without a `counted as` line is a
//! compile error). Reads are not generated: each `ReadTx` method opens the tables it uses.

mod audit;
mod completion;
mod documents;
mod encounters;
mod feeds;
mod identity;
mod meta;
mod outbox;
mod patients;
mod privacy;
mod procedures;
mod providers;
mod retention;
mod roi;
mod users;

pub(crate) use self::audit::*;
pub(crate) use self::completion::*;
pub(crate) use self::documents::*;
pub(crate) use self::encounters::*;
pub(crate) use self::feeds::*;
pub(crate) use self::identity::*;
pub(crate) use self::meta::*;
pub(crate) use self::outbox::*;
pub(crate) use self::patients::*;
pub(crate) use self::privacy::*;
pub(crate) use self::procedures::*;
pub(crate) use self::providers::*;
pub(crate) use self::retention::*;
pub(crate) use self::roi::*;
pub(crate) use self::users::*;

use crate::migrations::SCHEMA_VERSION;
use crate::{Result, StoreCounts};
use redb::{ReadTransaction, ReadableTableMetadata, Table, WriteTransaction};

/// The value layout version written in the first byte of every entity value.
pub(crate) const VALUE_V1: u8 = 1;

/// 8-byte big-endian key of a `u64` id or sequence number.
pub(crate) type IdKey = [u8; 8];
/// 16-byte big-endian key of a `(u64, u64)` pair.
pub(crate) type PairKey = [u8; 16];

// The shapes a registered table is opened as in a write transaction. The compiler checks
// each against its declaration (`open_table` is typed), so a wrong shape does not build.

/// Entity, outbox and audit rows: id or seq → [`VALUE_V1`] + postcard.
pub(crate) type RowTable<'t> = Table<'t, &'static IdKey, &'static [u8]>;
/// Unique lookup by bytes (identifier, number, username) → 8-byte row id.
pub(crate) type LookupTable<'t> = Table<'t, &'static [u8], &'static [u8]>;
/// Unique lookup by MRN (4 bytes) → 8-byte row id.
pub(crate) type MrnTable<'t> = Table<'t, &'static [u8; 4], &'static [u8]>;
/// Key-only listing of `(owner, row)` pairs.
pub(crate) type ListingTable<'t> = Table<'t, &'static PairKey, ()>;
/// Rows keyed by a `(owner, row)` pair → [`VALUE_V1`] + postcard.
pub(crate) type PairRowTable<'t> = Table<'t, &'static PairKey, &'static [u8]>;
/// Key-only set of row ids.
pub(crate) type MarkTable<'t> = Table<'t, &'static IdKey, ()>;
/// Access events by patient or by user: fixed-width key and value (`privacy.rs`).
pub(crate) type AccessTable<'t> = Table<'t, &'static AccessKey, &'static AccessValue>;
/// The days a patient or user appears in the access events.
pub(crate) type DayTable<'t> = Table<'t, &'static DayKey, ()>;
/// Interned names: kind + text → 4-byte id.
pub(crate) type NamesTable<'t> = Table<'t, &'static [u8], &'static NameKey>;
/// Rows keyed by a 4-byte name id → bytes.
pub(crate) type NameRowTable<'t> = Table<'t, &'static NameKey, &'static [u8]>;
/// A count per 4-byte key (a month).
pub(crate) type CountTable<'t> = Table<'t, &'static [u8; 4], &'static [u8; 8]>;

/// Generates, from one list, everything that must name every table. `standalone` tables
/// (`meta`) are opened on their own by the code that owns them, never with the row
/// tables: a redb write transaction refuses to open one table twice.
macro_rules! tables {
    (
        standalone: $($standalone:ident),+;
        $(
            $field:ident: $def:ident as $shape:ident, since $since:literal
            $(, counted as $count:ident)?;
        )+
    ) => {
        /// Every row table a commit may write, opened once per commit (or flush), so a
        /// batch of thousands of rows does not reopen them per row. (The access-log
        /// tables are written by their own bulk writer, `access.rs`, so some fields are
        /// only opened here.)
        #[allow(dead_code)]
        pub(crate) struct WriteTables<'t> {
            $(pub(crate) $field: $shape<'t>,)+
        }

        impl<'t> WriteTables<'t> {
            pub(crate) fn open(txn: &'t WriteTransaction) -> Result<WriteTables<'t>> {
                Ok(WriteTables {
                    $($field: txn.open_table($def)?,)+
                })
            }
        }

        /// Creates the tables registered `since` schema `version`; called by that
        /// version's migration only, so shipped migrations keep creating what they did.
        /// (Opening a table in a write transaction creates it.)
        pub(crate) fn create_since(txn: &WriteTransaction, version: u32) -> Result<()> {
            $(
                if $since == version {
                    txn.open_table($def)?;
                }
            )+
            Ok(())
        }

        /// Row counts of the counted tables, each opened just for its length.
        pub(crate) fn counts(txn: &ReadTransaction) -> Result<StoreCounts> {
            Ok(StoreCounts {
                $($($count: txn.open_table($def)?.len()?,)?)+
            })
        }

        /// Names of every registered table, standalone ones first.
        #[cfg(test)]
        pub(crate) fn table_names() -> Vec<&'static str> {
            // `&CONST` of a definition is promoted to a `'static` borrow, so its name is too.
            fn name_of<K: redb::Key + 'static, V: redb::Value + 'static>(
                def: &'static redb::TableDefinition<'static, K, V>,
            ) -> &'static str {
                redb::TableHandle::name(def)
            }
            vec![$(name_of(&$standalone),)+ $(name_of(&$def),)+]
        }

        // A table registered for a schema version this build has no migration for would
        // never be created.
        const _: () = {
            $(assert!(
                $since >= 1 && $since <= SCHEMA_VERSION,
                "a table is registered `since` a schema version without a migration"
            );)+
        };
    };
}

tables! {
    standalone: META;
    // field                 declaration              shape            since  StoreCounts field
    patients:                PATIENTS              as RowTable,     since 1, counted as patients;
    patient_by_mrn:          PATIENT_BY_MRN        as MrnTable,     since 1;
    patient_by_identifier:   PATIENT_BY_IDENTIFIER as LookupTable,  since 1;
    encounters:              ENCOUNTERS            as RowTable,     since 2, counted as encounters;
    encounter_by_number:     ENCOUNTER_BY_NUMBER   as LookupTable,  since 1;
    patient_encounters:      PATIENT_ENCOUNTERS    as ListingTable, since 1;
    documents:               DOCUMENTS             as RowTable,     since 2, counted as documents;
    patient_documents:       PATIENT_DOCUMENTS     as ListingTable, since 1;
    document_by_source:      DOCUMENT_BY_SOURCE    as LookupTable,  since 2;
    providers:               PROVIDERS             as RowTable,     since 2, counted as providers;
    procedures:              PROCEDURES            as RowTable,     since 2, counted as procedures;
    patient_procedures:      PATIENT_PROCEDURES    as ListingTable, since 2;
    procedure_by_source:     PROCEDURE_BY_SOURCE   as LookupTable,  since 2;
    deficiencies:            DEFICIENCIES          as RowTable,     since 2, counted as deficiencies;
    encounter_deficiencies:  ENCOUNTER_DEFICIENCIES as ListingTable, since 2;
    provider_deficiencies:   PROVIDER_DEFICIENCIES as ListingTable, since 2;
    analysis_pending:        ANALYSIS_PENDING      as MarkTable,    since 2, counted as analysis_pending;
    encounter_analysis:      ENCOUNTER_ANALYSIS    as RowTable,     since 2;
    awaiting_review:         AWAITING_REVIEW       as ListingTable, since 2, counted as awaiting_review;
    discharge_months:        DISCHARGE_MONTHS      as CountTable,   since 2;
    roi_requests:            ROI_REQUESTS          as RowTable,     since 2;
    roi_request_by_source:   ROI_REQUEST_BY_SOURCE as LookupTable,  since 2;
    patient_roi_requests:    PATIENT_ROI_REQUESTS  as ListingTable, since 2;
    disclosures:             DISCLOSURES           as PairRowTable, since 2;
    encounter_conditions:    ENCOUNTER_CONDITIONS  as RowTable,     since 2;
    roi_work:                ROI_WORK              as RowTable,     since 3;
    roi_accounting_requests: ROI_ACCOUNTING_REQUESTS as LookupTable, since 3;
    users:                   USERS                 as RowTable,     since 1, counted as users;
    user_by_name:            USER_BY_NAME          as LookupTable,  since 1;
    outbox:                  OUTBOX                as RowTable,     since 1, counted as outbox;
    audit:                   AUDIT                 as RowTable,     since 1, counted as audit_events;
    audit_by_patient:        AUDIT_BY_PATIENT      as ListingTable, since 1;
    audit_by_user:           AUDIT_BY_USER         as ListingTable, since 1;
    // Identity (HL7 A40 merges, shared secondary identifiers) and the HL7 feed's
    // received control ids.
    merges:                  MERGES                as RowTable,     since 2;
    survivor_merges:         SURVIVOR_MERGES       as ListingTable, since 2;
    identifier_conflicts:    IDENTIFIER_CONFLICTS  as ListingTable, since 2;
    hl7_received:            HL7_RECEIVED          as LookupTable,  since 2;
    // Research extracts and retention (docs/DEID.md, docs/RETENTION.md).
    deid_exports:            DEID_EXPORTS          as RowTable,     since 3;
    legal_holds:             LEGAL_HOLDS           as RowTable,     since 3;
    destructions:            DESTRUCTIONS          as RowTable,     since 3;
    // Access-log review: imported access events, their name dictionary, the HR roster,
    // cases and alert dispositions.
    access_by_patient:       ACCESS_BY_PATIENT     as AccessTable,  since 4, counted as access_events;
    access_by_user:          ACCESS_BY_USER        as AccessTable,  since 4;
    access_patient_days:     ACCESS_PATIENT_DAYS   as DayTable,     since 4;
    access_user_days:        ACCESS_USER_DAYS      as DayTable,     since 4;
    access_names:            ACCESS_NAMES          as NamesTable,   since 3;
    access_name_of:          ACCESS_NAME_OF        as NameRowTable, since 3;
    roster:                  ROSTER                as NameRowTable, since 3, counted as roster;
    privacy_cases:           PRIVACY_CASES         as RowTable,     since 3;
    alert_dispositions:      ALERT_DISPOSITIONS    as LookupTable,  since 3;
    // Identity workspace: duplicate candidate pairs and their decisions.
    duplicate_pairs:         DUPLICATE_PAIRS       as PairRowTable, since 3;
    chart_volumes:           CHART_VOLUMES         as PairRowTable, since 3;
}

// ---- key helpers shared by several groups --------------------------------------------

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
    fn registered_names_are_unique_and_versioned() {
        let names = table_names();
        let unique: std::collections::HashSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        // Only `meta` is unversioned (it holds the schema version itself).
        for name in names.iter().filter(|n| **n != META_NAME) {
            let version = name.rsplit('-').next().unwrap_or_default();
            assert!(
                version.parse::<u32>().is_ok(),
                "{name} has no layout version"
            );
        }
    }
}
