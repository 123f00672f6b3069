//! The runtime side of the Admin workspace: reads both panels' figures through
//! `ChartServices` on a worker and answers with one message.

use super::msg::Msg;
use super::runtime::guarded;
use super::screens::admin::jobs::{AdminAnswer, AdminJob};
use chartroom_services::{ChartServices, Session};

pub fn run(services: &dyn ChartServices, session: &Session, job: AdminJob) -> Msg {
    match job {
        AdminJob::Load => Msg::Admin(Box::new(AdminAnswer {
            feed: guarded(|| services.hl7_feed_stats(session)),
            data: guarded(|| services.data_overview(session)),
            at: services.now(),
        })),
    }
}
