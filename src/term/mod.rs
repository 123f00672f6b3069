//! Terminal runtimes: the only user of crossterm. The local terminal runtime lives
//! beside this (ui work); `channel_backend` draws for a remote (SSH) client.

pub mod channel_backend;

pub use channel_backend::ChannelBackend;
