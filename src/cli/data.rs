//! Commands that create, load, check and show data, and the interactive screens.

use super::{init_logging, os_user, PopulationArgs, UiArgs};
use anyhow::{bail, Context, Result};
use chartroom_domain::{Mrn, SystemClock};
use chartroom_services::{
    self as services, ExportOptions, GenerateOptions, IndicatifProgress, Services, Session,
};
use chartroom_term as term;
use chartroom_ui as ui;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

fn open_services(data: &Path) -> Result<Services> {
    // A running server holds the directory: say so and how to connect, not "locked".
    Services::open(data, Arc::new(SystemClock))
        .map_err(|e| super::serve::explain_open_error(data, e))
}

/// The data directory opened for the operating-system user running the command: every
/// command works, and is audited, as that user.
pub(super) fn open_as_operator(data: &Path) -> Result<(Services, Session)> {
    let services = open_services(data)?;
    let session = services.local_session(&os_user())?;
    Ok((services, session))
}

/// Whether a data directory holds no store yet (or does not exist).
fn is_empty_data_dir(dir: &Path) -> bool {
    !dir.join("chartroom.redb").exists()
}

/// Present in a data directory while `demo` generates into it. Still there on the next
/// `demo`, it means the generation was interrupted (Ctrl-C, a closed terminal): the
/// partial population is ours to replace, where a store without it may be anyone's.
const DEMO_UNFINISHED: &str = "demo-unfinished";

pub fn demo(dir: &Path, population: PopulationArgs, ui_args: &UiArgs) -> Result<ExitCode> {
    let unfinished = dir.join(DEMO_UNFINISHED);
    if unfinished.exists() {
        eprintln!(
            "chartroom: the demo population in {} was interrupted while it was generated; generating it again",
            dir.display()
        );
        remove_if_present(&dir.join("chartroom.redb"))?;
        remove_if_present(&dir.join("index"))?;
    }
    if is_empty_data_dir(dir) {
        eprintln!(
            "chartroom: generating a demo population of {} patients into {}",
            population.patients,
            dir.display()
        );
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        std::fs::write(&unfinished, "a demo population is being generated here\n")
            .with_context(|| format!("cannot write {}", unfinished.display()))?;
        generate(dir, population, false)?;
        remove_if_present(&unfinished)?;
    }
    tui(dir, ui_args)
}

fn remove_if_present(path: &Path) -> Result<()> {
    let removed = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match removed {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

pub fn tui(dir: &Path, ui_args: &UiArgs) -> Result<ExitCode> {
    let _log = init_logging(dir);
    let options = ui::UiOptions::from_env(
        ui_args.keymap.as_ref().map(|p| p.display().to_string()),
        ui_args.theme.clone(),
    );
    let config = ui::UiConfig::load(&options)?;
    let services = Arc::new(open_services(dir)?);
    let username = ui_args.user.clone().unwrap_or_else(os_user);
    let session = services.local_session(&username)?;
    term::run_local(services, session, config)?;
    Ok(ExitCode::SUCCESS)
}

pub fn generate(dir: &Path, population: PopulationArgs, charts_only: bool) -> Result<ExitCode> {
    let PopulationArgs {
        patients,
        seed,
        as_of,
    } = population;
    let _log = init_logging(dir);
    let services = Arc::new(open_services(dir)?);
    let _interrupt = catch_up_on_interrupt(&services)?;
    let options = GenerateOptions {
        patients,
        seed,
        as_of: as_of.unwrap_or_else(|| chrono::Local::now().date_naive()),
        ..GenerateOptions::default()
    };
    let progress = IndicatifProgress::new(patients);
    let (report, reindexed) = if charts_only {
        services.generate_charts(&os_user(), &options, &progress)?
    } else {
        services.generate_demo(&os_user(), &options, &progress)?
    };
    eprintln!("{report}");
    eprintln!(
        "indexed {} patients and {} notes in {:.1} s",
        reindexed.counts.patients,
        reindexed.counts.documents,
        reindexed.elapsed.as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn import_synthea(source: &Path, dir: &Path) -> Result<ExitCode> {
    import(dir, |services, session| {
        services.import_synthea_csv(session, source)
    })
}

pub fn import_fhir(source: &Path, dir: &Path) -> Result<ExitCode> {
    import(dir, |services, session| {
        services.import_fhir(session, source)
    })
}

pub fn import_hl7(source: &Path, dir: &Path) -> Result<ExitCode> {
    import(dir, |services, session| {
        services.import_hl7(session, source)
    })
}

/// Ctrl-C or SIGTERM during a long command: the index takes in what was committed
/// before the process exits (the file or batch in progress is not committed), so
/// `verify` right after finds it in step.
fn catch_up_on_interrupt(services: &Arc<Services>) -> Result<term::InterruptGuard> {
    let services = services.clone();
    let guard = term::on_interrupt(move || match services.catch_up_index_before_exit() {
        Ok(n) => eprintln!(
            "chartroom: interrupted; the index took in the {n} changes committed so far, \
             the work in progress was not committed"
        ),
        Err(e) => {
            eprintln!("chartroom: interrupted; the index will catch up at the next open ({e})")
        }
    })?;
    Ok(guard)
}

/// Runs one import as the operator: the report on stdout, the index update on stderr.
/// An error or an interruption still brings the index up to date for the files that
/// were committed.
fn import<R: std::fmt::Display>(
    dir: &Path,
    run: impl FnOnce(&Services, &Session) -> services::Result<(R, usize)>,
) -> Result<ExitCode> {
    let _log = init_logging(dir);
    let (services, session) = open_as_operator(dir)?;
    let services = Arc::new(services);
    let _interrupt = catch_up_on_interrupt(&services)?;
    let (report, applied) = run(&services, &session)?;
    println!("{report}");
    eprintln!("index updated with {applied} changes");
    Ok(ExitCode::SUCCESS)
}

pub fn reindex(dir: &Path) -> Result<ExitCode> {
    let _log = init_logging(dir);
    let report = services::reindex(dir, Arc::new(SystemClock), &os_user())
        .map_err(|e| super::serve::explain_open_error(dir, e))?;
    println!(
        "reindexed {} patients and {} notes in {:.2} s",
        report.counts.patients,
        report.counts.documents,
        report.elapsed.as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn verify(dir: &Path) -> Result<ExitCode> {
    if is_empty_data_dir(dir) {
        bail!(
            "{} holds no chartroom data (no chartroom.redb)",
            dir.display()
        );
    }
    let report = services::verify(dir)?;
    for check in &report.checks {
        println!(
            "{:<4} {:<12} {}",
            if check.ok { "ok" } else { "FAIL" },
            check.name,
            check.detail
        );
    }
    match report.first_problem() {
        None => Ok(ExitCode::SUCCESS),
        Some(problem) => {
            eprintln!("chartroom verify: {}: {}", problem.name, problem.detail);
            Ok(ExitCode::FAILURE)
        }
    }
}

pub fn audit(dir: &Path, mrn: Option<&str>, limit: usize) -> Result<ExitCode> {
    let (services, session) = open_as_operator(dir)?;
    let mrn = mrn
        .map(|text| Mrn::parse(text).context("not an MRN (digits, dashes optional)"))
        .transpose()?;
    let entries = services.audit_trail(&session, mrn, limit)?;
    for entry in entries {
        let (e, patient_mrn) = (&entry.event, entry.patient_mrn);
        let ev = &e.event;
        // The MRN is what a privacy officer looks up; the row id only if the chart is gone.
        let patient = match (patient_mrn, ev.patient) {
            (Some(mrn), _) => format!("MRN {mrn}"),
            (None, Some(id)) => format!("patient #{id}"),
            (None, None) => "-".into(),
        };
        println!(
            "{:>6} {} {:<12} {:<10} {:<21} {:<13} {:<15} {}{}{}",
            e.seq,
            ev.time.format("%Y-%m-%d %H:%M:%S"),
            ev.username,
            ev.role.map(|r| r.code()).unwrap_or("-"),
            ev.client,
            ev.action.code(),
            patient,
            ev.detail,
            ev.reason
                .as_deref()
                .map(|r| format!(" reason: {r}"))
                .unwrap_or_default(),
            if ev.flagged {
                " [FLAGGED for privacy review]"
            } else {
                ""
            },
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn check_config(file: &Path) -> Result<ExitCode> {
    let summary = ui::config::check_config_file(file)?;
    println!("{}: {summary}", file.display());
    Ok(ExitCode::SUCCESS)
}

pub fn export_synthea(dir: &Path, out: &Path, synthea_name_digits: bool) -> Result<ExitCode> {
    let (services, session) = open_as_operator(dir)?;
    let started = std::time::Instant::now();
    let options = ExportOptions {
        synthea_name_digits,
    };
    let report = services.export_synthea_csv(&session, out, options)?;
    eprintln!(
        "exported {} patients, {} encounters, {} providers to {} in {:.1} s",
        report.patients,
        report.encounters,
        report.providers,
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
