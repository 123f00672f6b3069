//! Plain text helpers shared by `update` and `view`: formatting and wrapping that both
//! must agree on (what `view` draws is what `update` counts when it scrolls).

use chrono::{NaiveDate, NaiveDateTime};

/// US date order, as charts and callers say it.
pub fn date(d: NaiveDate) -> String {
    d.format("%m/%d/%Y").to_string()
}

pub fn date_time(d: NaiveDateTime) -> String {
    d.format("%m/%d/%Y %H:%M").to_string()
}

/// One-letter forms, the last resort in a narrow column (the help overlay has the legend).
pub const FLAG_LETTERS: &[(&str, &str)] = &[
    ("DECEASED", "D"),
    ("VIP", "V"),
    ("EMPLOYEE", "E"),
    ("RESTRICTED", "R"),
    ("SENSITIVE", "S"),
];

/// Wraps `text` to `width` columns at spaces (hard-splitting longer words), keeping
/// blank lines. The reading pane draws these lines and `update` clamps scrolling to
/// their count, so both agree on where the end is.
pub fn wrap_text(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for raw in text.lines() {
        let raw = raw.trim_end();
        if raw.is_empty() {
            out.push(String::new());
            continue;
        }
        let mut line = String::new();
        let mut line_width = 0usize;
        for word in raw.split(' ') {
            let word_width: usize = word.chars().map(char_width).sum();
            let sep = usize::from(!line.is_empty());
            if line_width + sep + word_width <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                line_width += sep + word_width;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
                line_width = 0;
            }
            // A word longer than the line: split it by characters.
            for c in word.chars() {
                let w = char_width(c);
                if line_width + w > width && !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                    line_width = 0;
                }
                line.push(c);
                line_width += w;
            }
        }
        out.push(line);
    }
    out
}

/// Display width of one character, as ratatui measures it (wide CJK = 2).
fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    ratatui::text::Span::raw(&*c.encode_utf8(&mut buf)).width()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_splits_long_words() {
        assert_eq!(wrap_text("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap_text("abcdefg", 3), vec!["abc", "def", "g"]);
        assert_eq!(wrap_text("a\n\nb", 10), vec!["a", "", "b"]);
        assert_eq!(wrap_text("x", 0), vec!["x"]);
    }
}
