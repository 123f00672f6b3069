//! Shared fixture of the SSH tests: a fresh data directory with a few patients and
//! users, an in-process server on a free loopback port, and client keys.

use chartroom_domain::{Mrn, Role, SystemClock};
use chartroom_services::{NewUser, Services};
use chartroom_ssh::{AppScreens, ServeOptions, Server};
use chartroom_ui::UiConfig;
use russh::keys::ssh_key::{Algorithm, LineEnding, PrivateKey};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct ClientKey {
    pub key: PrivateKey,
    /// The private key file (0600), for `ssh -i`.
    pub path: PathBuf,
    pub public_line: String,
}

fn client_key(dir: &Path, name: &str) -> ClientKey {
    let key = PrivateKey::random(&mut rand_ssh::rng(), Algorithm::Ed25519).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, key.to_openssh(LineEnding::LF).unwrap().as_bytes()).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let public_line = key.public_key().to_openssh().unwrap();
    std::fs::write(dir.join(format!("{name}.pub")), format!("{public_line}\n")).unwrap();
    ClientKey {
        key,
        path,
        public_line,
    }
}

pub struct Fixture {
    // Held so the directories live as long as the fixture (dropping removes them).
    #[allow(dead_code)]
    pub dir: tempfile::TempDir,
    #[allow(dead_code)]
    pub keys_dir: tempfile::TempDir,
    pub services: Arc<Services>,
    /// Registered for `clerk` and (a second key) for `clerk2`.
    pub clerk: ClientKey,
    pub clerk2: ClientKey,
    pub admin: ClientKey,
    /// Registered for nobody.
    pub stranger: ClientKey,
}

/// A data directory with patients Anna and Bob Smith, Carol Jones (restricted) and
/// users clerk, clerk2 (clerks) and boss (admin).
pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let keys_dir = tempfile::tempdir().unwrap();
    let services = Services::open(dir.path(), Arc::new(SystemClock)).unwrap();
    {
        let store = services.store_for_tests();
        let mut tx = store.write().unwrap();
        for (i, (given, family, restricted)) in [
            ("Anna", "Smith", false),
            ("Bob", "Smith", false),
            ("Carol", "Jones", true),
        ]
        .iter()
        .enumerate()
        {
            let id = tx.next_patient_id().unwrap();
            let mut p = chartroom_testkit::patient(given, family, (1960 + id.0 as i32, 3, 2));
            p.flags.restricted = *restricted;
            p.id = id;
            p.mrn = Mrn(100_000 + i as u32);
            tx.put_patient(&p).unwrap();
        }
        tx.commit().unwrap();
    }
    services.sync_index().unwrap();
    let clerk = client_key(keys_dir.path(), "clerk_ed25519");
    let clerk2 = client_key(keys_dir.path(), "clerk2_ed25519");
    let admin = client_key(keys_dir.path(), "boss_ed25519");
    let stranger = client_key(keys_dir.path(), "stranger_ed25519");
    let local = services.local_session("local-admin").unwrap();
    for (name, role, key) in [
        ("clerk", Role::Clerk, &clerk),
        ("clerk2", Role::Clerk, &clerk2),
        ("boss", Role::Admin, &admin),
    ] {
        services
            .add_user(
                &local,
                NewUser {
                    username: name.into(),
                    display_name: format!("{name} test"),
                    role,
                    department: "HIM".into(),
                    ssh_keys: vec![key.public_line.clone()],
                },
            )
            .unwrap();
    }
    Fixture {
        dir,
        keys_dir,
        services: Arc::new(services),
        clerk,
        clerk2,
        admin,
        stranger,
    }
}

pub fn start_server(fx: &Fixture, idle: Option<Duration>) -> Server {
    let mut options = ServeOptions::new("127.0.0.1:0".parse().unwrap());
    options.idle_logoff = idle;
    options.user_check = Duration::from_millis(200);
    let screens = AppScreens::new(UiConfig::builtin(true).unwrap());
    Server::start(fx.services.clone(), options, Arc::new(screens)).unwrap()
}

/// Polls `check` until it returns true or `timeout` passes; returns whether it did.
pub fn wait_until(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if check() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether a tool is on PATH; when missing, tests skip with a notice, except in CI.
pub fn have_tool(tool: &str) -> bool {
    let found = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{tool} is required in CI (install it in .ci/run)");
        }
        eprintln!("SKIPPED: {tool} not found on PATH");
    }
    found
}
