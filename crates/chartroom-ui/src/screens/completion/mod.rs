//! The Completion workspace (f4): the analysis queue of discharged charts with each
//! chart's deficiencies and documents, one provider's outstanding deficiencies, and the
//! supervisor's dashboard. Keymap section `[completion]`; the queues use the shared
//! work-queue keys (arrows, space, `/`, `s`).

pub mod dashboard_view;
pub mod jobs;
pub mod rows;
pub mod state;
pub mod update;
pub mod view;
