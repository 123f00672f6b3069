//! Imported access events: the bulk writer (`Store::import_access`) and the range reads
//! (`ReadTx::access_of_patient`, `access_by_user`, `access_in`). Layouts in
//! `tables/privacy.rs`.

use super::codec;
use super::read::ReadTx;
use super::tables::*;
use super::{Result, Store, StoreError};
use chartroom_domain::privacy::RosterEntry;
use redb::{ReadableTable, ReadableTableMetadata, Table, TableDefinition, WriteTransaction};
use std::collections::{BTreeSet, HashMap};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// What an interned name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameKind {
    User,
    Patient,
    Action,
    Workstation,
    Department,
    Source,
}

impl NameKind {
    fn slot(self) -> usize {
        match self {
            NameKind::User => 0,
            NameKind::Patient => 1,
            NameKind::Action => 2,
            NameKind::Workstation => 3,
            NameKind::Department => 4,
            NameKind::Source => 5,
        }
    }

    fn byte(self) -> u8 {
        match self {
            NameKind::User => b'u',
            NameKind::Patient => b'p',
            NameKind::Action => b'a',
            NameKind::Workstation => b'w',
            NameKind::Department => b'd',
            NameKind::Source => b's',
        }
    }
}

/// One stored access event, strings as name ids (see [`AccessNames`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccessRow {
    pub patient: u32,
    /// Microseconds since 1970 UTC.
    pub time_us: i64,
    pub user: u32,
    pub action: u32,
    pub workstation: u32,
    pub department: u32,
    pub source: u32,
    pub offset_secs: i32,
}

fn time_bytes(t: i64) -> [u8; 8] {
    ((t as u64) ^ (1 << 63)).to_be_bytes()
}

fn time_from(b: [u8; 8]) -> i64 {
    (u64::from_be_bytes(b) ^ (1 << 63)) as i64
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut x = [0u8; 4];
    x.copy_from_slice(&b[at..at + 4]);
    u32::from_be_bytes(x)
}

fn i64_at(b: &[u8], at: usize) -> i64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    time_from(x)
}

/// `(day, first, time, third, action)`: an event key of either event table.
fn key_at(day: i64, first: u32, time: i64, third: u32, action: u32) -> AccessKey {
    let mut k = [0u8; 24];
    k[..4].copy_from_slice(&day_bytes(day));
    k[4..8].copy_from_slice(&first.to_be_bytes());
    k[8..16].copy_from_slice(&time_bytes(time));
    k[16..20].copy_from_slice(&third.to_be_bytes());
    k[20..].copy_from_slice(&action.to_be_bytes());
    k
}

fn event_key(first: u32, time: i64, third: u32, action: u32) -> AccessKey {
    key_at(day_of(time), first, time, third, action)
}

fn day_bytes(day: i64) -> [u8; 4] {
    ((day + (1 << 31)) as u32).to_be_bytes()
}

fn day_from(b: &[u8]) -> i64 {
    i64::from(u32_at(b, 0)) - (1 << 31)
}

/// `(name id, day)`: a row of the patient-days or user-days table.
fn days_key(id: u32, day: i64) -> DayKey {
    let mut k = [0u8; 8];
    k[..4].copy_from_slice(&id.to_be_bytes());
    k[4..].copy_from_slice(&day_bytes(day));
    k
}

impl AccessRow {
    fn patient_key(&self) -> AccessKey {
        event_key(self.patient, self.time_us, self.user, self.action)
    }
    fn user_key(&self) -> AccessKey {
        event_key(self.user, self.time_us, self.patient, self.action)
    }
    fn value(&self) -> AccessValue {
        let mut v = [0u8; 16];
        v[..4].copy_from_slice(&self.workstation.to_be_bytes());
        v[4..8].copy_from_slice(&self.department.to_be_bytes());
        v[8..12].copy_from_slice(&self.source.to_be_bytes());
        v[12..].copy_from_slice(&self.offset_secs.to_be_bytes());
        v
    }
    fn from_patient_row(k: &AccessKey, v: &AccessValue) -> AccessRow {
        AccessRow {
            patient: u32_at(k, 4),
            time_us: i64_at(k, 8),
            user: u32_at(k, 16),
            action: u32_at(k, 20),
            workstation: u32_at(v, 0),
            department: u32_at(v, 4),
            source: u32_at(v, 8),
            offset_secs: u32_at(v, 12) as i32,
        }
    }
    fn from_user_row(k: &AccessKey, v: &AccessValue) -> AccessRow {
        AccessRow {
            user: u32_at(k, 4),
            patient: u32_at(k, 16),
            ..AccessRow::from_patient_row(k, v)
        }
    }
    /// A row of schema 3's `access-by-patient-1` (patient, time, user, action).
    fn from_v1_row(k: &AccessKeyV1, v: &AccessValue) -> AccessRow {
        let mut key = [0u8; 24];
        key[4..].copy_from_slice(k);
        AccessRow::from_patient_row(&key, v)
    }
}

/// UTC day number of a time (days since 1970-01-01).
pub fn day_of(time_us: i64) -> i64 {
    time_us.div_euclid(86_400_000_000)
}

/// Names of the access tables both ways: the whole dictionary (rule runs) or only the
/// names some rows use (reports).
#[derive(Clone, Debug, Default)]
pub struct AccessNames {
    names: HashMap<u32, String>,
    ids: HashMap<(u8, String), u32>,
}

impl AccessNames {
    /// The text of a name id (empty for 0 or an unknown id).
    pub fn text(&self, id: u32) -> &str {
        self.names.get(&id).map_or("", String::as_str)
    }
    pub fn id(&self, kind: NameKind, text: &str) -> Option<u32> {
        self.ids.get(&(kind.byte(), text.to_string())).copied()
    }
    /// Every name of one kind with its id, in id order (first seen first).
    pub fn of_kind(&self, kind: NameKind) -> Vec<(u32, &str)> {
        let mut out: Vec<(u32, &str)> = self
            .ids
            .iter()
            .filter(|((k, _), _)| *k == kind.byte())
            .map(|((_, text), id)| (*id, text.as_str()))
            .collect();
        out.sort_unstable();
        out
    }
}

/// The keys of `id`'s events on `day` with `from_us <= time < to_us`: `lo..hi`.
fn day_range(day: i64, id: u32, from_us: i64, to_us: i64) -> (AccessKey, AccessKey) {
    let lo = key_at(day, id, from_us, 0, 0);
    let hi = key_at(day, id, to_us, 0, 0);
    (lo, hi)
}

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
    by_patient: Option<Table<'t, &'static AccessKey, &'static AccessValue>>,
    by_user: Option<Table<'t, &'static AccessKey, &'static AccessValue>>,
    days: Table<'t, &'static DayKey, ()>,
    day_keys: Vec<DayKey>,
}

impl<'t> SideTables<'t> {
    fn open(txn: &'t WriteTransaction, side: Side) -> Result<Self> {
        Ok(match side {
            Side::Patient => SideTables {
                side,
                by_patient: Some(txn.open_table(ACCESS_BY_PATIENT)?),
                by_user: None,
                days: txn.open_table(ACCESS_PATIENT_DAYS)?,
                day_keys: Vec::new(),
            },
            Side::User => SideTables {
                side,
                by_patient: None,
                by_user: Some(txn.open_table(ACCESS_BY_USER)?),
                days: txn.open_table(ACCESS_USER_DAYS)?,
                day_keys: Vec::new(),
            },
        })
    }

    /// Writes a batch (in any order; sorted here, so the inserts walk the tree once) and
    /// returns how many events were new (counted on the patient side only).
    fn write(&mut self, rows: &mut [AccessRow]) -> Result<u64> {
        let mut added = 0;
        match self.side {
            // Integer tuples, not the key bytes: comparing them is the sort's hot loop.
            Side::Patient => rows.sort_unstable_by_key(|r| {
                (day_of(r.time_us), r.patient, r.time_us, r.user, r.action)
            }),
            Side::User => rows.sort_unstable_by_key(|r| {
                (day_of(r.time_us), r.user, r.time_us, r.patient, r.action)
            }),
        }
        for row in rows.iter() {
            let day = day_of(row.time_us);
            if let Some(table) = &mut self.by_patient {
                if table.insert(&row.patient_key(), &row.value())?.is_none() {
                    added += 1;
                }
                self.day_keys.push(days_key(row.patient, day));
            }
            if let Some(table) = &mut self.by_user {
                table.insert(&row.user_key(), &row.value())?;
                self.day_keys.push(days_key(row.user, day));
            }
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
/// number of new events.
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

impl ReadTx {
    /// The name dictionary.
    pub fn access_names(&self) -> Result<AccessNames> {
        let mut out = AccessNames::default();
        let table = self.open(ACCESS_NAME_OF)?;
        for row in table.range::<&NameKey>(..)? {
            let (k, v) = row?;
            let id = u32::from_be_bytes(*k.value());
            let bytes = v.value();
            let (kind, text) = bytes.split_first().ok_or_else(|| StoreError::Corrupt {
                table: ACCESS_NAME_OF_NAME,
                key: id.to_string(),
                reason: "empty name".into(),
            })?;
            let text = String::from_utf8_lossy(text).into_owned();
            out.names.insert(id, text.clone());
            out.ids.insert((*kind, text), id);
        }
        Ok(out)
    }

    /// Only the names `rows` use, each looked up once: a report on one patient or one
    /// user needs a few names out of millions, and loading them all is most of its time.
    pub fn access_names_of(&self, rows: &[AccessRow]) -> Result<AccessNames> {
        let mut wanted: BTreeSet<u32> = BTreeSet::new();
        for r in rows {
            wanted.extend([
                r.patient,
                r.user,
                r.action,
                r.workstation,
                r.department,
                r.source,
            ]);
        }
        wanted.remove(&0);
        let table = self.open(ACCESS_NAME_OF)?;
        let mut out = AccessNames::default();
        for id in wanted {
            let Some(bytes) = table.get(&id.to_be_bytes())? else {
                continue;
            };
            let bytes = bytes.value();
            let Some((kind, text)) = bytes.split_first() else {
                continue;
            };
            let text = String::from_utf8_lossy(text).into_owned();
            out.names.insert(id, text.clone());
            out.ids.insert((*kind, text), id);
        }
        Ok(out)
    }

    /// One name id without loading the dictionary.
    pub fn access_name_id(&self, kind: NameKind, text: &str) -> Result<Option<u32>> {
        let mut key = vec![kind.byte()];
        key.extend_from_slice(text.as_bytes());
        Ok(self
            .open(ACCESS_NAMES)?
            .get(key.as_slice())?
            .map(|g| u32::from_be_bytes(*g.value())))
    }

    /// Accesses to one patient with `from_us <= time < to_us`, oldest first.
    pub fn access_of_patient(
        &self,
        patient: u32,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<AccessRow>> {
        let rows = self.open(ACCESS_BY_PATIENT)?;
        let mut out = Vec::new();
        for day in self.access_days(ACCESS_PATIENT_DAYS, patient, from_us, to_us)? {
            let (lo, hi) = day_range(day, patient, from_us, to_us);
            for row in rows.range::<&AccessKey>(&lo..&hi)? {
                let (k, v) = row?;
                out.push(AccessRow::from_patient_row(k.value(), v.value()));
            }
        }
        Ok(out)
    }

    /// Accesses by one user with `from_us <= time < to_us`, oldest first.
    pub fn access_by_user(&self, user: u32, from_us: i64, to_us: i64) -> Result<Vec<AccessRow>> {
        let rows = self.open(ACCESS_BY_USER)?;
        let mut out = Vec::new();
        for day in self.access_days(ACCESS_USER_DAYS, user, from_us, to_us)? {
            let (lo, hi) = day_range(day, user, from_us, to_us);
            for row in rows.range::<&AccessKey>(&lo..&hi)? {
                let (k, v) = row?;
                out.push(AccessRow::from_user_row(k.value(), v.value()));
            }
        }
        Ok(out)
    }

    /// The days in `[from_us, to_us)` on which `id` (a patient or a user, by `table`)
    /// has access events.
    fn access_days(
        &self,
        table: TableDefinition<&'static DayKey, ()>,
        id: u32,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<i64>> {
        if to_us <= from_us {
            return Ok(Vec::new());
        }
        let days = self.open(table)?;
        let lo = days_key(id, day_of(from_us));
        let hi = days_key(id, day_of(to_us - 1));
        let mut out = Vec::new();
        for row in days.range::<&DayKey>(&lo..=&hi)? {
            out.push(day_from(&row?.0.value()[4..]));
        }
        Ok(out)
    }

    /// Every access with `from_us <= time < to_us`, by day, then patient, then time:
    /// one range of the day-led event table.
    pub fn access_in(&self, from_us: i64, to_us: i64) -> Result<Vec<AccessRow>> {
        let mut out = Vec::new();
        if to_us <= from_us {
            return Ok(out);
        }
        let rows = self.open(ACCESS_BY_PATIENT)?;
        let lo = key_at(day_of(from_us), 0, i64::MIN, 0, 0);
        let hi = key_at(day_of(to_us - 1), u32::MAX, i64::MAX, u32::MAX, u32::MAX);
        for row in rows.range::<&AccessKey>(&lo..=&hi)? {
            let (k, v) = row?;
            let r = AccessRow::from_patient_row(k.value(), v.value());
            if (from_us..to_us).contains(&r.time_us) {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// The number of imported access events.
    pub fn access_count(&self) -> Result<u64> {
        Ok(self.open(ACCESS_BY_PATIENT)?.len()?)
    }

    /// The whole roster, in name-id order.
    pub fn roster(&self) -> Result<Vec<RosterEntry>> {
        let table = self.open(ROSTER)?;
        let mut out = Vec::new();
        for row in table.range::<&NameKey>(..)? {
            let (k, v) = row?;
            let id = u32::from_be_bytes(*k.value());
            out.push(codec::decode(ROSTER_NAME, &|| id.to_string(), v.value())?);
        }
        Ok(out)
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
