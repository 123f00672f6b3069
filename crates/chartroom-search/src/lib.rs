//! The search index: the only user of tantivy, fuzzy-matcher and strsim. Derived from the
//! store and always rebuildable from it (`chartroom reindex`).
//!
//! Two tantivy indexes live in `DATA_DIR/index/`: `patients/` (candidates for patient
//! search, re-ranked with explanations by `ranking`) and `notes/` (full text of clinical
//! documents with snippets). See docs/SEARCH.md for the design and measured figures.

// Public only so that benches/ can reach the test record builders; not part of the API.
#[doc(hidden)]
pub mod bench_support;
mod gated;
mod index_files;
mod note_index;
mod note_query;
mod patient_gated;
mod patient_index;
mod patient_query;
#[cfg(test)]
mod query_shape_tests;
mod ranking;
mod record;
mod snippet;
#[cfg(test)]
mod synthea_tests;
// Compiled outside tests too: bench_support hands its builders to benches/.
pub(crate) mod test_support;
#[cfg(test)]
mod tests;

use chartroom_domain::{Document, DocumentId, DocumentType, Patient, PatientId, ProviderId};
use chrono::{NaiveDate, NaiveDateTime};
use note_index::NoteIndex;
use patient_index::PatientIndex;
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
// Changes travel in short-lived batches; boxing the larger variant would cost an
// allocation per patient for no memory that matters.
#[allow(clippy::large_enum_variant)]
pub enum IndexChange {
    Patient(PatientRecord),
    Document(DocumentRecord),
    /// The chart is gone from the store (destroyed at the end of its retention).
    RemovePatient(PatientId),
    /// The document is gone from the store.
    RemoveDocument(DocumentId),
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
    /// Words of the author's name (`smith`, `jane smith`); every word must match.
    pub author_name: Option<String>,
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
    pub author: Option<ProviderId>,
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
    /// Upserts changed records without making them searchable or durable yet: they are
    /// committed by the next [`ChartIndex::commit`] (or `apply`), and lost if the process
    /// ends first. A bulk load stages many batches and commits rarely, so the index
    /// writes a few large segments instead of many small ones that must be merged.
    /// Default: `apply`.
    fn stage(&self, changes: Vec<IndexChange>) -> Result<()> {
        self.apply(changes)
    }
    /// Makes every staged change searchable and durable. Default: nothing staged.
    fn commit(&self) -> Result<()> {
        Ok(())
    }
    fn search_patients(&self, query: &str, limit: usize) -> Result<Vec<PatientHit>>;
    fn search_notes(&self, query: &NoteQuery, limit: usize) -> Result<Vec<NoteHit>>;
    fn counts(&self) -> Result<IndexCounts>;
    /// Every indexed patient id, sorted (verify compares it with the store).
    fn patient_ids(&self) -> Result<Vec<PatientId>>;
    /// Every indexed document id, sorted.
    fn document_ids(&self) -> Result<Vec<DocumentId>>;
    /// Bytes on disk.
    fn size_bytes(&self) -> u64;
    /// A long run of [`ChartIndex::apply`] calls begins (`true`) or has ended (`false`):
    /// the index may hold background work until the end and compact then. Default:
    /// nothing to do.
    fn bulk_load(&self, _active: bool) -> Result<()> {
        Ok(())
    }
}

/// The tantivy-backed index in `DIR/index/`. `Send + Sync`: searches run concurrently
/// with `apply` (one writer per index behind a mutex; readers reload after each commit).
pub struct TantivyIndex {
    patients: PatientIndex,
    notes: NoteIndex,
}

impl TantivyIndex {
    pub fn open(data_dir: &Path) -> Result<TantivyIndex> {
        let root = data_dir.join("index");
        Ok(TantivyIndex {
            patients: PatientIndex::open(&root.join("patients"))?,
            notes: NoteIndex::open(&root.join("notes"))?,
        })
    }

    /// Deletes and upserts `changes`; with `commit`, each writer that got changes commits
    /// them (searchable and durable), else they wait for the next commit.
    fn write_changes(&self, changes: Vec<IndexChange>, commit: bool) -> Result<()> {
        let (mut pats, mut docs) = (Vec::new(), Vec::new());
        let (mut gone_pats, mut gone_docs) = (Vec::new(), Vec::new());
        for c in changes {
            match c {
                IndexChange::Patient(p) => pats.push(p),
                IndexChange::Document(d) => docs.push(d),
                IndexChange::RemovePatient(id) => gone_pats.push(id),
                IndexChange::RemoveDocument(id) => gone_docs.push(id),
            }
        }
        let gone_pats = gone_pats.iter().map(|id| id.0);
        self.patients
            .sub
            .remove(self.patients.f.id, gone_pats, commit)?;
        let gone_docs = gone_docs.iter().map(|id| id.0);
        self.notes.sub.remove(self.notes.f.id, gone_docs, commit)?;
        let ids = pats.iter().map(|p| p.patient.id.0);
        let documents = ids.zip(self.patients.documents(&pats)).collect();
        self.patients
            .sub
            .upsert(self.patients.f.id, documents, commit)?;
        let documents = docs
            .iter()
            .map(|d| Ok((d.document.id.0, self.notes.document(d)?)))
            .collect::<Result<Vec<_>>>()?;
        self.notes.sub.upsert(self.notes.f.id, documents, commit)?;
        Ok(())
    }
}

/// Notes are committed in batches of this many during a rebuild so progress is durable
/// (the note index merges its segments in the background).
const REBUILD_BATCH: u64 = 200_000;
/// Changes staged between commits in a bulk load (patient or note documents), and
/// patient documents between commits in a rebuild. Each commit closes a segment per
/// indexing thread, and every patient segment is merged away at the end: at 1M patients,
/// commits every 200,000 left 17 segments, whose merge took 22 s.
pub const BULK_COMMIT_CHANGES: usize = 500_000;
/// Patient records turned into documents at a time in a rebuild (on every core).
const REBUILD_DOCUMENT_CHUNK: usize = 20_000;

impl ChartIndex for TantivyIndex {
    fn rebuild(
        &self,
        patients: &mut dyn Iterator<Item = PatientRecord>,
        documents: &mut dyn Iterator<Item = DocumentRecord>,
    ) -> Result<IndexCounts> {
        let mut counts = IndexCounts::default();
        {
            let mut w = self.patients.sub.writer()?;
            self.patients.sub.pause_merges(&mut w);
            w.delete_all_documents().map_err(index_files::index_err)?;
            let mut since_commit = 0;
            loop {
                let chunk: Vec<PatientRecord> =
                    (&mut *patients).take(REBUILD_DOCUMENT_CHUNK).collect();
                if chunk.is_empty() {
                    break;
                }
                for document in self.patients.documents(&chunk) {
                    w.add_document(document).map_err(index_files::index_err)?;
                }
                counts.patients += chunk.len() as u64;
                since_commit += chunk.len();
                if since_commit >= BULK_COMMIT_CHANGES {
                    w.commit().map_err(index_files::index_err)?;
                    since_commit = 0;
                }
            }
            self.patients.sub.commit(&mut w)?;
            // Patient search is latency-bound: one segment, one term dictionary per lookup.
            self.patients.sub.merge_all(&mut w)?;
        }
        {
            let mut w = self.notes.sub.writer()?;
            w.delete_all_documents().map_err(index_files::index_err)?;
            for rec in documents {
                w.add_document(self.notes.document(&rec)?)
                    .map_err(index_files::index_err)?;
                counts.documents += 1;
                if counts.documents % REBUILD_BATCH == 0 {
                    w.commit().map_err(index_files::index_err)?;
                }
            }
            self.notes.sub.commit(&mut w)?;
        }
        Ok(counts)
    }

    fn apply(&self, changes: Vec<IndexChange>) -> Result<()> {
        self.write_changes(changes, true)
    }

    fn stage(&self, changes: Vec<IndexChange>) -> Result<()> {
        self.write_changes(changes, false)
    }

    fn commit(&self) -> Result<()> {
        {
            let mut w = self.patients.sub.writer()?;
            self.patients.sub.commit(&mut w)?;
        }
        let mut w = self.notes.sub.writer()?;
        self.notes.sub.commit(&mut w)
    }

    fn search_patients(&self, query: &str, limit: usize) -> Result<Vec<PatientHit>> {
        self.patients.search(query, limit)
    }

    fn search_notes(&self, query: &NoteQuery, limit: usize) -> Result<Vec<NoteHit>> {
        self.notes.search(query, limit)
    }

    fn counts(&self) -> Result<IndexCounts> {
        Ok(IndexCounts {
            patients: self.patients.sub.num_docs(),
            documents: self.notes.sub.num_docs(),
        })
    }

    fn patient_ids(&self) -> Result<Vec<PatientId>> {
        self.patients.ids()
    }

    fn document_ids(&self) -> Result<Vec<DocumentId>> {
        Ok(self
            .notes
            .sub
            .all_u64("id")?
            .into_iter()
            .map(DocumentId)
            .collect())
    }

    /// During a bulk load the patient index merges nothing; at its end every segment is
    /// merged into one, as after a rebuild: patient search is latency-bound, and an
    /// import of 1M charts otherwise left 14 segments (14 term dictionaries per lookup).
    /// The note index keeps merging in the background: its segments are large and note
    /// search prunes per segment.
    fn bulk_load(&self, active: bool) -> Result<()> {
        let mut w = self.patients.sub.writer()?;
        if active {
            self.patients.sub.pause_merges(&mut w);
            Ok(())
        } else {
            self.patients.sub.merge_all(&mut w)
        }
    }

    fn size_bytes(&self) -> u64 {
        self.patients.sub.size_bytes() + self.notes.sub.size_bytes()
    }
}
