//! `chartroom roi start|await-authorization|authorize|invoice|pay|deny|cancel|letter`
//! and `chartroom roi accounting …`: the desk's steps after intake (docs/ROI.md
//! "Statuses" and "Requests for an accounting"). Letters go to stdout, notes to stderr.

use super::data::open_as_operator;
use super::roi::{date, date_or, write_disclosures, RoiCommand};
use anyhow::{bail, Result};
use chartroom_services::roi::NewAccountingRequest;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand, Debug)]
pub enum AccountingCommand {
    /// Log a request for an accounting of disclosures (due in 60 days).
    Log {
        /// The request's id.
        id: String,
        #[arg(long)]
        data: PathBuf,
        /// The patient's source id or MRN.
        #[arg(long)]
        patient: String,
        /// Date received (YYYY-MM-DD; default: today).
        #[arg(long)]
        received: Option<String>,
        #[arg(long)]
        requester_name: Option<String>,
        #[arg(long)]
        requester_address: Option<String>,
    },
    /// One JSON line per request for an accounting, with its clock.
    List {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, required = true)]
        json: bool,
        #[arg(long)]
        as_of: Option<String>,
    },
    /// The one 30-day extension (164.528(c)(1)(ii)); prints the letter.
    Extend {
        id: String,
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// Produce the accounting (JSON lines, as `report disclosures`); the request is fulfilled.
    Fulfill {
        id: String,
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        on: Option<String>,
    },
}

pub(super) fn desk(command: &RoiCommand, out: &mut dyn Write) -> Result<ExitCode> {
    match command {
        RoiCommand::Start { id, data } => {
            let (services, session) = open_as_operator(data)?;
            services.start_roi_request(&session, id)?;
            eprintln!("request {id}: in fulfillment");
        }
        RoiCommand::AwaitAuthorization { id, data, note, on } => {
            let (services, session) = open_as_operator(data)?;
            let on = date_or(on.as_deref(), "--on", services.today())?;
            services.await_roi_authorization(&session, id, note, on)?;
            eprintln!("request {id}: pending authorization");
        }
        RoiCommand::ThreePartTest {
            id,
            data,
            relevant,
            specific,
            deidentified_insufficient,
            note,
            on,
        } => {
            let (services, session) = open_as_operator(data)?;
            let on = date_or(on.as_deref(), "--on", services.today())?;
            let parts = [*relevant, *specific, *deidentified_insufficient];
            let test = services.record_three_part_test(&session, id, parts, note, on)?;
            writeln!(out, "{}", test.checklist())?;
        }
        RoiCommand::Authorize { id, data, file } => {
            let (services, session) = open_as_operator(data)?;
            let missing = services.attach_roi_authorization_file(&session, id, file)?;
            writeln!(out, "{}", json!({ "request_id": id, "missing": missing }))?;
        }
        RoiCommand::Invoice { id, data, on } => {
            let (services, session) = open_as_operator(data)?;
            let on = date_or(on.as_deref(), "--on", services.today())?;
            let invoice = services.invoice_roi_request(&session, id, on)?;
            let line = json!({
                "request_id": id,
                "invoice": invoice.number,
                "amount_cents": invoice.amount_cents,
                "paid": false,
            });
            writeln!(out, "{line}")?;
        }
        RoiCommand::Pay {
            id,
            data,
            amount_cents,
            on,
        } => {
            let (services, session) = open_as_operator(data)?;
            let on = date_or(on.as_deref(), "--on", services.today())?;
            let invoice = services.pay_roi_request(&session, id, *amount_cents, on)?;
            let line = json!({
                "request_id": id,
                "invoice": invoice.number,
                "amount_cents": invoice.amount_cents,
                "paid": true,
            });
            writeln!(out, "{line}")?;
        }
        RoiCommand::Deny {
            id,
            data,
            reason,
            reviewable,
            on,
        } => {
            let (services, session) = open_as_operator(data)?;
            let on = date_or(on.as_deref(), "--on", services.today())?;
            let letter = services.deny_roi_request(&session, id, reason, *reviewable, on)?;
            write!(out, "{letter}")?;
        }
        RoiCommand::Cancel {
            id,
            data,
            reason,
            on,
        } => {
            let (services, session) = open_as_operator(data)?;
            let on = date_or(on.as_deref(), "--on", services.today())?;
            write!(
                out,
                "{}",
                services.cancel_roi_request(&session, id, reason, on)?
            )?;
        }
        RoiCommand::Letter { id, data } => {
            let (services, session) = open_as_operator(data)?;
            match services.roi_letter(&session, id)? {
                Some(letter) => write!(out, "{letter}")?,
                None => eprintln!("request {id}: no letter due (not on hold or closed)"),
            }
        }
        RoiCommand::Accounting { command } => accounting(command, out)?,
        RoiCommand::Import { .. }
        | RoiCommand::List { .. }
        | RoiCommand::Extend { .. }
        | RoiCommand::Qa { .. }
        | RoiCommand::Release { .. } => bail!("not a desk command"),
    }
    Ok(ExitCode::SUCCESS)
}

fn accounting(command: &AccountingCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        AccountingCommand::Log {
            id,
            data,
            patient,
            received,
            requester_name,
            requester_address,
        } => {
            let (services, session) = open_as_operator(data)?;
            let received = date_or(received.as_deref(), "--received", services.today())?;
            let new = NewAccountingRequest {
                request_id: id.clone(),
                patient: patient.clone(),
                received,
                requester_name: requester_name.clone(),
                requester_address: requester_address.clone(),
            };
            let logged = services.log_accounting_request(&session, &new)?;
            eprintln!("accounting request {id}: due {}", logged.due());
        }
        AccountingCommand::List { data, json, as_of } => {
            if !json {
                bail!("use --json");
            }
            let (services, session) = open_as_operator(data)?;
            let as_of = match as_of {
                Some(t) => date("--as-of", t)?,
                None => services.today(),
            };
            for row in services.accounting_requests(&session, as_of)? {
                let line = json!({
                    "request_id": row.request.request_id,
                    "status": row.status,
                    "received": row.request.received.format("%Y-%m-%d").to_string(),
                    "due": row.due.format("%Y-%m-%d").to_string(),
                    "days_left": row.days_left,
                    "entries": row.request.fulfilled.as_ref().map(|f| f.entries),
                });
                writeln!(out, "{line}")?;
            }
        }
        AccountingCommand::Extend {
            id,
            data,
            reason,
            on,
        } => {
            let (services, session) = open_as_operator(data)?;
            let on = date_or(on.as_deref(), "--on", services.today())?;
            let notice = services.extend_accounting_request(&session, id, reason, on)?;
            write!(out, "{}", notice.letter)?;
        }
        AccountingCommand::Fulfill { id, data, on } => {
            let (services, session) = open_as_operator(data)?;
            let on = date_or(on.as_deref(), "--on", services.today())?;
            let entries = services.fulfill_accounting_request(&session, id, on)?;
            write_disclosures(&entries, out)?;
        }
    }
    Ok(())
}
