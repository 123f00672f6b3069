//! One module per screen or overlay, each with its own state, update and view.

pub mod palette;
