//! Chart identity: which identifiers decide what chart a record is, and merges of
//! duplicate charts (one person, two MRNs), which are recorded and reversible.

use super::ids::PatientId;
use super::patient::Patient;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// Identifier system of an MRN exactly as a feed sent it (HL7 PID-3 type `MR`): feeds
/// send 10-digit or alphanumeric MRNs that chartroom's numeric MRN cannot hold.
pub const FEED_MRN_SYSTEM: &str = "mr";

/// Identifier system of Synthea ids (the source id of Synthea CSV and FHIR charts).
pub const SOURCE_ID_SYSTEM: &str = "synthea";

/// Whether an identifier of this system decides which chart a record is. Only an MRN
/// or the source system's id does; everything else (driver's licence, passport, SSN,
/// another system's numbers) is secondary: real exports carry the same licence on two
/// people, so a conflict there is kept on both charts and flagged for review, never a
/// reason to refuse a chart.
pub fn decides_identity(system: &str) -> bool {
    system == FEED_MRN_SYSTEM || system == SOURCE_ID_SYSTEM
}

impl Patient {
    /// The MRN as the records room quotes it: a feed's MRN exactly as sent when chartroom
    /// had to mint its own (10 digits, letters, leading zeros), else chartroom's
    /// `00-12-34-56`.
    pub fn mrn_text(&self) -> String {
        let mine = self.mrn.0.to_string();
        self.identifiers
            .iter()
            .find(|i| i.system == FEED_MRN_SYSTEM)
            .filter(|i| i.value.trim_start_matches('0') != mine)
            .map(|i| i.value.clone())
            .unwrap_or_else(|| self.mrn.to_string())
    }
}

/// A merge of a duplicate chart into the one that survives. The retired chart keeps
/// its rows; while the merge stands, searches that find it lead to the survivor, and
/// messages naming it apply to the survivor. Unmerging records when and by whom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeRecord {
    pub retired: PatientId,
    pub survivor: PatientId,
    /// When it was merged (UTC wall time).
    pub at: NaiveDateTime,
    /// Who merged: a user name, or `hl7:SENDER` for a feed.
    pub by: String,
    /// Why: e.g. `ADT^A40 control id 123`.
    pub reason: String,
    /// Set when the merge was undone: when, by whom.
    pub undone: Option<(NaiveDateTime, String)>,
}

impl MergeRecord {
    /// Whether the merge is in force.
    pub fn active(&self) -> bool {
        self.undone.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_mrns_and_source_ids_decide() {
        assert!(decides_identity("mr"));
        assert!(decides_identity("synthea"));
        assert!(!decides_identity("drivers-license"));
        assert!(!decides_identity("passport"));
        assert!(!decides_identity("http://hl7.org/fhir/sid/us-ssn"));
    }
}
