//! Keymap and theme files: the shipped ones are valid, every bad fixture fails with the
//! file, line and bad name, and keymaps survive parse → print → parse.

use chartroom_ui::config::{check_config_file, Summary};
use chartroom_ui::keymap::{Keymap, KeymapLayer, BUILTIN};
use chartroom_ui::{Key, KeyCode, Modifiers};
use proptest::prelude::*;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    chartroom_testkit::fixture("config-bad").join(name)
}

/// Checks the file fails and the message names the file, the line and `needle`.
fn assert_bad(name: &str, line: usize, needle: &str) {
    let err = check_config_file(&fixture(name)).expect_err("fixture must be rejected");
    let msg = err.to_string();
    assert!(msg.contains(name), "message names the file: {msg}");
    assert!(
        msg.contains(&format!(":{line}:")),
        "message names line {line}: {msg}"
    );
    assert!(msg.contains(needle), "message names `{needle}`: {msg}");
    assert_eq!(err.line(), Some(line), "{msg}");
}

#[test]
fn bad_keymaps_name_file_line_and_culprit() {
    assert_bad(
        "keymap-unknown-action.toml",
        5,
        "unknown action `open_chart_now`",
    );
    assert_bad("keymap-unknown-key.toml", 5, "unknown key `hyper-k`");
    assert_bad("keymap-unknown-mode.toml", 6, "unknown mode `reports`");
    assert_bad(
        "keymap-duplicate-key.toml",
        6,
        "`C-d` is bound twice in [chart]",
    );
    assert_bad(
        "keymap-wrong-mode.toml",
        4,
        "`next_section` cannot be bound in [search]",
    );
    assert_bad("keymap-syntax.toml", 4, "`\"ctrl-n\" = down`");
    assert_bad("keymap-bad-inherits.toml", 2, "inherits");
    assert_bad(
        "keymap-same-key-twice.toml",
        5,
        "duplicate key: `\"ctrl-n\" = \"up\"`",
    );
}

#[test]
fn bad_themes_name_file_line_and_culprit() {
    assert_bad("theme-unknown-role.toml", 6, "unknown role `flag.vipp`");
    assert_bad("theme-bad-colour.toml", 9, "bad colour `chartreuse`");
    assert_bad("theme-bad-field.toml", 5, "unknown style field `blink`");
    assert_bad("theme-cycle-a.toml", 2, "cycle");
}

#[test]
fn a_file_of_unknown_kind_is_refused() {
    let msg = check_config_file(&fixture("unknown-kind.toml"))
        .expect_err("refused")
        .to_string();
    assert!(
        msg.contains("unknown-kind.toml") && msg.contains("kind"),
        "{msg}"
    );
}

#[test]
fn shipped_files_are_valid() {
    let root = chartroom_testkit::repo_root();
    for f in ["keymaps/default.toml", "keymaps/vim.toml"] {
        assert!(
            matches!(check_config_file(&root.join(f)), Ok(Summary::Keymap { .. })),
            "{f}"
        );
    }
    for f in ["themes/dark.toml", "themes/light.toml", "themes/mono.toml"] {
        assert!(
            matches!(check_config_file(&root.join(f)), Ok(Summary::Theme { .. })),
            "{f}"
        );
    }
}

#[test]
fn keymaps_round_trip_through_text() {
    for (name, _, _) in BUILTIN {
        let km = Keymap::builtin(name).expect("valid");
        let printed = km.to_toml();
        let again =
            Keymap::from_user_file("printed.toml", &printed).expect("printed keymap parses");
        assert_eq!(km, again, "{name}");
        assert_eq!(again.to_toml(), printed);
    }
}

#[test]
fn user_keymap_changes_only_what_it_names() {
    let layer = KeymapLayer::parse("u.toml", "[chart]\n\"x\" = \"back\"\n\"esc\" = \"none\"\n")
        .expect("valid");
    let mut km = Keymap::builtin("default").expect("valid");
    let before = km.binding_count();
    km.apply(&layer);
    assert_eq!(km.binding_count(), before);
}

fn any_key() -> impl Strategy<Value = Key> {
    let code = prop_oneof![
        any::<char>()
            .prop_filter("printable", |c| !c.is_control())
            .prop_map(KeyCode::Char),
        Just(KeyCode::Enter),
        Just(KeyCode::Esc),
        Just(KeyCode::Tab),
        Just(KeyCode::Backspace),
        Just(KeyCode::Delete),
        Just(KeyCode::Up),
        Just(KeyCode::PageDown),
        Just(KeyCode::Home),
        (1u8..=24).prop_map(KeyCode::F),
    ];
    (code, any::<bool>(), any::<bool>(), any::<bool>())
        .prop_map(|(code, ctrl, alt, shift)| Key::new(code, Modifiers { ctrl, alt, shift }))
}

proptest! {
    #[test]
    fn key_print_parse_round_trip(key in any_key()) {
        let text = key.to_string();
        let parsed: Key = text.parse().map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(parsed, key);
    }
}

#[test]
fn user_files_load_through_ui_options() {
    use chartroom_ui::{Action, Mode, UiConfig, UiOptions};
    let dir = tempfile::tempdir().expect("tempdir");
    let keymap = dir.path().join("my-keys.toml");
    std::fs::write(
        &keymap,
        "inherits = \"vim\"\n[search]\n\"ctrl-o\" = \"open\"\n",
    )
    .expect("write");
    let theme = dir.path().join("my-theme.toml");
    std::fs::write(
        &theme,
        "inherits = \"light\"\n[roles]\n\"flag.vip\" = { fg = \"#ff0000\", bold = true }\n",
    )
    .expect("write");
    let opts = UiOptions {
        keymap: Some(keymap.display().to_string()),
        theme: Some(theme.display().to_string()),
        no_color: true,
    };
    let config = UiConfig::load(&opts).expect("valid user files");
    assert_eq!(
        config.keymap.resolve(Mode::Search, Key::ctrl('o')),
        Some(Action::Open)
    );
    assert_eq!(
        config.keymap.resolve(Mode::Chart, Key::char('j')),
        Some(Action::Down),
        "vim base"
    );
    // An explicit theme wins over NO_COLOR; unset roles come from the parents.
    assert_eq!(
        config.theme.style("flag.vip").fg,
        Some(ratatui::style::Color::Rgb(255, 0, 0))
    );
    let light = chartroom_ui::Theme::builtin("light").expect("valid");
    assert_eq!(config.theme.style("selection"), light.style("selection"));

    // A bad user file is an error naming it, not a silent fallback to defaults.
    std::fs::write(&keymap, "[chart]\n\"j\" = \"dwon\"\n").expect("write");
    let err = UiConfig::load(&opts).expect_err("refused").to_string();
    assert!(
        err.contains("my-keys.toml:2:") && err.contains("dwon"),
        "{err}"
    );
}
