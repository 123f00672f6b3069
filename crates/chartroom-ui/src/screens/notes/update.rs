//! Note search keys and answers.

use crate::action::Action;
use crate::layout::NOTE_ROWS;
use crate::msg::{Effect, NoteSearchError};
use crate::note_filters::{parse_note_input, typed_position};
use crate::screens::search::update::MAX_QUERY;
use crate::screens::{edit_text, movement, step};
use crate::state::{Screen, State};
use chartroom_services::NoteResult;

pub fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(delta) = movement(action, state.page_rows()) {
        move_by(state, delta);
        return Vec::new();
    }
    match action {
        Action::Open => open(state),
        Action::DeleteBack | Action::ClearLine => {
            if edit_text(&mut state.notes.query, action) {
                query_changed(state)
            } else {
                Vec::new()
            }
        }
        Action::Back | Action::NoteSearch => {
            state.screen = Screen::Search;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

pub fn type_char(state: &mut State, c: char) -> Vec<Effect> {
    if state.notes.query.chars().count() >= MAX_QUERY {
        return Vec::new();
    }
    state.notes.query.push(c);
    query_changed(state)
}

/// The note screen's `query_changed`: filters are read here (pure), and only a query
/// whose filters all make sense is searched; otherwise the screen says what is wrong.
fn query_changed(state: &mut State) -> Vec<Effect> {
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

pub fn on_results(state: &mut State, generation: u64, results: Vec<NoteResult>) {
    if generation == state.notes.generation && state.showing_note_results() {
        state.notes.results = results;
        state.notes.shown_generation = generation;
        state.notes.pending = false;
        state.notes.selected = 0;
        state.notes.problem = None;
    }
}

pub fn on_failed(state: &mut State, generation: u64, error: NoteSearchError) {
    if generation != state.notes.generation {
        return;
    }
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

fn move_by(state: &mut State, delta: isize) {
    // Pages move by whole results (each takes `NOTE_ROWS` lines).
    let delta = if delta.unsigned_abs() == state.page_rows() {
        delta.signum() * (state.page_rows() / NOTE_ROWS).max(1) as isize
    } else {
        delta
    };
    state.notes.selected = step(state.notes.selected, delta, state.notes.results.len());
}

/// The chart opens first (audited, break-the-glass when needed), then the note.
fn open(state: &mut State) -> Vec<Effect> {
    match state.notes.results.get(state.notes.selected) {
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
    }
}
