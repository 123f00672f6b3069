//! Privacy workspace state: plain data changed only by `update`.

use super::rows::{AlertRow, CaseRow};
use super::timeline::{PatientTimeline, UserTimeline};
use crate::widgets::{Column, ReasonPopup, WorkQueue};
use chartroom_domain::privacy::CaseStatus;
use chartroom_services::privacy::AlertEvidence;
use ratatui::layout::Constraint;

/// What is on screen: one of the lists, or a timeline reached from one (`t`, `u`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrivacyView {
    Alerts,
    Cases,
    /// Every access to the patient of the alert or case.
    Timeline,
    /// The user's accesses per day and the patients they touched.
    Activity,
}

/// What is open over the workspace; it takes every key until answered.
#[derive(Clone, Debug)]
pub enum Popup {
    Dismiss {
        pairs: Vec<(String, String)>,
        reason: ReasonPopup,
    },
    Determine {
        case: u64,
        reason: ReasonPopup,
    },
    Note {
        case: u64,
        reason: ReasonPopup,
    },
}

/// The dashboard line's counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub alerts: usize,
    pub high: usize,
    pub assigned: usize,
    pub review: usize,
    pub determined: usize,
    pub closed: usize,
    pub breach_clocks: usize,
}

#[derive(Clone, Debug)]
pub struct PrivacyState {
    pub view: PrivacyView,
    pub alerts: WorkQueue<AlertRow>,
    pub cases: WorkQueue<CaseRow>,
    pub counts: Counts,
    /// The evidence of the alert under the cursor, once loaded.
    pub evidence: Option<AlertEvidence>,
    pub detail_focused: bool,
    pub detail_scroll: u16,
    pub popup: Option<Popup>,
    pub notice: Option<String>,
    pub loaded: bool,
    /// The timelines: whose (user, patient), the list they were opened from, what
    /// came back, and the row under the cursor in its list.
    pub focus_pair: (String, String),
    pub back_to: PrivacyView,
    pub timeline: Option<PatientTimeline>,
    pub activity: Option<UserTimeline>,
    pub timeline_cursor: usize,
}

impl Default for PrivacyState {
    fn default() -> PrivacyState {
        PrivacyState {
            view: PrivacyView::Alerts,
            alerts: WorkQueue::new("Alerts, worst first", alert_columns(), Vec::new()),
            cases: WorkQueue::new("Cases", case_columns(), Vec::new()),
            counts: Counts::default(),
            evidence: None,
            detail_focused: false,
            detail_scroll: 0,
            popup: None,
            notice: None,
            loaded: false,
            focus_pair: (String::new(), String::new()),
            back_to: PrivacyView::Alerts,
            timeline: None,
            activity: None,
            timeline_cursor: 0,
        }
    }
}

impl PrivacyState {
    pub fn captures_keys(&self) -> bool {
        self.popup.is_some()
            || match self.view {
                PrivacyView::Alerts => self.alerts.filter_focused(),
                PrivacyView::Cases => self.cases.filter_focused(),
                PrivacyView::Timeline | PrivacyView::Activity => false,
            }
    }

    pub fn count(&mut self) {
        let mut c = Counts {
            alerts: self.alerts.rows().len(),
            high: self
                .alerts
                .rows()
                .iter()
                .filter(|r| r.0.alert.score >= 60)
                .count(),
            ..Counts::default()
        };
        for row in self.cases.rows() {
            match row.0.status {
                CaseStatus::Assigned => c.assigned += 1,
                CaseStatus::UnderReview => c.review += 1,
                CaseStatus::Determined => c.determined += 1,
                CaseStatus::Closed => c.closed += 1,
            }
            if row.0.notice_due().is_some() && row.0.status != CaseStatus::Closed {
                c.breach_clocks += 1;
            }
        }
        self.counts = c;
    }
}

pub fn alert_columns() -> Vec<Column> {
    vec![
        Column::new("Score", Constraint::Length(5)),
        Column::new("User", Constraint::Length(10)),
        Column::new("Department", Constraint::Fill(2)),
        Column::new("Patient", Constraint::Length(12)),
        Column::new("Rules", Constraint::Fill(3)),
        Column::new("Last", Constraint::Length(5)),
    ]
}

pub fn case_columns() -> Vec<Column> {
    vec![
        Column::new("Case", Constraint::Length(5)),
        Column::new("User", Constraint::Length(10)),
        Column::new("Status", Constraint::Fill(2)),
        Column::new("Score", Constraint::Length(5)),
        Column::new("Clock", Constraint::Length(15)),
        Column::new("Patients", Constraint::Fill(2)),
    ]
}
