//! Reads of the release-of-information tables (`tables/roi.rs`).

use super::codec;
use super::read::{get_id, get_row, iter_rows, pairs_of, require_row, ReadTx};
use super::tables::*;
use super::write::ConditionCodes;
use super::Result;
use chartroom_domain::roi::{AccountingRequest, Disclosure, RoiRequest, RoiRequestId, RoiWork};
use chartroom_domain::{EncounterId, PatientId};
use redb::ReadableTable;

impl ReadTx {
    pub fn roi_request(&self, id: RoiRequestId) -> Result<Option<RoiRequest>> {
        get_row(&self.open(ROI_REQUESTS)?, ROI_REQUESTS_NAME, id.0)
    }

    /// The request the intake called `request_id`.
    pub fn roi_request_by_source(&self, request_id: &str) -> Result<Option<RoiRequest>> {
        let describe = || "(an ROI request id)".to_string();
        match get_id(
            &self.open(ROI_REQUEST_BY_SOURCE)?,
            request_id.as_bytes(),
            ROI_REQUEST_BY_SOURCE_NAME,
            &describe,
        )? {
            Some(id) => require_row(
                &self.open(ROI_REQUESTS)?,
                ROI_REQUESTS_NAME,
                id,
                ROI_REQUEST_BY_SOURCE_NAME,
            )
            .map(Some),
            None => Ok(None),
        }
    }

    /// Every request in id order (the order they were logged).
    pub fn roi_requests(&self) -> Result<Box<dyn Iterator<Item = Result<RoiRequest>> + '_>> {
        iter_rows(&self.open(ROI_REQUESTS)?, ROI_REQUESTS_NAME)
    }

    /// One patient's requests in id order.
    pub fn roi_requests_of(&self, patient: PatientId) -> Result<Vec<RoiRequest>> {
        let rows = self.open(ROI_REQUESTS)?;
        pairs_of(&self.open(PATIENT_ROI_REQUESTS)?, patient.0)?
            .into_iter()
            .map(|id| require_row(&rows, ROI_REQUESTS_NAME, id, PATIENT_ROI_REQUESTS_NAME))
            .collect()
    }

    /// What the desk recorded about a request (`None`: nothing since intake).
    pub fn roi_work(&self, id: RoiRequestId) -> Result<Option<RoiWork>> {
        get_row(&self.open(ROI_WORK)?, ROI_WORK_NAME, id.0)
    }

    /// Every request's desk record, by request row id.
    pub fn roi_works(&self) -> Result<std::collections::HashMap<RoiRequestId, RoiWork>> {
        let mut out = std::collections::HashMap::new();
        for row in self.open(ROI_WORK)?.iter()? {
            let (key, value) = row?;
            let id = id_from_key(key.value());
            let work = codec::decode(ROI_WORK_NAME, &|| id.to_string(), value.value())?;
            out.insert(RoiRequestId(id), work);
        }
        Ok(out)
    }

    /// A request for an accounting of disclosures, by its `request_id`.
    pub fn accounting_request(&self, request_id: &str) -> Result<Option<AccountingRequest>> {
        let table = self.open(ROI_ACCOUNTING_REQUESTS)?;
        let name = ROI_ACCOUNTING_REQUESTS_NAME;
        match table.get(request_id.as_bytes())? {
            Some(v) => codec::decode(name, &|| request_id.to_string(), v.value()).map(Some),
            None => Ok(None),
        }
    }

    /// Every request for an accounting, in `request_id` order.
    pub fn accounting_requests(&self) -> Result<Vec<AccountingRequest>> {
        let table = self.open(ROI_ACCOUNTING_REQUESTS)?;
        let mut out = Vec::new();
        for row in table.iter()? {
            let (key, value) = row?;
            let id = String::from_utf8_lossy(key.value()).into_owned();
            out.push(codec::decode(
                ROI_ACCOUNTING_REQUESTS_NAME,
                &|| id.clone(),
                value.value(),
            )?);
        }
        Ok(out)
    }

    /// A patient's accounting of disclosures, in request id order.
    pub fn disclosures_of(&self, patient: PatientId) -> Result<Vec<Disclosure>> {
        let table = self.open(DISCLOSURES)?;
        let lo = pair_key(patient.0, 0);
        let hi = pair_key(patient.0, u64::MAX);
        let mut out = Vec::new();
        for row in ReadableTable::range::<&PairKey>(&table, &lo..=&hi)? {
            let (key, value) = row?;
            let (_, request) = pair_from_key(key.value());
            out.push(codec::decode(
                DISCLOSURES_NAME,
                &|| request.to_string(),
                value.value(),
            )?);
        }
        Ok(out)
    }

    /// The condition codes recorded for an encounter (empty when none).
    pub fn encounter_conditions(&self, encounter: EncounterId) -> Result<ConditionCodes> {
        Ok(get_row(
            &self.open(ENCOUNTER_CONDITIONS)?,
            ENCOUNTER_CONDITIONS_NAME,
            encounter.0,
        )?
        .unwrap_or_default())
    }
}
