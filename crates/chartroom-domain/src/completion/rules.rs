//! The completion templates (a data file users edit, `completion.toml`) and the pure
//! analysis: given one discharged encounter with its documents and procedures, what is
//! missing or unsigned. [`reconcile`] then compares the findings with the deficiencies
//! already on file, so analysing twice records nothing twice and a fixed chart completes
//! its own deficiencies.

use super::{Deficiency, DeficiencyStatus};
use crate::document::Document;
use crate::encounter::{Encounter, EncounterClass};
use crate::ids::{DeficiencyId, DocumentId, ProcedureId, ProviderId};
use crate::procedure::Procedure;
use chrono::{Days, NaiveDate, TimeDelta};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// Every template and setting of `completion.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Days after the discharge date a record must be complete (bylaws; CMS: 30).
    pub bylaws_days: u32,
    /// A provider with this many delinquent deficiencies is on the suspension list...
    pub suspension_delinquent: u32,
    /// ...and so is one whose oldest delinquent item is this many days past due.
    pub suspension_days_overdue: u32,
    /// Delinquency rate above which a month or quarter is flagged (former TJC: 50 %).
    pub delinquency_threshold_percent: u32,
    #[serde(rename = "rule")]
    pub templates: Vec<Template>,
    /// SNOMED CT procedure codes that are surgical even without the surgical category
    /// (from `surgical-codes.txt`, not from this file).
    #[serde(skip)]
    pub surgical_codes: HashSet<String>,
}

/// One rule: when it applies and who must fix it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// The deficiency kind it records (`discharge_summary`).
    pub kind: String,
    pub check: Check,
    /// Encounter classes it applies to (`IMP`, `EMER`, `AMB`, ...); empty: every class.
    #[serde(default)]
    pub classes: Vec<String>,
    /// LOINC document types that satisfy it.
    #[serde(default)]
    pub loinc: Vec<String>,
    /// For `document`: the satisfying document must be dated no earlier than this many
    /// hours before admission...
    pub hours_before_admit: Option<i64>,
    /// ...and no later than this many hours after it (both inclusive).
    pub hours_after_admit: Option<i64>,
    pub responsible: Responsible,
}

/// What a template checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// The encounter has a document of one of the `loinc` types (in the window, if set).
    Document,
    /// Each surgical procedure has such a document dated at or after its start.
    EachSurgicalProcedure,
    /// Each document of the encounter is signed (docStatus not `preliminary`).
    EachDocumentSigned,
}

/// Who a finding is routed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsible {
    Attending,
    /// The procedure's first performer, else the attending.
    Performer,
    /// The document's author, else the attending.
    Author,
}

/// A template file that does not make sense, with the rule it is about.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleSetError {
    #[error("rule {index} ({kind}): {problem}")]
    Rule {
        index: usize,
        kind: String,
        problem: &'static str,
    },
}

impl RuleSet {
    /// Checks what serde cannot: kind codes, class codes, windows.
    pub fn check(&self) -> Result<(), RuleSetError> {
        for (index, t) in self.templates.iter().enumerate() {
            let bad = |problem| RuleSetError::Rule {
                index: index + 1,
                kind: t.kind.clone(),
                problem,
            };
            if !super::valid_kind(&t.kind) {
                return Err(bad("kind must be lower-case letters, digits and _"));
            }
            if t.classes.iter().any(|c| EncounterClass::parse(c).is_none()) {
                return Err(bad("classes holds a code that is not an encounter class"));
            }
            if t.check != Check::EachDocumentSigned && t.loinc.is_empty() {
                return Err(bad("needs at least one loinc document type"));
            }
            if t.hours_before_admit.is_some_and(|h| h < 0)
                || t.hours_after_admit.is_some_and(|h| h < 0)
            {
                return Err(bad("admission window hours cannot be negative"));
            }
        }
        Ok(())
    }

    /// The date a deficiency of a discharge on `discharge_date` is due.
    pub fn due(&self, discharge_date: NaiveDate) -> NaiveDate {
        discharge_date
            .checked_add_days(Days::new(u64::from(self.bylaws_days)))
            .unwrap_or(NaiveDate::MAX)
    }

    fn is_surgical(&self, p: &Procedure) -> bool {
        p.is_surgical(&|code| self.surgical_codes.contains(code))
    }

    /// What is missing or unsigned in a discharged encounter (nothing before discharge).
    /// `documents` and `procedures` are the encounter's own.
    pub fn analyze(
        &self,
        encounter: &Encounter,
        documents: &[Document],
        procedures: &[Procedure],
    ) -> Vec<Finding> {
        if encounter.discharge.is_none() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for t in &self.templates {
            let applies = t.classes.is_empty()
                || t.classes
                    .iter()
                    .any(|c| EncounterClass::parse(c) == Some(encounter.class));
            if !applies {
                continue;
            }
            let of_type = |d: &&Document| t.loinc.iter().any(|code| d.has_loinc(code));
            match t.check {
                Check::Document => {
                    let before = t.hours_before_admit.map(TimeDelta::hours);
                    let after = t.hours_after_admit.map(TimeDelta::hours);
                    let in_window = |d: &&Document| {
                        before.is_none_or(|b| d.time >= encounter.admit - b)
                            && after.is_none_or(|a| d.time <= encounter.admit + a)
                    };
                    if !documents.iter().filter(of_type).any(|d| in_window(&d)) {
                        out.push(Finding::new(t, None, None, encounter.attending));
                    }
                }
                Check::EachSurgicalProcedure => {
                    for p in procedures.iter().filter(|p| self.is_surgical(p)) {
                        let covered = documents.iter().filter(of_type).any(|d| d.time >= p.start);
                        if !covered {
                            let who = match t.responsible {
                                Responsible::Performer => p.performers.first().copied(),
                                _ => None,
                            };
                            out.push(Finding::new(
                                t,
                                None,
                                Some(p.id),
                                who.or(encounter.attending),
                            ));
                        }
                    }
                }
                Check::EachDocumentSigned => {
                    for d in documents.iter().filter(|d| d.is_unsigned()) {
                        let who = match t.responsible {
                            Responsible::Author => d.author,
                            _ => None,
                        };
                        out.push(Finding::new(
                            t,
                            Some(d.id),
                            None,
                            who.or(encounter.attending),
                        ));
                    }
                }
            }
        }
        out
    }
}

impl RuleSet {
    /// Builds a rule set from any serde deserializer (services read `completion.toml`
    /// with the TOML crate, which lives there), then checks it.
    pub fn from_deserializer<'de, D: serde::Deserializer<'de>>(d: D) -> Result<RuleSet, String> {
        let set = RuleSet::deserialize(d).map_err(|e| e.to_string())?;
        set.check().map_err(|e| e.to_string())?;
        Ok(set)
    }
}

/// What identifies a rule finding among an encounter's deficiencies.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FindingKey {
    pub kind: String,
    pub document: Option<DocumentId>,
    pub procedure: Option<ProcedureId>,
}

/// One thing the rules found missing or unsigned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub key: FindingKey,
    pub responsible: Option<ProviderId>,
}

impl Finding {
    fn new(
        t: &Template,
        document: Option<DocumentId>,
        procedure: Option<ProcedureId>,
        responsible: Option<ProviderId>,
    ) -> Finding {
        Finding {
            key: FindingKey {
                kind: t.kind.clone(),
                document,
                procedure,
            },
            responsible,
        }
    }
}

/// What analysing an encounter again changes among its deficiencies.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Findings with no deficiency yet: record them.
    pub new: Vec<Finding>,
    /// Outstanding rule deficiencies whose condition no longer holds: complete them.
    pub fixed: Vec<DeficiencyId>,
    /// Completed-by-the-rules deficiencies found missing again: reopen them.
    pub again: Vec<DeficiencyId>,
}

/// Compares fresh findings with the encounter's deficiencies on file. Manual
/// deficiencies are the analyst's and never touched; a finding already on file in any
/// status (even cancelled: the analyst decided) is not recorded again.
pub fn reconcile(findings: Vec<Finding>, on_file: &[Deficiency]) -> Reconciled {
    let by_key: HashMap<FindingKey, &Deficiency> = on_file
        .iter()
        .filter_map(|d| Some((d.finding_key()?, d)))
        .collect();
    let found: HashSet<&FindingKey> = findings.iter().map(|f| &f.key).collect();
    let mut out = Reconciled::default();
    for d in on_file {
        let Some(key) = d.finding_key() else { continue };
        if d.status.is_outstanding() && !found.contains(&key) {
            out.fixed.push(d.id);
        }
        let completed_by_rules = d.status == DeficiencyStatus::Completed
            && d.history.last().is_some_and(|c| c.by.is_none());
        if completed_by_rules && found.contains(&key) {
            out.again.push(d.id);
        }
    }
    out.new = findings
        .into_iter()
        .filter(|f| !by_key.contains_key(&f.key))
        .collect();
    out
}
