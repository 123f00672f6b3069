//! The outbox: what the search index still has to absorb.

use super::IdKey;
use redb::TableDefinition;

pub(crate) const OUTBOX_NAME: &str = "outbox-1";
/// `outbox-1` — key: outbox seq (8 bytes BE, from `meta.next_outbox_seq`, never reused);
/// value: v1 + postcard(`codec::OutboxRow`), i.e. which patient or document the search
/// index still has to absorb. Rows are deleted by `Store::ack_outbox`.
pub(crate) const OUTBOX: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(OUTBOX_NAME);
