//! `update`: the only place state changes. No I/O: anything slow is returned as an
//! `Effect` for the runtime, whose answer comes back as a `Msg`.
//!
//! This is the router: it handles what belongs to no screen (resize, clock, data
//! status, quit, help, the palette, workspace switching) and hands the rest to the
//! screen or overlay that has focus (`screens::*::update`).

use super::action::{Action, Mode};
use super::key::Key;
use super::msg::{Effect, Msg};
use super::screens::palette::{self, PaletteState};
use super::screens::{
    admin, break_glass, chart, completion, help, identity, notes, privacy, release, search,
};
use super::state::{Screen, State};
use super::workspace::Workspace;

pub use super::screens::step;

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => return on_key(state, key),
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            chart::update::clamp(state);
        }
        Msg::Tick { now } => {
            state.now = now;
            return admin::update::on_tick(state);
        }
        Msg::Status(status) => state.status = Some(status),
        Msg::SearchResults {
            generation,
            results,
        } => search::update::on_results(state, generation, results),
        Msg::SearchFailed {
            generation,
            message,
        } => search::update::on_failed(state, generation, message),
        Msg::NoteResults {
            generation,
            results,
        } => notes::update::on_results(state, generation, results),
        Msg::NoteSearchFailed { generation, error } => {
            notes::update::on_failed(state, generation, error)
        }
        Msg::ChartOpened(opened) => return chart::update::on_opened(state, *opened),
        Msg::ChartNeedsReason { patient, flags } => {
            break_glass::update::on_needs_reason(state, patient, flags)
        }
        Msg::DocumentLoaded(doc) => chart::update::on_document(state, *doc),
        Msg::Completion(answer) => return completion::update::on_answer(state, *answer),
        Msg::Admin(answer) => admin::update::on_answer(state, *answer),
        Msg::Release(answer) => return release::update::on_answer(state, *answer),
        Msg::Privacy(answer) => return privacy::update::on_answer(state, *answer),
        Msg::Identity(answer) => return identity::update::on_answer(state, *answer),
        Msg::Failed { what, message } => {
            state.loading = None;
            if what == "opening the chart" {
                state.open_after_chart = None;
            }
            state.error = Some(format!("{what} failed: {message}"));
        }
    }
    Vec::new()
}

fn on_key(state: &mut State, key: Key) -> Vec<Effect> {
    state.error = None;
    let mode = state.mode();
    if let Some(screen) = WorkspaceKeys::of(mode) {
        return on_workspace_key(state, key, mode, screen);
    }
    match state.keymap.resolve(mode, key) {
        Some(action) => on_action(state, mode, action),
        None => match key.text().filter(|_| mode.has_text_field()) {
            Some(c) => type_char(state, mode, c),
            None => Vec::new(),
        },
    }
}

/// How a workflow workspace takes its keys: whether it captures every key (a popup, a
/// focused filter line, a scan under way), its `[mode]` actions, and the raw keys its
/// queue gets.
struct WorkspaceKeys {
    captures: fn(&State) -> bool,
    on_action: fn(&mut State, Action, Key) -> Vec<Effect>,
    on_raw_key: fn(&mut State, Key) -> Vec<Effect>,
}

impl WorkspaceKeys {
    fn of(mode: Mode) -> Option<WorkspaceKeys> {
        Some(match mode {
            Mode::Completion => WorkspaceKeys {
                captures: |s| s.completion.captures_keys(),
                on_action: completion::update::on_action,
                on_raw_key: completion::update::on_raw_key,
            },
            Mode::Release => WorkspaceKeys {
                captures: |s| s.release.captures_keys(),
                on_action: release::update::on_action,
                on_raw_key: release::update::on_raw_key,
            },
            Mode::Privacy => WorkspaceKeys {
                captures: |s| s.privacy.captures_keys(),
                on_action: privacy::update::on_action,
                on_raw_key: privacy::update::on_raw_key,
            },
            Mode::Identity => WorkspaceKeys {
                captures: |s| s.identity.captures_keys(),
                on_action: identity::update::on_action,
                on_raw_key: identity::update::on_raw_key,
            },
            _ => return None,
        })
    }
}

/// A workflow workspace: while it captures keys every key but quit goes to it raw;
/// otherwise its `[mode]` actions, the shell's actions (quit, help, palette, the
/// workspace keys) to the router, and unbound keys to its queue.
fn on_workspace_key(state: &mut State, key: Key, mode: Mode, screen: WorkspaceKeys) -> Vec<Effect> {
    let action = state.keymap.resolve(mode, key);
    if (screen.captures)(state) && action != Some(Action::Quit) {
        return (screen.on_raw_key)(state, key);
    }
    match action {
        Some(action) if action.allowed_in(mode) && !is_shell(action) => {
            (screen.on_action)(state, action, key)
        }
        Some(action) => on_action(state, mode, action),
        None => (screen.on_raw_key)(state, key),
    }
}

/// Actions the router handles in every screen.
fn is_shell(action: Action) -> bool {
    matches!(action, Action::Quit | Action::Help | Action::Palette)
        || Workspace::from_action(action).is_some()
}

fn type_char(state: &mut State, mode: Mode, c: char) -> Vec<Effect> {
    match mode {
        Mode::Search => search::update::type_char(state, c),
        Mode::Notes => notes::update::type_char(state, c),
        Mode::Popup => {
            break_glass::update::type_char(state, c);
            Vec::new()
        }
        Mode::Palette => {
            palette::type_char(state, c);
            Vec::new()
        }
        Mode::Global
        | Mode::Chart
        | Mode::Help
        | Mode::Completion
        | Mode::Admin
        | Mode::Release
        | Mode::Privacy
        | Mode::Identity => Vec::new(),
    }
}

/// Actions the palette handles itself; anything else (quit, a workspace key) passes
/// through to the router below.
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
            return switch_workspace(state, workspace);
        }
        return Vec::new();
    }
    match action {
        Action::Quit => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        Action::Help => match mode {
            Mode::Help => state.help = None,
            Mode::Popup => {}
            _ => {
                state.palette = None;
                state.help = Some(0);
            }
        },
        Action::Palette => match mode {
            Mode::Palette => state.palette = None,
            Mode::Popup => {}
            _ => {
                state.help = None;
                state.palette = Some(PaletteState::default());
            }
        },
        _ => {
            return match mode {
                Mode::Search => search::update::on_action(state, action),
                Mode::Notes => notes::update::on_action(state, action),
                Mode::Chart => chart::update::on_action(state, action),
                Mode::Completion => completion::update::on_action(state, action, key_of(action)),
                Mode::Admin => admin::update::on_action(state, action),
                Mode::Release => release::update::on_action(state, action, key_of(action)),
                Mode::Privacy => privacy::update::on_action(state, action, key_of(action)),
                Mode::Identity => identity::update::on_action(state, action, key_of(action)),
                Mode::Popup => break_glass::update::on_action(state, action),
                Mode::Help => {
                    help::on_action(state, action);
                    Vec::new()
                }
                Mode::Palette | Mode::Global => Vec::new(),
            }
        }
    }
    Vec::new()
}

/// Runs a command chosen in the palette as if its key had been pressed on the screen.
fn run_command(state: &mut State, action: Action) -> Vec<Effect> {
    let mode = state.screen_mode();
    on_action(state, mode, action)
}

/// Goes to `workspace`'s home screen, or says on the error line why it cannot (not
/// permitted for the role, or not built yet); never an empty screen.
/// A palette command has no key of its own; completion actions do not look at it.
fn key_of(_action: Action) -> Key {
    Key::plain(crate::key::KeyCode::F(24))
}

fn switch_workspace(state: &mut State, workspace: Workspace) -> Vec<Effect> {
    state.palette = None;
    if let Some(refusal) = workspace.refusal(state.role) {
        state.error = Some(refusal);
        return Vec::new();
    }
    state.workspace = workspace;
    state.help = None;
    match workspace {
        Workspace::Search => {
            state.screen = Screen::Search;
            state.chart = None;
            state.open_after_chart = None;
        }
        Workspace::Completion => {
            state.screen = Screen::Completion;
            return completion::update::enter(state);
        }
        Workspace::Admin => {
            state.screen = Screen::Admin;
            return admin::update::enter(state);
        }
        Workspace::Release => {
            state.screen = Screen::Release;
            return release::update::enter(state);
        }
        Workspace::Privacy => {
            state.screen = Screen::Privacy;
            return privacy::update::enter(state);
        }
        Workspace::Identity => {
            state.screen = Screen::Identity;
            return identity::update::enter(state);
        }
    }
    Vec::new()
}
