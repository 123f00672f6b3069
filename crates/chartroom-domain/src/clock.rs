//! Time as a dependency, so screens and rules can be tested with a fixed clock.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};

/// The calendar date of a UTC instant written in a UTC offset of `offset_secs`.
pub fn local_date(utc: NaiveDateTime, offset_secs: i32) -> NaiveDate {
    (utc + TimeDelta::seconds(i64::from(offset_secs))).date()
}

/// Source of the current time.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that always says the same time (tests, snapshots).
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}
