//! `DIR/config.toml`: settings of one data directory (one hospital's records room).
//! Only the keys read here are defined; other sections belong to their features and are
//! ignored by this reader, so the file can grow without breaking older readers.

use super::{Result, ServiceError};
use chartroom_domain::retention::RetentionRules;
use serde::Deserialize;
use std::path::Path;

pub const CONFIG_FILE: &str = "config.toml";

/// Settings of a data directory, with defaults for anything absent.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct DataConfig {
    /// Minutes without a key press after which a session is logged off (0: never).
    pub idle_minutes: u32,
    /// Where `chartroom serve` listens unless `--listen` says otherwise.
    pub listen: Option<String>,
    /// The hospital's UTC offset (`UTC`, `+01:00`, `-05:00`): HL7 timestamps without
    /// an offset are read in it. A fixed offset; see docs/HL7.md.
    pub time_zone: Option<String>,
    /// `[identity]`: duplicate detection settings.
    pub identity: IdentityConfig,
    /// How a patient reaches the privacy office (the contact line of the "who viewed
    /// my record" letter), e.g. `"Privacy Office, 1 Main St, (555) 010-0199"`.
    pub privacy_contact: Option<String>,
}

/// `[identity]` in `config.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdentityConfig {
    /// Pairs scoring at least this (0–100) are potential duplicates (VistA's 60).
    pub duplicate_threshold: u8,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        IdentityConfig {
            duplicate_threshold: chartroom_domain::duplicates::DEFAULT_THRESHOLD,
        }
    }
}

impl Default for DataConfig {
    fn default() -> Self {
        DataConfig {
            idle_minutes: 15,
            listen: None,
            time_zone: None,
            identity: IdentityConfig::default(),
            privacy_contact: None,
        }
    }
}

impl DataConfig {
    /// Reads `DIR/config.toml`; a missing file gives the defaults, a bad one an error
    /// naming the file and the problem (never silently the defaults).
    pub fn load(data_dir: &Path) -> Result<DataConfig> {
        let path = data_dir.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DataConfig::default()),
            Err(e) => {
                return Err(ServiceError::Invalid {
                    what: "config file",
                    reason: format!("{}: {e}", path.display()),
                })
            }
        };
        toml::from_str(&text).map_err(|e| ServiceError::Invalid {
            what: "config file",
            reason: format!("{}: {e}", path.display()),
        })
    }
}

/// The retention rules of a data directory: `DIR/retention.toml` when there is one,
/// else the built-in `data/retention.toml` (docs/RETENTION.md).
pub const RETENTION_FILE: &str = "retention.toml";
const DEFAULT_RETENTION: &str = include_str!("../../../data/retention.toml");

/// Reads the retention rules; a bad file is an error naming it (never the defaults).
pub fn load_retention_rules(data_dir: &Path) -> Result<RetentionRules> {
    let path = data_dir.join(RETENTION_FILE);
    let (text, name) = match std::fs::read_to_string(&path) {
        Ok(text) => (text, path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (
            DEFAULT_RETENTION.to_string(),
            "data/retention.toml (built in)".into(),
        ),
        Err(e) => {
            return Err(ServiceError::Invalid {
                what: "retention rules",
                reason: format!("{}: {e}", path.display()),
            })
        }
    };
    toml::from_str(&text).map_err(|e| ServiceError::Invalid {
        what: "retention rules",
        reason: format!("{name}: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_values_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(DataConfig::load(dir.path()).unwrap(), DataConfig::default());
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "idle_minutes = 5\n[roi]\nfee = 1\n",
        )
        .unwrap();
        assert_eq!(DataConfig::load(dir.path()).unwrap().idle_minutes, 5);
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "[identity]\nduplicate_threshold = 70\n",
        )
        .unwrap();
        let config = DataConfig::load(dir.path()).unwrap();
        assert_eq!(config.identity.duplicate_threshold, 70);
        std::fs::write(dir.path().join(CONFIG_FILE), "[identity]\nthreshold = 70\n").unwrap();
        assert!(DataConfig::load(dir.path()).is_err());
        std::fs::write(dir.path().join(CONFIG_FILE), "idle_minutes = \"x\"\n").unwrap();
        assert!(DataConfig::load(dir.path()).is_err());
    }

    #[test]
    fn retention_rules_built_in_or_from_the_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        let rules = load_retention_rules(dir.path()).unwrap();
        assert_eq!(rules.cms_minimum_years, 5);
        assert_eq!(rules.rule_for(Some("tx")).1.years, 10);
        assert_eq!(rules.rule_for(Some("ZZ")).0, "default");
        std::fs::write(
            dir.path().join(RETENTION_FILE),
            "[default]\nyears = 9\nafter = \"discharge\"\n",
        )
        .unwrap();
        assert_eq!(load_retention_rules(dir.path()).unwrap().default.years, 9);
        std::fs::write(dir.path().join(RETENTION_FILE), "[default]\nyears = 9\n").unwrap();
        let err = load_retention_rules(dir.path()).unwrap_err().to_string();
        assert!(err.contains("retention.toml"), "{err}");
    }
}
