//! The break-the-glass popup's state.

use chartroom_domain::PatientId;

/// Break-the-glass: pick a reason (and explain) before a sensitive chart opens.
#[derive(Clone, Debug)]
pub struct BreakGlassPopup {
    pub patient: PatientId,
    pub flags: Vec<&'static str>,
    pub selected: usize,
    pub explanation: String,
    /// Why enter was refused (e.g. "other" needs an explanation).
    pub problem: Option<String>,
}
