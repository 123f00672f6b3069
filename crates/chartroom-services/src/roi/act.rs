//! One entry point for the Release workspace's steps on a request ([`RoiAct`]), so the
//! UI's service trait grows by one method, not by one per step. Each step is the same
//! use case the command line runs (permission, refusal, audit).

use super::load_rules;
use crate::{Result, Services, Session};
use chartroom_domain::roi::{RoiIntake, RoiPolicy};
use chrono::NaiveDate;
use std::path::PathBuf;

/// A step the desk takes on a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoiAct {
    /// Log a request entered in the workspace (its `request_id` names it).
    Log(Box<RoiIntake>),
    Start,
    AwaitAuthorization {
        note: String,
    },
    Invoice,
    /// Record the payment (`None`: the invoice's amount).
    Pay {
        amount_cents: Option<u64>,
    },
    Deny {
        reason: String,
        reviewable: bool,
    },
    Cancel {
        reason: String,
    },
    /// Release into `out` (packet.pdf and manifest.json).
    Release {
        out: PathBuf,
    },
}

impl RoiAct {
    /// Names the step on an error line ("denying failed: …").
    pub fn what(&self) -> &'static str {
        match self {
            RoiAct::Log(_) => "logging the request",
            RoiAct::Start => "starting",
            RoiAct::AwaitAuthorization { .. } => "recording the wait",
            RoiAct::Invoice => "invoicing",
            RoiAct::Pay { .. } => "recording the payment",
            RoiAct::Deny { .. } => "denying",
            RoiAct::Cancel { .. } => "cancelling",
            RoiAct::Release { .. } => "releasing",
        }
    }
}

impl Services {
    /// The release-of-information policy in force (the workspace's live validator).
    pub fn roi_policy(&self) -> Result<RoiPolicy> {
        Ok(load_rules(self.data_dir())?.policy)
    }

    /// Takes `act` on the request `request_id` on `on`; returns what it did, in words
    /// .
    pub fn roi_act(
        &self,
        session: &Session,
        request_id: &str,
        act: RoiAct,
        on: NaiveDate,
    ) -> Result<String> {
        Ok(match act {
            RoiAct::Log(intake) => {
                let r = self.log_roi_request(session, *intake)?;
                format!("{} logged", r.intake.request_id)
            }
            RoiAct::Start => {
                self.start_roi_request(session, request_id)?;
                format!("{request_id} in fulfillment")
            }
            RoiAct::AwaitAuthorization { note } => {
                self.await_roi_authorization(session, request_id, &note, on)?;
                format!("{request_id} waits on an authorization")
            }
            RoiAct::Invoice => {
                let i = self.invoice_roi_request(session, request_id, on)?;
                format!(
                    "{request_id}: invoice {} for {} cents",
                    i.number, i.amount_cents
                )
            }
            RoiAct::Pay { amount_cents } => {
                let amount = match amount_cents {
                    Some(a) => a,
                    None => {
                        let (_, work) = self.roi_worked(request_id)?;
                        work.invoice.map_or(0, |i| i.amount_cents)
                    }
                };
                let i = self.pay_roi_request(session, request_id, amount, on)?;
                format!("{request_id}: invoice {} paid", i.number)
            }
            RoiAct::Deny { reason, reviewable } => {
                self.deny_roi_request(session, request_id, &reason, reviewable, on)?;
                format!("{request_id} denied (letter in the detail)")
            }
            RoiAct::Cancel { reason } => {
                self.cancel_roi_request(session, request_id, &reason, on)?;
                format!("{request_id} cancelled (letter in the detail)")
            }
            RoiAct::Release { out } => {
                let m = self.release_roi(session, request_id, on, &out)?;
                format!(
                    "{request_id} released: {} documents, {} withheld, {} pages",
                    m.included.len(),
                    m.withheld.len(),
                    m.pages
                )
            }
        })
    }
}
