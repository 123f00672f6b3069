//! The break-the-glass popup: a sensitive chart opens only with a reason, which goes
//! into the audit trail.

use crate::state::State;
use crate::view::common::centered;
use chartroom_services::BreakGlassReason;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(state: &State, frame: &mut Frame, body: Rect) {
    let Some(popup) = state.popup.as_ref() else {
        return;
    };
    let theme = &state.theme;
    let height = 8 + BreakGlassReason::ALL.len() as u16;
    let area = centered(body, 66, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("popup.border"))
        .title(Span::styled(
            " Break the glass: reason required ",
            theme.style("popup.border"),
        ));
    let flags = if popup.flags.is_empty() {
        "protected".to_string()
    } else {
        popup.flags.join(", ")
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(" This chart is ", theme.style("popup")),
            Span::styled(flags, theme.style("flag")),
            Span::styled(".", theme.style("popup")),
        ]),
        Line::styled(
            " Opening it is recorded with your name and reason.",
            theme.style("popup"),
        ),
        Line::default(),
    ];
    for (i, reason) in BreakGlassReason::ALL.iter().enumerate() {
        let selected = i == popup.selected;
        let text = format!(
            " {} {}",
            if selected { "(*)" } else { "( )" },
            reason.label()
        );
        let style = if selected {
            theme.style("selection")
        } else {
            theme.style("popup")
        };
        lines.push(Line::styled(text, style));
    }
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled(" Explanation: ", theme.style("label")),
        Span::styled(popup.explanation.clone(), theme.style("input")),
    ]));
    let hint_line = match &popup.problem {
        Some(problem) => Line::styled(format!(" ! {problem}"), theme.style("error")),
        None => {
            let key = |a| {
                state
                    .keymap
                    .hint(crate::Mode::Popup, a)
                    .map(|k| k.to_string())
                    .unwrap_or_else(|| "(unbound)".into())
            };
            Line::styled(
                format!(
                    " {} confirm · {} cancel · {}/{} choose",
                    key(crate::Action::Confirm),
                    key(crate::Action::Cancel),
                    key(crate::Action::Up),
                    key(crate::Action::Down)
                ),
                theme.style("text.dim"),
            )
        }
    };
    lines.push(hint_line);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
    // The cursor sits after the explanation so typing there feels like a text field.
    let x = area.x + 15 + crate::view::common::width(&popup.explanation) as u16;
    let y = area.y + 1 + 3 + BreakGlassReason::ALL.len() as u16 + 1;
    if x < area.right().saturating_sub(1) && y < area.bottom().saturating_sub(1) {
        frame.set_cursor_position((x, y));
    }
}
