//! The supervisor's dashboard: aging buckets, delinquency rate per month against the
//! threshold (bars), per quarter, per-provider backlog and the suspension list.

use super::state::CompletionState;
use crate::theme::Theme;
use crate::widgets::charts;
use chartroom_domain::completion::reports::{Rate, AGING_BUCKETS};
use chartroom_services::completion::CompletionDashboard;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

pub fn draw(c: &CompletionState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(d) = &c.dashboard else {
        frame.render_widget(
            Paragraph::new(Line::styled(
                " Loading the dashboard…",
                theme.style("text.dim"),
            )),
            area,
        );
        return;
    };
    let [top, bottom] = area.layout(&Layout::vertical([
        Constraint::Percentage(50),
        Constraint::Fill(1),
    ]));
    let [aging, months] = top.layout(&Layout::horizontal([
        Constraint::Percentage(45),
        Constraint::Fill(1),
    ]));
    let buckets: Vec<(&str, u64)> = AGING_BUCKETS
        .iter()
        .zip(d.aging)
        .map(|((label, _, _), n)| (*label, n))
        .collect();
    charts::render_bars(frame, aging, "Outstanding by age", &buckets, theme);
    draw_months(d, theme, frame, months);
    let [backlog, right] = bottom.layout(&Layout::horizontal([
        Constraint::Percentage(55),
        Constraint::Fill(1),
    ]));
    draw_backlog(d, theme, frame, backlog);
    draw_side(d, theme, frame, right);
}

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border"))
        .title(Span::styled(format!(" {title} "), theme.style("title")))
}

fn over(rate: &Rate, threshold: u32) -> bool {
    rate.rate_percent >= f64::from(threshold)
}

/// Delinquency rate per month as bars (0–100 %), the threshold drawn as a `┄` line
/// across the empty space and bars at or over it labelled `!`.
fn draw_months(d: &CompletionDashboard, theme: &Theme, frame: &mut Frame, area: Rect) {
    let title = format!(
        "Delinquency % by month ┄ {}% threshold",
        d.threshold_percent
    );
    let outer = block(title, theme);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    if d.months.is_empty() || inner.height < 3 {
        frame.render_widget(
            Paragraph::new(Line::styled(" no discharges yet", theme.style("text.dim"))),
            inner,
        );
        return;
    }
    const BAR: u16 = 4;
    const GAP: u16 = 1;
    let fit = usize::from((inner.width + GAP) / (BAR + GAP)).max(1);
    let shown = &d.months[d.months.len().saturating_sub(fit)..];
    let bars: Vec<Bar> = shown
        .iter()
        .map(|r| {
            let pct = r.rate_percent.round().clamp(0.0, 100.0) as u64;
            let flag = if over(r, d.threshold_percent) {
                "!"
            } else {
                ""
            };
            Bar::default()
                .value(pct)
                .text_value(format!("{pct}"))
                .label(Line::from(format!("{}{flag}", r.start.format("%b"))))
                .style(theme.style("chart.bar"))
                .value_style(theme.style("chart.value").add_modifier(Modifier::REVERSED))
        })
        .collect();
    frame.render_widget(
        BarChart::default()
            .data(BarGroup::default().bars(&bars))
            .bar_width(BAR)
            .bar_gap(GAP)
            .max(100)
            .label_style(theme.style("label")),
        inner,
    );
    // The threshold: the row where a bar of `threshold` % ends (labels take the last row).
    let bar_rows = inner.height.saturating_sub(1);
    let up = (f64::from(bar_rows) * f64::from(d.threshold_percent) / 100.0).round() as u16;
    if up == 0 || up > bar_rows {
        return;
    }
    let y = inner.y + bar_rows - up;
    let buf = frame.buffer_mut();
    for x in inner.x..inner.right() {
        if let Some(cell) = buf.cell_mut((x, y)) {
            if cell.symbol() == " " {
                cell.set_symbol("┄");
                cell.set_style(theme.style("text.dim"));
            }
        }
    }
}

fn draw_backlog(d: &CompletionDashboard, theme: &Theme, frame: &mut Frame, area: Rect) {
    let outer = block(
        format!(
            "Backlog — {} outstanding, {} delinquent",
            d.outstanding, d.delinquent
        ),
        theme,
    );
    let header = Row::new(["Provider", "Open", "Delinq", "Oldest"]).style(theme.style("column"));
    let rows = d.backlog.iter().map(|(b, name)| {
        Row::new([
            Cell::from(name.clone().unwrap_or_else(|| "unassigned".into())),
            Cell::from(b.open.to_string()),
            Cell::from(b.delinquent.to_string()),
            Cell::from(format!("{}d", b.oldest_days)),
        ])
        .style(theme.style("text"))
    });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(6),
    ];
    frame.render_widget(Table::new(rows, widths).header(header).block(outer), area);
}

/// Suspension list, then the rate per quarter.
fn draw_side(d: &CompletionDashboard, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut lines = vec![Line::styled(
        format!("Suspension ({})", d.suspension.len()),
        theme.style("label"),
    )];
    if d.suspension.is_empty() {
        lines.push(Line::styled(" none", theme.style("text.dim")));
    }
    for (b, name) in &d.suspension {
        lines.push(Line::styled(
            format!(
                " SUSPEND {} · {} delinq · {}d",
                name.as_deref().unwrap_or("unassigned"),
                b.delinquent,
                b.days_overdue
            ),
            theme.style("status.delinquent"),
        ));
    }
    lines.push(Line::styled("By quarter", theme.style("label")));
    for q in d.quarters.iter().rev().take(4).rev() {
        let flag = if over(q, d.threshold_percent) {
            " ! over"
        } else {
            ""
        };
        lines.push(Line::styled(
            format!(
                " {} {:>3.0}% ({}/{}){flag}",
                q.label, q.rate_percent, q.delinquent_records, q.discharges
            ),
            theme.style("text"),
        ));
    }
    frame.render_widget(
        Paragraph::new(lines).block(block("Suspension · quarters".into(), theme)),
        area,
    );
}
