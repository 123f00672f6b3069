//! Plain types and rules of the records room. No I/O lives here: everything is
//! unit-testable without a store, an index or a terminal.
//!
//! Room is left for what comes next (deficiencies, ROI requests and disclosures,
//! privacy alerts and cases, duplicate pairs and merges, physical chart locations):
//! each gets its own module beside these and its own versioned table in `store/`.

pub mod audit;
pub mod chart_tracking;
pub mod clock;
pub mod completion;
pub mod document;
pub mod duplicates;
pub mod encounter;
pub mod identity;
pub mod ids;
pub mod matching;
pub mod patient;
pub mod permission;
pub mod privacy;
pub mod procedure;
pub mod research;
pub mod retention;
pub mod roi;
pub mod sensitivity;
pub mod staff;

pub use audit::{AccessAction, AccessEvent, AuditHash, NewAccessEvent};
pub use clock::{local_date, Clock, FixedClock, SystemClock};
pub use completion::{Deficiency, DeficiencyStatus, Origin};
pub use document::{Document, DocumentType, SignatureStatus};
pub use encounter::{Encounter, EncounterClass};
pub use identity::{decides_identity, MergeRecord};
pub use ids::{
    DeficiencyId, DocumentId, EncounterId, Mrn, PatientId, ProcedureId, ProviderId, UserId,
};
pub use patient::{
    Address, AltName, Identifier, NameKind, Patient, PatientFlags, PersonName, SensitiveCategory,
    Sex, Ssn,
};
pub use permission::{allowed, Permission};
pub use procedure::Procedure;
pub use sensitivity::Category;
pub use staff::{Provider, Role, StaffUser};
