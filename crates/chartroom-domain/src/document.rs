//! Clinical documents (notes, reports).

use super::ids::{DocumentId, EncounterId, PatientId, ProviderId};
use chrono::{NaiveDate, NaiveDateTime};
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

    /// The LOINC document type code this type is filed under when the source gave none
    /// (generated notes, Synthea CSV): what the completion templates match.
    pub fn loinc(self) -> Option<&'static str> {
        match self {
            DocumentType::HistoryAndPhysical => Some("34117-2"),
            DocumentType::ProgressNote => Some("11506-3"),
            DocumentType::DischargeSummary => Some("18842-5"),
            DocumentType::OperativeReport => Some("11504-8"),
            DocumentType::Consultation => Some("11488-4"),
            DocumentType::ProcedureNote => Some("28570-0"),
            DocumentType::RadiologyReport => Some("18748-4"),
            DocumentType::PathologyReport => Some("11526-1"),
            DocumentType::EmergencyNote => Some("34111-5"),
            DocumentType::NursingNote => Some("34746-8"),
            DocumentType::Other => None,
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
    /// When the document was written, as a UTC instant.
    pub time: NaiveDateTime,
    /// The UTC offset (seconds east) `time` was written in: the document's date is the
    /// calendar date there.
    pub offset_secs: i32,
    pub signature: SignatureStatus,
    pub text: String,
    /// The source system's id (`DocumentReference.id`): a re-sent document with the same
    /// id is the same document, whatever else changed.
    pub source_id: Option<String>,
    /// LOINC type codes the source gave (`DocumentReference.type`); empty when it gave
    /// none, and then [`DocumentType::loinc`] stands in.
    pub type_codes: Vec<String>,
    /// Sensitive categories the source labelled the document with (v3-ActCode codes
    /// among `securityLabel` and `meta.security`), each once, in code order. Categories
    /// its encounter's conditions imply are added at release time, from the code lists.
    pub sensitivity: Vec<crate::Category>,
}

impl Document {
    /// Whether the document is of LOINC type `code`.
    pub fn has_loinc(&self, code: &str) -> bool {
        if self.type_codes.is_empty() {
            return self.doc_type.loinc() == Some(code);
        }
        self.type_codes.iter().any(|c| c == code)
    }

    /// The calendar date of the document in its own offset.
    pub fn local_date(&self) -> NaiveDate {
        crate::clock::local_date(self.time, self.offset_secs)
    }

    /// Whether the author has yet to sign it (FHIR `docStatus` `preliminary`).
    pub fn is_unsigned(&self) -> bool {
        self.signature == SignatureStatus::Unsigned
    }
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
