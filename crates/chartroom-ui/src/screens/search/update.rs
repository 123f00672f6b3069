//! Patient search keys and answers. Every edit of the query starts a new generation;
//! the runtime runs only the newest and answers to older ones are dropped here.

use crate::action::Action;
use crate::msg::Effect;
use crate::screens::{edit_text, movement, step};
use crate::state::{Screen, State};
use chartroom_services::PatientResult;

/// Longest query kept; nobody types more, and the index need not see more.
pub const MAX_QUERY: usize = 200;

pub fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(delta) = movement(action, state.page_rows()) {
        move_by(state, delta);
        return Vec::new();
    }
    match action {
        Action::Open => open(state),
        Action::DeleteBack | Action::ClearLine => {
            if edit_text(&mut state.search.query, action) {
                query_changed(state)
            } else {
                Vec::new()
            }
        }
        Action::NoteSearch => {
            state.screen = Screen::Notes;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

pub fn type_char(state: &mut State, c: char) -> Vec<Effect> {
    if state.search.query.chars().count() >= MAX_QUERY {
        return Vec::new();
    }
    state.search.query.push(c);
    query_changed(state)
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

pub fn on_results(state: &mut State, generation: u64, results: Vec<PatientResult>) {
    // A stale answer (the query changed since) is dropped: only the newest counts.
    if generation == state.search.generation && state.showing_results() {
        state.search.results = results;
        state.search.shown_generation = generation;
        state.search.pending = false;
        state.search.selected = 0;
    }
}

pub fn on_failed(state: &mut State, generation: u64, message: String) {
    if generation == state.search.generation {
        state.search.pending = false;
        state.error = Some(format!("search failed: {message}"));
    }
}

fn move_by(state: &mut State, delta: isize) {
    if state.showing_results() {
        state.search.selected = step(state.search.selected, delta, state.search.results.len());
    } else {
        state.recent_selected = step(state.recent_selected, delta, state.recent.len());
    }
}

fn open(state: &mut State) -> Vec<Effect> {
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
