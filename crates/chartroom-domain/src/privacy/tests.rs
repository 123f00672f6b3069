//! Each rule on hand-made cases: it fires on snooping, and its legitimate look-alike
//! stays low.

use super::*;
use chrono::{NaiveDate, TimeZone, Utc};

fn at(day: u32, hour: u32) -> AccessRecord {
    AccessRecord {
        // Local time is UTC-5: hour is local.
        time: Utc
            .with_ymd_and_hms(2026, 3, day, hour, 10, 0)
            .single()
            .unwrap_or_default()
            + chrono::Duration::hours(5),
        offset_secs: -5 * 3600,
        user: "u1".into(),
        patient: "p1".into(),
        action: "view".into(),
        workstation: String::new(),
        department: String::new(),
        source: "test".into(),
    }
}

fn nurse(name: &str, department: &str) -> RosterEntry {
    RosterEntry {
        user_id: "u1".into(),
        name: name.into(),
        department: department.into(),
        role: "nurse".into(),
        home_address: "7 Elm Street, Springfield, MA 01101".into(),
        linked_patient_id: None,
        provider_id: Some("prov-9".into()),
    }
}

fn patient() -> PatientFacts {
    PatientFacts {
        known: true,
        family: "Garcia".into(),
        given: "Ana".into(),
        address_line: "12 Oak St".into(),
        city: "Springfield".into(),
        zip: "01101".into(),
        ..PatientFacts::default()
    }
}

fn encounter(department: &str, providers: &[&str], emergency: bool) -> EncounterFacts {
    let d = |day| {
        NaiveDate::from_ymd_opt(2026, 3, day)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap_or_default()
    };
    EncounterFacts {
        start: d(2),
        end: Some(d(6)),
        department: department.into(),
        emergency,
        providers: providers.iter().map(|p| p.to_string()).collect(),
    }
}

fn score(
    user: &RosterEntry,
    patient: &PatientFacts,
    accesses: &[AccessRecord],
) -> (u32, Vec<&'static str>) {
    let rules = PrivacyRules::default();
    let pairs = [PairInput {
        user_id: "u1",
        patient_id: "p1",
        roster: Some(user),
        patient,
        accesses,
    }];
    let alerts = rank(&rules, &pairs, &UserHistory::new());
    match alerts.first() {
        Some(a) => (a.score, a.rules.iter().map(|r| r.code()).collect()),
        None => (0, Vec::new()),
    }
}

const HIGH: u32 = 45;
const LOW: u32 = 25;

#[test]
fn same_last_name_fires_unless_on_the_encounter() {
    let (s, rules) = score(
        &nurse("Maria Garcia", "5 North Surgical"),
        &patient(),
        &[at(4, 10)],
    );
    assert!(
        s >= HIGH && rules.contains(&"same_last_name"),
        "{s} {rules:?}"
    );
    let mut p = patient();
    p.encounters.push(encounter("5 North Surgical", &[], false));
    let (s, _) = score(&nurse("Maria Garcia", "5 North Surgical"), &p, &[at(4, 10)]);
    assert!(s < LOW, "{s}");
}

#[test]
fn address_and_street() {
    let mut user = nurse("Lee Chen", "Heart Center");
    user.home_address = "12 Oak Street, Springfield, MA 01101".into();
    let (s, rules) = score(&user, &patient(), &[at(4, 10)]);
    assert!(
        s >= HIGH && rules.contains(&"same_address"),
        "{s} {rules:?}"
    );
    user.home_address = "30 Oak St, Springfield, MA 01101".into();
    let (s2, rules) = score(&user, &patient(), &[at(4, 10)]);
    assert!(
        s2 >= HIGH && s2 < s && rules.contains(&"same_address"),
        "{s2} {rules:?}"
    );
    user.home_address = "12 Oak St, Boston, MA 02110".into();
    let (_, rules) = score(&user, &patient(), &[at(4, 10)]);
    assert!(!rules.contains(&"same_address"));
}

#[test]
fn self_access_always_ranks() {
    let mut user = nurse("Lee Chen", "Heart Center");
    user.linked_patient_id = Some("p1".into());
    let mut p = patient();
    p.encounters
        .push(encounter("Heart Center", &["prov-9"], false));
    let (s, rules) = score(&user, &p, &[at(4, 10)]);
    assert!(s >= 70 && rules == vec!["self_access"], "{s} {rules:?}");
}

#[test]
fn coworker_vip_employee_need_no_care() {
    let user = nurse("Lee Chen", "Heart Center");
    let mut p = patient();
    p.staff.push(("u2".into(), "Heart Center".into()));
    let (s, rules) = score(&user, &p, &[at(4, 10)]);
    assert!(s >= HIGH && rules.contains(&"coworker"), "{s} {rules:?}");
    let mut v = patient();
    v.vip = true;
    let (s, rules) = score(&user, &v, &[at(4, 10)]);
    assert!(s >= HIGH && rules.contains(&"vip"), "{s} {rules:?}");
    v.encounters
        .push(encounter("Cardiology", &["prov-9"], false));
    let (s, _) = score(&user, &v, &[at(4, 10)]);
    assert!(s < LOW, "{s}");
    let mut e = patient();
    e.employee = true;
    let (s, rules) = score(&user, &e, &[at(4, 10)]);
    assert!(s >= 40 && rules.contains(&"employee"), "{s} {rules:?}");
}

#[test]
fn deceased_long_after_death_versus_records_completion() {
    let user = nurse("Lee Chen", "Heart Center");
    let mut p = patient();
    p.deceased = NaiveDate::from_ymd_opt(2025, 1, 1);
    let (s, rules) = score(&user, &p, &[at(4, 10)]);
    assert!(s >= HIGH && rules.contains(&"deceased"), "{s} {rules:?}");
    let him = nurse("Robin Page", "Health Information Management");
    p.deceased = NaiveDate::from_ymd_opt(2026, 2, 20);
    let (s, _) = score(&him, &p, &[at(4, 10)]);
    assert!(s < LOW, "{s}");
}

#[test]
fn no_care_relationship_and_records_work() {
    let (s, rules) = score(
        &nurse("Lee Chen", "Heart Center"),
        &patient(),
        &[at(3, 10), at(4, 10), at(5, 10)],
    );
    assert!(
        s >= 30 && rules == vec!["no_care_relationship"],
        "{s} {rules:?}"
    );
    let (s, _) = score(
        &nurse("Lee Chen", "Health Information Management"),
        &patient(),
        &[at(4, 10)],
    );
    assert_eq!(s, 0);
}

#[test]
fn after_hours_versus_the_emergency_department() {
    let (night, rules) = score(&nurse("Lee Chen", "Heart Center"), &patient(), &[at(4, 2)]);
    let (day, _) = score(&nurse("Lee Chen", "Heart Center"), &patient(), &[at(4, 10)]);
    assert!(
        night > day && rules.contains(&"after_hours"),
        "{night} {day} {rules:?}"
    );
    let mut p = patient();
    p.encounters
        .push(encounter("Emergency Department", &[], true));
    let (s, _) = score(&nurse("Lee Chen", "Emergency Department"), &p, &[at(4, 2)]);
    assert!(s < LOW, "{s}");
}

#[test]
fn break_glass_and_department_mismatch() {
    let mut glass = at(4, 10);
    glass.action = "break-glass".into();
    let (s, rules) = score(
        &nurse("Lee Chen", "Heart Center"),
        &patient(),
        &[glass.clone()],
    );
    assert!(s >= HIGH && rules.contains(&"break_glass"), "{s} {rules:?}");
    let mut p = patient();
    p.encounters
        .push(encounter("Emergency Department", &["prov-9"], true));
    let (s, _) = score(&nurse("Lee Chen", "Emergency Department"), &p, &[glass]);
    assert!(s < LOW, "{s}");
    let mut roam = at(4, 10);
    roam.department = "Cancer Center".into();
    let (s, rules) = score(&nurse("Lee Chen", "Heart Center"), &patient(), &[roam]);
    assert!(
        s > 0 && rules.contains(&"department_mismatch"),
        "{s} {rules:?}"
    );
}

/// One user's pairs with each of `patients`, every pair with the same accesses.
fn same_accesses<'a>(
    user_id: &'a str,
    roster: &'a RosterEntry,
    patients: &'a [(String, PatientFacts)],
    accesses: &'a [AccessRecord],
) -> Vec<PairInput<'a>> {
    patients
        .iter()
        .map(|(id, f)| PairInput {
            user_id,
            patient_id: id,
            roster: Some(roster),
            patient: f,
            accesses,
        })
        .collect()
}

/// A run over one day: sixty patients that day and no other day in the period. Alone it
/// is a spike (the 50-patient floor); against the user's usual 55-60 a day before the
/// period it is an ordinary day; against a usual 5 it is a spike again.
#[test]
fn a_short_period_takes_its_spike_baseline_from_the_days_before() {
    let rules = PrivacyRules::default();
    let user = nurse("Cody Coder", "Health Information Management");
    let facts: Vec<(String, PatientFacts)> =
        (0..60).map(|i| (format!("p{i}"), patient())).collect();
    let accesses = [at(12, 11)];
    let pairs = same_accesses("coder", &user, &facts, &accesses);
    let records: Vec<AccessRecord> = facts
        .iter()
        .map(|(id, _)| {
            let mut r = at(12, 11);
            r.user = "coder".into();
            r.patient = id.clone();
            r
        })
        .collect();
    assert_eq!(lookback_candidates(&rules, &records), vec!["coder"]);
    let spikes = |history: Vec<usize>| {
        let history: UserHistory = [("coder".to_string(), history)].into_iter().collect();
        rank(&rules, &pairs, &history)
            .iter()
            .filter(|a| a.is_spike())
            .count()
    };
    assert_eq!(spikes(Vec::new()), 1, "no days before: the floor decides");
    assert_eq!(
        spikes(vec![55, 60, 58, 61]),
        0,
        "a usual day for this coder"
    );
    assert_eq!(spikes(vec![5, 6, 4, 5]), 1, "twelve times the usual day");
}

#[test]
fn volume_spike_is_one_alert_and_repeat_offenders_are_marked() {
    let rules = PrivacyRules::default();
    let user = nurse("Bo Bulk", "Registration");
    let facts: Vec<(String, PatientFacts)> =
        (0..60).map(|i| (format!("p{i}"), patient())).collect();
    let mut per_pair = Vec::new();
    let mut pairs = Vec::new();
    for (i, (id, f)) in facts.iter().enumerate() {
        let mut accesses = Vec::new();
        // Days 2..=9: a few patients a day; day 12: all sixty.
        if i < 4 {
            for d in 2..=9 {
                accesses.push(at(d, 10));
            }
        }
        accesses.push(at(12, 11));
        per_pair.push((id, f, accesses));
    }
    for (id, f, accesses) in &per_pair {
        pairs.push(PairInput {
            user_id: "u1",
            patient_id: id,
            roster: Some(&user),
            patient: f,
            accesses,
        });
    }
    let alerts = rank(&rules, &pairs, &UserHistory::new());
    let spike: Vec<&Alert> = alerts.iter().filter(|a| a.is_spike()).collect();
    assert_eq!(spike.len(), 1);
    assert_eq!(spike[0].rules[0], Rule::VolumeSpike);
    assert_eq!(spike[0].patients.len(), 60);
    assert_eq!(
        alerts.len(),
        1,
        "the burst's pairs fold into the spike: {alerts:?}"
    );

    let snooper = nurse("Ray Peat", "Heart Center");
    let one = [at(4, 10)];
    let victims: Vec<(String, PatientFacts)> = (0..3)
        .map(|i| {
            let mut f = patient();
            f.vip = true;
            (format!("v{i}"), f)
        })
        .collect();
    let pairs = same_accesses("u1", &snooper, &victims, &one);
    let alerts = rank(&rules, &pairs, &UserHistory::new());
    assert_eq!(alerts.len(), 3);
    assert!(
        alerts
            .iter()
            .all(|a| a.rules.contains(&Rule::RepeatOffender)),
        "{alerts:?}"
    );
}
