//! Encounters and notes of one file (the second half of `write.rs`'s `FileWrite`).

use super::convert;
use super::read::Item;
use super::references::Target;
use super::resources::{DocumentReference, Encounter as FhirEncounter, Reference};
use super::write::FileWrite;
use super::FhirImportError;
use crate::chart_upsert::{encounter_by_source_id, encounter_reason, place_number, TakenNumbers};
use crate::synthea::title_words;
use chartroom_domain::{
    Document, DocumentId, Encounter, EncounterClass, EncounterId, PatientId, SignatureStatus,
};
use chartroom_store::{ReadTx, StoreError};
use chrono::NaiveDateTime;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

impl FileWrite<'_, '_> {
    pub(super) fn encounter(
        &mut self,
        item: &Item,
        e: &FhirEncounter,
        numbers: &mut TakenNumbers,
    ) -> Result<(), FhirImportError> {
        let source_id = e
            .identifier
            .iter()
            .find(|i| i.system.as_deref() == Some(convert::SYNTHEA_ID_SYSTEM))
            .and_then(|i| i.value.clone())
            .or_else(|| item.id.clone())
            .ok_or_else(|| self.field(item, ("id".into(), "is missing")))?;
        let patient = self.subject(item, e.subject.as_ref())?;
        let class = convert::encounter_class(e.class.as_ref().and_then(|c| c.code.as_deref()))
            .map_err(|bad| self.field(item, bad))?;
        let period = e.period.clone().unwrap_or_default();
        let admit = convert::date_time(period.start.as_deref(), "period.start")
            .map_err(|bad| self.field(item, bad))?;
        let (discharge, discharge_offset_secs) = match period.end.as_deref() {
            Some(end) => {
                let (at, offset) = convert::date_time_offset(Some(end), "period.end")
                    .map_err(|bad| self.field(item, bad))?;
                (Some(at), offset)
            }
            None => (None, 0),
        };
        if discharge.is_some_and(|d| d < admit) {
            return Err(self.field(item, ("period.end".into(), "is before period.start")));
        }
        // The attending is the ATND participant; without one, the first participant.
        let individual = e
            .participant
            .iter()
            .filter(|p| p.is_attending())
            .chain(&e.participant)
            .find_map(|p| p.individual.as_ref());
        let attending = self.practitioner_of(individual, "attending");
        let location = e
            .service_provider
            .as_ref()
            .and_then(|sp| {
                let target = sp.reference();
                let name = Target::parse(&target)
                    .and_then(|t| self.state.organizations.resolve(&t, &self.full_urls));
                name.or_else(|| sp.display.as_deref().map(title_words))
            })
            .or_else(|| {
                e.location
                    .iter()
                    .find_map(|l| l.location.as_ref()?.display.as_deref().map(title_words))
            })
            .unwrap_or_default();
        let description = e.kind.iter().find_map(|k| k.label());
        let why = e.reason_code.iter().find_map(|r| r.label());
        let (number, existing) =
            place_number(&self.read, &source_id, numbers).map_err(|err| self.store_error(err))?;
        let id = match existing {
            Some(stored) => {
                self.report.encounters_updated += 1;
                stored.id
            }
            None => {
                self.report.encounters_added += 1;
                self.tx
                    .next_encounter_id()
                    .map_err(|err| self.store_error(err))?
            }
        };
        let encounter = Encounter {
            id,
            number,
            patient,
            class,
            admit,
            discharge,
            attending,
            other_providers: Vec::new(),
            location,
            reason: encounter_reason(description, why),
            source_id: Some(source_id.clone()),
            discharge_offset_secs,
        };
        self.tx
            .put_encounter(&encounter)
            .map_err(|err| self.store_error(err))?;
        if let Some(rid) = &item.id {
            self.state.encounters.add_id(rid, (id, class));
        }
        self.state
            .encounters
            .add_identifier(convert::SYNTHEA_ID_SYSTEM, &source_id, (id, class));
        Ok(())
    }

    pub(super) fn encounter_of(
        &mut self,
        reference: Option<&Reference>,
    ) -> Result<Option<(EncounterId, EncounterClass)>, FhirImportError> {
        let Some(target) = reference.and_then(Target::parse) else {
            return Ok(None);
        };
        if let Some(found) = self.state.encounters.resolve(&target, &self.full_urls) {
            return Ok(Some(found));
        }
        if let Target::Id {
            kind: "Encounter",
            id,
        } = target
        {
            let stored = encounter_by_source_id(&self.read, id).map_err(|e| self.store_error(e))?;
            if let Some(e) = stored {
                return Ok(Some((e.id, e.class)));
            }
        }
        self.report.unresolved("encounter");
        Ok(None)
    }

    pub(super) fn document(
        &mut self,
        item: &Item,
        d: &DocumentReference,
        matcher: &mut DocumentMatcher,
    ) -> Result<(), FhirImportError> {
        if d.status.as_deref() == Some("entered-in-error") {
            *self
                .report
                .skipped
                .entry("DocumentReference (entered-in-error)".into())
                .or_default() += 1;
            return Ok(());
        }
        let patient = self.subject(item, d.subject.as_ref())?;
        // A document without inline text (a PDF, a URL, metadata only) is still on the
        // chart: completion and release need to know it exists.
        let text = match convert::note_text(&d.content).map_err(|bad| self.field(item, bad))? {
            Some(text) => text,
            None => {
                self.report.documents_without_text += 1;
                String::new()
            }
        };
        let context = d.context.as_ref();
        let encounter = self.encounter_of(context.and_then(|c| c.encounter.first()))?;
        let start = context
            .and_then(|c| c.period.as_ref())
            .and_then(|p| p.start.as_deref());
        let (time, offset_secs) = convert::date_time_offset(d.date.as_deref().or(start), "date")
            .map_err(|bad| self.field(item, bad))?;
        let author = self.practitioner_of(d.author.first(), "author");
        let doc_type = convert::document_type(d.kind.as_ref(), encounter.map(|(_, c)| c));
        let title = d
            .description
            .clone()
            .or_else(|| {
                d.content
                    .iter()
                    .find_map(|c| c.attachment.as_ref()?.title.clone())
            })
            .or_else(|| d.kind.as_ref().and_then(|k| k.label()).map(str::to_string))
            .unwrap_or_else(|| doc_type.label().to_string());
        let encounter = encounter.map(|(id, _)| id);
        // A document is its resource id: a re-sent one updates its row even when its
        // date or type changed. Documents without an id pair by patient, visit and time.
        let by_source = match &item.id {
            Some(rid) => match matcher.in_file(rid) {
                Some(id) => Some(id),
                None => self
                    .read
                    .document_by_source(rid)
                    .map_err(|e| self.store_error(e))?
                    .map(|d| d.id),
            },
            None => None,
        };
        let existing = match by_source {
            Some(id) => Some(id),
            None => matcher
                .take(&self.read, patient, encounter, time)
                .map_err(|e| self.store_error(e))?,
        };
        let id = match existing {
            Some(id) => {
                self.report.documents_updated += 1;
                id
            }
            None => {
                self.report.documents_added += 1;
                self.tx
                    .next_document_id()
                    .map_err(|e| self.store_error(e))?
            }
        };
        let document = Document {
            id,
            patient,
            encounter,
            doc_type,
            title,
            author,
            time,
            offset_secs,
            // `preliminary`: not yet signed by its author; `final`, `amended` or absent:
            // signed.
            signature: match d.doc_status.as_deref().map(str::trim) {
                Some(s) if s.eq_ignore_ascii_case("preliminary") => SignatureStatus::Unsigned,
                _ => SignatureStatus::Signed,
            },
            text,
            source_id: item.id.clone(),
            type_codes: d
                .kind
                .as_ref()
                .map(convert::loinc_codes)
                .unwrap_or_default(),
            sensitivity: convert::security_categories(&d.security_label, d.meta.as_ref()),
        };
        if let Some(rid) = &item.id {
            matcher.remember(rid, id);
        }
        self.tx
            .put_document(&document)
            .map_err(|e| self.store_error(e))
    }
}

/// Pairs incoming notes with notes an earlier import stored without a source id (schema
/// 1 stores, Synthea CSV notes): such a note is the same note when patient, encounter
/// and time agree; several such notes pair up in order.
#[derive(Default)]
pub(super) struct DocumentMatcher {
    stored: HashMap<PatientId, NotesByVisit>,
    /// Source ids written earlier in this file (not yet visible to the read snapshot).
    in_file: HashMap<String, DocumentId>,
}

/// A patient's stored notes by (encounter, time).
type NotesByVisit = HashMap<(Option<EncounterId>, NaiveDateTime), Vec<DocumentId>>;

impl DocumentMatcher {
    fn in_file(&self, source_id: &str) -> Option<DocumentId> {
        self.in_file.get(source_id).copied()
    }

    fn remember(&mut self, source_id: &str, id: DocumentId) {
        self.in_file.insert(source_id.to_string(), id);
    }

    fn take(
        &mut self,
        read: &ReadTx,
        patient: PatientId,
        encounter: Option<EncounterId>,
        time: NaiveDateTime,
    ) -> Result<Option<DocumentId>, StoreError> {
        let notes = match self.stored.entry(patient) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => {
                let mut by_key = NotesByVisit::new();
                // Only rows stored without a source id (schema 1, Synthea CSV): one that
                // has an id is found by it and is never another document's pair.
                for d in read
                    .documents_of(patient)?
                    .into_iter()
                    .filter(|d| d.source_id.is_none())
                {
                    by_key.entry((d.encounter, d.time)).or_default().push(d.id);
                }
                for ids in by_key.values_mut() {
                    // Popped from the back: the oldest row is paired first.
                    ids.sort_by(|a, b| b.cmp(a));
                }
                slot.insert(by_key)
            }
        };
        Ok(notes.get_mut(&(encounter, time)).and_then(Vec::pop))
    }
}
