//! Layout numbers `update` (paging, scroll limits) and `view` (drawing) must agree on.
//! Both read them here, so `update` never reaches into `view`.

/// Below this the screens cannot be laid out; the view says so instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// Command palette: widest it grows, and command rows shown at once (also its page).
pub const PALETTE_WIDTH: u16 = 64;
pub const PALETTE_ROWS: usize = 10;
