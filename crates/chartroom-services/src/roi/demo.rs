//! The demo population's release-of-information desk: after the generator has written
//! the charts, a few hundred requests at most are logged through the same intake the
//! CLI uses (`roi import` of a JSON-lines file), so each is validated and audited; some
//! are then extended, QA-confirmed and released (`roi extend`, `roi qa`, `roi release`)
//! on back-dated days. The Release workspace then shows every status the services
//! produce (on hold for each kind of defect, in fulfillment, QA, released), clocks far
//! from due, due soon and overdue, and most requester types.
//!
//! Every choice is a hash of the seed and the request's index: the same seed gives the
//! same requests. The intake file and the released packets stay in
//! `DATA_DIR/roi-demo/` (packets under `packets/REQUEST_ID/`).

use crate::{Result, Services, Session};
use chartroom_domain::{Mrn, Patient};
use chrono::{Days, NaiveDate};
use serde_json::{json, Value};
use std::path::PathBuf;

/// The most requests the demo logs, whatever the population.
pub const MAX_REQUESTS: u64 = 240;
/// The fewest (small test populations still show every status, and every defect of
/// an authorization: five rounds of the fates).
const MIN_REQUESTS: u64 = 5 * FATES.len() as u64;
/// One request per this many patients.
const PATIENTS_PER_REQUEST: u64 = 100;
/// Patients the requests are drawn from (the first ones the store lists).
const CANDIDATES: usize = 4_000;
/// The scratch directory under the data directory.
pub const DEMO_DIR: &str = "roi-demo";

/// What the demo desk did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoiDemo {
    pub logged: u64,
    pub on_hold: u64,
    pub extended: u64,
    pub qa_confirmed: u64,
    pub released: u64,
}

/// What becomes of a request (one per index, in turn, so every status appears).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    /// Logged and being fulfilled, far from due.
    Fresh,
    /// On hold: the requester's identity is not verified.
    Unverified,
    /// On hold: a personal representative with no documented authority.
    NoAuthority,
    /// On hold: an attorney's authorization lacks elements.
    DefectiveAuthorization,
    /// On hold: an insurer with no authorization.
    NoAuthorization,
    /// On hold: law enforcement naming no legal process.
    NoLegalProcess,
    /// On hold: a subpoena with no court order, assurances or authorization.
    BareSubpoena,
    /// QA confirmed, ready to release.
    Checked,
    /// A patient's request due within days.
    DueSoon,
    /// Past due, not extended (not a patient-access request).
    Overdue,
    /// A patient's request extended once by 30 days.
    Extended,
    /// QA confirmed and released.
    Released,
    /// Entered at the desk, fulfillment not started (`logged`).
    Logged,
    /// No authorization yet, and the desk asked for one (`pending_authorization`).
    AwaitingAuthorization,
    /// An attorney's request, QA confirmed and invoiced, not paid (`pending_payment`).
    Invoiced,
    /// Denied (psychotherapy notes asked by the patient; or a reviewable ground).
    Denied,
    /// Cancelled (withdrawn by the requester).
    Cancelled,
}

const FATES: [Fate; 17] = [
    Fate::Fresh,
    Fate::Unverified,
    Fate::NoAuthority,
    Fate::DefectiveAuthorization,
    Fate::NoAuthorization,
    Fate::NoLegalProcess,
    Fate::BareSubpoena,
    Fate::Checked,
    Fate::DueSoon,
    Fate::Overdue,
    Fate::Extended,
    Fate::Released,
    Fate::Logged,
    Fate::AwaitingAuthorization,
    Fate::Invoiced,
    Fate::Denied,
    Fate::Cancelled,
];

const PATIENT_NAMES: [&str; 6] = [
    "the patient",
    "the patient (portal request)",
    "the patient (walk-in)",
    "the patient (mailed form)",
    "the patient (email)",
    "the patient (fax)",
];
const ATTORNEYS: [&str; 4] = [
    "Hale & Morrow LLP",
    "Brandt Injury Law",
    "Okafor Legal Group",
    "Lindqvist & Partners",
];
const INSURERS: [&str; 3] = ["Blue Valley Health Plan", "Meridian Life", "Cascade Mutual"];
const CLINICS: [&str; 3] = [
    "Riverside Family Clinic",
    "St. Anne Rehabilitation",
    "Northgate Cardiology",
];
const AGENCIES: [&str; 2] = ["County Sheriff's Office", "City Police Department"];

/// splitmix64.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A number in `lo ..= hi` from the seed, the request index and a salt.
fn pick(seed: u64, index: u64, salt: u64, lo: u64, hi: u64) -> u64 {
    let h = mix(mix(seed ^ salt.wrapping_mul(0xa076_1d64_78bd_642f)) ^ index);
    lo + h % (hi - lo + 1)
}

fn days_before(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days)).unwrap_or(date)
}

fn days_after(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(date)
}

fn one_of<'a>(names: &[&'a str], seed: u64, index: u64) -> &'a str {
    let i = pick(seed, index, 7, 0, names.len() as u64 - 1) as usize;
    names.get(i).copied().unwrap_or_default()
}

/// A complete authorization naming `recipient`, signed just before `received`.
fn authorization(recipient: &str, purpose: &str, received: NaiveDate) -> Value {
    json!({
        "description": "all records of the stated period",
        "discloser": "Chartroom General Hospital, Health Information Management",
        "recipient": recipient,
        "purpose": purpose,
        "expires": days_after(received, 365).to_string(),
        "signed_on": days_before(received, 3).to_string(),
        "signer": "patient",
        "statements": {"revocation": true, "conditioning": true, "redisclosure": true},
        "specific_consent": []
    })
}

/// Spoils a complete authorization, a different way each round of the fates, so the
/// holds show every defect: a form sent back half filled in (unsigned, statements
/// missing, sometimes no expiration), expired, revoked, a psychotherapy-notes consent
/// combined with another, and one naming neither what, who nor why.
fn defect(obj: &mut serde_json::Map<String, Value>, round: u64, received: NaiveDate) {
    match round % 5 {
        0 => {
            obj.remove("signed_on");
            obj.insert(
                "statements".into(),
                json!({"revocation": true, "conditioning": false, "redisclosure": false}),
            );
            obj.remove("expires");
        }
        1 => {
            obj.insert(
                "expires".into(),
                json!(days_before(received, 10).to_string()),
            );
        }
        2 => {
            obj.insert(
                "revoked_on".into(),
                json!(days_before(received, 1).to_string()),
            );
        }
        3 => {
            obj.insert("specific_consent".into(), json!(["PSYTHPN", "HIV"]));
        }
        _ => {
            for key in ["description", "discloser", "recipient", "purpose"] {
                obj.remove(key);
            }
        }
    }
}

/// One planned request: its intake line and what to do with it.
struct Planned {
    index: u64,
    request_id: String,
    fate: Fate,
    received: NaiveDate,
    line: Value,
}

fn plan(seed: u64, index: u64, mrn: Mrn, as_of: NaiveDate) -> Planned {
    let fate = FATES[(index % FATES.len() as u64) as usize];
    let p = |salt, lo, hi| pick(seed, index, salt, lo, hi);
    let ago = match fate {
        Fate::Fresh | Fate::Checked => p(1, 1, 18),
        Fate::Unverified | Fate::NoAuthority | Fate::BareSubpoena => p(1, 2, 20),
        Fate::DefectiveAuthorization | Fate::NoAuthorization | Fate::NoLegalProcess => p(1, 5, 40),
        Fate::DueSoon => p(1, 25, 29),
        Fate::Overdue => p(1, 32, 45),
        Fate::Extended => p(1, 34, 52),
        Fate::Released => p(1, 20, 75),
        Fate::Logged | Fate::Cancelled => p(1, 0, 6),
        Fate::AwaitingAuthorization | Fate::Invoiced | Fate::Denied => p(1, 5, 24),
    };
    let received = days_before(as_of, ago);
    let (kind, name, purpose) = match fate {
        Fate::Fresh | Fate::Unverified | Fate::DueSoon | Fate::Extended | Fate::Denied => (
            "patient",
            one_of(&PATIENT_NAMES, seed, index).to_string(),
            "personal use",
        ),
        Fate::NoAuthority => (
            "personal_representative",
            "Guardian of the patient".into(),
            "care decisions",
        ),
        Fate::DefectiveAuthorization | Fate::Overdue | Fate::Invoiced | Fate::Cancelled => (
            "attorney",
            one_of(&ATTORNEYS, seed, index).to_string(),
            "personal injury claim",
        ),
        Fate::NoAuthorization => (
            "insurer",
            one_of(&INSURERS, seed, index).to_string(),
            "underwriting",
        ),
        Fate::AwaitingAuthorization if index.is_multiple_of(2) => (
            "disability",
            "Social Security Disability Determination Services".into(),
            "disability claim",
        ),
        Fate::AwaitingAuthorization => (
            "research",
            "University Outcomes Research Group".into(),
            "IRB-approved study",
        ),
        Fate::Logged => (
            "continuing_care",
            one_of(&CLINICS, seed, index).to_string(),
            "continuing care",
        ),
        Fate::NoLegalProcess => (
            "law_enforcement",
            one_of(&AGENCIES, seed, index).to_string(),
            "investigation",
        ),
        Fate::BareSubpoena => (
            "subpoena",
            one_of(&ATTORNEYS, seed, index).to_string(),
            "litigation",
        ),
        Fate::Checked => (
            "continuing_care",
            one_of(&CLINICS, seed, index).to_string(),
            "continuing care",
        ),
        // A different requester each round, so each appears among the releases.
        Fate::Released => match (index / FATES.len() as u64) % 4 {
            0 => (
                "continuing_care",
                one_of(&CLINICS, seed, index).to_string(),
                "continuing care",
            ),
            1 => (
                "court_order",
                "Superior Court of the County".into(),
                "court-ordered production",
            ),
            2 => (
                "workers_comp",
                "State Workers' Compensation Board".into(),
                "workers' compensation claim",
            ),
            _ => (
                "patient",
                one_of(&PATIENT_NAMES, seed, index).to_string(),
                "personal use",
            ),
        },
    };
    let auth = match fate {
        Fate::Overdue | Fate::Invoiced | Fate::Cancelled => authorization(&name, purpose, received),
        Fate::DefectiveAuthorization => {
            let mut a = authorization(&name, purpose, received);
            if let Some(obj) = a.as_object_mut() {
                defect(obj, index / FATES.len() as u64, received);
            }
            a
        }
        _ => Value::Null,
    };
    let request_id = format!("DEMO-{:04}", index + 1);
    let format = if p(4, 0, 3) == 0 {
        "paper"
    } else {
        "electronic"
    };
    let line = json!({
        "request_id": request_id,
        "received": received.to_string(),
        "requester": {
            "type": kind,
            "name": name,
            "address": format!("{} Main Street, Springfield", p(5, 10, 990)),
        },
        "patient": {"id": mrn.to_string()},
        "scope": {
            "from": days_before(received, 365).to_string(),
            "to": received.to_string(),
            "document_types": if p(6, 0, 2) == 0 { json!(["discharge"]) } else { Value::Null },
        },
        "purpose": purpose,
        "delivery": if format == "paper" { "mail" } else { "electronic" },
        "format": format,
        "identity_verified": fate != Fate::Unverified,
        "court_order": kind == "court_order",
        "subpoena_assurances": false,
        "legal_process": Value::Null,
        "representative_authority": Value::Null,
        "authorization": auth,
    });
    Planned {
        index,
        request_id,
        fate,
        received,
        line,
    }
}

impl Services {
    /// Logs, works and releases the demo's requests as of `as_of`, as `session`'s user,
    /// through the ROI use cases. `patients`: how many the generator wrote.
    pub(crate) fn plant_roi_requests(
        &self,
        session: &Session,
        as_of: NaiveDate,
        seed: u64,
        patients: u64,
    ) -> Result<RoiDemo> {
        let count = (patients / PATIENTS_PER_REQUEST).clamp(MIN_REQUESTS, MAX_REQUESTS);
        let read = self.store.read()?;
        let candidates: Vec<Patient> = read
            .patients()?
            .take(CANDIDATES)
            .collect::<chartroom_store::Result<_>>()?;
        drop(read);
        if candidates.is_empty() {
            return Ok(RoiDemo::default());
        }
        let planned: Vec<Planned> = (0..count)
            .filter_map(|i| {
                let at = pick(seed, i, 0, 0, candidates.len() as u64 - 1) as usize;
                let mrn = candidates.get(at)?.mrn;
                Some(plan(seed, i, mrn, as_of))
            })
            .collect();
        let dir = self.data_dir().join(DEMO_DIR);
        let file = dir.join("requests.jsonl");
        let mut text = String::new();
        // Logged requests are entered at the desk (below), not imported.
        for p in planned.iter().filter(|p| p.fate != Fate::Logged) {
            text.push_str(&p.line.to_string());
            text.push('\n');
        }
        let io = |e: std::io::Error| crate::ServiceError::Invalid {
            what: "demo requests",
            reason: format!("{}: {}", dir.display(), e.kind()),
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        std::fs::write(&file, text).map_err(io)?;
        let intake = self.import_roi_requests(session, &file)?;
        let mut report = RoiDemo {
            logged: intake.logged,
            on_hold: intake.on_hold,
            ..RoiDemo::default()
        };
        for p in &planned {
            match p.fate {
                Fate::Extended => {
                    let on = days_after(p.received, pick(seed, p.index, 8, 10, 28));
                    let reason = "the older records are in off-site storage";
                    self.extend_roi_request(session, &p.request_id, reason, on)?;
                    report.extended += 1;
                }
                Fate::Checked => {
                    self.confirm_roi_qa(session, &p.request_id)?;
                    report.qa_confirmed += 1;
                }
                Fate::Released => {
                    self.confirm_roi_qa(session, &p.request_id)?;
                    report.qa_confirmed += 1;
                    let on = days_after(p.received, pick(seed, p.index, 9, 3, 18)).min(as_of);
                    let out: PathBuf = dir.join("packets").join(&p.request_id);
                    self.release_roi(session, &p.request_id, on, &out)?;
                    report.released += 1;
                }
                Fate::AwaitingAuthorization => {
                    let on = days_after(p.received, 2).min(as_of);
                    let note = "authorization form mailed to the requester";
                    self.await_roi_authorization(session, &p.request_id, note, on)?;
                }
                Fate::Invoiced => {
                    self.confirm_roi_qa(session, &p.request_id)?;
                    report.qa_confirmed += 1;
                    let on = days_after(p.received, 4).min(as_of);
                    self.invoice_roi_request(session, &p.request_id, on)?;
                }
                Fate::Denied => {
                    let on = days_after(p.received, 3).min(as_of);
                    let (reason, reviewable) = if p.index.is_multiple_of(2) {
                        (
                            "the request asks for psychotherapy notes (164.524(a)(1)(i))",
                            false,
                        )
                    } else {
                        ("a licensed professional judged access likely to endanger the patient's life or safety (164.524(a)(3)(i))", true)
                    };
                    self.deny_roi_request(session, &p.request_id, reason, reviewable, on)?;
                }
                Fate::Cancelled => {
                    let on = days_after(p.received, 1).min(as_of);
                    self.cancel_roi_request(
                        session,
                        &p.request_id,
                        "withdrawn by the requester",
                        on,
                    )?;
                }
                _ => {}
            }
        }
        self.plant_logged(session, &planned)?;
        self.plant_accounting_requests(session, as_of, &candidates)?;
        Ok(report)
    }

    /// The `Logged` fates, entered one by one as the Release workspace's new-request
    /// screen does (`logged` until someone starts them).
    fn plant_logged(&self, session: &Session, planned: &[Planned]) -> Result<()> {
        let read = self.store.read()?;
        let mut intakes = Vec::new();
        for p in planned.iter().filter(|p| p.fate == Fate::Logged) {
            let resolve = |r: &str| super::intake::resolve_patient(&read, r).ok().flatten();
            let intake = chartroom_import::roi_intake::parse_line(&p.line.to_string(), &resolve)
                .map_err(|b| crate::ServiceError::Invalid {
                    what: "demo request",
                    reason: format!("{}: {}", b.field, b.problem),
                })?;
            intakes.push(intake);
        }
        drop(read);
        for intake in intakes {
            self.log_roi_request(session, intake)?;
        }
        Ok(())
    }

    /// Three requests for an accounting of disclosures: one fresh, one extended, one
    /// fulfilled; for the first patients with a disclosure on file (else the first).
    fn plant_accounting_requests(
        &self,
        session: &Session,
        as_of: NaiveDate,
        candidates: &[Patient],
    ) -> Result<()> {
        let read = self.store.read()?;
        let mut with: Vec<&Patient> = Vec::new();
        for c in candidates {
            if !read.disclosures_of(c.id)?.is_empty() {
                with.push(c);
            }
        }
        drop(read);
        with.extend(candidates.iter().take(3));
        for (i, patient) in with.iter().take(3).enumerate() {
            let received = days_before(as_of, [5, 50, 20][i]);
            let new = super::NewAccountingRequest {
                request_id: format!("ACCT-{:04}", i + 1),
                patient: patient.mrn.to_string(),
                received,
                requester_name: Some("the patient".into()),
                requester_address: Some("on file".into()),
            };
            self.log_accounting_request(session, &new)?;
            let id = new.request_id.as_str();
            match i {
                1 => {
                    let reason = "disclosures by a business associate are being collected";
                    self.extend_accounting_request(session, id, reason, days_after(received, 55))?;
                }
                2 => {
                    self.fulfill_accounting_request(session, id, days_after(received, 10))?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}
