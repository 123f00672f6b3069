//! Reviewing alerts and working cases. Every action checks `ReviewAccess` and is
//! audited (`AccessAction::PrivacyCase`) in the same transaction as its change.

use crate::{Result, ServiceError, Services, Session};
use chartroom_domain::privacy::{AlertDisposition, Case, CaseEvent, CaseStatus, Determination};
use chartroom_domain::{AccessAction, Permission};

/// A named move of a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseAction {
    StartReview,
    Determine(Determination),
    Close,
    Reopen,
    Note(String),
    Assign(String),
}

impl CaseAction {
    fn code(&self) -> &'static str {
        match self {
            CaseAction::StartReview => "review",
            CaseAction::Determine(_) => "determined",
            CaseAction::Close => "closed",
            CaseAction::Reopen => "reopened",
            CaseAction::Note(_) => "note",
            CaseAction::Assign(_) => "assigned",
        }
    }
}

/// An alert to promote: its pair (a spike's user with its patients), score and rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertRef {
    pub user_id: String,
    pub patients: Vec<String>,
    pub score: u32,
    pub rules: Vec<String>,
}

fn transition_error(e: chartroom_domain::privacy::CaseTransitionError) -> ServiceError {
    ServiceError::Invalid {
        what: "case transition",
        reason: e.to_string(),
    }
}

impl Services {
    /// Dismisses alerts (each a `(user, patient)` pair) with one reason.
    pub fn dismiss_alerts(
        &self,
        session: &Session,
        pairs: &[(String, String)],
        reason: &str,
    ) -> Result<usize> {
        self.require(session, Permission::ReviewAccess)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ServiceError::Invalid {
                what: "dismissal",
                reason: "a reason is required".into(),
            });
        }
        let now = self.now();
        let mut tx = self.store.write()?;
        for (user, patient) in pairs {
            tx.put_disposition(&AlertDisposition {
                user_id: user.clone(),
                patient_id: patient.clone(),
                case: None,
                reason: reason.to_string(),
                by: session.user.username.clone(),
                time: now,
            });
        }
        let detail = format!("dismissed {} alert(s): {reason}", pairs.len());
        tx.append_audit(self.audit_event(session, AccessAction::PrivacyCase, None, detail))?;
        tx.commit()?;
        Ok(pairs.len())
    }

    /// Opens one case for the alerts (assigned to `assignee`, default the reviewer).
    pub fn promote_alerts(
        &self,
        session: &Session,
        alerts: &[AlertRef],
        assignee: Option<&str>,
    ) -> Result<u64> {
        self.require(session, Permission::ReviewAccess)?;
        let Some(first) = alerts.first() else {
            return Err(ServiceError::Invalid {
                what: "case",
                reason: "no alert to promote".into(),
            });
        };
        let now = self.now();
        let assignee = assignee.unwrap_or(&session.user.username).to_string();
        let mut tx = self.store.write()?;
        let id = tx.next_case_id()?;
        let mut patients: Vec<String> = Vec::new();
        let mut rules: Vec<String> = Vec::new();
        for a in alerts {
            for p in &a.patients {
                if !patients.contains(p) {
                    patients.push(p.clone());
                }
            }
            for r in &a.rules {
                if !rules.contains(r) {
                    rules.push(r.clone());
                }
            }
        }
        let case = Case {
            id,
            user_id: first.user_id.clone(),
            patients,
            rules,
            score: alerts.iter().map(|a| a.score).max().unwrap_or(0),
            status: CaseStatus::Assigned,
            assignee: assignee.clone(),
            determination: None,
            discovered: now,
            history: vec![CaseEvent {
                time: now,
                by: session.user.username.clone(),
                what: "opened".into(),
                text: format!("from {} alert(s), assigned to {assignee}", alerts.len()),
            }],
        };
        tx.put_case(&case);
        for a in alerts {
            for p in &a.patients {
                tx.put_disposition(&AlertDisposition {
                    user_id: a.user_id.clone(),
                    patient_id: p.clone(),
                    case: Some(id),
                    reason: format!("case {id}"),
                    by: session.user.username.clone(),
                    time: now,
                });
            }
        }
        let detail = format!("case {id} opened from {} alert(s)", alerts.len());
        tx.append_audit(self.audit_event(session, AccessAction::PrivacyCase, None, detail))?;
        tx.commit()?;
        Ok(id)
    }

    /// Every case, newest first.
    pub fn privacy_cases(&self, session: &Session) -> Result<Vec<Case>> {
        self.require(session, Permission::ReviewAccess)?;
        let mut cases = self.store.read()?.privacy_cases()?;
        cases.reverse();
        Ok(cases)
    }

    /// Moves, notes or reassigns a case; the history keeps who, when and why.
    pub fn case_action(
        &self,
        session: &Session,
        id: u64,
        action: CaseAction,
        text: &str,
    ) -> Result<Case> {
        self.require(session, Permission::ReviewAccess)?;
        let now = self.now();
        let mut tx = self.store.write()?;
        let mut case = tx_case(&self.store, id)?;
        let event = CaseEvent {
            time: now,
            by: session.user.username.clone(),
            what: action.code().into(),
            text: text.trim().to_string(),
        };
        match &action {
            CaseAction::StartReview => case.start_review(event).map_err(transition_error)?,
            CaseAction::Determine(d) => {
                let mut event = event;
                event.text = format!(
                    "{}{}{}",
                    d.label(),
                    if event.text.is_empty() { "" } else { ": " },
                    event.text
                );
                case.determine(*d, event).map_err(transition_error)?;
            }
            CaseAction::Close => case.close(event).map_err(transition_error)?,
            CaseAction::Reopen => case.reopen(event).map_err(transition_error)?,
            CaseAction::Note(note) => {
                if note.trim().is_empty() {
                    return Err(ServiceError::Invalid {
                        what: "note",
                        reason: "the note is empty".into(),
                    });
                }
                case.note(CaseEvent {
                    text: note.trim().to_string(),
                    ..event
                });
            }
            CaseAction::Assign(to) => {
                case.assignee = to.trim().to_string();
                case.note(CaseEvent {
                    text: format!("assigned to {}", case.assignee),
                    ..event
                });
            }
        }
        tx.put_case(&case);
        let detail = format!("case {id}: {}", action.code());
        tx.append_audit(self.audit_event(session, AccessAction::PrivacyCase, None, detail))?;
        tx.commit()?;
        Ok(case)
    }
}

/// The case as last committed (the write lock is held, so nobody changes it meanwhile).
fn tx_case(store: &chartroom_store::Store, id: u64) -> Result<Case> {
    store
        .read()?
        .privacy_case(id)?
        .ok_or(ServiceError::NotFound { what: "case" })
}
