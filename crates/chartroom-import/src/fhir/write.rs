//! Writing one parsed file in one write transaction. Everything is resolved and checked
//! while the transaction is still open and uncommitted: any error drops it, so a bad
//! file leaves nothing of itself in the store.

use super::convert::{self, NPI_SYSTEM};
use super::read::{Item, Parsed, ParsedFile};
use super::references::{FullUrls, Lookup, Target};
use super::resources::Reference;
use super::{FhirImportError, FhirImportReport};
use crate::chart_upsert::{
    upsert_patient, upsert_provider, ProviderFields, TakenNumbers, Upserted,
};
use crate::synthea::title_words;
use crate::SYNTHEA_SYSTEM;
use chartroom_domain::{EncounterClass, EncounterId, PatientId, ProviderId, SensitiveCategory};
use chartroom_store::{ConditionCodes, ReadTx, Store, StoreError, WriteTx};
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What the files imported so far resolve to (references cross files).
pub(crate) struct ImportState {
    pub patients: Lookup<PatientId>,
    pub encounters: Lookup<(EncounterId, EncounterClass)>,
    pub practitioners: Lookup<ProviderId>,
    pub organizations: Lookup<String>,
    /// Practitioner NPI (or id) → specialty, from PractitionerRole.
    pub specialties: HashMap<String, String>,
    /// Provider source id (NPI) → row, seeded from the store.
    pub providers: HashMap<String, ProviderId>,
}

impl ImportState {
    pub fn new(read: &ReadTx) -> Result<ImportState, StoreError> {
        let mut state = ImportState {
            patients: Lookup::new("Patient"),
            encounters: Lookup::new("Encounter"),
            practitioners: Lookup::new("Practitioner"),
            organizations: Lookup::new("Organization"),
            specialties: HashMap::new(),
            providers: HashMap::new(),
        };
        for p in read.providers()? {
            if let Some(npi) = &p.npi {
                state.practitioners.add_identifier(NPI_SYSTEM, npi, p.id);
            }
            // `Practitioner/<id>` in a later import resolves to the stored practitioner.
            if let Some(rid) = &p.resource_id {
                state.practitioners.add_id(rid, p.id);
            }
            if let Some(source) = p.source_id {
                state.providers.insert(source, p.id);
            }
        }
        Ok(state)
    }
}

/// One file's transaction and what it needs to name errors.
pub(super) struct FileWrite<'a, 's> {
    pub file: String,
    pub read: ReadTx,
    pub tx: WriteTx<'s>,
    pub state: &'a mut ImportState,
    pub report: &'a mut FhirImportReport,
    pub full_urls: FullUrls,
    /// Charts stored by an earlier import that this file adds to: the index holds each
    /// chart's visit numbers and only a written chart is queued for it, so these are
    /// written again (unchanged) at the end of the file.
    pub earlier_charts: HashSet<PatientId>,
    /// Charts this file writes itself (queued already; never overwritten at the end).
    pub charts_written: HashSet<PatientId>,
}

pub(crate) fn write_file(
    store: &Store,
    state: &mut ImportState,
    parsed: ParsedFile,
    report: &mut FhirImportReport,
) -> Result<(), FhirImportError> {
    let file = parsed.name();
    let store_error = |source| FhirImportError::Store {
        file: file.clone(),
        source,
    };
    let read = store.read().map_err(store_error)?;
    let tx = store.write().map_err(store_error)?;
    let full_urls = parsed
        .items
        .iter()
        .filter_map(|i| {
            let kind = match &i.at {
                super::read::Locator::Entry { kind, .. } => kind.clone(),
                _ => return None,
            };
            Some((i.full_url.clone()?, (kind, i.id.clone()?)))
        })
        .collect();
    let mut w = FileWrite {
        file: file.clone(),
        read,
        tx,
        state,
        report,
        full_urls,
        earlier_charts: HashSet::new(),
        charts_written: HashSet::new(),
    };
    w.write(parsed.items)?;
    w.requeue_earlier_charts()?;
    w.tx.commit().map_err(store_error)
}

impl FileWrite<'_, '_> {
    pub(super) fn store_error(&self, source: StoreError) -> FhirImportError {
        FhirImportError::Store {
            file: self.file.clone(),
            source,
        }
    }

    pub(super) fn field(&self, item: &Item, (field, problem): convert::Bad) -> FhirImportError {
        FhirImportError::Field {
            file: self.file.clone(),
            at: item.at.to_string(),
            field,
            problem: problem.to_string(),
        }
    }

    fn write(&mut self, items: Vec<Item>) -> Result<(), FhirImportError> {
        // Directory resources first: charts in the same file refer to them.
        for item in &items {
            self.directory(item);
        }
        for item in &items {
            if let Parsed::Practitioner(p) = &item.resource {
                self.practitioner(item, p)?;
            }
        }
        let hiv = self.hiv_subjects(&items);
        for item in &items {
            if let Parsed::Patient(p) = &item.resource {
                self.patient(item, p, &hiv)?;
            }
        }
        self.mark_hiv_elsewhere(&hiv)?;
        let mut numbers = TakenNumbers::default();
        for item in &items {
            if let Parsed::Encounter(e) = &item.resource {
                self.encounter(item, e, &mut numbers)?;
            }
        }
        let mut documents = super::visits::DocumentMatcher::default();
        for item in &items {
            match &item.resource {
                Parsed::DocumentReference(d) => self.document(item, d, &mut documents)?,
                Parsed::Skipped(kind) => *self.report.skipped.entry(kind.clone()).or_default() += 1,
                _ => {}
            }
        }
        for item in &items {
            if let Parsed::Procedure(p) = &item.resource {
                self.procedure(item, p)?;
            }
        }
        self.encounter_conditions(&items)?;
        Ok(())
    }

    /// Records the codes of each Condition that names its encounter, per encounter
    /// (release of information derives sensitive categories from them). A Condition
    /// whose encounter does not resolve is left out, as it would be by the chart.
    fn encounter_conditions(&mut self, items: &[Item]) -> Result<(), FhirImportError> {
        let mut changed: BTreeMap<EncounterId, ConditionCodes> = BTreeMap::new();
        for item in items {
            let Parsed::Condition(c) = &item.resource else {
                continue;
            };
            let (Some(rid), Some((encounter, _))) =
                (item.id.clone(), self.encounter_of(c.encounter.as_ref())?)
            else {
                continue;
            };
            let codes = match changed.entry(encounter) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(v) => v.insert(
                    self.read
                        .encounter_conditions(encounter)
                        .map_err(|e| self.store_error(e))?,
                ),
            };
            codes.insert(rid, convert::condition_codes(c));
        }
        for (encounter, codes) in &changed {
            self.tx
                .put_encounter_conditions(*encounter, codes)
                .map_err(|e| self.store_error(e))?;
        }
        Ok(())
    }

    fn directory(&mut self, item: &Item) {
        match &item.resource {
            Parsed::Organization(o) => {
                let Some(name) = o.name.as_deref().map(title_words) else {
                    return;
                };
                if let Some(id) = &item.id {
                    self.state.organizations.add_id(id, name.clone());
                }
                for i in &o.identifier {
                    if let (Some(s), Some(v)) = (&i.system, &i.value) {
                        self.state.organizations.add_identifier(s, v, name.clone());
                    }
                }
                self.report.organizations += 1;
            }
            Parsed::PractitionerRole(r) => {
                let specialty = r.specialty.iter().find_map(|s| s.label());
                let key = r
                    .practitioner
                    .as_ref()
                    .and_then(|p| match Target::parse(p)? {
                        Target::Identifier { value, .. } => Some(value.to_string()),
                        Target::Id { id, .. } => Some(id.to_string()),
                        Target::FullUrl(url) => self.full_urls.get(url).map(|(_, id)| id.clone()),
                    });
                if let (Some(key), Some(specialty)) = (key, specialty) {
                    self.state.specialties.insert(key, specialty.to_string());
                }
            }
            _ => {}
        }
    }

    fn practitioner(
        &mut self,
        item: &Item,
        p: &super::resources::Practitioner,
    ) -> Result<(), FhirImportError> {
        let npi = p
            .identifier
            .iter()
            .find(|i| i.system.as_deref() == Some(NPI_SYSTEM))
            .and_then(|i| i.value.clone());
        let source_id = match (&npi, &item.id) {
            (Some(npi), _) => npi.clone(),
            (None, Some(id)) => format!("Practitioner/{id}"),
            (None, None) => {
                return Err(self.field(item, ("identifier".into(), "has no NPI and no id")))
            }
        };
        let name = convert::provider_name(&p.name)
            .ok_or_else(|| self.field(item, ("name".into(), "is missing")))?;
        let specialty = [npi.as_ref(), item.id.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|k| self.state.specialties.get(k).cloned())
            .unwrap_or_default();
        let existing = self.state.providers.get(&source_id).copied();
        let fields = ProviderFields {
            source_id: source_id.clone(),
            name,
            specialty: title_words(&specialty),
            npi: npi.clone(),
            resource_id: item.id.clone(),
        };
        let (id, upserted) = upsert_provider(&self.read, &mut self.tx, existing, fields)
            .map_err(|e| self.store_error(e))?;
        match upserted {
            Upserted::Added => self.report.providers_added += 1,
            Upserted::Updated => self.report.providers_updated += 1,
        }
        self.state.providers.insert(source_id, id);
        if let Some(npi) = &npi {
            self.state.practitioners.add_identifier(NPI_SYSTEM, npi, id);
        }
        if let Some(rid) = &item.id {
            self.state.practitioners.add_id(rid, id);
        }
        Ok(())
    }

    /// Patients with HIV evidence in this file: in-file patients by resource id (their
    /// rows are written next), charts written before by row id.
    fn hiv_subjects(&mut self, items: &[Item]) -> HivSubjects {
        let mut in_file = Lookup::new("Patient");
        for item in items {
            if let (Parsed::Patient(p), Some(id)) = (&item.resource, &item.id) {
                in_file.add_id(id, id.clone());
                for i in &p.identifier {
                    if let (Some(s), Some(v)) = (&i.system, &i.value) {
                        in_file.add_identifier(s, v, id.clone());
                    }
                }
            }
        }
        let mut subjects = HivSubjects::default();
        for item in items {
            let subject = match &item.resource {
                Parsed::Condition(c) if convert::is_hiv_condition(c) => c.subject.as_ref(),
                Parsed::Observation(o) if convert::is_hiv_observation(o) => o.subject.as_ref(),
                Parsed::Condition(_) => {
                    *self.report.skipped.entry("Condition".into()).or_default() += 1;
                    continue;
                }
                Parsed::Observation(_) => {
                    *self.report.skipped.entry("Observation".into()).or_default() += 1;
                    continue;
                }
                _ => continue,
            };
            self.report.hiv_resources += 1;
            let Some(target) = subject.and_then(Target::parse) else {
                self.report.unresolved("subject");
                continue;
            };
            if let Some(id) = in_file.resolve(&target, &self.full_urls) {
                subjects.in_file.insert(id);
            } else if let Some(id) = self.state.patients.resolve(&target, &self.full_urls) {
                subjects.elsewhere.insert(id);
            } else {
                self.report.unresolved("subject");
            }
        }
        subjects
    }

    fn patient(
        &mut self,
        item: &Item,
        p: &super::resources::Patient,
        hiv: &HivSubjects,
    ) -> Result<(), FhirImportError> {
        let demographics = convert::demographics(p).map_err(|bad| self.field(item, bad))?;
        let marks_hiv = item.id.as_ref().is_some_and(|id| hiv.in_file.contains(id));
        let mut newly_marked = false;
        let (id, upserted) = upsert_patient(&self.read, &mut self.tx, demographics, |chart| {
            newly_marked = marks_hiv && add_hiv(chart);
        })
        .map_err(|e| self.store_error(e))?;
        self.charts_written.insert(id);
        match upserted {
            Upserted::Added => self.report.patients_added += 1,
            Upserted::Updated => self.report.patients_updated += 1,
        }
        self.report.hiv_marked += u64::from(newly_marked);
        if let Some(rid) = &item.id {
            self.state.patients.add_id(rid, id);
        }
        for i in &p.identifier {
            if let (Some(s), Some(v)) = (&i.system, &i.value) {
                self.state.patients.add_identifier(s, v, id);
            }
        }
        Ok(())
    }

    /// Queues for the index the earlier import's charts this file added to (see
    /// [`FileWrite::earlier_charts`]), unless this file wrote them itself.
    fn requeue_earlier_charts(&mut self) -> Result<(), FhirImportError> {
        let mut ids: Vec<PatientId> = self
            .earlier_charts
            .difference(&self.charts_written)
            .copied()
            .collect();
        ids.sort_unstable();
        for id in ids {
            let chart = self.read.patient(id).map_err(|e| self.store_error(e))?;
            if let Some(chart) = chart {
                self.tx
                    .put_patient(&chart)
                    .map_err(|e| self.store_error(e))?;
            }
        }
        Ok(())
    }

    /// HIV evidence in this file about charts written by an earlier file or import.
    fn mark_hiv_elsewhere(&mut self, hiv: &HivSubjects) -> Result<(), FhirImportError> {
        for id in &hiv.elsewhere {
            let chart = self.read.patient(*id).map_err(|e| self.store_error(e))?;
            if let Some(mut chart) = chart {
                if add_hiv(&mut chart) {
                    self.tx
                        .put_patient(&chart)
                        .map_err(|e| self.store_error(e))?;
                    self.charts_written.insert(chart.id);
                    self.report.hiv_marked += 1;
                }
            }
        }
        Ok(())
    }

    /// The patient a resource belongs to: in this import, else imported before. An
    /// unresolvable patient fails the file (a chart's data must not float free).
    pub(super) fn subject(
        &mut self,
        item: &Item,
        subject: Option<&Reference>,
    ) -> Result<PatientId, FhirImportError> {
        let target = subject
            .and_then(Target::parse)
            .ok_or_else(|| self.field(item, ("subject".into(), "is missing")))?;
        if let Some(id) = self.state.patients.resolve(&target, &self.full_urls) {
            return Ok(id);
        }
        let stored_id = match target {
            Target::Id {
                kind: "Patient",
                id,
            } => Some(id),
            Target::Identifier {
                system: convert::SYNTHEA_ID_SYSTEM,
                value,
                ..
            } => Some(value),
            _ => None,
        };
        if let Some(source) = stored_id {
            let found = self
                .read
                .patient_by_identifier(SYNTHEA_SYSTEM, source)
                .map_err(|e| self.store_error(e))?;
            if let Some(id) = found {
                self.earlier_charts.insert(id);
                return Ok(id);
            }
        }
        Err(self.field(
            item,
            (
                "subject".into(),
                "refers to a patient that is neither in this import nor already imported",
            ),
        ))
    }

    pub(super) fn practitioner_of(
        &mut self,
        reference: Option<&Reference>,
        what: &'static str,
    ) -> Option<ProviderId> {
        let found = reference
            .and_then(Target::parse)
            .and_then(|t| self.state.practitioners.resolve(&t, &self.full_urls));
        if reference.is_some() && found.is_none() {
            self.report.unresolved(what);
        }
        found
    }
}

fn add_hiv(chart: &mut chartroom_domain::Patient) -> bool {
    let sensitive = &mut chart.flags.sensitive;
    if sensitive.contains(&SensitiveCategory::HivSti) {
        return false;
    }
    sensitive.push(SensitiveCategory::HivSti);
    true
}

#[derive(Default)]
struct HivSubjects {
    /// Resource ids of patients in the same file.
    in_file: HashSet<String>,
    elsewhere: HashSet<PatientId>,
}
