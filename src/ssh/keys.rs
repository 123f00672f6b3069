//! STAND-IN for `ui::Key` until the ui module lands: the same names and constructors,
//! so switching is replacing this module's body with `pub use crate::ui::{Key, KeyCode,
//! Modifiers};`.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    /// A printable character; its case carries shift.
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
    pub const NONE: Modifiers = Modifiers { ctrl: false, alt: false, shift: false };
    pub const CTRL: Modifiers = Modifiers { ctrl: true, alt: false, shift: false };
    pub const ALT: Modifiers = Modifiers { ctrl: false, alt: true, shift: false };
    pub const SHIFT: Modifiers = Modifiers { ctrl: false, alt: false, shift: true };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    code: KeyCode,
    mods: Modifiers,
}

impl Key {
    pub fn new(code: KeyCode, mods: Modifiers) -> Key {
        let mut mods = mods;
        if let KeyCode::Char(_) = code {
            mods.shift = false;
        }
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

    pub fn text(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if !self.mods.ctrl && !self.mods.alt => Some(c),
            _ => None,
        }
    }
}
