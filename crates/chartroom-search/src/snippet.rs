//! Snippets: the stretch of a note with the most matched words, and the byte ranges of
//! those words. Words are compared after the same analysis the index used (lower case,
//! English stem), so `pains` is marked for the query `pain`.

use super::Snippet;
use tantivy::tokenizer::TextAnalyzer;

/// Snippet length in bytes (about two lines of a terminal).
const WINDOW: usize = 160;

/// What to mark: analysed terms and analysed prefixes.
#[derive(Clone, Debug, Default)]
pub struct Highlight {
    pub terms: Vec<String>,
    pub prefixes: Vec<String>,
}

impl Highlight {
    fn matches(&self, term: &str) -> bool {
        self.terms.iter().any(|t| t == term)
            || self.prefixes.iter().any(|p| term.starts_with(p.as_str()))
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub fn make_snippet(text: &str, analyzer: &mut TextAnalyzer, hl: &Highlight) -> Snippet {
    let mut hits: Vec<(usize, usize)> = Vec::new();
    {
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            if hl.matches(&t.text) {
                hits.push((t.offset_from, t.offset_to));
            }
        }
    }
    // the window start (at a hit) that covers the most hits
    let mut best = (0usize, 0usize); // (count, start index in hits)
    let mut j = 0;
    for i in 0..hits.len() {
        if j < i {
            j = i;
        }
        while j < hits.len() && hits[j].1 <= hits[i].0 + WINDOW {
            j += 1;
        }
        if j - i > best.0 {
            best = (j - i, i);
        }
    }
    let (start, end) = if let Some(first) = hits.get(best.1) {
        // open the window a little before the first hit, at a word boundary
        let mut s = floor_boundary(text, first.0.saturating_sub(30));
        if s > 0 {
            if let Some(space) = text[s..first.0].find(char::is_whitespace) {
                s += space + 1;
            }
        }
        (s, floor_boundary(text, s + WINDOW))
    } else {
        (0, floor_boundary(text, WINDOW))
    };
    // end at a word boundary when possible
    let mut end = end;
    if end < text.len() {
        if let Some(space) = text[start..end].rfind(char::is_whitespace) {
            if space > 0 {
                end = start + space;
            }
        }
    }
    let marks = hits
        .iter()
        .filter(|(a, b)| *a >= start && *b <= end)
        .map(|(a, b)| (a - start)..(b - start))
        .collect();
    Snippet {
        text: text[start..end].to_string(),
        marks,
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TokenizerManager;

    #[test]
    fn marks_stemmed_words_and_prefixes() {
        let mut a = TokenizerManager::default()
            .get("en_stem")
            .expect("default analyzer");
        let hl = Highlight {
            terms: vec!["pain".into()],
            prefixes: vec!["cardi".into()],
        };
        let text = "Patient reports chest pains since Monday; cardiology consulted.";
        let s = make_snippet(text, &mut a, &hl);
        let marked: Vec<&str> = s.marks.iter().map(|r| &s.text[r.clone()]).collect();
        assert_eq!(marked, vec!["pains", "cardiology"]);
        let long = format!(
            "{} chest pain {}",
            "filler ".repeat(100),
            "more ".repeat(100)
        );
        let s = make_snippet(&long, &mut a, &hl);
        assert!(s.text.len() <= WINDOW);
        assert_eq!(&s.text[s.marks[0].clone()], "pain");
    }
}
