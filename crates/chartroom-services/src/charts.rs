//! Finding and opening charts: the clerk's core job. Every search and every open is
//! audited; sensitive charts need a break-the-glass reason.

use super::{
    BreakGlass, Chart, DocumentView, EncounterView, NoteResult, OpenChart, PatientResult, Result,
    ServiceError, Services, Session,
};
use chartroom_domain::{AccessAction, DocumentId, Patient, PatientId, Permission, ProviderId};
use chartroom_search::{NoteQuery, PatientHit};
use chartroom_store::ReadTx;
use std::collections::HashMap;

/// Looks provider names up once per chart instead of once per row.
struct ProviderNames<'r> {
    read: &'r ReadTx,
    cache: HashMap<ProviderId, Option<String>>,
}

impl<'r> ProviderNames<'r> {
    fn new(read: &'r ReadTx) -> Self {
        ProviderNames {
            read,
            cache: HashMap::new(),
        }
    }

    fn name(&mut self, id: Option<ProviderId>) -> Result<Option<String>> {
        let Some(id) = id else { return Ok(None) };
        if let Some(found) = self.cache.get(&id) {
            return Ok(found.clone());
        }
        let name = self.read.provider(id)?.map(|p| p.name);
        self.cache.insert(id, name.clone());
        Ok(name)
    }
}

impl Services {
    /// Ranked patients for a query, without an audit event: the timing core shared by
    /// the audited search and by batch runs that audit once for the batch.
    pub(crate) fn find_patients(&self, query: &str, limit: usize) -> Result<Vec<PatientResult>> {
        let hits = self.index.search_patients(query, limit)?;
        let read = self.store.read()?;
        let mut results = Vec::with_capacity(hits.len());
        for PatientHit {
            patient,
            score,
            why,
        } in hits
        {
            // A hit the store no longer has is index drift: skip it here, `verify` reports it.
            if let Some(patient) = read.patient(patient)? {
                results.push(PatientResult {
                    patient,
                    score,
                    why,
                });
            }
        }
        super::merges::fold_merged(&read, results)
    }

    /// Ranked patients for a query; audited as a search (the query text is kept in the
    /// audit trail, which is protected store data, never in logs).
    pub fn search_patients(
        &self,
        session: &Session,
        query: &str,
        limit: usize,
    ) -> Result<Vec<PatientResult>> {
        self.require(session, Permission::SearchCharts)?;
        let results = self.find_patients(query, limit)?;
        let event = self.audit_event(
            session,
            AccessAction::Search,
            None,
            format!("patients: {query} ({} hits)", results.len()),
        );
        self.audit(event)?;
        Ok(results)
    }

    /// Opens a chart (audited). Restricted, VIP, employee and sensitive charts, and the
    /// user's own record, need a break-the-glass reason; without one the answer is
    /// `NeedsReason` and nothing is shown or audited yet.
    pub fn open_chart(
        &self,
        session: &Session,
        patient: PatientId,
        reason: Option<BreakGlass>,
    ) -> Result<OpenChart> {
        self.require(session, Permission::OpenChart)?;
        if reason.is_some() {
            self.require(session, Permission::BreakGlass)?;
        }
        let read = self.store.read()?;
        let found = read
            .patient(patient)?
            .ok_or(ServiceError::NotFound { what: "patient" })?;
        let own_record = session.user.patient_link == Some(found.id)
            || found.staff_link == Some(session.user.id);
        let mut flags = found.flags.words();
        if own_record {
            flags.push("OWN RECORD");
        }
        let needs_reason = found.flags.needs_reason() || own_record;
        let mut event = match (&reason, needs_reason) {
            (None, true) => return Ok(OpenChart::NeedsReason { patient, flags }),
            (Some(glass), _) => {
                let mut event = self.audit_event(
                    session,
                    AccessAction::BreakGlass,
                    Some(found.id),
                    format!("chart; flags: {}", flags.join(" ")),
                );
                event.reason = Some(format!("{}: {}", glass.reason.label(), glass.explanation));
                event.flagged = true;
                event
            }
            (None, false) => self.audit_event(
                session,
                AccessAction::OpenChart,
                Some(found.id),
                "chart".into(),
            ),
        };
        let chart = load_chart(&read, found)?;
        event.detail = format!(
            "{} ({} encounters, {} documents)",
            event.detail,
            chart.encounters.len(),
            chart.documents.len()
        );
        self.audit(event)?;
        Ok(OpenChart::Opened(Box::new(chart)))
    }

    /// Opens one document in the reading pane (audited like a chart open).
    pub fn open_document(&self, session: &Session, document: DocumentId) -> Result<DocumentView> {
        self.require(session, Permission::OpenChart)?;
        let read = self.store.read()?;
        let doc = read
            .document(document)?
            .ok_or(ServiceError::NotFound { what: "document" })?;
        let author_name = ProviderNames::new(&read).name(doc.author)?;
        let event = self.audit_event(
            session,
            AccessAction::OpenDocument,
            Some(doc.patient),
            format!("document:{}", doc.id),
        );
        self.audit(event)?;
        Ok(DocumentView {
            document: doc,
            author_name,
        })
    }

    /// Notes matching a query, without an audit event: the timing core of the audited
    /// note search (and of benchmarks).
    pub(crate) fn find_notes(&self, query: &NoteQuery, limit: usize) -> Result<Vec<NoteResult>> {
        let hits = self.index.search_notes(query, limit)?;
        let read = self.store.read()?;
        let mut names = ProviderNames::new(&read);
        let mut patients: HashMap<PatientId, Option<Patient>> = HashMap::new();
        let mut results = Vec::with_capacity(hits.len());
        for hit in hits {
            if let std::collections::hash_map::Entry::Vacant(slot) = patients.entry(hit.patient) {
                slot.insert(read.patient(hit.patient)?);
            }
            let Some(Some(patient)) = patients.get(&hit.patient) else {
                continue;
            };
            let author = hit.author;
            let mut hit = hit;
            if patient.flags.needs_reason() {
                withhold_snippet(&mut hit.snippet);
            }
            results.push(NoteResult {
                patient_name: patient.name.display_last_first(),
                mrn: patient.mrn.to_string(),
                author_name: names.name(author)?,
                hit,
            });
        }
        Ok(results)
    }

    /// Full-text search inside notes (audited as a note search).
    pub fn search_notes(
        &self,
        session: &Session,
        query: &NoteQuery,
        limit: usize,
    ) -> Result<Vec<NoteResult>> {
        self.require(session, Permission::SearchCharts)?;
        let mut results = self.find_notes(query, limit)?;
        // The user's own chart is read only by breaking the glass, its notes too.
        if let Some(own) = session.user.patient_link {
            for r in results.iter_mut().filter(|r| r.hit.patient == own) {
                withhold_snippet(&mut r.hit.snippet);
            }
        }
        let event = self.audit_event(
            session,
            AccessAction::NoteSearch,
            query.patient,
            format!("notes: {} ({} hits)", query.text, results.len()),
        );
        self.audit(event)?;
        Ok(results)
    }
}

/// What a result list shows instead of note text from a chart that needs a
/// break-the-glass reason: the hit is listed (a clerk must know the note exists), the
/// text is read only after the reason is given and audited.
pub const WITHHELD_SNIPPET: &str =
    "(text withheld: restricted or sensitive chart; open it to give a reason)";

fn withhold_snippet(snippet: &mut chartroom_search::Snippet) {
    snippet.text = WITHHELD_SNIPPET.to_string();
    snippet.marks.clear();
}

/// A chart with its encounters and documents, and those of every chart merged into it
/// (a merge makes the duplicate's record follow the survivor), newest first.
fn load_chart(read: &ReadTx, patient: Patient) -> Result<Chart> {
    let mut names = ProviderNames::new(read);
    let charts = read.charts_of_person(patient.id)?;
    let mut encounters = Vec::new();
    let mut documents = Vec::new();
    for id in &charts {
        for encounter in read.encounters_of(*id)? {
            let attending_name = names.name(encounter.attending)?;
            encounters.push(EncounterView {
                encounter,
                attending_name,
            });
        }
        for document in read.documents_of(*id)? {
            let author_name = names.name(document.author)?;
            documents.push(DocumentView {
                document,
                author_name,
            });
        }
    }
    if charts.len() > 1 {
        // The same order as one chart's reads: newest first, then by id.
        encounters.sort_by(|a, b| {
            (b.encounter.admit, b.encounter.id).cmp(&(a.encounter.admit, a.encounter.id))
        });
        documents.sort_by(|a, b| {
            (b.document.time, b.document.id).cmp(&(a.document.time, a.document.id))
        });
    }
    Ok(Chart {
        patient,
        encounters,
        documents,
    })
}
