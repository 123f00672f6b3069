//! The status bar: who, what data, hints for the current mode (from the live keymap),
//! and the clock.

use super::common::{human_bytes, thousands, width};
use crate::ui::action::{Action, Mode};
use crate::ui::state::State;
use chrono::FixedOffset;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Actions hinted in the status bar, per mode (keys come from the keymap).
fn hinted(mode: Mode) -> &'static [(Action, &'static str)] {
    match mode {
        Mode::Search => &[(Action::Open, "open"), (Action::Help, "help"), (Action::Quit, "quit")],
        Mode::Chart => &[
            (Action::NextSection, "section"),
            (Action::Open, "open"),
            (Action::Back, "back"),
            (Action::Help, "help"),
        ],
        Mode::Help => &[(Action::Back, "close"), (Action::Down, "scroll")],
        Mode::Popup => &[(Action::Confirm, "confirm"), (Action::Cancel, "cancel")],
        Mode::Global => &[],
    }
}

/// `HH:MM` in the session's local time.
pub fn clock(state: &State) -> String {
    match FixedOffset::east_opt(state.utc_offset_seconds) {
        Some(offset) => state.now.with_timezone(&offset).format("%H:%M").to_string(),
        None => state.now.format("%H:%M").to_string(),
    }
}

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let bar = theme.style("status.bar");
    let key_style = theme.style("status.key");
    let mut left = format!(" {} ({})", state.username, state.role.code());
    if let Some(s) = state.status {
        left.push_str(&format!(" │ {} patients · {}", thousands(s.patients), human_bytes(s.bytes_on_disk)));
    }
    if let Some(what) = state.loading {
        left.push_str(&format!(" │ {what}…"));
    }
    let mut hints: Vec<Span> = Vec::new();
    let mode = state.mode();
    for (action, label) in hinted(mode) {
        if let Some(key) = state.keymap.hint(mode, *action) {
            hints.push(Span::styled(key.to_string(), key_style));
            hints.push(Span::styled(format!(" {label}  "), bar));
        }
    }
    let clock = format!("{} ", clock(state));
    let hints_width: usize = hints.iter().map(|s| s.width()).sum();
    let total = usize::from(area.width);
    let mut spans = vec![Span::styled(left.clone(), bar)];
    let used = width(&left) + width(&clock);
    // Hints go only when they fit; the identity and clock always show.
    if used + hints_width + 2 <= total {
        spans.push(Span::styled(" ".repeat(total - used - hints_width), bar));
        spans.extend(hints);
    } else {
        spans.push(Span::styled(" ".repeat(total.saturating_sub(used)), bar));
    }
    spans.push(Span::styled(clock, bar));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
}
