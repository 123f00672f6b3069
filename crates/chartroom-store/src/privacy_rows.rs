//! Privacy cases and alert dispositions (`tables/privacy.rs`): written through
//! [`WriteTx`] with the audit event of the review action, read here.

use super::codec;
use super::read::{iter_rows, ReadTx};
use super::tables::*;
use super::Result;
use chartroom_domain::privacy::{AlertDisposition, Case};
use redb::Table;

/// The key of a (user, patient) pair's disposition.
pub(crate) fn disposition_key(user: &str, patient: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(user.len() + patient.len() + 1);
    key.extend_from_slice(user.as_bytes());
    key.push(0);
    key.extend_from_slice(patient.as_bytes());
    key
}

pub(crate) fn write_case(
    table: &mut Table<'_, &'static IdKey, &'static [u8]>,
    case: &Case,
) -> Result<()> {
    let bytes = codec::encode(PRIVACY_CASES_NAME, &|| case.id.to_string(), case)?;
    table.insert(&id_key(case.id), bytes.as_slice())?;
    Ok(())
}

pub(crate) fn write_disposition(
    table: &mut Table<'_, &'static [u8], &'static [u8]>,
    d: &AlertDisposition,
) -> Result<()> {
    let key = disposition_key(&d.user_id, &d.patient_id);
    let bytes = codec::encode(ALERT_DISPOSITIONS_NAME, &|| "(an alert pair)".into(), d)?;
    table.insert(key.as_slice(), bytes.as_slice())?;
    Ok(())
}

impl ReadTx {
    pub fn privacy_case(&self, id: u64) -> Result<Option<Case>> {
        super::read::get_row(&self.open(PRIVACY_CASES)?, PRIVACY_CASES_NAME, id)
    }

    /// Every case in id order.
    pub fn privacy_cases(&self) -> Result<Vec<Case>> {
        iter_rows(&self.open(PRIVACY_CASES)?, PRIVACY_CASES_NAME)?.collect()
    }

    /// Every alert disposition.
    pub fn alert_dispositions(&self) -> Result<Vec<AlertDisposition>> {
        let table = self.open(ALERT_DISPOSITIONS)?;
        let mut out = Vec::new();
        for row in table.range::<&[u8]>(..)? {
            let (_, v) = row?;
            out.push(codec::decode(
                ALERT_DISPOSITIONS_NAME,
                &|| "(an alert pair)".into(),
                v.value(),
            )?);
        }
        Ok(out)
    }
}
