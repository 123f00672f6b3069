//! chartroom: a keyboard-driven terminal application for a hospital records room.
//!
//! Layers (dependencies point one way):
//! `domain` ← `store` (redb), `search` (tantivy) ← `services` ← `ui` (ratatui)
//! ← `term` (crossterm) / `cli` (clap). See docs/ARCHITECTURE.md.

pub mod cli;
pub mod domain;
pub mod generate;
pub mod import;
pub mod search;
pub mod services;
pub mod ssh;
pub mod store;
pub mod term;
pub mod ui;
