//! Use cases: what a records-room user does, with authorisation checked and every read
//! of a chart, search and export audited. The UI, CLI and SSH edges call only this.
//!
//! INTERFACE (bodies being filled in; signatures are the contract for ui/ and cli/).

use crate::domain::{
    Clock, Document, DocumentId, Encounter, Patient, PatientId, Role, StaffUser,
};
use crate::search::{NoteHit, NoteQuery};
use chrono::{DateTime, Utc};
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
    #[error("{role} users may not {action}")]
    Forbidden { role: &'static str, action: &'static str },
    #[error("no such {what}")]
    NotFound { what: &'static str },
}

pub type Result<T> = std::result::Result<T, ServiceError>;

/// Who is working: one per local TUI or SSH session.
#[derive(Clone, Debug)]
pub struct Session {
    pub user: StaffUser,
    /// Unique per session, recorded on every audit event.
    pub id: String,
    /// `local` or the SSH peer address.
    pub client: String,
}

/// One ranked patient for a result list.
#[derive(Clone, Debug)]
pub struct PatientResult {
    pub patient: Patient,
    pub score: f32,
    pub why: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct EncounterView {
    pub encounter: Encounter,
    pub attending_name: Option<String>,
}

#[derive(Clone, Debug)]
pub struct DocumentView {
    pub document: Document,
    pub author_name: Option<String>,
}

/// An opened chart: demographics, encounters (newest first), documents (newest first).
#[derive(Clone, Debug)]
pub struct Chart {
    pub patient: Patient,
    pub encounters: Vec<EncounterView>,
    pub documents: Vec<DocumentView>,
}

/// Reasons offered when opening a sensitive chart (break the glass).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakGlassReason {
    DirectCare,
    ReleaseOfInformation,
    CodingOrBilling,
    QualityReview,
    Other,
}

impl BreakGlassReason {
    pub const ALL: [BreakGlassReason; 5] = [
        BreakGlassReason::DirectCare,
        BreakGlassReason::ReleaseOfInformation,
        BreakGlassReason::CodingOrBilling,
        BreakGlassReason::QualityReview,
        BreakGlassReason::Other,
    ];
    pub fn label(self) -> &'static str {
        match self {
            BreakGlassReason::DirectCare => "direct patient care",
            BreakGlassReason::ReleaseOfInformation => "release of information request",
            BreakGlassReason::CodingOrBilling => "coding or billing",
            BreakGlassReason::QualityReview => "quality / chart review",
            BreakGlassReason::Other => "other (explain)",
        }
    }
}

#[derive(Clone, Debug)]
pub struct BreakGlass {
    pub reason: BreakGlassReason,
    pub explanation: String,
}

/// Outcome of asking to open a chart.
#[derive(Clone, Debug)]
pub enum OpenChart {
    Opened(Box<Chart>),
    /// The chart is restricted/VIP/employee/sensitive or the user's own: ask for a reason.
    NeedsReason { patient: PatientId, flags: Vec<&'static str> },
}

#[derive(Clone, Debug)]
pub struct NoteResult {
    pub hit: NoteHit,
    pub patient_name: String,
    pub mrn: String,
    pub author_name: Option<String>,
}

/// Figures for the status bar.
#[derive(Clone, Copy, Debug, Default)]
pub struct DataStatus {
    pub patients: u64,
    pub documents: u64,
    pub bytes_on_disk: u64,
}

/// Everything sessions share: store, index, clock. Send + Sync; hold it in an `Arc`.
pub struct Services {
    _clock: Arc<dyn Clock>,
}

impl Services {
    /// Opens the data directory (store + index), bringing the index up to date.
    pub fn open(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Services> {
        let _ = (data_dir, clock);
        todo!("services")
    }
    pub fn now(&self) -> DateTime<Utc> {
        todo!("services")
    }
    /// Ranked patients for a query; audited as a search.
    pub fn search_patients(&self, session: &Session, query: &str, limit: usize) -> Result<Vec<PatientResult>> {
        let _ = (session, query, limit);
        todo!("services")
    }
    /// Opens a chart (audited). Sensitive charts need `reason`, else `NeedsReason`.
    pub fn open_chart(&self, session: &Session, patient: PatientId, reason: Option<BreakGlass>) -> Result<OpenChart> {
        let _ = (session, patient, reason);
        todo!("services")
    }
    /// Opens one document in the reading pane (audited).
    pub fn open_document(&self, session: &Session, document: DocumentId) -> Result<DocumentView> {
        let _ = (session, document);
        todo!("services")
    }
    pub fn search_notes(&self, session: &Session, query: &NoteQuery, limit: usize) -> Result<Vec<NoteResult>> {
        let _ = (session, query, limit);
        todo!("services")
    }
    pub fn status(&self) -> Result<DataStatus> {
        todo!("services")
    }
    /// The local operator of `chartroom tui` (an admin unless the roster says otherwise).
    pub fn local_session(&self, username: &str) -> Result<Session> {
        let _ = username;
        todo!("services")
    }
}

/// Whether a role may open charts at all (every HIM role reads charts; admin too).
pub fn may_open_charts(role: Role) -> bool {
    let _ = role;
    true
}
