//! Keeping the derived search index in step with the store: draining the outbox,
//! full rebuilds (`chartroom reindex`) and drift checks (`chartroom verify`).

use super::{Result, ServiceError, Services};
use chartroom_domain::{DocumentId, PatientId, Provider, ProviderId};
use chartroom_search::{
    ChartIndex, DocumentRecord, IndexChange, IndexCounts, PatientRecord, TantivyIndex,
    BULK_COMMIT_CHANGES,
};
use chartroom_store::{ChainCheck, OutboxItem, ReadTx, Store, StoreError};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

/// Outbox entries applied per index commit.
const OUTBOX_BATCH: usize = 5_000;
/// Per commit once a drain finds a backlog (a batch came full): an import of 1M charts
/// committed 200 small segments at 5,000, and tantivy's background merges of them took
/// more CPU than indexing the charts (27 % of the whole import's samples against 20 %).
const OUTBOX_BULK_BATCH: usize = 50_000;

/// What a full rebuild did.
#[derive(Clone, Copy, Debug)]
pub struct ReindexReport {
    pub counts: IndexCounts,
    pub elapsed: Duration,
}

/// One check of `chartroom verify`.
#[derive(Clone, Debug)]
pub struct VerifyCheck {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// Everything `chartroom verify` looked at, in order; the first failed check is the
/// problem it names.
#[derive(Clone, Debug, Default)]
pub struct VerifyReport {
    pub checks: Vec<VerifyCheck>,
}

impl VerifyReport {
    pub fn first_problem(&self) -> Option<&VerifyCheck> {
        self.checks.iter().find(|c| !c.ok)
    }

    fn check(&mut self, name: &'static str, ok: bool, detail: String) {
        self.checks.push(VerifyCheck { name, ok, detail });
    }
}

/// A patient with the account numbers a caller may quote: ours and the source
/// system's encounter ids (what the index holds, and what evaluation queries use).
pub fn patient_record(read: &ReadTx, patient: chartroom_domain::Patient) -> Result<PatientRecord> {
    let encounter_numbers = read
        .encounters_of(patient.id)?
        .into_iter()
        .flat_map(|e| std::iter::once(e.number).chain(e.source_id))
        .collect();
    Ok(PatientRecord {
        patient,
        encounter_numbers,
    })
}

fn provider_names(read: &ReadTx) -> Result<HashMap<ProviderId, String>> {
    Ok(read
        .providers()?
        .into_iter()
        .map(|Provider { id, name, .. }| (id, name))
        .collect())
}

/// Rebuilds `index` from every patient and document in `store`, then clears the outbox
/// entries the rebuild covered.
pub fn rebuild_index(store: &Store, index: &dyn ChartIndex) -> Result<ReindexReport> {
    let started = Instant::now();
    let read = store.read()?;
    let covered_outbox = read.outbox_last_seq()?;
    let authors = provider_names(&read)?;
    // The index pulls records through iterators; the first store error stops the pull
    // and is reported after the rebuild returns.
    let mut failure: Option<StoreError> = None;
    let counts = {
        let mut patients_iter = read.patients()?;
        let mut patients = std::iter::from_fn(|| loop {
            match patients_iter.next()? {
                Ok(p) => match patient_record(&read, p) {
                    Ok(record) => return Some(record),
                    Err(ServiceError::Store(e)) => {
                        failure.get_or_insert(e);
                        return None;
                    }
                    Err(_) => continue,
                },
                Err(e) => {
                    failure.get_or_insert(e);
                    return None;
                }
            }
        });
        let mut doc_failure: Option<StoreError> = None;
        let mut documents_iter = read.documents()?;
        let mut documents = std::iter::from_fn(|| match documents_iter.next()? {
            Ok(document) => Some(DocumentRecord {
                author_name: document.author.and_then(|a| authors.get(&a).cloned()),
                document,
            }),
            Err(e) => {
                doc_failure.get_or_insert(e);
                None
            }
        });
        let counts = index.rebuild(&mut patients, &mut documents)?;
        if let Some(e) = doc_failure {
            failure.get_or_insert(e);
        }
        counts
    };
    if let Some(e) = failure {
        return Err(e.into());
    }
    if let Some(seq) = covered_outbox {
        store.ack_outbox(seq)?;
    }
    Ok(ReindexReport {
        counts,
        elapsed: started.elapsed(),
    })
}

/// Applies pending outbox entries to `index`, oldest first, acknowledging each batch
/// only after the index committed it (a crash in between re-applies: upserts are
/// idempotent).
pub fn drain_outbox(store: &Store, index: &dyn ChartIndex) -> Result<usize> {
    apply_outbox(store, index, true)
}

/// Applies the outbox; with `ack`, removes each batch once the index committed it.
/// Without (a process about to exit while another thread may hold the store's writer),
/// everything pending is applied in one batch and left for the next open to acknowledge
/// (applying again is harmless: upserts).
fn apply_outbox(store: &Store, index: &dyn ChartIndex, ack: bool) -> Result<usize> {
    let mut batch = OUTBOX_BATCH;
    let applied = apply_batches(store, index, ack, &mut batch);
    // A bulk load that began ends here even when a batch failed, so a long-running
    // server's index does not stay without merges. A failed compaction leaves a correct
    // index with more segments: a warning, not a failed command.
    if batch == OUTBOX_BULK_BATCH {
        if let Err(e) = index.bulk_load(false) {
            tracing::warn!("the index was not compacted after a bulk load: {e}");
        }
    }
    applied
}

/// The loop of [`apply_outbox`]; `batch` grows to [`OUTBOX_BULK_BATCH`] (and the index is
/// told a bulk load began) when a batch comes full. From then on batches are staged in
/// the index and committed every [`BULK_COMMIT_CHANGES`] changes and at the end, and the
/// outbox is acknowledged only up to what a commit covered: a crash in between loses
/// staged work, never an outbox entry.
fn apply_batches(
    store: &Store,
    index: &dyn ChartIndex,
    ack: bool,
    batch: &mut usize,
) -> Result<usize> {
    let mut applied = 0;
    // The newest entry staged (the read cursor) and how many wait for a commit.
    let mut staged_through: Option<u64> = None;
    let mut staged = 0;
    loop {
        let read = store.read()?;
        let limit = if ack { *batch } else { usize::MAX };
        let pending = read.outbox_after(staged_through, limit)?;
        let Some(&(last_seq, _)) = pending.last() else {
            break;
        };
        let changes = index_changes(&read, &pending)?;
        applied += pending.len();
        if !ack {
            index.apply(changes)?;
            return Ok(applied);
        }
        if *batch == OUTBOX_BULK_BATCH {
            index.stage(changes)?;
            staged_through = Some(last_seq);
            staged += pending.len();
            if staged >= BULK_COMMIT_CHANGES {
                index.commit()?;
                store.ack_outbox(last_seq)?;
                staged = 0;
            }
            continue;
        }
        index.apply(changes)?;
        store.ack_outbox(last_seq)?;
        if pending.len() == *batch {
            *batch = OUTBOX_BULK_BATCH;
            index.bulk_load(true)?;
        }
    }
    if let (Some(last_seq), true) = (staged_through, staged > 0) {
        index.commit()?;
        store.ack_outbox(last_seq)?;
    }
    Ok(applied)
}

/// What the index must do for these outbox entries, read from one snapshot.
fn index_changes(read: &ReadTx, pending: &[(u64, OutboxItem)]) -> Result<Vec<IndexChange>> {
    let authors = provider_names(read)?;
    let mut changes = Vec::with_capacity(pending.len());
    for (_, item) in pending {
        match *item {
            OutboxItem::Patient(id) => match read.patient(id)? {
                Some(p) => changes.push(IndexChange::Patient(patient_record(read, p)?)),
                // destroyed: the index lets go of it too
                None => changes.push(IndexChange::RemovePatient(id)),
            },
            OutboxItem::Document(id) => match read.document(id)? {
                Some(document) => changes.push(IndexChange::Document(DocumentRecord {
                    author_name: document.author.and_then(|a| authors.get(&a).cloned()),
                    document,
                })),
                None => changes.push(IndexChange::RemoveDocument(id)),
            },
        }
    }
    Ok(changes)
}

/// `chartroom verify`: store/index agreement and the audit chain. Read-only: it does
/// not drain the outbox. Outbox entries are changes committed to the store that the
/// index has not absorbed yet (a process killed between its store commit and its index
/// update leaves some; the next open applies them): they are listed, and the charts and
/// notes they name are not counted as drift. Anything else that differs is.
pub fn verify(data_dir: &Path) -> Result<VerifyReport> {
    let store = Store::open(data_dir)?;
    let index = TantivyIndex::open(data_dir)?;
    let mut report = VerifyReport::default();
    let read = store.read()?;
    let counts = read.counts()?;
    let queued = read.outbox(usize::MAX)?;
    let queued_patients: HashSet<PatientId> = queued
        .iter()
        .filter_map(|(_, item)| match item {
            OutboxItem::Patient(id) => Some(*id),
            OutboxItem::Document(_) => None,
        })
        .collect();
    let queued_documents: HashSet<DocumentId> = queued
        .iter()
        .filter_map(|(_, item)| match item {
            OutboxItem::Document(id) => Some(*id),
            OutboxItem::Patient(_) => None,
        })
        .collect();
    // Pending entries are not a fault: `Services::open` applies them. Only ids that
    // differ between store and index without an outbox entry are drift (below).
    report.check(
        "outbox",
        true,
        if counts.outbox == 0 {
            "0 changes pending".to_string()
        } else {
            format!(
                "{} changes pending, applied on next open (not drift)",
                counts.outbox
            )
        },
    );
    let mut store_patients = Vec::with_capacity(counts.patients as usize);
    for p in read.patients()? {
        store_patients.push(p?.id);
    }
    compare_ids(
        "patients",
        &store_patients,
        &index.patient_ids()?,
        &queued_patients,
        &mut report,
    );
    let mut store_docs: Vec<DocumentId> = Vec::with_capacity(counts.documents as usize);
    for d in read.documents()? {
        store_docs.push(d?.id);
    }
    compare_ids(
        "documents",
        &store_docs,
        &index.document_ids()?,
        &queued_documents,
        &mut report,
    );
    match store.check_audit_chain()? {
        ChainCheck::Intact { events, head } => report.check(
            "audit chain",
            true,
            format!("{events} events, head {}", &head.to_hex()[..16]),
        ),
        ChainCheck::Broken { seq, reason } => report.check(
            "audit chain",
            false,
            format!("broken at event {seq}: {reason}"),
        ),
    }
    Ok(report)
}

fn compare_ids<T: Ord + Copy + std::hash::Hash + std::fmt::Display>(
    name: &'static str,
    store: &[T],
    index: &[T],
    queued: &HashSet<T>,
    report: &mut VerifyReport,
) {
    let mut store = store.to_vec();
    store.sort_unstable();
    if store == index {
        report.check(name, true, format!("{} in store and index", store.len()));
        return;
    }
    // Rows the outbox still has to bring into the index are not drift.
    let missing = store
        .iter()
        .find(|id| index.binary_search(id).is_err() && !queued.contains(id));
    // A row removed from the store (a merge) leaves the index when its entry is applied.
    let extra = index
        .iter()
        .find(|id| store.binary_search(id).is_err() && !queued.contains(id));
    let duplicated = index.windows(2).any(|w| w[0] == w[1]);
    let detail = match (missing, extra) {
        (None, None) if !duplicated => {
            report.check(
                name,
                true,
                format!(
                    "{} in store, {} in index, the difference pending in the outbox \
                     (applied on next open)",
                    store.len(),
                    index.len()
                ),
            );
            return;
        }
        (Some(id), _) => format!(
            "store has {}, index has {}; first missing from the index: id {id}",
            store.len(),
            index.len()
        ),
        (None, Some(id)) => format!(
            "store has {}, index has {}; first in the index but not the store: id {id}",
            store.len(),
            index.len()
        ),
        (None, None) => format!(
            "store has {}, index has {} (duplicates)",
            store.len(),
            index.len()
        ),
    };
    report.check(name, false, detail);
}

impl Services {
    /// Rebuilds an empty index (or one with an empty half: a new version recreates an
    /// index whose schema changed) from a non-empty store, then applies the outbox.
    pub(super) fn bring_index_up_to_date(&self) -> Result<()> {
        let _guard = self.index_sync.lock().unwrap_or_else(|p| p.into_inner());
        let store_counts = self.store.read()?.counts()?;
        let index_counts = self.index.counts()?;
        if (index_counts.patients == 0 && store_counts.patients > 0)
            || (index_counts.documents == 0 && store_counts.documents > 0)
        {
            rebuild_index(&self.store, self.index.as_ref())?;
        }
        drain_outbox(&self.store, self.index.as_ref())?;
        Ok(())
    }

    /// Applies store changes to the index (after imports or edits in this process).
    pub fn sync_index(&self) -> Result<usize> {
        let _guard = self.index_sync.lock().unwrap_or_else(|p| p.into_inner());
        drain_outbox(&self.store, self.index.as_ref())
    }

    /// For a process about to exit early (a signal): applies every committed change still
    /// in the outbox to the index without waiting for the store's writer (an import may
    /// hold it mid-file); the next open acknowledges them. Answers how many were applied.
    pub fn catch_up_index_before_exit(&self) -> Result<usize> {
        let _guard = self.index_sync.lock().unwrap_or_else(|p| p.into_inner());
        apply_outbox(&self.store, self.index.as_ref(), false)
    }

    /// Rebuilds the whole index from the store.
    pub(crate) fn rebuild_index(&self) -> Result<ReindexReport> {
        let _guard = self.index_sync.lock().unwrap_or_else(|p| p.into_inner());
        rebuild_index(&self.store, self.index.as_ref())
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;
    use chartroom_search::{NoteHit, NoteQuery, PatientHit};
    use std::sync::Mutex;

    /// Records what the drain asks of an index.
    #[derive(Default)]
    struct Recorder {
        calls: Mutex<Vec<String>>,
        patients: Mutex<Vec<PatientId>>,
        /// `commit` fails (a full disk under the index, say).
        failing_commit: bool,
    }

    impl Recorder {
        fn record(&self, call: &str, changes: Vec<IndexChange>) {
            self.calls
                .lock()
                .unwrap()
                .push(format!("{call} {}", changes.len()));
            let mut patients = self.patients.lock().unwrap();
            for change in changes {
                if let IndexChange::Patient(p) = change {
                    patients.push(p.patient.id);
                }
            }
        }
    }

    impl ChartIndex for Recorder {
        fn rebuild(
            &self,
            _: &mut dyn Iterator<Item = PatientRecord>,
            _: &mut dyn Iterator<Item = DocumentRecord>,
        ) -> chartroom_search::Result<IndexCounts> {
            Ok(IndexCounts::default())
        }
        fn apply(&self, changes: Vec<IndexChange>) -> chartroom_search::Result<()> {
            self.record("apply", changes);
            Ok(())
        }
        fn stage(&self, changes: Vec<IndexChange>) -> chartroom_search::Result<()> {
            self.record("stage", changes);
            Ok(())
        }
        fn commit(&self) -> chartroom_search::Result<()> {
            self.calls.lock().unwrap().push("commit".into());
            if self.failing_commit {
                return Err(chartroom_search::SearchError::Index("disk full".into()));
            }
            Ok(())
        }
        fn search_patients(&self, _: &str, _: usize) -> chartroom_search::Result<Vec<PatientHit>> {
            Ok(Vec::new())
        }
        fn search_notes(&self, _: &NoteQuery, _: usize) -> chartroom_search::Result<Vec<NoteHit>> {
            Ok(Vec::new())
        }
        fn counts(&self) -> chartroom_search::Result<IndexCounts> {
            Ok(IndexCounts::default())
        }
        fn patient_ids(&self) -> chartroom_search::Result<Vec<PatientId>> {
            Ok(Vec::new())
        }
        fn document_ids(&self) -> chartroom_search::Result<Vec<DocumentId>> {
            Ok(Vec::new())
        }
        fn size_bytes(&self) -> u64 {
            0
        }
        fn bulk_load(&self, active: bool) -> chartroom_search::Result<()> {
            self.calls.lock().unwrap().push(format!("bulk {active}"));
            Ok(())
        }
    }

    fn store_with_patients(n: usize) -> (tempfile::TempDir, Store) {
        let (dir, store) = chartroom_testkit::temp_store();
        let mut tx = store.write().expect("write");
        for i in 0..n {
            let mut p = chartroom_testkit::patient("Casey", &format!("Ortiz{i}"), (1970, 1, 1));
            p.id = tx.next_patient_id().expect("id");
            p.mrn = tx.next_mrn().expect("mrn");
            tx.put_patient(&p).expect("put");
        }
        tx.commit().expect("commit");
        (dir, store)
    }

    #[test]
    fn a_backlog_is_drained_in_bulk_batches_and_the_bulk_load_ends() {
        let (_dir, store) = store_with_patients(OUTBOX_BATCH + OUTBOX_BULK_BATCH + 10);
        let index = Recorder::default();
        let applied = drain_outbox(&store, &index).expect("drain");
        assert_eq!(applied, OUTBOX_BATCH + OUTBOX_BULK_BATCH + 10);
        assert_eq!(
            *index.calls.lock().unwrap(),
            vec![
                format!("apply {OUTBOX_BATCH}"),
                "bulk true".to_string(),
                format!("stage {OUTBOX_BULK_BATCH}"),
                "stage 10".to_string(),
                "commit".to_string(),
                "bulk false".to_string(),
            ]
        );
        // every chart once, in the order they were written
        let ids = index.patients.lock().unwrap().clone();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order, no repeats");
        assert_eq!(
            store
                .read()
                .expect("read")
                .outbox(10)
                .expect("outbox")
                .len(),
            0
        );
    }

    #[test]
    fn staged_batches_stay_in_the_outbox_until_a_commit_covers_them() {
        let (_dir, store) = store_with_patients(OUTBOX_BATCH + 20);
        let index = Recorder {
            failing_commit: true,
            ..Recorder::default()
        };
        assert!(drain_outbox(&store, &index).is_err());
        // the first batch was applied (committed) and acknowledged; the staged 20 were not
        let left = store.read().expect("read").outbox(100).expect("outbox");
        assert_eq!(left.len(), 20);
        assert_eq!(
            index.calls.lock().unwrap().last().map(String::as_str),
            Some("bulk false"),
            "a bulk load that began ends even when it failed"
        );
        let index = Recorder::default();
        assert_eq!(drain_outbox(&store, &index).expect("drain again"), 20);
        assert!(store
            .read()
            .expect("read")
            .outbox(10)
            .expect("outbox")
            .is_empty());
    }

    #[test]
    fn a_trickle_is_no_bulk_load() {
        let (_dir, store) = store_with_patients(12);
        let index = Recorder::default();
        assert_eq!(drain_outbox(&store, &index).expect("drain"), 12);
        assert_eq!(*index.calls.lock().unwrap(), vec!["apply 12".to_string()]);
    }
}
