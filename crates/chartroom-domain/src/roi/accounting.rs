//! A request for an accounting of disclosures (164.528): its own request type with a
//! 60-day clock and one 30-day extension (164.528(c)(1)), fulfilled by producing the
//! accounting of the six years before the request (164.528(a)(1)).

use super::request::{Extension, RoiStatus};
use crate::ids::{PatientId, UserId};
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Days to act on a request for an accounting (164.528(c)(1)).
pub const ACCOUNTING_DAYS: u64 = 60;
/// The one extension (164.528(c)(1)(ii)).
pub const ACCOUNTING_EXTENSION_DAYS: u64 = 30;
/// How far back the accounting reaches (164.528(a)(1)).
pub const ACCOUNTING_YEARS: u32 = 6;

/// The accounting as produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountingFulfilled {
    pub on: NaiveDate,
    pub by: UserId,
    /// Entries the accounting listed.
    pub entries: u32,
}

/// A request for an accounting of disclosures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountingRequest {
    pub request_id: String,
    pub patient: PatientId,
    pub received: NaiveDate,
    pub requester_name: Option<String>,
    pub requester_address: Option<String>,
    pub logged_by: UserId,
    pub extension: Option<Extension>,
    pub fulfilled: Option<AccountingFulfilled>,
}

/// Why an accounting extension is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountingExtensionRefused {
    #[error("the request was already extended once; 164.528(c)(1)(ii) allows one extension")]
    AlreadyExtended,
    #[error("an extension must be given on or before the due date {due} (164.528(c)(1)(ii))")]
    TooLate { due: NaiveDate },
    #[error("an extension needs a written reason (164.528(c)(1)(ii)(A))")]
    NoReason,
    #[error("the accounting was already provided")]
    Fulfilled,
}

impl AccountingRequest {
    pub fn original_due(&self) -> NaiveDate {
        add_days(self.received, ACCOUNTING_DAYS)
    }

    pub fn due(&self) -> NaiveDate {
        self.extension
            .as_ref()
            .map_or_else(|| self.original_due(), |e| e.new_due)
    }

    pub fn days_left(&self, as_of: NaiveDate) -> i64 {
        (self.due() - as_of).num_days()
    }

    /// `in_fulfillment` until the accounting is produced, then `released`.
    pub fn status(&self) -> RoiStatus {
        if self.fulfilled.is_some() {
            RoiStatus::Released
        } else {
            RoiStatus::InFulfillment
        }
    }

    /// The new due date of the one extension given on `on`, or the rule it breaks.
    pub fn extension_due(
        &self,
        on: NaiveDate,
        reason: &str,
    ) -> Result<NaiveDate, AccountingExtensionRefused> {
        if self.fulfilled.is_some() {
            return Err(AccountingExtensionRefused::Fulfilled);
        }
        if self.extension.is_some() {
            return Err(AccountingExtensionRefused::AlreadyExtended);
        }
        let due = self.original_due();
        if on > due {
            return Err(AccountingExtensionRefused::TooLate { due });
        }
        if reason.trim().is_empty() {
            return Err(AccountingExtensionRefused::NoReason);
        }
        Ok(add_days(due, ACCOUNTING_EXTENSION_DAYS))
    }

    /// The first date the accounting covers: six years before the request was
    /// received (164.528(a)(1)).
    pub fn window_start(&self) -> NaiveDate {
        self.received
            .checked_sub_months(Months::new(12 * ACCOUNTING_YEARS))
            .unwrap_or(NaiveDate::MIN)
    }
}

fn add_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days))
        .unwrap_or(NaiveDate::MAX)
}
