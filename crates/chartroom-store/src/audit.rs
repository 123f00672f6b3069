//! Verification of the tamper-evident audit chain (`chartroom verify`).
//!
//! Appending lives in `write.rs` (`WriteTx::append_audit`): the audit table has no update
//! or delete path anywhere in the store.

use super::codec::{self, HeadRow};
use super::meta::{self, FIRST_AUDIT_SEQ};
use super::tables::*;
use super::{ChainCheck, Result};
use chartroom_domain::{AccessEvent, AuditHash};
use redb::{Database, ReadableDatabase};

/// Walks every audit event in seq order and reports the first broken link: a row that
/// does not decode, a seq that is not contiguous (or disagrees with its key), a
/// `prev_hash` that is not the previous event's hash, or a hash that does not verify.
/// Finally the head recorded in `meta` must be the last event.
pub(crate) fn check_chain(db: &Database) -> Result<ChainCheck> {
    let txn = db.begin_read()?;
    let table = txn.open_table(AUDIT)?;
    let meta_table = txn.open_table(META)?;

    let mut expected_seq = FIRST_AUDIT_SEQ;
    let mut prev = AuditHash::GENESIS;
    let mut events = 0u64;
    for row in table.range::<&IdKey>(..)? {
        let (key, value) = row?;
        let key_seq = id_from_key(key.value());
        let broken = |reason: String| {
            Ok(ChainCheck::Broken {
                seq: key_seq,
                reason,
            })
        };
        let event: AccessEvent =
            match codec::decode(AUDIT_NAME, &|| key_seq.to_string(), value.value()) {
                Ok(event) => event,
                Err(e) => return broken(format!("row does not decode: {e}")),
            };
        if key_seq != expected_seq {
            return broken(format!("seq not contiguous: expected {expected_seq}"));
        }
        if event.seq != key_seq {
            return broken(format!("row says seq {} under key {key_seq}", event.seq));
        }
        if event.prev_hash != prev {
            return broken("prev_hash is not the previous event's hash".into());
        }
        if !event.hash_is_valid() {
            return broken("hash does not match the event".into());
        }
        prev = event.hash;
        expected_seq += 1;
        events += 1;
    }

    let head: Option<HeadRow> = match meta::get(&meta_table, META_AUDIT_HEAD) {
        Ok(head) => head,
        Err(e) => {
            return Ok(ChainCheck::Broken {
                seq: expected_seq,
                reason: format!("meta audit_head unreadable: {e}"),
            })
        }
    };
    let last = (events > 0).then(|| (expected_seq - 1, prev.0));
    if head.flatten() != last {
        return Ok(ChainCheck::Broken {
            seq: expected_seq,
            reason: "meta audit_head does not match the last event (events removed at the end?)"
                .into(),
        });
    }
    Ok(ChainCheck::Intact { events, head: prev })
}
