//! One tantivy index on disk with its single writer and a manually reloaded reader.

use super::{Result, SearchError};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use tantivy::directory::MmapDirectory;
use tantivy::merge_policy::{LogMergePolicy, NoMergePolicy};
use tantivy::schema::{Field, Schema};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term};

/// Writer memory budgets, shared by an index's indexing threads. tantivy grows each
/// thread's arena as documents arrive and frees it at each commit, so an idle writer or
/// one committing small batches costs little; in a bulk load, a thread closes its
/// segment when its arena is full. Measured on a 1M-chart import (2026-12-02): 512 and
/// 768 MB made 4 segments but saved no wall time worth having (the final merge is
/// mostly term-dictionary building either way) and raised the peak above 2 GB, so the
/// patient index keeps 256 MB.
pub const PATIENT_WRITER_MEMORY: usize = 256 * 1024 * 1024;
pub const NOTE_WRITER_MEMORY: usize = 256 * 1024 * 1024;
/// Two threads: in a rebuild the one indexing thread was 72 % of the CPU samples and
/// the thread reading the store 25 %, so the indexer was the bottleneck of a 2-core
/// machine.
const WRITER_THREADS: usize = 2;

pub struct SubIndex {
    pub index: Index,
    pub reader: IndexReader,
    writer: Mutex<IndexWriter>,
    /// Ids given a document since the last commit (the reader does not see them yet).
    staged: Mutex<HashSet<u64>>,
    pub path: PathBuf,
}

fn open_err(path: &Path, e: impl ToString) -> SearchError {
    SearchError::Open {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// Opens (or creates) the index in `path`. The index is derived data: when its schema is
/// from another version it is emptied and recreated, and `verify` reports the drift
/// until `reindex` runs.
pub fn open_index(path: &Path, schema: Schema, writer_memory: usize) -> Result<SubIndex> {
    std::fs::create_dir_all(path).map_err(|e| open_err(path, e))?;
    let dir = MmapDirectory::open(path).map_err(|e| open_err(path, e))?;
    let index = match Index::open_or_create(dir, schema.clone()) {
        Ok(index) => index,
        Err(TantivyError::SchemaError(_)) => {
            tracing::warn!("search index schema changed; recreating an empty index");
            std::fs::remove_dir_all(path).map_err(|e| open_err(path, e))?;
            std::fs::create_dir_all(path).map_err(|e| open_err(path, e))?;
            let dir = MmapDirectory::open(path).map_err(|e| open_err(path, e))?;
            Index::create(dir, schema, Default::default()).map_err(|e| open_err(path, e))?
        }
        Err(e) => return Err(open_err(path, e)),
    };
    let writer = index
        .writer_with_num_threads(WRITER_THREADS, writer_memory)
        .map_err(|e| open_err(path, e))?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e| open_err(path, e))?;
    Ok(SubIndex {
        index,
        reader,
        writer: Mutex::new(writer),
        staged: Mutex::new(HashSet::new()),
        path: path.to_path_buf(),
    })
}

pub fn index_err(e: impl ToString) -> SearchError {
    SearchError::Index(e.to_string())
}

impl SubIndex {
    pub fn writer(&self) -> Result<MutexGuard<'_, IndexWriter>> {
        self.writer
            .lock()
            .map_err(|_| SearchError::Index("index writer lock poisoned".to_string()))
    }

    /// Commits and makes the changes visible to new searches.
    pub fn commit(&self, writer: &mut IndexWriter) -> Result<()> {
        writer.commit().map_err(index_err)?;
        self.staged_ids().clear();
        self.reader.reload().map_err(index_err)
    }

    fn staged_ids(&self) -> MutexGuard<'_, HashSet<u64>> {
        self.staged.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Deletes the documents of `ids` (`id_field`); with `commit`, commits when there
    /// were any.
    pub fn remove(
        &self,
        id_field: Field,
        ids: impl ExactSizeIterator<Item = u64>,
        commit: bool,
    ) -> Result<()> {
        if ids.len() == 0 {
            return Ok(());
        }
        let mut writer = self.writer()?;
        for id in ids {
            writer.delete_term(Term::from_field_u64(id_field, id));
        }
        if commit {
            self.commit(&mut writer)?;
        }
        Ok(())
    }

    /// Queues each document as the one document of its id (`id_field`); with `commit`,
    /// commits when there were any. The old one is
    /// deleted first only when there is one, committed or queued since the last commit:
    /// tantivy keeps every delete until the commit and checks it against each segment
    /// written meanwhile, and an unconditional delete per chart made a bulk load of 1M
    /// new charts slower and 1.7 GB larger in memory than the documents themselves.
    pub fn upsert(
        &self,
        id_field: Field,
        documents: Vec<(u64, TantivyDocument)>,
        commit: bool,
    ) -> Result<()> {
        if documents.is_empty() {
            return Ok(());
        }
        let mut writer = self.writer()?;
        {
            let searcher = self.reader.searcher();
            let mut staged = self.staged_ids();
            for (id, document) in documents {
                let term = Term::from_field_u64(id_field, id);
                let indexed = searcher.doc_freq(&term).map_err(index_err)? > 0;
                if !staged.insert(id) || indexed {
                    writer.delete_term(term);
                }
                writer.add_document(document).map_err(index_err)?;
            }
        }
        if commit {
            self.commit(&mut writer)?;
        }
        Ok(())
    }

    /// Merges every segment into one (after a rebuild: one term dictionary to walk per
    /// query instead of many). Background merging is off while the rebuild runs (see
    /// [`SubIndex::pause_merges`]) so no segment is already being merged.
    pub fn merge_all(&self, writer: &mut IndexWriter) -> Result<()> {
        let ids = self.index.searchable_segment_ids().map_err(index_err)?;
        if ids.len() > 1 {
            writer.merge(&ids).wait().map_err(index_err)?;
        }
        writer.set_merge_policy(Box::new(LogMergePolicy::default()));
        self.reader.reload().map_err(index_err)
    }

    pub fn pause_merges(&self, writer: &mut IndexWriter) {
        writer.set_merge_policy(Box::new(NoMergePolicy));
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Every live value of a u64 fast field, sorted.
    pub fn all_u64(&self, field: &str) -> Result<Vec<u64>> {
        let searcher = self.reader.searcher();
        let mut out = Vec::with_capacity(searcher.num_docs() as usize);
        for seg in searcher.segment_readers() {
            let col = seg.fast_fields().u64(field).map_err(index_err)?;
            for doc in seg.doc_ids_alive() {
                if let Some(v) = col.first(doc) {
                    out.push(v);
                }
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    pub fn size_bytes(&self) -> u64 {
        dir_size(&self.path)
    }
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}
