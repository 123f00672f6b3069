//! Shared widgets of the workflow screens (completion, release, privacy, identity).
//!
//! Every workflow shows a queue of work items, a detail pane beside it, confirm and
//! reason popups for its transitions, and dashboard charts. They are built once here
//! so a clerk learns one queue (same keys, same filter line, same selection marks,
//! same counts in the title) and meets it in every workflow; a workflow screen only
//! supplies its row type and columns.
//!
//! Each widget is plain state with pure key handling (`handle_key(&Key) -> Outcome`,
//! no I/O, so `update` stays pure) and a `render` function that only draws with the
//! theme's roles. States are always shown by a word or glyph as well as by colour.

pub mod charts;
pub mod confirm;
pub mod detail_pane;
pub mod reason;
pub mod work_queue;
pub mod work_queue_keys;
pub mod work_queue_view;

pub use confirm::{Confirm, ConfirmOutcome};
pub use detail_pane::{split_queue_detail, Detail};
pub use reason::{choices_from, reason_text, ReasonChoice, ReasonOutcome, ReasonPopup};
pub use work_queue::{Column, QueueOutcome, QueueRow, SortDir, SortKey, WorkQueue};
