//! Patient and note search against small indexes with near-collisions.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::test_support::{date, note, patient};
use super::*;
use chartroom_domain::{AltName, NameKind, PersonName, Ssn};

fn population() -> Vec<PatientRecord> {
    let mut out = Vec::new();
    let mut p1 = patient(1, "John", "Smith", "1984-03-02");
    p1.patient.phones = vec!["(617) 555-1234".into()];
    p1.patient.ssn = Ssn::parse("999-12-5772");
    p1.encounter_numbers = vec!["ACC-0012345".into()];
    out.push(p1);
    out.push(patient(2, "John", "Smith", "1990-07-15"));
    let mut son = patient(3, "John", "Smith", "2010-05-05");
    son.patient.name.suffix = Some("Jr".into());
    out.push(son);
    let mut father = patient(4, "John", "Smith", "1975-01-20");
    father.patient.name.suffix = Some("Sr.".into());
    out.push(father);
    out.push(patient(5, "Anna", "Miller", "1984-02-03"));
    out.push(patient(6, "Emma", "Miller", "1984-02-03"));
    out.push(patient(7, "Robert", "Johnson", "1970-11-11"));
    let mut peg = patient(8, "Margaret", "Brown", "1955-06-30");
    peg.patient.other_names = vec![AltName {
        kind: NameKind::Maiden,
        name: PersonName::new("Margaret", "Wilson"),
    }];
    out.push(peg);
    out.push(patient(9, "Maria", "Garcia-Lopez", "1988-08-08"));
    out.push(patient(10, "Sean", "O'Brien", "1977-04-04"));
    out.push(patient(11, "Rosa", "De La Cruz", "1966-09-09"));
    out.push(patient(12, "Ian", "McKenzie", "1999-12-12"));
    out.push(patient(13, "Alva958", "Dickinson688", "1945-01-05"));
    out.push(patient(14, "Stephen", "Thompson", "1982-10-10"));
    out.push(patient(15, "Elizabeth", "Schmidt", "1991-03-15"));
    out.push(patient(16, "Bob", "Williams", "1960-02-02"));
    out.push(patient(17, "Jonathan", "Smithson", "1984-03-02"));
    let mut mid = patient(18, "Mary", "Jones", "1950-05-05");
    mid.patient.name.middle = Some("Quinn".into());
    out.push(mid);
    out.push(patient(19, "Mary", "Jones", "1950-05-06"));
    out
}

fn build(
    records: Vec<PatientRecord>,
    notes: Vec<DocumentRecord>,
) -> (tempfile::TempDir, TantivyIndex) {
    let dir = tempfile::tempdir().expect("temp dir");
    let idx = TantivyIndex::open(dir.path()).expect("open index");
    idx.rebuild(&mut records.into_iter(), &mut notes.into_iter())
        .expect("rebuild");
    (dir, idx)
}

fn top(idx: &TantivyIndex, q: &str) -> (u64, Vec<String>) {
    let hits = idx.search_patients(q, 10).expect("search");
    let first = hits.first().unwrap_or_else(|| panic!("no hits for {q}"));
    (first.patient.0, first.why.clone())
}

fn assert_top(idx: &TantivyIndex, q: &str, want: u64) -> Vec<String> {
    let hits = idx.search_patients(q, 10).expect("search");
    let ids: Vec<(u64, f32)> = hits.iter().map(|h| (h.patient.0, h.score)).collect();
    assert_eq!(
        hits.first().map(|h| h.patient.0),
        Some(want),
        "{q}: {ids:?} {:?}",
        hits.first().map(|h| &h.why)
    );
    // the runner-up must be strictly worse: no coin flips between different patients
    if let Some(second) = hits.get(1) {
        assert!(second.score < hits[0].score, "{q}: tie {ids:?}");
    }
    hits[0].why.clone()
}

fn has(why: &[String], needle: &str) -> bool {
    why.iter().any(|w| w.contains(needle))
}

#[test]
fn patient_search_end_to_end() {
    let (_dir, idx) = build(population(), Vec::new());
    // name orders
    for q in [
        "john smith 3/2/1984",
        "smith john 3/2/1984",
        "Smith, John 3/2/84",
        "SMITH,JOHN 03/02/1984",
    ] {
        let why = assert_top(&idx, q, 1);
        assert!(has(&why, "DOB exact"), "{q}: {why:?}");
    }
    // father and son
    assert_top(&idx, "john smith jr", 3);
    assert_top(&idx, "john smith sr", 4);
    assert_top(&idx, "smith, john jr.", 3);
    // twins and same-name-different-DOB
    assert_top(&idx, "anna miller 2/3/1984", 5);
    assert_top(&idx, "emma miller", 6);
    assert_top(&idx, "john smith 7/15/1990", 2);
    assert_top(&idx, "mary jones 5/6/1950", 19);
    assert_top(&idx, "mary q jones", 18);
    // typos, transpositions, dropped and doubled letters
    let why = assert_top(&idx, "jhon smith 03/02/84", 1);
    assert!(has(&why, "(1 typo)"), "{why:?}");
    assert_top(&idx, "john smiht 1984-03-02", 1);
    assert_top(&idx, "margret brown", 8);
    assert_top(&idx, "alva dickensen", 13);
    assert_top(&idx, "elizabth schmidt", 15);
    assert_top(&idx, "anna millerr 2/3/1984", 5);
    // sound-alikes
    let why = assert_top(&idx, "steven thompson", 14);
    assert!(has(&why, "steven→stephen"), "{why:?}");
    // nicknames both ways
    let why = assert_top(&idx, "bob johnson", 7);
    assert!(has(&why, "nickname bob→robert"), "{why:?}");
    assert_top(&idx, "robert williams", 16);
    assert_top(&idx, "peggy brown", 8);
    // maiden name
    let why = assert_top(&idx, "margaret wilson", 8);
    assert!(has(&why, "maiden"), "{why:?}");
    // hyphens and particles
    for q in [
        "garcia",
        "lopez maria",
        "garcia-lopez",
        "garcialopez",
        "maria garcia lopez",
    ] {
        assert_top(&idx, q, 9);
    }
    for q in ["obrien", "o brien", "O'Brien", "sean o'brien"] {
        assert_top(&idx, q, 10);
    }
    for q in ["de la cruz", "delacruz", "rosa dela cruz", "cruz rosa"] {
        assert_top(&idx, q, 11);
    }
    for q in ["mc kenzie", "mckenzie", "Ian Mc Kenzie"] {
        assert_top(&idx, q, 12);
    }
    // generator digits
    assert_top(&idx, "Alva958 Dickinson688", 13);
    // every DOB form, with the last name
    for q in [
        "smith 3/2/1984",
        "smith 03/02/84",
        "smith 1984-03-02",
        "smith 19840302",
        "smith 03021984",
    ] {
        let (id, why) = top(&idx, q);
        assert!(id == 1, "{q}: {id} {why:?}");
        assert!(has(&why, "DOB exact"), "{q}: {why:?}");
    }
    assert_top(&idx, "1945", 13);
    let why = assert_top(&idx, "john smith 2/3/1984", 1);
    assert!(has(&why, "DOB day/month swapped"), "{why:?}");
    let why = assert_top(&idx, "john smith 3/2/1985", 1);
    assert!(has(&why, "DOB one digit off"), "{why:?}");
    // identifiers
    for q in ["1001", "00001001", "00-00-10-01", "0000 1001"] {
        let why = assert_top(&idx, q, 1);
        assert!(has(&why, "MRN exact"), "{q}: {why:?}");
    }
    for q in [
        "617-555-1234",
        "(617) 555-1234",
        "6175551234",
        "+1 617 555 1234",
        "555-1234",
    ] {
        let why = assert_top(&idx, q, 1);
        assert!(has(&why, "phone"), "{q}: {why:?}");
    }
    for q in ["ACC-0012345", "acc0012345", "0012345"] {
        let why = assert_top(&idx, q, 1);
        assert!(has(&why, "encounter"), "{q}: {why:?}");
    }
    let why = assert_top(&idx, "smith 5772", 1);
    assert!(has(&why, "SSN last 4"), "{why:?}");
    assert!(!why.iter().any(|w| w.contains("999")), "{why:?}");
    // combinations
    let why = assert_top(&idx, "smyth jon 3/2/84", 1);
    assert!(has(&why, "smyth→smith"), "{why:?}");
    assert!(has(&why, "jon→john"), "{why:?}");
    // partial words
    let hits = idx.search_patients("dickin", 5).expect("search");
    assert_eq!(hits.first().map(|h| h.patient.0), Some(13));
    assert!(idx.search_patients("", 5).expect("search").is_empty());
    assert!(idx.search_patients("  ,, ", 5).expect("search").is_empty());
}

#[test]
fn odd_input_never_fails() {
    let (_dir, idx) = build(population(), Vec::new());
    let long = "x".repeat(5000);
    let many = "smith ".repeat(300);
    for q in [
        "",
        " ",
        ",",
        ",,,",
        "////",
        "--",
        "((",
        "'",
        "\"",
        "*",
        "1/1/1",
        "99/99/9999",
        "0",
        "00000000000000000000",
        "é",
        "日本語",
        "smith;john",
        "+",
        "#",
        "dob:",
        &long,
        &many,
        "jr",
        "a b c d e f g h i j k l m n o p",
        "1-2-3-4-5-6-7-8-9",
    ] {
        let hits = idx
            .search_patients(q, 10)
            .expect("search never fails on input");
        assert!(hits.len() <= 10);
    }
    for q in ["\"", "((", ")", "AND", "NOT", "a OR", "-", "*", &long] {
        let r = idx.search_notes(&text(q), 10);
        assert!(
            r.is_ok() || matches!(r, Err(SearchError::Query { .. })),
            "{q}"
        );
    }
}

#[test]
fn apply_upserts_and_ids_stay_in_sync() {
    let (_dir, idx) = build(population(), Vec::new());
    assert_eq!(idx.counts().expect("counts").patients, 19);
    let mut changed = patient(2, "Jonathan", "Zimmerman", "1990-07-15");
    changed.encounter_numbers = vec!["E-777".into()];
    idx.apply(vec![
        IndexChange::Patient(changed),
        IndexChange::Patient(patient(40, "New", "Person", "2000-01-01")),
    ])
    .expect("apply");
    assert_eq!(idx.counts().expect("counts").patients, 20);
    assert_top(&idx, "zimmerman", 2);
    assert_top(&idx, "new person", 40);
    let hits = idx
        .search_patients("john smith 7/15/1990", 10)
        .expect("search");
    assert!(hits
        .first()
        .is_some_and(|h| h.patient.0 != 2 || h.why.iter().any(|w| w.contains("nickname"))));
    let ids = idx.patient_ids().expect("ids");
    assert_eq!(ids.len(), 20);
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    assert!(idx.size_bytes() > 0);
}

/// Staged changes are invisible until the commit, and an id staged twice, or staged
/// over a committed document, still ends as exactly one document (the delete before an
/// add is skipped only for ids the index has never seen).
#[test]
fn staged_upserts_show_at_commit_once_per_id() {
    let (_dir, idx) = build(population(), Vec::new());
    idx.stage(vec![
        IndexChange::Patient(patient(40, "Staged", "Person", "2000-01-01")),
        IndexChange::Patient(patient(2, "Jonathan", "Quigley", "1990-07-15")),
    ])
    .expect("stage");
    assert_eq!(idx.counts().expect("counts").patients, 19);
    assert!(idx
        .search_patients("quigley", 5)
        .expect("search")
        .is_empty());
    // the same new id again before the commit: replaces its staged document
    idx.stage(vec![IndexChange::Patient(patient(
        40,
        "Restaged",
        "Person",
        "2000-01-01",
    ))])
    .expect("stage again");
    idx.commit().expect("commit");
    assert_eq!(idx.counts().expect("counts").patients, 20);
    assert_top(&idx, "quigley", 2);
    assert_top(&idx, "restaged person", 40);
    let ids = idx.patient_ids().expect("ids");
    assert_eq!(ids.iter().filter(|id| id.0 == 40).count(), 1);
    assert_eq!(ids.iter().filter(|id| id.0 == 2).count(), 1);
    assert!(idx
        .search_patients("zimmerman", 5)
        .expect("search")
        .iter()
        .all(|h| h.patient.0 != 2));
}

#[test]
fn searches_run_while_apply_writes() {
    let (_dir, idx) = build(population(), Vec::new());
    let idx = std::sync::Arc::new(idx);
    let mut threads = Vec::new();
    for t in 0..3u64 {
        let idx = idx.clone();
        threads.push(std::thread::spawn(move || {
            for i in 0..20u64 {
                if t == 0 {
                    let id = 100 + i;
                    idx.apply(vec![IndexChange::Patient(patient(
                        id,
                        "Temp",
                        "Person",
                        "2001-01-01",
                    ))])
                    .expect("apply");
                } else {
                    let hits = idx
                        .search_patients("john smith 3/2/1984", 5)
                        .expect("search");
                    assert_eq!(hits.first().map(|h| h.patient.0), Some(1));
                }
            }
        }));
    }
    for t in threads {
        t.join().expect("thread");
    }
    assert_eq!(idx.counts().expect("counts").patients, 39);
}

fn note_population() -> Vec<DocumentRecord> {
    vec![
        note(
            1,
            1,
            DocumentType::DischargeSummary,
            "2024-01-10",
            "Patient admitted with chest pain radiating to the left arm. Cardiology consulted.",
        ),
        note(
            2,
            1,
            DocumentType::ProgressNote,
            "2024-01-11",
            "Pain improved overnight. No chest discomfort. Cardiac enzymes normal.",
        ),
        note(
            3,
            2,
            DocumentType::EmergencyNote,
            "2024-02-01",
            "Complains of pains in the chest after a fall. X-ray negative.",
        ),
        DocumentRecord {
            author_name: Some("Jane Smith, RN".into()),
            ..note(
                4,
                5,
                DocumentType::NursingNote,
                "2024-03-01",
                "Fever and cough, no chest pain.",
            )
        },
    ]
}

fn note_ids(idx: &TantivyIndex, q: NoteQuery) -> Vec<u64> {
    let mut ids: Vec<u64> = idx
        .search_notes(&q, 10)
        .expect("note search")
        .iter()
        .map(|h| h.document.0)
        .collect();
    ids.sort_unstable();
    ids
}

fn text(q: &str) -> NoteQuery {
    NoteQuery {
        text: q.to_string(),
        ..NoteQuery::default()
    }
}

#[test]
fn note_search_end_to_end() {
    let (_dir, idx) = build(Vec::new(), note_population());
    assert_eq!(idx.counts().expect("counts").documents, 4);
    assert_eq!(note_ids(&idx, text("\"chest pain\"")), vec![1, 4]);
    assert_eq!(
        note_ids(&idx, text("chest AND pain NOT fever")),
        vec![1, 2, 3]
    );
    assert_eq!(
        note_ids(&idx, text("chest pain -fever -cardiac")),
        vec![1, 3]
    );
    assert_eq!(note_ids(&idx, text("cough OR x-ray")), vec![3, 4]);
    assert_eq!(note_ids(&idx, text("cardi*")), vec![1, 2]);
    assert_eq!(note_ids(&idx, text("+pain +cardiology")), vec![1]);
    assert_eq!(note_ids(&idx, text("NOT chest")), Vec::<u64>::new());
    let mut q = text("pain");
    q.patient = Some(PatientId(1));
    assert_eq!(note_ids(&idx, q), vec![1, 2]);
    let mut q = text("pain");
    q.doc_type = Some(DocumentType::DischargeSummary);
    assert_eq!(note_ids(&idx, q), vec![1]);
    let mut q = text("");
    q.from = Some(date("2024-01-11"));
    q.to = Some(date("2024-02-01"));
    assert_eq!(note_ids(&idx, q), vec![2, 3]);
    let mut q = text("");
    q.author = Some(ProviderId(1));
    assert_eq!(note_ids(&idx, q), vec![1, 4]);
    // by the author's name, in any order, every word required
    for (name, want) in [
        ("smith", vec![4]),
        ("Smith, Jane", vec![4]),
        ("jane smith rn", vec![4]),
        ("jane test", vec![]),
        ("test", vec![1, 2, 3]),
    ] {
        let mut q = text("");
        q.author_name = Some(name.into());
        assert_eq!(note_ids(&idx, q), want, "author {name}");
    }
    // hits carry the author, so results need no document read
    let hits = idx.search_notes(&text("fever"), 10).expect("search");
    assert_eq!(hits.first().and_then(|h| h.author), Some(ProviderId(1)));
    // filters only: newest first
    let hits = idx.search_notes(&text(""), 10).expect("search");
    assert_eq!(
        hits.iter().map(|h| h.document.0).collect::<Vec<_>>(),
        vec![4, 3, 2, 1]
    );

    let hits = idx
        .search_notes(&text("\"chest pain\""), 10)
        .expect("search");
    let h = hits.iter().find(|h| h.document.0 == 1).expect("note 1");
    assert_eq!(h.doc_type, DocumentType::DischargeSummary);
    assert_eq!(h.patient, PatientId(1));
    let marked: Vec<&str> = h
        .snippet
        .marks
        .iter()
        .map(|r| &h.snippet.text[r.clone()])
        .collect();
    assert_eq!(marked, vec!["chest", "pain"]);
    let hits = idx.search_notes(&text("pain"), 10).expect("search");
    let h = hits.iter().find(|h| h.document.0 == 3).expect("note 3");
    let marked: Vec<&str> = h
        .snippet
        .marks
        .iter()
        .map(|r| &h.snippet.text[r.clone()])
        .collect();
    assert_eq!(marked, vec!["pains"]);

    for bad in ["\"chest pain", "(fever", "fever AND", "OR", "*"] {
        match idx.search_notes(&text(bad), 10) {
            Err(SearchError::Query { position, .. }) => assert!(position >= 1, "{bad}"),
            other => panic!("{bad}: {other:?}"),
        }
    }

    // upsert a note
    let mut changed = note_population().remove(3);
    changed.document.text = "Afebrile, resting.".into();
    idx.apply(vec![IndexChange::Document(changed)])
        .expect("apply");
    assert_eq!(note_ids(&idx, text("fever")), Vec::<u64>::new());
    assert_eq!(
        idx.document_ids().expect("ids"),
        vec![DocumentId(1), DocumentId(2), DocumentId(3), DocumentId(4)]
    );
}

#[test]
fn identifiers_from_other_systems_are_found() {
    let mut out = population();
    let mut imported = patient(30, "Maynard", "Mosciski", "2014-10-06");
    imported.patient.identifiers = vec![chartroom_domain::Identifier {
        system: "synthea".into(),
        value: "3edac2e3-d223-6fae-d515-daf96ef6bc76".into(),
    }];
    out.push(imported);
    let mut imported = patient(31, "Curt", "Schmidt", "2008-04-07");
    imported.patient.identifiers = vec![chartroom_domain::Identifier {
        system: "synthea".into(),
        value: "de6e8b83-07d5-1f23-e118-d7d85ca3a88a".into(),
    }];
    out.push(imported);
    let (_dir, idx) = build(out, Vec::new());
    // another system's identifier (a Synthea Id): dashed, undashed, upper case, a prefix
    for q in [
        "3edac2e3-d223-6fae-d515-daf96ef6bc76",
        "3edac2e3d2236faed515daf96ef6bc76",
        "3EDAC2E3-D223-6FAE-D515-DAF96EF6BC76",
        "de6e8b8307d51f23e118d7d85ca3a88a",
    ] {
        let want = if q.starts_with('d') { 31 } else { 30 };
        let why = assert_top(&idx, q, want);
        assert!(has(&why, "identifier exact"), "{q}: {why:?}");
    }
    let why = assert_top(&idx, "3edac2e3", 30);
    assert!(has(&why, "identifier starts with"), "{why:?}");
}

#[test]
fn a_middle_name_match_outranks_a_mere_sound_alike() {
    let mut middle = patient(41, "Christopher", "Smith", "1989-12-22");
    middle.patient.name.middle = Some("John".into());
    let records = vec![
        patient(40, "Anne", "Smith", "1969-02-07"),
        middle,
        patient(42, "John", "Smith", "1998-06-23"),
    ];
    let (_dir, idx) = build(records, Vec::new());
    let hits = idx.search_patients("smith john", 10).expect("search");
    let order: Vec<u64> = hits.iter().map(|h| h.patient.0).collect();
    assert_eq!(
        order,
        vec![42, 41, 40],
        "{:?}",
        hits.iter().map(|h| &h.why).collect::<Vec<_>>()
    );
}

#[test]
fn each_pass_keeps_the_right_patient_first() {
    let mut records = population();
    records.push(patient(20, "Mari", "Potter", "1981-11-18"));
    records.push(patient(21, "Katherine", "Smith", "1971-01-01"));
    records.push(patient(22, "Catherine", "Smith", "1972-02-02"));
    records.push(patient(23, "Kenneth", "Johnson", "2003-09-07"));
    records.push(patient(24, "Maria", "Crews", "1988-08-01"));
    let (_dir, idx) = build(records, Vec::new());
    // letters dropped from a long family name keep the long name's allowance
    let why = assert_top(&idx, "pote mari 11181981", 20);
    assert!(has(&why, "potter"), "{why:?}");
    assert_top(&idx, "johno kenneth 09/07/03", 23);
    // a one-digit slip of a date typed without separators
    let why = assert_top(&idx, "potter mari 11191981", 20);
    assert!(!has(&why, "DOB exact"), "{why:?}");
    // every word matched: the sound-alike is listed under the exact name, never dropped
    let hits = idx.search_patients("katherine smith", 10).expect("search");
    let order: Vec<u64> = hits.iter().map(|h| h.patient.0).collect();
    assert_eq!(order.first(), Some(&21), "{order:?}");
    assert!(order.contains(&22), "{order:?}");
    assert!(
        !order.contains(&2),
        "a John Smith is not a Katherine: {order:?}"
    );
    // sharing a sound code is not enough when the spellings are far apart (KRS)
    let hits = idx.search_patients("garcia maria", 10).expect("search");
    assert_eq!(
        hits.first().map(|h| h.patient.0),
        Some(9),
        "Garcia-Lopez, Maria first"
    );
    assert!(
        hits.iter()
            .all(|h| h.why.iter().all(|w| !w.contains("crews"))),
        "{:?}",
        hits.iter().map(|h| &h.why).collect::<Vec<_>>()
    );
    // a birth year narrows a common name to the patients born that year
    let hits = idx.search_patients("john smith 1990", 10).expect("search");
    assert_eq!(hits.first().map(|h| h.patient.0), Some(2));
    assert!(hits.iter().skip(1).all(|h| h.score < hits[0].score));
}

#[test]
fn a_changed_patient_is_not_found_by_the_old_name() {
    let (_dir, idx) = build(population(), Vec::new());
    idx.apply(vec![IndexChange::Patient(patient(
        2,
        "Jonathan",
        "Zimmerman",
        "1990-07-15",
    ))])
    .expect("apply");
    // strict (name and year) and DOB-slip (name and a slipped date) passes read postings
    // directly, so they must skip the replaced document themselves
    for q in [
        "john smith 1990",
        "smith john 7/16/1990",
        "smith john 07161990",
    ] {
        let hits = idx.search_patients(q, 10).expect("search");
        assert!(
            hits.iter()
                .all(|h| h.patient.0 != 2 || !has(&h.why, "last name smith")),
            "{q}: {:?}",
            hits.iter()
                .map(|h| (h.patient.0, &h.why))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_patient_with_hundreds_of_encounters_is_found_by_any_of_them() {
    // newest first, as the services list them; each a number and a Synthea UUID
    let mut heavy = patient(50, "John612", "Colon615", "1952-09-13");
    heavy.encounter_numbers = (0..300u32)
        .rev()
        .flat_map(|i| {
            [
                format!("SY{i:012X}"),
                format!("{i:08x}-0000-4000-a000-{i:012x}"),
            ]
        })
        .collect();
    // and the oldest of all an account number of digits only
    heavy.encounter_numbers.push("90007771".into());
    let mut records = population();
    records.push(heavy);
    let (_dir, idx) = build(records, Vec::new());
    let why = assert_top(&idx, "colon john 9/13/1952", 50);
    assert!(has(&why, "DOB exact"), "{why:?}");
    // the oldest, long out of the ranking record: found through the index term
    for q in [
        "SY000000000000",
        "00000000-0000-4000-a000-000000000000",
        "colon 00000000-0000-4000-a000-000000000000",
        "90007771",
        "colon 9000-7771",
    ] {
        let why = assert_top(&idx, q, 50);
        assert!(has(&why, "encounter number exact"), "{q}: {why:?}");
    }
    // the newest is in the record, so its prefix counts too
    let why = assert_top(&idx, "SY00000000012B", 50);
    assert!(has(&why, "encounter number exact"), "{why:?}");
}

#[test]
fn filtered_note_search_matches_filtering_the_text_results() {
    // 1,000 notes, "fever" said 1-4 times after 0-20 other words; one in two is a
    // progress note, one in fifty an operative report. A common type is served from the
    // pruned text hits, a rare one falls back to scoring the whole intersection: both
    // must give what filtering the text query's own ranking gives. (Equal scores may
    // come in any order, so the common type and the dates compare scores.)
    let notes: Vec<DocumentRecord> = (1..=1000u64)
        .map(|i| {
            let doc_type = if i % 50 == 0 {
                DocumentType::OperativeReport
            } else if i % 2 == 0 {
                DocumentType::ProgressNote
            } else {
                DocumentType::NursingNote
            };
            let body = format!(
                "{}{}",
                "fever ".repeat((i % 4 + 1) as usize),
                "ward ".repeat((i / 50) as usize)
            );
            let day = format!("2024-{:02}-{:02}", i % 12 + 1, i % 28 + 1);
            note(i, i % 40 + 1, doc_type, &day, &body)
        })
        .collect();
    let (_dir, idx) = build(population(), notes);
    let everything = idx.search_notes(&text("fever"), 1000).expect("search");
    assert_eq!(everything.len(), 1000);
    let scores = |hits: &[&NoteHit]| -> Vec<i64> {
        hits.iter()
            .map(|h| (h.score * 10_000.0).round() as i64)
            .collect()
    };
    // common type: the pruned path
    let mut q = text("fever");
    q.doc_type = Some(DocumentType::ProgressNote);
    let got = idx.search_notes(&q, 10).expect("search");
    assert!(got.iter().all(|h| h.doc_type == DocumentType::ProgressNote));
    let want: Vec<&NoteHit> = everything
        .iter()
        .filter(|h| h.doc_type == DocumentType::ProgressNote)
        .take(10)
        .collect();
    assert_eq!(scores(&got.iter().collect::<Vec<_>>()), scores(&want));
    // rare type: the whole intersection (its 20 notes all score differently)
    let mut q = text("fever");
    q.doc_type = Some(DocumentType::OperativeReport);
    let got: Vec<u64> = idx
        .search_notes(&q, 10)
        .expect("search")
        .iter()
        .map(|h| h.document.0)
        .collect();
    let want: Vec<u64> = everything
        .iter()
        .filter(|h| h.doc_type == DocumentType::OperativeReport)
        .take(10)
        .map(|h| h.document.0)
        .collect();
    assert_eq!(got, want);
    // a date range: the pruned path
    let mut q = text("fever");
    q.from = Some(date("2024-03-01"));
    q.to = Some(date("2024-03-31"));
    let got = idx.search_notes(&q, 10).expect("search");
    let in_march =
        |h: &NoteHit| h.time.date() >= date("2024-03-01") && h.time.date() <= date("2024-03-31");
    assert!(got.iter().all(in_march));
    let want: Vec<&NoteHit> = everything.iter().filter(|h| in_march(h)).take(10).collect();
    assert_eq!(scores(&got.iter().collect::<Vec<_>>()), scores(&want));
}

#[test]
fn note_titles_are_searched_with_the_text_and_prefixes_rank_like_words() {
    let mut notes = note_population();
    notes.push(note(
        10,
        7,
        DocumentType::ProgressNote,
        "2024-04-01",
        "Cardiac arrest overnight. Cardiac monitor on. Cardiac enzymes drawn.",
    ));
    // more completions of `zzw` than a prefix expands to: matched all the same
    for i in 0..70 {
        notes.push(note(
            100 + i,
            8,
            DocumentType::Other,
            "2024-05-01",
            &format!("Filler zzword{i} text."),
        ));
    }
    let (_dir, idx) = build(Vec::new(), notes);
    // the title ("Discharge Summary", "Emergency Note") is searched like the text
    assert_eq!(note_ids(&idx, text("summary")), vec![1]);
    assert_eq!(note_ids(&idx, text("emergency AND x-ray")), vec![3]);
    assert_eq!(note_ids(&idx, text("\"chest pain\"")), vec![1, 4]);
    // a prefix is scored: the note saying "cardiac" three times comes first
    let hits = idx.search_notes(&text("cardi*"), 10).expect("search");
    let ids: Vec<u64> = hits.iter().map(|h| h.document.0).collect();
    assert_eq!(ids.first(), Some(&10), "{ids:?}");
    assert_eq!(ids.len(), 3);
    assert!(hits[0].score > hits[2].score);
    // OR over a prefix and a word: one flat union, every match found
    assert_eq!(note_ids(&idx, text("cardi* OR cough")), vec![1, 2, 4, 10]);
    assert_eq!(
        idx.search_notes(&text("zzw*"), 100).expect("search").len(),
        70
    );
    assert_eq!(
        idx.search_notes(&text("zzword7*"), 100)
            .expect("search")
            .len(),
        1
    );
}

#[test]
fn a_large_change_set_is_indexed_whole_and_in_order() {
    // enough records for the documents to be built on several threads
    let names = ["Ortiz", "Nakamura", "Okafor", "Lindqvist", "Haddad"];
    let records: Vec<PatientRecord> = (1..=5_000)
        .map(|i| {
            let family = format!("{}{}", names[i as usize % names.len()], i);
            patient(i, "Casey", &family, "1970-01-01")
        })
        .collect();
    let (_dir, idx) = build(Vec::new(), Vec::new());
    let changes = || records.iter().cloned().map(IndexChange::Patient).collect();
    idx.apply(changes()).expect("apply");
    // again: every record replaces its own document (the id each delete names matches)
    idx.apply(changes()).expect("apply again");
    assert_eq!(idx.counts().expect("counts").patients, 5_000);
    assert_eq!(idx.patient_ids().expect("ids").len(), 5_000);
    // each document is its own record's: the MRN (1000 + id) finds that patient
    for id in [1u64, 2_048, 4_321, 5_000] {
        let (found, _) = top(&idx, &format!("{}", 1000 + id));
        assert_eq!(found, id);
    }
}
