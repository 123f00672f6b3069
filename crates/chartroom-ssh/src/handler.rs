//! One russh `Handler` per TCP connection: public-key authentication against the
//! roster, then one session task per session channel (see `channel.rs`).

use super::admin;
use super::channel::{run_channel, ChannelStart};
use super::public_keys::{fingerprint, key_matches};
use super::{ScreenFactory, ServeOptions};
use chartroom_domain::StaffUser;
use chartroom_services::Services;
use russh::server::{Auth, ChannelOpenHandle, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, MethodKind, MethodSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::{watch, Notify};

/// What every connection and session task shares.
pub(super) struct Shared {
    pub services: Arc<Services>,
    pub screens: Arc<dyn ScreenFactory>,
    pub options: ServeOptions,
    /// Becomes true when the server shuts down.
    pub stopping: watch::Receiver<bool>,
    pub open_sessions: AtomicUsize,
    /// TCP connections alive (authenticated or not).
    pub open_connections: AtomicUsize,
    /// Notified whenever `open_sessions` or `open_connections` changes.
    pub sessions_changed: Notify,
    pub next_session: AtomicU64,
}

pub(super) struct SshServer {
    pub shared: Arc<Shared>,
}

impl russh::server::Server for SshServer {
    type Handler = Connection;

    fn new_client(&mut self, peer: Option<SocketAddr>) -> Connection {
        self.shared.open_connections.fetch_add(1, Ordering::SeqCst);
        Connection {
            shared: self.shared.clone(),
            peer,
            user: None,
        }
    }

    fn handle_session_error(&mut self, error: anyhow::Error) {
        // A client that goes away mid-stream ends here as "early eof": not an error.
        tracing::debug!(error = %error, "ssh connection ended");
    }
}

pub(super) struct Connection {
    shared: Arc<Shared>,
    peer: Option<SocketAddr>,
    /// Set once authentication succeeded.
    user: Option<StaffUser>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.shared.open_connections.fetch_sub(1, Ordering::SeqCst);
        self.shared.sessions_changed.notify_waiters();
    }
}

fn reject() -> Auth {
    Auth::Reject {
        proceed_with_methods: Some(MethodSet::from(&[MethodKind::PublicKey][..])),
        partial_success: false,
    }
}

impl Connection {
    fn peer_text(&self) -> String {
        self.peer
            .map(|p| p.to_string())
            .unwrap_or_else(|| "unknown".into())
    }

    /// The enabled roster user `username` if `key` is one of theirs. Blocking store
    /// read, done where blocking is allowed.
    fn check_key(
        &self,
        username: &str,
        key: &russh::keys::PublicKey,
    ) -> anyhow::Result<Option<StaffUser>> {
        let services = self.shared.services.clone();
        let user = tokio::task::block_in_place(|| services.user_for_login(username))?;
        Ok(user.filter(|u| !u.disabled && key_matches(key, &u.ssh_keys)))
    }

    fn log_refused(&self, username: &str, key: &russh::keys::PublicKey, why: &str) {
        tracing::warn!(
            user = username,
            key = %fingerprint(key),
            peer = %self.peer_text(),
            why,
            "ssh login refused"
        );
    }
}

impl russh::server::Handler for Connection {
    type Error = anyhow::Error;

    async fn auth_none(&mut self, _user: &str) -> anyhow::Result<Auth> {
        Ok(reject())
    }

    async fn auth_password(&mut self, user: &str, _password: &str) -> anyhow::Result<Auth> {
        tracing::warn!(user, peer = %self.peer_text(), "ssh password login refused (keys only)");
        Ok(reject())
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        _user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> anyhow::Result<Auth> {
        Ok(reject())
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> anyhow::Result<Auth> {
        // A probe: answer truthfully so the client tries its next key. Not logged: every
        // client with several keys probes the wrong ones first.
        match self.check_key(user, offer.public_key)? {
            Some(_) => Ok(Auth::Accept),
            None => Ok(reject()),
        }
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> anyhow::Result<Auth> {
        let found = self.shared.services.clone();
        let roster = tokio::task::block_in_place(|| found.user_for_login(user))?;
        match roster {
            None => {
                self.log_refused(user, key.public_key, "no such user");
                Ok(reject())
            }
            Some(u) if u.disabled => {
                self.log_refused(user, key.public_key, "user disabled");
                Ok(reject())
            }
            Some(u) if !key_matches(key.public_key, &u.ssh_keys) => {
                self.log_refused(user, key.public_key, "key not registered for this user");
                Ok(reject())
            }
            Some(u) => {
                tracing::info!(
                    user = u.id.0,
                    key = %fingerprint(key.public_key),
                    peer = %self.peer_text(),
                    "ssh login"
                );
                self.user = Some(u);
                Ok(Auth::Accept)
            }
        }
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> anyhow::Result<()> {
        let Some(user) = self.user.clone() else {
            // Dropping `reply` rejects the channel.
            return Ok(());
        };
        reply.accept().await;
        let shared = self.shared.clone();
        let start = ChannelStart {
            user,
            client: self.peer_text(),
        };
        // The task reads the channel from the start: russh feeds it through a bounded
        // queue, and pty, shell and window-change requests arrive there too.
        tokio::spawn(run_channel(shared, channel, start));
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        _cols: u32,
        _rows: u32,
        _px: u32,
        _py: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> anyhow::Result<()> {
        session.channel_success(channel)?;
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> anyhow::Result<()> {
        session.channel_success(channel)?;
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        _cols: u32,
        _rows: u32,
        _px: u32,
        _py: u32,
        session: &mut Session,
    ) -> anyhow::Result<()> {
        session.channel_success(channel)?;
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> anyhow::Result<()> {
        // Only the roster commands run (`admin.rs`; the services check the role). For
        // anything else the channel task explains on stderr and exits 1.
        if admin::parse(data).is_some() {
            session.channel_success(channel)?;
        } else {
            session.channel_failure(channel)?;
        }
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> anyhow::Result<()> {
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        _value: &str,
        session: &mut Session,
    ) -> anyhow::Result<()> {
        session.channel_failure(channel)?;
        Ok(())
    }
}
