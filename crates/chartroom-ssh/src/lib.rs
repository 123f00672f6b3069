//! The built-in SSH server (`chartroom serve`): the only user of russh and tokio.
//!
//! One process holds the data directory; every SSH session channel gets its own TUI
//! session, all sharing one `Arc<Services>`. Public-key authentication only, against
//! the keys of the store's staff users. See ../shared/SSH-NOTES.md for the russh
//! pitfalls these choices answer.

mod admin;
pub mod app_screen;
mod channel;
mod handler;
pub mod host_key;
mod input;
mod keys;
pub mod mllp;
pub mod public_keys;
pub mod screen;
pub mod server_info;

pub use app_screen::AppScreens;
pub use mllp::MllpOptions;
pub use public_keys::{fingerprint, parse_key_line, validate_key_line, KeyLineError};
pub use screen::{Flow, ScreenFactory, SessionScreen, Wake};
pub use server_info::ServerInfo;

use chartroom_services::Services;
use handler::{Shared, SshServer};
use russh::server::Server as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

#[derive(Debug, thiserror::Error)]
pub enum SshError {
    #[error("cannot use {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("host key {path}: {reason}")]
    HostKey { path: PathBuf, reason: String },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the server runtime: {0}")]
    Runtime(std::io::Error),
    #[error("the server stopped with an error: {0}")]
    Stopped(String),
}

/// How the server runs.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    /// Log a session off after this long without a key press (`None`: never).
    pub idle_logoff: Option<Duration>,
    /// How often an open session checks that its user is still enabled.
    pub user_check: Duration,
    /// How long shutdown waits for sessions to show their notice and close.
    pub shutdown_grace: Duration,
    /// The HL7 MLLP listener beside SSH (`serve --mllp ADDR`), if any.
    pub mllp: Option<MllpOptions>,
}

impl ServeOptions {
    pub fn new(listen: SocketAddr) -> ServeOptions {
        ServeOptions {
            listen,
            idle_logoff: Some(Duration::from_secs(15 * 60)),
            user_check: Duration::from_secs(2),
            shutdown_grace: Duration::from_secs(5),
            mllp: None,
        }
    }
}

/// A running server. Dropping it without `shutdown` stops the runtime abruptly.
pub struct Server {
    runtime: tokio::runtime::Runtime,
    local_addr: SocketAddr,
    host_fingerprint: String,
    host_key_created: bool,
    mllp_addr: Option<SocketAddr>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<(), SshError>>,
    shared: Arc<Shared>,
}

impl Server {
    /// Loads (or creates) the host key, binds the listener and starts serving.
    pub fn start(
        services: Arc<Services>,
        options: ServeOptions,
        screens: Arc<dyn ScreenFactory>,
    ) -> Result<Server, SshError> {
        let (host_key, host_key_created) = host_key::load_or_create(services.data_dir())?;
        let host_fingerprint = public_keys::fingerprint(host_key.public_key());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("chartroom-ssh")
            .enable_all()
            .build()
            .map_err(SshError::Runtime)?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(options.listen))
            .map_err(|source| SshError::Listen {
                addr: options.listen,
                source,
            })?;
        let local_addr = listener.local_addr().map_err(|source| SshError::Listen {
            addr: options.listen,
            source,
        })?;
        let config = Arc::new(russh::server::Config {
            methods: russh::MethodSet::from(&[russh::MethodKind::PublicKey][..]),
            // The default (600 s) would drop a clerk reading a chart; idle logoff is ours.
            inactivity_timeout: None,
            keepalive_interval: Some(Duration::from_secs(30)),
            // Without this every OpenSSH login waits a second after the first key probe.
            auth_rejection_time_initial: Some(Duration::ZERO),
            auth_rejection_time: Duration::from_millis(300),
            nodelay: true,
            keys: vec![host_key],
            ..Default::default()
        });
        let (stop, stop_rx) = watch::channel(false);
        let mut mllp_addr = None;
        if let Some(mllp) = &options.mllp {
            let listener = runtime
                .block_on(mllp::bind(mllp.listen))
                .map_err(|source| SshError::Listen {
                    addr: mllp.listen,
                    source,
                })?;
            mllp_addr = listener.local_addr().ok();
            // Every session's Admin workspace (and `hl7 stats`) reads this feed's counts.
            services.register_hl7_feed(mllp.feed.clone());
            runtime.spawn(mllp::run(
                listener,
                services.clone(),
                mllp.feed.clone(),
                stop_rx.clone(),
            ));
        }
        let shared = Arc::new(Shared {
            services,
            screens,
            options,
            stopping: stop_rx.clone(),
            open_sessions: AtomicUsize::new(0),
            open_connections: AtomicUsize::new(0),
            sessions_changed: Notify::new(),
            next_session: AtomicU64::new(1),
        });
        let task = runtime.spawn(run(listener, config, shared.clone(), stop_rx));
        Ok(Server {
            runtime,
            local_addr,
            host_fingerprint,
            host_key_created,
            mllp_addr,
            stop,
            task,
            shared,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Where the MLLP listener listens (`serve --mllp`), if it runs.
    pub fn mllp_addr(&self) -> Option<SocketAddr> {
        self.mllp_addr
    }

    /// `SHA256:...`, as `ssh` shows it when asking to trust the host.
    pub fn host_fingerprint(&self) -> &str {
        &self.host_fingerprint
    }

    /// Whether this start generated the host key.
    pub fn host_key_created(&self) -> bool {
        self.host_key_created
    }

    /// Sessions open right now.
    pub fn open_sessions(&self) -> usize {
        self.shared.open_sessions.load(Ordering::SeqCst)
    }

    /// Blocks until SIGTERM or SIGINT, then shuts down cleanly.
    pub fn run_until_signal(self) -> Result<(), SshError> {
        let signalled = self.runtime.block_on(async {
            use tokio::signal::unix::{signal, SignalKind};
            let mut term = signal(SignalKind::terminate()).map_err(SshError::Runtime)?;
            let mut int = signal(SignalKind::interrupt()).map_err(SshError::Runtime)?;
            tokio::select! {
                _ = term.recv() => Ok::<_, SshError>("SIGTERM"),
                _ = int.recv() => Ok("SIGINT"),
            }
        })?;
        tracing::info!(signal = signalled, "shutting down");
        self.shutdown()
    }

    /// Tells every session (each shows a notice and closes), waits for them up to the
    /// grace period, closes the listener and the connections, and stops the runtime.
    pub fn shutdown(self) -> Result<(), SshError> {
        let _ = self.stop.send(true);
        let result = self.runtime.block_on(self.task);
        self.runtime.shutdown_timeout(Duration::from_secs(2));
        match result {
            Ok(inner) => inner,
            Err(e) => Err(SshError::Stopped(e.to_string())),
        }
    }
}

async fn run(
    listener: tokio::net::TcpListener,
    config: Arc<russh::server::Config>,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) -> Result<(), SshError> {
    let mut server = SshServer {
        shared: shared.clone(),
    };
    let running = server.run_on_socket(config, &listener);
    let handle = running.handle();
    tokio::pin!(running);
    tokio::select! {
        result = &mut running => {
            return result.map_err(|e| SshError::Stopped(e.to_string()));
        }
        _ = stop.wait_for(|stopping| *stopping) => {}
    }
    // Sessions saw `stopping` too: each shows its notice and closes its channel, then the
    // client closes its connection (OpenSSH exits with the session's status). Whatever is
    // left after the grace period is disconnected.
    let deadline = tokio::time::Instant::now() + shared.options.shutdown_grace;
    loop {
        let notified = shared.sessions_changed.notified();
        let sessions = shared.open_sessions.load(Ordering::SeqCst);
        let connections = shared.open_connections.load(Ordering::SeqCst);
        if sessions == 0 && connections == 0 {
            break;
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            tracing::warn!(
                sessions,
                connections,
                "shutdown: still open after the grace period"
            );
            break;
        }
    }
    handle.shutdown("chartroom server shutting down".into());
    let _ = tokio::time::timeout(Duration::from_secs(2), &mut running).await;
    Ok(())
}
