//! One message at a time, as the MLLP listener receives them: each applied message is
//! committed in its own write transaction together with its (sender, control id), and
//! only then acknowledged. A resend of an applied message is answered again without
//! being applied twice. Anything that goes wrong answers AE or AR for that message only.

use super::ack::{ack_for, AckError, Header};
use super::adt::{msh_sender, AckCode, Adt, ApplyError, Outcome, Overlay};
use super::parse::{control_id_of, Message};
use super::stream::{MessageStream, StreamError};
use super::Hl7Options;
use chartroom_store::{Store, StoreError};
use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The answer to one message.
#[derive(Clone, Debug)]
pub struct FeedAnswer {
    /// The ACK message (CR segment ends, without MLLP framing).
    pub ack: Vec<u8>,
    pub code: AckCode,
    /// `ADT^A01`, or `unreadable` when the message could not be parsed.
    pub event: String,
    /// Why it was not accepted.
    pub reason: Option<String>,
    /// A resend of a message already applied.
    pub duplicate: bool,
}

/// The feed's state shared by every connection.
pub struct Feed {
    options: Hl7Options,
    /// Held while one message is applied: redb serialises writers anyway, and holding it
    /// makes "already received?" and "apply" one step for resends racing each other.
    overlay: Mutex<Overlay>,
    acks: AtomicU64,
}

impl Feed {
    pub fn new(store: &Store, options: Hl7Options) -> Result<Feed, StoreError> {
        let overlay = Overlay::new(&store.read()?)?;
        Ok(Feed {
            options,
            overlay: Mutex::new(overlay),
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
        let lines = raw.line_refs();
        let msg = match Message::parse(&lines) {
            Ok(msg) => msg,
            Err(p) => {
                let error = AckError {
                    at: Some(p.at),
                    hl7_code: 100,
                    reason: p.problem,
                };
                return self.unreadable(payload, error, now);
            }
        };
        let header = Header::of(&msg);
        let (code, event, error, duplicate) = self.apply(store, &msg);
        let ack = ack_for(&header, code, error.as_ref(), &self.next_ack_id(now), now);
        FeedAnswer {
            ack,
            code,
            event,
            reason: error.map(|e| e.reason),
            duplicate,
        }
    }

    fn apply(&self, store: &Store, msg: &Message<'_>) -> (AckCode, String, Option<AckError>, bool) {
        let (kind, trigger) = msg.kind();
        let event = format!("{kind}^{trigger}");
        let sender = msh_sender(msg);
        let control_id = msg.control_id();
        let internal = |e: StoreError| {
            tracing::warn!(error = %e, "hl7 feed: store error");
            (
                AckCode::Error,
                event.clone(),
                Some(AckError::new(207, "could not be stored; send it again")),
                false,
            )
        };
        // Poisoning cannot leave the overlay inconsistent: it is reset after each message.
        let mut overlay = self
            .overlay
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        overlay.reset();
        let read = match store.read() {
            Ok(r) => r,
            Err(e) => return internal(e),
        };
        if !control_id.is_empty() {
            match read.hl7_received(&sender, &control_id) {
                Ok(Some(_)) => return (AckCode::Accept, event, None, true),
                Ok(None) => {}
                Err(e) => return internal(e),
            }
        }
        let mut tx = match store.write() {
            Ok(tx) => tx,
            Err(e) => return internal(e),
        };
        let outcome = Adt {
            read: &read,
            tx: &mut tx,
            overlay: &mut overlay,
            local: self.options.local_offset,
        }
        .apply(msg);
        let result = match outcome {
            Ok(Outcome::Applied { .. } | Outcome::Skipped { .. }) => {
                if !control_id.is_empty() {
                    tx.put_hl7_received(&sender, &control_id, *b"AA");
                }
                match tx.commit() {
                    Ok(()) => (AckCode::Accept, event, None, false),
                    Err(e) => internal(e),
                }
            }
            Ok(Outcome::Refused { code, reason, .. }) => {
                let hl7_code = match code {
                    AckCode::Reject => 200,
                    _ if reason.starts_with("unknown patient") => 204,
                    _ => 207,
                };
                (code, event, Some(AckError::new(hl7_code, reason)), false)
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
                (AckCode::Error, event, Some(error), false)
            }
            Err(ApplyError::Store(e)) => internal(e),
        };
        overlay.reset();
        result
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
            reason: Some(error.reason),
            duplicate: false,
        }
    }
}
