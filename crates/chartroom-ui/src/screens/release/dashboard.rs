//! The Release dashboard (`d`): open requests by status, due soon, overdue, the
//! median turnaround of released requests (received → released, days) and, per
//! requester type, open / overdue / released counts with their median turnaround.

use super::rows::{type_label, Clock, RequestRow};
use crate::theme::Theme;
use chartroom_domain::roi::{RequesterType, RoiStatus};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// Counts of one requester type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypeLine {
    pub kind: Option<RequesterType>,
    pub open: usize,
    pub overdue: usize,
    pub released: usize,
    pub median_days: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dashboard {
    /// Open statuses in lifecycle order with their counts.
    pub by_status: Vec<(RoiStatus, usize)>,
    pub due_soon: usize,
    pub overdue: usize,
    pub median_days: Option<i64>,
    pub per_type: Vec<TypeLine>,
}

fn median(mut days: Vec<i64>) -> Option<i64> {
    days.sort_unstable();
    let n = days.len();
    match n {
        0 => None,
        _ if !n.is_multiple_of(2) => days.get(n / 2).copied(),
        _ => Some((days[n / 2 - 1] + days[n / 2]) / 2),
    }
}

fn turnaround(r: &RequestRow) -> Option<i64> {
    let req = &r.0.request;
    req.release
        .as_ref()
        .map(|rel| (rel.on - req.intake.received).num_days())
}

impl Dashboard {
    pub fn of(rows: &[RequestRow]) -> Dashboard {
        let by_status = RoiStatus::ALL
            .iter()
            .filter(|s| {
                !matches!(
                    s,
                    RoiStatus::Released | RoiStatus::Denied | RoiStatus::Cancelled
                )
            })
            .map(|s| {
                let n = rows.iter().filter(|r| r.0.row.status == s.code()).count();
                (*s, n)
            })
            .collect();
        let per_type = RequesterType::ALL
            .iter()
            .map(|kind| {
                let of: Vec<&RequestRow> = rows
                    .iter()
                    .filter(|r| r.0.request.intake.requester.kind == *kind)
                    .collect();
                TypeLine {
                    kind: Some(*kind),
                    open: of.iter().filter(|r| r.clock() != Clock::Closed).count(),
                    overdue: of.iter().filter(|r| r.clock() == Clock::Overdue).count(),
                    released: of.iter().filter(|r| r.0.request.release.is_some()).count(),
                    median_days: median(of.iter().filter_map(|r| turnaround(r)).collect()),
                }
            })
            .filter(|t| t.open + t.released > 0)
            .collect();
        Dashboard {
            by_status,
            due_soon: rows.iter().filter(|r| r.clock() == Clock::DueSoon).count(),
            overdue: rows.iter().filter(|r| r.clock() == Clock::Overdue).count(),
            median_days: median(rows.iter().filter_map(turnaround).collect()),
            per_type,
        }
    }
}

fn days(d: Option<i64>) -> String {
    d.map_or("—".into(), |d| format!("{d} d"))
}

pub fn render(frame: &mut Frame, area: Rect, rows: &[RequestRow], theme: &Theme) {
    let d = Dashboard::of(rows);
    let mut lines = vec![Line::styled("Open by status", theme.style("title"))];
    for pair in d.by_status.chunks(2) {
        let cells: Vec<String> = pair
            .iter()
            .map(|(s, n)| format!("{:<22}{n:>4}", s.code()))
            .collect();
        lines.push(Line::raw(format!("  {}", cells.join("  "))));
    }
    lines.push(Line::from(vec![
        Span::raw("  "),
        Span::styled(
            format!("due soon {}", d.due_soon),
            theme.style(if d.due_soon > 0 { "flag" } else { "text" }),
        ),
        Span::raw(" · "),
        Span::styled(
            format!("overdue {}", d.overdue),
            theme.style(if d.overdue > 0 { "error" } else { "text" }),
        ),
        Span::raw(format!(
            " · median turnaround {} (received → released)",
            days(d.median_days)
        )),
    ]));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "{:<12}{:>6}{:>9}{:>10}{:>12}",
            "Requester", "open", "overdue", "released", "turnaround"
        ),
        theme.style("title"),
    ));
    for t in &d.per_type {
        lines.push(Line::raw(format!(
            "{:<12}{:>6}{:>9}{:>10}{:>12}",
            t.kind.map_or("", type_label),
            t.open,
            t.overdue,
            t.released,
            days(t.median_days)
        )));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Release dashboard · d returns to the queue ");
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
