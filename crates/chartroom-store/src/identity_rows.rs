//! Reads and writes of the Identity workspace's tables (`tables/identity.rs`):
//! duplicate candidate pairs and the physical chart volumes.

use super::codec;
use super::read::ReadTx;
use super::tables::*;
use super::write::WriteTx;
use super::Result;
use chartroom_domain::chart_tracking::ChartVolume;
use chartroom_domain::duplicates::DuplicatePair;
use chartroom_domain::{MergeRecord, PatientId};
use redb::ReadableTable;
use std::collections::HashSet;

impl ReadTx {
    /// Every stored duplicate pair, in key order (lower id, then higher id).
    pub fn duplicate_pairs(&self) -> Result<Vec<DuplicatePair>> {
        let table = self.open(DUPLICATE_PAIRS)?;
        let mut out = Vec::new();
        for row in ReadableTable::range::<&PairKey>(&table, ..)? {
            let (key, value) = row?;
            let (a, b) = pair_from_key(key.value());
            out.push(codec::decode(
                DUPLICATE_PAIRS_NAME,
                &|| format!("{a}/{b}"),
                value.value(),
            )?);
        }
        Ok(out)
    }

    /// Charts merged into another (merges in force): duplicate detection skips them.
    pub fn retired_charts(&self) -> Result<HashSet<PatientId>> {
        let table = self.open(MERGES)?;
        let mut out = HashSet::new();
        for row in ReadableTable::range::<&IdKey>(&table, ..)? {
            let (key, value) = row?;
            let id = id_from_key(key.value());
            let merge: MergeRecord = codec::decode(MERGES_NAME, &|| id.to_string(), value.value())?;
            if merge.active() {
                out.insert(merge.retired);
            }
        }
        Ok(out)
    }

    /// The moved volumes of one chart, by volume number.
    pub fn chart_volumes_of(&self, patient: PatientId) -> Result<Vec<ChartVolume>> {
        let table = self.open(CHART_VOLUMES)?;
        let lo = pair_key(patient.0, 0);
        let hi = pair_key(patient.0, u64::MAX);
        let mut out = Vec::new();
        for row in ReadableTable::range::<&PairKey>(&table, &lo..=&hi)? {
            let (key, value) = row?;
            let (p, v) = pair_from_key(key.value());
            out.push(codec::decode(
                CHART_VOLUMES_NAME,
                &|| format!("{p}/{v}"),
                value.value(),
            )?);
        }
        Ok(out)
    }

    /// Every volume that was ever moved, by patient id and volume.
    pub fn chart_volumes(&self) -> Result<Vec<ChartVolume>> {
        let table = self.open(CHART_VOLUMES)?;
        let mut out = Vec::new();
        for row in ReadableTable::range::<&PairKey>(&table, ..)? {
            let (key, value) = row?;
            let (p, v) = pair_from_key(key.value());
            out.push(codec::decode(
                CHART_VOLUMES_NAME,
                &|| format!("{p}/{v}"),
                value.value(),
            )?);
        }
        Ok(out)
    }

    /// The stored pair of these two charts (either order), if any.
    pub fn duplicate_pair(&self, x: PatientId, y: PatientId) -> Result<Option<DuplicatePair>> {
        let (a, b) = DuplicatePair::ordered(x, y);
        let table = self.open(DUPLICATE_PAIRS)?;
        match table.get(&pair_key(a.0, b.0))? {
            Some(v) => {
                codec::decode(DUPLICATE_PAIRS_NAME, &|| format!("{a}/{b}"), v.value()).map(Some)
            }
            None => Ok(None),
        }
    }
}

impl WriteTx<'_> {
    /// Inserts or replaces the pair (`a` < `b`).
    pub fn put_duplicate_pair(&mut self, pair: &DuplicatePair) -> Result<()> {
        let key = pair_key(pair.a.0, pair.b.0);
        let bytes = codec::encode(
            DUPLICATE_PAIRS_NAME,
            &|| format!("{}/{}", pair.a, pair.b),
            pair,
        )?;
        self.push_pair_row(PairRowWrite::Put(key, bytes));
        Ok(())
    }

    /// Inserts or replaces a chart volume's row.
    pub fn put_chart_volume(&mut self, volume: &ChartVolume) -> Result<()> {
        let key = pair_key(volume.patient.0, u64::from(volume.volume));
        let bytes = codec::encode(
            CHART_VOLUMES_NAME,
            &|| format!("{}/{}", volume.patient, volume.volume),
            volume,
        )?;
        self.push_pair_row(PairRowWrite::PutVolume(key, bytes));
        Ok(())
    }

    /// Removes the pair of these two charts (either order), if stored.
    pub fn remove_duplicate_pair(&mut self, x: PatientId, y: PatientId) {
        let (a, b) = DuplicatePair::ordered(x, y);
        self.push_pair_row(PairRowWrite::Remove(pair_key(a.0, b.0)));
    }
}

/// A buffered write of an identity row (duplicate pair or chart volume).
pub(crate) enum PairRowWrite {
    Put(PairKey, Vec<u8>),
    Remove(PairKey),
    PutVolume(PairKey, Vec<u8>),
}

pub(crate) fn write_pair_row(t: &mut WriteTables<'_>, w: &PairRowWrite) -> Result<()> {
    match w {
        PairRowWrite::Put(key, bytes) => {
            t.duplicate_pairs.insert(key, bytes.as_slice())?;
        }
        PairRowWrite::Remove(key) => {
            t.duplicate_pairs.remove(key)?;
        }
        PairRowWrite::PutVolume(key, bytes) => {
            t.chart_volumes.insert(key, bytes.as_slice())?;
        }
    }
    Ok(())
}
