//! Clinical documents (notes, reports).

use super::ids::{DocumentId, EncounterId, PatientId, ProviderId};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DocumentType {
    HistoryAndPhysical,
    ProgressNote,
    DischargeSummary,
    OperativeReport,
    Consultation,
    ProcedureNote,
    RadiologyReport,
    PathologyReport,
    EmergencyNote,
    NursingNote,
    Other,
}

impl DocumentType {
    pub const ALL: [DocumentType; 11] = [
        DocumentType::HistoryAndPhysical,
        DocumentType::ProgressNote,
        DocumentType::DischargeSummary,
        DocumentType::OperativeReport,
        DocumentType::Consultation,
        DocumentType::ProcedureNote,
        DocumentType::RadiologyReport,
        DocumentType::PathologyReport,
        DocumentType::EmergencyNote,
        DocumentType::NursingNote,
        DocumentType::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DocumentType::HistoryAndPhysical => "History & Physical",
            DocumentType::ProgressNote => "Progress Note",
            DocumentType::DischargeSummary => "Discharge Summary",
            DocumentType::OperativeReport => "Operative Report",
            DocumentType::Consultation => "Consultation",
            DocumentType::ProcedureNote => "Procedure Note",
            DocumentType::RadiologyReport => "Radiology Report",
            DocumentType::PathologyReport => "Pathology Report",
            DocumentType::EmergencyNote => "Emergency Note",
            DocumentType::NursingNote => "Nursing Note",
            DocumentType::Other => "Other",
        }
    }

    /// Short, stable code used in filters (`type:dischargesummary`) and the index.
    pub fn code(self) -> &'static str {
        match self {
            DocumentType::HistoryAndPhysical => "hp",
            DocumentType::ProgressNote => "progress",
            DocumentType::DischargeSummary => "discharge",
            DocumentType::OperativeReport => "operative",
            DocumentType::Consultation => "consult",
            DocumentType::ProcedureNote => "procedure",
            DocumentType::RadiologyReport => "radiology",
            DocumentType::PathologyReport => "pathology",
            DocumentType::EmergencyNote => "ed",
            DocumentType::NursingNote => "nursing",
            DocumentType::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<DocumentType> {
        DocumentType::ALL
            .into_iter()
            .find(|t| t.code().eq_ignore_ascii_case(code))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SignatureStatus {
    Unsigned,
    Signed,
    /// Signed by a resident or APP, awaiting the attending's co-signature.
    AwaitingCosignature,
    Cosigned,
}

impl SignatureStatus {
    pub fn label(self) -> &'static str {
        match self {
            SignatureStatus::Unsigned => "unsigned",
            SignatureStatus::Signed => "signed",
            SignatureStatus::AwaitingCosignature => "awaiting co-signature",
            SignatureStatus::Cosigned => "co-signed",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: DocumentId,
    pub patient: PatientId,
    pub encounter: Option<EncounterId>,
    pub doc_type: DocumentType,
    pub title: String,
    pub author: Option<ProviderId>,
    pub time: NaiveDateTime,
    pub signature: SignatureStatus,
    pub text: String,
}

impl fmt::Debug for Document {
    // Note text is PHI: logs get the row ids only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("id", &self.id)
            .field("patient", &self.patient)
            .finish_non_exhaustive()
    }
}
