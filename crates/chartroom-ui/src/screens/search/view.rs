//! The search screen: a query box, then results as you type (or recent charts when the
//! query is empty).

use crate::state::{State, SEARCH_LIMIT};
use crate::view::common::{date, fit, flag_spans, flags_width, row_style, scroll_offset};
use chartroom_domain::Patient;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// Column widths for a list of `width` columns: (name, flags, why). At 80 columns
/// every column still shows; wider terminals give the name and the "why" more room.
fn columns(width: usize, widest_flags: usize) -> (usize, usize, usize) {
    // marker 2, DOB 10, sex 3, MRN 11 and five single-space gaps.
    let fixed = 2 + 10 + 3 + 11 + 5;
    let name = (width * 3 / 10).clamp(18, 36);
    // Flags shrink to short forms or letters before the why column loses its room.
    let flags_cap = if width >= 110 { 22 } else { 13 };
    let flags = widest_flags.clamp(5, flags_cap);
    let why = width.saturating_sub(fixed + name + flags);
    (name, flags, why)
}

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let [query_area, head_area, list_area] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);

    draw_query_box(state, frame, query_area);
    draw_list(state, frame, usize::from(area.width), head_area, list_area);
}

/// The rest of the screen under the box: results with their heading, or the recent
/// charts, or what to type.
fn draw_list(state: &State, frame: &mut Frame, width: usize, head_area: Rect, list_area: Rect) {
    let theme = &state.theme;
    if state.showing_results() {
        let widest = state
            .search
            .results
            .iter()
            .map(|r| flags_width(&r.patient))
            .max()
            .unwrap_or(0);
        let (name_w, flags_w, why_w) = columns(width, widest);
        frame.render_widget(
            Paragraph::new(heading(state, name_w, flags_w, why_w, "Why")),
            head_area,
        );
        if state.search.results.is_empty() {
            let text = if state.search.pending
                || state.search.shown_generation != state.search.generation
            {
                "  searching…"
            } else {
                "  No patient matches. Try fewer words, a date of birth (3/2/1984) or the MRN."
            };
            frame.render_widget(
                Paragraph::new(Line::styled(text, theme.style("text.dim"))),
                list_area,
            );
            return;
        }
        // The last row spells out why the selected patient matched, in full: the
        // column is cut short at 80 columns, and this is what tells look-alikes apart.
        let (list_area, detail_area) = if list_area.height >= 4 {
            let [l, d] =
                Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(list_area);
            (l, Some(d))
        } else {
            (list_area, None)
        };
        if let (Some(area), Some(r)) =
            (detail_area, state.search.results.get(state.search.selected))
        {
            let why = if r.why.is_empty() {
                "no reason given".to_string()
            } else {
                r.why.join("; ")
            };
            let line = Line::from(vec![
                Span::styled("  why: ", theme.style("label")),
                Span::styled(why, theme.style("why")),
            ]);
            frame.render_widget(Paragraph::new(line), area);
        }
        let rows = usize::from(list_area.height);
        let offset = scroll_offset(state.search.selected, rows);
        let lines: Vec<Line> = state
            .search
            .results
            .iter()
            .enumerate()
            .skip(offset)
            .take(rows)
            .map(|(i, r)| {
                let why = r.why.first().map(String::as_str).unwrap_or("");
                patient_row(
                    state,
                    &r.patient,
                    i == state.search.selected,
                    (name_w, flags_w, why_w),
                    why,
                )
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list_area);
    } else {
        let widest = state.recent.iter().map(flags_width).max().unwrap_or(0);
        let (name_w, flags_w, why_w) = columns(width, widest);
        if state.recent.is_empty() {
            let lines = vec![
                Line::styled("  Recent charts", theme.style("title")),
                Line::default(),
                Line::styled(
                    "  Type what the caller says: \"smith, jon 3/2/84\", an MRN (12-34-56),",
                    theme.style("text.dim"),
                ),
                Line::styled(
                    "  a phone number or an account number. Charts you open appear here.",
                    theme.style("text.dim"),
                ),
            ];
            frame.render_widget(
                Paragraph::new(lines),
                Rect {
                    // The heading row and the list: all of the screen under the box.
                    height: head_area.height + list_area.height,
                    ..head_area
                },
            );
            return;
        }
        frame.render_widget(
            Paragraph::new(heading(state, name_w, flags_w, why_w, "")),
            head_area,
        );
        let rows = usize::from(list_area.height);
        let offset = scroll_offset(state.recent_selected, rows);
        let lines: Vec<Line> = state
            .recent
            .iter()
            .enumerate()
            .skip(offset)
            .take(rows)
            .map(|(i, p)| {
                patient_row(
                    state,
                    p,
                    i == state.recent_selected,
                    (name_w, flags_w, why_w),
                    "",
                )
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list_area);
    }
}

/// The query box: what was typed, how many were found (or recent charts), and the key
/// to note search.
fn draw_query_box(state: &State, frame: &mut Frame, query_area: Rect) {
    let theme = &state.theme;
    let count = if state.showing_results() {
        if state.search.pending {
            " searching… ".to_string()
        } else {
            let n = state.search.results.len();
            // A full list means the search stopped there: say so, and how to narrow it.
            if n >= SEARCH_LIMIT {
                format!(" first {n} shown: type more to narrow ")
            } else {
                format!(" {n} found ")
            }
        }
    } else if state.recent.is_empty() {
        String::new()
    } else {
        format!(" recent charts: {} ", state.recent.len())
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border.focus"))
        .title(Span::styled(
            " Find a patient: name, DOB, MRN, phone or account ",
            theme.style("title"),
        ))
        .title_bottom(Line::styled(count, theme.style("text.dim")).right_aligned());
    // The way to note search, from the live keymap: the status bar has no room for it
    // at 80 columns.
    let block = match state
        .keymap
        .hint(crate::Mode::Search, crate::Action::NoteSearch)
    {
        Some(key) => block.title_bottom(Line::styled(
            format!(" {key}: search inside notes "),
            theme.style("text.dim"),
        )),
        None => block,
    };
    let input = Line::from(vec![
        Span::styled("> ", theme.style("text.dim")),
        Span::styled(state.search.query.clone(), theme.style("input")),
    ]);
    frame.render_widget(Paragraph::new(input).block(block), query_area);
    if state.popup.is_none() && state.help.is_none() {
        let x = query_area.x + 3 + crate::view::common::width(&state.search.query) as u16;
        if x < query_area.right().saturating_sub(1) {
            frame.set_cursor_position((x, query_area.y + 1));
        }
    }
}

fn heading(
    state: &State,
    name_w: usize,
    flags_w: usize,
    why_w: usize,
    last: &str,
) -> Line<'static> {
    let text = format!(
        "  {} {} {} {} {} {}",
        fit("Name", name_w),
        fit("DOB", 10),
        fit("Sex", 3),
        fit("MRN", 11),
        fit("Flags", flags_w),
        fit(last, why_w)
    );
    Line::styled(text, state.theme.style("column"))
}

/// One list row: marker, name, DOB, sex, MRN, flags (words), why. The `>` marker shows
/// the selection without colour.
fn patient_row(
    state: &State,
    p: &Patient,
    selected: bool,
    cols: (usize, usize, usize),
    why: &str,
) -> Line<'static> {
    let theme = &state.theme;
    let (name_w, flags_w, why_w) = cols;
    let base = row_style(theme, selected);
    let name = fit(&p.name.display_last_first(), name_w);
    let mut spans = vec![Span::styled(if selected { "> " } else { "  " }, base)];
    // Only live results highlight; the recent list answers no query.
    let query = if state.showing_results() {
        state.search.query.as_str()
    } else {
        ""
    };
    spans.extend(highlight_matches(
        &name,
        query,
        base,
        base.patch(theme.style("highlight.match")),
    ));
    spans.extend([
        Span::styled(" ", base),
        Span::styled(date(p.dob), base),
        Span::styled(" ", base),
        Span::styled(fit(&p.sex.letter().to_string(), 3), base),
        Span::styled(" ", base),
        Span::styled(p.mrn.to_string(), base),
        Span::styled(" ", base),
    ]);
    for span in flag_spans(&p.flags, theme, flags_w) {
        // Keep the flag's own look, but on the selection background when selected.
        let style = if selected {
            let patched = base.patch(span.style);
            match base.bg {
                Some(bg) => patched.bg(bg),
                None => patched,
            }
        } else {
            span.style
        };
        spans.push(Span::styled(span.content.into_owned(), style));
    }
    spans.push(Span::styled(" ", base));
    spans.push(Span::styled(
        fit(why, why_w),
        if selected { base } else { theme.style("why") },
    ));
    Line::from(spans)
}

/// Splits `text` into spans, marking the start of each word that a query word begins
/// (`smi` in `Smith`), so the clerk sees what matched. Case-insensitive, by characters.
pub fn highlight_matches(text: &str, query: &str, base: Style, mark: Style) -> Vec<Span<'static>> {
    let tokens: Vec<Vec<char>> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().flat_map(char::to_lowercase).collect())
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let mut marked = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_alphanumeric() {
            i += 1;
        }
        let word: Vec<char> = chars[start..i]
            .iter()
            .flat_map(|c| c.to_lowercase())
            .collect();
        // Longest query word that starts this word; lowercase can change the length of
        // rare characters, so only mark when it did not.
        let best = tokens
            .iter()
            .filter(|t| word.starts_with(t))
            .map(Vec::len)
            .max()
            .unwrap_or(0);
        if best > 0 && word.len() == i - start {
            marked[start..start + best]
                .iter_mut()
                .for_each(|m| *m = true);
        }
    }
    crate::view::common::marked_spans(chars.into_iter().zip(marked), base, mark)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_word_prefixes_case_insensitively() {
        let mark = Style::new().add_modifier(ratatui::style::Modifier::UNDERLINED);
        let spans = highlight_matches("Smith, Jonathan Q", "smi jon", Style::new(), mark);
        let marked: Vec<&str> = spans
            .iter()
            .filter(|s| s.style == mark)
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(marked, vec!["Smi", "Jon"]);
        let all: String = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(all, "Smith, Jonathan Q");
        assert_eq!(highlight_matches("", "x", Style::new(), mark).len(), 0);
    }
}
