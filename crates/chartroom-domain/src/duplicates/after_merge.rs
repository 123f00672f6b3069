//! How a merge or unmerge changes the duplicate pair of its two charts. One rule for
//! every way a merge arrives (the Identity workspace, `duplicates merge`, an HL7 A40),
//! so the queue never proposes two charts that are already one.

use super::{compare, score, DuplicatePair, DuplicateStatus, PairDecision, Profile};
use crate::identity::MergeRecord;
use crate::ids::PatientId;
use crate::patient::Patient;
use chrono::NaiveDateTime;

/// Marks the decision of a pair a merge created (no `find` had proposed it), so its
/// unmerge removes the pair again.
const CREATED_BY_MERGE: &str = "(pair recorded by the merge)";

/// What to do with the pair row of a merge's two charts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PairChange {
    Put(DuplicatePair),
    Remove(PatientId, PatientId),
}

/// A new potential pair of two charts, scored now.
pub fn fresh_pair(a: &Patient, b: &Patient, now: NaiveDateTime) -> DuplicatePair {
    let (first, second) = if a.id <= b.id { (a, b) } else { (b, a) };
    let comparison = compare(&Profile::of(first), &Profile::of(second));
    DuplicatePair {
        a: first.id,
        b: second.id,
        score: score(&comparison),
        fields: comparison.fields.to_vec(),
        status: DuplicateStatus::Potential,
        found: now,
        history: Vec::new(),
    }
}

/// The pair row after `record` (a merge, or an unmerge when `undone` is set): a merge
/// verifies the pair (creating it from `charts` if `find` never proposed it); an
/// unmerge puts back the status it had before, or removes a pair the merge created.
/// `stored` is the pair row as it is now; `charts` the survivor and the retired chart.
pub fn pair_after_merge(
    stored: Option<DuplicatePair>,
    charts: Option<(&Patient, &Patient)>,
    record: &MergeRecord,
    now: NaiveDateTime,
) -> Option<PairChange> {
    if record.active() {
        let (mut pair, reason) = match stored {
            Some(p) => (p, record.reason.clone()),
            None => {
                let (a, b) = charts?;
                (
                    fresh_pair(a, b, now),
                    format!("{} {CREATED_BY_MERGE}", record.reason),
                )
            }
        };
        pair.status = DuplicateStatus::VerifiedDuplicate;
        pair.history.push(PairDecision {
            status: DuplicateStatus::VerifiedDuplicate,
            at: record.at,
            by: record.by.clone(),
            reason,
        });
        return Some(PairChange::Put(pair));
    }
    let mut pair = stored.filter(|p| p.status == DuplicateStatus::VerifiedDuplicate)?;
    let n = pair.history.len();
    let created_by_merge = n == 1 && pair.history[0].reason.ends_with(CREATED_BY_MERGE);
    if n == 0 || created_by_merge {
        return Some(PairChange::Remove(pair.a, pair.b));
    }
    let before = pair.history[..n - 1]
        .last()
        .map(|d| d.status)
        .unwrap_or(DuplicateStatus::Potential);
    let (at, by) = record.undone.clone().unwrap_or((now, String::new()));
    pair.status = before;
    pair.history.push(PairDecision {
        status: before,
        at,
        by,
        reason: "unmerged".into(),
    });
    Some(PairChange::Put(pair))
}
