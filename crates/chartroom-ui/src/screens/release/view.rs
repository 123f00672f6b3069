//! Drawing the Release workspace: the dashboard line (open by status, due soon,
//! overdue), the request queue with the clock on every row, the selected request's
//! detail below or beside it; popups on top.

use super::rows::{status_label, Clock, RequestRow};
use super::state::{Popup, ReleaseState};
use super::{dashboard, entry_view};
use crate::state::State;
use crate::theme::Theme;
use crate::widgets::{confirm, detail_pane, reason, split_queue_detail, work_queue_view, Detail};
use chartroom_domain::roi::{closure_letter, hold_letter, rule_of, Authorization, RoiIntake};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let r = &state.release;
    let theme = &state.theme;
    let [dash, body] = area.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
    ]));
    frame.render_widget(Paragraph::new(dashboard_line(r, theme)), dash);
    if let Some(entry) = &r.entry {
        entry_view::render(frame, body, entry, &r.policy, theme);
        return;
    }
    if r.dashboard {
        dashboard::render(frame, body, &r.all, theme);
        return;
    }
    let (queue_area, detail_area) = split(body, r.queue.visible_len());
    work_queue_view::render(frame, queue_area, &r.queue, theme, !r.detail_focused);
    if let Some(detail_area) = detail_area {
        let detail = r.queue.current().map(detail);
        detail_pane::render(
            frame,
            detail_area,
            detail.as_ref(),
            theme,
            r.detail_focused,
            r.detail_scroll,
        );
    }
    match &r.popup {
        Some(Popup::Extend { reason, .. }) => reason::render(frame, body, reason, theme),
        Some(Popup::Qa { confirm, .. }) | Some(Popup::Step { confirm, .. }) => {
            confirm::render(frame, body, confirm, theme)
        }
        Some(Popup::Close { reason, .. }) => reason::render(frame, body, reason, theme),
        None => {}
    }
}

/// The shared split, except that below the queue (narrow terminals) the queue takes no
/// more rows than it has, so the detail pane gets the rest.
fn split(body: Rect, rows: usize) -> (Rect, Option<Rect>) {
    let (queue, detail) = split_queue_detail(body);
    match detail {
        Some(_) if queue.width == body.width => {
            // Borders, the filter hint and the column header take four lines.
            let wanted = u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(4);
            let height = wanted.clamp(6, body.height / 2);
            let [queue, detail] = body.layout(&Layout::vertical([
                Constraint::Length(height),
                Constraint::Fill(1),
            ]));
            (queue, Some(detail))
        }
        _ => (queue, detail),
    }
}

/// `open 12: log 1 auth 1 hold 5 fulfil 4 QA 1 pay 0 · done 2 · soon 2 · late 1`.
fn dashboard_line<'a>(r: &ReleaseState, theme: &Theme) -> Line<'a> {
    if r.as_of.is_none() {
        return Line::styled("loading the requests…", theme.style("text.dim"));
    }
    let c = &r.counts;
    let spans = vec![
        Span::styled(
            format!(
                "open {}: log {} auth {} hold {} fulfil {} QA {} pay {} · done {} · ",
                c.open,
                c.logged,
                c.pending_authorization,
                c.on_hold,
                c.in_fulfillment,
                c.qa,
                c.pending_payment,
                c.released + c.closed
            ),
            theme.style("text"),
        ),
        Span::styled(
            format!("soon {}", c.due_soon),
            theme.style(if c.due_soon > 0 { "flag" } else { "text" }),
        ),
        Span::raw(" · "),
        Span::styled(
            format!("late {}", c.overdue),
            theme.style(if c.overdue > 0 { "error" } else { "text" }),
        ),
    ];
    Line::from(spans)
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn or_missing(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "MISSING".into())
}

/// The selected request: who, whose, the clock, what was asked for and on what
/// authority, what is missing (each code with its rule) and the fee.
pub fn detail(row: &RequestRow) -> Detail {
    let d = &row.0;
    let intake = &d.request.intake;
    let mut detail = Detail::new(format!(
        "{} · {} · {}",
        d.row.request_id,
        intake.requester.kind,
        status_label(&d.row.status)
    ))
    .field("Patient", format!("{} (MRN {})", d.patient_name, d.mrn))
    .field(
        "Requester",
        format!(
            "{} — {}",
            intake.requester.name.as_deref().unwrap_or("no name"),
            intake.requester.address.as_deref().unwrap_or("no address")
        ),
    );
    let left = match row.clock() {
        Clock::Closed => "closed".to_string(),
        Clock::Running => format!("{} days left", d.row.days_left),
        Clock::DueSoon => format!("{} days left: DUE SOON", d.row.days_left),
        Clock::Overdue => format!("OVERDUE by {} days", -d.row.days_left),
    };
    let due = match &d.request.extension {
        Some(e) => format!("{}, {left} (extended on {}: {})", d.row.due, e.on, e.reason),
        None => format!("{}, {left}", d.row.due),
    };
    detail = detail
        .field("Received", intake.received.to_string())
        .field("Due", due)
        .field("Scope", scope(intake))
        .field(
            "Purpose",
            intake.purpose.as_deref().unwrap_or("none stated"),
        )
        .field(
            "Delivery",
            format!(
                "{} · {}",
                intake.delivery.map_or("not given", |x| x.code()),
                intake.format.map_or("not given", |x| x.code())
            ),
        )
        .field(
            "Identity",
            if intake.identity_verified {
                "verified"
            } else {
                "NOT VERIFIED"
            },
        );
    if let Some(process) = intake.legal_process {
        detail = detail.field("Legal", process.code());
    }
    if intake.court_order || intake.subpoena_assurances {
        detail = detail.field(
            "Court",
            format!(
                "order {} · assurances {}",
                yes_no(intake.court_order),
                yes_no(intake.subpoena_assurances)
            ),
        );
    }
    if let Some(authority) = &intake.representative_authority {
        detail = detail.field("Rep. auth", authority.clone());
    }
    detail = match &intake.authorization {
        None => detail.field("Authorization", "none attached"),
        Some(a) => authorization(detail, a),
    };
    detail = detail.field("Fee", dollars(d.row.fee_cents));
    if let Some(i) = &d.work.invoice {
        let paid = i
            .paid
            .as_ref()
            .map_or("NOT PAID".to_string(), |p| format!("paid {}", p.on));
        detail = detail.field(
            "Invoice",
            format!("{} {} · {paid}", i.number, dollars(i.amount_cents)),
        );
    }
    if let Some(w) = &d.work.awaiting_authorization {
        detail = detail.field("Waiting", format!("since {}: {}", w.on, w.note));
    }
    if let Some(t) = &d.work.three_part_test {
        let mark = |ok: bool| if ok { "yes" } else { "NO" };
        detail = detail.field(
            "3-part test",
            format!(
                "{} · relevant {} · limited {} · de-identified not enough {}",
                if t.met() { "met" } else { "NOT MET" },
                mark(t.relevant_and_material),
                mark(t.specific_and_limited),
                mark(t.deidentified_insufficient)
            ),
        );
    }
    let mut lines = Vec::new();
    if d.row.missing.is_empty() {
        lines.push("Nothing missing.".to_string());
    } else {
        lines.push(format!(
            "Missing ({}): on hold until supplied",
            d.row.missing.len()
        ));
        for code in &d.row.missing {
            lines.push(format!("· {code}: {}", rule_of(code)));
        }
    }
    release_set(d, &mut lines);
    let effective = d.work.apply(&d.request);
    let letter = match &d.request.closure {
        Some(c) => Some(closure_letter(&effective.intake, c)),
        None if !d.row.missing.is_empty() => {
            let codes: Vec<&str> = d.row.missing.iter().map(String::as_str).collect();
            Some(hold_letter(&effective.intake, &codes, d.row.due))
        }
        None => None,
    };
    if let Some(letter) = letter {
        lines.push(String::new());
        lines.push("Letter to the requester:".into());
        lines.extend(letter.lines().map(String::from));
    }
    detail.text(lines.join("\n"))
}

/// The release set: what went out (released) or would go out today, and each
/// withheld document with its reason.
fn release_set(d: &chartroom_services::roi::RoiDeskRow, lines: &mut Vec<String>) {
    let (head, included, withheld) = match (&d.request.release, &d.preview) {
        (Some(r), _) => (
            format!("Released {} · {} pages", r.on, r.pages),
            &r.included,
            &r.withheld,
        ),
        (None, Some(p)) => (
            "Release set if released today".to_string(),
            &p.included,
            &p.withheld,
        ),
        (None, None) => return,
    };
    lines.push(String::new());
    lines.push(format!(
        "{head}: {} documents, {} withheld",
        included.len(),
        withheld.len()
    ));
    for id in included {
        lines.push(format!("+ {id}"));
    }
    for w in withheld {
        lines.push(format!(
            "- {} withheld: {}",
            w.document,
            category_reason(&w.reason)
        ));
    }
}

/// A withheld document's reason in words (the code and its rule).
fn category_reason(code: &str) -> String {
    let why = match code {
        "PSYTHPN" => "psychotherapy note (164.508(a)(2), 164.524(a)(1)(i))",
        "ETH" => "substance use, 42 CFR Part 2: needs specific consent",
        "HIV" => "HIV: needs specific consent (state law)",
        "PSY" => "mental health: needs specific consent",
        "STD" => "sexually transmitted disease: needs specific consent",
        "GDIS" => "genetic information: needs specific consent",
        "SEX" => "reproductive / sexual health: needs specific consent",
        _ => "",
    };
    format!("{code} {why}")
}

fn scope(intake: &RoiIntake) -> String {
    let s = &intake.scope;
    let from = s.from.map_or("the first record".into(), |d| d.to_string());
    let to = s.to.map_or("the last".into(), |d| d.to_string());
    let types = match &s.document_types {
        None => "all document types".to_string(),
        Some(types) => types
            .iter()
            .map(|t| t.label())
            .collect::<Vec<_>>()
            .join(", "),
    };
    format!("{from} to {to}; {types}")
}

fn authorization(detail: Detail, a: &Authorization) -> Detail {
    let expiration = match (&a.expires, &a.expiration_event) {
        (Some(d), _) => format!("expires {d}"),
        (None, Some(event)) => format!("expires on: {event}"),
        (None, None) => "MISSING".into(),
    };
    let signed = match (a.signed_on, a.signer) {
        (Some(on), Some(by)) => format!("{on} by the {by}"),
        (Some(on), None) => on.to_string(),
        (None, _) => "MISSING".into(),
    };
    let st = &a.statements;
    let statement = |present: bool| if present { "yes" } else { "MISSING" };
    let mut detail = detail
        .field("Auth what", or_missing(&a.description))
        .field("Auth from", or_missing(&a.discloser))
        .field("Auth to", or_missing(&a.recipient))
        .field("Auth why", or_missing(&a.purpose))
        .field("Auth ends", expiration)
        .field("Signed", signed)
        .field(
            "Statements",
            format!(
                "revocation {} · conditioning {} · redisclosure {}",
                statement(st.revocation),
                statement(st.conditioning),
                statement(st.redisclosure)
            ),
        );
    if let Some(on) = a.revoked_on {
        detail = detail.field("Revoked", on.to_string());
    }
    if !a.specific_consent.is_empty() {
        let codes: Vec<&str> = a.specific_consent.iter().map(|c| c.code()).collect();
        detail = detail.field("Consents", codes.join(", "));
    }
    detail
}

/// `$6.50`.
pub fn dollars(cents: u64) -> String {
    format!("${}.{:02}", cents / 100, cents % 100)
}
