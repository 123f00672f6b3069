//! The terminal UI: the only user of ratatui (and of toml, for keymaps and themes).
//!
//! The app loop is split so one `App` runs in a local terminal (`term/`) and later per
//! SSH channel: `State` is plain data, `update(&mut State, Msg) -> Vec<Effect>` does no
//! I/O, `view(&State, &mut Frame)` only draws, and `runtime` runs effects against
//! `Services` on worker threads and feeds results back as `Msg`s.

pub mod action;
pub mod admin_runtime;
pub mod bench;
pub mod completion_runtime;
pub mod config;
pub mod config_error;
pub mod identity_runtime;
pub mod key;
pub mod keymap;
pub mod layout;
pub mod msg;
pub mod note_filters;
pub mod privacy_runtime;
pub mod release_runtime;
pub mod runtime;
pub mod screens;
pub mod state;
pub mod text;
pub mod theme;
pub mod update;
pub mod view;
pub mod widgets;
pub mod workspace;

pub use action::{Action, Mode};
pub use chartroom_services::ChartServices;
pub use config::{check_config_file, ConfigError, Summary, UiConfig, UiOptions};
pub use key::{Key, KeyCode, Modifiers};
pub use keymap::Keymap;
pub use msg::{Effect, Msg};
pub use runtime::{App, Runtime};
pub use state::State;
pub use theme::Theme;
pub use update::update;
pub use view::view;
pub use workspace::Workspace;
