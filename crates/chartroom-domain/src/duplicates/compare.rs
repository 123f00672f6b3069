//! Field-by-field comparison of two charts. Each comparison says *how* the values
//! relate (exact, nickname, typo, swap…); `score.rs` turns that into points.

use super::profile::Profile;
use super::typo::{is_typo, one_digit_apart, typo_distance};
use super::{Field, FieldMatch};
use crate::matching::NicknameRelation;
use crate::matching::{compare_dob, nickname_keys, nickname_relation, phonetic_keys, sounds_alike};
use crate::matching::{DobMatch, DobQuery, Ymd};
use crate::Sex;
use chrono::Datelike;

/// How two charts compare, field by field, plus what the score needs to judge a
/// birth-date slip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub fields: [(Field, FieldMatch); 9],
    /// Whole years between the two birth dates.
    pub years_apart: i32,
    /// Whether either chart carries a name suffix (a Jr/Sr family).
    pub any_suffix: bool,
    /// Whether both charts say female (a married name explains a new last name).
    pub both_female: bool,
}

impl Comparison {
    pub fn get(&self, field: Field) -> FieldMatch {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| *m)
            .unwrap_or(FieldMatch::Missing)
    }
}

/// Nicknames of each other (Bob / Robert), or two nicknames of one name (Bob / Bobby);
/// two formal names that merely share a nickname (William / Robert via a list entry)
/// are not.
fn nicknames(a: &str, b: &str) -> bool {
    let formal = |x: &str| nickname_keys(x).contains(&x);
    match nickname_relation(a, b) {
        Some(NicknameRelation::Direct) => true,
        Some(NicknameRelation::Shared) => !(formal(a) && formal(b)),
        None => false,
    }
}

/// A short form that is the start of the long one (Bart / Bartholomew, Sam / Samantha).
fn truncated(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 3 && long.len() > short.len() && long.starts_with(short)
}

fn first_letter(s: &str) -> Option<char> {
    s.chars().next()
}

fn sound_alike(a: &str, b: &str) -> bool {
    first_letter(a) == first_letter(b) && sounds_alike(&phonetic_keys(a), &phonetic_keys(b))
}

/// A one-letter name against a name it is the initial of.
fn initial_of(a: &str, b: &str) -> bool {
    (a.len() == 1 && b.len() > 1 && b.starts_with(a))
        || (b.len() == 1 && a.len() > 1 && a.starts_with(b))
}

/// Whether `x` goes by its middle name in `y`: `y`'s first name is `x`'s middle name,
/// and `y`'s middle (when it has one) is `x`'s first name or its initial.
fn goes_by_middle(x: &Profile, y: &Profile) -> bool {
    let Some(x_middle) = x.middle.first() else {
        return false;
    };
    if x_middle.len() < 2 || *x_middle != y.given {
        return false;
    }
    match y.middle.first() {
        None => true,
        Some(m) => *m == x.given || (m.len() == 1 && x.given.starts_with(m.as_str())),
    }
}

pub(crate) fn compare_given(a: &Profile, b: &Profile) -> FieldMatch {
    if a.given.is_empty() || b.given.is_empty() {
        return FieldMatch::Missing;
    }
    if a.given == b.given {
        return FieldMatch::Exact;
    }
    if a.alias_givens.contains(&b.given)
        || b.alias_givens.contains(&a.given)
        || nicknames(&a.given, &b.given)
        || truncated(&a.given, &b.given)
    {
        return FieldMatch::Nickname;
    }
    if initial_of(&a.given, &b.given) {
        return FieldMatch::Initial;
    }
    if is_typo(&a.given, &b.given) {
        return FieldMatch::Typo;
    }
    // Sound-alike spellings (Kathryn / Katherine), but not every pair of short names
    // that share a code: the spellings must be close too.
    let shorter = a.given.len().min(b.given.len());
    let spelling_slack = if shorter >= 6 { 3 } else { 2 };
    if shorter >= 3
        && typo_distance(&a.given, &b.given) <= spelling_slack
        && sound_alike(&a.given, &b.given)
    {
        return FieldMatch::SoundAlike;
    }
    if goes_by_middle(a, b) || goes_by_middle(b, a) {
        return FieldMatch::Swapped;
    }
    FieldMatch::Different
}

pub(crate) fn compare_middle(a: &Profile, b: &Profile, given: FieldMatch) -> FieldMatch {
    if given == FieldMatch::Swapped {
        return FieldMatch::Swapped;
    }
    let (Some(x), Some(y)) = (a.middle.first(), b.middle.first()) else {
        return FieldMatch::Missing;
    };
    if x == y {
        FieldMatch::Exact
    } else if initial_of(x, y) {
        FieldMatch::Initial
    } else if nicknames(x, y) {
        FieldMatch::Nickname
    } else if is_typo(x, y) {
        FieldMatch::Typo
    } else {
        FieldMatch::Different
    }
}

pub(crate) fn compare_family(a: &Profile, b: &Profile) -> FieldMatch {
    if a.family.is_empty() || b.family.is_empty() {
        return FieldMatch::Missing;
    }
    if a.family == b.family {
        return FieldMatch::Exact;
    }
    if a.former_families.contains(&b.family)
        || b.former_families.contains(&a.family)
        || a.former_families
            .iter()
            .any(|f| b.former_families.contains(f))
    {
        return FieldMatch::Maiden;
    }
    if a.family_parts.len() > 1 || b.family_parts.len() > 1 {
        let ta = a.family_tokens();
        let tb = b.family_tokens();
        let shared = |x: &String, y: &String| x.len() > 2 && (x == y || is_typo(x, y));
        if ta.iter().any(|x| tb.iter().any(|y| shared(x, y))) {
            return FieldMatch::HyphenPart;
        }
    }
    if is_typo(&a.family, &b.family) {
        return FieldMatch::Typo;
    }
    if sound_alike(&a.family, &b.family) {
        return FieldMatch::SoundAlike;
    }
    FieldMatch::Different
}

pub(crate) fn compare_suffix(a: &Profile, b: &Profile) -> FieldMatch {
    match (a.suffix, b.suffix) {
        (None, None) => FieldMatch::Exact,
        (Some(x), Some(y)) if x == y => FieldMatch::Exact,
        (Some(x), Some(y)) if x.compatible(y) => FieldMatch::Compatible,
        (Some(_), Some(_)) => FieldMatch::Different,
        // On one chart only: a registrar dropped it, or it tells a father from his son.
        _ => FieldMatch::Missing,
    }
}

pub(crate) fn compare_dob_field(a: &Profile, b: &Profile) -> FieldMatch {
    match compare_dob(&DobQuery::Date(vec![Ymd::of(a.dob)]), b.dob) {
        DobMatch::Exact => FieldMatch::Exact,
        DobMatch::DayMonthSwapped => FieldMatch::DayMonthSwap,
        DobMatch::OneDigit => FieldMatch::OneDigit,
        _ if dob_slips(a, b) <= 2 => FieldMatch::TwoDigits,
        DobMatch::SameYear => FieldMatch::SameYear,
        DobMatch::Mismatch => FieldMatch::Different,
    }
}

/// Digits that differ between two birth dates written `yyyymmdd`, counting a day/month
/// swap as one slip (a swapped date with a slipped digit is two).
fn dob_slips(a: &Profile, b: &Profile) -> usize {
    let fa = a.dob.format("%Y%m%d").to_string();
    let fb = b.dob.format("%Y%m%d").to_string();
    let swapped = format!("{}{:02}{:02}", &fa[..4], a.dob.day(), a.dob.month());
    let hamming = |x: &str, y: &str| x.bytes().zip(y.bytes()).filter(|(p, q)| p != q).count();
    hamming(&fa, &fb).min(1 + hamming(&swapped, &fb))
}

fn compare_sex(a: Sex, b: Sex) -> FieldMatch {
    if a == Sex::Unknown || b == Sex::Unknown {
        FieldMatch::Missing
    } else if a == b {
        FieldMatch::Exact
    } else {
        FieldMatch::Different
    }
}

/// Placeholder numbers registrars type when the patient does not know theirs.
fn placeholder_ssn(s: &str) -> bool {
    let first = s.as_bytes().first().copied();
    s.bytes().all(|c| Some(c) == first) || s == "123456789" || s.starts_with("000")
}

pub(crate) fn compare_ssn(a: Option<&str>, b: Option<&str>) -> FieldMatch {
    let (Some(x), Some(y)) = (a, b) else {
        return FieldMatch::Missing;
    };
    if placeholder_ssn(x) || placeholder_ssn(y) {
        FieldMatch::Missing
    } else if x == y {
        FieldMatch::Exact
    } else if one_digit_apart(x, y) {
        FieldMatch::OneDigit
    } else {
        FieldMatch::Different
    }
}

fn compare_address(a: &Profile, b: &Profile) -> FieldMatch {
    if a.street.is_empty() || b.street.is_empty() {
        return FieldMatch::Missing;
    }
    if a.street == b.street {
        if a.zip == b.zip || a.zip.is_empty() || b.zip.is_empty() {
            FieldMatch::Exact
        } else {
            FieldMatch::Partial
        }
    } else {
        FieldMatch::Different
    }
}

fn compare_phone(a: &Profile, b: &Profile) -> FieldMatch {
    if a.phones.is_empty() || b.phones.is_empty() {
        FieldMatch::Missing
    } else if a.phones.iter().any(|p| b.phones.contains(p)) {
        FieldMatch::Exact
    } else {
        FieldMatch::Different
    }
}

/// Compares two charts field by field.
pub fn compare(a: &Profile, b: &Profile) -> Comparison {
    let given = compare_given(a, b);
    Comparison {
        fields: [
            (Field::FirstName, given),
            (Field::MiddleName, compare_middle(a, b, given)),
            (Field::LastName, compare_family(a, b)),
            (Field::Suffix, compare_suffix(a, b)),
            (Field::Dob, compare_dob_field(a, b)),
            (Field::Sex, compare_sex(a.sex, b.sex)),
            (Field::Ssn, compare_ssn(a.ssn.as_deref(), b.ssn.as_deref())),
            (Field::Address, compare_address(a, b)),
            (Field::Phone, compare_phone(a, b)),
        ],
        years_apart: (a.dob.year() - b.dob.year()).abs(),
        any_suffix: a.suffix.is_some() || b.suffix.is_some(),
        both_female: a.sex == Sex::Female && b.sex == Sex::Female,
    }
}
