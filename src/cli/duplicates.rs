//! `chartroom duplicates …`: duplicate charts for scripts. `list --json` is a contract
//! (docs/IDENTITY.md): one line per pair, best first, fields and codes as they are.

use super::bench::{figure, memory_kib};
use super::data::open_as_operator;
use anyhow::{bail, Context, Result};
use chartroom_domain::duplicates::{DuplicateStatus, OverlaySource};
use chartroom_domain::Patient;
use chartroom_services::{Services, Session};
use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Subcommand, Debug)]
pub enum DuplicatesCommand {
    /// Find candidate pairs (blocking + weighted field comparison) and store those at or
    /// above the threshold (`[identity] duplicate_threshold` in config.toml, default 60).
    Find {
        #[arg(long)]
        data: PathBuf,
    },
    /// The stored pairs, best first: undecided ones at or above the threshold and every
    /// decided one.
    List {
        #[arg(long)]
        data: PathBuf,
        /// One JSON object per line: a, b (source ids), score, status, fields.
        #[arg(long)]
        json: bool,
    },
    /// Verified duplicate: merge the retired chart into the survivor (reversible).
    Merge {
        #[arg(long)]
        data: PathBuf,
        /// Source id (as `list` prints it) or MRN of the chart that stays.
        #[arg(long)]
        survivor: String,
        /// Source id or MRN of the duplicate chart.
        #[arg(long)]
        retired: String,
        #[arg(long, default_value = "verified duplicate")]
        reason: String,
    },
    /// Undo the merge of a retired chart (the pair goes back to its earlier status).
    Unmerge {
        #[arg(long)]
        data: PathBuf,
        /// Source id or MRN of the retired chart.
        #[arg(long)]
        retired: String,
        #[arg(long, default_value = "merged in error")]
        reason: String,
    },
    /// Decide a pair: not_duplicate (never proposed again), deferred, or potential.
    Decide {
        #[arg(long)]
        data: PathBuf,
        /// Source id or MRN of one chart.
        #[arg(long)]
        a: String,
        /// Source id or MRN of the other chart.
        #[arg(long)]
        b: String,
        /// not_duplicate, deferred or potential.
        #[arg(long)]
        status: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// The overlay check: charts whose own encounters or procedures contradict their
    /// demographics (one MRN, two people), highest score first.
    Overlays {
        #[arg(long)]
        data: PathBuf,
        /// One JSON object per line: patient (source id), mrn, score, rules, evidence.
        #[arg(long)]
        json: bool,
    },
    /// Precision and recall on a generated population with planted duplicates, twins,
    /// Jr/Sr pairs and shared SSNs (no data directory; `name value unit` lines).
    Eval {
        #[arg(long, default_value_t = 20_000)]
        patients: u64,
        #[arg(long, default_value_t = 1984)]
        seed: u64,
        #[arg(long, default_value_t = chartroom_domain::duplicates::DEFAULT_THRESHOLD)]
        threshold: u8,
        /// Also print each missed pair and each flagged look-alike (generated people).
        #[arg(long)]
        verbose: bool,
    },
}

pub fn duplicates(command: &DuplicatesCommand) -> Result<ExitCode> {
    match command {
        DuplicatesCommand::Find { data } => find(data),
        DuplicatesCommand::List { data, json } => list(data, *json),
        DuplicatesCommand::Merge {
            data,
            survivor,
            retired,
            reason,
        } => merge(data, survivor, retired, reason),
        DuplicatesCommand::Unmerge {
            data,
            retired,
            reason,
        } => unmerge(data, retired, reason),
        DuplicatesCommand::Decide {
            data,
            a,
            b,
            status,
            reason,
        } => decide(data, a, b, status, reason),
        DuplicatesCommand::Overlays { data, json } => overlays(data, *json),
        DuplicatesCommand::Eval {
            patients,
            seed,
            threshold,
            verbose,
        } => eval(*patients, *seed, *threshold, *verbose),
    }
}

fn chart(services: &Services, session: &Session, id: &str) -> Result<Patient> {
    services
        .chart_by_source_id(session, id)?
        .with_context(|| format!("no chart has the id {id}"))
}

fn find(data: &Path) -> Result<ExitCode> {
    let (services, session) = open_as_operator(data)?;
    let r = services.find_duplicates(&session)?;
    let (_, peak) = memory_kib();
    eprintln!(
        "{} charts, {} blocks ({} too large, skipped), {} comparisons: {} pairs at or above {} ({} new, {} decided earlier, {} dropped)",
        r.blocking.charts,
        r.blocking.blocks,
        r.blocking.oversized_blocks,
        r.blocking.comparisons,
        r.pairs,
        r.threshold,
        r.new_pairs,
        r.decided,
        r.dropped
    );
    figure("duplicates_find_time", r.elapsed.as_secs_f64(), "s");
    figure("duplicates_find_peak_memory", peak as f64 / 1024.0, "MB");
    Ok(ExitCode::SUCCESS)
}

fn list(data: &Path, as_json: bool) -> Result<ExitCode> {
    let (services, session) = open_as_operator(data)?;
    let pairs = services.duplicate_pairs(&session)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for v in &pairs {
        if as_json {
            let mut fields = Map::new();
            for (field, outcome) in &v.pair.fields {
                fields.insert(field.code().into(), Value::from(outcome.code()));
            }
            let line = json!({
                "a": v.a.source_id(),
                "b": v.b.source_id(),
                "score": v.pair.score,
                "status": v.pair.status.code(),
                "fields": fields,
            });
            writeln!(out, "{line}")?;
        } else {
            writeln!(
                out,
                "{:>3} {:<18} {} {} | {} {}",
                v.pair.score,
                v.pair.status.code(),
                v.a.mrn_text(),
                v.a.name.display_last_first(),
                v.b.mrn_text(),
                v.b.name.display_last_first()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn overlays(data: &Path, as_json: bool) -> Result<ExitCode> {
    let (services, session) = open_as_operator(data)?;
    let flagged = services.overlay_check(&session)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for v in &flagged {
        let c = &v.candidate;
        if as_json {
            let evidence: Vec<Value> = c
                .signals
                .iter()
                .map(|s| {
                    let (kind, id) = match &s.source {
                        OverlaySource::Encounter(number) => ("encounter", Some(number.clone())),
                        OverlaySource::Procedure(id) => ("procedure", id.clone()),
                    };
                    json!({
                        "rule": s.rule.code(),
                        "kind": kind,
                        "id": id,
                        "date": s.date.to_string(),
                        "detail": s.detail,
                    })
                })
                .collect();
            let rules: Vec<&str> = c.rules().into_iter().map(|r| r.code()).collect();
            let line = json!({
                "patient": v.patient.source_id(),
                "mrn": v.patient.mrn_text(),
                "score": c.score,
                "rules": rules,
                "evidence": evidence,
            });
            writeln!(out, "{line}")?;
        } else {
            writeln!(
                out,
                "{:>3} {} {}",
                c.score,
                v.patient.mrn_text(),
                v.patient.name.display_last_first()
            )?;
            for s in &c.signals {
                writeln!(out, "      {}", s.explain())?;
            }
        }
    }
    if !as_json {
        eprintln!("{} charts flagged", flagged.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn merge(data: &Path, survivor: &str, retired: &str, reason: &str) -> Result<ExitCode> {
    let (services, session) = open_as_operator(data)?;
    let kept = chart(&services, &session, survivor)?;
    let gone = chart(&services, &session, retired)?;
    services.merge_charts(&session, kept.id, gone.id, reason)?;
    println!("merged {} into {}", gone.mrn_text(), kept.mrn_text());
    Ok(ExitCode::SUCCESS)
}

fn unmerge(data: &Path, retired: &str, reason: &str) -> Result<ExitCode> {
    let (services, session) = open_as_operator(data)?;
    let gone = chart(&services, &session, retired)?;
    services.unmerge_chart(&session, gone.id, reason)?;
    println!("unmerged {}", gone.mrn_text());
    Ok(ExitCode::SUCCESS)
}

fn decide(data: &Path, a: &str, b: &str, status: &str, reason: &str) -> Result<ExitCode> {
    let Some(status) = DuplicateStatus::parse(status) else {
        bail!("unknown status {status:?}: expected not_duplicate, deferred or potential");
    };
    let (services, session) = open_as_operator(data)?;
    let x = chart(&services, &session, a)?;
    let y = chart(&services, &session, b)?;
    let pair = services.decide_duplicate(&session, x.id, y.id, status, reason)?;
    println!(
        "{} / {}: {}",
        x.mrn_text(),
        y.mrn_text(),
        pair.status.code()
    );
    Ok(ExitCode::SUCCESS)
}

fn eval(patients: u64, seed: u64, threshold: u8, verbose: bool) -> Result<ExitCode> {
    let r = chartroom_services::evaluate_duplicates(patients, seed, threshold)?;
    if verbose {
        for line in r
            .missed
            .iter()
            .map(|m| format!("missed {m}"))
            .chain(r.false_alarms.iter().map(|f| format!("flagged {f}")))
        {
            eprintln!("{line}");
        }
    }
    let (_, peak) = memory_kib();
    figure("duplicates_eval_charts", r.charts as f64, "charts");
    figure("duplicates_eval_true_pairs", r.true_pairs as f64, "pairs");
    figure("duplicates_eval_found", r.found as f64, "pairs");
    figure("duplicates_eval_precision", r.precision(), "ratio");
    figure("duplicates_eval_recall", r.recall(), "ratio");
    for (kind, (total, flagged)) in &r.look_alikes {
        figure(
            &format!("duplicates_eval_flagged_{kind}"),
            *flagged as f64,
            &format!("of_{total}"),
        );
    }
    for (slip, (total, found)) in &r.by_slip {
        let recall = if *total == 0 {
            1.0
        } else {
            *found as f64 / *total as f64
        };
        figure(
            &format!("duplicates_eval_recall_{slip}"),
            recall,
            &format!("of_{total}"),
        );
    }
    figure(
        "duplicates_eval_comparisons",
        r.blocking.comparisons as f64,
        "pairs",
    );
    figure(
        "duplicates_eval_oversized_blocks",
        r.blocking.oversized_blocks as f64,
        "blocks",
    );
    figure("duplicates_eval_find_time", r.find_time.as_secs_f64(), "s");
    figure("duplicates_eval_peak_memory", peak as f64 / 1024.0, "MB");
    Ok(ExitCode::SUCCESS)
}
