//! Drawing the Completion workspace: a tab line, then the analysis queue (encounters,
//! the chosen chart's deficiencies and documents), the provider view or the dashboard;
//! popups on top.

use super::dashboard_view;
use super::state::{CompletionState, Focus, Popup, Tab};
use crate::state::State;
use crate::theme::Theme;
use crate::widgets::{confirm, detail_pane, reason, work_queue_view, Detail};
use chartroom_domain::SignatureStatus;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

/// Width from which the documents sit beside the deficiencies.
const DOCS_BESIDE_WIDTH: u16 = 110;

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let c = &state.completion;
    let theme = &state.theme;
    let [tabs, body] = area.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
    ]));
    frame.render_widget(Paragraph::new(tab_line(c, theme)), tabs);
    match c.tab {
        Tab::Queue => draw_queue(c, theme, frame, body),
        Tab::Provider => draw_provider(c, theme, frame, body),
        Tab::Dashboard => dashboard_view::draw(c, theme, frame, body),
    }
    if let Some(popup) = &c.popup {
        draw_popup(popup, theme, frame, body);
    }
}

/// `[1 Analysis queue]  2 Provider view  3 Dashboard · 2 deficiencies: verified`.
fn tab_line<'a>(c: &'a CompletionState, theme: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let text = format!("{} {}", i + 1, tab.title());
        if *tab == c.tab {
            spans.push(Span::styled(format!("[{text}]"), theme.style("tab.active")));
        } else {
            spans.push(Span::styled(format!(" {text} "), theme.style("tab")));
        }
        spans.push(Span::raw(" "));
    }
    if let Some(notice) = &c.notice {
        spans.push(Span::styled(format!("· {notice}"), theme.style("text.dim")));
    }
    Line::from(spans)
}

fn draw_queue(c: &CompletionState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [top, bottom] = area.layout(&Layout::vertical([
        Constraint::Percentage(45),
        Constraint::Fill(1),
    ]));
    work_queue_view::render(
        frame,
        top,
        &c.encounters,
        theme,
        c.focus == Focus::Encounters,
    );
    let [defs, docs] = if area.width >= DOCS_BESIDE_WIDTH {
        bottom.layout(&Layout::horizontal([
            Constraint::Percentage(60),
            Constraint::Fill(1),
        ]))
    } else {
        bottom.layout(&Layout::vertical([
            Constraint::Percentage(55),
            Constraint::Fill(1),
        ]))
    };
    work_queue_view::render(
        frame,
        defs,
        &c.deficiencies,
        theme,
        c.focus == Focus::Deficiencies,
    );
    let detail = c.shown.map(|_| documents(c));
    detail_pane::render(frame, docs, detail.as_ref(), theme, false, 0);
}

/// The chosen chart's documents: type, author, time, signed or not (as a word).
fn documents(c: &CompletionState) -> Detail {
    let mut detail = Detail::new(format!("Documents ({})", c.documents.len()));
    if c.documents.is_empty() {
        return detail.text("No documents in this encounter.");
    }
    for d in &c.documents {
        let doc = &d.document;
        let signed = match doc.signature {
            SignatureStatus::Unsigned => "UNSIGNED",
            SignatureStatus::Signed => "signed",
            SignatureStatus::AwaitingCosignature => "AWAITING CO-SIGN",
            SignatureStatus::Cosigned => "co-signed",
        };
        let author = d.author_name.as_deref().unwrap_or("no author");
        let when = (doc.time + chrono::Duration::seconds(i64::from(doc.offset_secs)))
            .format("%m/%d/%Y %H:%M");
        detail = detail.field(
            doc.doc_type.label().to_string(),
            format!("{author} · {when} · {signed}"),
        );
    }
    detail
}

fn draw_provider(c: &CompletionState, theme: &Theme, frame: &mut Frame, area: Rect) {
    match (&c.provider, c.focus) {
        (Some((_, name)), Focus::ProviderDeficiencies) => {
            let mut queue = c.provider_deficiencies.clone();
            queue.title = format!("{name}: outstanding, oldest first (esc: providers)");
            work_queue_view::render(frame, area, &queue, theme, true);
        }
        _ => {
            let mut queue = c.providers.clone();
            queue.title = "Providers (enter: their outstanding deficiencies)".into();
            work_queue_view::render(frame, area, &queue, theme, true);
        }
    }
}

fn draw_popup(popup: &Popup, theme: &Theme, frame: &mut Frame, area: Rect) {
    match popup {
        Popup::Confirm(c, _) => confirm::render(frame, area, c, theme),
        Popup::Reason(r, _) => reason::render(frame, area, r, theme),
        Popup::Record { picker, .. } => reason::render(frame, area, picker, theme),
        Popup::Assign { providers, .. } => {
            let rect = area.centered(
                Constraint::Length(area.width.min(60)),
                Constraint::Length(area.height.min(14)),
            );
            frame.render_widget(Clear, rect);
            work_queue_view::render(frame, rect, providers, theme, true);
        }
    }
}
