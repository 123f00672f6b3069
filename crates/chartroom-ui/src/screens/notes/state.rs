//! Note search state: like the patient search, plus what the query box could not read.

use chartroom_services::NoteResult;

#[derive(Clone, Debug, Default)]
pub struct NotesState {
    pub query: String,
    pub generation: u64,
    pub shown_generation: u64,
    pub results: Vec<NoteResult>,
    pub selected: usize,
    pub pending: bool,
    /// Why the current query is not being searched (a filter it cannot read yet, or no
    /// patient has the MRN); shown in place of results.
    pub problem: Option<String>,
    /// For each character of the text sent with the current generation, its position in
    /// the typed query (syntax errors point at what the clerk typed).
    pub positions: Vec<usize>,
    /// Character (1-based, as typed) a syntax error points at; a `^` marks it.
    pub error_at: Option<usize>,
}
