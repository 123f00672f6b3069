//! A ratatui backend for a remote terminal (an SSH channel): escape sequences are
//! produced by crossterm into an in-memory buffer that the SSH edge sends to the
//! client, and the size is the client's pty size, never the server's own tty.
//!
//! Why not `CrosstermBackend` alone: it asks the *server's* terminal for its size and
//! cursor position. Detached it answers 80x24 or an error, and `Terminal::clear()`
//! writes `ESC[6n` to the server's tty and waits two seconds for an answer that never
//! comes. So this wrapper delegates drawing to `CrosstermBackend<OutBuf>` and answers
//! `size`, `window_size` and `get_cursor_position` itself.

use crossterm::{cursor, queue, style, terminal};
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};

/// Shared byte sink: `CrosstermBackend` writes into it, the SSH edge drains it.
/// (`CrosstermBackend::writer_mut` is unstable-gated, hence the shared handle.)
#[derive(Clone, Default)]
pub struct OutBuf(Arc<Mutex<Vec<u8>>>);

impl OutBuf {
    /// Takes everything written so far.
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Write for OutBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The backend of one remote session.
pub struct ChannelBackend {
    inner: CrosstermBackend<OutBuf>,
    out: OutBuf,
    size: Size,
    cursor: Position,
}

impl ChannelBackend {
    /// A backend for a client terminal of `cols` x `rows` (zero is taken as 1).
    pub fn new(cols: u16, rows: u16) -> ChannelBackend {
        let out = OutBuf::default();
        ChannelBackend {
            inner: CrosstermBackend::new(out.clone()),
            out,
            size: Size::new(cols.max(1), rows.max(1)),
            cursor: Position::ORIGIN,
        }
    }

    /// The client resized its window; the next `Terminal::draw` redraws at this size.
    pub fn set_size(&mut self, cols: u16, rows: u16) {
        self.size = Size::new(cols.max(1), rows.max(1));
    }

    /// Bytes produced since the last call, to send to the client.
    pub fn take_output(&self) -> Vec<u8> {
        self.out.take()
    }

    /// Alternate screen, hidden cursor, cleared: what a full-screen app starts with.
    pub fn enter_screen(&mut self) -> io::Result<()> {
        let mut out = self.out.clone();
        queue!(
            out,
            terminal::EnterAlternateScreen,
            cursor::Hide,
            terminal::Clear(terminal::ClearType::All)
        )
    }

    /// Leaves the alternate screen (the client's shell screen comes back), shows the
    /// cursor and prints `message` (if any) on its own line there.
    pub fn leave_screen(&mut self, message: Option<&str>) -> io::Result<()> {
        let mut out = self.out.clone();
        queue!(
            out,
            style::ResetColor,
            terminal::Clear(terminal::ClearType::All),
            terminal::LeaveAlternateScreen,
            cursor::Show
        )?;
        if let Some(message) = message {
            // Raw mode on the client: no line discipline, so lines end in \r\n.
            for line in message.lines() {
                queue!(out, style::Print(line), style::Print("\r\n"))?;
            }
        }
        Ok(())
    }

    /// Clears the screen and shows `message` in the middle of it (shutdown and logoff
    /// notices shown before the session ends).
    pub fn notice(&mut self, message: &str) -> io::Result<()> {
        let mut out = self.out.clone();
        queue!(
            out,
            style::ResetColor,
            terminal::Clear(terminal::ClearType::All)
        )?;
        let lines: Vec<&str> = message.lines().collect();
        let top = (self.size.height as usize).saturating_sub(lines.len()) / 2;
        for (i, line) in lines.iter().enumerate() {
            let width = line.chars().count();
            let left = (self.size.width as usize).saturating_sub(width) / 2;
            let y = u16::try_from(top + i).unwrap_or(u16::MAX);
            let x = u16::try_from(left).unwrap_or(0);
            queue!(out, cursor::MoveTo(x, y), style::Print(line))?;
        }
        Ok(())
    }
}

impl Backend for ChannelBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        self.cursor = position;
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.size)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size,
            pixels: Size::new(0, 0),
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::widgets::Paragraph;
    use ratatui::{Terminal, TerminalOptions, Viewport};

    #[test]
    fn draws_at_the_client_size_and_resizes() {
        let backend = ChannelBackend::new(40, 10);
        let mut term = Terminal::with_options(
            backend,
            TerminalOptions {
                viewport: Viewport::Fullscreen,
            },
        )
        .unwrap();
        term.draw(|f| {
            assert_eq!(f.area().width, 40);
            f.render_widget(Paragraph::new("hello"), f.area());
        })
        .unwrap();
        let bytes = term.backend().take_output();
        assert!(String::from_utf8_lossy(&bytes).contains("hello"));
        term.backend_mut().set_size(100, 30);
        term.draw(|f| assert_eq!((f.area().width, f.area().height), (100, 30)))
            .unwrap();
        term.clear().unwrap();
    }
}
