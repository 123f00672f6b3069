//! What the Completion workspace asks of the runtime and what comes back. The runtime
//! side (calling `ChartServices`) is `crate::completion_runtime`.

use chartroom_domain::completion::Transition;
use chartroom_domain::{DeficiencyId, EncounterId, Provider, ProviderId};
use chartroom_services::completion::{CompletionDashboard, DeficiencyRow, QueueEntry};
use chartroom_services::DocumentView;
use chrono::NaiveDate;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompletionJob {
    /// The analysis queue.
    Queue,
    /// One encounter's deficiencies (every status) and documents.
    Encounter {
        id: EncounterId,
        discharged: NaiveDate,
    },
    Providers,
    /// A provider's outstanding (open or returned) deficiencies, oldest first.
    ProviderDeficiencies(ProviderId),
    Dashboard,
    Record {
        encounter: EncounterId,
        kind: String,
        comment: String,
    },
    Move {
        ids: Vec<DeficiencyId>,
        transition: Transition,
        reason: String,
        provider: Option<ProviderId>,
    },
    Review(EncounterId),
}

impl CompletionJob {
    /// Names the job on the error line when it fails ("verifying failed: …").
    pub fn what(&self) -> &'static str {
        match self {
            CompletionJob::Queue => "loading the analysis queue",
            CompletionJob::Encounter { .. } => "loading the chart's deficiencies",
            CompletionJob::Providers => "loading the providers",
            CompletionJob::ProviderDeficiencies(_) => "loading the provider's deficiencies",
            CompletionJob::Dashboard => "loading the dashboard",
            CompletionJob::Record { .. } => "recording the deficiency",
            CompletionJob::Move { transition, .. } => match transition {
                Transition::Complete => "completing",
                Transition::Verify => "verifying",
                Transition::Close => "closing",
                Transition::Return => "returning",
                Transition::Reassign => "assigning",
                Transition::Cancel => "cancelling",
                Transition::Reopen => "reopening",
            },
            CompletionJob::Review(_) => "marking the chart reviewed",
        }
    }

    /// Reports and whole-table scans go to the long worker.
    pub fn is_long(&self) -> bool {
        matches!(self, CompletionJob::Dashboard)
    }
}

#[derive(Clone, Debug)]
pub enum CompletionAnswer {
    Queue(Vec<QueueEntry>),
    Encounter {
        id: EncounterId,
        deficiencies: Vec<DeficiencyRow>,
        documents: Vec<DocumentView>,
    },
    Providers(Vec<Provider>),
    ProviderDeficiencies(ProviderId, Vec<DeficiencyRow>),
    Dashboard(Box<CompletionDashboard>),
    Recorded {
        kind: String,
    },
    Moved {
        count: usize,
        transition: Transition,
    },
    Reviewed(EncounterId),
}
