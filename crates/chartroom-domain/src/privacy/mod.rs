//! Access-log review (privacy monitoring): the staff roster as HR sends it, access
//! events from every system, the rules that flag an access, and the risk score that ranks
//! the alerts (DOMAIN.md "Access-log review"; HIPAA 164.308(a)(1)(ii)(D) review of system
//! activity, 164.312(b) audit controls).
//!
//! Everything here is pure: the services gather the facts (roster rows, the patient's
//! demographics and encounters, the accesses) and [`rank`] turns them into alerts.

mod case;
mod params;
mod rank;
mod rules;
mod text;

pub use case::{
    AlertDisposition, Case, CaseEvent, CaseStatus, CaseTransitionError, Determination,
    BREACH_NOTICE_DAYS,
};
pub use params::PrivacyRules;
pub use rank::{lookback_candidates, rank, Alert, PairInput, UserHistory};
pub use rules::{evaluate_pair, Finding, PairVerdict, Rule};
pub use text::{family_of, normalise_name, same_department, AddressMatch};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One row of the HR roster (`chartroom import roster`).
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RosterEntry {
    pub user_id: String,
    pub name: String,
    pub department: String,
    pub role: String,
    pub home_address: String,
    /// The employee's own chart (an MRN or source id), when they are also a patient.
    pub linked_patient_id: Option<String>,
    /// The employee's provider id on encounters (the care relationship).
    pub provider_id: Option<String>,
}

impl fmt::Debug for RosterEntry {
    // Names and home addresses never reach logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RosterEntry")
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

/// One access to a patient's record, from any system.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRecord {
    pub time: DateTime<Utc>,
    /// The UTC offset (seconds east) the source wrote the time in: the local hour that
    /// after-hours rules read.
    pub offset_secs: i32,
    pub user: String,
    /// The patient as the source named it (MRN or source id).
    pub patient: String,
    pub action: String,
    pub workstation: String,
    pub department: String,
    /// `chartroom` for our own audit trail; else the import's source (`csv:<file>`,
    /// `auditevent`).
    pub source: String,
}

impl fmt::Debug for AccessRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessRecord")
            .field("time", &self.time)
            .field("action", &self.action)
            .finish_non_exhaustive()
    }
}

impl AccessRecord {
    /// The local wall-clock time of the access.
    pub fn local_time(&self) -> NaiveDateTime {
        self.time.naive_utc() + chrono::Duration::seconds(i64::from(self.offset_secs))
    }

    /// Whether the action is an emergency ("break the glass") access.
    pub fn is_break_glass(&self) -> bool {
        let a = self.action.to_ascii_lowercase();
        a.contains("break") || a == "btg" || a.contains("emergency")
    }
}

/// One of the patient's encounters, as the care-relationship rule sees it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EncounterFacts {
    pub start: NaiveDateTime,
    /// `None` while the patient is in house.
    pub end: Option<NaiveDateTime>,
    /// Where the encounter took place (location / department).
    pub department: String,
    pub emergency: bool,
    /// Every id form of every provider on the encounter (resource id, source id, NPI).
    pub providers: Vec<String>,
}

/// What the rules know about a patient.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PatientFacts {
    /// `false` when the access names a patient chartroom does not hold: the rules that
    /// need demographics or encounters stay silent.
    pub known: bool,
    pub family: String,
    pub given: String,
    pub address_line: String,
    pub city: String,
    pub zip: String,
    pub deceased: Option<NaiveDate>,
    pub vip: bool,
    pub employee: bool,
    pub encounters: Vec<EncounterFacts>,
    /// Roster users whose own chart this is (`linked_patient_id`): (user id, department).
    pub staff: Vec<(String, String)>,
}

impl fmt::Debug for PatientFacts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PatientFacts")
            .field("known", &self.known)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
