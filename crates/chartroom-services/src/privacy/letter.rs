//! "Who viewed my record" for the patient: a letter addressed to them from the chart,
//! listing every access in the period (when, who by name, department, role, what) with
//! a plain-language explanation and the privacy office's contact line. Written as a
//! PDF (the same pages as the release packet) or as plain text, chosen by the output
//! file's extension.
//!
//! The letter carries this patient's data only: staff are named, never their user ids
//! or workstations, and the rows come from the patient's own access report.

use super::alerts::AlertsQuery;
use super::report::AccessLine;
use crate::paged::{pdf, push_section, wrap_text, COLUMNS};
use crate::{DataConfig, Result, ServiceError, Services, Session};
use chartroom_domain::{AccessAction, Patient, Permission};
use chrono::{FixedOffset, NaiveDate, Offset};
use std::path::Path;

/// How the letter is written: `.pdf` or `.txt` by the output file's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LetterFormat {
    Pdf,
    Text,
}

impl LetterFormat {
    pub fn for_path(path: &Path) -> Result<LetterFormat> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("pdf") => Ok(LetterFormat::Pdf),
            Some("txt") => Ok(LetterFormat::Text),
            _ => Err(ServiceError::Invalid {
                what: "letter file",
                reason: "the name must end in .pdf or .txt".into(),
            }),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            LetterFormat::Pdf => "pdf",
            LetterFormat::Text => "text",
        }
    }
}

/// What was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetterSummary {
    pub format: LetterFormat,
    pub accesses: usize,
    /// Pages of the PDF (1 for text).
    pub pages: usize,
    /// Whether the chart had an address to put on the letter.
    pub addressed: bool,
}

/// Used when `config.toml` has no `privacy_contact`.
const DEFAULT_CONTACT: &str =
    "the Privacy Office, Health Information Management department (ask the hospital \
     switchboard for the privacy officer)";

/// Column widths of the table: when, staff member, department, role, what.
const WIDTHS: [usize; 5] = [16, 20, 16, 10, 14];

/// Everything the letter says, gathered once; text and PDF draw the same lines.
struct AccessLetter<'a> {
    patient: &'a Patient,
    lines: &'a [AccessLine],
    query: &'a AlertsQuery,
    written_on: NaiveDate,
    zone: FixedOffset,
    contact: String,
}

impl Services {
    /// Writes the patient's "who viewed my record" letter to `out` (`.pdf` or `.txt`):
    /// every access to the chart `reference` (MRN or source id) in the period. Needs a
    /// chart here (the letter is addressed from it). Audited on the chart.
    pub fn write_access_letter(
        &self,
        session: &Session,
        reference: &str,
        query: &AlertsQuery,
        out: &Path,
    ) -> Result<LetterSummary> {
        self.require(session, Permission::ReviewAccess)?;
        let format = LetterFormat::for_path(out)?;
        let (patient, lines) = self.patient_accesses(reference, query)?;
        let patient = patient.ok_or(ServiceError::NotFound {
            what: "chart with that id (a letter is addressed from the chart)",
        })?;
        let config = DataConfig::load(&self.data_dir)?;
        let zone = match config.time_zone.as_deref() {
            Some(text) => chartroom_import::Hl7Options::parse_offset(text).ok_or_else(|| {
                ServiceError::Invalid {
                    what: "time_zone in config.toml",
                    reason: "expected UTC or an offset like +01:00 or -05:00".into(),
                }
            })?,
            None => recorded_zone(&lines),
        };
        let letter = AccessLetter {
            patient: &patient,
            lines: &lines,
            query,
            written_on: self.today(),
            zone,
            contact: config
                .privacy_contact
                .filter(|c| !c.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_CONTACT.to_string()),
        };
        let body = letter.lines();
        let (bytes, pages) = match format {
            LetterFormat::Text => {
                let mut text = String::new();
                for line in body.iter().flat_map(|l| wrap_text(l)) {
                    text.push_str(&line);
                    text.push('\n');
                }
                (text.into_bytes(), 1)
            }
            LetterFormat::Pdf => {
                let mut pages = Vec::new();
                push_section(&mut pages, &body);
                let footer = format!(
                    "{} | MRN {} | letter of {}",
                    patient.name.display_first_last(),
                    patient.mrn,
                    letter.written_on
                );
                let title = "Who viewed your health record";
                (pdf::render(&pages, &footer, title), pages.len())
            }
        };
        std::fs::write(out, &bytes).map_err(|e| ServiceError::Invalid {
            what: "letter file",
            reason: format!("{}: {}", out.display(), e.kind()),
        })?;
        let detail = format!(
            "access letter ({}): {} accesses, {pages} page(s)",
            format.code(),
            lines.len()
        );
        let audited = self.audit(self.audit_event(
            session,
            AccessAction::AccessReview,
            Some(patient.id),
            detail,
        ));
        if let Err(e) = audited {
            // Unaudited, the letter must not leave: take back what was written.
            let _ = std::fs::remove_file(out);
            return Err(e);
        }
        Ok(LetterSummary {
            format,
            accesses: lines.len(),
            pages,
            addressed: patient.address.is_some(),
        })
    }
}

/// Without a configured zone, the zone the hospital's own systems wrote the newest
/// imported access in (chartroom's audit rows are UTC, so they do not count), else UTC.
fn recorded_zone(lines: &[AccessLine]) -> FixedOffset {
    lines
        .iter()
        .rev()
        .find(|l| l.record.source != "chartroom")
        .and_then(|l| FixedOffset::east_opt(l.record.offset_secs))
        .unwrap_or(chrono::Utc.fix())
}

impl AccessLetter<'_> {
    /// The letter as lines of at most [`COLUMNS`] characters once wrapped.
    fn lines(&self) -> Vec<String> {
        let p = self.patient;
        let name = p.name.display_first_last();
        let mut out = vec![
            format!(
                "{:<width$}{}",
                "WHO VIEWED YOUR HEALTH RECORD",
                long_date(self.written_on),
                width = COLUMNS.saturating_sub(long_date(self.written_on).len())
            ),
            String::new(),
            name.clone(),
        ];
        if let Some(a) = &p.address {
            out.push(a.line.clone());
            out.push(format!("{}, {} {}", a.city, a.state, a.zip));
        }
        out.push(String::new());
        out.push(format!("Dear {name},"));
        out.push(String::new());
        out.push(format!(
            "You asked who has looked at your health record. This letter lists every time \
             a member of our staff opened or used your record {}, as our computer systems \
             recorded it (medical record number {}).",
            self.period(),
            p.mrn
        ));
        out.push(String::new());
        if self.lines.is_empty() {
            out.push("No one opened or used your record in this period.".to_string());
        } else {
            out.push(table_row(&[
                "Date and time",
                "Staff member",
                "Department",
                "Role",
                "What they did",
            ]));
            let rules = WIDTHS.map(|w| "-".repeat(w));
            out.push(table_row(&rules.each_ref().map(String::as_str)));
            for line in self.lines {
                let when = line
                    .record
                    .time
                    .with_timezone(&self.zone)
                    .format("%Y-%m-%d %H:%M")
                    .to_string();
                let who = or_words(&line.user_name, "(not on staff list)");
                out.push(table_row(&[
                    when.as_str(),
                    who,
                    or_words(&line.department, "-"),
                    or_words(&line.role, "-"),
                    action_words(&line.record.action),
                ]));
            }
            out.push(String::new());
            out.push(format!(
                "{} access(es) in all. Times are shown in UTC{}.",
                self.lines.len(),
                if self.zone.local_minus_utc() == 0 {
                    String::new()
                } else {
                    self.zone.to_string()
                }
            ));
        }
        out.push(String::new());
        for paragraph in [
            "Why staff look at records: doctors, nurses and others who treat you open your \
             record to care for you; other staff use it to register you, schedule and bill \
             for your care, and to meet legal and quality duties. Each person may look at a \
             record only when their work needs it, and every look is recorded, which is how \
             we can give you this list."
                .to_string(),
            "This list covers our own staff's use of your record. It does not list copies \
             sent outside the hospital; you may ask separately for an accounting of those \
             disclosures."
                .to_string(),
            "If something looks wrong: if you do not recognise a name, or believe someone \
             looked at your record without a work reason, tell us. We will look into it and \
             write to you with what we found."
                .to_string(),
            format!(
                "Contact: {}. Please mention the date of this letter and your medical \
                 record number.",
                self.contact.trim().trim_end_matches('.')
            ),
        ] {
            out.push(paragraph);
            out.push(String::new());
        }
        out.push("Sincerely,".to_string());
        out.push("The Privacy Office".to_string());
        out
    }

    /// "between March 1, 2026 and March 31, 2026", "on ...", "since ...", "up to ...".
    fn period(&self) -> String {
        match (self.query.from, self.query.to) {
            (Some(f), Some(t)) if f == t => format!("on {}", long_date(f)),
            (Some(f), Some(t)) => format!("between {} and {}", long_date(f), long_date(t)),
            (Some(f), None) => format!("since {}", long_date(f)),
            (None, Some(t)) => format!("up to {}", long_date(t)),
            (None, None) => format!("in all our records up to {}", long_date(self.written_on)),
        }
    }
}

fn long_date(d: NaiveDate) -> String {
    d.format("%B %-d, %Y").to_string()
}

fn or_words<'a>(text: &'a str, instead: &'a str) -> &'a str {
    if text.trim().is_empty() {
        instead
    } else {
        text.trim()
    }
}

/// One table row: each cell cut to its column (a cut cell ends in `.`).
fn table_row(cells: &[&str]) -> String {
    let mut row = String::new();
    for (n, (cell, width)) in cells.iter().zip(WIDTHS).enumerate() {
        let chars: Vec<char> = cell.chars().collect();
        let text: String = if chars.len() > width {
            chars[..width - 1].iter().chain(['.'].iter()).collect()
        } else {
            cell.to_string()
        };
        if n + 1 == cells.len() {
            row.push_str(&text);
        } else {
            row.push_str(&format!("{text:<width$}  "));
        }
    }
    row.trim_end().to_string()
}

/// An access's action in words a patient reads (the logs' codes otherwise).
fn action_words(action: &str) -> &str {
    let a = action.trim().to_ascii_lowercase();
    match a.as_str() {
        "open-chart" | "view" | "read" | "open" | "access" | "r" => "viewed",
        "open-document" | "view-document" | "view-note" => "read a document",
        "print" => "printed",
        "update" | "edit" | "write" | "modify" | "u" => "changed",
        "create" | "add" | "c" => "added to it",
        "delete" | "remove" | "d" => "removed an entry",
        "export" | "download" => "copied it out",
        "release" => "released a copy",
        "search" | "query" => "searched",
        _ if a.contains("break") || a == "btg" || a.contains("emergency") => "emergency view",
        _ => action.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_fit_the_page_and_actions_read_as_words() {
        let row = table_row(&[
            "2026-03-04 11:00",
            "Maximiliana Featherstonehaugh",
            "Cardiothoracic Surgery",
            "physician assistant",
            "emergency view",
        ]);
        assert!(row.len() <= COLUMNS, "{row}");
        assert!(row.contains("Maximiliana Feather."), "{row}");
        assert_eq!(action_words("VIEW"), "viewed");
        assert_eq!(action_words("break-glass"), "emergency view");
        assert_eq!(action_words("open-document"), "read a document");
        assert_eq!(action_words("transmogrify"), "transmogrify");
        let path = Path::new("out/letter.PDF");
        assert_eq!(LetterFormat::for_path(path).ok(), Some(LetterFormat::Pdf));
        assert!(LetterFormat::for_path(Path::new("letter.docx")).is_err());
    }
}
