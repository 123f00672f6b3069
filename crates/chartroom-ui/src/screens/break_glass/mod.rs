//! Break-the-glass (keymap `[popup]`): a sensitive chart opens only with a reason,
//! which goes into the audit trail.

pub mod state;
pub mod update;
pub mod view;
