//! What the Release workspace asks of the runtime and what comes back. The runtime
//! side (calling `ChartServices`) is `crate::release_runtime`.

use chartroom_services::roi::{ExtensionNotice, RoiDeskRow};
use chrono::NaiveDate;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReleaseJob {
    /// Every request with its clock on the services' today.
    Load,
    /// The one 30-day extension of a patient-access request, given today.
    Extend { request_id: String, reason: String },
    /// QA: every page belongs to the patient.
    ConfirmQa { request_id: String },
}

impl ReleaseJob {
    /// Names the job on the error line when it fails ("extending failed: …").
    pub fn what(&self) -> &'static str {
        match self {
            ReleaseJob::Load => "loading the requests",
            ReleaseJob::Extend { .. } => "extending",
            ReleaseJob::ConfirmQa { .. } => "confirming QA",
        }
    }
}

#[derive(Clone, Debug)]
pub enum ReleaseAnswer {
    Loaded {
        rows: Vec<RoiDeskRow>,
        as_of: NaiveDate,
    },
    Extended {
        request_id: String,
        notice: ExtensionNotice,
    },
    QaConfirmed {
        request_id: String,
    },
}
