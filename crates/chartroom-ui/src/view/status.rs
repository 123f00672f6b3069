//! The status bar: who, what data, hints for the current mode (from the live keymap),
//! and the clock.

use super::common::{human_bytes, thousands, width};
use crate::action::{Action, Mode};
use crate::state::State;
use chrono::FixedOffset;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Actions hinted in the status bar, per mode, most useful first: when the bar is
/// narrow the later ones go. Keys come from the live keymap.
fn hinted(mode: Mode) -> &'static [(Action, &'static str)] {
    match mode {
        Mode::Search => &[
            (Action::Help, "help"),
            (Action::Open, "open"),
            (Action::NoteSearch, "notes"),
            (Action::Quit, "quit"),
        ],
        Mode::Notes => &[
            (Action::Help, "help"),
            (Action::Back, "patients"),
            (Action::Open, "open"),
        ],
        Mode::Chart => &[
            (Action::Help, "help"),
            (Action::Back, "back"),
            (Action::NextSection, "section"),
            (Action::Open, "open"),
        ],
        Mode::Completion => &[
            (Action::Help, "help"),
            (Action::NextTab, "tabs"),
            (Action::AddDeficiency, "add"),
            (Action::CompleteDeficiency, "complete"),
            (Action::VerifyDeficiency, "verify"),
            (Action::MarkReviewed, "reviewed"),
        ],
        Mode::Release => &[
            (Action::Help, "help"),
            (Action::NextStatus, "status"),
            (Action::NewRequest, "new"),
            (Action::ConfirmQa, "QA"),
            (Action::ReleaseRequest, "release"),
            (Action::ReleaseDashboard, "dash"),
        ],
        Mode::Privacy => &[
            (Action::Help, "help"),
            (Action::PrivacyView, "alerts/cases"),
            (Action::DismissAlert, "dismiss"),
            (Action::PromoteAlert, "case"),
            (Action::PatientTimeline, "timeline"),
            (Action::UserActivity, "activity"),
            (Action::StartReview, "review"),
            (Action::DetermineCase, "determine"),
        ],
        Mode::Identity => &[
            (Action::Help, "help"),
            (Action::IdentityView, "view"),
            (Action::MergePair, "merge"),
            (Action::NotDuplicate, "not dup"),
            (Action::ScanChargeOut, "charge out"),
            (Action::MarkMissing, "missing"),
        ],
        Mode::Admin => &[
            (Action::Help, "help"),
            (Action::Refresh, "refresh"),
            (Action::Quit, "quit"),
        ],
        Mode::Help => &[(Action::Back, "close"), (Action::Down, "scroll")],
        Mode::Popup => &[(Action::Confirm, "confirm"), (Action::Cancel, "cancel")],
        Mode::Palette => &[(Action::Run, "run"), (Action::Back, "close")],
        Mode::Global => &[],
    }
}

/// `HH:MM` in the session's local time.
pub fn clock(state: &State) -> String {
    match FixedOffset::east_opt(state.utc_offset_seconds) {
        Some(offset) => state.now.with_timezone(&offset).format("%H:%M").to_string(),
        None => state.now.format("%H:%M").to_string(),
    }
}

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let bar = theme.style("status.bar");
    let key_style = theme.style("status.key");
    let clock = format!("{} ", clock(state));
    let total = usize::from(area.width);
    let mode = state.mode();
    let hints: Vec<(String, String)> = hinted(mode)
        .iter()
        .filter_map(|(action, label)| {
            let key = state.keymap.hint(mode, *action)?;
            Some((key.to_string(), format!(" {label}  ")))
        })
        .collect();
    // How many hints fit beside a left part (they go in order, most useful first).
    let fitting = |left: &str| {
        let mut room = total.saturating_sub(width(left) + width(&clock) + 2);
        hints
            .iter()
            .take_while(|(k, l)| {
                let need = width(k) + width(l);
                let fits = need <= room;
                room = room.saturating_sub(need);
                fits
            })
            .count()
    };
    // The data size goes before any hint does: hints say what the keys do here, the
    // size is only a reassurance.
    let with_size = left_text(state, true);
    let without_size = left_text(state, false);
    let left = if fitting(&with_size) >= fitting(&without_size) {
        with_size
    } else {
        without_size
    };
    let mut room = total.saturating_sub(width(&left) + width(&clock) + 2);
    let mut spans_hints: Vec<Span> = Vec::new();
    for (key, label) in hints {
        let need = width(&key) + width(&label);
        if need > room {
            break;
        }
        room -= need;
        spans_hints.push(Span::styled(key, key_style));
        spans_hints.push(Span::styled(label, bar));
    }
    let hints_width: usize = spans_hints.iter().map(|s| s.width()).sum();
    let used = width(&left) + width(&clock) + hints_width;
    let mut spans = vec![
        Span::styled(left, bar),
        Span::styled(" ".repeat(total.saturating_sub(used)), bar),
    ];
    spans.extend(spans_hints);
    spans.push(Span::styled(clock, bar));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
}

/// Who, which workspace (by name, never colour alone), what data, what is loading.
fn left_text(state: &State, with_size: bool) -> String {
    let mut left = format!(
        " {} ({}) │ {}",
        state.username,
        state.role.code(),
        state.workspace.title()
    );
    if let Some(s) = state.status {
        left.push_str(&format!(" │ {} patients", thousands(s.patients)));
        if with_size {
            left.push_str(&format!(" · {}", human_bytes(s.bytes_on_disk)));
        }
    }
    if let Some(what) = state.loading {
        left.push_str(&format!(" │ {what}…"));
    }
    left
}
