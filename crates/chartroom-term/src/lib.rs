//! The local terminal: the only user of crossterm. It turns crossterm events into
//! `ui::Key`/resize messages, owns raw mode and the alternate screen, and drives an
//! `ui::App` — the same app `ssh/` will drive per channel with its own backend.
//!
//! The one ratatui item used here is its crossterm backend (`CrosstermBackend`): it is
//! the glue between the two crates, and the app itself only sees `ratatui::Terminal<B>`.
//!
//! `channel_backend` is the ratatui backend of a remote (SSH) client terminal.

pub mod channel_backend;

pub use channel_backend::ChannelBackend;

use chartroom_services::ChartServices;
use chartroom_services::{Services, Session};
use chartroom_ui::runtime::{App, WORKER_THREAD_PREFIX};
use chartroom_ui::{Key, KeyCode, Modifiers, Msg, UiConfig};
use crossbeam_channel::{select, tick, unbounded, Sender};
use crossterm::event::{self, Event, KeyEventKind};
use crossterm::{cursor, execute, terminal};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};
use std::thread;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum TermError {
    #[error("chartroom tui needs an interactive terminal (stdin and stdout must be a tty)")]
    NotATerminal,
    #[error("terminal error: {0}")]
    Io(#[from] io::Error),
}

/// Listens for SIGINT/SIGTERM while a long command runs; dropping it stops listening.
pub struct InterruptGuard {
    handle: signal_hook::iterator::Handle,
    watcher: Option<thread::JoinHandle<()>>,
}

impl Drop for InterruptGuard {
    fn drop(&mut self) {
        self.handle.close();
        // The watcher owns the cleanup (which may hold the store open): wait until it has
        // let go, so the command that follows in this process (`demo` opens the TUI on the
        // store `generate` just wrote) finds the data directory free.
        if let Some(watcher) = self.watcher.take() {
            let _ = watcher.join();
        }
    }
}

/// When the process gets SIGINT (Ctrl-C) or SIGTERM while the guard lives: runs
/// `cleanup`, then exits with status 130. For commands that commit as they go (imports,
/// generation): the cleanup brings the index up to date for what was committed, and the
/// uncommitted rest is dropped as by any interruption.
pub fn on_interrupt(cleanup: impl FnOnce() + Send + 'static) -> io::Result<InterruptGuard> {
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    let handle = signals.handle();
    let watcher = thread::Builder::new()
        .name("chartroom-interrupt".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                cleanup();
                std::process::exit(130);
            }
        })?;
    Ok(InterruptGuard {
        handle,
        watcher: Some(watcher),
    })
}

/// How often the clock is refreshed.
const TICK: Duration = Duration::from_secs(1);
/// Ticks between refreshes of the data status (patients, size).
const STATUS_EVERY_TICKS: u32 = 60;
/// How long the input thread waits for an event before checking whether to stop.
const INPUT_POLL: Duration = Duration::from_millis(100);

/// Whether the terminal is in our raw/alternate mode (read by the panic hook).
static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// Runs the app in the local terminal until the user quits. The terminal is restored on
/// every exit path: normal return, error, and panic (panic hook + drop guard).
pub fn run_local(
    services: Arc<Services>,
    session: Session,
    config: UiConfig,
) -> Result<(), TermError> {
    let services: Arc<dyn ChartServices> = services;
    run_with(services, session, config)
}

/// `run_local` over any `ChartServices` (tests and alternative service stacks).
pub fn run_with(
    services: Arc<dyn ChartServices>,
    session: Session,
    config: UiConfig,
) -> Result<(), TermError> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err(TermError::NotATerminal);
    }
    install_panic_hook();
    let guard = ScreenGuard::enter()?;
    let result = event_loop(services, session, config);
    drop(guard);
    result
}

fn event_loop(
    services: Arc<dyn ChartServices>,
    session: Session,
    config: UiConfig,
) -> Result<(), TermError> {
    let backend = ratatui::backend::CrosstermBackend::new(io::stdout());
    let mut terminal = ratatui::Terminal::new(backend)?;
    let size = terminal.size()?;
    let mut app = App::new(services, session, &config, size.width, size.height);
    let results = app.messages().clone();

    // A closed terminal window (SIGHUP) or a SIGTERM ends the loop like a quit, so the
    // store is closed cleanly; left to the default action it would need a repair on the
    // next start.
    let hang_up = Arc::new(AtomicBool::new(false));
    let (hang_up_tx, hang_up_rx) = unbounded::<()>();
    let mut signals = Signals::new([SIGHUP, SIGTERM])?;
    let signal_handle = signals.handle();
    {
        let hang_up = hang_up.clone();
        thread::Builder::new()
            .name("chartroom-signals".into())
            .spawn(move || {
                if signals.forever().next().is_some() {
                    hang_up.store(true, Ordering::SeqCst);
                    let _ = hang_up_tx.send(());
                }
            })?;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let (input_tx, input_rx) = unbounded();
    let reader = {
        let (stop, hang_up) = (stop.clone(), hang_up.clone());
        thread::Builder::new()
            .name("chartroom-input".into())
            .spawn(move || read_input(&stop, &hang_up, &input_tx))?
    };
    let ticker = tick(TICK);
    let mut ticks = 0u32;

    let outcome = (|| -> Result<(), TermError> {
        app.draw(&mut terminal)?;
        loop {
            select! {
                recv(input_rx) -> event => match event {
                    Ok(Ok(msg)) => { app.handle(msg); }
                    Ok(Err(e)) => return Err(e.into()),
                    Err(_) => return Ok(()),
                },
                recv(results) -> msg => if let Ok(msg) = msg { app.handle(msg); },
                recv(hang_up_rx) -> _ => return Ok(()),
                recv(ticker) -> _ => {
                    app.tick();
                    ticks = ticks.wrapping_add(1);
                    if ticks.is_multiple_of(STATUS_EVERY_TICKS) {
                        app.refresh_status();
                    }
                },
            }
            if app.should_quit() || hang_up.load(Ordering::SeqCst) {
                return Ok(());
            }
            // Coalesce a burst (paste, key repeat) into one frame.
            while let Ok(Ok(msg)) = input_rx.try_recv() {
                app.handle(msg);
            }
            app.drain();
            if app.should_quit() {
                return Ok(());
            }
            app.draw(&mut terminal)?;
        }
    })();
    stop.store(true, Ordering::SeqCst);
    signal_handle.close();
    // The reader notices `stop` within INPUT_POLL. After a hang-up crossterm can spin in
    // its read on the dead terminal and never come back: then leave the thread behind (the
    // process is about to end) rather than hang with the store open.
    let wait = if hang_up.load(Ordering::SeqCst) {
        Duration::ZERO
    } else {
        INPUT_POLL * 4
    };
    let deadline = std::time::Instant::now() + wait;
    while !reader.is_finished() && std::time::Instant::now() < deadline {
        thread::sleep(INPUT_POLL / 4);
    }
    if reader.is_finished() {
        let _ = reader.join();
    }
    outcome
}

/// Reads crossterm events on its own thread so the loop can wait on input, results and
/// the clock at once. Polls so it notices `stop` within `INPUT_POLL`.
/// A hang-up ends it too: closing `tx` ends the loop at once, without waiting for a tick.
fn read_input(stop: &AtomicBool, hang_up: &AtomicBool, tx: &Sender<io::Result<Msg>>) {
    while !stop.load(Ordering::SeqCst) && !hang_up.load(Ordering::SeqCst) {
        let msg = match event::poll(INPUT_POLL) {
            Ok(false) => continue,
            Ok(true) => match event::read() {
                Ok(event) => match translate(&event) {
                    Some(msg) => Ok(msg),
                    None => continue,
                },
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        let failed = msg.is_err();
        if tx.send(msg).is_err() || failed {
            break;
        }
    }
}

/// crossterm event → our message; `None` for events the app does not use.
pub fn translate(event: &Event) -> Option<Msg> {
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => translate_key(k).map(Msg::Key),
        Event::Resize(width, height) => Some(Msg::Resize {
            width: *width,
            height: *height,
        }),
        _ => None,
    }
}

pub fn translate_key(k: &event::KeyEvent) -> Option<Key> {
    use crossterm::event::{KeyCode as C, KeyModifiers as M};
    let mut mods = Modifiers {
        ctrl: k.modifiers.contains(M::CONTROL),
        alt: k.modifiers.contains(M::ALT),
        shift: k.modifiers.contains(M::SHIFT),
    };
    let code = match k.code {
        C::Char(c) => KeyCode::Char(c),
        C::Enter => KeyCode::Enter,
        C::Esc => KeyCode::Esc,
        C::Tab => KeyCode::Tab,
        C::BackTab => {
            mods.shift = true;
            KeyCode::Tab
        }
        C::Backspace => KeyCode::Backspace,
        C::Delete => KeyCode::Delete,
        C::Insert => KeyCode::Insert,
        C::Up => KeyCode::Up,
        C::Down => KeyCode::Down,
        C::Left => KeyCode::Left,
        C::Right => KeyCode::Right,
        C::Home => KeyCode::Home,
        C::End => KeyCode::End,
        C::PageUp => KeyCode::PageUp,
        C::PageDown => KeyCode::PageDown,
        C::F(n) => KeyCode::F(n),
        _ => return None,
    };
    Some(Key::new(code, mods))
}

/// Raw mode + alternate screen while alive; restores on drop.
struct ScreenGuard;

impl ScreenGuard {
    fn enter() -> io::Result<ScreenGuard> {
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        // From here on a failure still restores: the guard exists.
        let guard = ScreenGuard;
        execute!(io::stdout(), terminal::EnterAlternateScreen, cursor::Hide)?;
        Ok(guard)
    }
}

impl Drop for ScreenGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves raw mode and the alternate screen, once.
fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        // Clearing the alternate screen first matters in tmux: after a resize it
        // otherwise leaves the last frame's top lines on the shell's screen.
        let _ = execute!(
            out,
            terminal::Clear(terminal::ClearType::All),
            terminal::LeaveAlternateScreen,
            cursor::Show
        );
        let _ = terminal::disable_raw_mode();
        let _ = out.flush();
    }
}

/// Restores the terminal before the panic message prints, so it is readable and the
/// shell is usable. Worker-thread panics are caught by the runtime and shown as an
/// error line, so they leave the screen alone.
fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let on_worker = thread::current()
                .name()
                .is_some_and(|n| n.starts_with(WORKER_THREAD_PREFIX));
            if on_worker && ACTIVE.load(Ordering::SeqCst) {
                // Printing now would scribble over the TUI; the runtime reports it.
                tracing::error!(thread = ?thread::current().name(), "worker panicked (caught)");
                return;
            }
            restore();
            previous(info);
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode as C, KeyEvent, KeyModifiers as M};

    /// `demo` generates, drops the guard, then opens the store again in the same
    /// process: by then nothing the cleanup captured may still be alive.
    #[test]
    fn dropping_the_interrupt_guard_lets_go_of_what_the_cleanup_holds() {
        let held = std::sync::Arc::new(());
        let captured = held.clone();
        let guard = on_interrupt(move || drop(captured)).unwrap();
        assert_eq!(std::sync::Arc::strong_count(&held), 2);
        drop(guard);
        assert_eq!(std::sync::Arc::strong_count(&held), 1);
    }

    #[test]
    fn translates_keys_like_the_keymap_spells_them() {
        let cases = [
            (KeyEvent::new(C::Char('d'), M::CONTROL), "ctrl-d"),
            (KeyEvent::new(C::BackTab, M::SHIFT), "shift-tab"),
            (KeyEvent::new(C::Char('G'), M::SHIFT), "G"),
            (KeyEvent::new(C::F(1), M::NONE), "f1"),
            (KeyEvent::new(C::Char('?'), M::SHIFT), "?"),
            (KeyEvent::new(C::Enter, M::NONE), "enter"),
        ];
        for (event, name) in cases {
            let key = translate_key(&event).expect("translatable");
            assert_eq!(key, name.parse::<Key>().expect("valid key"), "{name}");
        }
    }
}
