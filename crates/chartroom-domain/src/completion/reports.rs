//! Aging, backlog, suspension and delinquency figures (DOMAIN.md "Chart completion"):
//! pure functions over deficiencies, so the TUI dashboard and `chartroom report` print
//! the same numbers.
//!
//! Delinquency rate (former TJC RC.01.04.01): average monthly delinquent records /
//! average monthly discharges × 100. A *record* is one encounter's chart; it counts as
//! delinquent at the end of a month when one of its deficiencies was then past due and
//! not yet completed (the history tells when each was completed). For a quarter the
//! averages are taken over its months, i.e. the sums of its months divide.

use super::{Deficiency, DeficiencyStatus, RuleSet};
use crate::ids::{EncounterId, ProviderId};
use chrono::{Datelike, Days, Months, NaiveDate};
use std::collections::{BTreeMap, HashMap};

/// Aging buckets in days since discharge: (label, first day, last day).
pub const AGING_BUCKETS: [(&str, i64, i64); 5] = [
    ("0–7", 0, 7),
    ("8–14", 8, 14),
    ("15–30", 15, 30),
    ("31–60", 31, 60),
    ("> 60", 61, i64::MAX),
];

/// Outstanding (open or returned) deficiencies per aging bucket.
pub fn aging<'a>(
    deficiencies: impl IntoIterator<Item = &'a Deficiency>,
    as_of: NaiveDate,
) -> [u64; 5] {
    let mut out = [0u64; 5];
    for d in deficiencies
        .into_iter()
        .filter(|d| d.status.is_outstanding())
    {
        let age = d.age_days(as_of).max(0);
        if let Some(i) = AGING_BUCKETS
            .iter()
            .position(|(_, lo, hi)| (*lo..=*hi).contains(&age))
        {
            out[i] += 1;
        }
    }
    out
}

/// One provider's outstanding work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backlog {
    /// `None`: not yet assigned.
    pub provider: Option<ProviderId>,
    pub open: u64,
    pub delinquent: u64,
    /// Age in days of the oldest outstanding item.
    pub oldest_days: i64,
    /// Days the oldest delinquent item is past due (0 when none is delinquent).
    pub days_overdue: i64,
}

/// Per-provider backlog of outstanding deficiencies: most delinquent first, then most
/// open, then oldest.
pub fn backlog<'a>(
    deficiencies: impl IntoIterator<Item = &'a Deficiency>,
    as_of: NaiveDate,
) -> Vec<Backlog> {
    let mut by: HashMap<Option<ProviderId>, Backlog> = HashMap::new();
    for d in deficiencies
        .into_iter()
        .filter(|d| d.status.is_outstanding())
    {
        let b = by.entry(d.provider).or_insert(Backlog {
            provider: d.provider,
            open: 0,
            delinquent: 0,
            oldest_days: 0,
            days_overdue: 0,
        });
        b.open += 1;
        b.oldest_days = b.oldest_days.max(d.age_days(as_of));
        if d.is_delinquent(as_of) {
            b.delinquent += 1;
            b.days_overdue = b.days_overdue.max((as_of - d.due).num_days());
        }
    }
    let mut out: Vec<Backlog> = by.into_values().collect();
    out.sort_by(|a, b| {
        (b.delinquent, b.open, b.oldest_days, a.provider).cmp(&(
            a.delinquent,
            a.open,
            a.oldest_days,
            b.provider,
        ))
    });
    out
}

/// Providers past the suspension thresholds of the rule set (assigned ones only).
pub fn suspension(backlog: &[Backlog], rules: &RuleSet) -> Vec<Backlog> {
    backlog
        .iter()
        .filter(|b| b.provider.is_some() && b.delinquent > 0)
        .filter(|b| {
            b.delinquent >= u64::from(rules.suspension_delinquent)
                || b.days_overdue >= i64::from(rules.suspension_days_overdue)
        })
        .cloned()
        .collect()
}

/// One month (or quarter) of the delinquency report.
#[derive(Clone, Debug, PartialEq)]
pub struct Rate {
    /// First day of the month (or quarter).
    pub start: NaiveDate,
    /// `2024-03` or `2024-Q1`.
    pub label: String,
    pub discharges: u64,
    pub delinquent_records: u64,
    /// delinquent / discharges × 100; 0 when there were no discharges.
    pub rate_percent: f64,
}

impl Rate {
    fn new(start: NaiveDate, label: String, discharges: u64, delinquent_records: u64) -> Rate {
        let rate_percent = if discharges == 0 {
            0.0
        } else {
            delinquent_records as f64 * 100.0 / discharges as f64
        };
        Rate {
            start,
            label,
            discharges,
            delinquent_records,
            rate_percent,
        }
    }
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// Per complete month from the first discharge month to the last month that ended on or
/// before `as_of`: the discharges that month (`discharges`: month → count, any day of
/// the month as its key) and the records delinquent at the month's end.
///
/// Each deficiency is delinquent from the day after its due date until it was completed
/// (or for good): the months whose snapshot falls in that span are marked in a bitset
/// per encounter, so a record counts once a month however many items it has, and the
/// whole report is one pass over the deficiencies.
pub fn delinquency_by_month<'a>(
    deficiencies: impl IntoIterator<Item = &'a Deficiency>,
    discharges: impl IntoIterator<Item = (NaiveDate, u64)>,
    as_of: NaiveDate,
) -> Vec<Rate> {
    let mut per_month: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    for (day, count) in discharges.into_iter().filter(|(d, _)| *d <= as_of) {
        *per_month.entry(month_start(day)).or_default() += count;
    }
    let Some(first) = per_month.keys().next().copied() else {
        return Vec::new();
    };
    // Complete months only: a month-to-date rate early in a month divides a full
    // backlog by a few days of discharges (thousands of per cent), which no one reports.
    let mut snapshots = Vec::new();
    let mut month = first;
    loop {
        let next = month + Months::new(1);
        let end = next - Days::new(1);
        if end > as_of {
            break;
        }
        snapshots.push((month, end));
        month = next;
    }
    let words = snapshots.len().div_ceil(64);
    let mut marked: HashMap<EncounterId, Vec<u64>> = HashMap::new();
    // Cancelled ones were recorded in error: never delinquent.
    for d in deficiencies
        .into_iter()
        .filter(|d| d.status != DeficiencyStatus::Cancelled)
    {
        let until = d.resolved_at().map(|at| at.date());
        // Snapshots are in date order: the first after the due date, up to resolution.
        let from = snapshots.partition_point(|(_, snap)| *snap <= d.due);
        for (i, (_, snap)) in snapshots.iter().enumerate().skip(from) {
            if until.is_some_and(|u| *snap >= u) {
                break;
            }
            let bits = marked.entry(d.encounter).or_insert_with(|| vec![0; words]);
            bits[i / 64] |= 1 << (i % 64);
        }
    }
    let mut delinquent = vec![0u64; snapshots.len()];
    for bits in marked.values() {
        for (i, count) in delinquent.iter_mut().enumerate() {
            *count += (bits[i / 64] >> (i % 64)) & 1;
        }
    }
    snapshots
        .iter()
        .zip(delinquent)
        .map(|((month, _), records)| {
            let label = format!("{:04}-{:02}", month.year(), month.month());
            let count = per_month.get(month).copied().unwrap_or(0);
            Rate::new(*month, label, count, records)
        })
        .collect()
}

/// The months folded into calendar quarters (sums of each quarter's months).
pub fn by_quarter(months: &[Rate]) -> Vec<Rate> {
    let mut out: Vec<Rate> = Vec::new();
    for m in months {
        let q = (m.start.month0() / 3) + 1;
        let start = NaiveDate::from_ymd_opt(m.start.year(), (q - 1) * 3 + 1, 1).unwrap_or(m.start);
        match out.last_mut() {
            Some(last) if last.start == start => {
                *last = Rate::new(
                    start,
                    last.label.clone(),
                    last.discharges + m.discharges,
                    last.delinquent_records + m.delinquent_records,
                );
            }
            _ => out.push(Rate::new(
                start,
                format!("{:04}-Q{q}", m.start.year()),
                m.discharges,
                m.delinquent_records,
            )),
        }
    }
    out
}
