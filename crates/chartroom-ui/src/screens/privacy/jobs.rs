//! What the Privacy workspace asks of the runtime and what comes back. The runtime side
//! is `crate::privacy_runtime`.

use chartroom_domain::privacy::Case;
use chartroom_services::privacy::{
    AccessLine, AlertEvidence, AlertRef, AlertView, CaseAction, UserActivity,
};

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
    /// Every access to one patient (the timeline, `t`).
    Timeline {
        patient_id: String,
    },
    /// One user's accesses (the activity, `u`).
    Activity {
        user_id: String,
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
            PrivacyJob::Timeline { .. } => "loading the patient's timeline",
            PrivacyJob::Activity { .. } => "loading the user's activity",
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
    Timeline {
        patient_id: String,
        lines: Vec<AccessLine>,
    },
    Activity {
        user_id: String,
        activity: Box<UserActivity>,
    },
}
