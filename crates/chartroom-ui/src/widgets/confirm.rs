//! The confirm popup before a transition or bulk action: a question, what will happen,
//! and `y` / `n`. Enter does not confirm: a bulk action is one keystroke from many
//! records changing, so a stray enter (the key that opens items everywhere else) must
//! not be that keystroke.

use crate::key::{Key, KeyCode};
use crate::theme::Theme;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Padding, Paragraph, Wrap};
use ratatui::Frame;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfirmOutcome {
    /// Still open; the key did nothing.
    Pending,
    Confirmed,
    Cancelled,
}

/// Confirm state: plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirm {
    pub title: String,
    /// `Mark 3 deficiencies completed?`
    pub question: String,
    /// What will happen, in words: `Each is recorded with your name and the time.`
    pub consequence: String,
}

impl Confirm {
    pub fn new(
        title: impl Into<String>,
        question: impl Into<String>,
        consequence: impl Into<String>,
    ) -> Confirm {
        Confirm {
            title: title.into(),
            question: question.into(),
            consequence: consequence.into(),
        }
    }

    pub fn handle_key(&self, key: &Key) -> ConfirmOutcome {
        if key.code() == KeyCode::Esc {
            return ConfirmOutcome::Cancelled;
        }
        match key.text() {
            Some('y' | 'Y') => ConfirmOutcome::Confirmed,
            Some('n' | 'N') => ConfirmOutcome::Cancelled,
            _ => ConfirmOutcome::Pending,
        }
    }
}

/// Draws the popup centred in `area` over whatever is there.
pub fn render(frame: &mut Frame, area: Rect, confirm: &Confirm, theme: &Theme) {
    let width = area.width.min(64);
    let inner_width = usize::from(width.saturating_sub(4)).max(1);
    // Height from the wrapped text so a long consequence is never cut off (a line
    // spare when wrapping: words can need more lines than the character count says).
    let wrapped = |text: &str| Span::raw(text).width().div_ceil(inner_width).max(1);
    let (question, consequence) = (wrapped(&confirm.question), wrapped(&confirm.consequence));
    let spare = usize::from(question > 1 || consequence > 1);
    let height = 2 + question + 1 + consequence + spare + 2;
    let popup = area.centered(
        Constraint::Length(width),
        Constraint::Length(u16::try_from(height).unwrap_or(u16::MAX)),
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("popup.border"))
        .padding(Padding::horizontal(1))
        .title(Span::styled(
            format!(" {} ", confirm.title),
            theme.style("popup.border"),
        ));
    let lines = vec![
        Line::styled(confirm.question.clone(), theme.style("popup")),
        Line::default(),
        Line::styled(confirm.consequence.clone(), theme.style("popup")),
        Line::default(),
        Line::from(vec![
            Span::styled("y", theme.style("status.key")),
            Span::styled(" confirm · ", theme.style("text.dim")),
            Span::styled("n", theme.style("status.key")),
            Span::styled("/", theme.style("text.dim")),
            Span::styled("esc", theme.style("status.key")),
            Span::styled(" cancel", theme.style("text.dim")),
        ]),
    ];
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::work_queue_view::tests::draw;

    fn confirm() -> Confirm {
        Confirm::new(
            "Complete",
            "Mark 3 deficiencies completed?",
            "Each is recorded with your name and the time; reopen undoes it.",
        )
    }

    #[test]
    fn only_y_confirms() {
        let c = confirm();
        assert_eq!(c.handle_key(&Key::char('y')), ConfirmOutcome::Confirmed);
        assert_eq!(c.handle_key(&Key::char('Y')), ConfirmOutcome::Confirmed);
        assert_eq!(c.handle_key(&Key::char('n')), ConfirmOutcome::Cancelled);
        assert_eq!(
            c.handle_key(&Key::plain(KeyCode::Esc)),
            ConfirmOutcome::Cancelled
        );
        assert_eq!(
            c.handle_key(&Key::plain(KeyCode::Enter)),
            ConfirmOutcome::Pending
        );
        assert_eq!(c.handle_key(&Key::ctrl('y')), ConfirmOutcome::Pending);
    }

    #[test]
    fn renders_centred_with_question_and_keys() {
        let theme = Theme::builtin("dark").expect("theme");
        let screen = draw(|f| render(f, f.area(), &confirm(), &theme));
        let top = screen
            .iter()
            .position(|l| l.contains("Complete"))
            .expect("title");
        assert!(top > 5 && top < 12, "not centred: row {top}");
        assert!(screen[top].starts_with("        ┌"), "{}", screen[top]);
        assert!(screen[top + 1].contains("Mark 3 deficiencies completed?"));
        let text = screen.join("\n");
        assert!(text.contains("reopen undoes"), "{text}");
        assert!(
            text.contains("│ it."),
            "wrapped lines keep the margin: {text}"
        );
        assert!(text.contains("y confirm · n/esc cancel"));
    }
}
