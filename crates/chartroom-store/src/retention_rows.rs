//! Reads of the research and retention tables (`tables/retention.rs`).

use super::read::{get_row, iter_rows, ReadTx};
use super::tables::*;
use super::Result;
use chartroom_domain::research::DeidExport;
use chartroom_domain::retention::{DestructionRecord, LegalHold};
use chartroom_domain::PatientId;

impl ReadTx {
    pub fn deid_export(&self, id: u64) -> Result<Option<DeidExport>> {
        get_row(&self.open(DEID_EXPORTS)?, DEID_EXPORTS_NAME, id)
    }

    /// A chart's legal hold (active or cleared), if one was ever set.
    pub fn legal_hold(&self, patient: PatientId) -> Result<Option<LegalHold>> {
        get_row(&self.open(LEGAL_HOLDS)?, LEGAL_HOLDS_NAME, patient.0)
    }

    /// Every legal hold ever set, by patient id.
    pub fn legal_holds(&self) -> Result<Vec<LegalHold>> {
        iter_rows(&self.open(LEGAL_HOLDS)?, LEGAL_HOLDS_NAME)?.collect()
    }

    /// The destruction log, oldest first.
    pub fn destructions(&self) -> Result<Vec<DestructionRecord>> {
        iter_rows(&self.open(DESTRUCTIONS)?, DESTRUCTIONS_NAME)?.collect()
    }
}
