//! Errors of keymap and theme files. Every message names the file and, when the problem
//! is in the text, the line and column, so a clerk's supervisor can fix the file without
//! reading Rust. Nothing falls back to defaults silently: a bad file is refused.

use std::ops::Range;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}:{line}:{column}: {message}")]
    At {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    File { file: String, message: String },
}

impl ConfigError {
    /// An error at byte `span` of `text` (the file's contents).
    pub fn at(
        file: &str,
        text: &str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> ConfigError {
        let (line, column) = line_column(text, span.start);
        ConfigError::At {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    /// A TOML syntax error, positioned with the span toml reports.
    pub fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> ConfigError {
        let message = err.message().trim().to_string();
        match err.span() {
            // toml's messages ("duplicate key") do not quote the line; add it so the
            // bad name is in the message, as for our own errors.
            Some(span) => {
                let line_text = text
                    .get(..span.start.min(text.len()))
                    .map(|before| before.rfind('\n').map(|i| i + 1).unwrap_or(0))
                    .and_then(|start| text.get(start..))
                    .and_then(|rest| rest.lines().next())
                    .unwrap_or("")
                    .trim();
                let message = if line_text.is_empty() {
                    message
                } else {
                    format!("{message}: `{line_text}`")
                };
                ConfigError::at(file, text, span, message)
            }
            None => ConfigError::File {
                file: file.to_string(),
                message,
            },
        }
    }

    /// Line (1-based) of the error, when it has one: tests and `check-config` use it.
    pub fn line(&self) -> Option<usize> {
        match self {
            ConfigError::At { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// 1-based line and column (in characters) of byte offset `offset`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before
        .get(line_start..)
        .map(|s| s.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 8), (2, 3));
        assert_eq!(line_column(text, 999), (3, 1));
    }
}
