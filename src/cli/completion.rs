//! `chartroom deficiencies …` and `chartroom report …`: chart completion for scripts.
//! The JSON and CSV rows are a contract (docs/COMPLETION.md): field names, codes and
//! id forms stay as they are.

use super::data::open_as_operator;
use anyhow::{bail, Context, Result};
use chartroom_domain::completion::Transition;
use chartroom_domain::DeficiencyId;
use chartroom_services::completion::{DeficiencyFilter, DeficiencyRow, DEFAULT_TEMPLATES};
use chrono::NaiveDate;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand, Debug)]
pub enum DeficienciesCommand {
    /// Analyse every discharged encounter that is new or changed since its last analysis.
    Analyze {
        #[arg(long)]
        data: PathBuf,
        /// Analyse every discharged encounter again (after editing completion.toml).
        #[arg(long)]
        all: bool,
    },
    /// Print the default templates (redirect into DATA/completion.toml to edit them).
    Templates,
    /// Move deficiencies through their lifecycle: complete, verify, close, return,
    /// reassign, cancel, reopen. All or none: an illegal move changes nothing.
    Move {
        #[arg(long)]
        data: PathBuf,
        /// Deficiency ids, comma separated (as `report deficiencies` prints them).
        #[arg(long, value_delimiter = ',', required = true)]
        ids: Vec<u64>,
        #[arg(long)]
        to: String,
        /// Why (needed to return, cancel or reopen).
        #[arg(long, default_value = "")]
        reason: String,
        /// Practitioner id to reassign to.
        #[arg(long)]
        provider: Option<String>,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum ReportCommand {
    /// One row per deficiency (JSON lines or CSV).
    Deficiencies {
        #[arg(long)]
        data: PathBuf,
        #[command(flatten)]
        format: Format,
        /// Date ages and delinquency are counted on (default: today).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Per month: discharges, delinquent records, rate (former TJC formula).
    Delinquency {
        #[arg(long)]
        data: PathBuf,
        #[command(flatten)]
        format: Format,
        #[arg(long)]
        as_of: Option<String>,
    },
    /// A provider's outstanding deficiencies as a plain-text letter.
    Letter {
        #[arg(long)]
        data: PathBuf,
        /// The provider's Practitioner id.
        #[arg(long)]
        provider: String,
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Who viewed a patient's record: every access from every system (JSON lines or CSV),
    /// or with --letter the letter to the patient (PDF or text).
    Access {
        #[arg(long)]
        data: PathBuf,
        /// The patient's id (as `search --json` prints it) or MRN.
        #[arg(long)]
        patient: String,
        #[command(flatten)]
        period: super::privacy::Period,
        #[command(flatten)]
        format: Format,
        /// Write the letter to the patient instead (OUT.pdf or OUT.txt, by extension).
        /// One of the output choices: it stands for --json or --csv.
        #[arg(long, value_name = "OUT", group = "Format")]
        letter: Option<PathBuf>,
    },
    /// A user's activity: every record they accessed (JSON lines or CSV).
    Activity {
        #[arg(long)]
        data: PathBuf,
        /// The user id as the access logs and roster name it.
        #[arg(long)]
        user: String,
        #[command(flatten)]
        period: super::privacy::Period,
        #[command(flatten)]
        format: Format,
    },
    /// A patient's accounting of disclosures (164.528), one JSON line per entry.
    Disclosures {
        #[arg(long)]
        data: PathBuf,
        /// The patient's id (as `search --json` prints it) or MRN.
        #[arg(long)]
        patient: String,
        #[arg(long, required = true)]
        json: bool,
    },
    /// Charts past their retention date, oldest first, with what keeps each (docs/RETENTION.md).
    Retention {
        #[arg(long)]
        data: PathBuf,
        #[command(flatten)]
        format: Format,
        /// Date retention is judged on (default: today).
        #[arg(long)]
        as_of: Option<String>,
        /// Apply this state's rule instead of the configured hospital state.
        #[arg(long)]
        state: Option<String>,
    },
    /// The destruction log, one JSON line per destroyed chart.
    Destructions {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, required = true)]
        json: bool,
    },
}

#[derive(clap::Args, Debug)]
#[group(required = true, multiple = false)]
pub struct Format {
    /// One JSON object per line.
    #[arg(long)]
    json: bool,
    /// CSV with a header line.
    #[arg(long)]
    csv: bool,
}

fn as_of_date(text: Option<&str>, today: NaiveDate) -> Result<NaiveDate> {
    match text {
        None => Ok(today),
        Some(t) => NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .with_context(|| format!("--as-of {t:?} is not a date (YYYY-MM-DD)")),
    }
}

pub fn deficiencies(command: &DeficienciesCommand) -> Result<ExitCode> {
    match command {
        DeficienciesCommand::Templates => {
            print!("{DEFAULT_TEMPLATES}");
        }
        DeficienciesCommand::Analyze { data, all } => {
            let (services, session) = open_as_operator(data)?;
            let report = services.analyze_deficiencies(&session, *all)?;
            eprintln!("{report}");
        }
        DeficienciesCommand::Move {
            data,
            ids,
            to,
            reason,
            provider,
        } => {
            let Some(transition) = Transition::parse(to) else {
                bail!(
                    "--to {to:?}: use complete, verify, close, return, reassign, cancel or reopen"
                );
            };
            let (services, session) = open_as_operator(data)?;
            let provider = match provider {
                Some(p) => Some(
                    services
                        .provider_by_report_id(&session, p)?
                        .with_context(|| format!("--provider {p:?}: no such practitioner"))?,
                ),
                None => None,
            };
            let ids: Vec<DeficiencyId> = ids.iter().map(|i| DeficiencyId(*i)).collect();
            let moved = services.move_deficiencies(&session, &ids, transition, reason, provider)?;
            eprintln!("{moved} deficiencies: {}", transition.code());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn report(command: &ReportCommand) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match command {
        ReportCommand::Deficiencies {
            data,
            format,
            as_of,
        } => {
            let (services, session) = open_as_operator(data)?;
            let as_of = as_of_date(as_of.as_deref(), services.today())?;
            let rows = services.deficiency_rows(&session, &DeficiencyFilter::default(), as_of)?;
            if format.csv {
                writeln!(out, "{}", ROW_FIELDS.join(","))?;
            }
            for row in &rows {
                let values = row_values(row);
                if format.json {
                    let object: serde_json::Map<String, serde_json::Value> = ROW_FIELDS
                        .iter()
                        .map(|f| f.to_string())
                        .zip(values)
                        .collect();
                    writeln!(out, "{}", serde_json::Value::Object(object))?;
                } else {
                    writeln!(out, "{}", csv_line(&values))?;
                }
            }
        }
        ReportCommand::Delinquency {
            data,
            format,
            as_of,
        } => {
            let (services, session) = open_as_operator(data)?;
            let as_of = as_of_date(as_of.as_deref(), services.today())?;
            let dashboard = services.completion_dashboard(&session, as_of)?;
            if format.csv {
                writeln!(
                    out,
                    "month,discharges,delinquent_records,rate_percent,above_threshold"
                )?;
            }
            let threshold = f64::from(dashboard.threshold_percent);
            for m in &dashboard.months {
                // No discharges: the rate is undefined, not 0 %.
                let rate = (m.discharges > 0).then(|| (m.rate_percent * 10.0).round() / 10.0);
                if format.json {
                    let line = json!({
                        "month": m.label,
                        "discharges": m.discharges,
                        "delinquent_records": m.delinquent_records,
                        "rate_percent": rate,
                        "above_threshold": m.discharges > 0 && m.rate_percent > threshold,
                    });
                    writeln!(out, "{line}")?;
                } else {
                    let rate = rate.map(|r| r.to_string()).unwrap_or_default();
                    writeln!(
                        out,
                        "{},{},{},{rate},{}",
                        m.label,
                        m.discharges,
                        m.delinquent_records,
                        m.discharges > 0 && m.rate_percent > threshold
                    )?;
                }
            }
        }
        ReportCommand::Letter {
            data,
            provider,
            as_of,
        } => {
            let (services, session) = open_as_operator(data)?;
            let as_of = as_of_date(as_of.as_deref(), services.today())?;
            let letter = services.provider_letter(&session, provider, as_of)?;
            write!(out, "{letter}")?;
        }
        ReportCommand::Access {
            data,
            patient,
            period,
            format,
            letter,
        } => {
            if let Some(out) = letter {
                return super::privacy::access_letter(data, patient, period, out);
            }
            return super::privacy::access_report(data, patient, period, format.csv);
        }
        ReportCommand::Activity {
            data,
            user,
            period,
            format,
        } => {
            return super::privacy::activity_report(data, user, period, format.csv);
        }
        ReportCommand::Disclosures { data, patient, .. } => {
            super::roi::disclosures(data, patient, &mut out)?;
        }
        ReportCommand::Retention {
            data,
            format,
            as_of,
            state,
        } => {
            drop(out);
            return super::retention::report(data, as_of.as_deref(), state.as_deref(), format.csv);
        }
        ReportCommand::Destructions { data, .. } => {
            drop(out);
            return super::retention::destructions(data);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The contract's field order.
const ROW_FIELDS: [&str; 11] = [
    "id",
    "encounter",
    "mrn",
    "kind",
    "document",
    "procedure",
    "provider",
    "status",
    "due",
    "age_days",
    "delinquent",
];

fn row_values(row: &DeficiencyRow) -> Vec<serde_json::Value> {
    let d = &row.deficiency;
    vec![
        json!(d.id.0),
        json!(row.encounter_source_id),
        json!(row.mrn.to_string()),
        json!(d.kind),
        json!(row.document_source_id),
        json!(row.procedure_source_id),
        json!(row.provider_id),
        json!(d.status.code()),
        json!(d.due.format("%Y-%m-%d").to_string()),
        json!(row.age_days),
        json!(row.delinquent),
    ]
}

/// One CSV line: nulls empty, text quoted when it holds a comma, quote or line break.
fn csv_line(values: &[serde_json::Value]) -> String {
    values
        .iter()
        .map(|v| match v {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) if s.contains([',', '"', '\n', '\r']) => {
                format!("\"{}\"", s.replace('"', "\"\""))
            }
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
}
