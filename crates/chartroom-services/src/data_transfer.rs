//! Charts in and out of the store: imports, exports, the demo generator and the index
//! rebuild. Each is a use case like any other: the role is checked first, and an audit
//! event says who moved how many charts from or to where.

use super::{ReindexReport, Result, Services, Session};
use chartroom_domain::Clock;
use chartroom_domain::{AccessAction, Permission};
use chartroom_generate::{GenerateOptions, GenerateReport, Progress};
use chartroom_import::{
    ExportOptions, ExportReport, FhirImportReport, Hl7ImportReport, Hl7Options, ImportReport,
};
use chartroom_store::Store;
use std::path::Path;
use std::sync::Arc;

/// `chartroom reindex`: opens the data directory without reading the index (it may be
/// the broken part), checks that `operator` may rebuild it, and rebuilds it.
pub fn reindex(data_dir: &Path, clock: Arc<dyn Clock>, operator: &str) -> Result<ReindexReport> {
    let services = Services::open_unsynced(data_dir, clock)?;
    let session = services.local_session(operator)?;
    services.reindex(&session)
}

impl Services {
    /// Imports a Synthea v3 CSV export (all-or-nothing per file), then updates the index;
    /// answers the report and the number of index changes applied.
    pub fn import_synthea_csv(
        &self,
        session: &Session,
        source: &Path,
    ) -> Result<(ImportReport, usize)> {
        self.import_with(session, source, "synthea-csv", |store, path| {
            let report = chartroom_import::import_synthea_csv(store, path)?;
            let charts = report.patients_added + report.patients_updated;
            Ok((report, charts))
        })
    }

    /// Imports FHIR R4 bundles or Bulk NDJSON (all-or-nothing per file), then updates the
    /// index; answers the report and the number of index changes applied.
    pub fn import_fhir(
        &self,
        session: &Session,
        source: &Path,
    ) -> Result<(FhirImportReport, usize)> {
        self.import_with(session, source, "fhir", |store, path| {
            let report = chartroom_import::import_fhir(store, path)?;
            let charts = report.patients_added + report.patients_updated;
            Ok((report, charts))
        })
    }

    /// Imports HL7 v2 ADT messages from a file or a directory (all-or-nothing per
    /// file), then updates the index; answers the report and the index changes applied.
    pub fn import_hl7(&self, session: &Session, source: &Path) -> Result<(Hl7ImportReport, usize)> {
        let options = self.hl7_options()?;
        self.import_with(session, source, "hl7", |store, path| {
            let report = chartroom_import::import_hl7(store, path, options)?;
            let charts = report.patients_added + report.patients_updated;
            Ok((report, charts))
        })
    }

    /// HL7 settings from `DIR/config.toml` (the hospital's time zone).
    pub(crate) fn hl7_options(&self) -> Result<Hl7Options> {
        let config = super::DataConfig::load(&self.data_dir)?;
        let mut options = Hl7Options::default();
        if let Some(zone) = config.time_zone.as_deref() {
            options.local_offset =
                Hl7Options::parse_offset(zone).ok_or_else(|| super::ServiceError::Invalid {
                    what: "time_zone in config.toml",
                    reason: "expected UTC or an offset like +01:00 or -05:00".into(),
                })?;
        }
        Ok(options)
    }

    /// The shape of every import: permission, the import itself (which answers its
    /// report and how many charts it wrote), the audit event, the index update.
    fn import_with<R>(
        &self,
        session: &Session,
        source: &Path,
        format: &str,
        import: impl FnOnce(&Store, &Path) -> Result<(R, u64)>,
    ) -> Result<(R, usize)> {
        self.require(session, Permission::ImportData)?;
        let (report, charts) = import(&self.store, source)?;
        self.audit_transfer(
            session,
            AccessAction::Import,
            format,
            charts,
            "from",
            source,
        )?;
        let applied = self.sync_index()?;
        Ok((report, applied))
    }

    /// Writes every chart as Synthea v3 CSV into `out`.
    pub fn export_synthea_csv(
        &self,
        session: &Session,
        out: &Path,
        options: ExportOptions,
    ) -> Result<ExportReport> {
        self.require(session, Permission::ExportData)?;
        let report = {
            let read = self.store.read()?;
            chartroom_import::export_synthea_csv(&read, out, options)?
        };
        self.audit_transfer(
            session,
            AccessAction::Export,
            "synthea-csv",
            report.patients,
            "to",
            out,
        )?;
        Ok(report)
    }

    /// Generates the demo population into this (empty) store, analyses its charts for
    /// deficiencies and gives a share of them a back-dated history (`completion::demo`),
    /// and indexes it. The
    /// operator is looked up after generation when the store had no roster yet: the
    /// generator takes ids from the store's counters, so a user row created first would
    /// shift every generated id.
    pub fn generate_demo(
        &self,
        operator: &str,
        options: &GenerateOptions,
        progress: &dyn Progress,
    ) -> Result<(GenerateReport, ReindexReport)> {
        let (report, session) = self.generate_only(operator, options, progress)?;
        // The Completion workspace's work: what the charts lack, and how far along it is.
        self.analyze_deficiencies(&session, false)?;
        let history = self.plant_completion_history(&session, options.as_of, options.seed)?;
        self.plant_reviews(&session, options.as_of)?;
        // The Release workspace's work: requests in every status (`roi::demo`).
        let roi =
            self.plant_roi_requests(&session, options.as_of, options.seed, report.patients)?;
        let detail = format!(
            "demo completion history: {} deficiencies moved ({} changes)",
            history.moved, history.changes
        );
        self.audit(self.audit_event(&session, AccessAction::Deficiency, None, detail))?;
        let detail = format!(
            "demo release-of-information desk: {} requests logged ({} on hold), {} extended, {} QA-confirmed, {} released",
            roi.logged, roi.on_hold, roi.extended, roi.qa_confirmed, roi.released
        );
        self.audit(self.audit_event(&session, AccessAction::RoiRequest, None, detail))?;
        // The Privacy workspace's work: access traffic, alerts and cases (`privacy::demo`).
        let privacy = self.plant_privacy(&session, options.as_of, options.seed)?;
        let detail = format!(
            "demo privacy office: {} access events, {} alerts, {} cases, {} dismissed",
            privacy.events, privacy.alerts, privacy.cases, privacy.dismissed
        );
        self.audit(self.audit_event(&session, AccessAction::PrivacyCase, None, detail))?;
        // The Identity workspace's work: duplicate pairs in every status.
        self.plant_duplicate_decisions(&session)?;
        // ... and charts with someone else's visit filed on them (the overlay check).
        self.plant_overlays(&session)?;
        // ... and paper charts out, overdue, requested and missing (the tracking view).
        let files = self.plant_file_room(&session)?;
        let detail = format!(
            "demo file room: {} charts out ({} overdue, {} missing), {} requested",
            files.out, files.overdue, files.missing, files.requested
        );
        self.audit(self.audit_event(&session, AccessAction::ChartTracking, None, detail))?;
        let reindexed = self.rebuild_index()?;
        Ok((report, reindexed))
    }

    /// The charts alone (no workspace plants), then the index: for scale runs, where
    /// the demo's queues would add half an hour at a million patients.
    pub fn generate_charts(
        &self,
        operator: &str,
        options: &GenerateOptions,
        progress: &dyn Progress,
    ) -> Result<(GenerateReport, ReindexReport)> {
        let (report, _) = self.generate_only(operator, options, progress)?;
        Ok((report, self.rebuild_index()?))
    }

    /// Generates the population's charts and audits it; the operator's session after.
    fn generate_only(
        &self,
        operator: &str,
        options: &GenerateOptions,
        progress: &dyn Progress,
    ) -> Result<(GenerateReport, Session)> {
        if self.store.read()?.user_by_name(operator)?.is_some() {
            let session = self.local_session(operator)?;
            self.require(&session, Permission::ImportData)?;
        }
        let report = chartroom_generate::generate(&self.store, options, progress)?;
        let session = self.local_session(operator)?;
        self.require(&session, Permission::ImportData)?;
        let detail = format!("demo population: {} charts generated", report.patients);
        let event = self.audit_event(&session, AccessAction::Import, None, detail);
        self.audit(event)?;
        Ok((report, session))
    }

    /// Rebuilds the whole search index from the store.
    pub fn reindex(&self, session: &Session) -> Result<ReindexReport> {
        self.require(session, Permission::MaintainIndex)?;
        let report = self.rebuild_index()?;
        let detail = format!(
            "search index rebuilt: {} charts, {} notes",
            report.counts.patients, report.counts.documents
        );
        let event = self.audit_event(session, AccessAction::Reindex, None, detail);
        self.audit(event)?;
        Ok(report)
    }

    fn audit_transfer(
        &self,
        session: &Session,
        action: AccessAction,
        format: &str,
        charts: u64,
        direction: &str,
        place: &Path,
    ) -> Result<()> {
        let detail = format!("{format}: {charts} charts {direction} {}", place.display());
        let event = self.audit_event(session, action, None, detail);
        self.audit(event)?;
        Ok(())
    }
}
