//! The store: the only user of redb, and the source of truth.
//!
//! One write transaction per user action ([`Store::write`] → [`WriteTx::commit`]); every
//! patient/document write also appends to the outbox that the search index drains.
//! Table layouts are documented in `tables/` (one file per entity group, one registry in
//! `tables/mod.rs`), migrations in `migrations.rs`.
//!
//! Concurrency: redb serialises write transactions. [`Store::write`] begins the redb
//! write transaction at once (so id and MRN counters are read under the write lock and
//! two sessions can never hand out the same id) and blocks while another `WriteTx` is
//! alive. Keep a `WriteTx` short, and never call a `Store` method that writes
//! ([`Store::append_audit`], [`Store::ack_outbox`], [`Store::write`]) on a thread that
//! already holds a `WriteTx`: redb would wait for itself, so the store refuses it with
//! [`StoreError::NestedWrite`]. Use [`WriteTx::append_audit`] inside an action instead.
//! Reads ([`Store::read`]) never block and see the last committed state.
//!
//! Ids start at [`FIRST_ID`], MRNs at [`FIRST_MRN`], audit seqs at [`FIRST_AUDIT_SEQ`].
//! MRNs, (identifier system, value), encounter numbers and usernames are unique: a put
//! that would take one from another row fails its whole commit with `Duplicate`.
//! See docs/store.md for the design notes.

mod access;
mod access_write;
mod audit;
// Public only so that benches/ can reach the tests' sample rows; not part of the API.
#[doc(hidden)]
pub mod bench_support;
mod codec;
mod encounter_bulk;
mod identity_rows;
mod legacy_v1;
mod meta;
mod migrations;
mod privacy_rows;
mod read;
mod retention_rows;
mod roi_rows;
mod tables;
mod write;
mod write_completion;
mod write_retention;
mod write_rows;

#[cfg(test)]
mod tests;

pub use access::{day_of, AccessNames, AccessRow, NameKind};
pub use access_write::AccessWriter;
pub use meta::{FIRST_AUDIT_SEQ, FIRST_ID, FIRST_MRN};
pub use migrations::SCHEMA_VERSION;
pub use read::ReadTx;
pub use write::{ConditionCodes, RetentionLog, WriteTx};

use chartroom_domain::{AccessEvent, AuditHash, DocumentId, NewAccessEvent, PatientId};
use redb::{Database, DatabaseError};
use std::path::{Path, PathBuf};

/// File name of the store inside the data directory.
pub const STORE_FILE: &str = "chartroom.redb";

/// Errors of the store. Messages name the table and key, never patient data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the data directory {path} is in use by another chartroom process (a server?); connect to it with ssh instead")]
    Locked { path: PathBuf },
    #[error("cannot open the data directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the data directory {path} has schema version {found}, newer than this chartroom understands ({supported})")]
    SchemaTooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("corrupt row in table {table} (key {key}): {reason}")]
    Corrupt {
        table: &'static str,
        key: String,
        reason: String,
    },
    #[error("{what} {key} already exists")]
    Duplicate { what: &'static str, key: String },
    #[error("database error: {0}")]
    Database(String),
    /// A value could not be encoded (should not happen for the domain types).
    #[error("cannot encode row for table {table} (key {key}): {reason}")]
    Encode {
        table: &'static str,
        key: String,
        reason: String,
    },
    /// A counter ran past its range (e.g. MRNs past 99999999).
    #[error("no {what} left to allocate")]
    Exhausted { what: &'static str },
    /// A write was started on a thread that already holds a `WriteTx`; redb would wait
    /// for itself forever. Use the `WriteTx`'s own methods instead.
    #[error("a write transaction is already open on this thread (use WriteTx::append_audit inside an action)")]
    NestedWrite,
    /// A thread writing part of a bulk load (access events, new encounters) stopped
    /// (its own error, if any, is the one reported).
    #[error("a writer thread of a bulk load stopped")]
    WriterStopped,
}

pub type Result<T> = std::result::Result<T, StoreError>;

macro_rules! database_error_from {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Database(e.to_string())
            }
        }
    )*};
}
database_error_from!(
    redb::Error,
    redb::StorageError,
    redb::TableError,
    redb::TransactionError,
    redb::CommitError,
    redb::SetDurabilityError
);

/// What the index still has to absorb.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxItem {
    Patient(PatientId),
    Document(DocumentId),
}

/// Row counts and file size, for the status bar, verify and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreCounts {
    pub patients: u64,
    pub encounters: u64,
    pub documents: u64,
    pub providers: u64,
    pub users: u64,
    pub audit_events: u64,
    pub outbox: u64,
    pub procedures: u64,
    pub deficiencies: u64,
    /// Encounters changed since their last analysis.
    pub analysis_pending: u64,
    /// Analysed encounters no analyst has reviewed yet (the analysis queue).
    pub awaiting_review: u64,
    /// Imported access events (chartroom's own are `audit_events`).
    pub access_events: u64,
    /// Rows of the HR roster.
    pub roster: u64,
}

/// Result of walking the audit chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainCheck {
    Intact {
        events: u64,
        head: AuditHash,
    },
    /// The first event whose link or hash is wrong.
    Broken {
        seq: u64,
        reason: String,
    },
}

/// The open store. Cheap to share behind an `Arc`: redb's `Database` is `Send + Sync`.
pub struct Store {
    db: Database,
    dir: PathBuf,
    file: PathBuf,
    /// Thread that holds the live `WriteTx`, to refuse a nested write instead of hanging.
    writer: std::sync::Mutex<Option<std::thread::ThreadId>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

/// Maps redb's open errors: a held lock becomes `Locked`, file trouble `Io`.
fn open_error(err: DatabaseError, dir: &Path, file: &Path) -> StoreError {
    match err {
        DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch => {
            StoreError::Locked {
                path: dir.to_path_buf(),
            }
        }
        DatabaseError::Storage(redb::StorageError::Io(source)) => {
            if source.kind() == std::io::ErrorKind::WouldBlock {
                StoreError::Locked {
                    path: dir.to_path_buf(),
                }
            } else {
                StoreError::Io {
                    path: file.to_path_buf(),
                    source,
                }
            }
        }
        other => StoreError::Database(format!("{}: {other}", file.display())),
    }
}

impl Store {
    /// Opens (creating if needed) `DIR/chartroom.redb`, running migrations.
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let file = dir.join(STORE_FILE);
        let db = Database::builder()
            .create(&file)
            .map_err(|e| open_error(e, dir, &file))?;
        migrations::run(&db, dir)?;
        Ok(Store {
            db,
            dir: dir.to_path_buf(),
            file,
            writer: std::sync::Mutex::new(None),
        })
    }

    /// The data directory this store lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn schema_version(&self) -> Result<u32> {
        migrations::read_version(&self.db)
    }

    /// Starts the write transaction of one user action. Blocks while another is alive.
    pub fn write(&self) -> Result<WriteTx<'_>> {
        WriteTx::begin(self)
    }

    /// A consistent read snapshot.
    pub fn read(&self) -> Result<ReadTx> {
        ReadTx::begin(&self.db)
    }

    /// Appends one audit event in its own transaction and returns it chained.
    /// On a thread that holds a `WriteTx` this is `NestedWrite`: use `WriteTx::append_audit`.
    pub fn append_audit(&self, event: NewAccessEvent) -> Result<AccessEvent> {
        let mut tx = self.write()?;
        let chained = tx.append_audit(event)?;
        tx.commit()?;
        Ok(chained)
    }

    /// Walks the whole audit chain.
    pub fn check_audit_chain(&self) -> Result<ChainCheck> {
        audit::check_chain(&self.db)
    }

    /// Removes outbox entries up to and including `seq` (the index absorbed them).
    pub fn ack_outbox(&self, up_to_seq: u64) -> Result<()> {
        let _writer = self.writer_guard()?;
        let mut txn = self.db.begin_write()?;
        txn.set_quick_repair(true);
        {
            let mut table = txn.open_table(tables::OUTBOX)?;
            let last = tables::id_key(up_to_seq);
            table.retain_in::<&tables::IdKey, _>(..=&last, |_, _| false)?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Makes every earlier commit durable. Only needed after bulk transactions
    /// ([`WriteTx::set_bulk`]); normal commits are durable when `commit` returns.
    pub fn sync(&self) -> Result<()> {
        let _writer = self.writer_guard()?;
        let mut txn = self.db.begin_write()?;
        txn.set_quick_repair(true);
        txn.commit()?;
        Ok(())
    }

    /// Size of `chartroom.redb` on disk.
    pub fn file_size_bytes(&self) -> Result<u64> {
        std::fs::metadata(&self.file)
            .map(|m| m.len())
            .map_err(|source| StoreError::Io {
                path: self.file.clone(),
                source,
            })
    }

    pub(crate) fn db(&self) -> &Database {
        &self.db
    }

    /// Refuses a write on a thread that already holds one (redb would block forever),
    /// then marks this thread as the writer until the guard drops. Call before
    /// `begin_write`; another thread's writer makes `begin_write` wait as usual.
    pub(crate) fn writer_guard(&self) -> Result<WriterGuard<'_>> {
        let me = std::thread::current().id();
        if *self.lock_writer() == Some(me) {
            return Err(StoreError::NestedWrite);
        }
        Ok(WriterGuard {
            store: self,
            armed: false,
        })
    }

    fn lock_writer(&self) -> std::sync::MutexGuard<'_, Option<std::thread::ThreadId>> {
        // The value is a plain thread id: a panic elsewhere cannot leave it inconsistent.
        self.writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Marks the current thread as the holder of the redb write lock while alive.
pub(crate) struct WriterGuard<'s> {
    store: &'s Store,
    armed: bool,
}

impl WriterGuard<'_> {
    /// Call once the redb write transaction has begun.
    pub(crate) fn arm(&mut self) {
        *self.store.lock_writer() = Some(std::thread::current().id());
        self.armed = true;
    }
}

impl Drop for WriterGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            *self.store.lock_writer() = None;
        }
    }
}
