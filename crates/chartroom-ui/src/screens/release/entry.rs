//! The new-request screen: one form with requester, patient (picked with chart
//! search), scope, purpose, delivery, format and the authorization checklist as
//! toggles; the domain validator's verdict is recomputed on every key ([`Entry::verdict`]).
//!
//! Keys: up/down (tab) move; typing edits a text or date field; space or left/right
//! flip a toggle or cycle a choice (left/right cycle the patients found); enter on the
//! patient field searches charts, enter elsewhere logs the request; esc closes.

use crate::key::{Key, KeyCode};
use chartroom_domain::roi::{
    missing, Authorization, Delivery, Format, LegalProcess, Requester, RequesterType, RoiIntake,
    RoiPolicy, Scope, Signer, Statements,
};
use chartroom_domain::{DocumentType, Mrn, PatientId};
use chrono::NaiveDate;

/// One field of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum F {
    RequestId,
    Received,
    Type,
    Name,
    Address,
    Patient,
    From,
    To,
    Types,
    Purpose,
    Delivery,
    Format,
    Identity,
    CourtOrder,
    Assurances,
    Legal,
    RepAuthority,
    HasAuth,
    AuthWhat,
    AuthFrom,
    AuthTo,
    AuthWhy,
    AuthExpires,
    AuthSigned,
    AuthSigner,
    Revocation,
    Conditioning,
    Redisclosure,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Date,
    Toggle,
    Choice(&'static [&'static str]),
    Patient,
}

const TYPES: &[&str] = &[
    "patient",
    "personal_representative",
    "continuing_care",
    "attorney",
    "insurer",
    "subpoena",
    "court_order",
    "law_enforcement",
    "workers_comp",
    "disability",
    "research",
];
const DELIVERY: &[&str] = &["electronic", "mail", "pickup"];
const FORMAT: &[&str] = &["electronic", "paper"];
const LEGAL: &[&str] = &[
    "none",
    "warrant",
    "court_ordered_subpoena",
    "summons",
    "grand_jury_subpoena",
    "administrative_request",
];
const SIGNER: &[&str] = &["patient", "representative"];

/// The fields in screen order: id, label, kind.
pub const FIELDS: &[(F, &str, Kind)] = &[
    (F::RequestId, "Request id", Kind::Text),
    (F::Received, "Received", Kind::Date),
    (F::Type, "Requester", Kind::Choice(TYPES)),
    (F::Name, "Name", Kind::Text),
    (F::Address, "Address", Kind::Text),
    (F::Patient, "Patient", Kind::Patient),
    (F::From, "Scope from", Kind::Date),
    (F::To, "Scope to", Kind::Date),
    (F::Types, "Doc types", Kind::Text),
    (F::Purpose, "Purpose", Kind::Text),
    (F::Delivery, "Delivery", Kind::Choice(DELIVERY)),
    (F::Format, "Format", Kind::Choice(FORMAT)),
    (F::Identity, "ID verified", Kind::Toggle),
    (F::CourtOrder, "Court order", Kind::Toggle),
    (F::Assurances, "Assurances", Kind::Toggle),
    (F::Legal, "Legal proc.", Kind::Choice(LEGAL)),
    (F::RepAuthority, "Rep. auth", Kind::Text),
    (F::HasAuth, "Authorization", Kind::Toggle),
    (F::AuthWhat, " description", Kind::Text),
    (F::AuthFrom, " discloser", Kind::Text),
    (F::AuthTo, " recipient", Kind::Text),
    (F::AuthWhy, " purpose", Kind::Text),
    (F::AuthExpires, " expires", Kind::Date),
    (F::AuthSigned, " signed on", Kind::Date),
    (F::AuthSigner, " signer", Kind::Choice(SIGNER)),
    (F::Revocation, " revocation", Kind::Toggle),
    (F::Conditioning, " conditioning", Kind::Toggle),
    (F::Redisclosure, " redisclosure", Kind::Toggle),
];

/// A chart the patient search found: id, label (`Last, First · MRN`), the reference
/// the intake records (the MRN).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub id: PatientId,
    pub label: String,
    pub mrn: Mrn,
}

/// What the form asks of the runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryOutcome {
    Pending,
    Closed,
    Search(String),
    Submit(Box<RoiIntake>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub cursor: usize,
    pub text: Vec<String>,
    pub on: Vec<bool>,
    pub choice: Vec<usize>,
    pub candidates: Vec<Candidate>,
    pub picked: usize,
    /// Why the last enter did not log the request.
    pub problem: Option<String>,
}

fn index(f: F) -> usize {
    FIELDS.iter().position(|(id, _, _)| *id == f).unwrap_or(0)
}

fn date(text: &str, label: &str) -> Result<Option<NaiveDate>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("{} is not a date (YYYY-MM-DD)", label.trim()))
}

fn opt(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

impl Entry {
    /// An empty form: received today, identity not yet verified, no authorization.
    pub fn new(request_id: String, today: NaiveDate) -> Entry {
        let n = FIELDS.len();
        let mut e = Entry {
            cursor: 0,
            text: vec![String::new(); n],
            on: vec![false; n],
            choice: vec![0; n],
            candidates: Vec::new(),
            picked: 0,
            problem: None,
        };
        e.text[index(F::RequestId)] = request_id;
        e.text[index(F::Received)] = today.to_string();
        e
    }

    fn t(&self, f: F) -> &str {
        &self.text[index(f)]
    }
    fn flag(&self, f: F) -> bool {
        self.on[index(f)]
    }
    fn pick(&self, f: F) -> &'static str {
        match FIELDS[index(f)].2 {
            Kind::Choice(options) => options.get(self.choice[index(f)]).copied().unwrap_or(""),
            _ => "",
        }
    }

    /// The field's value as the screen shows it.
    pub fn shown(&self, i: usize) -> String {
        let Some((f, _, kind)) = FIELDS.get(i) else {
            return String::new();
        };
        match kind {
            Kind::Text | Kind::Date => self.text[i].clone(),
            Kind::Toggle => if self.on[i] { "[x]" } else { "[ ]" }.to_string(),
            Kind::Choice(_) => format!("< {} >", self.pick(*f)),
            Kind::Patient => match self.candidates.get(self.picked) {
                Some(c) if self.candidates.len() > 1 => format!(
                    "{} ({}/{})",
                    c.label,
                    self.picked + 1,
                    self.candidates.len()
                ),
                Some(c) => c.label.clone(),
                None => format!("{}_", self.text[i]),
            },
        }
    }

    /// The request the form describes, or what keeps it from being one.
    pub fn intake(&self) -> Result<RoiIntake, String> {
        let request_id = opt(self.t(F::RequestId)).ok_or("the request id is empty")?;
        let received =
            date(self.t(F::Received), "Received")?.ok_or("the received date is empty")?;
        let patient = self
            .candidates
            .get(self.picked)
            .ok_or("no patient picked: type a name or MRN, enter searches")?;
        let kind = RequesterType::from_code(self.pick(F::Type)).unwrap_or(RequesterType::Patient);
        let types = match opt(self.t(F::Types)) {
            None => None,
            Some(list) => Some(
                list.split([',', ' '])
                    .filter(|c| !c.is_empty())
                    .map(|c| {
                        DocumentType::from_code(c)
                            .ok_or_else(|| format!("unknown document type {c}"))
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let authorization = if self.flag(F::HasAuth) {
            Some(Authorization {
                description: opt(self.t(F::AuthWhat)),
                discloser: opt(self.t(F::AuthFrom)),
                recipient: opt(self.t(F::AuthTo)),
                purpose: opt(self.t(F::AuthWhy)),
                expires: date(self.t(F::AuthExpires), "expires")?,
                expiration_event: None,
                signed_on: date(self.t(F::AuthSigned), "signed on")?,
                signer: Signer::from_code(self.pick(F::AuthSigner)),
                representative_authority: None,
                statements: Statements {
                    revocation: self.flag(F::Revocation),
                    conditioning: self.flag(F::Conditioning),
                    redisclosure: self.flag(F::Redisclosure),
                },
                revoked_on: None,
                specific_consent: Vec::new(),
            })
        } else {
            None
        };
        Ok(RoiIntake {
            request_id,
            received,
            requester: Requester {
                kind,
                name: opt(self.t(F::Name)),
                address: opt(self.t(F::Address)),
            },
            patient: patient.id,
            patient_ref: patient.mrn.to_string(),
            scope: Scope {
                from: date(self.t(F::From), "Scope from")?,
                to: date(self.t(F::To), "Scope to")?,
                document_types: types,
            },
            purpose: opt(self.t(F::Purpose)),
            delivery: Delivery::from_code(self.pick(F::Delivery)),
            format: Format::from_code(self.pick(F::Format)),
            identity_verified: self.flag(F::Identity),
            court_order: self.flag(F::CourtOrder),
            subpoena_assurances: self.flag(F::Assurances),
            legal_process: LegalProcess::from_code(self.pick(F::Legal)),
            representative_authority: opt(self.t(F::RepAuthority)),
            authorization,
        })
    }

    /// The validator's verdict on the form as it stands: the missing codes (empty:
    /// the request can go straight to fulfillment), or why it is not a request yet.
    pub fn verdict(&self, policy: &RoiPolicy) -> Result<Vec<&'static str>, String> {
        self.intake().map(|i| missing(&i, policy))
    }

    /// Search results for the patient field.
    pub fn found(&mut self, candidates: Vec<Candidate>) {
        self.candidates = candidates;
        self.picked = 0;
        self.problem = self
            .candidates
            .is_empty()
            .then(|| "no chart matches".to_string());
    }

    pub fn handle_key(&mut self, key: &Key) -> EntryOutcome {
        let (f, _, kind) = FIELDS[self.cursor.min(FIELDS.len() - 1)];
        let i = self.cursor;
        match key.code() {
            KeyCode::Esc => return EntryOutcome::Closed,
            KeyCode::Up => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Tab => self.cursor = (self.cursor + 1).min(FIELDS.len() - 1),
            KeyCode::Enter if kind == Kind::Patient => {
                let query = self.text[i].trim().to_string();
                if !query.is_empty() {
                    return EntryOutcome::Search(query);
                }
            }
            KeyCode::Enter => {
                return match self.intake() {
                    Ok(intake) => EntryOutcome::Submit(Box::new(intake)),
                    Err(problem) => {
                        self.problem = Some(problem);
                        EntryOutcome::Pending
                    }
                }
            }
            KeyCode::Left | KeyCode::Right | KeyCode::Char(' ')
                if matches!(kind, Kind::Toggle | Kind::Choice(_)) =>
            {
                match kind {
                    Kind::Toggle => self.on[i] = !self.on[i],
                    Kind::Choice(options) => {
                        let n = options.len();
                        self.choice[i] = if key.code() == KeyCode::Left {
                            (self.choice[i] + n - 1) % n
                        } else {
                            (self.choice[i] + 1) % n
                        };
                    }
                    _ => {}
                }
            }
            KeyCode::Left | KeyCode::Right if kind == Kind::Patient => {
                let n = self.candidates.len().max(1);
                self.picked = if key.code() == KeyCode::Left {
                    (self.picked + n - 1) % n
                } else {
                    (self.picked + 1) % n
                };
            }
            KeyCode::Backspace if matches!(kind, Kind::Text | Kind::Date | Kind::Patient) => {
                self.text[i].pop();
                if f == F::Patient {
                    self.candidates.clear();
                }
            }
            KeyCode::Char(c) if matches!(kind, Kind::Text | Kind::Date | Kind::Patient) => {
                self.text[i].push(c);
                if f == F::Patient {
                    self.candidates.clear();
                }
            }
            _ => {}
        }
        EntryOutcome::Pending
    }
}
