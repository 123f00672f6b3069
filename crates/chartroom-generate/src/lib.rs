//! The demo population generator: the only user of rand, rand_chacha and indicatif.
//!
//! `generate` writes a realistic, deterministic hospital population into a store:
//! providers, a staff roster covering every role, patients drawn from census name
//! frequencies (with nicknames, look-alikes, suffix pairs, twins, married and hyphenated
//! names, particles and a few planted duplicate charts), encounters over several years
//! and their clinical notes. The same `seed` (and `as_of` date) gives the same data,
//! byte for byte: every choice comes from one ChaCha8 stream consumed in a fixed order.
//!
//! Writes go in batches of `batch_size` patients per write transaction. Everything the
//! generator produces passes through the [`Sink`] trait, implemented by the store's
//! `WriteTx` and, for unit tests, by an in-memory sink.

pub mod access_log;
// Public only so that benches/ can reach crate-private pieces; not part of the API.
#[doc(hidden)]
pub mod bench_support;
pub mod duplicate_eval;
mod encounters;
pub mod eval_queries;
mod loose_ends;
mod names;
mod notes;
mod places;
mod population;
mod progress;
mod roster;
mod sink;

pub use progress::{IndicatifProgress, NoProgress, Progress};

use chartroom_domain::{Mrn, PatientId};
use chartroom_store::{Store, StoreError};
use chrono::NaiveDate;
use population::Generator;
use std::time::{Duration, Instant};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Number of patient charts (planted duplicates and staff charts included).
    pub patients: u64,
    /// Seed of the ChaCha8 stream; the same seed and `as_of` give identical data.
    pub seed: u64,
    /// "Today" for the population: ages, encounter dates and in-house patients are
    /// relative to it. Fixed by default so a seed always means the same data; the CLI
    /// may pass the real date.
    pub as_of: NaiveDate,
    /// Patients per write transaction.
    pub batch_size: usize,
}

impl GenerateOptions {
    pub const DEFAULT_PATIENTS: u64 = 20_000;
    pub const DEFAULT_SEED: u64 = 1984;
    pub const DEFAULT_BATCH: usize = 10_000;

    /// The default `as_of` date (2026-11-01).
    pub fn default_as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default()
    }
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            patients: Self::DEFAULT_PATIENTS,
            seed: Self::DEFAULT_SEED,
            as_of: Self::default_as_of(),
            batch_size: Self::DEFAULT_BATCH,
        }
    }
}

/// How a planted duplicate chart differs from the original.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DuplicateChange {
    /// A typing slip in the last name.
    FamilyTypo,
    /// A typing slip in the first name.
    GivenTypo,
    /// Registered under the nickname (Bob for Robert).
    Nickname,
    /// Day and month of birth swapped (3/4 for 4/3).
    DobTransposed,
    /// Same name and birth date; registered without SSN or middle name.
    SameDetails,
}

impl DuplicateChange {
    pub fn label(self) -> &'static str {
        match self {
            DuplicateChange::FamilyTypo => "typo in last name",
            DuplicateChange::GivenTypo => "typo in first name",
            DuplicateChange::Nickname => "nickname as first name",
            DuplicateChange::DobTransposed => "day and month of birth swapped",
            DuplicateChange::SameDetails => "same details, no SSN",
        }
    }
}

/// One person registered twice (the answer key for duplicate detection).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlantedDuplicate {
    pub original: PatientId,
    pub original_mrn: Mrn,
    pub duplicate: PatientId,
    pub duplicate_mrn: Mrn,
    pub change: DuplicateChange,
}

/// What was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenerateReport {
    pub patients: u64,
    pub encounters: u64,
    pub documents: u64,
    pub providers: u64,
    pub users: u64,
    /// Staff users who also have a patient chart here (`staff_link`).
    pub staff_patients: u64,
    pub twin_pairs: u64,
    /// Father/son pairs sharing a name and address (Sr/Jr, II/III).
    pub suffix_pairs: u64,
    /// Look-alike pairs (Smith/Smyth, Jon/John) that are different people.
    pub lookalike_pairs: u64,
    /// Married names with the maiden name kept as an alternative name.
    pub married_names: u64,
    pub hyphenated_names: u64,
    /// Patients with a nickname on file as an alias.
    pub nickname_aliases: u64,
    pub deceased: u64,
    pub vip: u64,
    pub restricted: u64,
    pub sensitive: u64,
    /// Inpatients not yet discharged on `as_of`.
    pub in_house: u64,
    pub unsigned_documents: u64,
    /// Surgical procedures (inpatient operations).
    pub procedures: u64,
    /// Notes left out of recent charts (discharge summary, H&P, ED or operative note).
    pub missing_notes: u64,
    pub duplicates: Vec<PlantedDuplicate>,
    pub elapsed: Duration,
}

impl GenerateReport {
    /// Patients written per second of wall time.
    pub fn patients_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.patients as f64 / secs
        } else {
            0.0
        }
    }
}

impl std::fmt::Display for GenerateReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "generated {} patients, {} encounters, {} notes, {} providers, {} staff users in {:.1} s ({:.0} patients/s)",
            self.patients,
            self.encounters,
            self.documents,
            self.providers,
            self.users,
            self.elapsed.as_secs_f64(),
            self.patients_per_second()
        )?;
        writeln!(
            f,
            "  names: {} suffix pairs, {} twin pairs, {} look-alike pairs, {} married (maiden kept), {} hyphenated, {} nickname aliases",
            self.suffix_pairs, self.twin_pairs, self.lookalike_pairs, self.married_names, self.hyphenated_names, self.nickname_aliases
        )?;
        writeln!(
            f,
            "  flags: {} deceased, {} VIP, {} restricted, {} sensitive, {} staff with own chart; {} in house; {} notes unsigned or awaiting co-signature",
            self.deceased, self.vip, self.restricted, self.sensitive, self.staff_patients, self.in_house, self.unsigned_documents
        )?;
        writeln!(
            f,
            "  chart completion: {} surgical procedures, {} notes missing from recent charts",
            self.procedures, self.missing_notes
        )?;
        write!(f, "  planted duplicates: {}", self.duplicates.len())?;
        for d in self.duplicates.iter().take(10) {
            write!(
                f,
                "\n    MRN {} = MRN {} ({})",
                d.original_mrn,
                d.duplicate_mrn,
                d.change.label()
            )?;
        }
        if self.duplicates.len() > 10 {
            write!(f, "\n    ... and {} more", self.duplicates.len() - 10)?;
        }
        Ok(())
    }
}

/// A problem with the embedded demo data files.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("demo-data/{file} line {line}: {reason}")]
pub struct DataError {
    pub file: &'static str,
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("writing the demo population: {0}")]
    Store(#[from] StoreError),
    #[error("invalid options: {0}")]
    Options(String),
}

/// Writes a demo population into `store` (meant for an empty store: ids and MRNs come
/// from the store's counters, so a non-empty store gets the same people with other ids).
pub fn generate(
    store: &Store,
    options: &GenerateOptions,
    progress: &dyn Progress,
) -> Result<GenerateReport, GenerateError> {
    let started = Instant::now();
    validate(options)?;
    let mut generator = Generator::new(options)?;
    progress.begin(options.patients);

    let mut tx = store.write()?;
    generator.write_roster(&mut tx)?;
    tx.commit()?;

    // Batches skip the fsync (bulk mode); one sync at the end makes them all durable.
    while generator.remaining() > 0 {
        let mut tx = store.write()?;
        tx.set_bulk(true);
        let written = generator.write_batch(&mut tx, options.batch_size as u64)?;
        tx.commit()?;
        progress.advance(written);
    }
    store.sync()?;
    progress.finish();
    let mut report = generator.into_report();
    report.elapsed = started.elapsed();
    Ok(report)
}

fn validate(options: &GenerateOptions) -> Result<(), GenerateError> {
    if options.patients == 0 {
        return Err(GenerateError::Options(
            "the number of patients must be at least 1".into(),
        ));
    }
    if options.patients > u64::from(Mrn::MAX) / 2 {
        return Err(GenerateError::Options(format!(
            "at most {} patients fit the 8-digit MRN",
            Mrn::MAX / 2
        )));
    }
    if options.batch_size == 0 {
        return Err(GenerateError::Options(
            "the batch size must be at least 1".into(),
        ));
    }
    Ok(())
}

/// Runs the generator against an in-memory sink (tests and size estimates).
#[cfg(test)]
pub(crate) fn generate_in_memory(
    options: &GenerateOptions,
) -> Result<(sink::MemorySink, GenerateReport), GenerateError> {
    validate(options)?;
    let mut generator = Generator::new(options)?;
    let mut sink = sink::MemorySink::default();
    generator.write_roster(&mut sink)?;
    while generator.remaining() > 0 {
        generator.write_batch(&mut sink, options.batch_size as u64)?;
    }
    Ok((sink, generator.into_report()))
}

#[cfg(test)]
mod tests;
