//! The rows of the Identity workspace's lists, as the shared work queue sees them.

use crate::widgets::{QueueRow, SortKey};
use chartroom_domain::chart_tracking::{shelf_label, ChartPlace};
use chartroom_domain::duplicates::{DuplicateStatus, Field};
use chartroom_domain::{Patient, PatientId};
use chartroom_services::{ChartOut, OverlayView, PairView, PullItem};
use chrono::NaiveDate;

/// `00-12-34-56 Smith, John`: how a chart is named in a list.
pub fn chart_label(p: &Patient) -> String {
    format!("{} {}", p.mrn, p.name.display_last_first())
}

/// Text cells sort case-blind; the screen's number columns override this.
fn text_key(cells: &[String], column: usize) -> SortKey {
    SortKey::Text(
        cells
            .get(column)
            .map(|c| c.to_lowercase())
            .unwrap_or_default(),
    )
}

pub fn status_word(s: DuplicateStatus) -> &'static str {
    match s {
        DuplicateStatus::Potential => "potential",
        DuplicateStatus::VerifiedDuplicate => "merged",
        DuplicateStatus::NotDuplicate => "not dup",
        DuplicateStatus::Deferred => "deferred",
    }
}

#[derive(Clone, Debug)]
pub struct PairRow(pub PairView);

impl PairRow {
    /// The fields that differ, as their match codes (`last_name:typo dob:one_digit`).
    pub fn differences(&self) -> String {
        self.0
            .pair
            .fields
            .iter()
            .filter(|(_, m)| m.differs())
            .map(|(f, m)| format!("{}:{}", short_field(*f), m.code()))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Field names short enough for the queue's last column.
fn short_field(f: Field) -> &'static str {
    match f {
        Field::FirstName => "first",
        Field::MiddleName => "middle",
        Field::LastName => "last",
        Field::Suffix => "suffix",
        Field::Dob => "dob",
        Field::Sex => "sex",
        Field::Ssn => "ssn",
        Field::Address => "addr",
        Field::Phone => "phone",
    }
}

impl QueueRow for PairRow {
    type Id = (PatientId, PatientId);

    fn id(&self) -> Self::Id {
        (self.0.pair.a, self.0.pair.b)
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.0.pair.score.to_string(),
            chart_label(&self.0.a),
            chart_label(&self.0.b),
            status_word(self.0.pair.status).to_string(),
            self.differences(),
        ]
    }

    fn sort_key(&self, column: usize) -> SortKey {
        match column {
            0 => SortKey::Number(i64::from(self.0.pair.score)),
            _ => text_key(&self.cells(), column),
        }
    }
}

#[derive(Clone, Debug)]
pub struct OverlayRow(pub OverlayView);

impl QueueRow for OverlayRow {
    type Id = PatientId;

    fn id(&self) -> PatientId {
        self.0.patient.id
    }

    fn cells(&self) -> Vec<String> {
        let mut rules: Vec<&str> = self
            .0
            .candidate
            .signals
            .iter()
            .map(|s| s.rule.code())
            .collect();
        rules.dedup();
        vec![
            self.0.candidate.score.to_string(),
            chart_label(&self.0.patient),
            format!(
                "{} {}",
                self.0.patient.sex.letter(),
                self.0.patient.dob.format("%m/%d/%Y")
            ),
            rules.join(" "),
        ]
    }

    fn sort_key(&self, column: usize) -> SortKey {
        match column {
            0 => SortKey::Number(i64::from(self.0.candidate.score)),
            _ => text_key(&self.cells(), column),
        }
    }
}

/// A volume's state in words: `OVERDUE 9d`, `MISSING`, `due 12/05`, `off site`.
pub fn volume_state(out: &ChartOut, today: NaiveDate) -> String {
    let v = &out.volume;
    let mut words = match (&v.place, v.due) {
        (ChartPlace::Missing, _) => {
            format!("MISSING {}d", (today - v.since.date()).num_days().max(0))
        }
        (_, Some(due)) if v.overdue(today) => {
            format!("OVERDUE {}d", (today - due).num_days())
        }
        (_, Some(due)) => format!("due {}", due.format("%m/%d")),
        (_, None) => "no due date".to_string(),
    };
    if !v.requests.is_empty() {
        words.push_str(" · REQUESTED");
    }
    words
}

#[derive(Clone, Debug)]
pub struct ChartOutRow {
    pub out: ChartOut,
    /// The day the states are read on (overdue by how much).
    pub today: NaiveDate,
}

impl QueueRow for ChartOutRow {
    type Id = (PatientId, u16);

    fn id(&self) -> Self::Id {
        (self.out.patient.id, self.out.volume.volume)
    }

    fn cells(&self) -> Vec<String> {
        let p = &self.out.patient;
        vec![
            shelf_label(p.mrn),
            format!(
                "{} v{}",
                p.name.display_last_first(),
                self.out.volume.volume
            ),
            self.out.volume.place.label(),
            volume_state(&self.out, self.today),
        ]
    }

    fn sort_key(&self, column: usize) -> SortKey {
        text_key(&self.cells(), column)
    }
}

#[derive(Clone, Debug)]
pub struct PullRow(pub PullItem);

impl QueueRow for PullRow {
    type Id = PatientId;

    fn id(&self) -> PatientId {
        self.0.patient.id
    }

    fn cells(&self) -> Vec<String> {
        let p = &self.0.patient;
        let first = self.0.encounters.first();
        vec![
            shelf_label(p.mrn),
            p.name.display_last_first(),
            first
                .map(|e| e.admit.format("%H:%M").to_string())
                .unwrap_or_default(),
            first.map(|e| e.location.clone()).unwrap_or_default(),
            self.0.place.label(),
        ]
    }

    fn sort_key(&self, column: usize) -> SortKey {
        text_key(&self.cells(), column)
    }
}
