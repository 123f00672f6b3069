//! Snapshot tests of every screen at 80×24 with a fixed clock, and a sweep of sizes
//! that must never panic.

use crate::ui_support::*;
use chartroom_ui::{update, Msg, UiConfig, UiOptions};
use ratatui::style::{Color, Modifier};

fn with_results() -> chartroom_ui::State {
    let mut s = state();
    type_text(&mut s, "smith jon");
    let generation = s.search.generation;
    update(
        &mut s,
        Msg::SearchResults {
            generation,
            results: results(),
        },
    );
    s
}

fn with_notes() -> chartroom_ui::State {
    let mut s = state();
    key(&mut s, "ctrl-f");
    type_text(&mut s, "pneumonia type:disch");
    // The discharge filter is typed, but the fixture answers for the whole query.
    let generation = s.notes.generation;
    update(
        &mut s,
        Msg::NoteResults {
            generation,
            results: note_results(),
        },
    );
    key(&mut s, "down");
    s
}

fn with_chart() -> chartroom_ui::State {
    let mut s = state();
    update(&mut s, Msg::ChartOpened(Box::new(chart())));
    s
}

#[test]
fn command_palette_on_a_chart() {
    let mut s = with_chart();
    key(&mut s, ":");
    type_text(&mut s, "sec");
    key(&mut s, "down");
    insta::assert_snapshot!(render(&s, 80, 24).backend());
}

#[test]
fn search_empty_without_recent() {
    insta::assert_snapshot!(render(&state(), 80, 24).backend());
}

#[test]
fn search_empty_with_recent_charts() {
    let mut s = state();
    for r in results().into_iter().rev() {
        s.recent.push(r.patient);
    }
    s.recent.reverse();
    key(&mut s, "down");
    insta::assert_snapshot!(render(&s, 80, 24).backend());
}

#[test]
fn search_results_with_flags() {
    let mut s = with_results();
    key(&mut s, "down");
    insta::assert_snapshot!(render(&s, 80, 24).backend());
}

#[test]
fn search_no_match_and_error_line() {
    let mut s = state();
    type_text(&mut s, "zzzz");
    let generation = s.search.generation;
    update(
        &mut s,
        Msg::SearchResults {
            generation,
            results: vec![],
        },
    );
    update(
        &mut s,
        Msg::Failed {
            what: "opening the chart",
            message: "no such patient".into(),
        },
    );
    insta::assert_snapshot!(render(&s, 80, 24).backend());
}

#[test]
fn notes_results_with_marked_snippets() {
    insta::assert_snapshot!(render(&with_notes(), 80, 24).backend());
}

#[test]
fn notes_empty_shows_the_query_language() {
    let mut s = state();
    key(&mut s, "f2");
    insta::assert_snapshot!(render(&s, 80, 24).backend());
}

#[test]
fn help_overlay_on_notes() {
    let mut s = with_notes();
    key(&mut s, "?");
    insta::assert_snapshot!(render(&s, 80, 24).backend());
}

#[test]
fn notes_wide_with_author() {
    let mut s = with_notes();
    update(
        &mut s,
        Msg::Resize {
            width: 132,
            height: 20,
        },
    );
    insta::assert_snapshot!(render(&s, 132, 20).backend());
}

#[test]
fn notes_filter_problem_and_query_error() {
    let mut s = state();
    key(&mut s, "ctrl-f");
    type_text(&mut s, "fever from:2024-13");
    let screen = render(&s, 80, 24).backend().to_string();
    assert!(screen.contains("from: needs a date"), "{screen}");
    key(&mut s, "ctrl-u");
    type_text(&mut s, "type:hp (fever");
    let generation = s.notes.generation;
    update(
        &mut s,
        Msg::NoteSearchFailed {
            generation,
            error: chartroom_ui::msg::NoteSearchError::Query {
                position: 1,
                reason: "this parenthesis is never closed".into(),
            },
        },
    );
    // Position 1 of the text sent ("(fever") is character 9 of what was typed.
    assert_eq!(
        s.error.as_deref(),
        Some("note query: at character 9, this parenthesis is never closed")
    );
    let screen = render(&s, 80, 24).backend().to_string();
    assert!(screen.contains("at character 9"), "{screen}");
    let error_row = screen.lines().rev().nth(1).unwrap_or("");
    assert!(error_row.contains("! note query"), "{error_row}");
    assert!(
        !error_row.contains("fever"),
        "the query is not echoed: {error_row}"
    );
    insta::assert_snapshot!("notes_query_error", render(&s, 80, 24).backend());
}

#[test]
fn chart_demographics() {
    insta::assert_snapshot!(render(&with_chart(), 80, 24).backend());
}

#[test]
fn chart_encounters() {
    let mut s = with_chart();
    key(&mut s, "2");
    key(&mut s, "down");
    insta::assert_snapshot!(render(&s, 80, 24).backend());
}

#[test]
fn chart_documents() {
    let mut s = with_chart();
    key(&mut s, "tab");
    key(&mut s, "tab");
    key(&mut s, "down");
    insta::assert_snapshot!(render(&s, 80, 24).backend());
}

#[test]
fn chart_reading_pane_scrolled() {
    let mut s = with_chart();
    let doc = chart().documents[1].clone();
    update(&mut s, Msg::DocumentLoaded(Box::new(doc)));
    for _ in 0..5 {
        key(&mut s, "down");
    }
    insta::assert_snapshot!(render(&s, 80, 24).backend());
}

#[test]
fn help_overlay_on_search() {
    let mut s = state();
    key(&mut s, "f1");
    insta::assert_snapshot!(render(&s, 80, 24).backend());
}

#[test]
fn help_overlay_on_chart() {
    let mut s = with_chart();
    key(&mut s, "?");
    insta::assert_snapshot!(render(&s, 80, 24).backend());
}

#[test]
fn break_the_glass_popup() {
    let mut s = with_results();
    let flags = vec!["RESTRICTED", "EMPLOYEE", "SENSITIVE"];
    update(
        &mut s,
        Msg::ChartNeedsReason {
            patient: chartroom_domain::PatientId(4),
            flags,
        },
    );
    key(&mut s, "down");
    type_text(&mut s, "ROI request #4471");
    insta::assert_snapshot!(render(&s, 80, 24).backend());
}

#[test]
fn too_small_terminal() {
    insta::assert_snapshot!(render(&with_results(), 59, 14).backend());
}

#[test]
fn mono_theme_results_use_no_colour() {
    let mono = UiConfig::load(&UiOptions {
        no_color: true,
        ..UiOptions::default()
    })
    .expect("valid");
    assert_eq!(mono.theme.name, "mono");
    let mut s = state_with(&mono);
    type_text(&mut s, "smith jon");
    let generation = s.search.generation;
    update(
        &mut s,
        Msg::SearchResults {
            generation,
            results: results(),
        },
    );
    let t = render(&s, 80, 24);
    let buffer = t.backend().buffer();
    for cell in buffer.content() {
        assert!(
            matches!(cell.fg, Color::Reset),
            "mono uses no foreground colours"
        );
        assert!(
            matches!(cell.bg, Color::Reset),
            "mono uses no background colours"
        );
    }
    // The selected row is marked by reverse video and by the `>` marker.
    let selected_row = 4;
    assert_eq!(buffer[(0, selected_row)].symbol(), ">");
    assert!(buffer[(2, selected_row)]
        .modifier
        .contains(Modifier::REVERSED));
    // Matched words are marked by underline (highlight.match), not colour.
    assert!(buffer[(2, selected_row + 1)]
        .modifier
        .contains(Modifier::UNDERLINED));
    assert!(!buffer[(7, selected_row + 1)]
        .modifier
        .contains(Modifier::UNDERLINED));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn every_screen_survives_every_size() {
    let mut popup = with_results();
    update(
        &mut popup,
        Msg::ChartNeedsReason {
            patient: chartroom_domain::PatientId(4),
            flags: vec!["VIP"],
        },
    );
    let mut help = with_chart();
    key(&mut help, "?");
    let mut reading = with_chart();
    update(
        &mut reading,
        Msg::DocumentLoaded(Box::new(chart().documents[1].clone())),
    );
    let mut encounters = with_chart();
    key(&mut encounters, "2");
    let mut notes_popup = with_notes();
    key(&mut notes_popup, "enter");
    update(
        &mut notes_popup,
        Msg::ChartNeedsReason {
            patient: chartroom_domain::PatientId(4),
            flags: vec!["RESTRICTED"],
        },
    );
    let mut notes_help = with_notes();
    key(&mut notes_help, "?");
    let mut notes_empty = state();
    key(&mut notes_empty, "ctrl-f");
    let mut palette = with_results();
    key(&mut palette, "ctrl-g");
    let states = [
        state(),
        palette,
        with_results(),
        with_notes(),
        notes_popup,
        notes_help,
        notes_empty,
        with_chart(),
        popup,
        help,
        reading,
        encounters,
    ];
    let sizes = [
        (0, 0),
        (1, 1),
        (20, 5),
        (59, 15),
        (60, 14),
        (60, 15),
        (61, 16),
        (80, 24),
        (132, 43),
        (300, 100),
        (1, 80),
        (300, 1),
    ];
    for s in &states {
        for (w, h) in sizes {
            let mut s = s.clone();
            update(
                &mut s,
                Msg::Resize {
                    width: w,
                    height: h,
                },
            );
            // Keys at odd sizes must not panic either (page sizes, scroll clamps).
            for k in ["pgdn", "end", "down", "pgup", "home"] {
                key(&mut s, k);
            }
            let _ = render(&s, w, h);
        }
    }
}

#[test]
fn help_lists_the_live_keymap() {
    let vim = UiConfig::load(&UiOptions {
        keymap: Some("vim".into()),
        ..UiOptions::default()
    })
    .expect("valid");
    let mut s = state_with(&vim);
    update(&mut s, Msg::ChartOpened(Box::new(chart())));
    key(&mut s, "?");
    let screen = render(&s, 100, 40).backend().to_string();
    assert!(
        screen.contains("j, down") || screen.contains("down, j"),
        "{screen}"
    );
    assert!(
        screen.contains("shift-tab, h") || screen.contains("h, shift-tab"),
        "{screen}"
    );
}

#[test]
fn search_results_wide() {
    let mut s = with_results();
    update(
        &mut s,
        Msg::Resize {
            width: 132,
            height: 20,
        },
    );
    insta::assert_snapshot!(render(&s, 132, 20).backend());
}

#[test]
fn chart_wide_documents_beside_reading() {
    let mut s = with_chart();
    update(
        &mut s,
        Msg::Resize {
            width: 160,
            height: 30,
        },
    );
    update(
        &mut s,
        Msg::DocumentLoaded(Box::new(chart().documents[1].clone())),
    );
    key(&mut s, "3");
    insta::assert_snapshot!(render(&s, 160, 30).backend());
}
