//! The two timelines of the Privacy workspace, as plain data: a patient's accesses from
//! every system and user (`t`), and a user's activity with the patients they touched
//! (`u`). Each keeps its accesses newest first and their count per local day over the
//! whole span, days without an access included, so the chart's gaps are real gaps.

use chartroom_services::privacy::{AccessLine, UserActivity};
use chrono::{Days, NaiveDate, NaiveDateTime};
use std::collections::BTreeMap;

/// Accesses per day from `first`, one count per day, empty days included.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DailySeries {
    pub first: Option<NaiveDate>,
    pub counts: Vec<u64>,
}

impl DailySeries {
    /// From (day, count) pairs in any order; days between them count 0.
    pub fn from_days(days: impl IntoIterator<Item = (NaiveDate, u64)>) -> DailySeries {
        let per_day: BTreeMap<NaiveDate, u64> =
            days.into_iter().fold(BTreeMap::new(), |mut m, (d, n)| {
                *m.entry(d).or_default() += n;
                m
            });
        let (Some((&first, _)), Some((&last, _))) =
            (per_day.first_key_value(), per_day.last_key_value())
        else {
            return DailySeries::default();
        };
        let span = usize::try_from((last - first).num_days()).unwrap_or(0) + 1;
        let counts = (0..span)
            .map(|n| {
                first
                    .checked_add_days(Days::new(n as u64))
                    .and_then(|d| per_day.get(&d).copied())
                    .unwrap_or(0)
            })
            .collect();
        DailySeries {
            first: Some(first),
            counts,
        }
    }

    /// Counted on each access's local day (the day the source recorded it on).
    pub fn from_lines(lines: &[AccessLine]) -> DailySeries {
        DailySeries::from_days(lines.iter().map(|l| (l.record.local_time().date(), 1)))
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    pub fn last(&self) -> Option<NaiveDate> {
        let days = u64::try_from(self.counts.len().checked_sub(1)?).ok()?;
        self.first?.checked_add_days(Days::new(days))
    }

    /// The busiest day (the earliest of equals) and its count.
    pub fn peak(&self) -> Option<(NaiveDate, u64)> {
        let (at, n) = self
            .counts
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))?;
        let day = self.first?.checked_add_days(Days::new(at as u64))?;
        Some((day, *n))
    }

    /// At most `bars` bars: each sums `days_per_bar` consecutive days (1 when the span
    /// fits), so a long span still shows whole, never just its end.
    pub fn bucketed(&self, bars: usize) -> (usize, Vec<u64>) {
        let bars = bars.max(1);
        let per = self.counts.len().div_ceil(bars).max(1);
        (
            per,
            self.counts.chunks(per).map(|c| c.iter().sum()).collect(),
        )
    }
}

/// A patient's accesses from every system and user.
#[derive(Clone, Debug)]
pub struct PatientTimeline {
    pub patient_id: String,
    /// Newest first.
    pub lines: Vec<AccessLine>,
    pub days: DailySeries,
}

impl PatientTimeline {
    pub fn new(patient_id: String, mut lines: Vec<AccessLine>) -> PatientTimeline {
        let days = DailySeries::from_lines(&lines);
        lines.reverse();
        PatientTimeline {
            patient_id,
            lines,
            days,
        }
    }

    /// How many different users looked.
    pub fn users(&self) -> usize {
        let mut users: Vec<&str> = self.lines.iter().map(|l| l.record.user.as_str()).collect();
        users.sort_unstable();
        users.dedup();
        users.len()
    }
}

/// One patient a user touched: how often and when last (local time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientTouched {
    pub patient: String,
    pub accesses: u64,
    pub last: NaiveDateTime,
    /// The pair is in the alert queue.
    pub alerted: bool,
}

/// A user's accesses, per day, and the patients they touched.
#[derive(Clone, Debug)]
pub struct UserTimeline {
    pub user_id: String,
    pub user_name: String,
    pub department: String,
    pub role: String,
    /// Newest first.
    pub lines: Vec<AccessLine>,
    pub days: DailySeries,
    /// Most accessed first (ties: most recent first).
    pub patients: Vec<PatientTouched>,
}

impl UserTimeline {
    /// `alerted(patient)` says whether the user's pair with that patient is an alert.
    pub fn new(
        user_id: String,
        activity: UserActivity,
        alerted: impl Fn(&str) -> bool,
    ) -> UserTimeline {
        let mut touched: BTreeMap<&str, (u64, NaiveDateTime)> = BTreeMap::new();
        for line in &activity.lines {
            let t = line.record.local_time();
            let entry = touched
                .entry(line.record.patient.as_str())
                .or_insert((0, t));
            entry.0 += 1;
            entry.1 = entry.1.max(t);
        }
        let mut patients: Vec<PatientTouched> = touched
            .into_iter()
            .map(|(patient, (accesses, last))| PatientTouched {
                alerted: alerted(patient),
                patient: patient.to_string(),
                accesses,
                last,
            })
            .collect();
        patients.sort_by(|a, b| b.accesses.cmp(&a.accesses).then(b.last.cmp(&a.last)));
        let first = activity.lines.first();
        let user_name = first.map(|l| l.user_name.clone()).unwrap_or_default();
        let department = first.map(|l| l.department.clone()).unwrap_or_default();
        let role = first.map(|l| l.role.clone()).unwrap_or_default();
        let days = DailySeries::from_days(activity.per_day.iter().copied());
        let mut lines = activity.lines;
        lines.reverse();
        UserTimeline {
            user_id,
            user_name,
            department,
            role,
            lines,
            days,
            patients,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).expect("date")
    }

    #[test]
    fn series_fills_empty_days_and_finds_the_peak() {
        let s = DailySeries::from_days([(d(18), 1), (d(16), 2), (d(16), 1)]);
        assert_eq!(s.first, Some(d(16)));
        assert_eq!(s.counts, vec![3, 0, 1]);
        assert_eq!((s.total(), s.last()), (4, Some(d(18))));
        assert_eq!(s.peak(), Some((d(16), 3)));
        let empty = DailySeries::from_days([]);
        assert_eq!((empty.peak(), empty.last(), empty.total()), (None, None, 0));
    }

    #[test]
    fn long_spans_are_bucketed_whole() {
        let s = DailySeries {
            first: Some(d(1)),
            counts: (1..=10).collect(),
        };
        assert_eq!(s.bucketed(20), (1, (1..=10).collect::<Vec<u64>>()));
        assert_eq!(s.bucketed(4), (3, vec![6, 15, 24, 10]));
        assert_eq!(s.bucketed(0).1.iter().sum::<u64>(), 55);
    }
}
