//! Release of information: requests, their lookup by the source's request id, each
//! patient's requests, the accounting of disclosures, and the condition codes of each
//! encounter (which imply sensitive categories of its documents).

use super::{IdKey, PairKey};
use redb::TableDefinition;

pub(crate) const ROI_REQUESTS_NAME: &str = "roi-requests-1";
/// `roi-requests-1` — key: request id (8 bytes BE); value: v1 +
/// postcard(`domain::roi::RoiRequest`): the intake as received, extension, QA,
/// release record and closure.
pub(crate) const ROI_REQUESTS: TableDefinition<&IdKey, &[u8]> =
    TableDefinition::new(ROI_REQUESTS_NAME);

pub(crate) const ROI_REQUEST_BY_SOURCE_NAME: &str = "roi-request-by-source-1";
/// `roi-request-by-source-1` — key: the intake's `request_id` (UTF-8 bytes); value:
/// 8-byte BE request id.
pub(crate) const ROI_REQUEST_BY_SOURCE: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new(ROI_REQUEST_BY_SOURCE_NAME);

pub(crate) const PATIENT_ROI_REQUESTS_NAME: &str = "patient-roi-requests-1";
/// `patient-roi-requests-1` — per-patient listing (key-only): key: (patient id,
/// request id), 16 bytes BE; value: `()`.
pub(crate) const PATIENT_ROI_REQUESTS: TableDefinition<&PairKey, ()> =
    TableDefinition::new(PATIENT_ROI_REQUESTS_NAME);

pub(crate) const DISCLOSURES_NAME: &str = "disclosures-1";
/// `disclosures-1` — the accounting of disclosures (164.528), append-only: key:
/// (patient id, request id), 16 bytes BE, so a patient's accounting is one range;
/// value: v1 + postcard(`domain::roi::Disclosure`).
pub(crate) const DISCLOSURES: TableDefinition<&PairKey, &[u8]> =
    TableDefinition::new(DISCLOSURES_NAME);

pub(crate) const ENCOUNTER_CONDITIONS_NAME: &str = "encounter-conditions-1";
/// `encounter-conditions-1` — key: encounter id (8 bytes BE); value: v1 +
/// postcard(`BTreeMap<String, Vec<String>>`): condition source id → its codes (a
/// re-sent Condition replaces its entry).
pub(crate) const ENCOUNTER_CONDITIONS: TableDefinition<&IdKey, &[u8]> =
    TableDefinition::new(ENCOUNTER_CONDITIONS_NAME);

pub(crate) const ROI_WORK_NAME: &str = "roi-work-1";
/// `roi-work-1` — key: request id (8 bytes BE); value: v1 +
/// postcard(`domain::roi::RoiWork`): what the desk recorded after intake (logged only,
/// prepared by, waiting on an authorization and the one received, invoice and payment).
pub(crate) const ROI_WORK: TableDefinition<&IdKey, &[u8]> = TableDefinition::new(ROI_WORK_NAME);

pub(crate) const ROI_ACCOUNTING_REQUESTS_NAME: &str = "roi-accounting-requests-1";
/// `roi-accounting-requests-1` — requests for an accounting of disclosures (164.528):
/// key: the request's `request_id` (UTF-8 bytes); value: v1 +
/// postcard(`domain::roi::AccountingRequest`).
pub(crate) const ROI_ACCOUNTING_REQUESTS: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new(ROI_ACCOUNTING_REQUESTS_NAME);
