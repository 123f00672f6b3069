//! One session channel's task: waits for the pty and shell requests, then runs one
//! user's app until they quit, disconnect, idle out, get disabled or the server stops.

use super::admin;
use super::handler::Shared;
use super::input::InputParser;
use super::screen::{Flow, SessionScreen, Wake};
use anyhow::Context;
use chartroom_domain::StaffUser;
use chartroom_services::Session;
use chartroom_term::ChannelBackend;
use ratatui::{Terminal, TerminalOptions, Viewport};
use russh::server::Msg;
use russh::{Channel, ChannelMsg, ChannelWriteHalf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Longest wait for the client to accept a screen's worth of bytes; a client that
/// stops reading for this long is treated as gone.
const SEND_TIMEOUT: Duration = Duration::from_secs(20);
/// How often the app is told the time (clock in the status bar, status figures).
const TICK: Duration = Duration::from_secs(1);

pub(super) struct ChannelStart {
    pub user: StaffUser,
    pub client: String,
}

/// Why a session ended (also the audit detail of its logout event).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    Quit,
    Disconnected,
    Idle,
    Disabled,
    Shutdown,
}

impl End {
    fn code(self) -> &'static str {
        match self {
            End::Quit => "quit",
            End::Disconnected => "disconnected",
            End::Idle => "idle logoff",
            End::Disabled => "user disabled",
            End::Shutdown => "server shutdown",
        }
    }
}

/// Counts the session as open while alive, so shutdown can wait for it.
struct OpenSession<'a>(&'a Shared);

impl<'a> OpenSession<'a> {
    fn new(shared: &'a Shared) -> Self {
        shared.open_sessions.fetch_add(1, Ordering::SeqCst);
        shared.sessions_changed.notify_waiters();
        OpenSession(shared)
    }
}

impl Drop for OpenSession<'_> {
    fn drop(&mut self) {
        self.0.open_sessions.fetch_sub(1, Ordering::SeqCst);
        self.0.sessions_changed.notify_waiters();
    }
}

pub(super) async fn run_channel(shared: Arc<Shared>, channel: Channel<Msg>, start: ChannelStart) {
    let _open = OpenSession::new(&shared);
    if let Err(e) = serve_channel(&shared, channel, start).await {
        tracing::debug!(error = %format!("{e:#}"), "ssh session ended with an error");
    }
}

async fn serve_channel(
    shared: &Shared,
    channel: Channel<Msg>,
    start: ChannelStart,
) -> anyhow::Result<()> {
    let (mut read, write) = channel.split();
    let mut size: Option<(u16, u16)> = None;
    loop {
        match read.wait().await {
            Some(ChannelMsg::RequestPty {
                col_width,
                row_height,
                ..
            }) => {
                size = Some((clamp(col_width), clamp(row_height)));
            }
            Some(ChannelMsg::WindowChange {
                col_width,
                row_height,
                ..
            }) => {
                size = Some((clamp(col_width), clamp(row_height)));
            }
            Some(ChannelMsg::RequestShell { .. }) => break,
            Some(ChannelMsg::Exec { command, .. }) => {
                return match admin::parse(&command) {
                    Some(command) => {
                        let session = new_session(shared, &start);
                        tracing::info!(user = session.user.id.0, session = %session.id, "admin command");
                        admin::run(shared, &session, command, &mut read, &write).await
                    }
                    None => {
                        refuse(
                            &write,
                            "chartroom runs no commands over ssh except `users list`, `users disable NAME`, \
                             `users add NAME ROLE < KEY.pub` and `users add-key NAME < KEY.pub` (admins); connect without a command for the screens",
                        )
                        .await
                    }
                };
            }
            Some(ChannelMsg::Eof | ChannelMsg::Close) | None => return Ok(()),
            Some(_) => {}
        }
    }
    let Some((cols, rows)) = size else {
        return refuse(
            &write,
            "chartroom needs a terminal: connect with plain `ssh` (not `ssh -T`)",
        )
        .await;
    };

    let services = shared.services.clone();
    let session = new_session(shared, &start);
    tokio::task::block_in_place(|| services.record_login(&session))?;
    tracing::info!(user = session.user.id.0, session = %session.id, "session start");

    let woken = Arc::new(Notify::new());
    let wake: Wake = {
        let woken = woken.clone();
        Arc::new(move || woken.notify_one())
    };
    let mut screen = shared
        .screens
        .open(services.clone(), session.clone(), (cols, rows), wake);
    let mut terminal = Terminal::with_options(
        ChannelBackend::new(cols, rows),
        TerminalOptions {
            viewport: Viewport::Fullscreen,
        },
    )
    .context("terminal")?;
    terminal.backend_mut().enter_screen().context("terminal")?;
    let end = match session_loop(
        shared,
        &mut read,
        &write,
        &mut terminal,
        screen.as_mut(),
        &woken,
        &session,
    )
    .await
    {
        Ok(end) => end,
        Err(e) => {
            tracing::debug!(error = %format!("{e:#}"), "session i/o");
            End::Disconnected
        }
    };
    drop(screen);
    tracing::info!(user = session.user.id.0, session = %session.id, why = end.code(), "session end");
    if let Err(e) = tokio::task::block_in_place(|| services.record_logout(&session, end.code())) {
        tracing::error!(error = %e, session = %session.id, "cannot audit the logout");
    }
    if end != End::Disconnected {
        let message = match end {
            End::Idle => format!(
                "chartroom: logged off after {} of inactivity. Connect again to continue.",
                describe(shared.options.idle_logoff.unwrap_or_default())
            ),
            End::Disabled => "chartroom: your account has been disabled; this session has ended.".into(),
            End::Shutdown => "chartroom: the server is shutting down; this session has ended. Connect again later.".into(),
            _ => String::new(),
        };
        let message = (!message.is_empty()).then_some(message);
        terminal
            .backend_mut()
            .leave_screen(message.as_deref())
            .context("terminal")?;
        send(&write, terminal.backend().take_output()).await?;
        let status = if end == End::Quit { 0 } else { 1 };
        let _ = write.exit_status(status).await;
        let _ = write.eof().await;
        let _ = write.close().await;
    }
    Ok(())
}

/// A new session of `start.user`, with an id unique in this server's life and in the
/// audit trail (pid + counter + start time).
fn new_session(shared: &Shared, start: &ChannelStart) -> Session {
    let number = shared.next_session.fetch_add(1, Ordering::SeqCst);
    Session {
        id: format!(
            "ssh-{}-{number}-{}",
            std::process::id(),
            shared.services.now().timestamp_micros()
        ),
        client: start.client.clone(),
        user: start.user.clone(),
    }
}

async fn session_loop(
    shared: &Shared,
    read: &mut russh::ChannelReadHalf,
    write: &ChannelWriteHalf<Msg>,
    terminal: &mut Terminal<ChannelBackend>,
    screen: &mut dyn SessionScreen,
    woken: &Notify,
    session: &Session,
) -> anyhow::Result<End> {
    let services = shared.services.clone();
    let mut parser = InputParser::default();
    let mut stopping = shared.stopping.clone();
    let mut user_check = tokio::time::interval(shared.options.user_check);
    user_check.tick().await;
    let mut clock = tokio::time::interval(TICK);
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    clock.tick().await;
    let mut last_input = Instant::now();
    redraw(terminal, screen, write).await?;
    loop {
        let idle_deadline = shared.options.idle_logoff.map(|d| last_input + d);
        tokio::select! {
            msg = read.wait() => match msg {
                Some(ChannelMsg::Data { data }) => {
                    last_input = Instant::now();
                    for key in parser.feed(&data) {
                        if tokio::task::block_in_place(|| screen.key(key)) == Flow::Quit {
                            return Ok(End::Quit);
                        }
                    }
                    redraw(terminal, screen, write).await?;
                }
                Some(ChannelMsg::WindowChange { col_width, row_height, .. }) => {
                    let (cols, rows) = (clamp(col_width), clamp(row_height));
                    terminal.backend_mut().set_size(cols, rows);
                    screen.resize(cols, rows);
                    redraw(terminal, screen, write).await?;
                }
                Some(ChannelMsg::Eof | ChannelMsg::Close) | None => return Ok(End::Disconnected),
                Some(_) => {}
            },
            _ = woken.notified() => {
                if tokio::task::block_in_place(|| screen.poll()) == Flow::Quit {
                    return Ok(End::Quit);
                }
                redraw(terminal, screen, write).await?;
            }
            _ = clock.tick() => {
                if tokio::task::block_in_place(|| screen.tick()) == Flow::Quit {
                    return Ok(End::Quit);
                }
                redraw(terminal, screen, write).await?;
            }
            _ = sleep_until(idle_deadline) => return Ok(End::Idle),
            _ = user_check.tick() => {
                let active = tokio::task::block_in_place(|| services.user_is_active(session.user.id));
                // A store error is not a reason to throw a clerk out; the next check retries.
                if matches!(active, Ok(false)) {
                    return Ok(End::Disabled);
                }
            }
            _ = stopped(&mut stopping) => return Ok(End::Shutdown),
        }
    }
}

/// Resolves once the server is stopping (the watch `Ref` must not live across awaits:
/// it is not `Send`).
async fn stopped(stopping: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await.map(|_| ());
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

async fn redraw(
    terminal: &mut Terminal<ChannelBackend>,
    screen: &mut dyn SessionScreen,
    write: &ChannelWriteHalf<Msg>,
) -> anyhow::Result<()> {
    terminal.draw(|frame| screen.draw(frame)).context("draw")?;
    send(write, terminal.backend().take_output()).await
}

async fn send(write: &ChannelWriteHalf<Msg>, bytes: Vec<u8>) -> anyhow::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    tokio::time::timeout(SEND_TIMEOUT, write.data_bytes(bytes))
        .await
        .context("client stopped reading")?
        .context("send")?;
    Ok(())
}

/// Tells a client without a usable terminal why, and closes with status 1.
async fn refuse(write: &ChannelWriteHalf<Msg>, message: &str) -> anyhow::Result<()> {
    let _ = write
        .extended_data_bytes(1, format!("{message}\r\n").into_bytes())
        .await;
    let _ = write.exit_status(1).await;
    let _ = write.eof().await;
    let _ = write.close().await;
    Ok(())
}

fn clamp(n: u32) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX).clamp(1, 1000)
}

fn describe(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 60 && secs.is_multiple_of(60) {
        let m = secs / 60;
        format!("{m} minute{}", if m == 1 { "" } else { "s" })
    } else {
        format!("{secs} second{}", if secs == 1 { "" } else { "s" })
    }
}
