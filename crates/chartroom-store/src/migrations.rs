//! Schema migrations: numbered functions, each run in its own write transaction that
//! also records the new `schema_version` in `meta`, so a crash between two migrations
//! leaves the store at a well-defined version and the next open resumes from there.
//!
//! To add version N: write `migrate_to_N(txn)`, add it to [`MIGRATIONS`]; new tables are
//! declared in `tables/` and registered there `since N`, and `migrate_to_N` creates them
//! with `tables::create_since(txn, N)`. Never edit a shipped migration.

use super::codec;
use super::legacy_v1::{DocumentV1, EncounterV1, ProviderV1};
use super::meta::{self, Counters};
use super::tables::{self, *};
use super::{Result, StoreError};
use chartroom_domain::{Document, Encounter, Provider};
use redb::{
    Database, ReadableDatabase, ReadableTable, TableDefinition, TableError, WriteTransaction,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::Path;

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: u32 = 4;

type Migration = fn(&WriteTransaction) -> Result<()>;

/// `MIGRATIONS[i]` brings the store from version `i` to version `i + 1`.
pub(crate) const MIGRATIONS: [Migration; SCHEMA_VERSION as usize] =
    [migrate_to_1, migrate_to_2, migrate_to_3, migrate_to_4];

/// v1: creates every table and the meta entries (counters start at 1, MRNs at 100001).
pub(crate) fn migrate_to_1(txn: &WriteTransaction) -> Result<()> {
    tables::create_since(txn, 1)?;
    let mut meta_table = txn.open_table(META)?;
    Counters::fresh().save(&mut meta_table)?;
    Ok(())
}

/// v2 (chart completion): encounters keep the discharge's UTC offset, documents their
/// source id, offset and LOINC codes, providers their FHIR resource id (new layouts,
/// copied from the v1 tables, which are then deleted); procedures, deficiencies and the
/// analysis tables are created; every discharged encounter is marked for analysis.
fn migrate_to_2(txn: &WriteTransaction) -> Result<()> {
    tables::create_since(txn, 2)?;
    copy_layout::<EncounterV1, Encounter>(
        txn,
        ENCOUNTERS_V1,
        "encounters-1",
        ENCOUNTERS,
        ENCOUNTERS_NAME,
    )?;
    copy_layout::<DocumentV1, Document>(
        txn,
        DOCUMENTS_V1,
        "documents-1",
        DOCUMENTS,
        DOCUMENTS_NAME,
    )?;
    copy_layout::<ProviderV1, Provider>(
        txn,
        PROVIDERS_V1,
        "providers-1",
        PROVIDERS,
        PROVIDERS_NAME,
    )?;
    {
        let encounters = txn.open_table(ENCOUNTERS)?;
        let mut pending = txn.open_table(ANALYSIS_PENDING)?;
        for row in encounters.iter()? {
            let (key, value) = row?;
            let id = id_from_key(key.value());
            let e: Encounter = codec::decode(ENCOUNTERS_NAME, &|| id.to_string(), value.value())?;
            if e.discharge.is_some() {
                pending.insert(&id_key(id), ())?;
            }
        }
    }
    let mut meta_table = txn.open_table(META)?;
    for name in [META_NEXT_PROCEDURE, META_NEXT_DEFICIENCY] {
        if meta::get::<u64, _>(&meta_table, name)?.is_none() {
            meta::put(&mut meta_table, name, &meta::FIRST_ID)?;
        }
    }
    Ok(())
}

/// v3 (access-log review, identity, research extracts, retention): creates the tables
/// registered `since 3`.
fn migrate_to_3(txn: &WriteTransaction) -> Result<()> {
    tables::create_since(txn, 3)?;
    Ok(())
}

/// v4 (access-log scale): access events keyed by day first, so an import's batches land
/// at the end of the table; the patient-led v1 event tables are copied over and deleted.
fn migrate_to_4(txn: &WriteTransaction) -> Result<()> {
    tables::create_since(txn, 4)?;
    let copied = crate::access_write::migrate_events_from_v1(txn)?;
    if copied > 0 {
        tracing::info!(events = copied, "access events re-keyed by day");
    }
    Ok(())
}

/// Copies every row of a table whose value layout changed into its successor, then
/// deletes the old table. A store created by this build has no old table: nothing to do.
fn copy_layout<Old, New>(
    txn: &WriteTransaction,
    old: TableDefinition<'static, &'static IdKey, &'static [u8]>,
    old_name: &'static str,
    new: TableDefinition<'static, &'static IdKey, &'static [u8]>,
    new_name: &'static str,
) -> Result<()>
where
    Old: DeserializeOwned + Into<New>,
    New: Serialize,
{
    {
        let source = match txn.open_table(old) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        let mut target = txn.open_table(new)?;
        for row in source.iter()? {
            let (key, value) = row?;
            let id = id_from_key(key.value());
            let describe = || id.to_string();
            let row: Old = codec::decode(old_name, &describe, value.value())?;
            let bytes = codec::encode(new_name, &describe, &row.into())?;
            target.insert(key.value(), bytes.as_slice())?;
        }
    }
    txn.delete_table(old)?;
    Ok(())
}

/// Reads the schema version; 0 for a fresh file (no `meta` table yet).
pub(crate) fn read_version(db: &Database) -> Result<u32> {
    let txn = db.begin_read()?;
    let table = match txn.open_table(META) {
        Ok(t) => t,
        Err(TableError::TableDoesNotExist(_)) => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    // v1 writes `meta` and its `schema_version` in one transaction: a `meta` without a
    // version is damage, and treating it as 0 would re-run v1 and reset the counters.
    meta::require::<u32, _>(&table, META_SCHEMA_VERSION)
}

/// Brings the store up to [`SCHEMA_VERSION`], or refuses one that is newer.
pub(crate) fn run(db: &Database, path: &Path) -> Result<()> {
    let found = read_version(db)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (from, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let to = from as u32 + 1;
        let txn = db.begin_write()?;
        migration(&txn)?;
        {
            let mut meta_table = txn.open_table(META)?;
            meta::put(&mut meta_table, META_SCHEMA_VERSION, &to)?;
        }
        txn.commit()?;
        tracing::info!(schema_version = to, "store migrated");
    }
    Ok(())
}
