//! `chartroom alerts`: the rule run over a period, ranked worst first.

use super::facts::{roster_map, timeline, FactsBuilder};
use super::load_privacy_rules;
use crate::{Result, Services, Session};
use chartroom_domain::privacy::{
    lookback_candidates, rank, AccessRecord, Alert, AlertDisposition, PairInput, PatientFacts,
    PrivacyRules, RosterEntry, UserHistory,
};
use chartroom_domain::{AccessAction, Permission};
use chartroom_store::{day_of, NameKind, ReadTx};
use chrono::{NaiveDate, TimeZone, Utc};
use std::collections::HashMap;

/// The period and what to leave out.
#[derive(Clone, Debug, Default)]
pub struct AlertsQuery {
    /// First day (UTC), inclusive; `None`: from the first event.
    pub from: Option<NaiveDate>,
    /// Last day (UTC), inclusive; `None`: to the last event.
    pub to: Option<NaiveDate>,
    /// Keep alerts whose pair was dismissed or promoted (the CLI does; the queue not).
    pub include_disposed: bool,
}

impl AlertsQuery {
    /// `[from, to)` in microseconds.
    pub fn bounds(&self) -> (i64, i64) {
        let micros = |d: NaiveDate| {
            Utc.from_utc_datetime(&d.and_time(chrono::NaiveTime::MIN))
                .timestamp_micros()
        };
        let from = self.from.map_or(i64::MIN / 4, micros);
        let to = self
            .to
            .and_then(|d| d.succ_opt())
            .map_or(i64::MAX / 4, micros);
        (from, to)
    }
}

/// One alert with the roster's view of its user and what a reviewer did with it.
#[derive(Clone, Debug)]
pub struct AlertView {
    pub alert: Alert,
    pub user_name: String,
    pub department: String,
    pub role: String,
    pub disposition: Option<AlertDisposition>,
}

/// Everything a rule run needs, gathered under one read snapshot.
pub(crate) struct RunInput {
    pub records: Vec<AccessRecord>,
    pub roster: HashMap<String, RosterEntry>,
    pub facts: HashMap<String, PatientFacts>,
    /// The volume-spike baseline before the period, for the users who need one.
    pub history: UserHistory,
}

impl Services {
    pub(crate) fn gather(
        &self,
        rules: &PrivacyRules,
        from_us: i64,
        to_us: i64,
    ) -> Result<RunInput> {
        let read = self.store.read()?;
        let mut records = timeline(&read, from_us, to_us)?;
        records.sort_unstable_by(|a, b| {
            (&a.user, &a.patient, a.time).cmp(&(&b.user, &b.patient, b.time))
        });
        let roster = roster_map(&read)?;
        let builder = FactsBuilder::new(&read, &roster)?;
        let mut facts: HashMap<String, PatientFacts> = HashMap::new();
        for r in &records {
            if !facts.contains_key(&r.patient) {
                facts.insert(r.patient.clone(), builder.build(&r.patient)?);
            }
        }
        let history = spike_history(&read, rules, &records, from_us)?;
        Ok(RunInput {
            records,
            roster,
            facts,
            history,
        })
    }

    /// Runs every rule over the period and returns the alerts worst first.
    pub fn privacy_alerts(&self, session: &Session, query: &AlertsQuery) -> Result<Vec<AlertView>> {
        self.require(session, Permission::ReviewAccess)?;
        let rules = load_privacy_rules(self.data_dir())?;
        let (from_us, to_us) = query.bounds();
        let input = self.gather(&rules, from_us, to_us)?;
        let alerts = run_rules(&rules, &input);
        let dispositions: HashMap<(String, String), AlertDisposition> = self
            .store
            .read()?
            .alert_dispositions()?
            .into_iter()
            .map(|d| ((d.user_id.clone(), d.patient_id.clone()), d))
            .collect();
        let mut out = Vec::with_capacity(alerts.len());
        for alert in alerts {
            let disposition = dispositions
                .get(&(alert.user_id.clone(), alert.patient_id.clone()))
                .cloned();
            if disposition.is_some() && !query.include_disposed {
                continue;
            }
            let entry = input.roster.get(&alert.user_id);
            out.push(AlertView {
                user_name: entry.map(|e| e.name.clone()).unwrap_or_default(),
                department: entry.map(|e| e.department.clone()).unwrap_or_default(),
                role: entry.map(|e| e.role.clone()).unwrap_or_default(),
                alert,
                disposition,
            });
        }
        let detail = format!(
            "privacy alerts run: {} events, {} alerts",
            input.records.len(),
            out.len()
        );
        self.audit(self.audit_event(session, AccessAction::AccessReview, None, detail))?;
        Ok(out)
    }
}

/// Ranks the records, which `gather` sorted by (user, patient, time): each run of one
/// pair is borrowed as it lies, nothing is copied.
pub(crate) fn run_rules(
    rules: &chartroom_domain::privacy::PrivacyRules,
    input: &RunInput,
) -> Vec<Alert> {
    let records = &input.records;
    let unknown = PatientFacts::default();
    let mut pairs: Vec<PairInput> = Vec::new();
    let mut start = 0;
    while start < records.len() {
        let first = &records[start];
        let mut end = start + 1;
        while end < records.len()
            && records[end].user == first.user
            && records[end].patient == first.patient
        {
            end += 1;
        }
        pairs.push(PairInput {
            user_id: &first.user,
            patient_id: &first.patient,
            roster: input.roster.get(&first.user),
            patient: input.facts.get(&first.patient).unwrap_or(&unknown),
            accesses: &records[start..end],
        });
        start = end;
    }
    rank(rules, &pairs, &input.history)
}

/// Distinct patients per local day, over the `spike_lookback_days` before the period, of
/// each user whose baseline the period cannot give (imported events; a period with no
/// start has nothing before it). A range scan per day the user worked.
fn spike_history(
    read: &ReadTx,
    rules: &PrivacyRules,
    records: &[AccessRecord],
    from_us: i64,
) -> Result<UserHistory> {
    let mut history = UserHistory::new();
    if from_us <= i64::MIN / 4 || rules.spike_lookback_days <= 0 {
        return Ok(history);
    }
    // Saturating: privacy.toml may say any number of days.
    let since = from_us.saturating_sub(rules.spike_lookback_days.saturating_mul(86_400_000_000));
    for user in lookback_candidates(rules, records) {
        let Some(id) = read.access_name_id(NameKind::User, user)? else {
            continue;
        };
        let mut days: HashMap<i64, std::collections::HashSet<u32>> = HashMap::new();
        for row in read.access_by_user(id, since, from_us)? {
            let local_us = row.time_us + i64::from(row.offset_secs) * 1_000_000;
            days.entry(day_of(local_us))
                .or_default()
                .insert(row.patient);
        }
        if !days.is_empty() {
            history.insert(user.to_string(), days.values().map(|p| p.len()).collect());
        }
    }
    Ok(history)
}
