//! The help overlay: every binding of the mode underneath, then the global ones that
//! reach it, straight from the loaded keymap (never a hand-written list). Its rows are
//! built here so `update` (scroll limit) and the view (drawing) count the same lines.

pub mod view;

use crate::action::{Action, Mode};
use crate::layout::help_rows;
use crate::state::State;
use crate::workspace::Workspace;
use std::collections::BTreeMap;

/// The mode whose keys the overlay explains (the screen under it).
fn explained_mode(state: &State) -> Mode {
    state.screen_mode()
}

/// (heading or keys, description) rows; a row with an empty description is a heading.
pub fn rows(state: &State) -> Vec<(String, String)> {
    let mode = explained_mode(state);
    let mut out = Vec::new();
    for (section, heading) in [
        (mode, format!("{} ({})", mode.description(), mode.name())),
        (Mode::Global, "everywhere (global)".to_string()),
        (Mode::Help, "in this help (help)".to_string()),
    ] {
        // Group keys by action, keeping the Action enum's order.
        let mut by_action: BTreeMap<Action, Vec<String>> = BTreeMap::new();
        for (key, action) in state.keymap.bindings(section) {
            // A global binding the mode shadows (or a printable key in a text mode) is not live here.
            if section == Mode::Global && state.keymap.resolve(mode, key) != Some(action) {
                continue;
            }
            // A workspace the role cannot enter (or that is not built) is not offered.
            if Workspace::from_action(action).is_some_and(|w| w.refusal(state.role).is_some()) {
                continue;
            }
            by_action.entry(action).or_default().push(key.to_string());
        }
        if by_action.is_empty() {
            continue;
        }
        out.push((heading, String::new()));
        for (action, keys) in by_action {
            out.push((keys.join(", "), action.description().to_string()));
        }
        out.push((String::new(), String::new()));
    }
    if mode.has_text_field() {
        out.push((
            "other keys".to_string(),
            if mode == Mode::Notes {
                "type the query (syntax on the empty screen)".to_string()
            } else {
                "type into the search box".to_string()
            },
        ));
        out.push((String::new(), String::new()));
    }
    // Narrow lists shorten flags; the legend says what the letters mean.
    out.push(("flags in lists".to_string(), String::new()));
    for (word, letter) in crate::text::FLAG_LETTERS {
        out.push((letter.to_string(), word.to_string()));
    }
    out
}

pub fn line_count(state: &State) -> usize {
    rows(state).len()
}

/// The help overlay's keys: close, or scroll within its rows.
pub fn on_action(state: &mut State, action: Action) {
    match action {
        Action::Back | Action::Help => state.help = None,
        _ => {
            if let Some(delta) = super::movement(action, state.page_rows()) {
                let max = line_count(state).saturating_sub(help_rows(state.height));
                state.help = Some(super::step(state.help.unwrap_or(0), delta, max + 1));
            }
        }
    }
}
