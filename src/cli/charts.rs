//! `chartroom charts …`: paper chart tracking for scripts — the day's pull list in
//! terminal-digit order, the charts out (overdue first), charge-out and check-in.

use super::data::open_as_operator;
use anyhow::{bail, Context, Result};
use chartroom_domain::chart_tracking::{shelf_label, ChartPlace};
use chartroom_domain::Patient;
use chartroom_services::{Services, Session};
use chrono::NaiveDate;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Subcommand, Debug)]
pub enum ChartsCommand {
    /// The charts to pull for a day's encounters, in terminal-digit order.
    PullList {
        #[arg(long)]
        data: PathBuf,
        /// The day (YYYY-MM-DD).
        #[arg(long)]
        date: NaiveDate,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Charts out of the file room, overdue first.
    Out {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Charge a chart out (or send it off site, or report it missing).
    ChargeOut {
        #[arg(long)]
        data: PathBuf,
        /// MRN in any form.
        #[arg(long)]
        mrn: String,
        /// `dept:NAME`, `person:NAME`, `offsite:NAME`, `missing`, or a department name.
        #[arg(long)]
        to: String,
        /// Due back (YYYY-MM-DD).
        #[arg(long)]
        due: Option<NaiveDate>,
        #[arg(long, default_value_t = 1)]
        volume: u16,
    },
    /// Check a chart back in to its shelf.
    CheckIn {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        mrn: String,
        #[arg(long, default_value_t = 1)]
        volume: u16,
    },
}

pub fn charts(command: &ChartsCommand) -> Result<ExitCode> {
    match command {
        ChartsCommand::PullList { data, date, json } => pull_list(data, *date, *json),
        ChartsCommand::Out { data, json } => out(data, *json),
        ChartsCommand::ChargeOut {
            data,
            mrn,
            to,
            due,
            volume,
        } => {
            let Some(place) = ChartPlace::parse(to) else {
                bail!("--to needs a place: dept:NAME, person:NAME, offsite:NAME or missing");
            };
            if place == ChartPlace::FileRoom {
                bail!("to put a chart back on its shelf use `charts check-in`");
            }
            move_chart(data, mrn, *volume, place, *due)
        }
        ChartsCommand::CheckIn { data, mrn, volume } => {
            move_chart(data, mrn, *volume, ChartPlace::FileRoom, None)
        }
    }
}

fn chart(services: &Services, session: &Session, mrn: &str) -> Result<Patient> {
    services
        .patient_by_mrn_text(session, mrn)?
        .with_context(|| format!("no chart has the MRN {mrn}"))
}

fn pull_list(data: &Path, date: NaiveDate, as_json: bool) -> Result<ExitCode> {
    let (services, session) = open_as_operator(data)?;
    let items = services.pull_list(&session, date)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for item in &items {
        let p = &item.patient;
        let numbers: Vec<&str> = item.encounters.iter().map(|e| e.number.as_str()).collect();
        if as_json {
            let line = json!({
                "mrn": p.mrn.to_string(),
                "shelf": shelf_label(p.mrn),
                "id": p.source_id(),
                "name": p.name.display_last_first(),
                "encounters": numbers,
                "first_time": item.encounters.first().map(|e| e.admit.format("%H:%M").to_string()),
                "location": item.place.label(),
            });
            writeln!(out, "{line}")?;
        } else {
            writeln!(
                out,
                "{}  {}  {:<30} {}  {}",
                shelf_label(p.mrn),
                p.mrn,
                p.name.display_last_first(),
                item.place.label(),
                numbers.join(" ")
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn out(data: &Path, as_json: bool) -> Result<ExitCode> {
    let (services, session) = open_as_operator(data)?;
    let today = services.now().date_naive();
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    for c in services.charts_out(&session)? {
        let overdue = c.volume.overdue(today);
        if as_json {
            let line = json!({
                "mrn": c.patient.mrn.to_string(),
                "volume": c.volume.volume,
                "location": c.volume.place.label(),
                "since": c.volume.since.format("%Y-%m-%dT%H:%M").to_string(),
                "due": c.volume.due.map(|d| d.to_string()),
                "overdue": overdue,
            });
            writeln!(w, "{line}")?;
        } else {
            writeln!(
                w,
                "{}  vol {}  {:<24} due {}{}",
                c.patient.mrn,
                c.volume.volume,
                c.volume.place.label(),
                c.volume
                    .due
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "-".into()),
                if overdue { "  OVERDUE" } else { "" }
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn move_chart(
    data: &Path,
    mrn: &str,
    volume: u16,
    to: ChartPlace,
    due: Option<NaiveDate>,
) -> Result<ExitCode> {
    let (services, session) = open_as_operator(data)?;
    let p = chart(&services, &session, mrn)?;
    let v = services.move_chart(&session, p.id, volume, to, due, "")?;
    println!("{} volume {}: {}", p.mrn, v.volume, v.place.label());
    Ok(ExitCode::SUCCESS)
}
