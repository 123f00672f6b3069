//! Builders for small test populations.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::{DocumentRecord, PatientRecord};
use chartroom_domain::{
    Document, DocumentId, DocumentType, Mrn, Patient, PatientId, PersonName, ProviderId, Sex,
    SignatureStatus,
};
use chrono::NaiveDate;

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

/// A patient with MRN = 1000 + id and no other details.
pub fn patient(id: u64, given: &str, family: &str, dob: &str) -> PatientRecord {
    PatientRecord {
        patient: Patient::new_chart(
            PatientId(id),
            Mrn(1000 + id as u32),
            PersonName::new(given, family),
            date(dob),
            Sex::Unknown,
        ),
        encounter_numbers: Vec::new(),
    }
}

pub fn note(
    id: u64,
    patient: u64,
    doc_type: DocumentType,
    time: &str,
    text: &str,
) -> DocumentRecord {
    DocumentRecord {
        document: Document {
            id: DocumentId(id),
            patient: PatientId(patient),
            encounter: None,
            doc_type,
            title: doc_type.label().to_string(),
            author: Some(ProviderId(id % 3)),
            time: date(time).and_hms_opt(9, 30, 0).unwrap_or_default(),
            signature: SignatureStatus::Signed,
            text: text.to_string(),
            offset_secs: 0,
            source_id: None,
            type_codes: Vec::new(),
            sensitivity: Vec::new(),
        },
        author_name: Some("Dr. Test".to_string()),
    }
}
