//! The note screen's query box. Filters typed inline (`type:discharge from:2024-01-01
//! to:2024-12-31 mrn:00-12-34-56 author:"jane smith"`) are taken out here; the rest is the note query
//! language, which the index parses. Pure, so `update` runs it on every keystroke and
//! only a readable query becomes a search.

use chartroom_domain::{DocumentType, Mrn};
use chrono::NaiveDate;

/// What the note screen asks the runtime to search. The MRN is resolved to a patient by
/// the runtime (a store read), so `update` stays free of I/O.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoteRequest {
    /// The note query language part (may be blank: then the filtered notes, newest first).
    pub text: String,
    pub mrn: Option<Mrn>,
    pub doc_type: Option<DocumentType>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Words of the author's name; every word must match.
    pub author: Option<String>,
}

/// A typed query split into the request and, for each character of `request.text`, its
/// 1-based position in what was typed: the index reports syntax errors by position in
/// the text it saw, and the clerk must be pointed at the character they typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedNoteInput {
    pub request: NoteRequest,
    pub positions: Vec<usize>,
}

/// Filter prefixes, as typed (lower case; matched case-insensitively).
pub const FILTERS: [&str; 5] = ["type:", "from:", "to:", "mrn:", "author:"];

/// Splits `input` into filters and query text. The error is a hint about a filter that
/// cannot be read yet (it is shown while typing, so it never echoes the input).
pub fn parse_note_input(input: &str) -> Result<ParsedNoteInput, String> {
    let mut request = NoteRequest::default();
    let mut text = String::new();
    let mut positions = Vec::new();
    for token in tokens(input) {
        let word: String = token.iter().map(|(c, _)| *c).collect();
        let lower = word.to_lowercase();
        let filter = FILTERS
            .iter()
            .find(|f| lower.starts_with(*f) && lower.len() >= f.len());
        match filter {
            Some(prefix) => {
                // Filter names are ASCII, so the value starts at the same byte offset.
                let value = word.get(prefix.len()..).unwrap_or("").trim();
                apply_filter(&mut request, prefix, value)?;
            }
            None => {
                if !text.is_empty() {
                    text.push(' ');
                    positions.push(token.first().map(|(_, p)| *p).unwrap_or(1));
                }
                for (c, p) in token {
                    text.push(c);
                    positions.push(p);
                }
            }
        }
    }
    if let (Some(from), Some(to)) = (request.from, request.to) {
        if from > to {
            return Err("from: is after to: (no note can be in that range)".into());
        }
    }
    request.text = text;
    Ok(ParsedNoteInput { request, positions })
}

/// Tokens separated by whitespace outside double quotes, each character with its
/// 1-based position (a filter inside a phrase is part of the phrase).
fn tokens(input: &str) -> Vec<Vec<(char, usize)>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    let mut quoted = false;
    for (i, c) in input.chars().enumerate() {
        if c == '"' {
            quoted = !quoted;
        }
        if c.is_whitespace() && !quoted {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        current.push((c, i + 1));
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn type_codes() -> String {
    DocumentType::ALL
        .iter()
        .map(|t| t.code())
        .collect::<Vec<_>>()
        .join(" ")
}

fn apply_filter(request: &mut NoteRequest, prefix: &str, value: &str) -> Result<(), String> {
    match prefix {
        "type:" => {
            request.doc_type = Some(
                note_type(value)
                    .ok_or_else(|| format!("type: needs a note type: {}", type_codes()))?,
            );
        }
        "from:" => {
            request.from = Some(date(value).ok_or("from: needs a date, YYYY-MM-DD or MM/DD/YYYY")?);
        }
        "to:" => {
            request.to = Some(date(value).ok_or("to: needs a date, YYYY-MM-DD or MM/DD/YYYY")?);
        }
        "author:" => {
            // `author:smith` or `author:"jane smith"` (quotes may still be open while typing)
            let name = value.trim_matches('"').trim();
            if name.is_empty() {
                return Err(
                    "author: needs a name, e.g. author:smith or author:\"jane smith\"".into(),
                );
            }
            request.author = Some(name.to_string());
        }
        _ => {
            request.mrn = Some(Mrn::parse(value).ok_or("mrn: needs an MRN (up to 8 digits)")?);
        }
    }
    Ok(())
}

/// A note type by code (`discharge`), by label without spaces (`dischargesummary`), by
/// a prefix of a code that only one type has (`disch`), so typing it searches early, or
/// by a clear abbreviation (`dschg`).
fn note_type(value: &str) -> Option<DocumentType> {
    if value.is_empty() {
        return None;
    }
    let v = value.to_lowercase();
    if let Some(t) = DocumentType::from_code(&v) {
        return Some(t);
    }
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    if let Some(t) = DocumentType::ALL
        .into_iter()
        .find(|t| squash(t.label()) == squash(&v))
    {
        return Some(t);
    }
    let mut by_prefix = DocumentType::ALL
        .into_iter()
        .filter(|t| t.code().starts_with(&v) || squash(t.label()).starts_with(&v));
    match (by_prefix.next(), by_prefix.next()) {
        (Some(t), None) => return Some(t),
        (Some(_), Some(_)) => return None, // still ambiguous: wait for more letters
        _ => {}
    }
    fuzzy_note_type(&v, &squash)
}

/// A misspelt or abbreviated type (`dschg`, `opreport`): the one type whose name the
/// letters match best, in order (fuzzy-matcher's skim scoring), when no other type
/// comes close — an unclear abbreviation picks nothing rather than a guess.
fn fuzzy_note_type(value: &str, squash: &dyn Fn(&str) -> String) -> Option<DocumentType> {
    use fuzzy_matcher::skim::SkimMatcherV2;
    use fuzzy_matcher::FuzzyMatcher;
    if value.len() < 3 {
        return None;
    }
    let matcher = SkimMatcherV2::default();
    let mut scored: Vec<(i64, DocumentType)> = DocumentType::ALL
        .into_iter()
        .filter_map(|t| {
            let best = [squash(t.label()), t.code().to_string()]
                .iter()
                .filter_map(|name| matcher.fuzzy_match(name, value))
                .max()?;
            Some((best, t))
        })
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    match scored.as_slice() {
        [(best, t)] => (*best > 0).then_some(*t),
        [(best, t), (second, _), ..] if *best > *second + 10 => Some(*t),
        _ => None,
    }
}

fn date(value: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%m/%d/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(value, f).ok())
}

/// The typed-query position of character `position` (1-based) of the text sent to the
/// index; past the end maps to just past the typed query's last character.
pub fn typed_position(positions: &[usize], position: usize) -> usize {
    match position.checked_sub(1).and_then(|i| positions.get(i)) {
        Some(p) => *p,
        None => positions.last().map(|p| p + 1).unwrap_or(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_types_by_code_label_prefix_and_clear_abbreviation() {
        assert_eq!(note_type("discharge"), Some(DocumentType::DischargeSummary));
        assert_eq!(
            note_type("Discharge Summary"),
            Some(DocumentType::DischargeSummary)
        );
        assert_eq!(note_type("disch"), Some(DocumentType::DischargeSummary));
        assert_eq!(note_type("dschg"), Some(DocumentType::DischargeSummary));
        assert_eq!(note_type("radiolgy"), Some(DocumentType::RadiologyReport));
        // `p` starts progress, procedure, pathology: nothing until it is clear
        assert_eq!(note_type("p"), None);
        assert_eq!(note_type("xqz"), None);
    }

    #[test]
    fn filters_come_out_and_text_keeps_positions() {
        let p =
            parse_note_input("chest  type:disch pain mrn:12-34-56 from:2024-01-01 to:12/31/2024")
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.request.text, "chest pain");
        assert_eq!(p.request.doc_type, Some(DocumentType::DischargeSummary));
        assert_eq!(p.request.mrn, Some(Mrn(123456)));
        assert_eq!(p.request.from, NaiveDate::from_ymd_opt(2024, 1, 1));
        assert_eq!(p.request.to, NaiveDate::from_ymd_opt(2024, 12, 31));
        // "pain" starts at character 19 of the typed query.
        assert_eq!(typed_position(&p.positions, 7), 19);
        assert_eq!(typed_position(&p.positions, 99), 23);
    }

    #[test]
    fn author_takes_one_word_or_a_quoted_name() {
        let p =
            parse_note_input("pain author:\"Jane Smith\" fever").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.request.author.as_deref(), Some("Jane Smith"));
        assert_eq!(p.request.text, "pain fever");
        let p = parse_note_input("author:smith").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.request.author.as_deref(), Some("smith"));
        // still typing the quoted name: search with what is there
        let p = parse_note_input("author:\"jane sm").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.request.author.as_deref(), Some("jane sm"));
        assert!(parse_note_input("author:").is_err());
        assert!(parse_note_input("author:\"\"").is_err());
    }

    #[test]
    fn phrases_keep_filter_like_words_and_bad_filters_explain() {
        let p = parse_note_input("\"type:x pain\" OR fever").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.request.text, "\"type:x pain\" OR fever");
        assert!(p.request.doc_type.is_none());
        assert!(parse_note_input("type:p").is_err(), "ambiguous prefix");
        assert!(parse_note_input("type:").is_err());
        assert!(parse_note_input("from:2024-13-01").is_err());
        assert!(parse_note_input("mrn:abc").is_err());
        assert!(parse_note_input("from:2024-02-01 to:2024-01-01").is_err());
        let e = parse_note_input("from:secret").err().unwrap_or_default();
        assert!(!e.contains("secret"), "never echoes what was typed");
        assert_eq!(
            parse_note_input("TYPE:Discharge Summary").map(|p| p.request.doc_type),
            Ok(Some(DocumentType::DischargeSummary))
        );
    }
}
