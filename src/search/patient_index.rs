//! The patient index: tantivy finds candidates, [`Ranker`] explains and orders them.
//!
//! Every searchable field holds whole terms (raw tokenizer, no frequencies, no norms):
//! `name` (normalised name parts and glued family names of every name), `phon` (Double
//! Metaphone codes), `nick` (formal names a given name is a nickname of), `dob`
//! (`yyyymmdd`, `y` + year) and `ident` (prefixed identifiers: `m:` MRN with and without
//! leading zeros, `e:` encounter numbers, `p:`/`p7:`/`p4:` phone digits, `s4:` SSN last 4).
//! `rec` is a bytes fast field with the [`RankRecord`].

use super::index_files::{open_index, SubIndex};
use super::patient_query::{parse_patient_query, PatientQuery, WordKeys};
use super::ranking::{allowed_typos, Ranker};
use super::record::{Position, RankRecord};
use super::{PatientHit, PatientRecord, Result, SearchError};
use crate::domain::matching::{lookup_keys, nickname_keys, phonetic_keys, DobQuery};
use crate::domain::PatientId;
use chrono::Datelike;
use std::path::Path;
use tantivy::collector::TopDocs;
use tantivy::columnar::BytesColumn;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED,
};
use tantivy::{TantivyDocument, Term};

/// Candidates fetched from tantivy before re-ranking.
const MIN_CANDIDATES: usize = 200;

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
        rec: b.add_bytes_field("rec", FAST),
    };
    (b.build(), fields)
}

pub struct PatientIndex {
    pub sub: SubIndex,
    pub f: PatientFields,
}

fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn strip_zeros(s: &str) -> &str {
    let t = s.trim_start_matches('0');
    if t.is_empty() {
        "0"
    } else {
        t
    }
}

impl PatientIndex {
    pub fn open(dir: &Path) -> Result<PatientIndex> {
        let (schema, f) = patient_schema();
        Ok(PatientIndex {
            sub: open_index(dir, schema)?,
            f,
        })
    }

    pub fn id_term(&self, id: PatientId) -> Term {
        Term::from_field_u64(self.f.id, id.0)
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
        for e in &r.encounters {
            idents.push(format!("e:{e}"));
            let d = digits_of(e);
            if !d.is_empty() {
                idents.push(format!("e:{d}"));
                idents.push(format!("e:{}", strip_zeros(&d)));
            }
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
        doc.add_bytes(f.rec, &r.encode());
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
        let typos = if fuzzy { allowed_typos(len) } else { 0 };
        for d in 1..=typos {
            let term = Term::from_field_text(f.name, word);
            let score = if d == 1 { 0.8 } else { 0.6 };
            alts.push(Box::new(ConstScoreQuery::new(
                Box::new(FuzzyTermQuery::new(term, d as u8, true)),
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
            DobQuery::Year(y) => vec![self.term_q(f.dob, &format!("y{y}"), exact * 0.4)],
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

    fn candidate_query(&self, q: &PatientQuery, fuzzy: bool) -> Option<Box<dyn Query>> {
        let f = &self.f;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
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
                clauses.push((Occur::Should, Box::new(DisjunctionMaxQuery::new(alts))));
            }
        }
        for n in &q.numbers {
            let d = n.digits.as_str();
            let mut exact = vec![format!("m:{d}"), format!("e:{d}"), format!("p:{d}")];
            if d.len() <= 8 {
                if let Ok(m) = d.parse::<u32>() {
                    exact.push(format!("m:{m}"));
                }
            }
            exact.push(format!("e:{}", strip_zeros(d)));
            match d.len() {
                7 => exact.push(format!("p7:{d}")),
                4 => {
                    exact.push(format!("s4:{d}"));
                    exact.push(format!("p4:{d}"));
                }
                9 => exact.push(format!("s4:{}", &d[5..])),
                _ => {}
            }
            let mut alts: Vec<Box<dyn Query>> = Vec::new();
            alts.extend(self.terms_q(f.ident, &exact, 3.0));
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
            clauses.push((Occur::Should, Box::new(DisjunctionMaxQuery::new(alts))));
        }
        for code in &q.codes {
            let mut alts: Vec<Box<dyn Query>> =
                vec![self.term_q(f.ident, &format!("e:{code}"), 3.0)];
            if fuzzy {
                alts.push(self.prefix_q(f.ident, &format!("e:{code}"), 1.0));
            }
            clauses.push((Occur::Should, Box::new(DisjunctionMaxQuery::new(alts))));
        }
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
        // Exact pass first: when its best candidate matches every part exactly, typo and
        // prefix candidates cannot outrank it, and the expensive pass is skipped.
        let (hits, complete) = self.pass(&searcher, &q, &mut ranker, false, limit)?;
        if complete {
            return Ok(hits);
        }
        let (hits, _) = self.pass(&searcher, &q, &mut ranker, true, limit)?;
        Ok(hits)
    }

    fn pass(
        &self,
        searcher: &tantivy::Searcher,
        q: &PatientQuery,
        ranker: &mut Ranker<'_>,
        fuzzy: bool,
        limit: usize,
    ) -> Result<(Vec<PatientHit>, bool)> {
        let Some(query) = self.candidate_query(q, fuzzy) else {
            return Ok((Vec::new(), false));
        };
        let want = MIN_CANDIDATES.max(limit * 2);
        let top = searcher
            .search(query.as_ref(), &TopDocs::with_limit(want).order_by_score())
            .map_err(|e| SearchError::Index(e.to_string()))?;
        let mut columns: Vec<Option<Option<BytesColumn>>> =
            vec![None; searcher.segment_readers().len()];
        let mut hits: Vec<(PatientHit, bool)> = Vec::with_capacity(top.len());
        let mut buf = Vec::new();
        for (_, addr) in top {
            let seg = addr.segment_ord as usize;
            let Some(slot) = columns.get_mut(seg) else {
                continue;
            };
            if slot.is_none() {
                let col = searcher
                    .segment_reader(addr.segment_ord)
                    .fast_fields()
                    .bytes("rec")
                    .map_err(|e| SearchError::Index(e.to_string()))?;
                *slot = Some(col);
            }
            let Some(Some(col)) = slot.as_ref() else {
                continue;
            };
            let Some(ord) = col.term_ords(addr.doc_id).next() else {
                continue;
            };
            buf.clear();
            if !col
                .ord_to_bytes(ord, &mut buf)
                .map_err(|e| SearchError::Index(e.to_string()))?
            {
                continue;
            }
            // An unreadable record is skipped here; `verify` reports index drift.
            let Some(rec) = RankRecord::decode(&buf) else {
                continue;
            };
            let scored = ranker.score(&rec);
            hits.push((
                PatientHit {
                    patient: rec.id,
                    score: scored.score,
                    why: scored.why,
                },
                scored.complete,
            ));
        }
        hits.sort_by(|(a, _), (b, _)| b.score.total_cmp(&a.score).then(a.patient.cmp(&b.patient)));
        let complete = hits.first().is_some_and(|(_, c)| *c);
        hits.truncate(limit);
        Ok((hits.into_iter().map(|(h, _)| h).collect(), complete))
    }

    pub fn ids(&self) -> Result<Vec<PatientId>> {
        let ids = self.sub.all_u64("id")?;
        Ok(ids.into_iter().map(PatientId).collect())
    }
}
