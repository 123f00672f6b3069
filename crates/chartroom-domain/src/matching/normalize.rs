//! Name normalisation: what a typed or registered name looks like once case, accents,
//! punctuation and generator digits are gone, split into the parts search compares.

use crate::PersonName;

/// Family-name particles that are often typed apart (`De La Cruz`, `Mc Kenzie`, `O Brien`)
/// and registered together, or the other way round.
pub const PARTICLES: &[&str] = &[
    "da", "das", "de", "del", "della", "der", "des", "di", "do", "dos", "du", "el", "la", "las",
    "le", "lo", "los", "mac", "mc", "o", "san", "st", "ste", "van", "vande", "vander", "von",
    "ten", "ter", "al", "bin", "ben", "y", "d", "l",
];

pub fn is_particle(word: &str) -> bool {
    PARTICLES.contains(&word)
}

/// A name suffix, normalised: it tells a father (`Sr`) from his son (`Jr`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Suffix {
    Jr,
    Sr,
    Second,
    Third,
    Fourth,
    Fifth,
}

impl Suffix {
    /// Reads a suffix word (`jr`, `Jr.`, `junior`, `III`, `3rd`...).
    pub fn parse(word: &str) -> Option<Suffix> {
        let w: String = word
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        match w.as_str() {
            "jr" | "junior" => Some(Suffix::Jr),
            "sr" | "senior" => Some(Suffix::Sr),
            "ii" | "2nd" => Some(Suffix::Second),
            "iii" | "3rd" => Some(Suffix::Third),
            "iv" | "4th" => Some(Suffix::Fourth),
            "v" | "5th" => Some(Suffix::Fifth),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Suffix::Jr => "jr",
            Suffix::Sr => "sr",
            Suffix::Second => "ii",
            Suffix::Third => "iii",
            Suffix::Fourth => "iv",
            Suffix::Fifth => "v",
        }
    }

    /// Suffixes a query may type for the same person (a `Jr` is often a `II`).
    pub fn compatible(self, other: Suffix) -> bool {
        self == other
            || matches!(
                (self, other),
                (Suffix::Jr, Suffix::Second) | (Suffix::Second, Suffix::Jr)
            )
    }
}

fn fold_char(c: char, out: &mut String) {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ś' | 'š' | 'ş' => 's',
        'ź' | 'ż' | 'ž' => 'z',
        'ł' => 'l',
        'ř' => 'r',
        'ť' => 't',
        'ß' => {
            out.push_str("ss");
            return;
        }
        'æ' => {
            out.push_str("ae");
            return;
        }
        'œ' => {
            out.push_str("oe");
            return;
        }
        c => c,
    };
    out.push(folded);
}

/// Normalises one word: lower case, accents folded, apostrophes and dots removed,
/// trailing digits dropped (`Dickinson688` → `dickinson`, `O'Brien` → `obrien`).
/// Other characters split words; use [`split_name`] for text that may hold several.
pub fn normalize_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        if c.is_alphabetic() {
            fold_char(c, &mut out);
        } else if c.is_ascii_digit() {
            out.push(c);
        }
        // apostrophes, dots, hyphens and the rest disappear
    }
    let trimmed = out.trim_end_matches(|c: char| c.is_ascii_digit());
    trimmed.to_string()
}

/// Splits name text at spaces, hyphens, commas and slashes into normalised parts.
pub fn split_name(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '-' | ',' | '/' | '_' | '–'))
        .map(normalize_word)
        .filter(|w| !w.is_empty())
        .collect()
}

/// The normalised parts of one name, by position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameTokens {
    pub given: Vec<String>,
    pub middle: Vec<String>,
    /// Family parts as split, then the joined forms (`garcialopez`, `delacruz`) when the
    /// family name has several parts.
    pub family: Vec<String>,
    pub suffix: Option<Suffix>,
}

impl NameTokens {
    pub fn from_name(name: &PersonName) -> NameTokens {
        let given = split_name(&name.given);
        let middle = name.middle.as_deref().map(split_name).unwrap_or_default();
        let family = family_tokens(&name.family);
        let suffix = name.suffix.as_deref().and_then(Suffix::parse);
        NameTokens {
            given,
            middle,
            family,
            suffix,
        }
    }

    /// Every token once (for indexing).
    pub fn all(&self) -> impl Iterator<Item = &String> {
        self.given
            .iter()
            .chain(self.middle.iter())
            .chain(self.family.iter())
    }
}

/// Family name parts plus joined forms: `Garcia-Lopez` → garcia, lopez, garcialopez;
/// `De La Cruz` → de, la, cruz, delacruz, lacruz.
pub fn family_tokens(family: &str) -> Vec<String> {
    let parts = split_name(family);
    let mut out = parts.clone();
    if parts.len() > 1 {
        out.push(parts.concat());
        // particles glued to what follows them (`de la cruz` → `lacruz` as well)
        for start in 1..parts.len() - 1 {
            if is_particle(&parts[start]) {
                out.push(parts[start..].concat());
            }
        }
    }
    out.dedup();
    out
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn words_lose_case_accents_punctuation_and_digits() {
        assert_eq!(normalize_word("Dickinson688"), "dickinson");
        assert_eq!(normalize_word("O'Brien"), "obrien");
        assert_eq!(normalize_word("José"), "jose");
        assert_eq!(normalize_word("St."), "st");
        assert_eq!(normalize_word("Müller"), "muller");
        assert_eq!(normalize_word("123"), "");
    }

    #[test]
    fn family_names_split_and_join() {
        assert_eq!(
            family_tokens("Garcia-Lopez"),
            vec!["garcia", "lopez", "garcialopez"]
        );
        assert_eq!(
            family_tokens("De La Cruz"),
            vec!["de", "la", "cruz", "delacruz", "lacruz"]
        );
        assert_eq!(family_tokens("McKenzie"), vec!["mckenzie"]);
        assert_eq!(family_tokens("Mc Kenzie"), vec!["mc", "kenzie", "mckenzie"]);
    }

    #[test]
    fn suffixes_parse() {
        assert_eq!(Suffix::parse("Jr."), Some(Suffix::Jr));
        assert_eq!(Suffix::parse("III"), Some(Suffix::Third));
        assert_eq!(Suffix::parse("junior"), Some(Suffix::Jr));
        assert_eq!(Suffix::parse("smith"), None);
        assert!(Suffix::Jr.compatible(Suffix::Second));
        assert!(!Suffix::Jr.compatible(Suffix::Sr));
    }

    #[test]
    fn name_tokens_by_position() {
        let mut n = PersonName::new("Alva958", "Dickinson688");
        n.middle = Some("Q".into());
        n.suffix = Some("Jr".into());
        let t = NameTokens::from_name(&n);
        assert_eq!(t.given, vec!["alva"]);
        assert_eq!(t.middle, vec!["q"]);
        assert_eq!(t.family, vec!["dickinson"]);
        assert_eq!(t.suffix, Some(Suffix::Jr));
    }
}
