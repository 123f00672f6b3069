//! The rows of the completion queues, as the shared work queue sees them.

use crate::widgets::{QueueRow, SortKey};
use chartroom_domain::completion::DeficiencyStatus;
use chartroom_domain::{DeficiencyId, EncounterId, Provider, ProviderId};
use chartroom_services::completion::{DeficiencyRow, QueueEntry};
use chrono::NaiveDate;

/// `03/02/2026`, the dates every screen shows.
pub fn date(d: NaiveDate) -> String {
    d.format("%m/%d/%Y").to_string()
}

/// One encounter of the analysis queue.
#[derive(Clone, Debug)]
pub struct EncounterRow(pub QueueEntry);

impl EncounterRow {
    fn class(&self) -> String {
        self.0.encounter.class.label().to_string()
    }
}

impl QueueRow for EncounterRow {
    type Id = EncounterId;
    fn id(&self) -> EncounterId {
        self.0.encounter.id
    }
    fn cells(&self) -> Vec<String> {
        let e = &self.0;
        vec![
            e.mrn.to_string(),
            e.patient_name.clone(),
            self.class(),
            e.encounter.location.clone(),
            e.attending_name
                .clone()
                .unwrap_or_else(|| "unassigned".into()),
            date(e.discharge_date),
            e.outstanding.to_string(),
        ]
    }
    fn sort_key(&self, column: usize) -> SortKey {
        match column {
            5 => SortKey::Number(i64::from(
                self.0
                    .discharge_date
                    .format("%Y%m%d")
                    .to_string()
                    .parse::<i32>()
                    .unwrap_or(0),
            )),
            6 => SortKey::Number(i64::from(self.0.outstanding)),
            _ => SortKey::Text(
                self.cells()
                    .get(column)
                    .cloned()
                    .unwrap_or_default()
                    .to_lowercase(),
            ),
        }
    }
    /// Words narrow by any column; `class:`, `service:`, `attending:` by that column;
    /// `from:` / `to:` (`YYYY-MM-DD` or `MM/DD/YYYY`) by discharge date, inclusive.
    fn matches(&self, filter: &str) -> bool {
        let cells = self.cells();
        let has = |i: usize, v: &str| cells.get(i).is_some_and(|c| c.to_lowercase().contains(v));
        filter
            .split_whitespace()
            .all(|word| match word.split_once(':') {
                Some(("class", v)) => has(2, v),
                Some(("service", v)) => has(3, v),
                Some(("attending", v)) => has(4, v),
                Some(("from", v)) => parse_date(v).is_none_or(|d| self.0.discharge_date >= d),
                Some(("to", v)) => parse_date(v).is_none_or(|d| self.0.discharge_date <= d),
                _ => cells.iter().any(|c| c.to_lowercase().contains(word)),
            })
    }
}

/// A typed date, or None while it is not a whole date yet (then it does not narrow).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%m/%d/%Y"))
        .ok()
}

/// One deficiency (of an encounter, or of a provider).
#[derive(Clone, Debug)]
pub struct DeficiencyItem(pub DeficiencyRow);

impl DeficiencyItem {
    pub fn status(&self) -> DeficiencyStatus {
        self.0.deficiency.status
    }
}

/// The status word, with `DELINQ` when overdue: never colour alone.
pub fn status_word(row: &DeficiencyRow) -> String {
    let mut s = row.deficiency.status.code().to_string();
    if row.delinquent {
        s.push_str(" !DELINQ");
    }
    s
}

impl QueueRow for DeficiencyItem {
    type Id = DeficiencyId;
    fn id(&self) -> DeficiencyId {
        self.0.deficiency.id
    }
    /// Kind, status, provider, due, age, patient (the last for the provider view).
    fn cells(&self) -> Vec<String> {
        let r = &self.0;
        vec![
            r.deficiency.kind.clone(),
            status_word(r),
            r.provider_name
                .clone()
                .unwrap_or_else(|| "unassigned".into()),
            date(r.deficiency.due),
            format!("{}d", r.age_days),
            format!("{} {}", r.mrn, r.patient_name),
        ]
    }
    fn sort_key(&self, column: usize) -> SortKey {
        match column {
            3 => SortKey::Number((self.0.deficiency.due - NaiveDate::MIN).num_days()),
            4 => SortKey::Number(self.0.age_days),
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

/// A provider to pick in the provider view or when assigning.
#[derive(Clone, Debug)]
pub struct ProviderRow(pub Provider);

impl QueueRow for ProviderRow {
    type Id = ProviderId;
    fn id(&self) -> ProviderId {
        self.0.id
    }
    fn cells(&self) -> Vec<String> {
        vec![self.0.name.clone(), self.0.specialty.clone()]
    }
}
