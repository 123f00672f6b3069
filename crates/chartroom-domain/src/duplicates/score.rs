//! Points for each field comparison and the 0–100 score of a pair.
//!
//! Agreement on a field that tells people apart (first name, birth date, SSN) earns
//! many points; disagreement on one costs many (Fellegi–Sunter's u/m reasoning done
//! by hand). Household fields — last name, address, phone — are shared by twins,
//! spouses, parents and children, so they are **not** independent evidence:
//! address and phone together earn at most [`HOUSEHOLD_CAP`], and when the first names
//! disagree outright, last name + birth date + household together earn at most
//! [`RELATIVES_CAP`] (twins share all three). Table and reasoning: docs/IDENTITY.md.

use super::compare::Comparison;
use super::{Field, FieldMatch};

/// VistA's potential-duplicate threshold on the 0–100 scale (config may change it).
pub const DEFAULT_THRESHOLD: u8 = 60;

/// Address and phone describe one household: together they count at most this.
pub const HOUSEHOLD_CAP: i32 = 8;

/// When the first names disagree, last name, birth date and household together count at
/// most this: twins and siblings share them.
pub const RELATIVES_CAP: i32 = 20;

/// When the first names are only near (nickname, typo, sound-alike, swap) and nothing
/// personal agrees, last name + birth date + household count at most this.
pub const NEAR_NAME_RELATIVES_CAP: i32 = 40;

/// Whether something a twin or sibling would not share agrees: the SSN, or a whole
/// middle name.
fn personal_evidence(c: &Comparison) -> bool {
    matches!(c.get(Field::Ssn), FieldMatch::Exact | FieldMatch::OneDigit)
        || c.get(Field::MiddleName) == FieldMatch::Exact
}

/// Points of one field outcome (before the household caps).
pub fn weight(field: Field, outcome: FieldMatch, c: &Comparison) -> i32 {
    use FieldMatch as M;
    match (field, outcome) {
        (Field::FirstName, M::Exact) => 24,
        (Field::FirstName, M::Nickname) => 20,
        (Field::FirstName, M::Typo | M::SoundAlike) => 18,
        (Field::FirstName, M::Swapped) => 14,
        (Field::FirstName, M::Initial) => 8,
        (Field::FirstName, M::Different) => -25,

        // A whole middle name agreeing is rare among strangers; an initial less so.
        (Field::MiddleName, M::Exact) => 5,
        (Field::MiddleName, M::Initial | M::Nickname | M::Typo) => 2,
        (Field::MiddleName, M::Different) => -5,

        (Field::LastName, M::Exact) => 18,
        (Field::LastName, M::Maiden | M::HyphenPart) => 15,
        (Field::LastName, M::Typo | M::SoundAlike) => 14,
        // A woman's new married name is the commonest reason for a new last name and
        // registrars rarely record the old one; a man's is rarely changed.
        (Field::LastName, M::Different) if c.both_female => 0,
        (Field::LastName, M::Different) => -8,

        // Both without a suffix, or the same: no points (most people have none).
        (Field::Suffix, M::Exact | M::Compatible) => 0,
        (Field::Suffix, M::Missing) => -6,
        (Field::Suffix, M::Different) => -30,

        (Field::Dob, M::Exact) => 26,
        (Field::Dob, M::DayMonthSwap) => 18,
        // A decade-digit "slip" between charts with a Jr/Sr suffix is a generation.
        (Field::Dob, M::OneDigit | M::TwoDigits) if c.years_apart >= 10 && c.any_suffix => -30,
        (Field::Dob, M::OneDigit) => 16,
        (Field::Dob, M::TwoDigits) => 8,
        (Field::Dob, M::SameYear) => -10,
        (Field::Dob, M::Different) => -30,

        (Field::Sex, M::Exact) => 5,
        (Field::Sex, M::Different) => -15,

        (Field::Ssn, M::Exact) => 25,
        (Field::Ssn, M::OneDigit) => 15,
        (Field::Ssn, M::Different) => -30,

        (Field::Address, M::Exact) => 6,
        (Field::Address, M::Partial) => 3,
        (Field::Phone, M::Exact) => 6,
        // People move and change numbers: a different address or phone costs nothing.
        _ => 0,
    }
}

/// The pair's score, 0–100.
pub fn score(c: &Comparison) -> u8 {
    let w = |f: Field| weight(f, c.get(f), c);
    let household = (w(Field::Address) + w(Field::Phone)).min(HOUSEHOLD_CAP);
    let mut relatives = w(Field::LastName) + w(Field::Dob).max(0) + household;
    let first = c.get(Field::FirstName);
    if first == FieldMatch::Different {
        relatives = relatives.min(RELATIVES_CAP);
    } else if first != FieldMatch::Exact && !personal_evidence(c) {
        // A near first name in the same family, born the same day, could be a twin:
        // without an SSN or a middle name agreeing, the household adds nothing.
        relatives = relatives.min(NEAR_NAME_RELATIVES_CAP);
    }
    let dob_penalty = w(Field::Dob).min(0);
    let total = w(Field::FirstName)
        + w(Field::MiddleName)
        + w(Field::Suffix)
        + w(Field::Sex)
        + w(Field::Ssn)
        + relatives
        + dob_penalty;
    total.clamp(0, 100) as u8
}
