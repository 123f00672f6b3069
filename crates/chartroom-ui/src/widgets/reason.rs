//! The reason popup: a transition that must say why (deny a release request, dismiss a
//! privacy alert, mark a pair "not a duplicate") picks one of the workflow's reasons
//! and/or types an explanation, which goes into the transition's record. Looks like the
//! break-the-glass popup (`(*)` radio marks, `! problem` line) so it reads the same.

use crate::key::{Key, KeyCode};
use crate::theme::Theme;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// One reason offered; `needs_explanation` for catch-alls like "Other" whose record is
/// useless without words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReasonChoice {
    pub label: String,
    pub needs_explanation: bool,
}

impl ReasonChoice {
    pub fn new(label: impl Into<String>) -> ReasonChoice {
        ReasonChoice {
            label: label.into(),
            needs_explanation: false,
        }
    }

    pub fn with_explanation(label: impl Into<String>) -> ReasonChoice {
        ReasonChoice {
            label: label.into(),
            needs_explanation: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReasonOutcome {
    Pending,
    Cancelled,
    /// `choice` indexes the given choices (None when there were none); the explanation
    /// is trimmed and may be empty when the choice did not need one.
    Submitted {
        choice: Option<usize>,
        explanation: String,
    },
}

/// The choices of a reason popup from its labels: a catch-all (a label starting with
/// "Other") needs an explanation.
pub fn choices_from(labels: &[&str]) -> Vec<ReasonChoice> {
    labels
        .iter()
        .map(|l| {
            if l.starts_with("Other") {
                ReasonChoice::with_explanation(*l)
            } else {
                ReasonChoice::new(*l)
            }
        })
        .collect()
}

/// What a submitted popup recorded, as one reason: the chosen label (unless the
/// catch-all) and the typed words, `label: words`.
pub fn reason_text(labels: &[&str], choice: Option<usize>, explanation: String) -> String {
    let label = choice
        .and_then(|i| labels.get(i))
        .copied()
        .filter(|l| !l.starts_with("Other"))
        .unwrap_or_default();
    match (label.is_empty(), explanation.is_empty()) {
        (_, true) => label.to_string(),
        (true, false) => explanation,
        (false, false) => format!("{label}: {explanation}"),
    }
}

/// Reason popup state: plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReasonPopup {
    pub title: String,
    /// `Deny 2 release requests: why?`
    pub prompt: String,
    pub choices: Vec<ReasonChoice>,
    pub picked: usize,
    pub explanation: String,
    /// Why the last enter was refused, shown in place of the key hints.
    pub problem: Option<String>,
}

impl ReasonPopup {
    /// With no choices the popup is free text only, and the text is required.
    pub fn new(
        title: impl Into<String>,
        prompt: impl Into<String>,
        choices: Vec<ReasonChoice>,
    ) -> ReasonPopup {
        ReasonPopup {
            title: title.into(),
            prompt: prompt.into(),
            choices,
            picked: 0,
            explanation: String::new(),
            problem: None,
        }
    }

    fn needs_explanation(&self) -> bool {
        self.choices
            .get(self.picked)
            .map(|c| c.needs_explanation)
            .unwrap_or(true)
    }

    pub fn handle_key(&mut self, key: &Key) -> ReasonOutcome {
        match key.code() {
            KeyCode::Esc => return ReasonOutcome::Cancelled,
            KeyCode::Up => self.picked = self.picked.saturating_sub(1),
            KeyCode::Down => {
                self.picked = (self.picked + 1).min(self.choices.len().saturating_sub(1))
            }
            KeyCode::Backspace => {
                self.explanation.pop();
            }
            KeyCode::Enter => {
                let explanation = self.explanation.trim().to_string();
                if explanation.is_empty() && self.needs_explanation() {
                    self.problem = Some(match self.choices.get(self.picked) {
                        Some(c) => {
                            format!("\"{}\" needs an explanation: type one, then enter", c.label)
                        }
                        None => "type an explanation, then enter".to_string(),
                    });
                    return ReasonOutcome::Pending;
                }
                return ReasonOutcome::Submitted {
                    choice: (!self.choices.is_empty()).then_some(self.picked),
                    explanation,
                };
            }
            _ => match key.text() {
                Some(c) => self.explanation.push(c),
                None => return ReasonOutcome::Pending,
            },
        }
        // Any edit or move answers the complaint, so it goes until the next enter.
        self.problem = None;
        ReasonOutcome::Pending
    }
}

/// Draws the popup centred in `area`.
pub fn render(frame: &mut Frame, area: Rect, popup: &ReasonPopup, theme: &Theme) {
    let choices = popup.choices.len() as u16;
    let height = 2 + 2 + choices + u16::from(choices > 0) + 2;
    let rect = area.centered(
        Constraint::Length(area.width.min(66)),
        Constraint::Length(height),
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("popup.border"))
        .title(Span::styled(
            format!(" {} ", popup.title),
            theme.style("popup.border"),
        ));
    let mut lines = vec![
        Line::styled(format!(" {}", popup.prompt), theme.style("popup")),
        Line::default(),
    ];
    for (i, choice) in popup.choices.iter().enumerate() {
        let picked = i == popup.picked;
        let text = format!(
            " {} {}{}",
            if picked { "(*)" } else { "( )" },
            choice.label,
            if choice.needs_explanation {
                " (explain)"
            } else {
                ""
            }
        );
        let role = if picked { "selection" } else { "popup" };
        lines.push(Line::styled(text, theme.style(role)));
    }
    if choices > 0 {
        lines.push(Line::default());
    }
    let label = " Explanation: ";
    lines.push(Line::from(vec![
        Span::styled(label, theme.style("label")),
        Span::styled(popup.explanation.clone(), theme.style("input")),
    ]));
    lines.push(match &popup.problem {
        Some(problem) => Line::styled(format!(" ! {problem}"), theme.style("error")),
        None => Line::styled(
            " enter submit · esc cancel · up/down choose",
            theme.style("text.dim"),
        ),
    });
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
    // The terminal cursor sits after the explanation so typing there feels natural.
    let x = rect.x
        + 1
        + Span::raw(label).width() as u16
        + Span::raw(popup.explanation.as_str()).width() as u16;
    let y = rect.bottom().saturating_sub(3);
    if x < rect.right().saturating_sub(1) {
        frame.set_cursor_position((x, y));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::work_queue_view::tests::draw;

    fn popup() -> ReasonPopup {
        ReasonPopup::new(
            "Deny request",
            "Deny 2 release requests: why?",
            vec![
                ReasonChoice::new("No valid authorization"),
                ReasonChoice::new("Records not held here"),
                ReasonChoice::with_explanation("Other"),
            ],
        )
    }

    fn typed(p: &mut ReasonPopup, text: &str) {
        for c in text.chars() {
            assert_eq!(p.handle_key(&Key::char(c)), ReasonOutcome::Pending);
        }
    }

    #[test]
    fn picks_types_and_submits() {
        let mut p = popup();
        p.handle_key(&Key::plain(KeyCode::Down));
        typed(&mut p, " per HIM ");
        assert_eq!(
            p.handle_key(&Key::plain(KeyCode::Enter)),
            ReasonOutcome::Submitted {
                choice: Some(1),
                explanation: "per HIM".into()
            }
        );
        assert_eq!(
            popup().handle_key(&Key::plain(KeyCode::Esc)),
            ReasonOutcome::Cancelled
        );
    }

    #[test]
    fn refuses_empty_explanation_when_required() {
        let mut p = popup();
        for _ in 0..5 {
            p.handle_key(&Key::plain(KeyCode::Down)); // clamps on "Other"
        }
        assert_eq!(p.picked, 2);
        typed(&mut p, "   ");
        assert_eq!(
            p.handle_key(&Key::plain(KeyCode::Enter)),
            ReasonOutcome::Pending
        );
        assert!(p
            .problem
            .as_deref()
            .is_some_and(|m| m.contains("\"Other\" needs an explanation")));
        typed(&mut p, "x");
        assert_eq!(p.problem, None);
        let mut free = ReasonPopup::new("Dismiss", "Why?", Vec::new());
        assert_eq!(
            free.handle_key(&Key::plain(KeyCode::Enter)),
            ReasonOutcome::Pending
        );
        typed(&mut free, "ok");
        assert_eq!(
            free.handle_key(&Key::plain(KeyCode::Enter)),
            ReasonOutcome::Submitted {
                choice: None,
                explanation: "ok".into()
            }
        );
    }

    #[test]
    fn renders_choices_marks_and_problem() {
        let mut p = popup();
        p.handle_key(&Key::plain(KeyCode::Down));
        p.handle_key(&Key::plain(KeyCode::Down));
        p.handle_key(&Key::plain(KeyCode::Enter));
        let theme = Theme::builtin("mono").expect("theme");
        let screen = draw(|f| render(f, f.area(), &p, &theme));
        let text = screen.join("\n");
        assert!(text.contains("Deny request"));
        assert!(text.contains("( ) No valid authorization"));
        assert!(text.contains("(*) Other (explain)"));
        assert!(text.contains("! \"Other\" needs an explanation"), "{text}");
        let explanation = screen
            .iter()
            .position(|l| l.contains("Explanation:"))
            .expect("field");
        assert!(screen[explanation + 1].contains("! "), "{text}");
    }
}
