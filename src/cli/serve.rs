//! `chartroom serve` and the "a server holds this directory" explanation other commands
//! give instead of a lock error.

use super::init_logging;
use anyhow::{bail, Context, Result};
use chartroom_domain::SystemClock;
use chartroom_services::{DataConfig, ServiceError, Services};
use chartroom_ssh::{AppScreens, MllpOptions, ServeOptions, Server, ServerInfo};
use chartroom_ui as ui;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Default listen address (loopback: exposing the server is a deliberate choice).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:2222";

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    #[arg(long)]
    pub data: std::path::PathBuf,
    /// Address to listen on (default: `listen` in DIR/config.toml, else 127.0.0.1:2222).
    #[arg(long)]
    pub listen: Option<String>,
    /// Log sessions off after this many idle minutes (default: `idle_minutes` in
    /// DIR/config.toml, else 15; 0 never). Fractions are allowed (tests use 0.05).
    #[arg(long)]
    pub idle_minutes: Option<f64>,
    /// Keymap for every session (built-in name or file; default: default).
    #[arg(long)]
    pub keymap: Option<String>,
    /// Theme for every session (dark, light, mono or a file; default: dark).
    #[arg(long)]
    pub theme: Option<String>,
    /// Also accept HL7 v2 ADT messages over MLLP on this address (e.g. 127.0.0.1:2575);
    /// each is applied, committed, then acknowledged.
    #[arg(long)]
    pub mllp: Option<String>,
}

pub fn serve(args: &ServeArgs) -> Result<ExitCode> {
    let dir = args.data.as_path();
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let _log = init_logging(dir);
    let config = DataConfig::load(dir)?;
    let listen_text = args
        .listen
        .clone()
        .or(config.listen.clone())
        .unwrap_or_else(|| DEFAULT_LISTEN.into());
    let listen: SocketAddr = listen_text.parse().with_context(|| {
        format!("--listen {listen_text}: expected an address like 127.0.0.1:2222")
    })?;
    let idle_minutes = args.idle_minutes.unwrap_or(f64::from(config.idle_minutes));
    if !idle_minutes.is_finite() || idle_minutes < 0.0 {
        bail!("--idle-minutes must be 0 (never) or more");
    }
    // A bad keymap or theme stops the start, naming the file: never a silent fallback.
    let ui_config = ui::UiConfig::load(&ui::UiOptions::from_env(
        args.keymap.clone(),
        args.theme.clone(),
    ))?;
    let services = Arc::new(open_services(dir)?);
    let mut options = ServeOptions::new(listen);
    options.idle_logoff =
        (idle_minutes > 0.0).then(|| Duration::from_secs_f64(idle_minutes * 60.0));

    if let Some(text) = &args.mllp {
        let listen: SocketAddr = text
            .parse()
            .with_context(|| format!("--mllp {text}: expected an address like 127.0.0.1:2575"))?;
        // The feed runs as the operator who started the server (an importer).
        let session = services.local_session(&super::os_user())?;
        let feed = services.open_hl7_feed(&session, text)?;
        options.mllp = Some(MllpOptions {
            listen,
            feed: Arc::new(feed),
        });
    }

    let with_keys = services.users_who_can_log_in()?;

    let server = Server::start(
        services.clone(),
        options,
        Arc::new(AppScreens::new(ui_config)),
    )?;
    let addr = server.local_addr();
    let info = ServerInfo {
        pid: std::process::id(),
        listen: addr.to_string(),
        host_fingerprint: server.host_fingerprint().to_string(),
        started: chrono::Utc::now().to_rfc3339(),
    };
    info.write(dir)
        .with_context(|| format!("cannot write {}", ServerInfo::path(dir).display()))?;
    if server.host_key_created() {
        eprintln!(
            "chartroom serve: generated host key {}",
            chartroom_ssh::host_key::host_key_path(dir).display()
        );
    }
    eprintln!(
        "chartroom serve: listening on {addr} (data {})",
        dir.display()
    );
    eprintln!(
        "chartroom serve: host key fingerprint {} (ED25519)",
        server.host_fingerprint()
    );
    if with_keys == 0 {
        eprintln!(
            "chartroom serve: no user can log in yet; stop the server and add one with \
             `chartroom users add NAME --role clerk --key id_ed25519.pub --data {}`",
            dir.display()
        );
    }
    if let Some(mllp) = server.mllp_addr() {
        eprintln!("chartroom serve: HL7 MLLP listening on {mllp}");
    }
    eprintln!("chartroom serve: connect with: {}", info.ssh_hint());
    let result = server.run_until_signal();
    close_store(services);
    ServerInfo::remove(dir);
    result?;
    eprintln!("chartroom serve: stopped");
    Ok(ExitCode::SUCCESS)
}

/// Lets the ended sessions' worker threads finish their last service call (each holds
/// the services until it returns), then closes the store before the process exits.
fn close_store(services: Arc<Services>) {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while Arc::strong_count(&services) > 1 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    if Arc::strong_count(&services) > 1 {
        tracing::warn!("shutdown: a session worker is still busy; exiting without waiting for it");
    }
    drop(services);
}

fn open_services(dir: &Path) -> Result<Services> {
    Services::open(dir, Arc::new(SystemClock)).map_err(|e| explain_open_error(dir, e))
}

/// Turns "the store is locked" into who holds it and how to connect; other errors keep
/// their own message.
pub fn explain_open_error(dir: &Path, error: ServiceError) -> anyhow::Error {
    if error.locked_path().is_some() {
        return anyhow::anyhow!(locked_message(dir));
    }
    anyhow::Error::new(error).context(format!("cannot open the data directory {}", dir.display()))
}

/// The "a server holds this directory" message for any error whose chain holds a
/// lock held by another process.
pub fn locked_hint(error: &anyhow::Error) -> Option<String> {
    error.chain().find_map(|cause| {
        let path = cause.downcast_ref::<ServiceError>()?.locked_path()?;
        Some(locked_message(path))
    })
}

fn locked_message(dir: &Path) -> String {
    match ServerInfo::read(dir) {
        Some(info) => format!(
            "the data directory {} is held by a running chartroom server (pid {}, listening on {}).\n\
             Connect to it with: {}\n\
             Admins manage users through it: {} users list | users disable NAME | users add NAME ROLE < KEY.pub | users add-key NAME < KEY.pub\n\
             (Stop the server first to run this command on the directory directly.)",
            dir.display(),
            info.pid,
            info.listen,
            info.ssh_hint(),
            info.ssh_hint().replace("USER@", "ADMIN@")
        ),
        None => format!(
            "the data directory {} is in use by another chartroom process; if it is a server, connect to it with ssh",
            dir.display()
        ),
    }
}
