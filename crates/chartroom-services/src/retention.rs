//! Record retention: the charts past their retention date, legal holds, and the
//! destruction of a chart (supervisor only, refused under any hold), which leaves a
//! destruction-log entry and an audit event and takes the chart out of the index.
//! DOMAIN.md "Retention"; choices in docs/RETENTION.md.

use super::{Result, ServiceError, Services, Session};
use chartroom_domain::privacy::CaseStatus;
use chartroom_domain::retention::{
    retain_until, ChartDates, DestructionBlock, DestructionRecord, HoldChange, LegalHold,
    RetentionRules,
};
use chartroom_domain::{AccessAction, DeficiencyStatus, Patient, PatientId, Permission, Role};
use chartroom_store::{ReadTx, RetentionLog};
use chrono::NaiveDate;

/// One chart in the retention report.
#[derive(Clone, Debug)]
pub struct RetentionRow {
    pub patient: Patient,
    /// The rule applied: a state code or `default`.
    pub rule: String,
    pub last_discharge: Option<NaiveDate>,
    pub last_treatment: Option<NaiveDate>,
    pub retain_until: NaiveDate,
    /// What keeps it from being destroyed now (empty: it may be destroyed).
    pub blocks: Vec<DestructionBlock>,
}

/// A legal hold as the edges show it.
#[derive(Clone, Debug)]
pub struct HoldView {
    pub patient: Patient,
    pub hold: LegalHold,
}

/// The method the destruction log records.
pub const DESTRUCTION_METHOD: &str =
    "deleted from the store and the search index (patient, encounters, documents, procedures, deficiencies)";

impl Services {
    /// The chart a retention command names: its source id (as `search --json` prints
    /// it), an MRN as a feed sent it, or chartroom's MRN.
    pub fn retention_chart(&self, session: &Session, reference: &str) -> Result<Patient> {
        self.require(session, Permission::ManageRetention)?;
        let read = self.store.read()?;
        let reference = reference.trim();
        for system in [
            chartroom_import::SYNTHEA_SYSTEM,
            chartroom_domain::identity::FEED_MRN_SYSTEM,
        ] {
            if let Some(id) = read.patient_by_identifier(system, reference)? {
                if let Some(p) = read.patient(id)? {
                    return Ok(p);
                }
            }
        }
        chartroom_domain::Mrn::parse(reference)
            .map(|mrn| read.patient_by_mrn(mrn))
            .transpose()?
            .flatten()
            .ok_or(ServiceError::NotFound {
                what: "chart with that id or MRN",
            })
    }

    /// The retention rules of this data directory.
    pub fn retention_rules(&self) -> Result<RetentionRules> {
        super::config::load_retention_rules(&self.data_dir)
    }

    /// Charts whose retention ended before `as_of`, oldest first, each with what still
    /// keeps it (holds, open work). `state` overrides the configured hospital state.
    pub fn retention_report(
        &self,
        session: &Session,
        as_of: NaiveDate,
        state: Option<&str>,
    ) -> Result<Vec<RetentionRow>> {
        self.require(session, Permission::ManageRetention)?;
        let rules = self.retention_rules()?;
        let read = self.store.read()?;
        let mut rows = Vec::new();
        for patient in read.patients()? {
            let patient = patient?;
            let (rule, until, dates) = chart_retention(&read, &rules, state, &patient)?;
            let Some(until) = until.filter(|u| *u < as_of) else {
                continue;
            };
            let blocks = self.holds_on(&read, patient.id)?;
            rows.push(RetentionRow {
                patient,
                rule,
                last_discharge: dates.last_discharge,
                last_treatment: dates.last_treatment,
                retain_until: until,
                blocks,
            });
        }
        rows.sort_by_key(|r| (r.retain_until, r.patient.id));
        let detail = format!(
            "retention report as of {as_of}: {} charts past retention",
            rows.len()
        );
        self.audit(self.audit_event(session, AccessAction::Retention, None, detail))?;
        Ok(rows)
    }

    /// Sets (`set`) or clears a chart's legal hold, with the reason.
    pub fn set_legal_hold(
        &self,
        session: &Session,
        patient: PatientId,
        set: bool,
        reason: &str,
    ) -> Result<LegalHold> {
        self.require(session, Permission::ManageRetention)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ServiceError::Invalid {
                what: "legal hold",
                reason: "a reason is required".into(),
            });
        }
        let mut tx = self.store.write()?;
        // Read under the write lock, so two supervisors never lose each other's change.
        let read = self.store.read()?;
        read.patient(patient)?
            .ok_or(ServiceError::NotFound { what: "patient" })?;
        let mut hold = read.legal_hold(patient)?.unwrap_or(LegalHold {
            patient,
            changes: Vec::new(),
        });
        if hold.active() == set {
            return Err(ServiceError::Invalid {
                what: "legal hold",
                reason: if set {
                    "the chart is already on legal hold".into()
                } else {
                    "the chart has no legal hold to clear".into()
                },
            });
        }
        hold.changes.push(HoldChange {
            set,
            at: self.clock.now().naive_utc(),
            by: session.user.username.clone(),
            reason: reason.to_string(),
        });
        tx.put_legal_hold(&hold);
        let what = if set {
            "legal hold set"
        } else {
            "legal hold cleared"
        };
        tx.append_audit(self.audit_event(
            session,
            AccessAction::Retention,
            Some(patient),
            format!("{what}: {reason}"),
        ))?;
        tx.commit()?;
        Ok(hold)
    }

    /// Charts with a legal hold in force.
    pub fn legal_holds(&self, session: &Session) -> Result<Vec<HoldView>> {
        self.require(session, Permission::ManageRetention)?;
        let read = self.store.read()?;
        let mut out = Vec::new();
        for hold in read.legal_holds()? {
            if hold.active() {
                if let Some(patient) = read.patient(hold.patient)? {
                    out.push(HoldView { patient, hold });
                }
            }
        }
        Ok(out)
    }

    /// The destruction log, oldest first.
    pub fn destruction_log(&self, session: &Session) -> Result<Vec<DestructionRecord>> {
        self.require(session, Permission::ManageRetention)?;
        Ok(self.store.read()?.destructions()?)
    }

    /// Destroys a chart past its retention, authorised by the supervisor
    /// `authorised_by` (a roster supervisor or admin). Refused, naming every reason,
    /// while retention runs or the chart has an open ROI request, an open deficiency,
    /// a privacy case, a legal hold or a merge in force.
    pub fn destroy_chart(
        &self,
        session: &Session,
        patient: PatientId,
        authorised_by: &str,
        reason: &str,
    ) -> Result<DestructionRecord> {
        self.require(session, Permission::DestroyCharts)?;
        let authoriser = self
            .store
            .read()?
            .user_by_name(authorised_by)?
            .filter(|u| !u.disabled && matches!(u.role, Role::Supervisor | Role::Admin))
            .ok_or_else(|| ServiceError::Invalid {
                what: "authorisation",
                reason: format!(
                    "{authorised_by} is not an active supervisor or admin on the roster"
                ),
            })?;
        let rules = self.retention_rules()?;
        let today = self.clock.now().date_naive();
        let mut tx = self.store.write()?;
        // Checked under the write lock: nothing can open a request or set a hold between
        // the check and the destruction.
        let read = self.store.read()?;
        let chart = read
            .patient(patient)?
            .ok_or(ServiceError::NotFound { what: "patient" })?;
        let (rule, until, dates) = chart_retention(&read, &rules, None, &chart)?;
        let mut blocks = match until {
            None => vec![DestructionBlock::NoCareRecorded],
            Some(u) if u >= today => vec![DestructionBlock::RetentionNotReached(u)],
            Some(_) => Vec::new(),
        };
        blocks.extend(self.holds_on(&read, patient)?);
        if !blocks.is_empty() {
            drop(tx);
            let codes: Vec<&str> = blocks.iter().map(DestructionBlock::code).collect();
            let detail = format!("destruction refused: {}", codes.join(", "));
            self.audit(self.audit_event(
                session,
                AccessAction::Destruction,
                Some(patient),
                detail,
            ))?;
            return Err(ServiceError::DestructionRefused(
                blocks.iter().map(|b| (b.code(), b.describe())).collect(),
            ));
        }
        let encounters = read.encounters_of(patient)?;
        let documents = read.documents_of(patient)?;
        let procedures = read.procedures_of(patient)?;
        let service_days = encounters
            .iter()
            .flat_map(|e| [Some(e.admit.date()), e.discharge_date()])
            .flatten();
        let record = DestructionRecord {
            id: tx.next_row_id(RetentionLog::Destructions)?,
            at: self.clock.now().naive_utc(),
            by: session.user.username.clone(),
            authorised_by: authoriser.username.clone(),
            method: DESTRUCTION_METHOD.into(),
            reason: reason.trim().to_string(),
            patient,
            mrn: chart.mrn,
            name: chart.name.display_last_first(),
            dob: chart.dob,
            first_service: service_days.clone().min(),
            last_service: service_days.max().or(dates.last_treatment),
            encounters: encounters.len() as u64,
            documents: documents.len() as u64,
            procedures: procedures.len() as u64,
            rule,
            retain_until: until.unwrap_or(today),
        };
        let doc_ids: Vec<_> = documents.iter().map(|d| d.id).collect();
        tx.destroy_chart(&record, &doc_ids)?;
        let detail = format!(
            "chart destroyed (destruction log {}), authorised by {}: {} encounters, {} documents",
            record.id, record.authorised_by, record.encounters, record.documents
        );
        tx.append_audit(self.audit_event(
            session,
            AccessAction::Destruction,
            Some(patient),
            detail,
        ))?;
        tx.commit()?;
        self.sync_index()?;
        Ok(record)
    }

    /// What keeps a chart from being destroyed besides its retention date.
    fn holds_on(&self, read: &ReadTx, patient: PatientId) -> Result<Vec<DestructionBlock>> {
        let mut blocks = Vec::new();
        if read
            .roi_requests_of(patient)?
            .iter()
            .any(|r| r.closure.is_none() && r.release.is_none())
        {
            blocks.push(DestructionBlock::OpenRoiRequest);
        }
        let mut open_deficiency = false;
        for e in read.encounters_of(patient)? {
            if read.deficiencies_of(e.id)?.iter().any(|d| {
                matches!(
                    d.status,
                    DeficiencyStatus::Open
                        | DeficiencyStatus::Returned
                        | DeficiencyStatus::Completed
                )
            }) {
                open_deficiency = true;
                break;
            }
        }
        if open_deficiency {
            blocks.push(DestructionBlock::OpenDeficiency);
        }
        if has_open_privacy_case(read, patient)? {
            blocks.push(DestructionBlock::PrivacyCase);
        }
        if read.legal_hold(patient)?.is_some_and(|h| h.active()) {
            blocks.push(DestructionBlock::LegalHold);
        }
        let retired = read.merge_of(patient)?.is_some_and(|m| m.active());
        if retired || !read.merged_into(patient)?.is_empty() {
            blocks.push(DestructionBlock::Merged);
        }
        Ok(blocks)
    }
}

/// The rule applied to a chart, its last day of retention, and the dates it came from.
fn chart_retention(
    read: &ReadTx,
    rules: &RetentionRules,
    state: Option<&str>,
    patient: &Patient,
) -> Result<(String, Option<NaiveDate>, ChartDates)> {
    let encounters = read.encounters_of(patient.id)?;
    let last_discharge = encounters
        .iter()
        .map(|e| e.discharge_date().unwrap_or_else(|| e.admit.date()))
        .max();
    let last_document = read
        .documents_of(patient.id)?
        .iter()
        .map(|d| d.local_date())
        .max();
    let last_treatment = last_discharge.max(last_document);
    let dates = ChartDates {
        dob: patient.dob,
        last_discharge,
        last_treatment,
    };
    let (name, rule) = rules.rule_for(state);
    // A patient still in house has no discharge yet: retention has not started.
    let in_house = encounters
        .iter()
        .any(|e| e.discharge.is_none() && e.class == chartroom_domain::EncounterClass::Inpatient);
    let until = if in_house {
        None
    } else {
        retain_until(rule, rules.cms_minimum_years, &dates)
    };
    Ok((name, until, dates))
}

/// Whether `patient` is named in a privacy case that is not closed (a case keeps the
/// accesses it reviews as the logs named the patient: source id or MRN).
fn has_open_privacy_case(read: &ReadTx, patient: PatientId) -> Result<bool> {
    for case in read.privacy_cases()? {
        if case.status == CaseStatus::Closed {
            continue;
        }
        for named in &case.patients {
            if crate::roi::resolve_patient(read, named)? == Some(patient) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}
