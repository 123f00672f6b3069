//! The store: the only user of redb, and the source of truth.
//!
//! INTERFACE (filled in by the store work; signatures are the contract other modules
//! code against). One write transaction per user action; every patient/document write
//! also appends to the outbox that the search index drains.

use crate::domain::{
    AccessEvent, AuditHash, Document, DocumentId, Encounter, EncounterId, Mrn, NewAccessEvent,
    Patient, PatientId, Provider, ProviderId, StaffUser, UserId,
};
use std::path::{Path, PathBuf};

/// Errors of the store. Messages name the table and key, never patient data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the data directory {path} is in use by another chartroom process (a server?); connect to it with ssh instead")]
    Locked { path: PathBuf },
    #[error("cannot open the data directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the data directory {path} has schema version {found}, newer than this chartroom understands ({supported})")]
    SchemaTooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("corrupt row in table {table} (key {key}): {reason}")]
    Corrupt {
        table: &'static str,
        key: String,
        reason: String,
    },
    #[error("{what} {key} already exists")]
    Duplicate { what: &'static str, key: String },
    #[error("database error: {0}")]
    Database(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// What the index still has to absorb.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxItem {
    Patient(PatientId),
    Document(DocumentId),
}

/// Row counts and file size, for the status bar, verify and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreCounts {
    pub patients: u64,
    pub encounters: u64,
    pub documents: u64,
    pub providers: u64,
    pub users: u64,
    pub audit_events: u64,
    pub outbox: u64,
}

/// Result of walking the audit chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainCheck {
    Intact {
        events: u64,
        head: AuditHash,
    },
    /// The first event whose link or hash is wrong.
    Broken {
        seq: u64,
        reason: String,
    },
}

pub struct Store {
    _private: (),
}

impl Store {
    /// Opens (creating if needed) `DIR/chartroom.redb`, running migrations.
    pub fn open(dir: &Path) -> Result<Store> {
        let _ = dir;
        todo!("store")
    }
    pub fn schema_version(&self) -> Result<u32> {
        todo!("store")
    }
    /// Starts the write transaction of one user action.
    pub fn write(&self) -> Result<WriteTx<'_>> {
        todo!("store")
    }
    /// A consistent read snapshot.
    pub fn read(&self) -> Result<ReadTx> {
        todo!("store")
    }
    /// Appends one audit event in its own transaction and returns it chained.
    pub fn append_audit(&self, event: NewAccessEvent) -> Result<AccessEvent> {
        let _ = event;
        todo!("store")
    }
    /// Walks the whole audit chain.
    pub fn check_audit_chain(&self) -> Result<ChainCheck> {
        todo!("store")
    }
    /// Removes outbox entries up to and including `seq` (the index absorbed them).
    pub fn ack_outbox(&self, up_to_seq: u64) -> Result<()> {
        let _ = up_to_seq;
        todo!("store")
    }
}

/// One write transaction; nothing is visible until `commit`, dropping it aborts.
pub struct WriteTx<'s> {
    _store: &'s Store,
}

impl WriteTx<'_> {
    pub fn next_patient_id(&mut self) -> Result<PatientId> {
        todo!()
    }
    pub fn next_encounter_id(&mut self) -> Result<EncounterId> {
        todo!()
    }
    pub fn next_document_id(&mut self) -> Result<DocumentId> {
        todo!()
    }
    pub fn next_provider_id(&mut self) -> Result<ProviderId> {
        todo!()
    }
    pub fn next_user_id(&mut self) -> Result<UserId> {
        todo!()
    }
    /// Next free MRN (allocated sequentially from a configurable base).
    pub fn next_mrn(&mut self) -> Result<Mrn> {
        todo!()
    }
    /// Inserts or replaces; maintains the MRN index; queues the patient for the index.
    pub fn put_patient(&mut self, patient: &Patient) -> Result<()> {
        let _ = patient;
        todo!()
    }
    /// Inserts or replaces; maintains number and per-patient indexes.
    pub fn put_encounter(&mut self, encounter: &Encounter) -> Result<()> {
        let _ = encounter;
        todo!()
    }
    /// Inserts or replaces; queues the document for the index.
    pub fn put_document(&mut self, document: &Document) -> Result<()> {
        let _ = document;
        todo!()
    }
    pub fn put_provider(&mut self, provider: &Provider) -> Result<()> {
        let _ = provider;
        todo!()
    }
    pub fn put_user(&mut self, user: &StaffUser) -> Result<()> {
        let _ = user;
        todo!()
    }
    /// Appends an audit event inside this transaction.
    pub fn append_audit(&mut self, event: NewAccessEvent) -> Result<AccessEvent> {
        let _ = event;
        todo!()
    }
    pub fn commit(self) -> Result<()> {
        todo!()
    }
}

/// A read snapshot.
pub struct ReadTx {
    _private: (),
}

impl ReadTx {
    pub fn patient(&self, id: PatientId) -> Result<Option<Patient>> {
        let _ = id;
        todo!()
    }
    pub fn patient_by_mrn(&self, mrn: Mrn) -> Result<Option<Patient>> {
        let _ = mrn;
        todo!()
    }
    /// Patient whose identifiers include (system, value), e.g. a Synthea Id.
    pub fn patient_by_identifier(&self, system: &str, value: &str) -> Result<Option<PatientId>> {
        let _ = (system, value);
        todo!()
    }
    /// All patients in id order (reindex, verify, export).
    pub fn patients(&self) -> Result<Box<dyn Iterator<Item = Result<Patient>> + '_>> {
        todo!()
    }
    pub fn encounter(&self, id: EncounterId) -> Result<Option<Encounter>> {
        let _ = id;
        todo!()
    }
    pub fn encounter_by_number(&self, number: &str) -> Result<Option<Encounter>> {
        let _ = number;
        todo!()
    }
    /// A patient's encounters, newest admission first.
    pub fn encounters_of(&self, patient: PatientId) -> Result<Vec<Encounter>> {
        let _ = patient;
        todo!()
    }
    pub fn document(&self, id: DocumentId) -> Result<Option<Document>> {
        let _ = id;
        todo!()
    }
    /// A patient's documents, newest first.
    pub fn documents_of(&self, patient: PatientId) -> Result<Vec<Document>> {
        let _ = patient;
        todo!()
    }
    /// All documents in id order (reindex, verify).
    pub fn documents(&self) -> Result<Box<dyn Iterator<Item = Result<Document>> + '_>> {
        todo!()
    }
    pub fn provider(&self, id: ProviderId) -> Result<Option<Provider>> {
        let _ = id;
        todo!()
    }
    pub fn providers(&self) -> Result<Vec<Provider>> {
        todo!()
    }
    pub fn user(&self, id: UserId) -> Result<Option<StaffUser>> {
        let _ = id;
        todo!()
    }
    pub fn user_by_name(&self, username: &str) -> Result<Option<StaffUser>> {
        let _ = username;
        todo!()
    }
    pub fn users(&self) -> Result<Vec<StaffUser>> {
        todo!()
    }
    pub fn counts(&self) -> Result<StoreCounts> {
        todo!()
    }
    /// Outbox entries in order, oldest first: (seq, item).
    pub fn outbox(&self, limit: usize) -> Result<Vec<(u64, OutboxItem)>> {
        let _ = limit;
        todo!()
    }
    /// Audit events from `from_seq` on, in chain order.
    pub fn audit_events(&self, from_seq: u64, limit: usize) -> Result<Vec<AccessEvent>> {
        let _ = (from_seq, limit);
        todo!()
    }
    /// All access to one patient, newest first (a range scan, not a table scan).
    pub fn audit_for_patient(&self, patient: PatientId, limit: usize) -> Result<Vec<AccessEvent>> {
        let _ = (patient, limit);
        todo!()
    }
    /// All access by one user, newest first (a range scan).
    pub fn audit_by_user(&self, user: UserId, limit: usize) -> Result<Vec<AccessEvent>> {
        let _ = (user, limit);
        todo!()
    }
}
