//! Patient search state: the query, its generation and the results on screen.

use chartroom_services::PatientResult;

#[derive(Clone, Debug, Default)]
pub struct SearchState {
    pub query: String,
    /// Bumped on every edit of the query; results carry the generation they answer.
    pub generation: u64,
    /// Generation of the results on screen.
    pub shown_generation: u64,
    pub results: Vec<PatientResult>,
    pub selected: usize,
    /// A search for the current generation is out.
    pub pending: bool,
}
