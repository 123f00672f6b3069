//! Drawing the Admin workspace: the HL7 feed panel and the Data panel side by side,
//! the feed's recent refusals below (time, ACK code, type, control id, reason; never a
//! value of the message).

use super::state::{AdminState, COUNTED_EVENTS, REFRESH_SECONDS};
use crate::state::State;
use crate::theme::Theme;
use crate::view::common::{fit, thousands};
use chartroom_services::{DataOverview, FeedStats};
use chrono::{DateTime, FixedOffset, Utc};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// What the feed panel says when this process runs no listener.
pub const NO_LISTENER: &str =
    "no HL7 listener in this process (start one with chartroom serve --mllp ADDR)";

/// Width of the Data panel.
const DATA_WIDTH: u16 = 30;
/// Height of the top row (both panels: eight lines inside the borders).
const TOP_HEIGHT: u16 = 10;

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let a = &state.admin;
    let theme = &state.theme;
    let [top, bottom] = area.layout(&Layout::vertical([
        Constraint::Length(TOP_HEIGHT),
        Constraint::Fill(1),
    ]));
    let [feed_area, data_area] = top.layout(&Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(DATA_WIDTH),
    ]));
    let feed_lines = match &a.feed {
        None => vec![dim("reading…", theme)],
        Some(Err(message)) => vec![failed(message, theme)],
        Some(Ok(None)) => vec![Line::raw(NO_LISTENER)],
        Some(Ok(Some(stats))) => feed_lines(state, stats, theme),
    };
    frame.render_widget(
        Paragraph::new(feed_lines)
            .wrap(Wrap { trim: true })
            .block(block("HL7 feed".into(), theme)),
        feed_area,
    );
    let data_lines = match &a.data {
        None => vec![dim("reading…", theme)],
        Some(Err(message)) => vec![failed(message, theme)],
        Some(Ok(data)) => data_lines(data, usize::from(DATA_WIDTH.saturating_sub(2))),
    };
    frame.render_widget(
        Paragraph::new(data_lines)
            .wrap(Wrap { trim: true })
            .block(block("Data".into(), theme)),
        data_area,
    );
    draw_refusals(state, a, theme, frame, bottom);
}

fn feed_lines<'a>(state: &State, stats: &FeedStats, theme: &Theme) -> Vec<Line<'a>> {
    let since = stats
        .since
        .map(|t| format!(" since {}", local(state, t).format("%H:%M")))
        .unwrap_or_default();
    let triggers: Vec<&str> = COUNTED_EVENTS.iter().map(|(t, _)| *t).collect();
    let answers = [
        ("AA accepted", stats.code("AA")),
        ("AE error", stats.code("AE")),
        ("AR rejected", stats.code("AR")),
        ("resends", stats.duplicates),
    ];
    let mut lines = vec![
        Line::raw(format!("listening on {}{since}", stats.listen)),
        Line::styled(
            format!("{:<21}   {:<17}", "messages", "answers"),
            theme.style("text.dim"),
        ),
    ];
    let mut events: Vec<(String, u64)> = COUNTED_EVENTS
        .iter()
        .map(|(t, label)| (format!("{t} {label}"), stats.adt(t)))
        .collect();
    events.push(("other".into(), stats.other_than(&triggers)));
    for (i, (label, n)) in events.into_iter().enumerate() {
        let mut text = format!("{label:<13}{:>8}", thousands(n));
        if let Some((answer, m)) = answers.get(i) {
            text.push_str(&format!("   {answer:<11}{:>8}", thousands(*m)));
        }
        lines.push(Line::raw(text));
    }
    lines
}

fn data_lines<'a>(d: &DataOverview, cols: usize) -> Vec<Line<'a>> {
    let rows = [
        ("patients", thousands(d.patients)),
        ("encounters", thousands(d.encounters)),
        ("documents", thousands(d.documents)),
        ("procedures", thousands(d.procedures)),
        ("deficiencies", thousands(d.deficiencies)),
        ("audit events", thousands(d.audit_events)),
        ("index queue", thousands(d.index_queue)),
        ("schema version", d.schema_version.to_string()),
    ];
    rows.into_iter()
        .map(|(label, value)| {
            let pad = cols.saturating_sub(label.len() + value.len()).max(1);
            Line::raw(format!("{label}{}{value}", " ".repeat(pad)))
        })
        .collect()
}

fn draw_refusals(state: &State, a: &AdminState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let updated = a
        .loaded_at
        .map(|t| {
            format!(
                " · updated {} · ctrl-r or every {REFRESH_SECONDS} s",
                local(state, t).format("%H:%M:%S")
            )
        })
        .unwrap_or_default();
    let title = format!("Recent HL7 refusals, newest first{updated}");
    let cols = usize::from(area.width.saturating_sub(2));
    let lines = match &a.feed {
        Some(Ok(Some(stats))) if stats.recent_errors.is_empty() => {
            vec![dim("none since the feed opened", theme)]
        }
        Some(Ok(Some(stats))) => {
            let mut lines = vec![Line::styled(
                fit(
                    &format!(
                        "{:<8} {:<3} {:<10} {:<16} reason",
                        "time", "ack", "type", "control id"
                    ),
                    cols,
                ),
                theme.style("text.dim"),
            )];
            for e in stats.recent_errors.iter().rev() {
                let control = if e.control_id.is_empty() {
                    "-"
                } else {
                    &e.control_id
                };
                let text = format!(
                    "{} {:<3} {:<10} {:<16} {}",
                    local(state, e.at).format("%H:%M:%S"),
                    e.code,
                    fit(&e.event, 10),
                    fit(control, 16),
                    e.reason
                );
                lines.push(Line::raw(fit(&text, cols)));
            }
            lines
        }
        _ => Vec::new(),
    };
    frame.render_widget(Paragraph::new(lines).block(block(title, theme)), area);
}

/// `at` in the session's local time (the clock's offset).
fn local(state: &State, at: DateTime<Utc>) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(state.utc_offset_seconds)
        .map(|offset| at.with_timezone(&offset))
        .unwrap_or_else(|| at.fixed_offset())
}

fn dim<'a>(text: &str, theme: &Theme) -> Line<'a> {
    Line::styled(text.to_string(), theme.style("text.dim"))
}

fn failed<'a>(message: &str, theme: &Theme) -> Line<'a> {
    Line::styled(format!("cannot read: {message}"), theme.style("error"))
}

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border"))
        .title(Span::styled(format!(" {title} "), theme.style("title")))
}
