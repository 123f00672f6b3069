//! The runtime side of the Release workspace: runs a `ReleaseJob` on a worker through
//! `ChartServices` and answers with a message. The clock is the services' today.

use super::msg::Msg;
use super::runtime::guarded;
use super::screens::release::entry::Candidate;
use super::screens::release::jobs::{ReleaseAnswer, ReleaseJob};
use chartroom_domain::Mrn;
use chartroom_services::roi::RoiAct;
use chartroom_services::{ChartServices, ServiceError, Session};

pub fn run(services: &dyn ChartServices, session: &Session, job: ReleaseJob) -> Msg {
    let what = job.what();
    let as_of = services.now().date_naive();
    let answer = match job {
        ReleaseJob::Load => guarded(|| {
            let policy = Box::new(services.roi_policy()?);
            services
                .roi_desk(session, as_of)
                .map(|rows| ReleaseAnswer::Loaded {
                    rows,
                    as_of,
                    policy,
                })
        }),
        ReleaseJob::Act { request_id, act } => {
            guarded(|| services.roi_act(session, &request_id, act, as_of))
                .map(|notice| ReleaseAnswer::Acted { notice })
        }
        ReleaseJob::Release { request_id } => guarded(|| {
            let out = services.roi_release_dir(&request_id)?;
            services.roi_act(session, &request_id, RoiAct::Release { out }, as_of)
        })
        .map(|notice| ReleaseAnswer::Acted { notice }),
        ReleaseJob::FindPatient { query } => guarded(|| find_patient(services, session, &query))
            .map(|candidates| ReleaseAnswer::Found { candidates }),
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

/// Charts for the new-request screen: the chart search's hits; a typed MRN that the
/// search does not find (an index being rebuilt) is still looked up directly.
fn find_patient(
    services: &dyn ChartServices,
    session: &Session,
    query: &str,
) -> Result<Vec<Candidate>, ServiceError> {
    let found: Vec<Candidate> = services
        .search_patients(session, query, 20)?
        .into_iter()
        .map(|r| Candidate {
            id: r.patient.id,
            label: format!(
                "{} · {}",
                r.patient.name.display_last_first(),
                r.patient.mrn
            ),
            mrn: r.patient.mrn,
        })
        .collect();
    if !found.is_empty() {
        return Ok(found);
    }
    let Some(mrn) = Mrn::parse(query) else {
        return Ok(found);
    };
    Ok(services
        .patient_by_mrn(session, mrn)?
        .map(|id| Candidate {
            id,
            label: format!("MRN {mrn}"),
            mrn,
        })
        .into_iter()
        .collect())
}
