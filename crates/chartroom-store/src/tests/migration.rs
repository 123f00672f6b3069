//! A store written by schema 1 opens under schema 2: encounters, documents and
//! providers are copied into their new layouts (old tables deleted), every discharged
//! encounter is marked for analysis, and the new counters start at 1.

use super::super::legacy_v1::{DocumentV1, EncounterV1, ProviderV1};
use super::super::meta;
use super::super::migrations::migrate_to_1;
use super::super::tables::*;
use super::super::{codec, Store};
use chartroom_domain::{
    DocumentId, DocumentType, EncounterClass, EncounterId, PatientId, ProviderId, SignatureStatus,
};
use chrono::NaiveDate;
use redb::{Database, TableDefinition};

fn put<T: serde::Serialize>(
    db: &Database,
    table: TableDefinition<&IdKey, &[u8]>,
    id: u64,
    value: &T,
) {
    let txn = db.begin_write().unwrap();
    {
        let mut t = txn.open_table(table).unwrap();
        let bytes = codec::encode("v1", &|| id.to_string(), value).unwrap();
        t.insert(&id_key(id), bytes.as_slice()).unwrap();
    }
    txn.commit().unwrap();
}

#[test]
fn a_schema_1_store_is_migrated_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let when = NaiveDate::from_ymd_opt(2024, 1, 5)
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap();
    {
        let db = Database::create(dir.path().join(crate::STORE_FILE)).unwrap();
        let txn = db.begin_write().unwrap();
        migrate_to_1(&txn).unwrap();
        {
            let mut m = txn.open_table(META).unwrap();
            meta::put(&mut m, META_SCHEMA_VERSION, &1u32).unwrap();
            // Schema 1 had no such counters.
            m.remove(META_NEXT_PROCEDURE.as_bytes()).unwrap();
            m.remove(META_NEXT_DEFICIENCY.as_bytes()).unwrap();
        }
        txn.commit().unwrap();
        let encounter = |id: u64, discharge| EncounterV1 {
            id: EncounterId(id),
            number: format!("V{id}"),
            patient: PatientId(1),
            class: EncounterClass::Inpatient,
            admit: when,
            discharge,
            attending: Some(ProviderId(1)),
            other_providers: Vec::new(),
            location: String::new(),
            reason: String::new(),
            source_id: Some(format!("enc-{id}")),
        };
        put(&db, ENCOUNTERS_V1, 1, &encounter(1, Some(when)));
        put(&db, ENCOUNTERS_V1, 2, &encounter(2, None));
        put(
            &db,
            DOCUMENTS_V1,
            1,
            &DocumentV1 {
                id: DocumentId(1),
                patient: PatientId(1),
                encounter: Some(EncounterId(1)),
                doc_type: DocumentType::DischargeSummary,
                title: "DS".into(),
                author: Some(ProviderId(1)),
                time: when,
                signature: SignatureStatus::Signed,
                text: "text".into(),
            },
        );
        put(
            &db,
            PROVIDERS_V1,
            1,
            &ProviderV1 {
                id: ProviderId(1),
                name: "Dr. A".into(),
                specialty: String::new(),
                npi: None,
                source_id: Some("Practitioner/dr-a".into()),
            },
        );
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        crate::migrations::SCHEMA_VERSION
    );
    let read = store.read().unwrap();
    let e = read.encounter(EncounterId(1)).unwrap().unwrap();
    assert_eq!((e.discharge, e.discharge_offset_secs), (Some(when), 0));
    let d = read.document(DocumentId(1)).unwrap().unwrap();
    assert_eq!(
        (d.source_id.as_deref(), d.type_codes.len(), d.offset_secs),
        (None, 0, 0)
    );
    assert!(
        d.has_loinc("18842-5"),
        "a schema-1 document matches by its type"
    );
    let p = read.provider(ProviderId(1)).unwrap().unwrap();
    assert_eq!(p.resource_id.as_deref(), Some("dr-a"));
    // Only the discharged encounter waits for analysis.
    assert_eq!(read.pending_analysis(10).unwrap(), vec![EncounterId(1)]);
    drop(read);
    // New counters work.
    let mut tx = store.write().unwrap();
    assert_eq!(tx.next_deficiency_id().unwrap().0, 1);
    assert_eq!(tx.next_procedure_id().unwrap().0, 1);
}
