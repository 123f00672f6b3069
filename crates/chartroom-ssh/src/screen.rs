//! What the SSH edge needs from an app: the one seam between a channel and the TUI.
//! `app_screen.rs` implements it for `ui::App`; tests may plug in another screen.

use super::keys::Key;
use chartroom_services::{Services, Session};
use std::sync::Arc;

/// Whether the session goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// The user quit (the app's quit action, e.g. Ctrl-C): end this session only.
    Quit,
}

/// Called (from any thread) when an app's background work has results; the channel
/// task then calls `SessionScreen::poll` and redraws. The same type the ui runtime takes.
pub use chartroom_ui::runtime::Wake;

/// One user's app on one channel. Methods may block on the store briefly; the channel
/// task runs them where blocking is allowed.
pub trait SessionScreen: Send {
    fn key(&mut self, key: Key) -> Flow;
    /// The client's window changed size (the backend already knows; the app may care).
    fn resize(&mut self, _width: u16, _height: u16) {}
    /// Once a second (clocks, status figures).
    fn tick(&mut self) -> Flow {
        Flow::Continue
    }
    /// Absorbs finished background work (after a `Wake`).
    fn poll(&mut self) -> Flow {
        Flow::Continue
    }
    fn draw(&mut self, frame: &mut ratatui::Frame<'_>);
}

/// Makes the app of each new session.
pub trait ScreenFactory: Send + Sync {
    /// The app of a new session on a client terminal of `size` (columns, rows).
    fn open(
        &self,
        services: Arc<Services>,
        session: Session,
        size: (u16, u16),
        wake: Wake,
    ) -> Box<dyn SessionScreen>;
}
