//! De-identified research extracts: the Safe Harbor rules one by one through the files
//! written (restricted ZIP areas, 89 vs 90, 29 February, the deceased, study-id
//! consistency across files), the self-check catching a planted identifier (and
//! deleting the output), date ranges, roles and the audit event.

use chartroom_domain::{
    Address, EncounterClass, EncounterId, FixedClock, Identifier, Patient, Role, Ssn,
};
use chartroom_services::deid::DeidOptions;
use chartroom_services::{NewUser, ServiceError, Services, Session};
use chartroom_testkit::{patient, plant_patient};
use chrono::{NaiveDate, TimeZone, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm3ZkBpG3cJcUOyTWl2D8yD1pK9mR4v0P7wKQ0xY2a3 res@desk";

/// A roster user of `role`, added by `admin`, as a session.
pub(crate) fn staff_session(
    services: &Services,
    admin: &Session,
    name: &str,
    role: Role,
) -> Session {
    let user = services
        .add_user(
            admin,
            NewUser {
                username: name.into(),
                display_name: String::new(),
                role,
                department: "HIM".into(),
                ssh_keys: vec![KEY.into()],
            },
        )
        .unwrap();
    Session {
        user,
        id: format!("test-{name}"),
        client: "local".into(),
    }
}

/// The export date of these tests.
fn open(dir: &Path) -> (Services, Session) {
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap(),
    ));
    let services = Services::open(dir, clock).unwrap();
    let session = services.local_session("admin1").unwrap();
    (services, session)
}

pub(crate) fn with_address(mut p: Patient, line: &str, state: &str, zip: &str) -> Patient {
    p.address = Some(Address {
        line: line.into(),
        city: "Columbus".into(),
        state: state.into(),
        zip: zip.into(),
    });
    p
}

/// An encounter of `patient` admitted on `day`, discharged the next day, with conditions.
pub(crate) fn plant_encounter(
    services: &Services,
    patient: &Patient,
    day: (i32, u32, u32),
    codes: &[&str],
) -> EncounterId {
    let store = services.store_for_tests();
    let mut tx = store.write().unwrap();
    let id = tx.next_encounter_id().unwrap();
    let admit = NaiveDate::from_ymd_opt(day.0, day.1, day.2)
        .unwrap()
        .and_hms_opt(9, 30, 0)
        .unwrap();
    let encounter = chartroom_domain::Encounter {
        id,
        number: format!("V{}{}", 7_000_000 + id.0, patient.mrn.0),
        patient: patient.id,
        class: EncounterClass::Inpatient,
        admit,
        discharge: Some(admit + chrono::Duration::days(1)),
        discharge_offset_secs: 0,
        attending: None,
        other_providers: vec![],
        location: "Riverside General Hospital".into(),
        reason: format!("{} fell at home", patient.name.family),
        source_id: Some(format!("enc-src-{}", id.0)),
    };
    tx.put_encounter(&encounter).unwrap();
    if !codes.is_empty() {
        let mut conditions = BTreeMap::new();
        conditions.insert(
            format!("cond-{}", id.0),
            codes.iter().map(|c| c.to_string()).collect(),
        );
        tx.put_encounter_conditions(id, &conditions).unwrap();
    }
    tx.commit().unwrap();
    id
}

struct Population {
    okafor: Patient,
}

/// Six charts covering the rules; answers the one with every identifier filled in.
fn population(services: &Services) -> Population {
    let store = services.store_for_tests();
    let mut okafor = with_address(
        patient("Adaeze", "Okafor", (1970, 2, 3)),
        "4417 Scioto Ave Apt 12",
        "OH",
        "43201",
    );
    okafor.phones = vec!["614-482-1937".into()];
    okafor.ssn = Ssn::parse("999-12-5772");
    okafor.identifiers = vec![Identifier {
        system: "synthea".into(),
        value: "b0d5f2c1-7a4e-4e0b-9a61-3f1c2d9e8a77".into(),
    }];
    let okafor = plant_patient(store, okafor);
    plant_encounter(services, &okafor, (2024, 5, 17), &["F10.20", "E11.9"]);
    plant_encounter(services, &okafor, (2025, 11, 2), &[]);
    // Yellowstone: three-digit area 821 holds fewer than 20,000 people
    let park = plant_patient(
        store,
        with_address(
            patient("Wren", "Halvorsen", (1988, 7, 4)),
            "1 Grand Loop Rd",
            "WY",
            "82190",
        ),
    );
    plant_encounter(services, &park, (2025, 8, 9), &["J45.909"]);
    // 90th birthday tomorrow: 89, birth year shown
    plant_patient(store, patient("Ottilie", "Brandvold", (1936, 3, 11)));
    // 90th birthday today: 90+, birth year withheld
    plant_patient(store, patient("Leopold", "Marchetti", (1936, 3, 10)));
    // born on 29 February 1940: 86 on the export date
    plant_patient(store, patient("Lucinda", "Feldspar", (1940, 2, 29)));
    // deceased in 1990 at 70: over 89 on the export date, so grouped too
    let mut dead = patient("Ambrose", "Quillfeather", (1920, 1, 1));
    dead.flags.deceased = NaiveDate::from_ymd_opt(1990, 6, 1);
    plant_patient(store, dead);
    Population { okafor }
}

fn read_csv(dir: &Path, name: &str) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

fn diagnoses_of(out: &Path, patient: &str) -> usize {
    read_csv(out, "diagnoses.csv")
        .iter()
        .filter(|r| r["study_patient_id"] == patient)
        .count()
}

fn by_birth_year<'a>(
    rows: &'a [HashMap<String, String>],
    age: &str,
) -> Vec<&'a HashMap<String, String>> {
    rows.iter().filter(|r| r["age"] == age).collect()
}

#[test]
fn safe_harbor_rules_hold_in_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let (services, admin) = open(dir.path());
    let pop = population(&services);
    let out = dir.path().join("extract");
    let report = services
        .export_deidentified(&admin, &out, &DeidOptions::default())
        .unwrap();
    assert_eq!(
        (report.charts, report.encounters, report.diagnoses),
        (6, 3, 3)
    );
    assert!(report.lines_checked >= 13);

    let patients = read_csv(&out, "patients.csv");
    assert_eq!(patients.len(), 6);
    let zips: HashSet<&str> = patients.iter().map(|r| r["zip3"].as_str()).collect();
    assert!(zips.contains("432"), "{zips:?}");
    let wy = patients.iter().find(|r| r["state"] == "WY").unwrap();
    assert_eq!(wy["zip3"], "000", "restricted three-digit area");
    // no address: no geography
    assert_eq!(patients.iter().filter(|r| r["state"].is_empty()).count(), 4);

    // 89 vs 90, on the export date 2026-03-10
    let eighty_nine = by_birth_year(&patients, "89");
    assert_eq!(eighty_nine.len(), 1);
    assert_eq!(eighty_nine[0]["birth_year"], "1936");
    let grouped = by_birth_year(&patients, "90+");
    assert_eq!(grouped.len(), 2, "the 90th birthday today and the deceased");
    assert!(grouped.iter().all(|r| r["birth_year"].is_empty()));
    let dead = grouped.iter().find(|r| r["deceased"] == "yes").unwrap();
    assert_eq!(dead["death_year"], "1990");
    // 29 February 1940: 86 on 2026-03-10, birth year kept
    let leap = by_birth_year(&patients, "86");
    assert_eq!(leap.len(), 1);
    assert_eq!(leap[0]["birth_year"], "1940");
    assert_eq!(by_birth_year(&patients, "56")[0]["birth_year"], "1970");

    // study ids: the same patient is the same id in every file, encounters too
    let patient_ids: HashSet<&str> = patients
        .iter()
        .map(|r| r["study_patient_id"].as_str())
        .collect();
    assert_eq!(patient_ids.len(), 6);
    assert!(patient_ids
        .iter()
        .all(|id| id.starts_with("P-") && id.len() == 16));
    let encounters = read_csv(&out, "encounters.csv");
    let encounter_ids: HashSet<&str> = encounters
        .iter()
        .map(|r| r["study_encounter_id"].as_str())
        .collect();
    for e in &encounters {
        assert!(patient_ids.contains(e["study_patient_id"].as_str()));
        assert!(e["organisation_study_id"].starts_with("O-"));
        assert_eq!(e["admit_year"].len(), 4);
    }
    let okafor_id = &by_birth_year(&patients, "56")[0]["study_patient_id"];
    let okafor_visits = encounters
        .iter()
        .filter(|e| &e["study_patient_id"] == okafor_id)
        .count();
    assert_eq!(okafor_visits, 2);
    assert!(diagnoses_of(&out, okafor_id) == 2);
    // one organisation, one id
    let orgs: HashSet<&str> = encounters
        .iter()
        .map(|r| r["organisation_study_id"].as_str())
        .collect();
    assert_eq!(orgs.len(), 1);
    let diagnoses = read_csv(&out, "diagnoses.csv");
    assert_eq!(diagnoses.len(), 3);
    for d in &diagnoses {
        assert!(patient_ids.contains(d["study_patient_id"].as_str()));
        assert!(encounter_ids.contains(d["study_encounter_id"].as_str()));
    }
    let codes: HashSet<&str> = diagnoses.iter().map(|r| r["code"].as_str()).collect();
    assert_eq!(codes, HashSet::from(["F10.20", "E11.9", "J45.909"]));

    // nothing of the patient in any file, in any form
    let mrn = pop.okafor.mrn.0.to_string();
    for name in [
        "patients.csv",
        "encounters.csv",
        "diagnoses.csv",
        "documents.csv",
    ] {
        let text = std::fs::read_to_string(out.join(name))
            .unwrap()
            .to_lowercase();
        for needle in [
            "okafor",
            "adaeze",
            "1970-02-03",
            "43201",
            "scioto",
            "482-1937",
            "999125772",
            "5772",
            &mrn,
            "b0d5f2c1",
            "riverside",
            "fell",
            "2024-05-17",
            "enc-src",
            "v700",
        ] {
            assert!(!text.contains(needle), "{name} holds {needle}");
        }
    }

    // audited: who, how many charts, where
    let trail = services.audit_trail(&admin, None, 1).unwrap();
    let detail = &trail[0].event.event.detail;
    assert!(detail.starts_with("deid: 6 charts"), "{detail}");
    assert!(detail.contains(&out.display().to_string()), "{detail}");
    assert_eq!(trail[0].event.event.username, "admin1");

    // a second extract gets other study ids (no linking across extracts)
    let again = dir.path().join("again");
    services
        .export_deidentified(&admin, &again, &DeidOptions::default())
        .unwrap();
    let other: HashSet<String> = read_csv(&again, "patients.csv")
        .into_iter()
        .map(|r| r["study_patient_id"].clone())
        .collect();
    assert!(other.iter().all(|id| !patient_ids.contains(id.as_str())));
    // and the output directory must be new or empty
    let refused = services.export_deidentified(&admin, &again, &DeidOptions::default());
    assert!(
        matches!(refused, Err(ServiceError::Invalid { .. })),
        "{refused:?}"
    );
}

#[test]
fn the_self_check_catches_a_planted_identifier_and_deletes_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let (services, admin) = open(dir.path());
    let pop = population(&services);
    // a source system put the patient's SSN where a diagnosis code belongs
    plant_encounter(&services, &pop.okafor, (2025, 12, 1), &["999-12-5772"]);
    let out = dir.path().join("extract");
    let err = services
        .export_deidentified(&admin, &out, &DeidOptions::default())
        .unwrap_err();
    let ServiceError::SelfCheck(failure) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(failure.file, "diagnoses.csv");
    assert_eq!(failure.kind.label(), "SSN");
    assert!(failure.line >= 2);
    let message = err.to_string();
    assert!(message.contains("diagnoses.csv line"), "{message}");
    assert!(!message.contains("5772"), "{message}");
    assert!(!out.exists(), "the output is deleted");
    let trail = services.audit_trail(&admin, None, 1).unwrap();
    assert!(trail[0].event.event.detail.contains("self-check failed"));

    // a name planted the same way, into an existing (empty) directory: the files go,
    // the directory stays
    let dir2 = tempfile::tempdir().unwrap();
    let (services, admin) = open(dir2.path());
    let pop = population(&services);
    plant_encounter(&services, &pop.okafor, (2025, 12, 1), &["OKAFOR"]);
    let out = dir2.path().join("kept");
    std::fs::create_dir(&out).unwrap();
    let err = services
        .export_deidentified(&admin, &out, &DeidOptions::default())
        .unwrap_err();
    assert!(err.to_string().contains("holds a name"), "{err}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
}

#[test]
fn a_date_range_keeps_only_that_care_and_its_patients() {
    let dir = tempfile::tempdir().unwrap();
    let (services, admin) = open(dir.path());
    population(&services);
    let out = dir.path().join("2025");
    let options = DeidOptions {
        from: NaiveDate::from_ymd_opt(2025, 1, 1),
        to: NaiveDate::from_ymd_opt(2025, 12, 31),
    };
    let report = services
        .export_deidentified(&admin, &out, &options)
        .unwrap();
    assert_eq!((report.charts, report.encounters), (2, 2));
    let backwards = DeidOptions {
        from: options.to,
        to: options.from,
    };
    let err = services.export_deidentified(&admin, &dir.path().join("x"), &backwards);
    assert!(matches!(err, Err(ServiceError::Invalid { .. })));
}

#[test]
fn only_admin_and_research_export_deidentified_data() {
    let dir = tempfile::tempdir().unwrap();
    let (services, admin) = open(dir.path());
    population(&services);
    for (name, role, ok) in [
        ("res1", Role::Research, true),
        ("sup1", Role::Supervisor, false),
        ("clerk1", Role::Clerk, false),
    ] {
        let session = staff_session(&services, &admin, name, role);
        let result =
            services.export_deidentified(&session, &dir.path().join(name), &DeidOptions::default());
        assert_eq!(result.is_ok(), ok, "{name}: {result:?}");
        if !ok {
            assert!(matches!(result, Err(ServiceError::Forbidden { .. })));
            assert!(!dir.path().join(name).exists());
        }
    }
    // a researcher never opens an identified chart
    let research = services.local_session("res1").unwrap();
    assert!(services.search_patients(&research, "okafor", 10).is_err());
}
