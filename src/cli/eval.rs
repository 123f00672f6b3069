//! `chartroom eval make|run`: search quality measured as recall@1 and recall@5 per
//! query kind, on queries with known answers made from the data directory itself.

use super::bench::percentile;
use super::data::open_as_operator;
use anyhow::{Context, Result};
use chartroom_services::eval_queries::{eval_queries, EvalPatient, KINDS};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(clap::Subcommand, Debug)]
pub enum EvalCommand {
    /// Write evaluation queries (JSONL: q, kind, expect) made from sampled patients.
    Make {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Queries per kind.
        #[arg(long, default_value_t = 200)]
        per_kind: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Run evaluation queries and print recall@1/@5 per kind and latency figures.
    Run {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        queries: PathBuf,
        /// Print each query that missed the top 5 (to stderr; may contain names).
        #[arg(long)]
        show_misses: bool,
    },
    /// Privacy ranking: generate a population and a month of access traffic with planted
    /// snooping and look-alikes into an empty DIR, then print precision@K and each rank.
    Privacy {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, default_value_t = 2000)]
        patients: u64,
        #[arg(long, default_value_t = chartroom_services::GenerateOptions::DEFAULT_SEED)]
        seed: u64,
    },
}

#[derive(Deserialize)]
struct Line {
    q: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(alias = "id", alias = "expected")]
    expect: String,
}

pub fn run(command: &EvalCommand) -> Result<ExitCode> {
    match command {
        EvalCommand::Make {
            data,
            out,
            per_kind,
            seed,
        } => make(data, out, *per_kind, *seed),
        EvalCommand::Run {
            data,
            queries,
            show_misses,
        } => score(data, queries, *show_misses),
        EvalCommand::Privacy {
            data,
            patients,
            seed,
        } => privacy(data, *patients, *seed),
    }
}

fn privacy(data: &Path, patients: u64, seed: u64) -> Result<ExitCode> {
    if data.join("chartroom.redb").exists() {
        anyhow::bail!(
            "{} already holds data; the privacy eval needs an empty directory",
            data.display()
        );
    }
    let (services, session) = open_as_operator(data)?;
    let options = chartroom_services::GenerateOptions {
        patients,
        seed,
        ..chartroom_services::GenerateOptions::default()
    };
    let report = services.privacy_eval(&session, &options)?;
    print!("{report}");
    Ok(ExitCode::SUCCESS)
}

fn make(data: &Path, out: &Path, per_kind: usize, seed: u64) -> Result<ExitCode> {
    let (services, session) = open_as_operator(data)?;
    // Sample evenly through the id space, more than needed: rare kinds (suffix,
    // maiden, hyphenated) need many patients to fill.
    let want = (per_kind * 40).max(1);
    let purpose = format!("eval queries to {}", out.display());
    let sampled = services.sample_patients(&session, want, &purpose)?;
    let eval: Vec<EvalPatient<'_>> = sampled
        .iter()
        .map(|r| EvalPatient {
            patient: &r.patient,
            encounter_numbers: &r.encounter_numbers,
        })
        .collect();
    let nickname_of = |given: &str| chartroom_domain::matching::nickname_for(given);
    let census = services.name_census(&session, &purpose)?;
    let queries = eval_queries(&eval, per_kind, seed, &nickname_of, &census);
    let file =
        std::fs::File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut w = BufWriter::new(file);
    for q in &queries {
        writeln!(
            w,
            "{}",
            json!({ "q": q.q, "kind": q.kind, "expect": q.expect })
        )?;
    }
    w.flush()?;
    eprintln!(
        "wrote {} queries of {} kinds to {}",
        queries.len(),
        KINDS.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn score(data: &Path, queries: &Path, show_misses: bool) -> Result<ExitCode> {
    let (services, session) = open_as_operator(data)?;
    let mut batch = services.search_batch(&session, &queries.display().to_string())?;
    let input = std::fs::File::open(queries)
        .with_context(|| format!("cannot read {}", queries.display()))?;
    let mut per_kind: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut kind_latencies: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
    let mut latencies = Vec::new();
    for (n, line) in std::io::BufReader::new(input).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(&line).map_err(|_| {
            anyhow::anyhow!(
                "{} line {}: expected {{\"q\", \"expect\"[, \"kind\"]}}",
                queries.display(),
                n + 1
            )
        })?;
        let started = Instant::now();
        let hits = batch.patients(&parsed.q, 10)?;
        let took = started.elapsed();
        latencies.push(took);
        let rank = hits
            .iter()
            .position(|h| h.patient.source_id() == parsed.expect);
        let kind = parsed.kind.unwrap_or_else(|| "all".into());
        kind_latencies.entry(kind.clone()).or_default().push(took);
        if show_misses && rank != Some(0) {
            eprintln!("miss {kind}: {:?} (rank {:?})", parsed.q, rank);
        }
        for key in [kind, "overall".to_string()] {
            let e = per_kind.entry(key).or_default();
            e.0 += 1;
            e.1 += usize::from(rank == Some(0));
            e.2 += usize::from(rank.is_some_and(|r| r < 5));
        }
    }
    for (kind, (n, at1, at5)) in &per_kind {
        println!(
            "recall_at_1_{kind} {:.4} ratio (n={n})",
            *at1 as f64 / (*n).max(1) as f64
        );
        println!(
            "recall_at_5_{kind} {:.4} ratio (n={n})",
            *at5 as f64 / (*n).max(1) as f64
        );
    }
    // per kind, so the slow kinds show without post-processing
    for (kind, mut times) in kind_latencies {
        times.sort_unstable();
        println!("search_p50_{kind} {:.3} ms", percentile(&times, 0.5));
        println!("search_p99_{kind} {:.3} ms", percentile(&times, 0.99));
    }
    batch.finish()?;
    latencies.sort_unstable();
    println!("search_p50 {:.3} ms", percentile(&latencies, 0.5));
    println!("search_p99 {:.3} ms", percentile(&latencies, 0.99));
    println!("search_max {:.3} ms", percentile(&latencies, 1.0));
    Ok(ExitCode::SUCCESS)
}
