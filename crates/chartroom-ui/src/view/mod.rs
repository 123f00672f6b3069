//! `view`: draws the state, nothing else. Layout top to bottom: the screen, an error
//! line when there is one, the status bar; overlays (help, break-the-glass) on top.

pub mod common;
pub mod status;

use super::screens::{
    admin, break_glass, chart, completion, help, identity, notes, palette, privacy, release, search,
};

use super::state::{Screen, State, MIN_HEIGHT, MIN_WIDTH};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn view(state: &State, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(state, frame, area);
        return;
    }
    let error_rows = u16::from(state.error.is_some());
    let [body, error, status_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(error_rows),
        Constraint::Length(1),
    ])
    .areas(area);
    match state.screen {
        Screen::Search => search::view::draw(state, frame, body),
        Screen::Notes => notes::view::draw(state, frame, body),
        Screen::Chart => chart::view::draw(state, frame, body),
        Screen::Completion => completion::view::draw(state, frame, body),
        Screen::Admin => admin::view::draw(state, frame, body),
        Screen::Release => release::view::draw(state, frame, body),
        Screen::Privacy => privacy::view::draw(state, frame, body),
        Screen::Identity => identity::view::draw(state, frame, body),
    }
    if let Some(message) = &state.error {
        let line = Line::styled(format!(" ! {}", message), state.theme.style("error"));
        frame.render_widget(Paragraph::new(line), error);
    }
    status::draw(state, frame, status_area);
    if state.help.is_some() {
        help::view::draw(state, frame, body);
    }
    if state.palette.is_some() {
        palette::view::draw(state, frame, body);
    }
    if state.popup.is_some() {
        break_glass::view::draw(state, frame, body);
    }
}

/// Drawn instead of the screens below 60×15; wraps to whatever fits, never panics.
fn too_small(state: &State, frame: &mut Frame, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let text = format!("terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT})");
    let paragraph = Paragraph::new(text)
        .style(state.theme.style("error"))
        .wrap(Wrap { trim: true });
    frame.render_widget(paragraph, area);
}
