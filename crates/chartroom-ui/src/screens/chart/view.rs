//! The chart screen: header (name, MRN, DOB + age, sex, flags), section tabs, and one
//! section at a time (demographics, encounters, documents, the reading pane).

use super::state::{demographics_lines, ChartState, Section};
use crate::layout::DOCUMENT_LIST_WIDTH;
use crate::state::State;
use crate::text::wrap_text;
use crate::view::common::{date, date_time, fit, flag_role, row_style, scroll_offset};
use chartroom_domain::Patient;
use chrono::NaiveDate;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let Some(chart) = state.chart.as_ref() else {
        return;
    };
    let [header, tabs, body] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    draw_header(state, &chart.chart.patient, frame, header);
    draw_tabs(state, chart, frame, tabs);
    let today = state.now.date_naive();
    let reading_title = chart
        .reading
        .as_ref()
        .map(|d| format!(" {} ", d.document.title))
        .unwrap_or_else(|| " Reading ".to_string());
    // Wide terminals show the document list and the note side by side.
    if state.wide_chart() && matches!(chart.section, Section::Documents | Section::Reading) {
        let [left, right] =
            Layout::horizontal([Constraint::Length(DOCUMENT_LIST_WIDTH), Constraint::Min(0)])
                .areas(body);
        let focus = chart.section == Section::Documents;
        let inner = pane(state, frame, left, " Documents ".to_string(), focus);
        draw_documents(state, chart, frame, inner);
        let inner = pane(state, frame, right, reading_title, !focus);
        draw_reading(state, chart, frame, inner, right);
        return;
    }
    let title = match chart.section {
        Section::Reading => reading_title,
        s => format!(" {} ", s.title()),
    };
    let inner = pane(state, frame, body, title, false);
    match chart.section {
        Section::Demographics => draw_demographics(state, chart, today, frame, inner),
        Section::Encounters => draw_encounters(state, chart, frame, inner),
        Section::Documents => draw_documents(state, chart, frame, inner),
        Section::Reading => draw_reading(state, chart, frame, inner, body),
    }
}

/// A bordered pane; returns its inside. The focused one of two gets `border.focus`.
fn pane(state: &State, frame: &mut Frame, area: Rect, title: String, focus: bool) -> Rect {
    let theme = &state.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(if focus { "border.focus" } else { "border" }))
        .title(Span::styled(title, theme.style("title")));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

fn draw_header(state: &State, p: &Patient, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let today = state.now.date_naive();
    let line1 = Line::from(vec![
        Span::styled(
            format!(" {}", p.name.display_last_first()),
            theme.style("header"),
        ),
        Span::styled("   MRN ", theme.style("label")),
        Span::styled(p.mrn.to_string(), theme.style("text")),
        Span::styled("   DOB ", theme.style("label")),
        Span::styled(
            format!("{} ({}y)", date(p.dob), p.age_on(today)),
            theme.style("text"),
        ),
        Span::styled("   Sex ", theme.style("label")),
        Span::styled(p.sex.letter().to_string(), theme.style("text")),
    ]);
    let mut flags = vec![Span::raw(" ")];
    let words = p.flags.words();
    if words.is_empty() {
        flags.push(Span::styled("no flags", theme.style("text.dim")));
    }
    for word in words {
        let text = match (word, p.flags.deceased) {
            ("DECEASED", Some(d)) => format!("[DECEASED {}]", date(d)),
            ("SENSITIVE", _) => {
                let cats: Vec<&str> = p.flags.sensitive.iter().map(|c| c.label()).collect();
                format!("[SENSITIVE: {}]", cats.join(", "))
            }
            _ => format!("[{word}]"),
        };
        flags.push(Span::styled(text, theme.style(flag_role(word))));
        flags.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(vec![line1, Line::from(flags)]), area);
}

fn draw_tabs(state: &State, chart: &ChartState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let mut spans = vec![Span::raw(" ")];
    for (i, section) in Section::ALL.iter().enumerate() {
        let count = match section {
            Section::Encounters => format!(" ({})", chart.chart.encounters.len()),
            Section::Documents => format!(" ({})", chart.chart.documents.len()),
            _ => String::new(),
        };
        // Brackets mark the current tab without colour.
        let active = *section == chart.section;
        let label = if active {
            format!("[{} {}{}]", i + 1, section.title(), count)
        } else {
            format!(" {} {}{} ", i + 1, section.title(), count)
        };
        spans.push(Span::styled(
            label,
            theme.style(if active { "tab.active" } else { "tab" }),
        ));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_demographics(
    state: &State,
    chart: &ChartState,
    today: NaiveDate,
    frame: &mut Frame,
    area: Rect,
) {
    let theme = &state.theme;
    let lines: Vec<Line> = demographics_lines(&chart.chart.patient, today)
        .into_iter()
        .skip(chart.demographics_scroll)
        .map(|(label, value)| {
            let style = if label == "Flags" && value != "none" {
                theme.style("flag")
            } else {
                theme.style("text")
            };
            Line::from(vec![
                Span::styled(format!(" {}", fit(label, 14)), theme.style("label")),
                Span::styled(value, style),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_encounters(state: &State, chart: &ChartState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let encounters = &chart.chart.encounters;
    if encounters.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                " no encounters on file",
                theme.style("text.dim"),
            )),
            area,
        );
        return;
    }
    let w = usize::from(area.width);
    // marker 2, account 10, class 10, admit 16, discharge 16, 5 gaps; attending gets the rest.
    let rest = w.saturating_sub(2 + 10 + 10 + 16 + 16 + 5);
    let head = format!(
        "  {} {} {} {} {}",
        fit("Account", 10),
        fit("Class", 10),
        fit("Admitted", 16),
        fit("Discharged", 16),
        fit("Attending / reason", rest)
    );
    let rows = usize::from(area.height.saturating_sub(1));
    let offset = scroll_offset(chart.encounter_selected, rows);
    let mut lines = vec![Line::styled(head, theme.style("column"))];
    for (i, ev) in encounters.iter().enumerate().skip(offset).take(rows) {
        let e = &ev.encounter;
        let selected = i == chart.encounter_selected;
        let discharge = e
            .discharge
            .map(date_time)
            .unwrap_or_else(|| "in house".to_string());
        let who = match (&ev.attending_name, e.reason.is_empty()) {
            (Some(a), true) => a.clone(),
            (Some(a), false) => format!("{a} · {}", e.reason),
            (None, _) => e.reason.clone(),
        };
        let text = format!(
            "{}{} {} {} {} {}",
            if selected { "> " } else { "  " },
            fit(&e.number, 10),
            fit(e.class.label(), 10),
            fit(&date_time(e.admit), 16),
            fit(&discharge, 16),
            fit(&who, rest)
        );
        lines.push(Line::styled(text, row_style(theme, selected)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_documents(state: &State, chart: &ChartState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let documents = &chart.chart.documents;
    if documents.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                " no documents on file",
                theme.style("text.dim"),
            )),
            area,
        );
        return;
    }
    let w = usize::from(area.width);
    // marker 2, date 16, type 18, author 16, signature 11, 4 gaps; title gets the rest.
    // A narrow list (beside the reading pane) drops the author before the title.
    let author_w = if w >= 2 + 16 + 18 + 16 + 11 + 4 + 8 {
        16
    } else {
        0
    };
    let title_w = w.saturating_sub(2 + 16 + 18 + author_w + 11 + 3 + usize::from(author_w > 0));
    let author = |name: &str| {
        if author_w > 0 {
            format!("{} ", fit(name, author_w))
        } else {
            String::new()
        }
    };
    let head = format!(
        "  {} {} {}{} {}",
        fit("Date", 16),
        fit("Type", 18),
        author("Author"),
        fit("Signature", 11),
        fit("Title", title_w)
    );
    let rows = usize::from(area.height.saturating_sub(1));
    let offset = scroll_offset(chart.document_selected, rows);
    let mut lines = vec![Line::styled(head, theme.style("column"))];
    for (i, dv) in documents.iter().enumerate().skip(offset).take(rows) {
        let d = &dv.document;
        let selected = i == chart.document_selected;
        let text = format!(
            "{}{} {} {}{} {}",
            if selected { "> " } else { "  " },
            fit(&date_time(d.time), 16),
            fit(d.doc_type.label(), 18),
            author(dv.author_name.as_deref().unwrap_or("—")),
            fit(signature_short(d.signature), 11),
            fit(&d.title, title_w)
        );
        lines.push(Line::styled(text, row_style(theme, selected)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn signature_short(s: chartroom_domain::SignatureStatus) -> &'static str {
    use chartroom_domain::SignatureStatus::*;
    match s {
        Unsigned => "UNSIGNED",
        Signed => "signed",
        AwaitingCosignature => "needs cosig",
        Cosigned => "co-signed",
    }
}

fn draw_reading(state: &State, chart: &ChartState, frame: &mut Frame, area: Rect, outer: Rect) {
    let theme = &state.theme;
    let Some(doc) = chart.reading.as_ref() else {
        let text = " No document open. Pick one in 3 Documents and press enter.";
        frame.render_widget(
            Paragraph::new(Line::styled(text, theme.style("text.dim"))),
            area,
        );
        return;
    };
    let d = &doc.document;
    let meta = format!(
        " {} · {} · {} · {}",
        d.doc_type.label(),
        date_time(d.time),
        doc.author_name.as_deref().unwrap_or("author unknown"),
        d.signature.label()
    );
    let [meta_area, text_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    // One column of margin each side: notes read better off the border.
    let text_area = text_area.inner(ratatui::layout::Margin {
        horizontal: 1,
        vertical: 0,
    });
    frame.render_widget(
        Paragraph::new(Line::styled(meta, theme.style("label"))),
        meta_area,
    );
    let lines = wrap_text(&d.text, state.reading_width());
    let rows = usize::from(text_area.height)
        .min(state.reading_rows())
        .max(1);
    let scroll = chart.reading_scroll.min(lines.len().saturating_sub(rows));
    let shown: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .take(usize::from(text_area.height))
        .map(|l| Line::styled(l.clone(), theme.style("text")))
        .collect();
    frame.render_widget(Paragraph::new(shown), text_area);
    // Where we are in the note, on the bottom border.
    if !lines.is_empty() && outer.height > 1 {
        let last = (scroll + rows).min(lines.len());
        let pos = format!(" lines {}-{} of {} ", scroll + 1, last, lines.len());
        let x = outer.right().saturating_sub(pos.len() as u16 + 1);
        let y = outer.bottom().saturating_sub(1);
        if x > outer.x {
            frame.render_widget(
                Paragraph::new(Line::styled(pos, theme.style("text.dim"))),
                Rect {
                    x,
                    y,
                    width: outer.right() - x,
                    height: 1,
                },
            );
        }
    }
}
