//! Access-log review: imports of access logs and the roster, the rule run that ranks
//! alerts, "who viewed my record", and the review of alerts and cases. Every use case
//! checks the role first and leaves an audit event.

mod alerts;
mod demo;
mod eval;
mod evidence;
mod facts;
mod letter;
mod report;
mod review;

pub use alerts::{AlertView, AlertsQuery};
pub use demo::PrivacyDemo;
pub use eval::{PlantedRank, PrivacyEvalReport};
pub use evidence::{AlertEvidence, EncounterLine};
pub use letter::{LetterFormat, LetterSummary};
pub use report::{AccessLine, UserActivity};
pub use review::{AlertRef, CaseAction};

use super::{Result, ServiceError, Services, Session};
use chartroom_domain::privacy::PrivacyRules;
use chartroom_domain::{AccessAction, Permission};
use chartroom_import::access::{AccessImportReport, AccessMapping, RosterReport};
use std::path::Path;

/// The shipped rule parameters (`DIR/privacy.toml` replaces them).
pub const DEFAULT_PRIVACY_RULES: &str = include_str!("../../defaults/privacy.toml");
/// The rule parameters' file in a data directory.
pub const PRIVACY_FILE: &str = "privacy.toml";

/// Reads `DIR/privacy.toml`, else the defaults; a bad file is an error naming it.
pub fn load_privacy_rules(data_dir: &Path) -> Result<PrivacyRules> {
    let path = data_dir.join(PRIVACY_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => DEFAULT_PRIVACY_RULES.to_string(),
        Err(e) => {
            return Err(ServiceError::Invalid {
                what: "privacy rules",
                reason: format!("{}: {e}", path.display()),
            })
        }
    };
    toml::from_str(&text).map_err(|e| ServiceError::Invalid {
        what: "privacy rules",
        reason: format!("{}: {e}", path.display()),
    })
}

/// Reads a column mapping file (TOML, see docs/PRIVACY.md).
fn load_mapping(path: &Path) -> Result<AccessMapping> {
    let text = std::fs::read_to_string(path).map_err(|e| ServiceError::Invalid {
        what: "mapping file",
        reason: format!("{}: {}", path.display(), e.kind()),
    })?;
    toml::from_str(&text).map_err(|e| ServiceError::Invalid {
        what: "mapping file",
        reason: format!("{}: {e}", path.display()),
    })
}

impl Services {
    /// Imports an access-log CSV (all or nothing); `progress` hears the bytes read.
    pub fn import_access_csv(
        &self,
        session: &Session,
        path: &Path,
        mapping: Option<&Path>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<AccessImportReport> {
        self.require(session, Permission::ImportData)?;
        let mapping = match mapping {
            Some(m) => load_mapping(m)?,
            None => AccessMapping::default(),
        };
        let report =
            chartroom_import::access::import_access_csv(&self.store, path, &mapping, progress)?;
        self.audit_access_import(session, "access-csv", report.added, path)?;
        Ok(report)
    }

    /// Imports FHIR AuditEvents (a resource, Bundle, NDJSON or a directory of them).
    pub fn import_auditevents(&self, session: &Session, path: &Path) -> Result<AccessImportReport> {
        self.require(session, Permission::ImportData)?;
        let report = chartroom_import::access::import_auditevents(&self.store, path)?;
        self.audit_access_import(session, "auditevent", report.added, path)?;
        Ok(report)
    }

    /// Imports the HR roster (adds or replaces users by `user_id`).
    pub fn import_roster(&self, session: &Session, path: &Path) -> Result<RosterReport> {
        self.require(session, Permission::ImportData)?;
        let report = chartroom_import::access::import_roster(&self.store, path)?;
        self.audit_access_import(session, "roster", report.changed, path)?;
        Ok(report)
    }

    fn audit_access_import(
        &self,
        session: &Session,
        format: &str,
        rows: u64,
        path: &Path,
    ) -> Result<()> {
        let detail = format!("{format}: {rows} rows from {}", path.display());
        self.audit(self.audit_event(session, AccessAction::Import, None, detail))?;
        Ok(())
    }
}
