//! The real app (`ui::App`) on an SSH channel: the same app the local terminal runs.

use super::screen::{Flow, ScreenFactory, SessionScreen, Wake};
use chartroom_services::ChartServices;
use chartroom_services::{Services, Session};
use chartroom_ui::runtime::App;
use chartroom_ui::{Key, Msg, UiConfig};
use std::sync::Arc;

/// Ticks (seconds) between refreshes of the status figures, as the local terminal does.
const STATUS_EVERY_TICKS: u32 = 60;

/// Opens one `ui::App` per session, all with the server's keymap and theme.
pub struct AppScreens {
    config: UiConfig,
}

impl AppScreens {
    pub fn new(config: UiConfig) -> AppScreens {
        AppScreens { config }
    }
}

impl ScreenFactory for AppScreens {
    fn open(
        &self,
        services: Arc<Services>,
        session: Session,
        size: (u16, u16),
        wake: Wake,
    ) -> Box<dyn SessionScreen> {
        let services: Arc<dyn ChartServices> = services;
        // The app's workers call `wake` after each answer; the channel task then polls.
        let app = App::with_wake(services, session, &self.config, size.0, size.1, Some(wake));
        Box::new(AppScreen { app, ticks: 0 })
    }
}

struct AppScreen {
    app: App,
    ticks: u32,
}

impl AppScreen {
    fn flow(&self) -> Flow {
        if self.app.should_quit() {
            Flow::Quit
        } else {
            Flow::Continue
        }
    }
}

impl SessionScreen for AppScreen {
    fn key(&mut self, key: Key) -> Flow {
        self.app.handle(Msg::Key(key));
        self.flow()
    }

    fn resize(&mut self, width: u16, height: u16) {
        self.app.handle(Msg::Resize { width, height });
    }

    fn tick(&mut self) -> Flow {
        self.app.tick();
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks.is_multiple_of(STATUS_EVERY_TICKS) {
            self.app.refresh_status();
        }
        self.poll()
    }

    fn poll(&mut self) -> Flow {
        self.app.drain();
        self.flow()
    }

    fn draw(&mut self, frame: &mut ratatui::Frame<'_>) {
        self.app.view(frame);
    }
}
