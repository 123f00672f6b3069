//! Small drawing helpers shared by the screens.

use crate::theme::Theme;
use chartroom_domain::{Patient, PatientFlags};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;

/// Display width of `text` in terminal columns.
pub fn width(text: &str) -> usize {
    Span::raw(text).width()
}

/// `text` cut or padded to exactly `cols` columns; a cut ends in `…` so it reads as cut.
pub fn fit(text: &str, cols: usize) -> String {
    let w = width(text);
    if w <= cols {
        let mut out = text.to_string();
        out.push_str(&" ".repeat(cols - w));
        return out;
    }
    if cols == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let cw = width(c.encode_utf8(&mut [0u8; 4]));
        if used + cw > cols - 1 {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    used += 1;
    out.push_str(&" ".repeat(cols.saturating_sub(used)));
    out
}

pub use crate::text::{date, date_time};

/// `20,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1.2 GB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Theme role of a flag word.
pub fn flag_role(word: &str) -> &'static str {
    match word {
        "DECEASED" => "flag.deceased",
        "VIP" => "flag.vip",
        "EMPLOYEE" => "flag.employee",
        "RESTRICTED" => "flag.restricted",
        "SENSITIVE" => "flag.sensitive",
        _ => "flag",
    }
}

/// Short forms used only when the full words do not fit a list column.
fn flag_short(word: &str) -> &str {
    match word {
        "DECEASED" => "DEC",
        "EMPLOYEE" => "EMP",
        "RESTRICTED" => "RSTR",
        "SENSITIVE" => "SENS",
        other => other,
    }
}

pub use crate::text::FLAG_LETTERS;

fn flag_letter(word: &str) -> &str {
    FLAG_LETTERS
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, l)| *l)
        .unwrap_or(word)
}

/// Flags as styled words (never colour alone) in `cols` columns: full words when they
/// fit, else short forms, else single letters. A flag is never dropped for lack of room
/// unless even the letters do not fit.
pub fn flag_spans(flags: &PatientFlags, theme: &Theme, cols: usize) -> Vec<Span<'static>> {
    let words = flags.words();
    let joined_len = |f: &dyn Fn(&'static str) -> String| -> usize {
        words
            .iter()
            .map(|w| f(w).len() + 1)
            .sum::<usize>()
            .saturating_sub(1)
    };
    let full = joined_len(&|w| w.to_string());
    let short = joined_len(&|w| flag_short(w).to_string());
    let form: &dyn Fn(&'static str) -> String = if full <= cols {
        &|w| w.to_string()
    } else if short <= cols {
        &|w| flag_short(w).to_string()
    } else {
        &|w| flag_letter(w).to_string()
    };
    let mut spans = Vec::new();
    let mut used = 0;
    for (i, word) in words.iter().enumerate() {
        let shown = form(word);
        let sep = usize::from(i > 0);
        if used + sep + shown.len() > cols {
            break;
        }
        if sep == 1 {
            spans.push(Span::raw(" "));
        }
        used += sep + shown.len();
        spans.push(Span::styled(shown, theme.style(flag_role(word))));
    }
    if used < cols {
        spans.push(Span::raw(" ".repeat(cols - used)));
    }
    spans
}

/// Widest the flag words of `patient` get.
pub fn flags_width(patient: &Patient) -> usize {
    patient
        .flags
        .words()
        .iter()
        .map(|w| w.len() + 1)
        .sum::<usize>()
        .saturating_sub(1)
}

/// A `w`×`h` rectangle centred in `area`, shrunk to fit.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Style of a row: the selection style when selected.
pub fn row_style(theme: &Theme, selected: bool) -> Style {
    if selected {
        theme.style("selection")
    } else {
        theme.style("text")
    }
}

/// First row to show so that `selected` stays visible in `rows` rows.
pub fn scroll_offset(selected: usize, rows: usize) -> usize {
    if rows == 0 {
        return selected;
    }
    (selected + 1).saturating_sub(rows)
}

/// Spans for text whose characters are each marked or not: runs of equal marking
/// become one span in `mark` or `base` style.
pub fn marked_spans(
    chars: impl IntoIterator<Item = (char, bool)>,
    base: Style,
    mark: Style,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_marked = false;
    for (c, m) in chars {
        if m != run_marked && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                if run_marked { mark } else { base },
            ));
        }
        run_marked = m;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_marked { mark } else { base }));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_and_formats() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(thousands(20000), "20,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(human_bytes(1536), "1.5 KB");
        assert_eq!(scroll_offset(10, 5), 6);
        assert_eq!(scroll_offset(2, 5), 0);
    }
}
