//! Value encoding: one version byte + postcard, decoded into `Result`, never unwrapped.

use super::tables::VALUE_V1;
use super::{OutboxItem, Result, StoreError};
use chartroom_domain::{DocumentId, PatientId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Encodes `value` as [`VALUE_V1`] + postcard.
pub(crate) fn encode<T: Serialize>(
    table: &'static str,
    key: &dyn Fn() -> String,
    value: &T,
) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    out.push(VALUE_V1);
    // `to_io` writes through `io::Write`, i.e. `extend_from_slice`: a memcpy per field even
    // in debug builds, where `to_extend` pushes strings byte by byte.
    postcard::to_io(value, out).map_err(|e| StoreError::Encode {
        table,
        key: key(),
        reason: e.to_string(),
    })
}

/// Decodes a value written by [`encode`]. Any problem is `Corrupt` naming table and key.
pub(crate) fn decode<T: DeserializeOwned>(
    table: &'static str,
    key: &dyn Fn() -> String,
    bytes: &[u8],
) -> Result<T> {
    let corrupt = |reason: String| StoreError::Corrupt {
        table,
        key: key(),
        reason,
    };
    let (version, payload) = match bytes.split_first() {
        Some((v, p)) => (*v, p),
        None => return Err(corrupt("empty value".into())),
    };
    if version != VALUE_V1 {
        return Err(corrupt(format!("unknown value version {version}")));
    }
    let (value, rest) = postcard::take_from_bytes::<T>(payload)
        .map_err(|e| corrupt(format!("undecodable: {e}")))?;
    if !rest.is_empty() {
        return Err(corrupt(format!("{} trailing bytes", rest.len())));
    }
    Ok(value)
}

/// Reads an 8-byte big-endian row id stored as an index value.
pub(crate) fn decode_id(
    table: &'static str,
    key: &dyn Fn() -> String,
    bytes: &[u8],
) -> Result<u64> {
    let arr: [u8; 8] = bytes.try_into().map_err(|_| StoreError::Corrupt {
        table,
        key: key(),
        reason: format!("expected an 8-byte id, found {} bytes", bytes.len()),
    })?;
    Ok(u64::from_be_bytes(arr))
}

/// Stored form of an [`OutboxItem`] (the public enum stays free of serde).
#[derive(Serialize, Deserialize)]
pub(crate) enum OutboxRow {
    Patient(u64),
    Document(u64),
}

impl From<OutboxItem> for OutboxRow {
    fn from(item: OutboxItem) -> Self {
        match item {
            OutboxItem::Patient(id) => OutboxRow::Patient(id.0),
            OutboxItem::Document(id) => OutboxRow::Document(id.0),
        }
    }
}

impl From<OutboxRow> for OutboxItem {
    fn from(row: OutboxRow) -> Self {
        match row {
            OutboxRow::Patient(id) => OutboxItem::Patient(PatientId(id)),
            OutboxRow::Document(id) => OutboxItem::Document(DocumentId(id)),
        }
    }
}

/// Audit chain head as stored in `meta.audit_head`: (last seq, last hash).
pub(crate) type HeadRow = Option<(u64, [u8; 32])>;

#[cfg(test)]
mod tests {
    use super::*;

    fn k() -> String {
        "1".into()
    }

    #[test]
    fn round_trip_and_version_checks() {
        let bytes = encode("t", &k, &(5u64, "x".to_string())).unwrap_or_default();
        assert_eq!(bytes[0], VALUE_V1);
        let back: (u64, String) = decode("t", &k, &bytes).unwrap_or_default();
        assert_eq!(back, (5, "x".into()));

        let mut bad = bytes.clone();
        bad[0] = 9;
        let err = decode::<(u64, String)>("t", &k, &bad).err();
        assert!(matches!(err, Some(StoreError::Corrupt { table: "t", .. })));
        assert!(decode::<u64>("t", &k, &[]).is_err());
        let mut long = bytes;
        long.push(0);
        assert!(decode::<(u64, String)>("t", &k, &long).is_err());
        assert!(decode_id("t", &k, &[1, 2, 3]).is_err());
        assert_eq!(decode_id("t", &k, &7u64.to_be_bytes()).ok(), Some(7));
    }
}
