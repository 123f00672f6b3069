//! The Privacy workspace (f6, roles that review access): the alert queue worst first
//! (filter line, multi-select), the selected alert's evidence side by side (roster row,
//! patient, the accesses, the patient's encounters), dismiss with a reason (bulk too),
//! promote to a case; the cases with their status, determination, breach clock and
//! history, moved by named transitions. Keymap section `[privacy]`.

pub mod jobs;
pub mod rows;
pub mod state;
pub mod update;
pub mod view;
