//! The services' integration tests, one binary (one link step): authorisation and
//! auditing of every use case, and FHIR import through the services with note search.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test helpers outside #[test] fns

mod completion;
mod completion_demo;
mod hl7;
mod identity;
mod identity_overlay;
mod import_fhir;
mod privacy;
mod privacy_letter;
mod research;
mod retention;
mod roi;
mod roi_demo;
mod roi_desk;
mod roles;
mod support;
