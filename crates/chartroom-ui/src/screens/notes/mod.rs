//! Full-text search inside clinical notes (keymap `[notes]`), part of the Search
//! workspace. Filters are read on every keystroke (`note_filters`); a note opens
//! through its chart so break-the-glass applies to notes as to charts.

pub mod state;
pub mod update;
pub mod view;
