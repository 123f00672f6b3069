//! `chartroom roi …` and `chartroom report disclosures`: release of information for
//! scripts. The JSON lines and files are a contract (docs/ROI.md): field names, codes
//! and id forms stay as they are.

use super::data::open_as_operator;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Subcommand, Debug)]
pub enum RoiCommand {
    /// Log e-requests (one JSON object per line); all or nothing.
    Import {
        file: PathBuf,
        #[arg(long)]
        data: PathBuf,
    },
    /// One JSON line per request: status, due date, days left, missing codes, fee.
    List {
        #[arg(long)]
        data: PathBuf,
        /// One JSON object per line (the only format).
        #[arg(long, required = true)]
        json: bool,
        /// Date the clock is read on (default: today).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// The one 30-day extension of a patient-access request; prints the letter.
    Extend {
        /// The request's request_id.
        id: String,
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        reason: String,
        /// The date the extension is given (YYYY-MM-DD; default: today).
        #[arg(long)]
        on: Option<String>,
    },
    /// QA: confirm that every page of the release belongs to the patient.
    Qa {
        id: String,
        #[arg(long)]
        data: PathBuf,
        /// Confirms the check (required).
        #[arg(long, required = true)]
        ok: bool,
    },
    /// Release: writes DIR/packet.pdf and DIR/manifest.json (or refuses, writing nothing).
    Release {
        id: String,
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Release date (default: today).
        #[arg(long)]
        on: Option<String>,
    },
}

fn date(flag: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("{flag} {text:?} is not a date (YYYY-MM-DD)"))
}

/// The date given with `flag`, else `today`.
fn date_or(text: Option<&str>, flag: &str, today: NaiveDate) -> Result<NaiveDate> {
    text.map_or(Ok(today), |t| date(flag, t))
}

pub fn roi(command: &RoiCommand) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match command {
        RoiCommand::Import { file, data } => {
            let (services, session) = open_as_operator(data)?;
            let report = services.import_roi_requests(&session, file)?;
            eprintln!("{report}");
        }
        RoiCommand::List { data, json, as_of } => {
            if !json {
                bail!("use --json");
            }
            let (services, session) = open_as_operator(data)?;
            let as_of = date_or(as_of.as_deref(), "--as-of", services.today())?;
            for row in services.roi_list(&session, as_of)? {
                let line = json!({
                    "request_id": row.request_id,
                    "status": row.status,
                    "due": row.due.format("%Y-%m-%d").to_string(),
                    "days_left": row.days_left,
                    "missing": row.missing,
                    "fee_cents": row.fee_cents,
                });
                writeln!(out, "{line}")?;
            }
        }
        RoiCommand::Extend {
            id,
            data,
            reason,
            on,
        } => {
            let (services, session) = open_as_operator(data)?;
            let on = date_or(on.as_deref(), "--on", services.today())?;
            let notice = services.extend_roi_request(&session, id, reason, on)?;
            write!(out, "{}", notice.letter)?;
        }
        RoiCommand::Qa { id, data, ok } => {
            if !ok {
                bail!("use --ok to confirm that every page belongs to the patient");
            }
            let (services, session) = open_as_operator(data)?;
            services.confirm_roi_qa(&session, id)?;
            eprintln!("request {id}: QA confirmed");
        }
        RoiCommand::Release {
            id,
            data,
            out: dir,
            on,
        } => {
            let (services, session) = open_as_operator(data)?;
            let on = date_or(on.as_deref(), "--on", services.today())?;
            let manifest = services.release_roi(&session, id, on, dir)?;
            eprintln!(
                "request {id}: released {} documents ({} withheld), {} pages, into {}",
                manifest.included.len(),
                manifest.withheld.len(),
                manifest.pages,
                dir.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `report disclosures --patient ID|MRN --json`: the accounting, one line per entry.
pub fn disclosures(data: &Path, patient: &str, out: &mut dyn Write) -> Result<()> {
    let (services, session) = open_as_operator(data)?;
    for d in services.disclosures(&session, patient)? {
        let line = json!({
            "date": d.date.format("%Y-%m-%d").to_string(),
            "recipient": d.recipient,
            "address": d.address,
            "description": d.description,
            "purpose": d.purpose,
            "request_id": d.request_id,
        });
        writeln!(out, "{line}")?;
    }
    Ok(())
}
