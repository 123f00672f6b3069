//! Imported access events: rows, keys, the name dictionary and the range reads
//! (`ReadTx::access_of_patient`, `access_by_user`, `access_in`). The bulk writer is
//! `access_write.rs`; layouts in `tables/privacy.rs`.

use super::codec;
use super::read::ReadTx;
use super::tables::*;
use super::{Result, StoreError};
use chartroom_domain::privacy::RosterEntry;
use redb::{ReadableTableMetadata, TableDefinition};
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
    pub(crate) fn slot(self) -> usize {
        match self {
            NameKind::User => 0,
            NameKind::Patient => 1,
            NameKind::Action => 2,
            NameKind::Workstation => 3,
            NameKind::Department => 4,
            NameKind::Source => 5,
        }
    }

    pub(crate) fn byte(self) -> u8 {
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
pub(crate) fn days_key(id: u32, day: i64) -> DayKey {
    let mut k = [0u8; 8];
    k[..4].copy_from_slice(&id.to_be_bytes());
    k[4..].copy_from_slice(&day_bytes(day));
    k
}

impl AccessRow {
    pub(crate) fn patient_key(&self) -> AccessKey {
        event_key(self.patient, self.time_us, self.user, self.action)
    }
    pub(crate) fn user_key(&self) -> AccessKey {
        event_key(self.user, self.time_us, self.patient, self.action)
    }
    pub(crate) fn value(&self) -> AccessValue {
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
    pub(crate) fn from_v1_row(k: &AccessKeyV1, v: &AccessValue) -> AccessRow {
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
