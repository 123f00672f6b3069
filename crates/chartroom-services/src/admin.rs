//! What the Admin workspace shows about the data: the store's counts and its schema
//! version (admins only). The HL7 feed's counts are in `hl7_feed`.

use super::{Result, Services, Session};
use chartroom_domain::Permission;

/// The store's figures for the Admin workspace's Data panel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DataOverview {
    pub patients: u64,
    pub encounters: u64,
    pub documents: u64,
    pub procedures: u64,
    pub deficiencies: u64,
    pub audit_events: u64,
    pub providers: u64,
    pub users: u64,
    /// Changes the search index has not absorbed yet.
    pub index_queue: u64,
    pub schema_version: u32,
}

impl Services {
    /// The store's counts and schema version (admins only; reads no chart).
    pub fn data_overview(&self, session: &Session) -> Result<DataOverview> {
        self.require(session, Permission::Administer)?;
        let counts = self.store.read()?.counts()?;
        Ok(DataOverview {
            patients: counts.patients,
            encounters: counts.encounters,
            documents: counts.documents,
            procedures: counts.procedures,
            deficiencies: counts.deficiencies,
            audit_events: counts.audit_events,
            providers: counts.providers,
            users: counts.users,
            index_queue: counts.outbox,
            schema_version: self.store.schema_version()?,
        })
    }
}
