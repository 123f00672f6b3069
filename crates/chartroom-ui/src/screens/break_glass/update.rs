//! Break-the-glass keys: choose a reason, explain, confirm (reopens the chart with the
//! reason) or cancel (opens nothing, not even a note chosen on the note screen).

use super::state::BreakGlassPopup;
use crate::action::Action;
use crate::msg::{BreakGlassRequest, Effect};
use crate::screens::{edit_text, step};
use crate::state::State;
use chartroom_domain::PatientId;
use chartroom_services::BreakGlassReason;

/// Longest break-the-glass explanation kept (it goes into the audit trail).
const MAX_EXPLANATION: usize = 200;

pub fn on_needs_reason(state: &mut State, patient: PatientId, flags: Vec<&'static str>) {
    state.loading = None;
    state.popup = Some(BreakGlassPopup {
        patient,
        flags,
        selected: 0,
        explanation: String::new(),
        problem: None,
    });
}

pub fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Confirm => return confirm(state),
        Action::Cancel => {
            state.popup = None;
            state.open_after_chart = None;
        }
        Action::Up | Action::Down => {
            if let Some(popup) = state.popup.as_mut() {
                let delta = if action == Action::Up { -1 } else { 1 };
                popup.selected = step(popup.selected, delta, BreakGlassReason::ALL.len());
                popup.problem = None;
            }
        }
        Action::DeleteBack | Action::ClearLine => {
            if let Some(popup) = state.popup.as_mut() {
                edit_text(&mut popup.explanation, action);
            }
        }
        _ => {}
    }
    Vec::new()
}

pub fn type_char(state: &mut State, c: char) {
    if let Some(popup) = state.popup.as_mut() {
        if popup.explanation.chars().count() < MAX_EXPLANATION {
            popup.explanation.push(c);
        }
        popup.problem = None;
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
