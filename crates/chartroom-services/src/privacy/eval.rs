//! The ranking eval: a generated month of ordinary work with planted snooping of every
//! rule's kind and legitimate look-alikes; where each lands in the ranked alerts, and
//! the precision of the top K (K = the number of planted snooping cases).

use super::alerts::AlertsQuery;
use crate::{Result, Services, Session};
use chartroom_domain::Permission;
use chartroom_generate::access_log::{generate_access_log, AccessLogOptions, PlantedCase};
use chartroom_generate::{GenerateOptions, NoProgress};
use chrono::Duration;
use std::fmt;

/// Where one planted case ranked (1-based; `None`: no alert).
#[derive(Clone, Debug)]
pub struct PlantedRank {
    pub case: PlantedCase,
    pub rank: Option<usize>,
    pub score: u32,
}

#[derive(Clone, Debug, Default)]
pub struct PrivacyEvalReport {
    pub events: u64,
    pub alerts: usize,
    /// The number of planted snooping cases.
    pub k: usize,
    /// Planted snooping cases in the top K, over K.
    pub precision_at_k: f64,
    pub ranks: Vec<PlantedRank>,
}

impl fmt::Display for PrivacyEvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "privacy eval: {} access events, {} alerts",
            self.events, self.alerts
        )?;
        writeln!(f, "precision@{} {:.3}", self.k, self.precision_at_k)?;
        for r in &self.ranks {
            writeln!(
                f,
                "{:<9} {:<22} {:<12} rank {:>5} score {:>3}",
                if r.case.legit {
                    "look-alike"
                } else {
                    "snooping"
                },
                r.case.kind,
                r.case.user_id,
                r.rank.map_or("-".to_string(), |n| n.to_string()),
                r.score
            )?;
        }
        Ok(())
    }
}

impl Services {
    /// Generates `options.patients` charts and a month of access traffic into this
    /// (empty) data directory, then ranks and scores the planted cases.
    pub fn privacy_eval(
        &self,
        session: &Session,
        options: &GenerateOptions,
    ) -> Result<PrivacyEvalReport> {
        self.require(session, Permission::ImportData)?;
        chartroom_generate::generate(&self.store, options, &NoProgress)?;
        let end = options.as_of + Duration::days(1);
        let log = generate_access_log(&self.store, &AccessLogOptions::new(options.seed, end))?;
        let alerts = self.privacy_alerts(
            session,
            &AlertsQuery {
                include_disposed: true,
                ..AlertsQuery::default()
            },
        )?;
        let mut ranks = Vec::new();
        for case in log.planted {
            let found = alerts.iter().position(|v| {
                v.alert.user_id == case.user_id
                    && (v.alert.patient_id == case.patient_id
                        || v.alert.patients.contains(&case.patient_id))
            });
            ranks.push(PlantedRank {
                score: found.map_or(0, |i| alerts[i].alert.score),
                rank: found.map(|i| i + 1),
                case,
            });
        }
        let k = ranks.iter().filter(|r| !r.case.legit).count();
        let hits = ranks
            .iter()
            .filter(|r| !r.case.legit && r.rank.is_some_and(|n| n <= k))
            .count();
        Ok(PrivacyEvalReport {
            events: log.events,
            alerts: alerts.len(),
            k,
            precision_at_k: if k == 0 { 0.0 } else { hits as f64 / k as f64 },
            ranks,
        })
    }
}
