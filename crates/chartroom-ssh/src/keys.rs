//! The app's key type: input parsing produces `ui::Key`s directly.

pub use chartroom_ui::{Key, KeyCode, Modifiers};
