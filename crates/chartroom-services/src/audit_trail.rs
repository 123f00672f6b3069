//! Reading the audit trail: the newest events, or one patient's ("who looked at my
//! record?").

use super::{Result, ServiceError, Services, Session};
use chartroom_domain::{AccessEvent, Mrn, Patient, Permission};

/// One audit event with the MRN of the chart it touched (None when the event names no
/// chart, or the chart is gone).
#[derive(Clone, Debug)]
pub struct AuditEntry {
    pub event: AccessEvent,
    pub patient_mrn: Option<Mrn>,
}

impl Services {
    /// The newest `limit` audit events, oldest first; with `mrn`, that patient's.
    pub fn audit_trail(
        &self,
        session: &Session,
        mrn: Option<Mrn>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>> {
        self.require(session, Permission::ViewAuditTrail)?;
        let read = self.store.read()?;
        let events = match mrn {
            Some(mrn) => {
                let patient = read.patient_by_mrn(mrn)?.ok_or(ServiceError::NotFound {
                    what: "patient with that MRN",
                })?;
                let mut events = read.audit_for_patient(patient.id, limit)?;
                events.reverse();
                events
            }
            None => {
                let total = read.counts()?.audit_events;
                read.audit_events(total.saturating_sub(limit as u64) + 1, limit)?
            }
        };
        let mut entries = Vec::with_capacity(events.len());
        for event in events {
            let patient_mrn = match event.event.patient {
                Some(id) => read.patient(id)?.map(|p| p.mrn),
                None => None,
            };
            entries.push(AuditEntry { event, patient_mrn });
        }
        Ok(entries)
    }

    /// The patient with this MRN (narrows a note search; the search itself is audited
    /// with the patient it resolved to).
    pub fn patient_by_mrn(&self, session: &Session, mrn: Mrn) -> Result<Option<Patient>> {
        self.require(session, Permission::SearchCharts)?;
        Ok(self.store.read()?.patient_by_mrn(mrn)?)
    }
}
