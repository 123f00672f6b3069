//! Keys and answers of the Release workspace. Pure: loads and changes are effects.
//!
//! Keys reach here two ways: keymap actions (`[release]`: status view, extend, QA,
//! refresh) and raw keys the keymap does not bind, which go to the queue (arrows, `/`
//! filter, `s` sort, enter to the detail pane) or, with the detail focused, scroll it.
//! A popup or a focused filter line takes every key first.

use super::entry::{Entry, EntryOutcome};
use super::jobs::{ReleaseAnswer, ReleaseJob};
use super::rows::RequestRow;
use super::state::{Counts, Popup};
use super::view::dollars;
use crate::action::Action;
use crate::key::{Key, KeyCode};
use crate::msg::Effect;
use crate::state::State;
use crate::widgets::{
    Confirm, ConfirmOutcome, QueueOutcome, QueueRow, ReasonChoice, ReasonOutcome, ReasonPopup,
};
use chartroom_services::roi::RoiAct;

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
        Action::NewRequest => {
            let today = r.as_of.unwrap_or_default();
            let next = r.all.len() + 1;
            r.entry = Some(Entry::new(
                format!("W-{}-{next:03}", today.format("%y%m%d")),
                today,
            ));
            Vec::new()
        }
        Action::ReleaseDashboard => {
            r.dashboard = !r.dashboard;
            Vec::new()
        }
        Action::DenyRequest | Action::CancelRequest => {
            let deny = action == Action::DenyRequest;
            match r.queue.current() {
                Some(row) => {
                    let id = row.id();
                    let reasons: &[&str] = if deny {
                        &DENIAL_REASONS
                    } else {
                        &CANCEL_REASONS
                    };
                    let choices = reasons
                        .iter()
                        .map(|c| {
                            if c.starts_with("Other") {
                                ReasonChoice::with_explanation(*c)
                            } else {
                                ReasonChoice::new(*c)
                            }
                        })
                        .collect();
                    let (title, question) = if deny {
                        ("Deny", format!("Deny {id}: on what basis?"))
                    } else {
                        ("Cancel", format!("Cancel {id}: why?"))
                    };
                    r.popup = Some(Popup::Close {
                        reason: ReasonPopup::new(title, question, choices),
                        request_id: id,
                        deny,
                    });
                }
                None => state.error = Some("no request chosen".into()),
            }
            Vec::new()
        }
        Action::StartRequest
        | Action::AwaitAuthorization
        | Action::PaymentStep
        | Action::ReleaseRequest => {
            match r.queue.current() {
                Some(row) => {
                    let id = row.id();
                    let (job, title, question, note) = step(action, row);
                    r.popup = Some(Popup::Step {
                        confirm: Confirm::new(title, question, note),
                        request_id: id,
                        job,
                    });
                }
                None => state.error = Some("no request chosen".into()),
            }
            Vec::new()
        }
        _ => on_raw_key(state, key),
    }
}

/// Bases offered for a denial (164.524(a)); the reviewable ones are marked.
pub const DENIAL_REASONS: [&str; 4] = [
    "Psychotherapy notes (164.524(a)(1)(i)), not reviewable",
    "Information compiled for a legal proceeding (164.524(a)(1)(ii)), not reviewable",
    "Access likely to endanger life or safety (164.524(a)(3)(i)), reviewable",
    "Other (reviewable)",
];

/// Reasons offered for a cancellation.
pub const CANCEL_REASONS: [&str; 3] = [
    "Withdrawn by the requester",
    "Duplicate of another request",
    "Other",
];

/// The job, title, question and note of a one-key step.
fn step(action: Action, row: &RequestRow) -> (ReleaseJob, &'static str, String, &'static str) {
    let request_id = row.id();
    let act = |act| ReleaseJob::Act {
        request_id: request_id.clone(),
        act,
    };
    match action {
        Action::StartRequest => (
            act(RoiAct::Start),
            "Start",
            format!("Start fulfillment of {request_id}?"),
            "You become its preparer (a second-person QA must be someone else).",
        ),
        Action::AwaitAuthorization => (
            act(RoiAct::AwaitAuthorization {
                note: "authorization asked of the requester".into(),
            }),
            "Authorization",
            format!("Record that {request_id} waits on an authorization?"),
            "Pending authorization until one arrives; the clock keeps running.",
        ),
        Action::PaymentStep => match &row.0.work.invoice {
            Some(i) if i.paid.is_none() => (
                act(RoiAct::Pay { amount_cents: None }),
                "Payment",
                format!(
                    "Invoice {} paid in full ({})?",
                    i.number,
                    dollars(i.amount_cents)
                ),
                "Recorded with your name; the release may then proceed.",
            ),
            _ => (
                act(RoiAct::Invoice),
                "Invoice",
                format!(
                    "Issue the invoice of {request_id} ({})?",
                    dollars(row.0.row.fee_cents)
                ),
                "Pending payment until paid; the release waits for it.",
            ),
        },
        _ => (
            ReleaseJob::Release {
                request_id: request_id.clone(),
            },
            "Release",
            format!("Release {request_id} today?"),
            "Writes the packet and manifest; withheld documents stay out, each with its reason.",
        ),
    }
}

/// A key the keymap did not take (or any key while a popup or the filter has it).
pub fn on_raw_key(state: &mut State, key: Key) -> Vec<Effect> {
    let r = &mut state.release;
    if let Some(popup) = r.popup.take() {
        return on_popup_key(state, popup, key);
    }
    if let Some(entry) = r.entry.take() {
        return on_entry_key(state, entry, key);
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

fn on_entry_key(state: &mut State, mut entry: Entry, key: Key) -> Vec<Effect> {
    match entry.handle_key(&key) {
        EntryOutcome::Pending => state.release.entry = Some(entry),
        EntryOutcome::Closed => {}
        EntryOutcome::Search(query) => {
            state.release.entry = Some(entry);
            return vec![job(ReleaseJob::FindPatient { query })];
        }
        EntryOutcome::Submit(intake) => {
            let request_id = intake.request_id.clone();
            state.release.entry = Some(entry);
            return vec![job(ReleaseJob::Act {
                request_id,
                act: RoiAct::Log(intake),
            })];
        }
    }
    Vec::new()
}

fn on_popup_key(state: &mut State, popup: Popup, key: Key) -> Vec<Effect> {
    let r = &mut state.release;
    match popup {
        Popup::Close {
            request_id,
            deny,
            mut reason,
        } => match reason.handle_key(&key) {
            ReasonOutcome::Pending => {
                r.popup = Some(Popup::Close {
                    request_id,
                    deny,
                    reason,
                })
            }
            ReasonOutcome::Cancelled => {}
            ReasonOutcome::Submitted {
                choice,
                explanation,
            } => {
                let list: &[&str] = if deny {
                    &DENIAL_REASONS
                } else {
                    &CANCEL_REASONS
                };
                let label = choice
                    .and_then(|i| list.get(i))
                    .copied()
                    .unwrap_or_default();
                let reviewable = label.contains("reviewable") && !label.contains("not reviewable");
                let text = match explanation.is_empty() {
                    true => label.to_string(),
                    false => format!("{label}: {explanation}"),
                };
                let act = if deny {
                    RoiAct::Deny {
                        reason: text,
                        reviewable,
                    }
                } else {
                    RoiAct::Cancel { reason: text }
                };
                return vec![job(ReleaseJob::Act { request_id, act })];
            }
        },
        Popup::Step {
            request_id,
            job: step_job,
            confirm,
        } => match confirm.handle_key(&key) {
            ConfirmOutcome::Pending => {
                r.popup = Some(Popup::Step {
                    request_id,
                    job: step_job,
                    confirm,
                })
            }
            ConfirmOutcome::Cancelled => {}
            ConfirmOutcome::Confirmed => return vec![job(step_job)],
        },
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
        ReleaseAnswer::Loaded {
            rows,
            as_of,
            policy,
        } => {
            r.policy = *policy;
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
        ReleaseAnswer::Acted { notice } => {
            // A logged request closes the form; the notice's first line goes on the
            // queue's title (a letter's full text is in the detail pane).
            r.entry = None;
            r.notice = notice
                .lines()
                .find(|l| !l.trim().is_empty())
                .map(String::from);
            r.apply_view();
            return vec![job(ReleaseJob::Load)];
        }
        ReleaseAnswer::Found { candidates } => {
            if let Some(entry) = r.entry.as_mut() {
                entry.found(candidates);
            }
        }
        ReleaseAnswer::QaConfirmed { request_id } => {
            r.notice = Some(format!("{request_id}: QA confirmed"));
            r.apply_view();
            return vec![job(ReleaseJob::Load)];
        }
    }
    Vec::new()
}
