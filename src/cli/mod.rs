//! The command line (clap): a thin edge over services. `anyhow` is used here only.

mod bench;
mod bench_completion;
mod bench_privacy;
mod charts;
mod completion;
mod data;
mod duplicates;
mod eval;
mod identity;
mod privacy;
mod research;
mod retention;
mod roi;
mod roi_desk;
mod search;
mod serve;
mod users;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "chartroom",
    version,
    about = "Keyboard-driven records-room (HIM) terminal application"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate a demo population into the default data directory if it is empty, then open the TUI.
    Demo {
        /// Data directory (default: $CHARTROOM_DATA or ~/.local/share/chartroom/demo).
        #[arg(long)]
        data: Option<PathBuf>,
        #[command(flatten)]
        population: PopulationArgs,
        #[command(flatten)]
        ui: UiArgs,
    },
    /// Open the TUI on a data directory in this terminal.
    Tui {
        #[arg(long)]
        data: PathBuf,
        #[command(flatten)]
        ui: UiArgs,
    },
    /// Generate a deterministic demo population.
    Generate {
        #[arg(long)]
        data: PathBuf,
        #[command(flatten)]
        population: PopulationArgs,
        /// Charts only, no workspace queues (deficiencies, requests, access traffic,
        /// duplicate decisions): for scale runs of search, notes and imports.
        #[arg(long)]
        charts_only: bool,
    },
    /// Import charts from another system.
    Import {
        #[command(subcommand)]
        kind: ImportKind,
    },
    /// Export charts for another system (and for round trips and benchmarks).
    Export {
        #[command(subcommand)]
        kind: ExportKind,
    },
    /// Measure search quality: recall@1/@5 per query kind.
    Eval {
        #[command(subcommand)]
        command: eval::EvalCommand,
    },
    /// Search patients (or notes with --notes) from the command line.
    Search(search::SearchArgs),
    /// Rebuild the search index from the store.
    Reindex {
        #[arg(long)]
        data: PathBuf,
    },
    /// Check store/index agreement and the audit chain; exits non-zero naming the first problem.
    Verify {
        #[arg(long)]
        data: PathBuf,
    },
    /// List audit events, newest last (all, or for one patient by MRN).
    Audit {
        #[arg(long)]
        data: PathBuf,
        /// Only events about this patient (MRN in any form).
        #[arg(long)]
        mrn: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Validate a keymap or theme file.
    CheckConfig { file: PathBuf },
    /// Print benchmark figures (`name value unit` per line).
    Bench(bench::BenchArgs),
    /// Run the SSH server: every clerk connects with `ssh -p PORT USER@HOST`.
    Serve(serve::ServeArgs),
    /// Chart completion: analyse discharged charts, move deficiencies, print the templates.
    Deficiencies {
        #[command(subcommand)]
        command: completion::DeficienciesCommand,
    },
    /// Reports for scripts: deficiencies, delinquency, provider letters, disclosures.
    Report {
        #[command(subcommand)]
        command: completion::ReportCommand,
    },
    /// Merge a duplicate chart into the one that survives (recorded, reversible).
    Merge {
        #[arg(long)]
        data: PathBuf,
        /// MRN of the chart that stays (as a feed sent it, or chartroom's own).
        survivor: String,
        /// MRN of the duplicate: its searches lead to the survivor from now on.
        retired: String,
        #[arg(long, default_value = "duplicate chart")]
        reason: String,
    },
    /// Undo the merge of a chart (an HL7 A40 or `chartroom merge`).
    Unmerge {
        #[arg(long)]
        data: PathBuf,
        /// MRN of the retired chart.
        retired: String,
        #[arg(long, default_value = "merged in error")]
        reason: String,
    },
    /// Run the privacy rules over the access logs: ranked alerts, one JSON line each, worst first.
    Alerts {
        #[arg(long)]
        data: PathBuf,
        /// One JSON object per line (the only format).
        #[arg(long, required = true)]
        json: bool,
        #[command(flatten)]
        period: privacy::Period,
    },
    /// Paper charts: the day's pull list (terminal-digit order), charts out, charge-out, check-in.
    Charts {
        #[command(subcommand)]
        command: charts::ChartsCommand,
    },
    /// Duplicate charts: find and list candidate pairs, merge, unmerge, decide, evaluate.
    Duplicates {
        #[command(subcommand)]
        command: duplicates::DuplicatesCommand,
    },
    /// Release of information: log requests, extend, QA, release, list.
    Roi {
        #[command(subcommand)]
        command: roi::RoiCommand,
    },
    /// Legal holds: a held chart is never destroyed (supervisor, with a reason).
    LegalHold {
        #[command(subcommand)]
        command: retention::LegalHoldCommand,
    },
    /// Destroy a chart past its retention (supervisor; recorded in the destruction log).
    Destroy {
        #[arg(long)]
        data: PathBuf,
        /// The chart: source id, feed MRN or MRN.
        patient: String,
        /// The supervisor who authorised it (default: whoever runs the command).
        #[arg(long)]
        authorised_by: Option<String>,
        #[arg(long, default_value = "retention period ended")]
        reason: String,
    },
    /// Manage the staff roster (who may log in over SSH, and in which role).
    Users {
        #[command(subcommand)]
        command: users::UsersCommand,
    },
}

#[derive(Subcommand, Debug)]
enum ImportKind {
    /// Synthea v3 CSV export directory (patients.csv, encounters.csv, procedures.csv, providers.csv, organizations.csv).
    SyntheaCsv {
        dir: PathBuf,
        #[arg(long)]
        data: PathBuf,
    },
    /// FHIR R4: a Bundle file, a directory of bundles, or a Bulk Data NDJSON directory.
    Fhir {
        path: PathBuf,
        #[arg(long)]
        data: PathBuf,
    },
    /// HL7 v2 ADT messages (ER7): a file or a directory of files, applied in name order.
    Hl7 {
        path: PathBuf,
        #[arg(long)]
        data: PathBuf,
    },
    /// Access-log CSV (timestamp,user_id,patient_id,action,workstation,department); all or nothing.
    AccessCsv {
        file: PathBuf,
        /// A TOML file mapping another layout's columns and time format (docs/PRIVACY.md).
        #[arg(long)]
        mapping: Option<PathBuf>,
        #[arg(long)]
        data: PathBuf,
    },
    /// HR roster CSV (user_id,name,department,role,home_address,linked_patient_id,provider_id).
    Roster {
        file: PathBuf,
        #[arg(long)]
        data: PathBuf,
    },
    /// FHIR R4 AuditEvents (IHE BALP): a resource, a Bundle, NDJSON, or a directory of them.
    Auditevent {
        path: PathBuf,
        #[arg(long)]
        data: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum ExportKind {
    /// Synthea v3 CSV (patients, encounters, providers, organizations) into OUT.
    SyntheaCsv {
        out: PathBuf,
        #[arg(long)]
        data: PathBuf,
        /// Append Synthea-style digits to names (`Alva958`), as real Synthea output has.
        #[arg(long)]
        synthea_name_digits: bool,
    },
    /// A Safe Harbor de-identified research extract (CSV), self-checked (docs/DEID.md).
    Deid {
        #[arg(long)]
        data: PathBuf,
        /// New or empty directory for patients.csv, encounters.csv, diagnoses.csv, documents.csv.
        #[arg(long)]
        out: PathBuf,
        /// Only care from this date (YYYY-MM-DD) on.
        #[arg(long)]
        from: Option<String>,
        /// Only care up to this date (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
    },
}

/// Size and seed of a generated demo population.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct PopulationArgs {
    /// Patient charts to generate.
    #[arg(long, default_value_t = chartroom_services::GenerateOptions::DEFAULT_PATIENTS)]
    pub patients: u64,
    /// Seed: the same seed (and as-of date) gives the same population.
    #[arg(long, default_value_t = chartroom_services::GenerateOptions::DEFAULT_SEED)]
    pub seed: u64,
    /// The population's "today" (YYYY-MM-DD): histories end and charts await completion
    /// as of this date. Default: today, so a fresh demo's queues are current.
    #[arg(long)]
    pub as_of: Option<chrono::NaiveDate>,
}

/// Options of the interactive screens.
#[derive(clap::Args, Debug, Clone)]
pub struct UiArgs {
    /// Log in as this roster user (default: the OS user, registered as a local admin).
    #[arg(long)]
    user: Option<String>,
    /// A keymap file to merge over the defaults.
    #[arg(long)]
    keymap: Option<PathBuf>,
    /// Theme name (dark, light, mono) or a theme file.
    #[arg(long)]
    theme: Option<String>,
}

/// Runs the command line and turns errors into a message and exit code 1 (2 for usage).
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        // The reader went away (`chartroom duplicates list --json | head`): what it
        // wanted it has; nothing to report.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Whatever command hit a directory held by a server says so the same way.
            match serve::locked_hint(&e) {
                Some(hint) => eprintln!("chartroom: {hint}"),
                None => eprintln!("chartroom: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Demo {
            data,
            population,
            ui,
        } => {
            let dir = match data {
                Some(d) => d,
                None => default_demo_dir()?,
            };
            data::demo(&dir, population, &ui)
        }
        Command::Tui { data, ui } => data::tui(&data, &ui),
        Command::Generate {
            data,
            population,
            charts_only,
        } => data::generate(&data, population, charts_only),
        Command::Import {
            kind: ImportKind::SyntheaCsv { dir, data },
        } => data::import_synthea(&dir, &data),
        Command::Import {
            kind: ImportKind::Fhir { path, data },
        } => data::import_fhir(&path, &data),
        Command::Import {
            kind: ImportKind::Hl7 { path, data },
        } => data::import_hl7(&path, &data),
        Command::Import {
            kind:
                ImportKind::AccessCsv {
                    file,
                    mapping,
                    data,
                },
        } => privacy::import_access_csv(&file, mapping.as_deref(), &data),
        Command::Import {
            kind: ImportKind::Roster { file, data },
        } => privacy::import_roster(&file, &data),
        Command::Import {
            kind: ImportKind::Auditevent { path, data },
        } => privacy::import_auditevent(&path, &data),
        Command::Alerts { data, period, .. } => privacy::alerts(&data, &period),
        Command::Export {
            kind:
                ExportKind::SyntheaCsv {
                    out,
                    data,
                    synthea_name_digits,
                },
        } => data::export_synthea(&data, &out, synthea_name_digits),
        Command::Export {
            kind:
                ExportKind::Deid {
                    data,
                    out,
                    from,
                    to,
                },
        } => research::export_deid(&data, &out, from.as_deref(), to.as_deref()),
        Command::LegalHold { command } => retention::legal_hold(&command),
        Command::Destroy {
            data,
            patient,
            authorised_by,
            reason,
        } => retention::destroy(&data, &patient, authorised_by.as_deref(), &reason),
        Command::Eval { command } => eval::run(&command),
        Command::Search(args) => search::run(&args),
        Command::Reindex { data } => data::reindex(&data),
        Command::Verify { data } => data::verify(&data),
        Command::Audit { data, mrn, limit } => data::audit(&data, mrn.as_deref(), limit),
        Command::CheckConfig { file } => data::check_config(&file),
        Command::Bench(args) => bench::run(&args),
        Command::Serve(args) => serve::serve(&args),
        Command::Users { command } => users::run(&command),
        Command::Deficiencies { command } => completion::deficiencies(&command),
        Command::Report { command } => completion::report(&command),
        Command::Merge {
            data,
            survivor,
            retired,
            reason,
        } => identity::merge(&data, &survivor, &retired, &reason),
        Command::Unmerge {
            data,
            retired,
            reason,
        } => identity::unmerge(&data, &retired, &reason),
        Command::Roi { command } => roi::roi(&command),
        Command::Duplicates { command } => duplicates::duplicates(&command),
        Command::Charts { command } => charts::charts(&command),
    }
}

/// `$CHARTROOM_DATA`, else `$XDG_DATA_HOME/chartroom/demo`, else `~/.local/share/chartroom/demo`.
fn default_demo_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CHARTROOM_DATA") {
        return Ok(PathBuf::from(dir));
    }
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME") {
        return Ok(Path::new(&xdg).join("chartroom/demo"));
    }
    let home = std::env::var_os("HOME")
        .context("neither CHARTROOM_DATA nor HOME is set; pass --data DIR")?;
    Ok(Path::new(&home).join(".local/share/chartroom/demo"))
}

/// The OS user name, for the local operator's roster entry.
fn os_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "local".into())
}

/// Sends tracing output to `DIR/logs/chartroom.log` (never to the terminal the TUI
/// draws on). Logs carry ids, counts and durations only, never patient data.
fn init_logging(data_dir: &Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let logs = data_dir.join("logs");
    std::fs::create_dir_all(&logs).ok()?;
    let appender = tracing_appender::rolling::daily(logs, "chartroom.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("CHARTROOM_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
