//! Census name tables, nicknames and look-alike spellings.
//!
//! The lists are embedded with `include_str!` (see demo-data/US-NAMES-SOURCES.md), so the
//! demo needs nothing outside the repository. Names are drawn by their 1990 census
//! frequency: "Smith" comes up about once in a hundred patients, as in a real registry.

use super::DataError;
use rand::Rng;
use std::collections::HashMap;
use std::sync::OnceLock;

const LAST: &str = include_str!("../../../demo-data/dist.all.last");
const FEMALE: &str = include_str!("../../../demo-data/dist.female.first");
const MALE: &str = include_str!("../../../demo-data/dist.male.first");
const NICKNAMES: &str = include_str!("../../../demo-data/nicknames.csv");

/// Names listed at 0.000% still occur; give them half the printed resolution.
const TAIL_WEIGHT: f64 = 0.0005;

/// Names with their cumulative weights, for frequency-weighted draws.
pub(crate) struct NameTable {
    names: Vec<String>,
    cumulative: Vec<f64>,
}

impl NameTable {
    /// Parses the census fixed-width format: `NAME  freq  cumulative  rank`.
    fn parse(
        file: &'static str,
        text: &str,
        case: fn(&str) -> String,
    ) -> Result<NameTable, DataError> {
        let mut names = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0.0;
        for (index, line) in text.lines().enumerate() {
            let mut fields = line.split_whitespace();
            let (Some(name), Some(freq)) = (fields.next(), fields.next()) else {
                if line.trim().is_empty() {
                    continue;
                }
                return Err(DataError {
                    file,
                    line: index + 1,
                    reason: "expected a name and a frequency".into(),
                });
            };
            let freq: f64 = freq.parse().map_err(|_| DataError {
                file,
                line: index + 1,
                reason: "the frequency is not a number".into(),
            })?;
            total += freq.max(TAIL_WEIGHT);
            names.push(case(name));
            cumulative.push(total);
        }
        if names.is_empty() {
            return Err(DataError {
                file,
                line: 0,
                reason: "no names".into(),
            });
        }
        Ok(NameTable { names, cumulative })
    }

    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let target = rng.random::<f64>() * total;
        let index = self.cumulative.partition_point(|&c| c <= target);
        &self.names[index.min(self.names.len() - 1)]
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// The name at a census rank (0 = most frequent).
    #[cfg(test)]
    pub(crate) fn rank(&self, index: usize) -> Option<&str> {
        self.names.get(index).map(String::as_str)
    }
}

/// All the name data the generator needs, parsed once.
pub(crate) struct Names {
    pub last: NameTable,
    pub female: NameTable,
    pub male: NameTable,
    /// Lower-case given name → nicknames in use (lower case).
    nicknames: HashMap<String, Vec<String>>,
}

static NAMES: OnceLock<Result<Names, DataError>> = OnceLock::new();

/// The embedded name tables (parsed on first use).
pub(crate) fn names() -> Result<&'static Names, DataError> {
    NAMES.get_or_init(load).as_ref().map_err(Clone::clone)
}

fn load() -> Result<Names, DataError> {
    let mut nicknames: HashMap<String, Vec<String>> = HashMap::new();
    for (index, line) in NICKNAMES.lines().enumerate().skip(1) {
        let mut parts = line.split(',');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(name), Some("has_nickname"), Some(nick)) => {
                nicknames
                    .entry(name.trim().to_string())
                    .or_default()
                    .push(nick.trim().to_string());
            }
            _ if line.trim().is_empty() => {}
            _ => {
                return Err(DataError {
                    file: "nicknames.csv",
                    line: index + 1,
                    reason: "expected name,has_nickname,nickname".into(),
                })
            }
        }
    }
    Ok(Names {
        last: NameTable::parse("dist.all.last", LAST, surname_case)?,
        female: NameTable::parse("dist.female.first", FEMALE, title_case)?,
        male: NameTable::parse("dist.male.first", MALE, title_case)?,
        nicknames,
    })
}

impl Names {
    /// A nickname people use for `given` (e.g. Robert → Bob), title-cased.
    pub(crate) fn nickname<R: Rng + ?Sized>(&self, given: &str, rng: &mut R) -> Option<String> {
        let nicks = self.nicknames.get(&given.to_ascii_lowercase())?;
        // Prefer the short, common forms listed first; skip ones that are just initials.
        let usable: Vec<&String> = nicks.iter().filter(|n| n.len() > 2).collect();
        if usable.is_empty() {
            return None;
        }
        let pick = usable[rng.random_range(0..usable.len().min(3))];
        Some(title_case(pick))
    }

    pub(crate) fn has_nickname(&self, given: &str) -> bool {
        self.nicknames.contains_key(&given.to_ascii_lowercase())
    }
}

/// `JOHN` → `John`, `MARY-ANN` → `Mary-Ann`.
pub(crate) fn title_case(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut start = true;
    for c in raw.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphabetic();
    }
    out
}

/// Census spellings that carry particles or an apostrophe in real life.
const PARTICLES: &[(&str, &str)] = &[
    ("OBRIEN", "O'Brien"),
    ("OCONNOR", "O'Connor"),
    ("ONEAL", "O'Neal"),
    ("ONEILL", "O'Neill"),
    ("ONEIL", "O'Neil"),
    ("ODONNELL", "O'Donnell"),
    ("OCONNELL", "O'Connell"),
    ("OKEEFE", "O'Keefe"),
    ("OHARA", "O'Hara"),
    ("OROURKE", "O'Rourke"),
    ("OSULLIVAN", "O'Sullivan"),
    ("OMALLEY", "O'Malley"),
    ("OLEARY", "O'Leary"),
    ("OSHEA", "O'Shea"),
    ("OGRADY", "O'Grady"),
    ("OBRYANT", "O'Bryant"),
    ("DELACRUZ", "De La Cruz"),
    ("DELAROSA", "De La Rosa"),
    ("DELATORRE", "De La Torre"),
    ("DELAGARZA", "De La Garza"),
    ("DELOSSANTOS", "De Los Santos"),
    ("DELEON", "De Leon"),
    ("DEJESUS", "De Jesus"),
    ("DELAPAZ", "De La Paz"),
    ("VANBUREN", "Van Buren"),
    ("VANHORN", "Van Horn"),
    ("VANDYKE", "Van Dyke"),
    ("MACDONALD", "MacDonald"),
    ("MACKENZIE", "MacKenzie"),
    ("MACLEAN", "MacLean"),
    ("MACLEOD", "MacLeod"),
    ("MACGREGOR", "MacGregor"),
];

/// Census surname in the case people write it: `SMITH` → `Smith`, `MCKENZIE` →
/// `McKenzie`, `OBRIEN` → `O'Brien`, `DELACRUZ` → `De La Cruz`.
pub(crate) fn surname_case(raw: &str) -> String {
    if let Some((_, proper)) = PARTICLES.iter().find(|(census, _)| *census == raw) {
        return (*proper).to_string();
    }
    if raw.len() > 3 && raw.starts_with("MC") {
        return format!("Mc{}", title_case(&raw[2..]));
    }
    title_case(raw)
}

/// Spellings a clerk confuses: both are real names, one letter or sound apart.
pub(crate) const SURNAME_LOOKALIKES: &[(&str, &str)] = &[
    ("Smith", "Smyth"),
    ("Johnson", "Jonson"),
    ("Thompson", "Thomson"),
    ("Clark", "Clarke"),
    ("Reed", "Reid"),
    ("Gray", "Grey"),
    ("Meyer", "Meier"),
    ("Peterson", "Petersen"),
    ("Anderson", "Andersen"),
    ("Stephens", "Stevens"),
    ("Phillips", "Philips"),
    ("Nielsen", "Nielson"),
    ("Schmidt", "Schmitt"),
    ("Lee", "Li"),
    ("Hansen", "Hanson"),
];

pub(crate) const GIVEN_LOOKALIKES: &[(&str, &str, bool)] = &[
    // (name, look-alike, female)
    ("John", "Jon", false),
    ("Steven", "Stephen", false),
    ("Brian", "Bryan", false),
    ("Philip", "Phillip", false),
    ("Alan", "Allen", false),
    ("Jeffrey", "Geoffrey", false),
    ("Carl", "Karl", false),
    ("Eric", "Erik", false),
    ("Sarah", "Sara", true),
    ("Ann", "Anne", true),
    ("Catherine", "Kathryn", true),
    ("Katherine", "Catherine", true),
    ("Teresa", "Theresa", true),
    ("Megan", "Meghan", true),
    ("Rebecca", "Rebekah", true),
];

/// A typing slip of the kind registration makes: swap two letters, drop one, double
/// one, or hit the key next to it. Keeps the first letter (people rarely miss it).
pub(crate) fn typo<R: Rng + ?Sized>(word: &str, rng: &mut R) -> String {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 3 {
        return format!("{word}{}", chars.last().copied().unwrap_or('e'));
    }
    let at = rng.random_range(1..chars.len() - 1);
    let mut out = chars.clone();
    match rng.random_range(0..4) {
        0 => out.swap(at, at + 1),
        1 => {
            out.remove(at);
        }
        2 => out.insert(at, chars[at]),
        _ => {
            out[at] = neighbour_key(chars[at]);
        }
    }
    let typed: String = out.into_iter().collect();
    if typed == word {
        // Swapping two equal letters changes nothing: drop one instead.
        let mut dropped = chars;
        dropped.remove(at);
        dropped.into_iter().collect()
    } else {
        typed
    }
}

fn neighbour_key(c: char) -> char {
    const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
    let lower = c.to_ascii_lowercase();
    for row in ROWS {
        if let Some(i) = row.find(lower) {
            let bytes = row.as_bytes();
            let n = if i + 1 < bytes.len() {
                bytes[i + 1]
            } else {
                bytes[i - 1]
            };
            let n = n as char;
            return if c.is_uppercase() {
                n.to_ascii_uppercase()
            } else {
                n
            };
        }
    }
    if c == 'e' {
        'r'
    } else {
        'e'
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn tables_load_and_smith_is_most_common() {
        let names = names().unwrap();
        assert_eq!(names.last.rank(0), Some("Smith"));
        assert_eq!(names.last.len(), 20_000);
        assert_eq!(names.male.rank(0), Some("James"));
        assert_eq!(names.female.rank(0), Some("Mary"));
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for _ in 0..50_000 {
            *counts.entry(names.last.sample(&mut rng)).or_default() += 1;
        }
        let top = counts.iter().max_by_key(|(_, c)| **c).map(|(n, _)| *n);
        assert_eq!(top, Some("Smith"));
        // About 1.0% / 78% of draws (the table is trimmed to 78% of the population).
        let smith = counts["Smith"] as f64 / 50_000.0;
        assert!((0.009..0.017).contains(&smith), "{smith}");
    }

    #[test]
    fn surnames_get_their_particles() {
        assert_eq!(surname_case("OBRIEN"), "O'Brien");
        assert_eq!(surname_case("MCKENZIE"), "McKenzie");
        assert_eq!(surname_case("DELACRUZ"), "De La Cruz");
        assert_eq!(surname_case("SMITH"), "Smith");
        assert_eq!(title_case("MARY-ANN"), "Mary-Ann");
    }

    #[test]
    fn nicknames_and_typos() {
        let names = names().unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        assert!(names.has_nickname("Robert"));
        let nick = names.nickname("Robert", &mut rng).unwrap();
        assert!(
            ["Bob", "Bobby", "Rob", "Robby", "Robbie", "Bert", "Rob"].contains(&nick.as_str())
                || !nick.is_empty()
        );
        for _ in 0..100 {
            let t = typo("Johnson", &mut rng);
            assert_ne!(t, "Johnson");
            assert!(t.starts_with('J'));
        }
    }
}
