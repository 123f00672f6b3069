//! Use cases: what a records-room user does, with authorisation checked and every read
//! of a chart, search and export audited. The UI, CLI and SSH edges call only this.
//!

mod admin;
mod audit_trail;
mod authorize;
mod chart_scan;
mod chart_services;
mod chart_tracking;
mod chart_tracking_demo;
mod charts;
pub mod completion;
mod data_transfer;
pub mod deid;
mod duplicates;
mod hl7_feed;
mod identity_desk;
mod index_sync;
mod merges;
mod paged;
pub mod privacy;
pub mod retention;
pub mod roi;
mod sampling;
mod search_batch;
#[cfg(feature = "test-access")]
mod test_access;
pub use index_sync::{verify, ReindexReport, VerifyCheck, VerifyReport};
mod config;
mod session;
mod users;
pub use config::{DataConfig, IdentityConfig};
pub use duplicates::{
    evaluate_duplicates, DuplicateEvalReport, FindReport, OverlayView, PairDetail, PairView,
};
pub use users::{looks_like_public_key, valid_username, NewUser};

pub use audit_trail::AuditEntry;
pub use chart_scan::{ScanMode, ScanResult};
pub use chart_services::ChartServices;
pub use chart_tracking::{ChartOut, PullItem};
pub use chart_tracking_demo::DemoFileRoom;
pub use charts::WITHHELD_SNIPPET;
pub use data_transfer::reindex;
pub use identity_desk::IdentityDesk;
pub use search_batch::SearchBatch;
// Plain result and request types of the layers below, so the edges name only services.
pub use admin::DataOverview;
pub use chartroom_domain::MergeRecord;
pub use chartroom_generate::eval_queries;
pub use chartroom_generate::{
    GenerateOptions, GenerateReport, IndicatifProgress, NoProgress, Progress,
};
pub use chartroom_import::hl7::{AckCode, FeedAnswer, MAX_MESSAGE_BYTES as MAX_HL7_MESSAGE_BYTES};
pub use chartroom_import::{
    ExportOptions, ExportReport, FhirImportReport, Hl7ImportReport, ImportReport,
};
pub use chartroom_search::{NoteHit, NoteQuery, PatientRecord, Snippet};
pub use hl7_feed::{FeedError, FeedStats, Hl7Feed};

use chartroom_domain::{Clock, Document, Encounter, Patient, PatientId, StaffUser};
use chartroom_search::{ChartIndex, TantivyIndex};
use chartroom_store::Store;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] chartroom_store::StoreError),
    #[error(transparent)]
    Search(chartroom_search::SearchError),
    /// A note query that does not parse, with the character it stopped at.
    #[error("cannot understand the note query at character {position}: {reason}")]
    Query { position: usize, reason: String },
    #[error(transparent)]
    Import(#[from] chartroom_import::ImportError),
    #[error(transparent)]
    FhirImport(#[from] chartroom_import::FhirImportError),
    #[error(transparent)]
    Hl7Import(#[from] chartroom_import::Hl7ImportError),
    #[error(transparent)]
    Export(#[from] chartroom_import::ExportError),
    #[error(transparent)]
    AccessImport(#[from] chartroom_import::access::AccessImportError),
    #[error(transparent)]
    Generate(#[from] chartroom_generate::GenerateError),
    #[error("{role} users may not {action}")]
    Forbidden {
        role: &'static str,
        action: &'static str,
    },
    #[error("no such {what}")]
    NotFound { what: &'static str },
    #[error("invalid {what}: {reason}")]
    Invalid { what: &'static str, reason: String },
    /// The de-identified extract still held an identifier: it was deleted.
    #[error("{0}")]
    SelfCheck(deid::SelfCheckFailure),
    /// A chart may not be destroyed: each reason's code and description.
    #[error("destruction refused: {}", .0.iter().map(|(code, why)| format!("{code} ({why})")).collect::<Vec<_>>().join(", "))]
    DestructionRefused(Vec<(&'static str, String)>),
}

impl From<chartroom_search::SearchError> for ServiceError {
    fn from(e: chartroom_search::SearchError) -> Self {
        match e {
            chartroom_search::SearchError::Query { position, reason } => {
                ServiceError::Query { position, reason }
            }
            other => ServiceError::Search(other),
        }
    }
}

impl ServiceError {
    /// The data directory when the error is "another process holds the store".
    pub fn locked_path(&self) -> Option<&Path> {
        match self {
            ServiceError::Store(chartroom_store::StoreError::Locked { path }) => Some(path),
            _ => None,
        }
    }
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
    NeedsReason {
        patient: PatientId,
        flags: Vec<&'static str>,
    },
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
    /// The part of `bytes_on_disk` that is the (derived) search index.
    pub index_bytes: u64,
}

/// Everything sessions share: store, index, clock. Send + Sync; hold it in an `Arc`.
pub struct Services {
    data_dir: PathBuf,
    store: Store,
    index: Box<dyn ChartIndex>,
    clock: Arc<dyn Clock>,
    /// Serialises outbox draining so two sessions never apply the same change twice.
    index_sync: Mutex<()>,
    /// The HL7 feed this process runs (`serve --mllp`), for the Admin workspace.
    hl7_feed: RwLock<Option<Arc<Hl7Feed>>>,
    /// The privacy workspace's open-case check, consulted before a chart is destroyed.
    /// Whether dropping applies what is left in the outbox (off only in tests that stand
    /// for a killed process).
    sync_on_drop: std::sync::atomic::AtomicBool,
}

impl Drop for Services {
    /// A command that leaves early (an error after some of its work committed) still
    /// brings the index up to date for what it committed, so `verify` right after finds
    /// nothing pending. Best effort: what fails here the next open applies.
    fn drop(&mut self) {
        if !self.sync_on_drop.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        if let Err(e) = self.sync_index() {
            tracing::warn!(error = %e, "index not brought up to date on close");
        }
    }
}

impl Services {
    /// Opens the data directory (store + index) and brings the index up to date:
    /// a missing or empty index is rebuilt, pending outbox entries are applied.
    pub fn open(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Services> {
        let services = Services::open_unsynced(data_dir, clock)?;
        services.bring_index_up_to_date()?;
        Ok(services)
    }

    /// Opens store and index without touching the index (the way in for a rebuild).
    fn open_unsynced(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Services> {
        let store = Store::open(data_dir)?;
        let index = TantivyIndex::open(data_dir)?;
        let services = Services {
            data_dir: data_dir.to_path_buf(),
            store,
            index: Box::new(index),
            clock,
            index_sync: Mutex::new(()),
            hl7_feed: RwLock::new(None),
            sync_on_drop: std::sync::atomic::AtomicBool::new(true),
        };
        Ok(services)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Figures for the status bar.
    pub fn status(&self) -> Result<DataStatus> {
        let counts = self.store.read()?.counts()?;
        let index_bytes = self.index.size_bytes();
        Ok(DataStatus {
            patients: counts.patients,
            documents: counts.documents,
            bytes_on_disk: self.store.file_size_bytes()? + index_bytes,
            index_bytes,
        })
    }
}
