//! The Identity workspace through the services: `find` stores twins-safe candidate
//! pairs, decisions stick across runs, merges verify pairs and unmerge restores them
//! (a property test: merge then unmerge leaves the charts, pairs and merges as they
//! were), MergeCharts is enforced and audited, and paper charts move and are pulled in
//! terminal-digit order.

use chartroom_domain::chart_tracking::ChartPlace;
use chartroom_domain::duplicates::DuplicateStatus;
use chartroom_domain::{
    AccessAction, Address, Encounter, EncounterClass, EncounterId, FixedClock, Patient, PatientId,
    Sex, Ssn,
};
use chartroom_services::{ServiceError, Services, Session};
use chartroom_testkit::{patient, plant_patient};
use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use std::path::Path;
use std::sync::Arc;

fn open(dir: &Path) -> (Services, Session) {
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
    ));
    let services = Services::open(dir, clock).unwrap();
    let session = services.local_session("him1").unwrap();
    (services, session)
}

fn home(line: &str) -> Option<Address> {
    Some(Address {
        line: line.into(),
        city: "Springfield".into(),
        state: "IL".into(),
        zip: "62701".into(),
    })
}

fn person(given: &str, family: &str, dob: (i32, u32, u32), sex: Sex, line: &str) -> Patient {
    let mut p = patient(given, family, dob);
    p.sex = sex;
    p.address = home(line);
    p.phones = vec![format!("217-555-{:04}", line.len() * 37 % 10_000)];
    p
}

fn plant(services: &Services, p: Patient) -> Patient {
    plant_patient(services.store_for_tests(), p)
}

/// A person registered three times, twins, a father and son, a shared SSN.
fn population(services: &Services) -> Vec<Patient> {
    let mut ada = person("Adaeze", "Okafor", (1970, 2, 3), Sex::Female, "12 Oak St");
    ada.name.middle = Some("Ngozi".into());
    ada.ssn = Ssn::parse("912-34-5678");
    let ada2 = {
        let mut p = ada.clone();
        p.name.given = "Adaezee".into();
        p.ssn = None;
        p
    };
    let ada3 = {
        let mut p = ada.clone();
        p.dob = NaiveDate::from_ymd_opt(1970, 3, 2).unwrap();
        p.address = home("9 Elm Rd");
        p.phones.clear();
        p
    };
    let twin1 = person("Emma", "Lee", (2001, 6, 7), Sex::Female, "4 Pine Ave");
    let twin2 = person("Olivia", "Lee", (2001, 6, 7), Sex::Female, "4 Pine Ave");
    let mut sr = person("Robert", "Hale", (1950, 8, 1), Sex::Male, "77 Main St");
    sr.name.suffix = Some("Sr".into());
    let mut jr = person("Robert", "Hale", (1980, 8, 1), Sex::Male, "77 Main St");
    jr.name.suffix = Some("Jr".into());
    let mut stranger = person("Linda", "Marsh", (1961, 11, 30), Sex::Female, "3 Bay Rd");
    stranger.ssn = ada.ssn.clone();
    [ada, ada2, ada3, twin1, twin2, sr, jr, stranger]
        .into_iter()
        .map(|p| plant(services, p))
        .collect()
}

fn pair_ids(
    services: &Services,
    session: &Session,
) -> Vec<(PatientId, PatientId, DuplicateStatus)> {
    services
        .duplicate_pairs(session)
        .unwrap()
        .into_iter()
        .map(|v| (v.pair.a, v.pair.b, v.pair.status))
        .collect()
}

#[test]
fn find_proposes_the_three_pairs_of_a_triple_and_no_look_alikes() {
    let dir = tempfile::tempdir().unwrap();
    let (services, him) = open(dir.path());
    let people = population(&services);
    let report = services.find_duplicates(&him).unwrap();
    assert_eq!(
        (report.pairs, report.new_pairs, report.threshold),
        (3, 3, 60)
    );
    let pairs = pair_ids(&services, &him);
    let ada: Vec<PatientId> = people[..3].iter().map(|p| p.id).collect();
    for (a, b, status) in &pairs {
        assert!(ada.contains(a) && ada.contains(b), "{pairs:?}");
        assert_eq!(*status, DuplicateStatus::Potential);
    }
    // Best first.
    let views = services.duplicate_pairs(&him).unwrap();
    assert!(views.windows(2).all(|w| w[0].pair.score >= w[1].pair.score));
    // Running again finds the same, nothing new.
    let again = services.find_duplicates(&him).unwrap();
    assert_eq!((again.pairs, again.new_pairs, again.dropped), (3, 0, 0));
}

#[test]
fn decisions_stick_and_a_higher_threshold_hides_potential_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let (services, him) = open(dir.path());
    let people = population(&services);
    services.find_duplicates(&him).unwrap();
    let (a, b) = (people[1].id, people[2].id);
    services
        .decide_duplicate(&him, b, a, DuplicateStatus::NotDuplicate, "checked")
        .unwrap();
    services
        .decide_duplicate(
            &him,
            people[0].id,
            a,
            DuplicateStatus::Deferred,
            "call patient",
        )
        .unwrap();
    let refused = services.decide_duplicate(&him, a, b, DuplicateStatus::VerifiedDuplicate, "");
    assert!(matches!(refused, Err(ServiceError::Invalid { .. })));
    let report = services.find_duplicates(&him).unwrap();
    assert_eq!((report.decided, report.new_pairs), (2, 0));
    let pairs = pair_ids(&services, &him);
    assert!(
        pairs.contains(&(a, b, DuplicateStatus::NotDuplicate)),
        "{pairs:?}"
    );
    assert!(pairs.contains(&(people[0].id, a, DuplicateStatus::Deferred)));

    std::fs::write(
        dir.path().join("config.toml"),
        "[identity]\nduplicate_threshold = 100\n",
    )
    .unwrap();
    let shown = pair_ids(&services, &him);
    assert_eq!(shown.len(), 2, "decided pairs stay listed: {shown:?}");
    std::fs::write(
        dir.path().join("config.toml"),
        "[identity]\nduplicate_threshold = 101\n",
    )
    .unwrap();
    assert!(services.find_duplicates(&him).is_err());
}

#[test]
fn merge_verifies_the_pair_and_unmerge_puts_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let (services, him) = open(dir.path());
    let people = population(&services);
    services.find_duplicates(&him).unwrap();
    let (keep, gone) = (people[0].id, people[1].id);
    services
        .merge_charts(&him, keep, gone, "same person")
        .unwrap();
    let pairs = pair_ids(&services, &him);
    assert!(pairs.contains(&(keep, gone, DuplicateStatus::VerifiedDuplicate)));
    // The retired chart is not proposed again; its other pair is dropped.
    let report = services.find_duplicates(&him).unwrap();
    assert_eq!(report.pairs, 1, "{report:?}");
    services.unmerge_chart(&him, gone, "wrong").unwrap();
    let pairs = pair_ids(&services, &him);
    assert!(
        pairs.contains(&(keep, gone, DuplicateStatus::Potential)),
        "{pairs:?}"
    );

    // A merge of a pair find never proposed creates it, and its unmerge removes it.
    let (t1, t2) = (people[3].id, people[4].id);
    services.merge_charts(&him, t1, t2, "test").unwrap();
    assert!(pair_ids(&services, &him).contains(&(t1, t2, DuplicateStatus::VerifiedDuplicate)));
    services.unmerge_chart(&him, t2, "twins after all").unwrap();
    assert!(pair_ids(&services, &him).iter().all(|(a, _, _)| *a != t1));
}

#[test]
fn only_merge_roles_review_duplicates_and_refusals_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (services, admin) = open(dir.path());
    let people = population(&services);
    let clerk = super::support::clerk_session(&services, &admin, "clerk1");
    assert!(matches!(
        services.find_duplicates(&clerk),
        Err(ServiceError::Forbidden { .. })
    ));
    assert!(services.duplicate_pairs(&clerk).is_err());
    assert!(services
        .decide_duplicate(
            &clerk,
            people[0].id,
            people[1].id,
            DuplicateStatus::Deferred,
            ""
        )
        .is_err());
    assert!(services
        .duplicate_pair_detail(&clerk, people[0].id, people[1].id)
        .is_err());
    let trail = services.audit_trail(&admin, None, 100).unwrap();
    assert!(
        trail
            .iter()
            .filter(|e| e.event.event.action == AccessAction::Denied)
            .count()
            >= 4,
        "{trail:?}"
    );
    services.find_duplicates(&admin).unwrap();
    let detail = services
        .duplicate_pair_detail(&admin, people[1].id, people[0].id)
        .unwrap();
    assert_eq!(detail.view.a.id, people[0].id);
    let trail = services.audit_trail(&admin, None, 200).unwrap();
    assert!(trail
        .iter()
        .any(|e| e.event.event.action == AccessAction::Merge
            && e.event.event.detail.contains("duplicate detection")));
    assert!(trail
        .iter()
        .any(|e| e.event.event.action == AccessAction::OpenChart
            && e.event.event.detail.contains("duplicate review")));
}

#[test]
fn charts_charge_out_check_in_overdue_and_pull_list_in_terminal_digit_order() {
    let dir = tempfile::tempdir().unwrap();
    let (services, clerk) = open(dir.path());
    let store = services.store_for_tests();
    let mut planted = Vec::new();
    for (i, given) in ["Ann", "Bo", "Cy", "Di"].iter().enumerate() {
        let mut p = patient(given, "Pull", (1980, 1, 1 + i as u32));
        p.id = PatientId(0);
        let mut tx = store.write().unwrap();
        p.id = tx.next_patient_id().unwrap();
        // MRNs chosen so terminal-digit order differs from number order.
        p.mrn = chartroom_domain::Mrn([123_456, 993_456, 120_057, 100_156][i]);
        tx.put_patient(&p).unwrap();
        let admit = NaiveDate::from_ymd_opt(2026, 11, 3)
            .unwrap()
            .and_hms_opt(8 + i as u32, 0, 0)
            .unwrap();
        tx.put_encounter(&Encounter {
            id: EncounterId(i as u64 + 1),
            number: format!("V{i}"),
            patient: p.id,
            class: EncounterClass::Ambulatory,
            admit,
            discharge: None,
            discharge_offset_secs: 0,
            attending: None,
            other_providers: vec![],
            location: "Clinic".into(),
            reason: String::new(),
            source_id: None,
        })
        .unwrap();
        tx.commit().unwrap();
        planted.push(p);
    }
    let list = services
        .pull_list(&clerk, NaiveDate::from_ymd_opt(2026, 11, 3).unwrap())
        .unwrap();
    let mrns: Vec<u32> = list.iter().map(|i| i.patient.mrn.0).collect();
    assert_eq!(mrns, vec![100_156, 123_456, 993_456, 120_057]);

    let due = NaiveDate::from_ymd_opt(2026, 11, 1);
    let out = services
        .move_chart(
            &clerk,
            planted[0].id,
            1,
            ChartPlace::Department("Cardiology".into()),
            due,
            "",
        )
        .unwrap();
    assert!(out.overdue(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()));
    assert!(services
        .move_chart(
            &clerk,
            planted[0].id,
            1,
            ChartPlace::Department("Cardiology".into()),
            due,
            ""
        )
        .is_err());
    let outs = services.charts_out(&clerk).unwrap();
    assert_eq!(outs.len(), 1);
    let list = services
        .pull_list(&clerk, NaiveDate::from_ymd_opt(2026, 11, 3).unwrap())
        .unwrap();
    assert_eq!(list[1].place, ChartPlace::Department("Cardiology".into()));
    services
        .move_chart(&clerk, planted[0].id, 1, ChartPlace::FileRoom, None, "")
        .unwrap();
    assert!(services.charts_out(&clerk).unwrap().is_empty());
    let trail = services.audit_trail(&clerk, None, 100).unwrap();
    assert!(
        trail
            .iter()
            .filter(|e| e.event.event.action == AccessAction::ChartTracking)
            .count()
            >= 4
    );
}

/// What merge then unmerge must leave exactly as it was.
fn observable(services: &Services, session: &Session) -> Vec<String> {
    let read = services.store_for_tests().read().unwrap();
    let mut out = Vec::new();
    for p in read.patients().unwrap() {
        let p = p.unwrap();
        out.push(format!(
            "{} {} {:?} merged-into {:?} encounters {:?}",
            p.id,
            p.mrn,
            p.name.display_last_first(),
            read.merged_into(p.id).unwrap(),
            read.encounters_of(p.id)
                .unwrap()
                .iter()
                .map(|e| e.id)
                .collect::<Vec<_>>()
        ));
    }
    let mut retired: Vec<_> = read.retired_charts().unwrap().into_iter().collect();
    retired.sort();
    out.push(format!("retired {retired:?}"));
    for v in services.duplicate_pairs(session).unwrap() {
        out.push(format!(
            "pair {} {} {} {:?}",
            v.pair.a, v.pair.b, v.pair.score, v.pair.status
        ));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn merge_then_unmerge_is_the_identity(
        survivor in 0usize..8,
        retired in 0usize..8,
        find_first in any::<bool>(),
        decide in 0u8..3,
    ) {
        prop_assume!(survivor != retired);
        let dir = tempfile::tempdir().unwrap();
        let (services, him) = open(dir.path());
        let people = population(&services);
        if find_first {
            services.find_duplicates(&him).unwrap();
        }
        let (s, r) = (people[survivor].id, people[retired].id);
        let status = [DuplicateStatus::Potential, DuplicateStatus::Deferred, DuplicateStatus::NotDuplicate][decide as usize];
        if status != DuplicateStatus::Potential {
            services.decide_duplicate(&him, s, r, status, "before").unwrap();
        }
        let before = observable(&services, &him);
        services.merge_charts(&him, s, r, "prop").unwrap();
        prop_assert_ne!(&observable(&services, &him), &before);
        services.unmerge_chart(&him, r, "prop").unwrap();
        prop_assert_eq!(observable(&services, &him), before);
    }
}
