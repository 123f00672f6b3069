//! Imported access events: the bulk writer (`Store::import_access`) and the range reads
//! (`ReadTx::access_of_patient`, `access_by_user`, `access_in`). Layouts in
//! `tables/privacy.rs`.

use super::codec;
use super::read::ReadTx;
use super::tables::*;
use super::{Result, Store, StoreError};
use chartroom_domain::privacy::RosterEntry;
use redb::{ReadableTable, ReadableTableMetadata, Table};
use std::collections::{BTreeSet, HashMap};

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

fn key4(first: u32, time: i64, third: u32, action: u32) -> AccessKey {
    let mut k = [0u8; 20];
    k[..4].copy_from_slice(&first.to_be_bytes());
    k[4..12].copy_from_slice(&time_bytes(time));
    k[12..16].copy_from_slice(&third.to_be_bytes());
    k[16..].copy_from_slice(&action.to_be_bytes());
    k
}

impl AccessRow {
    fn patient_key(&self) -> AccessKey {
        key4(self.patient, self.time_us, self.user, self.action)
    }
    fn user_key(&self) -> AccessKey {
        key4(self.user, self.time_us, self.patient, self.action)
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
            patient: u32_at(k, 0),
            time_us: i64_at(k, 4),
            user: u32_at(k, 12),
            action: u32_at(k, 16),
            workstation: u32_at(v, 0),
            department: u32_at(v, 4),
            source: u32_at(v, 8),
            offset_secs: u32_at(v, 12) as i32,
        }
    }
}

/// UTC day number of a time (days since 1970-01-01).
pub fn day_of(time_us: i64) -> i64 {
    time_us.div_euclid(86_400_000_000)
}

fn day_key(day: i64, patient: u32) -> DayKey {
    let mut k = [0u8; 8];
    k[..4].copy_from_slice(&((day + (1 << 31)) as u32).to_be_bytes());
    k[4..].copy_from_slice(&patient.to_be_bytes());
    k
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
}

/// Rows buffered before a sorted flush: sorted keys make the B-tree inserts local.
const FLUSH_ROWS: usize = 1_000_000;

/// The writer of one import: everything it writes commits together or not at all.
pub struct AccessWriter<'t> {
    by_patient: Table<'t, &'static AccessKey, &'static AccessValue>,
    by_user: Table<'t, &'static AccessKey, ()>,
    days: Table<'t, &'static DayKey, ()>,
    names: Table<'t, &'static [u8], &'static NameKey>,
    name_of: Table<'t, &'static NameKey, &'static [u8]>,
    roster: Table<'t, &'static NameKey, &'static [u8]>,
    cache: [HashMap<Box<str>, u32>; 6],
    next_name: u32,
    buffer: Vec<AccessRow>,
    added: u64,
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
        if self.buffer.len() >= FLUSH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        let mut rows = std::mem::take(&mut self.buffer);
        rows.sort_unstable();
        let mut days: BTreeSet<DayKey> = BTreeSet::new();
        for row in &rows {
            if self
                .by_patient
                .insert(&row.patient_key(), &row.value())?
                .is_none()
            {
                self.added += 1;
            }
            days.insert(day_key(day_of(row.time_us), row.patient));
        }
        rows.sort_unstable_by_key(|r| (r.user, r.time_us, r.patient, r.action));
        for row in &rows {
            self.by_user.insert(&row.user_key(), ())?;
        }
        for day in &days {
            self.days.insert(day, ())?;
        }
        rows.clear();
        self.buffer = rows;
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
            let mut writer = AccessWriter {
                by_patient: txn
                    .open_table(ACCESS_BY_PATIENT)
                    .map_err(StoreError::from)?,
                by_user: txn.open_table(ACCESS_BY_USER).map_err(StoreError::from)?,
                days: txn.open_table(ACCESS_DAYS).map_err(StoreError::from)?,
                names: txn.open_table(ACCESS_NAMES).map_err(StoreError::from)?,
                name_of,
                roster: txn.open_table(ROSTER).map_err(StoreError::from)?,
                cache: Default::default(),
                next_name,
                buffer: Vec::new(),
                added: 0,
            };
            let value = run(&mut writer)?;
            writer.flush()?;
            (value, writer.added)
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
        let table = self.open(ACCESS_BY_PATIENT)?;
        let lo = key4(patient, from_us, 0, 0);
        let hi = key4(patient, to_us, 0, 0);
        let mut out = Vec::new();
        for row in table.range::<&AccessKey>(&lo..&hi)? {
            let (k, v) = row?;
            out.push(AccessRow::from_patient_row(k.value(), v.value()));
        }
        Ok(out)
    }

    /// Accesses by one user with `from_us <= time < to_us`, oldest first.
    pub fn access_by_user(&self, user: u32, from_us: i64, to_us: i64) -> Result<Vec<AccessRow>> {
        let index = self.open(ACCESS_BY_USER)?;
        let rows = self.open(ACCESS_BY_PATIENT)?;
        let lo = key4(user, from_us, 0, 0);
        let hi = key4(user, to_us, 0, 0);
        let mut out = Vec::new();
        for row in index.range::<&AccessKey>(&lo..&hi)? {
            let (k, _) = row?;
            let k = k.value();
            let (time, patient, action) = (i64_at(k, 4), u32_at(k, 12), u32_at(k, 16));
            let pk = key4(patient, time, user, action);
            let v = rows.get(&pk)?.ok_or_else(|| StoreError::Corrupt {
                table: ACCESS_BY_USER_NAME,
                key: format!("user {user} at {time}"),
                reason: "points at a missing access event".into(),
            })?;
            out.push(AccessRow::from_patient_row(&pk, v.value()));
        }
        Ok(out)
    }

    /// Every access with `from_us <= time < to_us`, by patient then time. Reads only the
    /// patients the day index lists for those days.
    pub fn access_in(&self, from_us: i64, to_us: i64) -> Result<Vec<AccessRow>> {
        let days = self.open(ACCESS_DAYS)?;
        let mut patients: BTreeSet<u32> = BTreeSet::new();
        let lo = day_key(day_of(from_us), 0);
        let hi = day_key(day_of(to_us.saturating_sub(1)), u32::MAX);
        for row in days.range::<&DayKey>(&lo..=&hi)? {
            let (k, _) = row?;
            patients.insert(u32_at(k.value(), 4));
        }
        let mut out = Vec::new();
        for p in patients {
            out.extend(self.access_of_patient(p, from_us, to_us)?);
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
