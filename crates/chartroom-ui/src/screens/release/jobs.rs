//! What the Release workspace asks of the runtime and what comes back. The runtime
//! side (calling `ChartServices`) is `crate::release_runtime`.

use super::entry::Candidate;
use chartroom_domain::roi::RoiPolicy;
use chartroom_services::roi::{ExtensionNotice, RoiAct, RoiDeskRow};
use chrono::NaiveDate;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReleaseJob {
    /// Every request with its clock on the services' today.
    Load,
    /// The one 30-day extension of a patient-access request, given today.
    Extend { request_id: String, reason: String },
    /// QA: every page belongs to the patient.
    ConfirmQa { request_id: String },
    /// A step on the request (log, start, wait, invoice, pay, deny, cancel).
    Act { request_id: String, act: RoiAct },
    /// Release into the services' release directory for the request.
    Release { request_id: String },
    /// Chart search for the new-request screen's patient field.
    FindPatient { query: String },
}

impl ReleaseJob {
    /// Names the job on the error line when it fails ("extending failed: …").
    pub fn what(&self) -> &'static str {
        match self {
            ReleaseJob::Load => "loading the requests",
            ReleaseJob::Extend { .. } => "extending",
            ReleaseJob::ConfirmQa { .. } => "confirming QA",
            ReleaseJob::Act { act, .. } => act.what(),
            ReleaseJob::Release { .. } => "releasing",
            ReleaseJob::FindPatient { .. } => "searching charts",
        }
    }
}

#[derive(Clone, Debug)]
pub enum ReleaseAnswer {
    Loaded {
        rows: Vec<RoiDeskRow>,
        as_of: NaiveDate,
        policy: Box<RoiPolicy>,
    },
    /// A step done: what it did, in words.
    Acted {
        notice: String,
    },
    Found {
        candidates: Vec<Candidate>,
    },
    Extended {
        request_id: String,
        notice: ExtensionNotice,
    },
    QaConfirmed {
        request_id: String,
    },
}
