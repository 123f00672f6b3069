//! The rules: each looks at one (user, patient) pair and says what it saw, in words.

use super::params::PrivacyRules;
use super::text::{family_of, normalise_name, same_department, AddressMatch};
use super::{AccessRecord, EncounterFacts, PatientFacts, RosterEntry};
use chrono::{Datelike, Duration, NaiveDateTime, Timelike, Weekday};

/// Every rule, in the order explanations list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    SelfAccess,
    SameLastName,
    SameAddress,
    Coworker,
    Vip,
    Employee,
    Deceased,
    NoCareRelationship,
    AfterHours,
    VolumeSpike,
    RepeatOffender,
    BreakGlass,
    DepartmentMismatch,
}

impl Rule {
    pub const ALL: [Rule; 13] = [
        Rule::SelfAccess,
        Rule::SameLastName,
        Rule::SameAddress,
        Rule::Coworker,
        Rule::Vip,
        Rule::Employee,
        Rule::Deceased,
        Rule::NoCareRelationship,
        Rule::AfterHours,
        Rule::VolumeSpike,
        Rule::RepeatOffender,
        Rule::BreakGlass,
        Rule::DepartmentMismatch,
    ];

    /// The code alerts print (`"rules": [...]`).
    pub fn code(self) -> &'static str {
        match self {
            Rule::SelfAccess => "self_access",
            Rule::SameLastName => "same_last_name",
            Rule::SameAddress => "same_address",
            Rule::Coworker => "coworker",
            Rule::Vip => "vip",
            Rule::Employee => "employee",
            Rule::Deceased => "deceased",
            Rule::NoCareRelationship => "no_care_relationship",
            Rule::AfterHours => "after_hours",
            Rule::VolumeSpike => "volume_spike",
            Rule::RepeatOffender => "repeat_offender",
            Rule::BreakGlass => "break_glass",
            Rule::DepartmentMismatch => "department_mismatch",
        }
    }

    pub fn parse(code: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.code() == code.trim())
    }

    /// Rules about who the patient is to the user: a care relationship explains them.
    pub fn is_relationship(self) -> bool {
        matches!(
            self,
            Rule::SelfAccess
                | Rule::SameLastName
                | Rule::SameAddress
                | Rule::Coworker
                | Rule::Vip
                | Rule::Employee
                | Rule::Deceased
        )
    }
}

/// What one rule saw: its weight after the evidence that lowers it, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub weight: f64,
    pub why: String,
}

/// The rules' verdict on one (user, patient) pair.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PairVerdict {
    pub findings: Vec<Finding>,
    /// The user is on (or in the department of) an encounter of the patient near an access.
    pub care: bool,
    pub raw: f64,
}

impl PairVerdict {
    pub fn has(&self, rule: Rule) -> bool {
        self.findings.iter().any(|f| f.rule == rule)
    }
}

/// Whether the user cares for the patient in encounter `e`: a provider on it, or in its
/// department (the emergency department for an emergency visit).
fn cares_in(user: &RosterEntry, e: &EncounterFacts) -> bool {
    if let Some(provider) = user.provider_id.as_deref().filter(|p| !p.trim().is_empty()) {
        if e.providers
            .iter()
            .any(|p| p.eq_ignore_ascii_case(provider.trim()))
        {
            return true;
        }
    }
    if same_department(&user.department, &e.department) {
        return true;
    }
    let dept = user.department.to_ascii_lowercase();
    e.emergency
        && (dept.contains("emergency")
            || dept
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w == "ed"))
}

fn near(e: &EncounterFacts, t: NaiveDateTime, days: i64) -> bool {
    let window = Duration::days(days);
    let end = e.end.unwrap_or(t);
    e.start - window <= t && t <= end.max(e.start) + window
}

fn in_house(e: &EncounterFacts, t: NaiveDateTime) -> bool {
    let end = e.end.unwrap_or(t + Duration::days(1));
    let end = if e.emergency {
        end.max(e.start + Duration::hours(24))
    } else {
        end
    };
    e.start - Duration::hours(2) <= t && t <= end
}

fn after_hours(rules: &PrivacyRules, local: NaiveDateTime) -> bool {
    let hour = local.hour();
    let weekend = matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
    hour < rules.day_start_hour
        || hour >= rules.day_end_hour
        || (rules.weekends_are_after_hours && weekend)
}

/// Runs every per-pair rule on the accesses of `user_id` to `patient_id`.
pub fn evaluate_pair(
    rules: &PrivacyRules,
    user_id: &str,
    roster: Option<&RosterEntry>,
    patient_id: &str,
    patient: &PatientFacts,
    accesses: &[AccessRecord],
) -> PairVerdict {
    let mut out = PairVerdict::default();
    if accesses.is_empty() {
        return out;
    }
    let empty = RosterEntry::default();
    let user = roster.unwrap_or(&empty);
    let care_encounter = patient.encounters.iter().find(|e| {
        cares_in(user, e)
            && accesses
                .iter()
                .any(|a| near(e, a.time.naive_utc(), rules.care_window_days))
    });
    let care = roster.is_some() && care_encounter.is_some();
    out.care = care;
    let relationship = |weight: f64| {
        if care {
            weight * rules.care_factor
        } else {
            weight
        }
    };
    let care_note = if care {
        ", but the user is on the patient's care team (an encounter near the access), so it weighs little"
    } else {
        ""
    };
    let mut add = |rule: Rule, weight: f64, why: String| {
        out.findings.push(Finding { rule, weight, why });
    };

    let self_access = patient.staff.iter().any(|(u, _)| u == user_id)
        || user
            .linked_patient_id
            .as_deref()
            .is_some_and(|p| p.trim() == patient_id.trim());
    if self_access {
        add(
            Rule::SelfAccess,
            rules.self_access,
            "the user opened their own chart (the roster links the user to this patient)".into(),
        );
    }
    if patient.known && roster.is_some() && !self_access {
        let family = normalise_name(&patient.family);
        if !family.is_empty() && family_of(&user.name) == family {
            add(
                Rule::SameLastName,
                relationship(rules.same_last_name),
                format!("the user's last name is the patient's{care_note}"),
            );
        }
        match AddressMatch::compare(
            &user.home_address,
            &patient.address_line,
            &patient.city,
            &patient.zip,
        ) {
            AddressMatch::Same => add(
                Rule::SameAddress,
                relationship(rules.same_address),
                format!("the user's home address is the patient's address{care_note}"),
            ),
            AddressMatch::Street => add(
                Rule::SameAddress,
                relationship(rules.same_street),
                format!("the user lives on the patient's street (a neighbour){care_note}"),
            ),
            AddressMatch::None => {}
        }
    }
    let colleagues: Vec<&(String, String)> =
        patient.staff.iter().filter(|(u, _)| u != user_id).collect();
    let coworker = colleagues
        .iter()
        .any(|(_, dept)| same_department(dept, &user.department));
    if coworker && roster.is_some() {
        add(
            Rule::Coworker,
            relationship(rules.coworker),
            format!("the patient is a coworker in the user's own department{care_note}"),
        );
    }
    if patient.vip {
        add(
            Rule::Vip,
            relationship(rules.vip),
            format!("the patient is flagged VIP{care_note}"),
        );
    }
    if !coworker && (patient.employee || !colleagues.is_empty()) {
        add(
            Rule::Employee,
            relationship(rules.employee),
            format!("the patient is an employee{care_note}"),
        );
    }
    if let Some(death) = patient.deceased {
        let latest = accesses.iter().map(|a| a.local_time().date()).max();
        if let Some(days) = latest.map(|d| (d - death).num_days()).filter(|d| *d > 0) {
            let routine =
                (care || rules.record_work(&user.department)) && days <= rules.deceased_grace_days;
            let weight = if routine {
                rules.deceased * rules.care_factor
            } else {
                rules.deceased
            };
            let tail = if routine {
                ", within the records-completion period by the care team or records staff"
            } else {
                ""
            };
            add(
                Rule::Deceased,
                weight,
                format!("access {days} days after the patient's death{tail}"),
            );
        }
    }
    if patient.known && !care && !self_access {
        let (weight, why) = if roster.is_none() {
            (
                rules.no_care_relationship,
                "the user is not on the roster and on none of the patient's encounters".to_string(),
            )
        } else if rules.record_work(&user.department) {
            (
                rules.no_care_relationship * rules.record_work_factor,
                format!(
                    "the user is on none of the patient's encounters within {} days (records work in {})",
                    rules.care_window_days, user.department
                ),
            )
        } else {
            (
                rules.no_care_relationship,
                format!(
                    "the user is not a provider on, nor in the department of, any of the patient's encounters within {} days",
                    rules.care_window_days
                ),
            )
        };
        add(Rule::NoCareRelationship, weight, why);
    }
    let late: Vec<&AccessRecord> = accesses
        .iter()
        .filter(|a| after_hours(rules, a.local_time()))
        .collect();
    if let Some(first) = late.first() {
        let when = first.local_time().format("%a %H:%M");
        let in_house_then = late.iter().all(|a| {
            patient
                .encounters
                .iter()
                .any(|e| in_house(e, a.time.naive_utc()))
        });
        let (weight, tail) = if rules.round_the_clock(&user.department) {
            (
                rules.after_hours * rules.round_the_clock_factor,
                format!(", routine for {}", user.department),
            )
        } else if in_house_then {
            (
                rules.after_hours * rules.round_the_clock_factor,
                ", while the patient was in house".to_string(),
            )
        } else {
            (rules.after_hours, String::new())
        };
        add(
            Rule::AfterHours,
            weight,
            format!(
                "{} access(es) after hours (first {when} local){tail}",
                late.len()
            ),
        );
    }
    if let Some(glass) = accesses.iter().find(|a| a.is_break_glass()) {
        add(
            Rule::BreakGlass,
            relationship(rules.break_glass),
            format!(
                "break-the-glass access ({}) to review{care_note}",
                glass.action
            ),
        );
    }
    if let Some(other) = accesses.iter().find(|a| {
        !a.department.trim().is_empty()
            && !user.department.trim().is_empty()
            && !same_department(&a.department, &user.department)
    }) {
        let weight = if care {
            rules.department_mismatch * 0.5
        } else {
            rules.department_mismatch
        };
        add(
            Rule::DepartmentMismatch,
            weight,
            format!(
                "accessed from {} while the user works in {}",
                other.department, user.department
            ),
        );
    }
    let fired: f64 = out.findings.iter().map(|f| f.weight).sum();
    let extra = accesses
        .len()
        .saturating_sub(1)
        .min(rules.max_repeat_accesses as usize) as f64;
    let per_extra = if care {
        rules.per_extra_access * rules.care_factor
    } else {
        rules.per_extra_access
    };
    out.raw = if fired > 0.0 {
        fired + extra * per_extra
    } else {
        0.0
    };
    out
}
