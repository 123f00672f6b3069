//! The intake validator: which elements a request lacks before records may go out.
//! Each code cites its rule (DOMAIN.md "Release of information"); `missing` is the
//! sorted list of unique codes and any code puts the request on hold.

use super::policy::RoiPolicy;
use super::request::{Authorization, RequesterType, RoiIntake, Signer};
use crate::sensitivity::Category;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// Every code the validator emits, with the rule it enforces (hold letters quote it).
pub const CODES: &[(&str, &str)] = &[
    ("authorization_required", "hospital policy: this requester type needs a signed HIPAA authorization (45 CFR 164.508)"),
    ("compound_authorization", "an authorization for psychotherapy notes may not be combined with another (164.508(b)(3)(ii))"),
    ("court_order_or_assurances", "a subpoena needs a court order, satisfactory assurances (notice to the patient or a qualified protective order) or a valid authorization (164.512(e)(1)(ii))"),
    ("description", "the authorization must describe the information to be disclosed (164.508(c)(1)(i))"),
    ("discloser", "the authorization must name who may disclose (164.508(c)(1)(ii))"),
    ("expiration", "the authorization must give an expiration date or event (164.508(c)(1)(v))"),
    ("expired", "the authorization expired before the request was received (164.508(b)(2)(i))"),
    ("identity_unverified", "the requester's identity and authority must be verified (164.514(h))"),
    ("legal_process", "a law-enforcement request must name its legal process (164.512(f)(1)(ii))"),
    ("purpose", "the authorization must state the purpose (164.508(c)(1)(iv))"),
    ("recipient", "the authorization must name who receives (164.508(c)(1)(iii))"),
    ("representative_authority", "a personal representative's authority must be documented (164.502(g), 164.508(c)(1)(vi))"),
    ("revoked", "the authorization was revoked (164.508(b)(2)(ii), 164.508(b)(5))"),
    ("signature", "the authorization must be signed and dated (164.508(c)(1)(vi))"),
    ("statement_conditioning", "the authorization must say whether treatment is conditioned on it (164.508(c)(2)(ii))"),
    ("statement_redisclosure", "the authorization must warn that redisclosed information may lose protection (164.508(c)(2)(iii))"),
    ("statement_revocation", "the authorization must state the right to revoke in writing (164.508(c)(2)(i))"),
];

/// The rule behind a code, for letters.
pub fn rule_of(code: &str) -> &'static str {
    CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, rule)| rule)
}

/// The sorted unique codes `intake` lacks under `policy`.
pub fn missing(intake: &RoiIntake, policy: &RoiPolicy) -> Vec<&'static str> {
    let mut out = BTreeSet::new();
    let kind = intake.requester.kind;
    let auth = intake.authorization.as_ref();
    if !intake.identity_verified {
        out.insert("identity_unverified");
    }
    if kind == RequesterType::PersonalRepresentative && !representative_documented(intake) {
        out.insert("representative_authority");
    }
    if policy.needs_authorization(kind) && auth.is_none() {
        out.insert("authorization_required");
    }
    if kind == RequesterType::LawEnforcement && intake.legal_process.is_none() {
        out.insert("legal_process");
    }
    if let Some(a) = relied_authorization(intake, policy) {
        let defects = authorization_defects(a, intake);
        if kind == RequesterType::Subpoena && !defects.is_empty() {
            out.insert("court_order_or_assurances");
        }
        out.extend(defects);
    } else if kind == RequesterType::Subpoena && !subpoena_on_process(intake) {
        out.insert("court_order_or_assurances");
    }
    out.into_iter().collect()
}

/// A subpoena backed by a court order or satisfactory assurances (not by an
/// authorization).
pub fn subpoena_on_process(intake: &RoiIntake) -> bool {
    intake.court_order || intake.subpoena_assurances
}

/// The authorization the request relies on: the one its type needs, or the one a
/// subpoena without a court order or assurances rests on.
pub fn relied_authorization<'a>(
    intake: &'a RoiIntake,
    policy: &RoiPolicy,
) -> Option<&'a Authorization> {
    let kind = intake.requester.kind;
    let relies = policy.needs_authorization(kind)
        || (kind == RequesterType::Subpoena && !subpoena_on_process(intake));
    if relies {
        intake.authorization.as_ref()
    } else {
        None
    }
}

/// The authorization whose `specific_consent` counts on `release_date`: a relied-on
/// one (already validated), or an unneeded one that would pass every check and has
/// not lapsed by then.
pub fn consenting_authorization<'a>(
    intake: &'a RoiIntake,
    policy: &RoiPolicy,
    release_date: NaiveDate,
) -> Option<&'a Authorization> {
    let auth = intake.authorization.as_ref()?;
    if auth.lapsed_on(release_date).is_some() {
        return None;
    }
    if relied_authorization(intake, policy).is_some() {
        return Some(auth);
    }
    authorization_defects(auth, intake)
        .is_empty()
        .then_some(auth)
}

fn representative_documented(intake: &RoiIntake) -> bool {
    intake.representative_authority.is_some()
        || intake
            .authorization
            .as_ref()
            .is_some_and(|a| a.representative_authority.is_some())
}

/// Each absent element (164.508(c)(1)), absent statement (164.508(c)(2)) and defect
/// (164.508(b)(2) on the received date; 164.508(b)(3)(ii)) of an authorization.
pub fn authorization_defects(auth: &Authorization, intake: &RoiIntake) -> Vec<&'static str> {
    let mut out = Vec::new();
    let absent = [
        ("description", auth.description.is_none()),
        ("discloser", auth.discloser.is_none()),
        ("recipient", auth.recipient.is_none()),
        ("purpose", auth.purpose.is_none()),
        (
            "expiration",
            auth.expires.is_none() && auth.expiration_event.is_none(),
        ),
        ("signature", auth.signed_on.is_none()),
        (
            "representative_authority",
            auth.signer == Some(Signer::Representative) && !representative_documented(intake),
        ),
        ("statement_revocation", !auth.statements.revocation),
        ("statement_conditioning", !auth.statements.conditioning),
        ("statement_redisclosure", !auth.statements.redisclosure),
        ("expired", auth.expires.is_some_and(|e| e < intake.received)),
        (
            "revoked",
            auth.revoked_on.is_some_and(|r| r <= intake.received),
        ),
        (
            "compound_authorization",
            is_compound(&auth.specific_consent),
        ),
    ];
    out.extend(absent.into_iter().filter(|(_, hit)| *hit).map(|(c, _)| c));
    out
}

fn is_compound(consent: &[Category]) -> bool {
    consent.contains(&Category::Psythpn) && consent.iter().any(|c| *c != Category::Psythpn)
}
