//! chartroom: a keyboard-driven terminal application for a hospital records room.
//!
//! Layers (dependencies point one way), each a crate under `crates/`:
//! `domain` ← `store` (redb), `search` (tantivy) ← `import`, `generate` ← `services`
//! ← `ui` (ratatui) ← `term` (crossterm) / `ssh` (russh) ← `cli` (clap, here).
//! This crate sees only domain, services and the edges: the compiler keeps the CLI
//! from reaching around the services to the store or the index. See docs/ARCHITECTURE.md.

pub mod cli;
