//! `chartroom bench --privacy`: access-log figures on an existing data directory (one
//! `name value unit` line each): a synthetic month of CSV access events (sampled
//! patients, a 2,000-user roster) imported and re-imported, one patient's history and
//! one user's activity, and the rule run over the month.

use super::bench::figure;
use anyhow::{Context, Result};
use chartroom_services::privacy::AlertsQuery;
use chartroom_services::{Services, Session};
use chrono::Duration;
use std::io::{BufWriter, Write};
use std::time::Instant;

const USERS: usize = 2000;
const DEPARTMENTS: [&str; 8] = [
    "Emergency Department",
    "Heart Center",
    "5 North Surgical",
    "Internal Medicine Clinic",
    "Health Information Management",
    "Imaging Center",
    "Pediatrics Clinic",
    "Registration",
];

/// A small deterministic generator (no rand dependency at the edge).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

pub(super) fn run(services: &Services, session: &Session, events: usize) -> Result<()> {
    let dir = services.data_dir().join("bench-access");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let patients: Vec<String> = services
        .sample_patients(session, 50_000, "privacy benchmark")?
        .into_iter()
        .map(|r| r.patient.source_id())
        .collect();
    anyhow::ensure!(!patients.is_empty(), "the data directory has no patients");
    let roster = dir.join("roster.csv");
    let mut out = BufWriter::new(std::fs::File::create(&roster)?);
    writeln!(
        out,
        "user_id,name,department,role,home_address,linked_patient_id,provider_id"
    )?;
    for u in 0..USERS {
        writeln!(
            out,
            "u{u:04},User{u} Bench,{},nurse,{u} Bench Rd Riverton MA 01999,,",
            DEPARTMENTS[u % DEPARTMENTS.len()]
        )?;
    }
    out.flush()?;
    drop(out);
    let end = services.now().date_naive();
    let start = end - Duration::days(30);
    let log = dir.join("access.csv");
    let mut rng = Lcg(7);
    let mut out = BufWriter::new(std::fs::File::create(&log)?);
    writeln!(
        out,
        "timestamp,user_id,patient_id,action,workstation,department"
    )?;
    for i in 0..events {
        let day = start + Duration::days((i * 30 / events.max(1)) as i64);
        let u = rng.next(USERS);
        let (hour, minute, second) = (rng.next(24), rng.next(60), rng.next(60));
        let patient = &patients[rng.next(patients.len())];
        let workstation = u % 97;
        let department = DEPARTMENTS[u % DEPARTMENTS.len()];
        writeln!(
            out,
            "{day}T{hour:02}:{minute:02}:{second:02}-05:00,u{u:04},{patient},view,WS-{workstation},{department}",
        )?;
    }
    out.flush()?;
    drop(out);
    let bytes = std::fs::metadata(&log)?.len();
    figure("access_csv_bytes", bytes as f64, "bytes");

    services.import_roster(session, &roster)?;
    let report = services.import_access_csv(session, &log, None, &mut |_| {})?;
    figure("access_import_events", report.read as f64, "events");
    figure("access_import_seconds", report.elapsed.as_secs_f64(), "s");
    figure("access_import_rate", report.events_per_second(), "events/s");
    let again = services.import_access_csv(session, &log, None, &mut |_| {})?;
    figure("access_reimport_added", again.added as f64, "events");
    figure(
        "access_reimport_rate",
        again.events_per_second(),
        "events/s",
    );

    let month = AlertsQuery {
        from: Some(start),
        to: Some(end),
        include_disposed: true,
    };
    let started = Instant::now();
    let lines = services.access_report(session, &patients[0], &month)?;
    figure(
        "patient_history_ms",
        started.elapsed().as_secs_f64() * 1000.0,
        "ms",
    );
    figure("patient_history_events", lines.len() as f64, "events");
    let started = Instant::now();
    let activity = services.user_activity(session, "u0001", &month)?;
    figure(
        "user_activity_ms",
        started.elapsed().as_secs_f64() * 1000.0,
        "ms",
    );
    figure(
        "user_activity_events",
        activity.lines.len() as f64,
        "events",
    );
    let one_day = AlertsQuery {
        from: Some(start + Duration::days(10)),
        to: Some(start + Duration::days(10)),
        include_disposed: true,
    };
    let started = Instant::now();
    let alerts = services.privacy_alerts(session, &one_day)?;
    figure("alerts_day_seconds", started.elapsed().as_secs_f64(), "s");
    figure("alerts_day", alerts.len() as f64, "alerts");
    let started = Instant::now();
    let alerts = services.privacy_alerts(session, &month)?;
    figure("alerts_month_seconds", started.elapsed().as_secs_f64(), "s");
    figure("alerts_month", alerts.len() as f64, "alerts");
    Ok(())
}

/// `chartroom bench --access-lookups N`: on the events already imported, N patients'
/// whole access histories ("who looked at my record", all time) and N users' whole
/// activity, spread over the name dictionary; p50 / p99 / max per kind.
pub(super) fn lookups(services: &Services, session: &Session, count: usize) -> Result<()> {
    let (users, patients) = services.sample_access_ids(session, count)?;
    anyhow::ensure!(
        !users.is_empty() && !patients.is_empty(),
        "the data directory has no imported access events"
    );
    let all_time = AlertsQuery {
        from: None,
        to: None,
        include_disposed: true,
    };
    let timed = |name: &str, ids: &[String], run: &dyn Fn(&str) -> Result<usize>| {
        let mut ms = Vec::with_capacity(ids.len());
        let mut events = 0usize;
        for id in ids {
            let started = Instant::now();
            events += run(id)?;
            ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
        figure(&format!("{name}_count"), ms.len() as f64, "lookups");
        figure(
            &format!("{name}_events_mean"),
            events as f64 / ms.len() as f64,
            "events",
        );
        figure(&format!("{name}_p50"), at(0.5), "ms");
        figure(&format!("{name}_p99"), at(0.99), "ms");
        figure(&format!("{name}_max"), at(1.0), "ms");
        Ok::<(), anyhow::Error>(())
    };
    timed("patient_history", &patients, &|id| {
        Ok(services.access_report(session, id, &all_time)?.len())
    })?;
    timed("user_activity", &users, &|id| {
        Ok(services.user_activity(session, id, &all_time)?.lines.len())
    })?;
    Ok(())
}
