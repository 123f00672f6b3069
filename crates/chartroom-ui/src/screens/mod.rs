//! One module per screen or overlay, each with its own state, update and view. The
//! top-level `update` routes messages and keys here; the top-level `view` stacks the
//! screen, the error and status lines and the overlays.
//!
//! - `search`: patient search (keymap `[search]`), the Search workspace's home.
//! - `notes`: full-text note search (`[notes]`).
//! - `chart`: an open chart (`[chart]`).
//! - `admin`: the Admin workspace (`[admin]`): HL7 feed and data panels.
//! - `release`: the Release workspace (`[release]`): request queue, detail, dashboard.
//! - `completion`: the Completion workspace's tabs (`[completion]`).
//! - `help`: the help overlay (`[help]`).
//! - `break_glass`: the break-the-glass reason popup (`[popup]`).
//! - `palette`: the command palette (`[palette]`).

pub mod admin;
pub mod break_glass;
pub mod chart;
pub mod completion;
pub mod help;
pub mod identity;
pub mod notes;
pub mod palette;
pub mod privacy;
pub mod release;
pub mod search;

use crate::action::Action;

/// How far a movement action moves a cursor (`isize::MIN/MAX` = top/bottom), `page`
/// rows for a page; `None` for anything that is not a movement.
pub fn movement(action: Action, page: usize) -> Option<isize> {
    let page = isize::try_from(page).unwrap_or(isize::MAX);
    match action {
        Action::Up => Some(-1),
        Action::Down => Some(1),
        Action::PageUp => Some(-page),
        Action::PageDown => Some(page),
        Action::Top => Some(isize::MIN),
        Action::Bottom => Some(isize::MAX),
        _ => None,
    }
}

/// Moves a cursor or scroll offset by `delta`, clamped (`isize::MIN/MAX` = top/bottom).
pub fn step(current: usize, delta: isize, len: usize) -> usize {
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

/// Edits a text field for `delete_back` / `clear_line`; true if it changed.
pub fn edit_text(text: &mut String, action: Action) -> bool {
    let before = text.len();
    match action {
        Action::ClearLine => text.clear(),
        Action::DeleteBack => {
            text.pop();
        }
        _ => {}
    }
    text.len() != before
}
