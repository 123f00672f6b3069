//! What the Admin workspace asks of the runtime and what comes back. The runtime side
//! (calling `ChartServices`) is `crate::admin_runtime`.

use chartroom_services::{DataOverview, FeedStats};
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminJob {
    /// The feed's counts and the store's, both panels at once.
    Load,
}

/// Each panel's figures or the one-line reason it has none (a failure of one panel
/// leaves the other readable).
#[derive(Clone, Debug)]
pub struct AdminAnswer {
    /// `Ok(None)`: no HL7 listener runs in this process.
    pub feed: Result<Option<FeedStats>, String>,
    pub data: Result<DataOverview, String>,
    /// When the figures were read (the services' clock).
    pub at: DateTime<Utc>,
}
