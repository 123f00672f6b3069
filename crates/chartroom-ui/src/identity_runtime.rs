//! The runtime side of the Identity workspace: runs an `IdentityJob` on a worker
//! through the services and answers with a message.

use super::msg::Msg;
use super::runtime::guarded;
use super::screens::identity::jobs::{IdentityAnswer, IdentityJob};
use chartroom_services::{ChartServices, Session};

pub fn run(services: &dyn ChartServices, session: &Session, job: IdentityJob) -> Msg {
    let what = job.what();
    let answer = match job {
        IdentityJob::Pairs => {
            guarded(|| services.duplicate_pairs(session)).map(IdentityAnswer::Pairs)
        }
        IdentityJob::Overlays => {
            guarded(|| services.overlay_check(session)).map(IdentityAnswer::Overlays)
        }
        IdentityJob::ChartsOut => {
            guarded(|| services.charts_out(session)).map(IdentityAnswer::ChartsOut)
        }
        IdentityJob::PullList(date) => guarded(|| services.pull_list(session, date))
            .map(|items| IdentityAnswer::PullList { date, items }),
        IdentityJob::Compare { a, b } => guarded(|| services.duplicate_pair_detail(session, a, b))
            .map(|d| IdentityAnswer::Compared(Box::new(d))),
        IdentityJob::Decide {
            a,
            b,
            status,
            reason,
        } => guarded(|| services.decide_duplicate(session, a, b, status, &reason)).map(|_| {
            IdentityAnswer::Done {
                notice: format!(
                    "pair marked {}",
                    match status {
                        chartroom_domain::duplicates::DuplicateStatus::NotDuplicate => {
                            "not a duplicate"
                        }
                        chartroom_domain::duplicates::DuplicateStatus::Deferred => "deferred",
                        _ => "potential",
                    }
                ),
                reload: IdentityJob::Pairs,
            }
        }),
        IdentityJob::Merge {
            survivor,
            retired,
            reason,
        } => guarded(|| services.merge_charts(session, survivor, retired, &reason)).map(|_| {
            IdentityAnswer::Done {
                notice: "charts merged (u unmerges)".into(),
                reload: IdentityJob::Pairs,
            }
        }),
        IdentityJob::Unmerge { a, b, reason } => guarded(|| {
            services.unmerge_pair(session, a, b, &reason)
        })
        .map(|_| IdentityAnswer::Done {
            notice: "charts unmerged".into(),
            reload: IdentityJob::Pairs,
        }),
        // A refused scan is said on the scan line, not the error line: the clerk is
        // looking at the station, and the next chart is already in the scanner.
        IdentityJob::Scan { label, mode } => {
            return match guarded(|| services.scan_chart(session, &label, &mode)) {
                Ok(result) => Msg::Identity(Box::new(IdentityAnswer::Scanned(Box::new(result)))),
                Err(message) => Msg::Identity(Box::new(IdentityAnswer::ScanRefused(format!(
                    "scan refused: {message}"
                )))),
            };
        }
        IdentityJob::MarkMissing {
            patient,
            volume,
            note,
        } => guarded(|| services.mark_chart_missing(session, patient, volume, &note)).map(|_| {
            IdentityAnswer::Done {
                notice: "chart marked missing".into(),
                reload: IdentityJob::ChartsOut,
            }
        }),
    };
    match answer {
        Ok(answer) => Msg::Identity(Box::new(answer)),
        Err(message) => Msg::Failed { what, message },
    }
}
