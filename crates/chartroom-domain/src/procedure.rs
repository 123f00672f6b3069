//! Procedures performed during an encounter: a surgical one needs an operative report.

use super::ids::{EncounterId, PatientId, ProcedureId, ProviderId};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// SNOMED CT "Surgical procedure": a Procedure whose `category` carries it is surgical.
pub const SURGICAL_CATEGORY: &str = "387713003";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    pub id: ProcedureId,
    pub patient: PatientId,
    pub encounter: Option<EncounterId>,
    /// The source system's id (`Procedure.id`, Synthea's row key).
    pub source_id: Option<String>,
    /// SNOMED CT codes of `Procedure.code`.
    pub codes: Vec<String>,
    /// SNOMED CT codes of `Procedure.category`.
    pub category_codes: Vec<String>,
    /// What a person reads (`code.text` or the first display).
    pub description: String,
    /// When it started (`performedPeriod.start` or `performedDateTime`), UTC;
    /// `NaiveDateTime::MIN` when the source gave no time (any later note counts).
    pub start: NaiveDateTime,
    /// `performer[].actor` that resolved to providers, in source order.
    pub performers: Vec<ProviderId>,
}

impl Procedure {
    /// Surgical when its category says so or one of its codes is on the surgical list.
    pub fn is_surgical(&self, surgical_codes: &dyn Fn(&str) -> bool) -> bool {
        self.category_codes.iter().any(|c| c == SURGICAL_CATEGORY)
            || self.codes.iter().any(|c| surgical_codes(c))
    }
}
