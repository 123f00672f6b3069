//! Chart completion use cases: analyse discharged encounters against the templates,
//! record and move deficiencies through their lifecycle, and the queues and reports
//! analysts and supervisors work from. Every change is audited in the same write
//! transaction as the change itself.
//!
//! The templates are `DATA_DIR/completion.toml` (defaults: `defaults/completion.toml`)
//! and `DATA_DIR/surgical-codes.txt` (defaults: `defaults/surgical-codes.txt`).

mod analyze;
mod demo;
mod views;
mod work;

pub use analyze::AnalyzeReport;
pub use demo::DemoHistory;
pub use views::{CompletionDashboard, DeficiencyFilter, DeficiencyRow, QueueEntry};
pub use work::NewDeficiency;

use super::{Result, ServiceError};
use chartroom_domain::completion::RuleSet;
use std::path::Path;

/// The shipped template file (what `deficiencies templates` prints).
pub const DEFAULT_TEMPLATES: &str = include_str!("../../defaults/completion.toml");
/// The shipped surgical procedure codes.
pub const DEFAULT_SURGICAL_CODES: &str = include_str!("../../defaults/surgical-codes.txt");

pub const TEMPLATES_FILE: &str = "completion.toml";
pub const SURGICAL_CODES_FILE: &str = "surgical-codes.txt";

/// Reads the data directory's templates and surgical codes, else the defaults. A file
/// that is there but wrong is an error naming it (never silently the defaults).
pub fn load_rules(data_dir: &Path) -> Result<RuleSet> {
    let invalid = |file: &Path, reason: String| ServiceError::Invalid {
        what: "completion templates",
        reason: format!("{}: {reason}", file.display()),
    };
    let templates_path = data_dir.join(TEMPLATES_FILE);
    let templates = read_or(&templates_path, DEFAULT_TEMPLATES)?;
    let value: toml::Value =
        toml::from_str(&templates).map_err(|e| invalid(&templates_path, e.to_string()))?;
    let mut rules = RuleSet::from_deserializer(value).map_err(|e| invalid(&templates_path, e))?;
    let codes_path = data_dir.join(SURGICAL_CODES_FILE);
    rules.surgical_codes = parse_codes(&read_or(&codes_path, DEFAULT_SURGICAL_CODES)?);
    Ok(rules)
}

fn read_or(path: &Path, default: &str) -> Result<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(default.to_string()),
        Err(e) => Err(ServiceError::Invalid {
            what: "completion templates",
            reason: format!("{}: {e}", path.display()),
        }),
    }
}

/// One code per line (the first word); `#` lines and blank lines are comments.
fn parse_codes(text: &str) -> std::collections::HashSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_templates_are_the_contract_table() {
        let dir = tempfile::tempdir().unwrap();
        let rules = load_rules(dir.path()).unwrap();
        let kinds: Vec<&str> = rules.templates.iter().map(|t| t.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "discharge_summary",
                "history_physical",
                "operative_report",
                "ed_note",
                "signature"
            ]
        );
        assert_eq!(rules.bylaws_days, 30);
        assert!(rules.surgical_codes.contains("80146002"));
        assert!(!rules.surgical_codes.contains("Appendectomy"));
    }

    #[test]
    fn a_bad_template_file_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(TEMPLATES_FILE), "bylaws_days = \"thirty\"").unwrap();
        let err = load_rules(dir.path()).unwrap_err().to_string();
        assert!(err.contains("completion.toml"), "{err}");
        std::fs::write(
            dir.path().join(TEMPLATES_FILE),
            DEFAULT_TEMPLATES.replace("classes = [\"IMP\"]", "classes = [\"SPACESHIP\"]"),
        )
        .unwrap();
        let err = load_rules(dir.path()).unwrap_err().to_string();
        assert!(err.contains("rule 1 (discharge_summary)"), "{err}");
    }
}
