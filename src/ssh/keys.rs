//! The app's key type: input parsing produces `ui::Key`s directly.

pub use crate::ui::{Key, KeyCode, Modifiers};
