//! Load measurement (ignored by default; run with
//! `cargo test --release --test chartroom ssh_load -- --ignored --nocapture`): a `chartroom serve`
//! process on a generated population, 20 concurrent SSH sessions typing searches.
//! Prints `name value unit` lines: keystroke-to-screen p50/p99 (the typed character
//! is on the client's screen) and server RSS with 0, 1 and 20 sessions.

use super::ssh_common::wait_until;
use russh::client::{self, Handle, Msg};
use russh::keys::ssh_key::{Algorithm, LineEnding, PrivateKey};
use russh::keys::PrivateKeyWithHashAlg;
use russh::{Channel, ChannelMsg};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SESSIONS: usize = 20;
const QUERIES: [&str; 6] = ["smith", "garcia", "johnson", "lee", "martinez", "brown"];

struct AnyHost;

impl client::Handler for AnyHost {
    type Error = russh::Error;
    async fn check_server_key(
        &mut self,
        _: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

struct Term {
    _handle: Handle<AnyHost>,
    channel: Channel<Msg>,
    screen: vt100::Parser,
}

impl Term {
    async fn open(port: u16, key: Arc<PrivateKey>, user: &str) -> Term {
        let config = Arc::new(client::Config::default());
        let mut handle = client::connect(config, ("127.0.0.1", port), AnyHost)
            .await
            .unwrap();
        let auth = handle
            .authenticate_publickey(user, PrivateKeyWithHashAlg::new(key, None))
            .await
            .unwrap();
        assert!(auth.success());
        let channel = handle.channel_open_session().await.unwrap();
        channel
            .request_pty(true, "xterm", 80, 24, 0, 0, &[])
            .await
            .unwrap();
        channel.request_shell(true).await.unwrap();
        let mut term = Term {
            _handle: handle,
            channel,
            screen: vt100::Parser::new(24, 80, 0),
        };
        assert!(term.wait_for(|s| s.contains("Find a patient")).await);
        term
    }

    async fn wait_for(&mut self, check: impl Fn(&str) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            if check(&self.screen.screen().contents()) {
                return true;
            }
            match tokio::time::timeout_at(deadline, self.channel.wait()).await {
                Ok(Some(ChannelMsg::Data { data })) => self.screen.process(&data),
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => return false,
            }
        }
    }

    /// Types `query` one key at a time; returns each key's time to appear on screen.
    async fn type_query(&mut self, query: &str) -> Vec<Duration> {
        let mut times = Vec::new();
        for (i, c) in query.char_indices() {
            let typed = format!("> {}", &query[..i + c.len_utf8()]);
            let start = Instant::now();
            self.channel
                .data_bytes(c.to_string().into_bytes())
                .await
                .unwrap();
            assert!(
                self.wait_for(|s| s.contains(&typed)).await,
                "{typed} never shown"
            );
            times.push(start.elapsed());
        }
        self.channel.data_bytes(vec![0x15]).await.unwrap(); // ctrl-u clears the line
        assert!(
            self.wait_for(|s| !s.contains(&format!("> {}", &query[..1])))
                .await
        );
        times
    }
}

fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn rss_kib(pid: u32) -> u64 {
    status_kib(pid, "VmRSS:")
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[test]
#[ignore = "load measurement: run explicitly (see the module doc)"]
fn twenty_sessions_typing_searches() {
    let bin = env!("CARGO_BIN_EXE_chartroom");
    let tmp = tempfile::tempdir().unwrap();
    // CHARTROOM_LOAD_DATA: an existing population (a 1M-patient one for the scale
    // figures) instead of generating CHARTROOM_LOAD_PATIENTS charts.
    let dir = match std::env::var_os("CHARTROOM_LOAD_DATA") {
        Some(existing) => std::path::PathBuf::from(existing),
        None => {
            let dir = tmp.path().join("data");
            let patients =
                std::env::var("CHARTROOM_LOAD_PATIENTS").unwrap_or_else(|_| "5000".into());
            let status = Command::new(bin)
                .args(["generate", "--patients", &patients, "--seed", "5", "--data"])
                .arg(&dir)
                .stderr(Stdio::null())
                .status()
                .unwrap();
            assert!(status.success());
            dir
        }
    };
    // A user of its own per run, so an existing population can be measured again.
    let user = format!("loadclerk{}", std::process::id());
    let key = PrivateKey::random(&mut rand_ssh::rng(), Algorithm::Ed25519).unwrap();
    let pub_path = tmp.path().join("load.pub");
    std::fs::write(&pub_path, key.public_key().to_openssh().unwrap()).unwrap();
    let _ = key.to_openssh(LineEnding::LF).unwrap();
    let status = Command::new(bin)
        .args(["users", "add", &user, "--role", "clerk", "--key"])
        .arg(&pub_path)
        .arg("--data")
        .arg(&dir)
        .status()
        .unwrap();
    assert!(status.success());

    let mut server = Command::new(bin)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(&dir)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let info = dir.join("server.json");
    assert!(wait_until(Duration::from_secs(60), || info.exists()));
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&info).unwrap()).unwrap();
    let port: u16 = info["listen"]
        .as_str()
        .unwrap()
        .rsplit_once(':')
        .unwrap()
        .1
        .parse()
        .unwrap();
    let pid = server.id();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let key = Arc::new(key);
    std::thread::sleep(Duration::from_millis(500));
    let rss0 = rss_kib(pid);
    let (rss1, rss20, mut times) = rt.block_on(async {
        let mut first = Term::open(port, key.clone(), &user).await;
        first.type_query("smith").await;
        let rss1 = rss_kib(pid);
        let mut terms = vec![first];
        for _ in 1..SESSIONS {
            terms.push(Term::open(port, key.clone(), &user).await);
        }
        let tasks: Vec<_> = terms
            .into_iter()
            .enumerate()
            .map(|(i, mut term)| {
                tokio::spawn(async move {
                    let mut times = Vec::new();
                    for round in 0..3 {
                        let q = QUERIES[(i + round) % QUERIES.len()];
                        times.extend(term.type_query(q).await);
                    }
                    (term, times)
                })
            })
            .collect();
        let mut all = Vec::new();
        let mut terms = Vec::new();
        for t in tasks {
            let (term, times) = t.await.unwrap();
            all.extend(times);
            terms.push(term);
        }
        let rss20 = rss_kib(pid);
        // What the resident memory is: the process's own heap, or pages of the mapped
        // index files (the kernel may drop those under pressure).
        println!(
            "ssh_rss_anon_20_sessions {:.1} MB",
            status_kib(pid, "RssAnon:") as f64 / 1024.0
        );
        println!(
            "ssh_rss_file_20_sessions {:.1} MB",
            status_kib(pid, "RssFile:") as f64 / 1024.0
        );
        println!(
            "ssh_rss_peak {:.1} MB",
            status_kib(pid, "VmHWM:") as f64 / 1024.0
        );
        drop(terms);
        (rss1, rss20, all)
    });
    times.sort();
    println!("ssh_keystroke_p50 {:.1} ms", percentile(&times, 0.50));
    println!("ssh_keystroke_p99 {:.1} ms", percentile(&times, 0.99));
    println!("ssh_keystrokes {} count", times.len());
    println!("ssh_rss_0_sessions {:.1} MB", rss0 as f64 / 1024.0);
    println!("ssh_rss_1_session {:.1} MB", rss1 as f64 / 1024.0);
    println!(
        "ssh_rss_{SESSIONS}_sessions {:.1} MB",
        rss20 as f64 / 1024.0
    );
    println!(
        "ssh_rss_per_extra_session {:.2} MB",
        (rss20.saturating_sub(rss1)) as f64 / 1024.0 / (SESSIONS - 1) as f64
    );
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let status = server.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}
