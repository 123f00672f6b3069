//! Draws the help overlay (its rows come from `super::rows`).

use super::rows;
use crate::layout::help_height;
use crate::state::State;
use crate::view::common::{centered, fit};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn draw(state: &State, frame: &mut Frame, body: Rect) {
    let theme = &state.theme;
    let area = centered(
        body,
        body.width.saturating_sub(8).min(76),
        help_height(body.height),
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border.focus"))
        .title(Span::styled(
            " Keys (from your keymap) ",
            theme.style("title"),
        ));
    let inner = block.inner(area);
    let key_w = 22.min(usize::from(inner.width) / 2);
    let scroll = state.help.unwrap_or(0);
    let all = rows(state);
    let block = if scroll + usize::from(inner.height) < all.len() {
        block.title_bottom(Line::styled(" more below ", theme.style("text.dim")).right_aligned())
    } else {
        block
    };
    let lines: Vec<Line> = all
        .into_iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .map(|(keys, desc)| {
            if desc.is_empty() {
                Line::styled(format!(" {keys}"), theme.style("title"))
            } else {
                Line::from(vec![
                    Span::styled(
                        format!("   {}", fit(&keys, key_w)),
                        theme.style("status.key"),
                    ),
                    Span::styled(format!(" {desc}"), theme.style("text")),
                ])
            }
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .style(theme.style("popup")),
        area,
    );
}
