//! The demo's privacy office: a roster and a month of access traffic with planted
//! snooping (`chartroom_generate::access_log`), then alerts worked into every state —
//! dismissed, and cases assigned, under review, determined (each kind) and closed, one
//! reopened — so the Privacy workspace is alive on first start.

use super::alerts::AlertsQuery;
use super::review::{AlertRef, CaseAction};
use crate::{Result, Services, Session};
use chartroom_domain::privacy::Determination;
use chartroom_generate::access_log::{generate_access_log, AccessLogOptions};
use chrono::{Duration, NaiveDate};

/// What the demo planted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrivacyDemo {
    pub events: u64,
    pub alerts: usize,
    pub cases: usize,
    pub dismissed: usize,
}

impl Services {
    pub(crate) fn plant_privacy(
        &self,
        session: &Session,
        as_of: NaiveDate,
        seed: u64,
    ) -> Result<PrivacyDemo> {
        let end = as_of + Duration::days(1);
        let report = generate_access_log(&self.store, &AccessLogOptions::new(seed, end))?;
        let alerts = self.privacy_alerts(session, &AlertsQuery::default())?;
        let refs: Vec<AlertRef> = alerts
            .iter()
            .map(|v| AlertRef {
                user_id: v.alert.user_id.clone(),
                patients: if v.alert.patients.is_empty() {
                    vec![v.alert.patient_id.clone()]
                } else {
                    v.alert.patients.clone()
                },
                score: v.alert.score,
                rules: v.alert.rules.iter().map(|r| r.code().to_string()).collect(),
            })
            .collect();
        let mut demo = PrivacyDemo {
            events: report.events,
            ..PrivacyDemo::default()
        };
        // The weakest two alerts were looked at and dismissed.
        let weak: Vec<(String, String)> = alerts
            .iter()
            .rev()
            .take(2)
            .map(|v| (v.alert.user_id.clone(), v.alert.patient_id.clone()))
            .collect();
        if !weak.is_empty() {
            demo.dismissed =
                self.dismiss_alerts(session, &weak, "reviewed: documented care (demo)")?;
        }
        // Cases from the strongest alerts, each taken to another state.
        let plans: [&[CaseAction]; 6] = [
            &[],
            &[CaseAction::StartReview],
            &[
                CaseAction::StartReview,
                CaseAction::Determine(Determination::BreachAssessment),
            ],
            &[
                CaseAction::StartReview,
                CaseAction::Determine(Determination::Sanction),
            ],
            &[
                CaseAction::StartReview,
                CaseAction::Determine(Determination::Education),
                CaseAction::Close,
            ],
            &[
                CaseAction::StartReview,
                CaseAction::Determine(Determination::Appropriate),
                CaseAction::Close,
                CaseAction::Reopen,
            ],
        ];
        for (alert, plan) in refs.iter().skip(2).zip(plans) {
            let id = self.promote_alerts(session, std::slice::from_ref(alert), None)?;
            self.case_action(
                session,
                id,
                CaseAction::Note("interview requested from the user's manager".into()),
                "",
            )?;
            for step in plan {
                self.case_action(session, id, step.clone(), "demo review")?;
            }
            demo.cases += 1;
        }
        demo.alerts = alerts.len();
        Ok(demo)
    }
}
