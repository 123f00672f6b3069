//! The app's state: plain data, built by `State::new` and changed only by `update`.

use super::action::Mode;
use super::config::UiConfig;
use super::keymap::Keymap;
use super::screens::palette::PaletteState;
use super::theme::Theme;
use super::workspace::Workspace;
use chartroom_domain::{DocumentId, Patient, PatientId, Role};
use chartroom_services::{DataStatus, Session};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Results asked of a search (a list is scrolled, not paged through the index).
pub const SEARCH_LIMIT: usize = 50;
/// Notes asked of a note search: a screenful or two; narrowing beats scrolling.
pub const NOTE_LIMIT: usize = 50;
/// Charts kept in the recent list shown under an empty query.
pub const RECENT_LIMIT: usize = 10;
pub use super::layout::{MIN_HEIGHT, MIN_WIDTH, NOTE_ROWS, WIDE_CHART_WIDTH};
pub use super::screens::admin::state::AdminState;
pub use super::screens::break_glass::state::BreakGlassPopup;
pub use super::screens::chart::state::{ChartState, Section};
pub use super::screens::completion::state::CompletionState;
pub use super::screens::identity::state::IdentityState;
pub use super::screens::notes::state::NotesState;
pub use super::screens::privacy::state::PrivacyState;
pub use super::screens::release::state::ReleaseState;
pub use super::screens::search::state::SearchState;
pub use super::text::wrap_text;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Search,
    /// Full-text search inside clinical notes.
    Notes,
    Chart,
    /// The Completion workspace (its tabs are in `CompletionState`).
    Completion,
    /// The Admin workspace (HL7 feed and data panels).
    Admin,
    /// The Release workspace (release-of-information requests).
    Release,
    /// The Privacy workspace (access alerts and cases).
    Privacy,
    /// The Identity workspace (duplicates, overlays, paper charts).
    Identity,
}

#[derive(Clone, Debug)]
pub struct State {
    pub keymap: Arc<Keymap>,
    pub theme: Arc<Theme>,
    pub username: String,
    pub role: Role,
    pub now: DateTime<Utc>,
    /// Offset of the session's local time from UTC, for the clock (0 in tests).
    pub utc_offset_seconds: i32,
    pub status: Option<DataStatus>,
    pub width: u16,
    pub height: u16,
    /// The workflow on screen (shown in the status bar); `screen` is within it.
    pub workspace: Workspace,
    pub screen: Screen,
    pub search: SearchState,
    pub notes: NotesState,
    /// A note chosen on the note screen: opened (audited) once its patient's chart is
    /// open, so break-the-glass applies to notes exactly as to charts.
    pub open_after_chart: Option<(PatientId, DocumentId)>,
    /// Where `back` from the chart goes: the screen the chart was opened from.
    pub chart_return: Screen,
    pub recent: Vec<Patient>,
    /// Recent list cursor while the query is empty.
    pub recent_selected: usize,
    pub chart: Option<ChartState>,
    pub completion: CompletionState,
    pub admin: AdminState,
    pub release: ReleaseState,
    pub privacy: PrivacyState,
    pub identity: IdentityState,
    pub popup: Option<BreakGlassPopup>,
    /// The command palette, when open (above help, below break-the-glass).
    pub palette: Option<PaletteState>,
    /// Help overlay open, with its scroll offset.
    pub help: Option<usize>,
    /// One line about the last failure; cleared by the next key.
    pub error: Option<String>,
    /// An open chart or document is on its way (shown in the status bar).
    pub loading: Option<&'static str>,
    pub quit: bool,
}

impl State {
    pub fn new(
        config: &UiConfig,
        session: &Session,
        now: DateTime<Utc>,
        width: u16,
        height: u16,
    ) -> State {
        State {
            keymap: config.keymap.clone(),
            theme: config.theme.clone(),
            username: session.user.username.clone(),
            role: session.user.role,
            now,
            utc_offset_seconds: 0,
            status: None,
            width,
            height,
            workspace: Workspace::Search,
            screen: Screen::Search,
            search: SearchState::default(),
            notes: NotesState::default(),
            open_after_chart: None,
            chart_return: Screen::Search,
            recent: Vec::new(),
            recent_selected: 0,
            chart: None,
            completion: CompletionState::default(),
            admin: AdminState::default(),
            release: ReleaseState::default(),
            privacy: PrivacyState::default(),
            identity: IdentityState::default(),
            popup: None,
            palette: None,
            help: None,
            error: None,
            loading: None,
            quit: false,
        }
    }

    /// Which keymap section applies now: the topmost thing on screen.
    pub fn mode(&self) -> Mode {
        if self.popup.is_some() {
            Mode::Popup
        } else if self.palette.is_some() {
            Mode::Palette
        } else if self.help.is_some() {
            Mode::Help
        } else {
            self.screen_mode()
        }
    }

    /// The keymap section of the screen itself, under any overlay (what help explains
    /// and what the palette's commands run in).
    pub fn screen_mode(&self) -> Mode {
        match self.screen {
            Screen::Search => Mode::Search,
            Screen::Notes => Mode::Notes,
            Screen::Chart => Mode::Chart,
            Screen::Completion => Mode::Completion,
            Screen::Admin => Mode::Admin,
            Screen::Release => Mode::Release,
            Screen::Privacy => Mode::Privacy,
            Screen::Identity => Mode::Identity,
        }
    }

    /// Whether the note screen has a query (rather than the syntax help).
    pub fn showing_note_results(&self) -> bool {
        !self.notes.query.trim().is_empty()
    }

    /// Whether the results list (rather than the recent list) is showing.
    pub fn showing_results(&self) -> bool {
        !self.search.query.trim().is_empty()
    }

    /// Rows of a list body at the current size (for page up/down).
    pub fn page_rows(&self) -> usize {
        super::layout::page_rows(self.height)
    }

    /// Whether the chart shows documents and the note side by side.
    pub fn wide_chart(&self) -> bool {
        super::layout::wide_chart(self.width)
    }

    /// Width the reading pane wraps text to.
    pub fn reading_width(&self) -> usize {
        super::layout::reading_width(self.width)
    }

    /// Text rows of the reading pane.
    pub fn reading_rows(&self) -> usize {
        super::layout::reading_rows(self.height)
    }
}
