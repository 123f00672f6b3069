//! Physical charts: charge-out and check-in (a scanner types the MRN and Enter), the
//! out and overdue lists, requests, missing charts, and the day's pull list in
//! terminal-digit order. Every change is audited (`chart-tracking`); everyone who may
//! open charts may move paper (the file room is the clerks' daily work).

use super::{Result, ServiceError, Services, Session};
use chartroom_domain::chart_tracking::{terminal_digit_key, ChartPlace, ChartRequest, ChartVolume};
use chartroom_domain::{AccessAction, Encounter, Patient, PatientId, Permission};
use chartroom_store::WriteTx;
use chrono::NaiveDate;

/// A volume out of the file room, with its chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartOut {
    pub patient: Patient,
    pub volume: ChartVolume,
}

/// One chart on a day's pull list: its encounters that day and where it is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullItem {
    pub patient: Patient,
    pub encounters: Vec<Encounter>,
    /// Volume 1's place (the file room when never moved).
    pub place: ChartPlace,
}

impl Services {
    /// A volume as stored (volume `n` on its shelf when never moved); call it holding the
    /// write lock so the read is current.
    fn volume_under_lock(
        &self,
        patient: PatientId,
        n: u16,
        now: chrono::NaiveDateTime,
    ) -> Result<ChartVolume> {
        let read = self.store.read()?;
        read.patient(patient)?
            .ok_or(ServiceError::NotFound { what: "patient" })?;
        Ok(read
            .chart_volumes_of(patient)?
            .into_iter()
            .find(|v| v.volume == n)
            .unwrap_or_else(|| ChartVolume::on_shelf(patient, n, now)))
    }

    /// Where each volume of a chart is (volume 1 on its shelf when never moved).
    pub fn chart_volumes(&self, session: &Session, patient: PatientId) -> Result<Vec<ChartVolume>> {
        self.require(session, Permission::OpenChart)?;
        let read = self.store.read()?;
        let mut out = read.chart_volumes_of(patient)?;
        if out.is_empty() {
            out.push(ChartVolume::on_shelf(
                patient,
                1,
                self.clock.now().naive_utc(),
            ));
        }
        Ok(out)
    }

    /// Moves a volume: charge-out to a place (with a due-back date), check-in
    /// (`ChartPlace::FileRoom`), off site, or missing. Returns the volume as it is now.
    pub fn move_chart(
        &self,
        session: &Session,
        patient: PatientId,
        volume: u16,
        to: ChartPlace,
        due: Option<NaiveDate>,
        note: &str,
    ) -> Result<ChartVolume> {
        self.require(session, Permission::OpenChart)?;
        if volume == 0 {
            return Err(ServiceError::Invalid {
                what: "volume",
                reason: "volumes are numbered from 1".into(),
            });
        }
        let now = self.clock.now().naive_utc();
        let tx = self.store.write()?;
        let mut v = self.volume_under_lock(patient, volume, now)?;
        if v.place == to {
            return Err(ServiceError::Invalid {
                what: "chart move",
                reason: format!("volume {volume} is already {}", to.label()),
            });
        }
        v.move_to(to.clone(), now, &session.user.username, due, note);
        if !to.is_out() {
            v.requests.clear();
        }
        let due_text = due.map(|d| format!(", due {d}")).unwrap_or_default();
        let detail = format!("chart volume {volume} moved to {}{due_text}", to.label());
        self.save_volume(tx, session, patient, v, detail)
    }

    /// Records a request for a chart (needed on a date, by someone, why).
    pub fn request_chart(
        &self,
        session: &Session,
        patient: PatientId,
        needed_on: NaiveDate,
        reason: &str,
    ) -> Result<ChartVolume> {
        self.require(session, Permission::OpenChart)?;
        let now = self.clock.now().naive_utc();
        let tx = self.store.write()?;
        let mut v = self.volume_under_lock(patient, 1, now)?;
        v.requests.push(ChartRequest {
            by: session.user.username.clone(),
            needed_on,
            reason: reason.to_string(),
            at: now,
        });
        let detail = format!("chart requested for {needed_on}");
        self.save_volume(tx, session, patient, v, detail)
    }

    /// Writes a volume's new state with its audit entry, in the transaction that read it.
    pub(crate) fn save_volume(
        &self,
        mut tx: WriteTx<'_>,
        session: &Session,
        patient: PatientId,
        v: ChartVolume,
        detail: String,
    ) -> Result<ChartVolume> {
        tx.put_chart_volume(&v)?;
        tx.append_audit(self.audit_event(
            session,
            AccessAction::ChartTracking,
            Some(patient),
            detail,
        ))?;
        tx.commit()?;
        Ok(v)
    }

    /// Volumes out of the file room (charged out, off site, missing), overdue first
    /// (oldest due date first), then by terminal digit.
    pub fn charts_out(&self, session: &Session) -> Result<Vec<ChartOut>> {
        self.require(session, Permission::OpenChart)?;
        let read = self.store.read()?;
        let mut out = Vec::new();
        for volume in read.chart_volumes()? {
            if !volume.place.is_out() {
                continue;
            }
            if let Some(patient) = read.patient(volume.patient)? {
                out.push(ChartOut { patient, volume });
            }
        }
        let today = self.clock.now().date_naive();
        out.sort_by_key(|c| {
            (
                !c.volume.overdue(today),
                c.volume.due.unwrap_or(NaiveDate::MAX),
                terminal_digit_key(c.patient.mrn),
                c.volume.volume,
            )
        });
        let detail = format!("charts out listed: {}", out.len());
        self.audit(self.audit_event(session, AccessAction::ChartTracking, None, detail))?;
        Ok(out)
    }

    /// The charts to pull for a day's encounters (admitted that UTC date), one line per
    /// chart, in terminal-digit order.
    pub fn pull_list(&self, session: &Session, date: NaiveDate) -> Result<Vec<PullItem>> {
        self.require(session, Permission::OpenChart)?;
        let read = self.store.read()?;
        let mut by_patient: std::collections::BTreeMap<PatientId, Vec<Encounter>> =
            std::collections::BTreeMap::new();
        for e in read.encounters()? {
            let e = e?;
            if e.admit.date() == date {
                by_patient.entry(e.patient).or_default().push(e);
            }
        }
        let mut out = Vec::new();
        for (id, mut encounters) in by_patient {
            let Some(patient) = read.patient(id)? else {
                continue;
            };
            encounters.sort_by_key(|e| e.admit);
            let place = read
                .chart_volumes_of(id)?
                .into_iter()
                .next()
                .map(|v| v.place)
                .unwrap_or(ChartPlace::FileRoom);
            out.push(PullItem {
                patient,
                encounters,
                place,
            });
        }
        out.sort_by_key(|p| terminal_digit_key(p.patient.mrn));
        let detail = format!("pull list for {date}: {} charts", out.len());
        self.audit(self.audit_event(session, AccessAction::ChartTracking, None, detail))?;
        Ok(out)
    }
}
