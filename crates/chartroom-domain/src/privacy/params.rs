//! Rule parameters. Defaults ship as `services/defaults/privacy.toml`; a data
//! directory's `privacy.toml` replaces them (every key optional).

use serde::{Deserialize, Serialize};

/// The weights and thresholds of every rule (see docs/PRIVACY.md for the reasons).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacyRules {
    // ---- weights (points of raw score a rule adds) ----
    pub self_access: f64,
    pub same_last_name: f64,
    pub same_address: f64,
    /// Same street (number differs): a neighbour.
    pub same_street: f64,
    pub coworker: f64,
    pub vip: f64,
    pub employee: f64,
    pub deceased: f64,
    pub no_care_relationship: f64,
    pub after_hours: f64,
    pub volume_spike: f64,
    pub repeat_offender: f64,
    pub break_glass: f64,
    pub department_mismatch: f64,
    /// Extra points per access beyond the first (capped at `max_repeat_accesses`).
    pub per_extra_access: f64,
    pub max_repeat_accesses: u32,

    // ---- evidence that lowers a rule's weight ----
    /// Factor on the relationship rules (same name, address, coworker, VIP, employee,
    /// deceased, break-the-glass) when the user cares for the patient.
    pub care_factor: f64,
    /// Factor on after-hours when the user works round the clock or the patient was in
    /// house (or in the ED) at the time.
    pub round_the_clock_factor: f64,
    /// Factor on no-care-relationship for departments whose work is the record itself.
    pub record_work_factor: f64,

    // ---- thresholds ----
    /// Days before an encounter's start and after its end that still count as care.
    pub care_window_days: i64,
    /// Working hours, local time: `[day_start_hour, day_end_hour)`.
    pub day_start_hour: u32,
    pub day_end_hour: u32,
    pub weekends_are_after_hours: bool,
    /// Access within this many days after death is records completion, not snooping,
    /// when the user cared for the patient.
    pub deceased_grace_days: i64,
    /// A day is a spike when its distinct patients reach both this count and
    /// `spike_factor` times the user's median day.
    pub spike_min_patients: u32,
    pub spike_factor: f64,
    /// When the queried period holds fewer than three other active days of a user (a
    /// run over yesterday), the user's days in this many days before it complete the
    /// baseline, so a coder's ordinary busy day is not a spike.
    pub spike_lookback_days: i64,
    /// A user with this many other alerts at or above `repeat_alert_score` is a repeat
    /// offender in this run.
    pub repeat_min_alerts: u32,
    pub repeat_alert_score: f64,
    /// Pairs whose raw score stays below this are not alerts.
    pub min_raw_score: f64,
    /// The raw score at which the 0-100 score reaches 63 (score = 100·(1 − e^(−raw/scale))).
    pub score_scale: f64,

    // ---- departments (compared case-insensitively, by substring) ----
    pub round_the_clock_departments: Vec<String>,
    pub record_work_departments: Vec<String>,
}

impl Default for PrivacyRules {
    fn default() -> Self {
        PrivacyRules {
            self_access: 90.0,
            same_last_name: 45.0,
            same_address: 70.0,
            same_street: 40.0,
            coworker: 45.0,
            vip: 50.0,
            employee: 20.0,
            deceased: 40.0,
            no_care_relationship: 25.0,
            after_hours: 12.0,
            volume_spike: 60.0,
            repeat_offender: 20.0,
            break_glass: 30.0,
            department_mismatch: 8.0,
            per_extra_access: 3.0,
            max_repeat_accesses: 10,
            care_factor: 0.15,
            round_the_clock_factor: 0.15,
            record_work_factor: 0.4,
            care_window_days: 30,
            day_start_hour: 7,
            day_end_hour: 19,
            weekends_are_after_hours: true,
            deceased_grace_days: 90,
            spike_min_patients: 25,
            spike_factor: 4.0,
            spike_lookback_days: 30,
            repeat_min_alerts: 3,
            repeat_alert_score: 40.0,
            min_raw_score: 20.0,
            score_scale: 60.0,
            round_the_clock_departments: vec![
                "emergency".into(),
                "ed".into(),
                "icu".into(),
                "intensive care".into(),
                "critical care".into(),
                "labor".into(),
                "hospital medicine".into(),
                "inpatient".into(),
                "nursing".into(),
                "radiology".into(),
                "laboratory".into(),
                "pharmacy".into(),
            ],
            record_work_departments: vec![
                "health information".into(),
                "him".into(),
                "coding".into(),
                "billing".into(),
                "registration".into(),
                "release of information".into(),
                "quality".into(),
            ],
        }
    }
}

impl PrivacyRules {
    /// The 0-100 score of a raw score.
    pub fn score_of(&self, raw: f64) -> u32 {
        let scale = if self.score_scale > 0.0 {
            self.score_scale
        } else {
            60.0
        };
        let score = 100.0 * (1.0 - (-raw.max(0.0) / scale).exp());
        score.round().clamp(0.0, 100.0) as u32
    }

    pub(crate) fn round_the_clock(&self, department: &str) -> bool {
        department_in(department, &self.round_the_clock_departments)
    }

    pub(crate) fn record_work(&self, department: &str) -> bool {
        department_in(department, &self.record_work_departments)
    }
}

/// Whether `department` names one of `list` (a word of it, case-insensitive).
fn department_in(department: &str, list: &[String]) -> bool {
    let dept = department.to_ascii_lowercase();
    let words: Vec<&str> = dept
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    list.iter().any(|entry| {
        let entry = entry.to_ascii_lowercase();
        if entry.contains(' ') {
            dept.contains(&entry)
        } else {
            words.iter().any(|w| *w == entry)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departments_match_by_word() {
        let rules = PrivacyRules::default();
        assert!(rules.round_the_clock("Emergency Department"));
        assert!(rules.round_the_clock("ED"));
        assert!(!rules.round_the_clock("Medical Records"));
        assert!(rules.record_work("Health Information Management"));
        assert!(!rules.record_work("Cardiology"));
    }

    #[test]
    fn score_saturates() {
        let rules = PrivacyRules::default();
        assert_eq!(rules.score_of(0.0), 0);
        assert!(rules.score_of(200.0) >= 96);
        assert!(rules.score_of(45.0) < rules.score_of(90.0));
    }
}
