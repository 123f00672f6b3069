//! The gated candidate passes of patient search (strict and DOB slip): which term groups
//! stand for each part of the query. `gated.rs` does the posting work.

use super::gated::{gated_candidates, Need, TermGroup};
use super::patient_index::PatientIndex;
use super::patient_query::{PatientQuery, WordKeys};
use super::record::strip_zeros;
use super::Result;
use chartroom_domain::matching::{lookup_keys, DobQuery};
use tantivy::DocAddress;

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

    /// Candidates of the strict pass: every part of the query matched, name words exactly,
    /// by nickname or by sound; for each way of reading the words (`de la cruz` apart or
    /// glued).
    pub(super) fn strict_candidates(
        &self,
        searcher: &tantivy::Searcher,
        q: &PatientQuery,
        want: usize,
    ) -> Result<(Vec<DocAddress>, bool)> {
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
        let mut all: Vec<DocAddress> = Vec::new();
        let mut truncated = false;
        for reading in q.segmentations() {
            let mut groups: Vec<TermGroup> = reading
                .iter()
                .filter_map(|(w, _)| self.word_group(w))
                .collect();
            groups.extend(others.iter().cloned());
            if groups.is_empty() {
                continue;
            }
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

/// Date terms a date or year matches exactly (a full date also by its day/month swap).
fn dob_keys(dob: &DobQuery) -> Vec<String> {
    match dob {
        DobQuery::Year(y) => vec![format!("y{y}")],
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
