//! The one gate every use case passes: `require(session, Permission)`. The policy is
//! the domain's table (`chartroom_domain::allowed`); a refusal is itself audited, so a
//! privacy officer sees who tried what.

use super::{Result, ServiceError, Services, Session};
use chartroom_domain::{allowed, AccessAction, Permission};

impl Services {
    /// Refuses (and records the refusal) unless the session's role holds `permission`.
    /// A disabled user may do nothing.
    pub fn require(&self, session: &Session, permission: Permission) -> Result<()> {
        if !session.user.disabled && allowed(session.user.role, permission) {
            return Ok(());
        }
        let detail = format!("refused: {}", permission.code());
        let event = self.audit_event(session, AccessAction::Denied, None, detail);
        self.audit(event)?;
        Err(forbidden(session, permission))
    }
}

fn forbidden(session: &Session, permission: Permission) -> ServiceError {
    ServiceError::Forbidden {
        role: if session.user.disabled {
            "disabled"
        } else {
            session.user.role.code()
        },
        action: permission.describe(),
    }
}
