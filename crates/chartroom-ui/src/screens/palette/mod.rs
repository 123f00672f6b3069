//! The command palette (`:` or `ctrl-g`): every command the user's role may run here,
//! filtered fuzzily as they type (as in helix or k9s), each with its key from the live
//! keymap so the palette also teaches the keys.

pub mod view;

use crate::action::Action;
use crate::key::Key;
use crate::state::State;
use crate::workspace::Workspace;
use chartroom_domain::{allowed, Permission};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

/// Longest filter kept (a command title is far shorter).
const MAX_QUERY: usize = 60;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaletteState {
    pub query: String,
    /// Index into the filtered list.
    pub selected: usize,
}

/// One line of the palette.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub action: Action,
    pub title: String,
    /// The key that runs it where the palette was opened, if any.
    pub key: Option<Key>,
    /// What the role needs to run it (`None`: anyone signed in).
    pub permission: Option<Permission>,
}

/// Screen actions the palette offers, in menu order. Cursor movement and text editing
/// are left out: they only make sense as keys.
const SCREEN_COMMANDS: &[Action] = &[
    Action::NoteSearch,
    Action::Open,
    Action::Back,
    Action::NextSection,
    Action::PrevSection,
    Action::Demographics,
    Action::Encounters,
    Action::Documents,
    Action::Reading,
    Action::Help,
    Action::Quit,
];

/// The permission an action needs, from the same table the services enforce.
pub fn permission(action: Action) -> Option<Permission> {
    if let Some(w) = Workspace::from_action(action) {
        return Some(w.permission());
    }
    match action {
        Action::NoteSearch => Some(Permission::SearchCharts),
        Action::Open => Some(Permission::OpenChart),
        _ => None,
    }
}

/// Every command the role may run on the screen under the palette.
pub fn commands(state: &State) -> Vec<Command> {
    let mode = state.screen_mode();
    let mut out = Vec::new();
    for w in Workspace::available(state.role) {
        out.push(Command {
            action: w.action(),
            title: format!("Workspace: {}", w.title()),
            key: state.keymap.hint(mode, w.action()),
            permission: Some(w.permission()),
        });
    }
    for action in SCREEN_COMMANDS {
        let permission = permission(*action);
        if !action.allowed_in(mode) || permission.is_some_and(|p| !allowed(state.role, p)) {
            continue;
        }
        out.push(Command {
            action: *action,
            title: capitalised(action.description()),
            key: state.keymap.hint(mode, *action),
            permission,
        });
    }
    out
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `commands` narrowed by the palette's query, best match first (menu order on ties).
pub fn filtered(state: &State) -> Vec<Command> {
    let all = commands(state);
    let query = state.palette.as_ref().map(|p| p.query.trim()).unwrap_or("");
    if query.is_empty() {
        return all;
    }
    let matcher = SkimMatcherV2::default().ignore_case();
    let mut scored: Vec<(i64, Command)> = all
        .into_iter()
        .filter_map(|c| {
            // The action name too, so people who know `note_search` from the keymap find it.
            let haystack = format!("{} {}", c.title, c.action.name());
            matcher.fuzzy_match(&haystack, query).map(|s| (s, c))
        })
        .collect();
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    scored.into_iter().map(|(_, c)| c).collect()
}

/// Handles a palette key. Returns the action to run once the palette has closed.
pub fn on_action(state: &mut State, action: Action) -> Option<Action> {
    let count = filtered(state).len();
    let palette = state.palette.as_mut()?;
    let page = crate::layout::PALETTE_ROWS as isize;
    let delta = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        Action::Top => isize::MIN,
        Action::Bottom => isize::MAX,
        Action::DeleteBack | Action::ClearLine => {
            if action == Action::ClearLine {
                palette.query.clear();
            } else {
                palette.query.pop();
            }
            palette.selected = 0;
            return None;
        }
        Action::Back => {
            state.palette = None;
            return None;
        }
        Action::Run => {
            let chosen = filtered(state)
                .get(palette_selected(state))
                .map(|c| c.action);
            state.palette = None;
            return chosen;
        }
        _ => return None,
    };
    palette.selected = super::step(palette.selected, delta, count);
    None
}

fn palette_selected(state: &State) -> usize {
    state.palette.as_ref().map(|p| p.selected).unwrap_or(0)
}

pub fn type_char(state: &mut State, c: char) {
    if let Some(palette) = state.palette.as_mut() {
        if palette.query.chars().count() < MAX_QUERY {
            palette.query.push(c);
            palette.selected = 0;
        }
    }
}
