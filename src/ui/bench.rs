//! Frame timing for `chartroom bench`: the app drawn into an in-memory backend, so the
//! figure is the app's own work, not a terminal emulator's.

use super::runtime::{App, ChartServices};
use super::UiConfig;
use crate::services::Session;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Builds an app at 80×24 and draws its first frame; returns the time it took.
pub fn first_frame(
    services: Arc<dyn ChartServices>,
    session: Session,
    config: &UiConfig,
) -> Result<Duration, std::io::Error> {
    let started = Instant::now();
    let app = App::new(services, session, config, 80, 24);
    let mut terminal = Terminal::new(TestBackend::new(80, 24))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    app.draw(&mut terminal)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(started.elapsed())
}
