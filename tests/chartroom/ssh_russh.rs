//! The SSH server driven by a russh client on loopback: login, search, open a chart,
//! resize, quit; refused keys; two sessions; idle logoff; disabled users; shutdown.

use super::ssh_common::{fixture, start_server, Fixture};
use chartroom_domain::AccessAction;
use russh::client::{self, Handle, Msg};
use russh::keys::{PrivateKey, PrivateKeyWithHashAlg};
use russh::{Channel, ChannelMsg};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

struct AnyHost;

impl client::Handler for AnyHost {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

async fn login(addr: SocketAddr, user: &str, key: &PrivateKey) -> (Handle<AnyHost>, bool) {
    let config = Arc::new(client::Config::default());
    let mut handle = client::connect(config, addr, AnyHost).await.unwrap();
    let auth = handle
        .authenticate_publickey(
            user,
            PrivateKeyWithHashAlg::new(Arc::new(key.clone()), None),
        )
        .await
        .unwrap();
    (handle, auth.success())
}

/// A client terminal: what the server sent, rendered.
struct Term {
    channel: Channel<Msg>,
    screen: vt100::Parser,
    exit_status: Option<u32>,
    closed: bool,
}

impl Term {
    async fn open(handle: &Handle<AnyHost>, cols: u16, rows: u16) -> Term {
        let channel = handle.channel_open_session().await.unwrap();
        channel
            .request_pty(true, "xterm-256color", cols.into(), rows.into(), 0, 0, &[])
            .await
            .unwrap();
        channel.request_shell(true).await.unwrap();
        Term {
            channel,
            screen: vt100::Parser::new(rows, cols, 0),
            exit_status: None,
            closed: false,
        }
    }

    fn text(&self) -> String {
        self.screen.screen().contents()
    }

    /// Reads until `check(screen)` holds (true) or 10 s pass / the channel closes (false).
    async fn wait_for(&mut self, check: impl Fn(&str) -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if check(&self.text()) {
                return true;
            }
            if self.closed {
                return false;
            }
            match tokio::time::timeout_at(deadline, self.channel.wait()).await {
                Err(_) => return false,
                Ok(None) | Ok(Some(ChannelMsg::Close)) => self.closed = true,
                Ok(Some(ChannelMsg::Data { data })) => self.screen.process(&data),
                Ok(Some(ChannelMsg::ExitStatus { exit_status })) => {
                    self.exit_status = Some(exit_status)
                }
                Ok(Some(_)) => {}
            }
        }
    }

    async fn wait_closed(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.closed {
            match tokio::time::timeout_at(deadline, self.channel.wait()).await {
                Err(_) => return false,
                Ok(None) | Ok(Some(ChannelMsg::Close)) => self.closed = true,
                Ok(Some(ChannelMsg::Data { data })) => self.screen.process(&data),
                Ok(Some(ChannelMsg::ExitStatus { exit_status })) => {
                    self.exit_status = Some(exit_status)
                }
                Ok(Some(_)) => {}
            }
        }
        true
    }

    async fn send(&self, bytes: &[u8]) {
        self.channel.data_bytes(bytes.to_vec()).await.unwrap();
    }
}

/// Runs `command` over `exec`; returns (exit status, stdout, stderr).
async fn exec(
    handle: &Handle<AnyHost>,
    command: &str,
    stdin: &[u8],
) -> (Option<u32>, String, String) {
    let mut channel = handle.channel_open_session().await.unwrap();
    channel.exec(true, command).await.unwrap();
    if !stdin.is_empty() {
        channel.data_bytes(stdin.to_vec()).await.unwrap();
    }
    channel.eof().await.unwrap();
    let (mut status, mut out, mut err) = (None, Vec::new(), Vec::new());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match tokio::time::timeout_at(deadline, channel.wait())
            .await
            .unwrap()
        {
            Some(ChannelMsg::Data { data }) => out.extend_from_slice(&data),
            Some(ChannelMsg::ExtendedData { data, .. }) => err.extend_from_slice(&data),
            Some(ChannelMsg::ExitStatus { exit_status }) => status = Some(exit_status),
            Some(ChannelMsg::Close) | None => break,
            Some(_) => {}
        }
    }
    (
        status,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

fn widest_line(screen: &str) -> usize {
    screen
        .lines()
        .map(|l| l.trim_end().chars().count())
        .max()
        .unwrap_or(0)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn audit_of(fx: &Fixture) -> Vec<chartroom_domain::AccessEvent> {
    fx.services
        .store_for_tests()
        .read()
        .unwrap()
        .audit_events(0, 10_000)
        .unwrap()
}

#[test]
fn search_open_resize_quit_and_every_step_is_audited() {
    let fx = fixture();
    let server = start_server(&fx, None);
    let addr = server.local_addr();
    runtime().block_on(async {
        let (handle, ok) = login(addr, "clerk", &fx.clerk.key).await;
        assert!(ok, "the clerk's key is accepted");
        let mut term = Term::open(&handle, 80, 24).await;
        assert!(
            term.wait_for(|s| s.contains("Find a patient") && s.contains("clerk (clerk)"))
                .await,
            "{}",
            term.text()
        );
        term.send(b"smith").await; // search as you type
        assert!(
            term.wait_for(|s| s.contains("2 found")).await,
            "{}",
            term.text()
        );
        assert!(term.text().contains("Smith, Anna"));
        term.send(b"\r").await;
        assert!(
            term.wait_for(|s| s.contains("Demographics") && s.contains("MRN"))
                .await,
            "{}",
            term.text()
        );
        assert!(widest_line(&term.text()) <= 80);
        term.channel.window_change(100, 30, 0, 0).await.unwrap();
        term.screen.screen_mut().set_size(30, 100);
        assert!(
            term.wait_for(|s| widest_line(s) > 90).await,
            "redrawn at 100x30: {}",
            term.text()
        );
        term.send(b"\x03").await; // Ctrl-C ends this session, never the server
        assert!(term.wait_closed().await);
        assert_eq!(term.exit_status, Some(0));
    });
    let events = audit_of(&fx);
    let ssh_events: Vec<_> = events
        .iter()
        .filter(|e| e.event.username == "clerk")
        .collect();
    let actions: Vec<_> = ssh_events.iter().map(|e| e.event.action).collect();
    assert_eq!(actions.first(), Some(&AccessAction::Login), "{actions:?}");
    assert_eq!(actions.last(), Some(&AccessAction::Logout), "{actions:?}");
    assert!(
        actions.contains(&AccessAction::Search) && actions.contains(&AccessAction::OpenChart),
        "{actions:?}"
    );
    for e in &ssh_events {
        assert!(
            e.event.session.starts_with("ssh-"),
            "session id {}",
            e.event.session
        );
        assert!(
            e.event.client.starts_with("127.0.0.1:"),
            "client {}",
            e.event.client
        );
        assert_eq!(e.event.session, ssh_events[0].event.session);
    }
    // The server is still up for the next clerk.
    runtime().block_on(async {
        let (_handle, ok) = login(addr, "clerk2", &fx.clerk2.key).await;
        assert!(ok);
    });
    server.shutdown().unwrap();
}

#[test]
fn wrong_keys_unknown_users_and_passwords_are_refused() {
    let fx = fixture();
    let server = start_server(&fx, None);
    let addr = server.local_addr();
    runtime().block_on(async {
        assert!(
            !login(addr, "clerk", &fx.stranger.key).await.1,
            "unregistered key"
        );
        assert!(
            !login(addr, "boss", &fx.clerk.key).await.1,
            "another user's key"
        );
        assert!(
            !login(addr, "nobody", &fx.clerk.key).await.1,
            "unknown user"
        );
        let config = Arc::new(client::Config::default());
        let mut handle = client::connect(config, addr, AnyHost).await.unwrap();
        let auth = handle
            .authenticate_password("clerk", "secret")
            .await
            .unwrap();
        assert!(!auth.success(), "passwords are refused");
    });
    assert!(audit_of(&fx)
        .iter()
        .all(|e| e.event.action != AccessAction::Login));
    server.shutdown().unwrap();
}

#[test]
fn two_sessions_at_once_both_work_and_both_are_audited() {
    let fx = fixture();
    let server = start_server(&fx, None);
    let addr = server.local_addr();
    runtime().block_on(async {
        let (h1, ok1) = login(addr, "clerk", &fx.clerk.key).await;
        let (h2, ok2) = login(addr, "clerk2", &fx.clerk2.key).await;
        assert!(ok1 && ok2);
        let mut a = Term::open(&h1, 80, 24).await;
        let mut b = Term::open(&h2, 100, 30).await;
        assert!(
            a.wait_for(|s| s.contains("clerk (clerk)")).await,
            "{}",
            a.text()
        );
        assert!(
            b.wait_for(|s| s.contains("clerk2 (clerk)")).await,
            "{}",
            b.text()
        );
        assert!(
            widest_line(&b.text()) > 90,
            "pty size honoured: {}",
            b.text()
        );
        a.send(b"jones").await;
        b.send(b"smith").await;
        assert!(a.wait_for(|s| s.contains("1 found")).await, "{}", a.text());
        assert!(b.wait_for(|s| s.contains("2 found")).await, "{}", b.text());
        // The restricted chart asks for a reason first.
        a.send(b"\r").await;
        assert!(
            a.wait_for(|s| s.contains("Break the glass")).await,
            "{}",
            a.text()
        );
        a.send(b"covering the ward\r").await;
        assert!(
            a.wait_for(|s| s.contains("Demographics")).await,
            "{}",
            a.text()
        );
        a.send(b"\x03").await;
        b.send(b"\x03").await;
        assert!(a.wait_closed().await && b.wait_closed().await);
    });
    let events = audit_of(&fx);
    let sessions_of = |user: &str| -> Vec<String> {
        events
            .iter()
            .filter(|e| e.event.username == user)
            .map(|e| e.event.session.clone())
            .collect()
    };
    let (s1, s2) = (sessions_of("clerk"), sessions_of("clerk2"));
    assert!(!s1.is_empty() && !s2.is_empty());
    assert_ne!(s1[0], s2[0], "each session has its own id");
    let glass = events
        .iter()
        .find(|e| e.event.action == AccessAction::BreakGlass)
        .expect("break-glass audited");
    assert_eq!(glass.event.username, "clerk");
    assert!(glass.event.flagged && glass.event.reason.is_some());
    server.shutdown().unwrap();
}

#[test]
fn an_idle_session_is_logged_off_with_a_message() {
    let fx = fixture();
    let server = start_server(&fx, Some(Duration::from_millis(1500)));
    let addr = server.local_addr();
    runtime().block_on(async {
        let (handle, ok) = login(addr, "clerk", &fx.clerk.key).await;
        assert!(ok);
        let mut term = Term::open(&handle, 80, 24).await;
        assert!(
            term.wait_for(|s| s.contains("clerk (clerk)")).await,
            "{}",
            term.text()
        );
        term.send(b"smi").await; // activity postpones the logoff
        assert!(
            term.wait_for(|s| s.contains("logged off after")).await,
            "{}",
            term.text()
        );
        assert!(
            !term.text().contains("Find a patient"),
            "the app's screen is gone"
        );
        assert!(term.wait_closed().await);
        assert_eq!(term.exit_status, Some(1));
    });
    let logout = audit_of(&fx)
        .into_iter()
        .find(|e| e.event.action == AccessAction::Logout)
        .unwrap();
    assert!(
        logout.event.detail.contains("idle"),
        "{}",
        logout.event.detail
    );
    server.shutdown().unwrap();
}

#[test]
fn disabling_a_user_ends_their_session_and_refuses_the_next_login() {
    let fx = fixture();
    let server = start_server(&fx, None);
    let addr = server.local_addr();
    runtime().block_on(async {
        let (handle, ok) = login(addr, "clerk", &fx.clerk.key).await;
        assert!(ok);
        let mut term = Term::open(&handle, 80, 24).await;
        assert!(
            term.wait_for(|s| s.contains("clerk (clerk)")).await,
            "{}",
            term.text()
        );
        let services = fx.services.clone();
        tokio::task::spawn_blocking(move || {
            let admin = services.local_session("local-admin").unwrap();
            services.disable_user(&admin, "clerk").unwrap();
        })
        .await
        .unwrap();
        assert!(
            term.wait_for(|s| s.contains("disabled")).await,
            "{}",
            term.text()
        );
        assert!(term.wait_closed().await);
        assert!(!login(addr, "clerk", &fx.clerk.key).await.1);
    });
    server.shutdown().unwrap();
}

#[test]
fn shutdown_tells_open_sessions_and_leaves_the_audit_chain_intact() {
    let fx = fixture();
    let server = start_server(&fx, None);
    let addr = server.local_addr();
    let rt = runtime();
    let (mut term, handle) = rt.block_on(async {
        let (handle, ok) = login(addr, "clerk", &fx.clerk.key).await;
        assert!(ok);
        let mut term = Term::open(&handle, 80, 24).await;
        assert!(term.wait_for(|s| s.contains("clerk (clerk)")).await);
        (term, handle)
    });
    let stopper = std::thread::spawn(move || server.shutdown());
    rt.block_on(async {
        assert!(
            term.wait_for(|s| s.contains("shutting down")).await,
            "{}",
            term.text()
        );
        assert!(term.wait_closed().await);
    });
    drop((term, handle)); // the client leaves, as OpenSSH does once its channel closed
    stopper.join().unwrap().unwrap();
    let chain = fx.services.store_for_tests().check_audit_chain().unwrap();
    assert!(
        matches!(chain, chartroom_store::ChainCheck::Intact { .. }),
        "{chain:?}"
    );
    let logout = audit_of(&fx)
        .into_iter()
        .find(|e| e.event.action == AccessAction::Logout)
        .unwrap();
    assert!(logout.event.detail.contains("shutdown"));
}

#[test]
fn admins_manage_the_roster_over_ssh_while_the_server_holds_the_store() {
    let fx = fixture();
    let server = start_server(&fx, None);
    let addr = server.local_addr();
    runtime().block_on(async {
        let (clerk, ok) = login(addr, "clerk", &fx.clerk.key).await;
        assert!(ok);
        let mut term = Term::open(&clerk, 80, 24).await;
        assert!(
            term.wait_for(|s| s.contains("clerk (clerk)")).await,
            "{}",
            term.text()
        );

        // A clerk may not; other commands are refused for everyone.
        let (status, _, err) = exec(&clerk, "users disable clerk2", b"").await;
        assert_eq!(status, Some(1));
        assert!(err.contains("may not"), "{err}");
        let (status, _, err) = exec(&clerk, "cat /etc/passwd", b"").await;
        assert_eq!(status, Some(1));
        assert!(err.contains("runs no commands"), "{err}");

        let (admin, ok) = login(addr, "boss", &fx.admin.key).await;
        assert!(ok);
        let new_key = format!("{}\n", fx.stranger.public_line);
        let (status, out, err) = exec(&admin, "users add newbie roi", new_key.as_bytes()).await;
        assert_eq!(status, Some(0), "{err}");
        assert!(out.contains("added newbie"), "{out}");
        let (status, out, _) = exec(&admin, "users list", b"").await;
        assert_eq!(status, Some(0));
        assert!(
            out.lines()
                .any(|l| l.starts_with("newbie") && l.contains("roi")),
            "{out}"
        );
        assert!(
            login(addr, "newbie", &fx.stranger.key).await.1,
            "the added user logs in"
        );

        let (status, out, err) = exec(&admin, "users disable clerk", b"").await;
        assert_eq!(status, Some(0), "{err}");
        assert!(out.contains("disabled clerk"), "{out}");
        assert!(
            term.wait_for(|s| s.contains("disabled")).await,
            "{}",
            term.text()
        );
        assert!(term.wait_closed().await);
    });
    server.shutdown().unwrap();
}

#[test]
fn a_dropped_connection_frees_its_session() {
    let fx = fixture();
    let server = start_server(&fx, None);
    let addr = server.local_addr();
    let rt = runtime();
    rt.block_on(async {
        for _ in 0..3 {
            let (handle, ok) = login(addr, "clerk", &fx.clerk.key).await;
            assert!(ok);
            let mut term = Term::open(&handle, 80, 24).await;
            assert!(
                term.wait_for(|s| s.contains("clerk (clerk)")).await,
                "{}",
                term.text()
            );
            drop(term);
            drop(handle); // no quit, no eof: the TCP connection just goes away
        }
    });
    drop(rt);
    assert!(
        super::ssh_common::wait_until(Duration::from_secs(10), || server.open_sessions() == 0),
        "sessions still open: {}",
        server.open_sessions()
    );
    let events = audit_of(&fx);
    let logouts = events
        .iter()
        .filter(|e| e.event.action == AccessAction::Logout)
        .count();
    assert_eq!(logouts, 3, "each dropped session is logged out");
    server.shutdown().unwrap();
}
