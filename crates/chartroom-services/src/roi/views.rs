//! What the ROI desk reads: the request list with the clock, and a patient's
//! accounting of disclosures.

use super::intake::resolve_patient;
use super::load_rules;
use crate::merges::survivor_of;
use crate::{Result, ServiceError, Services, Session};
use chartroom_domain::roi::{
    days_left, due, missing, work::status, Disclosure, RoiRequest, RoiStatus, RoiWork, Selection,
};
use chartroom_domain::{AccessAction, Mrn, Permission};
use chrono::NaiveDate;
use serde::Serialize;

/// One request in `roi list` (the contract in docs/ROI.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoiRow {
    pub request_id: String,
    pub status: String,
    pub due: NaiveDate,
    pub days_left: i64,
    pub missing: Vec<String>,
    pub fee_cents: u64,
}

/// One request as the Release workspace shows it: the list row plus the intake, the
/// patient and the extension, so the detail pane needs no second read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoiDeskRow {
    pub row: RoiRow,
    pub request: RoiRequest,
    pub mrn: Mrn,
    pub patient_name: String,
    /// The desk's record (default for an imported request nobody has touched since).
    pub work: RoiWork,
    /// What a release on the list's date would send and withhold (unreleased, open
    /// requests; a released one has its record in `request.release`).
    pub preview: Option<Selection>,
}

impl Services {
    /// Every request with its status, clock, missing codes and fee on `as_of`, due
    /// first (then by request id).
    pub fn roi_list(&self, session: &Session, as_of: NaiveDate) -> Result<Vec<RoiRow>> {
        Ok(self
            .roi_desk(session, as_of)?
            .into_iter()
            .map(|d| d.row)
            .collect())
    }

    /// `roi_list` with each request's intake and patient (the Release workspace).
    pub fn roi_desk(&self, session: &Session, as_of: NaiveDate) -> Result<Vec<RoiDeskRow>> {
        self.require(session, Permission::LogRoiRequest)?;
        let rules = load_rules(self.data_dir())?;
        let read = self.store.read()?;
        let mut works = read.roi_works()?;
        let mut rows = Vec::new();
        for request in read.roi_requests()? {
            let request = request?;
            let work = works.remove(&request.id).unwrap_or_default();
            let effective = work.apply(&request);
            let codes = missing(&effective.intake, &rules.policy);
            let status = status(&request, Some(&work), &codes, rules.policy.qa_required);
            let mut preview = None;
            let fee_cents = match (&request.release, status) {
                (Some(r), _) => r.fee_cents,
                (None, RoiStatus::Denied | RoiStatus::Cancelled) => 0,
                (None, _) => {
                    let paid = work.invoice.is_some();
                    let plan = self.plan_release(&read, &rules, &effective, as_of, paid)?;
                    preview = Some(plan.selection);
                    work.unpaid().map_or(plan.fee_cents, |i| i.amount_cents)
                }
            };
            // Listed under the chart that stands for the person now (a merge since).
            let patient = read.patient(survivor_of(&read, request.intake.patient)?)?;
            rows.push(RoiDeskRow {
                row: RoiRow {
                    request_id: request.intake.request_id.clone(),
                    status: status.code().to_string(),
                    due: due(&request, &rules.policy),
                    days_left: days_left(&request, &rules.policy, as_of),
                    missing: codes.iter().map(|c| c.to_string()).collect(),
                    fee_cents,
                },
                mrn: patient.as_ref().map_or(Mrn(0), |p| p.mrn),
                patient_name: patient
                    .map(|p| p.name.display_last_first())
                    .unwrap_or_default(),
                request,
                work,
                preview,
            });
        }
        rows.sort_by(|a, b| (a.row.due, &a.row.request_id).cmp(&(b.row.due, &b.row.request_id)));
        let detail = format!("roi list: {} requests", rows.len());
        self.audit(self.audit_event(session, AccessAction::RoiRequest, None, detail))?;
        Ok(rows)
    }

    /// The patient's accounting of disclosures (164.528), oldest first. `patient` is
    /// a source id or an MRN.
    pub fn disclosures(&self, session: &Session, patient: &str) -> Result<Vec<Disclosure>> {
        self.require(session, Permission::LogRoiRequest)?;
        let read = self.store.read()?;
        let id =
            resolve_patient(&read, patient)?.ok_or(ServiceError::NotFound { what: "patient" })?;
        // Disclosures from a duplicate chart merged into this one are the same person's.
        let mut out = Vec::new();
        for chart in read.charts_of_person(id)? {
            out.extend(read.disclosures_of(chart)?);
        }
        out.sort_by(|a, b| (a.date, &a.request_id).cmp(&(b.date, &b.request_id)));
        let detail = format!("accounting of disclosures: {} entries", out.len());
        self.audit(self.audit_event(session, AccessAction::RoiRequest, Some(id), detail))?;
        Ok(out)
    }
}
