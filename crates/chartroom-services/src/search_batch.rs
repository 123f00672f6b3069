//! A batch of searches that is one user action (`search --queries`, `eval run`, the
//! benchmarks): the role is checked once when it starts and one audit event names the
//! batch when it ends, so per-query timings measure the search, not the audit write.

use super::{NoteResult, PatientResult, Result, Services, Session};
use chartroom_domain::{AccessAction, Permission};
use chartroom_search::NoteQuery;

pub struct SearchBatch<'s> {
    services: &'s Services,
    session: &'s Session,
    source: String,
    patient_queries: usize,
    note_queries: usize,
}

impl Services {
    /// Starts a batch of searches read from `source` (a file name, "benchmark", ...).
    pub fn search_batch<'s>(
        &'s self,
        session: &'s Session,
        source: &str,
    ) -> Result<SearchBatch<'s>> {
        self.require(session, Permission::SearchCharts)?;
        Ok(SearchBatch {
            services: self,
            session,
            source: source.to_string(),
            patient_queries: 0,
            note_queries: 0,
        })
    }
}

impl SearchBatch<'_> {
    pub fn patients(&mut self, query: &str, limit: usize) -> Result<Vec<PatientResult>> {
        self.patient_queries += 1;
        self.services.find_patients(query, limit)
    }

    pub fn notes(&mut self, query: &NoteQuery, limit: usize) -> Result<Vec<NoteResult>> {
        self.note_queries += 1;
        self.services.find_notes(query, limit)
    }

    /// Records the batch in the audit trail.
    pub fn finish(self) -> Result<()> {
        let (action, count, what) = if self.note_queries > 0 && self.patient_queries == 0 {
            (AccessAction::NoteSearch, self.note_queries, "notes")
        } else {
            (
                AccessAction::Search,
                self.patient_queries + self.note_queries,
                "patients",
            )
        };
        let detail = format!("{what}: batch of {count} queries from {}", self.source);
        let event = self
            .services
            .audit_event(self.session, action, None, detail);
        self.services.audit(event)?;
        Ok(())
    }
}
