//! The binary's integration tests, one test binary (one link step): the command line end
//! to end, and the SSH server driven by russh, by the OpenSSH client in tmux, and by
//! `ssh ... users` commands.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should panic

mod cli_roundtrip;
mod deid_cli;
mod generate_store;
mod growth_boundaries;
mod hl7_cli;
mod hl7_mllp;
mod privacy_cli;
mod roi_cli;
mod ssh_cli;
mod ssh_common;
mod ssh_load;
mod ssh_openssh;
mod ssh_russh;
