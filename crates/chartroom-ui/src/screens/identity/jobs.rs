//! What the Identity workspace asks of the runtime and what comes back. The runtime side
//! is `crate::identity_runtime`.

use chartroom_domain::duplicates::DuplicateStatus;
use chartroom_domain::PatientId;
use chartroom_services::{
    ChartOut, OverlayView, PairDetail, PairView, PullItem, ScanMode, ScanResult,
};
use chrono::NaiveDate;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentityJob {
    /// The duplicate pairs.
    Pairs,
    /// The overlay check (reads every chart: run when the view is first shown).
    Overlays,
    /// The volumes out of the file room.
    ChartsOut,
    /// A day's pull list.
    PullList(NaiveDate),
    /// Both charts of a pair side by side.
    Compare { a: PatientId, b: PatientId },
    Decide {
        a: PatientId,
        b: PatientId,
        status: DuplicateStatus,
        reason: String,
    },
    Merge {
        survivor: PatientId,
        retired: PatientId,
        reason: String,
    },
    Unmerge {
        a: PatientId,
        b: PatientId,
        reason: String,
    },
    /// One scan at the station.
    Scan { label: String, mode: ScanMode },
    /// The missing-chart workflow: the volume is not where the records say.
    MarkMissing {
        patient: PatientId,
        volume: u16,
        note: String,
    },
}

impl IdentityJob {
    pub fn what(&self) -> &'static str {
        match self {
            IdentityJob::Pairs => "loading the duplicate pairs",
            IdentityJob::Overlays => "running the overlay check",
            IdentityJob::ChartsOut => "loading the charts out",
            IdentityJob::PullList(_) => "loading the pull list",
            IdentityJob::Compare { .. } => "loading the comparison",
            IdentityJob::Decide { .. } => "deciding the pair",
            IdentityJob::Merge { .. } => "merging the charts",
            IdentityJob::Unmerge { .. } => "unmerging the charts",
            IdentityJob::Scan { .. } => "scan",
            IdentityJob::MarkMissing { .. } => "marking the chart missing",
        }
    }

    /// Whether it reads everything (a long job) rather than writing one thing.
    pub fn is_long(&self) -> bool {
        matches!(
            self,
            IdentityJob::Pairs | IdentityJob::Overlays | IdentityJob::PullList(_)
        )
    }
}

#[derive(Clone, Debug)]
pub enum IdentityAnswer {
    Pairs(Vec<PairView>),
    Overlays(Vec<OverlayView>),
    ChartsOut(Vec<ChartOut>),
    PullList {
        date: NaiveDate,
        items: Vec<PullItem>,
    },
    Compared(Box<PairDetail>),
    Scanned(Box<ScanResult>),
    /// A scan that did not go through: said on the scan line, the field cleared for the
    /// next chart.
    ScanRefused(String),
    /// A change went through: say so and reload what it changed.
    Done {
        notice: String,
        reload: IdentityJob,
    },
}
