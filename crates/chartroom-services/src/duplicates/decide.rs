//! Decisions on duplicate pairs, the queue and the side-by-side comparison.

use super::super::{Result, ServiceError, Services, Session};
use super::chart_by_source_id;
use chartroom_domain::duplicates::{
    self, fresh_pair, DuplicatePair, DuplicateStatus, PairChange, PairDecision,
};
use chartroom_domain::{AccessAction, Encounter, MergeRecord, Patient, PatientId, Permission};
use chartroom_store::ReadTx;
use chrono::NaiveDateTime;

/// A stored pair with both charts, for lists and the comparison screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PairView {
    pub pair: DuplicatePair,
    pub a: Patient,
    pub b: Patient,
}

/// Both charts of a pair with their encounters (newest first), for the comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PairDetail {
    pub view: PairView,
    pub a_encounters: Vec<Encounter>,
    pub b_encounters: Vec<Encounter>,
}

/// The pair row after `record` (a merge or an unmerge), read from the store: the
/// domain's `pair_after_merge` over the stored pair and the two charts.
pub(crate) fn pair_after_merge(
    read: &ReadTx,
    record: &MergeRecord,
    now: NaiveDateTime,
) -> Result<Option<PairChange>> {
    let stored = read.duplicate_pair(record.survivor, record.retired)?;
    let survivor = read.patient(record.survivor)?;
    let retired = read.patient(record.retired)?;
    let charts = survivor.as_ref().zip(retired.as_ref());
    Ok(duplicates::pair_after_merge(stored, charts, record, now))
}

impl Services {
    /// Pairs to show: undecided ones at or above the threshold and every decided one,
    /// best score first (then by the charts' row ids). Audited as one listing.
    pub fn duplicate_pairs(&self, session: &Session) -> Result<Vec<PairView>> {
        self.require(session, Permission::MergeCharts)?;
        let threshold = self.duplicate_threshold()?;
        let read = self.store.read()?;
        let mut out = Vec::new();
        for pair in read.duplicate_pairs()? {
            if pair.status.decided() || pair.score >= threshold {
                let (Some(a), Some(b)) = (read.patient(pair.a)?, read.patient(pair.b)?) else {
                    continue;
                };
                out.push(PairView { pair, a, b });
            }
        }
        out.sort_by(|x, y| {
            y.pair
                .score
                .cmp(&x.pair.score)
                .then(x.pair.a.cmp(&y.pair.a))
                .then(x.pair.b.cmp(&y.pair.b))
        });
        let detail = format!("duplicate pairs listed: {}", out.len());
        self.audit(self.audit_event(session, AccessAction::Merge, None, detail))?;
        Ok(out)
    }

    /// Both charts of a pair side by side with their encounters (audited as an open of
    /// each chart).
    pub fn duplicate_pair_detail(
        &self,
        session: &Session,
        x: PatientId,
        y: PatientId,
    ) -> Result<PairDetail> {
        self.require(session, Permission::MergeCharts)?;
        let read = self.store.read()?;
        let (Some(a), Some(b)) = (read.patient(x)?, read.patient(y)?) else {
            return Err(ServiceError::NotFound { what: "patient" });
        };
        let now = self.clock.now().naive_utc();
        let pair = read
            .duplicate_pair(x, y)?
            .unwrap_or_else(|| fresh_pair(&a, &b, now));
        let (a, b) = if pair.a == a.id { (a, b) } else { (b, a) };
        let newest_first = |mut v: Vec<Encounter>| {
            v.sort_by_key(|e| std::cmp::Reverse(e.admit));
            v
        };
        let a_encounters = newest_first(read.encounters_of(a.id)?);
        let b_encounters = newest_first(read.encounters_of(b.id)?);
        drop(read);
        let mut tx = self.store.write()?;
        for (p, other) in [(&a, &b), (&b, &a)] {
            let detail = format!("duplicate review: compared with patient #{}", other.id);
            tx.append_audit(self.audit_event(
                session,
                AccessAction::OpenChart,
                Some(p.id),
                detail,
            ))?;
        }
        tx.commit()?;
        Ok(PairDetail {
            view: PairView { pair, a, b },
            a_encounters,
            b_encounters,
        })
    }

    /// Marks a pair not a duplicate, deferred, or potential again. A verified duplicate
    /// is a merge (`merge_charts`); a merged pair is unmerged first.
    pub fn decide_duplicate(
        &self,
        session: &Session,
        x: PatientId,
        y: PatientId,
        status: DuplicateStatus,
        reason: &str,
    ) -> Result<DuplicatePair> {
        self.require(session, Permission::MergeCharts)?;
        if status == DuplicateStatus::VerifiedDuplicate {
            return Err(ServiceError::Invalid {
                what: "decision",
                reason:
                    "a verified duplicate is decided by merging the charts (choose the survivor)"
                        .into(),
            });
        }
        if x == y {
            return Err(ServiceError::Invalid {
                what: "decision",
                reason: "a pair needs two different charts".into(),
            });
        }
        let now = self.clock.now().naive_utc();
        let mut tx = self.store.write()?;
        let read = self.store.read()?;
        let mut pair = match read.duplicate_pair(x, y)? {
            Some(p) => p,
            None => {
                let (Some(a), Some(b)) = (read.patient(x)?, read.patient(y)?) else {
                    return Err(ServiceError::NotFound { what: "patient" });
                };
                fresh_pair(&a, &b, now)
            }
        };
        drop(read);
        if pair.status == DuplicateStatus::VerifiedDuplicate {
            return Err(ServiceError::Invalid {
                what: "decision",
                reason: "the charts are merged: unmerge them first".into(),
            });
        }
        pair.status = status;
        pair.history.push(PairDecision {
            status,
            at: now,
            by: session.user.username.clone(),
            reason: reason.to_string(),
        });
        tx.put_duplicate_pair(&pair)?;
        let detail = format!(
            "duplicate pair with patient #{} marked {}",
            pair.b,
            status.code()
        );
        tx.append_audit(self.audit_event(session, AccessAction::Merge, Some(pair.a), detail))?;
        tx.commit()?;
        Ok(pair)
    }

    /// The chart a script names by source id or MRN (`duplicates merge`, `decide`).
    pub fn chart_by_source_id(&self, session: &Session, text: &str) -> Result<Option<Patient>> {
        self.require(session, Permission::SearchCharts)?;
        chart_by_source_id(&self.store.read()?, text)
    }
}
