//! `chartroom merge` and `chartroom unmerge`: the chart merge an HL7 A40 records, done
//! or undone by hand (until the Identity workspace has screens for it).

use super::data::open_as_operator;
use anyhow::{Context, Result};
use chartroom_services::{Services, Session};
use std::path::Path;
use std::process::ExitCode;

fn chart(services: &Services, session: &Session, mrn: &str) -> Result<chartroom_domain::Patient> {
    services
        .patient_by_mrn_text(session, mrn)?
        .with_context(|| format!("no chart has the MRN {mrn}"))
}

/// Merges the chart `retired` into `survivor` (both MRNs, as sent or chartroom's own).
pub fn merge(dir: &Path, survivor: &str, retired: &str, reason: &str) -> Result<ExitCode> {
    let (services, session) = open_as_operator(dir)?;
    let kept = chart(&services, &session, survivor)?;
    let gone = chart(&services, &session, retired)?;
    services.merge_charts(&session, kept.id, gone.id, reason)?;
    println!("merged {} into {}", gone.mrn_text(), kept.mrn_text());
    Ok(ExitCode::SUCCESS)
}

/// Undoes the merge of the chart `retired`.
pub fn unmerge(dir: &Path, retired: &str, reason: &str) -> Result<ExitCode> {
    let (services, session) = open_as_operator(dir)?;
    let gone = chart(&services, &session, retired)?;
    let record = services.unmerge_chart(&session, gone.id, reason)?;
    println!(
        "unmerged {} (it had been merged on {} by {}: {})",
        gone.mrn_text(),
        record.at.format("%Y-%m-%d %H:%M"),
        record.by,
        record.reason
    );
    Ok(ExitCode::SUCCESS)
}
