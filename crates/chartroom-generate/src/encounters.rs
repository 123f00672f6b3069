//! Encounters over the last six years and the notes written in them.
//!
//! Recent encounters carry the loose ends a records room works on: unsigned notes,
//! notes awaiting a co-signature, a missing discharge summary or H&P, patients still
//! in house.

use super::notes::{Chronic, NoteContext, NoteKind, Problem, Procedure, Setting, Study};
use super::population::Generator;
use super::roster::Specialty;
use super::sink::Sink;
use super::GenerateError;
use chartroom_domain::{
    Document, DocumentType, Encounter, EncounterClass, Patient, PatientId, ProviderId, Sex,
    SignatureStatus,
};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::Rng;

/// How far back encounter history goes.
const HISTORY_DAYS: i64 = 6 * 365;
/// Notes this recent are often still unsigned.
const RECENT_DAYS: i64 = 30;

/// What kind of visit, which decides attending, location and notes.
enum Visit<'t> {
    Emergency,
    Medical,
    Surgical(Specialty, &'t Procedure),
    Office(Specialty),
    Imaging(&'t Study),
    OutpatientProcedure(Specialty, &'t Procedure),
    Consult(Specialty),
}

impl<'t> Visit<'t> {
    /// The care setting, the service, and the procedure or study the visit is for.
    fn service(&self, age: i32) -> (Setting, Specialty, Option<&'t Procedure>, Option<&'t Study>) {
        match self {
            Visit::Emergency => (Setting::Emergency, Specialty::Emergency, None, None),
            Visit::Medical => (
                Setting::Inpatient,
                if age < 16 {
                    Specialty::Pediatrics
                } else {
                    Specialty::Hospitalist
                },
                None,
                None,
            ),
            Visit::Surgical(s, p) => (Setting::Inpatient, *s, Some(*p), None),
            Visit::Office(s) => (Setting::Clinic, *s, None, None),
            Visit::Imaging(st) => (Setting::Clinic, Specialty::Radiology, None, Some(*st)),
            Visit::OutpatientProcedure(s, p) => (Setting::Clinic, *s, Some(*p), None),
            Visit::Consult(s) => (Setting::Clinic, *s, None, None),
        }
    }
}

/// What an encounter is, drawn before anything is written.
struct Plan {
    class: EncounterClass,
    visit: Visit<'static>,
    /// The service that attends (psychiatry for a depressive admission, whatever the
    /// visit drew).
    specialty: Specialty,
    procedure: Option<&'static Procedure>,
    study: Option<&'static Study>,
    problem: &'static Problem,
    attending: Option<ProviderId>,
}

impl Plan {
    /// Where the patient is seen; inpatient notes name it as the ward.
    fn location(&self) -> &'static str {
        match self.class {
            EncounterClass::Emergency => "Emergency Department",
            EncounterClass::Inpatient => self.specialty.ward(),
            _ => self.specialty.clinic(),
        }
    }

    /// The reason for the visit on the encounter row.
    fn reason(&self) -> String {
        match &self.visit {
            Visit::Imaging(st) => st.name.clone(),
            Visit::OutpatientProcedure(_, p) | Visit::Surgical(_, p) => p.indication.clone(),
            Visit::Medical => self.problem.assessment.clone(),
            _ => capitalise(&self.problem.complaint),
        }
    }
}

/// When an encounter begins and ends.
struct Stay {
    admit: NaiveDateTime,
    /// Cut off at the end of the history; for a patient in house, the time the notes
    /// are measured against (the encounter row has no discharge).
    discharge: NaiveDateTime,
    /// An inpatient not yet discharged on `as_of`.
    in_house: bool,
}

impl Stay {
    /// Whole days, at least one (how many progress notes, and the notes' wording).
    fn length_of_stay(&self) -> i64 {
        (self.discharge - self.admit).num_days().max(1)
    }
}

/// A note to write: what, when, by whom.
struct Note<'a> {
    kind: NoteKind,
    time: NaiveDateTime,
    author: Option<ProviderId>,
    /// The attending who co-signs an APP's note.
    cosigner: Option<ProviderId>,
    title: Option<&'a str>,
}

impl Generator {
    fn encounter_count(&mut self, age: i32) -> u32 {
        let base = match self.rng.random_range(0..100) {
            0..=7 => 0,
            8..=29 => 1,
            30..=49 => 2,
            50..=64 => 3,
            65..=76 => 4,
            77..=84 => 5,
            85..=91 => 6,
            _ => self.rng.random_range(7..12),
        };
        if age >= 65 && self.rng.random_bool(0.3) {
            base + 2
        } else {
            base
        }
    }

    /// Writes a patient's encounters and notes.
    pub(super) fn write_history<S: Sink>(
        &mut self,
        sink: &mut S,
        patient: &Patient,
    ) -> Result<(), GenerateError> {
        let end = patient.flags.deceased.unwrap_or(self.as_of).min(self.as_of);
        let start = (self.as_of - Duration::days(HISTORY_DAYS)).max(patient.dob);
        let span = (end - start).num_days();
        if span < 1 {
            return Ok(());
        }
        let age = patient.age_on(self.as_of);
        let count = self.encounter_count(age);
        let mut days: Vec<i64> = (0..count).map(|_| self.rng.random_range(0..span)).collect();
        days.sort_unstable();
        let chronic_count = if age >= 40 {
            self.rng.random_range(0..4)
        } else {
            self.rng.random_range(0..2)
        };
        let templates = self.templates;
        let chronic: Vec<&Chronic> = (0..chronic_count)
            .map(|_| &templates.chronic[self.rng.random_range(0..templates.chronic.len())])
            .collect();
        let allergy =
            templates.allergies[self.rng.random_range(0..templates.allergies.len())].as_str();
        for day in days {
            let date = start + Duration::days(day);
            self.write_encounter(sink, patient, date, end, &chronic, allergy)?;
        }
        Ok(())
    }

    fn visit(&mut self, class: EncounterClass, age: i32, sex: Sex) -> Visit<'static> {
        let templates = self.templates;
        let childbearing = sex == Sex::Female && (16..=46).contains(&age);
        match class {
            EncounterClass::Emergency => Visit::Emergency,
            EncounterClass::Inpatient => {
                if age >= 16 && self.rng.random_bool(0.3) {
                    let (specialty, service) = match self.rng.random_range(0..10) {
                        0..=4 => (Specialty::GeneralSurgery, "surgery"),
                        5..=7 => (Specialty::Orthopedics, "orthopedics"),
                        _ if childbearing => (Specialty::ObGyn, "obgyn"),
                        _ => (Specialty::GeneralSurgery, "surgery"),
                    };
                    Visit::Surgical(specialty, templates.procedure_for(service, &mut self.rng))
                } else {
                    Visit::Medical
                }
            }
            EncounterClass::Ambulatory => {
                let specialty = if age < 18 {
                    Specialty::Pediatrics
                } else {
                    match self.rng.random_range(0..20) {
                        0..=9 => Specialty::FamilyMedicine,
                        10..=15 => Specialty::InternalMedicine,
                        16..=17 if childbearing => Specialty::ObGyn,
                        18 => Specialty::Psychiatry,
                        _ => Specialty::InternalMedicine,
                    }
                };
                Visit::Office(specialty)
            }
            EncounterClass::Outpatient => match self.rng.random_range(0..20) {
                0..=9 => Visit::Imaging(templates.study(&mut self.rng)),
                10..=13 if age >= 40 => Visit::OutpatientProcedure(
                    Specialty::Gastroenterology,
                    templates.procedure_for("gi", &mut self.rng),
                ),
                14..=16 if age >= 16 => Visit::OutpatientProcedure(
                    Specialty::GeneralSurgery,
                    templates.procedure_for(
                        if self.rng.random_bool(0.6) {
                            "surgery"
                        } else {
                            "orthopedics"
                        },
                        &mut self.rng,
                    ),
                ),
                _ => Visit::Consult(
                    [
                        Specialty::Cardiology,
                        Specialty::Oncology,
                        Specialty::Neurology,
                        Specialty::Pulmonology,
                    ][self.rng.random_range(0..4)],
                ),
            },
        }
    }

    fn class(&mut self) -> EncounterClass {
        match self.rng.random_range(0..100) {
            0..=44 => EncounterClass::Ambulatory,
            45..=66 => EncounterClass::Outpatient,
            67..=86 => EncounterClass::Emergency,
            _ => EncounterClass::Inpatient,
        }
    }

    fn time_on(&mut self, date: NaiveDate, from_hour: u32, to_hour: u32) -> NaiveDateTime {
        let seconds = self.rng.random_range(from_hour * 3600..to_hour * 3600);
        let minutes = seconds / 60;
        let time = NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).unwrap_or_default();
        date.and_time(time)
    }

    /// Writes one encounter and its notes. Every choice comes from the one random
    /// stream, in this order: the plan, the stay, the list of notes, then each note's
    /// signature and text. Reordering the steps changes every population of a seed.
    fn write_encounter<S: Sink>(
        &mut self,
        sink: &mut S,
        patient: &Patient,
        date: NaiveDate,
        end: NaiveDate,
        chronic: &[&Chronic],
        allergy: &str,
    ) -> Result<(), GenerateError> {
        let plan = self.plan_encounter(patient.age_on(date), patient.sex);
        let stay = self.stay(&plan, date, end);
        let encounter = self.put_encounter(sink, patient, &plan, &stay)?;
        let recent = (self.as_of - date).num_days() <= RECENT_DAYS;
        let (notes, study) = self.encounter_notes(&plan, &stay, recent);
        if let (Visit::Surgical(_, p), Some(op)) = (
            &plan.visit,
            notes.iter().find(|n| n.kind == NoteKind::Operative),
        ) {
            self.write_procedure(sink, &encounter, p, op.time)?;
        }
        self.write_notes(
            sink,
            patient,
            &encounter,
            notes,
            plan.problem,
            chronic,
            allergy,
            plan.procedure,
            study,
            stay.length_of_stay(),
            plan.location(),
        )
    }

    /// Draws what the encounter is: its class and visit, the problem it is about and
    /// the attending.
    fn plan_encounter(&mut self, age: i32, sex: Sex) -> Plan {
        let class = self.class();
        let visit = self.visit(class, age, sex);
        let (setting, specialty, procedure, study) = visit.service(age);
        let problem = self.suitable_problem(setting, age, sex);
        // A depressive illness bad enough to admit is admitted to psychiatry.
        let specialty =
            if setting == Setting::Inpatient && problem.assessment.contains("depressive") {
                Specialty::Psychiatry
            } else {
                specialty
            };
        let attending = self.providers.physician(specialty, &mut self.rng);
        Plan {
            class,
            visit,
            specialty,
            procedure,
            study,
            problem,
            attending,
        }
    }

    /// Admission and discharge times. A stay still running at the end of the history
    /// is cut off there; an inpatient still here on `as_of` is in house.
    fn stay(&mut self, plan: &Plan, date: NaiveDate, end: NaiveDate) -> Stay {
        let admit = match plan.class {
            EncounterClass::Emergency | EncounterClass::Inpatient => self.time_on(date, 0, 24),
            _ => self.time_on(date, 7, 17),
        };
        let stay_minutes = match &plan.visit {
            Visit::Emergency => self.rng.random_range(90..720),
            Visit::Medical | Visit::Surgical(..) => {
                self.rng.random_range(1..9) * 1440 + self.rng.random_range(0..600)
            }
            Visit::Office(_) | Visit::Consult(_) => self.rng.random_range(15..60),
            Visit::Imaging(_) => self.rng.random_range(20..90),
            Visit::OutpatientProcedure(..) => self.rng.random_range(90..360),
        };
        let mut discharge = admit + Duration::minutes(stay_minutes);
        let cutoff = end.and_time(NaiveTime::MIN) + Duration::days(1);
        let in_house =
            plan.class == EncounterClass::Inpatient && discharge >= cutoff && end == self.as_of;
        if discharge >= cutoff {
            discharge = cutoff - Duration::minutes(1);
        }
        Stay {
            admit,
            discharge,
            in_house,
        }
    }

    /// Writes the encounter row (no discharge while in house) and counts it.
    fn put_encounter<S: Sink>(
        &mut self,
        sink: &mut S,
        patient: &Patient,
        plan: &Plan,
        stay: &Stay,
    ) -> Result<Encounter, GenerateError> {
        let id = sink.next_encounter_id()?;
        let encounter = Encounter {
            id,
            number: format!("A{}", 200_000_000 + id.0),
            patient: patient.id,
            class: plan.class,
            admit: stay.admit,
            discharge: (!stay.in_house).then_some(stay.discharge),
            attending: plan.attending,
            other_providers: Vec::new(),
            location: plan.location().to_string(),
            reason: plan.reason(),
            source_id: None,
            discharge_offset_secs: 0,
        };
        sink.put_encounter(&encounter)?;
        self.report.encounters += 1;
        self.report.in_house += u64::from(stay.in_house);
        Ok(encounter)
    }

    /// The notes the visit calls for, and the study they report on (an ED visit may
    /// add imaging of its own).
    fn encounter_notes(
        &mut self,
        plan: &Plan,
        stay: &Stay,
        recent: bool,
    ) -> (Vec<Note<'static>>, Option<&'static Study>) {
        let attending = plan.attending;
        let notes = match &plan.visit {
            Visit::Emergency => return self.emergency_notes(attending, stay),
            Visit::Medical | Visit::Surgical(..) => self.inpatient_notes(plan, stay, recent),
            Visit::Office(s) => vec![self.visit_note(NoteKind::Office, *s, attending, stay)],
            Visit::Consult(s) => vec![self.visit_note(NoteKind::Consult, *s, attending, stay)],
            Visit::Imaging(st) => vec![Note {
                kind: NoteKind::Radiology,
                time: stay.discharge + Duration::minutes(self.rng.random_range(20..600)),
                author: attending,
                cosigner: None,
                title: Some(st.name.as_str()),
            }],
            Visit::OutpatientProcedure(_, p) => {
                let mut notes = vec![Note {
                    kind: NoteKind::Procedure,
                    time: stay.discharge,
                    author: attending,
                    cosigner: None,
                    title: Some(p.name.as_str()),
                }];
                notes.extend(self.pathology_report(p, 0.7, stay.discharge + Duration::days(3)));
                notes
            }
        };
        (notes, plan.study)
    }

    /// The ED note, and sometimes a radiology report of imaging done in the ED (whose
    /// study the notes then mention).
    fn emergency_notes(
        &mut self,
        attending: Option<ProviderId>,
        stay: &Stay,
    ) -> (Vec<Note<'static>>, Option<&'static Study>) {
        let (author, cosigner) = self.author_for(Specialty::Emergency, attending, 0.25);
        let mut notes = vec![Note {
            kind: NoteKind::Emergency,
            time: stay.discharge,
            author,
            cosigner,
            title: None,
        }];
        if !self.rng.random_bool(0.35) {
            return (notes, None);
        }
        let radiologist = self
            .providers
            .physician(Specialty::Radiology, &mut self.rng);
        let templates = self.templates;
        let study = templates.study(&mut self.rng);
        notes.push(Note {
            kind: NoteKind::Radiology,
            time: stay.admit + Duration::minutes(self.rng.random_range(30..180)),
            author: radiologist,
            cosigner: None,
            title: Some(study.name.as_str()),
        });
        (notes, Some(study))
    }

    /// An inpatient stay's notes in the order they are drawn: H&P, operative and
    /// pathology reports, progress notes, a consult, a nursing note, the discharge
    /// summary.
    fn inpatient_notes(&mut self, plan: &Plan, stay: &Stay, recent: bool) -> Vec<Note<'static>> {
        let attending = plan.attending;
        let mut notes = Vec::new();
        notes.extend(self.history_and_physical(attending, stay, recent));
        if let Some(p) = plan.procedure {
            let op_time = stay.admit + Duration::minutes(self.rng.random_range(120..1440));
            notes.push(Note {
                kind: NoteKind::Operative,
                time: op_time,
                author: attending,
                cosigner: None,
                title: Some(p.name.as_str()),
            });
            notes.extend(self.pathology_report(p, 0.8, op_time + Duration::days(2)));
        }
        let progress = (stay.length_of_stay() - 1).clamp(0, 3);
        for day in 1..=progress {
            let (author, cosigner) = self.author_for(plan.specialty, attending, 0.3);
            let time = self.time_on((stay.admit + Duration::days(day)).date(), 7, 12);
            notes.push(Note {
                kind: NoteKind::Progress,
                time,
                author,
                cosigner,
                title: None,
            });
        }
        notes.extend(self.inpatient_consult(stay));
        if self.rng.random_bool(0.2) {
            notes.push(Note {
                kind: NoteKind::Nursing,
                time: stay.admit + Duration::hours(self.rng.random_range(2..20)),
                author: None,
                cosigner: None,
                title: None,
            });
        }
        notes.extend(self.discharge_summary(plan, stay, recent));
        notes
    }

    /// The admission H&P, except that a recent stay sometimes lacks it: work for chart
    /// analysts (a missing-H&P deficiency).
    fn history_and_physical(
        &mut self,
        attending: Option<ProviderId>,
        stay: &Stay,
        recent: bool,
    ) -> Option<Note<'static>> {
        if recent && self.rng.random_bool(0.05) {
            return None;
        }
        Some(Note {
            kind: NoteKind::HistoryAndPhysical,
            time: stay.admit + Duration::minutes(self.rng.random_range(30..600)),
            author: attending,
            cosigner: None,
            title: None,
        })
    }

    /// The discharge summary: none while the patient is in house, and a recent
    /// discharge sometimes lacks it (a missing-summary deficiency).
    fn discharge_summary(
        &mut self,
        plan: &Plan,
        stay: &Stay,
        recent: bool,
    ) -> Option<Note<'static>> {
        if stay.in_house || (recent && self.rng.random_bool(0.15)) {
            return None;
        }
        let (author, cosigner) = self.author_for(plan.specialty, plan.attending, 0.2);
        Some(Note {
            kind: NoteKind::Discharge,
            time: stay.discharge,
            author,
            cosigner,
            title: None,
        })
    }

    /// Sometimes a consultant of another service sees the inpatient.
    fn inpatient_consult(&mut self, stay: &Stay) -> Option<Note<'static>> {
        if !self.rng.random_bool(0.25) {
            return None;
        }
        let consultant_specialty = [
            Specialty::Cardiology,
            Specialty::Pulmonology,
            Specialty::Neurology,
            Specialty::Gastroenterology,
        ][self.rng.random_range(0..4)];
        let consultant = self
            .providers
            .physician(consultant_specialty, &mut self.rng);
        Some(Note {
            kind: NoteKind::Consult,
            time: stay.admit + Duration::hours(self.rng.random_range(6..40)),
            author: consultant,
            cosigner: None,
            title: None,
        })
    }

    /// The pathology report of a procedure's specimen, sent with probability `share`.
    fn pathology_report(
        &mut self,
        procedure: &Procedure,
        share: f64,
        time: NaiveDateTime,
    ) -> Option<Note<'static>> {
        // No draw without a specimen.
        if procedure.specimen == "none" || !self.rng.random_bool(share) {
            return None;
        }
        let pathologist = self
            .providers
            .physician(Specialty::Pathology, &mut self.rng);
        Some(Note {
            kind: NoteKind::Pathology,
            time,
            author: pathologist,
            cosigner: None,
            title: None,
        })
    }

    /// The one note of an office visit or outpatient consult, at its end.
    fn visit_note(
        &mut self,
        kind: NoteKind,
        specialty: Specialty,
        attending: Option<ProviderId>,
        stay: &Stay,
    ) -> Note<'static> {
        let (author, cosigner) = self.author_for(specialty, attending, 0.2);
        Note {
            kind,
            time: stay.discharge,
            author,
            cosigner,
            title: None,
        }
    }

    /// A problem that fits the patient (no prenatal visits for men, no well-child
    /// visits for adults).
    fn suitable_problem(&mut self, setting: Setting, age: i32, sex: Sex) -> &'static Problem {
        let templates = self.templates;
        let mut problem = templates.problem(setting, &mut self.rng);
        for _ in 0..8 {
            let a = problem.assessment.as_str();
            let fits = !(a.starts_with("Prenatal")
                && !(sex == Sex::Female && (16..=46).contains(&age)))
                && !(a.starts_with("Well-child") && age >= 18)
                && !(age < 18
                    && setting == Setting::Clinic
                    && !a.starts_with("Well-child")
                    && self.rng.random_bool(0.6));
            if fits {
                break;
            }
            problem = templates.problem(setting, &mut self.rng);
        }
        problem
    }

    /// The note's author: the attending, or sometimes an APP of the service whose
    /// note the attending co-signs.
    fn author_for(
        &mut self,
        specialty: Specialty,
        attending: Option<ProviderId>,
        app_share: f64,
    ) -> (Option<ProviderId>, Option<ProviderId>) {
        if self.rng.random_bool(app_share) {
            if let Some(app) = self.providers.app(specialty, &mut self.rng) {
                return (Some(app), attending);
            }
        }
        (attending, None)
    }

    #[allow(clippy::too_many_arguments)]
    fn write_notes<S: Sink>(
        &mut self,
        sink: &mut S,
        patient: &Patient,
        encounter: &Encounter,
        notes: Vec<Note<'_>>,
        problem: &Problem,
        chronic: &[&Chronic],
        allergy: &str,
        procedure: Option<&Procedure>,
        study: Option<&Study>,
        los: i64,
        ward: &str,
    ) -> Result<(), GenerateError> {
        let templates = self.templates;
        let age = patient.age_on(encounter.admit.date());
        let now = self.as_of.and_time(NaiveTime::MIN) + Duration::days(1);
        for (index, note) in notes.into_iter().enumerate() {
            // In-house stays have no notes from the future yet.
            if note.time >= now {
                continue;
            }
            let recent =
                (self.as_of.and_time(NaiveTime::MIN) - note.time).num_days() <= RECENT_DAYS;
            let signature = match (note.author, note.cosigner) {
                (None, _) => SignatureStatus::Signed,
                (Some(_), Some(_)) => {
                    if recent && self.rng.random_bool(0.6) || self.rng.random_bool(0.03) {
                        SignatureStatus::AwaitingCosignature
                    } else {
                        SignatureStatus::Cosigned
                    }
                }
                (Some(_), None) => {
                    if recent && self.rng.random_bool(0.35) || self.rng.random_bool(0.015) {
                        SignatureStatus::Unsigned
                    } else {
                        SignatureStatus::Signed
                    }
                }
            };
            let signature = self.window_signature(encounter, index, note.author, signature);
            let author_line = self.author_line(note.author, note.cosigner, signature, note.time);
            let day = (note.time - encounter.admit).num_days() + 1;
            let ctx = NoteContext {
                age,
                sex: patient.sex,
                problem,
                chronic,
                allergy,
                procedure,
                study,
                length_of_stay: los,
                day,
                ward,
                author_line: &author_line,
            };
            let mut text = String::with_capacity(640);
            templates.render(note.kind, &ctx, &mut self.rng, &mut text);
            // Left out after its draws, so the rest of the stream stays as it was.
            if self.note_missing(encounter, index, note.kind) {
                self.report.missing_notes += 1;
                continue;
            }
            let doc_type = doc_type(note.kind);
            let title = match note.title {
                Some(t) => format!("{}: {t}", doc_type.label()),
                None => doc_type.label().to_string(),
            };
            let document = Document {
                id: sink.next_document_id()?,
                patient: patient_id(patient),
                encounter: Some(encounter.id),
                doc_type,
                title,
                author: note.author,
                time: note.time,
                signature,
                text,
                offset_secs: 0,
                source_id: None,
                type_codes: Vec::new(),
                sensitivity: Vec::new(),
            };
            sink.put_document(&document)?;
            self.report.documents += 1;
            self.report.unsigned_documents += u64::from(matches!(
                signature,
                SignatureStatus::Unsigned | SignatureStatus::AwaitingCosignature
            ));
        }
        Ok(())
    }

    fn author_line(
        &self,
        author: Option<ProviderId>,
        cosigner: Option<ProviderId>,
        signature: SignatureStatus,
        time: NaiveDateTime,
    ) -> String {
        let Some(author) = author else {
            return String::new();
        };
        let name = self.providers.name(author);
        let when = time.format("%m/%d/%Y %H:%M");
        let cosigner = cosigner
            .map(|c| self.providers.name(c))
            .unwrap_or("the attending");
        match signature {
            SignatureStatus::Unsigned => format!("Dictated by {name}; not yet signed."),
            SignatureStatus::Signed => format!("Electronically signed by {name} on {when}."),
            SignatureStatus::AwaitingCosignature => {
                format!("Electronically signed by {name} on {when}. Awaiting co-signature by {cosigner}.")
            }
            SignatureStatus::Cosigned => {
                format!("Electronically signed by {name} on {when}. Co-signed by {cosigner}.")
            }
        }
    }
}

fn patient_id(patient: &Patient) -> PatientId {
    patient.id
}

fn doc_type(kind: NoteKind) -> DocumentType {
    match kind {
        NoteKind::HistoryAndPhysical => DocumentType::HistoryAndPhysical,
        NoteKind::Progress | NoteKind::Office => DocumentType::ProgressNote,
        NoteKind::Discharge => DocumentType::DischargeSummary,
        NoteKind::Operative => DocumentType::OperativeReport,
        NoteKind::Consult => DocumentType::Consultation,
        NoteKind::Procedure => DocumentType::ProcedureNote,
        NoteKind::Radiology => DocumentType::RadiologyReport,
        NoteKind::Pathology => DocumentType::PathologyReport,
        NoteKind::Emergency => DocumentType::EmergencyNote,
        NoteKind::Nursing => DocumentType::NursingNote,
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
