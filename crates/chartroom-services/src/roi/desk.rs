//! The desk's steps after intake (docs/ROI.md "Statuses"): a request entered in the
//! Release workspace (logged until started), the wait for an authorization and the
//! authorization that arrives, the invoice and its payment, denial and cancellation
//! with their letters. Each refuses a request already released or closed, changes
//! nothing when refused, and is audited in the transaction that makes the change.

use super::load_rules;
use super::packet::invoice_number;
use crate::{Result, ServiceError, Services, Session};
use chartroom_domain::roi::{
    closure_letter, due, hold_letter, missing, work::status, Authorization, Closure, Invoice,
    LegalProcess, Note, Payment, RequesterType, RoiIntake, RoiRequest, RoiStatus, RoiWork,
    ThreePartTest,
};
use chartroom_domain::Permission;
use chrono::NaiveDate;

fn refused(what: &'static str, reason: impl Into<String>) -> ServiceError {
    ServiceError::Invalid {
        what,
        reason: reason.into(),
    }
}

fn open(request: &RoiRequest, what: &'static str) -> Result<()> {
    if request.release.is_some() {
        return Err(refused(what, "the request is already released"));
    }
    if let Some(c) = &request.closure {
        return Err(refused(what, format!("the request is {}", c.status.code())));
    }
    Ok(())
}

fn text<'t>(value: &'t str, what: &'static str, field: &str) -> Result<&'t str> {
    let value = value.trim();
    if value.is_empty() {
        return Err(refused(what, format!("{field} must not be blank")));
    }
    Ok(value)
}

impl Services {
    /// A request and the desk's record of it (a default one for an imported request).
    pub(crate) fn roi_worked(&self, request_id: &str) -> Result<(RoiRequest, RoiWork)> {
        let request = self.roi_request_named(request_id)?;
        let work = self.store.read()?.roi_work(request.id)?.unwrap_or_default();
        Ok((request, work))
    }

    /// Where a request stands now (its status as `roi list` reports it).
    pub fn roi_status(&self, session: &Session, request_id: &str) -> Result<RoiStatus> {
        self.require(session, Permission::LogRoiRequest)?;
        let rules = load_rules(self.data_dir())?;
        let (request, work) = self.roi_worked(request_id)?;
        let codes = missing(&work.apply(&request).intake, &rules.policy);
        Ok(status(
            &request,
            Some(&work),
            &codes,
            rules.policy.qa_required,
        ))
    }

    /// Logs a request entered at the desk (the Release workspace): validated like an
    /// imported one, `logged` until fulfillment starts. A `request_id` already on file
    /// is refused.
    pub fn log_roi_request(&self, session: &Session, intake: RoiIntake) -> Result<RoiRequest> {
        self.require(session, Permission::LogRoiRequest)?;
        let rules = load_rules(self.data_dir())?;
        let what = "request";
        text(&intake.request_id, what, "request_id")?;
        if self
            .store
            .read()?
            .roi_request_by_source(&intake.request_id)?
            .is_some()
        {
            return Err(refused(what, "that request_id is already on file"));
        }
        let mut tx = self.store.write()?;
        let request = self.log_new_request(&mut tx, session, &rules.policy, intake, true)?;
        tx.commit()?;
        Ok(request)
    }

    /// Starts fulfillment of a logged request; the user becomes its preparer.
    pub fn start_roi_request(&self, session: &Session, request_id: &str) -> Result<()> {
        self.require(session, Permission::LogRoiRequest)?;
        let (request, mut work) = self.roi_worked(request_id)?;
        open(&request, "start")?;
        if !work.logged_only {
            return Err(refused("start", "fulfillment has already started"));
        }
        work.logged_only = false;
        work.prepared_by = Some(session.user.id);
        self.save_work(session, &request, &work, "fulfillment started")
    }

    /// Records that the desk asked the requester for an authorization: the request is
    /// `pending_authorization` while codes are missing. Refused when nothing is missing.
    pub fn await_roi_authorization(
        &self,
        session: &Session,
        request_id: &str,
        note: &str,
        on: NaiveDate,
    ) -> Result<()> {
        self.require(session, Permission::LogRoiRequest)?;
        let rules = load_rules(self.data_dir())?;
        let (request, mut work) = self.roi_worked(request_id)?;
        let what = "authorization wait";
        open(&request, what)?;
        if missing(&work.apply(&request).intake, &rules.policy).is_empty() {
            return Err(refused(
                what,
                "the request lacks nothing: no authorization to wait for",
            ));
        }
        work.awaiting_authorization = Some(Note {
            on,
            by: session.user.id,
            note: note.trim().to_string(),
        });
        self.save_work(session, &request, &work, "waiting on an authorization")
    }

    /// Records an authorization received after intake; it replaces the intake's for
    /// every check. Returns the codes still missing (none: the wait is over).
    pub fn attach_roi_authorization(
        &self,
        session: &Session,
        request_id: &str,
        authorization: Authorization,
    ) -> Result<Vec<String>> {
        self.require(session, Permission::LogRoiRequest)?;
        let rules = load_rules(self.data_dir())?;
        let (request, mut work) = self.roi_worked(request_id)?;
        open(&request, "authorization")?;
        work.authorization = Some(authorization);
        let codes = missing(&work.apply(&request).intake, &rules.policy);
        if codes.is_empty() {
            work.awaiting_authorization = None;
        }
        let what = format!("authorization received; missing: [{}]", codes.join(", "));
        self.save_work(session, &request, &work, &what)?;
        Ok(codes.iter().map(|c| c.to_string()).collect())
    }

    /// [`Self::attach_roi_authorization`] from a file holding one JSON object in the
    /// intake's `authorization` form; a bad file names itself and the field.
    pub fn attach_roi_authorization_file(
        &self,
        session: &Session,
        request_id: &str,
        path: &std::path::Path,
    ) -> Result<Vec<String>> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            refused(
                "authorization file",
                format!("cannot read {file}: {}", e.kind()),
            )
        })?;
        let authorization =
            chartroom_import::roi_intake::parse_authorization(&text).map_err(|b| {
                refused(
                    "authorization file",
                    format!("{file}, field {}: {}", b.field, b.problem),
                )
            })?;
        self.attach_roi_authorization(session, request_id, authorization)
    }

    /// Issues the invoice of a release on `on` (number `INV-<row id>`, the fee that
    /// release would cost): the request is `pending_payment` until paid. Refused on
    /// hold, for a free release, or when an invoice was already issued.
    pub fn invoice_roi_request(
        &self,
        session: &Session,
        request_id: &str,
        on: NaiveDate,
    ) -> Result<Invoice> {
        self.require(session, Permission::LogRoiRequest)?;
        let rules = load_rules(self.data_dir())?;
        let (request, mut work) = self.roi_worked(request_id)?;
        let what = "invoice";
        open(&request, what)?;
        let effective = work.apply(&request);
        let codes = missing(&effective.intake, &rules.policy);
        if !codes.is_empty() {
            return Err(refused(
                what,
                format!("the request is on hold ({})", codes.join(", ")),
            ));
        }
        if let Some(i) = &work.invoice {
            return Err(refused(
                what,
                format!("invoice {} was already issued", i.number),
            ));
        }
        let read = self.store.read()?;
        let amount_cents = self
            .plan_release(&read, &rules, &effective, on, false)?
            .fee_cents;
        if amount_cents == 0 {
            return Err(refused(
                what,
                "this release is free: there is nothing to invoice",
            ));
        }
        let invoice = Invoice {
            number: invoice_number(&request),
            amount_cents,
            issued_on: on,
            by: session.user.id,
            paid: None,
        };
        work.invoice = Some(invoice.clone());
        let detail = format!("invoice {} issued: {amount_cents} cents", invoice.number);
        self.save_work(session, &request, &work, &detail)?;
        Ok(invoice)
    }

    /// Records the payment of the request's invoice (at least its amount); the release
    /// may then proceed.
    pub fn pay_roi_request(
        &self,
        session: &Session,
        request_id: &str,
        amount_cents: u64,
        on: NaiveDate,
    ) -> Result<Invoice> {
        self.require(session, Permission::LogRoiRequest)?;
        let (request, mut work) = self.roi_worked(request_id)?;
        let what = "payment";
        open(&request, what)?;
        let Some(invoice) = work.invoice.as_mut() else {
            return Err(refused(what, "no invoice was issued (`roi invoice`)"));
        };
        if invoice.paid.is_some() {
            return Err(refused(
                what,
                format!("invoice {} is already paid", invoice.number),
            ));
        }
        if amount_cents < invoice.amount_cents {
            return Err(refused(
                what,
                format!(
                    "{amount_cents} cents is less than invoice {} ({} cents)",
                    invoice.number, invoice.amount_cents
                ),
            ));
        }
        invoice.paid = Some(Payment {
            on,
            amount_cents,
            by: session.user.id,
        });
        let invoice = invoice.clone();
        let detail = format!("invoice {} paid: {amount_cents} cents", invoice.number);
        self.save_work(session, &request, &work, &detail)?;
        Ok(invoice)
    }

    /// Denies a request (`reviewable`: the ground may be reviewed, 164.524(a)(3));
    /// returns the denial letter.
    pub fn deny_roi_request(
        &self,
        session: &Session,
        request_id: &str,
        reason: &str,
        reviewable: bool,
        on: NaiveDate,
    ) -> Result<String> {
        self.require(session, Permission::ReleaseRoi)?;
        self.close(
            session,
            request_id,
            RoiStatus::Denied,
            reason,
            reviewable,
            on,
        )
    }

    /// Cancels a request (withdrawn by the requester, a duplicate, ...); returns the
    /// letter.
    pub fn cancel_roi_request(
        &self,
        session: &Session,
        request_id: &str,
        reason: &str,
        on: NaiveDate,
    ) -> Result<String> {
        self.require(session, Permission::LogRoiRequest)?;
        self.close(session, request_id, RoiStatus::Cancelled, reason, false, on)
    }

    fn close(
        &self,
        session: &Session,
        request_id: &str,
        status: RoiStatus,
        reason: &str,
        reviewable: bool,
        on: NaiveDate,
    ) -> Result<String> {
        let what = if status == RoiStatus::Denied {
            "denial"
        } else {
            "cancellation"
        };
        let mut request = self.roi_request_named(request_id)?;
        open(&request, what)?;
        let reason = text(reason, what, "--reason")?.to_string();
        let closure = Closure {
            status,
            reason,
            reviewable,
            on,
            by: session.user.id,
        };
        let letter = closure_letter(&request.intake, &closure);
        request.closure = Some(closure);
        let mut tx = self.store.write()?;
        tx.put_roi_request(&request)?;
        let detail = match status {
            RoiStatus::Denied if reviewable => "denied (reviewable)",
            RoiStatus::Denied => "denied (not reviewable)",
            _ => "cancelled",
        };
        self.audit_roi(&mut tx, session, &request, detail)?;
        tx.commit()?;
        Ok(letter)
    }

    /// Records the three-part test of an administrative law-enforcement request
    /// (164.512(f)(1)(ii)(C)) and returns its checklist. Refused for any other request.
    pub fn record_three_part_test(
        &self,
        session: &Session,
        request_id: &str,
        parts: [bool; 3],
        note: &str,
        on: NaiveDate,
    ) -> Result<ThreePartTest> {
        self.require(session, Permission::LogRoiRequest)?;
        let (request, mut work) = self.roi_worked(request_id)?;
        let what = "three-part test";
        open(&request, what)?;
        let intake = &request.intake;
        if intake.requester.kind != RequesterType::LawEnforcement
            || intake.legal_process != Some(LegalProcess::AdministrativeRequest)
        {
            return Err(refused(
                what,
                "only an administrative law-enforcement request (legal_process administrative_request) takes the three-part test",
            ));
        }
        let [relevant_and_material, specific_and_limited, deidentified_insufficient] = parts;
        let test = ThreePartTest {
            relevant_and_material,
            specific_and_limited,
            deidentified_insufficient,
            checked: Note {
                on,
                by: session.user.id,
                note: note.trim().to_string(),
            },
        };
        work.three_part_test = Some(test.clone());
        let done = if test.met() {
            "three-part test met"
        } else {
            "three-part test not met"
        };
        self.save_work(session, &request, &work, done)?;
        Ok(test)
    }

    /// The letter to the requester a request calls for now: the denial or cancellation
    /// letter of a closed one, the hold letter of one missing anything, else `None`.
    pub fn roi_letter(&self, session: &Session, request_id: &str) -> Result<Option<String>> {
        self.require(session, Permission::LogRoiRequest)?;
        let rules = load_rules(self.data_dir())?;
        let (request, work) = self.roi_worked(request_id)?;
        if let Some(c) = &request.closure {
            return Ok(Some(closure_letter(&request.intake, c)));
        }
        let effective = work.apply(&request);
        let codes = missing(&effective.intake, &rules.policy);
        if codes.is_empty() || request.release.is_some() {
            return Ok(None);
        }
        let due = due(&request, &rules.policy);
        Ok(Some(hold_letter(&effective.intake, &codes, due)))
    }

    fn save_work(
        &self,
        session: &Session,
        request: &RoiRequest,
        work: &RoiWork,
        what: &str,
    ) -> Result<()> {
        let mut tx = self.store.write()?;
        tx.put_roi_work(request.id, work)?;
        self.audit_roi(&mut tx, session, request, what)?;
        tx.commit()?;
        Ok(())
    }
}
