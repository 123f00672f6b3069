//! `WriteTx::put_new_encounters` writes what `put_encounter` writes for a new encounter,
//! whatever the batch's order, and refuses what `put_encounter` refuses.

use super::*;
use chartroom_domain::Encounter;

/// Encounters of three patients, numbered out of both id and patient order.
fn batch() -> Vec<Encounter> {
    [(7, 3), (2, 1), (5, 2), (3, 3), (9, 1), (4, 2)]
        .into_iter()
        .map(|(id, patient)| {
            let mut e = encounter(id, patient, 3);
            e.number = format!("N{}", 100 - id);
            e
        })
        .collect()
}

/// Everything a reader can see of the encounter tables.
fn visible(
    store: &Store,
) -> (
    Vec<Option<Encounter>>,
    Vec<Vec<Encounter>>,
    Vec<EncounterId>,
) {
    let r = store.read().unwrap();
    let by_number = (0..=10)
        .map(|id| r.encounter_by_number(&format!("N{}", 100 - id)).unwrap())
        .chain([r.encounter_by_number("V000001").unwrap()])
        .collect();
    let of_patients = (1..=3)
        .map(|p| r.encounters_of(PatientId(p)).unwrap())
        .collect();
    (by_number, of_patients, r.pending_analysis(100).unwrap())
}

#[test]
fn a_batch_reads_back_as_encounters_put_one_by_one() {
    let (_one_dir, one_by_one) = open();
    let (_bulk_dir, bulk) = open();
    let mut tx = one_by_one.write().unwrap();
    tx.put_encounter(&encounter(1, 1, 3)).unwrap();
    for e in batch() {
        tx.put_encounter(&e).unwrap();
    }
    tx.commit().unwrap();
    let mut tx = bulk.write().unwrap();
    // a buffered write before the batch is applied first
    tx.put_encounter(&encounter(1, 1, 3)).unwrap();
    tx.put_new_encounters(&batch()).unwrap();
    tx.commit().unwrap();

    let seen = visible(&bulk);
    assert_eq!(seen, visible(&one_by_one));
    assert_eq!(seen.1.iter().map(Vec::len).collect::<Vec<_>>(), [3, 2, 2]);
    assert_eq!(seen.2.len(), 7, "every new visit waits for analysis");
    assert_eq!(
        bulk.read().unwrap().counts().unwrap(),
        one_by_one.read().unwrap().counts().unwrap()
    );
}

#[test]
fn a_taken_number_or_id_fails_and_nothing_of_the_transaction_is_kept() {
    let (_dir, store) = open();
    let mut tx = store.write().unwrap();
    tx.put_encounter(&encounter(1, 1, 3)).unwrap();
    tx.commit().unwrap();

    let mut stored_number = batch();
    stored_number[3].number = "V000001".into();
    let mut twice_in_batch = batch();
    twice_in_batch[5].number = twice_in_batch[0].number.clone();
    let mut stored_id = batch();
    stored_id[2].id = EncounterId(1);
    stored_id[2].number = "FRESH".into();
    for (what, encounters) in [
        ("encounter number", stored_number),
        ("encounter number", twice_in_batch),
        ("encounter id", stored_id),
    ] {
        let mut tx = store.write().unwrap();
        tx.put_provider(&provider(9)).unwrap();
        let err = tx.put_new_encounters(&encounters).unwrap_err();
        assert!(
            matches!(err, StoreError::Duplicate { what: w, .. } if w == what),
            "{err}"
        );
        drop(tx);
        let r = store.read().unwrap();
        assert_eq!(r.provider(ProviderId(9)).unwrap(), None);
        assert_eq!(r.counts().unwrap().encounters, 1);
        assert_eq!(r.pending_analysis(10).unwrap(), vec![EncounterId(1)]);
    }
}
