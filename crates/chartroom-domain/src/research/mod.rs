//! Research extracts: Safe Harbor de-identification (45 CFR 164.514(b)(2)) and the
//! self-check that proves an extract carries no identifier of its patients.
//! DOMAIN.md "De-identification"; choices in docs/DEID.md.

pub mod safe_harbor;
pub mod scan;

pub use safe_harbor::{
    age_columns, age_on, restricted_zip3, state_code, study_id, zip3, StudyKind, OLDEST_SHOWN_AGE,
};
pub use scan::{IdentifierKind, Needles};

use crate::ids::UserId;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One de-identified extract, as the store keeps it: who wrote how many charts where,
/// and the secret key its study ids were made with (the mapping back to charts, which
/// never leaves chartroom: recomputing a chart's study id with the key finds it).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeidExport {
    pub id: u64,
    pub at: NaiveDateTime,
    pub by: Option<UserId>,
    pub username: String,
    pub out: String,
    pub charts: u64,
    pub encounters: u64,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub key: [u8; 32],
    /// Whether the self-check passed (a failed extract is deleted, its record kept).
    pub passed: bool,
}

impl fmt::Debug for DeidExport {
    // The key is the re-identification secret: never in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeidExport")
            .field("id", &self.id)
            .field("charts", &self.charts)
            .finish_non_exhaustive()
    }
}
