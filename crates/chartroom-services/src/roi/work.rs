//! Working a request: the one 30-day extension (with its letter) and the QA check.

use super::load_rules;
use crate::{Result, ServiceError, Services, Session};
use chartroom_domain::roi::{extension_due, original_due, Extension, QaCheck, RoiRequest};
use chartroom_domain::{AccessAction, Permission};
use chartroom_store::WriteTx;
use chrono::NaiveDate;

/// An extension given: the new due date and the letter to the requester.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtensionNotice {
    pub new_due: NaiveDate,
    pub letter: String,
}

impl Services {
    pub(crate) fn roi_request_named(&self, request_id: &str) -> Result<RoiRequest> {
        self.store
            .read()?
            .roi_request_by_source(request_id)?
            .ok_or(ServiceError::NotFound {
                what: "release-of-information request",
            })
    }

    /// Extends a patient-access request once by 30 days, given on `on` (on or before
    /// the original due date) with a written reason (164.524(b)(2)). Anything else is
    /// refused naming the rule, and nothing changes.
    pub fn extend_roi_request(
        &self,
        session: &Session,
        request_id: &str,
        reason: &str,
        on: NaiveDate,
    ) -> Result<ExtensionNotice> {
        self.require(session, Permission::LogRoiRequest)?;
        let rules = load_rules(self.data_dir())?;
        let mut request = self.roi_request_named(request_id)?;
        let new_due = extension_due(&request, &rules.policy, on, reason).map_err(|e| {
            ServiceError::Invalid {
                what: "extension",
                reason: e.to_string(),
            }
        })?;
        let original = original_due(&request, &rules.policy);
        request.extension = Some(Extension {
            on,
            reason: reason.trim().to_string(),
            new_due,
            by: session.user.id,
        });
        let letter = format!(
            "Re: your request {request_id} received {received}\n\n\
             We need more time to answer your request. Reason: {reason}\n\
             Under 45 CFR 164.524(b)(2) we are extending the time to respond once, by 30 days:\n\
             the new date is {new_due} (it was {original}).\n",
            received = request.intake.received,
            reason = reason.trim(),
        );
        let mut tx = self.store.write()?;
        tx.put_roi_request(&request)?;
        self.audit_roi(
            &mut tx,
            session,
            &request,
            &format!("extended to {new_due}"),
        )?;
        tx.commit()?;
        Ok(ExtensionNotice { new_due, letter })
    }

    /// QA: confirms that every page of the request's release belongs to its patient.
    /// With `qa_second_person` in the policy, the user who prepared the release
    /// (imported, entered or started it) may not confirm it.
    pub fn confirm_roi_qa(&self, session: &Session, request_id: &str) -> Result<()> {
        self.require(session, Permission::LogRoiRequest)?;
        let rules = load_rules(self.data_dir())?;
        let (mut request, work) = self.roi_worked(request_id)?;
        if request.release.is_some() || request.closure.is_some() {
            return Err(ServiceError::Invalid {
                what: "QA",
                reason: "the request is already released or closed".into(),
            });
        }
        if rules.policy.qa_second_person && work.prepared_by == Some(session.user.id) {
            return Err(ServiceError::Invalid {
                what: "QA",
                reason: "QA must be by a second person: you prepared this release \
                         (roi.toml qa_second_person)"
                    .into(),
            });
        }
        request.qa = Some(QaCheck {
            by: session.user.id,
            at: self.now().naive_utc(),
        });
        let mut tx = self.store.write()?;
        tx.put_roi_request(&request)?;
        self.audit_roi(&mut tx, session, &request, "QA confirmed")?;
        tx.commit()?;
        Ok(())
    }

    pub(crate) fn audit_roi(
        &self,
        tx: &mut WriteTx,
        session: &Session,
        request: &RoiRequest,
        what: &str,
    ) -> Result<()> {
        let detail = format!("roi request {} {what}", request.id);
        tx.append_audit(self.audit_event(
            session,
            AccessAction::RoiRequest,
            Some(request.intake.patient),
            detail,
        ))?;
        Ok(())
    }
}
