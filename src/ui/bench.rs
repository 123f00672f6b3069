//! Figures for `chartroom bench`: how long the first screen takes to build and draw.

use super::config::{ConfigError, UiConfig};
use super::state::State;
use crate::services::{ServiceError, Services, Session};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum FirstFrameError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("drawing the first frame failed: {0}")]
    Draw(String),
}

/// Builds the search screen as a session starts (config, state, status figures) and
/// draws it at 80×24 off-screen; returns the time taken.
pub fn bench_first_frame(
    services: &Services,
    session: &Session,
) -> Result<Duration, FirstFrameError> {
    let started = Instant::now();
    let config = UiConfig::builtin(false)?;
    let mut state = State::new(&config, session, services.now(), 80, 24);
    state.status = Some(services.status()?);
    let mut terminal = Terminal::new(TestBackend::new(80, 24))
        .map_err(|e| FirstFrameError::Draw(e.to_string()))?;
    terminal
        .draw(|frame| super::view::view(&state, frame))
        .map_err(|e| FirstFrameError::Draw(e.to_string()))?;
    Ok(started.elapsed())
}
