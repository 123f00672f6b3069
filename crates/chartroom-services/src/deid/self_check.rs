//! Reads back every file of an extract and scans each line for the identifiers of the
//! exported patients. A hit is reported by file, line and kind: never the value.

use chartroom_domain::research::{IdentifierKind, Needles};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

/// Where the self-check found an identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelfCheckFailure {
    /// The file name inside the output directory.
    pub file: String,
    /// 1-based line number.
    pub line: u64,
    pub kind: IdentifierKind,
}

impl std::fmt::Display for SelfCheckFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "de-identification self-check failed: {} line {} holds a {}; the extract was deleted",
            self.file,
            self.line,
            self.kind.label()
        )
    }
}

/// Scans `files`; answers the number of lines read, or the first hit. A file that
/// cannot be read back counts as a failure of the check (nothing unchecked leaves).
pub(crate) fn check_files(
    files: &[PathBuf],
    needles: &Needles,
) -> std::result::Result<u64, SelfCheckFailure> {
    let mut lines = 0;
    for path in files {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let unreadable = |line: u64| SelfCheckFailure {
            file: file_name.clone(),
            line,
            kind: IdentifierKind::SourceId,
        };
        let file = std::fs::File::open(path).map_err(|_| unreadable(0))?;
        for (at, line) in BufReader::new(file).lines().enumerate() {
            let number = at as u64 + 1;
            let line = line.map_err(|_| unreadable(number))?;
            if let Some(kind) = needles.scan_line(&line) {
                return Err(SelfCheckFailure {
                    file: file_name,
                    line: number,
                    kind,
                });
            }
            lines += 1;
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planted_value_is_named_by_file_line_and_kind_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("patients.csv");
        std::fs::write(&path, "a,b\nP-XX,1984\nP-YY,Quixotez\n").unwrap();
        let mut needles = Needles::new();
        needles.add_name("Quixotez");
        let failure = check_files(&[path], &needles).unwrap_err();
        assert_eq!(failure.file, "patients.csv");
        assert_eq!(failure.line, 3);
        assert_eq!(failure.kind, IdentifierKind::Name);
        let message = failure.to_string();
        assert!(!message.to_lowercase().contains("quixotez"), "{message}");
    }
}
