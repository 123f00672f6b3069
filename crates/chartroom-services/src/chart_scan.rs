//! The scan station of the file room: a barcode scanner types a chart's MRN and Enter,
//! and the station charges the volume out to where the clerk set it to, or checks it
//! back in. A scanned missing chart is found. The label may name a volume after a slash
//! (`123456/2`); without one it is volume 1.

use super::{Result, ServiceError, Services, Session};
use chartroom_domain::chart_tracking::{ChartPlace, ChartVolume};
use chartroom_domain::{Patient, Permission};
use chrono::NaiveDate;

/// What a scan does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanMode {
    /// Back on its shelf (also how a missing chart is found).
    CheckIn,
    /// Out to a place until a due-back date.
    ChargeOut {
        to: ChartPlace,
        due: Option<NaiveDate>,
    },
}

impl ScanMode {
    pub fn label(&self) -> String {
        match self {
            ScanMode::CheckIn => "check in".into(),
            ScanMode::ChargeOut { to, due } => match due {
                Some(d) => format!("charge out to {} due {d}", to.label()),
                None => format!("charge out to {}", to.label()),
            },
        }
    }
}

/// A scan that went through: the chart, its volume as it is now, and what happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanResult {
    pub patient: Patient,
    pub volume: ChartVolume,
    /// `checked in`, `found and checked in`, `charged out to dept Cardiology`.
    pub what: String,
}

/// Splits a scanned label into the MRN text and the volume (`123456/2`).
fn split_label(label: &str) -> Result<(&str, u16)> {
    let label = label.trim();
    match label.rsplit_once('/') {
        None => Ok((label, 1)),
        Some((mrn, volume)) => match volume.trim().parse::<u16>() {
            Ok(v) if v > 0 => Ok((mrn.trim(), v)),
            _ => Err(ServiceError::Invalid {
                what: "scan",
                reason: "the volume after '/' must be a number from 1".into(),
            }),
        },
    }
}

impl Services {
    /// One scan at the station. The MRN is never echoed in an error (it is patient data
    /// on a shared screen and in logs).
    pub fn scan_chart(
        &self,
        session: &Session,
        label: &str,
        mode: &ScanMode,
    ) -> Result<ScanResult> {
        self.require(session, Permission::OpenChart)?;
        let (mrn, volume) = split_label(label)?;
        if mrn.is_empty() {
            return Err(ServiceError::Invalid {
                what: "scan",
                reason: "nothing was scanned".into(),
            });
        }
        let patient = self
            .patient_by_mrn_text(session, mrn)?
            .ok_or(ServiceError::NotFound {
                what: "chart with that MRN",
            })?;
        let was_missing = self
            .chart_volumes(session, patient.id)?
            .iter()
            .any(|v| v.volume == volume && v.place == ChartPlace::Missing);
        let (to, due, what) = match mode {
            ScanMode::CheckIn if was_missing => (
                ChartPlace::FileRoom,
                None,
                "found and checked in".to_string(),
            ),
            ScanMode::CheckIn => (ChartPlace::FileRoom, None, "checked in".to_string()),
            ScanMode::ChargeOut { to, due } => (
                to.clone(),
                *due,
                if was_missing {
                    format!("found; charged out to {}", to.label())
                } else {
                    format!("charged out to {}", to.label())
                },
            ),
        };
        let note = if was_missing { "found at scan" } else { "scan" };
        let volume = self.move_chart(session, patient.id, volume, to, due, note)?;
        Ok(ScanResult {
            patient,
            volume,
            what,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::split_label;

    #[test]
    fn a_label_names_its_volume_after_a_slash() {
        assert_eq!(split_label(" 123456 ").ok(), Some(("123456", 1)));
        assert_eq!(split_label("12-34-56/2").ok(), Some(("12-34-56", 2)));
        assert!(split_label("123456/0").is_err());
        assert!(split_label("123456/x").is_err());
    }
}
