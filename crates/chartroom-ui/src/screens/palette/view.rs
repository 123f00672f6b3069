//! Draws the command palette: the filter line, then the matching commands with their keys.

use super::{filtered, Command};
use crate::layout::{PALETTE_ROWS, PALETTE_WIDTH};
use crate::state::State;
use crate::view::common::{centered, fit, scroll_offset, width};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn draw(state: &State, frame: &mut Frame, body: Rect) {
    let Some(palette) = state.palette.as_ref() else {
        return;
    };
    let theme = &state.theme;
    let commands = filtered(state);
    let rows = commands.len().clamp(1, PALETTE_ROWS) as u16;
    // Filter line, a rule, the rows and two borders.
    let area = centered(
        body,
        PALETTE_WIDTH.min(body.width.saturating_sub(4)),
        (rows + 4).min(body.height),
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("popup.border"))
        .title(Span::styled(" Commands ", theme.style("popup.border")));
    let inner = block.inner(area);
    let cols = usize::from(inner.width);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(" : ", theme.style("label")),
            Span::styled(palette.query.clone(), theme.style("input")),
        ]),
        Line::styled("─".repeat(cols), theme.style("popup.border")),
    ];
    if commands.is_empty() {
        lines.push(Line::styled(" no command matches", theme.style("text.dim")));
    }
    let visible = usize::from(inner.height.saturating_sub(2));
    let offset = scroll_offset(palette.selected, visible);
    for (i, command) in commands.iter().enumerate().skip(offset).take(visible) {
        lines.push(row(state, command, i == palette.selected, cols));
    }
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .style(theme.style("popup")),
        area,
    );
    let x = inner.x + 3 + width(&palette.query) as u16;
    if x < inner.right() && inner.height > 0 {
        frame.set_cursor_position((x, inner.y));
    }
}

/// `> Title ........ key`: the marker says which row is chosen without colour.
fn row(state: &State, command: &Command, selected: bool, cols: usize) -> Line<'static> {
    let theme = &state.theme;
    let key = command.key.map(|k| k.to_string()).unwrap_or_default();
    let title_cols = cols.saturating_sub(width(&key) + 4);
    let marker = if selected { ">" } else { " " };
    let style = crate::view::common::row_style(theme, selected);
    Line::from(vec![
        Span::styled(
            format!("{marker} {} ", fit(&command.title, title_cols)),
            style,
        ),
        Span::styled(format!("{key} "), theme.style("status.key")),
    ])
}
