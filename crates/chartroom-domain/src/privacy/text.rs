//! Comparing names, addresses and departments as people write them.

/// Lower-case letters only: `O'Brien-Smith688` → `obriensmith` (Synthea's digits and
/// punctuation dropped).
pub fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The family name of a roster name written `Last, First` or `First Last`.
pub fn family_of(name: &str) -> String {
    let name = name.trim();
    let family = match name.split_once(',') {
        Some((last, _)) => last,
        None => name.rsplit(char::is_whitespace).next().unwrap_or(name),
    };
    normalise_name(family)
}

/// Whether two department names are the same department (case and punctuation aside).
pub fn same_department(a: &str, b: &str) -> bool {
    let (a, b) = (normalise_name(a), normalise_name(b));
    !a.is_empty() && a == b
}

/// How a home address compares with a patient's address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressMatch {
    /// Same number and street in the same town.
    Same,
    /// Same street in the same town, another number: a neighbour.
    Street,
    None,
}

const STREET_WORDS: [(&str, &str); 14] = [
    ("street", "st"),
    ("avenue", "ave"),
    ("av", "ave"),
    ("road", "rd"),
    ("drive", "dr"),
    ("lane", "ln"),
    ("boulevard", "blvd"),
    ("court", "ct"),
    ("place", "pl"),
    ("terrace", "ter"),
    ("circle", "cir"),
    ("parkway", "pkwy"),
    ("highway", "hwy"),
    ("apartment", "apt"),
];

/// Lower-case words, street types abbreviated, apartment/unit parts dropped.
fn address_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in line
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_lowercase();
        if matches!(
            word.as_str(),
            "apt" | "apartment" | "unit" | "suite" | "ste"
        ) {
            break;
        }
        let abbreviated = STREET_WORDS
            .iter()
            .find(|(long, _)| *long == word)
            .map_or(word.clone(), |(_, short)| (*short).to_string());
        out.push(abbreviated);
    }
    out
}

impl AddressMatch {
    /// Compares a roster home address (one line: `12 Oak St, Springfield, MA 01101`)
    /// with a patient's street line, city and ZIP. The town must agree: the patient's ZIP
    /// (first five digits) or city appears in the home address.
    pub fn compare(home: &str, line: &str, city: &str, zip: &str) -> AddressMatch {
        if home.trim().is_empty() || line.trim().is_empty() {
            return AddressMatch::None;
        }
        let home_lower = home.to_lowercase();
        let zip5: String = zip.chars().filter(char::is_ascii_digit).take(5).collect();
        let town = (zip5.len() == 5 && home_lower.contains(&zip5))
            || (!city.trim().is_empty() && home_lower.contains(&city.trim().to_lowercase()));
        if !town {
            return AddressMatch::None;
        }
        let home_street = address_words(home.split(',').next().unwrap_or(home));
        let patient_street = address_words(line);
        if home_street.is_empty() || patient_street.is_empty() {
            return AddressMatch::None;
        }
        if home_street == patient_street {
            return AddressMatch::Same;
        }
        let without_number = |words: &[String]| -> Vec<String> {
            words
                .iter()
                .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
                .cloned()
                .collect()
        };
        let (a, b) = (
            without_number(&home_street),
            without_number(&patient_street),
        );
        if !a.is_empty() && a == b {
            AddressMatch::Street
        } else {
            AddressMatch::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_families() {
        assert_eq!(normalise_name("O'Brien688"), "obrien");
        assert_eq!(family_of("Garcia, Maria"), "garcia");
        assert_eq!(family_of("Maria  Garcia"), "garcia");
        assert!(same_department("Emergency Dept.", "emergency dept"));
        assert!(!same_department("", ""));
    }

    #[test]
    fn addresses() {
        let home = "12 Oak Street, Springfield, MA 01101";
        assert_eq!(
            AddressMatch::compare(home, "12 Oak St", "Springfield", "01101"),
            AddressMatch::Same
        );
        assert_eq!(
            AddressMatch::compare(home, "14 Oak St Apt 2", "Springfield", ""),
            AddressMatch::Street
        );
        assert_eq!(
            AddressMatch::compare(home, "12 Oak St", "Boston", "02110"),
            AddressMatch::None
        );
        assert_eq!(
            AddressMatch::compare(home, "12 Elm St", "Springfield", "01101"),
            AddressMatch::None
        );
    }
}
