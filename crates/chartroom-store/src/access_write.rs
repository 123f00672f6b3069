//! The bulk writer of imported access events (`Store::import_access`): the parser's
//! thread interns and buffers, two writer threads insert sorted batches into the patient
//! side and the user side of the event tables; and the schema-4 re-keying of v1 events.
//! Layouts in `tables/privacy.rs`.

use super::access::{day_of, days_key, AccessRow, NameKind};
use super::codec;
use super::tables::*;
use super::{Result, Store, StoreError};
use chartroom_domain::privacy::RosterEntry;
use redb::{ReadableTable, ReadableTableMetadata, Table, WriteTransaction};
use std::collections::HashMap;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Rows buffered before a sorted flush: sorted keys make the B-tree inserts local.
const FLUSH_ROWS: usize = 1_000_000;

/// One of the two halves of the event tables: the rows by patient (with the patients'
/// days) or the index by user (with the users' days). An import writes the two on two
/// threads, each from its own sorted copy of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Patient,
    User,
}

struct SideTables<'t> {
    side: Side,
    /// `access-by-patient-2` or `access-by-user-2` (the same row shape, keyed the two ways).
    events: Table<'t, &'static AccessKey, &'static AccessValue>,
    /// `access-patient-days-1` or `access-user-days-1`.
    days: Table<'t, &'static DayKey, ()>,
    day_keys: Vec<DayKey>,
}

impl<'t> SideTables<'t> {
    fn open(txn: &'t WriteTransaction, side: Side) -> Result<Self> {
        let (events, days) = match side {
            Side::Patient => (ACCESS_BY_PATIENT, ACCESS_PATIENT_DAYS),
            Side::User => (ACCESS_BY_USER, ACCESS_USER_DAYS),
        };
        Ok(SideTables {
            side,
            events: txn.open_table(events)?,
            days: txn.open_table(days)?,
            day_keys: Vec::new(),
        })
    }

    /// Writes a batch (in any order; sorted here, so the inserts walk the tree once) and
    /// returns how many of its events were new.
    fn write(&mut self, rows: &mut [AccessRow]) -> Result<u64> {
        let mut added = 0;
        // Integer tuples, not the key bytes: comparing them is the sort's hot loop.
        match self.side {
            Side::Patient => rows.sort_unstable_by_key(|r| {
                (day_of(r.time_us), r.patient, r.time_us, r.user, r.action)
            }),
            Side::User => rows.sort_unstable_by_key(|r| {
                (day_of(r.time_us), r.user, r.time_us, r.patient, r.action)
            }),
        }
        for row in rows.iter() {
            let (key, id) = match self.side {
                Side::Patient => (row.patient_key(), row.patient),
                Side::User => (row.user_key(), row.user),
            };
            if self.events.insert(&key, &row.value())?.is_none() {
                added += 1;
            }
            self.day_keys.push(days_key(id, day_of(row.time_us)));
        }
        self.day_keys.sort_unstable();
        self.day_keys.dedup();
        for day in &self.day_keys {
            self.days.insert(day, ())?;
        }
        self.day_keys.clear();
        Ok(added)
    }
}

/// Writes one side from the batches it receives until the sender hangs up; returns the
/// number of new events (both sides count the same events; the patient side's is used).
fn write_side(
    txn: &WriteTransaction,
    side: Side,
    batches: Receiver<Vec<AccessRow>>,
) -> Result<u64> {
    let mut tables = SideTables::open(txn, side)?;
    let mut added = 0;
    for mut batch in batches {
        added += tables.write(&mut batch)?;
    }
    Ok(added)
}

/// The writer of one import: everything it writes commits together or not at all.
pub struct AccessWriter<'t> {
    /// To the two threads writing the event tables (patient side, user side).
    sides: [SyncSender<Vec<AccessRow>>; 2],
    names: Table<'t, &'static [u8], &'static NameKey>,
    name_of: Table<'t, &'static NameKey, &'static [u8]>,
    roster: Table<'t, &'static NameKey, &'static [u8]>,
    cache: [HashMap<Box<str>, u32>; 6],
    next_name: u32,
    buffer: Vec<AccessRow>,
    batch_rows: usize,
}

impl AccessWriter<'_> {
    /// The id of `text` as a `kind` name, allocating one the first time.
    pub fn intern(&mut self, kind: NameKind, text: &str) -> Result<u32> {
        if let Some(id) = self.cache[kind.slot()].get(text) {
            return Ok(*id);
        }
        let mut key = Vec::with_capacity(text.len() + 1);
        key.push(kind.byte());
        key.extend_from_slice(text.as_bytes());
        let existing = self
            .names
            .get(key.as_slice())?
            .map(|g| u32::from_be_bytes(*g.value()));
        let id = match existing {
            Some(id) => id,
            None => {
                let id = self.next_name;
                self.next_name = id.checked_add(1).ok_or(StoreError::Exhausted {
                    what: "access name ids",
                })?;
                self.names.insert(key.as_slice(), &id.to_be_bytes())?;
                self.name_of.insert(&id.to_be_bytes(), key.as_slice())?;
                id
            }
        };
        self.cache[kind.slot()].insert(Box::from(text), id);
        Ok(id)
    }

    /// Buffers one event (written at the next flush; a duplicate of a stored event adds
    /// nothing).
    pub fn add(&mut self, row: AccessRow) -> Result<()> {
        self.buffer.push(row);
        if self.buffer.len() >= self.batch_rows {
            self.flush()?;
        }
        Ok(())
    }

    /// Hands the buffered rows to the two side writers and goes back to parsing while
    /// they insert. At most one batch waits per side, so memory stays bounded.
    fn flush(&mut self) -> Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let rows = std::mem::replace(&mut self.buffer, Vec::with_capacity(self.batch_rows));
        // A side that hung up failed; its own error is reported when it is joined.
        self.sides[1]
            .send(rows.clone())
            .map_err(|_| StoreError::WriterStopped)?;
        self.sides[0]
            .send(rows)
            .map_err(|_| StoreError::WriterStopped)?;
        Ok(())
    }

    /// Writes (or replaces) one roster row; `true` when it changed anything.
    pub fn put_roster(&mut self, entry: &RosterEntry) -> Result<bool> {
        let id = self.intern(NameKind::User, &entry.user_id)?.to_be_bytes();
        let bytes = codec::encode(ROSTER_NAME, &|| entry.user_id.clone(), entry)?;
        let old = self.roster.insert(&id, bytes.as_slice())?;
        Ok(old.is_none_or(|o| o.value() != bytes.as_slice()))
    }
}

impl Store {
    /// Runs one import in one write transaction: `run` writes through the
    /// [`AccessWriter`]; an error from it aborts everything it wrote. Returns its result
    /// and the number of events that were new.
    pub fn import_access<T, E: From<StoreError>>(
        &self,
        run: impl FnOnce(&mut AccessWriter<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<(T, u64), E> {
        self.import_access_in_batches(FLUSH_ROWS, run)
    }

    /// [`Store::import_access`] with batches of `batch_rows` (tests use tiny batches to
    /// cross several hand-offs to the writer threads).
    pub(crate) fn import_access_in_batches<T, E: From<StoreError>>(
        &self,
        batch_rows: usize,
        run: impl FnOnce(&mut AccessWriter<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<(T, u64), E> {
        let mut guard = self.writer_guard()?;
        let mut txn = self.db().begin_write().map_err(StoreError::from)?;
        guard.arm();
        txn.set_quick_repair(true);
        let (value, added) = {
            let name_of = txn.open_table(ACCESS_NAME_OF).map_err(StoreError::from)?;
            let next_name = match name_of.last().map_err(StoreError::from)? {
                Some((k, _)) => u32::from_be_bytes(*k.value()).saturating_add(1),
                None => 1,
            };
            let names = txn.open_table(ACCESS_NAMES).map_err(StoreError::from)?;
            let roster = txn.open_table(ROSTER).map_err(StoreError::from)?;
            let txn = &txn;
            std::thread::scope(|scope| {
                let (patient_tx, patient_rx) = sync_channel(1);
                let (user_tx, user_rx) = sync_channel(1);
                let patient_side = scope.spawn(move || write_side(txn, Side::Patient, patient_rx));
                let user_side = scope.spawn(move || write_side(txn, Side::User, user_rx));
                let mut writer = AccessWriter {
                    sides: [patient_tx, user_tx],
                    names,
                    name_of,
                    roster,
                    cache: Default::default(),
                    next_name,
                    buffer: Vec::new(),
                    batch_rows: batch_rows.max(1),
                };
                let value =
                    run(&mut writer).and_then(|v| writer.flush().map(|()| v).map_err(E::from));
                // Hanging up ends both side writers; their errors come before the one
                // the parser saw when a side stopped.
                drop(writer);
                let added = join_side(patient_side);
                let user = join_side(user_side);
                let added = added.and_then(|n| user.map(|_| n)).map_err(E::from);
                match (value, added) {
                    (Ok(v), Ok(n)) => Ok((v, n)),
                    (Err(e), Ok(_)) | (_, Err(e)) => Err(e),
                }
            })?
        };
        txn.commit().map_err(StoreError::from)?;
        Ok((value, added))
    }
}

fn join_side(handle: std::thread::ScopedJoinHandle<'_, Result<u64>>) -> Result<u64> {
    handle.join().unwrap_or(Err(StoreError::WriterStopped))
}

/// Schema 4: copies schema 3's patient-led event rows into the day-led tables, in sorted
/// batches like an import, then deletes the v1 tables (the by-user and day indexes are
/// rebuilt from the rows). A store without them (created by this build) has nothing to
/// copy.
pub(crate) fn migrate_events_from_v1(txn: &WriteTransaction) -> Result<u64> {
    let mut copied = 0;
    {
        let old = match txn.open_table(ACCESS_BY_PATIENT_V1) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(0),
            Err(e) => return Err(e.into()),
        };
        let total = old.len()?;
        if total > 0 {
            // About 3 s per million events: say so before a long first open.
            tracing::info!(events = total, "re-keying access events by day (schema 4)");
        }
        let mut patients = SideTables::open(txn, Side::Patient)?;
        let mut users = SideTables::open(txn, Side::User)?;
        let mut batch: Vec<AccessRow> = Vec::new();
        let mut write = |batch: &mut Vec<AccessRow>| -> Result<u64> {
            let added = patients.write(batch)?;
            users.write(batch)?;
            batch.clear();
            Ok(added)
        };
        for row in old.iter()? {
            let (k, v) = row?;
            batch.push(AccessRow::from_v1_row(k.value(), v.value()));
            if batch.len() >= FLUSH_ROWS {
                copied += write(&mut batch)?;
            }
        }
        copied += write(&mut batch)?;
    }
    txn.delete_table(ACCESS_BY_PATIENT_V1)?;
    txn.delete_table(ACCESS_BY_USER_V1)?;
    txn.delete_table(ACCESS_DAYS_V1)?;
    Ok(copied)
}
