//! Access-log review: imported access events (one timeline with the audit trail), the
//! dictionary that keeps their rows compact, the HR roster, privacy cases and dismissed
//! alerts. The event tables are append-only: no code path updates or deletes them.
//!
//! Event rows are fixed width. Strings (user ids, patient ids as imported, actions,
//! workstations, departments, sources) are interned once in `access-names-1` as 4-byte
//! name ids, so a row is 20 key bytes + 16 value bytes however long the ids are.
//! Times are microseconds since 1970 UTC as `i64` with the sign bit flipped
//! (`(t as u64) ^ 1<<63`, big-endian), so byte order is time order.

use super::IdKey;
use redb::TableDefinition;

/// `(patient, time, user, action)` — 20 bytes.
pub(crate) type AccessKey = [u8; 20];
/// `(workstation, department, source, utc offset seconds as i32)` — 16 bytes.
pub(crate) type AccessValue = [u8; 16];
/// A 4-byte big-endian name id (or day number).
pub(crate) type NameKey = [u8; 4];
/// `(day, patient)` — 8 bytes.
pub(crate) type DayKey = [u8; 8];

pub(crate) const ACCESS_BY_PATIENT_NAME: &str = "access-by-patient-1";
/// `access-by-patient-1` — key: (patient name id 4, time 8, user name id 4, action name
/// id 4); value: (workstation 4, department 4, source 4, offset i32 4). "All access to
/// patient X between two times" is one range scan. The key is the event's identity:
/// re-importing an event writes the same key, so a re-import adds nothing.
pub(crate) const ACCESS_BY_PATIENT: TableDefinition<&AccessKey, &AccessValue> =
    TableDefinition::new(ACCESS_BY_PATIENT_NAME);

pub(crate) const ACCESS_BY_USER_NAME: &str = "access-by-user-1";
/// `access-by-user-1` — key-only: (user 4, time 8, patient 4, action 4). "All access by
/// user U between two times" is one range scan (the value is read from
/// `access-by-patient-1` when needed).
pub(crate) const ACCESS_BY_USER: TableDefinition<&AccessKey, ()> =
    TableDefinition::new(ACCESS_BY_USER_NAME);

pub(crate) const ACCESS_DAYS_NAME: &str = "access-days-1";
/// `access-days-1` — key-only: (UTC day number + 2^31, 4 bytes; patient name id 4): the
/// patients touched on each day, so a rule run over some days reads only their patients.
pub(crate) const ACCESS_DAYS: TableDefinition<&DayKey, ()> = TableDefinition::new(ACCESS_DAYS_NAME);

pub(crate) const ACCESS_NAMES_NAME: &str = "access-names-1";
/// `access-names-1` — key: kind byte (`u` user, `p` patient, `a` action, `w`
/// workstation, `d` department, `s` source) + UTF-8 text; value: 4-byte BE name id.
pub(crate) const ACCESS_NAMES: TableDefinition<&[u8], &NameKey> =
    TableDefinition::new(ACCESS_NAMES_NAME);

pub(crate) const ACCESS_NAME_OF_NAME: &str = "access-name-of-1";
/// `access-name-of-1` — key: 4-byte BE name id (from 1, dense); value: kind byte + text.
pub(crate) const ACCESS_NAME_OF: TableDefinition<&NameKey, &[u8]> =
    TableDefinition::new(ACCESS_NAME_OF_NAME);

pub(crate) const ROSTER_NAME: &str = "roster-1";
/// `roster-1` — key: the user's name id (4 bytes BE, kind `u`); value: v1 +
/// postcard(`domain::privacy::RosterEntry`). A re-imported row replaces its user's.
pub(crate) const ROSTER: TableDefinition<&NameKey, &[u8]> = TableDefinition::new(ROSTER_NAME);

pub(crate) const PRIVACY_CASES_NAME: &str = "privacy-cases-1";
/// `privacy-cases-1` — key: case id (8 bytes BE, from 1); value: v1 +
/// postcard(`domain::privacy::Case`) with its whole history.
pub(crate) const PRIVACY_CASES: TableDefinition<&IdKey, &[u8]> =
    TableDefinition::new(PRIVACY_CASES_NAME);

pub(crate) const ALERT_DISPOSITIONS_NAME: &str = "alert-dispositions-1";
/// `alert-dispositions-1` — key: user id, 0x00, patient id (as imported; UTF-8);
/// value: v1 + postcard(`store::AlertDisposition`): dismissed with a reason, or
/// promoted to a case. Alerts of such a pair leave the queue.
pub(crate) const ALERT_DISPOSITIONS: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new(ALERT_DISPOSITIONS_NAME);
