//! Candidate collection by gating: take the documents of the rarest group of terms, then
//! check the other groups only on those documents.
//!
//! A tantivy boolean query over alternatives (a word, its nicknames, its sound codes) puts
//! each word behind a union scorer, and intersecting or optionally scoring unions walks
//! every posting of them: tantivy's union refills 4,096-document windows, and the few
//! thousand patients of a rare term at 1M patients are spread over all windows. That cost
//! 2–6 ms for common names. Here the gate's documents are collected once and every other
//! term's postings are only *sought* to them, skipping whole blocks: a fraction of a
//! millisecond.

use super::{Result, SearchError};
use std::sync::Arc;
use tantivy::postings::{SegmentPostings, TermInfo};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, InvertedIndexReader, Searcher, Term, TERMINATED};

/// Alternatives for one part of a query: `(field, term text, weight)`. A document matches
/// the group with the best weight among the terms it holds.
#[derive(Clone, Debug, Default)]
pub struct TermGroup {
    pub terms: Vec<(Field, String, f32)>,
}

impl TermGroup {
    pub fn push(&mut self, field: Field, text: impl Into<String>, weight: f32) {
        self.terms.push((field, text.into(), weight));
    }
}

/// Which groups a candidate must match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Every group (the rarest one gates the others).
    All,
    /// The first group, and at least one of the others.
    FirstAndAny,
}

/// The best `want` candidates, ordered by the sum of their groups' weights, and whether
/// more qualified than were returned.
pub fn gated_candidates(
    searcher: &Searcher,
    groups: &[TermGroup],
    need: Need,
    want: usize,
) -> Result<(Vec<DocAddress>, bool)> {
    let mut scored: Vec<(f32, DocAddress)> = Vec::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let infos = term_infos(reader, groups)?;
        let freq = |g: &Vec<Option<TermInfo>>| -> u64 {
            g.iter().flatten().map(|t| u64::from(t.doc_freq)).sum()
        };
        let gate = match need {
            Need::FirstAndAny => 0,
            Need::All => {
                if infos.iter().any(|g| freq(g) == 0) {
                    continue;
                }
                (0..infos.len())
                    .min_by_key(|i| freq(&infos[*i]))
                    .unwrap_or(0)
            }
        };
        let Some(gate_infos) = infos.get(gate) else {
            continue;
        };
        let docs = gate_docs(reader, &groups[gate], gate_infos)?;
        if docs.is_empty() {
            continue;
        }
        // best weight of each group on each gate document
        let width = groups.len();
        let mut best = vec![0.0f32; docs.len() * width];
        for (di, (_, w)) in docs.iter().enumerate() {
            best[di * width + gate] = *w;
        }
        let wanted: Vec<(usize, DocId)> = docs.iter().map(|(doc, _)| *doc).enumerate().collect();
        for (gi, group) in groups.iter().enumerate() {
            if gi == gate {
                continue;
            }
            for ((field, _, weight), info) in group.terms.iter().zip(&infos[gi]) {
                let Some(info) = info else { continue };
                let mut postings = read_postings(reader, *field, info)?;
                seek_each(&mut postings, &wanted, |di| {
                    let b = &mut best[di * width + gi];
                    *b = b.max(*weight);
                });
            }
        }
        for (di, (doc, _)) in docs.iter().enumerate() {
            let row = &best[di * width..(di + 1) * width];
            let qualifies = match need {
                Need::All => row.iter().all(|w| *w > 0.0),
                Need::FirstAndAny => row[1..].iter().any(|w| *w > 0.0),
            };
            if qualifies {
                scored.push((row.iter().sum(), DocAddress::new(ord as u32, *doc)));
            }
        }
    }
    // Best first; equal scores in index order, so results never flicker.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let truncated = scored.len() > want;
    scored.truncate(want);
    Ok((scored.into_iter().map(|(_, a)| a).collect(), truncated))
}

/// For each of `docs`, whether it holds any of `terms` exactly: postings are sought to
/// the documents, never walked.
pub fn docs_holding(
    searcher: &Searcher,
    terms: &[(Field, String)],
    docs: &[DocAddress],
) -> Result<Vec<bool>> {
    let mut held = vec![false; docs.len()];
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by_key(|&i| docs[i]);
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let in_segment: Vec<(usize, DocId)> = order
            .iter()
            .copied()
            .filter(|&i| docs[i].segment_ord as usize == ord)
            .map(|i| (i, docs[i].doc_id))
            .collect();
        if in_segment.is_empty() {
            continue;
        }
        for (field, text) in terms {
            let Some(info) = term_info(reader, *field, text)? else {
                continue;
            };
            let mut postings = read_postings(reader, *field, &info)?;
            seek_each(&mut postings, &in_segment, |i| held[i] = true);
        }
    }
    Ok(held)
}

/// Each group's term infos in one segment (`None`: the segment lacks the term).
fn term_infos(
    reader: &tantivy::SegmentReader,
    groups: &[TermGroup],
) -> Result<Vec<Vec<Option<TermInfo>>>> {
    groups
        .iter()
        .map(|g| {
            g.terms
                .iter()
                .map(|(field, text, _)| term_info(reader, *field, text))
                .collect()
        })
        .collect()
}

/// Live documents of the gate group, sorted, each with its best weight.
fn gate_docs(
    reader: &tantivy::SegmentReader,
    group: &TermGroup,
    infos: &[Option<TermInfo>],
) -> Result<Vec<(DocId, f32)>> {
    let mut docs: Vec<(DocId, f32)> = Vec::new();
    for ((field, _, weight), info) in group.terms.iter().zip(infos) {
        let Some(info) = info else { continue };
        let mut postings = read_postings(reader, *field, info)?;
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if reader
                .alive_bitset()
                .is_none_or(|alive| alive.is_alive(doc))
            {
                docs.push((doc, *weight));
            }
            doc = postings.advance();
        }
    }
    docs.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    docs.dedup_by_key(|d| d.0);
    Ok(docs)
}

/// Calls `found` with the key of each of `docs` (ascending doc ids) that `postings` holds.
/// A leapfrog: the postings are sought forward to the next wanted document, and the
/// wanted documents are skipped (galloping) past the postings' current one, so a rare
/// term against many documents, or a common one against few, costs the smaller side.
fn seek_each(
    postings: &mut SegmentPostings,
    docs: &[(usize, DocId)],
    mut found: impl FnMut(usize),
) {
    let mut i = 0;
    while i < docs.len() {
        let (key, want) = docs[i];
        let at = postings.doc();
        if at == TERMINATED {
            break;
        }
        if at < want {
            if postings.seek(want) == TERMINATED {
                break;
            }
            continue;
        }
        if at == want {
            found(key);
            i += 1;
            continue;
        }
        // the postings are past `want`: jump to the first wanted document at or after them
        let mut step = 1;
        while i + step < docs.len() && docs[i + step].1 < at {
            step *= 2;
        }
        let end = (i + step).min(docs.len());
        i += docs[i..end].partition_point(|(_, d)| *d < at);
    }
}

/// The term's info in one segment; `None` when the segment lacks the term.
fn term_info(
    reader: &tantivy::SegmentReader,
    field: Field,
    text: &str,
) -> Result<Option<TermInfo>> {
    inverted(reader, field)?
        .get_term_info(&Term::from_field_text(field, text))
        .map_err(index_error)
}

fn inverted(reader: &tantivy::SegmentReader, field: Field) -> Result<Arc<InvertedIndexReader>> {
    reader
        .inverted_index(field)
        .map_err(|e| SearchError::Index(e.to_string()))
}

fn read_postings(
    reader: &tantivy::SegmentReader,
    field: Field,
    info: &TermInfo,
) -> Result<SegmentPostings> {
    inverted(reader, field)?
        .read_postings_from_terminfo(info, IndexRecordOption::Basic)
        .map_err(index_error)
}

fn index_error(e: std::io::Error) -> SearchError {
    SearchError::Index(e.to_string())
}
