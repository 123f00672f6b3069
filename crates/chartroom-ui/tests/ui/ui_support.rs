//! Hand-built patients, charts and states for the UI tests (no store needed).

use chartroom_domain::*;
use chartroom_services::{Chart, DocumentView, EncounterView, PatientResult, Session};
use chartroom_ui::{update, App, Key, Msg, State, UiConfig};
use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::time::{Duration, Instant};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

pub fn dt(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
    d(y, m, day).and_hms_opt(h, min, 0).expect("valid time")
}

pub fn session() -> Session {
    Session {
        user: StaffUser {
            id: UserId(7),
            username: "mgarcia".into(),
            display_name: "Maria Garcia".into(),
            role: Role::Clerk,
            department: "HIM".into(),
            disabled: false,
            patient_link: None,
            ssh_keys: Vec::new(),
        },
        id: "test-session".into(),
        client: "local".into(),
    }
}

fn name(given: &str, middle: Option<&str>, family: &str, suffix: Option<&str>) -> PersonName {
    let mut n = PersonName::new(given, family);
    n.middle = middle.map(Into::into);
    n.suffix = suffix.map(Into::into);
    n
}

fn patient(id: u64, mrn: u32, n: PersonName, dob: NaiveDate, sex: Sex) -> Patient {
    Patient {
        id: PatientId(id),
        mrn: Mrn(mrn),
        name: n,
        dob,
        sex,
        ..chartroom_testkit::patient("", "", (2000, 1, 1))
    }
}

/// John Q Smith Jr, VIP, with aliases, address, phones, SSN and identifiers.
pub fn john() -> Patient {
    let mut p = patient(
        1,
        123456,
        name("John", Some("Q"), "Smith", Some("Jr")),
        d(1984, 3, 2),
        Sex::Male,
    );
    p.other_names = vec![
        AltName {
            kind: NameKind::Alias,
            name: name("Johnny", None, "Smith", None),
        },
        AltName {
            kind: NameKind::Previous,
            name: name("John", Some("Q"), "Smithe", None),
        },
    ];
    p.address = Some(Address {
        line: "12 Elm Street Apt 4".into(),
        city: "Springfield".into(),
        state: "IL".into(),
        zip: "62704".into(),
    });
    p.phones = vec!["(217) 555-0142".into(), "217-555-0199".into()];
    p.ssn = Ssn::parse("999-12-5772");
    p.flags.vip = true;
    p.identifiers = vec![Identifier {
        system: "synthea".into(),
        value: "b7e3c1d2-0001".into(),
    }];
    p
}

pub fn results() -> Vec<PatientResult> {
    let jonathan = patient(
        2,
        2345678,
        name("Jonathan", None, "Smith", None),
        d(1984, 3, 12),
        Sex::Male,
    );
    let mut joan = patient(
        3,
        88001,
        name("Joan", Some("Marie"), "Smyth", None),
        d(1952, 7, 19),
        Sex::Female,
    );
    joan.flags.deceased = Some(d(2024, 1, 3));
    let mut jon = patient(
        4,
        5550123,
        name("Jon", None, "Smith-Jones", None),
        d(1990, 11, 30),
        Sex::Male,
    );
    jon.flags.restricted = true;
    jon.flags.employee = true;
    jon.flags.sensitive = vec![SensitiveCategory::MentalHealth];
    let mut everything = patient(
        5,
        99999999,
        name(
            "Maximilian",
            Some("Alexander"),
            "Featherstonehaugh-Smith",
            Some("III"),
        ),
        d(1931, 1, 1),
        Sex::Unknown,
    );
    everything.flags = PatientFlags {
        deceased: Some(d(2020, 2, 2)),
        vip: true,
        employee: true,
        restricted: true,
        sensitive: vec![SensitiveCategory::HivSti],
    };
    vec![
        PatientResult {
            patient: john(),
            score: 9.5,
            why: vec!["last name = smith; first jon→john (nickname); DOB = 3/2/1984".into()],
        },
        PatientResult {
            patient: jonathan,
            score: 7.1,
            why: vec!["last name = smith; first jon→jonathan (prefix)".into()],
        },
        PatientResult {
            patient: joan,
            score: 5.0,
            why: vec!["last name ~ smyth (sounds like smith)".into()],
        },
        PatientResult {
            patient: jon,
            score: 4.2,
            why: vec!["last name = smith-jones (hyphenated)".into()],
        },
        PatientResult {
            patient: everything,
            score: 1.0,
            why: vec![],
        },
    ]
}

pub const DISCHARGE_TEXT: &str = "DISCHARGE SUMMARY\n\nAdmission date: 10/02/2026. Discharge date: 10/06/2026.\n\nHISTORY OF PRESENT ILLNESS: The patient is a 42-year-old man admitted through the emergency department with two days of worsening shortness of breath, productive cough and fever to 39.1 C. Chest radiograph showed a right lower lobe consolidation.\n\nHOSPITAL COURSE: He was started on ceftriaxone and azithromycin with supplemental oxygen by nasal cannula. Blood cultures remained negative. Oxygen was weaned to room air on hospital day three. He tolerated a regular diet and ambulated independently.\n\nDISCHARGE DIAGNOSES:\n1. Community-acquired pneumonia, right lower lobe.\n2. Mild persistent asthma.\n\nDISCHARGE MEDICATIONS: Amoxicillin-clavulanate 875 mg twice daily for five days. Continue home inhaled fluticasone.\n\nFOLLOW-UP: Primary care within one week. Repeat chest radiograph in six weeks to document resolution.\n\nCONDITION AT DISCHARGE: Stable, afebrile, saturating 97% on room air.\n\nElectronically signed by Priya Raman, MD.";

pub fn chart() -> Chart {
    let p = john();
    let enc = |id: u64,
               number: &str,
               class: EncounterClass,
               admit: NaiveDateTime,
               discharge: Option<NaiveDateTime>,
               who: Option<&str>,
               reason: &str| EncounterView {
        encounter: Encounter {
            id: EncounterId(id),
            number: number.into(),
            patient: p.id,
            class,
            admit,
            discharge,
            attending: who.map(|_| ProviderId(id)),
            other_providers: vec![],
            location: "4 West".into(),
            reason: reason.into(),
            source_id: None,
            discharge_offset_secs: 0,
        },
        attending_name: who.map(Into::into),
    };
    let doc = |id: u64,
               enc: u64,
               t: DocumentType,
               title: &str,
               time: NaiveDateTime,
               author: Option<&str>,
               sig: SignatureStatus,
               text: &str| DocumentView {
        document: Document {
            id: DocumentId(id),
            patient: p.id,
            encounter: Some(EncounterId(enc)),
            doc_type: t,
            title: title.into(),
            author: author.map(|_| ProviderId(id)),
            time,
            signature: sig,
            text: text.into(),
            offset_secs: 0,
            source_id: None,
            type_codes: Vec::new(),
            sensitivity: Vec::new(),
        },
        author_name: author.map(Into::into),
    };
    Chart {
        patient: p.clone(),
        encounters: vec![
            enc(
                13,
                "A26-004411",
                EncounterClass::Emergency,
                dt(2026, 11, 20, 22, 15),
                None,
                Some("Dr. Okafor"),
                "chest pain",
            ),
            enc(
                12,
                "A26-003187",
                EncounterClass::Inpatient,
                dt(2026, 10, 2, 9, 30),
                Some(dt(2026, 10, 6, 14, 0)),
                Some("Priya Raman, MD"),
                "pneumonia",
            ),
            enc(
                11,
                "A25-017702",
                EncounterClass::Outpatient,
                dt(2025, 6, 14, 8, 0),
                Some(dt(2025, 6, 14, 9, 10)),
                None,
                "annual wellness visit",
            ),
        ],
        documents: vec![
            doc(
                23,
                13,
                DocumentType::EmergencyNote,
                "ED provider note",
                dt(2026, 11, 20, 23, 40),
                Some("Dr. Okafor"),
                SignatureStatus::Unsigned,
                "Chest pain, troponin pending.",
            ),
            doc(
                22,
                12,
                DocumentType::DischargeSummary,
                "Discharge summary: pneumonia",
                dt(2026, 10, 6, 15, 5),
                Some("Priya Raman, MD"),
                SignatureStatus::Signed,
                DISCHARGE_TEXT,
            ),
            doc(
                21,
                12,
                DocumentType::HistoryAndPhysical,
                "Admission H&P",
                dt(2026, 10, 2, 11, 0),
                Some("Lee Chen, MD (resident)"),
                SignatureStatus::AwaitingCosignature,
                "History and physical.",
            ),
        ],
    }
}

pub fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 14, 5, 0)
        .single()
        .expect("valid time")
}

pub fn config() -> UiConfig {
    UiConfig::builtin(false).expect("built-in config is valid")
}

pub fn state_with(config: &UiConfig) -> State {
    let mut s = State::new(config, &session(), now(), 80, 24);
    s.status = Some(chartroom_services::DataStatus {
        patients: 20_000,
        documents: 184_311,
        bytes_on_disk: 1_288_490_188,
        index_bytes: 402_653_184,
    });
    s
}

pub fn state() -> State {
    state_with(&config())
}

pub fn key(s: &mut State, name: &str) -> Vec<chartroom_ui::Effect> {
    let k: Key = name.parse().expect("test key names are valid");
    update(s, Msg::Key(k))
}

/// Types each character of `text` as a key press; returns every effect.
pub fn type_text(s: &mut State, text: &str) -> Vec<chartroom_ui::Effect> {
    let mut all = Vec::new();
    for c in text.chars() {
        all.extend(update(s, Msg::Key(Key::char(c))));
    }
    all
}

pub fn render(s: &State, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    t.draw(|f| chartroom_ui::view(s, f)).expect("draw");
    t
}

/// Note search results as the services would return them for `pneumonia`.
pub fn note_results() -> Vec<chartroom_services::NoteResult> {
    use chartroom_services::NoteResult;
    use chartroom_services::{NoteHit, Snippet};
    let snip = |text: &str, words: &[&str]| {
        let mut marks = Vec::new();
        for w in words {
            let mut from = 0;
            while let Some(i) = text[from..].find(w) {
                marks.push(from + i..from + i + w.len());
                from += i + w.len();
            }
        }
        marks.sort_by_key(|m| m.start);
        Snippet {
            text: text.into(),
            marks,
        }
    };
    let hit = |doc: u64, patient: u64, t: DocumentType, time: NaiveDateTime, s: Snippet| NoteHit {
        document: DocumentId(doc),
        patient: PatientId(patient),
        doc_type: t,
        time,
        author: None,
        score: 1.0,
        snippet: s,
    };
    vec![
        NoteResult {
            hit: hit(
                22,
                1,
                DocumentType::DischargeSummary,
                dt(2026, 10, 6, 15, 5),
                snip(
                    "DISCHARGE DIAGNOSES:\n1. Community-acquired pneumonia, right lower lobe.\n2. Mild persistent asthma. Repeat chest radiograph in six weeks.",
                    &["pneumonia"],
                ),
            ),
            patient_name: "Smith, John Q Jr".into(),
            mrn: "00-12-34-56".into(),
            author_name: Some("Priya Raman, MD".into()),
        },
        NoteResult {
            hit: hit(
                31,
                4,
                DocumentType::RadiologyReport,
                dt(2026, 9, 30, 8, 12),
                snip(
                    "IMPRESSION: Patchy opacity in the left lower lobe, compatible with early pneumonia in the right clinical setting. No pleural effusion.",
                    &["pneumonia", "lobe"],
                ),
            ),
            patient_name: "Smith-Jones, Jon".into(),
            mrn: "05-55-01-23".into(),
            author_name: Some("A. Novak, MD".into()),
        },
        NoteResult {
            hit: hit(
                47,
                2,
                DocumentType::ProgressNote,
                dt(2025, 1, 17, 10, 45),
                snip(
                    "Day 3. Afebrile overnight. Pneumonia improving; cough less productive. Plan: switch to oral antibiotics, discharge tomorrow if stable.",
                    &["Pneumonia"],
                ),
            ),
            patient_name: "Smith, Jonathan".into(),
            mrn: "02-34-56-78".into(),
            author_name: None,
        },
    ]
}

/// Runs the app's messages (worker answers) until `done` holds; fails after 20 s naming
/// `what` and the error line.
pub fn wait(app: &mut App, what: &str, done: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done(app) {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; error: {:?}",
            app.state.error
        );
        if let Ok(msg) = app.messages().recv_timeout(Duration::from_millis(50)) {
            app.handle(msg);
        }
    }
}

/// Presses keys named as in keymaps (`f4`, `ctrl-a`, `y`), space-separated.
pub fn keys(app: &mut App, names: &str) {
    for name in names.split_whitespace() {
        app.handle(Msg::Key(name.parse::<Key>().expect("key")));
    }
}

/// The whole app drawn at 80×24 (what a snapshot records).
pub fn screen(app: &App) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("backend");
    app.draw(&mut t).expect("draw");
    t
}

/// The app at 80×24 on real services, ready for a snapshot: the first status answer is
/// in and then cleared (the data size on disk varies), and the clock's offset is UTC
/// (the machine's offset would leak into the screen).
pub fn snapshot_app(
    services: std::sync::Arc<chartroom_services::Services>,
    session: Session,
) -> App {
    let mut app = App::new(
        services,
        session,
        &UiConfig::builtin(true).expect("config"),
        80,
        24,
    );
    wait(&mut app, "the status", |a| a.state.status.is_some());
    app.state.status = None;
    app.state.utc_offset_seconds = 0;
    app
}

/// One chart, Jonathan Smithers (MRN 123456), written straight into the store at `dir`.
pub fn plant_smithers(dir: &std::path::Path) {
    let store = chartroom_store::Store::open(dir).expect("store");
    let mut tx = store.write().expect("tx");
    let mut p = chartroom_testkit::patient("Jonathan", "Smithers", (1984, 3, 2));
    p.id = tx.next_patient_id().expect("id");
    p.mrn = chartroom_domain::Mrn(123456);
    tx.put_patient(&p).expect("patient");
    tx.commit().expect("commit");
}

/// Services over a fresh store holding `plant_smithers`'s chart, at a fixed clock
/// (2026-11-25 14:05 UTC), with the local session of user `tester`: the start of the
/// workspace flows that intake requests or access logs.
pub fn smithers_services(
    dir: &std::path::Path,
) -> (std::sync::Arc<chartroom_services::Services>, Session) {
    plant_smithers(dir);
    fixed_services(dir)
}

/// Services over the store at `dir` as it is, at the flows' fixed clock (2026-11-25
/// 14:05 UTC), with the local session of user `tester`.
pub fn fixed_services(
    dir: &std::path::Path,
) -> (std::sync::Arc<chartroom_services::Services>, Session) {
    let clock = std::sync::Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 11, 25, 14, 5, 0)
            .single()
            .expect("time"),
    ));
    let services =
        std::sync::Arc::new(chartroom_services::Services::open(dir, clock).expect("services"));
    let session = services.local_session("tester").expect("session");
    (services, session)
}

/// The app drawn at 80×24, as text: one line per screen row (for `contains` checks
/// that must not match across rows).
pub fn screen_rows(app: &App) -> String {
    let t = screen(app);
    let buffer = t.backend().buffer();
    let width = usize::from(buffer.area.width);
    let cells: Vec<&str> = buffer.content().iter().map(|c| c.symbol()).collect();
    cells
        .chunks(width)
        .map(|row| row.concat())
        .collect::<Vec<_>>()
        .join("\n")
}
