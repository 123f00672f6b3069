//! Hospital policy for release of information: which requester types need a signed
//! authorization, how many days non-patient requests have, the fee schedule, and
//! whether a second look (QA) is required before release. Defaults ship as
//! `chartroom-services/defaults/roi.toml`; `DATA/roi.toml` replaces them.

use super::request::RequesterType;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoiPolicy {
    /// Requester types that need a HIPAA authorization (164.508) by hospital policy.
    pub authorization_required: Vec<RequesterType>,
    /// Days to answer a request that is not a patient-access request.
    pub due_days: u32,
    /// Whether a request must pass QA before release.
    pub qa_required: bool,
    /// Whether QA must be by a different user than the one who prepared the release
    /// (imported, entered or started it). Off unless the file turns it on.
    #[serde(default)]
    pub qa_second_person: bool,
    pub fees: FeeSchedule,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeSchedule {
    /// The flat fee for an electronic copy to the patient (164.524(c)(4), HHS: $6.50).
    pub patient_electronic_flat_cents: u64,
    /// Cost-based paper copy for the patient: copying labour per page.
    pub patient_labour_cents_per_page: u64,
    /// Supplies (paper, toner) per page.
    pub patient_supplies_cents_per_page: u64,
    /// Postage when the copy is mailed.
    pub postage_cents: u64,
    /// Every other requester type (continuing care is always free): a base fee plus a
    /// per-page fee. A type not listed pays nothing.
    pub schedule: BTreeMap<String, TypeFee>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeFee {
    pub base_cents: u64,
    pub per_page_cents: u64,
}

impl RoiPolicy {
    pub fn needs_authorization(&self, kind: RequesterType) -> bool {
        self.authorization_required.contains(&kind)
    }

    /// A schedule key that names no requester type (a typo in `roi.toml`).
    pub fn unknown_schedule_key(&self) -> Option<&str> {
        self.fees
            .schedule
            .keys()
            .map(String::as_str)
            .find(|k| RequesterType::from_code(k).is_none())
    }
}

impl Default for RoiPolicy {
    /// The same numbers as the shipped `roi.toml` (a test keeps them equal).
    fn default() -> RoiPolicy {
        use RequesterType as T;
        let fee = |base_cents, per_page_cents| TypeFee {
            base_cents,
            per_page_cents,
        };
        RoiPolicy {
            authorization_required: vec![T::Attorney, T::Insurer, T::Disability, T::Research],
            due_days: 30,
            qa_required: true,
            qa_second_person: false,
            fees: FeeSchedule {
                patient_electronic_flat_cents: 650,
                patient_labour_cents_per_page: 25,
                patient_supplies_cents_per_page: 5,
                postage_cents: 150,
                schedule: [
                    (T::Attorney, fee(2500, 50)),
                    (T::Insurer, fee(1500, 25)),
                    (T::Subpoena, fee(2500, 50)),
                    (T::WorkersComp, fee(1500, 25)),
                    (T::Disability, fee(1500, 25)),
                    (T::Research, fee(5000, 0)),
                ]
                .into_iter()
                .map(|(t, f)| (t.code().to_string(), f))
                .collect(),
            },
        }
    }
}
