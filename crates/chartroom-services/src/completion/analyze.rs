//! `deficiencies analyze`: drains the store's "changed since analysed" set. Each
//! discharged encounter is checked against the templates and its findings reconciled
//! with the deficiencies on file: new ones are recorded (routed, due dated), fixed ones
//! complete themselves, ones found missing again reopen. Running it twice changes
//! nothing the second time.

use super::load_rules;
use crate::{Result, Services, Session};
use chartroom_domain::completion::{rules::reconcile, EncounterAnalysis, RuleSet, Transition};
use chartroom_domain::{
    AccessAction, Deficiency, DeficiencyStatus, Document, Encounter, Origin, PatientId, Permission,
    Procedure,
};
use chartroom_store::{ReadTx, WriteTx};
use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// Encounters analysed per write transaction: large enough to amortise the commit,
/// small enough that a session waiting to write is not held up for long.
const BATCH: usize = 2_000;

/// What one analyze run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnalyzeReport {
    /// Discharged encounters whose rules ran.
    pub encounters: u64,
    /// Changed encounters not yet discharged (analysed once discharged).
    pub in_house: u64,
    pub recorded: u64,
    /// Outstanding deficiencies the chart now satisfies (moved to completed).
    pub completed: u64,
    pub reopened: u64,
    pub elapsed: std::time::Duration,
}

impl std::fmt::Display for AnalyzeReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "analysed {} discharged encounters ({} still in house): {} deficiencies recorded, {} completed by the chart, {} reopened; {:.2} s",
            self.encounters,
            self.in_house,
            self.recorded,
            self.completed,
            self.reopened,
            self.elapsed.as_secs_f64()
        )
    }
}

impl Services {
    /// Analyses every discharged encounter that is new or changed since its last
    /// analysis; with `all`, every discharged encounter (after a template edit).
    pub fn analyze_deficiencies(&self, session: &Session, all: bool) -> Result<AnalyzeReport> {
        self.require(session, Permission::RecordDeficiency)?;
        let started = std::time::Instant::now();
        let rules = load_rules(self.data_dir())?;
        if all {
            self.mark_all_for_analysis()?;
        }
        let mut report = AnalyzeReport::default();
        loop {
            // The snapshot is taken under the write lock: no import can commit between
            // what is read here and the pending marks this transaction clears, so a
            // change arriving meanwhile is never cleared unanalysed.
            let mut tx = self.store.write()?;
            let read = self.store.read()?;
            let pending = read.pending_analysis(BATCH)?;
            if pending.is_empty() {
                break;
            }
            let now = self.now().naive_utc();
            let mut charts = ChartCache::default();
            for id in pending {
                tx.clear_pending_analysis(id)?;
                let Some(encounter) = read.encounter(id)? else {
                    continue;
                };
                if encounter.discharge.is_none() {
                    report.in_house += 1;
                    continue;
                }
                let (documents, procedures) = charts.of(&read, &encounter)?;
                analyse_one(
                    &read,
                    &mut tx,
                    &rules,
                    &encounter,
                    documents,
                    procedures,
                    now,
                    &mut report,
                )?;
                report.encounters += 1;
            }
            tx.commit()?;
        }
        report.elapsed = started.elapsed();
        let detail = format!(
            "analyze: {} encounters, {} recorded, {} completed, {} reopened",
            report.encounters, report.recorded, report.completed, report.reopened
        );
        self.audit(self.audit_event(session, AccessAction::Deficiency, None, detail))?;
        Ok(report)
    }

    fn mark_all_for_analysis(&self) -> Result<()> {
        let read = self.store.read()?;
        let mut tx = self.store.write()?;
        for e in read.encounters()? {
            let e = e?;
            if e.discharge.is_some() {
                tx.mark_for_analysis(e.id)?;
            }
            if tx.pending() >= 50_000 {
                tx.flush()?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
fn analyse_one(
    read: &ReadTx,
    tx: &mut WriteTx,
    rules: &RuleSet,
    encounter: &Encounter,
    documents: &[Document],
    procedures: &[Procedure],
    now: chrono::NaiveDateTime,
    report: &mut AnalyzeReport,
) -> Result<()> {
    let Some(discharge_date) = encounter.discharge_date() else {
        return Ok(());
    };
    let own_docs: Vec<Document> = documents
        .iter()
        .filter(|d| d.encounter == Some(encounter.id))
        .cloned()
        .collect();
    let own_procs: Vec<Procedure> = procedures
        .iter()
        .filter(|p| p.encounter == Some(encounter.id))
        .cloned()
        .collect();
    let findings = rules.analyze(encounter, &own_docs, &own_procs);
    let on_file = read.deficiencies_of(encounter.id)?;
    let due = rules.due(discharge_date);
    let plan = reconcile(findings, &on_file);
    let changed = !plan.new.is_empty() || !plan.again.is_empty();
    let mut outstanding = plan.new.len() as u32;
    for mut d in on_file.iter().cloned() {
        let transition = if plan.fixed.contains(&d.id) {
            report.completed += 1;
            Some(Transition::Complete)
        } else if plan.again.contains(&d.id) {
            report.reopened += 1;
            Some(Transition::Reopen)
        } else {
            None
        };
        let redated = d.discharge_date != discharge_date
            && !matches!(
                d.status,
                DeficiencyStatus::Closed | DeficiencyStatus::Cancelled
            );
        if let Some(t) = transition {
            // The table allows both moves from the statuses `reconcile` picked them in.
            if d.apply(t, now, None, "", None).is_err() {
                continue;
            }
        }
        if redated {
            d.discharge_date = discharge_date;
            d.due = due;
        }
        if transition.is_some() || redated {
            tx.put_deficiency(&d)?;
        }
        outstanding += u32::from(d.status.is_outstanding());
    }
    for finding in plan.new {
        let d = Deficiency {
            id: tx.next_deficiency_id()?,
            encounter: encounter.id,
            patient: encounter.patient,
            kind: finding.key.kind,
            document: finding.key.document,
            procedure: finding.key.procedure,
            provider: finding.responsible,
            status: DeficiencyStatus::Open,
            origin: Origin::Rule,
            discharge_date,
            due,
            comment: String::new(),
            created: now,
            history: Vec::new(),
        };
        tx.put_deficiency(&d)?;
        report.recorded += 1;
    }
    let previous = read.encounter_analysis(encounter.id)?;
    // New findings put a reviewed chart back in the analyst's queue.
    let reviewed = previous
        .as_ref()
        .and_then(|a| a.reviewed)
        .filter(|_| !changed);
    tx.put_analysis(
        encounter.id,
        &EncounterAnalysis {
            discharge_date,
            analysed_at: now,
            findings: outstanding,
            reviewed,
        },
    )?;
    Ok(())
}

/// A batch's documents and procedures, read once per patient (a patient's changed
/// encounters sit side by side in the batch).
#[derive(Default)]
struct ChartCache {
    by_patient: HashMap<PatientId, (Vec<Document>, Vec<Procedure>)>,
}

impl ChartCache {
    fn of(&mut self, read: &ReadTx, e: &Encounter) -> Result<&(Vec<Document>, Vec<Procedure>)> {
        let loaded = match self.by_patient.entry(e.patient) {
            Entry::Occupied(found) => found.into_mut(),
            Entry::Vacant(slot) => slot.insert((
                read.documents_of(e.patient)?,
                read.procedures_of(e.patient)?,
            )),
        };
        Ok(loaded)
    }
}
