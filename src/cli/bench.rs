//! `chartroom bench`: prints one `name value unit` line per figure. Figures, never
//! timed assertions: tests stay deterministic, numbers go into notes.

use super::os_user;
use anyhow::{Context, Result};
use chartroom_domain::{Patient, SystemClock};
use chartroom_services::{
    ExportOptions, GenerateOptions, NoProgress, ReindexReport, Services, Session,
};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Data directory; generated first (timed) when empty.
    #[arg(long)]
    data: PathBuf,
    /// Patients to generate when the directory is empty.
    #[command(flatten)]
    population: super::PopulationArgs,
    /// Patients sampled to build search queries from.
    #[arg(long, default_value_t = 500)]
    sample: usize,
    /// Queries typed key by key into the TUI (80×24, in memory) for the
    /// keystroke-to-frame figures; 0 skips them. Each takes about 2 s (a key every 120 ms).
    #[arg(long, default_value_t = 30)]
    typing: usize,
    /// Skip the full index rebuild (slow at 1M).
    #[arg(long)]
    skip_reindex: bool,
    /// Only the chart completion figures (queue, provider view, reports; with
    /// `--reanalyse`, analysing every discharged encounter again first).
    #[arg(long)]
    completion: bool,
    #[arg(long, requires = "completion")]
    reanalyse: bool,
    /// Only the access-log figures: a synthetic month of CSV access events imported,
    /// reports and the rule run (on an existing data directory).
    #[arg(long)]
    privacy: bool,
    /// Only time access lookups on the events already imported: this many patients'
    /// histories and users' activity, all time (p50 / p99 / max).
    #[arg(long, value_name = "N")]
    access_lookups: Option<usize>,
    /// Events in the synthetic month (`--privacy`).
    #[arg(long, default_value_t = 2_000_000)]
    privacy_events: usize,
    /// Also time a Synthea CSV import: the data is exported to a scratch directory and
    /// imported into a fresh store there (needs free disk for a second copy).
    #[arg(long)]
    import: bool,
}

pub(super) fn figure(name: &str, value: f64, unit: &str) {
    println!("{name} {value:.3} {unit}");
}

/// Resident set size now and at its peak, from /proc (Linux).
pub(super) fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The `p` quantile of sorted durations, in milliseconds (0 for none).
pub(super) fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

fn index_figures(report: &ReindexReport) {
    figure("index_build_seconds", report.elapsed.as_secs_f64(), "s");
    figure("index_patients", report.counts.patients as f64, "patients");
    figure(
        "index_documents",
        report.counts.documents as f64,
        "documents",
    );
}

/// Queries of several kinds built from a sampled patient, each with its known answer.
fn queries_for(p: &Patient) -> Vec<(&'static str, String)> {
    let given = p.name.given.to_lowercase();
    let family = p.name.family.to_lowercase();
    let dob = p.dob.format("%-m/%-d/%Y").to_string();
    let mut typo = family.clone();
    if typo.len() > 4 {
        typo.remove(typo.len() / 2);
    }
    let mut out = vec![
        ("last_first", format!("{family} {given}")),
        ("comma", format!("{}, {}", p.name.family, p.name.given)),
        ("name_dob", format!("{given} {family} {dob}")),
        ("typo_dob", format!("{typo} {given} {dob}")),
        ("mrn", p.mrn.to_string()),
    ];
    if let Some(phone) = p.phones.first() {
        out.push(("phone", phone.clone()));
    }
    out
}

pub fn run(args: &BenchArgs) -> Result<ExitCode> {
    let fresh = !args.data.join("chartroom.redb").exists();
    let services = Services::open(&args.data, Arc::new(SystemClock))
        .with_context(|| format!("cannot open {}", args.data.display()))?;
    if args.completion && !fresh {
        let session = services.local_session(&os_user())?;
        super::bench_completion::run(&services, &session, args.reanalyse)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let (Some(count), false) = (args.access_lookups, fresh) {
        let session = services.local_session(&os_user())?;
        super::bench_privacy::lookups(&services, &session, count)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.privacy && !fresh {
        let session = services.local_session(&os_user())?;
        super::bench_privacy::run(&services, &session, args.privacy_events)?;
        return Ok(ExitCode::SUCCESS);
    }
    if fresh {
        let options = GenerateOptions {
            patients: args.population.patients,
            seed: args.population.seed,
            ..GenerateOptions::default()
        };
        // Generation and its index build are one use case; the index build is reported
        // on its own below, as before.
        let (report, reindexed) = services.generate_demo(&os_user(), &options, &NoProgress)?;
        let secs = report.elapsed.as_secs_f64();
        figure(
            "generate_patients",
            args.population.patients as f64,
            "patients",
        );
        figure("generate_seconds", secs, "s");
        figure(
            "generate_rate",
            args.population.patients as f64 / secs.max(1e-9),
            "patients/s",
        );
        index_figures(&reindexed);
    } else if !args.skip_reindex {
        let session = services.local_session(&os_user())?;
        index_figures(&services.reindex(&session)?);
    }
    let status = services.status()?;
    figure("data_size", status.bytes_on_disk as f64 / 1e6, "MB");
    figure("index_size", status.index_bytes as f64 / 1e6, "MB");

    // Cold start: open store and index as a fresh process would (after this process
    // released them), then build the first screen's data.
    drop(services);
    let cold = Instant::now();
    let services = Arc::new(Services::open(&args.data, Arc::new(SystemClock))?);
    let session = services.local_session(&os_user())?;
    let config = chartroom_ui::UiConfig::load(&chartroom_ui::UiOptions::default())?;
    let first_frame = chartroom_ui::bench::first_frame(services.clone(), session.clone(), &config)?;
    figure(
        "cold_start_to_first_frame",
        cold.elapsed().as_secs_f64() * 1000.0,
        "ms",
    );
    figure("first_frame_draw", first_frame.as_secs_f64() * 1000.0, "ms");

    search_figures(&services, &session, args.sample)?;
    note_figures(&services, &session)?;
    typing_figures(&services, session.clone(), &config, args.typing)?;
    if args.import {
        import_figures(&services, &session)?;
    }
    let (rss, peak) = memory_kib();
    figure("resident_memory", rss as f64 / 1024.0, "MB");
    figure("peak_resident_memory", peak as f64 / 1024.0, "MB");
    Ok(ExitCode::SUCCESS)
}

fn search_figures(services: &Services, session: &Session, sample: usize) -> Result<()> {
    let sampled: Vec<Patient> = services
        .sample_patients(session, sample, "benchmark queries")?
        .into_iter()
        .map(|r| r.patient)
        .collect();
    let mut batch = services.search_batch(session, "benchmark")?;
    let mut latencies = Vec::new();
    let mut by_kind: std::collections::BTreeMap<&str, (usize, usize, usize)> = Default::default();
    for patient in &sampled {
        for (kind, q) in queries_for(patient) {
            let t = Instant::now();
            let hits = batch.patients(&q, 10)?;
            latencies.push(t.elapsed());
            let rank = hits.iter().position(|h| h.patient.id == patient.id);
            let entry = by_kind.entry(kind).or_default();
            entry.0 += 1;
            entry.1 += usize::from(rank == Some(0));
            entry.2 += usize::from(rank.is_some_and(|r| r < 5));
        }
    }
    batch.finish()?;
    latencies.sort_unstable();
    figure("search_queries", latencies.len() as f64, "queries");
    figure("search_p50", percentile(&latencies, 0.50), "ms");
    figure("search_p99", percentile(&latencies, 0.99), "ms");
    // The same searches as a clerk runs them: each one also commits its audit event
    // (fsync and redb's quick-repair allocator state included).
    let mut audited = Vec::new();
    for patient in sampled.iter().take(100) {
        if let Some((_, q)) = queries_for(patient).into_iter().next() {
            let t = Instant::now();
            services.search_patients(session, &q, 10)?;
            audited.push(t.elapsed());
        }
    }
    audited.sort_unstable();
    figure("audited_search_p50", percentile(&audited, 0.50), "ms");
    figure("audited_search_p99", percentile(&audited, 0.99), "ms");
    for (kind, (n, at1, at5)) in by_kind {
        figure(
            &format!("recall_at_1_{kind}"),
            at1 as f64 / n.max(1) as f64,
            "ratio",
        );
        figure(
            &format!("recall_at_5_{kind}"),
            at5 as f64 / n.max(1) as f64,
            "ratio",
        );
    }
    Ok(())
}

/// Search-as-you-type in the TUI: names of sampled patients ("family given", as a
/// clerk types what the caller says) typed one key at a time into an 80×24 app.
fn typing_figures(
    services: &Arc<Services>,
    session: Session,
    config: &chartroom_ui::UiConfig,
    count: usize,
) -> Result<()> {
    if count == 0 {
        return Ok(());
    }
    let queries: Vec<String> = services
        .sample_patients(&session, count, "benchmark typing")?
        .into_iter()
        .map(|r| {
            format!(
                "{} {}",
                r.patient.name.family.to_lowercase(),
                r.patient.name.given.to_lowercase()
            )
        })
        .collect();
    let services: Arc<dyn chartroom_ui::ChartServices> = services.clone();
    let figures = chartroom_ui::bench::typing(
        services,
        session,
        config,
        &queries,
        chartroom_ui::bench::TypingOptions::default(),
    )?;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    figure("typing_queries", figures.queries as f64, "queries");
    figure("typing_keystrokes", figures.keystrokes as f64, "keys");
    figure(
        "keystroke_to_frame_p50",
        ms(figures.keystroke_to_frame_p50),
        "ms",
    );
    figure(
        "keystroke_to_frame_p99",
        ms(figures.keystroke_to_frame_p99),
        "ms",
    );
    figure(
        "query_to_results_p50",
        ms(figures.query_to_results_p50),
        "ms",
    );
    figure(
        "query_to_results_p99",
        ms(figures.query_to_results_p99),
        "ms",
    );
    if figures.lost > 0 {
        figure("query_results_lost", figures.lost as f64, "queries");
    }
    Ok(())
}

/// Export to Synthea CSV, then time importing it into a fresh store.
fn import_figures(services: &Services, session: &Session) -> Result<()> {
    let scratch = std::env::temp_dir().join(format!("chartroom-bench-{}", std::process::id()));
    let csv_dir = scratch.join("csv");
    let report = services.export_synthea_csv(session, &csv_dir, ExportOptions::default())?;
    // The import alone is timed (the report's own clock), not the index update after it.
    let target = Services::open(&scratch.join("data"), Arc::new(SystemClock))?;
    let operator = target.local_session(&os_user())?;
    let (imported, _) = target.import_synthea_csv(&operator, &csv_dir)?;
    let secs = imported.elapsed.as_secs_f64();
    drop(target);
    let _ = std::fs::remove_dir_all(&scratch);
    figure("import_patients", report.patients as f64, "patients");
    figure("import_encounters", report.encounters as f64, "encounters");
    figure("import_seconds", secs, "s");
    figure(
        "import_rate",
        report.patients as f64 / secs.max(1e-9),
        "patients/s",
    );
    Ok(())
}

/// Note search latency over a fixed mix of the query language: words, phrases,
/// prefixes, AND/OR/NOT, and filters (type, date range).
fn note_figures(services: &Services, session: &Session) -> Result<()> {
    use chartroom_domain::DocumentType;
    use chartroom_services::NoteQuery;
    use chrono::NaiveDate;
    let words = [
        "pneumonia",
        "\"chest pain\"",
        "cardi*",
        "fever AND cough",
        "diarrhea OR vomiting",
        "pain NOT chest",
        "ceftriaxone",
        "\"blood cultures\"",
        "hypertens*",
        "ankle AND sprain",
        "insulin",
        "discharge",
    ];
    let mut batch = services.search_batch(session, "benchmark notes")?;
    let mut timed: Vec<(Duration, String)> = Vec::new();
    for (round, text) in words.iter().cycle().take(words.len() * 8).enumerate() {
        let mut query = NoteQuery {
            text: text.to_string(),
            ..NoteQuery::default()
        };
        let filter = match round % 4 {
            1 => {
                query.doc_type = Some(DocumentType::DischargeSummary);
                " (discharge summaries)"
            }
            2 => {
                query.from = NaiveDate::from_ymd_opt(2024, 1, 1);
                query.to = NaiveDate::from_ymd_opt(2024, 12, 31);
                " (2024)"
            }
            _ => "",
        };
        let started = Instant::now();
        batch.notes(&query, 20)?;
        timed.push((started.elapsed(), format!("{text}{filter}")));
    }
    batch.finish()?;
    timed.sort_unstable_by_key(|(took, _)| std::cmp::Reverse(*took));
    // the slowest query shapes (each once, at its slowest), so a p99 says where it comes from
    let mut shown: Vec<&str> = Vec::new();
    for (took, label) in &timed {
        if shown.len() == 6 {
            break;
        }
        if !shown.contains(&label.as_str()) {
            shown.push(label);
            let ms = took.as_secs_f64() * 1000.0;
            println!("# slow note query {ms:.1} ms: {label}");
        }
    }
    let mut latencies: Vec<Duration> = timed.into_iter().map(|(took, _)| took).collect();
    latencies.sort_unstable();
    figure("note_search_queries", latencies.len() as f64, "queries");
    figure("note_search_p50", percentile(&latencies, 0.50), "ms");
    figure("note_search_p99", percentile(&latencies, 0.99), "ms");
    Ok(())
}
