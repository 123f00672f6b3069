//! Drawing the new-request screen: the form on the left (the cursor row highlighted,
//! scrolled to stay in view), the validator's verdict beside it, live.

use super::entry::{Entry, FIELDS};
use crate::theme::Theme;
use chartroom_domain::roi::{rule_of, RoiPolicy};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, entry: &Entry, policy: &RoiPolicy, theme: &Theme) {
    let [form, verdict] = area.layout(&Layout::horizontal([
        Constraint::Fill(3),
        Constraint::Fill(2),
    ]));
    let height = usize::from(form.height.saturating_sub(2)).max(1);
    let top = entry.cursor.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = FIELDS
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, (_, label, _))| {
            let text = format!("{label:<14}{}", entry.shown(i));
            if i == entry.cursor {
                Line::styled(text, theme.style("selection"))
            } else {
                Line::styled(text, theme.style("text"))
            }
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border.focus"))
        .title(" New request · enter logs · esc ");
    frame.render_widget(Paragraph::new(lines).block(block), form);

    let mut out: Vec<Line> = Vec::new();
    match entry.verdict(policy) {
        Ok(codes) if codes.is_empty() => {
            out.push(Line::styled(
                "Complete: nothing missing",
                theme.style("title"),
            ));
            out.push(Line::raw("Logs as ready for fulfillment."));
        }
        Ok(codes) => {
            out.push(Line::styled(
                format!("On hold: {} missing", codes.len()),
                theme.style("flag"),
            ));
            for code in codes {
                out.push(Line::raw(format!("· {code}")));
                let rule = rule_of(code);
                let short = rule.split(" (").next().unwrap_or(rule);
                out.push(Line::styled(format!("  {short}"), theme.style("text.dim")));
            }
        }
        Err(why) => out.push(Line::styled(why, theme.style("text.dim"))),
    }
    if let Some(problem) = &entry.problem {
        out.push(Line::raw(""));
        out.push(Line::styled(problem.clone(), theme.style("error")));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border"))
        .title(" Verdict ");
    frame.render_widget(
        Paragraph::new(out).block(block).wrap(Wrap { trim: false }),
        verdict,
    );
}
