//! Requests for an accounting of disclosures (164.528(c)): logged with a 60-day clock,
//! extended once by 30 days, fulfilled by producing the accounting of the six years
//! before the request. Each step audited.

use super::intake::resolve_patient;
use super::work::ExtensionNotice;
use crate::{Result, ServiceError, Services, Session};
use chartroom_domain::roi::{AccountingFulfilled, AccountingRequest, Disclosure, Extension};
use chartroom_domain::{AccessAction, Permission};
use chrono::NaiveDate;

/// A request for an accounting as the desk enters it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccountingRequest {
    pub request_id: String,
    /// The patient's source id or MRN.
    pub patient: String,
    pub received: NaiveDate,
    pub requester_name: Option<String>,
    pub requester_address: Option<String>,
}

/// One request for an accounting with its clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountingRow {
    pub request: AccountingRequest,
    pub due: NaiveDate,
    pub days_left: i64,
    pub status: &'static str,
}

fn invalid(what: &'static str, reason: impl Into<String>) -> ServiceError {
    ServiceError::Invalid {
        what,
        reason: reason.into(),
    }
}

impl Services {
    fn accounting_named(&self, request_id: &str) -> Result<AccountingRequest> {
        self.store
            .read()?
            .accounting_request(request_id)?
            .ok_or(ServiceError::NotFound {
                what: "request for an accounting",
            })
    }

    fn save_accounting(
        &self,
        session: &Session,
        request: &AccountingRequest,
        what: &str,
    ) -> Result<()> {
        let mut tx = self.store.write()?;
        tx.put_accounting_request(request)?;
        let detail = format!("accounting request {} {what}", request.request_id);
        tx.append_audit(self.audit_event(
            session,
            AccessAction::RoiRequest,
            Some(request.patient),
            detail,
        ))?;
        tx.commit()?;
        Ok(())
    }

    /// Logs a request for an accounting (due in 60 days). The same request again
    /// changes nothing; the same `request_id` for another patient or date is refused.
    pub fn log_accounting_request(
        &self,
        session: &Session,
        new: &NewAccountingRequest,
    ) -> Result<AccountingRequest> {
        self.require(session, Permission::LogRoiRequest)?;
        let what = "request for an accounting";
        let request_id = new.request_id.trim();
        if request_id.is_empty() {
            return Err(invalid(what, "request_id must not be blank"));
        }
        let read = self.store.read()?;
        let patient = resolve_patient(&read, new.patient.trim())?
            .ok_or(ServiceError::NotFound { what: "patient" })?;
        let clean = |t: &Option<String>| {
            t.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from)
        };
        if let Some(old) = read.accounting_request(request_id)? {
            let same = old.patient == patient
                && old.received == new.received
                && old.requester_name == clean(&new.requester_name)
                && old.requester_address == clean(&new.requester_address);
            return if same {
                Ok(old)
            } else {
                Err(invalid(
                    what,
                    "that request_id is on file with different content",
                ))
            };
        }
        drop(read);
        let request = AccountingRequest {
            request_id: request_id.to_string(),
            patient,
            received: new.received,
            requester_name: clean(&new.requester_name),
            requester_address: clean(&new.requester_address),
            logged_by: session.user.id,
            extension: None,
            fulfilled: None,
        };
        self.save_accounting(session, &request, "logged")?;
        Ok(request)
    }

    /// The one 30-day extension (164.528(c)(1)(ii)), given on or before the due date
    /// with a written reason; prints the letter.
    pub fn extend_accounting_request(
        &self,
        session: &Session,
        request_id: &str,
        reason: &str,
        on: NaiveDate,
    ) -> Result<ExtensionNotice> {
        self.require(session, Permission::LogRoiRequest)?;
        let mut request = self.accounting_named(request_id)?;
        let new_due = request
            .extension_due(on, reason)
            .map_err(|e| invalid("extension", e.to_string()))?;
        let original = request.original_due();
        request.extension = Some(Extension {
            on,
            reason: reason.trim().to_string(),
            new_due,
            by: session.user.id,
        });
        let letter = format!(
            "Re: your request {request_id} for an accounting of disclosures, received {received}\n\n\
             We need more time to provide the accounting. Reason: {reason}\n\
             Under 45 CFR 164.528(c)(1)(ii) we are extending the time to respond once, by 30 days:\n\
             the new date is {new_due} (it was {original}).\n",
            received = request.received,
            reason = reason.trim(),
        );
        self.save_accounting(session, &request, &format!("extended to {new_due}"))?;
        Ok(ExtensionNotice { new_due, letter })
    }

    /// Produces the accounting: every disclosure of the patient dated in the six years
    /// up to the day the request was received, oldest first; the request is fulfilled.
    pub fn fulfill_accounting_request(
        &self,
        session: &Session,
        request_id: &str,
        on: NaiveDate,
    ) -> Result<Vec<Disclosure>> {
        self.require(session, Permission::LogRoiRequest)?;
        let mut request = self.accounting_named(request_id)?;
        if request.fulfilled.is_some() {
            return Err(invalid("accounting", "the accounting was already provided"));
        }
        let from = request.window_start();
        let mut entries: Vec<Disclosure> = self
            .store
            .read()?
            .disclosures_of(request.patient)?
            .into_iter()
            .filter(|d| d.date >= from && d.date <= request.received)
            .collect();
        entries.sort_by(|a, b| (a.date, &a.request_id).cmp(&(b.date, &b.request_id)));
        request.fulfilled = Some(AccountingFulfilled {
            on,
            by: session.user.id,
            entries: u32::try_from(entries.len()).unwrap_or(u32::MAX),
        });
        let what = format!("fulfilled: {} entries", entries.len());
        self.save_accounting(session, &request, &what)?;
        Ok(entries)
    }

    /// Every request for an accounting with its clock on `as_of`, due first.
    pub fn accounting_requests(
        &self,
        session: &Session,
        as_of: NaiveDate,
    ) -> Result<Vec<AccountingRow>> {
        self.require(session, Permission::LogRoiRequest)?;
        let mut rows: Vec<AccountingRow> = self
            .store
            .read()?
            .accounting_requests()?
            .into_iter()
            .map(|request| AccountingRow {
                due: request.due(),
                days_left: request.days_left(as_of),
                status: request.status().code(),
                request,
            })
            .collect();
        rows.sort_by(|a, b| (a.due, &a.request.request_id).cmp(&(b.due, &b.request.request_id)));
        let detail = format!("accounting requests: {}", rows.len());
        self.audit(self.audit_event(session, AccessAction::RoiRequest, None, detail))?;
        Ok(rows)
    }
}
