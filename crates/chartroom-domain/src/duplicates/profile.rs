//! What duplicate detection compares of a chart, normalised once: name parts, their
//! sound keys, the birth date, identifiers and household contacts.

use crate::matching::{family_tokens, nickname_keys, phonetic_keys, split_name, Suffix};
use crate::{NameKind, Patient, PatientId, Sex};
use chrono::{Datelike, NaiveDate};

/// A chart reduced to what the comparisons read.
#[derive(Clone, Debug)]
pub struct Profile {
    pub id: PatientId,
    /// First given name part (`mary` of `Mary Ann`).
    pub given: String,
    /// The remaining given parts and the middle names.
    pub middle: Vec<String>,
    /// Family name parts as split (`garcia`, `lopez`).
    pub family_parts: Vec<String>,
    /// The whole family name joined (`garcialopez`, `delacruz`).
    pub family: String,
    /// Maiden and previous family names on file (joined forms).
    pub former_families: Vec<String>,
    /// Given names on file as aliases (nicknames in use).
    pub alias_givens: Vec<String>,
    pub suffix: Option<Suffix>,
    pub dob: NaiveDate,
    pub sex: Sex,
    pub ssn: Option<String>,
    /// Phone numbers, last 10 digits, only those with at least 7 digits.
    pub phones: Vec<String>,
    /// Street line normalised (`12 oak st`), empty when none.
    pub street: String,
    /// First five ZIP digits, empty when none.
    pub zip: String,
}

fn joined(parts: &[String]) -> String {
    parts.concat()
}

/// Street words lower-cased with punctuation gone and common words shortened, so
/// `12 Oak Street.` and `12 oak st` meet.
pub fn normalize_street(line: &str) -> String {
    line.split(|c: char| c.is_whitespace() || c == ',' || c == '.' || c == '#')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            match w.as_str() {
                "street" => "st".to_string(),
                "avenue" => "ave".to_string(),
                "road" => "rd".to_string(),
                "drive" => "dr".to_string(),
                "lane" => "ln".to_string(),
                "boulevard" => "blvd".to_string(),
                "court" => "ct".to_string(),
                "place" => "pl".to_string(),
                "apartment" | "apt" | "unit" | "suite" | "ste" => "#".to_string(),
                "north" => "n".to_string(),
                "south" => "s".to_string(),
                "east" => "e".to_string(),
                "west" => "w".to_string(),
                _ => w,
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

impl Profile {
    pub fn of(p: &Patient) -> Profile {
        let mut given_parts = split_name(&p.name.given);
        let given = if given_parts.is_empty() {
            String::new()
        } else {
            given_parts.remove(0)
        };
        let mut middle = given_parts;
        if let Some(m) = p.name.middle.as_deref() {
            middle.extend(split_name(m));
        }
        let family_parts = split_name(&p.name.family);
        let family = joined(&family_parts);
        let mut former_families = Vec::new();
        let mut alias_givens = Vec::new();
        for alt in &p.other_names {
            let fam = joined(&split_name(&alt.name.family));
            match alt.kind {
                NameKind::Maiden | NameKind::Previous => {
                    if !fam.is_empty() && fam != family && !former_families.contains(&fam) {
                        former_families.push(fam);
                    }
                }
                NameKind::Alias => {
                    if let Some(g) = split_name(&alt.name.given).into_iter().next() {
                        if g != given && !alias_givens.contains(&g) {
                            alias_givens.push(g);
                        }
                    }
                }
            }
        }
        let phones = p
            .phones
            .iter()
            .map(|t| digits(t))
            .filter(|d| d.len() >= 7)
            .map(|d| d[d.len().saturating_sub(10)..].to_string())
            .collect();
        let (street, zip) = match &p.address {
            Some(a) => {
                let z = digits(&a.zip);
                (normalize_street(&a.line), z.chars().take(5).collect())
            }
            None => (String::new(), String::new()),
        };
        Profile {
            id: p.id,
            given,
            middle,
            family_parts,
            family,
            former_families,
            alias_givens,
            suffix: p.name.suffix.as_deref().and_then(Suffix::parse),
            dob: p.dob,
            sex: p.sex,
            ssn: p.ssn.as_ref().map(|s| s.digits().to_string()),
            phones,
            street,
            zip,
        }
    }

    /// Family name parts plus joined forms (`de la cruz` → …, `delacruz`, `lacruz`).
    pub fn family_tokens(&self) -> Vec<String> {
        family_tokens(&self.family_parts.join(" "))
    }

    /// Keys a given name is blocked under: its sound codes and the formal names it is a
    /// nickname of (so Bob and Robert share a block).
    pub fn given_keys(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for name in std::iter::once(&self.given).chain(self.alias_givens.iter()) {
            if name.is_empty() {
                continue;
            }
            for k in phonetic_keys(name) {
                push_unique(&mut out, format!("s{k}"));
            }
            for formal in nickname_keys(name) {
                push_unique(&mut out, format!("n{formal}"));
            }
        }
        out
    }

    /// Sound codes of the family name, of each of its parts and of former names.
    pub fn family_keys(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut words: Vec<&String> = vec![&self.family];
        if self.family_parts.len() > 1 {
            words.extend(self.family_parts.iter().filter(|p| p.len() > 2));
        }
        words.extend(self.former_families.iter());
        for w in words {
            for k in phonetic_keys(w) {
                push_unique(&mut out, k);
            }
        }
        out
    }

    /// The birth date with day and month in order, so a swap lands on the same key.
    pub fn dob_swap_key(&self) -> (i32, u32, u32) {
        let (m, d) = (self.dob.month(), self.dob.day());
        (self.dob.year(), m.min(d), m.max(d))
    }
}

fn push_unique(out: &mut Vec<String>, s: String) {
    if !out.contains(&s) {
        out.push(s);
    }
}
