//! The note search screen: a query box (note query language plus inline filters), then
//! one result per three rows: date, patient, MRN, note type, and two lines of snippet
//! with the matched words in [brackets] (marked by characters, not only by colour).

use crate::layout::NOTE_ROWS;
use crate::state::{State, NOTE_LIMIT};
use crate::view::common::{date, fit, row_style, width};
use chartroom_domain::DocumentType;
use chartroom_services::Snippet;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// Snippet lines under each result (the rest of `NOTE_ROWS` is the header line).
const SNIPPET_ROWS: usize = NOTE_ROWS - 1;
/// Indent of snippet lines under the header.
const SNIPPET_INDENT: usize = 4;
/// From this width the author gets a column.
const AUTHOR_WIDTH: usize = 110;

/// Column widths for `width` columns: (patient, type, author).
fn columns(width: usize) -> (usize, usize, usize) {
    // marker 2, date 10, MRN 11 and the gaps between columns.
    let fixed = 2 + 10 + 11 + 3;
    let type_w = 18;
    let author = if width >= AUTHOR_WIDTH {
        (width / 5).min(28)
    } else {
        0
    };
    let gap = usize::from(author > 0);
    let name = width
        .saturating_sub(fixed + type_w + author + gap)
        .clamp(12, 40);
    (name, type_w, author)
}

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let notes = &state.notes;
    let [query_area, head_area, list_area] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);

    draw_query_box(state, frame, query_area);
    let below = Rect {
        height: area.height.saturating_sub(3),
        ..head_area
    };
    if !state.showing_note_results() {
        draw_syntax_help(state, frame, below);
        return;
    }
    if let Some(problem) = &notes.problem {
        let line = Line::styled(format!("  {problem}"), theme.style("text.dim"));
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), below);
        return;
    }
    let w = usize::from(area.width);
    let (name_w, type_w, author_w) = columns(w);
    let mut heading = format!(
        "  {} {} {} {}",
        fit("Date", 10),
        fit("Patient", name_w),
        fit("MRN", 11),
        fit("Type", type_w)
    );
    if author_w > 0 {
        heading.push(' ');
        heading.push_str(&fit("Author", author_w));
    }
    frame.render_widget(
        Paragraph::new(Line::styled(heading, theme.style("column"))),
        head_area,
    );
    if notes.results.is_empty() {
        let text = if notes.pending || notes.shown_generation != notes.generation {
            "  searching…"
        } else {
            "  No note matches. Try fewer words, OR, a prefix* or a wider date range."
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, theme.style("text.dim"))),
            list_area,
        );
        return;
    }
    let per_page = (usize::from(list_area.height) / NOTE_ROWS).max(1);
    let offset = crate::view::common::scroll_offset(notes.selected, per_page);
    let snippet_w = w.saturating_sub(SNIPPET_INDENT + 1).max(1);
    let mark = theme.style("text").patch(theme.style("highlight.match"));
    let mut lines: Vec<Line> = Vec::new();
    for (i, r) in notes.results.iter().enumerate().skip(offset).take(per_page) {
        let selected = i == notes.selected;
        let base = row_style(theme, selected);
        let mut text = format!(
            "{}{} {} {} {}",
            if selected { "> " } else { "  " },
            date(r.hit.time.date()),
            fit(&r.patient_name, name_w),
            fit(&r.mrn, 11),
            fit(type_label(r.hit.doc_type), type_w)
        );
        if author_w > 0 {
            text.push(' ');
            text.push_str(&fit(r.author_name.as_deref().unwrap_or("—"), author_w));
        }
        lines.push(Line::styled(text, base));
        let indent = if selected { "  │ " } else { "    " };
        let snippet = snippet_lines(
            &r.hit.snippet,
            snippet_w,
            SNIPPET_ROWS,
            theme.style("text"),
            mark,
        );
        for k in 0..SNIPPET_ROWS {
            let mut spans = vec![Span::styled(indent, theme.style("text.dim"))];
            if let Some(line) = snippet.get(k) {
                spans.extend(line.iter().cloned());
            }
            lines.push(Line::from(spans));
        }
    }
    frame.render_widget(Paragraph::new(lines), list_area);
}

/// The query box: what was typed, the count, the filter reminder, and the `^` under a
/// syntax error.
fn draw_query_box(state: &State, frame: &mut Frame, query_area: Rect) {
    let theme = &state.theme;
    let notes = &state.notes;
    let count = if !state.showing_note_results() || notes.problem.is_some() {
        String::new()
    } else if notes.pending {
        " searching… ".to_string()
    } else {
        let n = notes.results.len();
        if n >= NOTE_LIMIT {
            format!(" first {n} notes: type more to narrow ")
        } else {
            format!(" {n} notes ")
        }
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border.focus"))
        .title(Span::styled(
            " Search notes: words, \"phrases\", AND OR NOT, prefix* ",
            theme.style("title"),
        ))
        .title_bottom(Line::styled(count, theme.style("text.dim")).right_aligned());
    // The filter reminder gives way to the `^` under a syntax error.
    let block = if notes.error_at.is_none() {
        block.title_bottom(Line::styled(
            " filters: type: from: to: mrn: author: ",
            theme.style("text.dim"),
        ))
    } else {
        block
    };
    let input = Line::from(vec![
        Span::styled("> ", theme.style("text.dim")),
        Span::styled(notes.query.clone(), theme.style("input")),
    ]);
    frame.render_widget(Paragraph::new(input).block(block), query_area);
    if state.popup.is_none() && state.help.is_none() {
        let x = query_area.x + 3 + width(&notes.query).min(usize::from(u16::MAX)) as u16;
        if x < query_area.right().saturating_sub(1) {
            frame.set_cursor_position((x, query_area.y + 1));
        }
    }

    // A syntax error's position, marked under the typed character (not by colour).
    if let Some(at) = notes.error_at {
        let col = notes
            .query
            .chars()
            .take(at.saturating_sub(1))
            .map(|c| width(c.encode_utf8(&mut [0u8; 4])))
            .sum::<usize>();
        let x = usize::from(query_area.x) + 3 + col;
        if x + 1 < usize::from(query_area.right()) && query_area.height >= 3 {
            let caret = Rect {
                x: x as u16,
                y: query_area.y + 2,
                width: 1,
                height: 1,
            };
            frame.render_widget(
                Paragraph::new(Span::styled("^", theme.style("error"))),
                caret,
            );
        }
    }
}

/// The label, shortened where the column is narrow ("History & Physical" fits 18).
fn type_label(t: DocumentType) -> &'static str {
    t.label()
}

fn draw_syntax_help(state: &State, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let dim = theme.style("text.dim");
    let mut lines = vec![
        Line::styled("  Search inside clinical notes", theme.style("title")),
        Line::default(),
        Line::styled("  pneumonia   \"chest pain\"   sepsis OR bacteremia", dim),
        Line::styled(
            "  cardi*   fever NOT covid   (cough OR wheeze) -asthma",
            dim,
        ),
        Line::default(),
        Line::styled(
            "  Filters: type:discharge  from:2024-01-01  to:12/31/2024  author:smith",
            dim,
        ),
        Line::styled(
            "           mrn:00-12-34-56 (a blank query lists that patient's notes)",
            dim,
        ),
    ];
    // Type codes wrapped by hand under their label (Paragraph's wrap loses the indent).
    let room = usize::from(area.width).saturating_sub(10).max(10);
    let mut row = String::new();
    let mut first = true;
    for code in DocumentType::ALL.iter().map(|t| t.code()) {
        if !row.is_empty() && row.len() + 1 + code.len() > room {
            let label = if first { "  Types:  " } else { "          " };
            lines.push(Line::styled(format!("{label}{row}"), dim));
            row.clear();
            first = false;
        }
        if !row.is_empty() {
            row.push(' ');
        }
        row.push_str(code);
    }
    let label = if first { "  Types:  " } else { "          " };
    lines.push(Line::styled(format!("{label}{row}"), dim));
    lines.push(Line::default());
    lines.push(Line::styled(
        "  Enter opens the patient's chart with the note in the reading pane (audited).",
        dim,
    ));
    frame.render_widget(Paragraph::new(lines), area);
}

/// The snippet as at most `rows` lines of `cols` columns, matched words in [brackets]
/// with the `mark` style. Newlines become spaces. If the first match would fall below
/// the lines shown, earlier lines are dropped (with a leading `…`) so it stays visible.
pub fn snippet_lines(
    snippet: &Snippet,
    cols: usize,
    rows: usize,
    base: Style,
    mark: Style,
) -> Vec<Vec<Span<'static>>> {
    let cols = cols.max(2);
    // Characters with a marked flag; brackets count as marked so they carry the style.
    let mut chars: Vec<(char, bool)> = Vec::new();
    let push_text = |chars: &mut Vec<(char, bool)>, text: &str, marked: bool| {
        for c in text.chars() {
            let c = if c.is_whitespace() || c.is_control() {
                ' '
            } else {
                c
            };
            if c == ' ' && chars.last().is_none_or(|(p, _)| *p == ' ') {
                continue;
            }
            chars.push((c, marked));
        }
    };
    let mut marks = snippet.marks.clone();
    marks.sort_by_key(|m| m.start);
    let mut at = 0;
    for m in marks {
        // Marks come from the index; skip any that overlap or do not fall on characters.
        let (Some(before), Some(word)) = (
            snippet.text.get(at..m.start.max(at)),
            snippet.text.get(m.start..m.end),
        ) else {
            continue;
        };
        if m.start < at || word.is_empty() {
            continue;
        }
        push_text(&mut chars, before, false);
        chars.push(('[', true));
        push_text(&mut chars, word, true);
        chars.push((']', true));
        at = m.end;
    }
    push_text(&mut chars, snippet.text.get(at..).unwrap_or(""), false);
    while chars.last().is_some_and(|(c, _)| *c == ' ') {
        chars.pop();
    }

    // Word wrap (hard-splitting words longer than a line).
    let mut lines: Vec<Vec<(char, bool)>> = Vec::new();
    let mut line: Vec<(char, bool)> = Vec::new();
    for word in chars.split(|(c, _)| *c == ' ').filter(|w| !w.is_empty()) {
        let sep = usize::from(!line.is_empty());
        if line.len() + sep + word.len() > cols && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push((' ', false));
        }
        for &ch in word {
            if line.len() >= cols {
                lines.push(std::mem::take(&mut line));
            }
            line.push(ch);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }

    let first_mark = lines.iter().position(|l| l.iter().any(|(_, m)| *m));
    let mut start = 0;
    if let Some(first) = first_mark {
        if first >= rows {
            start = first + 1 - rows;
        }
    }
    let cut_end = lines.len() > start + rows;
    let mut shown: Vec<Vec<(char, bool)>> = lines.into_iter().skip(start).take(rows).collect();
    if start > 0 {
        if let Some(l) = shown.first_mut() {
            l.insert(0, ('…', false));
            if l.len() > cols {
                l.pop();
            }
        }
    }
    if cut_end {
        if let Some(l) = shown.last_mut() {
            if l.len() >= cols {
                l.pop();
            }
            l.push(('…', false));
        }
    }
    shown
        .into_iter()
        .map(|l| crate::view::common::marked_spans(l, base, mark))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Vec<Span<'static>>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    // Reversed and out-of-range marks are the point: index output is not trusted.
    #[allow(clippy::reversed_empty_ranges, clippy::single_range_in_vec_init)]
    fn marks_words_with_brackets_and_keeps_the_first_match_visible() {
        let s = Snippet {
            text: "chest pain\nradiating to the left arm".into(),
            marks: vec![6..10, 200..210, 3..1],
        };
        let mark = Style::new().add_modifier(ratatui::style::Modifier::UNDERLINED);
        let lines = snippet_lines(&s, 40, 2, Style::new(), mark);
        assert_eq!(text(&lines), vec!["chest [pain] radiating to the left arm"]);
        assert!(lines[0]
            .iter()
            .any(|sp| sp.content == "[pain]" && sp.style == mark));
        let long = Snippet {
            text: format!("{} fever", "word ".repeat(40)),
            marks: vec![201..206],
        };
        let lines = text(&snippet_lines(&long, 20, 2, Style::new(), mark));
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with('…'));
        assert!(lines[1].contains("[fever]"), "{lines:?}");
        // Marks inside a multi-byte character are skipped, never panic.
        let odd = Snippet {
            text: "é fever".into(),
            marks: vec![1..2, 3..8],
        };
        assert_eq!(
            text(&snippet_lines(&odd, 3, 5, Style::new(), mark)).concat(),
            "é[fever]"
        );
    }
}
