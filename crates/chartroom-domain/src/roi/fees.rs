//! What a release costs, in cents (DOMAIN.md; 164.524(c)(4) and HHS guidance for the
//! patient's own copy).

use super::policy::RoiPolicy;
use super::request::{Delivery, Format, RequesterType, RoiIntake};

/// The fee for releasing `pages` pages for `intake`:
/// - the patient or a representative, electronic copy: the flat fee (650);
/// - the patient or a representative, paper: cost-based labour and supplies per page
///   plus postage when mailed; never a search or retrieval fee;
/// - continuing care: free;
/// - everyone else: the configured base + per-page fee (nothing when not listed).
pub fn fee_cents(intake: &RoiIntake, policy: &RoiPolicy, pages: u32) -> u64 {
    let fees = &policy.fees;
    let pages = u64::from(pages);
    let kind = intake.requester.kind;
    if kind == RequesterType::ContinuingCare {
        return 0;
    }
    if kind.is_patient_access() {
        return match intake.format {
            Some(Format::Paper) => {
                let postage = if intake.delivery == Some(Delivery::Mail) {
                    fees.postage_cents
                } else {
                    0
                };
                pages * (fees.patient_labour_cents_per_page + fees.patient_supplies_cents_per_page)
                    + postage
            }
            _ => fees.patient_electronic_flat_cents,
        };
    }
    fees.schedule
        .get(kind.code())
        .map_or(0, |f| f.base_cents + f.per_page_cents * pages)
}
