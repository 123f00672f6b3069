//! Record retention: `report retention`, `report destructions`, `legal-hold` and
//! `destroy` (docs/RETENTION.md).

use super::data::open_as_operator;
use super::research::date_arg;
use anyhow::Result;
use clap::Subcommand;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum LegalHoldCommand {
    /// Put a chart on legal hold (it is never destroyed while held).
    Set {
        /// The chart: source id, feed MRN or MRN.
        patient: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        data: PathBuf,
    },
    /// Clear a chart's legal hold.
    Clear {
        patient: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        data: PathBuf,
    },
    /// Charts on legal hold, one JSON line each.
    List {
        #[arg(long)]
        data: PathBuf,
    },
}

fn date_text(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// `report retention`: charts past retention, oldest first, JSON lines or CSV.
pub fn report(
    data: &Path,
    as_of: Option<&str>,
    state: Option<&str>,
    csv: bool,
) -> Result<ExitCode> {
    let (services, session) = open_as_operator(data)?;
    let as_of = date_arg("--as-of", as_of)?.unwrap_or_else(|| services.today());
    let rows = services.retention_report(&session, as_of, state)?;
    let mut out = std::io::stdout().lock();
    const FIELDS: [&str; 8] = [
        "patient",
        "mrn",
        "rule",
        "last_discharge",
        "last_treatment",
        "retain_until",
        "destroyable",
        "blocked_by",
    ];
    if csv {
        writeln!(out, "{}", FIELDS.join(","))?;
    }
    for r in &rows {
        let blocked: Vec<&str> = r.blocks.iter().map(|b| b.code()).collect();
        if csv {
            writeln!(
                out,
                "{},{},{},{},{},{},{},{}",
                r.patient.source_id(),
                r.patient.mrn_text(),
                r.rule,
                date_text(r.last_discharge),
                date_text(r.last_treatment),
                r.retain_until.format("%Y-%m-%d"),
                blocked.is_empty(),
                blocked.join(" ")
            )?;
        } else {
            let line = json!({
                "patient": r.patient.source_id(),
                "mrn": r.patient.mrn_text(),
                "rule": r.rule,
                "last_discharge": r.last_discharge.map(|d| d.format("%Y-%m-%d").to_string()),
                "last_treatment": r.last_treatment.map(|d| d.format("%Y-%m-%d").to_string()),
                "retain_until": r.retain_until.format("%Y-%m-%d").to_string(),
                "destroyable": blocked.is_empty(),
                "blocked_by": blocked,
            });
            writeln!(out, "{line}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `report destructions`: the destruction log, one JSON line per destroyed chart.
pub fn destructions(data: &Path) -> Result<ExitCode> {
    let (services, session) = open_as_operator(data)?;
    let mut out = std::io::stdout().lock();
    for d in services.destruction_log(&session)? {
        let line = json!({
            "id": d.id,
            "at": d.at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "by": d.by,
            "authorised_by": d.authorised_by,
            "method": d.method,
            "reason": d.reason,
            "mrn": d.mrn.to_string(),
            "name": d.name,
            "dob": d.dob.format("%Y-%m-%d").to_string(),
            "first_service": d.first_service.map(|x| x.format("%Y-%m-%d").to_string()),
            "last_service": d.last_service.map(|x| x.format("%Y-%m-%d").to_string()),
            "encounters": d.encounters,
            "documents": d.documents,
            "procedures": d.procedures,
            "rule": d.rule,
            "retain_until": d.retain_until.format("%Y-%m-%d").to_string(),
        });
        writeln!(out, "{line}")?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn legal_hold(command: &LegalHoldCommand) -> Result<ExitCode> {
    match command {
        LegalHoldCommand::Set {
            patient,
            reason,
            data,
        }
        | LegalHoldCommand::Clear {
            patient,
            reason,
            data,
        } => {
            let set = matches!(command, LegalHoldCommand::Set { .. });
            let (services, session) = open_as_operator(data)?;
            let chart = services.retention_chart(&session, patient)?;
            services.set_legal_hold(&session, chart.id, set, reason)?;
            let what = if set {
                "on legal hold"
            } else {
                "off legal hold"
            };
            println!("chart {} is {what}", chart.mrn_text());
        }
        LegalHoldCommand::List { data } => {
            let (services, session) = open_as_operator(data)?;
            let mut out = std::io::stdout().lock();
            for view in services.legal_holds(&session)? {
                let last = view.hold.changes.last();
                let line = json!({
                    "patient": view.patient.source_id(),
                    "mrn": view.patient.mrn_text(),
                    "reason": view.hold.reason(),
                    "since": last.map(|c| c.at.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                    "by": last.map(|c| c.by.clone()),
                });
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `destroy`: one chart past retention, authorised by a supervisor; refused (exit 1)
/// naming every reason while anything keeps it.
pub fn destroy(
    data: &Path,
    patient: &str,
    authorised_by: Option<&str>,
    reason: &str,
) -> Result<ExitCode> {
    let (services, session) = open_as_operator(data)?;
    let chart = services.retention_chart(&session, patient)?;
    let authoriser = authorised_by.unwrap_or(&session.user.username).to_string();
    let record = services.destroy_chart(&session, chart.id, &authoriser, reason)?;
    println!(
        "destroyed chart {} (destruction log {}; retained until {} under rule {}; authorised by {})",
        record.mrn,
        record.id,
        record.retain_until,
        record.rule,
        record.authorised_by
    );
    Ok(ExitCode::SUCCESS)
}
