//! The UI's integration tests, one test binary (one link step): key flows on fake and
//! real services, 80×24 screen snapshots, keymap and theme files.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test helpers outside #[test] fns

mod admin_flow;
mod app_flow;
mod completion_flow;
mod identity_flow;
mod privacy_flow;
mod privacy_screens;
mod release_entry;
mod release_flow;
mod ui_config;
mod ui_flow;
mod ui_runtime;
mod ui_screens;
mod ui_services;
mod ui_support;
