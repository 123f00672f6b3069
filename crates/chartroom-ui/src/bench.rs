//! Frame timing for `chartroom bench`: the app drawn into an in-memory backend, so the
//! figure is the app's own work, not a terminal emulator's.

use super::action::{Action, Mode};
use super::key::Key;
use super::msg::Msg;
use super::runtime::App;
use super::UiConfig;
use chartroom_services::ChartServices;
use chartroom_services::Session;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Builds an app at 80×24 and draws its first frame; returns the time it took.
pub fn first_frame(
    services: Arc<dyn ChartServices>,
    session: Session,
    config: &UiConfig,
) -> Result<Duration, std::io::Error> {
    let started = Instant::now();
    let app = App::new(services, session, config, 80, 24);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).map_err(io)?;
    app.draw(&mut terminal).map_err(io)?;
    Ok(started.elapsed())
}

fn io(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// How the simulated clerk types.
#[derive(Clone, Copy, Debug)]
pub struct TypingOptions {
    /// Time between keystrokes. The default (120 ms, a brisk typist) is longer than the
    /// runtime's settle delay, so nearly every keystroke starts a search while the next
    /// one is typed: the worst case for a frame competing with a search for the CPU.
    pub interval: Duration,
    /// Longest wait for a query's results before it counts as lost.
    pub results_timeout: Duration,
}

impl Default for TypingOptions {
    fn default() -> Self {
        TypingOptions {
            interval: Duration::from_millis(120),
            results_timeout: Duration::from_secs(10),
        }
    }
}

/// Search-as-you-type as the clerk sees it.
#[derive(Clone, Copy, Debug, Default)]
pub struct TypingFigures {
    pub keystrokes: usize,
    pub queries: usize,
    /// Queries whose results did not arrive within `results_timeout`.
    pub lost: usize,
    /// From `App::handle(Msg::Key)` to the frame drawn (answers already queued are
    /// applied first, as a frontend does before drawing).
    pub keystroke_to_frame_p50: Duration,
    pub keystroke_to_frame_p99: Duration,
    /// From the query's last keystroke to the first frame showing its results,
    /// including the runtime's settle delay.
    pub query_to_results_p50: Duration,
    pub query_to_results_p99: Duration,
}

/// Types each query one character at a time into an `App` on an 80×24 `TestBackend`,
/// drawing a frame after every keystroke and every answer. Typing never waits for a
/// search: between keystrokes the loop only handles answers that arrive.
pub fn typing(
    services: Arc<dyn ChartServices>,
    session: Session,
    config: &UiConfig,
    queries: &[String],
    options: TypingOptions,
) -> Result<TypingFigures, std::io::Error> {
    let mut app = App::new(services, session, config, 80, 24);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).map_err(io)?;
    app.draw(&mut terminal).map_err(io)?;
    // Clear the box between queries with whatever the keymap binds.
    let clear = config
        .keymap
        .hint(Mode::Search, Action::ClearLine)
        .ok_or_else(|| io("the keymap binds no clear_line in [search]"))?;
    let mut keystrokes = Vec::new();
    let mut answers = Vec::new();
    let mut figures = TypingFigures::default();
    for query in queries.iter().filter(|q| !q.trim().is_empty()) {
        let mut last_key = Instant::now();
        let mut shown_at = None;
        for c in query.chars() {
            last_key = Instant::now();
            app.handle(Msg::Key(Key::char(c)));
            app.drain();
            app.draw(&mut terminal).map_err(io)?;
            keystrokes.push(last_key.elapsed());
            // Until the next keystroke, show answers as they come (stale ones are
            // dropped by `update`, but each still costs a frame).
            shown_at = wait_and_draw(&mut app, &mut terminal, last_key + options.interval, false)?;
        }
        if shown_at.is_none() {
            shown_at = wait_and_draw(
                &mut app,
                &mut terminal,
                last_key + options.results_timeout,
                true,
            )?;
        }
        match shown_at {
            Some(at) => answers.push(at.saturating_duration_since(last_key)),
            None => figures.lost += 1,
        }
        figures.queries += 1;
        app.handle(Msg::Key(clear));
        app.draw(&mut terminal).map_err(io)?;
    }
    figures.keystrokes = keystrokes.len();
    keystrokes.sort_unstable();
    answers.sort_unstable();
    figures.keystroke_to_frame_p50 = percentile(&keystrokes, 0.50);
    figures.keystroke_to_frame_p99 = percentile(&keystrokes, 0.99);
    figures.query_to_results_p50 = percentile(&answers, 0.50);
    figures.query_to_results_p99 = percentile(&answers, 0.99);
    Ok(figures)
}

/// Whether the frame on screen shows the results of the query as typed now.
fn answered(app: &App) -> bool {
    let search = &app.state.search;
    search.shown_generation == search.generation && !search.pending
}

/// Handles and draws answers until `until` (or, with `stop_when_shown`, until the
/// results are on screen); returns when the first frame showing the current query's
/// results was drawn.
fn wait_and_draw(
    app: &mut App,
    terminal: &mut Terminal<TestBackend>,
    until: Instant,
    stop_when_shown: bool,
) -> Result<Option<Instant>, std::io::Error> {
    let mut shown_at = None;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || (stop_when_shown && shown_at.is_some()) {
            return Ok(shown_at);
        }
        if let Ok(msg) = app.messages().recv_timeout(left) {
            app.handle(msg);
            app.drain();
            app.draw(terminal).map_err(io)?;
            if shown_at.is_none() && answered(app) {
                shown_at = Some(Instant::now());
            }
        }
    }
}

/// Nearest-rank percentile of a sorted list (zero when empty).
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chartroom_domain::{DocumentId, Mrn, PatientId, Role, StaffUser, UserId};
    use chartroom_services::NoteQuery;
    use chartroom_services::{
        BreakGlass, DataStatus, DocumentView, NoteResult, OpenChart, PatientResult, ServiceError,
    };
    use chrono::{DateTime, Utc};

    /// Answers every search at once with nothing; the figures are about the loop.
    struct Empty;

    impl chartroom_services::IdentityDesk for Empty {}

    impl ChartServices for Empty {
        fn now(&self) -> DateTime<Utc> {
            DateTime::<Utc>::UNIX_EPOCH
        }
        fn search_patients(
            &self,
            _: &Session,
            _: &str,
            _: usize,
        ) -> Result<Vec<PatientResult>, ServiceError> {
            Ok(Vec::new())
        }
        fn open_chart(
            &self,
            _: &Session,
            _: PatientId,
            _: Option<BreakGlass>,
        ) -> Result<OpenChart, ServiceError> {
            Err(ServiceError::NotFound { what: "patient" })
        }
        fn open_document(&self, _: &Session, _: DocumentId) -> Result<DocumentView, ServiceError> {
            Err(ServiceError::NotFound { what: "document" })
        }
        fn status(&self) -> Result<DataStatus, ServiceError> {
            Ok(DataStatus::default())
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
    fn typing_measures_every_keystroke_and_every_query() {
        let session = Session {
            user: StaffUser {
                id: UserId(1),
                username: "bench".into(),
                display_name: "Bench".into(),
                role: Role::Clerk,
                department: "HIM".into(),
                disabled: false,
                patient_link: None,
                ssh_keys: Vec::new(),
            },
            id: "bench".into(),
            client: "local".into(),
        };
        let config = UiConfig::builtin(true).unwrap_or_else(|e| panic!("{e}"));
        let queries = vec!["smith jon".to_string(), "  ".to_string(), "ab".to_string()];
        let options = TypingOptions {
            interval: Duration::from_millis(2),
            results_timeout: Duration::from_secs(10),
        };
        let figures = typing(Arc::new(Empty), session, &config, &queries, options)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (figures.queries, figures.keystrokes, figures.lost),
            (2, 11, 0)
        );
        // Results wait at least for the settle delay after the last keystroke.
        assert!(figures.query_to_results_p50 >= crate::runtime::SEARCH_SETTLE);
        assert!(figures.keystroke_to_frame_p99 > Duration::ZERO);
    }
}
