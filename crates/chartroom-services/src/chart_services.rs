//! The use cases a chart screen needs, as a trait: the UI holds a `dyn ChartServices`,
//! so its flow tests run on fakes without a store. The trait lives here, next to its
//! one real implementation, because the dependency runs ui → services: were the UI to
//! own it, services would have to depend on the UI to implement it.

use super::{
    BreakGlass, DataStatus, DocumentView, NoteResult, OpenChart, PatientResult, ServiceError,
    Services, Session,
};
use chartroom_domain::{DocumentId, Mrn, PatientId};
use chartroom_search::NoteQuery;
use chrono::{DateTime, Utc};

/// What the UI needs from the services. `Services` implements it; tests use fakes.
pub trait ChartServices: Send + Sync {
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
}
