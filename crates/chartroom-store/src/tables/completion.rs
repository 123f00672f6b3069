//! Chart completion: deficiencies, what still has to be analysed, and the analysis
//! queue in discharge order.

use super::{IdKey, PairKey};
use redb::TableDefinition;

pub(crate) const DEFICIENCIES_NAME: &str = "deficiencies-1";
/// `deficiencies-1` — key: deficiency id (8 bytes BE); value: v1 +
/// postcard(`domain::Deficiency`), its history included.
pub(crate) const DEFICIENCIES: TableDefinition<&IdKey, &[u8]> =
    TableDefinition::new(DEFICIENCIES_NAME);

pub(crate) const ENCOUNTER_DEFICIENCIES_NAME: &str = "encounter-deficiencies-1";
/// `encounter-deficiencies-1` — per-encounter listing (key-only): key: (encounter id,
/// deficiency id), 16 bytes BE; value: `()`.
pub(crate) const ENCOUNTER_DEFICIENCIES: TableDefinition<&PairKey, ()> =
    TableDefinition::new(ENCOUNTER_DEFICIENCIES_NAME);

pub(crate) const PROVIDER_DEFICIENCIES_NAME: &str = "provider-deficiencies-1";
/// `provider-deficiencies-1` — per-provider listing (key-only): key: (provider id,
/// deficiency id), 16 bytes BE; value: `()`. Unassigned deficiencies are not listed. The
/// provider view and letters read one range instead of every deficiency.
pub(crate) const PROVIDER_DEFICIENCIES: TableDefinition<&PairKey, ()> =
    TableDefinition::new(PROVIDER_DEFICIENCIES_NAME);

pub(crate) const ANALYSIS_PENDING_NAME: &str = "analysis-pending-1";
/// `analysis-pending-1` — key-only: encounter id (8 bytes BE) whose encounter, documents
/// or procedures changed since it was last analysed. Every encounter, document and
/// procedure write marks it; `deficiencies analyze` drains it.
pub(crate) const ANALYSIS_PENDING: TableDefinition<&IdKey, ()> =
    TableDefinition::new(ANALYSIS_PENDING_NAME);

pub(crate) const ENCOUNTER_ANALYSIS_NAME: &str = "encounter-analysis-1";
/// `encounter-analysis-1` — key: encounter id (8 bytes BE); value: v1 +
/// postcard(`domain::completion::EncounterAnalysis`): when the rules last ran and whether
/// an analyst has reviewed the chart.
pub(crate) const ENCOUNTER_ANALYSIS: TableDefinition<&IdKey, &[u8]> =
    TableDefinition::new(ENCOUNTER_ANALYSIS_NAME);

pub(crate) const DISCHARGE_MONTHS_NAME: &str = "discharge-months-1";
/// `discharge-months-1` — analysed discharges per calendar month (the delinquency
/// rate's denominator): key: year × 12 + month − 1 (4 bytes BE); value: the count (8 bytes
/// BE). Kept in step with `encounter-analysis-1` by every analysis write, so the
/// monthly report reads a few dozen rows instead of every analysed encounter.
pub(crate) const DISCHARGE_MONTHS: TableDefinition<&[u8; 4], &[u8; 8]> =
    TableDefinition::new(DISCHARGE_MONTHS_NAME);

pub(crate) const AWAITING_REVIEW_NAME: &str = "awaiting-review-1";
/// `awaiting-review-1` — the analysis queue (key-only): key: (discharge date as days
/// since 0001-01-01, encounter id), 16 bytes BE, so a range scan is oldest discharge
/// first; value: `()`. Holds the analysed encounters no analyst has reviewed yet.
pub(crate) const AWAITING_REVIEW: TableDefinition<&PairKey, ()> =
    TableDefinition::new(AWAITING_REVIEW_NAME);
