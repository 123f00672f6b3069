//! The rules, reconciliation and report arithmetic at their edges.

use super::reports::{aging, by_quarter, delinquency_by_month, AGING_BUCKETS};
use super::rules::{reconcile, Check, Responsible, RuleSet, Template};
use super::*;
use crate::document::{Document, DocumentType, SignatureStatus};
use crate::encounter::{Encounter, EncounterClass};
use crate::ids::*;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use std::collections::HashSet;

fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

fn hp_rule() -> RuleSet {
    RuleSet {
        bylaws_days: 30,
        suspension_delinquent: 5,
        suspension_days_overdue: 30,
        delinquency_threshold_percent: 50,
        templates: vec![Template {
            kind: "history_physical".into(),
            check: Check::Document,
            classes: vec!["IMP".into()],
            loinc: vec!["34117-2".into()],
            hours_before_admit: Some(720),
            hours_after_admit: Some(24),
            responsible: Responsible::Attending,
        }],
        surgical_codes: HashSet::new(),
    }
}

fn stay(admit: NaiveDateTime) -> Encounter {
    Encounter {
        id: EncounterId(1),
        number: "A1".into(),
        patient: PatientId(1),
        class: EncounterClass::Inpatient,
        admit,
        discharge: Some(admit + TimeDelta::days(3)),
        discharge_offset_secs: 0,
        attending: Some(ProviderId(5)),
        other_providers: Vec::new(),
        location: String::new(),
        reason: String::new(),
        source_id: None,
    }
}

fn hp(time: NaiveDateTime) -> Document {
    Document {
        id: DocumentId(1),
        patient: PatientId(1),
        encounter: Some(EncounterId(1)),
        doc_type: DocumentType::HistoryAndPhysical,
        title: String::new(),
        author: None,
        time,
        offset_secs: 0,
        signature: SignatureStatus::Signed,
        text: String::new(),
        source_id: None,
        type_codes: vec!["34117-2".into()],
        sensitivity: Vec::new(),
    }
}

#[test]
fn the_history_and_physical_window_is_inclusive_at_both_ends() {
    let rules = hp_rule();
    let admit = at(2024, 3, 10, 8);
    let fires = |t: NaiveDateTime| !rules.analyze(&stay(admit), &[hp(t)], &[]).is_empty();
    assert!(!fires(admit - TimeDelta::days(30)), "30 days before counts");
    assert!(fires(admit - TimeDelta::days(30) - TimeDelta::seconds(1)));
    assert!(
        !fires(admit + TimeDelta::hours(24)),
        "24 hours after counts"
    );
    assert!(
        fires(admit + TimeDelta::hours(25)),
        "25 hours after does not"
    );
    // In house: nothing is analysed yet.
    let mut in_house = stay(admit);
    in_house.discharge = None;
    assert!(rules.analyze(&in_house, &[], &[]).is_empty());
    // Another class: the rule does not apply.
    let mut visit = stay(admit);
    visit.class = EncounterClass::Ambulatory;
    assert!(rules.analyze(&visit, &[], &[]).is_empty());
}

fn deficiency(id: u64, discharge: NaiveDate, status: DeficiencyStatus) -> Deficiency {
    Deficiency {
        id: DeficiencyId(id),
        encounter: EncounterId(id),
        patient: PatientId(1),
        kind: "discharge_summary".into(),
        document: None,
        procedure: None,
        provider: Some(ProviderId(1)),
        status,
        origin: Origin::Rule,
        discharge_date: discharge,
        due: discharge + chrono::Days::new(30),
        comment: String::new(),
        created: discharge.and_hms_opt(12, 0, 0).unwrap(),
        history: Vec::new(),
    }
}

#[test]
fn delinquency_starts_the_day_after_the_due_date_across_month_ends_and_leap_days() {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    // Discharged Jan 30 of a leap year: due Feb 29.
    let d = deficiency(1, day(2024, 1, 30), DeficiencyStatus::Open);
    assert_eq!(d.due, day(2024, 2, 29));
    assert!(!d.is_delinquent(day(2024, 2, 29)));
    assert!(d.is_delinquent(day(2024, 3, 1)));
    assert_eq!(d.age_days(day(2024, 3, 1)), 31);
    // Completed ones are never delinquent; returned ones still are.
    assert!(
        !deficiency(2, day(2024, 1, 1), DeficiencyStatus::Completed).is_delinquent(day(2024, 6, 1))
    );
    assert!(
        deficiency(3, day(2024, 1, 1), DeficiencyStatus::Returned).is_delinquent(day(2024, 6, 1))
    );
}

#[test]
fn aging_buckets_split_at_their_edges() {
    let as_of = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    let ages = [0, 7, 8, 14, 15, 30, 31, 60, 61, 400];
    let all: Vec<Deficiency> = ages
        .iter()
        .enumerate()
        .map(|(i, a)| {
            deficiency(
                i as u64,
                as_of - chrono::Days::new(*a),
                DeficiencyStatus::Open,
            )
        })
        .collect();
    assert_eq!(aging(&all, as_of), [2, 2, 2, 2, 2]);
    assert_eq!(AGING_BUCKETS.len(), 5);
}

#[test]
fn the_delinquency_rate_counts_records_at_each_month_end() {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    // Two discharges in January, one in February. One January record stays open (due
    // Feb 29, delinquent from Mar 1); the other is completed on Feb 10 (never delinquent).
    let open = deficiency(1, day(2024, 1, 30), DeficiencyStatus::Open);
    let mut done = deficiency(2, day(2024, 1, 5), DeficiencyStatus::Open);
    done.apply(
        lifecycle::Transition::Complete,
        at(2024, 2, 10, 9),
        None,
        "",
        None,
    )
    .unwrap();
    let discharges = [(day(2024, 1, 1), 2), (day(2024, 2, 1), 1)];
    let months = delinquency_by_month(&[open, done], discharges, day(2024, 3, 31));
    let labels: Vec<_> = months
        .iter()
        .map(|m| (m.label.as_str(), m.discharges, m.delinquent_records))
        .collect();
    assert_eq!(
        labels,
        [("2024-01", 2, 0), ("2024-02", 1, 0), ("2024-03", 0, 1)]
    );
    let quarters = by_quarter(&months);
    assert_eq!(quarters.len(), 1);
    assert_eq!(
        (quarters[0].discharges, quarters[0].delinquent_records),
        (3, 1)
    );
    assert!((quarters[0].rate_percent - 100.0 / 3.0).abs() < 1e-9);
}

#[test]
fn reconciling_twice_records_nothing_twice_and_completes_what_is_fixed() {
    let rules = hp_rule();
    let admit = at(2024, 3, 10, 8);
    let findings = rules.analyze(&stay(admit), &[], &[]);
    assert_eq!(findings.len(), 1);
    let first = reconcile(findings.clone(), &[]);
    assert_eq!(first.new.len(), 1);
    let mut on_file = deficiency(9, admit.date(), DeficiencyStatus::Open);
    on_file.kind = "history_physical".into();
    let again = reconcile(findings, std::slice::from_ref(&on_file));
    assert!(again.new.is_empty() && again.fixed.is_empty());
    let fixed = reconcile(Vec::new(), std::slice::from_ref(&on_file));
    assert_eq!(fixed.fixed, vec![DeficiencyId(9)]);
    // A manual deficiency is never the rules' to complete.
    on_file.origin = Origin::Manual;
    assert!(reconcile(Vec::new(), &[on_file]).fixed.is_empty());
}
