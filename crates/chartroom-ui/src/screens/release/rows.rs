//! The rows of the request queue, as the shared work queue sees them: the clock on
//! every row (received, due, days left with a `soon` / `late` marker in words).

use crate::widgets::{QueueRow, SortKey};
use chartroom_domain::roi::RequesterType;
use chartroom_services::roi::RoiDeskRow;
use chrono::NaiveDate;

/// Days left at or under which an open request is "due soon".
pub const DUE_SOON_DAYS: i64 = 5;

/// `03/02`: month and day, so the whole clock fits on an 80-column row (a request's
/// dates are weeks apart; the detail pane gives them in full).
pub fn short_date(d: NaiveDate) -> String {
    d.format("%m/%d").to_string()
}

/// Short requester-type labels for the queue (the detail pane gives the code).
pub fn type_label(kind: RequesterType) -> &'static str {
    match kind {
        RequesterType::Patient => "patient",
        RequesterType::PersonalRepresentative => "rep",
        RequesterType::ContinuingCare => "care",
        RequesterType::Attorney => "attorney",
        RequesterType::Insurer => "insurer",
        RequesterType::Subpoena => "subpoena",
        RequesterType::CourtOrder => "court",
        RequesterType::LawEnforcement => "police",
        RequesterType::WorkersComp => "workcomp",
        RequesterType::Disability => "disabil.",
        RequesterType::Research => "research",
    }
}

/// Status words as the queue shows them.
pub fn status_label(code: &str) -> &str {
    match code {
        "on_hold" => "on hold",
        "in_fulfillment" => "fulfil",
        "qa" => "QA ok",
        "pending_authorization" => "pend auth",
        "pending_payment" => "pend pay",
        other => other,
    }
}

/// Whether a status still runs the clock (not released, denied or cancelled).
pub fn is_open(status: &str) -> bool {
    !matches!(status, "released" | "denied" | "cancelled")
}

/// Where the clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    Closed,
    Running,
    DueSoon,
    Overdue,
}

#[derive(Clone, Debug)]
pub struct RequestRow(pub RoiDeskRow);

impl RequestRow {
    pub fn clock(&self) -> Clock {
        let r = &self.0.row;
        if !is_open(&r.status) {
            Clock::Closed
        } else if r.days_left < 0 {
            Clock::Overdue
        } else if r.days_left <= DUE_SOON_DAYS {
            Clock::DueSoon
        } else {
            Clock::Running
        }
    }

    /// `12`, `3 soon`, `-4 late`, or `done` once closed.
    pub fn days_left_cell(&self) -> String {
        let n = self.0.row.days_left;
        match self.clock() {
            Clock::Closed => "done".into(),
            Clock::Running => n.to_string(),
            Clock::DueSoon => format!("{n} soon"),
            Clock::Overdue => format!("{n} late"),
        }
    }
}

impl QueueRow for RequestRow {
    type Id = String;
    fn id(&self) -> String {
        self.0.row.request_id.clone()
    }
    fn cells(&self) -> Vec<String> {
        let d = &self.0;
        let intake = &d.request.intake;
        vec![
            d.row.request_id.clone(),
            format!(
                "{}: {}",
                type_label(intake.requester.kind),
                intake.requester.name.as_deref().unwrap_or("no name")
            ),
            d.mrn.to_string(),
            short_date(intake.received),
            short_date(d.row.due),
            self.days_left_cell(),
            status_label(&d.row.status).to_string(),
            d.row.missing.join(","),
        ]
    }
    fn sort_key(&self, column: usize) -> SortKey {
        let day = |date: NaiveDate| {
            SortKey::Number(
                date.format("%Y%m%d")
                    .to_string()
                    .parse::<i64>()
                    .unwrap_or(0),
            )
        };
        match column {
            3 => day(self.0.request.intake.received),
            4 => day(self.0.row.due),
            5 => SortKey::Number(self.0.row.days_left),
            _ => SortKey::Text(
                self.cells()
                    .get(column)
                    .cloned()
                    .unwrap_or_default()
                    .to_lowercase(),
            ),
        }
    }
}
