//! Keys and answers of the Identity workspace. Pure: loads and changes are effects.
//!
//! Keymap actions (`[identity]`): the next view, merge (choose the survivor), not a
//! duplicate, defer, unmerge, the scan station's mode (check in / charge out), mark a
//! chart missing, the pull list's day, refresh. In the charts view a digit starts a
//! scan: from then on every key goes to the scan field until enter (the scanner's) or
//! esc. Other keys go to the queue (arrows, `/` filter, `s` sort; enter: the comparison
//! of a pair, or the detail of anything else).

use super::jobs::{IdentityAnswer, IdentityJob};
use super::rows::chart_label;
use super::state::{IdentityView, Popup};
use crate::action::Action;
use crate::key::{Key, KeyCode};
use crate::msg::Effect;
use crate::state::State;
use crate::widgets::{
    choices_from, reason_text, Confirm, ConfirmOutcome, QueueOutcome, QueueRow, ReasonChoice,
    ReasonOutcome, ReasonPopup,
};
use chartroom_domain::chart_tracking::ChartPlace;
use chartroom_domain::duplicates::DuplicateStatus;
use chartroom_services::ScanMode;
use chrono::Duration;

fn job(job: IdentityJob) -> Effect {
    Effect::Identity(job)
}

/// Where charts usually go from the file room; the last choice takes a typed place.
pub const CHARGE_OUT_PLACES: [&str; 5] = [
    "Coding",
    "Emergency Department",
    "Cardiology Clinic",
    "Release of Information",
    "Other (type the department, or person: / offsite: and a name)",
];

/// Days a charged-out chart is due back (DOMAIN.md names no number; a week is what
/// file rooms commonly allow a clinic).
pub const DUE_BACK_DAYS: i64 = 7;

const DECIDE_REASONS: [&str; 3] = [
    "Different people: the encounters and demographics disagree",
    "Family members (twins, parent and child)",
    "Other",
];

const DEFER_REASONS: [&str; 3] = [
    "Waiting for a registration check with the patient",
    "Waiting for the other facility's records",
    "Other",
];

pub fn enter(state: &mut State) -> Vec<Effect> {
    if state.identity.loaded {
        return Vec::new();
    }
    state.identity.loaded = true;
    vec![job(IdentityJob::Pairs), job(IdentityJob::ChartsOut)]
}

/// What `ctrl-r` or a change reloads: the data of the view on screen.
fn reload(state: &State) -> IdentityJob {
    match state.identity.view {
        IdentityView::Pairs => IdentityJob::Pairs,
        IdentityView::Overlays => IdentityJob::Overlays,
        IdentityView::Charts => IdentityJob::ChartsOut,
        IdentityView::PullList => {
            IdentityJob::PullList(state.identity.pull_date.unwrap_or(state.now.date_naive()))
        }
    }
}

/// The pair under the cursor, when the pairs are on screen.
fn current_pair(
    state: &mut State,
) -> Option<(
    chartroom_domain::PatientId,
    chartroom_domain::PatientId,
    DuplicateStatus,
)> {
    let id = state
        .identity
        .pairs
        .current()
        .map(|r| (r.0.pair.a, r.0.pair.b, r.0.pair.status));
    if id.is_none() || state.identity.view != IdentityView::Pairs {
        state.error = Some("no pair chosen (tab to the duplicate pairs)".into());
        return None;
    }
    id
}

pub fn on_action(state: &mut State, action: Action, key: Key) -> Vec<Effect> {
    state.identity.notice = None;
    match action {
        Action::IdentityView => {
            let i = &mut state.identity;
            i.view = i.view.next();
            i.comparing = false;
            i.detail_focused = false;
            i.detail_scroll = 0;
            match i.view {
                IdentityView::Overlays if !i.overlays_loaded => {
                    i.overlays_loaded = true;
                    vec![job(IdentityJob::Overlays)]
                }
                IdentityView::PullList if i.pull_date.is_none() => {
                    let today = state.now.date_naive();
                    i.pull_date = Some(today);
                    vec![job(IdentityJob::PullList(today))]
                }
                _ => Vec::new(),
            }
        }
        Action::Refresh => vec![job(reload(state))],
        Action::PreviousDay | Action::NextDay => {
            if state.identity.view != IdentityView::PullList {
                state.error = Some("tab to the pull list first".into());
                return Vec::new();
            }
            let step = if action == Action::NextDay { 1 } else { -1 };
            let day =
                state.identity.pull_date.unwrap_or(state.now.date_naive()) + Duration::days(step);
            state.identity.pull_date = Some(day);
            vec![job(IdentityJob::PullList(day))]
        }
        Action::MergePair => {
            let Some((a, b, status)) = current_pair(state) else {
                return Vec::new();
            };
            if status == DuplicateStatus::VerifiedDuplicate {
                state.error = Some("these charts are merged already (u unmerges)".into());
                return Vec::new();
            }
            let Some(row) = state.identity.pairs.current() else {
                return Vec::new();
            };
            let labels = [
                format!("Keep A {}, retire B", chart_label(&row.0.a)),
                format!("Keep B {}, retire A", chart_label(&row.0.b)),
            ];
            state.identity.popup = Some(Popup::Merge {
                a,
                b,
                reason: ReasonPopup::new(
                    "Merge",
                    "One person: which chart survives? (the other's MRN stays searchable)",
                    labels
                        .iter()
                        .map(|l| ReasonChoice::new(l.as_str()))
                        .collect(),
                ),
            });
            Vec::new()
        }
        Action::NotDuplicate | Action::DeferPair => {
            let Some((a, b, status)) = current_pair(state) else {
                return Vec::new();
            };
            if status == DuplicateStatus::VerifiedDuplicate {
                state.error = Some("these charts are merged: unmerge them first (u)".into());
                return Vec::new();
            }
            let (status, title, labels) = if action == Action::NotDuplicate {
                (
                    DuplicateStatus::NotDuplicate,
                    "Not a duplicate",
                    &DECIDE_REASONS,
                )
            } else {
                (DuplicateStatus::Deferred, "Defer", &DEFER_REASONS)
            };
            state.identity.popup = Some(Popup::Decide {
                a,
                b,
                status,
                reason: ReasonPopup::new(title, format!("{title}: why?"), choices_from(labels)),
            });
            Vec::new()
        }
        Action::UnmergePair => {
            let Some((a, b, status)) = current_pair(state) else {
                return Vec::new();
            };
            if status != DuplicateStatus::VerifiedDuplicate {
                state.error = Some("only a merged pair can be unmerged".into());
                return Vec::new();
            }
            state.identity.popup = Some(Popup::Unmerge {
                a,
                b,
                reason: ReasonPopup::new("Unmerge", "Unmerge: why?", Vec::new()),
            });
            Vec::new()
        }
        Action::ScanCheckIn => {
            state.identity.view = IdentityView::Charts;
            state.identity.scan.mode = ScanMode::CheckIn;
            Vec::new()
        }
        Action::ScanChargeOut => {
            state.identity.view = IdentityView::Charts;
            state.identity.popup = Some(Popup::ChargeOut {
                reason: ReasonPopup::new(
                    "Charge out",
                    format!("Scans charge charts out to (due back in {DUE_BACK_DAYS} days):"),
                    choices_from(&CHARGE_OUT_PLACES),
                ),
            });
            Vec::new()
        }
        Action::MarkMissing => {
            let current = state
                .identity
                .charts
                .current()
                .filter(|_| state.identity.view == IdentityView::Charts)
                .map(|r| {
                    (
                        r.out.patient.id,
                        r.out.volume.volume,
                        chart_label(&r.out.patient),
                        r.out.volume.place.clone(),
                    )
                });
            let Some((patient, volume, label, place)) = current else {
                state.error = Some("choose a chart out first (tab to the charts)".into());
                return Vec::new();
            };
            if place == ChartPlace::Missing {
                state.error = Some("that chart is marked missing already".into());
                return Vec::new();
            }
            state.identity.popup = Some(Popup::Missing {
                patient,
                volume,
                confirm: Confirm::new(
                    "Missing chart",
                    format!(
                        "{label} v{volume} is not at {}: mark it missing?",
                        place.label()
                    ),
                    "It heads the charts out as MISSING until a scan checks it in (found).",
                ),
            });
            Vec::new()
        }
        _ => on_raw_key(state, key),
    }
}

pub fn on_raw_key(state: &mut State, key: Key) -> Vec<Effect> {
    if let Some(popup) = state.identity.popup.take() {
        return on_popup_key(state, popup, key);
    }
    let i = &mut state.identity;
    // The filter line, while focused, takes digits; otherwise a digit is a scan.
    if i.view == IdentityView::Charts && !i.charts.filter_focused() {
        if let Some(effects) = on_scan_key(state, key) {
            return effects;
        }
    }
    let i = &mut state.identity;
    if i.comparing || i.detail_focused {
        match key.code() {
            KeyCode::Esc | KeyCode::Enter => {
                i.comparing = false;
                i.detail_focused = false;
                i.detail_scroll = 0;
            }
            KeyCode::Up => i.detail_scroll = i.detail_scroll.saturating_sub(1),
            KeyCode::Down => i.detail_scroll = i.detail_scroll.saturating_add(1),
            KeyCode::PageUp => i.detail_scroll = i.detail_scroll.saturating_sub(10),
            KeyCode::PageDown => i.detail_scroll = i.detail_scroll.saturating_add(10),
            KeyCode::Home => i.detail_scroll = 0,
            _ => {}
        }
        return Vec::new();
    }
    match i.view {
        IdentityView::Pairs => {
            let before = i.pairs.current().map(QueueRow::id);
            let outcome = i.pairs.handle_key(&key);
            if i.pairs.current().map(QueueRow::id) != before {
                i.detail_scroll = 0;
            }
            if let QueueOutcome::Open((a, b)) = outcome {
                i.comparing = true;
                i.detail_scroll = 0;
                return vec![job(IdentityJob::Compare { a, b })];
            }
        }
        IdentityView::Overlays => open_detail(i.overlays.handle_key(&key), &mut i.detail_focused),
        IdentityView::Charts => open_detail(i.charts.handle_key(&key), &mut i.detail_focused),
        IdentityView::PullList => open_detail(i.pull.handle_key(&key), &mut i.detail_focused),
    }
    Vec::new()
}

fn open_detail<Id>(outcome: QueueOutcome<Id>, focused: &mut bool) {
    if let QueueOutcome::Open(_) = outcome {
        *focused = true;
    }
}

/// The scan field: a digit starts a scan; then every key is the scanner's until enter.
/// `None` when the key is not the scan's (no scan under way and not a digit).
fn on_scan_key(state: &mut State, key: Key) -> Option<Vec<Effect>> {
    let scan = &mut state.identity.scan;
    let typing = !scan.text.is_empty();
    match key.code() {
        KeyCode::Enter if typing => {
            let label = std::mem::take(&mut scan.text);
            let mode = scan.mode.clone();
            Some(vec![job(IdentityJob::Scan { label, mode })])
        }
        KeyCode::Esc if typing => {
            scan.text.clear();
            Some(Vec::new())
        }
        KeyCode::Backspace if typing => {
            scan.text.pop();
            Some(Vec::new())
        }
        _ => match key.text() {
            Some(c) if typing || c.is_ascii_digit() => {
                // A scanner sends at most a label's worth; anything longer is a stuck key.
                if scan.text.chars().count() < 32 {
                    scan.text.push(c);
                }
                Some(Vec::new())
            }
            _ if typing => Some(Vec::new()),
            _ => None,
        },
    }
}

fn on_popup_key(state: &mut State, popup: Popup, key: Key) -> Vec<Effect> {
    let i = &mut state.identity;
    match popup {
        Popup::Merge { a, b, mut reason } => match reason.handle_key(&key) {
            ReasonOutcome::Pending => i.popup = Some(Popup::Merge { a, b, reason }),
            ReasonOutcome::Cancelled => {}
            ReasonOutcome::Submitted {
                choice,
                explanation,
            } => {
                let (survivor, retired) = if choice == Some(1) { (b, a) } else { (a, b) };
                let reason = if explanation.is_empty() {
                    "verified duplicate (Identity workspace)".to_string()
                } else {
                    explanation
                };
                return vec![job(IdentityJob::Merge {
                    survivor,
                    retired,
                    reason,
                })];
            }
        },
        Popup::Decide {
            a,
            b,
            status,
            mut reason,
        } => match reason.handle_key(&key) {
            ReasonOutcome::Pending => {
                i.popup = Some(Popup::Decide {
                    a,
                    b,
                    status,
                    reason,
                })
            }
            ReasonOutcome::Cancelled => {}
            ReasonOutcome::Submitted {
                choice,
                explanation,
            } => {
                let labels: &[&str] = if status == DuplicateStatus::NotDuplicate {
                    &DECIDE_REASONS
                } else {
                    &DEFER_REASONS
                };
                let reason = reason_text(labels, choice, explanation);
                return vec![job(IdentityJob::Decide {
                    a,
                    b,
                    status,
                    reason,
                })];
            }
        },
        Popup::Unmerge { a, b, mut reason } => match reason.handle_key(&key) {
            ReasonOutcome::Pending => i.popup = Some(Popup::Unmerge { a, b, reason }),
            ReasonOutcome::Cancelled => {}
            ReasonOutcome::Submitted { explanation, .. } => {
                return vec![job(IdentityJob::Unmerge {
                    a,
                    b,
                    reason: explanation,
                })];
            }
        },
        Popup::ChargeOut { mut reason } => match reason.handle_key(&key) {
            ReasonOutcome::Pending => i.popup = Some(Popup::ChargeOut { reason }),
            ReasonOutcome::Cancelled => {}
            ReasonOutcome::Submitted {
                choice,
                explanation,
            } => {
                let picked = choice
                    .and_then(|c| CHARGE_OUT_PLACES.get(c))
                    .filter(|l| !l.starts_with("Other"));
                let to = match picked {
                    Some(dept) => Some(ChartPlace::Department((*dept).to_string())),
                    None => ChartPlace::parse(&explanation),
                };
                match to {
                    Some(to) if to.is_out() => {
                        let due = state.now.date_naive() + Duration::days(DUE_BACK_DAYS);
                        i.scan.mode = ScanMode::ChargeOut { to, due: Some(due) };
                    }
                    _ => {
                        state.error = Some("a charge-out needs a place out of the file room".into())
                    }
                }
            }
        },
        Popup::Missing {
            patient,
            volume,
            confirm,
        } => match confirm.handle_key(&key) {
            ConfirmOutcome::Pending => {
                i.popup = Some(Popup::Missing {
                    patient,
                    volume,
                    confirm,
                })
            }
            ConfirmOutcome::Cancelled => {}
            ConfirmOutcome::Confirmed => {
                return vec![job(IdentityJob::MarkMissing {
                    patient,
                    volume,
                    note: "not where the records say (Identity workspace)".into(),
                })];
            }
        },
    }
    Vec::new()
}

pub fn on_answer(state: &mut State, answer: IdentityAnswer) -> Vec<Effect> {
    let today = state.now.date_naive();
    let i = &mut state.identity;
    match answer {
        IdentityAnswer::Pairs(pairs) => i
            .pairs
            .set_rows(pairs.into_iter().map(super::rows::PairRow).collect()),
        IdentityAnswer::Overlays(overlays) => i
            .overlays
            .set_rows(overlays.into_iter().map(super::rows::OverlayRow).collect()),
        IdentityAnswer::ChartsOut(out) => i.charts.set_rows(
            out.into_iter()
                .map(|out| super::rows::ChartOutRow { out, today })
                .collect(),
        ),
        IdentityAnswer::PullList { date, items } => {
            if i.pull_date == Some(date) {
                i.pull.title = if items.is_empty() {
                    format!(
                        "Pull list {}: no visits that day ([ ] change the day)",
                        date.format("%a %m/%d/%Y")
                    )
                } else {
                    format!(
                        "Pull list {}, terminal-digit order",
                        date.format("%a %m/%d/%Y")
                    )
                };
                i.pull
                    .set_rows(items.into_iter().map(super::rows::PullRow).collect());
            }
        }
        IdentityAnswer::Compared(detail) => i.compare = Some(*detail),
        IdentityAnswer::Scanned(result) => {
            let p = &result.patient;
            i.scan.record(
                true,
                format!(
                    "{} {} v{}: {}",
                    chartroom_domain::chart_tracking::shelf_label(p.mrn),
                    p.name.display_last_first(),
                    result.volume.volume,
                    result.what
                ),
            );
            return vec![job(IdentityJob::ChartsOut)];
        }
        IdentityAnswer::ScanRefused(message) => i.scan.record(false, message),
        IdentityAnswer::Done { notice, reload } => {
            i.notice = Some(notice);
            let mut effects = vec![job(reload)];
            if let (true, Some((a, b))) = (
                i.comparing,
                i.pairs.current().map(|r| (r.0.pair.a, r.0.pair.b)),
            ) {
                effects.push(job(IdentityJob::Compare { a, b }));
            }
            return effects;
        }
    }
    Vec::new()
}
