#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod audit;
mod encounter_bulk;
mod files;
mod migration;

use super::bench_support::{document, encounter, patient};
use super::codec;
use super::tables::*;
use super::*;
use chartroom_domain::{
    AccessAction, DocumentId, EncounterId, Identifier, Mrn, Patient, PatientId, Provider,
    ProviderId, Role, StaffUser, UserId,
};
use chrono::{TimeZone, Utc};

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

fn provider(id: u64) -> Provider {
    Provider {
        id: ProviderId(id),
        name: "Dr. House".into(),
        specialty: "Internal Medicine".into(),
        npi: Some("1234567890".into()),
        source_id: None,
        resource_id: None,
    }
}

fn user(id: u64, name: &str) -> StaffUser {
    StaffUser {
        id: UserId(id),
        username: name.into(),
        display_name: "Clerk One".into(),
        role: Role::Clerk,
        department: "HIM".into(),
        disabled: false,
        patient_link: None,
        ssh_keys: Vec::new(),
    }
}

fn event(user: u64, patient: Option<u64>, detail: &str) -> NewAccessEvent {
    NewAccessEvent {
        time: Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap(),
        user: Some(UserId(user)),
        username: format!("clerk{user}"),
        role: Some(Role::Clerk),
        action: AccessAction::OpenChart,
        patient: patient.map(PatientId),
        detail: detail.into(),
        session: "s1".into(),
        client: "local".into(),
        reason: None,
        source: "chartroom".into(),
        flagged: false,
    }
}

#[test]
fn fresh_store_has_schema_and_counters() {
    let (_dir, store) = open();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let mut tx = store.write().unwrap();
    assert_eq!(tx.next_patient_id().unwrap(), PatientId(1));
    assert_eq!(tx.next_patient_id().unwrap(), PatientId(2));
    assert_eq!(tx.next_mrn().unwrap(), Mrn(FIRST_MRN));
    assert_eq!(tx.next_encounter_id().unwrap(), EncounterId(1));
    assert_eq!(tx.next_document_id().unwrap(), DocumentId(1));
    assert_eq!(tx.next_provider_id().unwrap(), ProviderId(1));
    assert_eq!(tx.next_user_id().unwrap(), UserId(1));
    tx.commit().unwrap();
    let mut tx = store.write().unwrap();
    assert_eq!(tx.next_patient_id().unwrap(), PatientId(3));
    assert_eq!(tx.next_mrn().unwrap(), Mrn(FIRST_MRN + 1));
    drop(tx);
    // Dropped: the allocation above was not kept.
    let mut tx = store.write().unwrap();
    assert_eq!(tx.next_patient_id().unwrap(), PatientId(3));
    assert_eq!(
        store.read().unwrap().counts().unwrap(),
        StoreCounts::default()
    );
    assert!(store.file_size_bytes().unwrap() > 0);
}

#[test]
fn every_entity_round_trips() {
    let (_dir, store) = open();
    let p = patient(1, 100_001);
    let mut tx = store.write().unwrap();
    tx.put_patient(&p).unwrap();
    tx.put_encounter(&encounter(1, 1, 3)).unwrap();
    tx.put_encounter(&encounter(2, 1, 9)).unwrap();
    tx.put_encounter(&encounter(3, 1, 5)).unwrap();
    tx.put_document(&document(1, 1, 1)).unwrap();
    tx.put_document(&document(2, 1, 7)).unwrap();
    tx.put_provider(&provider(1)).unwrap();
    tx.put_user(&user(1, "clerk1")).unwrap();
    tx.commit().unwrap();

    let r = store.read().unwrap();
    assert_eq!(r.patient(PatientId(1)).unwrap(), Some(p.clone()));
    assert_eq!(r.patient(PatientId(2)).unwrap(), None);
    assert_eq!(r.patient_by_mrn(Mrn(100_001)).unwrap(), Some(p.clone()));
    assert_eq!(r.patient_by_mrn(Mrn(100_002)).unwrap(), None);
    assert_eq!(
        r.patient_by_identifier("synthea", "syn-1").unwrap(),
        Some(PatientId(1))
    );
    assert_eq!(r.patient_by_identifier("other", "syn-1").unwrap(), None);
    assert_eq!(
        r.encounter(EncounterId(2)).unwrap(),
        Some(encounter(2, 1, 9))
    );
    assert_eq!(
        r.encounter_by_number("V000003").unwrap(),
        Some(encounter(3, 1, 5))
    );
    let ids: Vec<u64> = r
        .encounters_of(PatientId(1))
        .unwrap()
        .iter()
        .map(|e| e.id.0)
        .collect();
    assert_eq!(ids, vec![2, 3, 1], "newest admission first");
    assert!(r.document(DocumentId(1)).unwrap() == Some(document(1, 1, 1)));
    let ids: Vec<u64> = r
        .documents_of(PatientId(1))
        .unwrap()
        .iter()
        .map(|d| d.id.0)
        .collect();
    assert_eq!(ids, vec![2, 1], "newest first");
    assert_eq!(r.provider(ProviderId(1)).unwrap(), Some(provider(1)));
    assert_eq!(r.providers().unwrap(), vec![provider(1)]);
    assert_eq!(r.user(UserId(1)).unwrap(), Some(user(1, "clerk1")));
    assert_eq!(r.user_by_name("clerk1").unwrap(), Some(user(1, "clerk1")));
    assert_eq!(r.user_by_name("clerk2").unwrap(), None);
    assert_eq!(r.users().unwrap(), vec![user(1, "clerk1")]);
    let all: Vec<Patient> = r.patients().unwrap().collect::<Result<_>>().unwrap();
    assert_eq!(all, vec![p]);
    assert_eq!(r.documents().unwrap().count(), 2);
    assert_eq!(
        r.counts().unwrap(),
        StoreCounts {
            patients: 1,
            encounters: 3,
            documents: 2,
            providers: 1,
            users: 1,
            audit_events: 0,
            outbox: 3,
            procedures: 0,
            deficiencies: 0,
            analysis_pending: 3,
            awaiting_review: 0,
            access_events: 0,
            roster: 0,
        }
    );
}

#[test]
fn counters_move_past_ids_and_mrns_written_directly() {
    let (_dir, store) = open();
    let mut tx = store.write().unwrap();
    tx.put_patient(&patient(41, 500_000)).unwrap();
    tx.commit().unwrap();
    let mut tx = store.write().unwrap();
    assert_eq!(tx.next_patient_id().unwrap(), PatientId(42));
    assert_eq!(tx.next_mrn().unwrap(), Mrn(500_001));
}

#[test]
fn replacing_a_patient_removes_stale_index_entries() {
    let (_dir, store) = open();
    let mut tx = store.write().unwrap();
    tx.put_patient(&patient(1, 100_001)).unwrap();
    tx.commit().unwrap();

    let mut changed = patient(1, 100_777);
    changed.identifiers = vec![Identifier {
        system: "fhir".into(),
        value: "f-1".into(),
    }];
    let mut tx = store.write().unwrap();
    tx.put_patient(&changed).unwrap();
    tx.commit().unwrap();

    let r = store.read().unwrap();
    assert_eq!(r.patient_by_mrn(Mrn(100_001)).unwrap(), None);
    assert_eq!(r.patient_by_mrn(Mrn(100_777)).unwrap(), Some(changed));
    assert_eq!(r.patient_by_identifier("synthea", "syn-1").unwrap(), None);
    assert_eq!(
        r.patient_by_identifier("fhir", "f-1").unwrap(),
        Some(PatientId(1))
    );
    assert_eq!(r.counts().unwrap().patients, 1);
    drop(r);

    // The freed MRN can now go to someone else.
    let mut tx = store.write().unwrap();
    tx.put_patient(&patient(2, 100_001)).unwrap();
    tx.commit().unwrap();
    let r = store.read().unwrap();
    assert_eq!(
        r.patient_by_mrn(Mrn(100_001)).unwrap().map(|p| p.id),
        Some(PatientId(2))
    );
}

#[test]
fn replacing_encounters_documents_and_users_moves_their_index_entries() {
    let (_dir, store) = open();
    let mut tx = store.write().unwrap();
    tx.put_encounter(&encounter(1, 1, 3)).unwrap();
    tx.put_document(&document(1, 1, 3)).unwrap();
    tx.put_user(&user(1, "old")).unwrap();
    tx.commit().unwrap();

    let mut e = encounter(1, 2, 3);
    e.number = "NEW".into();
    let mut tx = store.write().unwrap();
    tx.put_encounter(&e).unwrap();
    tx.put_document(&document(1, 2, 3)).unwrap();
    tx.put_user(&user(1, "new")).unwrap();
    tx.commit().unwrap();

    let r = store.read().unwrap();
    assert_eq!(r.encounter_by_number("V000001").unwrap(), None);
    assert_eq!(r.encounter_by_number("NEW").unwrap(), Some(e));
    assert!(r.encounters_of(PatientId(1)).unwrap().is_empty());
    assert_eq!(r.encounters_of(PatientId(2)).unwrap().len(), 1);
    assert!(r.documents_of(PatientId(1)).unwrap().is_empty());
    assert_eq!(r.documents_of(PatientId(2)).unwrap().len(), 1);
    assert_eq!(r.user_by_name("old").unwrap(), None);
    assert_eq!(
        r.user_by_name("new").unwrap().map(|u| u.id),
        Some(UserId(1))
    );
}

#[test]
fn duplicate_keys_fail_the_whole_commit() {
    let (_dir, store) = open();
    let mut tx = store.write().unwrap();
    tx.put_patient(&patient(1, 100_001)).unwrap();
    tx.put_encounter(&encounter(1, 1, 3)).unwrap();
    tx.put_user(&user(1, "clerk")).unwrap();
    tx.commit().unwrap();

    type Case = Box<dyn Fn(&mut WriteTx<'_>)>;
    let cases: Vec<Case> = vec![
        Box::new(|tx| tx.put_patient(&patient(2, 100_001)).unwrap()),
        Box::new(|tx| {
            let mut p = patient(2, 100_002);
            p.identifiers[0].value = "syn-1".into();
            tx.put_patient(&p).unwrap()
        }),
        Box::new(|tx| {
            let mut e = encounter(2, 1, 4);
            e.number = "V000001".into();
            tx.put_encounter(&e).unwrap()
        }),
        Box::new(|tx| tx.put_user(&user(2, "clerk")).unwrap()),
    ];
    for case in cases {
        let mut tx = store.write().unwrap();
        tx.put_provider(&provider(9)).unwrap();
        case(&mut tx);
        let err = tx.commit().unwrap_err();
        assert!(matches!(err, StoreError::Duplicate { .. }), "{err}");
        assert!(!err.to_string().contains("syn-1"));
    }
    let r = store.read().unwrap();
    assert_eq!(
        r.provider(ProviderId(9)).unwrap(),
        None,
        "nothing of a failed commit is kept"
    );
    assert_eq!(r.counts().unwrap().patients, 1);
    assert_eq!(r.counts().unwrap().outbox, 1);
}

#[test]
fn outbox_lists_oldest_first_and_ack_removes_up_to_seq() {
    let (_dir, store) = open();
    let mut tx = store.write().unwrap();
    tx.put_patient(&patient(1, 100_001)).unwrap();
    tx.put_document(&document(5, 1, 1)).unwrap();
    tx.put_encounter(&encounter(1, 1, 1)).unwrap(); // not queued: the index has no encounters
    tx.put_patient(&patient(2, 100_002)).unwrap();
    tx.commit().unwrap();
    let r = store.read().unwrap();
    assert_eq!(
        r.outbox(10).unwrap(),
        vec![
            (1, OutboxItem::Patient(PatientId(1))),
            (2, OutboxItem::Document(DocumentId(5))),
            (3, OutboxItem::Patient(PatientId(2))),
        ]
    );
    assert_eq!(r.outbox(1).unwrap().len(), 1);
    assert_eq!(r.outbox_last_seq().unwrap(), Some(3));
    drop(r);
    store.ack_outbox(2).unwrap();
    assert_eq!(
        store.read().unwrap().outbox(10).unwrap(),
        vec![(3, OutboxItem::Patient(PatientId(2)))]
    );
    store.ack_outbox(3).unwrap();
    assert!(store.read().unwrap().outbox(10).unwrap().is_empty());
    assert_eq!(store.read().unwrap().outbox_last_seq().unwrap(), None);
    // Seqs are never reused after the outbox drains.
    let mut tx = store.write().unwrap();
    tx.put_patient(&patient(1, 100_001)).unwrap();
    tx.commit().unwrap();
    assert_eq!(store.read().unwrap().outbox(10).unwrap()[0].0, 4);
}

#[test]
fn corrupt_value_bytes_give_corrupt_not_a_panic() {
    let (_dir, store) = open();
    let mut tx = store.write().unwrap();
    tx.put_patient(&patient(1, 100_001)).unwrap();
    tx.put_patient(&patient(2, 100_002)).unwrap();
    tx.put_patient(&patient(3, 100_003)).unwrap();
    tx.commit().unwrap();

    let txn = store.db.begin_write().unwrap();
    {
        let mut t = txn.open_table(PATIENTS).unwrap();
        t.insert(&id_key(2), [1u8, 200, 7].as_slice()).unwrap();
        t.insert(&id_key(3), [42u8, 0].as_slice()).unwrap();
    }
    txn.commit().unwrap();

    let r = store.read().unwrap();
    let err = r.patient(PatientId(2)).unwrap_err();
    match &err {
        StoreError::Corrupt { table, key, .. } => {
            assert_eq!(*table, PATIENTS_NAME);
            assert_eq!(key, "2");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    let err = r.patient(PatientId(3)).unwrap_err();
    assert!(
        err.to_string().contains("unknown value version 42"),
        "{err}"
    );
    assert!(matches!(
        r.patient_by_mrn(Mrn(100_002)),
        Err(StoreError::Corrupt { .. })
    ));
    let rows: Vec<Result<Patient>> = r.patients().unwrap().collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[0].is_ok() && rows[1].is_err() && rows[2].is_err());
    drop(r);

    // Replacing a corrupt row refuses too (its old index entries cannot be known).
    let mut tx = store.write().unwrap();
    tx.put_patient(&patient(2, 100_002)).unwrap();
    assert!(matches!(tx.commit(), Err(StoreError::Corrupt { .. })));
}

#[test]
fn corrupt_index_value_is_corrupt() {
    let (_dir, store) = open();
    let txn = store.db.begin_write().unwrap();
    txn.open_table(USER_BY_NAME)
        .unwrap()
        .insert(b"x".as_slice(), [1u8, 2].as_slice())
        .unwrap();
    txn.commit().unwrap();
    let err = store.read().unwrap().user_by_name("x").unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Corrupt {
                table: USER_BY_NAME_NAME,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn nested_write_on_one_thread_is_refused_not_a_hang() {
    let (_dir, store) = open();
    let tx = store.write().unwrap();
    assert!(matches!(store.write(), Err(StoreError::NestedWrite)));
    assert!(matches!(
        store.append_audit(event(1, None, "x")),
        Err(StoreError::NestedWrite)
    ));
    assert!(matches!(store.ack_outbox(1), Err(StoreError::NestedWrite)));
    // Another thread simply waits for the first write to finish.
    std::thread::scope(|s| {
        let waiter = s.spawn(|| {
            store
                .append_audit(event(1, None, "other thread"))
                .map(|e| e.seq)
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        tx.commit().unwrap();
        assert_eq!(waiter.join().unwrap().unwrap(), FIRST_AUDIT_SEQ);
    });
    // After commit (and after a dropped tx) this thread may write again.
    drop(store.write().unwrap());
    store.append_audit(event(1, None, "again")).unwrap();
}
