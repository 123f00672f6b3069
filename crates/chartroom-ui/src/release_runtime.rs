//! The runtime side of the Release workspace: runs a `ReleaseJob` on a worker through
//! `ChartServices` and answers with a message. The clock is the services' today.

use super::msg::Msg;
use super::runtime::guarded;
use super::screens::release::jobs::{ReleaseAnswer, ReleaseJob};
use chartroom_services::{ChartServices, Session};

pub fn run(services: &dyn ChartServices, session: &Session, job: ReleaseJob) -> Msg {
    let what = job.what();
    let as_of = services.now().date_naive();
    let answer = match job {
        ReleaseJob::Load => guarded(|| services.roi_desk(session, as_of))
            .map(|rows| ReleaseAnswer::Loaded { rows, as_of }),
        ReleaseJob::Extend { request_id, reason } => {
            guarded(|| services.extend_roi_request(session, &request_id, &reason, as_of))
                .map(|notice| ReleaseAnswer::Extended { request_id, notice })
        }
        ReleaseJob::ConfirmQa { request_id } => {
            guarded(|| services.confirm_roi_qa(session, &request_id))
                .map(|()| ReleaseAnswer::QaConfirmed { request_id })
        }
    };
    match answer {
        Ok(answer) => Msg::Release(Box::new(answer)),
        Err(message) => Msg::Failed { what, message },
    }
}
