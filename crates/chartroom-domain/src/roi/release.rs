//! What a release sends: the release set with each withheld document's reason, the
//! checks that refuse a release, and whether it is an accountable disclosure.

use super::policy::RoiPolicy;
use super::request::{Authorization, RequesterType, RoiIntake, RoiRequest, Withheld};
use super::validate::{
    consenting_authorization, missing, relied_authorization, subpoena_on_process,
};
use crate::sensitivity::Category;
use crate::DocumentType;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// What the selection needs to know of one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocFacts {
    /// Source id (what the manifest lists).
    pub id: String,
    /// Calendar date in the document's own offset.
    pub date: NaiveDate,
    pub doc_type: DocumentType,
    /// Its own labels and those its encounter's conditions imply.
    pub categories: BTreeSet<Category>,
}

/// The release set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Document ids in `docs` order.
    pub included: Vec<String>,
    pub withheld: Vec<Withheld>,
    /// Psychotherapy notes were withheld from the patient or a representative: the
    /// packet carries a written denial with its basis (164.524(d)(2)).
    pub psychotherapy_denied: bool,
    /// Substance-use (Part 2) records are included: the 42 CFR 2.32 notice goes with them.
    pub part2_included: bool,
}

/// Selects the documents of a release on `release_date` (DOMAIN.md; the rules):
/// documents dated within scope and of the listed types; then
/// - `PSYTHPN` notes never go to the patient or a representative (164.524(a)(1)(i));
///   to anyone else only under a valid psychotherapy-notes authorization (consent
///   exactly `["PSYTHPN"]`, 164.508(a)(2)), which then releases only those notes;
/// - a document in another category goes only when a valid authorization names that
///   category, except to the patient or a representative (their own records).
///
/// `withheld` names one unconsented category per in-scope document held back (the
/// first in code order, `PSYTHPN` before the others).
pub fn select(
    intake: &RoiIntake,
    policy: &RoiPolicy,
    release_date: NaiveDate,
    docs: &[DocFacts],
) -> Selection {
    let patient_access = intake.requester.kind.is_patient_access();
    let consent: BTreeSet<Category> = consenting_authorization(intake, policy, release_date)
        .map(|a| a.specific_consent.iter().copied().collect())
        .unwrap_or_default();
    let psychotherapy_only = !patient_access
        && consenting_authorization(intake, policy, release_date)
            .is_some_and(Authorization::is_psychotherapy_only);
    let mut out = Selection::default();
    for doc in docs
        .iter()
        .filter(|d| intake.scope.covers(d.date, d.doc_type))
    {
        let is_note = doc.categories.contains(&Category::Psythpn);
        let reason = if is_note && !psychotherapy_only {
            out.psychotherapy_denied |= patient_access;
            Some(Category::Psythpn)
        } else if patient_access {
            None
        } else {
            // A psychotherapy note is mental-health information by nature: the
            // psychotherapy-notes authorization covers its PSY label.
            doc.categories
                .iter()
                .copied()
                .filter(|c| !consent.contains(c))
                .find(|c| !(is_note && *c == Category::Psy))
        };
        match reason {
            Some(category) => out.withheld.push(Withheld {
                document: doc.id.clone(),
                reason: category.code().to_string(),
            }),
            // Under a psychotherapy-notes authorization only the notes go out; other
            // documents are simply not part of what it authorizes.
            None if psychotherapy_only && !is_note => {}
            None => {
                out.part2_included |= doc.categories.contains(&Category::Eth);
                out.included.push(doc.id.clone());
            }
        }
    }
    out
}

/// Why a release is refused now (nothing is written).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReleaseRefused {
    #[error("the request is on hold; missing: {0}")]
    OnHold(String),
    #[error("the request has not passed QA (confirm every page belongs to the patient first)")]
    NotQaConfirmed,
    #[error(
        "the authorization the request relies on is {0} on the release date (45 CFR 164.508(b)(5))"
    )]
    AuthorizationLapsed(&'static str),
    #[error("the request was already released")]
    AlreadyReleased,
    #[error("the request is closed ({0})")]
    Closed(&'static str),
}

/// Whether `request` may be released on `release_date`.
pub fn check_release(
    request: &RoiRequest,
    policy: &RoiPolicy,
    release_date: NaiveDate,
) -> Result<(), ReleaseRefused> {
    if request.release.is_some() {
        return Err(ReleaseRefused::AlreadyReleased);
    }
    if let Some(c) = &request.closure {
        return Err(ReleaseRefused::Closed(c.status.code()));
    }
    let codes = missing(&request.intake, policy);
    if !codes.is_empty() {
        return Err(ReleaseRefused::OnHold(codes.join(", ")));
    }
    if policy.qa_required && request.qa.is_none() {
        return Err(ReleaseRefused::NotQaConfirmed);
    }
    if let Some(auth) = relied_authorization(&request.intake, policy) {
        if let Some(lapse) = auth.lapsed_on(release_date) {
            return Err(ReleaseRefused::AuthorizationLapsed(lapse));
        }
    }
    Ok(())
}

/// Whether a release for `intake` goes into the accounting of disclosures (164.528):
/// court orders, law enforcement and workers' comp (an unneeded authorization changes
/// nothing), and subpoenas answered on a court order or assurances. Not: to the patient
/// or a representative, continuing care (treatment), or anything released under an
/// authorization the request needed.
pub fn is_accountable(intake: &RoiIntake, policy: &RoiPolicy) -> bool {
    use RequesterType as T;
    match intake.requester.kind {
        T::CourtOrder | T::LawEnforcement | T::WorkersComp => {
            relied_authorization(intake, policy).is_none()
        }
        T::Subpoena => subpoena_on_process(intake),
        _ => false,
    }
}
