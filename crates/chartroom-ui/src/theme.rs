//! Themes as data: `themes/dark.toml`, `light.toml`, `mono.toml` (compiled in) and user
//! files. Colours are given per semantic role; a role not set falls back along its dots
//! (`flag.vip` → `flag` → `text`), so a theme can be short.
//!
//! File shape:
//! ```toml
//! kind = "theme"
//! inherits = "dark"            # a built-in name or a path relative to this file
//! [palette]                    # optional named colours
//! accent = "#5f87d7"
//! [roles]
//! text = "white"               # a colour = the foreground
//! "flag.vip" = { fg = "accent", bold = true }
//! ```
//! Meaning is never carried by colour alone: the screens always print a word or glyph
//! too, which is what makes `mono` (and `NO_COLOR`) a full theme.

use super::config_error::ConfigError;
use ratatui::style::{Color, Modifier, Style};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// Every role a theme may set, with what it colours. Unknown roles are errors.
pub const ROLES: &[(&str, &str)] = &[
    ("text", "body text (the last fallback of every role)"),
    ("text.dim", "secondary text: dates, counts, placeholders"),
    ("label", "field labels in the chart"),
    ("title", "pane titles"),
    ("border", "pane borders"),
    ("border.focus", "the border of the focused pane"),
    ("header", "the chart header line"),
    ("column", "column headings of lists"),
    ("selection", "the selected row"),
    ("input", "text being typed"),
    ("tab", "section tabs"),
    ("tab.active", "the current section tab"),
    ("status.bar", "the status bar"),
    ("status.key", "key names in hints"),
    ("flag", "patient flags"),
    ("flag.deceased", "DECEASED flag"),
    ("flag.vip", "VIP flag"),
    ("flag.employee", "EMPLOYEE flag"),
    ("flag.restricted", "RESTRICTED flag"),
    ("flag.sensitive", "SENSITIVE flag"),
    ("why", "why a search result matched"),
    ("highlight.match", "matched text"),
    ("error", "the error line"),
    ("popup", "popup body"),
    ("popup.border", "popup border"),
];

pub const BUILTIN: &[(&str, &str, &str)] = &[
    (
        "dark",
        "themes/dark.toml",
        include_str!("../../../themes/dark.toml"),
    ),
    (
        "light",
        "themes/light.toml",
        include_str!("../../../themes/light.toml"),
    ),
    (
        "mono",
        "themes/mono.toml",
        include_str!("../../../themes/mono.toml"),
    ),
];

/// Longest `inherits` chain followed: deeper is certainly a mistake.
const MAX_DEPTH: usize = 8;

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    palette: BTreeMap<String, Color>,
    styles: BTreeMap<String, Style>,
}

impl Default for Theme {
    /// No colours at all; what a broken terminal shows. Not used in place of a bad file.
    fn default() -> Theme {
        Theme {
            name: "none".into(),
            palette: BTreeMap::new(),
            styles: BTreeMap::new(),
        }
    }
}

enum Source {
    Builtin(&'static str, &'static str, &'static str),
    File(PathBuf),
}

impl Theme {
    pub fn builtin(name: &str) -> Result<Theme, ConfigError> {
        load(
            builtin_source(name).ok_or_else(|| ConfigError::File {
                file: name.to_string(),
                message: format!("no built-in theme named `{name}` ({})", builtin_names()),
            })?,
            &mut Vec::new(),
        )
    }

    /// A user theme file; `inherits` may name a built-in or another file.
    pub fn from_file(path: &Path) -> Result<Theme, ConfigError> {
        load(Source::File(path.to_path_buf()), &mut Vec::new())
    }

    /// Parses a theme from text (the file name is for errors; relative `inherits`
    /// paths resolve against its directory).
    pub fn parse(file: &str, text: &str) -> Result<Theme, ConfigError> {
        parse_theme(
            file,
            text,
            Path::new(file).parent(),
            &mut vec![file.to_string()],
        )
    }

    /// The style of `role`, falling back along the dots to `text`.
    pub fn style(&self, role: &str) -> Style {
        let mut name = role;
        loop {
            if let Some(style) = self.styles.get(name) {
                return *style;
            }
            match name.rfind('.') {
                Some(i) => name = &name[..i],
                None => break,
            }
        }
        self.styles.get("text").copied().unwrap_or_default()
    }

    /// Roles this theme sets itself or through its parents.
    pub fn role_count(&self) -> usize {
        self.styles.len()
    }
}

fn builtin_source(name: &str) -> Option<Source> {
    BUILTIN
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(n, f, t)| Source::Builtin(n, f, t))
}

fn builtin_names() -> String {
    BUILTIN
        .iter()
        .map(|(n, _, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

fn load(source: Source, chain: &mut Vec<String>) -> Result<Theme, ConfigError> {
    match source {
        Source::Builtin(name, file, text) => {
            chain.push(name.to_string());
            let mut theme = parse_theme(file, text, None, chain)?;
            theme.name = name.to_string();
            Ok(theme)
        }
        Source::File(path) => {
            let file = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Io {
                file: file.clone(),
                source,
            })?;
            chain.push(file.clone());
            let mut theme = parse_theme(&file, &text, path.parent(), chain)?;
            if theme.name.is_empty() || theme.name == "none" {
                theme.name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
            }
            Ok(theme)
        }
    }
}

fn parse_theme(
    file: &str,
    text: &str,
    dir: Option<&Path>,
    chain: &mut Vec<String>,
) -> Result<Theme, ConfigError> {
    let root = DeTable::parse(text).map_err(|e| ConfigError::from_toml(file, text, &e))?;
    let err = |span: Range<usize>, msg: String| ConfigError::at(file, text, span, msg);
    let root = root.get_ref();

    for (key, value) in root.iter() {
        match key.get_ref().as_ref() {
            "kind" => {
                if value.get_ref().as_str() != Some("theme") {
                    return Err(err(value.span(), "`kind` must be \"theme\" in a theme file".into()));
                }
            }
            "name" | "inherits" => {
                if value.get_ref().as_str().is_none() {
                    return Err(err(value.span(), format!("`{}` must be a string", key.get_ref())));
                }
            }
            "palette" | "roles" => {
                if value.get_ref().as_table().is_none() {
                    return Err(err(value.span(), format!("[{}] must be a table", key.get_ref())));
                }
            }
            other => {
                return Err(err(
                    key.span(),
                    format!("unknown setting `{other}` in a theme (expected kind, name, inherits, [palette], [roles])"),
                ))
            }
        }
    }

    let mut theme = match root.get("inherits") {
        None => Theme::default(),
        Some(value) => {
            let parent = value.get_ref().as_str().unwrap_or_default();
            let source = match builtin_source(parent) {
                Some(s) => s,
                None => {
                    let path = dir
                        .map(|d| d.join(parent))
                        .unwrap_or_else(|| PathBuf::from(parent));
                    if !path.exists() {
                        return Err(err(
                            value.span(),
                            format!("`inherits = \"{parent}\"`: no built-in theme by that name ({}) and no file {}", builtin_names(), path.display()),
                        ));
                    }
                    Source::File(path)
                }
            };
            let id = match &source {
                Source::Builtin(n, _, _) => n.to_string(),
                Source::File(p) => p.display().to_string(),
            };
            if chain.contains(&id) || chain.len() >= MAX_DEPTH {
                return Err(err(
                    value.span(),
                    format!(
                        "`inherits = \"{parent}\"` makes a cycle: {} → {id}",
                        chain.join(" → ")
                    ),
                ));
            }
            load(source, chain)?
        }
    };
    if let Some(name) = root.get("name").and_then(|v| v.get_ref().as_str()) {
        theme.name = name.to_string();
    }

    if let Some(palette) = root.get("palette").and_then(|v| v.get_ref().as_table()) {
        for (name, value) in palette.iter() {
            let Some(text_value) = value.get_ref().as_str() else {
                return Err(err(
                    value.span(),
                    format!("palette colour `{}` must be a string", name.get_ref()),
                ));
            };
            let color = parse_color(text_value, &theme.palette).map_err(|why| {
                err(
                    value.span(),
                    format!("palette colour `{}`: {why}", name.get_ref()),
                )
            })?;
            theme.palette.insert(name.get_ref().to_string(), color);
        }
    }

    if let Some(roles) = root.get("roles").and_then(|v| v.get_ref().as_table()) {
        for (role, value) in roles.iter() {
            let role_name = role.get_ref().as_ref();
            if !ROLES.iter().any(|(r, _)| *r == role_name) {
                let known: Vec<&str> = ROLES.iter().map(|(r, _)| *r).collect();
                return Err(err(
                    role.span(),
                    format!(
                        "unknown role `{role_name}` (known roles: {})",
                        known.join(", ")
                    ),
                ));
            }
            let style = parse_style(role_name, value.get_ref(), value.span(), &theme.palette)
                .map_err(|(span, why)| err(span, why))?;
            theme.styles.insert(role_name.to_string(), style);
        }
    }
    Ok(theme)
}

type SpannedError = (Range<usize>, String);

fn parse_style(
    role: &str,
    value: &DeValue<'_>,
    span: Range<usize>,
    palette: &BTreeMap<String, Color>,
) -> Result<Style, SpannedError> {
    if let Some(color) = value.as_str() {
        let fg = parse_color(color, palette)
            .map_err(|why| (span.clone(), format!("role `{role}`: {why}")))?;
        return Ok(Style::new().fg(fg));
    }
    let Some(table) = value.as_table() else {
        return Err((span, format!("role `{role}` must be a colour string or a table like {{ fg = \"white\", bold = true }}")));
    };
    let mut style = Style::new();
    for (field, v) in table.iter() {
        let name = field.get_ref().as_ref();
        let modifier = match name {
            "fg" | "bg" => {
                let Some(color) = v.get_ref().as_str() else {
                    return Err((v.span(), format!("role `{role}`: `{name}` must be a colour string")));
                };
                let color = parse_color(color, palette).map_err(|why| (v.span(), format!("role `{role}`: {why}")))?;
                style = if name == "fg" { style.fg(color) } else { style.bg(color) };
                continue;
            }
            "bold" => Modifier::BOLD,
            "dim" => Modifier::DIM,
            "italic" => Modifier::ITALIC,
            "underline" | "underlined" => Modifier::UNDERLINED,
            "reversed" | "reverse" => Modifier::REVERSED,
            other => {
                return Err((
                    field.span(),
                    format!("role `{role}`: unknown style field `{other}` (fg, bg, bold, dim, italic, underline, reversed)"),
                ))
            }
        };
        match v.get_ref().as_bool() {
            Some(true) => style = style.add_modifier(modifier),
            Some(false) => style = style.remove_modifier(modifier),
            None => {
                return Err((
                    v.span(),
                    format!("role `{role}`: `{name}` must be true or false"),
                ))
            }
        }
    }
    Ok(style)
}

const NAMED_COLORS: &[(&str, Color)] = &[
    ("reset", Color::Reset),
    ("default", Color::Reset),
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("grey", Color::Gray),
    ("darkgray", Color::DarkGray),
    ("darkgrey", Color::DarkGray),
    ("lightred", Color::LightRed),
    ("lightgreen", Color::LightGreen),
    ("lightyellow", Color::LightYellow),
    ("lightblue", Color::LightBlue),
    ("lightmagenta", Color::LightMagenta),
    ("lightcyan", Color::LightCyan),
    ("white", Color::White),
];

/// A colour: a palette name, a terminal colour name, `#rrggbb`, or `0`..`255`.
pub fn parse_color(text: &str, palette: &BTreeMap<String, Color>) -> Result<Color, String> {
    if let Some(c) = palette.get(text) {
        return Ok(*c);
    }
    let lower = text.to_ascii_lowercase().replace(['_', '-', ' '], "");
    if let Some((_, c)) = NAMED_COLORS.iter().find(|(n, _)| *n == lower) {
        return Ok(*c);
    }
    if let Some(hex) = text.strip_prefix('#') {
        if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let v = u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
            return Ok(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
        }
        return Err(format!(
            "bad colour `{text}`: a hex colour is # and six hex digits"
        ));
    }
    if let Ok(index) = text.parse::<u8>() {
        return Ok(Color::Indexed(index));
    }
    Err(format!(
        "bad colour `{text}` (use a palette name, a colour name such as `lightblue`, `#rrggbb`, or 0-255)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_load_and_fall_back_along_dots() {
        for (name, _, _) in BUILTIN {
            let theme = Theme::builtin(name).expect("builtin theme is valid");
            assert_eq!(&theme.name, name);
        }
        let dark = Theme::builtin("dark").expect("valid");
        let t = Theme::parse("t.toml", "inherits = \"dark\"\n[roles]\nflag = \"red\"\n")
            .expect("valid");
        assert_eq!(t.style("flag.employee").fg, Some(Color::Red));
        assert_eq!(t.style("flag.vip"), dark.style("flag.vip"));
        assert_eq!(t.style("nonexistent.role"), dark.style("text"));
    }

    #[test]
    fn colours_parse() {
        let p = BTreeMap::new();
        assert_eq!(parse_color("#ff0080", &p), Ok(Color::Rgb(255, 0, 128)));
        assert_eq!(parse_color("light-blue", &p), Ok(Color::LightBlue));
        assert_eq!(parse_color("42", &p), Ok(Color::Indexed(42)));
        assert!(parse_color("#ff00", &p).is_err());
        assert!(parse_color("chartreuse", &p).is_err());
    }
}
