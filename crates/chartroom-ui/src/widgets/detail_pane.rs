//! The detail pane beside a queue: the item under the cursor as label/value lines and
//! an optional free-text paragraph (a note excerpt, a request's wording), wrapped and
//! scrollable. The workflow builds a [`Detail`] from its row; this only draws it.

use crate::theme::Theme;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// Narrowest terminal at which the detail sits beside the queue; below it the queue
/// keeps the full width, because at 80 columns a side pane would cut the queue's
/// columns to a few letters each.
pub const BESIDE_MIN_WIDTH: u16 = 110;
/// Lowest area at which the detail goes below the queue when it cannot go beside;
/// less than this and the queue keeps all rows (enter opens the item instead).
pub const BELOW_MIN_HEIGHT: u16 = 20;

/// Where the queue and the detail go in `area`: beside when wide, below when narrow
/// but tall enough, else no detail.
pub fn split_queue_detail(area: Rect) -> (Rect, Option<Rect>) {
    if area.width >= BESIDE_MIN_WIDTH {
        let [queue, detail] = area.layout(&Layout::horizontal([
            Constraint::Percentage(60),
            Constraint::Percentage(40),
        ]));
        (queue, Some(detail))
    } else if area.height >= BELOW_MIN_HEIGHT {
        let [queue, detail] = area.layout(&Layout::vertical([
            Constraint::Fill(2),
            Constraint::Fill(1),
        ]));
        (queue, Some(detail))
    } else {
        (area, None)
    }
}

/// What the pane shows: plain data the workflow fills from the current item.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Detail {
    pub title: String,
    pub fields: Vec<(String, String)>,
    pub text: Option<String>,
}

impl Detail {
    pub fn new(title: impl Into<String>) -> Detail {
        Detail {
            title: title.into(),
            ..Detail::default()
        }
    }

    pub fn field(mut self, label: impl Into<String>, value: impl Into<String>) -> Detail {
        self.fields.push((label.into(), value.into()));
        self
    }

    pub fn text(mut self, text: impl Into<String>) -> Detail {
        self.text = Some(text.into());
        self
    }
}

/// Draws `detail` scrolled down by `scroll` lines (the screen keeps the scroll and
/// resets it when the cursor moves to another item). `None` draws an empty pane
/// saying so, which reads better than a blank box when the queue is empty.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    detail: Option<&Detail>,
    theme: &Theme,
    focused: bool,
    scroll: u16,
) {
    let border = if focused { "border.focus" } else { "border" };
    let title = detail.map(|d| d.title.as_str()).unwrap_or("Detail");
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(border))
        .title(Span::styled(format!(" {title} "), theme.style("title")));
    let Some(detail) = detail else {
        frame.render_widget(
            Paragraph::new(Line::styled(" Nothing selected.", theme.style("text.dim")))
                .block(block),
            area,
        );
        return;
    };
    // Labels line up in one column so the values can be scanned down.
    let label_width = detail
        .fields
        .iter()
        .map(|(l, _)| Span::raw(l.as_str()).width())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = detail
        .fields
        .iter()
        .map(|(label, value)| {
            let pad = label_width - Span::raw(label.as_str()).width();
            Line::from(vec![
                Span::styled(
                    format!("{label}:{} ", " ".repeat(pad)),
                    theme.style("label"),
                ),
                Span::styled(value.clone(), theme.style("text")),
            ])
        })
        .collect();
    if let Some(text) = &detail.text {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.extend(
            text.lines()
                .map(|l| Line::styled(l.to_string(), theme.style("text"))),
        );
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::work_queue_view::tests::draw;

    #[test]
    fn splits_beside_below_or_not_at_all() {
        let (q, d) = split_queue_detail(Rect::new(0, 0, 160, 40));
        assert_eq!((q.width, d.map(|d| d.x)), (96, Some(96)));
        let (q, d) = split_queue_detail(Rect::new(0, 0, 80, 22));
        assert_eq!(q.width, 80);
        assert!(d.is_some_and(|d| d.y > q.y && d.width == 80));
        let (q, d) = split_queue_detail(Rect::new(0, 0, 80, 12));
        assert_eq!((q, d), (Rect::new(0, 0, 80, 12), None));
    }

    #[test]
    fn renders_aligned_fields_and_scrolled_text() {
        let detail = Detail::new("Deficiency 4")
            .field("Patient", "DAVIS, ANN")
            .field("Days open", "15")
            .text("line one\nline two\nline three");
        let theme = Theme::default();
        let screen = draw(|f| render(f, Rect::new(0, 0, 40, 10), Some(&detail), &theme, false, 0));
        assert!(screen[0].contains("Deficiency 4"));
        assert!(screen[1].contains("Patient:   DAVIS, ANN"), "{}", screen[1]);
        assert!(screen[2].contains("Days open: 15"), "{}", screen[2]);
        assert!(screen[4].contains("line one"));
        let screen = draw(|f| render(f, Rect::new(0, 0, 40, 10), Some(&detail), &theme, true, 4));
        assert!(screen[1].contains("line two"), "{}", screen[1]);
        let screen = draw(|f| render(f, Rect::new(0, 0, 40, 10), None, &theme, true, 0));
        assert!(screen[1].contains("Nothing selected."));
    }
}
