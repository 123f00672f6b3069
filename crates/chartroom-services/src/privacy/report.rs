//! "Who viewed my record": one patient's accesses from every system, and one user's
//! activity, each a range scan of the access tables plus the audit trail.

use super::alerts::AlertsQuery;
use super::facts::{is_record_access, record_of, roster_map};
use crate::roi::resolve_patient;
use crate::{Result, ServiceError, Services, Session};
use chartroom_domain::privacy::AccessRecord;
use chartroom_domain::{AccessAction, Patient, Permission};
use chartroom_store::NameKind;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// One access as the reports print it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessLine {
    pub record: AccessRecord,
    pub user_name: String,
    pub department: String,
    pub role: String,
}

/// A user's accesses in a period and their count per day.
#[derive(Clone, Debug, Default)]
pub struct UserActivity {
    pub lines: Vec<AccessLine>,
    pub per_day: Vec<(NaiveDate, u64)>,
    pub patients: usize,
}

impl Services {
    /// Every access to the patient `reference` (MRN or source id) in the period, oldest
    /// first, with the user's name, department and role from the roster.
    pub fn access_report(
        &self,
        session: &Session,
        reference: &str,
        query: &AlertsQuery,
    ) -> Result<Vec<AccessLine>> {
        self.require(session, Permission::ReviewAccess)?;
        let (patient, lines) = self.patient_accesses(reference, query)?;
        let detail = format!("access report: {} accesses", lines.len());
        let chart = patient.map(|p| p.id);
        self.audit(self.audit_event(session, AccessAction::AccessReview, chart, detail))?;
        Ok(lines)
    }

    /// The chart (when there is one here) and every access to it in the period, oldest
    /// first; not audited (each caller audits what it made of them).
    pub(crate) fn patient_accesses(
        &self,
        reference: &str,
        query: &AlertsQuery,
    ) -> Result<(Option<Patient>, Vec<AccessLine>)> {
        let (from_us, to_us) = query.bounds();
        let read = self.store.read()?;
        let chart = resolve_patient(&read, reference.trim())?;
        let patient = match chart {
            Some(id) => read.patient(id)?,
            None => None,
        };
        // The imported logs may name the patient by any of its ids.
        // A chart merged into this one is the same person: its accesses follow it.
        let mut forms: BTreeSet<String> = BTreeSet::new();
        forms.insert(reference.trim().to_string());
        let mut charts: Vec<Patient> = Vec::new();
        if let Some(p) = &patient {
            for id in read.charts_of_person(p.id)? {
                charts.extend(read.patient(id)?);
            }
        }
        for p in &charts {
            forms.insert(p.mrn.digits());
            forms.insert(p.mrn.to_string());
            forms.extend(p.identifiers.iter().map(|i| i.value.clone()));
        }
        let mut rows = Vec::new();
        for form in &forms {
            if let Some(id) = read.access_name_id(NameKind::Patient, form)? {
                rows.extend(read.access_of_patient(id, from_us, to_us)?);
            }
        }
        let names = read.access_names_of(&rows)?;
        let mut records: Vec<AccessRecord> = rows.iter().map(|r| record_of(&names, r)).collect();
        for p in &charts {
            for event in read.audit_for_patient(p.id, usize::MAX)? {
                let e = &event.event;
                let t = e.time.timestamp_micros();
                if is_record_access(e.action) && t >= from_us && t < to_us {
                    records.push(AccessRecord {
                        time: e.time,
                        offset_secs: 0,
                        user: e.username.clone(),
                        patient: p.source_id(),
                        action: e.action.code().to_string(),
                        workstation: e.client.clone(),
                        department: String::new(),
                        source: e.source.clone(),
                    });
                }
            }
        }
        if patient.is_none() && records.is_empty() {
            return Err(ServiceError::NotFound {
                what: "patient with that id",
            });
        }
        records.sort_by(|a, b| (a.time, &a.user).cmp(&(b.time, &b.user)));
        let roster = roster_map(&read)?;
        let lines = records
            .into_iter()
            .map(|record| {
                let entry = roster.get(&record.user);
                AccessLine {
                    user_name: entry.map(|e| e.name.clone()).unwrap_or_default(),
                    department: entry.map(|e| e.department.clone()).unwrap_or_default(),
                    role: entry.map(|e| e.role.clone()).unwrap_or_default(),
                    record,
                }
            })
            .collect::<Vec<_>>();
        Ok((patient, lines))
    }

    /// Every access by `user_id` in the period, oldest first, with counts per day.
    pub fn user_activity(
        &self,
        session: &Session,
        user_id: &str,
        query: &AlertsQuery,
    ) -> Result<UserActivity> {
        self.require(session, Permission::ReviewAccess)?;
        let (from_us, to_us) = query.bounds();
        let read = self.store.read()?;
        let rows = match read.access_name_id(NameKind::User, user_id.trim())? {
            Some(id) => read.access_by_user(id, from_us, to_us)?,
            None => Vec::new(),
        };
        let names = read.access_names_of(&rows)?;
        let mut records: Vec<AccessRecord> = rows.iter().map(|r| record_of(&names, r)).collect();
        if let Some(user) = read.user_by_name(user_id.trim())? {
            for event in read.audit_by_user(user.id, usize::MAX)? {
                let e = &event.event;
                let t = e.time.timestamp_micros();
                let Some(pid) = e.patient else { continue };
                if is_record_access(e.action) && t >= from_us && t < to_us {
                    let patient = read
                        .patient(pid)?
                        .map_or_else(|| pid.to_string(), |p| p.source_id());
                    records.push(AccessRecord {
                        time: e.time,
                        offset_secs: 0,
                        user: e.username.clone(),
                        patient,
                        action: e.action.code().to_string(),
                        workstation: e.client.clone(),
                        department: String::new(),
                        source: e.source.clone(),
                    });
                }
            }
        }
        records.sort_by_key(|r| r.time);
        let roster = roster_map(&read)?;
        let entry = roster.get(user_id.trim());
        let mut per_day: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        let mut patients = BTreeSet::new();
        for r in &records {
            *per_day.entry(r.local_time().date()).or_default() += 1;
            patients.insert(r.patient.clone());
        }
        let lines = records
            .into_iter()
            .map(|record| AccessLine {
                user_name: entry.map(|e| e.name.clone()).unwrap_or_default(),
                department: entry.map(|e| e.department.clone()).unwrap_or_default(),
                role: entry.map(|e| e.role.clone()).unwrap_or_default(),
                record,
            })
            .collect::<Vec<_>>();
        let detail = format!("user activity: {} accesses", lines.len());
        self.audit(self.audit_event(session, AccessAction::AccessReview, None, detail))?;
        Ok(UserActivity {
            lines,
            per_day: per_day.into_iter().collect(),
            patients: patients.len(),
        })
    }

    /// About `count` user ids and `count` patient ids as imported, spread evenly over
    /// the access logs' name dictionary (for `chartroom bench --access-lookups`).
    pub fn sample_access_ids(
        &self,
        session: &Session,
        count: usize,
    ) -> Result<(Vec<String>, Vec<String>)> {
        self.require(session, Permission::ReviewAccess)?;
        let names = self.store.read()?.access_names()?;
        let sample = |kind: NameKind| -> Vec<String> {
            let all = names.of_kind(kind);
            let step = (all.len() / count.max(1)).max(1);
            all.iter()
                .step_by(step)
                .take(count)
                .map(|(_, text)| text.to_string())
                .collect()
        };
        let (users, patients) = (sample(NameKind::User), sample(NameKind::Patient));
        let detail = format!(
            "access-log ids sampled for a benchmark: {} users, {} patients",
            users.len(),
            patients.len()
        );
        self.audit(self.audit_event(session, AccessAction::Export, None, detail))?;
        Ok((users, patients))
    }
}
