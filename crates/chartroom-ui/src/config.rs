//! Loading the UI's data files: which keymap and theme a session uses, and
//! `check_config_file` behind `chartroom check-config FILE`.

use super::action::Mode;
pub use super::config_error::ConfigError;
use super::keymap::{self, Keymap};
use super::theme::{self, Theme};
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use toml::de::DeTable;

/// What the UI needs from configuration. Cheap to clone (one per SSH session).
#[derive(Clone, Debug)]
pub struct UiConfig {
    pub keymap: Arc<Keymap>,
    pub theme: Arc<Theme>,
}

/// Where to take the keymap and theme from: a built-in name (`default`, `vim`; `dark`,
/// `light`, `mono`) or a file path.
#[derive(Clone, Debug, Default)]
pub struct UiOptions {
    pub keymap: Option<String>,
    pub theme: Option<String>,
    /// `NO_COLOR` was set: use `mono` unless a theme was asked for explicitly.
    pub no_color: bool,
}

impl UiOptions {
    /// Options with `no_color` read from the environment (<https://no-color.org>).
    pub fn from_env(keymap: Option<String>, theme: Option<String>) -> UiOptions {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        UiOptions {
            keymap,
            theme,
            no_color,
        }
    }
}

impl UiConfig {
    /// Default keymap and the dark theme (or mono for `NO_COLOR`).
    pub fn builtin(no_color: bool) -> Result<UiConfig, ConfigError> {
        UiConfig::load(&UiOptions {
            no_color,
            ..UiOptions::default()
        })
    }

    /// Loads and validates; a bad file is an error, never a silent fallback.
    pub fn load(options: &UiOptions) -> Result<UiConfig, ConfigError> {
        let builtin_keymap = |name: &str| {
            keymap::BUILTIN.iter().any(|(n, _, _)| *n == name) && !Path::new(name).is_file()
        };
        let builtin_theme = |name: &str| {
            theme::BUILTIN.iter().any(|(n, _, _)| *n == name) && !Path::new(name).is_file()
        };
        let keymap = match options.keymap.as_deref() {
            None => Keymap::builtin("default")?,
            Some(name) if builtin_keymap(name) => Keymap::builtin(name)?,
            Some(path) => {
                let text = read(Path::new(path))?;
                Keymap::from_user_file(path, &text)?
            }
        };
        let theme = match options.theme.as_deref() {
            None if options.no_color => Theme::builtin("mono")?,
            None => Theme::builtin("dark")?,
            Some(name) if builtin_theme(name) => Theme::builtin(name)?,
            Some(path) => Theme::from_file(Path::new(path))?,
        };
        Ok(UiConfig {
            keymap: Arc::new(keymap),
            theme: Arc::new(theme),
        })
    }
}

/// What `check-config` found in a valid file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Summary {
    Keymap { bindings: usize, modes: usize },
    Theme { name: String, roles: usize },
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Summary::Keymap { bindings, modes } => {
                write!(f, "valid keymap: {bindings} bindings in {modes} modes (after merging over its base)")
            }
            Summary::Theme { name, roles } => write!(f, "valid theme `{name}`: {roles} roles set"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Keymap,
    Theme,
}

/// Validates a keymap or theme file, telling which by its `kind` or, without one, by
/// its sections.
pub fn check_config_file(path: &Path) -> Result<Summary, ConfigError> {
    let file = path.display().to_string();
    let text = read(path)?;
    let kind = detect_kind(&file, &text)?;
    match kind {
        Kind::Keymap => {
            let km = Keymap::from_user_file(&file, &text)?;
            let modes = Mode::ALL
                .iter()
                .filter(|m| !km.bindings(**m).is_empty())
                .count();
            Ok(Summary::Keymap {
                bindings: km.binding_count(),
                modes,
            })
        }
        Kind::Theme => {
            let theme = Theme::from_file(path)?;
            Ok(Summary::Theme {
                name: theme.name.clone(),
                roles: theme.role_count(),
            })
        }
    }
}

fn detect_kind(file: &str, text: &str) -> Result<Kind, ConfigError> {
    let root = DeTable::parse(text).map_err(|e| ConfigError::from_toml(file, text, &e))?;
    let root = root.get_ref();
    if let Some(kind) = root.get("kind") {
        return match kind.get_ref().as_str() {
            Some("keymap") => Ok(Kind::Keymap),
            Some("theme") => Ok(Kind::Theme),
            _ => Err(ConfigError::at(
                file,
                text,
                kind.span(),
                "`kind` must be \"keymap\" or \"theme\"",
            )),
        };
    }
    let has = |name: &str| root.get(name).is_some();
    if has("roles") || has("palette") {
        return Ok(Kind::Theme);
    }
    if root
        .iter()
        .any(|(k, _)| Mode::from_name(k.get_ref()).is_some())
    {
        return Ok(Kind::Keymap);
    }
    Err(ConfigError::File {
        file: file.to_string(),
        message: "cannot tell whether this is a keymap or a theme: add `kind = \"keymap\"` or `kind = \"theme\"`".into(),
    })
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        file: path.display().to_string(),
        source,
    })
}
