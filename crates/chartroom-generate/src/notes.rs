//! Clinical note text from the templates in demo-data/note-templates.txt.
//!
//! Templates are parsed once into literal pieces and slots, so rendering a note is a
//! few string pushes: cheap enough for millions of notes.

use super::DataError;
use chartroom_domain::Sex;
use rand::Rng;
use std::collections::HashMap;
use std::sync::OnceLock;

const FILE: &str = "note-templates.txt";
const TEXT: &str = include_str!("../../../demo-data/note-templates.txt");

/// Where a problem is seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Setting {
    Emergency,
    Inpatient,
    Clinic,
}

pub(crate) struct Problem {
    pub assessment: String,
    pub complaint: String,
    pub history: String,
    pub exam: String,
    pub plan: String,
    pub medication: String,
}

pub(crate) struct Procedure {
    /// `surgery`, `orthopedics`, `obgyn` or `gi`.
    pub service: String,
    pub name: String,
    pub indication: String,
    pub findings: String,
    pub specimen: String,
}

pub(crate) struct Study {
    pub name: String,
    pub impression: String,
}

pub(crate) struct Chronic {
    pub condition: String,
    pub medication: String,
}

/// The note kinds with a template (`[template CODE]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum NoteKind {
    HistoryAndPhysical,
    Progress,
    Discharge,
    Operative,
    Consult,
    Procedure,
    Radiology,
    Pathology,
    Emergency,
    Office,
    Nursing,
}

impl NoteKind {
    const ALL: [NoteKind; 11] = [
        NoteKind::HistoryAndPhysical,
        NoteKind::Progress,
        NoteKind::Discharge,
        NoteKind::Operative,
        NoteKind::Consult,
        NoteKind::Procedure,
        NoteKind::Radiology,
        NoteKind::Pathology,
        NoteKind::Emergency,
        NoteKind::Office,
        NoteKind::Nursing,
    ];

    fn code(self) -> &'static str {
        match self {
            NoteKind::HistoryAndPhysical => "hp",
            NoteKind::Progress => "progress",
            NoteKind::Discharge => "discharge",
            NoteKind::Operative => "operative",
            NoteKind::Consult => "consult",
            NoteKind::Procedure => "procedure",
            NoteKind::Radiology => "radiology",
            NoteKind::Pathology => "pathology",
            NoteKind::Emergency => "ed",
            NoteKind::Office => "office",
            NoteKind::Nursing => "nursing",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Age,
    Sex,
    Complaint,
    History,
    Duration,
    PastHistory,
    Medications,
    Allergies,
    Vitals,
    Exam,
    Problem,
    Plan,
    Medication,
    Procedure,
    Indication,
    Findings,
    Study,
    Impression,
    LengthOfStay,
    Day,
    Disposition,
    Followup,
    Author,
    BloodLoss,
    Specimen,
    Diagnosis,
    Subjective,
    Trend,
    Remaining,
    DischargeTo,
    Anesthesia,
    EdDisposition,
    Pain,
    Comfort,
}

const SLOTS: &[(&str, Slot)] = &[
    ("age", Slot::Age),
    ("sex", Slot::Sex),
    ("cc", Slot::Complaint),
    ("history", Slot::History),
    ("duration", Slot::Duration),
    ("pmh", Slot::PastHistory),
    ("meds", Slot::Medications),
    ("allergies", Slot::Allergies),
    ("vitals", Slot::Vitals),
    ("exam", Slot::Exam),
    ("problem", Slot::Problem),
    ("plan", Slot::Plan),
    ("med", Slot::Medication),
    ("procedure", Slot::Procedure),
    ("indication", Slot::Indication),
    ("findings", Slot::Findings),
    ("study", Slot::Study),
    ("impression", Slot::Impression),
    ("los", Slot::LengthOfStay),
    ("day", Slot::Day),
    ("disposition", Slot::Disposition),
    ("followup", Slot::Followup),
    ("author", Slot::Author),
    ("ebl", Slot::BloodLoss),
    ("specimen", Slot::Specimen),
    ("diagnosis", Slot::Diagnosis),
    ("subjective", Slot::Subjective),
    ("trend", Slot::Trend),
    ("remaining", Slot::Remaining),
    ("discharge_to", Slot::DischargeTo),
    ("anesthesia", Slot::Anesthesia),
    ("ed_disposition", Slot::EdDisposition),
    ("pain", Slot::Pain),
    ("comfort", Slot::Comfort),
];

enum Piece {
    Text(String),
    Slot(Slot),
}

pub(crate) struct Templates {
    problems: HashMap<Setting, Vec<Problem>>,
    pub procedures: Vec<Procedure>,
    pub studies: Vec<Study>,
    pub chronic: Vec<Chronic>,
    pub allergies: Vec<String>,
    pathology: Vec<(String, String)>,
    templates: HashMap<NoteKind, Vec<Piece>>,
}

static TEMPLATES: OnceLock<Result<Templates, DataError>> = OnceLock::new();

pub(crate) fn templates() -> Result<&'static Templates, DataError> {
    TEMPLATES
        .get_or_init(|| parse(TEXT))
        .as_ref()
        .map_err(Clone::clone)
}

fn error(line: usize, reason: impl Into<String>) -> DataError {
    DataError {
        file: FILE,
        line,
        reason: reason.into(),
    }
}

fn fields(line: &str, count: usize, number: usize) -> Result<Vec<String>, DataError> {
    let parts: Vec<String> = line.split('|').map(|p| p.trim().to_string()).collect();
    if parts.len() != count {
        return Err(error(
            number,
            format!(
                "expected {count} fields separated by |, found {}",
                parts.len()
            ),
        ));
    }
    Ok(parts)
}

fn parse(text: &str) -> Result<Templates, DataError> {
    let mut out = Templates {
        problems: HashMap::new(),
        procedures: Vec::new(),
        studies: Vec::new(),
        chronic: Vec::new(),
        allergies: Vec::new(),
        pathology: Vec::new(),
        templates: HashMap::new(),
    };
    let mut section = String::new();
    let mut template: Option<(NoteKind, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim();
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            if let Some((kind, body)) = template.take() {
                out.templates
                    .insert(kind, compile(body.trim_end(), number)?);
            }
            section = trimmed[1..trimmed.len() - 1].trim().to_string();
            if let Some(code) = section.strip_prefix("template ") {
                let kind = NoteKind::ALL
                    .into_iter()
                    .find(|k| k.code() == code.trim())
                    .ok_or_else(|| error(number, format!("unknown template `{}`", code.trim())))?;
                template = Some((kind, String::new()));
            }
            continue;
        }
        if let Some((_, body)) = template.as_mut() {
            if !trimmed.starts_with('#') {
                body.push_str(line);
                body.push('\n');
            }
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match section.as_str() {
            "problem" => {
                let f = fields(trimmed, 7, number)?;
                let setting = match f[0].as_str() {
                    "ed" => Setting::Emergency,
                    "inpatient" => Setting::Inpatient,
                    "clinic" => Setting::Clinic,
                    other => return Err(error(number, format!("unknown setting `{other}`"))),
                };
                out.problems.entry(setting).or_default().push(Problem {
                    assessment: f[1].clone(),
                    complaint: f[2].clone(),
                    history: f[3].clone(),
                    exam: f[4].clone(),
                    plan: f[5].clone(),
                    medication: f[6].clone(),
                });
            }
            "procedure" => {
                let f = fields(trimmed, 5, number)?;
                out.procedures.push(Procedure {
                    service: f[0].clone(),
                    name: f[1].clone(),
                    indication: f[2].clone(),
                    findings: f[3].clone(),
                    specimen: f[4].clone(),
                });
            }
            "study" => {
                let f = fields(trimmed, 2, number)?;
                out.studies.push(Study {
                    name: f[0].clone(),
                    impression: f[1].clone(),
                });
            }
            "chronic" => {
                let f = fields(trimmed, 2, number)?;
                out.chronic.push(Chronic {
                    condition: f[0].clone(),
                    medication: f[1].clone(),
                });
            }
            "allergy" => out.allergies.push(trimmed.to_string()),
            "pathology" => {
                let f = fields(trimmed, 2, number)?;
                out.pathology.push((f[0].clone(), f[1].clone()));
            }
            other => {
                return Err(error(
                    number,
                    format!("line outside a known section (`{other}`)"),
                ))
            }
        }
    }
    if let Some((kind, body)) = template.take() {
        out.templates
            .insert(kind, compile(body.trim_end(), text.lines().count())?);
    }
    for kind in NoteKind::ALL {
        if !out.templates.contains_key(&kind) {
            return Err(error(0, format!("missing [template {}]", kind.code())));
        }
    }
    for setting in [Setting::Emergency, Setting::Inpatient, Setting::Clinic] {
        if out.problems.get(&setting).is_none_or(Vec::is_empty) {
            return Err(error(0, format!("no [problem] for setting {setting:?}")));
        }
    }
    if out.procedures.is_empty()
        || out.studies.is_empty()
        || out.chronic.is_empty()
        || out.allergies.is_empty()
    {
        return Err(error(
            0,
            "[procedure], [study], [chronic] and [allergy] need entries",
        ));
    }
    Ok(out)
}

fn compile(body: &str, line: usize) -> Result<Vec<Piece>, DataError> {
    let mut pieces = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            pieces.push(Piece::Text(rest[..open].to_string()));
        }
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| error(line, "a `{` without `}` in the template before this line"))?;
        let name = &after[..close];
        let slot = SLOTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
            .ok_or_else(|| {
                error(
                    line,
                    format!("unknown slot {{{name}}} in the template before this line"),
                )
            })?;
        pieces.push(Piece::Slot(slot));
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_string()));
    }
    Ok(pieces)
}

/// What a note is about: filled in by the encounter generator.
pub(crate) struct NoteContext<'a> {
    pub age: i32,
    pub sex: Sex,
    pub problem: &'a Problem,
    pub chronic: &'a [&'a Chronic],
    pub allergy: &'a str,
    pub procedure: Option<&'a Procedure>,
    pub study: Option<&'a Study>,
    pub length_of_stay: i64,
    pub day: i64,
    pub ward: &'a str,
    /// The signature line (`Electronically signed by ...`).
    pub author_line: &'a str,
}

impl Templates {
    pub(crate) fn problem<R: Rng + ?Sized>(&self, setting: Setting, rng: &mut R) -> &Problem {
        let list = &self.problems[&setting];
        &list[rng.random_range(0..list.len())]
    }

    pub(crate) fn procedure_for<R: Rng + ?Sized>(&self, service: &str, rng: &mut R) -> &Procedure {
        let matching: Vec<&Procedure> = self
            .procedures
            .iter()
            .filter(|p| p.service == service)
            .collect();
        if matching.is_empty() {
            &self.procedures[rng.random_range(0..self.procedures.len())]
        } else {
            matching[rng.random_range(0..matching.len())]
        }
    }

    pub(crate) fn study<R: Rng + ?Sized>(&self, rng: &mut R) -> &Study {
        &self.studies[rng.random_range(0..self.studies.len())]
    }

    fn diagnosis_for(&self, specimen: &str) -> &str {
        self.pathology
            .iter()
            .find(|(s, _)| s == specimen)
            .or_else(|| self.pathology.iter().find(|(s, _)| s == "default"))
            .map(|(_, d)| d.as_str())
            .unwrap_or("Benign tissue.")
    }

    /// Renders a note of `kind` into `out`.
    pub(crate) fn render<R: Rng + ?Sized>(
        &self,
        kind: NoteKind,
        ctx: &NoteContext<'_>,
        rng: &mut R,
        out: &mut String,
    ) {
        let Some(pieces) = self.templates.get(&kind) else {
            return;
        };
        for piece in pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Slot(slot) => self.fill(*slot, ctx, rng, out),
            }
        }
    }

    fn fill<R: Rng + ?Sized>(
        &self,
        slot: Slot,
        ctx: &NoteContext<'_>,
        rng: &mut R,
        out: &mut String,
    ) {
        use std::fmt::Write;
        let p = ctx.problem;
        // `write!` into a String cannot fail.
        let _ = match slot {
            Slot::Age => write!(out, "{}", ctx.age),
            Slot::Sex => {
                out.push_str(match (ctx.sex, ctx.age) {
                    (Sex::Female, a) if a < 18 => "girl",
                    (Sex::Male, a) if a < 18 => "boy",
                    (Sex::Female, _) => "woman",
                    (Sex::Male, _) => "man",
                    _ => "patient",
                });
                Ok(())
            }
            Slot::Complaint => push(out, &p.complaint),
            Slot::History => push(out, &p.history),
            Slot::Duration => push(
                out,
                [
                    "one day",
                    "two days",
                    "three days",
                    "a week",
                    "several hours",
                    "two weeks",
                ][rng.random_range(0..6)],
            ),
            Slot::PastHistory => {
                if ctx.chronic.is_empty() {
                    push(out, "none")
                } else {
                    join(out, ctx.chronic.iter().map(|c| c.condition.as_str()))
                }
            }
            Slot::Medications => {
                let meds: Vec<&str> = ctx
                    .chronic
                    .iter()
                    .map(|c| c.medication.as_str())
                    .filter(|m| *m != "none")
                    .collect();
                if meds.is_empty() {
                    push(out, "none")
                } else {
                    join(out, meds.into_iter())
                }
            }
            Slot::Allergies => push(out, ctx.allergy),
            Slot::Vitals => {
                let sys = rng.random_range(100..165);
                write!(
                    out,
                    "BP {}/{}, HR {}, RR {}, T {}.{} F, SpO2 {}% on room air",
                    sys,
                    sys - rng.random_range(30..60),
                    rng.random_range(58..118),
                    rng.random_range(12..24),
                    rng.random_range(97..101),
                    rng.random_range(0..10),
                    rng.random_range(90..101)
                )
            }
            Slot::Exam => push(out, &p.exam),
            Slot::Problem => push(out, &p.assessment),
            Slot::Plan => push(out, &p.plan),
            Slot::Medication => push(out, &p.medication),
            Slot::Procedure => push(
                out,
                ctx.procedure
                    .map_or("bedside procedure", |x| x.name.as_str()),
            ),
            Slot::Indication => push(
                out,
                ctx.procedure
                    .map_or(p.assessment.as_str(), |x| x.indication.as_str()),
            ),
            Slot::Findings => push(
                out,
                ctx.procedure.map_or("as expected", |x| x.findings.as_str()),
            ),
            Slot::Study => push(out, ctx.study.map_or("Imaging study", |s| s.name.as_str())),
            Slot::Impression => push(
                out,
                ctx.study
                    .map_or("No acute findings.", |s| s.impression.as_str()),
            ),
            Slot::LengthOfStay => match ctx.length_of_stay {
                1 => write!(out, "1 day"),
                n => write!(out, "{n} days"),
            },
            Slot::Day => write!(out, "{}", ctx.day),
            Slot::Disposition => push(out, ctx.ward),
            Slot::Followup => push(
                out,
                [
                    "primary care in 1 week",
                    "clinic in 2 weeks",
                    "primary care in 7-10 days",
                    "specialist in 4 weeks",
                    "as needed",
                ][rng.random_range(0..5)],
            ),
            Slot::Author => push(out, ctx.author_line),
            Slot::BloodLoss => write!(out, "{}", rng.random_range(1..40) * 10),
            Slot::Specimen => push(out, ctx.procedure.map_or("none", |x| x.specimen.as_str())),
            Slot::Diagnosis => push(
                out,
                self.diagnosis_for(ctx.procedure.map_or("default", |x| x.specimen.as_str())),
            ),
            Slot::Subjective => push(
                out,
                [
                    "feeling better",
                    "less short of breath",
                    "mild pain, controlled",
                    "no new complaints",
                    "poor sleep overnight",
                ][rng.random_range(0..5)],
            ),
            Slot::Trend => push(
                out,
                [
                    "improving",
                    "stable",
                    "slowly improving",
                    "improving, afebrile",
                ][rng.random_range(0..4)],
            ),
            Slot::Remaining => {
                let left = (ctx.length_of_stay - ctx.day).max(1);
                write!(out, "{left} day{}", if left == 1 { "" } else { "s" })
            }
            Slot::DischargeTo => push(
                out,
                [
                    "home",
                    "home",
                    "home with home health",
                    "skilled nursing facility",
                    "acute rehabilitation",
                ][rng.random_range(0..5)],
            ),
            Slot::Anesthesia => push(
                out,
                [
                    "general endotracheal",
                    "spinal",
                    "monitored anesthesia care",
                    "general",
                ][rng.random_range(0..4)],
            ),
            Slot::EdDisposition => push(
                out,
                [
                    "discharged home",
                    "discharged home",
                    "discharged home",
                    "admitted",
                    "observation",
                ][rng.random_range(0..5)],
            ),
            Slot::Pain => write!(out, "{}", rng.random_range(0..8)),
            Slot::Comfort => push(
                out,
                [
                    "repositioned",
                    "medicated per order",
                    "declined medication",
                    "family at bedside",
                ][rng.random_range(0..4)],
            ),
        };
    }
}

fn push(out: &mut String, text: &str) -> std::fmt::Result {
    out.push_str(text);
    Ok(())
}

fn join<'a>(out: &mut String, items: impl Iterator<Item = &'a str>) -> std::fmt::Result {
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn embedded_templates_parse_and_render_every_kind() {
        let t = templates().unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let chronic = [&t.chronic[0]];
        let ctx = NoteContext {
            age: 54,
            sex: Sex::Female,
            problem: t.problem(Setting::Inpatient, &mut rng),
            chronic: &chronic,
            allergy: &t.allergies[0],
            procedure: Some(&t.procedures[0]),
            study: Some(&t.studies[0]),
            length_of_stay: 4,
            day: 2,
            ward: "4 West Medical",
            author_line: "Electronically signed by Test Doctor, MD",
        };
        for kind in NoteKind::ALL {
            let mut out = String::new();
            t.render(kind, &ctx, &mut rng, &mut out);
            assert!(out.len() > 60, "{kind:?}: {out}");
            assert!(!out.contains('{'), "{kind:?}: {out}");
        }
    }

    #[test]
    fn bad_templates_name_the_line() {
        let err = parse("[problem]\ned | too few\n").err().unwrap();
        assert_eq!(err.line, 2);
        let err = parse("[template hp]\nHello {nope}\n[study]\n")
            .err()
            .unwrap();
        assert!(err.reason.contains("unknown slot {nope}"), "{err}");
    }
}
