//! The app's state: plain data, built by `State::new` and changed only by `update`.

use super::action::Mode;
use super::config::UiConfig;
use super::keymap::Keymap;
use super::screens::palette::PaletteState;
use super::theme::Theme;
use super::workspace::Workspace;
use chartroom_domain::{DocumentId, Patient, PatientId, Role};
use chartroom_services::{Chart, DataStatus, DocumentView, NoteResult, PatientResult, Session};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Results asked of a search (a list is scrolled, not paged through the index).
pub const SEARCH_LIMIT: usize = 50;
/// Notes asked of a note search: a screenful or two; narrowing beats scrolling.
pub const NOTE_LIMIT: usize = 50;
/// Screen rows one note result takes: the header line and two snippet lines.
pub const NOTE_ROWS: usize = 3;
/// Charts kept in the recent list shown under an empty query.
pub const RECENT_LIMIT: usize = 10;
pub use super::layout::{MIN_HEIGHT, MIN_WIDTH};
/// From this width the chart shows the document list beside the reading pane.
pub const WIDE_CHART_WIDTH: u16 = 150;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Search,
    /// Full-text search inside clinical notes.
    Notes,
    Chart,
}

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

/// The note search screen: like `SearchState`, plus what the query box could not read.
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Demographics,
    Encounters,
    Documents,
    Reading,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Demographics,
        Section::Encounters,
        Section::Documents,
        Section::Reading,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Demographics => "Demographics",
            Section::Encounters => "Encounters",
            Section::Documents => "Documents",
            Section::Reading => "Reading",
        }
    }

    pub fn index(self) -> usize {
        Section::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

#[derive(Clone, Debug)]
pub struct ChartState {
    pub chart: Chart,
    pub section: Section,
    pub demographics_scroll: usize,
    pub encounter_selected: usize,
    pub document_selected: usize,
    pub reading: Option<DocumentView>,
    pub reading_scroll: usize,
}

impl ChartState {
    pub fn new(chart: Chart) -> ChartState {
        ChartState {
            chart,
            section: Section::Demographics,
            demographics_scroll: 0,
            encounter_selected: 0,
            document_selected: 0,
            reading: None,
            reading_scroll: 0,
        }
    }
}

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
        usize::from(self.height.saturating_sub(9)).max(1)
    }

    /// Whether the chart shows documents and the note side by side.
    pub fn wide_chart(&self) -> bool {
        self.width >= WIDE_CHART_WIDTH
    }

    /// Width the reading pane wraps text to (inside borders and a one-column margin).
    pub fn reading_width(&self) -> usize {
        let pane = if self.wide_chart() {
            self.width
                .saturating_sub(super::view::chart::DOCUMENT_LIST_WIDTH)
        } else {
            self.width
        };
        usize::from(pane.saturating_sub(4)).max(1)
    }
}

/// Wraps `text` to `width` columns at spaces (hard-splitting longer words), keeping
/// blank lines. The reading pane draws these lines and `update` clamps scrolling to
/// their count, so both agree on where the end is.
pub fn wrap_text(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for raw in text.lines() {
        let raw = raw.trim_end();
        if raw.is_empty() {
            out.push(String::new());
            continue;
        }
        let mut line = String::new();
        let mut line_width = 0usize;
        for word in raw.split(' ') {
            let word_width: usize = word.chars().map(char_width).sum();
            let sep = usize::from(!line.is_empty());
            if line_width + sep + word_width <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                line_width += sep + word_width;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
                line_width = 0;
            }
            // A word longer than the line: split it by characters.
            for c in word.chars() {
                let w = char_width(c);
                if line_width + w > width && !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                    line_width = 0;
                }
                line.push(c);
                line_width += w;
            }
        }
        out.push(line);
    }
    out
}

/// Display width of one character, as ratatui measures it (wide CJK = 2).
fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    ratatui::text::Span::raw(&*c.encode_utf8(&mut buf)).width()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_splits_long_words() {
        assert_eq!(wrap_text("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap_text("abcdefg", 3), vec!["abc", "def", "g"]);
        assert_eq!(wrap_text("a\n\nb", 10), vec!["a", "", "b"]);
        assert_eq!(wrap_text("x", 0), vec!["x"]);
    }
}
