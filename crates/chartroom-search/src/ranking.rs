//! Re-ranking candidates: every query part is matched against the patient's record, the
//! best explanation wins, and each hit says why ("last name ~ smyth→smith (1 typo)").
//!
//! Scale: a name word is worth up to 1, a missing word costs 1; a full DOB is worth 2 and a
//! wrong one costs 1.5; an exact MRN or encounter number is worth 4.

use super::patient_query::{NumberToken, PatientQuery};
use super::record::{digits_of, strip_zeros, NameTok, Position, RankRecord, Source};
use chartroom_domain::matching::{
    compare_dob, nickname_keys, nickname_relation, partial_label, phonetic_keys, DobMatch,
    DobQuery, NicknameRelation,
};
use chrono::NaiveDate;
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq)]
enum MatchKind {
    Exact,
    Nickname(NicknameRelation),
    Typo(usize),
    Phonetic,
    Prefix,
    Initial,
}

impl MatchKind {
    fn quality(self) -> f32 {
        match self {
            MatchKind::Exact => 1.0,
            MatchKind::Nickname(NicknameRelation::Direct) => 0.9,
            MatchKind::Typo(1) => 0.82,
            MatchKind::Nickname(NicknameRelation::Shared) => 0.8,
            // Below an exact middle name (1.0 x 0.72): "smith john" should list John as a
            // middle name before Anne or Gene, which only share a sound code with it.
            MatchKind::Phonetic => 0.62,
            MatchKind::Typo(_) => 0.6,
            MatchKind::Prefix => 0.5,
            MatchKind::Initial => 0.45,
        }
    }
}

/// How close (Jaro-Winkler) two spellings must be to count as sounding alike.
const SOUND_ALIKE_SPELLING: f64 = 0.6;

/// Edits between two spellings (optimal string alignment: a transposition is one edit).
pub fn spelling_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// Typos allowed for a typed word of this length.
pub fn allowed_typos(len: usize) -> usize {
    match len {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

fn position_label(t: &NameTok) -> String {
    let pos = match t.position {
        Position::Given => "first name",
        Position::Middle => "middle name",
        Position::Family => "last name",
    };
    match t.source {
        Source::Primary => pos.to_string(),
        Source::Other(kind) => format!("{} {pos}", kind.label()),
    }
}

fn explain(kind: MatchKind, word: &str, t: &NameTok) -> String {
    let label = position_label(t);
    match kind {
        MatchKind::Exact => format!("{label} {word}"),
        MatchKind::Nickname(_) => match t.source {
            Source::Primary => format!("nickname {word}→{}", t.text),
            Source::Other(k) => format!("nickname {word}→{} ({})", t.text, k.label()),
        },
        MatchKind::Typo(1) => format!("{label} ~ {word}→{} (1 typo)", t.text),
        MatchKind::Typo(n) => format!("{label} ~ {word}→{} ({n} typos)", t.text),
        MatchKind::Phonetic => format!("{label} sounds like {word}→{}", t.text),
        MatchKind::Prefix => format!("{label} starts with {word}"),
        MatchKind::Initial => match t.position {
            Position::Middle => format!("middle initial {word}"),
            _ => format!("{label} initial {word}"),
        },
    }
}

/// A scored candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    pub score: f32,
    pub why: Vec<String>,
    /// Every query part matched exactly (or by a listed nickname): no fuzzy search can
    /// find a better candidate.
    pub complete: bool,
    /// Every query part matched somehow (typos, slips and swaps included).
    pub all_parts: bool,
}

/// Scores records against one parsed query; caches phonetic keys across candidates.
pub struct Ranker<'q> {
    query: &'q PatientQuery,
    segments: Vec<Vec<(String, usize, TokenKeys)>>,
    /// Keys of registered name tokens, shared by the many candidates with common names.
    cache: HashMap<String, TokenKeys>,
}

/// Phonetic codes and nickname keys of a word.
#[derive(Clone, Debug, Default)]
struct TokenKeys {
    phonetic: Vec<String>,
    nicknames: &'static [&'static str],
}

static EMPTY_KEYS: TokenKeys = TokenKeys {
    phonetic: Vec::new(),
    nicknames: &[],
};

struct NameResult {
    score: f32,
    why: Vec<String>,
    complete: bool,
    all_parts: bool,
}

impl<'q> Ranker<'q> {
    pub fn new(query: &'q PatientQuery) -> Ranker<'q> {
        let segments = query
            .segmentations()
            .into_iter()
            .map(|seg| {
                seg.into_iter()
                    .map(|(w, cover)| {
                        let keys = TokenKeys {
                            phonetic: phonetic_keys(&w),
                            nicknames: nickname_keys(&w),
                        };
                        (w, cover, keys)
                    })
                    .collect()
            })
            .collect();
        Ranker {
            query,
            segments,
            cache: HashMap::new(),
        }
    }

    fn token_keys(&mut self, text: &str) -> &TokenKeys {
        if !self.cache.contains_key(text) {
            let keys = TokenKeys {
                phonetic: phonetic_keys(text),
                nicknames: nickname_keys(text),
            };
            self.cache.insert(text.to_string(), keys);
        }
        self.cache.get(text).unwrap_or(&EMPTY_KEYS)
    }

    fn match_word(&mut self, word: &str, wk: &TokenKeys, t: &NameTok) -> Option<MatchKind> {
        if word == t.text {
            return Some(MatchKind::Exact);
        }
        let wlen = word.chars().count();
        if wlen == 1 {
            let initial = t.position != Position::Family && t.text.starts_with(word);
            return initial.then_some(MatchKind::Initial);
        }
        let tlen = t.text.chars().count();
        let tk = self.token_keys(&t.text);
        if t.position != Position::Family
            && !wk.nicknames.is_empty()
            && wk.nicknames.iter().any(|k| tk.nicknames.contains(k))
        {
            if let Some(rel) = nickname_relation(word, &t.text) {
                return Some(MatchKind::Nickname(rel));
            }
        }
        // A shared Double Metaphone code alone is too loose (`garcia` and `crews` share
        // KRS, `john` and `anne` share AN): the spellings must be close too. Jaro-Winkler
        // 0.6 keeps catherine/katherine (0.93), philip/filip (0.82), geoff/jeff (0.78) and
        // drops garcia/crews (0.46), john/anne (0.50).
        let sounds = wlen >= 3
            && tlen >= 3
            && wk.phonetic.iter().any(|k| tk.phonetic.contains(k))
            && strsim::jaro_winkler(word, &t.text) >= SOUND_ALIKE_SPELLING;
        // Dropped letters shorten the typed word, so a long name keeps its own allowance
        // ("pote" for "potter"); words under 4 letters are too short to carry two slips.
        let allowed = if wlen >= 4 {
            allowed_typos(wlen.max(tlen))
        } else {
            allowed_typos(wlen)
        };
        let dist = if allowed > 0 && tlen >= 3 && wlen.abs_diff(tlen) <= allowed {
            strsim::osa_distance(word, &t.text)
        } else {
            usize::MAX
        };
        if dist == 1 {
            return Some(MatchKind::Typo(1));
        }
        if sounds {
            return Some(MatchKind::Phonetic);
        }
        if dist <= allowed && dist > 0 {
            return Some(MatchKind::Typo(dist));
        }
        (t.text.starts_with(word)).then_some(MatchKind::Prefix)
    }

    fn score_names(&mut self, rec: &RankRecord) -> NameResult {
        let mut best: Option<NameResult> = None;
        let segments = std::mem::take(&mut self.segments);
        for seg in &segments {
            let r = self.score_segment(seg, rec);
            if best.as_ref().is_none_or(|b| r.score > b.score) {
                best = Some(r);
            }
        }
        self.segments = segments;
        best.unwrap_or(NameResult {
            score: 0.0,
            why: Vec::new(),
            complete: false,
            all_parts: false,
        })
    }

    fn score_segment(
        &mut self,
        seg: &[(String, usize, TokenKeys)],
        rec: &RankRecord,
    ) -> NameResult {
        // every (word, token) pair that matches, with its weighted value
        let mut pairs: Vec<(f32, usize, usize, MatchKind)> = Vec::new();
        for (wi, (word, cover, keys)) in seg.iter().enumerate() {
            for (ti, t) in rec.tokens.iter().enumerate() {
                if let Some(kind) = self.match_word(word, keys, t) {
                    let pos_w = if t.position == Position::Middle {
                        0.72
                    } else {
                        1.0
                    };
                    let src_w = if t.source == Source::Primary {
                        1.0
                    } else {
                        0.95
                    };
                    // Among equal kinds the closer spelling wins (`tchaikovsky` finds
                    // Tchaikovsky before Chaikovsky when both only sound alike); at most
                    // 0.002, below the gaps between kinds.
                    let closeness = if kind == MatchKind::Exact {
                        1.0
                    } else {
                        strsim::jaro_winkler(word, &t.text) as f32
                    };
                    let value =
                        (kind.quality() + 0.002 * closeness) * pos_w * src_w * *cover as f32;
                    pairs.push((value, wi, ti, kind));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut word_done = vec![None; seg.len()];
        let mut tok_used = vec![false; rec.tokens.len()];
        let mut score = 0.0f32;
        for (value, wi, ti, kind) in pairs {
            if word_done[wi].is_some() || tok_used[ti] {
                continue;
            }
            word_done[wi] = Some((ti, kind));
            tok_used[ti] = true;
            score += value;
        }
        let mut why = Vec::new();
        let mut positions: Vec<Position> = Vec::new();
        let mut complete = true;
        let mut all_parts = true;
        for (wi, done) in word_done.iter().enumerate() {
            let (word, cover, _) = &seg[wi];
            match done {
                Some((ti, kind)) => {
                    complete &= matches!(
                        kind,
                        MatchKind::Exact
                            | MatchKind::Nickname(NicknameRelation::Direct)
                            | MatchKind::Initial
                    );
                    let t = &rec.tokens[*ti];
                    why.push(explain(*kind, word, t));
                    if t.source == Source::Primary {
                        positions.push(t.position);
                    }
                }
                None => {
                    complete = false;
                    let cost = if word.chars().count() == 1 { 0.2 } else { 1.0 };
                    all_parts &= cost < 1.0;
                    score -= cost * *cover as f32;
                    why.push(format!("no name matches {word}"));
                }
            }
        }
        // Typed order agreeing with the registered one breaks near-ties.
        let given_first = positions.first() == Some(&Position::Given)
            && positions.last() == Some(&Position::Family);
        let family_first = positions.first() == Some(&Position::Family)
            && positions.get(1) == Some(&Position::Given);
        let comma = self.query.words.first().is_some_and(|w| w.before_comma);
        if (given_first && !comma) || (family_first && comma) {
            score += 0.1;
        } else if family_first || given_first {
            score += 0.05;
        }
        // A name matched completely beats one with extra parts left over.
        let unmatched_primary = rec
            .tokens
            .iter()
            .zip(&tok_used)
            .filter(|(t, used)| {
                !**used && t.source == Source::Primary && t.position != Position::Middle
            })
            .count();
        score -= 0.02 * unmatched_primary as f32;
        NameResult {
            score,
            why,
            complete,
            all_parts,
        }
    }

    /// Scores one candidate record. `hits` tells which of the query's numbers and codes
    /// the index holds for this patient as an exact account or identifier term: the record
    /// keeps only the newest account numbers, the index all of them.
    pub fn score(&mut self, rec: &RankRecord, hits: IndexHits) -> Scored {
        let q = self.query;
        let mut total = 0.0f32;
        let mut why = Vec::new();
        let mut complete = true;
        let mut all_parts = true;
        if !q.words.is_empty() {
            let names = self.score_names(rec);
            total += names.score;
            why.extend(names.why);
            complete &= names.complete;
            all_parts &= names.all_parts;
        }
        // Suffix: the son (`Jr`) above the father.
        match (q.suffix, rec.suffix) {
            (Some(want), Some(have)) if want.compatible(have) => {
                total += 0.5;
                why.push(format!("suffix {}", have.label()));
            }
            (Some(_), Some(have)) => {
                complete = false;
                all_parts = false;
                total -= 0.6;
                why.push(format!("suffix differs ({})", have.label()));
            }
            (Some(_), None) => {
                complete = false;
                total -= 0.2;
            }
            (None, Some(_)) => total -= 0.02,
            (None, None) => {}
        }
        let dob = dob_of(rec.dob);
        if let (Some(query_dob), Some(dob)) = (&q.dob, dob) {
            let m = compare_dob(query_dob, dob);
            complete &= m == DobMatch::Exact;
            all_parts &= m < DobMatch::SameYear;
            let (value, label) = dob_reading(query_dob, m);
            total += value;
            why.push(label.to_string());
        }
        for (i, n) in q.numbers.iter().enumerate() {
            let (value, reason, exact) = number_match(n, rec, dob, hits.number_encounter(i));
            complete &= exact;
            all_parts &= value > 0.0;
            total += value;
            why.push(reason);
        }
        for (i, code) in q.codes.iter().enumerate() {
            let (value, reason) = code_match(code, rec, hits, i);
            complete &= value >= 4.0;
            all_parts &= value > 0.0;
            total += value;
            why.push(reason);
        }
        Scored {
            score: total,
            why,
            complete,
            all_parts,
        }
    }
}

fn dob_of(yyyymmdd: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        (yyyymmdd / 10_000) as i32,
        (yyyymmdd / 100) % 100,
        yyyymmdd % 100,
    )
}

/// What a DOB comparison is worth and how it reads. A full date is worth 2; a month and
/// year 1.2 and a year alone 0.8 (they narrow less), a wrong month in the right year
/// costs 0.5.
fn dob_reading(q: &DobQuery, m: DobMatch) -> (f32, &'static str) {
    match q {
        DobQuery::Date(_) => (dob_value(m), m.label()),
        DobQuery::Partial(p) => {
            let value = match m {
                DobMatch::Exact if p.month.is_some() => 1.2,
                DobMatch::Exact => 0.8,
                DobMatch::OneDigit => 0.1,
                DobMatch::SameYear => -0.5,
                _ => -1.0,
            };
            (value, partial_label(p, m))
        }
    }
}

fn dob_value(m: DobMatch) -> f32 {
    match m {
        DobMatch::Exact => 2.0,
        DobMatch::DayMonthSwapped => 1.2,
        DobMatch::OneDigit => 0.9,
        DobMatch::SameYear => -0.6,
        DobMatch::Mismatch => -1.5,
    }
}

/// Which query parts the index holds as exact account or identifier terms for one
/// candidate: bit `i` for number `i` as an account number, bit `16 + i` for code `i` as
/// an account number, bit `32 + i` for code `i` as another system's identifier.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IndexHits(pub u64);

impl IndexHits {
    /// Numbers and codes each get 16 bits: more parts than that carry no index evidence.
    pub const PARTS: usize = 16;
    pub const CODE_ENCOUNTER: usize = Self::PARTS;
    pub const CODE_IDENTIFIER: usize = 2 * Self::PARTS;

    pub fn set(&mut self, bit: usize) {
        if bit < 64 {
            self.0 |= 1 << bit;
        }
    }

    fn get(self, bit: usize) -> bool {
        bit < 64 && self.0 & (1 << bit) != 0
    }

    fn number_encounter(self, i: usize) -> bool {
        i < Self::PARTS && self.get(i)
    }
}

/// The best reading of a digits token for this patient, or a penalty.
fn number_match(
    n: &NumberToken,
    rec: &RankRecord,
    dob: Option<NaiveDate>,
    encounter_in_index: bool,
) -> (f32, String, bool) {
    let d = n.digits.as_str();
    let mut best: (f32, String) = (-1.0, format!("no identifier matches {d}"));
    // answers whether this reading became the best
    let mut consider = |value: f32, reason: String| {
        let better = value > best.0;
        if better {
            best = (value, reason);
        }
        better
    };
    if d.len() <= 8 && d.parse::<u32>().ok() == Some(rec.mrn) {
        consider(4.0, "MRN exact".to_string());
    }
    if d.len() >= 3 {
        let padded = format!("{:08}", rec.mrn);
        let plain = rec.mrn.to_string();
        if padded.starts_with(d) || plain.starts_with(d) {
            consider(0.6 + 0.1 * d.len() as f32, format!("MRN starts with {d}"));
        }
    }
    if encounter_in_index {
        consider(4.0, "encounter number exact".to_string());
    }
    for e in &rec.encounters {
        let ed = digits_of(e);
        if e == d {
            consider(4.0, "encounter number exact".to_string());
        } else if !ed.is_empty() && strip_zeros(&ed) == strip_zeros(d) && ed.len() + 1 >= e.len() {
            // digits of a number with a letter prefix (`E-0012345` typed `12345`): a little
            // below an exact MRN with the same digits
            consider(3.8, "encounter number exact".to_string());
        } else if d.len() >= 4 && (e.starts_with(d) || ed.starts_with(d)) {
            consider(
                0.6 + 0.1 * d.len() as f32,
                format!("encounter number starts with {d}"),
            );
        }
    }
    // another system's number that is all digits (a feed's 10-digit MRN as sent)
    if d.len() >= 5 && rec.identifiers.iter().any(|i| i == d) {
        consider(4.0, "identifier exact".to_string());
    }
    for p in &rec.phones {
        if p == d {
            consider(2.5, "phone".to_string());
        } else if d.len() == 7 && p.ends_with(d) {
            consider(1.5, "phone (last 7)".to_string());
        } else if d.len() == 4 && p.ends_with(d) {
            consider(0.6, "phone last 4".to_string());
        } else if d.len() >= 6 && p.starts_with(d) {
            consider(1.0, format!("phone starts with {d}"));
        }
    }
    // SSN: the last 4 digits (a full SSN typed is compared by its last 4 only; the index
    // never holds more).
    if (d.len() == 4 || d.len() == 9) && rec.ssn4.is_some_and(|s| d.ends_with(&format!("{s:04}"))) {
        consider(1.5, "SSN last 4".to_string());
    }
    let mut dob_exact = false;
    if let (Some(q), Some(dob)) = (&n.dob, dob) {
        let m = compare_dob(q, dob);
        let (value, label) = dob_reading(q, m);
        if m != DobMatch::Mismatch {
            dob_exact = consider(value, label.to_string()) && m == DobMatch::Exact;
        }
    }
    // exact readings: MRN, encounter, full phone, SSN last 4, exact DOB, month or year
    let exact = dob_exact
        || best.1 == "MRN exact"
        || best.1 == "identifier exact"
        || best.1 == "encounter number exact"
        || best.1 == "phone"
        || best.1 == "phone (last 7)"
        || best.1 == "SSN last 4";
    (best.0, best.1, exact)
}

fn code_match(code: &str, rec: &RankRecord, hits: IndexHits, i: usize) -> (f32, String) {
    let mut best: (f32, String) = (-1.0, format!("no identifier matches {code}"));
    if i < IndexHits::PARTS && hits.get(IndexHits::CODE_ENCOUNTER + i) {
        best = (4.0, "encounter number exact".to_string());
    }
    if i < IndexHits::PARTS && hits.get(IndexHits::CODE_IDENTIFIER + i) {
        best = (4.0, "identifier exact".to_string());
    }
    for e in &rec.encounters {
        if e == code {
            best = (4.0, "encounter number exact".to_string());
        } else if code.len() >= 4 && e.starts_with(code) && best.0 < 1.0 {
            best = (1.0, format!("encounter number starts with {code}"));
        }
    }
    for i in &rec.identifiers {
        if i == code {
            best = (4.0, "identifier exact".to_string());
        } else if code.len() >= 6 && i.starts_with(code) && best.0 < 1.0 {
            best = (1.0, format!("identifier starts with {code}"));
        }
    }
    best
}
