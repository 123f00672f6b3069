//! The overlay check: charts whose own encounters and procedures contradict their
//! demographics (one MRN, two people). Rules: `chartroom_domain::duplicates::check_overlay`;
//! docs/IDENTITY.md "Overlay check".

use super::super::{Result, Services, Session};
use chartroom_domain::duplicates::{check_overlay, OverlayCandidate};
use chartroom_domain::{AccessAction, Patient, Permission};

/// A flagged chart with its evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverlayView {
    pub patient: Patient,
    pub candidate: OverlayCandidate,
}

impl Services {
    /// Every chart not merged away whose record contradicts itself, highest score first
    /// (then by MRN). Audited as one run, with the counts.
    pub fn overlay_check(&self, session: &Session) -> Result<Vec<OverlayView>> {
        self.require(session, Permission::MergeCharts)?;
        let read = self.store.read()?;
        let retired = read.retired_charts()?;
        let mut charts = 0usize;
        let mut out = Vec::new();
        for patient in read.patients()? {
            let patient = patient?;
            if retired.contains(&patient.id) {
                continue;
            }
            charts += 1;
            let encounters = read.encounters_of(patient.id)?;
            let procedures = read.procedures_of(patient.id)?;
            if let Some(candidate) = check_overlay(&patient, &encounters, &procedures) {
                out.push(OverlayView { patient, candidate });
            }
        }
        drop(read);
        out.sort_by(|x, y| {
            y.candidate
                .score
                .cmp(&x.candidate.score)
                .then(x.patient.mrn.cmp(&y.patient.mrn))
        });
        let detail = format!("overlay check: {charts} charts, {} flagged", out.len());
        self.audit(self.audit_event(session, AccessAction::Merge, None, detail))?;
        Ok(out)
    }
}

/// How the demo files other people's visits on a few charts, so the overlay check has
/// work on first start: (what went wrong, the visit's reason).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PlantedOverlay {
    /// A woman's prenatal visit registered on a man's chart.
    PrenatalOnMan,
    /// An older patient's visit on a young patient's chart, dated before their birth.
    VisitBeforeBirth,
    /// A second admission elsewhere while the patient was already in house.
    SecondStay,
    /// A visit registered on the chart of someone who had died.
    VisitAfterDeath,
}

impl Services {
    /// Plants one chart of each overlay kind (fewer when no chart fits) and returns how
    /// many; each planted visit is audited like a registration.
    pub(crate) fn plant_overlays(&self, session: &Session) -> Result<usize> {
        use chartroom_domain::{Encounter, EncounterClass, Sex};
        let now = self.clock.now().naive_utc();
        let read = self.store.read()?;
        let mut chosen: Vec<(PlantedOverlay, Patient, Option<Encounter>)> = Vec::new();
        let mut wanted = vec![
            PlantedOverlay::PrenatalOnMan,
            PlantedOverlay::VisitBeforeBirth,
            PlantedOverlay::SecondStay,
            PlantedOverlay::VisitAfterDeath,
        ];
        for patient in read.patients()? {
            if wanted.is_empty() {
                break;
            }
            let patient = patient?;
            let age = patient.age_on(now.date());
            let fits = |kind: &PlantedOverlay| match kind {
                PlantedOverlay::PrenatalOnMan => {
                    patient.sex == Sex::Male && (25..70).contains(&age)
                }
                PlantedOverlay::VisitBeforeBirth => (8..30).contains(&age),
                PlantedOverlay::SecondStay => patient.flags.deceased.is_none() && age >= 40,
                PlantedOverlay::VisitAfterDeath => patient.flags.deceased.is_some(),
            };
            let Some(at) = wanted.iter().position(fits) else {
                continue;
            };
            let stay = if wanted[at] == PlantedOverlay::SecondStay {
                let stays = read.encounters_of(patient.id)?;
                match stays.into_iter().find(|e| {
                    e.class == EncounterClass::Inpatient
                        && e.discharge
                            .is_some_and(|d| d - e.admit > chrono::Duration::days(3))
                }) {
                    Some(stay) => Some(stay),
                    None => continue,
                }
            } else {
                None
            };
            chosen.push((wanted.remove(at), patient, stay));
        }
        drop(read);
        let mut tx = self.store.write()?;
        for (kind, patient, stay) in &chosen {
            let (class, admit, days, location, reason) = match kind {
                PlantedOverlay::PrenatalOnMan => (
                    EncounterClass::Outpatient,
                    now - chrono::Duration::days(200),
                    0,
                    "Women's Clinic",
                    "Prenatal visit",
                ),
                PlantedOverlay::VisitBeforeBirth => (
                    EncounterClass::Outpatient,
                    patient.dob.and_hms_opt(10, 0, 0).unwrap_or(now) - chrono::Duration::days(3650),
                    0,
                    "Internal Medicine Clinic",
                    "Hypertension follow-up",
                ),
                PlantedOverlay::SecondStay => (
                    EncounterClass::Inpatient,
                    stay.as_ref().map_or(now, |s| s.admit) + chrono::Duration::days(1),
                    4,
                    "Orthopedics Ward",
                    "Hip fracture",
                ),
                PlantedOverlay::VisitAfterDeath => (
                    EncounterClass::Outpatient,
                    patient
                        .flags
                        .deceased
                        .and_then(|d| d.and_hms_opt(9, 0, 0))
                        .unwrap_or(now)
                        + chrono::Duration::days(90),
                    0,
                    "Family Medicine Clinic",
                    "Annual physical",
                ),
            };
            let id = tx.next_encounter_id()?;
            let visit = Encounter {
                id,
                number: format!("A{}", 200_000_000 + id.0),
                patient: patient.id,
                class,
                admit,
                discharge: Some(admit + chrono::Duration::days(days) + chrono::Duration::hours(2)),
                discharge_offset_secs: 0,
                attending: None,
                other_providers: Vec::new(),
                location: location.into(),
                reason: reason.into(),
                source_id: None,
            };
            tx.put_encounter(&visit)?;
            let detail = format!("demo: visit {} registered on the wrong chart", visit.number);
            tx.append_audit(self.audit_event(
                session,
                AccessAction::Merge,
                Some(patient.id),
                detail,
            ))?;
        }
        tx.commit()?;
        Ok(chosen.len())
    }
}
