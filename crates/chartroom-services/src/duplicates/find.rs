//! `duplicates find`: block, compare, score, and store the pairs at or above the
//! threshold. Decided pairs keep their status (a not-duplicate is never proposed again);
//! potential pairs no longer found are dropped.

use super::super::{Result, Services, Session};
use chartroom_domain::duplicates::{find_candidates, BlockingStats, DuplicatePair, Profile};
use chartroom_domain::{AccessAction, PatientId, Permission};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// What a run found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindReport {
    pub threshold: u8,
    pub blocking: BlockingStats,
    /// Pairs at or above the threshold this run.
    pub pairs: usize,
    /// Of those, pairs not stored before.
    pub new_pairs: usize,
    /// Of those, pairs a person had already decided (status kept).
    pub decided: usize,
    /// Potential pairs from an earlier run no longer found (removed).
    pub dropped: usize,
    pub elapsed: Duration,
}

impl Services {
    /// Finds and scores duplicate candidates among every chart not merged away.
    pub fn find_duplicates(&self, session: &Session) -> Result<FindReport> {
        self.require(session, Permission::MergeCharts)?;
        let started = Instant::now();
        let threshold = self.duplicate_threshold()?;
        let (candidates, blocking) = {
            let read = self.store.read()?;
            let retired = read.retired_charts()?;
            let mut profiles = Vec::new();
            for patient in read.patients()? {
                let patient = patient?;
                if !retired.contains(&patient.id) {
                    profiles.push(Profile::of(&patient));
                }
            }
            find_candidates(&profiles, threshold)
        };
        let now = self.clock.now().naive_utc();
        let mut tx = self.store.write()?;
        // Read under the write lock, so a decision committed meanwhile is never lost.
        let mut existing: HashMap<(PatientId, PatientId), DuplicatePair> = self
            .store
            .read()?
            .duplicate_pairs()?
            .into_iter()
            .map(|p| ((p.a, p.b), p))
            .collect();
        let mut report = FindReport {
            threshold,
            blocking,
            pairs: candidates.len(),
            ..FindReport::default()
        };
        for c in candidates {
            let pair = match existing.remove(&(c.a, c.b)) {
                Some(mut old) => {
                    report.decided += usize::from(old.status.decided());
                    old.score = c.score;
                    old.fields = c.comparison.fields.to_vec();
                    old.found = now;
                    old
                }
                None => {
                    report.new_pairs += 1;
                    DuplicatePair {
                        a: c.a,
                        b: c.b,
                        score: c.score,
                        fields: c.comparison.fields.to_vec(),
                        status: chartroom_domain::duplicates::DuplicateStatus::Potential,
                        found: now,
                        history: Vec::new(),
                    }
                }
            };
            tx.put_duplicate_pair(&pair)?;
        }
        for stale in existing.values().filter(|p| !p.status.decided()) {
            tx.remove_duplicate_pair(stale.a, stale.b);
            report.dropped += 1;
        }
        let detail = format!(
            "duplicate detection: {} charts, {} comparisons, {} pairs at or above {} ({} new, {} decided earlier, {} dropped)",
            report.blocking.charts,
            report.blocking.comparisons,
            report.pairs,
            threshold,
            report.new_pairs,
            report.decided,
            report.dropped
        );
        tx.append_audit(self.audit_event(session, AccessAction::Merge, None, detail))?;
        tx.commit()?;
        report.elapsed = started.elapsed();
        Ok(report)
    }
}
