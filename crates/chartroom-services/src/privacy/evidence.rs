//! An alert's evidence side by side: the roster row, the patient's demographics, the
//! pair's accesses and the patient's encounters (marking those the user was on).

use super::facts::{record_of, roster_map};
use crate::roi::resolve_patient;
use crate::{Result, Services, Session};
use chartroom_domain::privacy::{AccessRecord, RosterEntry};
use chartroom_domain::{AccessAction, Permission};
use chartroom_store::NameKind;

/// One of the patient's encounters as the evidence lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncounterLine {
    pub admit: chrono::NaiveDateTime,
    pub location: String,
    pub class: &'static str,
    /// The user is its attending or another provider on it.
    pub user_on_it: bool,
}

/// What a reviewer reads before deciding.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlertEvidence {
    pub user_id: String,
    pub patient_id: String,
    pub roster: Option<RosterEntry>,
    /// `Family, Given` · MRN · DOB · address · flags, when chartroom holds the chart.
    pub patient_name: Option<String>,
    pub patient_lines: Vec<String>,
    /// The pair's accesses, newest first (at most 50).
    pub accesses: Vec<AccessRecord>,
    pub encounters: Vec<EncounterLine>,
}

impl Services {
    /// The evidence of the alert on (`user_id`, `patient_id`); audited as a review read
    /// of that patient.
    pub fn alert_evidence(
        &self,
        session: &Session,
        user_id: &str,
        patient_id: &str,
    ) -> Result<AlertEvidence> {
        self.require(session, Permission::ReviewAccess)?;
        let read = self.store.read()?;
        let roster = roster_map(&read)?.remove(user_id);
        let chart = resolve_patient(&read, patient_id)?;
        let patient = match chart {
            Some(id) => read.patient(id)?,
            None => None,
        };
        let names = read.access_names()?;
        let mut accesses: Vec<AccessRecord> = match (
            names.id(NameKind::Patient, patient_id),
            names.id(NameKind::User, user_id),
        ) {
            (Some(p), Some(u)) => read
                .access_of_patient(p, i64::MIN / 4, i64::MAX / 4)?
                .iter()
                .filter(|r| r.user == u)
                .map(|r| record_of(&names, r))
                .collect(),
            _ => Vec::new(),
        };
        accesses.sort_by_key(|a| std::cmp::Reverse(a.time));
        accesses.truncate(50);
        let mut evidence = AlertEvidence {
            user_id: user_id.to_string(),
            patient_id: patient_id.to_string(),
            roster: roster.clone(),
            accesses,
            ..AlertEvidence::default()
        };
        if let Some(p) = &patient {
            evidence.patient_name = Some(p.name.display_last_first());
            evidence
                .patient_lines
                .push(format!("MRN {} · born {}", p.mrn, p.dob));
            if let Some(a) = &p.address {
                evidence
                    .patient_lines
                    .push(format!("{}, {} {} {}", a.line, a.city, a.state, a.zip));
            }
            let flags = p.flags.words();
            if !flags.is_empty() {
                evidence.patient_lines.push(flags.join(" "));
            }
            let provider = roster.as_ref().and_then(|r| r.provider_id.clone());
            let mut forms: std::collections::HashMap<chartroom_domain::ProviderId, Vec<String>> =
                std::collections::HashMap::new();
            for pr in read.providers()? {
                let mut f = vec![pr.report_id()];
                f.extend(pr.npi.iter().cloned());
                f.extend(pr.source_id.iter().cloned());
                forms.insert(pr.id, f);
            }
            let mut encounters = read.encounters_of(p.id)?;
            encounters.sort_by_key(|e| std::cmp::Reverse(e.admit));
            for e in encounters.into_iter().take(20) {
                let user_on_it = provider.as_ref().is_some_and(|prov| {
                    e.attending
                        .iter()
                        .chain(e.other_providers.iter())
                        .any(|id| forms.get(id).is_some_and(|f| f.iter().any(|x| x == prov)))
                });
                evidence.encounters.push(EncounterLine {
                    admit: e.admit,
                    location: e.location.clone(),
                    class: e.class.label(),
                    user_on_it,
                });
            }
        }
        let detail = format!("alert evidence: user {user_id}");
        self.audit(self.audit_event(session, AccessAction::AccessReview, chart, detail))?;
        Ok(evidence)
    }
}
