//! Duplicate charts (Identity workspace): `find` scores candidate pairs and stores those
//! at or above the threshold; HIM decides each pair (verified duplicate → merge, not a
//! duplicate → never proposed again, deferred). Every use case needs `MergeCharts` and
//! is audited. Scoring rules: `chartroom_domain::duplicates`, docs/IDENTITY.md.

mod decide;
mod demo;
mod eval;
mod find;
mod overlay;

pub(crate) use decide::pair_after_merge;
pub use decide::{PairDetail, PairView};
pub use eval::{evaluate_duplicates, DuplicateEvalReport};
pub use find::FindReport;
pub use overlay::OverlayView;

use super::{Result, ServiceError, Services};
use chartroom_domain::identity::{FEED_MRN_SYSTEM, SOURCE_ID_SYSTEM};
use chartroom_domain::{Mrn, Patient};
use chartroom_store::ReadTx;

impl Services {
    /// The potential-duplicate threshold from `DIR/config.toml` (default 60).
    pub fn duplicate_threshold(&self) -> Result<u8> {
        let t = super::DataConfig::load(self.data_dir())?
            .identity
            .duplicate_threshold;
        if t > 100 {
            return Err(ServiceError::Invalid {
                what: "duplicate_threshold in config.toml",
                reason: "expected a score from 0 to 100".into(),
            });
        }
        Ok(t)
    }
}

/// The chart a script names by its source id (as `duplicates list` prints it: a
/// Synthea id, a feed MRN, or chartroom's MRN digits), or by an MRN in any form.
pub(crate) fn chart_by_source_id(read: &ReadTx, text: &str) -> Result<Option<Patient>> {
    let text = text.trim();
    for system in [SOURCE_ID_SYSTEM, FEED_MRN_SYSTEM] {
        if let Some(id) = read.patient_by_identifier(system, text)? {
            return Ok(read.patient(id)?);
        }
    }
    // Charts from other sources print their first identifier; fall back to the MRN.
    match Mrn::parse(text) {
        Some(mrn) => Ok(read.patient_by_mrn(mrn)?),
        None => Ok(None),
    }
}
