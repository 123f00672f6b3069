//! Runs the TUI in this terminal over a tiny in-memory fake of the services, for trying
//! keymaps and themes without a data directory:
//! `cargo run --example tui_fake -- [KEYMAP] [THEME]` (built-in names or file paths).

use chartroom::domain::*;
use chartroom::services::{
    BreakGlass, Chart, DataStatus, DocumentView, OpenChart, PatientResult, ServiceError, Session,
};
use chartroom::ui::runtime::ChartServices;
use chartroom::ui::{UiConfig, UiOptions};
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

struct Fake {
    patients: Vec<Patient>,
    /// `TUI_FAKE_PANIC=1`: the clock panics after a few ticks (checks the panic hook).
    panic_clock: std::sync::atomic::AtomicU32,
}

fn patient(
    id: u64,
    given: &str,
    family: &str,
    dob: (i32, u32, u32),
    flags: PatientFlags,
) -> Patient {
    Patient {
        id: PatientId(id),
        mrn: Mrn(id as u32 * 7919),
        name: PersonName::new(given, family),
        other_names: vec![],
        dob: NaiveDate::from_ymd_opt(dob.0, dob.1, dob.2).unwrap_or_default(),
        sex: if id.is_multiple_of(2) {
            Sex::Female
        } else {
            Sex::Male
        },
        address: None,
        phones: vec![format!("555-01{id:02}")],
        ssn: None,
        flags,
        identifiers: vec![],
        staff_link: None,
    }
}

impl ChartServices for Fake {
    fn now(&self) -> DateTime<Utc> {
        if std::env::var_os("TUI_FAKE_PANIC").is_some()
            && self
                .panic_clock
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                > 3
        {
            panic!("fake clock panicked on purpose");
        }
        Utc::now()
    }
    fn search_patients(
        &self,
        _: &Session,
        query: &str,
        limit: usize,
    ) -> Result<Vec<PatientResult>, ServiceError> {
        let q = query.to_lowercase();
        Ok(self
            .patients
            .iter()
            .filter(|p| p.name.display_last_first().to_lowercase().contains(&q))
            .take(limit)
            .map(|p| PatientResult {
                patient: p.clone(),
                score: 1.0,
                why: vec![format!("name contains \"{q}\"")],
            })
            .collect())
    }
    fn open_chart(
        &self,
        _: &Session,
        id: PatientId,
        reason: Option<BreakGlass>,
    ) -> Result<OpenChart, ServiceError> {
        let p = self
            .patients
            .iter()
            .find(|p| p.id == id)
            .ok_or(ServiceError::NotFound { what: "patient" })?;
        if p.flags.needs_reason() && reason.is_none() {
            return Ok(OpenChart::NeedsReason {
                patient: id,
                flags: p.flags.words(),
            });
        }
        Ok(OpenChart::Opened(Box::new(Chart {
            patient: p.clone(),
            encounters: vec![],
            documents: vec![],
        })))
    }
    fn open_document(&self, _: &Session, _: DocumentId) -> Result<DocumentView, ServiceError> {
        Err(ServiceError::NotFound { what: "document" })
    }
    fn status(&self) -> Result<DataStatus, ServiceError> {
        Ok(DataStatus {
            patients: self.patients.len() as u64,
            documents: 0,
            bytes_on_disk: 4096,
        })
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let options = UiOptions::from_env(args.next(), args.next());
    let config = match UiConfig::load(&options) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let vip = PatientFlags {
        vip: true,
        ..PatientFlags::default()
    };
    let dead = PatientFlags {
        deceased: NaiveDate::from_ymd_opt(2024, 1, 3),
        ..PatientFlags::default()
    };
    let fake = Fake {
        patients: vec![
            patient(1, "John", "Smith", (1984, 3, 2), vip),
            patient(2, "Joan", "Smyth", (1952, 7, 19), dead),
            patient(
                3,
                "Jonathan",
                "Smith",
                (1984, 3, 12),
                PatientFlags::default(),
            ),
            patient(4, "Ana", "Lopez", (1990, 11, 30), PatientFlags::default()),
        ],
        panic_clock: std::sync::atomic::AtomicU32::new(0),
    };
    let session = Session {
        user: StaffUser {
            id: UserId(1),
            username: "demo".into(),
            display_name: "Demo".into(),
            role: Role::Clerk,
            department: "HIM".into(),
            disabled: false,
            patient_link: None,
            ssh_keys: vec![],
        },
        id: "fake".into(),
        client: "local".into(),
    };
    if let Err(e) = chartroom::term::run_with(Arc::new(fake), session, config) {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
