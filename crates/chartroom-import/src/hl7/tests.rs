//! Tests of the HL7 import against hand-made messages and the shared samples.

use super::*;
use chartroom_domain::duplicates::DuplicateStatus;
use chartroom_domain::{EncounterClass, Mrn, NameKind, Sex};
use chartroom_testkit::{shared_data, temp_store};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text.replace('\n', "\r")).unwrap();
    path
}

fn import(store: &Store, path: &Path) -> Result<Hl7ImportReport, Hl7ImportError> {
    import_hl7(store, path, Hl7Options::default())
}

const A01: &str = "MSH|^~\\&|REG|HOSP|CHART|HIM|20240301083000||ADT^A01^ADT_A01|C1|P|2.5
EVN|A01|20240301083000
PID|1||1234567890^^^HOSP^MR~555-12-3456^^^SSA^SS||Doe^Jane^Q^^Ms~Roe^Janie||19800214|F|||12 Main St^Apt 4^Springfield^IL^62701||^PRN^PH^^^217^5551234|555 999 8888||||||||||||||||N
PV1|1|I|4W^401^B^HOSP||||1234^Welby^Marcus^^^Dr||||||||||||V100|||||||||||||||||||||||||20240301080000
";

#[test]
fn a01_a08_a03_a40_on_a_small_population() {
    let (dir, store) = temp_store();
    let path = write(dir.path(), "a01.hl7", A01);
    let report = import(&store, &path).unwrap();
    assert_eq!(
        (
            report.applied,
            report.patients_added,
            report.encounters_added
        ),
        (1, 1, 1)
    );

    let read = store.read().unwrap();
    let id = read
        .patient_by_identifier("mr", "1234567890")
        .unwrap()
        .unwrap();
    let p = read.patient(id).unwrap().unwrap();
    assert_eq!(p.name.family, "Doe");
    assert_eq!(p.name.middle.as_deref(), Some("Q"));
    assert_eq!(p.other_names[0].kind, NameKind::Alias);
    assert_eq!(p.dob.to_string(), "1980-02-14");
    assert_eq!(p.sex, Sex::Female);
    assert_eq!(p.address.as_ref().unwrap().line, "12 Main St, Apt 4");
    assert_eq!(p.phones, vec!["(217) 5551234", "555 999 8888"]);
    assert_eq!(p.ssn.as_ref().unwrap().last4(), "3456");
    // 10 digits do not fit chartroom's MRN: a minted one, the MR kept as sent first.
    assert_eq!(p.identifiers[0].value, "1234567890");
    let e = read.encounter_by_number("V100").unwrap().unwrap();
    assert_eq!(e.class, EncounterClass::Inpatient);
    assert_eq!(e.admit.to_string(), "2024-03-01 08:00:00");
    assert_eq!(e.location, "4W 401 B HOSP");
    assert!(e.attending.is_some());
    drop(read);

    // A08 with a new family name, then A03, both naming the chart by its MR value.
    let later = "MSH|^~\\&|REG|HOSP|CHART|HIM|20240302090000||ADT^A08|C2|P|2.5
PID|1||1234567890^^^HOSP^MR||Smith^Jane||19800214|F
PV1|1|I|||||||||||||||||V100
MSH|^~\\&|REG|HOSP|CHART|HIM|20240305100000-0500||ADT^A03|C3|P|2.5
PID|1||1234567890^^^HOSP^MR
PV1|1|I|||||||||||||||||V100
";
    let report = import(&store, &write(dir.path(), "later.hl7", later)).unwrap();
    assert_eq!(report.applied, 2, "{report}");
    let read = store.read().unwrap();
    let p = read.patient(id).unwrap().unwrap();
    assert_eq!(p.name.family, "Smith");
    assert!(p
        .other_names
        .iter()
        .any(|a| a.kind == NameKind::Previous && a.name.family == "Doe"));
    let e = read.encounter_by_number("V100").unwrap().unwrap();
    assert_eq!(e.discharge.unwrap().to_string(), "2024-03-05 15:00:00");
    drop(read);

    // A second chart (8-digit MR: becomes the MRN), then A40 merges it into the first.
    let second = "MSH|^~\\&|REG|HOSP|CHART|HIM|20240306||ADT^A04|C4|P|2.5
PID|1||00777001^^^HOSP^MR||Doe^Janet||19800214|F
PV1|1|O|||||||||||||||||V200
MSH|^~\\&|REG|HOSP|CHART|HIM|20240307||ADT^A40|C5|P|2.5
EVN|A40|20240307
PID|1||1234567890^^^HOSP^MR
MRG|00777001^^^HOSP^MR
MSH|^~\\&|REG|HOSP|CHART|HIM|20240308||ADT^A08|C6|P|2.5
PID|1||00777001^^^HOSP^MR||Doe^Janet R||19800214|F
";
    let report = import(&store, &write(dir.path(), "second.hl7", second)).unwrap();
    assert_eq!((report.applied, report.merges), (3, 1), "{report}");
    let read = store.read().unwrap();
    let retired = read.patient_by_mrn(Mrn(777001)).unwrap().unwrap();
    let merge = read.merge_of(retired.id).unwrap().unwrap();
    assert_eq!(merge.survivor, id);
    assert!(merge.active());
    assert_eq!(read.merged_into(id).unwrap(), vec![retired.id]);
    // The A40 is the same merge as the workspace's: its pair is a verified duplicate.
    let pair = read.duplicate_pair(retired.id, id).unwrap().unwrap();
    assert_eq!(pair.status, DuplicateStatus::VerifiedDuplicate);
    assert_eq!(pair.history.len(), 1);
    assert!(pair.history[0].by.starts_with("hl7:"), "{:?}", pair.history);
    // The A08 naming the retired MRN updated the survivor.
    let survivor = read.patient(id).unwrap().unwrap();
    assert_eq!(survivor.name.given, "Janet R");
    assert_eq!(retired.name.given, "Janet");
}

#[test]
fn unknown_patients_and_other_types_are_counted_not_fatal() {
    let (dir, store) = temp_store();
    let text = "MSH|^~\\&|REG|HOSP|||20240301||ADT^A08|U1|P|2.5
PID|1||999^^^HOSP^MR||X^Y||19800101
MSH|^~\\&|LAB|HOSP|||20240301||ORU^R01|U2|P|2.5
PID|1||999^^^HOSP^MR
MSH|^~\\&|REG|HOSP|||20240301||ADT^A02|U3|P|2.5
PID|1||999^^^HOSP^MR
";
    let report = import(&store, &write(dir.path(), "u.hl7", text)).unwrap();
    assert_eq!(report.count_of(AckCode::Error), 1);
    assert_eq!(report.count_of(AckCode::Reject), 1);
    assert_eq!(report.skipped.get("ADT^A02"), Some(&1));
    assert_eq!(report.refusals[0].control_id, "U1");
    assert!(report.to_string().contains("unknown patient"), "{report}");
}

#[test]
fn a_bad_field_refuses_the_whole_file_naming_where_never_what() {
    let (dir, store) = temp_store();
    let text = format!(
        "{A01}MSH|^~\\&|REG|HOSP|||20240301||ADT^A01|BAD7|P|2.5
PID|1||42^^^HOSP^MR||Secret^Name||1980-02-14
"
    );
    let err = import(&store, &write(dir.path(), "bad.hl7", &text)).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("bad.hl7 message 2 (control id BAD7), segment PID, field PID-7"),
        "{text}"
    );
    assert!(
        !text.contains("1980-02-14") && !text.contains("Secret"),
        "{text}"
    );
    assert_eq!(store.read().unwrap().counts().unwrap().patients, 0);
}

#[test]
fn synthea_ids_find_the_imported_chart() {
    let (dir, store) = temp_store();
    {
        let mut tx = store.write().unwrap();
        let mut p = chartroom_testkit::patient("Alva958", "Dickinson688", (1970, 1, 2));
        p.id = tx.next_patient_id().unwrap();
        p.mrn = tx.next_mrn().unwrap();
        p.identifiers = vec![chartroom_domain::Identifier {
            system: "synthea".into(),
            value: "a1b2c3".into(),
        }];
        tx.put_patient(&p).unwrap();
        tx.commit().unwrap();
    }
    let text = "MSH|^~\\&|SYN|HOSP|||20240301||ADT^A08|S1|P|2.5
PID|1||a1b2c3^^^SYNTHEA^PI||Dickinson688^Alva958^^^^^L||19700102|M
";
    let report = import(&store, &write(dir.path(), "s.hl7", text)).unwrap();
    assert_eq!(report.applied, 1, "{report}");
    let read = store.read().unwrap();
    let id = read
        .patient_by_identifier("synthea", "a1b2c3")
        .unwrap()
        .unwrap();
    assert_eq!(read.patient(id).unwrap().unwrap().sex, Sex::Male);
}

#[test]
fn shared_secondary_identifiers_are_flagged_not_refused() {
    let (dir, store) = temp_store();
    let text = "MSH|^~\\&|REG|HOSP|||20240301||ADT^A04|L1|P|2.5
PID|1||11^^^HOSP^MR~D123^^^IL^DL||One^Ann||19800101
MSH|^~\\&|REG|HOSP|||20240301||ADT^A04|L2|P|2.5
PID|1||12^^^HOSP^MR~D123^^^IL^DL||Two^Bea||19810101
";
    let report = import(&store, &write(dir.path(), "l.hl7", text)).unwrap();
    assert_eq!(report.patients_added, 2, "{report}");
    let read = store.read().unwrap();
    let one = read.patient_by_mrn(Mrn(11)).unwrap().unwrap();
    let two = read.patient_by_mrn(Mrn(12)).unwrap().unwrap();
    assert!(two.identifiers.iter().any(|i| i.value == "D123"));
    assert_eq!(read.identifier_conflicts(one.id).unwrap(), vec![two.id]);
}

#[test]
fn ms_fhir_converter_samples_import() {
    let Some(dir) = shared_data("hl7v2-ms-fhir-converter/messages") else {
        return;
    };
    let (_tmp, store) = temp_store();
    let report = import(&store, &dir).unwrap();
    assert_eq!(report.files, 139);
    assert_eq!(report.messages, 139, "{report}");
    eprintln!("{report}");
    assert!(report.applied >= 10, "{report}");
    assert!(report.count_of(AckCode::Reject) > 50, "{report}");
}

#[test]
fn simhospital_stream_imports() {
    let Some(file) = shared_data("hl7v2-simhospital/messages.out") else {
        return;
    };
    let (_tmp, store) = temp_store();
    let report = import(&store, &file).unwrap();
    assert_eq!(report.messages, 1013, "{report}");
    assert_eq!(report.applied, 400, "{report}");
    assert_eq!(report.count_of(AckCode::Reject), 612, "{report}");
    assert_eq!(report.skipped.get("ADT^A34"), Some(&1));
    let read = store.read().unwrap();
    assert_eq!(read.counts().unwrap().patients, 403 - 3, "{report}");
    let id = read.patient_by_identifier("mr", "2590157853").unwrap();
    assert!(id.is_some());
}

#[test]
fn python_hl7_samples_import_or_are_refused() {
    let Some(dir) = shared_data("hl7v2-python-hl7-tests/messages") else {
        return;
    };
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (_tmp, store) = temp_store();
        let result = import(&store, &path);
        if name.contains("_bad_") {
            let err = result.expect_err(&name).to_string();
            assert!(err.contains(&name), "{err}");
            assert_eq!(store.read().unwrap().counts().unwrap().patients, 0);
        } else {
            let report = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(report.messages >= 1, "{name}");
        }
    }
}

#[test]
fn hl7apy_samples_never_panic_and_commit_whole_files() {
    let Some(dir) = shared_data("hl7v2-hl7apy-tests/messages") else {
        return;
    };
    let mut refused = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let (_tmp, store) = temp_store();
        if import(&store, &path).is_err() {
            refused += 1;
            assert_eq!(store.read().unwrap().counts().unwrap().patients, 0);
        }
    }
    assert!(refused >= 2, "the format templates are refused");
}

#[test]
fn feed_groups_concurrent_messages_and_rolls_back_only_the_refused() {
    let (_dir, store) = temp_store();
    let feed = Feed::new(&store, Hl7Options::default()).unwrap();
    let now = chrono::Utc::now();
    std::thread::scope(|scope| {
        for s in 0..8 {
            let (feed, store) = (&feed, &store);
            scope.spawn(move || {
                for i in 0..10 {
                    // Every third message has a bad date of birth: AE, nothing written.
                    let dob = if i % 3 == 2 { "1980-01-01" } else { "19800101" };
                    let text = format!(
                        "MSH|^~\\&|S{s}|H|||2024||ADT^A04|{i}|P|2.5\rPID|1||S{s}N{i}^^^H^MR||F^G||{dob}\rPV1|1|O|||||||||||||||||V{s}N{i}\r"
                    );
                    let answer = feed.handle(store, text.as_bytes(), now);
                    let want = if i % 3 == 2 { AckCode::Error } else { AckCode::Accept };
                    assert_eq!(answer.code, want, "{:?}", answer.reason);
                }
            });
        }
    });
    let read = store.read().unwrap();
    let counts = read.counts().unwrap();
    // 8 senders x 10 messages, 3 of every 10 refused.
    assert_eq!((counts.patients, counts.encounters), (8 * 7, 8 * 7));
    assert!(read.patient_by_identifier("mr", "S3N2").unwrap().is_none());
    assert!(read.encounter_by_number("V3N2").unwrap().is_none());
    assert!(read.patient_by_identifier("mr", "S3N3").unwrap().is_some());
}

#[test]
fn a_50_mb_file_with_a_huge_message_is_refused_whole() {
    let (dir, store) = temp_store();
    let path = dir.path().join("huge.hl7");
    let mut text = A01.replace('\n', "\r").into_bytes();
    text.extend_from_slice(b"MSH|^~\\&|REG|HOSP|||2024||ADT^A08|HUGE|P|2.5\rNTE|1||");
    text.resize(50 * 1024 * 1024, b'x');
    std::fs::write(&path, &text).unwrap();
    let err = import(&store, &path).unwrap_err().to_string();
    assert!(
        err.contains("message 2 (control id HUGE) is larger than 16 MiB"),
        "{err}"
    );
    assert_eq!(store.read().unwrap().counts().unwrap().patients, 0);
}

#[test]
fn truncated_and_empty_files_are_refused() {
    let (dir, store) = temp_store();
    let cut = &A01[..A01.find("||19800214").unwrap()];
    let err = import(&store, &write(dir.path(), "cut.hl7", cut)).unwrap_err();
    assert!(err.to_string().contains("field PID-7"), "{err}");
    let err = import(&store, &write(dir.path(), "empty.hl7", "\n\n")).unwrap_err();
    assert!(err.to_string().contains("holds no HL7 messages"), "{err}");
    assert_eq!(store.read().unwrap().counts().unwrap().patients, 0);
}
