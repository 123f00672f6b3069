//! `chartroom bench --completion`: chart completion figures on an existing data
//! directory (one `name value unit` line each): analysing every discharged encounter,
//! opening and filtering the analysis queue, a provider's view, the deficiency report
//! and the dashboard (aging, backlog, delinquency by month).

use super::bench::{figure, percentile};
use anyhow::Result;
use chartroom_domain::{DeficiencyStatus, EncounterClass};
use chartroom_services::completion::DeficiencyFilter;
use chartroom_services::{Services, Session};
use std::time::{Duration, Instant};

/// Runs of each timed call (the median and the worst are printed).
const RUNS: usize = 7;

fn timed<T>(mut f: impl FnMut() -> Result<T>) -> Result<(Vec<Duration>, T)> {
    let mut times = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        last = Some(f()?);
        times.push(started.elapsed());
    }
    times.sort();
    let value = last.ok_or_else(|| anyhow::anyhow!("no run"))?;
    Ok((times, value))
}

fn report(name: &str, times: &[Duration]) {
    figure(&format!("{name}_p50"), percentile(times, 0.5), "ms");
    figure(&format!("{name}_max"), percentile(times, 1.0), "ms");
}

pub(super) fn run(services: &Services, session: &Session, reanalyse: bool) -> Result<()> {
    if reanalyse {
        let analysed = services.analyze_deficiencies(session, true)?;
        figure(
            "analyze_encounters",
            analysed.encounters as f64,
            "encounters",
        );
        figure("analyze_seconds", analysed.elapsed.as_secs_f64(), "s");
        figure(
            "analyze_rate",
            analysed.encounters as f64 / analysed.elapsed.as_secs_f64().max(1e-9),
            "encounters/s",
        );
    }
    let as_of = services.today();
    let (times, queue) =
        timed(|| Ok(services.analysis_queue(session, &DeficiencyFilter::default(), 200)?))?;
    report("queue_open", &times);
    figure("queue_rows", queue.len() as f64, "rows");
    let emergency = DeficiencyFilter {
        class: Some(EncounterClass::Emergency),
        ..DeficiencyFilter::default()
    };
    let (times, _) = timed(|| Ok(services.analysis_queue(session, &emergency, 200)?))?;
    report("queue_filter_class", &times);
    let outstanding = DeficiencyFilter {
        statuses: vec![DeficiencyStatus::Open, DeficiencyStatus::Returned],
        ..DeficiencyFilter::default()
    };
    let (times, open) = timed(|| Ok(services.deficiency_rows(session, &outstanding, as_of)?))?;
    report("outstanding_rows", &times);
    figure("outstanding", open.len() as f64, "deficiencies");
    let busiest = open
        .iter()
        .filter_map(|r| r.deficiency.provider)
        .fold(std::collections::HashMap::new(), |mut m, p| {
            *m.entry(p).or_insert(0u64) += 1;
            m
        })
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(p, _)| p);
    let provider = DeficiencyFilter {
        provider: busiest,
        ..outstanding.clone()
    };
    let (times, mine) = timed(|| Ok(services.deficiency_rows(session, &provider, as_of)?))?;
    report("provider_view", &times);
    figure("provider_view_rows", mine.len() as f64, "deficiencies");
    let (times, all) =
        timed(|| Ok(services.deficiency_rows(session, &DeficiencyFilter::default(), as_of)?))?;
    report("report_deficiencies", &times);
    figure("deficiencies", all.len() as f64, "deficiencies");
    let (times, dashboard) = timed(|| Ok(services.completion_dashboard(session, as_of)?))?;
    report("dashboard_delinquency", &times);
    figure(
        "delinquency_months",
        dashboard.months.len() as f64,
        "months",
    );
    Ok(())
}
