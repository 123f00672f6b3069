//! Release of information: requests from intake to release (DOMAIN.md "Release of
//! information"). Pure rules, each citing its source:
//! - [`validate`]: what a request lacks (`missing` codes) before records may go out;
//! - [`clock`]: due dates and the one 30-day extension;
//! - [`fees`]: what a release costs;
//! - [`release`]: the release set, withheld documents and their reasons, the checks
//!   that refuse a release, and which releases are accountable disclosures.

pub mod accounting;
pub mod clock;
pub mod fees;
pub mod letters;
pub mod policy;
pub mod release;
pub mod request;
pub mod validate;
pub mod work;

#[cfg(test)]
mod tests;

pub use accounting::{AccountingExtensionRefused, AccountingFulfilled, AccountingRequest};
pub use clock::{days_left, due, extension_due, original_due, ExtensionRefused};
pub use fees::fee_cents;
pub use letters::{closure_letter, hold_letter};
pub use policy::{FeeSchedule, RoiPolicy, TypeFee};
pub use release::{check_release, is_accountable, select, DocFacts, ReleaseRefused, Selection};
pub use request::{
    Authorization, Closure, Delivery, Disclosure, Extension, Format, LegalProcess, QaCheck,
    ReleaseRecord, Requester, RequesterType, RoiIntake, RoiRequest, RoiRequestId, RoiStatus, Scope,
    Signer, Statements, Withheld,
};
pub use validate::{consenting_authorization, missing, relied_authorization, rule_of};
pub use work::{Invoice, Note, Payment, RoiWork, ThreePartTest};
