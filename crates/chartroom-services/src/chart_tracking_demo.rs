//! The demo's file room: paper charts out in every state, so the Identity workspace's
//! tracking view has work on first start — charged out to clinics and coding (due back
//! later), overdue by days and weeks, off site, with a named borrower, missing, and
//! requested while out. Every move goes through the same use cases a clerk's scan does
//! (audited `chart-tracking`).

use super::{Result, Services, Session};
use chartroom_domain::chart_tracking::{ChartPlace, ChartVolume};
use chartroom_domain::PatientId;
use chrono::Duration;

/// What the demo did to the file room.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DemoFileRoom {
    pub out: usize,
    pub overdue: usize,
    pub missing: usize,
    pub requested: usize,
}

/// Days a clinic keeps a chart (as the Identity workspace's charge-out).
const DUE_BACK_DAYS: i64 = 7;

/// (place, due back in days from today; negative = overdue).
fn plan() -> Vec<(ChartPlace, Option<i64>)> {
    let dept = |d: &str| ChartPlace::Department(d.into());
    vec![
        (dept("Cardiology Clinic"), Some(3)),
        (dept("Coding"), Some(1)),
        (dept("Oncology Clinic"), Some(7)),
        (dept("Quality Review"), Some(14)),
        (dept("Emergency Department"), Some(-2)),
        (dept("Orthopedics Clinic"), Some(-9)),
        (dept("Risk Management"), Some(-31)),
        (ChartPlace::OffSite("Iron Mountain box 114".into()), None),
        (ChartPlace::Borrower("Dr. Amara Lee".into()), Some(2)),
        (ChartPlace::Missing, None),
        (ChartPlace::Missing, None),
    ]
}

impl Services {
    pub(crate) fn plant_file_room(&self, session: &Session) -> Result<DemoFileRoom> {
        let plan = plan();
        let read = self.store.read()?;
        let retired = read.retired_charts()?;
        let mut ids: Vec<PatientId> = Vec::new();
        for patient in read.patients()? {
            let patient = patient?;
            if !retired.contains(&patient.id) {
                ids.push(patient.id);
            }
        }
        drop(read);
        // Evenly spread over the population, so the charts out fall in many
        // terminal-digit sections.
        let stride = (ids.len() / (plan.len() + 1)).max(1);
        let charts: Vec<PatientId> = ids
            .iter()
            .skip(stride / 2)
            .step_by(stride)
            .take(plan.len())
            .copied()
            .collect();
        let now = self.clock.now().naive_utc();
        let today = now.date();
        let mut out = DemoFileRoom::default();
        for (patient, (place, due_in)) in charts.iter().zip(plan) {
            // Charged out a week before it is due (off site: two months ago), so the
            // moves read like a file room's history rather than all happening today.
            let out_since = match due_in {
                Some(d) => (now + Duration::days(d - DUE_BACK_DAYS)).min(now),
                None => now - Duration::days(60),
            };
            let due = due_in.map(|d| today + Duration::days(d));
            let mut volume = ChartVolume::on_shelf(*patient, 1, out_since);
            let by = &session.user.username;
            if place == ChartPlace::Missing {
                // Charged out to a clinic three weeks ago, not there when asked for.
                let clinic = ChartPlace::Department("Surgery Clinic".into());
                let lent = now - Duration::days(21);
                volume.move_to(
                    clinic,
                    lent,
                    by,
                    Some(lent.date() + Duration::days(7)),
                    "demo",
                );
                volume.move_to(
                    place,
                    now - Duration::days(6),
                    by,
                    None,
                    "not at Surgery Clinic",
                );
                out.missing += 1;
            } else {
                volume.move_to(place, out_since, by, due, "demo");
            }
            let tx = self.store.write()?;
            let detail = format!("demo: chart volume 1 moved to {}", volume.place.label());
            self.save_volume(tx, session, *patient, volume, detail)?;
            out.out += 1;
            if due_in.is_some_and(|d| d < 0) {
                out.overdue += 1;
            }
        }
        // Requests for charts that are out: the clinic wants them back for a visit.
        for patient in charts.iter().take(2) {
            self.request_chart(
                session,
                *patient,
                today + Duration::days(1),
                "clinic visit tomorrow",
            )?;
            out.requested += 1;
        }
        Ok(out)
    }
}
