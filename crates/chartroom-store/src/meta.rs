//! Reading and writing the `meta` table: schema version, id counters, audit head.

use super::codec::{self, HeadRow};
use super::tables::*;
use super::{Result, StoreError};
use chartroom_domain::AuditHash;
use redb::{ReadableTable, Table};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// First MRN handed out on a fresh store: six digits, so charts look real.
pub const FIRST_MRN: u32 = 100_001;
/// First row id of every entity table (0 is never a valid id).
pub const FIRST_ID: u64 = 1;
/// Sequence number of the first audit event.
pub const FIRST_AUDIT_SEQ: u64 = 1;

/// Reads one meta entry; `None` when absent.
pub(crate) fn get<T, R>(table: &R, name: &'static str) -> Result<Option<T>>
where
    T: DeserializeOwned,
    R: ReadableTable<&'static [u8], &'static [u8]>,
{
    match table.get(name.as_bytes())? {
        Some(guard) => codec::decode(META_NAME, &|| name.to_string(), guard.value()).map(Some),
        None => Ok(None),
    }
}

/// Reads one meta entry that must exist.
pub(crate) fn require<T, R>(table: &R, name: &'static str) -> Result<T>
where
    T: DeserializeOwned,
    R: ReadableTable<&'static [u8], &'static [u8]>,
{
    get(table, name)?.ok_or_else(|| StoreError::Corrupt {
        table: META_NAME,
        key: name.to_string(),
        reason: "missing entry".into(),
    })
}

pub(crate) fn put<T: Serialize>(
    table: &mut Table<'_, &'static [u8], &'static [u8]>,
    name: &'static str,
    value: &T,
) -> Result<()> {
    let bytes = codec::encode(META_NAME, &|| name.to_string(), value)?;
    table.insert(name.as_bytes(), bytes.as_slice())?;
    Ok(())
}

/// The allocation state a write transaction starts from and writes back on commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Counters {
    pub patient: u64,
    pub encounter: u64,
    pub document: u64,
    pub provider: u64,
    pub user: u64,
    pub procedure: u64,
    pub deficiency: u64,
    pub mrn: u32,
    pub outbox: u64,
    /// Seq and hash of the last audit event, `None` before the first.
    pub audit_head: Option<(u64, AuditHash)>,
}

impl Counters {
    pub(crate) fn fresh() -> Counters {
        Counters {
            patient: FIRST_ID,
            encounter: FIRST_ID,
            document: FIRST_ID,
            provider: FIRST_ID,
            user: FIRST_ID,
            procedure: FIRST_ID,
            deficiency: FIRST_ID,
            mrn: FIRST_MRN,
            outbox: FIRST_ID,
            audit_head: None,
        }
    }

    pub(crate) fn load<R>(table: &R) -> Result<Counters>
    where
        R: ReadableTable<&'static [u8], &'static [u8]>,
    {
        let head: HeadRow = require(table, META_AUDIT_HEAD)?;
        Ok(Counters {
            patient: require(table, META_NEXT_PATIENT)?,
            encounter: require(table, META_NEXT_ENCOUNTER)?,
            document: require(table, META_NEXT_DOCUMENT)?,
            provider: require(table, META_NEXT_PROVIDER)?,
            user: require(table, META_NEXT_USER)?,
            procedure: require(table, META_NEXT_PROCEDURE)?,
            deficiency: require(table, META_NEXT_DEFICIENCY)?,
            mrn: require(table, META_NEXT_MRN)?,
            outbox: require(table, META_NEXT_OUTBOX)?,
            audit_head: head.map(|(seq, hash)| (seq, AuditHash(hash))),
        })
    }

    pub(crate) fn save(&self, table: &mut Table<'_, &'static [u8], &'static [u8]>) -> Result<()> {
        put(table, META_NEXT_PATIENT, &self.patient)?;
        put(table, META_NEXT_ENCOUNTER, &self.encounter)?;
        put(table, META_NEXT_DOCUMENT, &self.document)?;
        put(table, META_NEXT_PROVIDER, &self.provider)?;
        put(table, META_NEXT_USER, &self.user)?;
        put(table, META_NEXT_PROCEDURE, &self.procedure)?;
        put(table, META_NEXT_DEFICIENCY, &self.deficiency)?;
        put(table, META_NEXT_MRN, &self.mrn)?;
        put(table, META_NEXT_OUTBOX, &self.outbox)?;
        let head: HeadRow = self.audit_head.map(|(seq, hash)| (seq, hash.0));
        put(table, META_AUDIT_HEAD, &head)?;
        Ok(())
    }

    /// The seq the next audit event gets.
    pub(crate) fn next_audit_seq(&self) -> u64 {
        self.audit_head.map_or(FIRST_AUDIT_SEQ, |(seq, _)| seq + 1)
    }

    pub(crate) fn audit_prev_hash(&self) -> AuditHash {
        self.audit_head.map_or(AuditHash::GENESIS, |(_, hash)| hash)
    }
}
