//! Drawing the Identity workspace: the dashboard line (pairs by status, overlays,
//! charts out, overdue and missing), the list of the view on screen with its detail,
//! the scan station above the charts out, the comparison screen, popups on top.

use super::compare::{self, field_value};
use super::rows::{chart_label, volume_state, ChartOutRow, OverlayRow, PairRow, PullRow};
use super::state::{IdentityState, IdentityView, Popup};
use crate::state::State;
use crate::theme::Theme;
use crate::widgets::{confirm, detail_pane, reason, split_queue_detail, work_queue_view, Detail};
use chartroom_domain::chart_tracking::ChartPlace;
use chartroom_domain::duplicates::{DuplicateStatus, Field};
use chrono::NaiveDate;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let i = &state.identity;
    let theme = &state.theme;
    let today = state.now.date_naive();
    if i.comparing {
        compare::draw(frame, area, i.shown_pair(), theme, i.detail_scroll);
    } else {
        let [dash, body] = area.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
        ]));
        frame.render_widget(Paragraph::new(dashboard_line(i, today, theme)), dash);
        let body = if i.view == IdentityView::Charts {
            let log_rows = i.scan.log.len().min(3) as u16;
            let [station, rest] = body.layout(&Layout::vertical([
                Constraint::Length(1 + log_rows),
                Constraint::Fill(1),
            ]));
            frame.render_widget(Paragraph::new(scan_lines(i, theme)), station);
            rest
        } else {
            body
        };
        let (queue_area, detail_area) = split_queue_detail(body);
        let focus = !i.detail_focused;
        let detail = match i.view {
            IdentityView::Pairs => {
                work_queue_view::render(frame, queue_area, &i.pairs, theme, focus);
                i.pairs.current().map(pair_detail)
            }
            IdentityView::Overlays => {
                work_queue_view::render(frame, queue_area, &i.overlays, theme, focus);
                i.overlays.current().map(overlay_detail)
            }
            IdentityView::Charts => {
                work_queue_view::render(frame, queue_area, &i.charts, theme, focus);
                i.charts.current().map(|r| volume_detail(r, today))
            }
            IdentityView::PullList => {
                work_queue_view::render(frame, queue_area, &i.pull, theme, focus);
                i.pull.current().map(pull_detail)
            }
        };
        if let Some(detail_area) = detail_area {
            detail_pane::render(
                frame,
                detail_area,
                detail.as_ref(),
                theme,
                i.detail_focused,
                i.detail_scroll,
            );
        }
    }
    match &i.popup {
        Some(
            Popup::Merge { reason, .. }
            | Popup::Decide { reason, .. }
            | Popup::Unmerge { reason, .. }
            | Popup::ChargeOut { reason },
        ) => reason::render(frame, area, reason, theme),
        Some(Popup::Missing { confirm: c, .. }) => confirm::render(frame, area, c, theme),
        None => {}
    }
}

/// `pairs 14 (8 potential) · overlays 4 · charts out 11: 3 overdue, 2 missing`.
fn dashboard_line<'a>(i: &IdentityState, today: NaiveDate, theme: &Theme) -> Line<'a> {
    if !i.loaded {
        return Line::styled("loading…", theme.style("text.dim"));
    }
    let pairs = i.pairs.rows();
    let potential = pairs
        .iter()
        .filter(|r| r.0.pair.status == DuplicateStatus::Potential)
        .count();
    let out = i.charts.rows();
    let overdue = out.iter().filter(|r| r.out.volume.overdue(today)).count();
    let missing = out
        .iter()
        .filter(|r| r.out.volume.place == ChartPlace::Missing)
        .count();
    let overlays = if i.overlays_loaded {
        i.overlays.rows().len().to_string()
    } else {
        "(tab)".to_string()
    };
    let mut spans = vec![
        Span::styled(
            format!("pairs {} ({potential} potential)", pairs.len()),
            theme.style(if potential > 0 { "warn" } else { "text" }),
        ),
        Span::styled(format!(" · overlays {overlays}"), theme.style("text")),
        Span::styled(format!(" · charts out {}", out.len()), theme.style("text")),
    ];
    if overdue > 0 {
        spans.push(Span::styled(
            format!(", {overdue} overdue"),
            theme.style("warn"),
        ));
    }
    if missing > 0 {
        spans.push(Span::styled(
            format!(", {missing} missing"),
            theme.style("alarm"),
        ));
    }
    if let Some(n) = &i.notice {
        spans.push(Span::styled(format!(" · {n}"), theme.style("text.dim")));
    }
    Line::from(spans)
}

/// The scan station: the field (what the scanner typed so far) and its mode, then the
/// last scans, newest first.
fn scan_lines<'a>(i: &IdentityState, theme: &Theme) -> Vec<Line<'a>> {
    let mut first = vec![
        Span::styled("Scan ▸ ", theme.style("label")),
        Span::styled(format!("{}█", i.scan.text), theme.style("input")),
        Span::styled(format!("  {}", i.scan.mode.label()), theme.style("accent")),
    ];
    if i.scan.text.is_empty() {
        first.push(Span::styled(
            "  (i check in · o charge out)",
            theme.style("text.dim"),
        ));
    }
    let mut lines = vec![Line::from(first)];
    for scan in i.scan.log.iter().take(3) {
        let (mark, style) = if scan.ok {
            ("✓", "text")
        } else {
            ("✗", "error")
        };
        lines.push(Line::styled(
            format!("  {mark} {}", scan.text),
            theme.style(style),
        ));
    }
    lines
}

pub fn pair_detail(row: &PairRow) -> Detail {
    let v = &row.0;
    let mut d = Detail::new(format!(
        "score {} · {}",
        v.pair.score,
        v.pair.status.label()
    ))
    .field("A", chart_label(&v.a))
    .field("B", chart_label(&v.b));
    for field in Field::ALL {
        let m = v.pair.outcome(field);
        if m.differs() {
            d = d.field(
                field.label(),
                format!(
                    "{} | {} ({})",
                    field_value(&v.a, field),
                    field_value(&v.b, field),
                    m.code()
                ),
            );
        }
    }
    d.text("enter: the side-by-side comparison with both charts' encounters")
}

pub fn overlay_detail(row: &OverlayRow) -> Detail {
    let v = &row.0;
    let p = &v.patient;
    let mut d = Detail::new(format!("overlay score {}", v.candidate.score))
        .field("Chart", chart_label(p))
        .field(
            "Chart says",
            format!("{}, born {}", p.sex.label(), p.dob.format("%m/%d/%Y")),
        );
    if let Some(died) = p.flags.deceased {
        d = d.field("Died", died.format("%m/%d/%Y").to_string());
    }
    let lines: Vec<String> = v.candidate.signals.iter().map(|s| s.explain()).collect();
    d.text(format!(
        "{}\n\nA contradiction is a reason to look, not proof: split the visits onto the \
         right chart, correct the demographics, or note the chart as correct.",
        lines.join("\n")
    ))
}

pub fn volume_detail(row: &ChartOutRow, today: NaiveDate) -> Detail {
    let v = &row.out.volume;
    let mut d = Detail::new(format!(
        "volume {} · {}",
        v.volume,
        volume_state(&row.out, today)
    ))
    .field("Chart", chart_label(&row.out.patient))
    .field("Where", v.place.label())
    .field("Since", v.since.format("%m/%d/%Y %H:%M").to_string());
    if let Some(due) = v.due {
        d = d.field("Due back", due.format("%m/%d/%Y").to_string());
    }
    for r in &v.requests {
        d = d.field(
            "Requested",
            format!(
                "by {} for {}: {}",
                r.by,
                r.needed_on.format("%m/%d"),
                r.reason
            ),
        );
    }
    let history: Vec<String> = v
        .history
        .iter()
        .rev()
        .map(|m| {
            format!(
                "{} {} → {}{}",
                m.at.format("%m/%d %H:%M"),
                m.by,
                m.to.label(),
                if m.note.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", m.note)
                }
            )
        })
        .collect();
    let hint = if v.place == ChartPlace::Missing {
        "Missing: ask the last holder, check the sorting shelves and the neighbouring \
         terminal-digit sections; a scan checks it in as found."
    } else {
        "x marks it missing when it is not where the records say."
    };
    d.text(format!(
        "Moves (newest first):\n{}\n\n{hint}",
        history.join("\n")
    ))
}

pub fn pull_detail(row: &PullRow) -> Detail {
    let p = &row.0;
    let lines: Vec<String> = p
        .encounters
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}",
                e.admit.format("%H:%M"),
                e.class.label(),
                e.location,
                e.number
            )
        })
        .collect();
    Detail::new(format!(
        "shelf {}",
        chartroom_domain::chart_tracking::shelf_label(p.patient.mrn)
    ))
    .field("Chart", chart_label(&p.patient))
    .field("Where now", p.place.label())
    .text(format!("Visits that day:\n{}", lines.join("\n")))
}
