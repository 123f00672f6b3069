//! Reading a patient query box: which tokens are names, dates, numbers or codes.

use super::record::normalize_ident;
use chartroom_domain::matching::{
    is_particle, month_name_date, nickname_keys, normalize_word, parse_dob, phonetic_keys,
    two_digit_year, DobQuery, Suffix,
};

/// A name word of the query, normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryWord {
    pub text: String,
    /// Typed before a comma (`Smith, John`): most likely the family name.
    pub before_comma: bool,
    /// May be glued to the next word (`de la cruz`, `garcia-lopez`, `mc kenzie`).
    pub joins_next: bool,
}

/// A token of digits (separators removed): MRN, phone, encounter, SSN last 4, year...
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberToken {
    pub digits: String,
    /// The date it may also be (`19840302`, `1984`, `84`).
    pub dob: Option<DobQuery>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PatientQuery {
    pub words: Vec<QueryWord>,
    pub suffix: Option<Suffix>,
    /// A date with separators (`3/2/84`, `1984-03-02`) or a month and year (`3/84`,
    /// `1992-12`, `March 1984`).
    pub dob: Option<DobQuery>,
    pub numbers: Vec<NumberToken>,
    /// Letters-and-digits codes (`E-10023`, `ACC123`), normalised.
    pub codes: Vec<String>,
}

impl PatientQuery {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
            && self.dob.is_none()
            && self.numbers.is_empty()
            && self.codes.is_empty()
            && self.suffix.is_none()
    }

    /// The full date of birth typed, with separators (`3/2/84`) or as a number that reads
    /// as one (`19840302`).
    pub fn full_date(&self) -> Option<&DobQuery> {
        self.dob
            .iter()
            .chain(self.numbers.iter().filter_map(|n| n.dob.as_ref()))
            .find(|d| matches!(d, DobQuery::Date(_)))
    }

    /// The alternative segmentations of the name words: each joinable run may be glued
    /// (`de la cruz` → `delacruz`). Each word carries how many typed words it covers.
    /// At most 8 alternatives.
    pub fn segmentations(&self) -> Vec<Vec<(String, usize)>> {
        let mut out: Vec<Vec<(String, usize)>> = vec![Vec::new()];
        let mut i = 0;
        while i < self.words.len() {
            // a run of joinable words ends at the first word that does not join
            let start = i;
            while i + 1 < self.words.len() && self.words[i].joins_next {
                i += 1;
            }
            let run: Vec<&str> = self.words[start..=i]
                .iter()
                .map(|w| w.text.as_str())
                .collect();
            i += 1;
            let mut next = Vec::new();
            let room = out.len() < 8;
            for seg in &out {
                let mut apart = seg.clone();
                apart.extend(run.iter().map(|s| (s.to_string(), 1)));
                next.push(apart);
                if run.len() > 1 && room {
                    let mut glued = seg.clone();
                    glued.push((run.concat(), run.len()));
                    next.push(glued);
                    if run.len() > 2 {
                        // `de la cruz` → `de` + `lacruz` as well
                        let mut tail = seg.clone();
                        tail.push((run[0].to_string(), 1));
                        tail.push((run[1..].concat(), run.len() - 1));
                        next.push(tail);
                    }
                }
            }
            out = next;
        }
        out
    }

    /// All distinct words a candidate search should look up (parts and glued forms).
    pub fn lookup_words(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for seg in self.segmentations() {
            for (w, _) in seg {
                if !out.contains(&w) {
                    out.push(w);
                }
            }
        }
        out
    }
}

/// Labels and titles a caller or clerk may type around the real parts
/// (`DOB: 3/2/84`, `MRN 123456`, `Mrs. Smith`); they are not names.
const IGNORED_WORDS: &[&str] = &[
    "dob",
    "mrn",
    "born",
    "phone",
    "ph",
    "tel",
    "ssn",
    "acct",
    "account",
    "enc",
    "encounter",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "no",
    "nr",
    "num",
    "number",
];

/// Academic and professional degrees written after a name.
fn is_credential(word: &str) -> bool {
    // not `do`: it is also a family name (Vietnamese Đỗ)
    const CREDENTIALS: &[&str] = &["md", "phd", "jd", "dds", "dmd", "dvm", "esq"];
    let w: String = word
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    CREDENTIALS.contains(&w.as_str())
}

fn is_number_like(token: &str) -> bool {
    token.chars().any(|c| c.is_ascii_digit())
        && token
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | '(' | ')' | '+' | '/'))
}

/// Longest name word looked up (longer text is not a name; it would only make the fuzzy
/// automata expensive).
const MAX_WORD: usize = 40;
/// Most tokens read from one query box.
const MAX_TOKENS: usize = 12;

/// Dates written with a month name (`June 5, 1996`, `05-JUN-1996`) become one
/// `month/day/year` token; the comma after the last word used is kept.
fn month_name_dates(raw: Vec<(String, bool)>) -> Vec<(String, bool)> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let words: Vec<&str> = raw[i..].iter().take(3).map(|(t, _)| t.as_str()).collect();
        // only words with a digit can start or be a date; `June Smith` stays a name
        let found = month_name_date(&words).filter(|(_, used)| {
            let spread = &raw[i..i + used];
            let has_digit = spread
                .iter()
                .any(|(t, _)| t.chars().any(|c| c.is_ascii_digit()));
            // `mar 12 34 56` is a name start and an MRN typed in groups, not a date
            let more_digits = *used >= 2
                && raw
                    .get(i + used)
                    .is_some_and(|(t, _)| t.chars().all(|c| c.is_ascii_digit()));
            has_digit && !more_digits
        });
        match found {
            Some((date, used)) => {
                out.push((date, raw[i + used - 1].1));
                i += used;
            }
            _ => {
                out.push(raw[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// Parses the query box. `pivot_year` is the current year (two-digit years, future dates).
pub fn parse_patient_query(text: &str, pivot_year: i32) -> PatientQuery {
    let mut q = PatientQuery::default();
    let text: String = text.chars().take(MAX_TOKENS * (MAX_WORD + 1)).collect();
    let text = text.as_str();
    // Split into raw tokens, remembering commas.
    let mut raw: Vec<(String, bool)> = Vec::new(); // (token, followed by a comma)
    for piece in text.split_whitespace() {
        let mut rest = piece;
        loop {
            match rest.find([',', ';']) {
                Some(at) => {
                    let (head, tail) = rest.split_at(at);
                    if !head.is_empty() {
                        raw.push((head.to_string(), true));
                    } else if let Some(last) = raw.last_mut() {
                        last.1 = true;
                    }
                    rest = &tail[1..];
                }
                None => {
                    if !rest.is_empty() {
                        raw.push((rest.to_string(), false));
                    }
                    break;
                }
            }
        }
    }
    let raw = month_name_dates(raw);
    let comma_at = raw.iter().position(|(_, c)| *c);

    // Glue runs of short digit groups: `(617) 555-1234`, `12 34 56`.
    let mut merged: Vec<(String, bool, usize)> = Vec::new(); // (token, comma, raw index)
    let mut i = 0;
    while i < raw.len() {
        let (tok, comma) = &raw[i];
        if is_number_like(tok) && !tok.contains('/') && parse_dob(tok, pivot_year).is_none() {
            let mut j = i;
            let mut digits: Vec<String> = Vec::new();
            while j < raw.len()
                && is_number_like(&raw[j].0)
                && !raw[j].0.contains('/')
                && (j == i || !raw[j - 1].1)
            {
                let d: String = raw[j].0.chars().filter(char::is_ascii_digit).collect();
                if d.len() > 7 {
                    break;
                }
                digits.push(d);
                j += 1;
            }
            let short = digits.iter().any(|d| d.len() <= 3);
            let total: usize = digits.iter().map(String::len).sum();
            if digits.len() > 1 && short && (4..=11).contains(&total) {
                merged.push((digits.concat(), raw[j - 1].1, i));
                i = j;
                continue;
            }
        }
        merged.push((tok.clone(), *comma, i));
        i += 1;
    }

    let mut name_tokens: Vec<(String, bool)> = Vec::new(); // (raw word, before comma)
                                                           // digits of a month-and-year token (`10/2002`), in case nothing else is typed
    let mut partial_digits: Option<String> = None;
    for (tok, _comma, idx) in merged {
        let before_comma = comma_at.is_some_and(|c| idx <= c);
        let trimmed = tok.trim_matches(|c: char| matches!(c, '(' | ')' | '"' | '\'' | '.' | ':'));
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.chars().any(|c| c.is_ascii_digit()) {
            if is_number_like(trimmed) {
                let has_sep = trimmed.contains(['/', '-', '.']);
                let dob = parse_dob(trimmed, pivot_year);
                let mut digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
                // A date by its shape: separators around a day, month and year, or a
                // month and year (`10/2002` is October 2002, not MRN 102002).
                if has_sep && dob.is_some() && q.dob.is_none() {
                    if matches!(dob, Some(DobQuery::Partial(_))) {
                        partial_digits = Some(digits);
                    }
                    q.dob = dob;
                    continue;
                }
                if digits.len() == 11 && digits.starts_with('1') {
                    // US country code in front of a phone number
                    digits.remove(0);
                }
                // a bare two-digit number is a birth year (`smith 84`)
                let dob = match (has_sep, digits.len()) {
                    (true, _) => None,
                    (false, 2) => two_digit_year(&digits, pivot_year),
                    _ => dob,
                };
                q.numbers.push(NumberToken { digits, dob });
                continue;
            }
            // letters then digits: a generator name (`Alva958`, even mistyped `Kunz2e15`)
            // or a code (`E10023`, `ACC0012345`)
            let lead: String = trimmed
                .chars()
                .take_while(|c| c.is_alphabetic() || *c == '\'')
                .collect();
            let rest = &trimmed[lead.len()..];
            let rest_digits = rest.chars().filter(char::is_ascii_digit).count();
            let starts_with_digit = rest.chars().next().is_some_and(|c| c.is_ascii_digit());
            // a long hex string is an identifier (a UUID typed without dashes), never a name
            let hex_id = trimmed.len() >= 12 && trimmed.chars().all(|c| c.is_ascii_hexdigit());
            let is_name = !hex_id
                && lead.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && starts_with_digit
                && !rest.contains('-')
                // Synthea appends at most 4 digits (a stray letter from a typo aside);
                // a longer tail is an account code such as `SY9C8E685C314E`
                && rest.len() <= 5
                && rest_digits <= 4
                // all capitals (`AB777`, `MR101`) is a code as feeds write MRNs; Synthea
                // names are capitalised (`Alva958`)
                && !(lead.len() >= 2 && lead.chars().all(|c| c.is_ascii_uppercase()));
            if is_name {
                name_tokens.push((lead, before_comma));
            } else {
                let code = normalize_ident(trimmed);
                if !code.is_empty() {
                    q.codes.push(code);
                }
            }
            continue;
        }
        let lowered = trimmed.trim_end_matches([':', '#', '.']).to_lowercase();
        if IGNORED_WORDS.contains(&lowered.as_str()) || lowered == "#" {
            continue;
        }
        name_tokens.push((trimmed.to_string(), before_comma));
    }

    let count = name_tokens.len();
    for (n, (word, before_comma)) in name_tokens.into_iter().enumerate() {
        if n > 0 && q.suffix.is_none() && word.len() > 1 && !word.eq_ignore_ascii_case("v") {
            if let Some(s) = Suffix::parse(&word) {
                q.suffix = Some(s);
                continue;
            }
        }
        // Degrees after a name (`Jackie Okuneva MD`, Synthea's PhD/JD/MD suffixes) say
        // nothing about who the patient is; as a first word `Md` is a given name.
        if n > 0 && is_credential(&word) {
            continue;
        }
        let parts: Vec<String> = word
            .split(['-', '_', '/', '–'])
            .map(normalize_word)
            .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD)
            .collect();
        let last_part = parts.len().saturating_sub(1);
        for (k, text) in parts.into_iter().enumerate() {
            let hyphen_join = k < last_part;
            let particle_join = is_particle(&text) && (n + 1 < count || k < last_part);
            q.words.push(QueryWord {
                text,
                before_comma,
                joins_next: hyphen_join || particle_join,
            });
        }
    }
    // A month-and-year token alone may still be a number typed with a separator: read it
    // both ways, so the best reading wins (nothing else in the query reads better).
    if let Some(digits) = partial_digits {
        let alone = q.words.is_empty() && q.numbers.is_empty() && q.codes.is_empty();
        if alone && digits.len() >= 5 {
            let dob = q.dob.take();
            q.numbers.push(NumberToken { digits, dob });
        }
    }
    q.words.truncate(MAX_TOKENS);
    q.numbers.truncate(MAX_TOKENS);
    q.codes.truncate(MAX_TOKENS);
    if let Some(last) = q.words.last_mut() {
        last.joins_next = false;
    }
    q
}

/// Per-word lookups the candidate search needs.
#[derive(Clone, Debug)]
pub struct WordKeys {
    pub phonetic: Vec<String>,
    pub nicknames: &'static [&'static str],
}

impl WordKeys {
    pub fn of(word: &str) -> WordKeys {
        WordKeys {
            phonetic: phonetic_keys(word),
            nicknames: nickname_keys(word),
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    fn words(q: &PatientQuery) -> Vec<&str> {
        q.words.iter().map(|w| w.text.as_str()).collect()
    }

    proptest::proptest! {
        // Whatever is typed (month names, digits, separators, any script), reading the
        // query box never panics.
        #[test]
        fn reading_any_input_never_panics(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "\\PC{0,12}",
                    "[0-9]{1,8}",
                    "(jan|June|sept\\.|MAY|dec)",
                    "[0-9]{1,2}(st|th|é|日)?",
                    "[0-9]{1,2}[-/. ]?[a-zé]{2,5}[-/. ]?[0-9]{0,4}",
                    "[,;'()\\-/.]",
                ],
                0..8,
            )
        ) {
            let text = parts.join(" ");
            let q = parse_patient_query(&text, 2026);
            proptest::prop_assert!(q.words.len() <= MAX_TOKENS);
        }
    }

    #[test]
    fn dates_with_month_names_are_dates() {
        for text in [
            "smith June 5, 1996",
            "smith 5 jun 1996",
            "smith 05-JUN-1996",
            "smith 05JUN1996",
            "smith 5th june 1996",
            "smith jun 5 96",
        ] {
            let q = parse_patient_query(text, 2026);
            assert_eq!(words(&q), vec!["smith"], "{text}");
            let Some(DobQuery::Date(dates)) = &q.dob else {
                panic!("{text}: no date in {q:?}");
            };
            assert!(
                dates
                    .iter()
                    .any(|d| (d.year, d.month, d.day) == (1996, 6, 5)),
                "{text}: {dates:?}"
            );
        }
        // degrees after a name are not names; `Md` first is a given name
        let q = parse_patient_query("Okuneva, Jackie PhD", 2026);
        assert_eq!(words(&q), vec!["okuneva", "jackie"]);
        let q = parse_patient_query("md rahman", 2026);
        assert_eq!(words(&q), vec!["md", "rahman"]);
        // a month name without a day stays a name; an MRN typed in groups stays a number
        let q = parse_patient_query("June Smith", 2026);
        assert_eq!(words(&q), vec!["june", "smith"]);
        let q = parse_patient_query("mar 12 34 56", 2026);
        assert!(q.dob.is_none(), "{q:?}");
        assert_eq!(q.numbers.first().map(|n| n.digits.as_str()), Some("123456"));
    }

    fn partial(q: &PatientQuery) -> Option<&chartroom_domain::matching::PartialDate> {
        match &q.dob {
            Some(DobQuery::Partial(p)) => Some(p),
            _ => None,
        }
    }

    #[test]
    fn partial_dates_are_dates_not_numbers_or_names() {
        // a month and year with a separator is a date, not MRN 102002
        let q = parse_patient_query("john smith 10/2002", 2026);
        assert_eq!(words(&q), vec!["john", "smith"]);
        assert!(q.numbers.is_empty(), "{q:?}");
        let p = partial(&q).expect("month and year");
        assert_eq!((p.years.clone(), p.month), (vec![2002], Some(10)));
        for (text, year, month) in [
            ("smith john 3/84", 1984, 3),
            ("jane doe 1992-12", 1992, 12),
            ("jane doe born March 1984", 1984, 3),
            ("jane doe mar '84", 1984, 3),
            ("doe, jane JUN-1996", 1996, 6),
        ] {
            let q = parse_patient_query(text, 2026);
            // the month is not a name word
            assert_eq!(words(&q).len(), 2, "{text}: {q:?}");
            let p = partial(&q).unwrap_or_else(|| panic!("{text}: {q:?}"));
            assert_eq!(
                (p.years.clone(), p.month),
                (vec![year], Some(month)),
                "{text}"
            );
        }
        // a bare two-digit number next to a name is a birth year
        let q = parse_patient_query("jane doe 84", 2026);
        assert_eq!(
            q.numbers[0].dob,
            Some(DobQuery::Partial(
                chartroom_domain::matching::PartialDate::year(1984)
            ))
        );
        // alone, `10/2002` may still be a number typed with a separator: both readings
        let q = parse_patient_query("10/2002", 2026);
        assert!(q.dob.is_none());
        assert_eq!(q.numbers[0].digits, "102002");
        assert!(matches!(q.numbers[0].dob, Some(DobQuery::Partial(_))));
        // a month word with no year next to it stays a name
        let q = parse_patient_query("may smith", 2026);
        assert_eq!(words(&q), vec!["may", "smith"]);
        // an MRN typed in groups after a month-like name is still one number
        let q = parse_patient_query("mar 12 34 56", 2026);
        assert!(q.dob.is_none(), "{q:?}");
    }

    #[test]
    fn names_dates_and_numbers_are_told_apart() {
        let q = parse_patient_query("Smith, John 3/2/84", 2026);
        assert_eq!(words(&q), vec!["smith", "john"]);
        assert!(q.words[0].before_comma);
        assert!(!q.words[1].before_comma);
        assert!(q.dob.is_some());

        let q = parse_patient_query("smith 5772", 2026);
        assert_eq!(q.numbers[0].digits, "5772");

        let q = parse_patient_query("(617) 555-1234", 2026);
        assert_eq!(q.numbers.len(), 1);
        assert_eq!(q.numbers[0].digits, "6175551234");

        let q = parse_patient_query("12-34-56", 2026);
        assert_eq!(q.numbers[0].digits, "123456");

        let q = parse_patient_query("12 34 56", 2026);
        assert_eq!(q.numbers[0].digits, "123456");

        let q = parse_patient_query("john smith jr", 2026);
        assert_eq!(words(&q), vec!["john", "smith"]);
        assert_eq!(q.suffix, Some(Suffix::Jr));

        let q = parse_patient_query("Alva958 Dickinson688", 2026);
        assert_eq!(words(&q), vec!["alva", "dickinson"]);
        let q = parse_patient_query("Kunz2e15 O'Keefe54 Green4667", 2026);
        assert_eq!(words(&q), vec!["kunz", "okeefe", "green"]);

        let q = parse_patient_query("E-10023", 2026);
        assert_eq!(q.codes, vec!["e10023"]);
        let q = parse_patient_query("ACC10023", 2026);
        assert_eq!(q.codes, vec!["acc10023"]);
        let q = parse_patient_query("SY9C8E685C314E", 2026);
        assert_eq!(q.codes, vec!["sy9c8e685c314e"]);
        assert!(q.words.is_empty());
        let q = parse_patient_query("ab12cd34-d223-6fae", 2026);
        assert_eq!(q.codes, vec!["ab12cd34d2236fae"]);

        let q = parse_patient_query("Mrs. Smith DOB: 3/2/84", 2026);
        assert_eq!(words(&q), vec!["smith"]);
        assert!(q.dob.is_some());
    }

    #[test]
    fn particles_and_hyphens_can_glue() {
        let q = parse_patient_query("maria de la cruz", 2026);
        let segs: Vec<Vec<String>> = q
            .segmentations()
            .into_iter()
            .map(|s| s.into_iter().map(|(w, _)| w).collect())
            .collect();
        assert!(segs.contains(&vec!["maria".to_string(), "delacruz".to_string()]));
        assert!(segs.contains(&vec![
            "maria".to_string(),
            "de".to_string(),
            "la".to_string(),
            "cruz".to_string()
        ]));
        let q = parse_patient_query("garcia-lopez", 2026);
        assert!(q.lookup_words().contains(&"garcialopez".to_string()));
        assert!(q.lookup_words().contains(&"garcia".to_string()));
        let q = parse_patient_query("O'Brien", 2026);
        assert_eq!(words(&q), vec!["obrien"]);
        let q = parse_patient_query("mc kenzie", 2026);
        assert!(q.lookup_words().contains(&"mckenzie".to_string()));
    }
}
