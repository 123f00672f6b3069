//! Release workspace state: plain data changed only by `update`.

use super::entry::Entry;
use super::jobs::ReleaseJob;
use super::rows::{is_open, Clock, RequestRow};
use crate::widgets::{Column, Confirm, ReasonPopup, WorkQueue};
use chartroom_domain::roi::RoiPolicy;
use chrono::NaiveDate;
use ratatui::layout::Constraint;

/// Which requests the queue shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusView {
    /// Everything not released, denied or cancelled.
    Open,
    Logged,
    PendingAuthorization,
    OnHold,
    InFulfillment,
    Qa,
    PendingPayment,
    Released,
    /// Denied or cancelled.
    Closed,
    All,
}

impl StatusView {
    pub const ALL: [StatusView; 10] = [
        StatusView::Open,
        StatusView::Logged,
        StatusView::PendingAuthorization,
        StatusView::OnHold,
        StatusView::InFulfillment,
        StatusView::Qa,
        StatusView::PendingPayment,
        StatusView::Released,
        StatusView::Closed,
        StatusView::All,
    ];

    pub fn title(self) -> &'static str {
        match self {
            StatusView::Open => "Open requests",
            StatusView::Logged => "Logged, not started",
            StatusView::PendingAuthorization => "Pending authorization",
            StatusView::PendingPayment => "Pending payment",
            StatusView::Closed => "Denied or cancelled",
            StatusView::OnHold => "On hold",
            StatusView::InFulfillment => "In fulfillment",
            StatusView::Qa => "QA confirmed, ready to release",
            StatusView::Released => "Released",
            StatusView::All => "All requests",
        }
    }

    pub fn shows(self, status: &str) -> bool {
        match self {
            StatusView::Open => is_open(status),
            StatusView::Logged => status == "logged",
            StatusView::PendingAuthorization => status == "pending_authorization",
            StatusView::PendingPayment => status == "pending_payment",
            StatusView::Closed => matches!(status, "denied" | "cancelled"),
            StatusView::OnHold => status == "on_hold",
            StatusView::InFulfillment => status == "in_fulfillment",
            StatusView::Qa => status == "qa",
            StatusView::Released => status == "released",
            StatusView::All => true,
        }
    }

    pub fn next(self) -> StatusView {
        let i = StatusView::ALL.iter().position(|v| *v == self).unwrap_or(0);
        StatusView::ALL
            .get(i + 1)
            .copied()
            .unwrap_or(StatusView::Open)
    }
}

/// What is open over the workspace; it takes every key until answered.
#[derive(Clone, Debug)]
pub enum Popup {
    Extend {
        request_id: String,
        reason: ReasonPopup,
    },
    Qa {
        request_id: String,
        confirm: Confirm,
    },
    /// Deny or cancel, with a reason.
    Close {
        request_id: String,
        deny: bool,
        reason: ReasonPopup,
    },
    /// A step that needs only a yes (start, wait for an authorization, invoice, pay,
    /// release).
    Step {
        request_id: String,
        job: ReleaseJob,
        confirm: Confirm,
    },
}

/// The dashboard line's counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub open: usize,
    pub on_hold: usize,
    pub in_fulfillment: usize,
    pub qa: usize,
    pub released: usize,
    pub logged: usize,
    pub pending_authorization: usize,
    pub pending_payment: usize,
    pub closed: usize,
    pub due_soon: usize,
    pub overdue: usize,
}

impl Counts {
    pub fn of(rows: &[RequestRow]) -> Counts {
        let mut c = Counts::default();
        for r in rows {
            let status = r.0.row.status.as_str();
            c.open += usize::from(is_open(status));
            c.on_hold += usize::from(status == "on_hold");
            c.in_fulfillment += usize::from(status == "in_fulfillment");
            c.qa += usize::from(status == "qa");
            c.released += usize::from(status == "released");
            c.logged += usize::from(status == "logged");
            c.pending_authorization += usize::from(status == "pending_authorization");
            c.pending_payment += usize::from(status == "pending_payment");
            c.closed += usize::from(matches!(status, "denied" | "cancelled"));
            c.due_soon += usize::from(r.clock() == Clock::DueSoon);
            c.overdue += usize::from(r.clock() == Clock::Overdue);
        }
        c
    }
}

#[derive(Clone, Debug)]
pub struct ReleaseState {
    pub view: StatusView,
    /// Every request loaded; `queue` holds those `view` shows.
    pub all: Vec<RequestRow>,
    pub counts: Counts,
    pub queue: WorkQueue<RequestRow>,
    /// Keys scroll the detail pane instead of the queue (enter; esc returns).
    pub detail_focused: bool,
    pub detail_scroll: u16,
    pub popup: Option<Popup>,
    /// What the last change did, on the dashboard line.
    pub notice: Option<String>,
    /// The services' today the rows were computed on.
    pub as_of: Option<NaiveDate>,
    pub loaded: bool,
    /// The new-request screen, when open (it takes every key).
    pub entry: Option<Entry>,
    /// The dashboard instead of the queue.
    pub dashboard: bool,
    /// The policy the new-request screen validates with (loaded with the requests).
    pub policy: RoiPolicy,
}

impl Default for ReleaseState {
    fn default() -> ReleaseState {
        ReleaseState {
            view: StatusView::Open,
            all: Vec::new(),
            counts: Counts::default(),
            queue: WorkQueue::new(StatusView::Open.title(), request_columns(), Vec::new()),
            detail_focused: false,
            detail_scroll: 0,
            popup: None,
            notice: None,
            as_of: None,
            loaded: false,
            entry: None,
            dashboard: false,
            policy: RoiPolicy::default(),
        }
    }
}

impl ReleaseState {
    /// Whether raw keys go to a popup, the filter line or the detail pane first.
    pub fn captures_keys(&self) -> bool {
        self.popup.is_some() || self.entry.is_some() || self.queue.filter_focused()
    }

    /// Refills the queue from `all` for the current view (cursor follows the id).
    pub fn apply_view(&mut self) {
        let view = self.view;
        let rows = self
            .all
            .iter()
            .filter(|r| view.shows(&r.0.row.status))
            .cloned()
            .collect();
        self.queue.title = match &self.notice {
            Some(notice) => format!("{} · {notice}", view.title()),
            None => view.title().to_string(),
        };
        self.queue.set_rows(rows);
    }
}

pub fn request_columns() -> Vec<Column> {
    vec![
        Column::new("Request", Constraint::Length(9)),
        Column::new("Requester", Constraint::Fill(3)),
        Column::new("MRN", Constraint::Length(11)),
        Column::new("Recd", Constraint::Length(5)),
        Column::new("Due", Constraint::Length(5)),
        Column::new("Left", Constraint::Length(8)),
        Column::new("Status", Constraint::Length(8)),
        Column::new("Missing", Constraint::Fill(2)),
    ]
}
