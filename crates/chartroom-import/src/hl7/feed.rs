//! One message at a time, as the MLLP listener receives them: each applied message is
//! committed together with its (sender, control id), and only then acknowledged. A
//! resend of an applied message is answered again without being applied twice.
//! Anything that goes wrong answers AE or AR for that message only.
//!
//! Group commit: messages that arrive while a transaction is being written wait and
//! then go together into the next one (one fsync for all of them). Each message in a
//! group has a savepoint: a refused one's writes are rolled back and the others stand.
//! A lone sender still gets one transaction per message.

use super::ack::{ack_for, AckError, Header};
use super::adt::{msh_sender, AckCode, Adt, ApplyError, Outcome, Overlay};
use super::parse::{control_id_of, Message};
use super::stream::{MessageStream, RawMessage, StreamError};
use super::Hl7Options;
use chartroom_store::{Store, StoreError};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

/// The answer to one message.
#[derive(Clone, Debug)]
pub struct FeedAnswer {
    /// The ACK message (CR segment ends, without MLLP framing).
    pub ack: Vec<u8>,
    pub code: AckCode,
    /// `ADT^A01`, or `unreadable` when the message could not be parsed.
    pub event: String,
    /// The message's MSH-10 (empty when it could not be read).
    pub control_id: String,
    /// Why it was not accepted.
    pub reason: Option<String>,
    /// A resend of a message already applied.
    pub duplicate: bool,
}

/// What became of one message in a group.
#[derive(Clone, Debug)]
struct Applied {
    code: AckCode,
    error: Option<AckError>,
    duplicate: bool,
}

impl Applied {
    fn accepted(duplicate: bool) -> Applied {
        Applied {
            code: AckCode::Accept,
            error: None,
            duplicate,
        }
    }

    fn error(code: AckCode, error: AckError) -> Applied {
        Applied {
            code,
            error: Some(error),
            duplicate: false,
        }
    }

    fn internal() -> Applied {
        Applied::error(
            AckCode::Error,
            AckError::new(207, "could not be stored; send it again"),
        )
    }
}

/// Messages waiting for the next group, and the answers of finished groups.
#[derive(Default)]
struct Groups {
    queue: Vec<(u64, RawMessage)>,
    answers: HashMap<u64, Applied>,
    /// A caller is writing a group right now.
    writing: bool,
}

/// The feed's state shared by every connection.
pub struct Feed {
    options: Hl7Options,
    groups: Mutex<Groups>,
    group_done: Condvar,
    /// Used only by the caller writing a group.
    overlay: Mutex<Overlay>,
    tickets: AtomicU64,
    acks: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The guarded state is rebuilt or checked on every use: a panic elsewhere cannot
    // leave it half-written in a way that matters.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Feed {
    pub fn new(store: &Store, options: Hl7Options) -> Result<Feed, StoreError> {
        let overlay = Overlay::new(&store.read()?)?;
        Ok(Feed {
            options,
            groups: Mutex::new(Groups::default()),
            group_done: Condvar::new(),
            overlay: Mutex::new(overlay),
            tickets: AtomicU64::new(0),
            acks: AtomicU64::new(0),
        })
    }

    fn next_ack_id(&self, now: DateTime<Utc>) -> String {
        let n = self.acks.fetch_add(1, Ordering::Relaxed);
        format!("ACK{}{n}", now.format("%Y%m%d%H%M%S"))
    }

    /// Applies the message in one MLLP frame's payload and answers it.
    pub fn handle(&self, store: &Store, payload: &[u8], now: DateTime<Utc>) -> FeedAnswer {
        let mut stream = MessageStream::new(payload);
        let raw = match stream.next_message() {
            Ok(Some(raw)) => raw,
            Ok(None) => return self.unreadable(payload, AckError::new(100, "no MSH segment"), now),
            Err(e) => {
                let code = match e {
                    StreamError::TooLarge { .. } => 207,
                    _ => 100,
                };
                return self.unreadable(payload, AckError::new(code, e.to_string()), now);
            }
        };
        if matches!(stream.next_message(), Ok(Some(_)) | Err(_)) {
            let error = AckError::new(100, "more than one message in one frame");
            return self.unreadable(payload, error, now);
        }
        let (header, event) = {
            let lines = raw.line_refs();
            match Message::parse(&lines) {
                Ok(msg) => {
                    let (kind, trigger) = msg.kind();
                    (Header::of(&msg), format!("{kind}^{trigger}"))
                }
                Err(p) => {
                    let error = AckError {
                        at: Some(p.at),
                        hl7_code: 100,
                        reason: p.problem,
                    };
                    return self.unreadable(payload, error, now);
                }
            }
        };
        let applied = self.in_group(store, raw);
        let ack = ack_for(
            &header,
            applied.code,
            applied.error.as_ref(),
            &self.next_ack_id(now),
            now,
        );
        FeedAnswer {
            ack,
            code: applied.code,
            event,
            control_id: header.control_id,
            reason: applied.error.map(|e| e.reason),
            duplicate: applied.duplicate,
        }
    }

    /// Queues the message and waits for its group's commit, writing the group itself
    /// when nobody else is.
    fn in_group(&self, store: &Store, raw: RawMessage) -> Applied {
        let ticket = self.tickets.fetch_add(1, Ordering::Relaxed);
        let mut groups = lock(&self.groups);
        groups.queue.push((ticket, raw));
        loop {
            if let Some(answer) = groups.answers.remove(&ticket) {
                return answer;
            }
            if groups.writing {
                groups = self
                    .group_done
                    .wait(groups)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                continue;
            }
            groups.writing = true;
            let work = std::mem::take(&mut groups.queue);
            drop(groups);
            let answers = self.write_group(store, work);
            groups = lock(&self.groups);
            groups.writing = false;
            groups.answers.extend(answers);
            self.group_done.notify_all();
        }
    }

    /// Applies a group of messages in one transaction, each behind a savepoint.
    fn write_group(&self, store: &Store, work: Vec<(u64, RawMessage)>) -> Vec<(u64, Applied)> {
        let tickets: Vec<u64> = work.iter().map(|(t, _)| *t).collect();
        let all = |a: Applied| tickets.iter().map(|t| (*t, a.clone())).collect::<Vec<_>>();
        let mut overlay = lock(&self.overlay);
        overlay.reset();
        let read = match store.read() {
            Ok(r) => r,
            Err(e) => return log_internal(e, all),
        };
        let mut tx = match store.write() {
            Ok(tx) => tx,
            Err(e) => return log_internal(e, all),
        };
        let mut answers = Vec::with_capacity(work.len());
        let mut in_group: HashSet<(String, String)> = HashSet::new();
        let mut to_commit = false;
        for (ticket, raw) in &work {
            let lines = raw.line_refs();
            let Ok(msg) = Message::parse(&lines) else {
                // `handle` parsed it before queueing it.
                answers.push((*ticket, Applied::internal()));
                continue;
            };
            let key = (msh_sender(&msg), msg.control_id());
            if !key.1.is_empty() {
                let seen = match read.hl7_received(&key.0, &key.1) {
                    Ok(found) => found.is_some() || in_group.contains(&key),
                    Err(e) => return log_internal(e, all),
                };
                if seen {
                    answers.push((*ticket, Applied::accepted(true)));
                    continue;
                }
            }
            let savepoint = tx.savepoint();
            let before = overlay.clone();
            let outcome = Adt {
                read: &read,
                tx: &mut tx,
                overlay: &mut overlay,
                local: self.options.local_offset,
            }
            .apply(&msg);
            let applied = match outcome {
                Ok(Outcome::Applied { .. } | Outcome::Skipped { .. }) => {
                    if !key.1.is_empty() {
                        tx.put_hl7_received(&key.0, &key.1, *b"AA");
                        in_group.insert(key);
                    }
                    to_commit = true;
                    answers.push((*ticket, Applied::accepted(false)));
                    continue;
                }
                Ok(Outcome::Refused { code, reason, .. }) => {
                    let hl7_code = match code {
                        AckCode::Reject => 200,
                        _ if reason.starts_with("unknown patient") => 204,
                        _ => 207,
                    };
                    Applied::error(code, AckError::new(hl7_code, reason))
                }
                Err(ApplyError::Data(p)) => {
                    let hl7_code = if p.problem.starts_with("is missing") {
                        101
                    } else {
                        102
                    };
                    let error = AckError {
                        at: Some(p.at),
                        hl7_code,
                        reason: p.problem,
                    };
                    Applied::error(AckCode::Error, error)
                }
                Err(ApplyError::Store(e)) => {
                    tracing::warn!(error = %e, "hl7 feed: store error");
                    Applied::internal()
                }
            };
            tx.rollback_to(savepoint);
            *overlay = before;
            answers.push((*ticket, applied));
        }
        overlay.reset();
        if to_commit {
            if let Err(e) = tx.commit() {
                tracing::warn!(error = %e, "hl7 feed: commit failed");
                // Nothing of the group is stored: every accepted message must be resent.
                for (_, a) in &mut answers {
                    if a.code == AckCode::Accept && !a.duplicate {
                        *a = Applied::internal();
                    }
                }
            }
        }
        answers
    }

    /// AR for a frame refused before parsing (e.g. over 16 MiB): `head` is its start,
    /// read for the control id.
    pub fn reject(&self, head: &[u8], reason: &str, now: DateTime<Utc>) -> FeedAnswer {
        self.unreadable(head, AckError::new(207, reason), now)
    }

    /// AR for a message that cannot be parsed: the header is whatever can be read.
    fn unreadable(&self, payload: &[u8], error: AckError, now: DateTime<Utc>) -> FeedAnswer {
        let text = String::from_utf8_lossy(payload);
        let first = text
            .split(['\r', '\n', '\u{b}'])
            .map(|l| l.trim_start_matches('\u{feff}'))
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default();
        let header = Header {
            control_id: control_id_of(first).unwrap_or_default(),
            ..Header::default()
        };
        let ack = ack_for(
            &header,
            AckCode::Reject,
            Some(&error),
            &self.next_ack_id(now),
            now,
        );
        FeedAnswer {
            ack,
            code: AckCode::Reject,
            event: "unreadable".into(),
            control_id: header.control_id,
            reason: Some(error.reason),
            duplicate: false,
        }
    }
}

/// A store error before a group could be applied: every message in it gets AE.
fn log_internal(
    e: StoreError,
    all: impl Fn(Applied) -> Vec<(u64, Applied)>,
) -> Vec<(u64, Applied)> {
    tracing::warn!(error = %e, "hl7 feed: store error");
    all(Applied::internal())
}
