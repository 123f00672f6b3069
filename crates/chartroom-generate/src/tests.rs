//! Generator tests against the in-memory sink (no store needed).

use super::*;
use chartroom_domain::{NameKind, Role, SignatureStatus};
use std::collections::{HashMap, HashSet};

fn options(patients: u64, seed: u64) -> GenerateOptions {
    GenerateOptions {
        patients,
        seed,
        batch_size: 700,
        ..GenerateOptions::default()
    }
}

#[test]
fn same_seed_same_population_different_seed_different() {
    let (a, ra) = generate_in_memory(&options(1500, 7)).unwrap();
    let (b, rb) = generate_in_memory(&options(1500, 7)).unwrap();
    assert!(
        a.patients == b.patients,
        "patients differ for the same seed"
    );
    assert!(a.encounters == b.encounters);
    assert!(a.documents == b.documents);
    assert!(a.providers == b.providers && a.users == b.users);
    assert_eq!(ra, rb);
    let (c, _) = generate_in_memory(&options(1500, 8)).unwrap();
    assert!(a.patients != c.patients);
    assert!(a.documents != c.documents);
}

#[test]
fn batch_size_does_not_change_the_data() {
    let (a, _) = generate_in_memory(&GenerateOptions {
        batch_size: 97,
        ..options(800, 3)
    })
    .unwrap();
    let (b, _) = generate_in_memory(&GenerateOptions {
        batch_size: 10_000,
        ..options(800, 3)
    })
    .unwrap();
    assert!(a.patients == b.patients && a.documents == b.documents);
}

#[test]
fn exact_patient_count_and_counts_match_report() {
    for n in [1, 2, 5, 37, 1000] {
        let (sink, report) = generate_in_memory(&options(n, 11)).unwrap();
        assert_eq!(sink.patients.len() as u64, n);
        assert_eq!(report.patients, n);
        assert_eq!(report.encounters, sink.encounters.len() as u64);
        assert_eq!(report.documents, sink.documents.len() as u64);
    }
}

#[test]
fn population_has_the_planted_cases() {
    let (sink, report) =
        generate_in_memory(&options(20_000, GenerateOptions::DEFAULT_SEED)).unwrap();
    let p = &sink.patients;
    // Smith is the most common surname.
    let mut families: HashMap<&str, usize> = HashMap::new();
    for patient in p {
        *families.entry(patient.name.family.as_str()).or_default() += 1;
    }
    let top = families.iter().max_by_key(|(_, c)| **c).map(|(n, _)| *n);
    assert_eq!(top, Some("Smith"));
    // Suffix pairs share name and address, differ in DOB.
    assert!(report.suffix_pairs > 20, "{report:?}");
    let juniors: Vec<_> = p
        .iter()
        .filter(|x| x.name.suffix.as_deref() == Some("Jr"))
        .collect();
    assert!(!juniors.is_empty());
    let jr = juniors[0];
    assert!(p.iter().any(|x| x.id != jr.id
        && x.name.given == jr.name.given
        && x.name.family == jr.name.family
        && x.address == jr.address
        && x.dob < jr.dob));
    // Twins: same DOB, last name, address.
    assert!(report.twin_pairs > 10);
    let mut seen: HashSet<(chrono::NaiveDate, &str, String)> = HashSet::new();
    let twins = p
        .iter()
        .filter(|x| {
            !seen.insert((
                x.dob,
                x.name.family.as_str(),
                x.address
                    .as_ref()
                    .map(|a| a.line.clone())
                    .unwrap_or_default(),
            ))
        })
        .count();
    assert!(twins > 10);
    // Duplicates: listed, different MRN, similar person.
    assert!(!report.duplicates.is_empty());
    for d in &report.duplicates {
        assert_ne!(d.original_mrn, d.duplicate_mrn);
        let orig = p.iter().find(|x| x.id == d.original).unwrap();
        let dup = p.iter().find(|x| x.id == d.duplicate).unwrap();
        assert_eq!(orig.sex, dup.sex);
        assert_eq!(orig.address, dup.address);
    }
    let kinds: HashSet<_> = report.duplicates.iter().map(|d| d.change).collect();
    assert!(kinds.len() >= 4, "{kinds:?}");
    // Names: maiden, hyphenated, particles, aliases, middles, look-alikes.
    assert!(p
        .iter()
        .any(|x| x.other_names.iter().any(|a| a.kind == NameKind::Maiden)));
    assert!(p
        .iter()
        .any(|x| x.other_names.iter().any(|a| a.kind == NameKind::Alias)));
    assert!(p.iter().any(|x| x.name.family.contains('-')));
    assert!(p.iter().any(|x| x.name.family.starts_with("O'")));
    assert!(p.iter().any(|x| x.name.family.starts_with("Mc")));
    assert!(p.iter().any(|x| x.name.family == "Smyth"));
    assert!(
        p.iter()
            .filter(|x| x.name.middle.as_deref().is_some_and(|m| m.len() == 1))
            .count()
            > 1000
    );
    // Flags, SSNs in the 9xx range, DOBs over 0-100 years.
    assert!(
        report.deceased > 50 && report.vip > 5 && report.restricted > 5 && report.sensitive > 100
    );
    assert!(p
        .iter()
        .filter_map(|x| x.ssn.as_ref())
        .all(|s| s.masked().len() == 11));
    let as_of = GenerateOptions::default_as_of();
    let ages: Vec<i32> = p.iter().map(|x| x.age_on(as_of)).collect();
    assert!(ages.contains(&0) && ages.iter().any(|a| *a >= 90) && ages.iter().all(|a| *a <= 101));
    // Encounters and notes.
    assert!(report.encounters > 40_000, "{}", report.encounters);
    assert!(report.in_house > 0);
    assert!(sink
        .encounters
        .iter()
        .all(|e| e.number.starts_with('A') && e.admit.date() <= as_of));
    let sigs: HashSet<_> = sink.documents.iter().map(|d| d.signature).collect();
    assert_eq!(sigs.len(), 4, "{sigs:?}");
    let signed = sink
        .documents
        .iter()
        .filter(|d| d.signature == SignatureStatus::Signed)
        .count();
    assert!(signed * 10 > sink.documents.len() * 7);
    let types: HashSet<_> = sink.documents.iter().map(|d| d.doc_type).collect();
    assert!(types.len() >= 10, "{types:?}");
    // Providers ~ 1 per 200 patients.
    assert_eq!(report.providers, 100);
}

#[test]
fn roster_covers_every_role_and_links_staff_charts() {
    let (sink, report) = generate_in_memory(&options(2000, 5)).unwrap();
    let roles: HashSet<Role> = sink.users.iter().map(|u| u.role).collect();
    assert_eq!(roles.len(), Role::ALL.len());
    for role in Role::ALL {
        assert!(sink.users.iter().any(|u| u.username == role.code()));
    }
    let linked: Vec<_> = sink
        .users
        .iter()
        .filter(|u| u.patient_link.is_some())
        .collect();
    assert!(!linked.is_empty());
    assert_eq!(linked.len() as u64, report.staff_patients);
    for user in linked {
        let patient = sink
            .patients
            .iter()
            .find(|p| Some(p.id) == user.patient_link)
            .unwrap();
        assert_eq!(patient.staff_link, Some(user.id));
        assert!(patient.flags.employee);
    }
}

#[test]
fn bad_options_are_refused() {
    assert!(matches!(
        generate_in_memory(&options(0, 1)),
        Err(GenerateError::Options(_))
    ));
}

#[test]
fn recent_charts_have_loose_ends_and_surgery_has_procedures() {
    use chartroom_domain::{DocumentType, EncounterClass};
    let (sink, report) = generate_in_memory(&options(3000, 5)).unwrap();
    assert_eq!(report.procedures, sink.procedures.len() as u64);
    assert!(report.procedures > 20, "{}", report.procedures);
    assert!(report.missing_notes > 10, "{}", report.missing_notes);
    let as_of = GenerateOptions::default_as_of();
    let recent = |e: &&chartroom_domain::Encounter| {
        e.discharge
            .is_some_and(|d| (as_of - d.date()).num_days() <= 270)
    };
    let has = |e: &chartroom_domain::Encounter, t: DocumentType| {
        sink.documents
            .iter()
            .any(|d| d.encounter == Some(e.id) && d.doc_type == t)
    };
    let recent_ed: Vec<_> = sink
        .encounters
        .iter()
        .filter(recent)
        .filter(|e| e.class == EncounterClass::Emergency)
        .collect();
    assert!(recent_ed
        .iter()
        .any(|e| !has(e, DocumentType::EmergencyNote)));
    let recent_imp: Vec<_> = sink
        .encounters
        .iter()
        .filter(recent)
        .filter(|e| e.class == EncounterClass::Inpatient)
        .collect();
    assert!(recent_imp
        .iter()
        .any(|e| !has(e, DocumentType::DischargeSummary)));
    assert!(recent_imp
        .iter()
        .any(|e| !has(e, DocumentType::HistoryAndPhysical)));
    let without_op_report = sink.procedures.iter().filter(|p| {
        let e = sink.encounters.iter().find(|e| Some(e.id) == p.encounter);
        e.is_some_and(|e| !has(e, DocumentType::OperativeReport))
    });
    assert!(without_op_report.count() > 0);
    assert!(sink.procedures.iter().all(|p| p.category_codes
        == [chartroom_domain::procedure::SURGICAL_CATEGORY]
        && p.performers.len() == 1));
}
