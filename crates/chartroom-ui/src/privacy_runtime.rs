//! The runtime side of the Privacy workspace: runs a `PrivacyJob` on a worker through
//! `ChartServices` and answers with a message.

use super::msg::Msg;
use super::runtime::guarded;
use super::screens::privacy::jobs::{PrivacyAnswer, PrivacyJob};
use chartroom_services::{ChartServices, Session};

pub fn run(services: &dyn ChartServices, session: &Session, job: PrivacyJob) -> Msg {
    let what = job.what();
    let answer = match job {
        PrivacyJob::Load => guarded(|| services.privacy_alerts(session)).and_then(|alerts| {
            guarded(|| services.privacy_cases(session))
                .map(|cases| PrivacyAnswer::Loaded { alerts, cases })
        }),
        PrivacyJob::Evidence {
            user_id,
            patient_id,
        } => guarded(|| services.alert_evidence(session, &user_id, &patient_id))
            .map(|e| PrivacyAnswer::Evidence(Box::new(e))),
        PrivacyJob::Dismiss { pairs, reason } => {
            guarded(|| services.dismiss_alerts(session, &pairs, &reason))
                .map(|n| PrivacyAnswer::Done(format!("{n} alert pair(s) dismissed")))
        }
        PrivacyJob::Promote { alerts } => guarded(|| services.promote_alerts(session, &alerts))
            .map(|id| PrivacyAnswer::Done(format!("case #{id} opened"))),
        PrivacyJob::Timeline { patient_id } => {
            guarded(|| services.patient_timeline(session, &patient_id))
                .map(|lines| PrivacyAnswer::Timeline { patient_id, lines })
        }
        PrivacyJob::Activity { user_id } => guarded(|| services.user_activity(session, &user_id))
            .map(|activity| PrivacyAnswer::Activity {
                user_id,
                activity: Box::new(activity),
            }),
        PrivacyJob::Case { id, action, text } => {
            guarded(|| services.case_action(session, id, action, &text)).map(|case| {
                PrivacyAnswer::Done(format!(
                    "case #{id}: {}",
                    super::screens::privacy::rows::case_status(&case)
                ))
            })
        }
    };
    match answer {
        Ok(answer) => Msg::Privacy(Box::new(answer)),
        Err(message) => Msg::Failed { what, message },
    }
}
