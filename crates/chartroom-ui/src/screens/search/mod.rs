//! Patient search: the Search workspace's home screen (keymap `[search]`). Typing
//! searches as you type; an empty query shows the charts opened recently.

pub mod state;
pub mod update;
pub mod view;
