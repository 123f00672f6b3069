//! The audit trail and its indexes. Append-only: no code path updates or deletes these
//! rows (see `WriteTx::append_audit` and `crate::audit` for the chain check).

use super::{IdKey, PairKey};
use redb::TableDefinition;

pub(crate) const AUDIT_NAME: &str = "audit-1";
/// `audit-1` — key: audit seq (8 bytes BE, contiguous from 1); value: v1 +
/// postcard(`domain::AccessEvent`) including `prev_hash` and `hash` of the chain.
pub(crate) const AUDIT: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(AUDIT_NAME);

pub(crate) const AUDIT_BY_PATIENT_NAME: &str = "audit-by-patient-1";
/// `audit-by-patient-1` — key: (patient id, audit seq), 16 bytes BE; value: `()`.
/// "All access to patient X" is one range scan.
pub(crate) const AUDIT_BY_PATIENT: TableDefinition<&PairKey, ()> =
    TableDefinition::new(AUDIT_BY_PATIENT_NAME);

pub(crate) const AUDIT_BY_USER_NAME: &str = "audit-by-user-1";
/// `audit-by-user-1` — key: (user id, audit seq), 16 bytes BE; value: `()`.
/// Events without a user id (some imported logs) are not in this index.
pub(crate) const AUDIT_BY_USER: TableDefinition<&PairKey, ()> =
    TableDefinition::new(AUDIT_BY_USER_NAME);
