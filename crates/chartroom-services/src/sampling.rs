//! Patients sampled evenly through the store, for `chartroom eval make` and `chartroom
//! bench`: queries are built from real charts, so the sample is identified data and its
//! use is audited like an export.

use super::{index_sync::patient_record, Result, Services, Session};
use chartroom_domain::{AccessAction, Permission};
use chartroom_generate::eval_queries::NameCensus;
use chartroom_search::PatientRecord;

impl Services {
    /// About `count` patients spread evenly over the store (all of them when it holds
    /// fewer), each with the account numbers a caller may quote.
    pub fn sample_patients(
        &self,
        session: &Session,
        count: usize,
        purpose: &str,
    ) -> Result<Vec<PatientRecord>> {
        self.require(session, Permission::Administer)?;
        let read = self.store.read()?;
        let total = read.counts()?.patients.max(1);
        let step = (total / count.max(1) as u64).max(1) as usize;
        let mut sampled = Vec::with_capacity(count.min(total as usize));
        for patient in read.patients()?.step_by(step).take(count) {
            sampled.push(patient_record(&read, patient?)?);
        }
        drop(read);
        let detail = format!("{purpose}: {} charts sampled", sampled.len());
        let event = self.audit_event(session, AccessAction::Export, None, detail);
        self.audit(event)?;
        Ok(sampled)
    }

    /// Counts the given and family names of every chart, for the search eval's
    /// rarity (`NameCensus`). Audited like the sample: it reads every chart.
    pub fn name_census(&self, session: &Session, purpose: &str) -> Result<NameCensus> {
        self.require(session, Permission::Administer)?;
        let read = self.store.read()?;
        let mut census = NameCensus::default();
        let mut charts = 0u64;
        for patient in read.patients()? {
            let patient = patient?;
            census.add(
                &patient.name.given,
                &patient.name.family,
                chrono::Datelike::year(&patient.dob),
            );
            charts += 1;
        }
        drop(read);
        let detail = format!("{purpose}: names of {charts} charts counted");
        let event = self.audit_event(session, AccessAction::Export, None, detail);
        self.audit(event)?;
        Ok(census)
    }
}
