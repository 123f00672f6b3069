//! Release of information use cases: intake of e-requests, the clock and its one
//! extension, QA, the release (a PDF packet and its manifest) and the accounting of
//! disclosures. Every step is audited in the same write transaction as the change.
//!
//! Policy: `DATA_DIR/roi.toml` (defaults: `defaults/roi.toml`); the condition codes
//! that make an encounter's documents sensitive: `DATA_DIR/sensitive-conditions.txt`
//! (defaults: `defaults/sensitive-conditions.txt`). Rules: docs/ROI.md.

mod accounting;
mod act;
pub mod demo;
mod desk;
mod intake;
mod packet;
mod release;
mod views;
mod work;

pub use accounting::{AccountingRow, NewAccountingRequest};
pub use act::RoiAct;
pub(crate) use intake::resolve_patient;
pub use intake::IntakeReport;
pub use release::{Manifest, ManifestWithheld};
pub use views::{RoiDeskRow, RoiRow};
pub use work::ExtensionNotice;

use crate::{Result, ServiceError, Services};
use chartroom_domain::roi::{DocFacts, RoiPolicy};
use chartroom_domain::{Category, Document, PatientId};
use chartroom_store::ReadTx;
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The shipped policy file.
pub const DEFAULT_POLICY: &str = include_str!("../../defaults/roi.toml");
/// The shipped condition code lists.
pub const DEFAULT_CONDITION_CODES: &str = include_str!("../../defaults/sensitive-conditions.txt");

pub const POLICY_FILE: &str = "roi.toml";
pub const CONDITION_CODES_FILE: &str = "sensitive-conditions.txt";

/// Policy and code lists, read once per use case.
pub(crate) struct RoiRules {
    pub policy: RoiPolicy,
    pub conditions: ConditionCodes,
}

/// Condition codes per category: exact codes and prefixes (`F10*`).
#[derive(Debug, Default)]
pub(crate) struct ConditionCodes {
    exact: HashMap<String, Vec<Category>>,
    prefixes: Vec<(String, Category)>,
}

impl ConditionCodes {
    fn parse(text: &str, file: &Path) -> Result<ConditionCodes> {
        let mut out = ConditionCodes::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line.split_whitespace();
            let (Some(cat), Some(code)) = (words.next(), words.next()) else {
                return Err(invalid(
                    file,
                    format!("line {}: want `CATEGORY CODE`", n + 1),
                ));
            };
            let Some(category) = Category::from_code(cat) else {
                return Err(invalid(
                    file,
                    format!(
                        "line {}: unknown category (ETH, HIV, PSY, PSYTHPN, STD, GDIS, SEX)",
                        n + 1
                    ),
                ));
            };
            match code.strip_suffix('*') {
                Some(prefix) => out.prefixes.push((prefix.to_string(), category)),
                None => out
                    .exact
                    .entry(code.to_string())
                    .or_default()
                    .push(category),
            }
        }
        Ok(out)
    }

    /// The categories `code` implies.
    pub fn categories_of<'a>(&'a self, code: &'a str) -> impl Iterator<Item = Category> + 'a {
        let exact = self.exact.get(code).into_iter().flatten().copied();
        let prefixed = self
            .prefixes
            .iter()
            .filter(move |(p, _)| code.starts_with(p.as_str()))
            .map(|(_, c)| *c);
        exact.chain(prefixed)
    }
}

fn invalid(file: &Path, reason: String) -> ServiceError {
    ServiceError::Invalid {
        what: "release-of-information settings",
        reason: format!("{}: {reason}", file.display()),
    }
}

fn read_or(path: &Path, default: &str) -> Result<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(default.to_string()),
        Err(e) => Err(invalid(path, e.to_string())),
    }
}

/// Reads the data directory's policy and code lists, else the defaults. A file that is
/// there but wrong is an error naming it (never silently the defaults).
pub(crate) fn load_rules(data_dir: &Path) -> Result<RoiRules> {
    let policy_path = data_dir.join(POLICY_FILE);
    let policy: RoiPolicy = toml::from_str(&read_or(&policy_path, DEFAULT_POLICY)?)
        .map_err(|e| invalid(&policy_path, e.to_string()))?;
    if let Some(key) = policy.unknown_schedule_key() {
        return Err(invalid(
            &policy_path,
            format!("fees.schedule.{key} names no requester type"),
        ));
    }
    let codes_path = data_dir.join(CONDITION_CODES_FILE);
    let conditions =
        ConditionCodes::parse(&read_or(&codes_path, DEFAULT_CONDITION_CODES)?, &codes_path)?;
    Ok(RoiRules { policy, conditions })
}

impl Services {
    /// The patient's documents as the release set sees them: source id, own date, type
    /// and categories (labels plus those the encounter's conditions imply), oldest
    /// first; with the documents themselves in the same order.
    pub(crate) fn release_facts(
        &self,
        read: &ReadTx,
        rules: &RoiRules,
        patient: PatientId,
    ) -> Result<Vec<(DocFacts, Document)>> {
        let mut docs = Vec::new();
        for chart in read.charts_of_person(patient)? {
            docs.extend(read.documents_of(chart)?);
        }
        docs.sort_by_key(|d| (d.time, d.id));
        let mut implied: HashMap<u64, BTreeSet<Category>> = HashMap::new();
        let mut out = Vec::with_capacity(docs.len());
        for doc in docs {
            let mut categories: BTreeSet<Category> = doc.sensitivity.iter().copied().collect();
            if let Some(e) = doc.encounter {
                if let Entry::Vacant(slot) = implied.entry(e.0) {
                    let mut cats = BTreeSet::new();
                    for codes in read.encounter_conditions(e)?.values() {
                        for code in codes {
                            cats.extend(rules.conditions.categories_of(code));
                        }
                    }
                    slot.insert(cats);
                }
                if let Some(cats) = implied.get(&e.0) {
                    categories.extend(cats.iter().copied());
                }
            }
            let facts = DocFacts {
                id: document_ref(&doc),
                date: doc.local_date(),
                doc_type: doc.doc_type,
                categories,
            };
            out.push((facts, doc));
        }
        Ok(out)
    }
}

/// A document's id in manifests: its source id, else `document-N` (generated charts).
pub fn document_ref(doc: &Document) -> String {
    doc.source_id
        .clone()
        .unwrap_or_else(|| format!("document-{}", doc.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_policy_is_the_built_in_default() {
        let dir = tempfile::tempdir().unwrap();
        let rules = load_rules(dir.path()).unwrap();
        assert_eq!(rules.policy, RoiPolicy::default());
        let eth: Vec<_> = rules.conditions.categories_of("F10.20").collect();
        assert_eq!(eth, [Category::Eth]);
        let hiv: Vec<_> = rules.conditions.categories_of("86406008").collect();
        assert_eq!(hiv, [Category::Hiv]);
        assert_eq!(rules.conditions.categories_of("I10").count(), 0);
    }

    #[test]
    fn a_bad_settings_file_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(POLICY_FILE), "due_days = \"thirty\"").unwrap();
        let err = load_rules(dir.path()).err().unwrap().to_string();
        assert!(err.contains("roi.toml"), "{err}");
        std::fs::remove_file(dir.path().join(POLICY_FILE)).unwrap();
        std::fs::write(dir.path().join(CONDITION_CODES_FILE), "XYZ F10*").unwrap();
        let err = load_rules(dir.path()).err().unwrap().to_string();
        assert!(
            err.contains("sensitive-conditions.txt") && err.contains("line 1"),
            "{err}"
        );
    }
}
