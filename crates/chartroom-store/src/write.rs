//! Write transactions: puts are buffered in memory and applied in `commit`, which opens
//! each table once (`tables::WriteTables`, generated from the table registry) and writes
//! everything in one redb write transaction.
//!
//! Why buffer: a redb `Table` borrows its `WriteTransaction`, so a `WriteTx` that kept
//! opened tables next to the transaction would be self-referential. Buffering also lets
//! the demo generator push ~10,000 patients with their encounters and notes through one
//! set of opened tables. The redb transaction itself is begun in [`WriteTx::begin`], so
//! the counters read there are protected by redb's single-writer lock until commit.

use super::codec::{self};
use super::encounter_bulk::write_new_encounters;
use super::identity_rows::{write_pair_row, PairRowWrite};
use super::meta::Counters;
use super::privacy_rows::{write_case, write_disposition};
use super::tables::*;
use super::write_completion::{write_analysis, write_deficiency, write_procedure};
use super::write_retention::{apply_retention, RetentionOp};
use super::write_rows::*;
use super::{OutboxItem, Result, Store, StoreError, WriterGuard};
use chartroom_domain::completion::EncounterAnalysis;
use chartroom_domain::privacy::{AlertDisposition, Case};
use chartroom_domain::roi::{AccountingRequest, Disclosure, RoiRequest, RoiRequestId, RoiWork};
use chartroom_domain::{
    AccessEvent, Deficiency, DeficiencyId, Document, DocumentId, Encounter, EncounterId,
    MergeRecord, Mrn, NewAccessEvent, Patient, PatientId, Procedure, ProcedureId, Provider,
    ProviderId, StaffUser, UserId,
};
use redb::{Durability, Key, ReadableTable, Table, WriteTransaction};
use std::borrow::Borrow;
use std::collections::BTreeMap;

/// An encounter's conditions: condition source id → its codes.
pub type ConditionCodes = BTreeMap<String, Vec<String>>;

/// One buffered write, in call order.
enum Op {
    Patient {
        patient: Patient,
        outbox_seq: u64,
    },
    Encounter(Encounter),
    Document {
        document: Document,
        outbox_seq: u64,
    },
    Provider(Provider),
    User(StaffUser),
    Audit(AccessEvent),
    Procedure(Procedure),
    Deficiency(Deficiency),
    Analysis(EncounterId, EncounterAnalysis),
    Analysed(EncounterId),
    AnalyseAgain(EncounterId),
    Merge {
        merge: MergeRecord,
        outbox: [u64; 2],
    },
    Received {
        key: Vec<u8>,
        code: [u8; 2],
    },
    RoiRequest(RoiRequest),
    RoiWork(RoiRequestId, RoiWork),
    AccountingRequest(AccountingRequest),
    Disclosure(Disclosure),
    EncounterConditions(EncounterId, ConditionCodes),
    Retention(RetentionOp),
    Case(Case),
    Disposition(AlertDisposition),
    DuplicatePair(PairRowWrite),
}

/// The append-only logs of research and retention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetentionLog {
    DeidExports,
    Destructions,
}

/// One write transaction; nothing is visible until `commit`, dropping it aborts.
pub struct WriteTx<'s> {
    txn: WriteTransaction,
    counters: Counters,
    ops: Vec<Op>,
    bulk: bool,
    roi_next: u64,
    case_next: u64,
    // Dropped after `txn` (fields drop in order), so the thread mark outlives the lock.
    _writer: WriterGuard<'s>,
}

fn bump(counter: &mut u64, used: u64) {
    *counter = (*counter).max(used.saturating_add(1));
}

fn take(counter: &mut u64, what: &'static str) -> Result<u64> {
    let id = *counter;
    *counter = id.checked_add(1).ok_or(StoreError::Exhausted { what })?;
    Ok(id)
}

impl<'s> WriteTx<'s> {
    pub(crate) fn begin(store: &'s Store) -> Result<WriteTx<'s>> {
        let mut writer = store.writer_guard()?;
        let txn = store.db().begin_write()?;
        writer.arm();
        let counters = {
            let meta_table = txn.open_table(META)?;
            Counters::load(&meta_table)?
        };
        Ok(WriteTx {
            txn,
            counters,
            ops: Vec::new(),
            bulk: false,
            roi_next: 1,
            case_next: 1,
            _writer: writer,
        })
    }

    /// Bulk mode for the demo generator and large imports: the commit uses redb's
    /// `Durability::None`, which skips the fsync. Such a commit survives a process exit
    /// but not a power loss until a later durable commit, so finish a bulk run with
    /// [`Store::sync`] (or any normal commit). Never use it for a user action.
    ///
    /// Measured (debug build, busy 2-core machine, 10,000 patients + 50,000 encounters +
    /// 30,000 notes per batch): no measurable difference, since such a commit is
    /// dominated by B-tree work, not by the one fsync. It pays off only for many small
    /// batches; the generator may leave it off.
    pub fn set_bulk(&mut self, bulk: bool) {
        self.bulk = bulk;
    }

    pub fn next_patient_id(&mut self) -> Result<PatientId> {
        take(&mut self.counters.patient, "patient ids").map(PatientId)
    }
    pub fn next_encounter_id(&mut self) -> Result<EncounterId> {
        take(&mut self.counters.encounter, "encounter ids").map(EncounterId)
    }
    pub fn next_document_id(&mut self) -> Result<DocumentId> {
        take(&mut self.counters.document, "document ids").map(DocumentId)
    }
    pub fn next_provider_id(&mut self) -> Result<ProviderId> {
        take(&mut self.counters.provider, "provider ids").map(ProviderId)
    }
    pub fn next_user_id(&mut self) -> Result<UserId> {
        take(&mut self.counters.user, "user ids").map(UserId)
    }
    pub fn next_procedure_id(&mut self) -> Result<ProcedureId> {
        take(&mut self.counters.procedure, "procedure ids").map(ProcedureId)
    }
    pub fn next_deficiency_id(&mut self) -> Result<DeficiencyId> {
        take(&mut self.counters.deficiency, "deficiency ids").map(DeficiencyId)
    }
    /// Next free MRN (allocated sequentially from [`super::FIRST_MRN`], and always past
    /// the largest MRN ever written, so imported MRNs are never handed out again).
    pub fn next_mrn(&mut self) -> Result<Mrn> {
        let mrn = self.counters.mrn;
        if mrn > Mrn::MAX {
            return Err(StoreError::Exhausted { what: "MRNs" });
        }
        self.counters.mrn = mrn + 1;
        Ok(Mrn(mrn))
    }

    fn next_outbox_seq(&mut self) -> Result<u64> {
        take(&mut self.counters.outbox, "outbox sequence numbers")
    }

    /// Inserts or replaces; maintains the MRN and identifier indexes (a changed MRN or a
    /// dropped identifier loses its old entry); queues the patient for the index.
    /// An MRN or identifier held by another patient fails the commit with `Duplicate`.
    pub fn put_patient(&mut self, patient: &Patient) -> Result<()> {
        bump(&mut self.counters.patient, patient.id.0);
        self.counters.mrn = self.counters.mrn.max(patient.mrn.0.saturating_add(1));
        let outbox_seq = self.next_outbox_seq()?;
        self.ops.push(Op::Patient {
            patient: patient.clone(),
            outbox_seq,
        });
        Ok(())
    }
    /// Inserts or replaces; maintains number and per-patient indexes. A number held by
    /// another encounter fails the commit with `Duplicate`.
    pub fn put_encounter(&mut self, encounter: &Encounter) -> Result<()> {
        bump(&mut self.counters.encounter, encounter.id.0);
        self.ops.push(Op::Encounter(encounter.clone()));
        Ok(())
    }
    /// Inserts or replaces; maintains the per-patient index; queues the document for the index.
    pub fn put_document(&mut self, document: &Document) -> Result<()> {
        bump(&mut self.counters.document, document.id.0);
        let outbox_seq = self.next_outbox_seq()?;
        self.ops.push(Op::Document {
            document: document.clone(),
            outbox_seq,
        });
        Ok(())
    }
    pub fn put_provider(&mut self, provider: &Provider) -> Result<()> {
        bump(&mut self.counters.provider, provider.id.0);
        self.ops.push(Op::Provider(provider.clone()));
        Ok(())
    }
    /// Inserts or replaces; maintains the per-patient and source-id indexes; marks its
    /// encounter for analysis.
    pub fn put_procedure(&mut self, procedure: &Procedure) -> Result<()> {
        bump(&mut self.counters.procedure, procedure.id.0);
        self.ops.push(Op::Procedure(procedure.clone()));
        Ok(())
    }
    /// Inserts or replaces a deficiency (its history included).
    pub fn put_deficiency(&mut self, deficiency: &Deficiency) -> Result<()> {
        bump(&mut self.counters.deficiency, deficiency.id.0);
        self.ops.push(Op::Deficiency(deficiency.clone()));
        Ok(())
    }
    /// Records where an encounter stands in analysis and keeps the analysis queue in
    /// step (unreviewed: in the queue, by discharge date; reviewed: out of it).
    pub fn put_analysis(
        &mut self,
        encounter: EncounterId,
        analysis: &EncounterAnalysis,
    ) -> Result<()> {
        self.ops.push(Op::Analysis(encounter, analysis.clone()));
        Ok(())
    }
    /// The encounter's changes have been analysed: it leaves the pending set.
    pub fn clear_pending_analysis(&mut self, encounter: EncounterId) -> Result<()> {
        self.ops.push(Op::Analysed(encounter));
        Ok(())
    }
    /// Marks an unchanged encounter for analysis (the templates changed).
    pub fn mark_for_analysis(&mut self, encounter: EncounterId) -> Result<()> {
        self.ops.push(Op::AnalyseAgain(encounter));
        Ok(())
    }
    /// The next free request id: past every stored request and every one this
    /// transaction already handed out.
    pub fn next_roi_request_id(&mut self) -> Result<RoiRequestId> {
        let stored = {
            let table = self.txn.open_table(ROI_REQUESTS)?;
            let last = table.last()?.map(|(k, _)| id_from_key(k.value()));
            last.map_or(1, |id| id.saturating_add(1))
        };
        let id = stored.max(self.roi_next);
        self.roi_next = id.saturating_add(1);
        Ok(RoiRequestId(id))
    }
    /// The next free privacy case id (past every stored case and every one handed out).
    pub fn next_case_id(&mut self) -> Result<u64> {
        let stored = {
            let table = self.txn.open_table(PRIVACY_CASES)?;
            let last = table.last()?.map(|(k, _)| id_from_key(k.value()));
            last.map_or(1, |id| id.saturating_add(1))
        };
        let id = stored.max(self.case_next);
        self.case_next = id.saturating_add(1);
        Ok(id)
    }
    /// Inserts or replaces a privacy case (its history included).
    pub fn put_case(&mut self, case: &Case) {
        self.case_next = self.case_next.max(case.id.saturating_add(1));
        self.ops.push(Op::Case(case.clone()));
    }
    /// Records what a reviewer did with an alert's pair (replacing an earlier record).
    pub fn put_disposition(&mut self, disposition: &AlertDisposition) {
        self.ops.push(Op::Disposition(disposition.clone()));
    }
    /// Inserts or replaces a request; keeps its `request_id` lookup and the patient's
    /// listing. A `request_id` held by another request fails the commit with `Duplicate`.
    pub fn put_roi_request(&mut self, request: &RoiRequest) -> Result<()> {
        self.roi_next = self.roi_next.max(request.id.0.saturating_add(1));
        self.ops.push(Op::RoiRequest(request.clone()));
        Ok(())
    }
    /// Inserts or replaces what the desk recorded about a request.
    pub fn put_roi_work(&mut self, request: RoiRequestId, work: &RoiWork) -> Result<()> {
        self.ops.push(Op::RoiWork(request, work.clone()));
        Ok(())
    }
    /// Inserts or replaces a request for an accounting (keyed by its `request_id`).
    pub fn put_accounting_request(&mut self, request: &AccountingRequest) -> Result<()> {
        self.ops.push(Op::AccountingRequest(request.clone()));
        Ok(())
    }
    /// Appends an entry to the accounting of disclosures (one per request).
    pub fn add_disclosure(&mut self, disclosure: &Disclosure) -> Result<()> {
        self.ops.push(Op::Disclosure(disclosure.clone()));
        Ok(())
    }
    /// Replaces the condition codes recorded for an encounter.
    pub fn put_encounter_conditions(
        &mut self,
        encounter: EncounterId,
        conditions: &ConditionCodes,
    ) -> Result<()> {
        self.ops
            .push(Op::EncounterConditions(encounter, conditions.clone()));
        Ok(())
    }
    /// Records a de-identified export (its id from [`WriteTx::next_row_id`]).
    pub fn put_deid_export(&mut self, export: &chartroom_domain::research::DeidExport) {
        self.ops
            .push(Op::Retention(RetentionOp::DeidExport(export.clone())));
    }
    /// Replaces a chart's legal hold (its whole history).
    pub fn put_legal_hold(&mut self, hold: &chartroom_domain::retention::LegalHold) {
        self.ops
            .push(Op::Retention(RetentionOp::LegalHold(hold.clone())));
    }
    /// Destroys the chart `record.patient`: the patient, its encounters (with their
    /// deficiencies, analysis and conditions), documents, procedures, legal hold and
    /// every index entry pointing at them; appends `record` to the destruction log and
    /// queues the patient and `documents` for the search index to drop. Audit rows,
    /// ROI requests and the accounting of disclosures are kept.
    pub fn destroy_chart(
        &mut self,
        record: &chartroom_domain::retention::DestructionRecord,
        documents: &[DocumentId],
    ) -> Result<()> {
        let mut outbox = vec![(self.next_outbox_seq()?, OutboxItem::Patient(record.patient))];
        for d in documents {
            outbox.push((self.next_outbox_seq()?, OutboxItem::Document(*d)));
        }
        self.ops.push(Op::Retention(RetentionOp::Destroy {
            record: record.clone(),
            outbox,
        }));
        Ok(())
    }
    /// The next id of a research/retention log table (`deid` exports, destructions):
    /// one past the last stored row.
    pub fn next_row_id(&mut self, log: RetentionLog) -> Result<u64> {
        let table = self.txn.open_table(match log {
            RetentionLog::DeidExports => DEID_EXPORTS,
            RetentionLog::Destructions => DESTRUCTIONS,
        })?;
        let last = table.last()?.map(|(k, _)| id_from_key(k.value()));
        Ok(last.map_or(1, |id| id.saturating_add(1)))
    }
    /// Inserts or replaces; a username held by another user fails the commit with `Duplicate`.
    pub fn put_user(&mut self, user: &StaffUser) -> Result<()> {
        bump(&mut self.counters.user, user.id.0);
        self.ops.push(Op::User(user.clone()));
        Ok(())
    }
    /// Appends an audit event inside this transaction: it is chained now (the returned
    /// event carries its seq and hashes) and stored with the rest at commit. If the
    /// transaction is dropped or its commit fails, the event was never recorded and its
    /// seq is handed out again.
    pub fn append_audit(&mut self, event: NewAccessEvent) -> Result<AccessEvent> {
        let seq = self.counters.next_audit_seq();
        let chained = AccessEvent::chain(seq, self.counters.audit_prev_hash(), event);
        self.counters.audit_head = Some((seq, chained.hash));
        self.ops.push(Op::Audit(chained.clone()));
        Ok(chained)
    }

    /// Records a merge (or, with `undone` set, an unmerge) of `retired` into `survivor`;
    /// both charts are queued for the index.
    pub fn put_merge(&mut self, merge: &MergeRecord) -> Result<()> {
        let outbox = [self.next_outbox_seq()?, self.next_outbox_seq()?];
        self.ops.push(Op::Merge {
            merge: merge.clone(),
            outbox,
        });
        Ok(())
    }

    pub(crate) fn push_pair_row(&mut self, write: PairRowWrite) {
        self.ops.push(Op::DuplicatePair(write));
    }

    /// Records that the feed message (`sender`, `control_id`) was applied and answered
    /// with `code` (`AA`), in this transaction: a resend is then answered, not applied.
    pub fn put_hl7_received(&mut self, sender: &str, control_id: &str, code: [u8; 2]) {
        self.ops.push(Op::Received {
            key: received_key(sender, control_id),
            code,
        });
    }

    /// A point to roll buffered writes back to with [`WriteTx::rollback_to`] (the feed
    /// applies many messages in one transaction and drops a refused one's writes).
    pub fn savepoint(&self) -> usize {
        self.ops.len()
    }

    /// Drops the writes buffered since `savepoint`. Ids and MRNs handed out meanwhile
    /// stay used (gaps, never reuse). Writes already [`WriteTx::flush`]ed cannot be
    /// rolled back: do not flush between a savepoint and its rollback.
    pub fn rollback_to(&mut self, savepoint: usize) {
        self.ops.truncate(savepoint);
    }

    /// Writes many new encounters now (ids fresh from [`WriteTx::next_encounter_id`]),
    /// after the writes buffered before them: each table's keys sorted, two tables per
    /// thread (`encounter_bulk.rs`). Same rows and checks as [`WriteTx::put_encounter`]
    /// for a new encounter; a number already taken fails the call, and the transaction
    /// must then be dropped (nothing of it is committed). An import of a whole encounters
    /// file hands them over in large batches.
    pub fn put_new_encounters(&mut self, encounters: &[Encounter]) -> Result<()> {
        self.flush()?;
        write_new_encounters(&self.txn, encounters)
    }

    /// Number of buffered writes (for progress reporting in bulk loads).
    pub fn pending(&self) -> usize {
        self.ops.len()
    }

    /// Applies the buffered writes to the redb transaction now, so a long import holds
    /// at most one batch in memory (redb itself spills dirty pages past its cache). Still
    /// nothing is visible until `commit`, and dropping the transaction discards it all.
    pub fn flush(&mut self) -> Result<()> {
        apply_ops(&self.txn, &self.ops)?;
        self.ops.clear();
        Ok(())
    }

    /// Writes everything in one redb transaction. On any error nothing is written.
    pub fn commit(self) -> Result<()> {
        let WriteTx {
            mut txn,
            counters,
            ops,
            bulk,
            ..
        } = self;
        if bulk {
            txn.set_durability(Durability::None)?;
        } else {
            // Saves redb's allocator state with the commit, so reopening after a crash or a
            // killed terminal loads it instead of walking the whole file (a full repair took
            // ~8 s on a 3.7 GB store).
            txn.set_quick_repair(true);
        }
        apply(&txn, &ops, &counters)?;
        txn.commit()?;
        Ok(())
    }
}

fn apply(txn: &WriteTransaction, ops: &[Op], counters: &Counters) -> Result<()> {
    apply_ops(txn, ops)?;
    let mut meta_table = txn.open_table(META)?;
    counters.save(&mut meta_table)
}

fn apply_ops(txn: &WriteTransaction, ops: &[Op]) -> Result<()> {
    if !ops.is_empty() {
        let mut t = WriteTables::open(txn)?;
        for op in ops {
            match op {
                Op::Patient {
                    patient,
                    outbox_seq,
                } => {
                    write_patient(&mut t, patient)?;
                    write_outbox(&mut t, *outbox_seq, OutboxItem::Patient(patient.id))?;
                }
                Op::Encounter(encounter) => write_encounter(&mut t, encounter)?,
                Op::Document {
                    document,
                    outbox_seq,
                } => {
                    write_document(&mut t, document)?;
                    write_outbox(&mut t, *outbox_seq, OutboxItem::Document(document.id))?;
                }
                Op::Provider(provider) => {
                    let key = id_key(provider.id.0);
                    let bytes =
                        codec::encode(PROVIDERS_NAME, &|| provider.id.to_string(), provider)?;
                    t.providers.insert(&key, bytes.as_slice())?;
                }
                Op::User(user) => write_user(&mut t, user)?,
                Op::Audit(event) => write_audit(&mut t, event)?,
                Op::Procedure(procedure) => write_procedure(&mut t, procedure)?,
                Op::Deficiency(d) => write_deficiency(&mut t, d)?,
                Op::Analysis(encounter, analysis) => write_analysis(&mut t, *encounter, analysis)?,
                Op::Analysed(encounter) => {
                    t.analysis_pending.remove(&id_key(encounter.0))?;
                }
                Op::AnalyseAgain(encounter) => {
                    t.analysis_pending.insert(&id_key(encounter.0), ())?;
                }
                Op::Received { key, code } => {
                    t.hl7_received.insert(key.as_slice(), code.as_slice())?;
                }
                Op::Merge { merge, outbox } => {
                    write_merge(&mut t, merge)?;
                    write_outbox(&mut t, outbox[0], OutboxItem::Patient(merge.retired))?;
                    write_outbox(&mut t, outbox[1], OutboxItem::Patient(merge.survivor))?;
                }
                Op::RoiRequest(request) => write_roi_request(&mut t, request)?,
                Op::RoiWork(request, work) => {
                    let id = request.0;
                    let bytes = codec::encode(ROI_WORK_NAME, &|| id.to_string(), work)?;
                    t.roi_work.insert(&id_key(id), bytes.as_slice())?;
                }
                Op::AccountingRequest(r) => {
                    let name = ROI_ACCOUNTING_REQUESTS_NAME;
                    let bytes = codec::encode(name, &|| r.request_id.clone(), r)?;
                    t.roi_accounting_requests
                        .insert(r.request_id.as_bytes(), bytes.as_slice())?;
                }
                Op::Disclosure(d) => {
                    let key = pair_key(d.patient.0, d.request.0);
                    let bytes = codec::encode(DISCLOSURES_NAME, &|| d.request.to_string(), d)?;
                    t.disclosures.insert(&key, bytes.as_slice())?;
                }
                Op::Retention(op) => apply_retention(&mut t, op)?,
                Op::Case(case) => write_case(&mut t.privacy_cases, case)?,
                Op::Disposition(d) => write_disposition(&mut t.alert_dispositions, d)?,
                Op::DuplicatePair(w) => write_pair_row(&mut t, w)?,
                Op::EncounterConditions(encounter, codes) => {
                    let id = encounter.0;
                    let bytes =
                        codec::encode(ENCOUNTER_CONDITIONS_NAME, &|| id.to_string(), codes)?;
                    t.encounter_conditions
                        .insert(&id_key(id), bytes.as_slice())?;
                }
            }
        }
    }
    Ok(())
}

/// Reads a row and decodes it, `None` when absent.
pub(crate) fn get_row<T: serde::de::DeserializeOwned>(
    table: &RowTable<'_>,
    name: &'static str,
    id: u64,
) -> Result<Option<T>> {
    match table.get(&id_key(id))? {
        Some(guard) => codec::decode(name, &|| id.to_string(), guard.value()).map(Some),
        None => Ok(None),
    }
}

/// Reads an index entry holding an 8-byte row id.
pub(crate) fn get_id<'k, K: Key + 'static>(
    table: &Table<'_, K, &'static [u8]>,
    key: impl Borrow<K::SelfType<'k>>,
    name: &'static str,
    describe: &dyn Fn() -> String,
) -> Result<Option<u64>> {
    match table.get(key)? {
        Some(guard) => codec::decode_id(name, describe, guard.value()).map(Some),
        None => Ok(None),
    }
}

/// Removes an index entry only if it still points at `id` (another row may own it now).
pub(crate) fn remove_if_points_at<'k, K: Key + 'static>(
    table: &mut Table<'_, K, &'static [u8]>,
    key: K::SelfType<'k>,
    id: u64,
    name: &'static str,
    describe: &dyn Fn() -> String,
) -> Result<()>
where
    K::SelfType<'k>: Copy,
{
    if get_id(table, key, name, describe)? == Some(id) {
        table.remove(key)?;
    }
    Ok(())
}
