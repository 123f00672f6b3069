//! `chartroom search`: patient search (one query or a JSONL batch) and note search.
//! The JSON shapes here are a stable interface for scripts and benchmarks.

use super::os_user;
use anyhow::{bail, Context, Result};
use chartroom_domain::{DocumentType, SystemClock};
use chartroom_services::{NoteQuery, PatientResult, Services};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct SearchArgs {
    #[arg(long)]
    data: PathBuf,
    /// Print JSON (one object) instead of a table.
    #[arg(long)]
    json: bool,
    /// Read queries from a JSONL file (one {"q": ...} per line); prints one JSON line each.
    #[arg(long, conflicts_with = "query")]
    queries: Option<PathBuf>,
    /// Search inside clinical notes instead of patients.
    #[arg(long)]
    notes: bool,
    /// Hits to return.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Note search: only this patient's notes (MRN).
    #[arg(long)]
    mrn: Option<String>,
    /// Note search: notes on or after this date (YYYY-MM-DD).
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Note search: notes on or before this date (YYYY-MM-DD).
    #[arg(long)]
    to: Option<NaiveDate>,
    /// Note search: note type code (hp, progress, discharge, operative, consult, ...).
    #[arg(long = "type")]
    doc_type: Option<String>,
    /// Note search: notes whose author's name has these words (`smith`, `"jane smith"`).
    #[arg(long)]
    author: Option<String>,
    /// The query, e.g. "smith, jon 3/2/84".
    query: Option<String>,
}

#[derive(Deserialize)]
struct QueryLine {
    q: String,
}

fn hit_json(r: &PatientResult) -> serde_json::Value {
    json!({
        "id": r.patient.source_id(),
        "mrn": r.patient.mrn_text(),
        "name": r.patient.name.display_last_first(),
        "dob": r.patient.dob.format("%Y-%m-%d").to_string(),
        "score": r.score,
        "why": r.why,
        "flags": r.patient.flags.words(),
    })
}

pub fn run(args: &SearchArgs) -> Result<ExitCode> {
    let services = Arc::new(
        Services::open(&args.data, Arc::new(SystemClock))
            .with_context(|| format!("cannot open the data directory {}", args.data.display()))?,
    );
    let session = services.local_session(&os_user())?;
    if let Some(file) = &args.queries {
        return run_batch(&services, &session, file, args.limit);
    }
    let Some(query) = args.query.as_deref() else {
        bail!("give a query, or --queries FILE.jsonl");
    };
    if args.notes {
        return run_notes(&services, &session, args, query);
    }
    let started = Instant::now();
    let results = services.search_patients(&session, query, args.limit)?;
    let micros = started.elapsed().as_micros() as u64;
    if args.json {
        let hits: Vec<_> = results.iter().map(hit_json).collect();
        println!("{}", json!({ "q": query, "hits": hits, "micros": micros }));
    } else {
        for (rank, r) in results.iter().enumerate() {
            let p = &r.patient;
            println!(
                "{:>2}. {:<32} {}  {}  {}  {:<10} {}",
                rank + 1,
                p.name.display_last_first(),
                p.dob.format("%m/%d/%Y"),
                p.sex.letter(),
                p.mrn,
                p.flags.words().join(","),
                r.why.join("; ")
            );
        }
        if results.is_empty() {
            println!("no patients found");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One JSON line per query. `micros` is the wall time of the whole query (index
/// candidates, ranking, loading the hits from the store), not of the output. The
/// batch is one user action and is audited once.
fn run_batch(
    services: &Services,
    session: &chartroom_services::Session,
    file: &PathBuf,
    limit: usize,
) -> Result<ExitCode> {
    let input =
        std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut batch = services.search_batch(session, &file.display().to_string())?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    for (n, line) in std::io::BufReader::new(input).lines().enumerate() {
        let line =
            line.with_context(|| format!("{} line {}: cannot read", file.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: QueryLine = serde_json::from_str(&line).map_err(|e| {
            anyhow::anyhow!(
                "{} line {}: not a JSON object with a string field \"q\" ({})",
                file.display(),
                n + 1,
                e.classify_name()
            )
        })?;
        let started = Instant::now();
        let results = batch.patients(&parsed.q, limit)?;
        let micros = started.elapsed().as_micros() as u64;
        let hits: Vec<_> = results.iter().map(hit_json).collect();
        writeln!(
            out,
            "{}",
            json!({ "q": parsed.q, "hits": hits, "micros": micros })
        )?;
    }
    out.flush()?;
    batch.finish()?;
    Ok(ExitCode::SUCCESS)
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    /// The kind of JSON problem without echoing the line (it may hold a patient's name).
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "missing or non-string \"q\"",
            serde_json::error::Category::Eof => "line ends early",
        }
    }
}

fn run_notes(
    services: &Services,
    session: &chartroom_services::Session,
    args: &SearchArgs,
    text: &str,
) -> Result<ExitCode> {
    let patient = match &args.mrn {
        // chartroom's MRN in any form, or a feed's MRN as it was sent
        Some(m) => Some(
            services
                .patient_by_mrn_text(session, m)?
                .context("--mrn: no patient has that MRN")?
                .id,
        ),
        None => None,
    };
    let doc_type = match &args.doc_type {
        Some(code) => Some(DocumentType::from_code(code).with_context(|| {
            let codes: Vec<_> = DocumentType::ALL.iter().map(|t| t.code()).collect();
            format!(
                "--type: unknown note type {code:?}; use one of {}",
                codes.join(", ")
            )
        })?),
        None => None,
    };
    let query = NoteQuery {
        text: text.to_string(),
        patient,
        from: args.from,
        to: args.to,
        doc_type,
        author: None,
        author_name: args.author.clone(),
    };
    let started = Instant::now();
    let results = services.search_notes(session, &query, args.limit)?;
    let micros = started.elapsed().as_micros() as u64;
    if args.json {
        let hits: Vec<_> = results
            .iter()
            .map(|r| {
                json!({
                    "document": r.hit.document.0,
                    "patient": r.patient_name,
                    "mrn": r.mrn,
                    "type": r.hit.doc_type.label(),
                    "date": r.hit.time.format("%Y-%m-%d").to_string(),
                    "author": r.author_name,
                    "score": r.hit.score,
                    "snippet": marked_snippet(&r.hit.snippet),
                })
            })
            .collect();
        println!("{}", json!({ "q": text, "hits": hits, "micros": micros }));
    } else {
        for r in &results {
            println!(
                "{}  {:<24} {}  {:<18} {}",
                r.hit.time.format("%Y-%m-%d"),
                r.patient_name,
                r.mrn,
                r.hit.doc_type.label(),
                marked_snippet(&r.hit.snippet)
            );
        }
        if results.is_empty() {
            println!("no notes found");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The snippet with matched words in [brackets]: marked by characters, not colour.
fn marked_snippet(snippet: &chartroom_services::Snippet) -> String {
    let mut out = String::with_capacity(snippet.text.len() + 8);
    let mut at = 0;
    for mark in &snippet.marks {
        if mark.start < at || mark.end > snippet.text.len() {
            continue;
        }
        let (Some(before), Some(word)) = (
            snippet.text.get(at..mark.start),
            snippet.text.get(mark.clone()),
        ) else {
            continue;
        };
        out.push_str(before);
        out.push('[');
        out.push_str(word);
        out.push(']');
        at = mark.end;
    }
    out.push_str(snippet.text.get(at..).unwrap_or(""));
    out.replace('\n', " ")
}
