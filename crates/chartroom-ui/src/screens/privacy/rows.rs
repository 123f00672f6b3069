//! The rows of the alert queue and the case list, as the shared work queue sees them.

use crate::widgets::{QueueRow, SortKey};
use chartroom_domain::privacy::{Case, CaseStatus, Determination};
use chartroom_services::privacy::AlertView;

#[derive(Clone, Debug)]
pub struct AlertRow(pub AlertView);

impl AlertRow {
    /// The pairs a dismissal covers: the alert's pair, or each of a spike's patients.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let a = &self.0.alert;
        if a.patients.is_empty() {
            vec![(a.user_id.clone(), a.patient_id.clone())]
        } else {
            a.patients
                .iter()
                .map(|p| (a.user_id.clone(), p.clone()))
                .collect()
        }
    }

    pub fn rules_text(&self) -> String {
        self.0
            .alert
            .rules
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl QueueRow for AlertRow {
    type Id = (String, String);

    fn id(&self) -> Self::Id {
        (
            self.0.alert.user_id.clone(),
            self.0.alert.patient_id.clone(),
        )
    }

    fn cells(&self) -> Vec<String> {
        let a = &self.0.alert;
        let patient = if a.patients.is_empty() {
            a.patient_id.clone()
        } else {
            format!("{} +{}", a.patient_id, a.patients.len().saturating_sub(1))
        };
        vec![
            a.score.to_string(),
            a.user_id.clone(),
            self.0.department.clone(),
            patient,
            self.rules_text(),
            a.last
                .map(|t| t.format("%m/%d").to_string())
                .unwrap_or_default(),
        ]
    }

    fn sort_key(&self, column: usize) -> SortKey {
        match column {
            0 => SortKey::Number(i64::from(self.0.alert.score)),
            _ => SortKey::Text(
                self.cells()
                    .get(column)
                    .map(|c| c.to_lowercase())
                    .unwrap_or_default(),
            ),
        }
    }
}

pub fn determination_short(d: Determination) -> &'static str {
    match d {
        Determination::Appropriate => "appropriate",
        Determination::Education => "education",
        Determination::Sanction => "sanction",
        Determination::BreachAssessment => "breach",
    }
}

/// `under review`, `determined: breach`, ...
pub fn case_status(case: &Case) -> String {
    match (case.status, case.determination) {
        (CaseStatus::Determined, Some(d)) | (CaseStatus::Closed, Some(d)) => {
            format!("{}: {}", case.status.label(), determination_short(d))
        }
        (status, _) => status.label().to_string(),
    }
}

#[derive(Clone, Debug)]
pub struct CaseRow(pub Case);

impl QueueRow for CaseRow {
    type Id = u64;

    fn id(&self) -> u64 {
        self.0.id
    }

    fn cells(&self) -> Vec<String> {
        let c = &self.0;
        vec![
            format!("#{}", c.id),
            c.user_id.clone(),
            case_status(c),
            c.score.to_string(),
            c.notice_due()
                .map(|d| format!("notify by {}", d.format("%m/%d")))
                .unwrap_or_default(),
            c.patients.join(" "),
        ]
    }

    fn sort_key(&self, column: usize) -> SortKey {
        match column {
            0 => SortKey::Number(self.0.id as i64),
            3 => SortKey::Number(i64::from(self.0.score)),
            _ => SortKey::Text(
                self.cells()
                    .get(column)
                    .map(|c| c.to_lowercase())
                    .unwrap_or_default(),
            ),
        }
    }
}
