//! Record retention: how long a chart is kept (per state, never below the CMS minimum
//! of 5 years, 42 CFR 482.24(b)(1)), legal holds, what keeps a chart from being
//! destroyed, and the destruction log that outlives the chart. DOMAIN.md "Retention";
//! choices in docs/RETENTION.md.

use super::ids::{Mrn, PatientId};
use chrono::{Months, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// CMS: hospital records are retained at least 5 years (42 CFR 482.24(b)(1)).
pub const CMS_MINIMUM_YEARS: u32 = 5;

/// What a retention period counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionBasis {
    /// The last discharge (or, for a visit without one, its date).
    Discharge,
    /// The last care of any kind: an encounter's end or a document, whichever is later.
    LastTreatment,
}

impl RetentionBasis {
    pub fn code(self) -> &'static str {
        match self {
            RetentionBasis::Discharge => "discharge",
            RetentionBasis::LastTreatment => "last_treatment",
        }
    }
}

/// One state's rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionRule {
    /// Years kept after the basis date.
    pub years: u32,
    pub after: RetentionBasis,
    /// Age of majority for the minors' rule.
    #[serde(default = "default_majority")]
    pub majority_age: u32,
    /// A patient last treated as a minor is kept at least until majority plus these
    /// years (`majority_age = 0` turns the minors' rule off).
    #[serde(default)]
    pub years_after_majority: u32,
    /// Where the figures come from, for the report.
    #[serde(default)]
    pub source: String,
}

fn default_majority() -> u32 {
    18
}

/// Every state's rule, the default for the others, and the hospital's state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionRules {
    /// The hospital's state (two letters): its rule applies to every chart here.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default = "default_cms")]
    pub cms_minimum_years: u32,
    pub default: RetentionRule,
    #[serde(default)]
    pub states: BTreeMap<String, RetentionRule>,
}

fn default_cms() -> u32 {
    CMS_MINIMUM_YEARS
}

impl RetentionRules {
    /// The rule of `state` (case-insensitive), else the default; and the name it goes by.
    pub fn rule_for(&self, state: Option<&str>) -> (String, &RetentionRule) {
        let wanted = state.or(self.state.as_deref()).map(str::to_ascii_uppercase);
        match wanted.and_then(|s| self.states.get_key_value(&s)) {
            Some((name, rule)) => (name.clone(), rule),
            None => ("default".into(), &self.default),
        }
    }
}

/// The dates of a chart a retention rule reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartDates {
    pub dob: NaiveDate,
    /// The latest discharge date (or visit date when a visit has no discharge).
    pub last_discharge: Option<NaiveDate>,
    /// The latest date of any care: encounter ends, documents.
    pub last_treatment: Option<NaiveDate>,
}

fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    // 29 February plus a number of years lands on 28 February in a common year.
    date.checked_add_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MAX)
}

/// The last day the chart must be kept under `rule` (it may be destroyed the day
/// after); `None` when the chart records no care at all (nothing to count from: kept).
pub fn retain_until(
    rule: &RetentionRule,
    cms_minimum_years: u32,
    chart: &ChartDates,
) -> Option<NaiveDate> {
    let basis = match rule.after {
        RetentionBasis::Discharge => chart.last_discharge.or(chart.last_treatment),
        RetentionBasis::LastTreatment => chart.last_treatment.or(chart.last_discharge),
    }?;
    let mut until = add_years(basis, rule.years.max(cms_minimum_years));
    let majority = add_years(chart.dob, rule.majority_age);
    if basis < majority {
        until = until.max(add_years(majority, rule.years_after_majority));
    }
    Some(until)
}

/// A change of a chart's legal hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldChange {
    /// `true`: the hold was set; `false`: cleared.
    pub set: bool,
    pub at: NaiveDateTime,
    pub by: String,
    pub reason: String,
}

/// A chart's legal hold with its history (set by a supervisor with a reason, cleared
/// the same way); while active the chart is never destroyed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalHold {
    pub patient: PatientId,
    pub changes: Vec<HoldChange>,
}

impl LegalHold {
    pub fn active(&self) -> bool {
        self.changes.last().is_some_and(|c| c.set)
    }

    /// The reason of the hold in force.
    pub fn reason(&self) -> Option<&str> {
        self.changes
            .last()
            .filter(|c| c.set)
            .map(|c| c.reason.as_str())
    }
}

/// Why a chart may not be destroyed (now).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DestructionBlock {
    /// Retention runs until this date.
    RetentionNotReached(NaiveDate),
    /// The chart records no care to count retention from.
    NoCareRecorded,
    OpenRoiRequest,
    OpenDeficiency,
    PrivacyCase,
    LegalHold,
    /// Part of a merge in force (a retired duplicate or a survivor of one).
    Merged,
}

impl DestructionBlock {
    pub fn code(&self) -> &'static str {
        match self {
            DestructionBlock::RetentionNotReached(_) => "retention-not-reached",
            DestructionBlock::NoCareRecorded => "no-care-recorded",
            DestructionBlock::OpenRoiRequest => "open-roi-request",
            DestructionBlock::OpenDeficiency => "open-deficiency",
            DestructionBlock::PrivacyCase => "privacy-case",
            DestructionBlock::LegalHold => "legal-hold",
            DestructionBlock::Merged => "merged",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            DestructionBlock::RetentionNotReached(d) => format!("retained until {d}"),
            DestructionBlock::NoCareRecorded => "no care recorded to count retention from".into(),
            DestructionBlock::OpenRoiRequest => "an open release-of-information request".into(),
            DestructionBlock::OpenDeficiency => "an open deficiency".into(),
            DestructionBlock::PrivacyCase => "a privacy case".into(),
            DestructionBlock::LegalHold => "a legal hold".into(),
            DestructionBlock::Merged => "part of a chart merge in force".into(),
        }
    }
}

/// One destroyed chart, kept for good after the chart is gone: what, when, who, how,
/// and who authorised it (AHIMA's destruction log).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestructionRecord {
    pub id: u64,
    pub at: NaiveDateTime,
    /// Who destroyed it (the session user).
    pub by: String,
    /// The supervisor who authorised it.
    pub authorised_by: String,
    /// How: `deleted from the store and the search index`.
    pub method: String,
    pub reason: String,
    pub patient: PatientId,
    pub mrn: Mrn,
    /// `Family, Given`: what the log identifies the chart by.
    pub name: String,
    pub dob: NaiveDate,
    pub first_service: Option<NaiveDate>,
    pub last_service: Option<NaiveDate>,
    pub encounters: u64,
    pub documents: u64,
    pub procedures: u64,
    /// The retention rule applied (`OH`, `default`) and the date it ran to.
    pub rule: String,
    pub retain_until: NaiveDate,
}

impl fmt::Debug for DestructionRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DestructionRecord")
            .field("id", &self.id)
            .field("patient", &self.patient)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn rule(years: u32, after: RetentionBasis, majority: u32, plus: u32) -> RetentionRule {
        RetentionRule {
            years,
            after,
            majority_age: majority,
            years_after_majority: plus,
            source: String::new(),
        }
    }

    fn adult() -> ChartDates {
        ChartDates {
            dob: day(1960, 5, 1),
            last_discharge: Some(day(2015, 3, 10)),
            last_treatment: Some(day(2017, 8, 1)),
        }
    }

    #[test]
    fn years_after_discharge_or_last_treatment() {
        let seven = rule(7, RetentionBasis::Discharge, 18, 3);
        assert_eq!(retain_until(&seven, 5, &adult()), Some(day(2022, 3, 10)));
        let ten = rule(10, RetentionBasis::LastTreatment, 18, 0);
        assert_eq!(retain_until(&ten, 5, &adult()), Some(day(2027, 8, 1)));
    }

    #[test]
    fn never_below_the_cms_minimum() {
        let two = rule(2, RetentionBasis::Discharge, 18, 0);
        assert_eq!(retain_until(&two, 5, &adult()), Some(day(2020, 3, 10)));
    }

    #[test]
    fn minors_until_majority_plus_years() {
        let child = ChartDates {
            dob: day(2010, 6, 15),
            last_discharge: Some(day(2012, 1, 5)),
            last_treatment: Some(day(2012, 1, 5)),
        };
        // 7 years after discharge would be 2019; majority (2028) + 3 = 2031
        let r = rule(7, RetentionBasis::Discharge, 18, 3);
        assert_eq!(retain_until(&r, 5, &child), Some(day(2031, 6, 15)));
        // Texas-style: 10 years or age 20, whichever is later
        let tx = rule(10, RetentionBasis::LastTreatment, 20, 0);
        assert_eq!(retain_until(&tx, 5, &child), Some(day(2030, 6, 15)));
        let off = rule(7, RetentionBasis::Discharge, 0, 0);
        assert_eq!(retain_until(&off, 5, &child), Some(day(2019, 1, 5)));
        let tx = rule(10, RetentionBasis::LastTreatment, 18, 2);
        assert_eq!(retain_until(&tx, 5, &child), Some(day(2030, 6, 15)));
    }

    #[test]
    fn leap_day_and_no_care() {
        let r = rule(5, RetentionBasis::Discharge, 18, 0);
        let chart = ChartDates {
            dob: day(1950, 1, 1),
            last_discharge: Some(day(2020, 2, 29)),
            last_treatment: None,
        };
        assert_eq!(retain_until(&r, 5, &chart), Some(day(2025, 2, 28)));
        let none = ChartDates {
            last_discharge: None,
            ..chart
        };
        assert_eq!(retain_until(&r, 5, &none), None);
    }

    #[test]
    fn holds_have_history() {
        let mut hold = LegalHold {
            patient: PatientId(1),
            changes: vec![],
        };
        assert!(!hold.active());
        let at = day(2026, 1, 1).and_hms_opt(9, 0, 0).unwrap();
        hold.changes.push(HoldChange {
            set: true,
            at,
            by: "sup".into(),
            reason: "litigation".into(),
        });
        assert!(hold.active());
        assert_eq!(hold.reason(), Some("litigation"));
        hold.changes.push(HoldChange {
            set: false,
            at,
            by: "sup".into(),
            reason: "settled".into(),
        });
        assert!(!hold.active());
    }
}
