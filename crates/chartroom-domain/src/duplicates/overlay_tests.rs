//! Each overlay rule fires on a hand-made contradiction and stays quiet on its
//! legitimate neighbour.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::{EncounterId, Mrn, PersonName, ProcedureId};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
    date(y, m, d).and_hms_opt(9, 0, 0).unwrap()
}

fn patient(sex: Sex, dob: NaiveDate) -> Patient {
    Patient::new_chart(
        PatientId(7),
        Mrn(100_007),
        PersonName::new("Alex", "Rivera"),
        dob,
        sex,
    )
}

fn visit(
    id: u64,
    class: EncounterClass,
    admit: NaiveDateTime,
    days: i64,
    reason: &str,
) -> Encounter {
    Encounter {
        id: EncounterId(id),
        number: format!("V{id:06}"),
        patient: PatientId(7),
        class,
        admit,
        discharge: Some(admit + chrono::Duration::days(days)),
        discharge_offset_secs: 0,
        attending: None,
        other_providers: Vec::new(),
        location: format!("Unit {id}"),
        reason: reason.into(),
        source_id: None,
    }
}

fn procedure(start: NaiveDateTime, description: &str) -> Procedure {
    Procedure {
        id: ProcedureId(1),
        patient: PatientId(7),
        encounter: None,
        source_id: Some("proc-1".into()),
        codes: Vec::new(),
        category_codes: Vec::new(),
        description: description.into(),
        start,
        performers: Vec::new(),
    }
}

fn rules(c: &Option<OverlayCandidate>) -> Vec<&'static str> {
    c.as_ref()
        .map(|c| c.rules().into_iter().map(OverlayRule::code).collect())
        .unwrap_or_default()
}

#[test]
fn a_consistent_chart_is_not_flagged() {
    let p = patient(Sex::Female, date(1990, 5, 1));
    let encounters = [
        visit(
            1,
            EncounterClass::Outpatient,
            at(2019, 2, 1),
            0,
            "Prenatal visit",
        ),
        visit(
            2,
            EncounterClass::Inpatient,
            at(2019, 8, 1),
            2,
            "Cesarean section",
        ),
        visit(3, EncounterClass::Inpatient, at(2020, 1, 1), 3, "Pneumonia"),
    ];
    assert_eq!(check_overlay(&p, &encounters, &[]), None);
}

#[test]
fn care_before_birth_fires_but_not_on_the_day_of_birth() {
    let p = patient(Sex::Male, date(2001, 6, 10));
    let newborn = [visit(
        1,
        EncounterClass::Inpatient,
        at(2001, 6, 10),
        2,
        "Newborn care",
    )];
    assert_eq!(check_overlay(&p, &newborn, &[]), None);
    let before = [visit(
        2,
        EncounterClass::Outpatient,
        at(1998, 3, 3),
        0,
        "Hypertension",
    )];
    let c = check_overlay(&p, &before, &[]);
    assert_eq!(rules(&c), ["before_birth"]);
    assert!(c.unwrap().signals[0].explain().contains("V000002"));
}

#[test]
fn care_after_death_fires_but_not_on_the_day_after() {
    let mut p = patient(Sex::Female, date(1940, 1, 1));
    p.flags.deceased = Some(date(2020, 3, 1));
    let last_day = [visit(
        1,
        EncounterClass::Emergency,
        at(2020, 3, 2),
        0,
        "Cardiac arrest",
    )];
    assert_eq!(check_overlay(&p, &last_day, &[]), None);
    let later = [visit(
        2,
        EncounterClass::Outpatient,
        at(2021, 5, 5),
        0,
        "Follow-up",
    )];
    assert_eq!(rules(&check_overlay(&p, &later, &[])), ["after_death"]);
}

#[test]
fn care_for_the_other_sex_fires_and_unknown_sex_contradicts_nothing() {
    let male = patient(Sex::Male, date(1980, 1, 1));
    let prenatal = [visit(
        1,
        EncounterClass::Outpatient,
        at(2015, 1, 1),
        0,
        "Prenatal initial visit",
    )];
    assert_eq!(
        rules(&check_overlay(&male, &prenatal, &[])),
        ["sex_specific"]
    );
    let female = patient(Sex::Female, date(1950, 1, 1));
    let prostate = [procedure(
        at(2015, 1, 1),
        "Transurethral resection of prostate",
    )];
    assert_eq!(
        rules(&check_overlay(&female, &[], &prostate)),
        ["sex_specific"]
    );
    let unknown = patient(Sex::Unknown, date(1980, 1, 1));
    assert_eq!(check_overlay(&unknown, &prenatal, &[]), None);
    // A mammogram is not on the list: men have them too.
    let mammogram = [procedure(at(2015, 1, 1), "Screening mammogram")];
    assert_eq!(check_overlay(&male, &[], &mammogram), None);
}

#[test]
fn care_for_another_age_fires() {
    let p = patient(Sex::Female, date(1960, 1, 1));
    let well_child_at_40 = [visit(
        1,
        EncounterClass::Ambulatory,
        at(2000, 6, 1),
        0,
        "Well child visit",
    )];
    assert_eq!(
        rules(&check_overlay(&p, &well_child_at_40, &[])),
        ["age_implausible"]
    );
    let well_child_at_5 = [visit(
        2,
        EncounterClass::Ambulatory,
        at(1965, 6, 1),
        0,
        "Well child visit",
    )];
    assert_eq!(check_overlay(&p, &well_child_at_5, &[]), None);
    let prenatal_at_70 = [visit(
        3,
        EncounterClass::Outpatient,
        at(2030, 6, 1),
        0,
        "Prenatal visit",
    )];
    assert_eq!(
        rules(&check_overlay(&p, &prenatal_at_70, &[])),
        ["age_implausible"]
    );
}

#[test]
fn two_stays_at_once_fire_but_a_transfer_does_not() {
    let p = patient(Sex::Male, date(1970, 1, 1));
    let mut transfer = visit(2, EncounterClass::Inpatient, at(2020, 1, 3), 3, "ICU");
    transfer.location = "Unit 1".into();
    let same_place = [
        visit(1, EncounterClass::Inpatient, at(2020, 1, 1), 5, "Sepsis"),
        transfer,
    ];
    assert_eq!(check_overlay(&p, &same_place, &[]), None);
    let back_to_back = [
        visit(1, EncounterClass::Inpatient, at(2020, 1, 1), 5, "Sepsis"),
        visit(2, EncounterClass::Inpatient, at(2020, 1, 6), 2, "Rehab"),
    ];
    assert_eq!(check_overlay(&p, &back_to_back, &[]), None);
    let at_once = [
        visit(1, EncounterClass::Inpatient, at(2020, 1, 1), 10, "Sepsis"),
        visit(
            2,
            EncounterClass::Inpatient,
            at(2020, 1, 3),
            4,
            "Hip fracture",
        ),
    ];
    assert_eq!(
        rules(&check_overlay(&p, &at_once, &[])),
        ["overlapping_stays"]
    );
}

#[test]
fn two_kinds_of_contradiction_outrank_many_of_one() {
    let p = patient(Sex::Male, date(1980, 1, 1));
    let many_prenatal: Vec<_> = (1..=6)
        .map(|i| {
            visit(
                i,
                EncounterClass::Outpatient,
                at(2010, i as u32, 1),
                0,
                "Prenatal visit",
            )
        })
        .collect();
    let one_kind = check_overlay(&p, &many_prenatal, &[]).unwrap();
    let mixed = [
        visit(
            1,
            EncounterClass::Outpatient,
            at(2010, 1, 1),
            0,
            "Prenatal visit",
        ),
        visit(2, EncounterClass::Outpatient, at(1975, 1, 1), 0, "Asthma"),
    ];
    let two_kinds = check_overlay(&p, &mixed, &[]).unwrap();
    assert!(
        two_kinds.score > one_kind.score,
        "{} vs {}",
        two_kinds.score,
        one_kind.score
    );
    assert_eq!(one_kind.score, 30 + 15);
    assert_eq!(two_kinds.score, 45 + 30);
}
