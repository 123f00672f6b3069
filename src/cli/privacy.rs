//! Access-log review for scripts: `import access-csv|roster|auditevent`, `alerts`,
//! `report access` (or its `--letter` to the patient) and `report activity`. The JSON
//! lines are a contract (docs/PRIVACY.md): field names and order stay as they are.

use super::data::open_as_operator;
use super::init_logging;
use anyhow::{Context, Result};
use chartroom_services::privacy::{AccessLine, AlertsQuery};
use chartroom_services::IndicatifProgress;
use chrono::NaiveDate;
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

fn date(text: Option<&str>, flag: &str) -> Result<Option<NaiveDate>> {
    text.map(|t| {
        NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .with_context(|| format!("--{flag} must be a date like 2026-03-01"))
    })
    .transpose()
}

/// `--from D --to D`: UTC days, both inclusive, both optional.
#[derive(clap::Args, Debug, Clone)]
pub struct Period {
    /// First day (YYYY-MM-DD, UTC), inclusive.
    #[arg(long)]
    from: Option<String>,
    /// Last day (YYYY-MM-DD, UTC), inclusive.
    #[arg(long)]
    to: Option<String>,
}

pub fn query(period: &Period) -> Result<AlertsQuery> {
    Ok(AlertsQuery {
        from: date(period.from.as_deref(), "from")?,
        to: date(period.to.as_deref(), "to")?,
        include_disposed: true,
    })
}

pub fn import_access_csv(file: &Path, mapping: Option<&Path>, dir: &Path) -> Result<ExitCode> {
    let _log = init_logging(dir);
    let (services, session) = open_as_operator(dir)?;
    let total = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let bar = IndicatifProgress::bytes(total, "importing access events");
    let result = services.import_access_csv(&session, file, mapping, &mut |bytes| {
        bar.set_position(bytes)
    });
    bar.clear();
    println!("{}", result?);
    Ok(ExitCode::SUCCESS)
}

pub fn import_roster(file: &Path, dir: &Path) -> Result<ExitCode> {
    let _log = init_logging(dir);
    let (services, session) = open_as_operator(dir)?;
    println!("{}", services.import_roster(&session, file)?);
    Ok(ExitCode::SUCCESS)
}

pub fn import_auditevent(path: &Path, dir: &Path) -> Result<ExitCode> {
    let _log = init_logging(dir);
    let (services, session) = open_as_operator(dir)?;
    println!("{}", services.import_auditevents(&session, path)?);
    Ok(ExitCode::SUCCESS)
}

/// `chartroom alerts --json`: one line per alert, worst first.
pub fn alerts(dir: &Path, period: &Period) -> Result<ExitCode> {
    let _log = init_logging(dir);
    let query = query(period)?;
    let (services, session) = open_as_operator(dir)?;
    let alerts = services.privacy_alerts(&session, &query)?;
    let mut out = std::io::stdout().lock();
    for view in &alerts {
        let a = &view.alert;
        let rules: Vec<&str> = a.rules.iter().map(|r| r.code()).collect();
        let mut fields = vec![
            ("user_id", json!(a.user_id)),
            ("patient_id", json!(a.patient_id)),
            ("score", json!(a.score)),
            ("rules", json!(rules)),
            ("why", json!(a.why)),
        ];
        if a.is_spike() {
            fields.push(("patients", json!(a.patients)));
        }
        writeln!(out, "{}", ordered_object(&fields))?;
    }
    Ok(ExitCode::SUCCESS)
}

const ACCESS_FIELDS: [&str; 9] = [
    "time",
    "user_id",
    "user_name",
    "department",
    "role",
    "action",
    "patient_id",
    "workstation",
    "source",
];

fn access_values(line: &AccessLine) -> [String; 9] {
    let r = &line.record;
    let offset =
        chrono::FixedOffset::east_opt(r.offset_secs).unwrap_or(chrono::Offset::fix(&chrono::Utc));
    [
        r.time.with_timezone(&offset).to_rfc3339(),
        r.user.clone(),
        line.user_name.clone(),
        line.department.clone(),
        line.role.clone(),
        r.action.clone(),
        r.patient.clone(),
        r.workstation.clone(),
        r.source.clone(),
    ]
}

fn print_lines(lines: &[AccessLine], csv: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if csv {
        writeln!(out, "{}", ACCESS_FIELDS.join(","))?;
    }
    for line in lines {
        let values = access_values(line);
        if csv {
            let cells: Vec<String> = values.iter().map(|v| csv_cell(v)).collect();
            writeln!(out, "{}", cells.join(","))?;
        } else {
            let fields: Vec<(&str, serde_json::Value)> = ACCESS_FIELDS
                .iter()
                .zip(values)
                .map(|(k, v)| (*k, json!(v)))
                .collect();
            writeln!(out, "{}", ordered_object(&fields))?;
        }
    }
    Ok(())
}

/// A JSON object with its keys in the contract's order (serde_json's map sorts them).
fn ordered_object(fields: &[(&str, serde_json::Value)]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", serde_json::Value::from(*k)))
        .collect();
    format!("{{{}}}", parts.join(","))
}

fn csv_cell(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// `chartroom report access --patient ID`: who viewed the record.
pub fn access_report(dir: &Path, patient: &str, period: &Period, csv: bool) -> Result<ExitCode> {
    let query = query(period)?;
    let (services, session) = open_as_operator(dir)?;
    let lines = services.access_report(&session, patient, &query)?;
    print_lines(&lines, csv)?;
    Ok(ExitCode::SUCCESS)
}

/// `chartroom report activity --user ID`: what a user opened.
pub fn activity_report(dir: &Path, user: &str, period: &Period, csv: bool) -> Result<ExitCode> {
    let query = query(period)?;
    let (services, session) = open_as_operator(dir)?;
    let activity = services.user_activity(&session, user, &query)?;
    print_lines(&activity.lines, csv)?;
    Ok(ExitCode::SUCCESS)
}

/// `chartroom report access --patient ID --letter OUT.pdf|OUT.txt`: the letter to the
/// patient. Says what it wrote; warns when the chart has no address to put on it.
pub fn access_letter(dir: &Path, patient: &str, period: &Period, out: &Path) -> Result<ExitCode> {
    let query = query(period)?;
    let (services, session) = open_as_operator(dir)?;
    let summary = services.write_access_letter(&session, patient, &query, out)?;
    if !summary.addressed {
        eprintln!("warning: the chart has no address; the letter names the patient only");
    }
    println!(
        "{}: {} access(es), {} page(s) ({})",
        out.display(),
        summary.accesses,
        summary.pages,
        summary.format.code()
    );
    Ok(ExitCode::SUCCESS)
}
