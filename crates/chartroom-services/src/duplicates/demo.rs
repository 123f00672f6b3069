//! The demo's Identity workspace: `find` runs once, then a few pairs are decided so
//! every status is on screen (the most certain merged, the least certain marked not
//! duplicate, some in between deferred); the rest wait as potential.

use super::super::{Result, ServiceError, Services, Session};
use chartroom_domain::duplicates::DuplicateStatus;

/// What the demo decided.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DemoDuplicates {
    pub found: usize,
    pub merged: usize,
    pub not_duplicate: usize,
    pub deferred: usize,
}

/// Pairs of each decided status the demo plants (fewer when fewer are found).
const EACH: usize = 3;

impl Services {
    pub(crate) fn plant_duplicate_decisions(&self, session: &Session) -> Result<DemoDuplicates> {
        let found = self.find_duplicates(session)?;
        let mut pairs: Vec<_> = self
            .store
            .read()?
            .duplicate_pairs()?
            .into_iter()
            .filter(|p| p.status == DuplicateStatus::Potential)
            .collect();
        pairs.sort_by(|x, y| {
            y.score
                .cmp(&x.score)
                .then(x.a.cmp(&y.a))
                .then(x.b.cmp(&y.b))
        });
        let mut out = DemoDuplicates {
            found: found.pairs,
            ..DemoDuplicates::default()
        };
        // Leave at least half of the pairs potential.
        let each = EACH.min(pairs.len() / 6);
        for pair in pairs.iter().take(each) {
            match self.merge_charts(
                session,
                pair.a,
                pair.b,
                "demo: same person registered twice",
            ) {
                Ok(_) => out.merged += 1,
                Err(ServiceError::Invalid { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        for pair in pairs.iter().rev().take(each) {
            self.decide_duplicate(
                session,
                pair.a,
                pair.b,
                DuplicateStatus::NotDuplicate,
                "demo: different people (checked the encounters)",
            )?;
            out.not_duplicate += 1;
        }
        let middle = pairs.len() / 2;
        for pair in pairs.iter().skip(middle).take(each) {
            self.decide_duplicate(
                session,
                pair.a,
                pair.b,
                DuplicateStatus::Deferred,
                "demo: waiting for the registration desk to call the patient",
            )?;
            out.deferred += 1;
        }
        Ok(out)
    }
}
