//! An open chart (keymap `[chart]`), part of the Search workspace: header, section tabs
//! and one section at a time; wide terminals show documents beside the reading pane.

pub mod state;
pub mod update;
pub mod view;
