//! Providers (clinicians that attend encounters and author documents).

use super::IdKey;
use redb::TableDefinition;

pub(crate) const PROVIDERS_NAME: &str = "providers-2";
/// `providers-2` — key: provider id (8 bytes BE); value: v1 + postcard(`domain::Provider`).
/// Since schema 2 (the FHIR resource id joined the value).
pub(crate) const PROVIDERS: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(PROVIDERS_NAME);
/// `providers-1` — schema 1's layout; read once by the migration to schema 2, then deleted.
pub(crate) const PROVIDERS_V1: TableDefinition<&IdKey, &[u8]> = TableDefinition::new("providers-1");
