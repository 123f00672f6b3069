//! The store against a simple in-memory model: random transactions of puts and audit
//! appends, committed or dropped, with unique-key conflicts that must fail a commit as a
//! whole. After every step every read of the store must equal the model.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chartroom_domain::{
    AccessAction, AccessEvent, Document, DocumentId, DocumentType, Encounter, EncounterClass,
    EncounterId, Identifier, Mrn, NewAccessEvent, Patient, PatientFlags, PatientId, PersonName,
    Role, Sex, SignatureStatus, StaffUser, UserId,
};
use chartroom_store::{ChainCheck, OutboxItem, Store, StoreError, FIRST_AUDIT_SEQ, FIRST_MRN};
use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::BTreeMap;

const PATIENT_IDS: u64 = 6;
const ENCOUNTER_IDS: u64 = 8;
const DOCUMENT_IDS: u64 = 8;
const USER_IDS: u64 = 3;

#[derive(Clone, Debug)]
enum Op {
    Patient {
        id: u64,
        mrn: u32,
        ident: Option<u8>,
        family: u8,
    },
    Encounter {
        id: u64,
        patient: u64,
        number: u8,
        day: u32,
    },
    Document {
        id: u64,
        patient: u64,
        day: u32,
    },
    Audit {
        patient: Option<u64>,
        user: Option<u64>,
    },
    User {
        id: u64,
        name: u8,
    },
}

#[derive(Clone, Debug)]
enum Step {
    /// One WriteTx with these ops, committed or dropped.
    Tx { ops: Vec<Op>, commit: bool },
    /// `Store::append_audit` outside any WriteTx.
    Audit {
        patient: Option<u64>,
        user: Option<u64>,
    },
    /// Ack the outbox up to its n-th oldest entry.
    Ack(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (
            1..=PATIENT_IDS,
            0..5u32,
            proptest::option::of(0..4u8),
            0..3u8
        )
            .prop_map(|(id, mrn, ident, family)| Op::Patient {
                id,
                mrn,
                ident,
                family
            }),
        (1..=ENCOUNTER_IDS, 1..=PATIENT_IDS, 0..6u8, 1..28u32).prop_map(
            |(id, patient, number, day)| Op::Encounter {
                id,
                patient,
                number,
                day
            }
        ),
        (1..=DOCUMENT_IDS, 1..=PATIENT_IDS, 1..5u32).prop_map(|(id, patient, day)| Op::Document {
            id,
            patient,
            day
        }),
        (
            proptest::option::of(1..=PATIENT_IDS),
            proptest::option::of(1..=USER_IDS)
        )
            .prop_map(|(patient, user)| Op::Audit { patient, user }),
        (1..=USER_IDS, 0..3u8).prop_map(|(id, name)| Op::User { id, name }),
    ]
}

fn build_user(id: u64, name: u8) -> StaffUser {
    StaffUser {
        id: UserId(id),
        username: format!("clerk{name}"),
        display_name: format!("Clerk {id}"),
        role: Role::Clerk,
        department: "HIM".into(),
        disabled: false,
        patient_link: None,
        ssh_keys: Vec::new(),
    }
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (proptest::collection::vec(op(), 0..8), proptest::bool::weighted(0.8))
            .prop_map(|(ops, commit)| Step::Tx { ops, commit }),
        1 => (proptest::option::of(1..=PATIENT_IDS), proptest::option::of(1..=USER_IDS))
            .prop_map(|(patient, user)| Step::Audit { patient, user }),
        1 => (0..4usize).prop_map(Step::Ack),
    ]
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn build_patient(id: u64, mrn: u32, ident: Option<u8>, family: u8) -> Patient {
    Patient {
        id: PatientId(id),
        mrn: Mrn(FIRST_MRN + mrn),
        name: PersonName::new("Pat", format!("Family{family}")),
        other_names: Vec::new(),
        dob: date(1970 + family as i32, 1, 2),
        sex: Sex::Unknown,
        address: None,
        phones: Vec::new(),
        ssn: None,
        flags: PatientFlags::default(),
        identifiers: ident
            .map(|k| Identifier {
                system: "synthea".into(),
                value: format!("s{k}"),
            })
            .into_iter()
            .collect(),
        staff_link: None,
    }
}

fn build_encounter(id: u64, patient: u64, number: u8, day: u32) -> Encounter {
    Encounter {
        id: EncounterId(id),
        number: format!("E{number}"),
        patient: PatientId(patient),
        class: EncounterClass::Outpatient,
        admit: date(2025, 3, day).and_hms_opt(12, 0, 0).unwrap(),
        discharge: None,
        attending: None,
        other_providers: Vec::new(),
        location: String::new(),
        reason: String::new(),
        source_id: None,
        discharge_offset_secs: 0,
    }
}

fn build_document(id: u64, patient: u64, day: u32) -> Document {
    Document {
        id: DocumentId(id),
        patient: PatientId(patient),
        encounter: None,
        doc_type: DocumentType::ProgressNote,
        title: format!("note {id}"),
        author: None,
        time: date(2025, 4, day).and_hms_opt(9, 0, 0).unwrap(),
        signature: SignatureStatus::Unsigned,
        text: format!("text {id} {day}"),
        offset_secs: 0,
        source_id: None,
        type_codes: Vec::new(),
        sensitivity: Vec::new(),
    }
}

fn build_event(n: u64, patient: Option<u64>, user: Option<u64>) -> NewAccessEvent {
    NewAccessEvent {
        time: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        user: user.map(UserId),
        username: format!("u{}", user.unwrap_or(0)),
        role: Some(Role::Clerk),
        action: AccessAction::OpenChart,
        patient: patient.map(PatientId),
        detail: format!("event {n}"),
        session: "s".into(),
        client: "local".into(),
        reason: None,
        source: "chartroom".into(),
        flagged: false,
    }
}

#[derive(Clone, Debug, Default)]
struct Model {
    patients: BTreeMap<u64, Patient>,
    encounters: BTreeMap<u64, Encounter>,
    documents: BTreeMap<u64, Document>,
    users: BTreeMap<u64, StaffUser>,
    /// (patient, user, detail) in append order; seq = FIRST_AUDIT_SEQ + index.
    audit: Vec<(Option<u64>, Option<u64>, String)>,
    outbox: Vec<(u64, OutboxItem)>,
    next_outbox: u64,
    events_made: u64,
}

impl Model {
    fn new() -> Model {
        Model {
            next_outbox: 1,
            ..Model::default()
        }
    }

    /// Applies one op; `false` when it breaks a unique key (the commit must then fail).
    fn apply(&mut self, op: &Op) -> bool {
        match *op {
            Op::Patient {
                id,
                mrn,
                ident,
                family,
            } => {
                let p = build_patient(id, mrn, ident, family);
                let clash = self.patients.values().any(|q| {
                    q.id != p.id
                        && (q.mrn == p.mrn
                            || q.identifiers.iter().any(|i| p.identifiers.contains(i)))
                });
                if clash {
                    return false;
                }
                self.patients.insert(id, p);
                self.outbox
                    .push((self.next_outbox, OutboxItem::Patient(PatientId(id))));
                self.next_outbox += 1;
            }
            Op::Encounter {
                id,
                patient,
                number,
                day,
            } => {
                let e = build_encounter(id, patient, number, day);
                if self
                    .encounters
                    .values()
                    .any(|f| f.id != e.id && f.number == e.number)
                {
                    return false;
                }
                self.encounters.insert(id, e);
            }
            Op::Document { id, patient, day } => {
                self.documents.insert(id, build_document(id, patient, day));
                self.outbox
                    .push((self.next_outbox, OutboxItem::Document(DocumentId(id))));
                self.next_outbox += 1;
            }
            Op::Audit { patient, user } => {
                self.events_made += 1;
                self.audit
                    .push((patient, user, format!("event {}", self.events_made)));
            }
            Op::User { id, name } => {
                let u = build_user(id, name);
                if self
                    .users
                    .values()
                    .any(|v| v.id != u.id && v.username == u.username)
                {
                    return false;
                }
                self.users.insert(id, u);
            }
        }
        true
    }
}

fn check(store: &Store, model: &Model) -> Result<(), TestCaseError> {
    let r = store.read().unwrap();
    for id in 1..=PATIENT_IDS {
        prop_assert_eq!(
            r.patient(PatientId(id)).unwrap(),
            model.patients.get(&id).cloned()
        );
    }
    for mrn in 0..5 {
        let want = model
            .patients
            .values()
            .find(|p| p.mrn == Mrn(FIRST_MRN + mrn))
            .cloned();
        prop_assert_eq!(r.patient_by_mrn(Mrn(FIRST_MRN + mrn)).unwrap(), want);
    }
    for k in 0..4 {
        let value = format!("s{k}");
        let want = model
            .patients
            .values()
            .find(|p| p.identifiers.iter().any(|i| i.value == value))
            .map(|p| p.id);
        prop_assert_eq!(r.patient_by_identifier("synthea", &value).unwrap(), want);
    }
    let all: Vec<Patient> = r.patients().unwrap().map(|p| p.unwrap()).collect();
    prop_assert_eq!(all, model.patients.values().cloned().collect::<Vec<_>>());

    for id in 1..=ENCOUNTER_IDS {
        prop_assert_eq!(
            r.encounter(EncounterId(id)).unwrap(),
            model.encounters.get(&id).cloned()
        );
    }
    for n in 0..6 {
        let number = format!("E{n}");
        let want = model
            .encounters
            .values()
            .find(|e| e.number == number)
            .cloned();
        prop_assert_eq!(r.encounter_by_number(&number).unwrap(), want);
    }
    for id in 1..=DOCUMENT_IDS {
        prop_assert!(r.document(DocumentId(id)).unwrap() == model.documents.get(&id).cloned());
    }
    let docs: Vec<Document> = r.documents().unwrap().map(|d| d.unwrap()).collect();
    prop_assert!(docs == model.documents.values().cloned().collect::<Vec<_>>());

    for p in 1..=PATIENT_IDS {
        let mut want: Vec<Encounter> = model
            .encounters
            .values()
            .filter(|e| e.patient.0 == p)
            .cloned()
            .collect();
        want.sort_by(|a, b| b.admit.cmp(&a.admit).then(b.id.cmp(&a.id)));
        prop_assert_eq!(r.encounters_of(PatientId(p)).unwrap(), want);

        let mut want: Vec<Document> = model
            .documents
            .values()
            .filter(|d| d.patient.0 == p)
            .cloned()
            .collect();
        want.sort_by(|a, b| b.time.cmp(&a.time).then(b.id.cmp(&a.id)));
        prop_assert!(r.documents_of(PatientId(p)).unwrap() == want);

        let want: Vec<u64> = (0..model.audit.len() as u64)
            .rev()
            .filter(|&i| model.audit[i as usize].0 == Some(p))
            .map(|i| FIRST_AUDIT_SEQ + i)
            .collect();
        let got: Vec<u64> = r
            .audit_for_patient(PatientId(p), 1000)
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect();
        prop_assert_eq!(got, want);
    }
    for u in 1..=USER_IDS {
        let want: Vec<u64> = (0..model.audit.len() as u64)
            .rev()
            .filter(|&i| model.audit[i as usize].1 == Some(u))
            .map(|i| FIRST_AUDIT_SEQ + i)
            .collect();
        let got: Vec<u64> = r
            .audit_by_user(UserId(u), 1000)
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect();
        prop_assert_eq!(got, want);
    }

    let events: Vec<AccessEvent> = r.audit_events(FIRST_AUDIT_SEQ, 10_000).unwrap();
    let got: Vec<(Option<u64>, Option<u64>, String)> = events
        .iter()
        .map(|e| {
            (
                e.event.patient.map(|p| p.0),
                e.event.user.map(|u| u.0),
                e.event.detail.clone(),
            )
        })
        .collect();
    prop_assert_eq!(&got, &model.audit);
    match store.check_audit_chain().unwrap() {
        ChainCheck::Intact { events: n, head } => {
            prop_assert_eq!(n, model.audit.len() as u64);
            if let Some(last) = events.last() {
                prop_assert_eq!(head, last.hash);
            }
        }
        broken => prop_assert!(false, "chain broken: {:?}", broken),
    }

    prop_assert_eq!(r.outbox(10_000).unwrap(), model.outbox.clone());
    let counts = r.counts().unwrap();
    prop_assert_eq!(counts.patients, model.patients.len() as u64);
    prop_assert_eq!(counts.encounters, model.encounters.len() as u64);
    prop_assert_eq!(counts.documents, model.documents.len() as u64);
    prop_assert_eq!(counts.audit_events, model.audit.len() as u64);
    prop_assert_eq!(counts.outbox, model.outbox.len() as u64);
    prop_assert_eq!(counts.users, model.users.len() as u64);
    prop_assert_eq!(
        r.users().unwrap(),
        model.users.values().cloned().collect::<Vec<_>>()
    );
    for id in 1..=USER_IDS {
        prop_assert_eq!(r.user(UserId(id)).unwrap(), model.users.get(&id).cloned());
    }
    for name in 0..3 {
        let username = format!("clerk{name}");
        let want = model
            .users
            .values()
            .find(|u| u.username == username)
            .cloned();
        prop_assert_eq!(r.user_by_name(&username).unwrap(), want);
    }
    Ok(())
}

fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut model = Model::new();
    for step in steps {
        match step {
            Step::Tx { ops, commit } => {
                let mut next = model.clone();
                let mut ok = true;
                let mut tx = store.write().unwrap();
                for op in &ops {
                    ok &= next.apply(op);
                    match *op {
                        Op::Patient {
                            id,
                            mrn,
                            ident,
                            family,
                        } => tx
                            .put_patient(&build_patient(id, mrn, ident, family))
                            .unwrap(),
                        Op::Encounter {
                            id,
                            patient,
                            number,
                            day,
                        } => tx
                            .put_encounter(&build_encounter(id, patient, number, day))
                            .unwrap(),
                        Op::Document { id, patient, day } => {
                            tx.put_document(&build_document(id, patient, day)).unwrap()
                        }
                        Op::Audit { patient, user } => {
                            let n = next.events_made;
                            let chained = tx.append_audit(build_event(n, patient, user)).unwrap();
                            prop_assert_eq!(
                                chained.seq,
                                FIRST_AUDIT_SEQ + next.audit.len() as u64 - 1
                            );
                        }
                        Op::User { id, name } => tx.put_user(&build_user(id, name)).unwrap(),
                    }
                }
                if commit {
                    let result = tx.commit();
                    if ok {
                        prop_assert!(result.is_ok(), "commit failed: {:?}", result.err());
                        // Counters that were not committed are replayed in the model too.
                        model = next;
                    } else {
                        prop_assert!(
                            matches!(result, Err(StoreError::Duplicate { .. })),
                            "expected Duplicate, got {:?}",
                            result
                        );
                        // A failed commit writes nothing, not even its audit events.
                        model.events_made = next.events_made;
                    }
                } else {
                    drop(tx);
                    model.events_made = next.events_made;
                }
            }
            Step::Audit { patient, user } => {
                model.events_made += 1;
                let n = model.events_made;
                let chained = store.append_audit(build_event(n, patient, user)).unwrap();
                model.audit.push((patient, user, format!("event {n}")));
                prop_assert_eq!(chained.seq, FIRST_AUDIT_SEQ + model.audit.len() as u64 - 1);
            }
            Step::Ack(n) => {
                if let Some(&(seq, _)) = model.outbox.get(n) {
                    store.ack_outbox(seq).unwrap();
                    model.outbox.retain(|(s, _)| *s > seq);
                }
            }
        }
        check(&store, &model)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn store_matches_model(steps in proptest::collection::vec(step(), 1..14)) {
        run(steps)?;
    }
}
