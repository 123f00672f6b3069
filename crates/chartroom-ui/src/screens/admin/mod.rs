//! The Admin workspace (f8, administrators): the HL7 feed running in this process
//! (messages per type, ACK codes, recent refusals) and the store's counts. Keymap
//! section `[admin]`; refreshed with ctrl-r and every few seconds while on screen.

pub mod jobs;
pub mod state;
pub mod update;
pub mod view;
