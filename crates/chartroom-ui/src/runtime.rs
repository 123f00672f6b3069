//! Runs effects against the services on worker threads and feeds the answers back as
//! `Msg`s. It knows nothing of crossterm: `term/` (local) and later `ssh/` (one per
//! channel) own input and output and drive an [`App`].
//!
//! Three workers per session: one for searches, one for long jobs (reports, exports,
//! the data status that measures the files on disk), one for everything else, so
//! opening a chart never waits behind a slow search or a slow report. The search worker keeps only the newest
//! queued query (older ones are dropped unrun), and `update` drops answers to stale
//! generations, so typing never blocks on a search.

use super::config::UiConfig;
use super::msg::{Effect, Msg, NoteSearchError};
use super::note_filters::NoteRequest;
use super::state::{State, NOTE_LIMIT, SEARCH_LIMIT};
use super::update::update;
use chartroom_domain::{DocumentId, PatientId};
use chartroom_services::{
    BreakGlass, ChartServices, NoteQuery, NoteResult, OpenChart, ServiceError, Session,
};
use chrono::{DateTime, Utc};
use crossbeam_channel::{unbounded, Receiver, RecvTimeoutError, Sender};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

/// How long the search worker waits for another keystroke before searching. Short
/// enough to feel instant, long enough that a typed word is one search, not five.
pub const SEARCH_SETTLE: Duration = Duration::from_millis(60);

/// Prefix of worker thread names; `term/`'s panic hook leaves the screen alone for
/// these, because the runtime catches their panics and reports them as errors.
pub const WORKER_THREAD_PREFIX: &str = "chartroom-worker";

/// Called from a worker thread right after it queued a `Msg`, for frontends that cannot
/// block on [`Runtime::messages`] (the async SSH channel task wakes and calls
/// [`App::drain`]). The local terminal selects on the channel and passes none.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// A search job: the worker keeps only the newest of each kind.
enum SearchJob {
    Patients(u64, String),
    Notes(u64, NoteRequest),
}

/// Runs one note search: resolves the `mrn:` filter, then searches. Errors stay
/// structured so a syntax error can point at the typed character.
fn note_search(
    services: &dyn ChartServices,
    session: &Session,
    request: NoteRequest,
) -> Result<Vec<NoteResult>, NoteSearchError> {
    let failed = |e: ServiceError| match e {
        ServiceError::Query { position, reason } => NoteSearchError::Query { position, reason },
        other => NoteSearchError::Failed(other.to_string()),
    };
    let patient = match request.mrn {
        Some(mrn) => match services.patient_by_mrn(session, mrn).map_err(failed)? {
            Some(id) => Some(id),
            None => return Err(NoteSearchError::NoSuchMrn),
        },
        None => None,
    };
    let query = NoteQuery {
        text: request.text,
        patient,
        from: request.from,
        to: request.to,
        doc_type: request.doc_type,
        author: None,
        author_name: request.author,
    };
    services
        .search_notes(session, &query, NOTE_LIMIT)
        .map_err(failed)
}

enum Work {
    OpenChart {
        patient: PatientId,
        reason: Option<BreakGlass>,
    },
    OpenDocument(DocumentId),
    Status,
    Completion(crate::screens::completion::jobs::CompletionJob),
    Admin(crate::screens::admin::jobs::AdminJob),
    Release(crate::screens::release::jobs::ReleaseJob),
    Privacy(crate::screens::privacy::jobs::PrivacyJob),
    Identity(crate::screens::identity::jobs::IdentityJob),
}

/// Runs one job of the work or long-job worker, turning errors and panics into `Msg`s.
fn run_work(services: &dyn ChartServices, session: &Session, job: Work) -> Msg {
    match job {
        Work::OpenChart { patient, reason } => {
            match guarded(|| services.open_chart(session, patient, reason.clone())) {
                Ok(OpenChart::Opened(chart)) => Msg::ChartOpened(chart),
                Ok(OpenChart::NeedsReason { patient, flags }) => {
                    Msg::ChartNeedsReason { patient, flags }
                }
                Err(message) => Msg::Failed {
                    what: "opening the chart",
                    message,
                },
            }
        }
        Work::OpenDocument(id) => match guarded(|| services.open_document(session, id)) {
            Ok(doc) => Msg::DocumentLoaded(Box::new(doc)),
            Err(message) => Msg::Failed {
                what: "opening the document",
                message,
            },
        },
        Work::Completion(job) => super::completion_runtime::run(services, session, job),
        Work::Admin(job) => super::admin_runtime::run(services, session, job),
        Work::Release(job) => super::release_runtime::run(services, session, job),
        Work::Privacy(job) => super::privacy_runtime::run(services, session, job),
        Work::Identity(job) => super::identity_runtime::run(services, session, job),
        Work::Status => match guarded(|| services.status()) {
            Ok(status) => Msg::Status(status),
            Err(message) => Msg::Failed {
                what: "reading the data status",
                message,
            },
        },
    }
}

/// The effect runner of one session.
pub struct Runtime {
    services: Arc<dyn ChartServices>,
    searches: Sender<SearchJob>,
    work: Sender<Work>,
    /// Long jobs: reports, exports, anything that may take seconds.
    long: Sender<Work>,
    messages: Receiver<Msg>,
}

impl Runtime {
    pub fn start(services: Arc<dyn ChartServices>, session: Session) -> Runtime {
        Runtime::start_with_wake(services, session, None)
    }

    /// `start`, calling `wake` after every answer is queued.
    pub fn start_with_wake(
        services: Arc<dyn ChartServices>,
        session: Session,
        wake: Option<Wake>,
    ) -> Runtime {
        let notify: Wake = wake.unwrap_or_else(|| Arc::new(|| {}));
        let (msg_tx, messages) = unbounded();
        let (searches, search_rx) = unbounded::<SearchJob>();
        let (work, work_rx) = unbounded::<Work>();
        let (long, long_rx) = unbounded::<Work>();
        {
            let services = services.clone();
            let session = session.clone();
            let msg_tx = msg_tx.clone();
            let notify = notify.clone();
            spawn("search", move || {
                while let Ok(first) = search_rx.recv() {
                    // Only the newest search of each kind runs: wait a moment for the
                    // next keystroke, and drop every query typed past. Each search is
                    // audited, so this also keeps the audit trail to what the clerk meant
                    // to look up. Patients and notes keep separate slots so switching
                    // screens mid-typing never strands the other screen's answer.
                    let mut patients = None;
                    let mut notes = None;
                    let mut keep = |job| match job {
                        SearchJob::Patients(g, q) => patients = Some((g, q)),
                        SearchJob::Notes(g, r) => notes = Some((g, r)),
                    };
                    keep(first);
                    loop {
                        match search_rx.recv_timeout(SEARCH_SETTLE) {
                            Ok(newer) => keep(newer),
                            Err(RecvTimeoutError::Timeout) => break,
                            Err(RecvTimeoutError::Disconnected) => return,
                        }
                    }
                    let mut answers = Vec::new();
                    if let Some((generation, query)) = patients {
                        answers.push(
                            match guarded(|| {
                                services.search_patients(&session, &query, SEARCH_LIMIT)
                            }) {
                                Ok(results) => Msg::SearchResults {
                                    generation,
                                    results,
                                },
                                Err(message) => Msg::SearchFailed {
                                    generation,
                                    message,
                                },
                            },
                        );
                    }
                    if let Some((generation, request)) = notes {
                        let run = catch_unwind(AssertUnwindSafe(|| {
                            note_search(services.as_ref(), &session, request)
                        }));
                        answers.push(match run {
                            Ok(Ok(results)) => Msg::NoteResults {
                                generation,
                                results,
                            },
                            Ok(Err(error)) => Msg::NoteSearchFailed { generation, error },
                            Err(_) => Msg::NoteSearchFailed {
                                generation,
                                error: NoteSearchError::Failed(
                                    "internal error (see the log)".to_string(),
                                ),
                            },
                        });
                    }
                    for msg in answers {
                        if msg_tx.send(msg).is_err() {
                            return;
                        }
                        notify();
                    }
                }
            });
        }
        // The same loop on two queues: quick work (charts, documents) never queues
        // behind a long job, and long jobs run one at a time without starving it.
        for (name, jobs) in [("work", work_rx), ("long", long_rx)] {
            let services = services.clone();
            let session = session.clone();
            let msg_tx = msg_tx.clone();
            let notify = notify.clone();
            spawn(name, move || {
                while let Ok(job) = jobs.recv() {
                    let msg = run_work(services.as_ref(), &session, job);
                    if msg_tx.send(msg).is_err() {
                        break;
                    }
                    notify();
                }
            });
        }
        Runtime {
            services,
            searches,
            work,
            long,
            messages,
        }
    }

    /// Starts an effect. Returns `false` for `Quit`: the frontend ends the session.
    pub fn dispatch(&self, effect: Effect) -> bool {
        // A send fails only when a worker has gone; its error already reached the user.
        match effect {
            Effect::SearchPatients { generation, query } => {
                let _ = self.searches.send(SearchJob::Patients(generation, query));
            }
            Effect::SearchNotes {
                generation,
                request,
            } => {
                let _ = self.searches.send(SearchJob::Notes(generation, request));
            }
            Effect::OpenChart { patient, reason } => {
                let _ = self.work.send(Work::OpenChart {
                    patient,
                    reason: reason.map(BreakGlass::from),
                });
            }
            Effect::OpenDocument { id } => {
                let _ = self.work.send(Work::OpenDocument(id));
            }
            // Measuring the data on disk walks the files: a long job.
            Effect::RefreshStatus => {
                let _ = self.long.send(Work::Status);
            }
            Effect::Completion(job) => {
                let queue = if job.is_long() {
                    &self.long
                } else {
                    &self.work
                };
                let _ = queue.send(Work::Completion(job));
            }
            // Counting the store's tables is a scan: a long job, like the status.
            Effect::Admin(job) => {
                let _ = self.long.send(Work::Admin(job));
            }
            // The list computes every request's fee (a release plan each): a long job;
            // an extension or QA is one write.
            Effect::Release(job) => {
                let queue = if job == crate::screens::release::jobs::ReleaseJob::Load {
                    &self.long
                } else {
                    &self.work
                };
                let _ = queue.send(Work::Release(job));
            }
            // A rule run reads the whole period: a long job; a review action is one write.
            Effect::Privacy(job) => {
                let queue = if job == crate::screens::privacy::jobs::PrivacyJob::Load {
                    &self.long
                } else {
                    &self.work
                };
                let _ = queue.send(Work::Privacy(job));
            }
            // The pair list and the overlay check read every chart: long jobs; a
            // decision, merge or scan is one write.
            Effect::Identity(job) => {
                let queue = if job.is_long() {
                    &self.long
                } else {
                    &self.work
                };
                let _ = queue.send(Work::Identity(job));
            }
            Effect::Quit => return false,
        }
        true
    }

    /// Answers from the workers; a frontend selects on it next to its input.
    pub fn messages(&self) -> &Receiver<Msg> {
        &self.messages
    }

    /// The services' clock. Called on the frontend's thread and deliberately not
    /// guarded: a panic here is a bug the frontend's panic handling must see.
    pub fn now(&self) -> DateTime<Utc> {
        self.services.now()
    }
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) {
    // If the OS refuses a thread the effects of that worker never answer; the session
    // still draws and quits, and the status line stays "loading".
    let _ = std::thread::Builder::new()
        .name(format!("{WORKER_THREAD_PREFIX}-{name}"))
        .spawn(f);
}

/// Runs a service call, turning an error or a panic into a one-line message. A panic in
/// a service must not take the session's worker (or a whole SSH server) down.
pub(crate) fn guarded<T>(f: impl FnOnce() -> Result<T, ServiceError>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("internal error (see the log)".to_string()),
    }
}

/// One session's app: state plus runtime. Frontends feed it `Msg`s (keys, resizes,
/// ticks, and whatever arrives on [`App::messages`]) and draw it.
pub struct App {
    pub state: State,
    runtime: Runtime,
}

impl App {
    pub fn new(
        services: Arc<dyn ChartServices>,
        session: Session,
        config: &UiConfig,
        width: u16,
        height: u16,
    ) -> App {
        App::with_wake(services, session, config, width, height, None)
    }

    /// `new` for frontends that need a callback when answers arrive (see [`Wake`]).
    pub fn with_wake(
        services: Arc<dyn ChartServices>,
        session: Session,
        config: &UiConfig,
        width: u16,
        height: u16,
        wake: Option<Wake>,
    ) -> App {
        let runtime = Runtime::start_with_wake(services, session.clone(), wake);
        let mut state = State::new(config, &session, runtime.now(), width, height);
        state.utc_offset_seconds = chrono::Local::now().offset().local_minus_utc();
        let app = App { state, runtime };
        app.runtime.dispatch(Effect::RefreshStatus);
        app
    }

    /// Runs `update` and starts its effects. Returns `false` once the app should quit.
    pub fn handle(&mut self, msg: Msg) -> bool {
        for effect in update(&mut self.state, msg) {
            if !self.runtime.dispatch(effect) {
                self.state.quit = true;
            }
        }
        !self.state.quit
    }

    /// Feeds every answer waiting from the workers; true if any arrived.
    pub fn drain(&mut self) -> bool {
        let mut any = false;
        while let Ok(msg) = self.runtime.messages().try_recv() {
            self.handle(msg);
            any = true;
        }
        any
    }

    pub fn tick(&mut self) {
        let now = self.runtime.now();
        self.handle(Msg::Tick { now });
    }

    pub fn refresh_status(&self) {
        self.runtime.dispatch(Effect::RefreshStatus);
    }

    pub fn messages(&self) -> &Receiver<Msg> {
        self.runtime.messages()
    }

    pub fn should_quit(&self) -> bool {
        self.state.quit
    }

    /// Draws into a frame the frontend owns (SSH draws through its own terminal).
    pub fn view(&self, frame: &mut ratatui::Frame<'_>) {
        super::view::view(&self.state, frame);
    }

    pub fn draw<B: ratatui::backend::Backend>(
        &self,
        terminal: &mut ratatui::Terminal<B>,
    ) -> Result<(), B::Error> {
        terminal
            .draw(|frame| super::view::view(&self.state, frame))
            .map(|_| ())
    }
}
