//! Sessions and the audit events they leave.

use super::{Result, Services, Session};
use chartroom_domain::{AccessAction, AccessEvent, NewAccessEvent, PatientId, Role, StaffUser};

impl Services {
    /// The operator of a local `chartroom tui`. Whoever can open the data directory
    /// locally already holds every record, so the local operator is looked up in the
    /// roster by `username` and, when absent, registered as an admin on first use
    /// (recorded in the roster so every audit event names a real user row).
    pub fn local_session(&self, username: &str) -> Result<Session> {
        let existing = self.store.read()?.user_by_name(username)?;
        let user = match existing {
            Some(user) => user,
            None => {
                let mut tx = self.store.write()?;
                let user = StaffUser {
                    id: tx.next_user_id()?,
                    username: username.to_string(),
                    display_name: format!("{username} (local)"),
                    role: Role::Admin,
                    department: "HIM".into(),
                    disabled: false,
                    patient_link: None,
                    ssh_keys: Vec::new(),
                };
                tx.put_user(&user)?;
                tx.commit()?;
                user
            }
        };
        Ok(Session {
            id: format!(
                "local-{}-{}",
                std::process::id(),
                self.clock.now().timestamp_micros()
            ),
            client: "local".into(),
            user,
        })
    }

    /// Builds an audit event for `session` at the current time.
    pub(crate) fn audit_event(
        &self,
        session: &Session,
        action: AccessAction,
        patient: Option<PatientId>,
        detail: String,
    ) -> NewAccessEvent {
        NewAccessEvent {
            time: self.clock.now(),
            user: Some(session.user.id),
            username: session.user.username.clone(),
            role: Some(session.user.role),
            action,
            patient,
            detail,
            session: session.id.clone(),
            client: session.client.clone(),
            reason: None,
            source: "chartroom".into(),
            flagged: false,
        }
    }

    /// Appends an audit event in its own transaction.
    pub(crate) fn audit(&self, event: NewAccessEvent) -> Result<AccessEvent> {
        Ok(self.store.append_audit(event)?)
    }
}
