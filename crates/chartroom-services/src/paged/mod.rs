//! Printed documents as pages of fixed-width text: wrapping and pagination (pure), and
//! [`pdf`] to draw them. The release-of-information packet and the patient's
//! access letter both lay out through here, so their pages look alike.

pub(crate) mod pdf;

/// Characters per line (Courier 10 pt across 504 pt of a Letter page).
pub(crate) const COLUMNS: usize = 84;
/// Body lines per page (the footer has its own line below them).
pub(crate) const LINES_PER_PAGE: usize = 54;

/// Wraps `lines` and adds them as new pages.
pub(crate) fn push_section(pages: &mut Vec<Vec<String>>, lines: &[String]) {
    let mut page = Vec::new();
    for line in lines.iter().flat_map(|l| wrap(l)) {
        if page.len() == LINES_PER_PAGE {
            pages.push(std::mem::take(&mut page));
        }
        page.push(line);
    }
    pages.push(page);
}

/// Printable ASCII only (the standard PDF font's encoding), wrapped at word breaks.
pub(crate) fn wrap(line: &str) -> Vec<String> {
    wrap_text(&ascii(line))
}

/// `line` wrapped at word breaks to [`COLUMNS`] characters (a longer word is cut);
/// any text, for the plain-text forms.
pub(crate) fn wrap_text(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for word in line.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > COLUMNS {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
                current_len = 0;
            }
            let rest = word.split_off(COLUMNS);
            out.push(word.into_iter().collect());
            word = rest;
        }
        if !current.is_empty() && current_len + 1 + word.len() > COLUMNS {
            out.push(std::mem::take(&mut current));
            current_len = 0;
        }
        if !current.is_empty() {
            current.push(' ');
            current_len += 1;
        }
        current_len += word.len();
        current.extend(word);
    }
    out.push(current);
    out
}

/// Printable ASCII: a tab is a space, anything else outside it a `?` (the standard
/// PDF fonts are drawn without an embedded encoding).
pub(crate) fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_ascii() && !c.is_ascii_control() => c,
            _ => '?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_and_the_width() {
        let long = "word ".repeat(40);
        let lines = wrap(&long);
        assert!(lines.iter().all(|l| l.len() <= COLUMNS));
        assert_eq!(lines.concat().matches("word").count(), 40);
        assert_eq!(wrap(&"x".repeat(200)).len(), 3);
        assert_eq!(wrap("caf\u{e9}"), ["caf?"]);
        assert_eq!(wrap(""), [""]);
        let accents = "\u{e9}".repeat(COLUMNS + 1);
        let lines = wrap_text(&format!("Jos\u{e9} {accents}"));
        assert_eq!(lines[0], "Jos\u{e9}");
        assert_eq!(lines[1].chars().count(), COLUMNS);
    }

    #[test]
    fn sections_start_new_pages_and_break_long_ones() {
        let mut pages = Vec::new();
        push_section(&mut pages, &["cover".to_string()]);
        let long: Vec<String> = (0..LINES_PER_PAGE + 3).map(|n| n.to_string()).collect();
        push_section(&mut pages, &long);
        let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![1, LINES_PER_PAGE, 3]);
    }
}
