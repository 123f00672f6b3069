//! Providers (clinicians that attend encounters and author documents).

use super::IdKey;
use redb::TableDefinition;

pub(crate) const PROVIDERS_NAME: &str = "providers-1";
/// `providers-1` — key: provider id (8 bytes BE); value: v1 + postcard(`domain::Provider`).
pub(crate) const PROVIDERS: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(PROVIDERS_NAME);
