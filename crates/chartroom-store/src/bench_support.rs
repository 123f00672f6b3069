//! Sample rows for `benches/` and this crate's tests: a bench target sees nothing but the
//! public API, so the fixtures the tests write live here rather than twice. Not part of
//! the API (hidden from the docs); nothing in the application calls it.

use chartroom_domain::{
    Address, AltName, Document, DocumentId, DocumentType, Encounter, EncounterClass, EncounterId,
    Identifier, Mrn, NameKind, Patient, PatientFlags, PatientId, PersonName, ProviderId,
    SensitiveCategory, Sex, SignatureStatus, Ssn,
};
use chrono::{NaiveDate, NaiveDateTime};

/// `y-m-d` at `h:min` (the fixtures' dates are valid; a bad one would give the epoch).
fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|date| date.and_hms_opt(h, min, 0))
        .unwrap_or_default()
}

/// A patient with every field filled (names, address, SSN, identifier, a sensitive
/// category); VIP when `id` is even.
pub fn patient(id: u64, mrn: u32) -> Patient {
    Patient {
        id: PatientId(id),
        mrn: Mrn(mrn),
        name: PersonName {
            prefix: Some("Ms".into()),
            given: "Jane".into(),
            middle: Some("Q".into()),
            family: format!("Doe{id}"),
            suffix: None,
        },
        other_names: vec![AltName {
            kind: NameKind::Maiden,
            name: PersonName::new("Jane", "Roe"),
        }],
        dob: at(1984, 3, 2, 0, 0).date(),
        sex: Sex::Female,
        address: Some(Address {
            line: "1 Main St".into(),
            city: "Springfield".into(),
            state: "IL".into(),
            zip: "62701".into(),
        }),
        phones: vec!["555-0100".into()],
        ssn: Ssn::parse("999-12-5772"),
        flags: PatientFlags {
            deceased: None,
            vip: id.is_multiple_of(2),
            employee: false,
            restricted: false,
            sensitive: vec![SensitiveCategory::HivSti],
        },
        identifiers: vec![Identifier {
            system: "synthea".into(),
            value: format!("syn-{id}"),
        }],
        staff_link: None,
    }
}

/// An inpatient stay admitted on January `day` of 2025, discharged the next day.
pub fn encounter(id: u64, patient: u64, day: u32) -> Encounter {
    Encounter {
        id: EncounterId(id),
        number: format!("V{id:06}"),
        patient: PatientId(patient),
        class: EncounterClass::Inpatient,
        admit: at(2025, 1, day, 8, 0),
        discharge: Some(at(2025, 1, day + 1, 9, 0)),
        attending: Some(ProviderId(1)),
        other_providers: vec![ProviderId(2)],
        location: "4W".into(),
        reason: "chest pain".into(),
        source_id: Some(format!("enc-{id}")),
        discharge_offset_secs: 0,
    }
}

/// A signed discharge summary of February `day` of 2025, text "Patient stable.".
pub fn document(id: u64, patient: u64, day: u32) -> Document {
    Document {
        id: DocumentId(id),
        patient: PatientId(patient),
        encounter: Some(EncounterId(1)),
        doc_type: DocumentType::DischargeSummary,
        title: "Discharge summary".into(),
        author: Some(ProviderId(1)),
        time: at(2025, 2, day, 10, 30),
        signature: SignatureStatus::Signed,
        text: "Patient stable.".into(),
        offset_secs: 0,
        source_id: None,
        type_codes: Vec::new(),
        sensitivity: Vec::new(),
    }
}
