//! The self-check of a de-identified extract: every identifier of the exported patients
//! (names, full dates, ZIP codes, street lines, phone, SSN and MRN digits, source ids)
//! becomes a needle, and every line written is scanned for them and for anything shaped
//! like a date, SSN, phone number, e-mail address, URL or IP address. A hit names the
//! kind, never the value.
//!
//! Lines are cut two ways: coarse tokens (split at spaces, commas, quotes and brackets:
//! `1984-03-02`, `614-482-1937`, `00-10-02-34` stay whole) and fine tokens (split at
//! anything not a letter or digit: `smith`, `john`). Comparisons are case-insensitive.

use crate::patient::Patient;
use chrono::{Datelike, NaiveDate};
use std::collections::{HashMap, HashSet};

/// What kind of identifier a self-check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdentifierKind {
    Name,
    Date,
    Zip,
    Street,
    Phone,
    Ssn,
    Mrn,
    SourceId,
    Email,
    Url,
    Ip,
}

impl IdentifierKind {
    pub fn label(self) -> &'static str {
        match self {
            IdentifierKind::Name => "name",
            IdentifierKind::Date => "full date",
            IdentifierKind::Zip => "ZIP code",
            IdentifierKind::Street => "street address",
            IdentifierKind::Phone => "phone number",
            IdentifierKind::Ssn => "SSN",
            IdentifierKind::Mrn => "MRN",
            IdentifierKind::SourceId => "source id",
            IdentifierKind::Email => "e-mail address",
            IdentifierKind::Url => "URL",
            IdentifierKind::Ip => "IP address",
        }
    }
}

/// Shortest name part looked for (one letter is an initial, not a name).
const MIN_NAME: usize = 2;
/// Shortest digit run looked for (years and three-digit ZIP areas are allowed).
const MIN_DIGITS: usize = 5;
/// Shortest source id looked for (`1` or `ab` would be found everywhere).
const MIN_SOURCE_ID: usize = 4;

/// The needles of one extract.
#[derive(Default)]
pub struct Needles {
    /// Lower-cased whole tokens (coarse or fine): names, formatted dates, source ids.
    tokens: HashMap<String, IdentifierKind>,
    /// Digit strings of tokens made of digits and separators: MRN, SSN, phone, ZIP,
    /// compact dates.
    digits: HashMap<String, IdentifierKind>,
    /// Token sequences (street lines, multi-word towns) by their first fine token.
    sequences: HashMap<String, Vec<(Vec<String>, IdentifierKind)>>,
    /// Words the exporter itself writes (headers, labels, state codes): never a hit.
    vocabulary: HashSet<String>,
}

fn fine_tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
}

fn coarse_tokens(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | '"' | '\'' | ';' | '|' | '(' | ')' | '[' | ']')
    })
    .filter(|t| !t.is_empty())
}

/// The digits of a token made only of digits and number separators, else `None`.
fn digits_of(token: &str) -> Option<String> {
    if !token
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | '/' | '+' | ':'))
    {
        return None;
    }
    let digits: String = token.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= MIN_DIGITS).then_some(digits)
}

/// The common written forms of a date.
pub fn date_forms(d: NaiveDate) -> Vec<String> {
    let (y, m, day) = (d.year(), d.month(), d.day());
    let yy = y.rem_euclid(100);
    vec![
        format!("{y:04}-{m:02}-{day:02}"),
        format!("{m:02}/{day:02}/{y:04}"),
        format!("{m}/{day}/{y:04}"),
        format!("{m:02}/{day:02}/{yy:02}"),
        format!("{m}/{day}/{yy:02}"),
        format!("{m:02}-{day:02}-{y:04}"),
        format!("{day:02}.{m:02}.{y:04}"),
        format!("{y:04}/{m:02}/{day:02}"),
    ]
}

impl Needles {
    pub fn new() -> Needles {
        Needles::default()
    }

    /// How many identifiers are looked for.
    pub fn len(&self) -> usize {
        self.tokens.len() + self.digits.len() + self.sequences.values().map(Vec::len).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A word the extract writes by itself (a header, a label, a state code).
    pub fn allow(&mut self, word: &str) {
        for t in fine_tokens(word) {
            self.vocabulary.insert(t);
        }
    }

    fn token(&mut self, token: String, kind: IdentifierKind) {
        self.tokens.entry(token).or_insert(kind);
    }

    fn digit_run(&mut self, digits: String, kind: IdentifierKind) {
        if digits.len() >= MIN_DIGITS {
            self.digits.entry(digits).or_insert(kind);
        }
    }

    /// A person's name part: each word of it, with and without Synthea's digits.
    pub fn add_name(&mut self, name: &str) {
        for word in fine_tokens(name) {
            let letters: String = word.chars().filter(|c| c.is_alphabetic()).collect();
            for w in [word, letters] {
                if w.chars().count() >= MIN_NAME && !w.chars().all(|c| c.is_ascii_digit()) {
                    self.token(w, IdentifierKind::Name);
                }
            }
        }
    }

    pub fn add_date(&mut self, d: NaiveDate) {
        for form in date_forms(d) {
            self.token(form, IdentifierKind::Date);
        }
        let (y, m, day) = (d.year(), d.month(), d.day());
        self.digit_run(format!("{y:04}{m:02}{day:02}"), IdentifierKind::Date);
        self.digit_run(format!("{m:02}{day:02}{y:04}"), IdentifierKind::Date);
    }

    /// An identifier of another system (source id, account number, identifier value).
    pub fn add_source_id(&mut self, id: &str) {
        let id = id.trim();
        if id.chars().count() < MIN_SOURCE_ID {
            return;
        }
        if let Some(d) = digits_of(id) {
            self.digit_run(d, IdentifierKind::SourceId);
        }
        self.token(id.to_lowercase(), IdentifierKind::SourceId);
        // `urn:uuid:...` and `Patient/123` forms: the bare id too
        if let Some(last) = id.rsplit([':', '/']).next() {
            if last.chars().count() >= MIN_SOURCE_ID {
                self.token(last.to_lowercase(), IdentifierKind::SourceId);
            }
        }
    }

    fn add_sequence(&mut self, text: &str, kind: IdentifierKind, max_words: usize) {
        let words: Vec<String> = fine_tokens(text).take(max_words).collect();
        if let Some(first) = words.first().cloned() {
            if words.len() == 1 && words[0].chars().all(|c| c.is_ascii_digit()) {
                return;
            }
            self.sequences.entry(first).or_default().push((words, kind));
        }
    }

    /// Every identifier of one patient.
    pub fn add_patient(&mut self, p: &Patient) {
        for name in std::iter::once(&p.name).chain(p.other_names.iter().map(|a| &a.name)) {
            self.add_name(&name.given);
            self.add_name(&name.family);
            if let Some(m) = &name.middle {
                self.add_name(m);
            }
        }
        self.add_date(p.dob);
        if let Some(d) = p.flags.deceased {
            self.add_date(d);
        }
        let mrn = p.mrn.0;
        self.digit_run(format!("{mrn}"), IdentifierKind::Mrn);
        self.digit_run(format!("{mrn:08}"), IdentifierKind::Mrn);
        if let Some(a) = &p.address {
            // number, street and type: "123 main st"
            self.add_sequence(&a.line, IdentifierKind::Street, 3);
            let zip: String = a.zip.chars().filter(char::is_ascii_digit).collect();
            if zip.len() >= 5 {
                self.digit_run(zip[..5].to_string(), IdentifierKind::Zip);
                self.digit_run(zip, IdentifierKind::Zip);
            }
        }
        for phone in &p.phones {
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            if let Some(local) = digits.strip_prefix('1').filter(|d| d.len() == 10) {
                self.digit_run(local.to_string(), IdentifierKind::Phone);
            }
            // full numbers only: seven digits alone would match clinical codes
            self.digit_run(digits, IdentifierKind::Phone);
        }
        if let Some(ssn) = &p.ssn {
            self.digit_run(ssn.digits().to_string(), IdentifierKind::Ssn);
        }
        for ident in &p.identifiers {
            self.add_source_id(&ident.value);
        }
    }

    /// The first identifier on `line`, if any.
    pub fn scan_line(&self, line: &str) -> Option<IdentifierKind> {
        if has_bracketed_phone(line) {
            return Some(IdentifierKind::Phone);
        }
        for token in coarse_tokens(line) {
            if let Some(kind) = self.scan_coarse(token) {
                return Some(kind);
            }
        }
        let fine: Vec<String> = fine_tokens(line).collect();
        for (at, token) in fine.iter().enumerate() {
            if self.vocabulary.contains(token) {
                continue;
            }
            if let Some(kind) = self.tokens.get(token) {
                return Some(*kind);
            }
            if token.chars().all(|c| c.is_ascii_digit()) {
                if let Some(kind) = self.digits.get(token) {
                    return Some(*kind);
                }
            }
            for (words, kind) in self.sequences.get(token).into_iter().flatten() {
                if fine[at..].starts_with(words) {
                    return Some(*kind);
                }
            }
        }
        None
    }

    fn scan_coarse(&self, token: &str) -> Option<IdentifierKind> {
        let lower = token.to_lowercase();
        if !self.vocabulary.contains(&lower) {
            if let Some(kind) = self.tokens.get(&lower) {
                return Some(*kind);
            }
        }
        if let Some(digits) = digits_of(token) {
            if let Some(kind) = self.digits.get(&digits) {
                return Some(*kind);
            }
        }
        shape_of(&lower)
    }
}

/// `(614) 482-1937` or `(614)482-1937` anywhere in the line (spaces split it into
/// coarse tokens that look like nothing alone).
fn has_bracketed_phone(line: &str) -> bool {
    let b = line.as_bytes();
    let digits = |from: usize, n: usize| {
        b.get(from..from + n)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    (0..b.len()).any(|i| {
        if b[i] != b'(' || !digits(i + 1, 3) || b.get(i + 4) != Some(&b')') {
            return false;
        }
        let mut j = i + 5;
        if b.get(j) == Some(&b' ') {
            j += 1;
        }
        digits(j, 3) && b.get(j + 3) == Some(&b'-') && digits(j + 4, 4)
    })
}

/// Identifiers recognised by their shape alone, whoever they belong to.
fn shape_of(token: &str) -> Option<IdentifierKind> {
    if token.contains("://") || token.starts_with("www.") {
        return Some(IdentifierKind::Url);
    }
    if let Some((user, host)) = token.split_once('@') {
        if !user.is_empty() && host.contains('.') {
            return Some(IdentifierKind::Email);
        }
    }
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u16>().is_ok_and(|n| n <= 255))
    {
        return Some(IdentifierKind::Ip);
    }
    let groups: Vec<usize> = token.split(['-', '/', '.']).map(str::len).collect();
    let all_digits = token
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | '.'));
    if all_digits && token.contains(['-', '/']) {
        match groups.as_slice() {
            [3, 2, 4] if token.contains('-') => return Some(IdentifierKind::Ssn),
            [3, 3, 4] => return Some(IdentifierKind::Phone),
            [4, 1 | 2, 1 | 2] | [1 | 2, 1 | 2, 4] | [1 | 2, 1 | 2, 2] => {
                return Some(IdentifierKind::Date)
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patient::{Address, PersonName, Sex, Ssn};
    use crate::{Mrn, PatientFlags, PatientId};

    fn patient() -> Patient {
        Patient {
            id: PatientId(3),
            mrn: Mrn(100234),
            name: PersonName::new("Alva958", "Dickinson688"),
            other_names: vec![],
            dob: NaiveDate::from_ymd_opt(1984, 3, 2).unwrap(),
            sex: Sex::Female,
            address: Some(Address {
                line: "123 Main St Apt 4".into(),
                city: "Columbus".into(),
                state: "OH".into(),
                zip: "43201".into(),
            }),
            phones: vec!["614-482-1937".into()],
            ssn: Ssn::parse("999-12-5772"),
            flags: PatientFlags::default(),
            identifiers: vec![crate::Identifier {
                system: "synthea".into(),
                value: "b0d5f2c1-7a4e-4e0b-9a61-3f1c2d9e8a77".into(),
            }],
            staff_link: None,
        }
    }

    fn needles() -> Needles {
        let mut n = Needles::new();
        n.add_patient(&patient());
        n.allow("study_patient_id,sex,birth_year,age,state,zip3");
        n
    }

    #[test]
    fn clean_lines_pass() {
        let n = needles();
        assert_eq!(
            n.scan_line("study_patient_id,sex,birth_year,age,state,zip3"),
            None
        );
        assert_eq!(n.scan_line("P-QZKXMWBTRPLFHC,F,1984,42,OH,432"), None);
        assert_eq!(
            n.scan_line("E-BCDF,P-QZKX,inpatient,2024,2024,R-XX,O-YY"),
            None
        );
    }

    #[test]
    fn every_kind_is_caught() {
        let n = needles();
        let cases = [
            ("x,dickinson,y", IdentifierKind::Name),
            ("x,ALVA,y", IdentifierKind::Name),
            ("x,1984-03-02,y", IdentifierKind::Date),
            ("x,3/2/1984,y", IdentifierKind::Date),
            ("x,19840302,y", IdentifierKind::Date),
            ("x,2019-07-04,y", IdentifierKind::Date),
            ("x,43201,y", IdentifierKind::Zip),
            ("x,123 Main St,y", IdentifierKind::Street),
            ("x,(614) 482-1937,y", IdentifierKind::Phone),
            ("x,(212)555-0100,y", IdentifierKind::Phone),
            ("x,614.482.1937,y", IdentifierKind::Phone),
            ("x,6144821937,y", IdentifierKind::Phone),
            ("x,999125772,y", IdentifierKind::Ssn),
            ("x,123-45-6789,y", IdentifierKind::Ssn),
            ("x,00-10-02-34,y", IdentifierKind::Mrn),
            ("x,100234,y", IdentifierKind::Mrn),
            (
                "x,B0D5F2C1-7A4E-4E0B-9A61-3F1C2D9E8A77,y",
                IdentifierKind::SourceId,
            ),
            ("x,a@b.org,y", IdentifierKind::Email),
            ("x,https://example.org/p,y", IdentifierKind::Url),
            ("x,10.0.0.12,y", IdentifierKind::Ip),
        ];
        for (line, kind) in cases {
            assert_eq!(n.scan_line(line), Some(kind), "{line}");
        }
    }
}
