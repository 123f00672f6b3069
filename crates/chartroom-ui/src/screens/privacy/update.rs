//! Keys and answers of the Privacy workspace. Pure: loads and changes are effects.
//!
//! Keymap actions (`[privacy]`): switch alerts/cases, dismiss (the selection, else the
//! alert under the cursor), promote to a case, the case transitions, a note, refresh,
//! the patient's timeline and the user's activity. Other keys go to the queue (arrows,
//! `/` filter, space select, `s` sort, enter: the evidence), or, with the detail
//! focused or a timeline shown, scroll it (esc goes back). A popup takes every key first.

use super::jobs::{PrivacyAnswer, PrivacyJob};
use super::rows::{AlertRow, CaseRow};
use super::state::{Popup, PrivacyView};
use crate::action::Action;
use crate::key::{Key, KeyCode};
use crate::msg::Effect;
use crate::state::State;
use crate::widgets::{
    choices_from, reason_text, QueueOutcome, QueueRow, ReasonOutcome, ReasonPopup,
};
use chartroom_domain::privacy::Determination;
use chartroom_services::privacy::{AlertRef, CaseAction};

fn job(job: PrivacyJob) -> Effect {
    Effect::Privacy(job)
}

/// Reasons offered when dismissing alerts.
pub const DISMISS_REASONS: [&str; 4] = [
    "Documented care or work assignment",
    "Known workflow (coding, registration, quality)",
    "Duplicate of an alert already reviewed",
    "Other",
];

pub fn enter(state: &mut State) -> Vec<Effect> {
    if state.privacy.loaded {
        return Vec::new();
    }
    state.privacy.loaded = true;
    vec![job(PrivacyJob::Load)]
}

fn current_case(state: &mut State) -> Option<u64> {
    let id = state.privacy.cases.current().map(|c: &CaseRow| c.0.id);
    if id.is_none() || state.privacy.view != PrivacyView::Cases {
        state.error = Some("no case chosen (tab shows the cases)".into());
        return None;
    }
    id
}

fn alert_ref(row: &AlertRow) -> AlertRef {
    let a = &row.0.alert;
    AlertRef {
        user_id: a.user_id.clone(),
        patients: row.pairs().into_iter().map(|(_, p)| p).collect(),
        score: a.score,
        rules: a.rules.iter().map(|r| r.code().to_string()).collect(),
    }
}

/// The selected alerts, else the one under the cursor.
fn chosen_alerts(state: &State) -> Vec<AlertRow> {
    let q = &state.privacy.alerts;
    let selected: Vec<AlertRow> = q.selected().into_iter().cloned().collect();
    if selected.is_empty() {
        q.current().cloned().into_iter().collect()
    } else {
        selected
    }
}

pub fn on_action(state: &mut State, action: Action, key: Key) -> Vec<Effect> {
    state.privacy.notice = None;
    match action {
        Action::PrivacyView => {
            let p = &mut state.privacy;
            p.view = match p.view {
                PrivacyView::Alerts => PrivacyView::Cases,
                PrivacyView::Cases => PrivacyView::Alerts,
                PrivacyView::Timeline | PrivacyView::Activity => p.back_to,
            };
            p.detail_focused = false;
            p.detail_scroll = 0;
            Vec::new()
        }
        Action::Refresh => vec![job(PrivacyJob::Load)],
        Action::DismissAlert | Action::PromoteAlert
            if state.privacy.view != PrivacyView::Alerts =>
        {
            state.error = Some("tab back to the alerts first".into());
            Vec::new()
        }
        Action::DismissAlert => {
            let rows = chosen_alerts(state);
            if rows.is_empty() {
                state.error = Some("no alert chosen".into());
                return Vec::new();
            }
            let pairs: Vec<(String, String)> = rows.iter().flat_map(AlertRow::pairs).collect();
            state.privacy.popup = Some(Popup::Dismiss {
                reason: ReasonPopup::new(
                    "Dismiss",
                    format!("Dismiss {} alert(s): why?", rows.len()),
                    choices_from(&DISMISS_REASONS),
                ),
                pairs,
            });
            Vec::new()
        }
        Action::PromoteAlert => {
            let rows = chosen_alerts(state);
            if rows.is_empty() {
                state.error = Some("no alert chosen".into());
                return Vec::new();
            }
            let alerts = rows.iter().map(alert_ref).collect();
            state.privacy.alerts.clear_selection();
            vec![job(PrivacyJob::Promote { alerts })]
        }
        Action::StartReview | Action::CloseCase | Action::ReopenCase => {
            let Some(id) = current_case(state) else {
                return Vec::new();
            };
            let action = match action {
                Action::StartReview => CaseAction::StartReview,
                Action::CloseCase => CaseAction::Close,
                _ => CaseAction::Reopen,
            };
            vec![job(PrivacyJob::Case {
                id,
                action,
                text: String::new(),
            })]
        }
        Action::DetermineCase => {
            let Some(id) = current_case(state) else {
                return Vec::new();
            };
            let labels: Vec<&str> = Determination::ALL.iter().map(|d| d.label()).collect();
            state.privacy.popup = Some(Popup::Determine {
                case: id,
                reason: ReasonPopup::new(
                    "Determination",
                    format!("Case #{id}: the determination"),
                    choices_from(&labels),
                ),
            });
            Vec::new()
        }
        Action::NoteCase => {
            let Some(id) = current_case(state) else {
                return Vec::new();
            };
            state.privacy.popup = Some(Popup::Note {
                case: id,
                reason: ReasonPopup::new("Note", format!("Case #{id}: add a note"), Vec::new()),
            });
            Vec::new()
        }
        Action::PatientTimeline | Action::UserActivity => {
            super::timeline_update::open(state, action)
        }
        _ => on_raw_key(state, key),
    }
}

pub fn on_raw_key(state: &mut State, key: Key) -> Vec<Effect> {
    let p = &mut state.privacy;
    if let Some(popup) = p.popup.take() {
        return on_popup_key(state, popup, key);
    }
    if matches!(p.view, PrivacyView::Timeline | PrivacyView::Activity) {
        super::timeline_update::on_key(p, key);
        return Vec::new();
    }
    if p.detail_focused {
        match key.code() {
            KeyCode::Esc | KeyCode::Enter => p.detail_focused = false,
            KeyCode::Up => p.detail_scroll = p.detail_scroll.saturating_sub(1),
            KeyCode::Down => p.detail_scroll = p.detail_scroll.saturating_add(1),
            KeyCode::PageUp => p.detail_scroll = p.detail_scroll.saturating_sub(5),
            KeyCode::PageDown => p.detail_scroll = p.detail_scroll.saturating_add(5),
            KeyCode::Home => p.detail_scroll = 0,
            _ => {}
        }
        return Vec::new();
    }
    match p.view {
        PrivacyView::Alerts => {
            let before = p.alerts.current().map(QueueRow::id);
            let outcome = p.alerts.handle_key(&key);
            let after = p.alerts.current().map(QueueRow::id);
            if after != before {
                p.detail_scroll = 0;
                p.evidence = None;
            }
            if let QueueOutcome::Open((user_id, patient_id)) = outcome {
                p.detail_focused = true;
                return vec![job(PrivacyJob::Evidence {
                    user_id,
                    patient_id,
                })];
            }
        }
        PrivacyView::Cases => {
            let before = p.cases.current().map(|r| r.0.id);
            if let QueueOutcome::Open(_) = p.cases.handle_key(&key) {
                p.detail_focused = true;
            }
            if p.cases.current().map(|r| r.0.id) != before {
                p.detail_scroll = 0;
            }
        }
        PrivacyView::Timeline | PrivacyView::Activity => {}
    }
    Vec::new()
}

fn on_popup_key(state: &mut State, popup: Popup, key: Key) -> Vec<Effect> {
    let p = &mut state.privacy;
    match popup {
        Popup::Dismiss { pairs, mut reason } => match reason.handle_key(&key) {
            ReasonOutcome::Pending => p.popup = Some(Popup::Dismiss { pairs, reason }),
            ReasonOutcome::Cancelled => {}
            ReasonOutcome::Submitted {
                choice,
                explanation,
            } => {
                p.alerts.clear_selection();
                let reason = reason_text(&DISMISS_REASONS, choice, explanation);
                return vec![job(PrivacyJob::Dismiss { pairs, reason })];
            }
        },
        Popup::Determine { case, mut reason } => match reason.handle_key(&key) {
            ReasonOutcome::Pending => p.popup = Some(Popup::Determine { case, reason }),
            ReasonOutcome::Cancelled => {}
            ReasonOutcome::Submitted {
                choice,
                explanation,
            } => {
                let d = choice
                    .and_then(|i| Determination::ALL.get(i))
                    .copied()
                    .unwrap_or(Determination::Appropriate);
                return vec![job(PrivacyJob::Case {
                    id: case,
                    action: CaseAction::Determine(d),
                    text: explanation,
                })];
            }
        },
        Popup::Note { case, mut reason } => match reason.handle_key(&key) {
            ReasonOutcome::Pending => p.popup = Some(Popup::Note { case, reason }),
            ReasonOutcome::Cancelled => {}
            ReasonOutcome::Submitted { explanation, .. } => {
                return vec![job(PrivacyJob::Case {
                    id: case,
                    action: CaseAction::Note(explanation.clone()),
                    text: explanation,
                })];
            }
        },
    }
    Vec::new()
}

pub fn on_answer(state: &mut State, answer: PrivacyAnswer) -> Vec<Effect> {
    let p = &mut state.privacy;
    match answer {
        PrivacyAnswer::Loaded { alerts, cases } => {
            p.alerts
                .set_rows(alerts.into_iter().map(AlertRow).collect());
            p.cases.set_rows(cases.into_iter().map(CaseRow).collect());
            p.count();
            p.alerts.title = match &p.notice {
                Some(n) => format!("Alerts, worst first · {n}"),
                None => "Alerts, worst first".into(),
            };
        }
        PrivacyAnswer::Evidence(evidence) => p.evidence = Some(*evidence),
        PrivacyAnswer::Done(notice) => {
            p.notice = Some(notice);
            return vec![job(PrivacyJob::Load)];
        }
        PrivacyAnswer::Timeline { .. } | PrivacyAnswer::Activity { .. } => {
            super::timeline_update::on_answer(p, answer)
        }
    }
    Vec::new()
}
