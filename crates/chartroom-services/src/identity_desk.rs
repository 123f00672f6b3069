//! The use cases the Identity workspace needs, as a trait beside `ChartServices` (its
//! supertrait): duplicate pairs and their decisions, merges, the overlay check, and the
//! physical charts (scan station, charts out, pull list, the missing-chart workflow).
//! Defaults refuse, so a fake that does not offer identity work implements it empty.

use super::chart_scan::{ScanMode, ScanResult};
use super::duplicates::{OverlayView, PairDetail, PairView};
use super::{ChartOut, PullItem, ServiceError, Services, Session};
use chartroom_domain::chart_tracking::{ChartPlace, ChartVolume};
use chartroom_domain::duplicates::{DuplicatePair, DuplicateStatus};
use chartroom_domain::{MergeRecord, PatientId};
use chrono::NaiveDate;

type Result<T> = std::result::Result<T, ServiceError>;

fn not_offered() -> ServiceError {
    ServiceError::Invalid {
        what: "request",
        reason: "identity work is not offered by these services".into(),
    }
}

pub trait IdentityDesk {
    /// Undecided pairs at or above the threshold and every decided one, best first.
    fn duplicate_pairs(&self, _session: &Session) -> Result<Vec<PairView>> {
        Err(not_offered())
    }
    /// Both charts of a pair side by side with their encounters.
    fn duplicate_pair_detail(
        &self,
        _session: &Session,
        _a: PatientId,
        _b: PatientId,
    ) -> Result<PairDetail> {
        Err(not_offered())
    }
    /// Not duplicate, deferred, or potential again.
    fn decide_duplicate(
        &self,
        _session: &Session,
        _a: PatientId,
        _b: PatientId,
        _status: DuplicateStatus,
        _reason: &str,
    ) -> Result<DuplicatePair> {
        Err(not_offered())
    }
    /// The verified-duplicate decision: `retired` merges into `survivor`.
    fn merge_charts(
        &self,
        _session: &Session,
        _survivor: PatientId,
        _retired: PatientId,
        _reason: &str,
    ) -> Result<MergeRecord> {
        Err(not_offered())
    }
    /// Undoes the merge of one chart of the pair into the other (whichever way it went).
    fn unmerge_pair(
        &self,
        _session: &Session,
        _a: PatientId,
        _b: PatientId,
        _reason: &str,
    ) -> Result<MergeRecord> {
        Err(not_offered())
    }
    /// Charts whose own record contradicts itself (one MRN, two people).
    fn overlay_check(&self, _session: &Session) -> Result<Vec<OverlayView>> {
        Err(not_offered())
    }
    /// Volumes out of the file room, overdue first.
    fn charts_out(&self, _session: &Session) -> Result<Vec<ChartOut>> {
        Err(not_offered())
    }
    /// The charts to pull for a day's encounters, in terminal-digit order.
    fn pull_list(&self, _session: &Session, _date: NaiveDate) -> Result<Vec<PullItem>> {
        Err(not_offered())
    }
    /// One scan at the station (charge-out or check-in).
    fn scan_chart(&self, _session: &Session, _label: &str, _mode: &ScanMode) -> Result<ScanResult> {
        Err(not_offered())
    }
    /// The missing-chart workflow's first step: the volume is not where the records say.
    fn mark_chart_missing(
        &self,
        _session: &Session,
        _patient: PatientId,
        _volume: u16,
        _note: &str,
    ) -> Result<ChartVolume> {
        Err(not_offered())
    }
}

impl IdentityDesk for Services {
    fn duplicate_pairs(&self, session: &Session) -> Result<Vec<PairView>> {
        Services::duplicate_pairs(self, session)
    }
    fn duplicate_pair_detail(
        &self,
        session: &Session,
        a: PatientId,
        b: PatientId,
    ) -> Result<PairDetail> {
        Services::duplicate_pair_detail(self, session, a, b)
    }
    fn decide_duplicate(
        &self,
        session: &Session,
        a: PatientId,
        b: PatientId,
        status: DuplicateStatus,
        reason: &str,
    ) -> Result<DuplicatePair> {
        Services::decide_duplicate(self, session, a, b, status, reason)
    }
    fn merge_charts(
        &self,
        session: &Session,
        survivor: PatientId,
        retired: PatientId,
        reason: &str,
    ) -> Result<MergeRecord> {
        Services::merge_charts(self, session, survivor, retired, reason)
    }
    fn unmerge_pair(
        &self,
        session: &Session,
        a: PatientId,
        b: PatientId,
        reason: &str,
    ) -> Result<MergeRecord> {
        let retired = match Services::merge_of(self, session, a)? {
            Some(m) if m.survivor == b => a,
            _ => b,
        };
        match Services::merge_of(self, session, retired)? {
            Some(m) if m.survivor == a || m.survivor == b => {
                Services::unmerge_chart(self, session, retired, reason)
            }
            _ => Err(ServiceError::Invalid {
                what: "unmerge",
                reason: "neither chart of the pair is merged into the other".into(),
            }),
        }
    }
    fn overlay_check(&self, session: &Session) -> Result<Vec<OverlayView>> {
        Services::overlay_check(self, session)
    }
    fn charts_out(&self, session: &Session) -> Result<Vec<ChartOut>> {
        Services::charts_out(self, session)
    }
    fn pull_list(&self, session: &Session, date: NaiveDate) -> Result<Vec<PullItem>> {
        Services::pull_list(self, session, date)
    }
    fn scan_chart(&self, session: &Session, label: &str, mode: &ScanMode) -> Result<ScanResult> {
        Services::scan_chart(self, session, label, mode)
    }
    fn mark_chart_missing(
        &self,
        session: &Session,
        patient: PatientId,
        volume: u16,
        note: &str,
    ) -> Result<ChartVolume> {
        Services::move_chart(
            self,
            session,
            patient,
            volume,
            ChartPlace::Missing,
            None,
            note,
        )
    }
}
