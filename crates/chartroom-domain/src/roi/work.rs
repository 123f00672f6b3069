//! What the desk records beside a request after intake (store table `roi-work-1`, so
//! the stored request keeps its layout): whether fulfillment has started and who
//! prepared it, a wait for an authorization (and the one that arrived), the invoice
//! and its payment. With the request's closure and release this gives every status.

use super::request::{Authorization, Closure, RoiRequest, RoiStatus};
use crate::ids::UserId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A dated note by a user (the wait for an authorization).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub on: NaiveDate,
    pub by: UserId,
    pub note: String,
}

/// A payment recorded against an invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub on: NaiveDate,
    pub amount_cents: u64,
    pub by: UserId,
}

/// The invoice sent before release (number `INV-<row id>`, amount, paid).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub number: String,
    pub amount_cents: u64,
    pub issued_on: NaiveDate,
    pub by: UserId,
    pub paid: Option<Payment>,
}

/// The desk's facts about one request (absent: an imported request, started at intake).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoiWork {
    /// Logged at the desk; fulfillment not started yet (`roi start`).
    pub logged_only: bool,
    /// Who prepared the release (imported, entered or started it). A second-person QA
    /// must be by someone else.
    pub prepared_by: Option<UserId>,
    /// The desk asked the requester for an authorization and waits for it.
    pub awaiting_authorization: Option<Note>,
    /// An authorization received after intake: it replaces the intake's for every check.
    pub authorization: Option<Authorization>,
    pub invoice: Option<Invoice>,
    /// The three-part test of an administrative law-enforcement request, as the desk
    /// checked it (164.512(f)(1)(ii)(C)).
    pub three_part_test: Option<ThreePartTest>,
}

/// The three-part test of 164.512(f)(1)(ii)(C): an administrative request (subpoena,
/// civil investigative demand, ...) may be answered without a court only when all three
/// hold. The desk records each part as it finds it, with who checked and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreePartTest {
    /// (1) The information sought is relevant and material to a legitimate law
    /// enforcement inquiry.
    pub relevant_and_material: bool,
    /// (2) The request is specific and limited in scope to the extent reasonably
    /// practicable in light of its purpose.
    pub specific_and_limited: bool,
    /// (3) De-identified information could not reasonably be used.
    pub deidentified_insufficient: bool,
    pub checked: Note,
}

impl ThreePartTest {
    /// Whether all three parts hold.
    pub fn met(&self) -> bool {
        self.relevant_and_material && self.specific_and_limited && self.deidentified_insufficient
    }

    /// The checklist as the desk and the file read it, one part a line.
    pub fn checklist(&self) -> String {
        let mark = |ok: bool| if ok { "[x]" } else { "[ ]" };
        format!(
            "Three-part test, 45 CFR 164.512(f)(1)(ii)(C), checked {}:\n\
             {} (1) relevant and material to a legitimate law enforcement inquiry\n\
             {} (2) specific and limited in scope as far as reasonably practicable\n\
             {} (3) de-identified information could not reasonably be used\n\
             {}",
            self.checked.on,
            mark(self.relevant_and_material),
            mark(self.specific_and_limited),
            mark(self.deidentified_insufficient),
            if self.met() {
                "Met: the administrative request may be answered.".to_string()
            } else {
                "Not met: the request needs a court order, a warrant or the patient's authorization.".to_string()
            }
        )
    }
}

impl RoiWork {
    /// The request as the rules see it: the intake with a later authorization in place
    /// of the one it came with.
    pub fn apply(&self, request: &RoiRequest) -> RoiRequest {
        let mut out = request.clone();
        if let Some(a) = &self.authorization {
            out.intake.authorization = Some(a.clone());
        }
        out
    }

    /// An invoice issued and not paid.
    pub fn unpaid(&self) -> Option<&Invoice> {
        self.invoice.as_ref().filter(|i| i.paid.is_none())
    }
}

/// Where a request stands: a closure (denied, cancelled) wins; then released; then an
/// unpaid invoice (`pending_payment`); then, while codes are missing, `pending_authorization`
/// when the desk waits for an authorization, else `on_hold`; then `logged` until
/// fulfillment starts; then `qa` (ready to release) once QA is confirmed or not
/// required; otherwise `in_fulfillment`.
pub fn status(
    request: &RoiRequest,
    work: Option<&RoiWork>,
    missing: &[&str],
    qa_required: bool,
) -> RoiStatus {
    let work = work.cloned().unwrap_or_default();
    if let Some(Closure { status, .. }) = &request.closure {
        *status
    } else if request.release.is_some() {
        RoiStatus::Released
    } else if work.unpaid().is_some() {
        RoiStatus::PendingPayment
    } else if !missing.is_empty() && work.awaiting_authorization.is_some() {
        RoiStatus::PendingAuthorization
    } else if !missing.is_empty() {
        RoiStatus::OnHold
    } else if work.logged_only {
        RoiStatus::Logged
    } else {
        request.status(missing, qa_required)
    }
}
