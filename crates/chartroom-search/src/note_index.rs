//! The note index: full text of clinical documents (English stemming, positions for
//! phrases), filters by patient, type, author and date, and snippets with marks.

use super::gated::docs_holding;
use super::index_files::{index_err, open_index, SubIndex, NOTE_WRITER_MEMORY};
use super::note_query::{parse_note_query, Node};
use super::snippet::{make_snippet, Highlight};
use super::{DocumentRecord, NoteHit, NoteQuery, Result, SearchError};
use chartroom_domain::{DocumentId, DocumentType, PatientId, ProviderId};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::Path;
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::document::Value;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

#[derive(Clone, Copy)]
pub struct NoteFields {
    pub id: Field,
    pub patient: Field,
    pub author: Field,
    pub time: Field,
    pub doc_type: Field,
    /// The note's text and, as a second value, its title: one scored field, so a query of
    /// words is a plain union or intersection of term scorers that tantivy prunes
    /// (block-max WAND); with text and title apart every word was a two-field union and
    /// AND / OR queries scored every matching note. The text is the first (stored) value.
    pub text: Field,
    pub author_name: Field,
}

pub fn note_schema() -> (Schema, NoteFields) {
    let mut b = Schema::builder();
    let stemmed = TextFieldIndexing::default()
        .set_tokenizer("en_stem")
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = TextOptions::default()
        .set_indexing_options(stemmed.clone())
        .set_stored();
    let fields = NoteFields {
        id: b.add_u64_field("id", INDEXED | FAST | STORED),
        patient: b.add_u64_field("patient", INDEXED | FAST),
        author: b.add_u64_field("author", INDEXED | FAST),
        time: b.add_i64_field("time", INDEXED | FAST),
        doc_type: b.add_text_field("doc_type", STRING | STORED),
        text: b.add_text_field("text", text),
        author_name: b.add_text_field(
            "author_name",
            TextOptions::default().set_indexing_options(stemmed),
        ),
    };
    (b.build(), fields)
}

pub struct NoteIndex {
    pub sub: SubIndex,
    pub f: NoteFields,
    analyzer: TextAnalyzer,
}

/// Text hits fetched per wanted note before filtering by type or date (`prefiltered`).
const PREFILTER_FACTOR: usize = 20;
const PREFILTER_MIN: usize = 400;

/// Completions of `prefix*` scored as words; a prefix with more is matched unscored.
const PREFIX_EXPANSION: usize = 64;

/// The smallest byte string above every string that starts with `prefix` (`None` when
/// there is none: all 0xFF).
fn prefix_upper_bound(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut upper = prefix.to_vec();
    while let Some(last) = upper.pop() {
        if last < u8::MAX {
            upper.push(last + 1);
            return Some(upper);
        }
    }
    None
}

/// BM25's inverse document frequency (tantivy's formula), for blending prefix completions.
fn idf(doc_freq: u64, docs: u64) -> f32 {
    let (df, n) = (doc_freq as f32, docs.max(doc_freq) as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// Whether tantivy answers the top hits of `query` without scoring every match: a word,
/// or a union or an intersection of words (block-max WAND). A boosted query here is always
/// a boosted word (a prefix completion).
fn prunable(query: &dyn Query) -> bool {
    if query.is::<TermQuery>() || query.is::<BoostQuery>() {
        return true;
    }
    let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
        return false;
    };
    let clauses = boolean.clauses();
    let all = |occur: Occur| clauses.iter().all(|(o, _)| *o == occur);
    (all(Occur::Should) || all(Occur::Must))
        && clauses
            .iter()
            .all(|(_, q)| q.is::<TermQuery>() || q.is::<BoostQuery>())
}

/// Adds `query` to a disjunction, lifting the clauses of an inner disjunction to the
/// outer one: `a OR cardi*` stays one flat union of term scorers, which tantivy prunes.
fn push_alternative(clauses: &mut Vec<(Occur, Box<dyn Query>)>, query: Box<dyn Query>) {
    if let Some(inner) = query.downcast_ref::<BooleanQuery>() {
        if inner
            .clauses()
            .iter()
            .all(|(occur, _)| *occur == Occur::Should)
        {
            clauses.extend(
                inner
                    .clauses()
                    .iter()
                    .map(|(occur, q)| (*occur, q.box_clone())),
            );
            return;
        }
    }
    clauses.push((Occur::Should, query));
}

/// The note query's date range as note times: from the start of `from` (included) to the
/// start of the day after `to` (excluded), so both days count whole.
fn time_bounds(q: &NoteQuery) -> (Option<i64>, Option<i64>) {
    let midnight = |d: NaiveDate| seconds(d.and_time(NaiveTime::MIN));
    (
        q.from.map(midnight),
        q.to.and_then(|d| d.succ_opt()).map(midnight),
    )
}

fn seconds(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp()
}

impl NoteIndex {
    pub fn open(dir: &Path) -> Result<NoteIndex> {
        let (schema, f) = note_schema();
        let sub = open_index(dir, schema, NOTE_WRITER_MEMORY)?;
        let analyzer = sub
            .index
            .tokenizers()
            .get("en_stem")
            .ok_or_else(|| SearchError::Index("English analyzer missing".to_string()))?;
        Ok(NoteIndex { sub, f, analyzer })
    }

    pub fn document(&self, rec: &DocumentRecord) -> Result<TantivyDocument> {
        let f = &self.f;
        let d = &rec.document;
        let mut doc = TantivyDocument::new();
        doc.add_u64(f.id, d.id.0);
        doc.add_u64(f.patient, d.patient.0);
        if let Some(a) = d.author {
            doc.add_u64(f.author, a.0);
        }
        doc.add_i64(f.time, seconds(d.time));
        doc.add_text(f.doc_type, d.doc_type.code());
        doc.add_text(f.text, &d.text);
        doc.add_text(f.text, &d.title);
        if let Some(n) = &rec.author_name {
            doc.add_text(f.author_name, n);
        }
        Ok(doc)
    }

    fn analyze(&self, text: &str) -> Vec<String> {
        let mut a = self.analyzer.clone();
        let mut stream = a.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    fn term_query(&self, term: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(self.f.text, term),
            IndexRecordOption::WithFreqs,
        ))
    }

    fn terms_query(&self, terms: &[String]) -> Option<Box<dyn Query>> {
        match terms {
            [] => None,
            [one] => Some(self.term_query(one)),
            many => {
                let terms = many
                    .iter()
                    .map(|t| Term::from_field_text(self.f.text, t))
                    .collect();
                Some(Box::new(PhraseQuery::new(terms)))
            }
        }
    }

    /// `prefix*` as the words of the index that begin with it (up to
    /// [`PREFIX_EXPANSION`] of them), each scored like a typed word as common as the
    /// commonest completion, so the best notes come first and tantivy can prune. A prefix
    /// with more completions than that (two or three letters) matches them all through
    /// the term automaton, unscored: nothing is left out, it is only slower.
    fn prefix_query(&self, searcher: &Searcher, prefix: &str) -> Result<Box<dyn Query>> {
        let mut completions: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        let upper = prefix_upper_bound(prefix.as_bytes());
        for seg in searcher.segment_readers() {
            let inverted = seg.inverted_index(self.f.text).map_err(index_err)?;
            let mut range = inverted.terms().range().ge(prefix.as_bytes());
            if let Some(upper) = &upper {
                range = range.lt(upper);
            }
            let mut stream = range.into_stream().map_err(index_err)?;
            while stream.advance() {
                *completions.entry(stream.key().to_vec()).or_default() +=
                    u64::from(stream.value().doc_freq);
                if completions.len() > PREFIX_EXPANSION {
                    return Ok(Box::new(FuzzyTermQuery::new_prefix(
                        Term::from_field_text(self.f.text, prefix),
                        0,
                        true,
                    )));
                }
            }
        }
        // Each completion weighs as much as the commonest one (Lucene's "blended" prefix
        // scoring): with its own rarity a rare completion would outrank every note with a
        // common one, so `cardi*` listed one-line reports saying `cardiopulmonary` above
        // notes about cardiac care. A boost on a term keeps it a term scorer (pruned).
        let docs = searcher.num_docs();
        let commonest = completions.values().copied().max().unwrap_or(0);
        let blended = idf(commonest, docs);
        let clauses = completions
            .into_iter()
            .filter_map(|(bytes, freq)| Some((String::from_utf8(bytes).ok()?, freq)))
            .map(|(word, freq)| {
                let boost = blended / idf(freq, docs).max(f32::EPSILON);
                let word: Box<dyn Query> = Box::new(BoostQuery::new(self.term_query(&word), boost));
                (Occur::Should, word)
            })
            .collect();
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// Builds the tantivy query; collects what to highlight (not under NOT).
    fn build(
        &self,
        searcher: &Searcher,
        node: &Node,
        hl: &mut Highlight,
        negated: bool,
    ) -> Result<Option<Box<dyn Query>>> {
        Ok(match node {
            Node::Word(w) | Node::Phrase(w) => {
                let terms = self.analyze(w);
                if !negated {
                    hl.terms.extend(terms.iter().cloned());
                }
                self.terms_query(&terms)
            }
            Node::Prefix(p) => {
                let lowered: String = p
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_lowercase)
                    .collect();
                if lowered.is_empty() {
                    return Ok(None);
                }
                if !negated {
                    hl.prefixes.push(lowered.clone());
                }
                Some(self.prefix_query(searcher, &lowered)?)
            }
            Node::And(items) => {
                let mut clauses = Vec::new();
                let mut positive = false;
                for item in items {
                    if let Node::Not(inner) = item {
                        if let Some(q) = self.build(searcher, inner, hl, !negated)? {
                            clauses.push((Occur::MustNot, q));
                        }
                    } else if let Some(q) = self.build(searcher, item, hl, negated)? {
                        positive = true;
                        clauses.push((Occur::Must, q));
                    }
                }
                if clauses.is_empty() {
                    return Ok(None);
                }
                if !positive {
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                Some(Box::new(BooleanQuery::new(clauses)))
            }
            Node::Or(items) => {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for item in items {
                    if let Some(q) = self.build(searcher, item, hl, negated)? {
                        push_alternative(&mut clauses, q);
                    }
                }
                (!clauses.is_empty())
                    .then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
            }
            Node::Not(inner) => {
                let Some(q) = self.build(searcher, inner, hl, !negated)? else {
                    return Ok(None);
                };
                Some(Box::new(BooleanQuery::new(vec![
                    (Occur::Must, Box::new(AllQuery)),
                    (Occur::MustNot, q),
                ])))
            }
        })
    }

    fn filters(&self, q: &NoteQuery) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.f;
        let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(p) = q.patient {
            out.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.patient, p.0),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(t) = q.doc_type {
            out.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.doc_type, t.code()),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(a) = q.author {
            out.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.author, a.0),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(name) = q.author_name.as_deref() {
            let mut analyzer = self.analyzer.clone();
            let mut stream = analyzer.token_stream(name);
            let mut words: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            while stream.advance() {
                words.push((
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.author_name, &stream.token().text),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
            if !words.is_empty() {
                out.push((Occur::Must, Box::new(BooleanQuery::new(words))));
            }
        }
        let (from, until) = time_bounds(q);
        if from.is_some() || until.is_some() {
            let term = |secs| Term::from_field_i64(f.time, secs);
            let lower = from.map_or(Bound::Unbounded, |s| Bound::Included(term(s)));
            let upper = until.map_or(Bound::Unbounded, |s| Bound::Excluded(term(s)));
            out.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
        }
        out
    }

    /// The best `limit` notes for a text query with only a type and/or date filter, taken
    /// from the text query's own top hits. tantivy prunes a lone text query (block-max
    /// WAND) but scores every document of an intersection: at 5.3M notes `pneumonia`
    /// limited to discharge summaries took 160 ms, the word alone 10 ms. The filters add
    /// the same score to every note that passes, so the order is the text query's.
    /// `None` when the filters are of another kind or too few of the top hits pass.
    fn prefiltered(
        &self,
        searcher: &Searcher,
        text: &dyn Query,
        q: &NoteQuery,
        limit: usize,
    ) -> Result<Option<Vec<(f32, DocAddress)>>> {
        // A query tantivy cannot prune (a phrase, NOT) is scored wherever it matches
        // whatever the limit, so fetching its top hits first only adds to the
        // intersection that follows when too few pass: measured at 5.3M notes,
        // `pain NOT chest` on discharge summaries took 26-37 ms that way. The
        // intersection alone is driven by the filter's postings.
        if !prunable(text) {
            return Ok(None);
        }
        let only_type_and_dates = q.patient.is_none()
            && q.author.is_none()
            && q.author_name.is_none()
            && (q.doc_type.is_some() || q.from.is_some() || q.to.is_some());
        if !only_type_and_dates {
            return Ok(None);
        }
        let fetch = (limit * PREFILTER_FACTOR).max(PREFILTER_MIN);
        let top = searcher
            .search(text, &TopDocs::with_limit(fetch).order_by_score())
            .map_err(index_err)?;
        let addrs: Vec<DocAddress> = top.iter().map(|(_, a)| *a).collect();
        let of_type = match q.doc_type {
            Some(t) => Some(docs_holding(
                searcher,
                &[(self.f.doc_type, t.code().to_string())],
                &addrs,
            )?),
            None => None,
        };
        let (from, until) = time_bounds(q);
        let mut kept = Vec::with_capacity(limit);
        for (i, (score, addr)) in top.iter().enumerate() {
            if of_type.as_ref().is_some_and(|held| !held[i]) {
                continue;
            }
            if from.is_some() || until.is_some() {
                let time = searcher
                    .segment_reader(addr.segment_ord)
                    .fast_fields()
                    .i64("time")
                    .map_err(index_err)?
                    .first(addr.doc_id)
                    .unwrap_or(0);
                if from.is_some_and(|f| time < f) || until.is_some_and(|u| time >= u) {
                    continue;
                }
            }
            kept.push((*score, *addr));
            if kept.len() == limit {
                return Ok(Some(kept));
            }
        }
        // every text hit was looked at: what passed is the whole answer
        Ok((top.len() < fetch).then_some(kept))
    }

    pub fn search(&self, q: &NoteQuery, limit: usize) -> Result<Vec<NoteHit>> {
        let node = parse_note_query(&q.text)?;
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut hl = Highlight::default();
        let searcher = self.sub.reader.searcher();
        let text_query = match &node {
            Some(n) => self.build(&searcher, n, &mut hl, false)?,
            None => None,
        };
        let mut clauses = self.filters(q);
        let has_text = text_query.is_some();
        // A type or date filter over a text query: the text alone is searched with pruning
        // and its best hits filtered (see `prefiltered`); only when too few pass is the
        // whole intersection scored.
        let pruned = match &text_query {
            Some(tq) => self.prefiltered(&searcher, tq.as_ref(), q, limit)?,
            None => None,
        };
        match text_query {
            Some(tq) => clauses.push((Occur::Must, tq)),
            None if node.is_some() => return Ok(Vec::new()), // only punctuation
            None => clauses.push((Occur::Must, Box::new(AllQuery))),
        }
        let query = BooleanQuery::new(clauses);
        let found: Vec<(f32, DocAddress)> = if let Some(found) = pruned {
            found
        } else if has_text {
            searcher
                .search(&query, &TopDocs::with_limit(limit).order_by_score())
                .map_err(index_err)?
        } else {
            // filters only: newest first
            searcher
                .search(
                    &query,
                    &TopDocs::with_limit(limit).order_by_fast_field::<i64>("time", Order::Desc),
                )
                .map_err(index_err)?
                .into_iter()
                .map(|(_, a)| (0.0, a))
                .collect()
        };
        let mut analyzer = self.analyzer.clone();
        let mut hits = Vec::with_capacity(found.len());
        for (score, addr) in found {
            let seg = searcher.segment_reader(addr.segment_ord);
            let ff = seg.fast_fields();
            let get_u64 = |name: &str| -> Result<Option<u64>> {
                Ok(ff.u64(name).map_err(index_err)?.first(addr.doc_id))
            };
            let (Some(id), Some(patient)) = (get_u64("id")?, get_u64("patient")?) else {
                continue;
            };
            let secs = ff
                .i64("time")
                .map_err(index_err)?
                .first(addr.doc_id)
                .unwrap_or(0);
            let time = DateTime::from_timestamp(secs, 0)
                .map(|d| d.naive_utc())
                .unwrap_or_default();
            let author = get_u64("author")?.map(ProviderId);
            let doc: TantivyDocument = searcher.doc(addr).map_err(index_err)?;
            let text = doc
                .get_first(self.f.text)
                .and_then(|v| v.as_str())
                .unwrap_or("");
            let doc_type = doc
                .get_first(self.f.doc_type)
                .and_then(|v| v.as_str())
                .and_then(DocumentType::from_code)
                .unwrap_or(DocumentType::Other);
            hits.push(NoteHit {
                document: DocumentId(id),
                patient: PatientId(patient),
                doc_type,
                time,
                author,
                score,
                snippet: make_snippet(text, &mut analyzer, &hl),
            });
        }
        // equal scores: newest first, then by id, so results are stable
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(b.time.cmp(&a.time))
                .then(a.document.cmp(&b.document))
        });
        Ok(hits)
    }
}
