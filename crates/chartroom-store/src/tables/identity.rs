//! Chart identity: merges of duplicate charts and charts that share a secondary
//! identifier (flagged for review).

use super::{IdKey, PairKey};
use redb::TableDefinition;

pub(crate) const MERGES_NAME: &str = "merges-1";
/// `merges-1` — key: the retired patient id (8 bytes BE); value: v1 +
/// postcard(`domain::MergeRecord`). One row per retired chart: its latest merge, with
/// `undone` set after an unmerge (the audit trail keeps the full history).
pub(crate) const MERGES: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(MERGES_NAME);

pub(crate) const SURVIVOR_MERGES_NAME: &str = "survivor-merges-1";
/// `survivor-merges-1` — key-only listing of merges in force: (survivor id, retired id),
/// 16 bytes BE; value `()`. "Which charts were merged into this one" is a range scan.
pub(crate) const SURVIVOR_MERGES: TableDefinition<&PairKey, ()> =
    TableDefinition::new(SURVIVOR_MERGES_NAME);

pub(crate) const IDENTIFIER_CONFLICTS_NAME: &str = "identifier-conflicts-1";
/// `identifier-conflicts-1` — key-only listing: (patient id, other patient id), 16 bytes
/// BE, written both ways, when a secondary identifier (licence, passport, SSN...) is on
/// both charts; value `()`. The Identity workspace reviews these pairs.
pub(crate) const IDENTIFIER_CONFLICTS: TableDefinition<&PairKey, ()> =
    TableDefinition::new(IDENTIFIER_CONFLICTS_NAME);

pub(crate) const DUPLICATE_PAIRS_NAME: &str = "duplicate-pairs-1";
/// `duplicate-pairs-1` — key: (lower patient id, higher patient id), 16 bytes BE;
/// value: v1 + postcard(`domain::duplicates::DuplicatePair`). Candidate pairs `duplicates
/// find` scored at or above the threshold, and every pair a person decided (kept, with
/// its history, when later runs no longer find it).
pub(crate) const DUPLICATE_PAIRS: TableDefinition<&PairKey, &[u8]> =
    TableDefinition::new(DUPLICATE_PAIRS_NAME);

pub(crate) const CHART_VOLUMES_NAME: &str = "chart-volumes-1";
/// `chart-volumes-1` — key: (patient id, volume number), 16 bytes BE; value: v1 +
/// postcard(`domain::chart_tracking::ChartVolume`). Paper volumes that were ever moved
/// (a chart without a row is volume 1 on its terminal-digit shelf), with their moves.
pub(crate) const CHART_VOLUMES: TableDefinition<&PairKey, &[u8]> =
    TableDefinition::new(CHART_VOLUMES_NAME);
