//! `chartroom export deid`: the Safe Harbor de-identified research extract (docs/DEID.md).

use super::data::open_as_operator;
use super::init_logging;
use anyhow::{Context, Result};
use chartroom_services::deid::DeidOptions;
use chrono::NaiveDate;
use std::path::Path;
use std::process::ExitCode;

pub(super) fn date_arg(flag: &str, text: Option<&str>) -> Result<Option<NaiveDate>> {
    text.map(|t| {
        NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .with_context(|| format!("{flag} {t:?} is not a date (YYYY-MM-DD)"))
    })
    .transpose()
}

/// Writes the extract into `out`; the self-check's verdict on stderr, the summary on
/// stdout. A self-check hit fails (exit 1) naming file, line and kind, output deleted.
pub fn export_deid(
    data: &Path,
    out: &Path,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<ExitCode> {
    let _log = init_logging(data);
    let options = DeidOptions {
        from: date_arg("--from", from)?,
        to: date_arg("--to", to)?,
    };
    let (services, session) = open_as_operator(data)?;
    let report = services.export_deidentified(&session, out, &options)?;
    println!(
        "de-identified extract {}: {} charts, {} encounters, {} diagnoses, {} documents in {}",
        report.export_id,
        report.charts,
        report.encounters,
        report.diagnoses,
        report.documents,
        out.display()
    );
    eprintln!(
        "self-check: {} lines scanned for {} identifiers of the exported patients in {:.2} s: none found (export {:.2} s)",
        report.lines_checked,
        report.needles,
        report.check_elapsed.as_secs_f64(),
        report.elapsed.as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
