//! The live HL7 feed (`chartroom serve --mllp`): one [`Hl7Feed`] shared by every MLLP
//! connection. Each message is applied and committed before its ACK is built (see
//! `chartroom_import::hl7::Feed`); the index absorbs the changes in the background
//! (`hl7_feed_sync`), so a burst of messages is not one index commit each.

use super::{Result, Services, Session};
use chartroom_domain::{AccessAction, Permission};
use chartroom_import::hl7::{AckCode, Feed, FeedAnswer};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Recent refusals kept for the Admin workspace.
const RECENT_ERRORS: usize = 50;

/// Counts per message type and per ACK code since the feed opened, and the latest
/// refusals (control id and reason; never a value of the message).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedStats {
    /// Where the listener listens (`serve --mllp ADDR`).
    pub listen: String,
    /// When the feed opened.
    pub since: Option<DateTime<Utc>>,
    /// Per message type as sent (`ADT^A01`), `unreadable` for what could not be parsed.
    pub by_event: BTreeMap<String, u64>,
    pub by_code: BTreeMap<&'static str, u64>,
    pub duplicates: u64,
    /// The latest refusals, oldest first (at most 50).
    pub recent_errors: VecDeque<FeedError>,
}

impl FeedStats {
    /// Messages of one ADT trigger event (`A01`).
    pub fn adt(&self, trigger: &str) -> u64 {
        self.by_event
            .get(&format!("ADT^{trigger}"))
            .copied()
            .unwrap_or(0)
    }

    /// Messages of any type other than the `triggers` listed (other ADT events, other
    /// message types, unreadable frames).
    pub fn other_than(&self, triggers: &[&str]) -> u64 {
        self.by_event
            .iter()
            .filter(|(event, _)| {
                !triggers
                    .iter()
                    .any(|t| event.strip_prefix("ADT^") == Some(*t))
            })
            .map(|(_, n)| n)
            .sum()
    }

    pub fn code(&self, code: &str) -> u64 {
        self.by_code.get(code).copied().unwrap_or(0)
    }
}

/// One refused message: when, the ACK code, its type, its MSH-10 and why. The reason
/// names segments and fields, never a value, so it is safe to show an administrator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedError {
    pub at: DateTime<Utc>,
    pub code: &'static str,
    pub event: String,
    pub control_id: String,
    pub reason: String,
}

impl std::fmt::Display for FeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let control = if self.control_id.is_empty() {
            "-"
        } else {
            &self.control_id
        };
        write!(
            f,
            "{} {} {} {control} {}",
            self.at.format("%Y-%m-%dT%H:%M:%SZ"),
            self.code,
            self.event,
            self.reason
        )
    }
}

/// The feed's shared state: the operator it runs as, the applier, the counts.
pub struct Hl7Feed {
    session: Session,
    feed: Feed,
    stats: Mutex<FeedStats>,
    /// Set when a message was committed and the index has not absorbed it yet.
    index_behind: AtomicBool,
}

impl std::fmt::Debug for Hl7Feed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hl7Feed")
            .field("session", &self.session.id)
            .finish_non_exhaustive()
    }
}

impl Hl7Feed {
    pub fn stats(&self) -> FeedStats {
        self.stats.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Counts one answer; a refusal goes to the recent errors.
    fn count(&self, answer: &FeedAnswer, at: DateTime<Utc>) {
        let mut stats = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        *stats.by_event.entry(answer.event.clone()).or_default() += 1;
        *stats.by_code.entry(answer.code.code()).or_default() += 1;
        stats.duplicates += u64::from(answer.duplicate);
        if let Some(reason) = &answer.reason {
            if stats.recent_errors.len() == RECENT_ERRORS {
                stats.recent_errors.pop_front();
            }
            stats.recent_errors.push_back(FeedError {
                at,
                code: answer.code.code(),
                event: answer.event.clone(),
                control_id: answer.control_id.clone(),
                reason: reason.clone(),
            });
        }
    }
}

impl Services {
    /// Opens the feed for `session` (who may import), audited with where it listens.
    pub fn open_hl7_feed(&self, session: &Session, listen: &str) -> Result<Hl7Feed> {
        self.require(session, Permission::ImportData)?;
        let feed = Feed::new(&self.store, self.hl7_options()?)?;
        let event = self.audit_event(
            session,
            AccessAction::Import,
            None,
            format!("hl7 mllp feed listening on {listen}"),
        );
        self.audit(event)?;
        Ok(Hl7Feed {
            session: session.clone(),
            feed,
            stats: Mutex::new(FeedStats {
                listen: listen.to_string(),
                since: Some(self.clock.now()),
                ..FeedStats::default()
            }),
            index_behind: AtomicBool::new(false),
        })
    }

    /// Applies one MLLP frame's message and answers its ACK (committed first).
    pub fn hl7_message(&self, feed: &Hl7Feed, payload: &[u8]) -> FeedAnswer {
        let answer = feed.feed.handle(&self.store, payload, self.clock.now());
        // The index catches up in the background (`hl7_feed_sync`, a few times a
        // second): an index commit per message would cost more than the store commit,
        // and the ACK promises the store, not the index. A kill -9 in between leaves
        // outbox entries that the next open applies (and `verify` lists as queued).
        if answer.code == AckCode::Accept && !answer.duplicate {
            feed.index_behind.store(true, Ordering::SeqCst);
        }
        feed.count(&answer, self.clock.now());
        answer
    }

    /// AR for a frame over the size limit (`head`: its first bytes, for the control id).
    pub fn hl7_too_large(&self, feed: &Hl7Feed, head: &[u8]) -> FeedAnswer {
        let answer = feed.feed.reject(
            head,
            "the message is larger than 16 MiB and is refused",
            self.clock.now(),
        );
        feed.count(&answer, self.clock.now());
        answer
    }

    /// Brings the index up to date if the feed committed anything since the last call
    /// (a failed update is tried again on the next call).
    pub fn hl7_feed_sync(&self, feed: &Hl7Feed) -> Result<usize> {
        if !feed.index_behind.swap(false, Ordering::SeqCst) {
            return Ok(0);
        }
        self.sync_index().inspect_err(|_| {
            feed.index_behind.store(true, Ordering::SeqCst);
        })
    }

    /// Makes `feed` the one this process runs (`serve --mllp`), so every session's
    /// Admin workspace and `ssh … hl7 stats` can read its counts.
    pub fn register_hl7_feed(&self, feed: Arc<Hl7Feed>) {
        *self.hl7_feed.write().unwrap_or_else(|p| p.into_inner()) = Some(feed);
    }

    /// The running feed's counts for the Admin workspace and `hl7 stats` (admins only);
    /// `None` when no listener runs in this process.
    pub fn hl7_feed_stats(&self, session: &Session) -> Result<Option<FeedStats>> {
        self.require(session, Permission::Administer)?;
        let feed = self.hl7_feed.read().unwrap_or_else(|p| p.into_inner());
        Ok(feed.as_ref().map(|f| f.stats()))
    }

    /// Audits one MLLP connection's end: peer and how many messages got which answer.
    pub fn hl7_connection_closed(&self, feed: &Hl7Feed, peer: &str, counts: &str) -> Result<()> {
        let mut session = feed.session.clone();
        session.client = peer.to_string();
        let detail = format!("hl7 mllp connection from {peer}: {counts}");
        let event = self.audit_event(&session, AccessAction::Import, None, detail);
        self.audit(event)?;
        Ok(())
    }
}
