//! Back doors for integration tests only (feature `test-access`): plant fixtures in the
//! store and inspect what a use case wrote. A normal build has none of this, so the
//! edges cannot reach around the services.

use super::{NoteResult, PatientResult, ReindexReport, Result, Services};
use chartroom_search::NoteQuery;
use chartroom_store::Store;

impl Services {
    pub fn store_for_tests(&self) -> &Store {
        &self.store
    }

    /// Dropping these services leaves the outbox as it is, as a killed process would.
    pub fn leave_outbox_on_drop_for_tests(&self) {
        self.sync_on_drop
            .store(false, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn rebuild_index_for_tests(&self) -> Result<ReindexReport> {
        self.rebuild_index()
    }

    pub fn find_patients_for_tests(&self, query: &str, limit: usize) -> Result<Vec<PatientResult>> {
        self.find_patients(query, limit)
    }

    pub fn find_notes_for_tests(&self, query: &NoteQuery, limit: usize) -> Result<Vec<NoteResult>> {
        self.find_notes(query, limit)
    }
}
