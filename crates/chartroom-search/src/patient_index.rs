//! The patient index: tantivy finds candidates, [`Ranker`] explains and orders them.
//!
//! Every searchable field holds whole terms (raw tokenizer, no frequencies, no norms):
//! `name` (normalised name parts and glued family names of every name), `phon` (Double
//! Metaphone codes), `nick` (formal names a given name is a nickname of), `dob`
//! (`yyyymmdd`, `y` + year) and `ident` (prefixed identifiers: `m:` MRN with and without
//! leading zeros, `e:` encounter numbers, `p:`/`p7:`/`p4:` phone digits, `s4:` SSN last 4).
//! `rec` is a multi-valued u64 fast field holding the encoded [`RankRecord`], 7 bytes per
//! value with the value's sequence number in the top byte (bytes fast fields are zstd
//! compressed dictionaries: decompressing one per candidate dominated query time).

use super::gated::docs_holding;
use super::index_files::{open_index, SubIndex, PATIENT_WRITER_MEMORY};
use super::patient_gated::exact_number_keys;
use super::patient_query::{parse_patient_query, PatientQuery, WordKeys};
use super::ranking::{allowed_typos, IndexHits, Ranker};
use super::record::{
    digits_of, normalize_ident, strip_zeros, Position, RankRecord, MAX_RECORD_BYTES,
};
use super::{PatientHit, PatientRecord, Result, SearchError};
use chartroom_domain::matching::{
    lookup_keys, nickname_keys, partial_keys, phonetic_keys, DobQuery,
};
use chartroom_domain::PatientId;
use chrono::Datelike;
use std::path::Path;
use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED,
};
use tantivy::{DocAddress, TantivyDocument, Term};

/// Candidates fetched from tantivy before re-ranking.
const MIN_CANDIDATES: usize = 200;
/// Anchored-pass ceiling: a DOB and its swap match ~60 of 1M patients; more than this means
/// the anchor was not selective and the pass is not trusted.
const ANCHORED_CANDIDATES: usize = 1000;

#[derive(Clone, Copy)]
pub struct PatientFields {
    pub id: Field,
    pub name: Field,
    pub phon: Field,
    pub nick: Field,
    pub dob: Field,
    pub ident: Field,
    pub rec: Field,
}

/// Name of the ranking-record fast field; see the schema for why it carries a version.
const RECORD_FIELD: &str = "rec2";

pub fn patient_schema() -> (Schema, PatientFields) {
    let mut b = Schema::builder();
    let terms = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let fields = PatientFields {
        id: b.add_u64_field("id", INDEXED | FAST | STORED),
        name: b.add_text_field("name", terms.clone()),
        phon: b.add_text_field("phon", terms.clone()),
        nick: b.add_text_field("nick", terms.clone()),
        dob: b.add_text_field("dob", terms.clone()),
        ident: b.add_text_field("ident", terms),
        // The field name carries the record layout version (`RankRecord`): an index
        // written with another layout has another schema, so it is recreated empty and
        // rebuilt from the store instead of decoding records it cannot read.
        rec: b.add_u64_field(RECORD_FIELD, FAST),
    };
    (b.build(), fields)
}

/// Candidate passes, cheapest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pass {
    /// Patients matching every typed part: each name word exactly, by nickname or by
    /// sound, and each identifier or birth year exactly. An intersection, so common names
    /// cost little (a union of their postings cost milliseconds at 1M).
    Strict,
    /// Exact terms, nicknames, sound-alikes, exact identifiers, DOB and its day/month swap.
    Exact,
    /// Patients matching the typed full date or an exact identifier, all of them re-ranked
    /// (typos judged by the ranker, no fuzzy term expansion).
    Anchored,
    /// Patients born on the typed date, its day/month swap or a one-digit slip of it (the
    /// date is required), ranked by their names: a caller who misremembers one digit of
    /// the date. Requiring the date keeps it to a few thousand postings at 1M patients.
    DobSlip,
    /// Like the strict pass, name words also matched by typo or prefix: the typo and
    /// prefix terms are read from the term dictionary, then gated like the strict pass.
    Typo,
    /// Everything: typos, prefixes, DOB slips, identifier prefixes.
    Fuzzy,
}

/// How well the best candidate of a pass matched.
#[derive(Clone, Copy, Debug)]
struct TopQuality {
    complete: bool,
    all_parts: bool,
    /// The pass had more candidates than it fetched.
    truncated: bool,
}

pub struct PatientIndex {
    pub sub: SubIndex,
    pub f: PatientFields,
}

impl PatientIndex {
    pub fn open(dir: &Path) -> Result<PatientIndex> {
        let (schema, f) = patient_schema();
        Ok(PatientIndex {
            sub: open_index(dir, schema, PATIENT_WRITER_MEMORY)?,
            f,
        })
    }

    /// The documents of many records, in order, built on every core when there are
    /// enough of them: name normalisation and phonetic keys made the thread that feeds
    /// the index writer the bottleneck of a large outbox drain (11 % of an import's
    /// samples, while the indexing threads waited).
    pub fn documents(&self, records: &[PatientRecord]) -> Vec<TantivyDocument> {
        const PARALLEL_FROM: usize = 4_096;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        if records.len() < PARALLEL_FROM || threads < 2 {
            return records.iter().map(|r| self.document(r)).collect();
        }
        let chunk = records.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = records
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|r| self.document(r))
                            .collect::<Vec<TantivyDocument>>()
                    })
                })
                .collect();
            parts
                .into_iter()
                .flat_map(|part| {
                    // a panic in a builder thread is a bug: re-raise it here
                    part.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    }

    pub fn document(&self, rec: &PatientRecord) -> TantivyDocument {
        let f = &self.f;
        let r = RankRecord::from_record(rec);
        let mut doc = TantivyDocument::new();
        doc.add_u64(f.id, r.id.0);
        let mut seen: Vec<&str> = Vec::new();
        let mut phon: Vec<String> = Vec::new();
        let mut nick: Vec<&str> = Vec::new();
        for t in &r.tokens {
            if !seen.contains(&t.text.as_str()) {
                seen.push(&t.text);
                doc.add_text(f.name, &t.text);
                if t.text.chars().count() >= 2 {
                    for k in phonetic_keys(&t.text) {
                        if !phon.contains(&k) {
                            phon.push(k);
                        }
                    }
                }
            }
            if t.position != Position::Family {
                for k in nickname_keys(&t.text) {
                    if !nick.contains(k) {
                        nick.push(k);
                    }
                }
            }
        }
        for k in &phon {
            doc.add_text(f.phon, k);
        }
        for k in nick {
            doc.add_text(f.nick, k);
        }
        doc.add_text(f.dob, r.dob_key());
        doc.add_text(f.dob, format!("y{}", r.dob / 10_000));
        let mut idents: Vec<String> = vec![format!("m:{:08}", r.mrn), format!("m:{}", r.mrn)];
        // every account number, not only those the budgeted record keeps
        for e in &rec.encounter_numbers {
            let e = normalize_ident(e);
            if e.is_empty() {
                continue;
            }
            idents.push(format!("e:{e}"));
            let d = digits_of(&e);
            // The digits alone only for numbers that are digits after a short letter
            // prefix (`E-0012345` said as `12345`); the digits picked out of a hex code
            // (`SY57F2562B445C`, a UUID) are nothing anyone types, and matched MRNs.
            if !d.is_empty() && e.len() - d.len() <= 3 && e.ends_with(d.as_str()) {
                idents.push(format!("e:{d}"));
                idents.push(format!("e:{}", strip_zeros(&d)));
            }
        }
        for i in &r.identifiers {
            idents.push(format!("i:{i}"));
        }
        for p in &r.phones {
            idents.push(format!("p:{p}"));
            if p.len() >= 7 {
                idents.push(format!("p7:{}", &p[p.len() - 7..]));
            }
            idents.push(format!("p4:{}", &p[p.len().saturating_sub(4)..]));
        }
        if let Some(s) = r.ssn4 {
            idents.push(format!("s4:{s:04}"));
        }
        idents.sort();
        idents.dedup();
        for i in idents {
            doc.add_text(f.ident, i);
        }
        for v in pack_words(&r.encode()) {
            doc.add_u64(f.rec, v);
        }
        doc
    }

    fn term_q(&self, field: Field, text: &str, score: f32) -> Box<dyn Query> {
        Box::new(ConstScoreQuery::new(
            Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::Basic,
            )),
            score,
        ))
    }

    fn terms_q(&self, field: Field, texts: &[String], score: f32) -> Option<Box<dyn Query>> {
        match texts.len() {
            0 => None,
            1 => Some(self.term_q(field, &texts[0], score)),
            _ => {
                let terms = texts
                    .iter()
                    .map(|t| Term::from_field_text(field, t))
                    .collect();
                Some(Box::new(ConstScoreQuery::new(
                    Box::new(BooleanQuery::new_multiterms_query(terms)),
                    score,
                )))
            }
        }
    }

    fn prefix_q(&self, field: Field, prefix: &str, score: f32) -> Box<dyn Query> {
        let term = Term::from_field_text(field, prefix);
        Box::new(ConstScoreQuery::new(
            Box::new(FuzzyTermQuery::new_prefix(term, 0, true)),
            score,
        ))
    }

    /// Alternatives for one name word. The exact pass looks up the word, its nicknames and
    /// sound-alike codes; the fuzzy pass adds typos and prefixes.
    fn word_query(&self, word: &str, fuzzy: bool, last: bool) -> Option<Box<dyn Query>> {
        let len = word.chars().count();
        if len < 2 {
            return None;
        }
        let keys = WordKeys::of(word);
        let f = &self.f;
        let mut alts: Vec<Box<dyn Query>> = vec![self.term_q(f.name, word, 1.0)];
        let nicks: Vec<String> = keys
            .nicknames
            .iter()
            .filter(|k| **k != word)
            .map(|k| k.to_string())
            .collect();
        if let Some(q) = self.terms_q(f.nick, &nicks, 0.9) {
            alts.push(q);
        }
        // One automaton at the word's largest distance (each is a walk of the term
        // dictionary); the ranker tells 1 typo from 2.
        let typos = if fuzzy { allowed_typos(len) } else { 0 };
        if typos > 0 {
            let term = Term::from_field_text(f.name, word);
            let score = if typos == 1 { 0.8 } else { 0.7 };
            alts.push(Box::new(ConstScoreQuery::new(
                Box::new(FuzzyTermQuery::new(term, typos as u8, true)),
                score,
            )));
        }
        if len >= 3 {
            if let Some(q) = self.terms_q(f.phon, &keys.phonetic, 0.7) {
                alts.push(q);
            }
        }
        // Prefixes of short words match too much to be worth it, except for the word
        // being typed (the last one).
        if fuzzy && (len >= 3 || last) {
            alts.push(self.prefix_q(f.name, word, 0.5));
        }
        Some(Box::new(DisjunctionMaxQuery::new(alts)))
    }

    fn dob_queries(
        &self,
        dob: &DobQuery,
        exact: f32,
        slip: f32,
        fuzzy: bool,
    ) -> Vec<Box<dyn Query>> {
        let f = &self.f;
        match dob {
            DobQuery::Partial(p) => self
                .terms_q(f.dob, &partial_keys(p), exact * 0.5)
                .into_iter()
                .collect(),
            DobQuery::Date(_) => {
                let close = lookup_keys(dob, false);
                let all = if fuzzy {
                    lookup_keys(dob, true)
                } else {
                    Vec::new()
                };
                let slips: Vec<String> = all.into_iter().filter(|k| !close.contains(k)).collect();
                let mut out = Vec::new();
                out.extend(self.terms_q(f.dob, &close, exact));
                out.extend(self.terms_q(f.dob, &slips, slip));
                out
            }
        }
    }

    /// The anchored pass: only the typed full date (exact or day/month swapped) and exact
    /// identifiers; the ranker then judges names (typos included) on those few patients.
    fn anchor_query(&self, q: &PatientQuery) -> Option<Box<dyn Query>> {
        let f = &self.f;
        let mut keys: Vec<String> = Vec::new();
        let mut idents: Vec<String> = Vec::new();
        let mut dates: Vec<&DobQuery> = q.dob.iter().collect();
        for n in &q.numbers {
            let d = n.digits.as_str();
            if let Some(dob) = &n.dob {
                dates.push(dob);
            }
            // 4 digits (SSN or phone last 4, a year) are too common to anchor on
            if d.len() >= 5 {
                idents.push(format!("m:{d}"));
                idents.push(format!("e:{d}"));
                idents.push(format!("p:{d}"));
                // another system's number that is all digits (a feed's 10-digit MRN)
                idents.push(format!("i:{d}"));
                if let Ok(m) = d.parse::<u32>() {
                    idents.push(format!("m:{m}"));
                }
                if d.len() == 7 {
                    idents.push(format!("p7:{d}"));
                }
            }
        }
        for code in &q.codes {
            idents.push(format!("e:{code}"));
            idents.push(format!("i:{code}"));
        }
        for dob in dates {
            if matches!(dob, DobQuery::Date(_)) {
                keys.extend(lookup_keys(dob, false));
            }
        }
        let mut alts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        alts.extend(self.terms_q(f.dob, &keys, 1.0).map(|q| (Occur::Should, q)));
        alts.extend(
            self.terms_q(f.ident, &idents, 1.0)
                .map(|q| (Occur::Should, q)),
        );
        (!alts.is_empty()).then(|| Box::new(BooleanQuery::new(alts)) as Box<dyn Query>)
    }

    fn candidate_query(&self, q: &PatientQuery, pass: Pass) -> Option<Box<dyn Query>> {
        if pass == Pass::Anchored {
            return self.anchor_query(q);
        }
        let f = &self.f;
        let fuzzy = pass == Pass::Fuzzy;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut anchors: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let words = q.lookup_words();
        let last_typed = q.words.last().map(|w| w.text.as_str());
        for w in &words {
            let last = Some(w.as_str()) == last_typed;
            if let Some(query) = self.word_query(w, fuzzy, last) {
                clauses.push((Occur::Should, query));
            }
        }
        if let Some(dob) = &q.dob {
            let alts = self.dob_queries(dob, 2.0, 1.0, fuzzy);
            if !alts.is_empty() {
                anchors.push((Occur::Should, Box::new(DisjunctionMaxQuery::new(alts))));
            }
        }
        for n in &q.numbers {
            let d = n.digits.as_str();
            let mut alts: Vec<Box<dyn Query>> = Vec::new();
            alts.extend(self.terms_q(f.ident, &exact_number_keys(d), 3.0));
            if fuzzy && d.len() >= 3 {
                alts.push(self.prefix_q(f.ident, &format!("m:{d}"), 1.0));
            }
            if fuzzy && d.len() >= 4 {
                alts.push(self.prefix_q(f.ident, &format!("e:{d}"), 1.0));
            }
            if fuzzy && d.len() >= 6 {
                alts.push(self.prefix_q(f.ident, &format!("p:{d}"), 1.0));
            }
            if let Some(dob) = &n.dob {
                alts.extend(self.dob_queries(dob, 2.0, 1.0, fuzzy));
            }
            anchors.push((Occur::Should, Box::new(DisjunctionMaxQuery::new(alts))));
        }
        for code in &q.codes {
            let mut alts: Vec<Box<dyn Query>> = vec![
                self.term_q(f.ident, &format!("e:{code}"), 3.0),
                self.term_q(f.ident, &format!("i:{code}"), 3.0),
            ];
            if fuzzy {
                alts.push(self.prefix_q(f.ident, &format!("e:{code}"), 1.0));
                if code.len() >= 6 {
                    alts.push(self.prefix_q(f.ident, &format!("i:{code}"), 1.0));
                }
            }
            anchors.push((Occur::Should, Box::new(DisjunctionMaxQuery::new(alts))));
        }
        clauses.extend(anchors);
        if clauses.is_empty() {
            return None;
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<PatientHit>> {
        let pivot_year = chrono::Utc::now().date_naive().year();
        let q = parse_patient_query(text, pivot_year);
        if q.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.sub.reader.searcher();
        let mut ranker = Ranker::new(&q);
        // Cheapest first. The anchored pass looks only at patients with the typed full date
        // or identifier (a few dozen of 1M) and lets the ranker judge the names; when its
        // best candidate matches every part exactly, nothing can outrank it.
        let mut anchored = None;
        let mut anchored_hits = Vec::new();
        let mut anchor_trusted = false;
        if !q.words.is_empty() {
            let (hits, top) = self.pass(&searcher, &q, &mut ranker, Pass::Anchored, limit)?;
            // An empty anchored pass with a full date is trusted too: nobody was born on
            // that date (or its swap).
            let untruncated = top.is_none_or(|t| !t.truncated);
            if let Some(t) = top.filter(|t| !t.truncated) {
                if t.complete {
                    return Ok(hits);
                }
                if t.all_parts {
                    anchored = Some(hits.clone());
                }
            }
            anchor_trusted = untruncated && (top.is_some() || q.full_date().is_some());
            anchored_hits = hits;
        }
        // A full date with names: the patients born on that date or one digit off it. The
        // anchored patients already hold everyone on the exact date, so when one of them
        // matched every part (names with typos), the slips are all that could rival it; a
        // slipped patient who matches every part (names exactly, by nickname, sound or
        // typo) is the caller misremembering one digit: only a patient sharing no name
        // word at all (not even by sound) with the query on a slipped date could rival
        // them, and such a name costs more than the slip.
        let mut slipped = Vec::new();
        if q.full_date().is_some() && !q.words.is_empty() {
            let (hits, top) = self.pass(&searcher, &q, &mut ranker, Pass::DobSlip, limit)?;
            if let Some(mut merged) = anchored {
                merge_hits(&mut merged, hits, limit);
                return Ok(merged);
            }
            if anchor_trusted && top.is_some_and(|t| t.all_parts) {
                let mut merged = hits;
                merge_hits(&mut merged, anchored_hits, limit);
                return Ok(merged);
            }
            slipped = hits;
        }
        // Strict pass, when no full date anchors the query: patients matching every part,
        // names exactly, by nickname or by sound. When the best of them matched every part
        // exactly (`complete`), the list is final if it is full, or if the query said more
        // than one word: the sound-alikes of every word are in it, and patients missing a
        // typed part rank below it anyway. A single word fills the list from the exact pass.
        // Then the typo pass: the same with typos and prefixes; when its best matched every
        // part somehow, nothing missing a part can outrank it.
        if q.full_date().is_none() && !q.words.is_empty() {
            let (hits, top) = self.pass(&searcher, &q, &mut ranker, Pass::Strict, limit)?;
            let parts =
                q.words.len() + q.numbers.len() + q.codes.len() + usize::from(q.dob.is_some());
            if top.is_some_and(|t| t.complete) && (hits.len() >= limit || parts >= 2) {
                return Ok(hits);
            }
            let (hits, top) = self.pass(&searcher, &q, &mut ranker, Pass::Typo, limit)?;
            if top.is_some_and(|t| t.all_parts) {
                return Ok(hits);
            }
        }
        // Exact pass: when its best candidate matches every part exactly, typo and prefix
        // candidates cannot outrank it, and the expensive pass is skipped.
        let (mut hits, top) = self.pass(&searcher, &q, &mut ranker, Pass::Exact, limit)?;
        if top.is_some_and(|t| t.complete) {
            merge_hits(&mut hits, slipped, limit);
            return Ok(hits);
        }
        if let Some(mut merged) = anchored {
            merge_hits(&mut merged, hits, limit);
            return Ok(merged);
        }
        let (hits, _) = self.pass(&searcher, &q, &mut ranker, Pass::Fuzzy, limit)?;
        Ok(hits)
    }

    fn pass(
        &self,
        searcher: &tantivy::Searcher,
        q: &PatientQuery,
        ranker: &mut Ranker<'_>,
        pass: Pass,
        limit: usize,
    ) -> Result<(Vec<PatientHit>, Option<TopQuality>)> {
        let want = if pass == Pass::Anchored {
            ANCHORED_CANDIDATES
        } else {
            MIN_CANDIDATES.max(limit * 2)
        };
        let (candidates, truncated) = match pass {
            Pass::Strict => self.strict_candidates(searcher, q, want)?,
            Pass::DobSlip => self.slip_candidates(searcher, q, want)?,
            Pass::Typo => match self.typo_candidates(searcher, q, want)? {
                Some(found) => found,
                None => return Ok((Vec::new(), None)),
            },
            Pass::Anchored | Pass::Exact | Pass::Fuzzy => {
                let Some(query) = self.candidate_query(q, pass) else {
                    return Ok((Vec::new(), None));
                };
                let top = searcher
                    .search(query.as_ref(), &TopDocs::with_limit(want).order_by_score())
                    .map_err(|e| SearchError::Index(e.to_string()))?;
                let truncated = top.len() >= want;
                (top.into_iter().map(|(_, addr)| addr).collect(), truncated)
            }
        };
        self.rank(searcher, q, candidates, truncated, ranker, limit)
    }

    /// Ranks candidates with their records from the fast field; best first, at most `limit`.
    fn rank(
        &self,
        searcher: &tantivy::Searcher,
        q: &PatientQuery,
        candidates: Vec<DocAddress>,
        truncated: bool,
        ranker: &mut Ranker<'_>,
        limit: usize,
    ) -> Result<(Vec<PatientHit>, Option<TopQuality>)> {
        let index_hits = self.index_hits(searcher, q, &candidates)?;
        let mut columns: Vec<Option<Column<u64>>> = vec![None; searcher.segment_readers().len()];
        let mut hits: Vec<(PatientHit, TopQuality)> = Vec::with_capacity(candidates.len());
        let mut words: Vec<u64> = Vec::with_capacity(32);
        for (addr, hits_of) in candidates.into_iter().zip(index_hits) {
            let seg = addr.segment_ord as usize;
            let Some(slot) = columns.get_mut(seg) else {
                continue;
            };
            if slot.is_none() {
                let col = searcher
                    .segment_reader(addr.segment_ord)
                    .fast_fields()
                    .u64(RECORD_FIELD)
                    .map_err(|e| SearchError::Index(e.to_string()))?;
                *slot = Some(col);
            }
            let Some(col) = slot.as_ref() else {
                continue;
            };
            words.clear();
            words.extend(col.values_for_doc(addr.doc_id));
            // An unreadable record is skipped here; `verify` reports index drift.
            let Some(rec) = unpack_words(&mut words).and_then(|b| RankRecord::decode(&b)) else {
                continue;
            };
            let scored = ranker.score(&rec, hits_of);
            hits.push((
                PatientHit {
                    patient: rec.id,
                    score: scored.score,
                    why: scored.why,
                },
                TopQuality {
                    complete: scored.complete,
                    all_parts: scored.all_parts,
                    truncated,
                },
            ));
        }
        hits.sort_by(|(a, _), (b, _)| by_score(a, b));
        let quality = hits.first().map(|(_, t)| *t);
        hits.truncate(limit);
        Ok((hits.into_iter().map(|(h, _)| h).collect(), quality))
    }

    /// For each candidate, which of the query's numbers and codes it holds as an exact
    /// account or identifier term (see [`IndexHits`]).
    fn index_hits(
        &self,
        searcher: &tantivy::Searcher,
        q: &PatientQuery,
        candidates: &[DocAddress],
    ) -> Result<Vec<IndexHits>> {
        let mut out = vec![IndexHits::default(); candidates.len()];
        let ident = self.f.ident;
        let mut parts: Vec<(usize, Vec<(Field, String)>)> = Vec::new();
        for (i, n) in q.numbers.iter().enumerate().take(IndexHits::PARTS) {
            let d = n.digits.as_str();
            parts.push((
                i,
                vec![
                    (ident, format!("e:{d}")),
                    (ident, format!("e:{}", strip_zeros(d))),
                ],
            ));
        }
        for (i, code) in q.codes.iter().enumerate().take(IndexHits::PARTS) {
            parts.push((
                IndexHits::CODE_ENCOUNTER + i,
                vec![(ident, format!("e:{code}"))],
            ));
            parts.push((
                IndexHits::CODE_IDENTIFIER + i,
                vec![(ident, format!("i:{code}"))],
            ));
        }
        for (bit, terms) in parts {
            for (hits, held) in out
                .iter_mut()
                .zip(docs_holding(searcher, &terms, candidates)?)
            {
                if held {
                    hits.set(bit);
                }
            }
        }
        Ok(out)
    }

    pub fn ids(&self) -> Result<Vec<PatientId>> {
        let ids = self.sub.all_u64("id")?;
        Ok(ids.into_iter().map(PatientId).collect())
    }
}

/// Best first; equal scores by patient id, so results never flicker.
fn by_score(a: &PatientHit, b: &PatientHit) -> std::cmp::Ordering {
    b.score.total_cmp(&a.score).then(a.patient.cmp(&b.patient))
}

fn sort_hits(hits: &mut [PatientHit]) {
    hits.sort_by(by_score);
}

/// Adds `more` to `hits` (each patient once), best first, at most `limit`.
fn merge_hits(hits: &mut Vec<PatientHit>, more: Vec<PatientHit>, limit: usize) {
    for h in more {
        if !hits.iter().any(|m| m.patient == h.patient) {
            hits.push(h);
        }
    }
    sort_hits(hits);
    hits.truncate(limit);
}

/// Packs bytes into u64 values: 7 payload bytes each, the value's sequence number in the top
/// byte (so the order survives however the column stores a row's values). The first value's
/// payload starts with the byte length (u16).
fn pack_words(bytes: &[u8]) -> Vec<u64> {
    // `RankRecord::encode` stays within this; cutting here would make the record unreadable.
    let len = bytes.len().min(MAX_RECORD_BYTES);
    let mut payload = Vec::with_capacity(len + 2);
    payload.extend_from_slice(&(len as u16).to_le_bytes());
    payload.extend_from_slice(&bytes[..len]);
    payload
        .chunks(7)
        .enumerate()
        .map(|(i, chunk)| {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            word[7] = i as u8;
            u64::from_le_bytes(word)
        })
        .collect()
}

fn unpack_words(words: &mut [u64]) -> Option<Vec<u8>> {
    words.sort_unstable_by_key(|w| w >> 56);
    let mut payload = Vec::with_capacity(words.len() * 7);
    for (i, w) in words.iter().enumerate() {
        let b = w.to_le_bytes();
        if b[7] as usize != i {
            return None;
        }
        payload.extend_from_slice(&b[..7]);
    }
    let len = u16::from_le_bytes([*payload.first()?, *payload.get(1)?]) as usize;
    payload.get(2..2 + len).map(<[u8]>::to_vec)
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_in_any_order() {
        for n in [0usize, 1, 5, 6, 7, 13, 200] {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 % 251) as u8).collect();
            let mut words = pack_words(&bytes);
            words.reverse();
            assert_eq!(unpack_words(&mut words), Some(bytes));
        }
        assert_eq!(unpack_words(&mut []), None);
    }
}
