//! The four CSV files of an extract. Every value written is either a study id, a year,
//! an age, a code from a closed list (sex, class, document type, signature, state) or a
//! clinical code (conditions): no free text, no full date, no identifier. What each
//! patient could be recognised by goes into the self-check's needles as it is read.

use super::DeidOptions;
use crate::{Result, ServiceError};
use chartroom_domain::research::{age_columns, state_code, study_id, zip3, Needles, StudyKind};
use chartroom_domain::{
    Document, DocumentType, Encounter, EncounterClass, Patient, SignatureStatus,
};
use chartroom_store::ReadTx;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeSet, HashSet};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub(super) const PATIENTS_HEADER: &str =
    "study_patient_id,sex,birth_year,age,deceased,death_year,state,zip3";
pub(super) const ENCOUNTERS_HEADER: &str = "study_encounter_id,study_patient_id,class,admit_year,discharge_year,attending_study_id,organisation_study_id";
pub(super) const DIAGNOSES_HEADER: &str = "study_patient_id,study_encounter_id,code";
pub(super) const DOCUMENTS_HEADER: &str =
    "study_document_id,study_patient_id,study_encounter_id,doc_type,year,author_study_id,signature";

/// What was written.
pub(super) struct Written {
    pub files: Vec<PathBuf>,
    pub charts: u64,
    pub encounters: u64,
    pub diagnoses: u64,
    pub documents: u64,
}

/// The document type as a column value: words, never an abbreviation that could be a
/// name (`ed`, `hp`).
fn doc_type(t: DocumentType) -> &'static str {
    match t {
        DocumentType::HistoryAndPhysical => "history_physical",
        DocumentType::ProgressNote => "progress",
        DocumentType::DischargeSummary => "discharge_summary",
        DocumentType::OperativeReport => "operative",
        DocumentType::Consultation => "consultation",
        DocumentType::ProcedureNote => "procedure",
        DocumentType::RadiologyReport => "radiology",
        DocumentType::PathologyReport => "pathology",
        DocumentType::EmergencyNote => "emergency",
        DocumentType::NursingNote => "nursing",
        DocumentType::Other => "other",
    }
}

fn signature(s: SignatureStatus) -> &'static str {
    match s {
        SignatureStatus::Unsigned => "unsigned",
        SignatureStatus::Signed => "signed",
        SignatureStatus::AwaitingCosignature => "awaiting_cosignature",
        SignatureStatus::Cosigned => "cosigned",
    }
}

/// Everything the extract writes by itself, so the self-check never mistakes it for a
/// name (a patient called Ed, a family called Signed).
fn allow_vocabulary(needles: &mut Needles) {
    for header in [
        PATIENTS_HEADER,
        ENCOUNTERS_HEADER,
        DIAGNOSES_HEADER,
        DOCUMENTS_HEADER,
    ] {
        needles.allow(header);
    }
    for t in DocumentType::ALL {
        needles.allow(doc_type(t));
    }
    for s in [
        SignatureStatus::Unsigned,
        SignatureStatus::Signed,
        SignatureStatus::AwaitingCosignature,
        SignatureStatus::Cosigned,
    ] {
        needles.allow(signature(s));
    }
    for c in [
        EncounterClass::Inpatient,
        EncounterClass::Outpatient,
        EncounterClass::Emergency,
        EncounterClass::Ambulatory,
    ] {
        needles.allow(c.label());
    }
    for word in ["yes", "no", "90"] {
        needles.allow(word);
    }
    for code in chartroom_domain::research::safe_harbor::state_codes() {
        needles.allow(code);
    }
}

/// A CSV field: quoted when it holds a comma, quote or line break.
fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

struct CsvOut {
    path: PathBuf,
    writer: BufWriter<std::fs::File>,
}

impl CsvOut {
    fn create(dir: &Path, name: &str, header: &str, files: &mut Vec<PathBuf>) -> Result<CsvOut> {
        let path = dir.join(name);
        let file = std::fs::File::create(&path).map_err(|e| io_error(&path, &e))?;
        files.push(path.clone());
        let mut out = CsvOut {
            path,
            writer: BufWriter::new(file),
        };
        out.line(header)?;
        Ok(out)
    }

    fn line(&mut self, line: &str) -> Result<()> {
        writeln!(self.writer, "{line}").map_err(|e| io_error(&self.path, &e))
    }

    fn row(&mut self, fields: &[&str]) -> Result<()> {
        let line: Vec<String> = fields.iter().map(|f| field(f)).collect();
        self.line(&line.join(","))
    }

    fn finish(mut self) -> Result<()> {
        self.writer.flush().map_err(|e| io_error(&self.path, &e))
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> ServiceError {
    ServiceError::Invalid {
        what: "extract file",
        reason: format!("{}: {e}", path.display()),
    }
}

fn in_range(date: NaiveDate, options: &DeidOptions) -> bool {
    options.from.is_none_or(|f| date >= f) && options.to.is_none_or(|t| date <= t)
}

/// The four files' writers and the study-id key.
struct Extract<'a> {
    key: &'a [u8; 32],
    patients: CsvOut,
    encounters: CsvOut,
    diagnoses: CsvOut,
    documents: CsvOut,
    seen_patient_ids: HashSet<String>,
    counts: [u64; 4],
}

impl Extract<'_> {
    fn id(&self, kind: StudyKind, what: &str) -> String {
        study_id(self.key, kind, what)
    }

    fn patient(&mut self, p: &Patient, today: NaiveDate) -> Result<String> {
        let sid = self.id(StudyKind::Patient, &p.id.0.to_string());
        if !self.seen_patient_ids.insert(sid.clone()) {
            return Err(ServiceError::Invalid {
                what: "study ids",
                reason: "two charts drew the same study id; run the export again".into(),
            });
        }
        let (age, birth_year) = age_columns(p.dob, today);
        let birth_year = birth_year.map(|y| y.to_string()).unwrap_or_default();
        let deceased = if p.flags.deceased.is_some() {
            "yes"
        } else {
            "no"
        };
        let death_year = p
            .flags
            .deceased
            .map(|d| d.year().to_string())
            .unwrap_or_default();
        let (state, zip) = match &p.address {
            Some(a) => (state_code(&a.state), zip3(&a.zip)),
            None => ("", "000".to_string()),
        };
        let sex = p.sex.letter().to_string();
        self.patients.row(&[
            &sid,
            &sex,
            &birth_year,
            &age,
            deceased,
            &death_year,
            state,
            &zip,
        ])?;
        self.counts[0] += 1;
        Ok(sid)
    }

    fn encounter(&mut self, e: &Encounter, patient: &str, codes: &[String]) -> Result<()> {
        let sid = self.id(StudyKind::Encounter, &e.id.0.to_string());
        let admit = e.admit.date().year().to_string();
        let discharge = e
            .discharge_date()
            .map(|d| d.year().to_string())
            .unwrap_or_default();
        let attending = e
            .attending
            .map(|a| self.id(StudyKind::Provider, &a.0.to_string()))
            .unwrap_or_default();
        let organisation = Some(e.location.trim())
            .filter(|l| !l.is_empty())
            .map(|l| self.id(StudyKind::Organisation, &l.to_lowercase()))
            .unwrap_or_default();
        self.encounters.row(&[
            &sid,
            patient,
            e.class.label(),
            &admit,
            &discharge,
            &attending,
            &organisation,
        ])?;
        self.counts[1] += 1;
        for code in codes {
            self.diagnoses.row(&[patient, &sid, code])?;
            self.counts[2] += 1;
        }
        Ok(())
    }

    fn document(&mut self, d: &Document, patient: &str) -> Result<()> {
        let sid = self.id(StudyKind::Document, &d.id.0.to_string());
        let encounter = d
            .encounter
            .map(|e| self.id(StudyKind::Encounter, &e.0.to_string()))
            .unwrap_or_default();
        let author = d
            .author
            .map(|a| self.id(StudyKind::Provider, &a.0.to_string()))
            .unwrap_or_default();
        let year = d.local_date().year().to_string();
        self.documents.row(&[
            &sid,
            patient,
            &encounter,
            doc_type(d.doc_type),
            &year,
            &author,
            signature(d.signature),
        ])?;
        self.counts[3] += 1;
        Ok(())
    }
}

/// Every identifier of a chart's care the self-check looks for besides the patient's.
fn add_care_needles(needles: &mut Needles, encounters: &[Encounter], documents: &[Document]) {
    for e in encounters {
        needles.add_source_id(&e.number);
        if let Some(s) = &e.source_id {
            needles.add_source_id(s);
        }
        needles.add_date(e.admit.date());
        if let Some(d) = e.discharge_date() {
            needles.add_date(d);
        }
    }
    for d in documents {
        if let Some(s) = &d.source_id {
            needles.add_source_id(s);
        }
        needles.add_date(d.local_date());
    }
}

/// Writes the four files; `files` lists every file created so far (to delete on error).
pub(super) fn write_tables(
    read: &ReadTx,
    out: &Path,
    key: &[u8; 32],
    today: NaiveDate,
    options: &DeidOptions,
    needles: &mut Needles,
    files: &mut Vec<PathBuf>,
) -> Result<Written> {
    allow_vocabulary(needles);
    let mut x = Extract {
        key,
        patients: CsvOut::create(out, "patients.csv", PATIENTS_HEADER, files)?,
        encounters: CsvOut::create(out, "encounters.csv", ENCOUNTERS_HEADER, files)?,
        diagnoses: CsvOut::create(out, "diagnoses.csv", DIAGNOSES_HEADER, files)?,
        documents: CsvOut::create(out, "documents.csv", DOCUMENTS_HEADER, files)?,
        seen_patient_ids: HashSet::new(),
        counts: [0; 4],
    };
    let ranged = options.from.is_some() || options.to.is_some();
    for patient in read.patients()? {
        let patient = patient?;
        // A retired duplicate is the same person as its survivor: its care is exported
        // under the survivor's study id, never as a second person.
        if read.merge_of(patient.id)?.is_some_and(|m| m.active()) {
            continue;
        }
        let mut charts = vec![patient.id];
        charts.extend(read.merged_into(patient.id)?);
        let mut encounters = Vec::new();
        let mut documents = Vec::new();
        let mut people = Vec::new();
        for id in charts {
            let Some(chart) = read.patient(id)? else {
                continue;
            };
            encounters.extend(
                read.encounters_of(id)?
                    .into_iter()
                    .filter(|e| in_range(e.admit.date(), options)),
            );
            documents.extend(
                read.documents_of(id)?
                    .into_iter()
                    .filter(|d| in_range(d.local_date(), options)),
            );
            people.push(chart);
        }
        if ranged && encounters.is_empty() && documents.is_empty() {
            continue;
        }
        for p in &people {
            needles.add_patient(p);
        }
        add_care_needles(needles, &encounters, &documents);
        let sid = x.patient(&patient, today)?;
        for e in &encounters {
            let codes: BTreeSet<String> = read
                .encounter_conditions(e.id)?
                .into_values()
                .flatten()
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect();
            let codes: Vec<String> = codes.into_iter().collect();
            x.encounter(e, &sid, &codes)?;
        }
        for d in &documents {
            x.document(d, &sid)?;
        }
    }
    let counts = x.counts;
    for f in [x.patients, x.encounters, x.diagnoses, x.documents] {
        f.finish()?;
    }
    Ok(Written {
        files: Vec::new(),
        charts: counts[0],
        encounters: counts[1],
        diagnoses: counts[2],
        documents: counts[3],
    })
}
