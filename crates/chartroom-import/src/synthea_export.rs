//! Export to Synthea v3 CSV (patients, encounters, providers, organizations): the
//! round trip partner of the importer, and how benchmarks and the search evaluation
//! get a large population in exactly the shape real Synthea exports have.

use super::synthea::{DRIVERS_LICENSE_SYSTEM, PASSPORT_SYSTEM};
use chartroom_domain::{EncounterClass, NameKind, Patient, Sex};
use chartroom_store::{ReadTx, StoreError};
use derived_id::uuid_from;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: csv::Error },
    #[error("cannot create {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How Synthea-like the names should look.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExportOptions {
    /// Append Synthea's digits to name parts (`Alva958 Dickinson688`).
    pub synthea_name_digits: bool,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ExportReport {
    pub patients: u64,
    pub encounters: u64,
    pub providers: u64,
}

const ORGANIZATION_ID: &str = "c4a7e0f2-0000-4000-8000-000000000001";

const PATIENT_HEADER: [&str; 25] = [
    "Id",
    "BIRTHDATE",
    "DEATHDATE",
    "SSN",
    "DRIVERS",
    "PASSPORT",
    "PREFIX",
    "FIRST",
    "LAST",
    "SUFFIX",
    "MAIDEN",
    "MARITAL",
    "RACE",
    "ETHNICITY",
    "GENDER",
    "BIRTHPLACE",
    "ADDRESS",
    "CITY",
    "STATE",
    "COUNTY",
    "ZIP",
    "LAT",
    "LON",
    "HEALTHCARE_EXPENSES",
    "HEALTHCARE_COVERAGE",
];
const ENCOUNTER_HEADER: [&str; 15] = [
    "Id",
    "START",
    "STOP",
    "PATIENT",
    "ORGANIZATION",
    "PROVIDER",
    "PAYER",
    "ENCOUNTERCLASS",
    "CODE",
    "DESCRIPTION",
    "BASE_ENCOUNTER_COST",
    "TOTAL_CLAIM_COST",
    "PAYER_COVERAGE",
    "REASONCODE",
    "REASONDESCRIPTION",
];
const PROVIDER_HEADER: [&str; 12] = [
    "Id",
    "ORGANIZATION",
    "NAME",
    "GENDER",
    "SPECIALITY",
    "ADDRESS",
    "CITY",
    "STATE",
    "ZIP",
    "LAT",
    "LON",
    "UTILIZATION",
];
const ORGANIZATION_HEADER: [&str; 11] = [
    "Id",
    "NAME",
    "ADDRESS",
    "CITY",
    "STATE",
    "ZIP",
    "LAT",
    "LON",
    "PHONE",
    "REVENUE",
    "UTILIZATION",
];

struct CsvFile {
    path: PathBuf,
    writer: csv::Writer<BufWriter<File>>,
}

impl CsvFile {
    fn create(dir: &Path, name: &str, header: &[&str]) -> Result<CsvFile, ExportError> {
        let path = dir.join(name);
        let file = File::create(&path).map_err(|source| ExportError::Create {
            path: path.clone(),
            source,
        })?;
        let mut out = CsvFile {
            path,
            writer: csv::Writer::from_writer(BufWriter::new(file)),
        };
        out.row(header)?;
        Ok(out)
    }

    fn row<I, T>(&mut self, fields: I) -> Result<(), ExportError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.writer
            .write_record(fields)
            .map_err(|source| ExportError::Write {
                path: self.path.clone(),
                source,
            })
    }

    fn finish(mut self) -> Result<(), ExportError> {
        self.writer.flush().map_err(|source| ExportError::Create {
            path: self.path.clone(),
            source,
        })
    }
}

/// A stable, UUID-shaped id for rows that came without a source id.
mod derived_id {
    /// Formats 128 bits derived from `(kind, n)` as a UUID (splitmix64 mixing: stable
    /// across runs and platforms, no randomness needed).
    pub fn uuid_from(kind: u64, n: u64) -> String {
        let mix = |mut z: u64| {
            z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let hi = mix(kind.wrapping_mul(0x1000_0000_01B3) ^ n);
        let lo = mix(hi ^ n.rotate_left(17));
        let h = format!("{hi:016x}{lo:016x}");
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }
}

fn with_digits(name: &str, seed: u64, enabled: bool) -> String {
    if !enabled || name.is_empty() {
        return name.to_string();
    }
    format!("{name}{}", seed % 997 + 1)
}

/// The patient's identifier in `system`, or empty.
fn identifier(p: &Patient, system: &str) -> String {
    p.identifiers
        .iter()
        .find(|i| i.system == system)
        .map(|i| i.value.clone())
        .unwrap_or_default()
}

fn patient_source_id(p: &Patient) -> String {
    p.identifiers
        .iter()
        .find(|i| i.system == "synthea")
        .map(|i| i.value.clone())
        .unwrap_or_else(|| uuid_from(1, p.id.0))
}

fn class_code(class: EncounterClass) -> &'static str {
    match class {
        EncounterClass::Inpatient => "inpatient",
        EncounterClass::Outpatient => "outpatient",
        EncounterClass::Emergency => "emergency",
        EncounterClass::Ambulatory => "ambulatory",
    }
}

/// Writes the four CSV files into `out_dir` (created if needed).
pub fn export_synthea_csv(
    read: &ReadTx,
    out_dir: &Path,
    options: ExportOptions,
) -> Result<ExportReport, ExportError> {
    std::fs::create_dir_all(out_dir).map_err(|source| ExportError::Create {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let mut report = ExportReport::default();

    let mut orgs = CsvFile::create(out_dir, "organizations.csv", &ORGANIZATION_HEADER)?;
    orgs.row([
        ORGANIZATION_ID,
        "CHARTROOM GENERAL HOSPITAL",
        "1 HOSPITAL WAY",
        "SPRINGFIELD",
        "MA",
        "01101",
        "42.1",
        "-72.5",
        "4135550100",
        "0.0",
        "0",
    ])?;
    orgs.finish()?;

    let mut providers = CsvFile::create(out_dir, "providers.csv", &PROVIDER_HEADER)?;
    let mut provider_ids = std::collections::HashMap::new();
    for provider in read.providers()? {
        let id = provider
            .source_id
            .clone()
            .unwrap_or_else(|| uuid_from(2, provider.id.0));
        providers.row([
            id.as_str(),
            ORGANIZATION_ID,
            provider.name.as_str(),
            "U",
            provider.specialty.to_uppercase().as_str(),
            "1 HOSPITAL WAY",
            "SPRINGFIELD",
            "MA",
            "01101",
            "42.1",
            "-72.5",
            "0",
        ])?;
        provider_ids.insert(provider.id, id);
        report.providers += 1;
    }
    providers.finish()?;

    let mut patients = CsvFile::create(out_dir, "patients.csv", &PATIENT_HEADER)?;
    let mut encounters = CsvFile::create(out_dir, "encounters.csv", &ENCOUNTER_HEADER)?;
    for patient in read.patients()? {
        let p = patient?;
        let id = patient_source_id(&p);
        let digits = options.synthea_name_digits;
        let maiden = p
            .other_names
            .iter()
            .find(|n| matches!(n.kind, NameKind::Maiden | NameKind::Previous))
            .map(|n| with_digits(&n.name.family, p.id.0 + 7, digits))
            .unwrap_or_default();
        let address = p.address.clone().unwrap_or_default();
        let gender = match p.sex {
            Sex::Female => "F",
            _ => "M",
        };
        let first = match &p.name.middle {
            // Synthea v3.0 has no MIDDLE column; later versions put it after FIRST.
            Some(m) if !m.is_empty() => {
                format!("{} {m}", with_digits(&p.name.given, p.id.0, digits))
            }
            _ => with_digits(&p.name.given, p.id.0, digits),
        };
        patients.row([
            id.clone(),
            p.dob.format("%Y-%m-%d").to_string(),
            p.flags
                .deceased
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            p.ssn.as_ref().map(|s| s.dashed()).unwrap_or_default(),
            identifier(&p, DRIVERS_LICENSE_SYSTEM),
            identifier(&p, PASSPORT_SYSTEM),
            p.name.prefix.clone().unwrap_or_default(),
            first,
            with_digits(&p.name.family, p.id.0 + 3, digits),
            p.name.suffix.clone().unwrap_or_default(),
            maiden,
            String::new(),
            String::new(),
            String::new(),
            gender.to_string(),
            String::new(),
            address.line,
            address.city,
            address.state,
            String::new(),
            address.zip,
            String::new(),
            String::new(),
            "0".into(),
            "0".into(),
        ])?;
        report.patients += 1;
        for e in read.encounters_of(p.id)? {
            let provider = e
                .attending
                .and_then(|a| provider_ids.get(&a).cloned())
                .unwrap_or_default();
            let eid = e.source_id.clone().unwrap_or_else(|| uuid_from(3, e.id.0));
            encounters.row([
                eid,
                e.admit.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                e.discharge
                    .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                    .unwrap_or_default(),
                id.clone(),
                ORGANIZATION_ID.to_string(),
                provider,
                String::new(),
                class_code(e.class).to_string(),
                String::new(),
                e.reason.clone(),
                "0".into(),
                "0".into(),
                "0".into(),
                String::new(),
                String::new(),
            ])?;
            report.encounters += 1;
        }
    }
    patients.finish()?;
    encounters.finish()?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::derived_id::uuid_from;

    #[test]
    fn derived_ids_are_stable_uuid_shaped_and_distinct() {
        let a = uuid_from(1, 42);
        assert_eq!(a, uuid_from(1, 42));
        assert_ne!(a, uuid_from(1, 43));
        assert_ne!(a, uuid_from(3, 42));
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
    }
}
