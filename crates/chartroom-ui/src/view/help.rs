//! The help overlay: every binding of the mode underneath, then the global ones that
//! reach it, straight from the loaded keymap (never a hand-written list).

use super::common::{centered, fit};
use crate::action::{Action, Mode};
use crate::state::State;
use crate::workspace::Workspace;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use std::collections::BTreeMap;

/// The mode whose keys the overlay explains (the screen under it).
fn explained_mode(state: &State) -> Mode {
    state.screen_mode()
}

/// (heading or keys, description) rows; a row with an empty description is a heading.
fn rows(state: &State) -> Vec<(String, String)> {
    let mode = explained_mode(state);
    let mut out = Vec::new();
    for (section, heading) in [
        (mode, format!("{} ({})", mode.description(), mode.name())),
        (Mode::Global, "everywhere (global)".to_string()),
        (Mode::Help, "in this help (help)".to_string()),
    ] {
        // Group keys by action, keeping the Action enum's order.
        let mut by_action: BTreeMap<Action, Vec<String>> = BTreeMap::new();
        for (key, action) in state.keymap.bindings(section) {
            // A global binding the mode shadows (or a printable key in a text mode) is not live here.
            if section == Mode::Global && state.keymap.resolve(mode, key) != Some(action) {
                continue;
            }
            // A workspace the role cannot enter (or that is not built) is not offered.
            if Workspace::from_action(action).is_some_and(|w| w.refusal(state.role).is_some()) {
                continue;
            }
            by_action.entry(action).or_default().push(key.to_string());
        }
        if by_action.is_empty() {
            continue;
        }
        out.push((heading, String::new()));
        for (action, keys) in by_action {
            out.push((keys.join(", "), action.description().to_string()));
        }
        out.push((String::new(), String::new()));
    }
    if mode.has_text_field() {
        out.push((
            "other keys".to_string(),
            if mode == Mode::Notes {
                "type the query (syntax on the empty screen)".to_string()
            } else {
                "type into the search box".to_string()
            },
        ));
        out.push((String::new(), String::new()));
    }
    // Narrow lists shorten flags; the legend says what the letters mean.
    out.push(("flags in lists".to_string(), String::new()));
    for (word, letter) in super::common::FLAG_LETTERS {
        out.push((letter.to_string(), word.to_string()));
    }
    out
}

pub fn line_count(state: &State) -> usize {
    rows(state).len()
}

/// Rows visible inside the overlay at the current size.
pub fn visible_rows(state: &State) -> usize {
    let body = state.height.saturating_sub(2);
    usize::from(overlay_height(body).saturating_sub(2)).max(1)
}

fn overlay_height(body_height: u16) -> u16 {
    body_height.saturating_sub(2).max(3)
}

pub fn draw(state: &State, frame: &mut Frame, body: Rect) {
    let theme = &state.theme;
    let area = centered(
        body,
        body.width.saturating_sub(8).min(76),
        overlay_height(body.height),
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
