//! Overlay check: one MRN whose record suggests two people (DOMAIN.md "Identity and
//! charts"). An overlay happens when a registrar picks the wrong chart and files another
//! person's visit on it; the chart's demographics then contradict some of its own
//! encounters. The check reads only what the chart already holds — date of birth, sex,
//! date of death, encounters and procedures — and lists each contradiction as evidence.
//!
//! A contradiction is a reason to look, never proof: a transgender patient's prenatal
//! care, a date of birth mistyped at registration or a late-entered visit look the same.
//! So the check ranks and explains; a person decides (split the chart, fix the
//! demographics, or note it as correct).
//!
//! Sources: AHIMA, "Fundamentals for Building a Master Patient Index/Enterprise Master
//! Patient Index" (2010), on overlays and overlaps; the contradictions below are the
//! clinical-impossibility tests MPI clean-up vendors run first.

use crate::encounter::{Encounter, EncounterClass};
use crate::ids::PatientId;
use crate::patient::{Patient, Sex};
use crate::procedure::Procedure;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Care only a female body receives (matched in lower case against an encounter's reason
/// or a procedure's description). Kept short and specific: a word that can describe a
/// man's care (mammogram, breast) is left out, since a false overlay costs a clerk's time.
const FEMALE_ONLY: [&str; 14] = [
    "prenatal",
    "pregnan",
    "obstetric",
    "antepartum",
    "postpartum",
    "cesarean",
    "caesarean",
    "vaginal delivery",
    "labor and delivery",
    "hysterectomy",
    "oophorectomy",
    "cervical cancer screening",
    "pap smear",
    "uterine",
];

/// Care only a male body receives.
const MALE_ONLY: [&str; 6] = [
    "prostat",
    "vasectomy",
    "orchiectomy",
    "testicular",
    "scrotal",
    "psa screening",
];

/// What a contradiction is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OverlayRule {
    /// Care dated more than a day before the date of birth.
    BeforeBirth,
    /// Care that starts more than a day after the date of death.
    AfterDeath,
    /// Care only the other sex receives.
    SexSpecific,
    /// Care for an age the patient was not (well-child visits at 19+, prenatal care
    /// before 11 or after 55, newborn care after the first year).
    AgeImplausible,
    /// Two inpatient stays at once in different places.
    OverlappingStays,
}

impl OverlayRule {
    /// The machine-readable code (`overlays --json`).
    pub fn code(self) -> &'static str {
        match self {
            OverlayRule::BeforeBirth => "before_birth",
            OverlayRule::AfterDeath => "after_death",
            OverlayRule::SexSpecific => "sex_specific",
            OverlayRule::AgeImplausible => "age_implausible",
            OverlayRule::OverlappingStays => "overlapping_stays",
        }
    }

    /// What the first piece of evidence of this kind adds to the score (0–100).
    /// Impossible dates weigh most; sex-specific care least, since it can be correct.
    fn weight(self) -> u32 {
        match self {
            OverlayRule::BeforeBirth => 45,
            OverlayRule::OverlappingStays => 40,
            OverlayRule::AfterDeath => 35,
            OverlayRule::AgeImplausible => 30,
            OverlayRule::SexSpecific => 30,
        }
    }
}

/// Where a contradiction was seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OverlaySource {
    /// An encounter, by its account number.
    Encounter(String),
    /// A procedure, by its source id when it has one.
    Procedure(Option<String>),
}

/// One contradiction with its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverlaySignal {
    pub rule: OverlayRule,
    pub source: OverlaySource,
    pub date: NaiveDate,
    /// The reason or description that carried it, and for overlapping stays the other
    /// stay's account number.
    pub detail: String,
}

impl OverlaySignal {
    /// One line a person reads: what, where, when.
    pub fn explain(&self) -> String {
        let where_ = match &self.source {
            OverlaySource::Encounter(number) => format!("encounter {number}"),
            OverlaySource::Procedure(Some(id)) => format!("procedure {id}"),
            OverlaySource::Procedure(None) => "procedure".to_string(),
        };
        let what = match self.rule {
            OverlayRule::BeforeBirth => "dated before the date of birth",
            OverlayRule::AfterDeath => "dated after the date of death",
            OverlayRule::SexSpecific => "care for the other sex",
            OverlayRule::AgeImplausible => "care for another age",
            OverlayRule::OverlappingStays => "inpatient stay overlapping",
        };
        format!("{where_} on {}: {what} ({})", self.date, self.detail)
    }
}

/// A chart the check flags.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverlayCandidate {
    pub patient: PatientId,
    /// 0–100: the strongest kinds of contradiction first, more evidence adds a little.
    pub score: u8,
    pub signals: Vec<OverlaySignal>,
}

impl OverlayCandidate {
    /// The distinct rules, in a fixed order.
    pub fn rules(&self) -> Vec<OverlayRule> {
        let mut rules: Vec<_> = self.signals.iter().map(|s| s.rule).collect();
        rules.sort();
        rules.dedup();
        rules
    }
}

/// Age in whole years on a date.
fn age_on(dob: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - dob.year();
    if (day.month(), day.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

fn mentions(text: &str, words: &[&str]) -> Option<String> {
    let lower = text.to_lowercase();
    words
        .iter()
        .any(|w| lower.contains(w))
        .then(|| text.trim().to_string())
}

/// Contradictions between the patient and one dated piece of care.
fn check_care(
    patient: &Patient,
    source: OverlaySource,
    when: NaiveDateTime,
    text: &str,
) -> Vec<OverlaySignal> {
    let day = when.date();
    let signal = |rule, detail: String| OverlaySignal {
        rule,
        source: source.clone(),
        date: day,
        detail,
    };
    if day < patient.dob - chrono::Days::new(1) {
        // Nothing else about this care can be judged against a person not yet born.
        return vec![signal(
            OverlayRule::BeforeBirth,
            format!("born {}", patient.dob),
        )];
    }
    let mut out = Vec::new();
    if let Some(died) = patient.flags.deceased {
        if day > died + chrono::Days::new(1) {
            out.push(signal(OverlayRule::AfterDeath, format!("died {died}")));
        }
    }
    let other_sex = match patient.sex {
        Sex::Male => mentions(text, &FEMALE_ONLY),
        Sex::Female => mentions(text, &MALE_ONLY),
        // Other and unknown sex contradict nothing.
        Sex::Other | Sex::Unknown => None,
    };
    if let Some(text) = other_sex {
        let detail = format!("{text}; chart says {}", patient.sex.letter());
        out.push(signal(OverlayRule::SexSpecific, detail));
    }
    let age = age_on(patient.dob, day);
    let lower = text.to_lowercase();
    let well_child = lower.contains("well child") || lower.contains("well-child");
    let prenatal = lower.starts_with("prenatal") || lower.contains(" prenatal");
    let newborn = lower.contains("newborn") || lower.contains("neonatal");
    if (well_child && age >= 19) || (prenatal && !(11..=55).contains(&age)) || (newborn && age >= 1)
    {
        out.push(signal(
            OverlayRule::AgeImplausible,
            format!("{}; age {age}", text.trim()),
        ));
    }
    out
}

/// Inpatient stays of one chart that overlap by more than a day in different locations
/// (a transfer between units of one stay is written as one stay, or back to back).
fn overlapping_stays(encounters: &[Encounter]) -> Vec<OverlaySignal> {
    let mut stays: Vec<&Encounter> = encounters
        .iter()
        .filter(|e| e.class == EncounterClass::Inpatient)
        .collect();
    stays.sort_by_key(|e| (e.admit, e.id));
    let mut out = Vec::new();
    for (i, a) in stays.iter().enumerate() {
        let Some(a_end) = a.discharge else { continue };
        for b in stays.iter().skip(i + 1) {
            if b.admit >= a_end {
                break;
            }
            let b_end = b.discharge.unwrap_or(b.admit);
            let overlap = a_end.min(b_end) - b.admit;
            if overlap > chrono::Duration::days(1) && a.location != b.location {
                out.push(OverlaySignal {
                    rule: OverlayRule::OverlappingStays,
                    source: OverlaySource::Encounter(b.number.clone()),
                    date: b.admit.date(),
                    detail: format!("during stay {} ({})", a.number, a.admit.date()),
                });
            }
        }
    }
    out
}

/// Checks one chart; `None` when nothing contradicts it.
pub fn check_overlay(
    patient: &Patient,
    encounters: &[Encounter],
    procedures: &[Procedure],
) -> Option<OverlayCandidate> {
    let mut signals = Vec::new();
    for e in encounters {
        let source = OverlaySource::Encounter(e.number.clone());
        signals.extend(check_care(patient, source, e.admit, &e.reason));
    }
    for p in procedures {
        // A procedure without a time cannot be placed in a life.
        if p.start == NaiveDateTime::MIN {
            continue;
        }
        let source = OverlaySource::Procedure(p.source_id.clone());
        signals.extend(check_care(patient, source, p.start, &p.description));
    }
    signals.extend(overlapping_stays(encounters));
    if signals.is_empty() {
        return None;
    }
    signals.sort_by(|x, y| x.rule.cmp(&y.rule).then(x.date.cmp(&y.date)));
    Some(OverlayCandidate {
        patient: patient.id,
        score: overlay_score(&signals),
        signals,
    })
}

/// Each kind's weight once, plus 5 for each further piece of evidence (up to 15 per
/// kind): two kinds of contradiction outrank many of one kind.
fn overlay_score(signals: &[OverlaySignal]) -> u8 {
    let mut total = 0u32;
    let mut rules: Vec<OverlayRule> = signals.iter().map(|s| s.rule).collect();
    rules.sort();
    let mut i = 0;
    while i < rules.len() {
        let rule = rules[i];
        let n = rules[i..].iter().take_while(|r| **r == rule).count() as u32;
        total += rule.weight() + (5 * (n - 1)).min(15);
        i += n as usize;
    }
    total.min(100) as u8
}

#[cfg(test)]
#[path = "overlay_tests.rs"]
mod tests;
