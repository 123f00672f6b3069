//! The staff roster: adding, listing and disabling users, and the login checks the SSH
//! edge makes. Changing the roster needs an admin session (the CLI acts as the local
//! admin); reading it needs admin or supervisor.

use super::{Result, ServiceError, Services, Session};
use chartroom_domain::{AccessAction, NewAccessEvent, Permission, Role, StaffUser, UserId};

/// A user to add to the roster.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department: String,
    /// OpenSSH public key lines; at least one (keys are the only way in over SSH).
    pub ssh_keys: Vec<String>,
}

/// Login names become SSH user names and audit entries: keep them plain.
pub fn valid_username(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && name.len() <= 32
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// A cheap shape check of an OpenSSH public key line: a known algorithm name and a
/// base64 blob. The SSH edge parses keys fully (and the CLI validates with that parser
/// before calling `add_user`); this keeps obvious garbage out of the roster whoever calls.
pub fn looks_like_public_key(line: &str) -> bool {
    let mut parts = line.split_whitespace();
    let (Some(algorithm), Some(blob)) = (parts.next(), parts.next()) else {
        return false;
    };
    let known = algorithm == "ssh-ed25519"
        || algorithm == "ssh-rsa"
        || algorithm.starts_with("ecdsa-sha2-")
        || algorithm.starts_with("sk-");
    known
        && blob.len() >= 16
        && blob
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

impl Services {
    /// Adds a user (admin only).
    pub fn add_user(&self, session: &Session, new: NewUser) -> Result<StaffUser> {
        self.require(session, Permission::ManageUsers)?;
        if !valid_username(&new.username) {
            return Err(ServiceError::Invalid {
                what: "user name",
                reason: format!(
                    "`{}`: use 1-32 lower-case letters, digits, '.', '_' or '-', starting with a letter",
                    new.username
                ),
            });
        }
        if new.ssh_keys.is_empty() {
            return Err(ServiceError::Invalid {
                what: "ssh key",
                reason: "a user needs at least one public key".into(),
            });
        }
        if let Some(bad) = new.ssh_keys.iter().find(|k| !looks_like_public_key(k)) {
            let shown: String = bad.chars().take(24).collect();
            return Err(ServiceError::Invalid {
                what: "ssh key",
                reason: format!("`{shown}...` is not an OpenSSH public key line"),
            });
        }
        let mut tx = self.store.write()?;
        let user = StaffUser {
            id: tx.next_user_id()?,
            display_name: if new.display_name.trim().is_empty() {
                new.username.clone()
            } else {
                new.display_name
            },
            username: new.username,
            role: new.role,
            department: new.department,
            disabled: false,
            patient_link: None,
            ssh_keys: new
                .ssh_keys
                .into_iter()
                .map(|k| k.trim().to_string())
                .collect(),
        };
        // A taken user name fails the commit with `Duplicate`.
        tx.put_user(&user)?;
        tx.append_audit(self.roster_event(session, &user, "added"))?;
        tx.commit()?;
        tracing::info!(user = user.id.0, by = session.user.id.0, "user added");
        Ok(user)
    }

    /// Adds public keys to an existing user (admin only): how a generated or imported
    /// roster entry gets its first key. Keys already present are not duplicated.
    pub fn add_user_keys(
        &self,
        session: &Session,
        username: &str,
        keys: Vec<String>,
    ) -> Result<StaffUser> {
        self.require(session, Permission::ManageUsers)?;
        if keys.is_empty() {
            return Err(ServiceError::Invalid {
                what: "ssh key",
                reason: "no public key given".into(),
            });
        }
        if let Some(bad) = keys.iter().find(|k| !looks_like_public_key(k)) {
            let shown: String = bad.chars().take(24).collect();
            return Err(ServiceError::Invalid {
                what: "ssh key",
                reason: format!("`{shown}...` is not an OpenSSH public key line"),
            });
        }
        let mut user = self
            .store
            .read()?
            .user_by_name(username)?
            .ok_or(ServiceError::NotFound { what: "user" })?;
        for key in keys {
            let key = key.trim().to_string();
            if !user.ssh_keys.contains(&key) {
                user.ssh_keys.push(key);
            }
        }
        let mut tx = self.store.write()?;
        tx.put_user(&user)?;
        tx.append_audit(self.roster_event(session, &user, "keys added"))?;
        tx.commit()?;
        tracing::info!(
            user = user.id.0,
            by = session.user.id.0,
            keys = user.ssh_keys.len(),
            "user keys added"
        );
        Ok(user)
    }

    /// The audit event of a roster change, appended in the change's own transaction.
    fn roster_event(&self, session: &Session, user: &StaffUser, what: &str) -> NewAccessEvent {
        self.audit_event(
            session,
            AccessAction::UserAdmin,
            None,
            format!("user {} ({}): {what}", user.username, user.role.code()),
        )
    }

    /// How many active users have an SSH key (the server's start-up line; no names).
    pub fn users_who_can_log_in(&self) -> Result<usize> {
        let users = self.store.read()?.users()?;
        Ok(users
            .iter()
            .filter(|u| !u.disabled && !u.ssh_keys.is_empty())
            .count())
    }

    /// The roster, in id order (admin and supervisor).
    pub fn list_users(&self, session: &Session) -> Result<Vec<StaffUser>> {
        self.require(session, Permission::ListUsers)?;
        Ok(self.store.read()?.users()?)
    }

    /// Disables a user (admin only): their next login is refused and the SSH server
    /// ends their open sessions. An admin cannot disable themself (someone must be left
    /// to undo it).
    pub fn disable_user(&self, session: &Session, username: &str) -> Result<StaffUser> {
        self.require(session, Permission::ManageUsers)?;
        let mut user = self
            .store
            .read()?
            .user_by_name(username)?
            .ok_or(ServiceError::NotFound { what: "user" })?;
        if user.id == session.user.id {
            return Err(ServiceError::Invalid {
                what: "user",
                reason: "you cannot disable yourself".into(),
            });
        }
        if !user.disabled {
            user.disabled = true;
            let mut tx = self.store.write()?;
            tx.put_user(&user)?;
            tx.append_audit(self.roster_event(session, &user, "disabled"))?;
            tx.commit()?;
            tracing::info!(user = user.id.0, by = session.user.id.0, "user disabled");
        }
        Ok(user)
    }

    /// The roster entry a login names (the SSH edge checks keys and `disabled`).
    pub fn user_for_login(&self, username: &str) -> Result<Option<StaffUser>> {
        Ok(self.store.read()?.user_by_name(username)?)
    }

    /// Whether a user may still work (exists and is not disabled); open sessions ask
    /// this periodically.
    pub fn user_is_active(&self, user: UserId) -> Result<bool> {
        Ok(self.store.read()?.user(user)?.is_some_and(|u| !u.disabled))
    }

    /// Audits the start of a session.
    pub fn record_login(&self, session: &Session) -> Result<()> {
        let event = self.audit_event(session, AccessAction::Login, None, "session start".into());
        self.audit(event)?;
        Ok(())
    }

    /// Audits the end of a session and why (`quit`, `idle`, `disconnected`, ...).
    pub fn record_logout(&self, session: &Session, why: &str) -> Result<()> {
        let event = self.audit_event(
            session,
            AccessAction::Logout,
            None,
            format!("session end: {why}"),
        );
        self.audit(event)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_and_key_shapes() {
        assert!(valid_username("jdoe"));
        assert!(valid_username("j.doe-2"));
        assert!(!valid_username("Jdoe"));
        assert!(!valid_username("2jdoe"));
        assert!(!valid_username(""));
        assert!(!valid_username("j doe"));
        assert!(looks_like_public_key(
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPAYB/58Z3k c"
        ));
        assert!(looks_like_public_key(
            "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAA="
        ));
        assert!(!looks_like_public_key(
            "-----BEGIN OPENSSH PRIVATE KEY-----"
        ));
        assert!(!looks_like_public_key("ssh-ed25519"));
        assert!(!looks_like_public_key("ssh-dss AAAAB3NzaC1kc3MAAACBAP"));
    }
}
