//! One tantivy index on disk with its single writer and a manually reloaded reader.

use super::{Result, SearchError};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use tantivy::directory::MmapDirectory;
use tantivy::merge_policy::{LogMergePolicy, NoMergePolicy};
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyError};

/// Writer memory budget per index, shared by its indexing threads (tantivy grows each
/// thread's arena as documents arrive, so an idle writer costs little). Two threads: in a
/// rebuild the one indexing thread was 72 % of the CPU samples and the thread reading the
/// store 25 %, so the indexer was the bottleneck of a 2-core machine.
const WRITER_MEMORY: usize = 256 * 1024 * 1024;
const WRITER_THREADS: usize = 2;

pub struct SubIndex {
    pub index: Index,
    pub reader: IndexReader,
    writer: Mutex<IndexWriter>,
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
pub fn open_index(path: &Path, schema: Schema) -> Result<SubIndex> {
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
        .writer_with_num_threads(WRITER_THREADS, WRITER_MEMORY)
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
        self.reader.reload().map_err(index_err)
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
