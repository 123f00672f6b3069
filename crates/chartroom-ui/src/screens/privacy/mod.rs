//! The Privacy workspace (f6, roles that review access): the alert queue worst first
//! (filter line, multi-select), the selected alert's evidence side by side (roster row,
//! patient, the accesses, the patient's encounters), dismiss with a reason (bulk too),
//! promote to a case; the cases with their status, determination, breach clock and
//! history, moved by named transitions; from either, the patient's timeline (`t`) and
//! the user's activity (`u`), each a chart of accesses per day over its list.
//! Keymap section `[privacy]`.

pub mod jobs;
pub mod rows;
pub mod state;
pub mod timeline;
pub mod timeline_update;
pub mod timeline_view;
pub mod update;
pub mod view;
