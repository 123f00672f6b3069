//! A release-of-information request as received (the intake) and as worked (status,
//! extension, QA, release). The intake is kept exactly as read, so re-importing an
//! identical line is recognised and a different one with the same id is refused.

use crate::ids::{PatientId, UserId};
use crate::sensitivity::Category;
use crate::DocumentType;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Row id of a request (the source's `request_id` is what users and scripts quote).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RoiRequestId(pub u64);

impl fmt::Display for RoiRequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.code() == code)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

code_enum!(
    /// Who asks (DOMAIN.md request types).
    RequesterType {
        Patient = "patient",
        PersonalRepresentative = "personal_representative",
        ContinuingCare = "continuing_care",
        Attorney = "attorney",
        Insurer = "insurer",
        Subpoena = "subpoena",
        CourtOrder = "court_order",
        LawEnforcement = "law_enforcement",
        WorkersComp = "workers_comp",
        Disability = "disability",
        Research = "research",
    }
);

impl RequesterType {
    /// The patient's own right of access (164.524): the patient or their personal
    /// representative (164.502(g)).
    pub fn is_patient_access(self) -> bool {
        matches!(
            self,
            RequesterType::Patient | RequesterType::PersonalRepresentative
        )
    }
}

code_enum!(
    /// The legal process a law-enforcement request names (164.512(f)(1)(ii)).
    LegalProcess {
        Warrant = "warrant",
        CourtOrderedSubpoena = "court_ordered_subpoena",
        Summons = "summons",
        GrandJurySubpoena = "grand_jury_subpoena",
        AdministrativeRequest = "administrative_request",
    }
);

code_enum!(
    Delivery {
        Electronic = "electronic",
        Mail = "mail",
        Pickup = "pickup",
    }
);

code_enum!(
    Format {
        Electronic = "electronic",
        Paper = "paper",
    }
);

code_enum!(
    /// Who signed an authorization.
    Signer {
        Patient = "patient",
        Representative = "representative",
    }
);

code_enum!(
    /// Where a request stands. Derived from what happened to it (see
    /// [`RoiRequest::status`]); denied and cancelled are recorded closures.
    RoiStatus {
        Logged = "logged",
        PendingAuthorization = "pending_authorization",
        OnHold = "on_hold",
        InFulfillment = "in_fulfillment",
        Qa = "qa",
        PendingPayment = "pending_payment",
        Released = "released",
        Denied = "denied",
        Cancelled = "cancelled",
    }
);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    pub kind: RequesterType,
    pub name: Option<String>,
    pub address: Option<String>,
}

/// What was asked for: documents dated `from ..= to` (an open end when absent) of the
/// listed types (every type when `None`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub document_types: Option<Vec<DocumentType>>,
}

impl Scope {
    pub fn covers(&self, date: NaiveDate, doc_type: DocumentType) -> bool {
        self.from.is_none_or(|f| date >= f)
            && self.to.is_none_or(|t| date <= t)
            && self
                .document_types
                .as_ref()
                .is_none_or(|types| types.contains(&doc_type))
    }
}

/// The 164.508(c)(2) statements an authorization must contain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statements {
    pub revocation: bool,
    pub conditioning: bool,
    pub redisclosure: bool,
}

/// A HIPAA authorization as received. Every text element may be missing; the
/// validator says which are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorization {
    pub description: Option<String>,
    pub discloser: Option<String>,
    pub recipient: Option<String>,
    pub purpose: Option<String>,
    pub expires: Option<NaiveDate>,
    pub expiration_event: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub signer: Option<Signer>,
    pub representative_authority: Option<String>,
    pub statements: Statements,
    pub revoked_on: Option<NaiveDate>,
    /// Sensitive categories the patient specifically consented to release.
    pub specific_consent: Vec<Category>,
}

impl Authorization {
    /// Expired or revoked on `date` (164.508(b)(2)): expires before it, or revoked on
    /// or before it.
    pub fn lapsed_on(&self, date: NaiveDate) -> Option<&'static str> {
        if self.expires.is_some_and(|e| e < date) {
            Some("expired")
        } else if self.revoked_on.is_some_and(|r| r <= date) {
            Some("revoked")
        } else {
            None
        }
    }

    /// A psychotherapy-notes authorization: consent to exactly `PSYTHPN`
    /// (164.508(a)(2)).
    pub fn is_psychotherapy_only(&self) -> bool {
        !self.specific_consent.is_empty()
            && self
                .specific_consent
                .iter()
                .all(|c| *c == Category::Psythpn)
    }
}

/// A request exactly as received (one intake line).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoiIntake {
    pub request_id: String,
    pub received: NaiveDate,
    pub requester: Requester,
    pub patient: PatientId,
    /// The patient id as the intake gave it (source id or MRN).
    pub patient_ref: String,
    pub scope: Scope,
    pub purpose: Option<String>,
    pub delivery: Option<Delivery>,
    pub format: Option<Format>,
    pub identity_verified: bool,
    pub court_order: bool,
    pub subpoena_assurances: bool,
    pub legal_process: Option<LegalProcess>,
    pub representative_authority: Option<String>,
    pub authorization: Option<Authorization>,
}

/// The one 30-day extension of a patient-access request (164.524(b)(2)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub on: NaiveDate,
    pub reason: String,
    pub new_due: NaiveDate,
    pub by: UserId,
}

/// The QA confirmation that every page belongs to the patient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QaCheck {
    pub by: UserId,
    pub at: NaiveDateTime,
}

/// One document held back from a release and the category that held it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withheld {
    /// The document's source id.
    pub document: String,
    /// A category code (`PSYTHPN`, `ETH`, ...).
    pub reason: String,
}

/// What a release sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseRecord {
    pub on: NaiveDate,
    pub by: UserId,
    pub included: Vec<String>,
    pub withheld: Vec<Withheld>,
    pub pages: u32,
    pub fee_cents: u64,
}

/// A denial or cancellation, with its reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub status: RoiStatus,
    pub reason: String,
    pub reviewable: bool,
    pub on: NaiveDate,
    pub by: UserId,
}

/// A request and what has been done to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoiRequest {
    pub id: RoiRequestId,
    pub intake: RoiIntake,
    pub logged_at: NaiveDateTime,
    pub extension: Option<Extension>,
    pub qa: Option<QaCheck>,
    pub release: Option<ReleaseRecord>,
    pub closure: Option<Closure>,
}

impl RoiRequest {
    /// Where the request stands, given the validator's `missing` codes: closed ones as
    /// closed; released; on hold while anything is missing; passed QA (`qa`: ready to
    /// release); otherwise being fulfilled.
    pub fn status(&self, missing: &[&str], qa_required: bool) -> RoiStatus {
        if let Some(c) = &self.closure {
            c.status
        } else if self.release.is_some() {
            RoiStatus::Released
        } else if !missing.is_empty() {
            RoiStatus::OnHold
        } else if self.qa.is_some() || !qa_required {
            RoiStatus::Qa
        } else {
            RoiStatus::InFulfillment
        }
    }
}

/// An entry of the accounting of disclosures (164.528(b)(2)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disclosure {
    pub patient: PatientId,
    pub request: RoiRequestId,
    pub request_id: String,
    pub date: NaiveDate,
    pub recipient: String,
    pub address: String,
    pub description: String,
    pub purpose: String,
}
