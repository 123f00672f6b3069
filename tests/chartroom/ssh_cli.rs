//! `chartroom serve` and `chartroom users` as a team runs them: generate, add users with
//! keys made by ssh-keygen, serve, see other commands point at the server, connect with
//! OpenSSH, SIGTERM (sessions told, exit 0), verify.

use super::ssh_common::{have_tool, wait_until};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn chartroom() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chartroom"));
    cmd.env("USER", "tester").env("NO_COLOR", "1");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().unwrap()
}

fn ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn keygen(path: &Path) {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f"])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn users_serve_locked_hint_openssh_sigterm_verify() {
    if !have_tool("ssh") || !have_tool("ssh-keygen") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    ok(chartroom()
        .args(["generate", "--patients", "60", "--seed", "3", "--data"])
        .arg(&dir));
    let key = tmp.path().join("clerk_key");
    keygen(&key);

    // users add / list / refusals
    let bad = tmp.path().join("bad.pub");
    std::fs::write(&bad, "ssh-ed25519 not-base64!\n").unwrap();
    let out = run(chartroom()
        .args(["users", "add", "eve", "--role", "clerk", "--key"])
        .arg(&bad)
        .arg("--data")
        .arg(&dir));
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not an OpenSSH public key"),
        "{out:?}"
    );
    let out = run(chartroom()
        .args(["users", "add", "eve", "--role", "nurse", "--key"])
        .arg(key.with_extension("pub"))
        .arg("--data")
        .arg(&dir));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown role"),
        "{out:?}"
    );
    let added = ok(chartroom()
        .args([
            "users",
            "add",
            "mgarcia",
            "--role",
            "clerk",
            "--display",
            "Maria Garcia",
            "--key",
        ])
        .arg(key.with_extension("pub"))
        .arg("--data")
        .arg(&dir));
    assert!(added.contains("added mgarcia"), "{added}");
    // A generated roster entry gets its first key.
    let admin_key = tmp.path().join("admin_key");
    keygen(&admin_key);
    let out = ok(chartroom()
        .args(["users", "add-key", "admin", "--key"])
        .arg(admin_key.with_extension("pub"))
        .arg("--data")
        .arg(&dir));
    assert!(out.contains("admin now has 1 key(s)"), "{out}");
    let listed = ok(chartroom().args(["users", "list", "--data"]).arg(&dir));
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("mgarcia") && l.contains("clerk") && l.contains("active")),
        "{listed}"
    );

    // serve on a free port; server.json tells where
    let mut server = chartroom()
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let info_path = dir.join("server.json");
    assert!(
        wait_until(Duration::from_secs(30), || info_path.exists()),
        "server.json never appeared"
    );
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&info_path).unwrap()).unwrap();
    let listen = info["listen"].as_str().unwrap().to_string();
    let port = listen.rsplit_once(':').unwrap().1.to_string();
    assert_eq!(info["pid"].as_u64(), Some(u64::from(server.id())));

    // While it runs, other commands name the directory and how to connect.
    for args in [&["users", "list"][..], &["tui"][..], &["reindex"][..]] {
        let out = run(chartroom().args(args).arg("--data").arg(&dir));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr.contains("held by a running chartroom server"),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains(&format!("ssh -p {port} USER@127.0.0.1")),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains(&dir.display().to_string()),
            "{args:?}: {stderr}"
        );
    }

    // An admin manages the roster through the server.
    let out = run(Command::new("ssh")
        .args(["-F", "/dev/null", "-i"])
        .arg(&admin_key)
        .args([
            "-p",
            &port,
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
        ])
        .args([
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
        ])
        .args(["admin@127.0.0.1", "users", "list"]));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stdout.lines().any(|l| l.starts_with("mgarcia")), "{stdout}");

    // A clerk connects (OpenSSH, forced pty) and is there when the server stops.
    let mut ssh = Command::new("ssh")
        .args(["-tt", "-F", "/dev/null", "-i"])
        .arg(&key)
        .args([
            "-p",
            &port,
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
        ])
        .args([
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
        ])
        .arg("mgarcia@127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ssh_out = ssh.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        let _ = ssh_out.read_to_end(&mut all);
        String::from_utf8_lossy(&all).into_owned()
    });
    // The store is held by the server (`audit` cannot open it): wait for the server's
    // log line of the session instead.
    let login_seen = wait_until(Duration::from_secs(15), || {
        std::fs::read_dir(dir.join("logs"))
            .map(|entries| {
                entries.flatten().any(|e| {
                    std::fs::read_to_string(e.path())
                        .map(|t| t.contains("session start"))
                        .unwrap_or(false)
                })
            })
            .unwrap_or(false)
    });
    assert!(login_seen, "the session never started");

    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.wait().unwrap();
    let mut stderr = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(0), "serve exits 0 on SIGTERM: {stderr}");
    assert!(stderr.contains("host key fingerprint SHA256:"), "{stderr}");
    assert!(stderr.contains("stopped"), "{stderr}");
    assert!(!info_path.exists(), "server.json removed at shutdown");

    let ssh_status = ssh.wait().unwrap();
    let screen = reader.join().unwrap();
    assert!(screen.contains("server is shutting down"), "{screen}");
    assert_eq!(ssh_status.code(), Some(1));

    let verified = ok(chartroom().args(["verify", "--data"]).arg(&dir));
    assert!(verified.contains("ok   audit chain"), "{verified}");
    let audit = ok(chartroom()
        .args(["audit", "--limit", "20", "--data"])
        .arg(&dir));
    assert!(
        audit
            .lines()
            .any(|l| l.contains("mgarcia") && l.contains("login")),
        "{audit}"
    );
    assert!(
        audit.lines().any(|l| l.contains("mgarcia")
            && l.contains("logout")
            && l.contains("server shutdown")),
        "{audit}"
    );
}
