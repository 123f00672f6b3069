//! The runtime side of the Completion workspace: runs a `CompletionJob` on a worker
//! through `ChartServices` and answers with a message.

use super::msg::Msg;
use super::screens::completion::jobs::{CompletionAnswer, CompletionJob};
use super::screens::completion::state::QUEUE_LIMIT;
use chartroom_domain::completion::DeficiencyStatus;
use chartroom_services::completion::{DeficiencyFilter, NewDeficiency};
use chartroom_services::{ChartServices, ServiceError, Session};

pub fn run(services: &dyn ChartServices, session: &Session, job: CompletionJob) -> Msg {
    let what = job.what();
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        answer(services, session, job)
    }));
    match run {
        Ok(Ok(answer)) => Msg::Completion(Box::new(answer)),
        Ok(Err(e)) => Msg::Failed {
            what,
            message: e.to_string(),
        },
        Err(_) => Msg::Failed {
            what,
            message: "internal error (see the log)".to_string(),
        },
    }
}

fn answer(
    services: &dyn ChartServices,
    session: &Session,
    job: CompletionJob,
) -> Result<CompletionAnswer, ServiceError> {
    let as_of = services.now().date_naive();
    Ok(match job {
        CompletionJob::Queue => CompletionAnswer::Queue(services.analysis_queue(
            session,
            &DeficiencyFilter::default(),
            QUEUE_LIMIT,
        )?),
        CompletionJob::Encounter { id, discharged } => {
            // The filter has no encounter: narrow to its discharge date, then to it.
            let filter = DeficiencyFilter {
                discharged_from: Some(discharged),
                discharged_to: Some(discharged),
                ..DeficiencyFilter::default()
            };
            let deficiencies = services
                .deficiency_rows(session, &filter, as_of)?
                .into_iter()
                .filter(|r| r.deficiency.encounter == id)
                .collect();
            let documents = services.encounter_documents(session, id)?;
            CompletionAnswer::Encounter {
                id,
                deficiencies,
                documents,
            }
        }
        CompletionJob::Providers => CompletionAnswer::Providers(services.providers(session)?),
        CompletionJob::ProviderDeficiencies(provider) => {
            let filter = DeficiencyFilter {
                provider: Some(provider),
                statuses: vec![DeficiencyStatus::Open, DeficiencyStatus::Returned],
                ..DeficiencyFilter::default()
            };
            CompletionAnswer::ProviderDeficiencies(
                provider,
                services.deficiency_rows(session, &filter, as_of)?,
            )
        }
        CompletionJob::Dashboard => {
            CompletionAnswer::Dashboard(Box::new(services.completion_dashboard(session, as_of)?))
        }
        CompletionJob::Record {
            encounter,
            kind,
            comment,
        } => {
            services.record_deficiency(
                session,
                NewDeficiency {
                    encounter,
                    kind: kind.clone(),
                    document: None,
                    provider: None,
                    comment,
                },
            )?;
            CompletionAnswer::Recorded { kind }
        }
        CompletionJob::Move {
            ids,
            transition,
            reason,
            provider,
        } => CompletionAnswer::Moved {
            count: services.move_deficiencies(session, &ids, transition, &reason, provider)?,
            transition,
        },
        CompletionJob::Review(encounter) => {
            services.review_encounter(session, encounter)?;
            CompletionAnswer::Reviewed(encounter)
        }
    })
}
