//! From per-pair verdicts to the ranked alert list: volume spikes folded into one alert
//! per user, repeat offenders marked, worst first.

use super::params::PrivacyRules;
use super::rules::{evaluate_pair, Finding, PairVerdict, Rule};
use super::{AccessRecord, PatientFacts, RosterEntry};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One (user, patient) pair with everything the rules read.
#[derive(Clone, Debug)]
pub struct PairInput<'a> {
    pub user_id: &'a str,
    pub patient_id: &'a str,
    pub roster: Option<&'a RosterEntry>,
    pub patient: &'a PatientFacts,
    /// The pair's accesses, oldest first.
    pub accesses: &'a [AccessRecord],
}

/// A ranked alert: one (user, patient) pair, or one user's volume spike.
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    pub user_id: String,
    /// The patient as imported (for a spike: the most unusual of its patients).
    pub patient_id: String,
    /// 0-100.
    pub score: u32,
    /// The sum of the rules' weights the score is computed from (sorts ties).
    pub raw: f64,
    pub rules: Vec<Rule>,
    pub why: String,
    /// A spike's patients, most unusual first (empty for a pair alert).
    pub patients: Vec<String>,
    pub accesses: usize,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
}

impl Alert {
    pub fn is_spike(&self) -> bool {
        self.rules.contains(&Rule::VolumeSpike)
    }
}

fn median(values: &mut [usize]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    if !values.len().is_multiple_of(2) {
        values[mid] as f64
    } else {
        (values[mid - 1] + values[mid]) as f64 / 2.0
    }
}

struct Spike {
    day: NaiveDate,
    patients: usize,
    baseline: f64,
    members: BTreeSet<usize>,
}

/// Distinct patients on each active day of each user before the queried period (see
/// [`PrivacyRules::spike_lookback_days`]), for the users [`lookback_candidates`] names.
pub type UserHistory = HashMap<String, Vec<usize>>;

/// Each user's distinct patients per local day of `records`.
fn patients_per_day(
    records: &[AccessRecord],
) -> BTreeMap<&str, BTreeMap<NaiveDate, BTreeSet<&str>>> {
    let mut out: BTreeMap<&str, BTreeMap<NaiveDate, BTreeSet<&str>>> = BTreeMap::new();
    for r in records {
        out.entry(r.user.as_str())
            .or_default()
            .entry(r.local_time().date())
            .or_default()
            .insert(r.patient.as_str());
    }
    out
}

/// The users whose baseline the period alone cannot give: a day with at least
/// `spike_min_patients` distinct patients and fewer than three other active days.
pub fn lookback_candidates<'a>(rules: &PrivacyRules, records: &'a [AccessRecord]) -> Vec<&'a str> {
    patients_per_day(records)
        .into_iter()
        .filter(|(_, days)| {
            days.len() <= 3
                && days
                    .values()
                    .any(|p| p.len() >= rules.spike_min_patients as usize)
        })
        .map(|(user, _)| user)
        .collect()
}

/// The user's spike days: distinct patients in a local day against the median of the
/// user's other active days (in the period, and before it when the period has fewer
/// than three: `history`).
fn spikes_of(
    rules: &PrivacyRules,
    pairs: &[PairInput],
    indexes: &[usize],
    history: &[usize],
) -> Vec<Spike> {
    let mut by_day: BTreeMap<NaiveDate, BTreeSet<usize>> = BTreeMap::new();
    for &i in indexes {
        for a in pairs[i].accesses {
            by_day.entry(a.local_time().date()).or_default().insert(i);
        }
    }
    let counts: Vec<(NaiveDate, usize)> = by_day.iter().map(|(d, s)| (*d, s.len())).collect();
    let mut out = Vec::new();
    for (day, members) in by_day {
        let n = members.len();
        if n < rules.spike_min_patients as usize {
            continue;
        }
        let mut others: Vec<usize> = counts
            .iter()
            .filter(|(d, _)| *d != day)
            .map(|(_, c)| *c)
            .collect();
        if others.len() < 3 {
            others.extend_from_slice(history);
        }
        let baseline = median(&mut others);
        let spike = if others.len() >= 3 {
            n as f64 >= rules.spike_factor * baseline.max(1.0)
        } else {
            n >= 2 * rules.spike_min_patients as usize
        };
        if spike {
            out.push(Spike {
                day,
                patients: n,
                baseline,
                members,
            });
        }
    }
    out
}

fn why_of(findings: &[Finding]) -> String {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    sorted
        .iter()
        .map(|f| f.why.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

fn rules_of(findings: &[Finding]) -> Vec<Rule> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.rule.cmp(&b.rule)));
    let mut out: Vec<Rule> = Vec::new();
    if findings.iter().any(|f| f.rule == Rule::VolumeSpike) {
        out.push(Rule::VolumeSpike);
    }
    for f in sorted {
        if !out.contains(&f.rule) {
            out.push(f.rule);
        }
    }
    out
}

struct Draft {
    user: String,
    patient: String,
    findings: Vec<Finding>,
    raw: f64,
    patients: Vec<String>,
    accesses: usize,
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
}

/// Runs the rules over every pair and returns the alerts worst first.
pub fn rank(rules: &PrivacyRules, pairs: &[PairInput], history: &UserHistory) -> Vec<Alert> {
    let verdicts: Vec<PairVerdict> = pairs
        .iter()
        .map(|p| {
            evaluate_pair(
                rules,
                p.user_id,
                p.roster,
                p.patient_id,
                p.patient,
                p.accesses,
            )
        })
        .collect();
    let mut by_user: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in pairs.iter().enumerate() {
        by_user.entry(p.user_id).or_default().push(i);
    }
    let mut folded = vec![false; pairs.len()];
    let mut drafts: Vec<Draft> = Vec::new();
    for (user, indexes) in &by_user {
        let before = history.get(*user).map_or(&[][..], Vec::as_slice);
        let spikes = spikes_of(rules, pairs, indexes, before);
        if spikes.is_empty() {
            continue;
        }
        let mut members: BTreeSet<usize> = BTreeSet::new();
        for s in &spikes {
            members.extend(s.members.iter().copied());
        }
        // The burst's ordinary-looking pairs fold into the spike; a pair with a
        // relationship rule (same name, VIP, ...) keeps its own alert.
        let mut inside: Vec<usize> = members
            .into_iter()
            .filter(|i| {
                !verdicts[*i]
                    .findings
                    .iter()
                    .any(|f| f.rule.is_relationship())
            })
            .collect();
        inside.sort_by(|a, b| {
            verdicts[*a]
                .care
                .cmp(&verdicts[*b].care)
                .then(verdicts[*b].raw.total_cmp(&verdicts[*a].raw))
                .then(pairs[*a].patient_id.cmp(pairs[*b].patient_id))
        });
        let Some(&top) = inside.first() else { continue };
        let worst = spikes.iter().max_by(|a, b| {
            (a.patients as f64 / a.baseline.max(1.0))
                .total_cmp(&(b.patients as f64 / b.baseline.max(1.0)))
        });
        let Some(worst) = worst else { continue };
        let ratio = worst.patients as f64 / worst.baseline.max(1.0);
        let unexplained = inside.iter().filter(|i| !verdicts[**i].care).count();
        let mut findings = vec![Finding {
            rule: Rule::VolumeSpike,
            weight: rules.volume_spike * (0.5 + 0.5 * unexplained as f64 / inside.len() as f64)
                + 5.0 * (ratio / rules.spike_factor).log2().max(0.0),
            why: format!(
                "{} distinct patients on {} against the user's usual {:.0} a day ({} on {} spike day(s) with no care relationship)",
                worst.patients, worst.day, worst.baseline, unexplained, spikes.len()
            ),
        }];
        for &i in &inside {
            folded[i] = true;
            for f in &verdicts[i].findings {
                if !findings.iter().any(|g| g.rule == f.rule) {
                    let mut f = f.clone();
                    f.weight *= 0.3;
                    findings.push(f);
                }
            }
        }
        let raw = findings.iter().map(|f| f.weight).sum();
        let all: Vec<&AccessRecord> = inside
            .iter()
            .flat_map(|i| pairs[*i].accesses.iter())
            .collect();
        drafts.push(Draft {
            user: (*user).to_string(),
            patient: pairs[top].patient_id.to_string(),
            findings,
            raw,
            patients: inside
                .iter()
                .map(|i| pairs[*i].patient_id.to_string())
                .collect(),
            accesses: all.len(),
            first: all.iter().map(|a| a.time).min(),
            last: all.iter().map(|a| a.time).max(),
        });
    }
    for (i, (p, v)) in pairs.iter().zip(&verdicts).enumerate() {
        if folded[i] || v.raw <= 0.0 {
            continue;
        }
        drafts.push(Draft {
            user: p.user_id.to_string(),
            patient: p.patient_id.to_string(),
            findings: v.findings.clone(),
            raw: v.raw,
            patients: Vec::new(),
            accesses: p.accesses.len(),
            first: p.accesses.iter().map(|a| a.time).min(),
            last: p.accesses.iter().map(|a| a.time).max(),
        });
    }
    // Repeat offenders: users with several serious alerts in the period.
    let mut serious: HashMap<String, usize> = HashMap::new();
    for d in &drafts {
        if d.raw >= rules.repeat_alert_score {
            *serious.entry(d.user.clone()).or_default() += 1;
        }
    }
    for d in &mut drafts {
        let n = serious.get(&d.user).copied().unwrap_or(0);
        if n >= rules.repeat_min_alerts as usize && d.raw >= rules.min_raw_score {
            d.findings.push(Finding {
                rule: Rule::RepeatOffender,
                weight: rules.repeat_offender,
                why: format!("the user has {n} serious alerts in this period"),
            });
            d.raw += rules.repeat_offender;
        }
    }
    let mut alerts: Vec<Alert> = drafts
        .into_iter()
        .filter(|d| d.raw >= rules.min_raw_score)
        .map(|d| Alert {
            score: rules.score_of(d.raw),
            rules: rules_of(&d.findings),
            why: why_of(&d.findings),
            user_id: d.user,
            patient_id: d.patient,
            raw: d.raw,
            patients: d.patients,
            accesses: d.accesses,
            first: d.first,
            last: d.last,
        })
        .collect();
    alerts.sort_by(|a, b| {
        b.raw
            .total_cmp(&a.raw)
            .then_with(|| a.user_id.cmp(&b.user_id))
            .then_with(|| a.patient_id.cmp(&b.patient_id))
    });
    alerts
}
