//! Access events: range reads across day boundaries, idempotent re-import, and the
//! schema-4 migration from the patient-led v1 tables.

use super::super::access::day_of;
use super::super::meta;
use super::super::migrations::MIGRATIONS;
use super::super::tables::*;
use super::super::{AccessRow, Store};
use redb::{Database, TableError};

const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;
/// 2026-02-01T00:00Z in microseconds.
const FEB_1: i64 = 1_769_904_000_000_000;

fn row(patient: u32, user: u32, time_us: i64) -> AccessRow {
    AccessRow {
        patient,
        time_us,
        user,
        action: 3,
        workstation: 4,
        department: 5,
        source: 6,
        offset_secs: -18_000,
    }
}

/// Patient 1 seen by users 10 and 11 over three days (late on one day, early the next),
/// patient 2 by user 10 once; out of order, as a file may hold them.
fn events() -> Vec<AccessRow> {
    vec![
        row(1, 10, FEB_1 + 2 * DAY + HOUR),
        row(1, 10, FEB_1 + 23 * HOUR),
        row(2, 10, FEB_1 + DAY + 5 * HOUR),
        row(1, 11, FEB_1 + DAY + HOUR),
        row(1, 10, FEB_1 + 9 * HOUR),
    ]
}

fn import(store: &Store, rows: &[AccessRow]) -> u64 {
    let ((), added) = store
        .import_access(|w| {
            for r in rows {
                w.add(*r)?;
            }
            Ok::<_, super::super::StoreError>(())
        })
        .unwrap();
    added
}

fn times(rows: &[AccessRow]) -> Vec<i64> {
    rows.iter().map(|r| (r.time_us - FEB_1) / HOUR).collect()
}

fn assert_reads(store: &Store) {
    let read = store.read().unwrap();
    let all = read
        .access_of_patient(1, i64::MIN / 4, i64::MAX / 4)
        .unwrap();
    assert_eq!(
        times(&all),
        vec![9, 23, 25, 49],
        "oldest first, across days"
    );
    assert_eq!(
        all[0],
        row(1, 10, FEB_1 + 9 * HOUR),
        "every field read back"
    );
    // A window that starts and ends inside days.
    let some = read
        .access_of_patient(1, FEB_1 + 10 * HOUR, FEB_1 + DAY + 2 * HOUR)
        .unwrap();
    assert_eq!(times(&some), vec![23, 25]);
    assert!(read
        .access_of_patient(1, FEB_1 + 10 * HOUR, FEB_1 + 10 * HOUR)
        .unwrap()
        .is_empty());
    let user = read.access_by_user(10, FEB_1, FEB_1 + 3 * DAY).unwrap();
    assert_eq!(times(&user), vec![9, 23, 29, 49]);
    assert_eq!(user[2].patient, 2);
    assert_eq!(
        user[0],
        row(1, 10, FEB_1 + 9 * HOUR),
        "every field read back"
    );
    let day2 = read.access_in(FEB_1 + DAY, FEB_1 + 2 * DAY).unwrap();
    let mut pairs: Vec<(u32, u32)> = day2.iter().map(|r| (r.patient, r.user)).collect();
    pairs.sort_unstable();
    assert_eq!(pairs, vec![(1, 11), (2, 10)]);
    assert_eq!(read.access_count().unwrap(), 5);
}

#[test]
fn events_read_back_by_patient_user_and_day_and_a_reimport_adds_nothing() {
    let (_dir, store) = super::open();
    assert_eq!(import(&store, &events()), 5);
    assert_reads(&store);
    assert_eq!(import(&store, &events()), 0);
    assert_reads(&store);
    assert_eq!(day_of(FEB_1 - 1), day_of(FEB_1) - 1, "days are UTC days");
}

#[test]
fn many_batches_through_the_writer_threads_commit_together_or_not_at_all() {
    let (_dir, store) = super::open();
    // Batches of two: the five events cross three hand-offs to the writer threads.
    let ((), added) = store
        .import_access_in_batches(2, |w| {
            for r in events() {
                w.add(r)?;
            }
            Ok::<_, super::super::StoreError>(())
        })
        .unwrap();
    assert_eq!(added, 5);
    assert_reads(&store);
    // A failure after two batches went to the writers leaves nothing of the file.
    let failed = store.import_access_in_batches(2, |w| {
        for hour in 0..5 {
            w.add(row(7, 70, FEB_1 + 40 * DAY + hour * HOUR))?;
        }
        Err::<(), _>(super::super::StoreError::Exhausted { what: "test" })
    });
    assert!(matches!(
        failed,
        Err(super::super::StoreError::Exhausted { .. })
    ));
    let read = store.read().unwrap();
    assert!(read
        .access_of_patient(7, i64::MIN / 4, i64::MAX / 4)
        .unwrap()
        .is_empty());
    assert_eq!(read.access_count().unwrap(), 5);
}

/// `(patient, time, user, action)`, schema 3's key.
fn v1_key(first: u32, time: i64, third: u32, action: u32) -> AccessKeyV1 {
    let mut k = [0u8; 20];
    k[..4].copy_from_slice(&first.to_be_bytes());
    k[4..12].copy_from_slice(&((time as u64) ^ (1 << 63)).to_be_bytes());
    k[12..16].copy_from_slice(&third.to_be_bytes());
    k[16..].copy_from_slice(&action.to_be_bytes());
    k
}

#[test]
fn a_schema_3_store_has_its_access_events_rekeyed_by_day() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = Database::create(dir.path().join(crate::STORE_FILE)).unwrap();
        let txn = db.begin_write().unwrap();
        for migration in &MIGRATIONS[..3] {
            migration(&txn).unwrap();
        }
        {
            let mut m = txn.open_table(META).unwrap();
            meta::put(&mut m, META_SCHEMA_VERSION, &3u32).unwrap();
            let mut by_patient = txn.open_table(ACCESS_BY_PATIENT_V1).unwrap();
            let mut by_user = txn.open_table(ACCESS_BY_USER_V1).unwrap();
            let mut days = txn.open_table(ACCESS_DAYS_V1).unwrap();
            for r in events() {
                let mut value = [0u8; 16];
                value[..4].copy_from_slice(&r.workstation.to_be_bytes());
                value[4..8].copy_from_slice(&r.department.to_be_bytes());
                value[8..12].copy_from_slice(&r.source.to_be_bytes());
                value[12..].copy_from_slice(&r.offset_secs.to_be_bytes());
                by_patient
                    .insert(&v1_key(r.patient, r.time_us, r.user, r.action), &value)
                    .unwrap();
                by_user
                    .insert(&v1_key(r.user, r.time_us, r.patient, r.action), ())
                    .unwrap();
                days.insert(&[0u8; 8], ()).unwrap();
            }
        }
        txn.commit().unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), 4);
    assert_reads(&store);
    // The v1 tables are gone, and a re-import of the same events adds nothing.
    let read = store.read().unwrap();
    assert!(matches!(
        read.txn.open_table(ACCESS_BY_PATIENT_V1),
        Err(TableError::TableDoesNotExist(_))
    ));
    drop(read);
    assert_eq!(import(&store, &events()), 0);
}
