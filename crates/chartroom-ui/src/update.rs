//! `update`: the only place state changes. No I/O: anything slow is returned as an
//! `Effect` for the runtime, whose answer comes back as a `Msg`.

use super::action::{Action, Mode};
use super::key::Key;
use super::msg::{BreakGlassRequest, Effect, Msg, NoteSearchError};
use super::note_filters::{parse_note_input, typed_position};
use super::screens::palette::{self, PaletteState};
use super::workspace::Workspace;
use super::state::{
    wrap_text, BreakGlassPopup, ChartState, Screen, Section, State, NOTE_ROWS, RECENT_LIMIT,
};
use chartroom_services::BreakGlassReason;

/// Longest break-the-glass explanation kept (it goes into the audit trail).
const MAX_EXPLANATION: usize = 200;
/// Longest query kept; nobody types more, and the index need not see more.
const MAX_QUERY: usize = 200;

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(state, key),
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            clamp_chart(state);
            Vec::new()
        }
        Msg::Tick { now } => {
            state.now = now;
            Vec::new()
        }
        Msg::Status(status) => {
            state.status = Some(status);
            Vec::new()
        }
        Msg::SearchResults {
            generation,
            results,
        } => {
            // A stale answer (the query changed since) is dropped: only the newest counts.
            if generation == state.search.generation && state.showing_results() {
                state.search.results = results;
                state.search.shown_generation = generation;
                state.search.pending = false;
                state.search.selected = 0;
            }
            Vec::new()
        }
        Msg::SearchFailed {
            generation,
            message,
        } => {
            if generation == state.search.generation {
                state.search.pending = false;
                state.error = Some(format!("search failed: {message}"));
            }
            Vec::new()
        }
        Msg::NoteResults {
            generation,
            results,
        } => {
            if generation == state.notes.generation && state.showing_note_results() {
                state.notes.results = results;
                state.notes.shown_generation = generation;
                state.notes.pending = false;
                state.notes.selected = 0;
                state.notes.problem = None;
            }
            Vec::new()
        }
        Msg::NoteSearchFailed { generation, error } => {
            if generation == state.notes.generation {
                state.notes.pending = false;
                state.notes.shown_generation = generation;
                state.notes.results.clear();
                match error {
                    // Never echoes the query: a position in what was typed and a reason.
                    NoteSearchError::Query { position, reason } => {
                        let at = typed_position(&state.notes.positions, position);
                        state.error = Some(format!("note query: at character {at}, {reason}"));
                        state.notes.error_at = Some(at);
                        // Not "no note matches": nothing was searched.
                        state.notes.problem =
                            Some("the query cannot be searched as typed (see below)".to_string());
                    }
                    NoteSearchError::NoSuchMrn => {
                        state.notes.problem = Some("no patient has that MRN".to_string());
                    }
                    NoteSearchError::Failed(message) => {
                        state.error = Some(format!("note search failed: {message}"));
                    }
                }
            }
            Vec::new()
        }
        Msg::ChartOpened(chart) => {
            state.loading = None;
            state.popup = None;
            let mut effects = Vec::new();
            // A note picked on the note screen opens (audited) now that its chart is open.
            if let Some((patient, document)) = state.open_after_chart.take() {
                if patient == chart.patient.id {
                    state.loading = Some("opening document");
                    effects.push(Effect::OpenDocument { id: document });
                }
            }
            let patient = chart.patient.clone();
            state.recent.retain(|p| p.id != patient.id);
            state.recent.insert(0, patient);
            state.recent.truncate(RECENT_LIMIT);
            state.chart = Some(ChartState::new(*chart));
            state.screen = Screen::Chart;
            state.help = None;
            effects
        }
        Msg::ChartNeedsReason { patient, flags } => {
            state.loading = None;
            state.popup = Some(BreakGlassPopup {
                patient,
                flags,
                selected: 0,
                explanation: String::new(),
                problem: None,
            });
            Vec::new()
        }
        Msg::DocumentLoaded(doc) => {
            state.loading = None;
            if let Some(chart) = state.chart.as_mut() {
                // Ignore a document that arrives after the user left its chart.
                if doc.document.patient == chart.chart.patient.id {
                    // Keep the list's cursor on the note being read (they show side by side
                    // on wide terminals).
                    if let Some(i) = chart
                        .chart
                        .documents
                        .iter()
                        .position(|d| d.document.id == doc.document.id)
                    {
                        chart.document_selected = i;
                    }
                    chart.reading = Some(*doc);
                    chart.reading_scroll = 0;
                    chart.section = Section::Reading;
                }
            }
            Vec::new()
        }
        Msg::Failed { what, message } => {
            state.loading = None;
            if what == "opening the chart" {
                state.open_after_chart = None;
            }
            state.error = Some(format!("{what} failed: {message}"));
            Vec::new()
        }
    }
}

fn on_key(state: &mut State, key: Key) -> Vec<Effect> {
    state.error = None;
    let mode = state.mode();
    match state.keymap.resolve(mode, key) {
        Some(action) => on_action(state, mode, action),
        None => {
            if let Some(c) = key.text().filter(|_| mode.has_text_field()) {
                type_char(state, mode, c)
            } else {
                Vec::new()
            }
        }
    }
}

fn type_char(state: &mut State, mode: Mode, c: char) -> Vec<Effect> {
    match mode {
        Mode::Search if state.search.query.chars().count() < MAX_QUERY => {
            state.search.query.push(c);
            query_changed(state)
        }
        Mode::Notes if state.notes.query.chars().count() < MAX_QUERY => {
            state.notes.query.push(c);
            note_query_changed(state)
        }
        Mode::Palette => {
            palette::type_char(state, c);
            Vec::new()
        }
        Mode::Popup => {
            if let Some(popup) = state.popup.as_mut() {
                if popup.explanation.chars().count() < MAX_EXPLANATION {
                    popup.explanation.push(c);
                }
                popup.problem = None;
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Every edit of the query starts a new generation; the runtime runs only the newest
/// and `update` ignores answers to older ones, so typing never waits for a search.
fn query_changed(state: &mut State) -> Vec<Effect> {
    state.search.generation += 1;
    state.search.selected = 0;
    let query = state.search.query.trim().to_string();
    if query.is_empty() {
        state.search.results.clear();
        state.search.pending = false;
        state.recent_selected = 0;
        return Vec::new();
    }
    state.search.pending = true;
    vec![Effect::SearchPatients {
        generation: state.search.generation,
        query,
    }]
}

/// The note screen's `query_changed`: filters are read here (pure), and only a query
/// whose filters all make sense is searched; otherwise the screen says what is wrong.
fn note_query_changed(state: &mut State) -> Vec<Effect> {
    let notes = &mut state.notes;
    notes.generation += 1;
    notes.selected = 0;
    notes.problem = None;
    notes.error_at = None;
    if notes.query.trim().is_empty() {
        notes.results.clear();
        notes.pending = false;
        notes.positions.clear();
        return Vec::new();
    }
    match parse_note_input(&notes.query) {
        Ok(parsed) => {
            notes.pending = true;
            notes.positions = parsed.positions;
            vec![Effect::SearchNotes {
                generation: notes.generation,
                request: parsed.request,
            }]
        }
        Err(problem) => {
            notes.problem = Some(problem);
            notes.pending = false;
            notes.results.clear();
            notes.shown_generation = notes.generation;
            Vec::new()
        }
    }
}

/// Actions the palette handles itself; anything else (quit, a workspace key) passes
/// through to the screen below.
const PALETTE_OWN: &[Action] = &[
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::DeleteBack,
    Action::ClearLine,
    Action::Back,
    Action::Run,
];

fn on_action(state: &mut State, mode: Mode, action: Action) -> Vec<Effect> {
    if mode == Mode::Palette && PALETTE_OWN.contains(&action) {
        return match palette::on_action(state, action) {
            Some(chosen) => run_command(state, chosen),
            None => Vec::new(),
        };
    }
    if let Some(workspace) = Workspace::from_action(action) {
        // The break-the-glass question must be answered (or cancelled) first.
        if mode != Mode::Popup {
            switch_workspace(state, workspace);
        }
        return Vec::new();
    }
    match action {
        Action::Palette => {
            match mode {
                Mode::Palette => state.palette = None,
                Mode::Popup => {}
                _ => {
                    state.help = None;
                    state.palette = Some(PaletteState::default());
                }
            }
            Vec::new()
        }
        Action::Run => Vec::new(),
        // Handled above, before the match.
        Action::WorkspaceSearch
        | Action::WorkspaceCompletion
        | Action::WorkspaceRelease
        | Action::WorkspacePrivacy
        | Action::WorkspaceIdentity
        | Action::WorkspaceAdmin => Vec::new(),
        Action::Quit => {
            state.quit = true;
            vec![Effect::Quit]
        }
        Action::Help => {
            if mode == Mode::Help {
                state.help = None;
            } else if mode != Mode::Popup {
                state.help = Some(0);
            }
            Vec::new()
        }
        Action::Back => {
            match mode {
                Mode::Help => state.help = None,
                Mode::Chart => {
                    state.screen = state.chart_return;
                    state.chart = None;
                }
                Mode::Notes => state.screen = Screen::Search,
                _ => {}
            }
            Vec::new()
        }
        Action::NoteSearch => {
            state.screen = match mode {
                Mode::Notes => Screen::Search,
                _ => Screen::Notes,
            };
            Vec::new()
        }
        Action::Up => move_by(state, mode, -1),
        Action::Down => move_by(state, mode, 1),
        Action::PageUp => move_by(state, mode, -(state.page_rows() as isize)),
        Action::PageDown => move_by(state, mode, state.page_rows() as isize),
        Action::Top => move_by(state, mode, isize::MIN),
        Action::Bottom => move_by(state, mode, isize::MAX),
        Action::Open => open(state, mode),
        Action::DeleteBack | Action::ClearLine => edit(state, mode, action),
        Action::NextSection | Action::PrevSection => {
            if let Some(chart) = state.chart.as_mut() {
                let n = Section::ALL.len();
                let i = chart.section.index();
                let next = if action == Action::NextSection {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                chart.section = Section::ALL[next];
            }
            Vec::new()
        }
        Action::Demographics => jump(state, Section::Demographics),
        Action::Encounters => jump(state, Section::Encounters),
        Action::Documents => jump(state, Section::Documents),
        Action::Reading => jump(state, Section::Reading),
        Action::Confirm => confirm(state),
        Action::Cancel => {
            state.popup = None;
            state.open_after_chart = None;
            Vec::new()
        }
    }
}

/// Runs a command chosen in the palette as if its key had been pressed on the screen.
fn run_command(state: &mut State, action: Action) -> Vec<Effect> {
    let mode = state.screen_mode();
    on_action(state, mode, action)
}

/// Goes to `workspace`'s home screen, or says on the error line why it cannot (not
/// permitted for the role, or not built yet); never an empty screen.
fn switch_workspace(state: &mut State, workspace: Workspace) {
    state.palette = None;
    if let Some(refusal) = workspace.refusal(state.role) {
        state.error = Some(refusal);
        return;
    }
    state.workspace = workspace;
    state.help = None;
    match workspace {
        Workspace::Search => {
            state.screen = Screen::Search;
            state.chart = None;
            state.open_after_chart = None;
        }
        // Not built: `refusal` turned them away above.
        Workspace::Completion
        | Workspace::Release
        | Workspace::Privacy
        | Workspace::Identity
        | Workspace::Admin => {}
    }
}

fn jump(state: &mut State, section: Section) -> Vec<Effect> {
    if let Some(chart) = state.chart.as_mut() {
        chart.section = section;
    }
    Vec::new()
}

fn edit(state: &mut State, mode: Mode, action: Action) -> Vec<Effect> {
    match mode {
        Mode::Search => {
            let before = state.search.query.clone();
            if action == Action::ClearLine {
                state.search.query.clear();
            } else {
                state.search.query.pop();
            }
            if before != state.search.query {
                return query_changed(state);
            }
        }
        Mode::Notes => {
            let before = state.notes.query.clone();
            if action == Action::ClearLine {
                state.notes.query.clear();
            } else {
                state.notes.query.pop();
            }
            if before != state.notes.query {
                return note_query_changed(state);
            }
        }
        Mode::Popup => {
            if let Some(popup) = state.popup.as_mut() {
                if action == Action::ClearLine {
                    popup.explanation.clear();
                } else {
                    popup.explanation.pop();
                }
            }
        }
        _ => {}
    }
    Vec::new()
}

fn open(state: &mut State, mode: Mode) -> Vec<Effect> {
    match mode {
        Mode::Search => {
            let patient = if state.showing_results() {
                state
                    .search
                    .results
                    .get(state.search.selected)
                    .map(|r| r.patient.id)
            } else {
                state.recent.get(state.recent_selected).map(|p| p.id)
            };
            state.open_after_chart = None;
            state.chart_return = Screen::Search;
            match patient {
                Some(patient) => {
                    state.loading = Some("opening chart");
                    vec![Effect::OpenChart {
                        patient,
                        reason: None,
                    }]
                }
                None => Vec::new(),
            }
        }
        // The chart opens first (audited, break-the-glass when needed), then the note.
        Mode::Notes => match state.notes.results.get(state.notes.selected) {
            Some(r) if state.showing_note_results() => {
                let patient = r.hit.patient;
                state.open_after_chart = Some((patient, r.hit.document));
                state.chart_return = Screen::Notes;
                state.loading = Some("opening chart");
                vec![Effect::OpenChart {
                    patient,
                    reason: None,
                }]
            }
            _ => Vec::new(),
        },
        Mode::Chart => {
            let Some(chart) = state.chart.as_mut() else {
                return Vec::new();
            };
            match chart.section {
                Section::Documents => match chart.chart.documents.get(chart.document_selected) {
                    Some(doc) => {
                        let id = doc.document.id;
                        state.loading = Some("opening document");
                        vec![Effect::OpenDocument { id }]
                    }
                    None => Vec::new(),
                },
                // Enter on an encounter shows its documents: what a reviewer wants next.
                Section::Encounters => {
                    if let Some(enc) = chart.chart.encounters.get(chart.encounter_selected) {
                        let id = enc.encounter.id;
                        if let Some(i) = chart
                            .chart
                            .documents
                            .iter()
                            .position(|d| d.document.encounter == Some(id))
                        {
                            chart.document_selected = i;
                        }
                        chart.section = Section::Documents;
                    }
                    Vec::new()
                }
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

fn confirm(state: &mut State) -> Vec<Effect> {
    let Some(popup) = state.popup.as_mut() else {
        return Vec::new();
    };
    let reason = BreakGlassReason::ALL
        .get(popup.selected)
        .copied()
        .unwrap_or(BreakGlassReason::Other);
    let explanation = popup.explanation.trim().to_string();
    if reason == BreakGlassReason::Other && explanation.is_empty() {
        popup.problem = Some("type an explanation for \"other\"".to_string());
        return Vec::new();
    }
    let patient = popup.patient;
    state.popup = None;
    state.loading = Some("opening chart");
    vec![Effect::OpenChart {
        patient,
        reason: Some(BreakGlassRequest {
            reason,
            explanation,
        }),
    }]
}

/// Moves a cursor or scroll offset by `delta`, clamped (`isize::MIN/MAX` = top/bottom).
pub(crate) fn step(current: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let last = len - 1;
    if delta < 0 {
        current.saturating_sub(delta.unsigned_abs()).min(last)
    } else {
        current.saturating_add(delta as usize).min(last)
    }
}

fn move_by(state: &mut State, mode: Mode, delta: isize) -> Vec<Effect> {
    match mode {
        Mode::Search => {
            if state.showing_results() {
                state.search.selected =
                    step(state.search.selected, delta, state.search.results.len());
            } else {
                state.recent_selected = step(state.recent_selected, delta, state.recent.len());
            }
        }
        Mode::Notes => {
            // Pages move by whole results (each takes `NOTE_ROWS` lines).
            let delta = if delta.unsigned_abs() == state.page_rows() {
                delta.signum() * (state.page_rows() / NOTE_ROWS).max(1) as isize
            } else {
                delta
            };
            state.notes.selected = step(state.notes.selected, delta, state.notes.results.len());
        }
        Mode::Popup => {
            if let Some(popup) = state.popup.as_mut() {
                popup.selected = step(popup.selected, delta, BreakGlassReason::ALL.len());
                popup.problem = None;
            }
        }
        Mode::Help => {
            let lines = super::view::help::line_count(state);
            let max = lines.saturating_sub(super::view::help::visible_rows(state));
            state.help = Some(step(state.help.unwrap_or(0), delta, max + 1));
        }
        Mode::Chart => {
            let today = state.now.date_naive();
            let reading_rows = reading_rows(state);
            let width = state.reading_width();
            let Some(chart) = state.chart.as_mut() else {
                return Vec::new();
            };
            match chart.section {
                Section::Demographics => {
                    let n =
                        super::view::chart::demographics_lines(&chart.chart.patient, today).len();
                    chart.demographics_scroll = step(chart.demographics_scroll, delta, n);
                }
                Section::Encounters => {
                    chart.encounter_selected = step(
                        chart.encounter_selected,
                        delta,
                        chart.chart.encounters.len(),
                    );
                }
                Section::Documents => {
                    chart.document_selected =
                        step(chart.document_selected, delta, chart.chart.documents.len());
                }
                Section::Reading => {
                    let lines = chart
                        .reading
                        .as_ref()
                        .map(|d| wrap_text(&d.document.text, width).len())
                        .unwrap_or(0);
                    let max = lines.saturating_sub(reading_rows);
                    chart.reading_scroll = step(chart.reading_scroll, delta, max + 1);
                }
            }
        }
        // The palette moves its own cursor (`screens::palette`).
        Mode::Global | Mode::Palette => {}
    }
    Vec::new()
}

/// Text rows of the reading pane: the screen less header (2), tabs (1), status (1),
/// borders (2) and the document's meta line (1). The view lays it out the same way.
pub fn reading_rows(state: &State) -> usize {
    usize::from(state.height.saturating_sub(7)).max(1)
}

fn clamp_chart(state: &mut State) {
    let rows = reading_rows(state);
    let width = state.reading_width();
    if let Some(chart) = state.chart.as_mut() {
        let lines = chart
            .reading
            .as_ref()
            .map(|d| wrap_text(&d.document.text, width).len())
            .unwrap_or(0);
        chart.reading_scroll = chart.reading_scroll.min(lines.saturating_sub(rows));
    }
}
