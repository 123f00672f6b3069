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

/// `(day, patient, time, user, action)` — 24 bytes (see `access-by-patient-2`).
pub(crate) type AccessKey = [u8; 24];
/// `(workstation, department, source, utc offset seconds as i32)` — 16 bytes.
pub(crate) type AccessValue = [u8; 16];
/// A 4-byte big-endian name id (or day number).
pub(crate) type NameKey = [u8; 4];
/// `(name id, day)` — 8 bytes.
pub(crate) type DayKey = [u8; 8];

pub(crate) const ACCESS_BY_PATIENT_NAME: &str = "access-by-patient-2";
/// `access-by-patient-2` — key: (UTC day number + 2^31 4, patient name id 4, time 8,
/// user name id 4, action name id 4); value: (workstation 4, department 4, source 4,
/// offset i32 4). The key is the event's identity: re-importing an event writes the
/// same key, so a re-import adds nothing.
///
/// Led by the day because logs arrive in time order: a sorted batch of an import lands
/// in one day's subtree at the end of the table, so the cost of a batch does not grow
/// with the events already stored (v1, led by the patient, slowed from 407k to 141k
/// events/s over 100M events). "All access to patient X between two times" is one short
/// range per day X was accessed (`access-patient-days-1` lists those days); "every
/// access on some days" (the rule run) is one range.
pub(crate) const ACCESS_BY_PATIENT: TableDefinition<&AccessKey, &AccessValue> =
    TableDefinition::new(ACCESS_BY_PATIENT_NAME);

pub(crate) const ACCESS_BY_USER_NAME: &str = "access-by-user-2";
/// `access-by-user-2` — key: (day 4, user 4, time 8, patient 4, action 4); value as in
/// `access-by-patient-2` (a covering copy: a user's month of 10,000 events read 10,000
/// random rows of the patient table when only the key was here, ~75 ms at 100M). "All
/// access by user U between two times" is one range per day U worked
/// (`access-user-days-1`).
pub(crate) const ACCESS_BY_USER: TableDefinition<&AccessKey, &AccessValue> =
    TableDefinition::new(ACCESS_BY_USER_NAME);

pub(crate) const ACCESS_PATIENT_DAYS_NAME: &str = "access-patient-days-1";
/// `access-patient-days-1` — key-only: (patient name id 4, day + 2^31 4): the days on
/// which a patient's record was accessed, so a history over years seeks only those.
pub(crate) const ACCESS_PATIENT_DAYS: TableDefinition<&DayKey, ()> =
    TableDefinition::new(ACCESS_PATIENT_DAYS_NAME);

pub(crate) const ACCESS_USER_DAYS_NAME: &str = "access-user-days-1";
/// `access-user-days-1` — key-only: (user name id 4, day + 2^31 4): the days a user
/// accessed records.
pub(crate) const ACCESS_USER_DAYS: TableDefinition<&DayKey, ()> =
    TableDefinition::new(ACCESS_USER_DAYS_NAME);

// Schema 3's layouts, led by the patient and the user; read once by `migrate_to_4`,
// which copies them into the tables above and deletes them.

/// `(patient, time, user, action)` — 20 bytes.
pub(crate) type AccessKeyV1 = [u8; 20];
/// `access-by-patient-1`: key (patient 4, time 8, user 4, action 4), value as v2.
pub(crate) const ACCESS_BY_PATIENT_V1: TableDefinition<&AccessKeyV1, &AccessValue> =
    TableDefinition::new("access-by-patient-1");
/// `access-by-user-1`: key-only (user 4, time 8, patient 4, action 4).
pub(crate) const ACCESS_BY_USER_V1: TableDefinition<&AccessKeyV1, ()> =
    TableDefinition::new("access-by-user-1");
/// `access-days-1`: key-only (day 4, patient 4).
pub(crate) const ACCESS_DAYS_V1: TableDefinition<&DayKey, ()> =
    TableDefinition::new("access-days-1");

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
