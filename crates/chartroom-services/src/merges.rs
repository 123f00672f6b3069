//! Merges of duplicate charts: recorded, reversible, and followed by searches. An HL7
//! A40 records one through the feed; these use cases are the same merge done by hand
//! (and its undo), for the Identity workspace and the command line.

use super::{PatientResult, Result, ServiceError, Services, Session};
use chartroom_domain::duplicates::PairChange;
use chartroom_domain::identity::FEED_MRN_SYSTEM;
use chartroom_domain::{AccessAction, MergeRecord, Mrn, Patient, PatientId, Permission};
use chartroom_store::ReadTx;

impl Services {
    /// Merges `retired` into `survivor` (both must be charts not merged away already).
    pub fn merge_charts(
        &self,
        session: &Session,
        survivor: PatientId,
        retired: PatientId,
        reason: &str,
    ) -> Result<MergeRecord> {
        self.require(session, Permission::MergeCharts)?;
        if survivor == retired {
            return Err(ServiceError::Invalid {
                what: "merge",
                reason: "a chart cannot be merged into itself".into(),
            });
        }
        let read = self.store.read()?;
        for id in [survivor, retired] {
            read.patient(id)?
                .ok_or(ServiceError::NotFound { what: "patient" })?;
            if survivor_of(&read, id)? != id {
                return Err(ServiceError::Invalid {
                    what: "merge",
                    reason: "one of the charts is already merged into another".into(),
                });
            }
        }
        let record = MergeRecord {
            retired,
            survivor,
            at: self.clock.now().naive_utc(),
            by: session.user.username.clone(),
            reason: reason.to_string(),
            undone: None,
        };
        self.write_merge(session, &record, "merged into chart")?;
        Ok(record)
    }

    /// Undoes the merge of `retired`: it is its own chart again in searches.
    pub fn unmerge_chart(
        &self,
        session: &Session,
        retired: PatientId,
        reason: &str,
    ) -> Result<MergeRecord> {
        self.require(session, Permission::MergeCharts)?;
        let mut record = self
            .store
            .read()?
            .merge_of(retired)?
            .filter(MergeRecord::active)
            .ok_or(ServiceError::NotFound { what: "merge" })?;
        record.undone = Some((
            self.clock.now().naive_utc(),
            format!("{}: {reason}", session.user.username),
        ));
        self.write_merge(session, &record, "unmerged from chart")?;
        Ok(record)
    }

    /// The merge in force for `retired`, if any.
    pub fn merge_of(&self, session: &Session, retired: PatientId) -> Result<Option<MergeRecord>> {
        self.require(session, Permission::SearchCharts)?;
        Ok(self
            .store
            .read()?
            .merge_of(retired)?
            .filter(MergeRecord::active))
    }

    /// The chart with this MRN: as a feed sent it (`1234567890`, `AB777`), else
    /// chartroom's own in any form (`12-34-56`).
    pub fn patient_by_mrn_text(&self, session: &Session, text: &str) -> Result<Option<Patient>> {
        self.require(session, Permission::SearchCharts)?;
        let read = self.store.read()?;
        let text = text.trim();
        if let Some(id) = read.patient_by_identifier(FEED_MRN_SYSTEM, text)? {
            return Ok(read.patient(id)?);
        }
        match Mrn::parse(text) {
            Some(mrn) => Ok(read.patient_by_mrn(mrn)?),
            None => Ok(None),
        }
    }

    fn write_merge(&self, session: &Session, record: &MergeRecord, what: &str) -> Result<()> {
        let mut tx = self.store.write()?;
        tx.put_merge(record)?;
        // The duplicate pair of the two charts follows the merge (created when a merge
        // was decided without `duplicates find` having proposed it).
        let pair = {
            let read = self.store.read()?;
            super::duplicates::pair_after_merge(&read, record, self.clock.now().naive_utc())?
        };
        match pair {
            Some(PairChange::Put(pair)) => tx.put_duplicate_pair(&pair)?,
            Some(PairChange::Remove(a, b)) => tx.remove_duplicate_pair(a, b),
            None => {}
        }
        let event = self.audit_event(
            session,
            AccessAction::Merge,
            Some(record.retired),
            format!("chart {what} patient #{}", record.survivor),
        );
        tx.append_audit(event)?;
        tx.commit()?;
        self.sync_index()?;
        Ok(())
    }
}

/// Follows merges in force: the chart that stands for `id` now.
pub(crate) fn survivor_of(read: &ReadTx, id: PatientId) -> Result<PatientId> {
    let mut at = id;
    for _ in 0..32 {
        match read.merge_of(at)?.filter(MergeRecord::active) {
            Some(m) if m.survivor != at => at = m.survivor,
            _ => break,
        }
    }
    Ok(at)
}

/// Replaces hits on retired charts by their survivors, labelled "merged into …", and
/// keeps each survivor once (at its best place in the ranking).
pub(crate) fn fold_merged(
    read: &ReadTx,
    results: Vec<PatientResult>,
) -> Result<Vec<PatientResult>> {
    let mut out: Vec<PatientResult> = Vec::with_capacity(results.len());
    for mut result in results {
        let survivor = survivor_of(read, result.patient.id)?;
        if survivor != result.patient.id {
            let Some(chart) = read.patient(survivor)? else {
                continue;
            };
            result.why.push(merged_label(&result.patient, &chart));
            result.patient = chart;
        }
        match out.iter_mut().find(|r| r.patient.id == result.patient.id) {
            Some(earlier) => earlier.why.extend(result.why),
            None => out.push(result),
        }
    }
    Ok(out)
}

fn merged_label(retired: &Patient, survivor: &Patient) -> String {
    format!("MRN {} merged into {}", retired.mrn, survivor.mrn)
}
