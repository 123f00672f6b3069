//! Opening the file: locks, I/O errors, schema versions, bulk loads.

use super::*;

#[test]
fn second_open_of_the_same_directory_is_locked() {
    let (dir, store) = open();
    match Store::open(dir.path()) {
        Err(StoreError::Locked { path }) => assert_eq!(path, dir.path()),
        Err(other) => panic!("expected Locked, got {other:?}"),
        Ok(_) => panic!("redb allowed a second open of the same file"),
    }
    drop(store);
    let again = Store::open(dir.path()).unwrap();
    assert_eq!(again.schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn unusable_directory_is_io_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    match Store::open(&file) {
        Err(StoreError::Io { path, .. }) => assert_eq!(path, file),
        other => panic!("expected Io, got {other:?}"),
    }
}

#[test]
fn newer_schema_is_refused_and_data_survives_reopen() {
    let (dir, store) = open();
    let mut tx = store.write().unwrap();
    tx.put_patient(&patient(1, 100_001)).unwrap();
    tx.commit().unwrap();
    drop(store);

    let store = Store::open(dir.path()).unwrap();
    assert!(store
        .read()
        .unwrap()
        .patient(PatientId(1))
        .unwrap()
        .is_some());
    let txn = store.db.begin_write().unwrap();
    {
        let mut t = txn.open_table(META).unwrap();
        super::meta::put(&mut t, META_SCHEMA_VERSION, &(SCHEMA_VERSION + 1)).unwrap();
    }
    txn.commit().unwrap();
    drop(store);

    match Store::open(dir.path()) {
        Err(StoreError::SchemaTooNew {
            found, supported, ..
        }) => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}

#[test]
fn bulk_commits_are_readable_and_sync_makes_them_durable() {
    let (dir, store) = open();
    for batch in 0..3u64 {
        let mut tx = store.write().unwrap();
        tx.set_bulk(true);
        for _ in 0..50 {
            let id = tx.next_patient_id().unwrap();
            let mrn = tx.next_mrn().unwrap();
            tx.put_patient(&patient(id.0, mrn.0)).unwrap();
        }
        assert_eq!(tx.pending(), 50);
        tx.commit().unwrap();
        assert_eq!(
            store.read().unwrap().counts().unwrap().patients,
            (batch + 1) * 50
        );
    }
    store.sync().unwrap();
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.read().unwrap().counts().unwrap().patients, 150);
}

/// Child half of `another_process_holding_the_store_is_locked`: holds the store open
/// until its stdin closes. Does nothing unless the parent set the variable.
#[test]
#[ignore]
fn hold_store_open_helper() {
    let Some(dir) = std::env::var_os("CHARTROOM_STORE_HOLD_DIR") else {
        return;
    };
    let _store = Store::open(std::path::Path::new(&dir)).unwrap();
    println!("store-held");
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

#[test]
fn another_process_holding_the_store_is_locked() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "tests::files::hold_store_open_helper",
            "--ignored",
            "--nocapture",
        ])
        .env("CHARTROOM_STORE_HOLD_DIR", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let held = lines
        .by_ref()
        .map_while(|l| l.ok())
        .any(|l| l.contains("store-held"));
    assert!(held, "helper process did not open the store");
    let result = Store::open(dir.path());
    drop(child.stdin.take());
    let _ = child.wait();
    match result {
        Err(err @ StoreError::Locked { .. }) => {
            assert!(err.to_string().contains(&dir.path().display().to_string()));
            assert!(err.to_string().contains("ssh"));
        }
        Err(other) => panic!("expected Locked, got {other:?}"),
        Ok(_) => panic!("a second process opened a store that is in use"),
    }
    // Once the other process is gone the store opens normally.
    assert!(Store::open(dir.path()).is_ok());
}

#[test]
fn handles_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_send<T: Send>() {}
    assert_send_sync::<Store>();
    assert_send::<ReadTx>();
    assert_send::<WriteTx<'static>>();
}

#[test]
fn meta_without_schema_version_is_corrupt_not_reinitialised() {
    let (dir, store) = open();
    let txn = store.db.begin_write().unwrap();
    txn.open_table(META)
        .unwrap()
        .remove(META_SCHEMA_VERSION.as_bytes())
        .unwrap();
    txn.commit().unwrap();
    drop(store);
    match Store::open(dir.path()) {
        Err(StoreError::Corrupt { table, key, .. }) => {
            assert_eq!((table, key.as_str()), (META_NAME, META_SCHEMA_VERSION));
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn migration_creates_every_registered_table_and_counts_cover_the_entities() {
    use redb::{ReadableDatabase, TableHandle};
    let (_dir, store) = open();
    let txn = store.db().begin_read().unwrap();
    let mut found: Vec<String> = txn
        .list_tables()
        .unwrap()
        .map(|t| t.name().to_string())
        .collect();
    found.sort();
    let mut registered: Vec<String> = table_names().iter().map(|n| n.to_string()).collect();
    registered.sort();
    assert_eq!(
        found, registered,
        "a fresh store holds exactly the registry"
    );
    drop(txn);

    // One row in every counted table: each count moves, so none reads the wrong table.
    let mut tx = store.write().unwrap();
    tx.put_patient(&patient(1, 100_001)).unwrap();
    tx.put_encounter(&encounter(1, 1, 3)).unwrap();
    tx.put_document(&document(1, 1, 1)).unwrap();
    tx.put_provider(&provider(1)).unwrap();
    tx.put_user(&user(1, "clerk1")).unwrap();
    tx.append_audit(event(1, Some(1), "viewed")).unwrap();
    let when = encounter(1, 1, 3).admit;
    tx.put_procedure(&chartroom_domain::Procedure {
        id: chartroom_domain::ProcedureId(1),
        patient: PatientId(1),
        encounter: None,
        source_id: Some("proc-1".into()),
        codes: Vec::new(),
        category_codes: Vec::new(),
        description: String::new(),
        start: when,
        performers: Vec::new(),
    })
    .unwrap();
    tx.put_deficiency(&chartroom_domain::Deficiency {
        id: chartroom_domain::DeficiencyId(1),
        encounter: EncounterId(1),
        patient: PatientId(1),
        kind: "signature".into(),
        document: None,
        procedure: None,
        provider: None,
        status: chartroom_domain::DeficiencyStatus::Open,
        origin: chartroom_domain::Origin::Manual,
        discharge_date: when.date(),
        due: when.date(),
        comment: String::new(),
        created: when,
        history: Vec::new(),
    })
    .unwrap();
    tx.put_analysis(
        EncounterId(1),
        &chartroom_domain::completion::EncounterAnalysis {
            discharge_date: when.date(),
            analysed_at: when,
            findings: 1,
            reviewed: None,
        },
    )
    .unwrap();
    tx.commit().unwrap();
    assert_eq!(
        store.read().unwrap().counts().unwrap(),
        StoreCounts {
            patients: 1,
            encounters: 1,
            documents: 1,
            providers: 1,
            users: 1,
            audit_events: 1,
            outbox: 2,
            procedures: 1,
            deficiencies: 1,
            analysis_pending: 1,
            awaiting_review: 1,
            access_events: 0,
            roster: 0,
        }
    );
}
