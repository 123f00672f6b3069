//! Key-flow tests of `update` (no I/O) and of the runtime with fake services.

use crate::ui_support::*;
use chartroom_domain::{allowed, Role};
use chartroom_domain::{DocumentId, DocumentType, Mrn, PatientId};
use chartroom_services::ChartServices;
use chartroom_services::NoteQuery;
use chartroom_services::{
    BreakGlass, BreakGlassReason, DataStatus, DocumentView, NoteResult, OpenChart, PatientResult,
    ServiceError, Session,
};
use chartroom_ui::msg::BreakGlassRequest;
use chartroom_ui::msg::NoteSearchError;
use chartroom_ui::note_filters::NoteRequest;
use chartroom_ui::screens::palette;
use chartroom_ui::state::{Screen, Section};
use chartroom_ui::{update, Action, App, Effect, Msg, Workspace};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[test]
fn typing_emits_searches_with_increasing_generations() {
    let mut s = state();
    let effects = type_text(&mut s, "smi");
    assert_eq!(
        effects,
        vec![
            Effect::SearchPatients {
                generation: 1,
                query: "s".into()
            },
            Effect::SearchPatients {
                generation: 2,
                query: "sm".into()
            },
            Effect::SearchPatients {
                generation: 3,
                query: "smi".into()
            },
        ]
    );
    assert_eq!(
        key(&mut s, "backspace"),
        vec![Effect::SearchPatients {
            generation: 4,
            query: "sm".into()
        }]
    );
    // Clearing the query searches nothing and shows recent charts again.
    assert_eq!(key(&mut s, "ctrl-u"), vec![]);
    assert_eq!(s.search.generation, 5);
    assert!(!s.showing_results());
}

#[test]
fn stale_results_are_dropped() {
    let mut s = state();
    type_text(&mut s, "smith");
    let all = results();
    // Results for "smit" (generation 4) arrive after "smith" (5) was typed: dropped.
    update(
        &mut s,
        Msg::SearchResults {
            generation: 4,
            results: all[1..].to_vec(),
        },
    );
    assert!(s.search.results.is_empty());
    assert!(s.search.pending);
    update(
        &mut s,
        Msg::SearchResults {
            generation: 5,
            results: all.clone(),
        },
    );
    assert_eq!(s.search.results.len(), all.len());
    assert!(!s.search.pending);
    // And an even older one arriving late does not replace the newest.
    update(
        &mut s,
        Msg::SearchResults {
            generation: 3,
            results: vec![],
        },
    );
    assert_eq!(s.search.results.len(), all.len());
}

#[test]
fn enter_opens_the_selected_chart() {
    let mut s = state();
    type_text(&mut s, "smith");
    let generation = s.search.generation;
    update(
        &mut s,
        Msg::SearchResults {
            generation,
            results: results(),
        },
    );
    key(&mut s, "down");
    key(&mut s, "down");
    key(&mut s, "up");
    assert_eq!(
        key(&mut s, "enter"),
        vec![Effect::OpenChart {
            patient: PatientId(2),
            reason: None
        }]
    );
    update(&mut s, Msg::ChartOpened(Box::new(chart())));
    assert_eq!(s.screen, Screen::Chart);
    assert_eq!(s.recent.first().map(|p| p.id), Some(PatientId(1)));
    // Esc goes back to the search with the query and results kept.
    key(&mut s, "esc");
    assert_eq!(s.screen, Screen::Search);
    assert_eq!(s.search.query, "smith");
}

#[test]
fn needs_reason_opens_the_popup_and_confirm_sends_the_reason() {
    let mut s = state();
    type_text(&mut s, "smith");
    let generation = s.search.generation;
    update(
        &mut s,
        Msg::SearchResults {
            generation,
            results: results(),
        },
    );
    for _ in 0..3 {
        key(&mut s, "down");
    }
    assert_eq!(
        key(&mut s, "enter"),
        vec![Effect::OpenChart {
            patient: PatientId(4),
            reason: None
        }]
    );
    update(
        &mut s,
        Msg::ChartNeedsReason {
            patient: PatientId(4),
            flags: vec!["RESTRICTED"],
        },
    );
    assert!(s.popup.is_some());
    // Typing goes to the explanation, even letters bound elsewhere (q, j, ?).
    key(&mut s, "down");
    type_text(&mut s, "req 4471?");
    let effects = key(&mut s, "enter");
    assert_eq!(
        effects,
        vec![Effect::OpenChart {
            patient: PatientId(4),
            reason: Some(BreakGlassRequest {
                reason: BreakGlassReason::ReleaseOfInformation,
                explanation: "req 4471?".into()
            }),
        }]
    );
    assert!(s.popup.is_none());
}

#[test]
fn popup_other_needs_an_explanation_and_esc_cancels() {
    let mut s = state();
    update(
        &mut s,
        Msg::ChartNeedsReason {
            patient: PatientId(4),
            flags: vec!["VIP"],
        },
    );
    for _ in 0..9 {
        key(&mut s, "down");
    }
    assert_eq!(
        key(&mut s, "enter"),
        vec![],
        "other without an explanation is refused"
    );
    assert!(s.popup.as_ref().and_then(|p| p.problem.as_ref()).is_some());
    assert_eq!(key(&mut s, "esc"), vec![]);
    assert!(s.popup.is_none());
    assert_eq!(s.screen, Screen::Search);
}

#[test]
fn chart_sections_and_document_opening() {
    let mut s = state();
    update(&mut s, Msg::ChartOpened(Box::new(chart())));
    key(&mut s, "tab");
    assert_eq!(
        s.chart.as_ref().map(|c| c.section),
        Some(Section::Encounters)
    );
    key(&mut s, "shift-tab");
    key(&mut s, "shift-tab");
    assert_eq!(s.chart.as_ref().map(|c| c.section), Some(Section::Reading));
    key(&mut s, "2");
    key(&mut s, "down");
    // Enter on an encounter jumps to its first document.
    key(&mut s, "enter");
    let c = s.chart.as_ref().expect("chart open");
    assert_eq!((c.section, c.document_selected), (Section::Documents, 1));
    assert_eq!(
        key(&mut s, "enter"),
        vec![Effect::OpenDocument { id: DocumentId(22) }]
    );
    update(
        &mut s,
        Msg::DocumentLoaded(Box::new(chart().documents[1].clone())),
    );
    let c = s.chart.as_ref().expect("chart open");
    assert_eq!(c.section, Section::Reading);
    key(&mut s, "end");
    let bottom = s.chart.as_ref().map(|c| c.reading_scroll).unwrap_or(0);
    assert!(bottom > 0);
    key(&mut s, "down");
    assert_eq!(
        s.chart.as_ref().map(|c| c.reading_scroll),
        Some(bottom),
        "scrolling stops at the end"
    );
}

#[test]
fn workspaces_switch_by_key_and_refuse_what_the_role_may_not_enter() {
    let mut s = state();
    update(&mut s, Msg::ChartOpened(Box::new(chart())));
    assert_eq!(s.workspace, Workspace::Search);
    // f3: the Search workspace's home screen (the chart belongs to it).
    key(&mut s, "f3");
    assert_eq!(s.screen, Screen::Search);
    assert!(s.chart.is_none());
    // A clerk may not work deficiencies: said, nothing else changes.
    key(&mut s, "f4");
    assert_eq!(s.workspace, Workspace::Search);
    assert_eq!(
        s.error.as_deref(),
        Some("Completion: not permitted for clerk")
    );
    // An admin may enter Admin (it reads its figures), not a workspace not built yet.
    let mut admin = state();
    admin.role = Role::Admin;
    let effects = key(&mut admin, "f8");
    assert_eq!(admin.workspace, Workspace::Admin);
    assert_eq!(
        effects,
        vec![chartroom_ui::Effect::Admin(
            chartroom_ui::screens::admin::jobs::AdminJob::Load
        )]
    );
    // A clerk may not.
    key(&mut s, "f8");
    assert_eq!(s.error.as_deref(), Some("Admin: not permitted for clerk"));
    key(&mut admin, "f6");
    assert_eq!(admin.error.as_deref(), Some("Privacy: not available"));
    assert_eq!(admin.workspace, Workspace::Admin);
    // Release (f5) for roles that log release-of-information requests: it loads them.
    let effects = key(&mut admin, "f5");
    assert_eq!(admin.workspace, Workspace::Release);
    assert_eq!(
        effects,
        vec![chartroom_ui::Effect::Release(
            chartroom_ui::screens::release::jobs::ReleaseJob::Load
        )]
    );
    key(&mut s, "f5");
    assert_eq!(s.error.as_deref(), Some("Release: not permitted for clerk"));
    // In the break-the-glass popup the question comes first.
    let mut p = state();
    update(
        &mut p,
        Msg::ChartNeedsReason {
            patient: PatientId(4),
            flags: vec!["VIP"],
        },
    );
    key(&mut p, "f4");
    assert!(p.popup.is_some());
    assert!(p.error.is_none());
}

#[test]
fn palette_filters_runs_and_closes() {
    let mut s = state();
    // `:` types on the search screen; ctrl-g opens the palette there.
    type_text(&mut s, ":");
    assert!(s.palette.is_none());
    key(&mut s, "ctrl-u");
    key(&mut s, "ctrl-g");
    assert!(s.palette.is_some());
    type_text(&mut s, "notes");
    let shown = palette::filtered(&s);
    assert_eq!(shown.first().map(|c| c.action), Some(Action::NoteSearch));
    assert_eq!(key(&mut s, "enter"), vec![]);
    assert!(s.palette.is_none());
    assert_eq!(s.screen, Screen::Notes);
    // Esc closes without running anything.
    key(&mut s, "ctrl-g");
    key(&mut s, "esc");
    assert!(s.palette.is_none());
    assert_eq!(s.screen, Screen::Notes);

    // From a chart, `:` opens it; choosing the Search workspace goes home.
    let mut c = state();
    update(&mut c, Msg::ChartOpened(Box::new(chart())));
    key(&mut c, ":");
    assert!(c.palette.is_some());
    type_text(&mut c, "wksearch");
    assert_eq!(
        palette::filtered(&c).first().map(|c| c.action),
        Some(Action::WorkspaceSearch)
    );
    key(&mut c, "enter");
    assert_eq!(c.screen, Screen::Search);
    assert!(c.chart.is_none());
    // Quit still quits with the palette open.
    key(&mut c, "ctrl-g");
    key(&mut c, "ctrl-c");
    assert!(c.quit);
}

#[test]
fn the_palette_lists_only_what_the_role_may_do_with_live_keys() {
    for role in Role::ALL {
        for screen in ["search", "notes", "chart"] {
            let mut s = state();
            s.role = role;
            match screen {
                "notes" => {
                    key(&mut s, "ctrl-f");
                }
                "chart" => {
                    update(&mut s, Msg::ChartOpened(Box::new(chart())));
                }
                _ => {}
            }
            key(&mut s, "ctrl-g");
            let commands = palette::commands(&s);
            assert!(!commands.is_empty());
            for c in &commands {
                if let Some(p) = c.permission {
                    assert!(allowed(role, p), "{role:?} offered {:?}", c.action);
                }
                assert_eq!(c.permission, palette::permission(c.action));
                if let Some(w) = Workspace::from_action(c.action) {
                    assert!(w.built() && allowed(role, w.permission()));
                }
                // The key shown is the one that runs it on that screen.
                if let Some(k) = c.key {
                    assert_eq!(s.keymap.resolve(s.screen_mode(), k), Some(c.action));
                }
            }
        }
    }
    // A clerk in particular: no deficiency, release, privacy, identity or admin entry.
    let mut s = state();
    key(&mut s, "ctrl-g");
    let actions: Vec<Action> = palette::commands(&s).iter().map(|c| c.action).collect();
    for a in [
        Action::WorkspaceCompletion,
        Action::WorkspaceRelease,
        Action::WorkspacePrivacy,
        Action::WorkspaceIdentity,
        Action::WorkspaceAdmin,
    ] {
        assert!(!actions.contains(&a));
    }
    assert!(actions.contains(&Action::WorkspaceSearch));
    assert!(actions.contains(&Action::Quit));
}

#[test]
fn help_toggles_and_quit_quits() {
    let mut s = state();
    key(&mut s, "f1");
    assert!(s.help.is_some());
    key(&mut s, "esc");
    assert!(s.help.is_none());
    // `?` in the search box opens help (bound in [search]); `q` types.
    key(&mut s, "?");
    assert!(s.help.is_some());
    key(&mut s, "?");
    type_text(&mut s, "q");
    assert_eq!(s.search.query, "q");
    assert_eq!(key(&mut s, "ctrl-c"), vec![Effect::Quit]);
    assert!(s.quit);
}

#[test]
fn note_search_flow_types_searches_and_opens_the_note_through_its_chart() {
    let mut s = state();
    key(&mut s, "ctrl-f");
    assert_eq!(s.screen, Screen::Notes);
    let effects = type_text(&mut s, "pn");
    assert_eq!(
        effects,
        vec![
            Effect::SearchNotes {
                generation: 1,
                request: NoteRequest {
                    text: "p".into(),
                    ..NoteRequest::default()
                }
            },
            Effect::SearchNotes {
                generation: 2,
                request: NoteRequest {
                    text: "pn".into(),
                    ..NoteRequest::default()
                }
            },
        ]
    );
    type_text(&mut s, " type");
    // A filter being typed is not searched until it reads as one (`p` could be
    // progress, procedure or pathology).
    assert_eq!(type_text(&mut s, ":p"), vec![]);
    assert!(s.notes.problem.is_some());
    assert_eq!(
        type_text(&mut s, "rog"),
        vec![Effect::SearchNotes {
            generation: 12,
            request: NoteRequest {
                text: "pn".into(),
                doc_type: Some(DocumentType::ProgressNote),
                ..NoteRequest::default()
            }
        }]
    );
    // Stale answers are dropped; the current one shows.
    update(
        &mut s,
        Msg::NoteResults {
            generation: 11,
            results: vec![],
        },
    );
    assert!(s.notes.pending);
    update(
        &mut s,
        Msg::NoteResults {
            generation: 12,
            results: note_results(),
        },
    );
    assert_eq!(s.notes.results.len(), 3);
    assert!(!s.notes.pending);
    // Enter opens the patient's chart first (audited, break-the-glass honoured)...
    key(&mut s, "down");
    assert_eq!(
        key(&mut s, "enter"),
        vec![Effect::OpenChart {
            patient: PatientId(4),
            reason: None
        }]
    );
    update(
        &mut s,
        Msg::ChartNeedsReason {
            patient: PatientId(4),
            flags: vec!["RESTRICTED"],
        },
    );
    let confirmed = key(&mut s, "enter");
    assert_eq!(
        confirmed,
        vec![Effect::OpenChart {
            patient: PatientId(4),
            reason: Some(BreakGlassRequest {
                reason: BreakGlassReason::DirectCare,
                explanation: String::new()
            }),
        }]
    );
    // ...then the note itself (open_document, audited).
    let mut opened = chart();
    opened.patient.id = PatientId(4);
    for d in &mut opened.documents {
        d.document.patient = PatientId(4);
    }
    assert_eq!(
        update(&mut s, Msg::ChartOpened(Box::new(opened.clone()))),
        vec![Effect::OpenDocument { id: DocumentId(31) }]
    );
    assert_eq!(s.screen, Screen::Chart);
    let mut note = opened.documents[1].clone();
    note.document.id = DocumentId(31);
    update(&mut s, Msg::DocumentLoaded(Box::new(note)));
    assert_eq!(s.chart.as_ref().map(|c| c.section), Some(Section::Reading));
    // Back returns to the note search with the query and results kept.
    key(&mut s, "esc");
    assert_eq!(s.screen, Screen::Notes);
    assert_eq!(s.notes.query, "pn type:prog");
    assert_eq!(s.notes.results.len(), 3);
    // Esc again: patient search; a chart opened from there opens no note afterwards.
    key(&mut s, "esc");
    assert_eq!(s.screen, Screen::Search);
    assert_eq!(update(&mut s, Msg::ChartOpened(Box::new(chart()))), vec![]);
}

#[test]
fn cancelled_break_the_glass_opens_no_note_later() {
    let mut s = state();
    key(&mut s, "f2");
    type_text(&mut s, "pneumonia");
    let generation = s.notes.generation;
    update(
        &mut s,
        Msg::NoteResults {
            generation,
            results: note_results(),
        },
    );
    key(&mut s, "enter");
    update(
        &mut s,
        Msg::ChartNeedsReason {
            patient: PatientId(1),
            flags: vec!["VIP"],
        },
    );
    key(&mut s, "esc");
    assert!(s.open_after_chart.is_none());
    assert_eq!(s.screen, Screen::Notes);
}

/// Services that answer searches slowly and count what ran.
struct Fake {
    searches: Mutex<Vec<String>>,
    note_searches: Mutex<Vec<NoteQuery>>,
    delay: Duration,
    running: AtomicUsize,
}

impl ChartServices for Fake {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        now()
    }
    fn search_patients(
        &self,
        _: &Session,
        query: &str,
        _: usize,
    ) -> Result<Vec<PatientResult>, ServiceError> {
        self.running.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(self.delay);
        if let Ok(mut v) = self.searches.lock() {
            v.push(query.to_string());
        }
        let mut r = results();
        r.truncate(query.len().min(5));
        Ok(r)
    }
    fn open_chart(
        &self,
        _: &Session,
        patient: PatientId,
        reason: Option<BreakGlass>,
    ) -> Result<OpenChart, ServiceError> {
        if patient == PatientId(4) && reason.is_none() {
            return Ok(OpenChart::NeedsReason {
                patient,
                flags: vec!["RESTRICTED"],
            });
        }
        Ok(OpenChart::Opened(Box::new(chart())))
    }
    fn open_document(&self, _: &Session, _: DocumentId) -> Result<DocumentView, ServiceError> {
        Err(ServiceError::NotFound { what: "document" })
    }
    fn status(&self) -> Result<DataStatus, ServiceError> {
        panic!("a service bug must not kill the worker")
    }
    fn search_notes(
        &self,
        _: &Session,
        query: &NoteQuery,
        _: usize,
    ) -> Result<Vec<NoteResult>, ServiceError> {
        if let Ok(mut v) = self.note_searches.lock() {
            v.push(query.clone());
        }
        if query.text.starts_with('(') {
            return Err(ServiceError::Query {
                position: 1,
                reason: "this parenthesis is never closed".into(),
            });
        }
        Ok(note_results())
    }
    fn patient_by_mrn(&self, _: &Session, mrn: Mrn) -> Result<Option<PatientId>, ServiceError> {
        Ok((mrn == Mrn(123456)).then_some(PatientId(1)))
    }
}

fn wait_until(app: &mut App, what: &str, done: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done(app) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        if let Ok(msg) = app.messages().recv_timeout(Duration::from_millis(50)) {
            app.handle(msg);
        }
    }
}

#[test]
fn runtime_runs_only_the_newest_search_and_never_blocks_typing() {
    let fake = Arc::new(Fake {
        searches: Mutex::new(vec![]),
        note_searches: Mutex::new(vec![]),
        delay: Duration::from_millis(150),
        running: AtomicUsize::new(0),
    });
    let mut app = App::new(fake.clone(), session(), &config(), 80, 24);
    let started = Instant::now();
    for c in "smith, john".chars() {
        app.handle(Msg::Key(chartroom_ui::Key::char(c)));
    }
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "typing must not wait for searches"
    );
    wait_until(&mut app, "the newest results", |a| {
        a.state.search.shown_generation == a.state.search.generation && !a.state.search.pending
    });
    let ran = fake.searches.lock().map(|v| v.clone()).unwrap_or_default();
    assert_eq!(ran.last().map(String::as_str), Some("smith, john"));
    assert!(
        ran.len() <= 3,
        "queued stale searches are dropped, ran: {ran:?}"
    );
    assert_eq!(app.state.search.results.len(), 5);

    // The status worker panicked (caught): an error line, and the worker still serves.
    wait_until(&mut app, "the status error", |a| a.state.error.is_some());
    assert!(app
        .state
        .error
        .as_deref()
        .unwrap_or("")
        .contains("internal error"));

    // Open a restricted chart: popup, reason, chart.
    for _ in 0..3 {
        app.handle(Msg::Key("down".parse().expect("key")));
    }
    app.handle(Msg::Key("enter".parse().expect("key")));
    wait_until(&mut app, "the popup", |a| a.state.popup.is_some());
    app.handle(Msg::Key("enter".parse().expect("key")));
    wait_until(&mut app, "the chart", |a| a.state.screen == Screen::Chart);

    // A failing document load shows an error line without patient data.
    app.handle(Msg::Key("3".parse().expect("key")));
    app.handle(Msg::Key("enter".parse().expect("key")));
    wait_until(&mut app, "the document error", |a| a.state.error.is_some());
    assert_eq!(
        app.state.error.as_deref(),
        Some("opening the document failed: no such document")
    );
    assert!(!app.handle(Msg::Key("ctrl-c".parse().expect("key"))));
}

mod never_panics {
    use crate::ui_support::*;
    use chartroom_domain::PatientId;
    use chartroom_ui::{update, Key, Msg};
    use proptest::prelude::*;

    const KEYS: &[&str] = &[
        "a",
        "s",
        "1",
        "2",
        "3",
        "4",
        "?",
        "q",
        "j",
        "up",
        "down",
        "pgup",
        "pgdn",
        "home",
        "end",
        "enter",
        "esc",
        "tab",
        "shift-tab",
        "backspace",
        "ctrl-u",
        "f1",
        "space",
        "ctrl-f",
        "f2",
        "\"",
        "(",
        ":",
        "t",
        "y",
        "p",
        "e",
    ];

    #[derive(Clone, Debug)]
    enum Step {
        Key(usize),
        Results,
        Chart,
        Document,
        NeedsReason,
        NoteResults,
        NoteFailed(usize),
        Resize(u16, u16),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            6 => (0..KEYS.len()).prop_map(Step::Key),
            1 => Just(Step::Results),
            1 => Just(Step::Chart),
            1 => Just(Step::Document),
            1 => Just(Step::NeedsReason),
            1 => Just(Step::NoteResults),
            1 => (0usize..40).prop_map(Step::NoteFailed),
            1 => (0u16..140, 0u16..50).prop_map(|(w, h)| Step::Resize(w, h)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any mix of keys, answers and sizes: update and view never panic.
        #[test]
        fn random_sessions(steps in proptest::collection::vec(step(), 1..60)) {
            let mut s = state();
            for st in steps {
                let msg = match st {
                    Step::Key(i) => Msg::Key(KEYS[i].parse::<Key>().expect("key")),
                    Step::Results => Msg::SearchResults { generation: s.search.generation, results: results() },
                    Step::Chart => Msg::ChartOpened(Box::new(chart())),
                    Step::Document => Msg::DocumentLoaded(Box::new(chart().documents[1].clone())),
                    Step::NeedsReason => Msg::ChartNeedsReason { patient: PatientId(4), flags: vec!["VIP"] },
                    Step::NoteResults => Msg::NoteResults { generation: s.notes.generation, results: note_results() },
                    Step::NoteFailed(position) => Msg::NoteSearchFailed {
                        generation: s.notes.generation,
                        error: chartroom_ui::msg::NoteSearchError::Query { position, reason: "bad".into() },
                    },
                    Step::Resize(w, h) => Msg::Resize { width: w, height: h },
                };
                update(&mut s, msg);
                let _ = render(&s, s.width, s.height);
            }
        }
    }
}

#[test]
fn runtime_note_search_resolves_mrn_and_reports_syntax_errors_by_typed_position() {
    let fake = Arc::new(Fake {
        searches: Mutex::new(vec![]),
        note_searches: Mutex::new(vec![]),
        delay: Duration::from_millis(1),
        running: AtomicUsize::new(0),
    });
    let mut app = App::new(fake.clone(), session(), &config(), 80, 24);
    app.handle(Msg::Key("ctrl-f".parse().expect("key")));
    for c in "mrn:12-34-56 fever".chars() {
        app.handle(Msg::Key(chartroom_ui::Key::char(c)));
    }
    wait_until(&mut app, "note results", |a| {
        a.state.notes.shown_generation == a.state.notes.generation && !a.state.notes.pending
    });
    assert_eq!(app.state.notes.results.len(), 3);
    let ran = fake
        .note_searches
        .lock()
        .map(|v| v.clone())
        .unwrap_or_default();
    let last = ran.last().expect("a note search ran");
    assert_eq!(last.patient, Some(PatientId(1)));
    assert_eq!(last.text, "fever");
    assert!(
        ran.len() <= 3,
        "stale note searches are dropped: {}",
        ran.len()
    );

    // An unknown MRN: said in place of results, no search of all notes.
    app.handle(Msg::Key("ctrl-u".parse().expect("key")));
    for c in "mrn:999 fever".chars() {
        app.handle(Msg::Key(chartroom_ui::Key::char(c)));
    }
    wait_until(&mut app, "the MRN problem", |a| {
        a.state.notes.problem.is_some()
    });
    assert!(app.state.notes.results.is_empty());

    // A syntax error points at the character typed, never echoing the query.
    app.handle(Msg::Key("ctrl-u".parse().expect("key")));
    for c in "type:hp (fever".chars() {
        app.handle(Msg::Key(chartroom_ui::Key::char(c)));
    }
    wait_until(&mut app, "the query error", |a| {
        a.state
            .error
            .as_deref()
            .is_some_and(|e| e.contains("note query"))
    });
    assert_eq!(
        app.state.error.as_deref(),
        Some("note query: at character 9, this parenthesis is never closed")
    );
    let _ = NoteSearchError::NoSuchMrn;
}

#[test]
fn wake_is_called_when_answers_arrive() {
    let fake = Arc::new(Fake {
        searches: Mutex::new(vec![]),
        note_searches: Mutex::new(vec![]),
        delay: Duration::from_millis(1),
        running: AtomicUsize::new(0),
    });
    let woken = Arc::new(AtomicUsize::new(0));
    let counter = woken.clone();
    let wake: chartroom_ui::runtime::Wake = Arc::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let mut app = App::with_wake(fake, session(), &config(), 80, 24, Some(wake));
    app.handle(Msg::Key(chartroom_ui::Key::char('s')));
    let deadline = Instant::now() + Duration::from_secs(10);
    // The status answer (a caught panic) and the search answer each wake once.
    while woken.load(Ordering::SeqCst) < 2 {
        assert!(Instant::now() < deadline, "not woken");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(app.drain());
    assert_eq!(app.state.search.results.len(), 1);
}

/// Services whose data status (a long job) takes seconds; everything else is instant.
struct SlowStatus;

impl ChartServices for SlowStatus {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        now()
    }
    fn search_patients(
        &self,
        _: &Session,
        _: &str,
        _: usize,
    ) -> Result<Vec<PatientResult>, ServiceError> {
        Ok(results())
    }
    fn open_chart(
        &self,
        _: &Session,
        _: PatientId,
        _: Option<BreakGlass>,
    ) -> Result<OpenChart, ServiceError> {
        Ok(OpenChart::Opened(Box::new(chart())))
    }
    fn open_document(&self, _: &Session, _: DocumentId) -> Result<DocumentView, ServiceError> {
        Err(ServiceError::NotFound { what: "document" })
    }
    fn status(&self) -> Result<DataStatus, ServiceError> {
        std::thread::sleep(Duration::from_secs(3));
        Ok(DataStatus {
            patients: 1,
            documents: 1,
            bytes_on_disk: 1,
            index_bytes: 1,
        })
    }
    fn search_notes(
        &self,
        _: &Session,
        _: &NoteQuery,
        _: usize,
    ) -> Result<Vec<NoteResult>, ServiceError> {
        Ok(Vec::new())
    }
    fn patient_by_mrn(&self, _: &Session, _: Mrn) -> Result<Option<PatientId>, ServiceError> {
        Ok(None)
    }
}

#[test]
fn a_long_job_does_not_delay_a_chart_open_queued_after_it() {
    // `App::new` queues the (slow) data status first; the chart open comes after it.
    let mut app = App::new(Arc::new(SlowStatus), session(), &config(), 80, 24);
    let started = Instant::now();
    app.handle(Msg::Key(chartroom_ui::Key::char('s')));
    wait_until(&mut app, "results", |a| !a.state.search.results.is_empty());
    app.handle(Msg::Key("enter".parse().expect("key")));
    wait_until(&mut app, "the chart", |a| a.state.chart.is_some());
    assert!(
        app.state.status.is_none(),
        "the chart opened while the status was still being measured"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    wait_until(&mut app, "the status", |a| a.state.status.is_some());
}
