//! The response clock: when a request is due, and its one extension.

use super::policy::RoiPolicy;
use super::request::RoiRequest;
use chrono::{Days, NaiveDate};

/// Days a patient-access request has, and the one extension's length (164.524(b)(2)).
pub const PATIENT_ACCESS_DAYS: u64 = 30;
pub const EXTENSION_DAYS: u64 = 30;

/// The original due date: received + 30 days for the patient and a personal
/// representative (164.524(b)(2)); received + the configured days for everyone else.
pub fn original_due(request: &RoiRequest, policy: &RoiPolicy) -> NaiveDate {
    let days = if request.intake.requester.kind.is_patient_access() {
        PATIENT_ACCESS_DAYS
    } else {
        u64::from(policy.due_days)
    };
    add_days(request.intake.received, days)
}

/// The due date in force (after an extension, the extended one).
pub fn due(request: &RoiRequest, policy: &RoiPolicy) -> NaiveDate {
    request
        .extension
        .as_ref()
        .map_or_else(|| original_due(request, policy), |e| e.new_due)
}

/// Days until due on `as_of` (negative when overdue).
pub fn days_left(request: &RoiRequest, policy: &RoiPolicy, as_of: NaiveDate) -> i64 {
    (due(request, policy) - as_of).num_days()
}

fn add_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days))
        .unwrap_or(NaiveDate::MAX)
}

/// Why an extension is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionRefused {
    #[error(
        "only patient and personal-representative requests may be extended (45 CFR 164.524(b)(2))"
    )]
    NotPatientAccess,
    #[error("the request was already extended once; 164.524(b)(2) allows one extension")]
    AlreadyExtended,
    #[error("an extension must be given on or before the original due date {due} (164.524(b)(2))")]
    TooLate { due: NaiveDate },
    #[error("an extension needs a written reason (164.524(b)(2)(ii))")]
    NoReason,
    #[error("the request is already closed")]
    Closed,
}

/// The new due date of a 30-day extension given on `on`, or the rule it breaks.
pub fn extension_due(
    request: &RoiRequest,
    policy: &RoiPolicy,
    on: NaiveDate,
    reason: &str,
) -> Result<NaiveDate, ExtensionRefused> {
    if !request.intake.requester.kind.is_patient_access() {
        return Err(ExtensionRefused::NotPatientAccess);
    }
    if request.extension.is_some() {
        return Err(ExtensionRefused::AlreadyExtended);
    }
    if request.release.is_some() || request.closure.is_some() {
        return Err(ExtensionRefused::Closed);
    }
    let original = original_due(request, policy);
    if on > original {
        return Err(ExtensionRefused::TooLate { due: original });
    }
    if reason.trim().is_empty() {
        return Err(ExtensionRefused::NoReason);
    }
    Ok(add_days(original, EXTENSION_DAYS))
}
