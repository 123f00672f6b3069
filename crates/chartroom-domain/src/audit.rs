//! Access events and the tamper-evident audit chain.
//!
//! Every event's hash is `sha256(prev_hash || canonical_bytes(event))`. The canonical
//! bytes are a hand-written, length-prefixed encoding of every field, independent of the
//! storage codec, so a change of codec never breaks an existing chain.

use super::ids::{PatientId, UserId};
use super::staff::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccessAction {
    /// A patient search (CLI or screen).
    Search,
    /// A note full-text search.
    NoteSearch,
    /// A chart opened for reading.
    OpenChart,
    /// A single document opened in the reading pane.
    OpenDocument,
    /// A chart opened by break-the-glass (reason recorded).
    BreakGlass,
    Export,
    Release,
    Import,
    Login,
    Logout,
    /// A change to the staff roster (user added, keys added, user disabled).
    UserAdmin,
    /// The search index rebuilt from the store.
    Reindex,
    /// A use case refused for the user's role (what was asked is in the detail).
    Denied,
    /// A deficiency recorded, moved in its lifecycle, or a chart's analysis reviewed.
    Deficiency,
    /// Two charts merged (HL7 A40 or by hand), or a merge undone.
    Merge,
    /// A release-of-information request logged, extended, QA-confirmed, refused or
    /// closed (the release itself is `Release`).
    RoiRequest,
    /// Retention work: a legal hold set or cleared, the retention report read.
    Retention,
    /// A chart destroyed at the end of its retention (the destruction log has the rest).
    Destruction,
    /// Privacy review read access logs: an alert run, an alert's evidence, a patient's
    /// access report or a user's activity.
    AccessReview,
    /// An alert dismissed or promoted, a privacy case moved, noted or reopened.
    PrivacyCase,
    /// A paper chart charged out, checked in, requested or reported missing.
    ChartTracking,
}

impl AccessAction {
    pub fn code(self) -> &'static str {
        match self {
            AccessAction::Search => "search",
            AccessAction::NoteSearch => "note-search",
            AccessAction::OpenChart => "open-chart",
            AccessAction::OpenDocument => "open-document",
            AccessAction::BreakGlass => "break-glass",
            AccessAction::Export => "export",
            AccessAction::Release => "release",
            AccessAction::Import => "import",
            AccessAction::Login => "login",
            AccessAction::Logout => "logout",
            AccessAction::UserAdmin => "user-admin",
            AccessAction::Reindex => "reindex",
            AccessAction::Denied => "denied",
            AccessAction::Deficiency => "deficiency",
            AccessAction::Merge => "merge",
            AccessAction::RoiRequest => "roi-request",
            AccessAction::Retention => "retention",
            AccessAction::Destruction => "destruction",
            AccessAction::AccessReview => "access-review",
            AccessAction::PrivacyCase => "privacy-case",
            AccessAction::ChartTracking => "chart-tracking",
        }
    }
}

/// An event about to be appended: the store assigns `seq` and the hashes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccessEvent {
    pub time: DateTime<Utc>,
    pub user: Option<UserId>,
    pub username: String,
    pub role: Option<Role>,
    pub action: AccessAction,
    pub patient: Option<PatientId>,
    /// What was touched: `document:42`, `encounter:7`, the search text, an export path.
    pub detail: String,
    pub session: String,
    /// Client address (SSH peer) or `local`.
    pub client: String,
    /// Break-the-glass reason, when one was given.
    pub reason: Option<String>,
    /// `chartroom` for our own events; the feed name for imported logs.
    pub source: String,
    /// Raised for privacy review (break-the-glass, own-record access...).
    pub flagged: bool,
}

/// A stored, chained access event.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEvent {
    pub seq: u64,
    pub event: NewAccessEvent,
    pub prev_hash: AuditHash,
    pub hash: AuditHash,
}

impl fmt::Debug for AccessEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessEvent")
            .field("seq", &self.seq)
            .field("action", &self.event.action)
            .field("patient", &self.event.patient)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for NewAccessEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAccessEvent")
            .field("action", &self.action)
            .field("patient", &self.patient)
            .finish_non_exhaustive()
    }
}

/// A SHA-256 link of the audit chain.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AuditHash(pub [u8; 32]);

impl AuditHash {
    /// The `prev_hash` of the first event.
    pub const GENESIS: AuditHash = AuditHash([0; 32]);

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for AuditHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuditHash({})", &self.to_hex()[..12])
    }
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn put_opt_u64(out: &mut Vec<u8>, value: Option<u64>) {
    match value {
        Some(v) => {
            out.push(1);
            out.extend_from_slice(&v.to_be_bytes());
        }
        None => out.push(0),
    }
}

/// The bytes the chain hashes for an event. Versioned by its first byte.
pub fn canonical_bytes(seq: u64, event: &NewAccessEvent) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + event.detail.len());
    out.push(1); // canonical form version
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&event.time.timestamp_micros().to_be_bytes());
    put_opt_u64(&mut out, event.user.map(|u| u.0));
    put_bytes(&mut out, event.username.as_bytes());
    put_bytes(
        &mut out,
        event.role.map(Role::code).unwrap_or("").as_bytes(),
    );
    put_bytes(&mut out, event.action.code().as_bytes());
    put_opt_u64(&mut out, event.patient.map(|p| p.0));
    put_bytes(&mut out, event.detail.as_bytes());
    put_bytes(&mut out, event.session.as_bytes());
    put_bytes(&mut out, event.client.as_bytes());
    match &event.reason {
        Some(r) => {
            out.push(1);
            put_bytes(&mut out, r.as_bytes());
        }
        None => out.push(0),
    }
    put_bytes(&mut out, event.source.as_bytes());
    out.push(u8::from(event.flagged));
    out
}

/// `sha256(prev || canonical_bytes(seq, event))`.
pub fn chain_hash(prev: &AuditHash, seq: u64, event: &NewAccessEvent) -> AuditHash {
    let mut hasher = Sha256::new();
    hasher.update(prev.0);
    hasher.update(canonical_bytes(seq, event));
    AuditHash(hasher.finalize().into())
}

impl AccessEvent {
    /// Links `event` after `prev` as number `seq`.
    pub fn chain(seq: u64, prev: AuditHash, event: NewAccessEvent) -> AccessEvent {
        let hash = chain_hash(&prev, seq, &event);
        AccessEvent {
            seq,
            event,
            prev_hash: prev,
            hash,
        }
    }

    /// Whether the stored hash matches the event's content and predecessor.
    pub fn hash_is_valid(&self) -> bool {
        chain_hash(&self.prev_hash, self.seq, &self.event) == self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event(detail: &str) -> NewAccessEvent {
        NewAccessEvent {
            time: Utc
                .with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
                .single()
                .unwrap_or_default(),
            user: Some(UserId(1)),
            username: "clerk1".into(),
            role: Some(Role::Clerk),
            action: AccessAction::OpenChart,
            patient: Some(PatientId(9)),
            detail: detail.into(),
            session: "s1".into(),
            client: "local".into(),
            reason: None,
            source: "chartroom".into(),
            flagged: false,
        }
    }

    #[test]
    fn chain_detects_any_change() {
        let first = AccessEvent::chain(0, AuditHash::GENESIS, event("a"));
        let second = AccessEvent::chain(1, first.hash, event("b"));
        assert!(first.hash_is_valid() && second.hash_is_valid());
        let mut tampered = second.clone();
        tampered.event.detail = "c".into();
        assert!(!tampered.hash_is_valid());
        let mut reordered = second;
        reordered.seq = 5;
        assert!(!reordered.hash_is_valid());
    }

    #[test]
    fn canonical_bytes_separate_fields() {
        // "ab"+"c" must not hash like "a"+"bc".
        let mut a = event("x");
        a.username = "ab".into();
        a.session = "c".into();
        let mut b = event("x");
        b.username = "a".into();
        b.session = "bc".into();
        assert_ne!(canonical_bytes(0, &a), canonical_bytes(0, &b));
    }
}
