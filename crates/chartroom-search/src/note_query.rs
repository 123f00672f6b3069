//! The note query language: words, "phrases", prefix*, AND / OR / NOT (upper case), `+word`
//! and `-word`, parentheses. Words side by side must all match. Errors name the character
//! position (1-based) and never echo the query text.

use super::{Result, SearchError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Word(String),
    Prefix(String),
    Phrase(String),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    Not,
    Plus,
    Minus,
    Phrase(String),
    Word(String),
}

fn err(position: usize, reason: &str) -> SearchError {
    SearchError::Query {
        position,
        reason: reason.to_string(),
    }
}

/// (token, 1-based character position)
fn lex(text: &str) -> Result<Vec<(Tok, usize)>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push((Tok::Open, pos));
                i += 1;
            }
            ')' => {
                out.push((Tok::Close, pos));
                i += 1;
            }
            '"' => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && chars[j] != '"' {
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(err(pos, "this quote is never closed"));
                }
                out.push((Tok::Phrase(chars[start..j].iter().collect()), pos));
                i = j + 1;
            }
            '+' | '-' if i + 1 < chars.len() && !chars[i + 1].is_whitespace() => {
                out.push((if c == '+' { Tok::Plus } else { Tok::Minus }, pos));
                i += 1;
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(chars[i], '(' | ')' | '"')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let tok = match word.as_str() {
                    "AND" | "&&" => Tok::And,
                    "OR" | "||" => Tok::Or,
                    "NOT" => Tok::Not,
                    _ => Tok::Word(word),
                };
                out.push((tok, pos));
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    at: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(t, _)| t)
    }
    fn pos(&self) -> usize {
        self.toks.get(self.at).map_or(self.end, |(_, p)| *p)
    }

    fn or(&mut self) -> Result<Node> {
        let mut items = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            let pos = self.pos();
            self.at += 1;
            if matches!(
                self.peek(),
                None | Some(Tok::Close) | Some(Tok::Or) | Some(Tok::And)
            ) {
                return Err(err(pos, "OR needs a word after it"));
            }
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Or(items)
        })
    }

    fn and(&mut self) -> Result<Node> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None | Some(Tok::Close) | Some(Tok::Or) => break,
                Some(Tok::And) => {
                    let pos = self.pos();
                    if items.is_empty() {
                        return Err(err(pos, "AND needs a word before it"));
                    }
                    self.at += 1;
                    if matches!(
                        self.peek(),
                        None | Some(Tok::Close) | Some(Tok::Or) | Some(Tok::And)
                    ) {
                        return Err(err(pos, "AND needs a word after it"));
                    }
                }
                _ => items.push(self.unary()?),
            }
        }
        match items.len() {
            0 => Err(match self.peek() {
                Some(Tok::Or) => err(self.pos(), "OR needs a word before it"),
                _ => err(self.pos(), "expected a word here"),
            }),
            1 => Ok(items.remove(0)),
            _ => Ok(Node::And(items)),
        }
    }

    fn unary(&mut self) -> Result<Node> {
        let pos = self.pos();
        match self.peek() {
            Some(Tok::Not) | Some(Tok::Minus) => {
                self.at += 1;
                if matches!(
                    self.peek(),
                    None | Some(Tok::Close) | Some(Tok::Or) | Some(Tok::And)
                ) {
                    return Err(err(pos, "NOT needs a word after it"));
                }
                Ok(Node::Not(Box::new(self.unary()?)))
            }
            Some(Tok::Plus) => {
                self.at += 1;
                self.atom()
            }
            _ => self.atom(),
        }
    }

    fn atom(&mut self) -> Result<Node> {
        let pos = self.pos();
        let Some((tok, _)) = self.toks.get(self.at).cloned() else {
            return Err(err(pos, "expected a word here"));
        };
        self.at += 1;
        match tok {
            Tok::Open => {
                let inner = self.or()?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(err(pos, "this parenthesis is never closed"));
                }
                self.at += 1;
                Ok(inner)
            }
            Tok::Close => Err(err(pos, "closing parenthesis without an opening one")),
            Tok::Phrase(p) => Ok(Node::Phrase(p)),
            Tok::Word(w) => {
                if let Some(stem) = w.strip_suffix('*') {
                    if !stem.chars().any(char::is_alphanumeric) {
                        return Err(err(pos, "* needs letters before it"));
                    }
                    Ok(Node::Prefix(stem.to_string()))
                } else {
                    Ok(Node::Word(w))
                }
            }
            Tok::And | Tok::Or | Tok::Not | Tok::Plus | Tok::Minus => {
                Err(err(pos, "expected a word here"))
            }
        }
    }
}

/// Parses a note query; `Ok(None)` for a blank one.
pub fn parse_note_query(text: &str) -> Result<Option<Node>> {
    let toks = lex(text)?;
    if toks.is_empty() {
        return Ok(None);
    }
    let mut p = Parser {
        toks,
        at: 0,
        end: text.chars().count() + 1,
    };
    let node = p.or()?;
    if p.at < p.toks.len() {
        let pos = p.pos();
        return Err(match p.peek() {
            Some(Tok::Close) => err(pos, "closing parenthesis without an opening one"),
            _ => err(pos, "unexpected text here"),
        });
    }
    Ok(Some(node))
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    fn w(s: &str) -> Node {
        Node::Word(s.to_string())
    }

    #[test]
    fn parses_the_language() {
        assert_eq!(parse_note_query("  ").ok(), Some(None));
        assert_eq!(
            parse_note_query("\"chest pain\" -cough").ok().flatten(),
            Some(Node::And(vec![
                Node::Phrase("chest pain".into()),
                Node::Not(Box::new(w("cough")))
            ]))
        );
        assert_eq!(
            parse_note_query("a OR b c").ok().flatten(),
            Some(Node::Or(vec![w("a"), Node::And(vec![w("b"), w("c")])]))
        );
        assert_eq!(
            parse_note_query("cardi* AND NOT (x OR y)").ok().flatten(),
            Some(Node::And(vec![
                Node::Prefix("cardi".into()),
                Node::Not(Box::new(Node::Or(vec![w("x"), w("y")])))
            ]))
        );
        assert_eq!(parse_note_query("+fever").ok().flatten(), Some(w("fever")));
        assert_eq!(parse_note_query("x-ray").ok().flatten(), Some(w("x-ray")));
    }

    #[test]
    fn errors_have_positions() {
        let pos = |q: &str| match parse_note_query(q) {
            Err(SearchError::Query { position, .. }) => position,
            other => panic!("{q}: {other:?}"),
        };
        assert_eq!(pos("\"chest pain"), 1);
        assert_eq!(pos("fever AND"), 7);
        assert_eq!(pos("(fever"), 1);
        assert_eq!(pos("fever)"), 6);
        assert_eq!(pos("OR fever"), 1);
        assert_eq!(pos("NOT"), 1);
        assert_eq!(pos("*"), 1);
    }
}
