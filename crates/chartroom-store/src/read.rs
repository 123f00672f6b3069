//! Read snapshots. A redb `ReadTransaction` is owned (no lifetime), and so are the
//! `ReadOnlyTable`s opened from it. Each method opens only the tables it uses, once per
//! call (a lookup in redb's table tree): a patient lookup does not touch the audit
//! tables, and a method that walks many rows still opens its tables once, not per row.

use super::codec::{self, OutboxRow};
use super::tables::{self, *};
use super::{OutboxItem, Result, StoreCounts, StoreError};
use chartroom_domain::completion::EncounterAnalysis;
use chartroom_domain::{
    AccessEvent, Deficiency, DeficiencyId, Document, DocumentId, Encounter, EncounterId,
    MergeRecord, Mrn, Patient, PatientId, Procedure, ProcedureId, Provider, ProviderId, StaffUser,
    UserId,
};
use redb::{
    Database, Key, ReadOnlyTable, ReadTransaction, ReadableDatabase, ReadableTable,
    TableDefinition, TableError, Value,
};
use serde::de::DeserializeOwned;
use std::borrow::Borrow;

pub(crate) type IdTable = ReadOnlyTable<&'static IdKey, &'static [u8]>;
pub(crate) type PairIndex = ReadOnlyTable<&'static PairKey, ()>;

/// A read snapshot.
pub struct ReadTx {
    pub(crate) txn: ReadTransaction,
}

pub(crate) fn get_row<T: DeserializeOwned>(
    table: &IdTable,
    name: &'static str,
    id: u64,
) -> Result<Option<T>> {
    match table.get(&id_key(id))? {
        Some(guard) => codec::decode(name, &|| id.to_string(), guard.value()).map(Some),
        None => Ok(None),
    }
}

/// A row an index points at must exist; a dangling entry is corruption of the index.
pub(crate) fn require_row<T: DeserializeOwned>(
    table: &IdTable,
    name: &'static str,
    id: u64,
    index: &'static str,
) -> Result<T> {
    get_row(table, name, id)?.ok_or_else(|| StoreError::Corrupt {
        table: index,
        key: format!("-> {id}"),
        reason: format!("points at a missing row of {name}"),
    })
}

pub(crate) fn get_id<'k, K: Key + 'static>(
    table: &ReadOnlyTable<K, &'static [u8]>,
    key: impl Borrow<K::SelfType<'k>>,
    name: &'static str,
    describe: &dyn Fn() -> String,
) -> Result<Option<u64>> {
    match ReadableTable::get(table, key)? {
        Some(guard) => codec::decode_id(name, describe, guard.value()).map(Some),
        None => Ok(None),
    }
}

/// Second halves of the pair keys `(owner, *)` in key order.
pub(crate) fn pairs_of(table: &PairIndex, owner: u64) -> Result<Vec<u64>> {
    let lo = pair_key(owner, 0);
    let hi = pair_key(owner, u64::MAX);
    let mut out = Vec::new();
    for row in ReadableTable::range::<&PairKey>(table, &lo..=&hi)? {
        let (key, _) = row?;
        out.push(pair_from_key(key.value()).1);
    }
    Ok(out)
}

/// Up to `limit` second halves of `(owner, *)`, highest first.
fn pairs_of_rev(table: &PairIndex, owner: u64, limit: usize) -> Result<Vec<u64>> {
    let lo = pair_key(owner, 0);
    let hi = pair_key(owner, u64::MAX);
    let mut out = Vec::new();
    for row in ReadableTable::range::<&PairKey>(table, &lo..=&hi)?
        .rev()
        .take(limit)
    {
        let (key, _) = row?;
        out.push(pair_from_key(key.value()).1);
    }
    Ok(out)
}

fn all_rows<T: DeserializeOwned + 'static>(table: &IdTable, name: &'static str) -> Result<Vec<T>> {
    iter_rows(table, name)?.collect()
}

/// Every row of `table` in key order. The iterator owns its share of the snapshot
/// (redb's inherent `ReadOnlyTable::range`), so the table itself can be dropped.
pub(crate) fn iter_rows<T: DeserializeOwned + 'static>(
    table: &IdTable,
    name: &'static str,
) -> Result<Box<dyn Iterator<Item = Result<T>>>> {
    let range = table.range::<&IdKey>(..)?;
    Ok(Box::new(range.map(move |row| {
        let (key, value) = row?;
        let id = id_from_key(key.value());
        codec::decode(name, &|| id.to_string(), value.value())
    })))
}

impl ReadTx {
    pub(crate) fn begin(db: &Database) -> Result<ReadTx> {
        Ok(ReadTx {
            txn: db.begin_read()?,
        })
    }

    pub(crate) fn open<K: Key + 'static, V: Value + 'static>(
        &self,
        table: TableDefinition<K, V>,
    ) -> Result<ReadOnlyTable<K, V>> {
        Ok(self.txn.open_table(table)?)
    }

    /// Like `open`, but `None` for a table this store file does not have yet (tables
    /// added after the store was created appear with the first write that uses them).
    fn open_optional<K: Key + 'static, V: Value + 'static>(
        &self,
        table: TableDefinition<K, V>,
    ) -> Result<Option<ReadOnlyTable<K, V>>> {
        match self.txn.open_table(table) {
            Ok(t) => Ok(Some(t)),
            Err(TableError::TableDoesNotExist(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The latest merge of `retired` into another chart (active or undone), if any.
    pub fn merge_of(&self, retired: PatientId) -> Result<Option<MergeRecord>> {
        match self.open_optional(MERGES)? {
            Some(t) => get_row(&t, MERGES_NAME, retired.0),
            None => Ok(None),
        }
    }

    /// Charts merged into `survivor` (merges in force), in id order.
    pub fn merged_into(&self, survivor: PatientId) -> Result<Vec<PatientId>> {
        self.listing(SURVIVOR_MERGES, survivor)
    }

    /// `survivor` and every chart merged into it, directly or into a chart that was
    /// itself merged into it later: one person's record, survivor first.
    pub fn charts_of_person(&self, survivor: PatientId) -> Result<Vec<PatientId>> {
        let mut charts = vec![survivor];
        let mut next = 0;
        while let Some(id) = charts.get(next).copied() {
            for retired in self.merged_into(id)? {
                if !charts.contains(&retired) {
                    charts.push(retired);
                }
            }
            next += 1;
        }
        Ok(charts)
    }

    /// Charts that share a secondary identifier with `patient` (flagged for review).
    pub fn identifier_conflicts(&self, patient: PatientId) -> Result<Vec<PatientId>> {
        self.listing(IDENTIFIER_CONFLICTS, patient)
    }

    /// The patients listed under `owner` in a key-only (patient, patient) listing that
    /// may not exist yet in this store file.
    fn listing(
        &self,
        table: TableDefinition<&'static PairKey, ()>,
        owner: PatientId,
    ) -> Result<Vec<PatientId>> {
        match self.open_optional(table)? {
            Some(t) => Ok(pairs_of(&t, owner.0)?.into_iter().map(PatientId).collect()),
            None => Ok(Vec::new()),
        }
    }

    /// The ACK code a feed message (`sender`, `control_id`) was applied with, if it was.
    pub fn hl7_received(&self, sender: &str, control_id: &str) -> Result<Option<[u8; 2]>> {
        let Some(table) = self.open_optional(HL7_RECEIVED)? else {
            return Ok(None);
        };
        let key = received_key(sender, control_id);
        let found = ReadableTable::get(&table, key.as_slice())?.map(|v| {
            let bytes = v.value();
            [
                bytes.first().copied().unwrap_or(b'A'),
                bytes.get(1).copied().unwrap_or(b'A'),
            ]
        });
        Ok(found)
    }

    pub fn patient(&self, id: PatientId) -> Result<Option<Patient>> {
        get_row(&self.open(PATIENTS)?, PATIENTS_NAME, id.0)
    }

    pub fn patient_by_mrn(&self, mrn: Mrn) -> Result<Option<Patient>> {
        let key = mrn_key(mrn.0);
        let describe = || "(an MRN)".to_string();
        let by_mrn = self.open(PATIENT_BY_MRN)?;
        match get_id(&by_mrn, &key, PATIENT_BY_MRN_NAME, &describe)? {
            Some(id) => {
                let patients = self.open(PATIENTS)?;
                require_row(&patients, PATIENTS_NAME, id, PATIENT_BY_MRN_NAME).map(Some)
            }
            None => Ok(None),
        }
    }

    /// Patient whose identifiers include (system, value), e.g. a Synthea Id.
    pub fn patient_by_identifier(&self, system: &str, value: &str) -> Result<Option<PatientId>> {
        let key = identifier_key(system, value);
        let describe = || format!("({system} identifier)");
        Ok(get_id(
            &self.open(PATIENT_BY_IDENTIFIER)?,
            key.as_slice(),
            PATIENT_BY_IDENTIFIER_NAME,
            &describe,
        )?
        .map(PatientId))
    }

    /// All patients in id order (reindex, verify, export). A corrupt row is an `Err`
    /// item; iteration continues after it so callers can count bad rows.
    pub fn patients(&self) -> Result<Box<dyn Iterator<Item = Result<Patient>> + '_>> {
        iter_rows(&self.open(PATIENTS)?, PATIENTS_NAME)
    }

    pub fn encounter(&self, id: EncounterId) -> Result<Option<Encounter>> {
        get_row(&self.open(ENCOUNTERS)?, ENCOUNTERS_NAME, id.0)
    }

    pub fn encounter_by_number(&self, number: &str) -> Result<Option<Encounter>> {
        let describe = || "(an encounter number)".to_string();
        match get_id(
            &self.open(ENCOUNTER_BY_NUMBER)?,
            number.as_bytes(),
            ENCOUNTER_BY_NUMBER_NAME,
            &describe,
        )? {
            Some(id) => require_row(
                &self.open(ENCOUNTERS)?,
                ENCOUNTERS_NAME,
                id,
                ENCOUNTER_BY_NUMBER_NAME,
            )
            .map(Some),
            None => Ok(None),
        }
    }

    /// A patient's encounters, newest admission first (ties: higher id first).
    pub fn encounters_of(&self, patient: PatientId) -> Result<Vec<Encounter>> {
        let encounters = self.open(ENCOUNTERS)?;
        let mut out = pairs_of(&self.open(PATIENT_ENCOUNTERS)?, patient.0)?
            .into_iter()
            .map(|id| require_row(&encounters, ENCOUNTERS_NAME, id, PATIENT_ENCOUNTERS_NAME))
            .collect::<Result<Vec<Encounter>>>()?;
        out.sort_by(|a, b| b.admit.cmp(&a.admit).then(b.id.cmp(&a.id)));
        Ok(out)
    }

    pub fn document(&self, id: DocumentId) -> Result<Option<Document>> {
        get_row(&self.open(DOCUMENTS)?, DOCUMENTS_NAME, id.0)
    }

    /// A patient's documents, newest first (ties: higher id first).
    pub fn documents_of(&self, patient: PatientId) -> Result<Vec<Document>> {
        let documents = self.open(DOCUMENTS)?;
        let mut out = pairs_of(&self.open(PATIENT_DOCUMENTS)?, patient.0)?
            .into_iter()
            .map(|id| require_row(&documents, DOCUMENTS_NAME, id, PATIENT_DOCUMENTS_NAME))
            .collect::<Result<Vec<Document>>>()?;
        out.sort_by(|a, b| b.time.cmp(&a.time).then(b.id.cmp(&a.id)));
        Ok(out)
    }

    /// All documents in id order (reindex, verify).
    pub fn documents(&self) -> Result<Box<dyn Iterator<Item = Result<Document>> + '_>> {
        iter_rows(&self.open(DOCUMENTS)?, DOCUMENTS_NAME)
    }

    /// All encounters in id order (verify, export).
    pub fn encounters(&self) -> Result<Box<dyn Iterator<Item = Result<Encounter>> + '_>> {
        iter_rows(&self.open(ENCOUNTERS)?, ENCOUNTERS_NAME)
    }

    pub fn provider(&self, id: ProviderId) -> Result<Option<Provider>> {
        get_row(&self.open(PROVIDERS)?, PROVIDERS_NAME, id.0)
    }

    /// All providers in id order.
    pub fn providers(&self) -> Result<Vec<Provider>> {
        all_rows(&self.open(PROVIDERS)?, PROVIDERS_NAME)
    }

    pub fn user(&self, id: UserId) -> Result<Option<StaffUser>> {
        get_row(&self.open(USERS)?, USERS_NAME, id.0)
    }

    /// The user with exactly this username (case-sensitive, as stored).
    pub fn user_by_name(&self, username: &str) -> Result<Option<StaffUser>> {
        let describe = || username.to_string();
        match get_id(
            &self.open(USER_BY_NAME)?,
            username.as_bytes(),
            USER_BY_NAME_NAME,
            &describe,
        )? {
            Some(id) => {
                require_row(&self.open(USERS)?, USERS_NAME, id, USER_BY_NAME_NAME).map(Some)
            }
            None => Ok(None),
        }
    }

    /// All users in id order.
    pub fn users(&self) -> Result<Vec<StaffUser>> {
        all_rows(&self.open(USERS)?, USERS_NAME)
    }

    /// Row counts of the tables the registry marks as counted (`tables/mod.rs`).
    pub fn counts(&self) -> Result<StoreCounts> {
        tables::counts(&self.txn)
    }

    /// Outbox entries in order, oldest first: (seq, item).
    pub fn outbox(&self, limit: usize) -> Result<Vec<(u64, OutboxItem)>> {
        self.outbox_after(None, limit)
    }

    /// Outbox entries after seq `after` (all when `None`), oldest first: a bulk drain
    /// reads on past what it applied but has not acknowledged yet.
    pub fn outbox_after(&self, after: Option<u64>, limit: usize) -> Result<Vec<(u64, OutboxItem)>> {
        let outbox = self.open(OUTBOX)?;
        let mut out = Vec::new();
        let from = match after {
            Some(seq) => match seq.checked_add(1) {
                Some(next) => next,
                None => return Ok(out),
            },
            None => 0,
        };
        let from = id_key(from);
        for row in ReadableTable::range::<&IdKey>(&outbox, &from..)?.take(limit) {
            let (key, value) = row?;
            let seq = id_from_key(key.value());
            let item: OutboxRow = codec::decode(OUTBOX_NAME, &|| seq.to_string(), value.value())?;
            out.push((seq, item.into()));
        }
        Ok(out)
    }

    /// Seq of the newest outbox entry in this snapshot, if any. A full reindex built from
    /// this snapshot can `Store::ack_outbox` up to it.
    pub fn outbox_last_seq(&self) -> Result<Option<u64>> {
        let outbox = self.open(OUTBOX)?;
        let last = ReadableTable::last(&outbox)?;
        Ok(last.map(|(key, _)| id_from_key(key.value())))
    }

    /// One audit event by seq.
    pub fn audit_event(&self, seq: u64) -> Result<Option<AccessEvent>> {
        get_row(&self.open(AUDIT)?, AUDIT_NAME, seq)
    }

    /// Audit events from `from_seq` on, in chain order.
    pub fn audit_events(&self, from_seq: u64, limit: usize) -> Result<Vec<AccessEvent>> {
        let audit = self.open(AUDIT)?;
        let from = id_key(from_seq);
        let mut out = Vec::new();
        for row in ReadableTable::range::<&IdKey>(&audit, &from..)?.take(limit) {
            let (key, value) = row?;
            let seq = id_from_key(key.value());
            out.push(codec::decode(
                AUDIT_NAME,
                &|| seq.to_string(),
                value.value(),
            )?);
        }
        Ok(out)
    }

    /// All access to one patient, newest first (a range scan, not a table scan).
    pub fn audit_for_patient(&self, patient: PatientId, limit: usize) -> Result<Vec<AccessEvent>> {
        let audit = self.open(AUDIT)?;
        pairs_of_rev(&self.open(AUDIT_BY_PATIENT)?, patient.0, limit)?
            .into_iter()
            .map(|seq| require_row(&audit, AUDIT_NAME, seq, AUDIT_BY_PATIENT_NAME))
            .collect()
    }

    /// All access by one user, newest first (a range scan).
    pub fn audit_by_user(&self, user: UserId, limit: usize) -> Result<Vec<AccessEvent>> {
        let audit = self.open(AUDIT)?;
        pairs_of_rev(&self.open(AUDIT_BY_USER)?, user.0, limit)?
            .into_iter()
            .map(|seq| require_row(&audit, AUDIT_NAME, seq, AUDIT_BY_USER_NAME))
            .collect()
    }

    /// The document a source system knows by `source_id` (`DocumentReference.id`).
    pub fn document_by_source(&self, source_id: &str) -> Result<Option<Document>> {
        let describe = || "(a document source id)".to_string();
        match get_id(
            &self.open(DOCUMENT_BY_SOURCE)?,
            source_id.as_bytes(),
            DOCUMENT_BY_SOURCE_NAME,
            &describe,
        )? {
            Some(id) => require_row(
                &self.open(DOCUMENTS)?,
                DOCUMENTS_NAME,
                id,
                DOCUMENT_BY_SOURCE_NAME,
            )
            .map(Some),
            None => Ok(None),
        }
    }

    pub fn procedure(&self, id: ProcedureId) -> Result<Option<Procedure>> {
        get_row(&self.open(PROCEDURES)?, PROCEDURES_NAME, id.0)
    }

    /// The procedure a source system knows by `source_id` (`Procedure.id`).
    pub fn procedure_by_source(&self, source_id: &str) -> Result<Option<Procedure>> {
        let describe = || "(a procedure source id)".to_string();
        match get_id(
            &self.open(PROCEDURE_BY_SOURCE)?,
            source_id.as_bytes(),
            PROCEDURE_BY_SOURCE_NAME,
            &describe,
        )? {
            Some(id) => require_row(
                &self.open(PROCEDURES)?,
                PROCEDURES_NAME,
                id,
                PROCEDURE_BY_SOURCE_NAME,
            )
            .map(Some),
            None => Ok(None),
        }
    }

    /// A patient's procedures in id order.
    pub fn procedures_of(&self, patient: PatientId) -> Result<Vec<Procedure>> {
        let procedures = self.open(PROCEDURES)?;
        pairs_of(&self.open(PATIENT_PROCEDURES)?, patient.0)?
            .into_iter()
            .map(|id| require_row(&procedures, PROCEDURES_NAME, id, PATIENT_PROCEDURES_NAME))
            .collect()
    }

    pub fn deficiency(&self, id: DeficiencyId) -> Result<Option<Deficiency>> {
        get_row(&self.open(DEFICIENCIES)?, DEFICIENCIES_NAME, id.0)
    }

    /// An encounter's deficiencies in id order (the order they were recorded).
    pub fn deficiencies_of(&self, encounter: EncounterId) -> Result<Vec<Deficiency>> {
        let rows = self.open(DEFICIENCIES)?;
        pairs_of(&self.open(ENCOUNTER_DEFICIENCIES)?, encounter.0)?
            .into_iter()
            .map(|id| require_row(&rows, DEFICIENCIES_NAME, id, ENCOUNTER_DEFICIENCIES_NAME))
            .collect()
    }

    /// The deficiencies assigned to one provider, in id order.
    pub fn deficiencies_of_provider(&self, provider: ProviderId) -> Result<Vec<Deficiency>> {
        let rows = self.open(DEFICIENCIES)?;
        pairs_of(&self.open(PROVIDER_DEFICIENCIES)?, provider.0)?
            .into_iter()
            .map(|id| require_row(&rows, DEFICIENCIES_NAME, id, PROVIDER_DEFICIENCIES_NAME))
            .collect()
    }

    /// Every deficiency in id order (reports, queues).
    pub fn deficiencies(&self) -> Result<Box<dyn Iterator<Item = Result<Deficiency>> + '_>> {
        iter_rows(&self.open(DEFICIENCIES)?, DEFICIENCIES_NAME)
    }

    /// Up to `limit` encounters changed since their last analysis, in id order.
    pub fn pending_analysis(&self, limit: usize) -> Result<Vec<EncounterId>> {
        let pending = self.open(ANALYSIS_PENDING)?;
        let mut out = Vec::new();
        for row in ReadableTable::range::<&IdKey>(&pending, ..)?.take(limit) {
            let (key, _) = row?;
            out.push(EncounterId(id_from_key(key.value())));
        }
        Ok(out)
    }

    pub fn encounter_analysis(&self, encounter: EncounterId) -> Result<Option<EncounterAnalysis>> {
        get_row(
            &self.open(ENCOUNTER_ANALYSIS)?,
            ENCOUNTER_ANALYSIS_NAME,
            encounter.0,
        )
    }

    /// The analysis queue: analysed, unreviewed encounters, oldest discharge first
    /// (ties: lower id first), skipping the first `skip`.
    pub fn awaiting_review(&self, skip: usize, limit: usize) -> Result<Vec<EncounterId>> {
        let queue = self.open(AWAITING_REVIEW)?;
        let mut out = Vec::new();
        for row in ReadableTable::range::<&PairKey>(&queue, ..)?
            .skip(skip)
            .take(limit)
        {
            let (key, _) = row?;
            out.push(EncounterId(pair_from_key(key.value()).1));
        }
        Ok(out)
    }

    /// Every analysed encounter's analysis state, in encounter id order (the delinquency
    /// report's discharges).
    pub fn analyses(&self) -> Result<Vec<(EncounterId, EncounterAnalysis)>> {
        let table = self.open(ENCOUNTER_ANALYSIS)?;
        let mut out = Vec::new();
        for row in ReadableTable::range::<&IdKey>(&table, ..)? {
            let (key, value) = row?;
            let id = id_from_key(key.value());
            let a = codec::decode(ENCOUNTER_ANALYSIS_NAME, &|| id.to_string(), value.value())?;
            out.push((EncounterId(id), a));
        }
        Ok(out)
    }

    /// Analysed discharges per calendar month (first day of the month → count), oldest
    /// first.
    pub fn discharges_by_month(&self) -> Result<Vec<(chrono::NaiveDate, u64)>> {
        let table = self.open(DISCHARGE_MONTHS)?;
        let mut out = Vec::new();
        for row in ReadableTable::range::<&[u8; 4]>(&table, ..)? {
            let (key, value) = row?;
            let index = u32::from_be_bytes(*key.value()) as i32;
            let count = u64::from_be_bytes(*value.value());
            let month = chrono::NaiveDate::from_ymd_opt(
                index.div_euclid(12),
                index.rem_euclid(12) as u32 + 1,
                1,
            );
            if let (Some(month), true) = (month, count > 0) {
                out.push((month, count));
            }
        }
        Ok(out)
    }
}
