//! Keymaps as data: `keymaps/default.toml` (compiled in, and the file users copy),
//! `keymaps/vim.toml`, and user files that override single bindings.
//!
//! File shape: one table per mode (`[global]`, `[search]`, `[notes]`, `[chart]`,
//! `[help]`, `[popup]`, `[palette]`), each mapping a key to an action name: `"ctrl-d" = "page_down"`.
//! `"none"` unbinds. An optional top-level `inherits = "default" | "vim"` picks the base
//! a user file overrides (default: `default`); `kind = "keymap"` marks the file for
//! `check-config`.

use super::action::{Action, Mode};
use super::config_error::ConfigError;
use super::key::Key;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

pub const DEFAULT_TOML: &str = include_str!("../../../keymaps/default.toml");
pub const VIM_TOML: &str = include_str!("../../../keymaps/vim.toml");

/// Built-in keymaps by name: (name, file name shown in errors, contents).
pub const BUILTIN: &[(&str, &str, &str)] = &[
    ("default", "keymaps/default.toml", DEFAULT_TOML),
    ("vim", "keymaps/vim.toml", VIM_TOML),
];

/// The word that unbinds a key.
pub const UNBIND: &str = "none";

/// A resolved keymap: for each mode, which action each key runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keymap {
    bindings: BTreeMap<Mode, BTreeMap<Key, Action>>,
}

/// One parsed file: bindings to set (`Some`) or remove (`None`) on top of its base.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeymapLayer {
    pub inherits: Option<String>,
    pub entries: BTreeMap<Mode, BTreeMap<Key, Option<Action>>>,
}

impl KeymapLayer {
    /// Parses and validates one keymap file. `file` is the name used in errors.
    pub fn parse(file: &str, text: &str) -> Result<KeymapLayer, ConfigError> {
        let root = DeTable::parse(text).map_err(|e| ConfigError::from_toml(file, text, &e))?;
        let err = |span: Range<usize>, msg: String| ConfigError::at(file, text, span, msg);
        let mut layer = KeymapLayer::default();
        for (name, value) in in_file_order(root.get_ref()) {
            match name.get_ref().as_ref() {
                "kind" => match value.get_ref().as_str() {
                    Some("keymap") => {}
                    _ => {
                        return Err(err(
                            value.span(),
                            "`kind` must be \"keymap\" in a keymap file".into(),
                        ))
                    }
                },
                "inherits" => match value.get_ref().as_str() {
                    Some(base) if BUILTIN.iter().any(|(n, _, _)| *n == base) => {
                        layer.inherits = Some(base.to_string());
                    }
                    _ => {
                        return Err(err(
                            value.span(),
                            format!(
                                "`inherits` must name a built-in keymap ({})",
                                builtin_names()
                            ),
                        ))
                    }
                },
                section => {
                    let Some(mode) = Mode::from_name(section) else {
                        return Err(err(
                            name.span(),
                            format!("unknown mode `{section}` (modes: {})", mode_names()),
                        ));
                    };
                    let Some(table) = value.get_ref().as_table() else {
                        return Err(err(
                            value.span(),
                            format!("[{section}] must be a table of \"key\" = \"action\""),
                        ));
                    };
                    let entries = layer.entries.entry(mode).or_default();
                    // Where each normalised key was first bound, to name both lines on a clash.
                    let mut first_seen: BTreeMap<Key, Range<usize>> = BTreeMap::new();
                    for (key_name, action_value) in in_file_order(table) {
                        let key_text = key_name.get_ref().as_ref();
                        let key: Key = key_text.parse().map_err(|_| {
                            err(
                                key_name.span(),
                                format!("unknown key `{key_text}` in [{section}]"),
                            )
                        })?;
                        let Some(action_text) = action_value.get_ref().as_str() else {
                            return Err(err(
                                action_value.span(),
                                format!("the action for `{key_text}` must be a string (an action name or \"none\")"),
                            ));
                        };
                        let action = if action_text == UNBIND {
                            None
                        } else {
                            let action = Action::from_name(action_text).ok_or_else(|| {
                                err(action_value.span(), format!("unknown action `{action_text}` for `{key_text}` in [{section}]"))
                            })?;
                            if !action.allowed_in(mode) {
                                let allowed: Vec<&str> =
                                    action.modes().iter().map(|m| m.name()).collect();
                                return Err(err(
                                    action_value.span(),
                                    format!(
                                        "action `{action_text}` cannot be bound in [{section}] (only in: {})",
                                        allowed.join(", ")
                                    ),
                                ));
                            }
                            Some(action)
                        };
                        if let Some(first) = first_seen.get(&key) {
                            let (first_line, _) =
                                super::config_error::line_column(text, first.start);
                            return Err(err(
                                key_name.span(),
                                format!(
                                    "key `{key_text}` is bound twice in [{section}] (as `{key}`, first on line {first_line}); one key runs one action"
                                ),
                            ));
                        }
                        first_seen.insert(key, key_name.span());
                        entries.insert(key, action);
                    }
                }
            }
        }
        Ok(layer)
    }
}

/// Table entries sorted by their position in the file (toml's map is sorted by name),
/// so errors point at the first problem a reader would meet.
fn in_file_order<'a, 'i>(
    table: &'a DeTable<'i>,
) -> Vec<(
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
)> {
    let mut items: Vec<_> = table.iter().collect();
    items.sort_by_key(|(k, _)| k.span().start);
    items
}

fn builtin_names() -> String {
    BUILTIN
        .iter()
        .map(|(n, _, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

fn mode_names() -> String {
    Mode::ALL
        .iter()
        .map(|m| m.name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Keymap {
    /// The compiled-in default keymap.
    pub fn builtin(name: &str) -> Result<Keymap, ConfigError> {
        let Some((_, file, text)) = BUILTIN.iter().find(|(n, _, _)| *n == name) else {
            return Err(ConfigError::File {
                file: name.to_string(),
                message: format!("no built-in keymap named `{name}` ({})", builtin_names()),
            });
        };
        let layer = KeymapLayer::parse(file, text)?;
        let mut keymap = match layer.inherits.as_deref() {
            // Built-ins inherit at most one level, from another built-in.
            Some(base) if base != name => Keymap::builtin(base)?,
            _ => Keymap::default(),
        };
        keymap.apply(&layer);
        Ok(keymap)
    }

    /// A user file over its base (`inherits`, default `default`).
    pub fn from_user_file(file: &str, text: &str) -> Result<Keymap, ConfigError> {
        let layer = KeymapLayer::parse(file, text)?;
        let mut keymap = Keymap::builtin(layer.inherits.as_deref().unwrap_or("default"))?;
        keymap.apply(&layer);
        Ok(keymap)
    }

    /// Sets and removes single bindings; everything else stays as it was.
    pub fn apply(&mut self, layer: &KeymapLayer) {
        for (mode, entries) in &layer.entries {
            let map = self.bindings.entry(*mode).or_default();
            for (key, action) in entries {
                match action {
                    Some(a) => {
                        map.insert(*key, *a);
                    }
                    None => {
                        map.remove(key);
                    }
                }
            }
        }
    }

    /// Which action `key` runs in `mode`: the mode's own binding first, then global
    /// (except printable keys in modes with a text field, which type instead).
    pub fn resolve(&self, mode: Mode, key: Key) -> Option<Action> {
        if let Some(action) = self.bindings.get(&mode).and_then(|m| m.get(&key)) {
            return Some(*action);
        }
        if mode.has_text_field() && key.text().is_some() {
            return None;
        }
        self.bindings
            .get(&Mode::Global)
            .and_then(|m| m.get(&key))
            .copied()
    }

    /// Bindings of one section, in key order.
    pub fn bindings(&self, mode: Mode) -> Vec<(Key, Action)> {
        self.bindings
            .get(&mode)
            .map(|m| m.iter().map(|(k, a)| (*k, *a)).collect())
            .unwrap_or_default()
    }

    /// Keys that run `action` in `mode`, counting global bindings that reach the mode.
    pub fn keys_for(&self, mode: Mode, action: Action) -> Vec<Key> {
        let mut keys: Vec<Key> = self
            .bindings(mode)
            .into_iter()
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| k)
            .collect();
        if mode != Mode::Global {
            for (key, a) in self.bindings(Mode::Global) {
                if a == action && !keys.contains(&key) && self.resolve(mode, key) == Some(action) {
                    keys.push(key);
                }
            }
        }
        keys
    }

    /// The first key for `action` in `mode`, for hints (`enter open`).
    pub fn hint(&self, mode: Mode, action: Action) -> Option<Key> {
        use super::key::KeyCode;
        // Prefer what people remember: esc, enter, tab, then a plain character, then
        // anything else (f-keys, modified keys).
        let rank = |k: &Key| match (k.code(), k.modifiers() == super::key::Modifiers::NONE) {
            (KeyCode::Esc | KeyCode::Enter | KeyCode::Tab, true) => 0,
            (KeyCode::Char(_), true) => 1,
            (_, true) => 2,
            _ => 3,
        };
        self.keys_for(mode, action).into_iter().min_by_key(rank)
    }

    pub fn binding_count(&self) -> usize {
        self.bindings.values().map(|m| m.len()).sum()
    }

    /// Prints the keymap as a complete file (parse → print → parse is the identity).
    pub fn to_toml(&self) -> String {
        let mut out = String::from("kind = \"keymap\"\n");
        for mode in Mode::ALL {
            out.push_str(&format!("\n[{}]\n", mode.name()));
            for (key, action) in self.bindings(*mode) {
                out.push_str(&format!(
                    "{} = \"{}\"\n",
                    quote(&key.to_string()),
                    action.name()
                ));
            }
        }
        out
    }
}

fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_load() {
        for (name, _, _) in BUILTIN {
            let km = Keymap::builtin(name).expect("builtin keymap is valid");
            assert!(km.binding_count() > 10);
        }
    }

    #[test]
    fn user_file_overrides_and_unbinds_single_bindings() {
        let km = Keymap::from_user_file(
            "user.toml",
            "[search]\n\"ctrl-n\" = \"down\"\n\"pgdn\" = \"none\"\n",
        )
        .expect("valid");
        let def = Keymap::builtin("default").expect("valid");
        assert_eq!(km.resolve(Mode::Search, Key::ctrl('n')), Some(Action::Down));
        assert_eq!(km.resolve(Mode::Search, "pgdn".parse().expect("key")), None);
        assert_eq!(
            km.resolve(Mode::Search, "up".parse().expect("key")),
            def.resolve(Mode::Search, "up".parse().expect("key"))
        );
    }

    #[test]
    fn printable_global_keys_do_not_steal_typing() {
        let km = Keymap::from_user_file("u.toml", "[global]\nx = \"quit\"\n").expect("valid");
        assert_eq!(km.resolve(Mode::Chart, Key::char('x')), Some(Action::Quit));
        assert_eq!(km.resolve(Mode::Search, Key::char('x')), None);
    }
}
