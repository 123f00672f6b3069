//! Chart completion: what is missing or unsigned in a discharged chart (deficiencies),
//! the rules that find them (`rules`), their lifecycle (`lifecycle`) and the aging and
//! delinquency figures (`reports`). DOMAIN.md "Chart completion" holds the numbers.

pub mod lifecycle;
pub mod reports;
pub mod rules;
#[cfg(test)]
mod tests;

use super::ids::{
    DeficiencyId, DocumentId, EncounterId, PatientId, ProcedureId, ProviderId, UserId,
};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

pub use lifecycle::{Change, LifecycleError, Transition};
pub use rules::{Finding, FindingKey, Responsible, RuleSet, RuleSetError, Template};

/// Where a deficiency stands. The codes are the contract's (`report deficiencies`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DeficiencyStatus {
    /// Waiting for the responsible provider.
    Open,
    /// Done by the provider (or the document arrived or was signed); HIM checks it next.
    Completed,
    /// HIM checked the completion.
    Verified,
    /// Finished: the chart no longer carries it.
    Closed,
    /// Sent back by the provider ("not my patient"), for the analyst to reassign.
    Returned,
    /// Recorded in error or no longer applicable.
    Cancelled,
}

impl DeficiencyStatus {
    pub const ALL: [DeficiencyStatus; 6] = [
        DeficiencyStatus::Open,
        DeficiencyStatus::Completed,
        DeficiencyStatus::Verified,
        DeficiencyStatus::Closed,
        DeficiencyStatus::Returned,
        DeficiencyStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DeficiencyStatus::Open => "open",
            DeficiencyStatus::Completed => "completed",
            DeficiencyStatus::Verified => "verified",
            DeficiencyStatus::Closed => "closed",
            DeficiencyStatus::Returned => "returned",
            DeficiencyStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(code: &str) -> Option<DeficiencyStatus> {
        DeficiencyStatus::ALL
            .into_iter()
            .find(|s| s.code().eq_ignore_ascii_case(code.trim()))
    }

    /// Still the provider's (or the analyst's) to do: it can become delinquent.
    pub fn is_outstanding(self) -> bool {
        matches!(self, DeficiencyStatus::Open | DeficiencyStatus::Returned)
    }
}

/// Who recorded a deficiency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// Found by the template rules; the rules also complete it when the chart is fixed.
    Rule,
    /// Recorded by an analyst.
    Manual,
}

/// One missing or unsigned item of one encounter's chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deficiency {
    pub id: DeficiencyId,
    pub encounter: EncounterId,
    pub patient: PatientId,
    /// A template kind (`discharge_summary`, `signature`, ...) or a manual kind.
    pub kind: String,
    /// The document it is about (a signature), if any.
    pub document: Option<DocumentId>,
    /// The procedure it is about (an operative report), if any.
    pub procedure: Option<ProcedureId>,
    /// Who must complete it; `None` while unassigned.
    pub provider: Option<ProviderId>,
    pub status: DeficiencyStatus,
    pub origin: Origin,
    /// The discharge's calendar date (in its own offset): age counts from here.
    pub discharge_date: NaiveDate,
    /// Discharge date + bylaws days.
    pub due: NaiveDate,
    /// The analyst's comment (manual deficiencies), else empty.
    pub comment: String,
    pub created: NaiveDateTime,
    /// Every status or assignment change, oldest first.
    pub history: Vec<Change>,
}

impl Deficiency {
    /// Days since discharge on `as_of` (negative before the discharge date).
    pub fn age_days(&self, as_of: NaiveDate) -> i64 {
        (as_of - self.discharge_date).num_days()
    }

    /// Not completed and the as-of date is after the due date.
    pub fn is_delinquent(&self, as_of: NaiveDate) -> bool {
        self.status.is_outstanding() && as_of > self.due
    }

    /// The key the rules know it by (manual ones have none: rules never touch them).
    pub fn finding_key(&self) -> Option<FindingKey> {
        (self.origin == Origin::Rule).then(|| FindingKey {
            kind: self.kind.clone(),
            document: self.document,
            procedure: self.procedure,
        })
    }

    /// When it stopped being outstanding (completed or cancelled), from its history.
    pub fn resolved_at(&self) -> Option<NaiveDateTime> {
        if self.status.is_outstanding() {
            return None;
        }
        self.history
            .iter()
            .rev()
            .find(|c| c.from.is_outstanding() && !c.to.is_outstanding())
            .map(|c| c.at)
    }
}

/// Where one discharged encounter stands in analysis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncounterAnalysis {
    /// The discharge date the queue is ordered by.
    pub discharge_date: NaiveDate,
    /// When the rules last ran on it.
    pub analysed_at: NaiveDateTime,
    /// Outstanding rule findings after that run.
    pub findings: u32,
    /// The analyst who reviewed the chart ("analysed and complete"), and when; `None`
    /// while it waits in the analysis queue.
    pub reviewed: Option<(UserId, NaiveDateTime)>,
}

/// Human label of a kind code (`history_physical` → "History & physical").
pub fn kind_label(kind: &str) -> String {
    match kind {
        "discharge_summary" => "Discharge summary".into(),
        "history_physical" => "History & physical".into(),
        "operative_report" => "Operative report".into(),
        "ed_note" => "ED note".into(),
        "signature" => "Signature".into(),
        "cosignature" => "Co-signature".into(),
        "consultation" => "Consultation".into(),
        "verbal_order" => "Verbal order signature".into(),
        "informed_consent" => "Informed consent".into(),
        "anesthesia" => "Anesthesia evaluation".into(),
        "final_diagnosis" => "Final diagnosis".into(),
        other => {
            let mut out = other.replace('_', " ");
            if let Some(first) = out.get(..1) {
                out.replace_range(..1, &first.to_uppercase());
            }
            out
        }
    }
}

/// Kinds an analyst records by hand (DOMAIN.md's typical deficiency types), in menu order.
pub const MANUAL_KINDS: [&str; 11] = [
    "discharge_summary",
    "history_physical",
    "operative_report",
    "consultation",
    "signature",
    "cosignature",
    "verbal_order",
    "informed_consent",
    "anesthesia",
    "final_diagnosis",
    "ed_note",
];

/// Whether `kind` is a well-formed kind code: lower-case letters, digits, `_`.
pub fn valid_kind(kind: &str) -> bool {
    !kind.is_empty()
        && kind.len() <= 40
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}
