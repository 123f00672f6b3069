//! Our own key type. term/ (crossterm) and ssh/ (raw bytes) translate their input into
//! it, so the app and the keymap files never see a backend's event type.
//!
//! Text form (keymap files, hints): modifiers then the key, joined by `-`:
//! `ctrl-d`, `alt-x`, `shift-tab`, `enter`, `esc`, `up`, `pgdn`, `f1`, `?`, `space`.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    /// A printable character; its case carries shift (`A`, not `shift-a`).
    Char(char),
    Enter,
    Esc,
    Tab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Modifiers {
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

impl Modifiers {
    pub const NONE: Modifiers = Modifiers {
        ctrl: false,
        alt: false,
        shift: false,
    };
    pub const CTRL: Modifiers = Modifiers {
        ctrl: true,
        alt: false,
        shift: false,
    };
    pub const ALT: Modifiers = Modifiers {
        ctrl: false,
        alt: true,
        shift: false,
    };
    pub const SHIFT: Modifiers = Modifiers {
        ctrl: false,
        alt: false,
        shift: true,
    };
}

/// One key press. Built only through [`Key::new`], which normalises the forms terminals
/// disagree on, so `shift-tab` from crossterm (`BackTab`) and from a keymap file compare equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    code: KeyCode,
    mods: Modifiers,
}

impl Key {
    pub fn new(code: KeyCode, mods: Modifiers) -> Key {
        let mut mods = mods;
        let code = match code {
            // The character already says whether shift was held; terminals differ on
            // whether they also report the modifier, so drop it.
            KeyCode::Char(c) => {
                mods.shift = false;
                KeyCode::Char(c)
            }
            other => other,
        };
        Key { code, mods }
    }

    pub fn plain(code: KeyCode) -> Key {
        Key::new(code, Modifiers::NONE)
    }

    pub fn char(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    pub fn ctrl(c: char) -> Key {
        Key::new(KeyCode::Char(c), Modifiers::CTRL)
    }

    pub fn code(&self) -> KeyCode {
        self.code
    }

    pub fn modifiers(&self) -> Modifiers {
        self.mods
    }

    /// The character this key types into a text field, if it types one.
    pub fn text(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if !self.mods.ctrl && !self.mods.alt => Some(c),
            _ => None,
        }
    }
}

/// Why a key name could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown key `{0}`")]
pub struct KeyParseError(pub String);

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("ret", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backspace", KeyCode::Backspace),
    ("bs", KeyCode::Backspace),
    ("del", KeyCode::Delete),
    ("delete", KeyCode::Delete),
    ("ins", KeyCode::Insert),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pgup", KeyCode::PageUp),
    ("pageup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("pagedown", KeyCode::PageDown),
    ("space", KeyCode::Char(' ')),
];

impl FromStr for Key {
    type Err = KeyParseError;

    fn from_str(text: &str) -> Result<Key, KeyParseError> {
        let bad = || KeyParseError(text.to_string());
        let mut mods = Modifiers::NONE;
        let mut rest = text;
        // Strip modifier prefixes; what remains is one key name (which may itself be `-`).
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 1 {
                if let Some(r) = strip_mod(&lower, rest, &["ctrl-", "c-", "control-"]) {
                    mods.ctrl = true;
                    rest = r;
                    continue;
                }
                if let Some(r) = strip_mod(&lower, rest, &["alt-", "a-", "m-", "meta-"]) {
                    mods.alt = true;
                    rest = r;
                    continue;
                }
                if let Some(r) = strip_mod(&lower, rest, &["shift-", "s-"]) {
                    mods.shift = true;
                    rest = r;
                    continue;
                }
            }
            break;
        }
        if rest.is_empty() {
            return Err(bad());
        }
        let lower = rest.to_ascii_lowercase();
        let code = if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == lower) {
            *code
        } else if lower == "backtab" {
            mods.shift = true;
            KeyCode::Tab
        } else if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
            if !(1..=24).contains(&n) {
                return Err(bad());
            }
            KeyCode::F(n)
        } else {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_control() && c != ' ' => {
                    // `shift-a` means `A`: fold it into the character.
                    if mods.shift && c.is_ascii_alphabetic() {
                        KeyCode::Char(c.to_ascii_uppercase())
                    } else {
                        KeyCode::Char(c)
                    }
                }
                _ => return Err(bad()),
            }
        };
        Ok(Key::new(code, mods))
    }
}

fn strip_mod<'a>(lower: &str, original: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes
        .iter()
        .find(|p| lower.starts_with(*p) && lower.len() > p.len())
        .map(|p| &original[p.len()..])
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.mods.alt {
            f.write_str("alt-")?;
        }
        if self.mods.shift {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("del"),
            KeyCode::Insert => f.write_str("ins"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::F(n) => write!(f, "f{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Key {
        s.parse().expect("key parses")
    }

    #[test]
    fn parses_and_prints_canonical_forms() {
        for (input, printed) in [
            ("ctrl-d", "ctrl-d"),
            ("C-d", "ctrl-d"),
            ("enter", "enter"),
            ("ret", "enter"),
            ("Esc", "esc"),
            ("up", "up"),
            ("F1", "f1"),
            ("?", "?"),
            ("-", "-"),
            ("ctrl--", "ctrl--"),
            ("shift-tab", "shift-tab"),
            ("backtab", "shift-tab"),
            ("shift-a", "A"),
            ("space", "space"),
            ("alt-ctrl-x", "ctrl-alt-x"),
            ("pagedown", "pgdn"),
        ] {
            assert_eq!(k(input).to_string(), printed, "{input}");
            assert_eq!(k(printed), k(input));
        }
    }

    #[test]
    fn rejects_unknown_names() {
        for bad in ["", "ctrl-", "foo", "f0", "f25", "hyper-x", "ctrl-enterx"] {
            assert!(bad.parse::<Key>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shift_on_chars_is_carried_by_case() {
        assert_eq!(
            Key::new(KeyCode::Char('A'), Modifiers::SHIFT),
            Key::char('A')
        );
        assert_eq!(Key::char('a').text(), Some('a'));
        assert_eq!(Key::ctrl('a').text(), None);
    }
}
