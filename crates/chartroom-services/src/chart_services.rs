//! The use cases a chart screen needs, as a trait: the UI holds a `dyn ChartServices`,
//! so its flow tests run on fakes without a store. The trait lives here, next to its
//! one real implementation, because the dependency runs ui → services: were the UI to
//! own it, services would have to depend on the UI to implement it.

use super::completion::{
    CompletionDashboard, DeficiencyFilter, DeficiencyRow, NewDeficiency, QueueEntry,
};
use super::roi::{ExtensionNotice, RoiAct, RoiDeskRow};
use super::{
    BreakGlass, DataOverview, DataStatus, DocumentView, FeedStats, NoteResult, OpenChart,
    PatientResult, ServiceError, Services, Session,
};
use chartroom_domain::completion::Transition;
use chartroom_domain::roi::RoiPolicy;
use chartroom_domain::{
    DeficiencyId, DocumentId, EncounterId, Mrn, PatientId, Provider, ProviderId,
};
use chartroom_search::NoteQuery;
use chrono::NaiveDate;
use chrono::{DateTime, Utc};

/// What the UI needs from the services. `Services` implements it; tests use fakes.
pub trait ChartServices: crate::IdentityDesk + Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    fn search_patients(
        &self,
        session: &Session,
        query: &str,
        limit: usize,
    ) -> Result<Vec<PatientResult>, ServiceError>;
    fn open_chart(
        &self,
        session: &Session,
        patient: PatientId,
        reason: Option<BreakGlass>,
    ) -> Result<OpenChart, ServiceError>;
    fn open_document(
        &self,
        session: &Session,
        document: DocumentId,
    ) -> Result<DocumentView, ServiceError>;
    fn status(&self) -> Result<DataStatus, ServiceError>;
    /// Full-text note search (audited by the services as a note search).
    fn search_notes(
        &self,
        session: &Session,
        query: &NoteQuery,
        limit: usize,
    ) -> Result<Vec<NoteResult>, ServiceError>;
    /// The patient with this MRN, for the note screen's `mrn:` filter.
    fn patient_by_mrn(
        &self,
        session: &Session,
        mrn: Mrn,
    ) -> Result<Option<PatientId>, ServiceError>;

    // Chart completion (the Completion workspace). Defaults refuse, so fakes that only
    // serve the Search workspace need not implement them.

    /// Discharged encounters awaiting review, oldest discharge first.
    fn analysis_queue(
        &self,
        _session: &Session,
        _filter: &DeficiencyFilter,
        _limit: usize,
    ) -> Result<Vec<QueueEntry>, ServiceError> {
        Err(not_offered())
    }
    /// Deficiency rows matching `filter`, oldest discharge first.
    fn deficiency_rows(
        &self,
        _session: &Session,
        _filter: &DeficiencyFilter,
        _as_of: NaiveDate,
    ) -> Result<Vec<DeficiencyRow>, ServiceError> {
        Err(not_offered())
    }
    /// An encounter's documents, newest first.
    fn encounter_documents(
        &self,
        _session: &Session,
        _encounter: EncounterId,
    ) -> Result<Vec<DocumentView>, ServiceError> {
        Err(not_offered())
    }
    /// Providers by name.
    fn providers(&self, _session: &Session) -> Result<Vec<Provider>, ServiceError> {
        Err(not_offered())
    }
    fn completion_dashboard(
        &self,
        _session: &Session,
        _as_of: NaiveDate,
    ) -> Result<CompletionDashboard, ServiceError> {
        Err(not_offered())
    }
    fn record_deficiency(
        &self,
        _session: &Session,
        _new: NewDeficiency,
    ) -> Result<DeficiencyId, ServiceError> {
        Err(not_offered())
    }
    /// Moves every deficiency or none; the error names the lifecycle rule broken.
    fn move_deficiencies(
        &self,
        _session: &Session,
        _ids: &[DeficiencyId],
        _transition: Transition,
        _reason: &str,
        _provider: Option<ProviderId>,
    ) -> Result<usize, ServiceError> {
        Err(not_offered())
    }
    /// The analyst reviewed the chart: it leaves the analysis queue.
    fn review_encounter(
        &self,
        _session: &Session,
        _encounter: EncounterId,
    ) -> Result<(), ServiceError> {
        Err(not_offered())
    }

    // Access-log review (the Privacy workspace). Defaults refuse.

    /// The alert queue: alerts no one has dismissed or promoted, worst first.
    fn privacy_alerts(
        &self,
        _session: &Session,
    ) -> Result<Vec<crate::privacy::AlertView>, ServiceError> {
        Err(not_offered_privacy())
    }
    /// An alert's evidence side by side.
    fn alert_evidence(
        &self,
        _session: &Session,
        _user_id: &str,
        _patient_id: &str,
    ) -> Result<crate::privacy::AlertEvidence, ServiceError> {
        Err(not_offered_privacy())
    }
    /// Dismisses alerts (user, patient pairs) with a reason.
    fn dismiss_alerts(
        &self,
        _session: &Session,
        _pairs: &[(String, String)],
        _reason: &str,
    ) -> Result<usize, ServiceError> {
        Err(not_offered_privacy())
    }
    /// Opens one case for the alerts; answers its id.
    fn promote_alerts(
        &self,
        _session: &Session,
        _alerts: &[crate::privacy::AlertRef],
    ) -> Result<u64, ServiceError> {
        Err(not_offered_privacy())
    }
    /// Every case, newest first.
    fn privacy_cases(
        &self,
        _session: &Session,
    ) -> Result<Vec<chartroom_domain::privacy::Case>, ServiceError> {
        Err(not_offered_privacy())
    }
    /// Moves, notes or reassigns a case.
    fn case_action(
        &self,
        _session: &Session,
        _id: u64,
        _action: crate::privacy::CaseAction,
        _text: &str,
    ) -> Result<chartroom_domain::privacy::Case, ServiceError> {
        Err(not_offered_privacy())
    }
    // Release of information (the Release workspace). Defaults refuse, like completion's.

    /// Every request with its clock, status, missing codes, fee, intake and patient.
    fn roi_desk(
        &self,
        _session: &Session,
        _as_of: NaiveDate,
    ) -> Result<Vec<RoiDeskRow>, ServiceError> {
        Err(not_offered_roi())
    }
    /// The one 30-day extension of a patient-access request, given on `on`.
    fn extend_roi_request(
        &self,
        _session: &Session,
        _request_id: &str,
        _reason: &str,
        _on: NaiveDate,
    ) -> Result<ExtensionNotice, ServiceError> {
        Err(not_offered_roi())
    }
    /// QA: every page of the release belongs to the patient.
    fn confirm_roi_qa(&self, _session: &Session, _request_id: &str) -> Result<(), ServiceError> {
        Err(not_offered_roi())
    }
    /// A step on a request (log, start, wait for an authorization, invoice, pay, deny,
    /// cancel, release); what it did, in words.
    fn roi_act(
        &self,
        _session: &Session,
        _request_id: &str,
        _act: RoiAct,
        _on: NaiveDate,
    ) -> Result<String, ServiceError> {
        Err(not_offered_roi())
    }
    /// The policy in force (the new-request screen validates live with it).
    fn roi_policy(&self) -> Result<RoiPolicy, ServiceError> {
        Err(not_offered_roi())
    }
    /// Where the workspace writes a release's packet and manifest.
    fn roi_release_dir(&self, _request_id: &str) -> Result<std::path::PathBuf, ServiceError> {
        Err(not_offered_roi())
    }

    // Administration (the Admin workspace). Defaults refuse, like completion's.

    /// The HL7 feed running in this process, if any (admins only).
    fn hl7_feed_stats(&self, _session: &Session) -> Result<Option<FeedStats>, ServiceError> {
        Err(not_offered_admin())
    }
    /// The store's counts and schema version (admins only).
    fn data_overview(&self, _session: &Session) -> Result<DataOverview, ServiceError> {
        Err(not_offered_admin())
    }

    // Access-log review: the timelines of the Privacy workspace. Defaults refuse.

    /// Every access to a patient (MRN or source id) from every system, oldest first.
    fn patient_timeline(
        &self,
        _session: &Session,
        _patient_id: &str,
    ) -> Result<Vec<crate::privacy::AccessLine>, ServiceError> {
        Err(not_offered_privacy())
    }
    /// Every access by a user, oldest first, with counts per day.
    fn user_activity(
        &self,
        _session: &Session,
        _user_id: &str,
    ) -> Result<crate::privacy::UserActivity, ServiceError> {
        Err(not_offered_privacy())
    }
}

fn not_offered() -> ServiceError {
    ServiceError::Invalid {
        what: "request",
        reason: "chart completion is not offered by these services".into(),
    }
}

fn not_offered_roi() -> ServiceError {
    ServiceError::Invalid {
        what: "request",
        reason: "release of information is not offered by these services".into(),
    }
}

fn not_offered_privacy() -> ServiceError {
    ServiceError::Invalid {
        what: "review",
        reason: "access-log review is not offered by these services".into(),
    }
}

fn not_offered_admin() -> ServiceError {
    ServiceError::Invalid {
        what: "request",
        reason: "administration is not offered by these services".into(),
    }
}

impl ChartServices for Services {
    fn now(&self) -> DateTime<Utc> {
        Services::now(self)
    }
    fn search_patients(
        &self,
        session: &Session,
        query: &str,
        limit: usize,
    ) -> Result<Vec<PatientResult>, ServiceError> {
        Services::search_patients(self, session, query, limit)
    }
    fn open_chart(
        &self,
        session: &Session,
        patient: PatientId,
        reason: Option<BreakGlass>,
    ) -> Result<OpenChart, ServiceError> {
        Services::open_chart(self, session, patient, reason)
    }
    fn open_document(
        &self,
        session: &Session,
        document: DocumentId,
    ) -> Result<DocumentView, ServiceError> {
        Services::open_document(self, session, document)
    }
    fn status(&self) -> Result<DataStatus, ServiceError> {
        Services::status(self)
    }
    fn search_notes(
        &self,
        session: &Session,
        query: &NoteQuery,
        limit: usize,
    ) -> Result<Vec<NoteResult>, ServiceError> {
        Services::search_notes(self, session, query, limit)
    }
    fn patient_by_mrn(
        &self,
        session: &Session,
        mrn: Mrn,
    ) -> Result<Option<PatientId>, ServiceError> {
        Ok(Services::patient_by_mrn(self, session, mrn)?.map(|p| p.id))
    }
    fn analysis_queue(
        &self,
        session: &Session,
        filter: &DeficiencyFilter,
        limit: usize,
    ) -> Result<Vec<QueueEntry>, ServiceError> {
        Services::analysis_queue(self, session, filter, limit)
    }
    fn deficiency_rows(
        &self,
        session: &Session,
        filter: &DeficiencyFilter,
        as_of: NaiveDate,
    ) -> Result<Vec<DeficiencyRow>, ServiceError> {
        Services::deficiency_rows(self, session, filter, as_of)
    }
    fn encounter_documents(
        &self,
        session: &Session,
        encounter: EncounterId,
    ) -> Result<Vec<DocumentView>, ServiceError> {
        Services::encounter_documents(self, session, encounter)
    }
    fn providers(&self, session: &Session) -> Result<Vec<Provider>, ServiceError> {
        Services::providers(self, session)
    }
    fn completion_dashboard(
        &self,
        session: &Session,
        as_of: NaiveDate,
    ) -> Result<CompletionDashboard, ServiceError> {
        Services::completion_dashboard(self, session, as_of)
    }
    fn record_deficiency(
        &self,
        session: &Session,
        new: NewDeficiency,
    ) -> Result<DeficiencyId, ServiceError> {
        Services::record_deficiency(self, session, new)
    }
    fn move_deficiencies(
        &self,
        session: &Session,
        ids: &[DeficiencyId],
        transition: Transition,
        reason: &str,
        provider: Option<ProviderId>,
    ) -> Result<usize, ServiceError> {
        Services::move_deficiencies(self, session, ids, transition, reason, provider)
    }
    fn review_encounter(
        &self,
        session: &Session,
        encounter: EncounterId,
    ) -> Result<(), ServiceError> {
        Services::review_encounter(self, session, encounter)
    }
    fn privacy_alerts(
        &self,
        session: &Session,
    ) -> Result<Vec<crate::privacy::AlertView>, ServiceError> {
        Services::privacy_alerts(self, session, &crate::privacy::AlertsQuery::default())
    }
    fn alert_evidence(
        &self,
        session: &Session,
        user_id: &str,
        patient_id: &str,
    ) -> Result<crate::privacy::AlertEvidence, ServiceError> {
        Services::alert_evidence(self, session, user_id, patient_id)
    }
    fn dismiss_alerts(
        &self,
        session: &Session,
        pairs: &[(String, String)],
        reason: &str,
    ) -> Result<usize, ServiceError> {
        Services::dismiss_alerts(self, session, pairs, reason)
    }
    fn promote_alerts(
        &self,
        session: &Session,
        alerts: &[crate::privacy::AlertRef],
    ) -> Result<u64, ServiceError> {
        Services::promote_alerts(self, session, alerts, None)
    }
    fn privacy_cases(
        &self,
        session: &Session,
    ) -> Result<Vec<chartroom_domain::privacy::Case>, ServiceError> {
        Services::privacy_cases(self, session)
    }
    fn case_action(
        &self,
        session: &Session,
        id: u64,
        action: crate::privacy::CaseAction,
        text: &str,
    ) -> Result<chartroom_domain::privacy::Case, ServiceError> {
        Services::case_action(self, session, id, action, text)
    }
    fn roi_desk(
        &self,
        session: &Session,
        as_of: NaiveDate,
    ) -> Result<Vec<RoiDeskRow>, ServiceError> {
        Services::roi_desk(self, session, as_of)
    }
    fn extend_roi_request(
        &self,
        session: &Session,
        request_id: &str,
        reason: &str,
        on: NaiveDate,
    ) -> Result<ExtensionNotice, ServiceError> {
        Services::extend_roi_request(self, session, request_id, reason, on)
    }
    fn confirm_roi_qa(&self, session: &Session, request_id: &str) -> Result<(), ServiceError> {
        Services::confirm_roi_qa(self, session, request_id)
    }
    fn roi_act(
        &self,
        session: &Session,
        request_id: &str,
        act: RoiAct,
        on: NaiveDate,
    ) -> Result<String, ServiceError> {
        Services::roi_act(self, session, request_id, act, on)
    }
    fn roi_policy(&self) -> Result<RoiPolicy, ServiceError> {
        Services::roi_policy(self)
    }
    fn roi_release_dir(&self, request_id: &str) -> Result<std::path::PathBuf, ServiceError> {
        let safe: String = request_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Ok(self.data_dir().join("roi-releases").join(safe))
    }
    fn hl7_feed_stats(&self, session: &Session) -> Result<Option<FeedStats>, ServiceError> {
        Services::hl7_feed_stats(self, session)
    }
    fn data_overview(&self, session: &Session) -> Result<DataOverview, ServiceError> {
        Services::data_overview(self, session)
    }
    fn patient_timeline(
        &self,
        session: &Session,
        patient_id: &str,
    ) -> Result<Vec<crate::privacy::AccessLine>, ServiceError> {
        let all = crate::privacy::AlertsQuery::default();
        Services::access_report(self, session, patient_id, &all)
    }
    fn user_activity(
        &self,
        session: &Session,
        user_id: &str,
    ) -> Result<crate::privacy::UserActivity, ServiceError> {
        let all = crate::privacy::AlertsQuery::default();
        Services::user_activity(self, session, user_id, &all)
    }
}
