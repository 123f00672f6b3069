//! Intake: a file of e-requests (JSON lines) logged all or nothing. Each request is
//! validated as it is logged; the audit trail records each with its verdict.

use super::load_rules;
use crate::{Result, ServiceError, Services, Session};
use chartroom_domain::roi::{missing, work::status, RoiIntake, RoiPolicy, RoiRequest, RoiWork};
use chartroom_domain::{Mrn, PatientId, Permission};
use chartroom_import::roi_intake::parse_line;
use chartroom_import::SYNTHEA_SYSTEM;
use chartroom_store::{ReadTx, WriteTx};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// What an intake did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntakeReport {
    /// Requests logged now.
    pub logged: u64,
    /// Lines identical to a request already logged (nothing changed).
    pub unchanged: u64,
    /// Of the logged ones, those put on hold.
    pub on_hold: u64,
}

impl fmt::Display for IntakeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} requests logged ({} on hold), {} already logged",
            self.logged, self.on_hold, self.unchanged
        )
    }
}

/// The patient an intake or report names: a source id (what `search --json` prints),
/// else an MRN.
pub(crate) fn resolve_patient(read: &ReadTx, reference: &str) -> Result<Option<PatientId>> {
    if let Some(id) = read.patient_by_identifier(SYNTHEA_SYSTEM, reference)? {
        return Ok(Some(id));
    }
    match Mrn::parse(reference) {
        Some(mrn) => Ok(read.patient_by_mrn(mrn)?.map(|p| p.id)),
        None => Ok(None),
    }
}

impl Services {
    /// Logs one new request in `tx` with its desk record (prepared by the session's
    /// user; `logged_only`: fulfillment not started yet) and audits it with its verdict.
    pub(crate) fn log_new_request(
        &self,
        tx: &mut WriteTx<'_>,
        session: &Session,
        policy: &RoiPolicy,
        intake: RoiIntake,
        logged_only: bool,
    ) -> Result<RoiRequest> {
        let codes = missing(&intake, policy);
        let request = RoiRequest {
            id: tx.next_roi_request_id()?,
            intake,
            logged_at: self.now().naive_utc(),
            extension: None,
            qa: None,
            release: None,
            closure: None,
        };
        let work = RoiWork {
            logged_only,
            prepared_by: Some(session.user.id),
            ..RoiWork::default()
        };
        let status = status(&request, Some(&work), &codes, policy.qa_required);
        tx.put_roi_request(&request)?;
        tx.put_roi_work(request.id, &work)?;
        let what = if codes.is_empty() {
            format!("logged: {}", status.code())
        } else {
            format!("logged: {} ({})", status.code(), codes.join(", "))
        };
        self.audit_roi(tx, session, &request, &what)?;
        Ok(request)
    }

    /// Logs every request of `path` (one JSON object per line), or none: a bad line
    /// fails the call naming the file, the line and the field. A line identical to a
    /// request already logged changes nothing; the same `request_id` with different
    /// content is a bad line.
    pub fn import_roi_requests(&self, session: &Session, path: &Path) -> Result<IntakeReport> {
        self.require(session, Permission::LogRoiRequest)?;
        let rules = load_rules(self.data_dir())?;
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ServiceError::Invalid {
            what: "request file",
            reason: format!("cannot read {file}: {}", e.kind()),
        })?;
        let read = self.store.read()?;
        let bad_line = |line: usize, field: &str, problem: &str| ServiceError::Invalid {
            what: "request file",
            reason: format!("{file} line {line}, field {field}: {problem}"),
        };
        let mut report = IntakeReport::default();
        let mut new: Vec<RoiIntake> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            let line_no = n + 1;
            if line.trim().is_empty() {
                continue;
            }
            // Patients are resolved against the store; a lookup that fails is a store
            // error, reported after the line.
            let store_error = RefCell::new(None);
            let resolve = |r: &str| match resolve_patient(&read, r) {
                Ok(found) => found,
                Err(e) => {
                    store_error.borrow_mut().get_or_insert(e);
                    None
                }
            };
            let parsed = parse_line(line, &resolve);
            if let Some(e) = store_error.into_inner() {
                return Err(e);
            }
            let intake = parsed.map_err(|b| bad_line(line_no, &b.field, b.problem))?;
            let differs = "was already imported with different content";
            if let Some(i) = seen.get(&intake.request_id) {
                if new[*i] != intake {
                    return Err(bad_line(line_no, "request_id", differs));
                }
                report.unchanged += 1;
                continue;
            }
            if let Some(stored) = read.roi_request_by_source(&intake.request_id)? {
                if stored.intake != intake {
                    return Err(bad_line(line_no, "request_id", differs));
                }
                report.unchanged += 1;
                continue;
            }
            seen.insert(intake.request_id.clone(), new.len());
            new.push(intake);
        }
        let mut tx = self.store.write()?;
        for intake in new {
            let codes = missing(&intake, &rules.policy);
            report.logged += 1;
            if !codes.is_empty() {
                report.on_hold += 1;
            }
            self.log_new_request(&mut tx, session, &rules.policy, intake, false)?;
        }
        tx.commit()?;
        Ok(report)
    }
}
