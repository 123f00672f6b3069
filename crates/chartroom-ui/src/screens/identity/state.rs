//! Identity workspace state: plain data changed only by `update`.

use super::rows::{ChartOutRow, OverlayRow, PairRow, PullRow};
use crate::widgets::{Column, Confirm, ReasonPopup, WorkQueue};
use chartroom_domain::duplicates::DuplicateStatus;
use chartroom_domain::PatientId;
use chartroom_services::{PairDetail, ScanMode};
use chrono::NaiveDate;
use ratatui::layout::Constraint;

/// Which list is on screen; `tab` goes round them in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityView {
    Pairs,
    Overlays,
    Charts,
    PullList,
}

impl IdentityView {
    pub fn next(self) -> IdentityView {
        match self {
            IdentityView::Pairs => IdentityView::Overlays,
            IdentityView::Overlays => IdentityView::Charts,
            IdentityView::Charts => IdentityView::PullList,
            IdentityView::PullList => IdentityView::Pairs,
        }
    }
}

/// What is open over the workspace; it takes every key until answered.
#[derive(Clone, Debug)]
pub enum Popup {
    /// Merge: which chart survives (the choice), and why.
    Merge {
        a: PatientId,
        b: PatientId,
        reason: ReasonPopup,
    },
    /// Not a duplicate, deferred: why.
    Decide {
        a: PatientId,
        b: PatientId,
        status: DuplicateStatus,
        reason: ReasonPopup,
    },
    Unmerge {
        a: PatientId,
        b: PatientId,
        reason: ReasonPopup,
    },
    /// Where the scan station charges charts out to.
    ChargeOut { reason: ReasonPopup },
    /// The missing-chart workflow's first step.
    Missing {
        patient: PatientId,
        volume: u16,
        confirm: Confirm,
    },
}

/// The scan station: what the scanner has typed so far, what a scan does, and the
/// last scans (newest first) so a clerk sees each one land.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanStation {
    pub text: String,
    pub mode: ScanMode,
    pub log: Vec<ScanLine>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanLine {
    pub ok: bool,
    pub text: String,
}

/// How many scans the station's log keeps.
pub const SCAN_LOG: usize = 5;

impl ScanStation {
    pub fn record(&mut self, ok: bool, text: String) {
        self.log.insert(0, ScanLine { ok, text });
        self.log.truncate(SCAN_LOG);
    }
}

impl Default for ScanStation {
    fn default() -> ScanStation {
        ScanStation {
            text: String::new(),
            mode: ScanMode::CheckIn,
            log: Vec::new(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct IdentityState {
    pub view: IdentityView,
    pub pairs: WorkQueue<PairRow>,
    pub overlays: WorkQueue<OverlayRow>,
    pub charts: WorkQueue<ChartOutRow>,
    pub pull: WorkQueue<PullRow>,
    /// The pull list's day (today until `[` / `]` move it).
    pub pull_date: Option<NaiveDate>,
    /// The pair on the comparison screen, once loaded; `comparing` while it is shown.
    pub compare: Option<PairDetail>,
    pub comparing: bool,
    pub scan: ScanStation,
    pub detail_focused: bool,
    pub detail_scroll: u16,
    pub popup: Option<Popup>,
    pub notice: Option<String>,
    pub loaded: bool,
    /// Whether the overlay check has run (it reads every chart, so only when asked).
    pub overlays_loaded: bool,
}

impl Default for IdentityState {
    fn default() -> IdentityState {
        IdentityState {
            view: IdentityView::Pairs,
            pairs: WorkQueue::new("Duplicate pairs, best first", pair_columns(), Vec::new()),
            overlays: WorkQueue::new("Overlay check", overlay_columns(), Vec::new()),
            charts: WorkQueue::new("Charts out, overdue first", chart_columns(), Vec::new()),
            pull: WorkQueue::new("Pull list", pull_columns(), Vec::new()),
            pull_date: None,
            compare: None,
            comparing: false,
            scan: ScanStation::default(),
            detail_focused: false,
            detail_scroll: 0,
            popup: None,
            notice: None,
            loaded: false,
            overlays_loaded: false,
        }
    }
}

impl IdentityState {
    /// Whether every key but quit goes to the screen: a popup, a filter line, the
    /// comparison or detail being read, or a scan under way (a scanner types a whole
    /// MRN and Enter; none of its characters may be taken for a command).
    pub fn captures_keys(&self) -> bool {
        self.popup.is_some()
            || (self.view == IdentityView::Charts && !self.scan.text.is_empty())
            || match self.view {
                IdentityView::Pairs => self.pairs.filter_focused(),
                IdentityView::Overlays => self.overlays.filter_focused(),
                IdentityView::Charts => self.charts.filter_focused(),
                IdentityView::PullList => self.pull.filter_focused(),
            }
    }

    /// The pair on the comparison screen, if that pair is still the cursor's.
    pub fn shown_pair(&self) -> Option<&PairDetail> {
        let (a, b) = self.pairs.current().map(|r| (r.0.pair.a, r.0.pair.b))?;
        self.compare
            .as_ref()
            .filter(|d| d.view.pair.a == a && d.view.pair.b == b)
    }
}

pub fn pair_columns() -> Vec<Column> {
    vec![
        Column::new("Score", Constraint::Length(5)),
        Column::new("Chart A", Constraint::Fill(3)),
        Column::new("Chart B", Constraint::Fill(3)),
        Column::new("Status", Constraint::Length(9)),
        Column::new("Differs", Constraint::Fill(2)),
    ]
}

pub fn overlay_columns() -> Vec<Column> {
    vec![
        Column::new("Score", Constraint::Length(5)),
        Column::new("Chart", Constraint::Fill(3)),
        Column::new("Sex, born", Constraint::Length(12)),
        Column::new("Contradictions", Constraint::Fill(3)),
    ]
}

pub fn chart_columns() -> Vec<Column> {
    vec![
        Column::new("Shelf", Constraint::Length(8)),
        Column::new("Chart", Constraint::Fill(3)),
        Column::new("Where", Constraint::Fill(2)),
        Column::new("State", Constraint::Fill(2)),
    ]
}

pub fn pull_columns() -> Vec<Column> {
    vec![
        Column::new("Shelf", Constraint::Length(8)),
        Column::new("Chart", Constraint::Fill(3)),
        Column::new("Time", Constraint::Length(5)),
        Column::new("Clinic", Constraint::Fill(2)),
        Column::new("Where now", Constraint::Fill(2)),
    ]
}
