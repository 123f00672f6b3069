//! Value layouts of schema 1 that schema 2 changed, kept only so the migration to
//! schema 2 can read them. Never change these: they describe bytes already on disk.

use chartroom_domain::{
    Document, DocumentId, DocumentType, Encounter, EncounterClass, EncounterId, PatientId,
    Provider, ProviderId, SignatureStatus,
};
use chrono::NaiveDateTime;
use serde::Deserialize;

/// `encounters-1` values.
#[derive(Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
pub(crate) struct EncounterV1 {
    pub(crate) id: EncounterId,
    pub(crate) number: String,
    pub(crate) patient: PatientId,
    pub(crate) class: EncounterClass,
    pub(crate) admit: NaiveDateTime,
    pub(crate) discharge: Option<NaiveDateTime>,
    pub(crate) attending: Option<ProviderId>,
    pub(crate) other_providers: Vec<ProviderId>,
    pub(crate) location: String,
    pub(crate) reason: String,
    pub(crate) source_id: Option<String>,
}

impl From<EncounterV1> for Encounter {
    fn from(e: EncounterV1) -> Encounter {
        Encounter {
            id: e.id,
            number: e.number,
            patient: e.patient,
            class: e.class,
            admit: e.admit,
            discharge: e.discharge,
            // Schema 1 kept UTC wall time only.
            discharge_offset_secs: 0,
            attending: e.attending,
            other_providers: e.other_providers,
            location: e.location,
            reason: e.reason,
            source_id: e.source_id,
        }
    }
}

/// `documents-1` values.
#[derive(Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
pub(crate) struct DocumentV1 {
    pub(crate) id: DocumentId,
    pub(crate) patient: PatientId,
    pub(crate) encounter: Option<EncounterId>,
    pub(crate) doc_type: DocumentType,
    pub(crate) title: String,
    pub(crate) author: Option<ProviderId>,
    pub(crate) time: NaiveDateTime,
    pub(crate) signature: SignatureStatus,
    pub(crate) text: String,
}

impl From<DocumentV1> for Document {
    fn from(d: DocumentV1) -> Document {
        Document {
            id: d.id,
            patient: d.patient,
            encounter: d.encounter,
            doc_type: d.doc_type,
            title: d.title,
            author: d.author,
            time: d.time,
            offset_secs: 0,
            signature: d.signature,
            text: d.text,
            source_id: None,
            type_codes: Vec::new(),
            sensitivity: Vec::new(),
        }
    }
}

/// `providers-1` values.
#[derive(Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
pub(crate) struct ProviderV1 {
    pub(crate) id: ProviderId,
    pub(crate) name: String,
    pub(crate) specialty: String,
    pub(crate) npi: Option<String>,
    pub(crate) source_id: Option<String>,
}

impl From<ProviderV1> for Provider {
    fn from(p: ProviderV1) -> Provider {
        // Schema 1 wrote `Practitioner/<id>` as the source id of a practitioner without
        // an NPI: that id is the resource id.
        let resource_id = p
            .source_id
            .as_deref()
            .and_then(|s| s.strip_prefix("Practitioner/"))
            .map(str::to_string);
        Provider {
            id: p.id,
            name: p.name,
            specialty: p.specialty,
            npi: p.npi,
            source_id: p.source_id,
            resource_id,
        }
    }
}
