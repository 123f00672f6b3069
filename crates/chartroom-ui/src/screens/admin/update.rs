//! The Admin workspace's `update`: ctrl-r and the clock ask for fresh figures; the
//! answer replaces both panels.

use super::jobs::{AdminAnswer, AdminJob};
use super::state::REFRESH_SECONDS;
use crate::action::Action;
use crate::msg::Effect;
use crate::state::{Screen, State};

/// Entering the workspace reads the figures.
pub fn enter(state: &mut State) -> Vec<Effect> {
    load(state)
}

pub fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Refresh => load(state),
        _ => Vec::new(),
    }
}

/// Every few seconds while the workspace is on screen, the figures are read again.
pub fn on_tick(state: &mut State) -> Vec<Effect> {
    if state.screen != Screen::Admin {
        return Vec::new();
    }
    match state.admin.loaded_at {
        Some(at) if (state.now - at).num_seconds() < REFRESH_SECONDS => Vec::new(),
        _ => load(state),
    }
}

pub fn on_answer(state: &mut State, answer: AdminAnswer) {
    let admin = &mut state.admin;
    admin.loading = false;
    admin.loaded_at = Some(answer.at);
    admin.feed = Some(answer.feed);
    admin.data = Some(answer.data);
}

fn load(state: &mut State) -> Vec<Effect> {
    if state.admin.loading {
        return Vec::new();
    }
    state.admin.loading = true;
    vec![Effect::Admin(AdminJob::Load)]
}
