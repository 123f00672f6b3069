//! The runtime with fake services: only the newest search runs, typing never blocks,
//! answers wake the terminal, long jobs do not delay a chart open (split from
//! `ui_flow.rs`).

use crate::ui_support::*;
use chartroom_domain::{DocumentId, Mrn, PatientId};
use chartroom_services::ChartServices;
use chartroom_services::NoteQuery;
use chartroom_services::{
    BreakGlass, DataStatus, DocumentView, NoteResult, OpenChart, PatientResult, ServiceError,
    Session,
};
use chartroom_ui::msg::NoteSearchError;
use chartroom_ui::state::Screen;
use chartroom_ui::{App, Msg};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Services that answer searches slowly and count what ran.
struct Fake {
    searches: Mutex<Vec<String>>,
    note_searches: Mutex<Vec<NoteQuery>>,
    delay: Duration,
    running: AtomicUsize,
}

impl chartroom_services::IdentityDesk for Fake {}

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

impl chartroom_services::IdentityDesk for SlowStatus {}

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
