//! Keys and answers of the Release workspace. Pure: loads and changes are effects.
//!
//! Keys reach here two ways: keymap actions (`[release]`: status view, extend, QA,
//! refresh) and raw keys the keymap does not bind, which go to the queue (arrows, `/`
//! filter, `s` sort, enter to the detail pane) or, with the detail focused, scroll it.
//! A popup or a focused filter line takes every key first.

use super::jobs::{ReleaseAnswer, ReleaseJob};
use super::rows::RequestRow;
use super::state::{Counts, Popup};
use crate::action::Action;
use crate::key::{Key, KeyCode};
use crate::msg::Effect;
use crate::state::State;
use crate::widgets::{
    Confirm, ConfirmOutcome, QueueOutcome, QueueRow, ReasonChoice, ReasonOutcome, ReasonPopup,
};

fn job(job: ReleaseJob) -> Effect {
    Effect::Release(job)
}

/// Reasons offered for an extension (164.524(b)(2) wants one in writing).
pub const EXTENSION_REASONS: [&str; 3] = [
    "The records are in off-site storage",
    "Records from another facility are awaited",
    "Other",
];

/// Entering the workspace: the requests load the first time.
pub fn enter(state: &mut State) -> Vec<Effect> {
    if state.release.loaded {
        return Vec::new();
    }
    state.release.loaded = true;
    vec![job(ReleaseJob::Load)]
}

pub fn on_action(state: &mut State, action: Action, key: Key) -> Vec<Effect> {
    let r = &mut state.release;
    if r.notice.take().is_some() {
        r.apply_view();
    }
    match action {
        Action::NextStatus => {
            r.view = r.view.next();
            r.detail_scroll = 0;
            r.apply_view();
            Vec::new()
        }
        Action::Refresh => vec![job(ReleaseJob::Load)],
        Action::ExtendRequest => {
            match r.queue.current() {
                Some(row) => {
                    let id = row.id();
                    let choices = EXTENSION_REASONS
                        .iter()
                        .map(|c| {
                            if *c == "Other" {
                                ReasonChoice::with_explanation(*c)
                            } else {
                                ReasonChoice::new(*c)
                            }
                        })
                        .collect();
                    r.popup = Some(Popup::Extend {
                        reason: ReasonPopup::new(
                            "Extend by 30 days",
                            format!("Extend {id} once by 30 days: why?"),
                            choices,
                        ),
                        request_id: id,
                    });
                }
                None => state.error = Some("no request chosen".into()),
            }
            Vec::new()
        }
        Action::ConfirmQa => {
            match r.queue.current() {
                Some(row) => {
                    let id = row.id();
                    let who = format!("{} (MRN {})", row.0.patient_name, row.0.mrn);
                    r.popup = Some(Popup::Qa {
                        confirm: Confirm::new(
                            "QA",
                            format!("Every page of {id} belongs to {who}?"),
                            "Recorded with your name and the time; the request is then ready to release.",
                        ),
                        request_id: id,
                    });
                }
                None => state.error = Some("no request chosen".into()),
            }
            Vec::new()
        }
        _ => on_raw_key(state, key),
    }
}

/// A key the keymap did not take (or any key while a popup or the filter has it).
pub fn on_raw_key(state: &mut State, key: Key) -> Vec<Effect> {
    let r = &mut state.release;
    if let Some(popup) = r.popup.take() {
        return on_popup_key(state, popup, key);
    }
    if r.detail_focused {
        match key.code() {
            KeyCode::Esc | KeyCode::Enter => r.detail_focused = false,
            KeyCode::Up => r.detail_scroll = r.detail_scroll.saturating_sub(1),
            KeyCode::Down => r.detail_scroll = r.detail_scroll.saturating_add(1),
            KeyCode::PageUp => r.detail_scroll = r.detail_scroll.saturating_sub(5),
            KeyCode::PageDown => r.detail_scroll = r.detail_scroll.saturating_add(5),
            KeyCode::Home => r.detail_scroll = 0,
            _ => {}
        }
        return Vec::new();
    }
    let before = r.queue.current().map(QueueRow::id);
    if let QueueOutcome::Open(_) = r.queue.handle_key(&key) {
        r.detail_focused = true;
    }
    if r.queue.current().map(QueueRow::id) != before {
        r.detail_scroll = 0;
    }
    Vec::new()
}

fn on_popup_key(state: &mut State, popup: Popup, key: Key) -> Vec<Effect> {
    let r = &mut state.release;
    match popup {
        Popup::Extend {
            request_id,
            mut reason,
        } => match reason.handle_key(&key) {
            ReasonOutcome::Pending => r.popup = Some(Popup::Extend { request_id, reason }),
            ReasonOutcome::Cancelled => {}
            ReasonOutcome::Submitted {
                choice,
                explanation,
            } => {
                let label = choice
                    .and_then(|i| EXTENSION_REASONS.get(i))
                    .copied()
                    .filter(|l| *l != "Other")
                    .unwrap_or_default();
                let text = match (label.is_empty(), explanation.is_empty()) {
                    (_, true) => label.to_string(),
                    (true, false) => explanation,
                    (false, false) => format!("{label}: {explanation}"),
                };
                return vec![job(ReleaseJob::Extend {
                    request_id,
                    reason: text,
                })];
            }
        },
        Popup::Qa {
            request_id,
            confirm,
        } => match confirm.handle_key(&key) {
            ConfirmOutcome::Pending => {
                r.popup = Some(Popup::Qa {
                    request_id,
                    confirm,
                })
            }
            ConfirmOutcome::Cancelled => {}
            ConfirmOutcome::Confirmed => return vec![job(ReleaseJob::ConfirmQa { request_id })],
        },
    }
    Vec::new()
}

/// An answer from the runtime.
pub fn on_answer(state: &mut State, answer: ReleaseAnswer) -> Vec<Effect> {
    let r = &mut state.release;
    match answer {
        ReleaseAnswer::Loaded { rows, as_of } => {
            r.all = rows.into_iter().map(RequestRow).collect();
            r.counts = Counts::of(&r.all);
            r.as_of = Some(as_of);
            r.apply_view();
        }
        ReleaseAnswer::Extended { request_id, notice } => {
            r.notice = Some(format!("{request_id} extended to {}", notice.new_due));
            r.apply_view();
            return vec![job(ReleaseJob::Load)];
        }
        ReleaseAnswer::QaConfirmed { request_id } => {
            r.notice = Some(format!("{request_id}: QA confirmed"));
            r.apply_view();
            return vec![job(ReleaseJob::Load)];
        }
    }
    Vec::new()
}
