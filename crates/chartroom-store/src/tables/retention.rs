//! Research extracts and record retention: the de-identified exports (with the key of
//! their study ids), legal holds, and the destruction log that outlives the charts.

use super::IdKey;
use redb::TableDefinition;

pub(crate) const DEID_EXPORTS_NAME: &str = "deid-exports-1";
/// `deid-exports-1` — key: export id (8 bytes BE, from 1); value: v1 +
/// postcard(`domain::research::DeidExport`), the study-id key included.
pub(crate) const DEID_EXPORTS: TableDefinition<&IdKey, &[u8]> =
    TableDefinition::new(DEID_EXPORTS_NAME);

pub(crate) const LEGAL_HOLDS_NAME: &str = "legal-holds-1";
/// `legal-holds-1` — key: patient id (8 bytes BE); value: v1 +
/// postcard(`domain::retention::LegalHold`), every set and clear with who, when, why.
pub(crate) const LEGAL_HOLDS: TableDefinition<&IdKey, &[u8]> =
    TableDefinition::new(LEGAL_HOLDS_NAME);

pub(crate) const DESTRUCTIONS_NAME: &str = "destructions-1";
/// `destructions-1` — the destruction log, append-only: key: destruction id (8 bytes
/// BE, from 1); value: v1 + postcard(`domain::retention::DestructionRecord`).
pub(crate) const DESTRUCTIONS: TableDefinition<&IdKey, &[u8]> =
    TableDefinition::new(DESTRUCTIONS_NAME);
