//! The Admin workspace's state: the last figures read and when.

use chartroom_services::{DataOverview, FeedStats};
use chrono::{DateTime, Utc};

/// Seconds between automatic refreshes while the workspace is on screen.
pub const REFRESH_SECONDS: i64 = 5;

/// The message types the feed panel counts one by one; the rest are "other".
pub const COUNTED_EVENTS: [(&str, &str); 5] = [
    ("A01", "admit"),
    ("A04", "register"),
    ("A08", "update"),
    ("A03", "discharge"),
    ("A40", "merge"),
];

#[derive(Clone, Debug, Default)]
pub struct AdminState {
    /// The HL7 feed panel: `None` until first read, `Ok(None)` without a listener.
    pub feed: Option<Result<Option<FeedStats>, String>>,
    /// The Data panel.
    pub data: Option<Result<DataOverview, String>>,
    /// A read is on its way (no second one is asked meanwhile).
    pub loading: bool,
    pub loaded_at: Option<DateTime<Utc>>,
}
