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
    /// Start fulfillment of a request logged at the desk (logged → in_fulfillment).
    Start {
        id: String,
        #[arg(long)]
        data: PathBuf,
    },
    /// Record that an authorization was asked for (on hold → pending_authorization).
    AwaitAuthorization {
        id: String,
        #[arg(long)]
        data: PathBuf,
        /// What was asked for, from whom.
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// Record the three-part test of an administrative law-enforcement request
    /// (164.512(f)(1)(ii)(C)); each part given holds, a part left out does not. Prints
    /// the checklist.
    ThreePartTest {
        id: String,
        #[arg(long)]
        data: PathBuf,
        /// (1) relevant and material to a legitimate law enforcement inquiry
        #[arg(long)]
        relevant: bool,
        /// (2) specific and limited in scope as far as reasonably practicable
        #[arg(long)]
        specific: bool,
        /// (3) de-identified information could not reasonably be used
        #[arg(long)]
        deidentified_insufficient: bool,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// Attach an authorization received after intake (one JSON object in the intake's
    /// `authorization` form); prints the codes still missing.
    Authorize {
        id: String,
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        file: PathBuf,
    },
    /// Issue the invoice of the release (→ pending_payment until paid).
    Invoice {
        id: String,
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        on: Option<String>,
    },
    /// Record the payment of the invoice; the release may then proceed.
    Pay {
        id: String,
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        amount_cents: u64,
        #[arg(long)]
        on: Option<String>,
    },
    /// Deny a request; prints the denial letter.
    Deny {
        id: String,
        #[arg(long)]
        data: PathBuf,
        /// The basis of the denial.
        #[arg(long)]
        reason: String,
        /// The ground may be reviewed (164.524(a)(3)); default: not reviewable.
        #[arg(long)]
        reviewable: bool,
        #[arg(long)]
        on: Option<String>,
    },
    /// Cancel a request; prints the letter.
    Cancel {
        id: String,
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// Print the letter a request calls for now (hold, denial or cancellation).
    Letter {
        id: String,
        #[arg(long)]
        data: PathBuf,
    },
    /// Requests for an accounting of disclosures (164.528(c)): 60 days, one extension.
    Accounting {
        #[command(subcommand)]
        command: super::roi_desk::AccountingCommand,
    },
}

pub(super) fn date(flag: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("{flag} {text:?} is not a date (YYYY-MM-DD)"))
}

/// The date given with `flag`, else `today`.
pub(super) fn date_or(text: Option<&str>, flag: &str, today: NaiveDate) -> Result<NaiveDate> {
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
        other => return super::roi_desk::desk(other, &mut out),
    }
    Ok(ExitCode::SUCCESS)
}

/// `report disclosures --patient ID|MRN --json`: the accounting, one line per entry.
pub fn disclosures(data: &Path, patient: &str, out: &mut dyn Write) -> Result<()> {
    let (services, session) = open_as_operator(data)?;
    write_disclosures(&services.disclosures(&session, patient)?, out)
}

/// The accounting, one JSON line per entry (the contract's fields).
pub(super) fn write_disclosures(
    entries: &[chartroom_domain::roi::Disclosure],
    out: &mut dyn Write,
) -> Result<()> {
    for d in entries {
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
