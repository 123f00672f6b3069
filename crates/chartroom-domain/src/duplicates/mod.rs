//! Duplicate charts (one person, two MRNs): candidate pairs found by blocking, scored by
//! weighted field comparisons, and decided by HIM (verified duplicate → merge, verified
//! not-duplicate → never proposed again, deferred). Pure rules; the store keeps the
//! pairs, services run `find` and the decisions. Scoring and its weights: docs/IDENTITY.md.
//!
//! Sources: VistA MPI duplicate checking (weighted field tests, 60 % "potential
//! duplicate" threshold, statuses potential / verified duplicate / verified
//! non-duplicate); Fellegi & Sunter (1969) for agreement and disagreement weights.

mod after_merge;
mod blocking;
mod compare;
mod overlay;
mod profile;
mod score;
mod typo;

pub use after_merge::{fresh_pair, pair_after_merge, PairChange};
pub use blocking::{find_candidates, BlockingStats, Candidate, MAX_BLOCK};
pub use compare::{compare, Comparison};
pub use overlay::{check_overlay, OverlayCandidate, OverlayRule, OverlaySignal, OverlaySource};
pub use profile::Profile;
pub use score::{score, weight, DEFAULT_THRESHOLD};
pub use typo::{allowed_slips, is_typo, one_digit_apart, typo_distance};

use crate::ids::PatientId;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// A field compared between two charts, in the order a comparison lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Field {
    FirstName,
    MiddleName,
    LastName,
    Suffix,
    Dob,
    Sex,
    Ssn,
    Address,
    Phone,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::FirstName,
        Field::MiddleName,
        Field::LastName,
        Field::Suffix,
        Field::Dob,
        Field::Sex,
        Field::Ssn,
        Field::Address,
        Field::Phone,
    ];

    /// The key in `duplicates list --json` (`fields`).
    pub fn code(self) -> &'static str {
        match self {
            Field::FirstName => "first_name",
            Field::MiddleName => "middle_name",
            Field::LastName => "last_name",
            Field::Suffix => "suffix",
            Field::Dob => "dob",
            Field::Sex => "sex",
            Field::Ssn => "ssn",
            Field::Address => "address",
            Field::Phone => "phone",
        }
    }

    /// Label on screens.
    pub fn label(self) -> &'static str {
        match self {
            Field::FirstName => "First name",
            Field::MiddleName => "Middle",
            Field::LastName => "Last name",
            Field::Suffix => "Suffix",
            Field::Dob => "Born",
            Field::Sex => "Sex",
            Field::Ssn => "SSN",
            Field::Address => "Address",
            Field::Phone => "Phone",
        }
    }
}

/// How one field of two charts compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FieldMatch {
    /// The same (after normalisation).
    Exact,
    /// Given names that are nicknames of each other (Bob / Robert).
    Nickname,
    /// One or two typing slips (Jhon / John, Smtih / Smith).
    Typo,
    /// Spelled differently, sounding the same (Catherine / Kathryn).
    SoundAlike,
    /// An initial against a name that starts with it (J / John).
    Initial,
    /// First and middle names swapped (a person who goes by the middle name).
    Swapped,
    /// A last name that is the other chart's maiden or previous name.
    Maiden,
    /// One part of a hyphenated or multi-part last name (Garcia / Garcia-Lopez).
    HyphenPart,
    /// Day and month of birth swapped (3/4 for 4/3).
    DayMonthSwap,
    /// One digit different, or two neighbouring digits swapped (DOB, SSN).
    OneDigit,
    /// Birth dates two digit slips apart (or swapped and one slip).
    TwoDigits,
    /// Birth dates that share the year only.
    SameYear,
    /// Suffixes a registrar writes for one person (Jr / II).
    Compatible,
    /// Address: the same street line in another ZIP or the same ZIP, another line.
    Partial,
    /// Present on both, disagreeing.
    Different,
    /// Absent on one or both charts (counts neither way).
    Missing,
}

impl FieldMatch {
    /// The value in `duplicates list --json` (`fields`).
    pub fn code(self) -> &'static str {
        match self {
            FieldMatch::Exact => "exact",
            FieldMatch::Nickname => "nickname",
            FieldMatch::Typo => "typo",
            FieldMatch::SoundAlike => "sound_alike",
            FieldMatch::Initial => "initial",
            FieldMatch::Swapped => "first_middle_swap",
            FieldMatch::Maiden => "maiden",
            FieldMatch::HyphenPart => "hyphen_part",
            FieldMatch::DayMonthSwap => "day_month_swap",
            FieldMatch::OneDigit => "one_digit",
            FieldMatch::TwoDigits => "two_digits",
            FieldMatch::SameYear => "same_year",
            FieldMatch::Compatible => "compatible",
            FieldMatch::Partial => "partial",
            FieldMatch::Different => "different",
            FieldMatch::Missing => "missing",
        }
    }

    /// Whether the two values differ in a way a screen should mark.
    pub fn differs(self) -> bool {
        !matches!(self, FieldMatch::Exact | FieldMatch::Missing)
    }
}

/// Where a candidate pair stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DuplicateStatus {
    /// Found at or above the threshold, not decided yet.
    Potential,
    /// One person: the charts were merged.
    VerifiedDuplicate,
    /// Two people: never proposed again.
    NotDuplicate,
    /// Looked at, decision put off (more information needed).
    Deferred,
}

impl DuplicateStatus {
    pub const ALL: [DuplicateStatus; 4] = [
        DuplicateStatus::Potential,
        DuplicateStatus::VerifiedDuplicate,
        DuplicateStatus::NotDuplicate,
        DuplicateStatus::Deferred,
    ];

    /// The value in `duplicates list --json` (`status`).
    pub fn code(self) -> &'static str {
        match self {
            DuplicateStatus::Potential => "potential",
            DuplicateStatus::VerifiedDuplicate => "verified_duplicate",
            DuplicateStatus::NotDuplicate => "not_duplicate",
            DuplicateStatus::Deferred => "deferred",
        }
    }

    pub fn parse(text: &str) -> Option<DuplicateStatus> {
        let t = text.trim().to_ascii_lowercase().replace('-', "_");
        DuplicateStatus::ALL.into_iter().find(|s| {
            s.code() == t || (t == "verified" && *s == DuplicateStatus::VerifiedDuplicate)
        })
    }

    /// Short word for screens (never colour alone).
    pub fn label(self) -> &'static str {
        match self {
            DuplicateStatus::Potential => "POTENTIAL",
            DuplicateStatus::VerifiedDuplicate => "MERGED",
            DuplicateStatus::NotDuplicate => "NOT DUP",
            DuplicateStatus::Deferred => "DEFERRED",
        }
    }

    /// Whether a person decided it (a new `find` keeps the status).
    pub fn decided(self) -> bool {
        self != DuplicateStatus::Potential
    }
}

/// One change of a pair's status: who, when, why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairDecision {
    pub status: DuplicateStatus,
    pub at: NaiveDateTime,
    pub by: String,
    pub reason: String,
}

/// A candidate pair as stored: `a` is the chart registered first (lower row id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicatePair {
    pub a: PatientId,
    pub b: PatientId,
    /// 0–100 (see docs/IDENTITY.md).
    pub score: u8,
    /// Every compared field and how it compared, in [`Field::ALL`] order.
    pub fields: Vec<(Field, FieldMatch)>,
    pub status: DuplicateStatus,
    /// When `find` last scored it.
    pub found: NaiveDateTime,
    /// Status changes, oldest first (empty while never decided).
    pub history: Vec<PairDecision>,
}

impl DuplicatePair {
    /// The pair's key order: lower id first.
    pub fn ordered(x: PatientId, y: PatientId) -> (PatientId, PatientId) {
        if x <= y {
            (x, y)
        } else {
            (y, x)
        }
    }

    pub fn outcome(&self, field: Field) -> FieldMatch {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| *m)
            .unwrap_or(FieldMatch::Missing)
    }
}

#[cfg(test)]
mod tests;
