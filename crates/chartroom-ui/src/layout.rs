//! Layout numbers `update` (paging, scroll limits) and `view` (drawing) must agree on.
//! Both read them here, so `update` never reaches into `view`.

/// Below this the screens cannot be laid out; the view says so instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// Command palette: widest it grows, and command rows shown at once (also its page).
pub const PALETTE_WIDTH: u16 = 64;
pub const PALETTE_ROWS: usize = 10;

/// From this width the chart shows the document list beside the reading pane.
pub const WIDE_CHART_WIDTH: u16 = 150;
/// Width of the document list beside the reading pane on wide terminals.
pub const DOCUMENT_LIST_WIDTH: u16 = 70;
/// Screen rows one note result takes: the header line and two snippet lines.
pub const NOTE_ROWS: usize = 3;

/// Rows of a list body at `height` (for page up/down): the screen less the header,
/// search box, borders and status bar.
pub fn page_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(9)).max(1)
}

/// Whether the chart shows documents and the note side by side.
pub fn wide_chart(width: u16) -> bool {
    width >= WIDE_CHART_WIDTH
}

/// Width the reading pane wraps text to (inside borders and a one-column margin).
pub fn reading_width(width: u16) -> usize {
    let pane = if wide_chart(width) {
        width.saturating_sub(DOCUMENT_LIST_WIDTH)
    } else {
        width
    };
    usize::from(pane.saturating_sub(4)).max(1)
}

/// Text rows of the reading pane: the screen less header (2), tabs (1), status (1),
/// borders (2) and the document's meta line (1).
pub fn reading_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(7)).max(1)
}

/// Height of the help overlay inside a body of `body_height` rows.
pub fn help_height(body_height: u16) -> u16 {
    body_height.saturating_sub(2).max(3)
}

/// Help rows visible at terminal height `height` (the body is the screen less the
/// error and status lines; the overlay has two borders).
pub fn help_rows(height: u16) -> usize {
    usize::from(help_height(height.saturating_sub(2)).saturating_sub(2)).max(1)
}
