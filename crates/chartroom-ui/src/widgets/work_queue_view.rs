//! Drawing a [`WorkQueue`]: a bordered block whose title carries the counts, a filter
//! line, and a table. The cursor row has the selection style *and* a `>` marker, and
//! selected rows a `✓`, so neither depends on colour (mono themes, NO_COLOR, snapshots).

use super::work_queue::{QueueRow, SortDir, WorkQueue};
use crate::theme::Theme;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

/// Marks in the first column: cursor, then selection.
pub const CURSOR_MARK: &str = ">";
pub const SELECTED_MARK: &str = "✓";

/// Table body rows that fit in `area` when a queue is drawn there (borders, filter
/// line and header taken off): what the screen passes to `set_viewport`.
pub fn body_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(4))
}

/// `Deficiencies — 12 shown of 340 · 3 selected (1 not shown)`.
pub fn title<R: QueueRow>(queue: &WorkQueue<R>) -> String {
    let mut text = format!(
        "{} — {} shown of {}",
        queue.title,
        queue.visible_len(),
        queue.rows().len()
    );
    let selected = queue.selected_count();
    if selected > 0 {
        text.push_str(&format!(" · {selected} selected"));
        let hidden = queue.selected_hidden();
        if hidden > 0 {
            text.push_str(&format!(" ({hidden} not shown)"));
        }
    }
    text
}

/// Draws the queue; `focused` picks the border style (the detail pane beside it may
/// have focus instead).
pub fn render<R: QueueRow>(
    frame: &mut Frame,
    area: Rect,
    queue: &WorkQueue<R>,
    theme: &Theme,
    focused: bool,
) {
    let border = if focused { "border.focus" } else { "border" };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(border))
        .title(Span::styled(
            format!(" {} ", title(queue)),
            theme.style("title"),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [filter_area, table_area] = inner.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
    ]));

    frame.render_widget(Paragraph::new(filter_line(queue, theme)), filter_area);
    if queue.filter_focused() {
        // Put the terminal cursor at the end of the typed filter, like a text field.
        let x = filter_area.x + 8 + Span::raw(queue.filter()).width() as u16;
        if x < filter_area.right() {
            frame.set_cursor_position((x, filter_area.y));
        }
    }

    if queue.visible_len() == 0 {
        let why = if queue.rows().is_empty() {
            " Nothing in this queue."
        } else {
            " No rows match the filter (esc clears it)."
        };
        let [_, message] = table_area.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
        ]));
        frame.render_widget(
            Paragraph::new(Line::styled(why, theme.style("text.dim"))),
            message,
        );
        return;
    }

    let header = Row::new(std::iter::once(Cell::from("")).chain(
        queue.columns.iter().enumerate().map(|(i, column)| {
            let mark = match queue.sort() {
                Some((c, SortDir::Ascending)) if c == i => " ▲",
                Some((c, SortDir::Descending)) if c == i => " ▼",
                _ => "",
            };
            Cell::from(format!("{}{mark}", column.title))
        }),
    ))
    .style(theme.style("column"));

    let height = usize::from(table_area.height.saturating_sub(1)).max(1);
    let offset = visible_offset(queue.offset(), queue.cursor(), height);
    let rows = queue
        .visible_rows()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, row)| {
            let at_cursor = i == queue.cursor();
            let marks = format!(
                "{}{}",
                if at_cursor { CURSOR_MARK } else { " " },
                if queue.is_selected(&row.id()) {
                    SELECTED_MARK
                } else {
                    " "
                }
            );
            let style = if at_cursor {
                theme.style("selection")
            } else {
                theme.style("text")
            };
            Row::new(std::iter::once(marks).chain(row.cells()).map(Cell::from)).style(style)
        });

    let widths = std::iter::once(Constraint::Length(2))
        .chain(queue.columns.iter().map(|c| c.width))
        .collect::<Vec<_>>();
    frame.render_widget(Table::new(rows, widths).header(header), table_area);
}

/// The offset to draw with: the queue's own, moved just enough that the cursor shows
/// when the drawn height differs from the viewport the queue was told about.
fn visible_offset(offset: usize, cursor: usize, height: usize) -> usize {
    if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    }
}

fn filter_line<R: QueueRow>(queue: &WorkQueue<R>, theme: &Theme) -> Line<'static> {
    let label = Span::styled(" filter: ", theme.style("label"));
    if queue.filter_focused() {
        Line::from(vec![
            label,
            Span::styled(format!("{}▏", queue.filter()), theme.style("input")),
            Span::styled("  enter done · esc clear", theme.style("text.dim")),
        ])
    } else if queue.filter().is_empty() {
        Line::styled(
            " / filter · space select · ctrl-a all · s/S sort · enter open",
            theme.style("text.dim"),
        )
    } else {
        Line::from(vec![
            label,
            Span::styled(queue.filter().to_string(), theme.style("input")),
            Span::styled("  (/ edit · esc clear)", theme.style("text.dim")),
        ])
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::key::Key;
    use crate::widgets::work_queue::tests::queue;
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;
    use ratatui::Terminal;

    /// The buffer as lines of text, for plain assertions.
    pub fn lines(buffer: &Buffer) -> Vec<String> {
        let area = buffer.area;
        (0..area.height)
            .map(|y| {
                (0..area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect()
    }

    pub fn draw(f: impl FnOnce(&mut Frame)) -> Vec<String> {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
        terminal.draw(f).expect("draws");
        lines(terminal.backend().buffer())
    }

    #[test]
    fn renders_counts_sort_mark_cursor_and_selection() {
        let mut q = queue();
        q.toggle_sort(2);
        q.home(); // the cursor followed id 1 to the bottom
        q.toggle_select(); // id 3, first by days
        q.move_cursor(1);
        q.set_filter("note");
        let theme = Theme::builtin("mono").expect("theme");
        let screen = draw(|f| render(f, f.area(), &q, &theme, true));
        let text = screen.join("\n");
        assert!(
            screen[0].contains("Deficiencies — 2 shown of 5 · 1 selected (1 not shown)"),
            "{}",
            screen[0]
        );
        assert!(screen[1].contains("filter: note"), "{}", screen[1]);
        assert!(screen[2].contains("Days ▲"), "{}", screen[2]);
        // Cursor stays on Baker (id 2), which sorts first among the op notes.
        assert!(screen[3].starts_with("│> "), "{}", screen.join("\n"));
        assert!(screen[3].contains("Baker op note"));
        assert!(text.contains("Evans op note"));
        assert!(!text.contains("Clark"));

        q.set_filter("");
        q.handle_key(&Key::char('/'));
        let screen = draw(|f| render(f, f.area(), &q, &theme, true));
        assert!(screen[1].contains("filter: ▏"), "{}", screen[1]);
        let clark = screen
            .iter()
            .find(|l| l.contains("Clark"))
            .expect("Clark shown");
        assert!(clark.starts_with("│ ✓"), "{clark}");
    }

    #[test]
    fn empty_filter_result_says_so() {
        let mut q = queue();
        q.set_filter("zzz");
        let theme = Theme::default();
        let screen = draw(|f| render(f, f.area(), &q, &theme, false));
        assert!(screen.join("\n").contains("No rows match the filter"));
        assert_eq!(body_rows(Rect::new(0, 0, 80, 24)), 20);
    }
}
