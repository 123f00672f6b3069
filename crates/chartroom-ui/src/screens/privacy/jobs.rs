//! What the Privacy workspace asks of the runtime and what comes back. The runtime side
//! is `crate::privacy_runtime`.

use chartroom_domain::privacy::Case;
use chartroom_services::privacy::{AlertEvidence, AlertRef, AlertView, CaseAction};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrivacyJob {
    /// The alert queue and the cases.
    Load,
    /// The evidence of one alert.
    Evidence {
        user_id: String,
        patient_id: String,
    },
    Dismiss {
        pairs: Vec<(String, String)>,
        reason: String,
    },
    Promote {
        alerts: Vec<AlertRef>,
    },
    Case {
        id: u64,
        action: CaseAction,
        text: String,
    },
}

impl PrivacyJob {
    pub fn what(&self) -> &'static str {
        match self {
            PrivacyJob::Load => "loading the alerts",
            PrivacyJob::Evidence { .. } => "loading the evidence",
            PrivacyJob::Dismiss { .. } => "dismissing",
            PrivacyJob::Promote { .. } => "opening the case",
            PrivacyJob::Case { .. } => "changing the case",
        }
    }
}

#[derive(Clone, Debug)]
pub enum PrivacyAnswer {
    Loaded {
        alerts: Vec<AlertView>,
        cases: Vec<Case>,
    },
    Evidence(Box<AlertEvidence>),
    /// A change went through: say so and reload.
    Done(String),
}
