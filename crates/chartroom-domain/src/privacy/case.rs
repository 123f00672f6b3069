//! Privacy cases: one or more alerts under review, moved only by named transitions,
//! each kept in the history with who, when and why (DOMAIN.md case flow; breach
//! notification within 60 days of discovery, 45 CFR 164.404(b)).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Days from discovery to the latest breach notification (164.404(b)).
pub const BREACH_NOTICE_DAYS: i64 = 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseStatus {
    Assigned,
    UnderReview,
    Determined,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 4] = [
        CaseStatus::Assigned,
        CaseStatus::UnderReview,
        CaseStatus::Determined,
        CaseStatus::Closed,
    ];
    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Assigned => "assigned",
            CaseStatus::UnderReview => "under review",
            CaseStatus::Determined => "determined",
            CaseStatus::Closed => "closed",
        }
    }
}

/// The finding of a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Determination {
    Appropriate,
    /// Inappropriate; the user is educated.
    Education,
    /// Inappropriate; the user is sanctioned (164.530(e)).
    Sanction,
    /// Inappropriate; a breach risk assessment runs with the notification clock.
    BreachAssessment,
}

impl Determination {
    pub const ALL: [Determination; 4] = [
        Determination::Appropriate,
        Determination::Education,
        Determination::Sanction,
        Determination::BreachAssessment,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Determination::Appropriate => "appropriate",
            Determination::Education => "inappropriate: education",
            Determination::Sanction => "inappropriate: sanction",
            Determination::BreachAssessment => "inappropriate: breach assessment",
        }
    }
    pub fn inappropriate(self) -> bool {
        self != Determination::Appropriate
    }
}

/// One entry of a case's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub time: DateTime<Utc>,
    pub by: String,
    /// `opened`, `review`, `determined`, `closed`, `reopened`, `note`, `assigned`.
    pub what: String,
    pub text: String,
}

/// A case: the alerts it reviews (user, patient as imported) and its history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: u64,
    pub user_id: String,
    pub patients: Vec<String>,
    pub rules: Vec<String>,
    pub score: u32,
    pub status: CaseStatus,
    pub assignee: String,
    pub determination: Option<Determination>,
    /// When the case was opened: the discovery date the breach clock counts from.
    pub discovered: DateTime<Utc>,
    pub history: Vec<CaseEvent>,
}

/// A transition a case's status does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a case that is {from} cannot be {action}")]
pub struct CaseTransitionError {
    pub from: &'static str,
    pub action: &'static str,
}

impl Case {
    fn step(
        &mut self,
        allowed: &[CaseStatus],
        action: &'static str,
        to: CaseStatus,
        event: CaseEvent,
    ) -> Result<(), CaseTransitionError> {
        if !allowed.contains(&self.status) {
            return Err(CaseTransitionError {
                from: self.status.label(),
                action,
            });
        }
        self.status = to;
        self.history.push(event);
        Ok(())
    }

    pub fn start_review(&mut self, event: CaseEvent) -> Result<(), CaseTransitionError> {
        self.step(
            &[CaseStatus::Assigned],
            "put under review",
            CaseStatus::UnderReview,
            event,
        )
    }

    pub fn determine(
        &mut self,
        determination: Determination,
        event: CaseEvent,
    ) -> Result<(), CaseTransitionError> {
        self.step(
            &[CaseStatus::UnderReview],
            "determined",
            CaseStatus::Determined,
            event,
        )?;
        self.determination = Some(determination);
        Ok(())
    }

    pub fn close(&mut self, event: CaseEvent) -> Result<(), CaseTransitionError> {
        self.step(
            &[CaseStatus::Determined],
            "closed",
            CaseStatus::Closed,
            event,
        )
    }

    pub fn reopen(&mut self, event: CaseEvent) -> Result<(), CaseTransitionError> {
        self.step(
            &[CaseStatus::Determined, CaseStatus::Closed],
            "reopened",
            CaseStatus::UnderReview,
            event,
        )?;
        self.determination = None;
        Ok(())
    }

    pub fn note(&mut self, event: CaseEvent) {
        self.history.push(event);
    }

    /// The breach-notification deadline (discovery + 60 days) when the determination is
    /// a breach assessment.
    pub fn notice_due(&self) -> Option<NaiveDate> {
        (self.determination == Some(Determination::BreachAssessment))
            .then(|| (self.discovered + Duration::days(BREACH_NOTICE_DAYS)).date_naive())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(what: &str) -> CaseEvent {
        CaseEvent {
            time: DateTime::<Utc>::default(),
            by: "p".into(),
            what: what.into(),
            text: String::new(),
        }
    }

    #[test]
    fn lifecycle_and_clock() {
        let mut case = Case {
            id: 1,
            user_id: "u".into(),
            patients: vec!["p".into()],
            rules: vec![],
            score: 80,
            status: CaseStatus::Assigned,
            assignee: "privacy1".into(),
            determination: None,
            discovered: DateTime::<Utc>::default(),
            history: vec![],
        };
        assert!(case.close(ev("closed")).is_err());
        case.start_review(ev("review")).unwrap();
        case.determine(Determination::BreachAssessment, ev("determined"))
            .unwrap();
        assert_eq!(case.notice_due(), NaiveDate::from_ymd_opt(1970, 3, 2));
        case.close(ev("closed")).unwrap();
        case.reopen(ev("reopened")).unwrap();
        assert_eq!(case.status, CaseStatus::UnderReview);
        assert_eq!(case.notice_due(), None);
        assert_eq!(case.history.len(), 4);
    }
}

/// What a reviewer did with an alert's (user, patient) pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertDisposition {
    pub user_id: String,
    pub patient_id: String,
    /// `None`: dismissed; `Some(case)`: promoted to that case.
    pub case: Option<u64>,
    pub reason: String,
    pub by: String,
    pub time: DateTime<Utc>,
}
