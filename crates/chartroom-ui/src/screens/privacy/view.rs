//! Drawing the Privacy workspace: the dashboard line (alerts, cases by status, breach
//! clocks running), the alert queue or the case list, the detail pane (an alert's
//! evidence: user and patient side by side, the accesses, the encounters; a case's
//! determination, clock and history); popups on top. The timelines draw in
//! `timeline_view`.

use super::rows::{case_status, AlertRow, CaseRow};
use super::state::{Popup, PrivacyState, PrivacyView};
use super::timeline_view;
use crate::state::State;
use crate::theme::Theme;
use crate::widgets::{detail_pane, reason, split_queue_detail, work_queue_view, Detail};
use chartroom_services::privacy::AlertEvidence;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let p = &state.privacy;
    let theme = &state.theme;
    let [dash, body] = area.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
    ]));
    frame.render_widget(Paragraph::new(dashboard_line(p, theme)), dash);
    match p.view {
        PrivacyView::Timeline => return timeline_view::draw_timeline(p, theme, frame, body),
        PrivacyView::Activity => return timeline_view::draw_activity(p, theme, frame, body),
        PrivacyView::Alerts | PrivacyView::Cases => {}
    }
    let (queue_area, detail_area) = split_queue_detail(body);
    let detail = match p.view {
        PrivacyView::Alerts => {
            work_queue_view::render(frame, queue_area, &p.alerts, theme, !p.detail_focused);
            p.alerts
                .current()
                .map(|row| alert_detail(row, p.evidence.as_ref()))
        }
        PrivacyView::Cases | PrivacyView::Timeline | PrivacyView::Activity => {
            work_queue_view::render(frame, queue_area, &p.cases, theme, !p.detail_focused);
            p.cases.current().map(case_detail)
        }
    };
    if let Some(detail_area) = detail_area {
        detail_pane::render(
            frame,
            detail_area,
            detail.as_ref(),
            theme,
            p.detail_focused,
            p.detail_scroll,
        );
    }
    if let Some(
        Popup::Dismiss { reason, .. }
        | Popup::Determine { reason, .. }
        | Popup::Note { reason, .. },
    ) = &p.popup
    {
        reason::render(frame, body, reason, theme);
    }
}

/// `alerts 41 (12 high) · cases: assigned 1, review 1, determined 2, closed 2 · breach clocks 1`.
fn dashboard_line<'a>(p: &PrivacyState, theme: &Theme) -> Line<'a> {
    if !p.loaded {
        return Line::styled("loading the alerts…", theme.style("text.dim"));
    }
    let c = &p.counts;
    let mut spans = vec![
        Span::styled(
            format!("alerts {} ({} high)", c.alerts, c.high),
            theme.style(if c.high > 0 { "flag" } else { "text" }),
        ),
        Span::styled(
            format!(
                " · cases: assigned {}, review {}, determined {}, closed {}",
                c.assigned, c.review, c.determined, c.closed
            ),
            theme.style("text"),
        ),
    ];
    if c.breach_clocks > 0 {
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(
            format!("breach clocks {}", c.breach_clocks),
            theme.style("error"),
        ));
    }
    if let Some(n) = &p.notice {
        spans.push(Span::styled(format!(" · {n}"), theme.style("text.dim")));
    }
    Line::from(spans)
}

/// The alert with its evidence (when loaded with enter).
pub fn alert_detail(row: &AlertRow, evidence: Option<&AlertEvidence>) -> Detail {
    let v = &row.0;
    let a = &v.alert;
    let mut d = Detail::new(format!("score {} · {}", a.score, row.rules_text()))
        .field(
            "User",
            format!(
                "{} · {} · {} · {}",
                a.user_id,
                or_dash(&v.user_name),
                or_dash(&v.department),
                or_dash(&v.role)
            ),
        )
        .field("Patient", a.patient_id.clone());
    if !a.patients.is_empty() {
        d = d.field("Patients", format!("{} in the burst", a.patients.len()));
    }
    d = d.field("Why", a.why.clone()).field(
        "Accesses",
        match (a.first, a.last) {
            (Some(f), Some(l)) => format!(
                "{} from {} to {}",
                a.accesses,
                f.format("%Y-%m-%d %H:%M"),
                l.format("%Y-%m-%d %H:%M UTC")
            ),
            _ => a.accesses.to_string(),
        },
    );
    match evidence.filter(|e| e.user_id == a.user_id && e.patient_id == a.patient_id) {
        None => d.text("enter: the evidence (roster row, patient, accesses, encounters)"),
        Some(e) => {
            let user = match &e.roster {
                Some(r) => format!(
                    "{} · {} · {} · home {}",
                    r.name,
                    r.department,
                    r.role,
                    or_dash(&r.home_address)
                ),
                None => "not on the roster".into(),
            };
            d = d.field("Roster", user);
            let patient = match &e.patient_name {
                Some(name) => format!("{name} · {}", e.patient_lines.join(" · ")),
                None => "no chart here with that id".into(),
            };
            d = d.field("Chart", patient);
            let mut lines = vec!["Accesses (newest first):".to_string()];
            for acc in &e.accesses {
                let local = acc.local_time();
                lines.push(format!(
                    "  {} {} {} {}",
                    local.format("%Y-%m-%d %H:%M"),
                    acc.action,
                    or_dash(&acc.department),
                    acc.source
                ));
            }
            lines.push("Encounters:".to_string());
            if e.encounters.is_empty() {
                lines.push("  none on this chart".to_string());
            }
            for enc in &e.encounters {
                lines.push(format!(
                    "  enc {} {} {}{}",
                    enc.admit.format("%Y-%m-%d"),
                    enc.class,
                    enc.location,
                    if enc.user_on_it { " · USER ON IT" } else { "" }
                ));
            }
            d.text(lines.join("\n"))
        }
    }
}

pub fn case_detail(row: &CaseRow) -> Detail {
    let c = &row.0;
    let mut d = Detail::new(format!("case #{} · {}", c.id, case_status(c)))
        .field("User", c.user_id.clone())
        .field("Patients", c.patients.join(", "))
        .field("Rules", c.rules.join(" "))
        .field("Assigned", c.assignee.clone())
        .field("Opened", c.discovered.format("%Y-%m-%d").to_string());
    if let Some(due) = c.notice_due() {
        d = d.field(
            "Breach",
            format!("notification due by {due} (60 days from discovery, 164.404)"),
        );
    }
    let history: Vec<String> = c
        .history
        .iter()
        .rev()
        .map(|e| {
            format!(
                "{} {} {} {}",
                e.time.format("%Y-%m-%d %H:%M"),
                e.by,
                e.what,
                e.text
            )
        })
        .collect();
    d.text(format!("History (newest first):\n{}", history.join("\n")))
}

fn or_dash(s: &str) -> &str {
    if s.trim().is_empty() {
        "-"
    } else {
        s
    }
}
