//! The SSH server with the real OpenSSH client inside tmux: what a clerk does.
//! Skips with a notice when tmux or ssh is missing, except in CI (CI=true) where it fails.

use super::ssh_common::{fixture, have_tool, start_server, wait_until};
use chartroom_domain::AccessAction;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const SCREEN_TIMEOUT: Duration = Duration::from_secs(15);

/// A private tmux server (its own socket), killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new() -> Tmux {
        static N: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "chartroom-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        Tmux { socket }
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A window of 80x24 running `command`; when it ends, its exit code stays readable.
    fn start(&self, window: &str, command: &str) {
        let shell = format!("{command}; echo SSH-EXIT=$?; sleep 600");
        if !self.has_session() {
            self.run(&[
                "new-session",
                "-d",
                "-s",
                "main",
                "-n",
                window,
                "-x",
                "80",
                "-y",
                "24",
                &shell,
            ]);
        } else {
            self.run(&["new-window", "-d", "-t", "main", "-n", window, &shell]);
        }
    }

    fn has_session(&self) -> bool {
        Command::new("tmux")
            .args(["-L", &self.socket, "has-session", "-t", "main"])
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    fn screen(&self, window: &str) -> String {
        self.run(&["capture-pane", "-p", "-t", &format!("main:{window}")])
    }

    fn keys(&self, window: &str, keys: &[&str]) {
        let target = format!("main:{window}");
        let mut args = vec!["send-keys", "-t", &target];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    fn text(&self, window: &str, text: &str) {
        let target = format!("main:{window}");
        self.run(&["send-keys", "-t", &target, "-l", text]);
    }

    fn wait_for(&self, window: &str, needle: &str) -> bool {
        wait_until(SCREEN_TIMEOUT, || self.screen(window).contains(needle))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .stderr(Stdio::null())
            .status();
    }
}

fn ssh_command(key: &Path, port: u16, user: &str) -> String {
    format!(
        "ssh -F /dev/null -i {} -p {port} -o IdentitiesOnly=yes -o BatchMode=yes \
         -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR {user}@127.0.0.1",
        key.display()
    )
}

fn widest_line(screen: &str) -> usize {
    screen
        .lines()
        .map(|l| l.trim_end().chars().count())
        .max()
        .unwrap_or(0)
}

fn tools() -> bool {
    have_tool("tmux") && have_tool("ssh")
}

#[test]
fn openssh_clerk_searches_opens_a_chart_resizes_and_quits() {
    if !tools() {
        return;
    }
    let fx = fixture();
    let server = start_server(&fx, None);
    let port = server.local_addr().port();
    let tmux = Tmux::new();
    tmux.start("a", &ssh_command(&fx.clerk.path, port, "clerk"));
    assert!(tmux.wait_for("a", "clerk (clerk)"), "{}", tmux.screen("a"));
    assert!(tmux.wait_for("a", "Find a patient"), "{}", tmux.screen("a"));
    assert_eq!(
        widest_line(&tmux.screen("a")),
        80,
        "pty size honoured: {}",
        tmux.screen("a")
    );
    tmux.text("a", "smith");
    assert!(tmux.wait_for("a", "2 found"), "{}", tmux.screen("a"));
    tmux.keys("a", &["Down", "Enter"]);
    assert!(tmux.wait_for("a", "Demographics"), "{}", tmux.screen("a"));
    assert!(
        tmux.screen("a").contains("Smith, Bob"),
        "{}",
        tmux.screen("a")
    );
    tmux.run(&["resize-window", "-t", "main:a", "-x", "100", "-y", "30"]);
    assert!(
        wait_until(SCREEN_TIMEOUT, || widest_line(&tmux.screen("a")) > 90),
        "{}",
        tmux.screen("a")
    );
    tmux.keys("a", &["Escape"]);
    // Esc and Ctrl-C in one packet would read as Alt-Ctrl-C: let the Esc land first.
    assert!(tmux.wait_for("a", "Find a patient"), "{}", tmux.screen("a"));
    tmux.keys("a", &["C-c"]);
    assert!(tmux.wait_for("a", "SSH-EXIT=0"), "{}", tmux.screen("a"));
    assert!(
        !tmux.screen("a").contains("Find a patient"),
        "the shell screen is back"
    );
    let opened = fx
        .services
        .store_for_tests()
        .read()
        .unwrap()
        .audit_events(0, 1000)
        .unwrap();
    assert!(opened
        .iter()
        .any(|e| e.event.action == AccessAction::OpenChart && e.event.username == "clerk"));
    server.shutdown().unwrap();
}

#[test]
fn openssh_wrong_key_is_refused() {
    if !have_tool("ssh") {
        return;
    }
    let fx = fixture();
    let server = start_server(&fx, None);
    let port = server.local_addr().port();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} true",
            ssh_command(&fx.stranger.path, port, "clerk")
                .replace("LogLevel=ERROR", "LogLevel=INFO")
        ))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(255), "{stderr}");
    assert!(stderr.contains("Permission denied (publickey)"), "{stderr}");
    server.shutdown().unwrap();
}

#[test]
fn openssh_two_sessions_at_once_and_idle_logoff() {
    if !tools() {
        return;
    }
    let fx = fixture();
    let server = start_server(&fx, Some(Duration::from_secs(3)));
    let port = server.local_addr().port();
    let tmux = Tmux::new();
    tmux.start("a", &ssh_command(&fx.clerk.path, port, "clerk"));
    tmux.start("b", &ssh_command(&fx.clerk2.path, port, "clerk2"));
    assert!(tmux.wait_for("a", "clerk (clerk)"), "{}", tmux.screen("a"));
    assert!(tmux.wait_for("b", "clerk2 (clerk)"), "{}", tmux.screen("b"));
    tmux.text("a", "jones");
    tmux.text("b", "smith");
    assert!(tmux.wait_for("a", "1 found"), "{}", tmux.screen("a"));
    assert!(tmux.wait_for("b", "2 found"), "{}", tmux.screen("b"));
    // Both now sit idle: each is logged off with a message, ssh exits 1.
    assert!(
        tmux.wait_for("a", "logged off after 3 seconds"),
        "{}",
        tmux.screen("a")
    );
    assert!(tmux.wait_for("a", "SSH-EXIT=1"), "{}", tmux.screen("a"));
    assert!(tmux.wait_for("b", "SSH-EXIT=1"), "{}", tmux.screen("b"));
    let events = fx
        .services
        .store_for_tests()
        .read()
        .unwrap()
        .audit_events(0, 1000)
        .unwrap();
    for user in ["clerk", "clerk2"] {
        let actions: Vec<_> = events
            .iter()
            .filter(|e| e.event.username == user)
            .map(|e| e.event.action)
            .collect();
        assert_eq!(
            actions.first(),
            Some(&AccessAction::Login),
            "{user}: {actions:?}"
        );
        assert_eq!(
            actions.last(),
            Some(&AccessAction::Logout),
            "{user}: {actions:?}"
        );
        assert!(
            actions.contains(&AccessAction::Search),
            "{user}: {actions:?}"
        );
    }
    server.shutdown().unwrap();
}
