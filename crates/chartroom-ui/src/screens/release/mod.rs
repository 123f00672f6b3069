//! The Release workspace (f5, roles that log release-of-information requests): the
//! request queue by status with the clock on every row, the selected request's detail
//! (scope, purpose, authorization elements, what is missing and why, fee), the
//! extension and QA steps the services offer, and a dashboard line. Keymap section
//! `[release]`; the queue uses the shared work-queue keys (arrows, `/`, `s`, enter).

pub mod dashboard;
pub mod entry;
pub mod entry_view;
pub mod jobs;
pub mod rows;
pub mod state;
pub mod update;
pub mod view;
