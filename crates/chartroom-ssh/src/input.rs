//! Raw bytes from an SSH channel into key presses (the only user of terminput).
//!
//! The client's terminal is in raw mode: no line discipline, Enter is `\r`, Backspace
//! 0x7f (or 0x08), Ctrl-C 0x03. `terminput::Event::parse_from` parses one event from the
//! front of a buffer without saying how many bytes it used, so bytes are fed one at a
//! time. A lone ESC is ambiguous (Esc key, or the start of a sequence): it is held
//! while the same packet has more bytes, and is the Esc key when it ends the packet.

use super::keys::{Key, KeyCode, Modifiers};
use terminput::{Event, KeyCode as TKey, KeyEventKind, KeyModifiers};

/// Longest escape sequence kept while waiting for its end; past this it is dropped.
const MAX_PENDING: usize = 64;

#[derive(Default)]
pub struct InputParser {
    pending: Vec<u8>,
}

impl InputParser {
    /// Keys completed by `bytes` (one SSH data packet).
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Key> {
        let mut keys = Vec::new();
        for (i, &byte) in bytes.iter().enumerate() {
            self.pending.push(byte);
            let more_in_packet = i + 1 < bytes.len();
            if self.pending == [0x1b] && more_in_packet {
                continue;
            }
            match Event::parse_from(&self.pending) {
                Ok(Some(event)) => {
                    self.pending.clear();
                    if let Some(key) = to_key(&event) {
                        keys.push(key);
                    }
                }
                Ok(None) if self.pending.len() < MAX_PENDING => {}
                // Unparseable or runaway input: drop it rather than wedge the session.
                Ok(None) | Err(_) => self.pending.clear(),
            }
        }
        keys
    }
}

/// Our key for a terminal event; None for mouse, focus and key releases.
fn to_key(event: &Event) -> Option<Key> {
    let Event::Key(key) = event else { return None };
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let mods = Modifiers {
        ctrl: key.modifiers.contains(KeyModifiers::CTRL),
        alt: key
            .modifiers
            .intersects(KeyModifiers::ALT | KeyModifiers::META),
        shift: key.modifiers.contains(KeyModifiers::SHIFT),
    };
    let code = match key.code {
        TKey::Char(c) => KeyCode::Char(c),
        TKey::Enter => KeyCode::Enter,
        TKey::Esc => KeyCode::Esc,
        TKey::Tab => KeyCode::Tab,
        TKey::Backspace => KeyCode::Backspace,
        TKey::Delete => KeyCode::Delete,
        TKey::Insert => KeyCode::Insert,
        TKey::Up => KeyCode::Up,
        TKey::Down => KeyCode::Down,
        TKey::Left => KeyCode::Left,
        TKey::Right => KeyCode::Right,
        TKey::Home => KeyCode::Home,
        TKey::End => KeyCode::End,
        TKey::PageUp => KeyCode::PageUp,
        TKey::PageDown => KeyCode::PageDown,
        TKey::F(n) => KeyCode::F(n),
        _ => return None,
    };
    Some(Key::new(code, mods))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(bytes: &[u8]) -> Vec<Key> {
        InputParser::default().feed(bytes)
    }

    #[test]
    fn plain_text_enter_backspace_and_ctrl_c() {
        assert_eq!(
            keys(b"ab\r\x7f\x03"),
            vec![
                Key::char('a'),
                Key::char('b'),
                Key::plain(KeyCode::Enter),
                Key::plain(KeyCode::Backspace),
                Key::ctrl('c'),
            ]
        );
    }

    #[test]
    fn escape_sequences_and_a_lone_esc() {
        assert_eq!(keys(b"\x1b[A"), vec![Key::plain(KeyCode::Up)]);
        assert_eq!(keys(b"\x1b"), vec![Key::plain(KeyCode::Esc)]);
        assert_eq!(
            keys(b"\x1b[Z"),
            vec![Key::new(KeyCode::Tab, Modifiers::SHIFT)]
        );
        assert_eq!(
            keys(b"\x1bx"),
            vec![Key::new(KeyCode::Char('x'), Modifiers::ALT)]
        );
    }

    #[test]
    fn utf8_and_a_sequence_split_across_packets() {
        assert_eq!(keys("ü".as_bytes()), vec![Key::char('ü')]);
        let mut parser = InputParser::default();
        assert!(parser.feed(b"\x1b[").is_empty());
        assert_eq!(parser.feed(b"B"), vec![Key::plain(KeyCode::Down)]);
    }
}
