//! Audit trail: chaining, indexes, and tamper detection.

use super::*;

fn append_many(store: &Store, n: u64) {
    for i in 0..n {
        if i % 3 == 0 {
            let mut tx = store.write().unwrap();
            tx.put_provider(&provider(i + 1)).unwrap();
            tx.append_audit(event(i % 4, Some(i % 5), &format!("a{i}")))
                .unwrap();
            tx.append_audit(event(i % 4, None, "search")).unwrap();
            tx.commit().unwrap();
        } else {
            store
                .append_audit(event(i % 4, Some(i % 5), &format!("b{i}")))
                .unwrap();
        }
    }
}

#[test]
fn audit_chain_is_intact_after_many_appends_and_indexed() {
    let (_dir, store) = open();
    assert_eq!(
        store.check_audit_chain().unwrap(),
        ChainCheck::Intact {
            events: 0,
            head: AuditHash::GENESIS
        }
    );
    let first = store.append_audit(event(1, Some(3), "first")).unwrap();
    assert_eq!(first.seq, FIRST_AUDIT_SEQ);
    assert_eq!(first.prev_hash, AuditHash::GENESIS);
    append_many(&store, 60);
    let check = store.check_audit_chain().unwrap();
    let r = store.read().unwrap();
    let total = r.counts().unwrap().audit_events;
    assert_eq!(total, 1 + 60 + 20);
    let last = r.audit_events(total, 5).unwrap();
    assert_eq!(
        check,
        ChainCheck::Intact {
            events: total,
            head: last[0].hash
        }
    );

    let events = r.audit_events(FIRST_AUDIT_SEQ, 1000).unwrap();
    assert_eq!(events.len() as u64, total);
    assert!(events
        .windows(2)
        .all(|w| w[1].prev_hash == w[0].hash && w[1].seq == w[0].seq + 1));
    assert_eq!(
        r.audit_events(10, 3)
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>(),
        [10, 11, 12]
    );

    let for_3 = r.audit_for_patient(PatientId(3), 1000).unwrap();
    let expected: Vec<u64> = events
        .iter()
        .rev()
        .filter(|e| e.event.patient == Some(PatientId(3)))
        .map(|e| e.seq)
        .collect();
    assert_eq!(for_3.iter().map(|e| e.seq).collect::<Vec<_>>(), expected);
    assert_eq!(r.audit_for_patient(PatientId(3), 2).unwrap().len(), 2);
    let by_2 = r.audit_by_user(UserId(2), 1000).unwrap();
    assert!(!by_2.is_empty());
    assert!(by_2.iter().all(|e| e.event.user == Some(UserId(2))));
    assert!(by_2.windows(2).all(|w| w[0].seq > w[1].seq));
    assert_eq!(r.audit_event(1).unwrap(), Some(first));
}

/// Overwrites one audit row behind the store's back, as an attacker with the file would.
fn tamper(store: &Store, seq: u64, change: impl Fn(&mut AccessEvent)) {
    let mut event = store.read().unwrap().audit_event(seq).unwrap().unwrap();
    change(&mut event);
    let bytes = codec::encode(AUDIT_NAME, &|| seq.to_string(), &event).unwrap();
    let txn = store.db.begin_write().unwrap();
    txn.open_table(AUDIT)
        .unwrap()
        .insert(&id_key(seq), bytes.as_slice())
        .unwrap();
    txn.commit().unwrap();
}

#[test]
fn tampered_audit_row_is_reported_at_its_seq() {
    let (_dir, store) = open();
    append_many(&store, 30);
    tamper(&store, 17, |e| e.event.detail = "nothing to see".into());
    match store.check_audit_chain().unwrap() {
        ChainCheck::Broken { seq, reason } => {
            assert_eq!(seq, 17);
            assert!(reason.contains("hash"), "{reason}");
        }
        other => panic!("expected Broken, got {other:?}"),
    }
}

#[test]
fn rehashed_tampered_row_breaks_the_next_link() {
    let (_dir, store) = open();
    append_many(&store, 30);
    // The attacker recomputes the row's own hash; the successor's prev_hash no longer fits.
    tamper(&store, 12, |e| {
        e.event.detail = "edited".into();
        e.hash = chartroom_domain::audit::chain_hash(&e.prev_hash, e.seq, &e.event);
    });
    match store.check_audit_chain().unwrap() {
        ChainCheck::Broken { seq, reason } => {
            assert_eq!(seq, 13);
            assert!(reason.contains("prev_hash"), "{reason}");
        }
        other => panic!("expected Broken, got {other:?}"),
    }
}

#[test]
fn removed_or_undecodable_audit_rows_break_the_chain() {
    let (_dir, store) = open();
    append_many(&store, 12);
    let total = store.read().unwrap().counts().unwrap().audit_events;

    let txn = store.db.begin_write().unwrap();
    txn.open_table(AUDIT).unwrap().remove(&id_key(5)).unwrap();
    txn.commit().unwrap();
    assert!(matches!(
        store.check_audit_chain().unwrap(),
        ChainCheck::Broken { seq: 6, .. }
    ));

    let txn = store.db.begin_write().unwrap();
    txn.open_table(AUDIT)
        .unwrap()
        .insert(&id_key(3), [1u8, 0xff, 0xff].as_slice())
        .unwrap();
    txn.commit().unwrap();
    match store.check_audit_chain().unwrap() {
        ChainCheck::Broken { seq, reason } => {
            assert_eq!(seq, 3);
            assert!(reason.contains("decode"), "{reason}");
        }
        other => panic!("expected Broken, got {other:?}"),
    }

    // Removing the newest event is caught by the head in meta.
    let (_dir2, store2) = open();
    append_many(&store2, 6);
    let last = store2.read().unwrap().counts().unwrap().audit_events;
    let txn = store2.db.begin_write().unwrap();
    txn.open_table(AUDIT)
        .unwrap()
        .remove(&id_key(last))
        .unwrap();
    txn.commit().unwrap();
    match store2.check_audit_chain().unwrap() {
        ChainCheck::Broken { seq, reason } => {
            assert_eq!(seq, last);
            assert!(reason.contains("audit_head"), "{reason}");
        }
        other => panic!("expected Broken, got {other:?}"),
    }
    assert!(total > 5);
}
