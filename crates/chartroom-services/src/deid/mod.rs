//! `chartroom export deid`: a Safe Harbor de-identified research extract (45 CFR
//! 164.514(b)(2)) as CSV files, proved by a self-check before it is handed over.
//! The rules are the domain's (`research::safe_harbor`); docs/DEID.md has the choices.

mod self_check;
mod tables;

use super::{Result, ServiceError, Services, Session};
use chartroom_domain::research::{DeidExport, Needles};
use chartroom_domain::{AccessAction, Permission};
use chartroom_store::RetentionLog;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use self_check::SelfCheckFailure;

/// What to extract.
#[derive(Clone, Debug, Default)]
pub struct DeidOptions {
    /// Only care (encounters, documents) from this date on, and the patients who had it.
    pub from: Option<NaiveDate>,
    /// Only care up to this date (inclusive).
    pub to: Option<NaiveDate>,
}

/// What an extract holds.
#[derive(Clone, Debug)]
pub struct DeidReport {
    pub export_id: u64,
    pub charts: u64,
    pub encounters: u64,
    pub diagnoses: u64,
    pub documents: u64,
    pub files: Vec<PathBuf>,
    /// Lines the self-check read.
    pub lines_checked: u64,
    /// Identifiers (distinct needles) it looked for.
    pub needles: usize,
    pub elapsed: Duration,
    pub check_elapsed: Duration,
}

/// 32 random bytes from the operating system, the key of one extract's study ids.
fn random_key() -> Result<[u8; 32]> {
    use std::io::Read;
    let mut key = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut key))
        .map_err(|e| ServiceError::Invalid {
            what: "random source",
            reason: format!("/dev/urandom: {e}"),
        })?;
    Ok(key)
}

/// The output directory must be new or empty: the self-check deletes what it wrote, and
/// nothing else may be mixed in. Answers whether it was created here.
fn prepare_out(out: &Path) -> Result<bool> {
    let invalid = |reason: String| ServiceError::Invalid {
        what: "output directory",
        reason,
    };
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(invalid(format!("{} is not empty", out.display())));
            }
            Ok(false)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(out).map_err(|e| invalid(format!("{}: {e}", out.display())))?;
            Ok(true)
        }
        Err(e) => Err(invalid(format!("{}: {e}", out.display()))),
    }
}

/// Deletes the files of a failed extract (and the directory, when it was made for it).
fn delete_output(out: &Path, files: &[PathBuf], created: bool) {
    for f in files {
        let _ = std::fs::remove_file(f);
    }
    if created {
        let _ = std::fs::remove_dir(out);
    }
}

impl Services {
    /// Writes the de-identified extract into `out` (new or empty), checks every line
    /// written against every identifier of the exported patients, and records it.
    /// A self-check hit deletes the files and fails naming file, line and kind.
    pub fn export_deidentified(
        &self,
        session: &Session,
        out: &Path,
        options: &DeidOptions,
    ) -> Result<DeidReport> {
        self.require(session, Permission::ExportDeidentified)?;
        if let (Some(from), Some(to)) = (options.from, options.to) {
            if from > to {
                return Err(ServiceError::Invalid {
                    what: "date range",
                    reason: format!("--from {from} is after --to {to}"),
                });
            }
        }
        let started = Instant::now();
        let key = random_key()?;
        let today = self.clock.now().date_naive();
        let created = prepare_out(out)?;
        let mut needles = Needles::new();
        let mut files = Vec::new();
        let written = match self
            .store
            .read()
            .map_err(ServiceError::from)
            .and_then(|read| {
                tables::write_tables(&read, out, &key, today, options, &mut needles, &mut files)
            }) {
            Ok(mut w) => {
                w.files = files;
                w
            }
            Err(e) => {
                delete_output(out, &files, created);
                return Err(e);
            }
        };
        let check_started = Instant::now();
        let checked = self_check::check_files(&written.files, &needles);
        let check_elapsed = check_started.elapsed();
        let passed = checked.is_ok();
        let record = DeidExport {
            id: 0,
            at: self.clock.now().naive_utc(),
            by: Some(session.user.id),
            username: session.user.username.clone(),
            out: out.display().to_string(),
            charts: written.charts,
            encounters: written.encounters,
            from: options.from,
            to: options.to,
            key,
            passed,
        };
        let lines_checked = match checked {
            Ok(lines) => lines,
            Err(failure) => {
                delete_output(out, &written.files, created);
                let detail = format!(
                    "deid: self-check failed ({} line {}: {}); {} charts, output deleted from {}",
                    failure.file,
                    failure.line,
                    failure.kind.label(),
                    written.charts,
                    out.display()
                );
                self.record_export(session, record, detail)?;
                return Err(ServiceError::SelfCheck(failure));
            }
        };
        let detail = format!(
            "deid: {} charts, {} encounters to {}",
            written.charts,
            written.encounters,
            out.display()
        );
        let export_id = self.record_export(session, record, detail)?;
        Ok(DeidReport {
            export_id,
            charts: written.charts,
            encounters: written.encounters,
            diagnoses: written.diagnoses,
            documents: written.documents,
            files: written.files,
            lines_checked,
            needles: needles.len(),
            elapsed: started.elapsed(),
            check_elapsed,
        })
    }

    /// Stores the extract's record (its study-id key included) with its audit event.
    fn record_export(
        &self,
        session: &Session,
        mut record: DeidExport,
        detail: String,
    ) -> Result<u64> {
        let mut tx = self.store.write()?;
        record.id = tx.next_row_id(RetentionLog::DeidExports)?;
        let detail = format!("{detail} (extract {})", record.id);
        tx.put_deid_export(&record);
        tx.append_audit(self.audit_event(session, AccessAction::Export, None, detail))?;
        tx.commit()?;
        Ok(record.id)
    }
}
