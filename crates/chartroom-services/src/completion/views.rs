//! What the Completion workspace and `chartroom report` show: deficiency rows joined
//! with their encounter, patient, document, procedure and provider; the analysis queue;
//! the dashboard figures. Listing rows that name patients is audited (one event per
//! listing, with the count).

use super::load_rules;
use crate::{DocumentView, Result, ServiceError, Services, Session};
use chartroom_domain::completion::reports::{self, Backlog, Rate};
use chartroom_domain::{
    AccessAction, Deficiency, DeficiencyStatus, Encounter, EncounterClass, EncounterId, Mrn,
    Patient, PatientId, Permission, ProcedureId, Provider, ProviderId,
};
use chartroom_store::ReadTx;
use chrono::NaiveDate;
use std::collections::HashMap;

/// One deficiency as a queue line or a report row.
#[derive(Clone, Debug)]
pub struct DeficiencyRow {
    pub deficiency: Deficiency,
    /// The Encounter's source id (FHIR resource id / Synthea Id).
    pub encounter_source_id: Option<String>,
    pub encounter_number: String,
    pub class: EncounterClass,
    /// Where the patient was seen (the encounter's location or service).
    pub service: String,
    pub mrn: Mrn,
    pub patient_name: String,
    pub document_source_id: Option<String>,
    pub document_title: Option<String>,
    pub procedure_source_id: Option<String>,
    /// The provider's Practitioner id (else its source id).
    pub provider_id: Option<String>,
    pub provider_name: Option<String>,
    pub age_days: i64,
    pub delinquent: bool,
}

/// Which deficiencies to list; every field narrows, `Default` lists all.
#[derive(Clone, Debug, Default)]
pub struct DeficiencyFilter {
    pub statuses: Vec<DeficiencyStatus>,
    pub provider: Option<ProviderId>,
    pub kind: Option<String>,
    pub class: Option<EncounterClass>,
    /// Case-insensitive part of the service / location.
    pub service: Option<String>,
    pub discharged_from: Option<NaiveDate>,
    pub discharged_to: Option<NaiveDate>,
    pub delinquent_only: bool,
}

impl DeficiencyFilter {
    /// The tests on the deficiency itself: checked before its encounter is read.
    fn keeps_deficiency(&self, d: &Deficiency, as_of: NaiveDate) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&d.status))
            && self.provider.is_none_or(|p| d.provider == Some(p))
            && self.kind.as_ref().is_none_or(|k| &d.kind == k)
            && self.discharged_from.is_none_or(|f| d.discharge_date >= f)
            && self.discharged_to.is_none_or(|t| d.discharge_date <= t)
            && (!self.delinquent_only || d.is_delinquent(as_of))
    }

    fn keeps_encounter(&self, e: &Encounter) -> bool {
        self.class.is_none_or(|c| e.class == c)
            && self
                .service
                .as_ref()
                .is_none_or(|s| contains_ci(&e.location, s))
    }
}

fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(&needle.trim().to_lowercase())
}

/// One encounter of the analysis queue.
#[derive(Clone, Debug)]
pub struct QueueEntry {
    pub encounter: Encounter,
    pub discharge_date: NaiveDate,
    pub mrn: Mrn,
    pub patient_name: String,
    pub attending_name: Option<String>,
    /// Outstanding deficiencies after the rules ran.
    pub outstanding: u32,
}

/// The supervisor's figures, all as of one date.
#[derive(Clone, Debug)]
pub struct CompletionDashboard {
    pub as_of: NaiveDate,
    /// Outstanding deficiencies per `reports::AGING_BUCKETS`.
    pub aging: [u64; 5],
    /// Per provider, most delinquent first, with the provider's name.
    pub backlog: Vec<(Backlog, Option<String>)>,
    pub suspension: Vec<(Backlog, Option<String>)>,
    pub months: Vec<Rate>,
    pub quarters: Vec<Rate>,
    pub threshold_percent: u32,
    pub outstanding: u64,
    pub delinquent: u64,
}

/// Lookups shared by the rows of one listing (each row's encounter, patient, provider).
struct Joins<'r> {
    read: &'r ReadTx,
    encounters: HashMap<EncounterId, Option<Encounter>>,
    patients: HashMap<PatientId, Option<Patient>>,
    providers: HashMap<ProviderId, Provider>,
}

impl<'r> Joins<'r> {
    fn new(read: &'r ReadTx) -> Result<Joins<'r>> {
        let providers = read.providers()?.into_iter().map(|p| (p.id, p)).collect();
        Ok(Joins {
            read,
            encounters: HashMap::new(),
            patients: HashMap::new(),
            providers,
        })
    }

    fn encounter(&mut self, id: EncounterId) -> Result<Option<&Encounter>> {
        if !self.encounters.contains_key(&id) {
            let e = self.read.encounter(id)?;
            self.encounters.insert(id, e);
        }
        Ok(self.encounters.get(&id).and_then(Option::as_ref))
    }

    fn patient(&mut self, id: PatientId) -> Result<Option<&Patient>> {
        if !self.patients.contains_key(&id) {
            let p = self.read.patient(id)?;
            self.patients.insert(id, p);
        }
        Ok(self.patients.get(&id).and_then(Option::as_ref))
    }

    fn provider_name(&self, id: Option<ProviderId>) -> Option<String> {
        id.and_then(|p| self.providers.get(&p))
            .map(|p| p.name.clone())
    }

    fn provider_id(&self, id: Option<ProviderId>) -> Option<String> {
        id.and_then(|p| self.providers.get(&p))
            .map(Provider::report_id)
    }

    fn procedure_source(&self, id: Option<ProcedureId>) -> Result<Option<String>> {
        Ok(match id {
            Some(id) => self.read.procedure(id)?.and_then(|p| p.source_id),
            None => None,
        })
    }

    fn row(
        &mut self,
        d: Deficiency,
        as_of: NaiveDate,
        filter: &DeficiencyFilter,
    ) -> Result<Option<DeficiencyRow>> {
        if !filter.keeps_deficiency(&d, as_of) {
            return Ok(None);
        }
        let Some(e) = self.encounter(d.encounter)?.cloned() else {
            return Ok(None);
        };
        if !filter.keeps_encounter(&e) {
            return Ok(None);
        }
        let (mrn, patient_name) = match self.patient(d.patient)? {
            Some(p) => (p.mrn, p.name.display_last_first()),
            None => (Mrn(0), String::new()),
        };
        let document = match d.document {
            Some(id) => self.read.document(id)?,
            None => None,
        };
        Ok(Some(DeficiencyRow {
            // Generated encounters have no source id: their account number stands in.
            encounter_source_id: Some(e.source_id.clone().unwrap_or_else(|| e.number.clone())),
            encounter_number: e.number.clone(),
            class: e.class,
            service: e.location.clone(),
            mrn,
            patient_name,
            document_source_id: document.as_ref().map(|doc| {
                doc.source_id
                    .clone()
                    .unwrap_or_else(|| format!("document-{}", doc.id))
            }),
            document_title: document.map(|doc| doc.title),
            procedure_source_id: self.procedure_source(d.procedure)?,
            provider_id: self.provider_id(d.provider),
            provider_name: self.provider_name(d.provider),
            age_days: d.age_days(as_of),
            delinquent: d.is_delinquent(as_of),
            deficiency: d,
        }))
    }
}

impl Services {
    /// Today's date for "as of" defaults (the clock's UTC date).
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// Deficiencies matching `filter` with everything a row shows, oldest discharge
    /// first (ties: id). Audited as one listing.
    pub fn deficiency_rows(
        &self,
        session: &Session,
        filter: &DeficiencyFilter,
        as_of: NaiveDate,
    ) -> Result<Vec<DeficiencyRow>> {
        self.require(session, Permission::ViewDeficiencies)?;
        let read = self.store.read()?;
        let mut joins = Joins::new(&read)?;
        let mut rows = Vec::new();
        // One provider's work is one range of the provider listing, not every row.
        let candidates: Box<dyn Iterator<Item = chartroom_store::Result<Deficiency>>> =
            match filter.provider {
                Some(p) => Box::new(read.deficiencies_of_provider(p)?.into_iter().map(Ok)),
                None => read.deficiencies()?,
            };
        for d in candidates {
            if let Some(row) = joins.row(d?, as_of, filter)? {
                rows.push(row);
            }
        }
        rows.sort_by(|a, b| {
            (a.deficiency.discharge_date, a.deficiency.id)
                .cmp(&(b.deficiency.discharge_date, b.deficiency.id))
        });
        let detail = format!("listed {} deficiencies", rows.len());
        self.audit(self.audit_event(session, AccessAction::Deficiency, None, detail))?;
        Ok(rows)
    }

    /// The analysis queue: discharged, analysed encounters no analyst has reviewed,
    /// oldest discharge first, narrowed by `filter` (its class, service and discharge
    /// dates; `provider` is the attending).
    pub fn analysis_queue(
        &self,
        session: &Session,
        filter: &DeficiencyFilter,
        limit: usize,
    ) -> Result<Vec<QueueEntry>> {
        self.require(session, Permission::ViewDeficiencies)?;
        let read = self.store.read()?;
        let mut joins = Joins::new(&read)?;
        let mut out = Vec::new();
        let mut skip = 0;
        const PAGE: usize = 1_000;
        'pages: loop {
            let page = read.awaiting_review(skip, PAGE)?;
            if page.is_empty() {
                break;
            }
            skip += page.len();
            for id in page {
                let Some(e) = joins.encounter(id)?.cloned() else {
                    continue;
                };
                let Some(discharge_date) = e.discharge_date() else {
                    continue;
                };
                let keep = filter.class.is_none_or(|c| e.class == c)
                    && filter.provider.is_none_or(|p| e.attending == Some(p))
                    && filter
                        .service
                        .as_ref()
                        .is_none_or(|s| contains_ci(&e.location, s))
                    && filter.discharged_from.is_none_or(|f| discharge_date >= f)
                    && filter.discharged_to.is_none_or(|t| discharge_date <= t);
                if !keep {
                    continue;
                }
                let outstanding = read.encounter_analysis(id)?.map_or(0, |a| a.findings);
                let (mrn, patient_name) = match joins.patient(e.patient)? {
                    Some(p) => (p.mrn, p.name.display_last_first()),
                    None => (Mrn(0), String::new()),
                };
                out.push(QueueEntry {
                    attending_name: joins.provider_name(e.attending),
                    encounter: e,
                    discharge_date,
                    mrn,
                    patient_name,
                    outstanding,
                });
                if out.len() >= limit {
                    break 'pages;
                }
            }
        }
        Ok(out)
    }

    /// An encounter's documents (newest first) for the analyst's side-by-side view.
    pub fn encounter_documents(
        &self,
        session: &Session,
        encounter: EncounterId,
    ) -> Result<Vec<DocumentView>> {
        self.require(session, Permission::ViewDeficiencies)?;
        let read = self.store.read()?;
        let e = read
            .encounter(encounter)?
            .ok_or(ServiceError::NotFound { what: "encounter" })?;
        let joins = Joins::new(&read)?;
        let docs = read
            .documents_of(e.patient)?
            .into_iter()
            .filter(|d| d.encounter == Some(encounter))
            .map(|d| DocumentView {
                author_name: joins.provider_name(d.author),
                document: d,
            })
            .collect();
        Ok(docs)
    }

    /// Providers by name, for assigning (id, name).
    pub fn providers(&self, session: &Session) -> Result<Vec<Provider>> {
        self.require(session, Permission::ViewDeficiencies)?;
        let mut all = self.store.read()?.providers()?;
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    /// Aging, backlog, suspension and delinquency figures as of `as_of`.
    pub fn completion_dashboard(
        &self,
        session: &Session,
        as_of: NaiveDate,
    ) -> Result<CompletionDashboard> {
        self.require(session, Permission::DeficiencyReports)?;
        let rules = load_rules(self.data_dir())?;
        let read = self.store.read()?;
        let all: Vec<Deficiency> = read
            .deficiencies()?
            .collect::<chartroom_store::Result<_>>()?;
        let joins = Joins::new(&read)?;
        let named = |b: Backlog| {
            let name = joins.provider_name(b.provider);
            (b, name)
        };
        let backlog = reports::backlog(&all, as_of);
        let suspension = reports::suspension(&backlog, &rules);
        let discharges = read.discharges_by_month()?;
        let months = reports::delinquency_by_month(&all, discharges, as_of);
        let quarters = reports::by_quarter(&months);
        Ok(CompletionDashboard {
            as_of,
            aging: reports::aging(&all, as_of),
            outstanding: all.iter().filter(|d| d.status.is_outstanding()).count() as u64,
            delinquent: all.iter().filter(|d| d.is_delinquent(as_of)).count() as u64,
            backlog: backlog.into_iter().map(named).collect(),
            suspension: suspension.into_iter().map(named).collect(),
            months,
            quarters,
            threshold_percent: rules.delinquency_threshold_percent,
        })
    }

    /// The provider a report names (Practitioner id, else source id).
    pub fn provider_by_report_id(&self, session: &Session, id: &str) -> Result<Option<ProviderId>> {
        self.require(session, Permission::ViewDeficiencies)?;
        let read = self.store.read()?;
        Ok(read
            .providers()?
            .into_iter()
            .find(|p| p.report_id() == id.trim())
            .map(|p| p.id))
    }

    /// A provider's outstanding deficiencies as a plain-text letter (what HIM mails or
    /// puts in the in-basket), oldest first.
    pub fn provider_letter(
        &self,
        session: &Session,
        provider: &str,
        as_of: NaiveDate,
    ) -> Result<String> {
        self.require(session, Permission::DeficiencyReports)?;
        let id = self
            .provider_by_report_id(session, provider)?
            .ok_or(ServiceError::NotFound { what: "provider" })?;
        let filter = DeficiencyFilter {
            statuses: vec![DeficiencyStatus::Open, DeficiencyStatus::Returned],
            provider: Some(id),
            ..DeficiencyFilter::default()
        };
        let rows = self.deficiency_rows(session, &filter, as_of)?;
        let name = rows
            .first()
            .and_then(|r| r.provider_name.clone())
            .unwrap_or_else(|| provider.to_string());
        let rules = load_rules(self.data_dir())?;
        Ok(letter_text(&name, &rows, as_of, rules.bylaws_days))
    }
}

fn letter_text(name: &str, rows: &[DeficiencyRow], as_of: NaiveDate, bylaws_days: u32) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let delinquent = rows.iter().filter(|r| r.delinquent).count();
    let _ = writeln!(
        out,
        "Health Information Management — incomplete records notice"
    );
    let _ = writeln!(out, "Date: {as_of}");
    let _ = writeln!(out, "To: {name}");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "You have {} incomplete record item(s), {delinquent} of them delinquent. Medical staff bylaws require records to be complete within {bylaws_days} days of discharge.",
        rows.len()
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<12} {:<14} {:<11} {:<24} {:<11} Status",
        "MRN", "Account", "Discharged", "Missing", "Due"
    );
    for r in rows {
        let d = &r.deficiency;
        let status = if r.delinquent {
            format!("DELINQUENT ({} days overdue)", (as_of - d.due).num_days())
        } else {
            d.status.code().to_string()
        };
        let _ = writeln!(
            out,
            "{:<12} {:<14} {:<11} {:<24} {:<11} {status}",
            r.mrn.to_string(),
            r.encounter_number,
            d.discharge_date.to_string(),
            chartroom_domain::completion::kind_label(&d.kind),
            d.due.to_string(),
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Please complete these items in the record. Questions: the HIM chart completion desk."
    );
    out
}
