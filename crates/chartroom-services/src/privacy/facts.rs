//! Gathering what the rules read: the accesses of a period (imported logs and
//! chartroom's own audit trail as one timeline), the roster, and each patient's
//! demographics, flags, staff links and encounters.

use crate::roi::resolve_patient;
use crate::Result;
use chartroom_domain::privacy::{AccessRecord, EncounterFacts, PatientFacts, RosterEntry};
use chartroom_domain::{AccessAction, EncounterClass, Patient, PatientId, ProviderId};
use chartroom_store::{AccessNames, AccessRow, ReadTx};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The chartroom audit actions that read or disclose a patient's record.
pub(crate) fn is_record_access(action: AccessAction) -> bool {
    matches!(
        action,
        AccessAction::OpenChart
            | AccessAction::OpenDocument
            | AccessAction::BreakGlass
            | AccessAction::Export
            | AccessAction::Release
    )
}

pub(crate) fn record_of(names: &AccessNames, row: &AccessRow) -> AccessRecord {
    AccessRecord {
        time: DateTime::<Utc>::from_timestamp_micros(row.time_us).unwrap_or_default(),
        offset_secs: row.offset_secs,
        user: names.text(row.user).to_string(),
        patient: names.text(row.patient).to_string(),
        action: names.text(row.action).to_string(),
        workstation: names.text(row.workstation).to_string(),
        department: names.text(row.department).to_string(),
        source: names.text(row.source).to_string(),
    }
}

/// Every record access in `[from_us, to_us)`: imported events, then chartroom's own.
pub(crate) fn timeline(read: &ReadTx, from_us: i64, to_us: i64) -> Result<Vec<AccessRecord>> {
    let names = read.access_names()?;
    let mut out: Vec<AccessRecord> = read
        .access_in(from_us, to_us)?
        .iter()
        .map(|row| record_of(&names, row))
        .collect();
    let total = read.counts()?.audit_events;
    let mut patients: HashMap<PatientId, String> = HashMap::new();
    for event in read.audit_events(1, total as usize)? {
        let e = &event.event;
        let t = e.time.timestamp_micros();
        let Some(pid) = e.patient else { continue };
        if !is_record_access(e.action) || t < from_us || t >= to_us {
            continue;
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = patients.entry(pid) {
            slot.insert(
                read.patient(pid)?
                    .map_or_else(|| pid.to_string(), |p| p.source_id()),
            );
        }
        out.push(AccessRecord {
            time: e.time,
            offset_secs: 0,
            user: e.username.clone(),
            patient: patients.get(&pid).cloned().unwrap_or_default(),
            action: e.action.code().to_string(),
            workstation: e.client.clone(),
            department: String::new(),
            source: e.source.clone(),
        });
    }
    Ok(out)
}

/// The roster by user id: HR's rows, plus chartroom's own users HR does not list.
pub(crate) fn roster_map(read: &ReadTx) -> Result<HashMap<String, RosterEntry>> {
    let mut out: HashMap<String, RosterEntry> = HashMap::new();
    for entry in read.roster()? {
        out.insert(entry.user_id.clone(), entry);
    }
    for user in read.users()? {
        if out.contains_key(&user.username) {
            continue;
        }
        let linked = match user.patient_link {
            Some(p) => read.patient(p)?.map(|p| p.source_id()),
            None => None,
        };
        out.insert(
            user.username.clone(),
            RosterEntry {
                user_id: user.username.clone(),
                name: user.display_name.clone(),
                department: user.department.clone(),
                role: user.role.code().to_string(),
                home_address: String::new(),
                linked_patient_id: linked,
                provider_id: None,
            },
        );
    }
    Ok(out)
}

/// Builds the facts of each patient id as imported.
pub(crate) struct FactsBuilder<'r> {
    read: &'r ReadTx,
    providers: HashMap<ProviderId, Vec<String>>,
    staff: HashMap<PatientId, Vec<(String, String)>>,
}

impl<'r> FactsBuilder<'r> {
    pub(crate) fn new(read: &'r ReadTx, roster: &HashMap<String, RosterEntry>) -> Result<Self> {
        let mut providers = HashMap::new();
        for p in read.providers()? {
            let mut forms = vec![p.report_id(), format!("provider-{}", p.id)];
            forms.extend(p.npi.iter().cloned());
            forms.extend(p.source_id.iter().cloned());
            forms.extend(p.resource_id.iter().cloned());
            forms.dedup();
            providers.insert(p.id, forms);
        }
        let mut staff: HashMap<PatientId, Vec<(String, String)>> = HashMap::new();
        for entry in roster.values() {
            if let Some(linked) = entry.linked_patient_id.as_deref() {
                if let Some(pid) = resolve_patient(read, linked)? {
                    staff
                        .entry(pid)
                        .or_default()
                        .push((entry.user_id.clone(), entry.department.clone()));
                }
            }
        }
        Ok(FactsBuilder {
            read,
            providers,
            staff,
        })
    }

    /// The chart an imported patient id names, if chartroom holds it.
    pub(crate) fn patient(&self, id: &str) -> Result<Option<Patient>> {
        match resolve_patient(self.read, id)? {
            Some(pid) => Ok(self.read.patient(pid)?),
            None => Ok(None),
        }
    }

    /// What the rules know of the patient an imported id names.
    pub(crate) fn build(&self, id: &str) -> Result<PatientFacts> {
        let Some(patient) = self.patient(id)? else {
            return Ok(PatientFacts::default());
        };
        let mut encounters = Vec::new();
        for e in self.read.encounters_of(patient.id)? {
            let mut providers = Vec::new();
            for p in e.attending.iter().chain(e.other_providers.iter()) {
                providers.extend(self.providers.get(p).into_iter().flatten().cloned());
            }
            encounters.push(EncounterFacts {
                start: e.admit,
                end: e.discharge,
                department: e.location.clone(),
                emergency: e.class == EncounterClass::Emergency,
                providers,
            });
        }
        let address = patient.address.clone().unwrap_or_default();
        let mut staff = self.staff.get(&patient.id).cloned().unwrap_or_default();
        if let Some(user) = patient.staff_link {
            if let Some(u) = self.read.user(user)? {
                if !staff.iter().any(|(id, _)| *id == u.username) {
                    staff.push((u.username, u.department));
                }
            }
        }
        Ok(PatientFacts {
            known: true,
            family: patient.name.family.clone(),
            given: patient.name.given.clone(),
            address_line: address.line,
            city: address.city,
            zip: address.zip,
            deceased: patient.flags.deceased,
            vip: patient.flags.vip,
            employee: patient.flags.employee,
            encounters,
            staff,
        })
    }
}
