//! Schema migrations: numbered functions, each run in its own write transaction that
//! also records the new `schema_version` in `meta`, so a crash between two migrations
//! leaves the store at a well-defined version and the next open resumes from there.
//!
//! To add version N: write `migrate_to_N(txn)`, add it to [`MIGRATIONS`]; new tables are
//! declared in `tables/` and registered there `since N`, and `migrate_to_N` creates them
//! with `tables::create_since(txn, N)`. Never edit a shipped migration.

use super::meta::{self, Counters};
use super::tables::{self, *};
use super::{Result, StoreError};
use redb::{Database, ReadableDatabase, TableError, WriteTransaction};
use std::path::Path;

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: u32 = 1;

type Migration = fn(&WriteTransaction) -> Result<()>;

/// `MIGRATIONS[i]` brings the store from version `i` to version `i + 1`.
const MIGRATIONS: [Migration; SCHEMA_VERSION as usize] = [migrate_to_1];

/// v1: creates every table and the meta entries (counters start at 1, MRNs at 100001).
fn migrate_to_1(txn: &WriteTransaction) -> Result<()> {
    tables::create_since(txn, 1)?;
    let mut meta_table = txn.open_table(META)?;
    Counters::fresh().save(&mut meta_table)?;
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
