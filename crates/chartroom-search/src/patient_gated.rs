//! The gated candidate passes of patient search (strict, typo and DOB slip): which term groups
//! stand for each part of the query. `gated.rs` does the posting work.

use super::gated::{gated_candidates, Need, TermGroup};
use super::patient_index::PatientIndex;
use super::patient_query::{PatientQuery, WordKeys};
use super::ranking::{allowed_typos, spelling_distance};
use super::record::strip_zeros;
use super::{Result, SearchError};
use chartroom_domain::matching::{lookup_keys, partial_keys, DobQuery};
use tantivy::query::FuzzyTermQuery;
use tantivy::{DocAddress, Term};

/// Most dictionary terms one word may expand to (typos and prefixes) in the typo pass;
/// a word that expands to more (a two-letter prefix) is left to the fuzzy pass.
const MAX_EXPANSION: usize = 400;

/// Weight of a typo term in the typo pass, as the ranker grades it.
fn typo_weight(distance: usize) -> f32 {
    if distance <= 1 {
        0.82
    } else {
        0.6
    }
}

impl PatientIndex {
    /// The terms standing for one name word, best first: the word, the formal names it is
    /// a nickname of, its sound codes (from 3 letters). `None` for a lone initial.
    fn word_group(&self, word: &str) -> Option<TermGroup> {
        let len = word.chars().count();
        if len < 2 {
            return None;
        }
        let f = &self.f;
        let keys = WordKeys::of(word);
        let mut group = TermGroup::default();
        group.push(f.name, word, 1.0);
        for nick in keys.nicknames.iter().filter(|k| **k != word) {
            group.push(f.nick, *nick, 0.9);
        }
        if len >= 3 {
            for code in keys.phonetic {
                group.push(f.phon, code, 0.7);
            }
        }
        Some(group)
    }

    /// Dictionary terms within the word's typo allowance (1 for 3-5 letters, 2 for
    /// longer; a transposition is 1) and, with `prefix`, the terms it starts; each with
    /// the weight the ranker would give it. `None` when there are more than
    /// [`MAX_EXPANSION`]. Read by walking a Levenshtein automaton over the part of each
    /// segment's term dictionary that starts with the word's first letter (callers rarely
    /// get the first letter wrong, and a distance-2 automaton walked from the root visits
    /// most of the dictionary's first levels); no posting is touched here. A first-letter
    /// slip is left to the fuzzy pass.
    fn expansions(
        &self,
        searcher: &tantivy::Searcher,
        word: &str,
        prefix: bool,
    ) -> Result<Option<Vec<(String, f32)>>> {
        let typos = allowed_typos(word.chars().count());
        let term = Term::from_field_text(self.f.name, word);
        let mut automata = Vec::new();
        if typos > 0 {
            automata.push(FuzzyTermQuery::new(term.clone(), typos as u8, true));
        }
        if prefix {
            automata.push(FuzzyTermQuery::new_prefix(term, 0, true));
        }
        let Some(first) = word.chars().next() else {
            return Ok(Some(Vec::new()));
        };
        let mut low = [0u8; 4];
        let low = first.encode_utf8(&mut low).as_bytes().to_vec();
        let mut high = low.clone();
        if let Some(last) = high.last_mut() {
            // the last byte of a UTF-8 character is at most 0xBF: no overflow
            *last = last.saturating_add(1);
        }
        let mut out: Vec<(String, f32)> = Vec::new();
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        for reader in searcher.segment_readers() {
            let inverted = reader
                .inverted_index(self.f.name)
                .map_err(|e| SearchError::Index(e.to_string()))?;
            for query in &automata {
                let automaton = query
                    .automaton()
                    .map_err(|e| SearchError::Index(e.to_string()))?;
                let mut stream = inverted
                    .terms()
                    .search(automaton)
                    .ge(&low)
                    .lt(&high)
                    .into_stream()
                    .map_err(|e| SearchError::Index(e.to_string()))?;
                while let Some((key, _)) = stream.next() {
                    let Ok(text) = std::str::from_utf8(key) else {
                        continue;
                    };
                    if text == word || !seen.insert(text.to_string()) {
                        continue;
                    }
                    let distance = spelling_distance(word, text);
                    let weight = if distance <= typos {
                        typo_weight(distance)
                    } else {
                        0.5
                    };
                    out.push((text.to_string(), weight));
                    if out.len() > MAX_EXPANSION {
                        return Ok(None);
                    }
                }
            }
        }
        Ok(Some(out))
    }

    /// Candidates of the typo pass: every part of the query matched, name words also by
    /// typo (and by prefix: words of 4+ letters, or the last one typed), the rarest part
    /// gating the others as in the strict pass. `None` when a word expands to too many
    /// terms to be worth it (the fuzzy pass then runs).
    pub(super) fn typo_candidates(
        &self,
        searcher: &tantivy::Searcher,
        q: &PatientQuery,
        want: usize,
    ) -> Result<Option<(Vec<DocAddress>, bool)>> {
        let others = self.part_groups(q);
        let last_typed = q.words.last().map(|w| w.text.as_str());
        let mut expanded: Vec<(String, TermGroup)> = Vec::new();
        let mut readings: Vec<Vec<TermGroup>> = Vec::new();
        for reading in q.segmentations() {
            let mut groups: Vec<TermGroup> = Vec::new();
            for (word, _) in &reading {
                if let Some((_, g)) = expanded.iter().find(|(w, _)| w == word) {
                    groups.push(g.clone());
                    continue;
                }
                let Some(mut group) = self.word_group(word) else {
                    continue;
                };
                let len = word.chars().count();
                let prefix = len >= 4 || Some(word.as_str()) == last_typed;
                let Some(terms) = self.expansions(searcher, word, prefix)? else {
                    return Ok(None);
                };
                for (text, weight) in terms {
                    group.push(self.f.name, text, weight);
                }
                expanded.push((word.clone(), group.clone()));
                groups.push(group);
            }
            groups.extend(others.iter().cloned());
            readings.push(groups);
        }
        every_part_of_any_reading(searcher, readings, want).map(Some)
    }

    /// One group per typed part other than name words: the date or year, each number
    /// (as an exact identifier or date), each code.
    fn part_groups(&self, q: &PatientQuery) -> Vec<TermGroup> {
        let f = &self.f;
        let mut others: Vec<TermGroup> = Vec::new();
        if let Some(dob) = &q.dob {
            let mut group = TermGroup::default();
            for key in dob_keys(dob) {
                group.push(f.dob, key, 2.0);
            }
            others.push(group);
        }
        for n in &q.numbers {
            let mut group = TermGroup::default();
            for key in exact_number_keys(&n.digits) {
                group.push(f.ident, key, 3.0);
            }
            for key in n.dob.iter().flat_map(dob_keys) {
                group.push(f.dob, key, 2.0);
            }
            others.push(group);
        }
        for code in &q.codes {
            let mut group = TermGroup::default();
            group.push(f.ident, format!("e:{code}"), 3.0);
            group.push(f.ident, format!("i:{code}"), 3.0);
            others.push(group);
        }
        others
    }

    /// Candidates of the strict pass: every part of the query matched, name words exactly,
    /// by nickname or by sound; for each way of reading the words (`de la cruz` apart or
    /// glued).
    pub(super) fn strict_candidates(
        &self,
        searcher: &tantivy::Searcher,
        q: &PatientQuery,
        want: usize,
    ) -> Result<(Vec<DocAddress>, bool)> {
        let others = self.part_groups(q);
        let readings = q
            .segmentations()
            .iter()
            .map(|reading| {
                let mut groups: Vec<TermGroup> = reading
                    .iter()
                    .filter_map(|(w, _)| self.word_group(w))
                    .collect();
                groups.extend(others.iter().cloned());
                groups
            })
            .collect();
        every_part_of_any_reading(searcher, readings, want)
    }

    /// Candidates of the DOB-slip pass: born on the typed date, its swap or a one-digit
    /// slip of it, sharing a name word (exact, nickname or sound-alike) with the query.
    pub(super) fn slip_candidates(
        &self,
        searcher: &tantivy::Searcher,
        q: &PatientQuery,
        want: usize,
    ) -> Result<(Vec<DocAddress>, bool)> {
        let Some(dob) = q.full_date() else {
            return Ok((Vec::new(), false));
        };
        let close = lookup_keys(dob, false);
        let mut dates = TermGroup::default();
        for key in lookup_keys(dob, true) {
            let weight = if close.contains(&key) { 2.0 } else { 1.0 };
            dates.push(self.f.dob, key, weight);
        }
        let mut groups = vec![dates];
        groups.extend(q.lookup_words().iter().filter_map(|w| self.word_group(w)));
        gated_candidates(searcher, &groups, Need::FirstAndAny, want)
    }
}

/// The documents matching every group of at least one reading (the rarest group gating
/// the others), each once, and whether any reading had more than `want`.
fn every_part_of_any_reading(
    searcher: &tantivy::Searcher,
    readings: Vec<Vec<TermGroup>>,
    want: usize,
) -> Result<(Vec<DocAddress>, bool)> {
    let mut all: Vec<DocAddress> = Vec::new();
    let mut truncated = false;
    for groups in readings.into_iter().filter(|g| !g.is_empty()) {
        let (found, more) = gated_candidates(searcher, &groups, Need::All, want)?;
        truncated |= more;
        for addr in found {
            if !all.contains(&addr) {
                all.push(addr);
            }
        }
    }
    Ok((all, truncated))
}

/// Date terms a date, month or year matches exactly (a full date also by its day/month
/// swap, a month and year by every day of it).
fn dob_keys(dob: &DobQuery) -> Vec<String> {
    match dob {
        DobQuery::Partial(p) => partial_keys(p),
        DobQuery::Date(_) => lookup_keys(dob, false),
    }
}

/// Identifier terms a typed number matches exactly: MRN (with or without leading zeros),
/// account number, phone (whole or last 7 or 4 digits), SSN last 4.
pub(super) fn exact_number_keys(d: &str) -> Vec<String> {
    let mut keys = vec![format!("m:{d}"), format!("e:{d}"), format!("p:{d}")];
    if d.len() >= 5 {
        // another system's number that is all digits (a feed's 10-digit MRN)
        keys.push(format!("i:{d}"));
    }
    if d.len() <= 8 {
        if let Ok(m) = d.parse::<u32>() {
            keys.push(format!("m:{m}"));
        }
    }
    keys.push(format!("e:{}", strip_zeros(d)));
    match d.len() {
        7 => keys.push(format!("p7:{d}")),
        4 => {
            keys.push(format!("s4:{d}"));
            keys.push(format!("p4:{d}"));
        }
        9 => keys.push(format!("s4:{}", &d[5..])),
        _ => {}
    }
    keys
}
