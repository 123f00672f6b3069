//! The search index: the only user of tantivy. Derived from the store and always
//! rebuildable from it (`chartroom reindex`).
//!
//! INTERFACE (filled in by the search work; signatures are the contract).

use crate::domain::{Document, DocumentId, DocumentType, Patient, PatientId, ProviderId};
use chrono::{NaiveDate, NaiveDateTime};
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("cannot open the search index in {path}: {reason} (run `chartroom reindex`)")]
    Open { path: PathBuf, reason: String },
    #[error("search index error: {0}")]
    Index(String),
    #[error("cannot understand the note query at character {position}: {reason}")]
    Query { position: usize, reason: String },
}

pub type Result<T> = std::result::Result<T, SearchError>;

/// Everything the patient index needs about one patient.
#[derive(Clone, Debug)]
pub struct PatientRecord {
    pub patient: Patient,
    /// Account numbers of the patient's encounters (searchable identifiers).
    pub encounter_numbers: Vec<String>,
}

/// Everything the note index needs about one document.
#[derive(Clone, Debug)]
pub struct DocumentRecord {
    pub document: Document,
    pub author_name: Option<String>,
}

/// A change the index absorbs (from the store's outbox).
#[derive(Clone, Debug)]
pub enum IndexChange {
    Patient(PatientRecord),
    Document(DocumentRecord),
}

/// One ranked patient and why it matched ("last name ~ smyth→smith (1 typo)").
#[derive(Clone, Debug, PartialEq)]
pub struct PatientHit {
    pub patient: PatientId,
    pub score: f32,
    pub why: Vec<String>,
}

/// A note search: free text (phrases, AND/OR/NOT, prefix*) plus filters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NoteQuery {
    pub text: String,
    pub patient: Option<PatientId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub doc_type: Option<DocumentType>,
    pub author: Option<ProviderId>,
}

/// Text around the match; `marks` are byte ranges of matched words in `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub marks: Vec<Range<usize>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NoteHit {
    pub document: DocumentId,
    pub patient: PatientId,
    pub doc_type: DocumentType,
    pub time: NaiveDateTime,
    pub score: f32,
    pub snippet: Snippet,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IndexCounts {
    pub patients: u64,
    pub documents: u64,
}

/// What services need from an index; tests may use another implementation.
pub trait ChartIndex: Send + Sync {
    /// Replaces the whole index with these records.
    fn rebuild(
        &self,
        patients: &mut dyn Iterator<Item = PatientRecord>,
        documents: &mut dyn Iterator<Item = DocumentRecord>,
    ) -> Result<IndexCounts>;
    /// Upserts changed records (by id) and makes them searchable.
    fn apply(&self, changes: Vec<IndexChange>) -> Result<()>;
    fn search_patients(&self, query: &str, limit: usize) -> Result<Vec<PatientHit>>;
    fn search_notes(&self, query: &NoteQuery, limit: usize) -> Result<Vec<NoteHit>>;
    fn counts(&self) -> Result<IndexCounts>;
    /// Every indexed patient id, sorted (verify compares it with the store).
    fn patient_ids(&self) -> Result<Vec<PatientId>>;
    /// Every indexed document id, sorted.
    fn document_ids(&self) -> Result<Vec<DocumentId>>;
    /// Bytes on disk.
    fn size_bytes(&self) -> u64;
}

/// The tantivy-backed index in `DIR/index/`.
pub struct TantivyIndex {
    _private: (),
}

impl TantivyIndex {
    pub fn open(data_dir: &Path) -> Result<TantivyIndex> {
        let _ = data_dir;
        todo!("search")
    }
}
