//! HL7 v2 ADT import: `import_hl7(store, path, options)` reads a file or a directory of
//! ER7 messages (files in name order) and applies each message as the registration
//! system meant it (see `adt.rs`). The MLLP listener applies single messages through
//! [`Feed`] and answers with [`ack::ack_for`].
//!
//! - `stream.rs`: bytes → messages (framing, BOM, line ends, batch envelopes, 16 MiB).
//! - `parse.rs`: one message → segments, fields, repetitions, components, escapes.
//! - `fields.rs`: HL7 data types → domain values (times, names, addresses, ...).
//! - `adt.rs`: event semantics, patient matching, merges; `demographics.rs`: PID fields.
//! - `ack.rs`: original-mode ACK messages.
//! - `feed.rs`: one message at a time, for the MLLP listener.
//!
//! Decisions (docs/HL7.md has the full list):
//! - All or nothing per file: one write transaction per file. A message that cannot be
//!   read (structure, a field that is not what its type says, a required field missing)
//!   stops the file; nothing of it is committed and the error names the file, the
//!   message number, its control id (MSH-10), the segment and the field, never a value.
//!   Files before it stay imported.
//! - A message that is understood but refused (AE unknown patient, AR unsupported type)
//!   does not stop the file: it is counted in the report, as a feed's ACK would say.

pub mod ack;
mod adt;
mod demographics;
mod feed;
mod fields;
pub mod parse;
pub mod stream;

pub use adt::{AckCode, Outcome};
pub use feed::{Feed, FeedAnswer};
pub use stream::MAX_MESSAGE_BYTES;

use adt::{Adt, ApplyError, Overlay};
use chartroom_store::{Store, StoreError};
use chrono::{FixedOffset, Offset};
use parse::{Location, Message};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use stream::{MessageStream, StreamError};

/// Settings of an HL7 import or feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hl7Options {
    /// The hospital's zone: timestamps without an offset are read in it.
    pub local_offset: FixedOffset,
}

impl Default for Hl7Options {
    fn default() -> Self {
        Hl7Options {
            local_offset: utc(),
        }
    }
}

fn utc() -> FixedOffset {
    chrono::Utc.fix()
}

impl Hl7Options {
    /// Reads a zone as written in config.toml: `UTC`, `Z`, or `+HH:MM` / `-HH:MM`.
    /// (A fixed offset: chartroom carries no time-zone database; see docs/HL7.md.)
    pub fn parse_offset(text: &str) -> Option<FixedOffset> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("utc") || t == "Z" {
            return Some(utc());
        }
        let sign = match t.chars().next()? {
            '+' => 1,
            '-' => -1,
            _ => return None,
        };
        let (h, m) = t[1..].split_once(':').unwrap_or((&t[1..], "0"));
        let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
        if !(0..=14).contains(&h) || !(0..60).contains(&m) {
            return None;
        }
        FixedOffset::east_opt(sign * (h * 3600 + m * 60))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Hl7ImportError {
    #[error("{path} does not exist")]
    NotFound { path: PathBuf },
    #[error("{path} holds no files")]
    NoFiles { path: PathBuf },
    #[error("{file} holds no HL7 messages (no MSH segment)")]
    NoMessages { file: String },
    #[error("cannot read {file}: {error}")]
    Io { file: String, error: std::io::Error },
    #[error("{file}: {error}; nothing of this file was imported")]
    Stream { file: String, error: StreamError },
    #[error("{file} message {number} (control id {control_id}), {at}: {problem}; nothing of this file was imported")]
    Message {
        file: String,
        number: usize,
        control_id: String,
        at: Location,
        problem: String,
    },
    #[error("importing {file}: {error}")]
    Store { file: String, error: StoreError },
}

/// A message that was refused (AE or AR), for the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub file: String,
    pub number: usize,
    pub control_id: String,
    pub code: AckCode,
    pub event: String,
    pub reason: String,
}

/// Refusals listed one by one in a report; the rest are only counted.
const LISTED_REFUSALS: usize = 20;

/// What an HL7 import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hl7ImportReport {
    pub files: u64,
    pub messages: u64,
    /// Messages applied (AA).
    pub applied: u64,
    /// Other ADT events acknowledged (AA) and skipped, by event (`ADT^A02`).
    pub skipped: BTreeMap<String, u64>,
    /// Refused messages by code, event and reason.
    pub refused: BTreeMap<(AckCode, String, String), u64>,
    /// The first refusals, with file, message number and control id.
    pub refusals: Vec<Refusal>,
    pub patients_added: u64,
    pub patients_updated: u64,
    pub encounters_added: u64,
    pub merges: u64,
    pub elapsed: Duration,
}

impl Hl7ImportReport {
    fn count(&mut self, file: &str, number: usize, control_id: &str, outcome: Outcome) {
        self.messages += 1;
        match outcome {
            Outcome::Applied {
                patients_added,
                encounters_added,
                merges,
                ..
            } => {
                self.applied += 1;
                self.patients_added += patients_added;
                if patients_added == 0 && merges == 0 {
                    self.patients_updated += 1;
                }
                self.encounters_added += encounters_added;
                self.merges += merges;
            }
            Outcome::Skipped { event } => *self.skipped.entry(event).or_default() += 1,
            Outcome::Refused {
                code,
                event,
                reason,
            } => {
                if self.refusals.len() < LISTED_REFUSALS {
                    self.refusals.push(Refusal {
                        file: file.to_string(),
                        number,
                        control_id: control_id.to_string(),
                        code,
                        event: event.clone(),
                        reason: reason.clone(),
                    });
                }
                *self.refused.entry((code, event, reason)).or_default() += 1;
            }
        }
    }

    /// Messages acknowledged with this code.
    pub fn count_of(&self, code: AckCode) -> u64 {
        match code {
            AckCode::Accept => self.applied + self.skipped.values().sum::<u64>(),
            other => self
                .refused
                .iter()
                .filter(|((c, _, _), _)| *c == other)
                .map(|(_, n)| n)
                .sum(),
        }
    }

    /// Messages per second.
    pub fn messages_per_second(&self) -> f64 {
        crate::per_second(self.messages, self.elapsed)
    }
}

impl std::fmt::Display for Hl7ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "imported {} files, {} messages: AA {} ({} applied, {} skipped), AE {}, AR {}; patients {} added, {} updated; encounters {} added; merges {}; {:.2} s",
            self.files,
            self.messages,
            self.count_of(AckCode::Accept),
            self.applied,
            self.skipped.values().sum::<u64>(),
            self.count_of(AckCode::Error),
            self.count_of(AckCode::Reject),
            self.patients_added,
            self.patients_updated,
            self.encounters_added,
            self.merges,
            self.elapsed.as_secs_f64()
        )?;
        if !self.skipped.is_empty() {
            write!(f, "\nskipped (AA): {}", crate::count_list(&self.skipped))?;
        }
        for ((code, event, reason), n) in &self.refused {
            write!(f, "\nrefused ({}): {event} {reason}: {n}", code.code())?;
        }
        for r in &self.refusals {
            write!(
                f,
                "\n  {} message {} (control id {}): {} {} {}",
                r.file,
                r.number,
                r.control_id,
                r.code.code(),
                r.event,
                r.reason
            )?;
        }
        Ok(())
    }
}

/// Imports an HL7 v2 file or a directory of them (see the module notes).
pub fn import_hl7(
    store: &Store,
    path: &Path,
    options: Hl7Options,
) -> Result<Hl7ImportReport, Hl7ImportError> {
    let started = Instant::now();
    let files = list_files(path)?;
    let mut report = Hl7ImportReport::default();
    let mut overlay = {
        let read = store.read().map_err(|source| Hl7ImportError::Store {
            file: path.display().to_string(),
            error: source,
        })?;
        Overlay::new(&read).map_err(|source| Hl7ImportError::Store {
            file: path.display().to_string(),
            error: source,
        })?
    };
    for file in files {
        import_file(store, &file, options, &mut overlay, &mut report)?;
        overlay.reset();
        report.files += 1;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Buffered store writes between flushes into the file's redb transaction.
const FLUSH_EVERY: usize = 20_000;

fn import_file(
    store: &Store,
    path: &Path,
    options: Hl7Options,
    overlay: &mut Overlay,
    report: &mut Hl7ImportReport,
) -> Result<(), Hl7ImportError> {
    let file = path.display().to_string();
    let opened = std::fs::File::open(path).map_err(|error| Hl7ImportError::Io {
        file: file.clone(),
        error,
    })?;
    let mut messages = MessageStream::new(std::io::BufReader::with_capacity(1 << 16, opened));
    let store_error = |error| Hl7ImportError::Store {
        file: file.clone(),
        error,
    };
    let read = store.read().map_err(store_error)?;
    let mut tx = store.write().map_err(store_error)?;
    // Counted into a report of its own first: a failing file adds nothing.
    let mut mine = Hl7ImportReport::default();
    loop {
        let raw = match messages.next_message() {
            Ok(Some(raw)) => raw,
            Ok(None) => break,
            Err(error) => {
                return Err(Hl7ImportError::Stream {
                    file: file.clone(),
                    error,
                })
            }
        };
        let located = |at: Location, problem: String| Hl7ImportError::Message {
            file: file.clone(),
            number: raw.number,
            control_id: raw.control_id().unwrap_or_else(|| "unknown".into()),
            at,
            problem,
        };
        let lines = raw.line_refs();
        let msg = Message::parse(&lines).map_err(|p| located(p.at, p.problem))?;
        let mut adt = Adt {
            read: &read,
            tx: &mut tx,
            overlay,
            local: options.local_offset,
        };
        let outcome = match adt.apply(&msg) {
            Ok(outcome) => outcome,
            Err(ApplyError::Data(p)) => return Err(located(p.at, p.problem)),
            Err(ApplyError::Store(e)) => return Err(store_error(e)),
        };
        mine.count(&file, raw.number, &msg.control_id(), outcome);
        if tx.pending() >= FLUSH_EVERY {
            tx.flush().map_err(store_error)?;
        }
    }
    if messages.count() == 0 {
        return Err(Hl7ImportError::NoMessages { file });
    }
    tx.commit().map_err(store_error)?;
    report.absorb(mine);
    Ok(())
}

impl Hl7ImportReport {
    fn absorb(&mut self, other: Hl7ImportReport) {
        self.messages += other.messages;
        self.applied += other.applied;
        for (k, v) in other.skipped {
            *self.skipped.entry(k).or_default() += v;
        }
        for (k, v) in other.refused {
            *self.refused.entry(k).or_default() += v;
        }
        let room = LISTED_REFUSALS.saturating_sub(self.refusals.len());
        self.refusals.extend(other.refusals.into_iter().take(room));
        self.patients_added += other.patients_added;
        self.patients_updated += other.patients_updated;
        self.encounters_added += other.encounters_added;
        self.merges += other.merges;
    }
}

/// A file as given, or a directory's files in name order (hidden files and `*.md`
/// notes are left out).
fn list_files(path: &Path) -> Result<Vec<PathBuf>, Hl7ImportError> {
    let io = |error| Hl7ImportError::Io {
        file: path.display().to_string(),
        error,
    };
    let files: Vec<PathBuf> = match crate::input(path).map_err(io)? {
        crate::Input::File(file) => return Ok(vec![file]),
        crate::Input::Missing => {
            return Err(Hl7ImportError::NotFound {
                path: path.to_path_buf(),
            })
        }
        crate::Input::Directory(files) => files,
    }
    .into_iter()
    .filter(|file| {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        !name.starts_with('.') && !name.ends_with(".md")
    })
    .collect();
    if files.is_empty() {
        return Err(Hl7ImportError::NoFiles {
            path: path.to_path_buf(),
        });
    }
    Ok(files)
}

#[cfg(test)]
mod tests;
