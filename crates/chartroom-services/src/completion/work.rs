//! What analysts and supervisors do to deficiencies: record one by hand, move many
//! through the lifecycle at once (complete, verify, close, return, reassign, cancel,
//! reopen), and mark a chart's analysis reviewed. Each call is one write transaction
//! with one audit event per deficiency changed; an illegal move refuses the whole call
//! and names the rule.

use super::load_rules;
use crate::{Result, ServiceError, Services, Session};
use chartroom_domain::completion::{valid_kind, EncounterAnalysis, Transition};
use chartroom_domain::{
    AccessAction, Deficiency, DeficiencyId, DeficiencyStatus, DocumentId, EncounterId, Origin,
    Permission, ProviderId,
};
use chartroom_store::WriteTx;

/// A deficiency an analyst records by hand.
#[derive(Clone, Debug)]
pub struct NewDeficiency {
    pub encounter: EncounterId,
    /// Any kind code (`consultation`, `cosignature`, ...).
    pub kind: String,
    pub document: Option<DocumentId>,
    /// `None`: the encounter's attending.
    pub provider: Option<ProviderId>,
    pub comment: String,
}

impl Services {
    /// Records a manual deficiency on a discharged encounter.
    pub fn record_deficiency(&self, session: &Session, new: NewDeficiency) -> Result<DeficiencyId> {
        self.require(session, Permission::RecordDeficiency)?;
        let kind = new.kind.trim().to_ascii_lowercase();
        if !valid_kind(&kind) {
            return Err(ServiceError::Invalid {
                what: "deficiency kind",
                reason: "use lower-case letters, digits and _ (e.g. consultation)".into(),
            });
        }
        let read = self.store.read()?;
        let encounter = read
            .encounter(new.encounter)?
            .ok_or(ServiceError::NotFound { what: "encounter" })?;
        let discharge_date = encounter
            .discharge_date()
            .ok_or_else(|| ServiceError::Invalid {
                what: "deficiency",
                reason: "the patient is still in house: deficiencies are recorded after discharge"
                    .into(),
            })?;
        if let Some(doc) = new.document {
            let d = read
                .document(doc)?
                .ok_or(ServiceError::NotFound { what: "document" })?;
            if d.encounter != Some(encounter.id) {
                return Err(ServiceError::Invalid {
                    what: "deficiency",
                    reason: "the document belongs to another encounter".into(),
                });
            }
        }
        let rules = load_rules(self.data_dir())?;
        let now = self.now().naive_utc();
        let mut tx = self.store.write()?;
        let d = Deficiency {
            id: tx.next_deficiency_id()?,
            encounter: encounter.id,
            patient: encounter.patient,
            kind,
            document: new.document,
            procedure: None,
            provider: new.provider.or(encounter.attending),
            status: DeficiencyStatus::Open,
            origin: Origin::Manual,
            discharge_date,
            due: rules.due(discharge_date),
            comment: new.comment.trim().to_string(),
            created: now,
            history: Vec::new(),
        };
        tx.put_deficiency(&d)?;
        self.audit_deficiency(&mut tx, session, &d, "recorded")?;
        // A chart with a new outstanding item is back in the analysis queue.
        let analysis = read.encounter_analysis(encounter.id)?;
        tx.put_analysis(
            encounter.id,
            &EncounterAnalysis {
                discharge_date,
                analysed_at: analysis.as_ref().map_or(now, |a| a.analysed_at),
                findings: analysis.as_ref().map_or(0, |a| a.findings) + 1,
                reviewed: None,
            },
        )?;
        tx.commit()?;
        Ok(d.id)
    }

    /// Moves every deficiency in `ids` by `transition`, all or none. `reason` is needed
    /// for return, cancel and reopen; `provider` for reassign.
    pub fn move_deficiencies(
        &self,
        session: &Session,
        ids: &[DeficiencyId],
        transition: Transition,
        reason: &str,
        provider: Option<ProviderId>,
    ) -> Result<usize> {
        let read = self.store.read()?;
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            rows.push(
                read.deficiency(*id)?
                    .ok_or(ServiceError::NotFound { what: "deficiency" })?,
            );
        }
        let permission = match transition {
            Transition::Verify | Transition::Close | Transition::Reopen => {
                Permission::VerifyDeficiency
            }
            // A returned deficiency goes back to the analyst to route again; moving
            // open work between providers is the supervisor's.
            Transition::Reassign if rows.iter().all(|d| d.status == DeficiencyStatus::Returned) => {
                Permission::RecordDeficiency
            }
            Transition::Reassign => Permission::ReassignDeficiency,
            _ => Permission::RecordDeficiency,
        };
        self.require(session, permission)?;
        if let Some(p) = provider {
            read.provider(p)?
                .ok_or(ServiceError::NotFound { what: "provider" })?;
        }
        let now = self.now().naive_utc();
        // Read the rows again under the write lock: a move another session committed
        // since the first read is the state this one is checked against, never undone.
        let mut tx = self.store.write()?;
        let read = self.store.read()?;
        let mut rows = ids
            .iter()
            .map(|id| {
                read.deficiency(*id)?
                    .ok_or(ServiceError::NotFound { what: "deficiency" })
            })
            .collect::<Result<Vec<_>>>()?;
        for d in &mut rows {
            d.apply(transition, now, Some(session.user.id), reason, provider)
                .map_err(|e| ServiceError::Invalid {
                    what: "deficiency change",
                    reason: format!("deficiency {}: {e}", d.id),
                })?;
            tx.put_deficiency(d)?;
            self.audit_deficiency(&mut tx, session, d, transition.code())?;
        }
        tx.commit()?;
        Ok(rows.len())
    }

    /// The analyst has reviewed the encounter's chart: it leaves the analysis queue
    /// ("no deficiencies" when nothing is outstanding).
    pub fn review_encounter(&self, session: &Session, encounter: EncounterId) -> Result<()> {
        self.require(session, Permission::RecordDeficiency)?;
        let read = self.store.read()?;
        let e = read
            .encounter(encounter)?
            .ok_or(ServiceError::NotFound { what: "encounter" })?;
        let discharge_date = e.discharge_date().ok_or_else(|| ServiceError::Invalid {
            what: "review",
            reason: "the patient is still in house".into(),
        })?;
        let now = self.now().naive_utc();
        let previous = read.encounter_analysis(encounter)?;
        let outstanding = read
            .deficiencies_of(encounter)?
            .iter()
            .filter(|d| d.status.is_outstanding())
            .count() as u32;
        let mut tx = self.store.write()?;
        tx.put_analysis(
            encounter,
            &EncounterAnalysis {
                discharge_date,
                analysed_at: previous.map_or(now, |a| a.analysed_at),
                findings: outstanding,
                reviewed: Some((session.user.id, now)),
            },
        )?;
        let detail = format!("encounter {} reviewed: {outstanding} outstanding", e.id);
        tx.append_audit(self.audit_event(
            session,
            AccessAction::Deficiency,
            Some(e.patient),
            detail,
        ))?;
        tx.commit()?;
        Ok(())
    }

    pub(super) fn audit_deficiency(
        &self,
        tx: &mut WriteTx,
        session: &Session,
        d: &Deficiency,
        what: &str,
    ) -> Result<()> {
        let detail = format!(
            "deficiency {} {what}: {} on encounter {} now {}",
            d.id,
            d.kind,
            d.encounter,
            d.status.code()
        );
        tx.append_audit(self.audit_event(
            session,
            AccessAction::Deficiency,
            Some(d.patient),
            detail,
        ))?;
        Ok(())
    }
}
