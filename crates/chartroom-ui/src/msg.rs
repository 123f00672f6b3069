//! What flows into `update` (messages) and out of it (effects).

use super::key::Key;
use super::note_filters::NoteRequest;
use super::screens::admin::jobs::{AdminAnswer, AdminJob};
use super::screens::completion::jobs::{CompletionAnswer, CompletionJob};
use super::screens::identity::jobs::{IdentityAnswer, IdentityJob};
use super::screens::privacy::jobs::{PrivacyAnswer, PrivacyJob};
use super::screens::release::jobs::{ReleaseAnswer, ReleaseJob};
use chartroom_domain::{DocumentId, PatientId};
use chartroom_services::{BreakGlass, Chart, DataStatus, DocumentView, NoteResult, PatientResult};
use chrono::{DateTime, Utc};

/// Something that happened: input from the user or a result from the runtime.
#[derive(Clone, Debug)]
pub enum Msg {
    Key(Key),
    Resize {
        width: u16,
        height: u16,
    },
    /// The clock moved (the runtime asks `Services::now`, so tests can fix it).
    Tick {
        now: DateTime<Utc>,
    },
    Status(DataStatus),
    /// Results of the search tagged `generation`; older generations are dropped.
    SearchResults {
        generation: u64,
        results: Vec<PatientResult>,
    },
    SearchFailed {
        generation: u64,
        message: String,
    },
    /// Note search results tagged `generation` (of `NotesState`); older ones are dropped.
    NoteResults {
        generation: u64,
        results: Vec<NoteResult>,
    },
    NoteSearchFailed {
        generation: u64,
        error: NoteSearchError,
    },
    ChartOpened(Box<Chart>),
    /// The chart needs a break-the-glass reason before it opens.
    ChartNeedsReason {
        patient: PatientId,
        flags: Vec<&'static str>,
    },
    DocumentLoaded(Box<DocumentView>),
    /// An answer for the Completion workspace.
    Completion(Box<CompletionAnswer>),
    /// Fresh figures for the Admin workspace.
    Admin(Box<AdminAnswer>),
    /// An answer for the Release workspace.
    Release(Box<ReleaseAnswer>),
    /// An answer for the Privacy workspace.
    Privacy(Box<PrivacyAnswer>),
    /// An answer for the Identity workspace.
    Identity(Box<IdentityAnswer>),
    /// A failed operation. The message comes from `ServiceError`, which names tables
    /// and ids, never patient data.
    Failed {
        what: &'static str,
        message: String,
    },
}

/// Work for the runtime. `update` only asks; the runtime does the I/O.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    SearchPatients {
        generation: u64,
        query: String,
    },
    SearchNotes {
        generation: u64,
        request: NoteRequest,
    },
    OpenChart {
        patient: PatientId,
        reason: Option<BreakGlassRequest>,
    },
    OpenDocument {
        id: DocumentId,
    },
    RefreshStatus,
    /// Load or change chart-completion data.
    Completion(CompletionJob),
    /// Read the Admin workspace's figures.
    Admin(AdminJob),
    /// Load or change release-of-information requests.
    Release(ReleaseJob),
    /// Load alerts and cases, or review them.
    Privacy(PrivacyJob),
    Identity(IdentityJob),
    Quit,
}

/// Why a note search gave no results. Kept structured (not a string) so `update` can
/// point a syntax error at the character the clerk typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoteSearchError {
    /// The note query language could not be parsed: 1-based position in the text sent.
    Query { position: usize, reason: String },
    /// The `mrn:` filter names no patient.
    NoSuchMrn,
    /// Anything else, one line from `ServiceError` (no patient data).
    Failed(String),
}

/// `BreakGlass` with equality, so flow tests can compare effects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakGlassRequest {
    pub reason: chartroom_services::BreakGlassReason,
    pub explanation: String,
}

impl From<BreakGlassRequest> for BreakGlass {
    fn from(r: BreakGlassRequest) -> BreakGlass {
        BreakGlass {
            reason: r.reason,
            explanation: r.explanation,
        }
    }
}
