//! Keys and answers of the timelines. `t` shows the patient's timeline and `u` the
//! user's activity, for the alert or case under the cursor; inside a timeline the
//! cursor picks a row, so `u` on an access shows that access's user and `t` on a
//! touched patient that patient's timeline. Esc goes back to the list they came from.
//! Each view is loaded afresh (an audited read) and an answer for another pair than
//! the one asked last is dropped.

use super::jobs::{PrivacyAnswer, PrivacyJob};
use super::state::{PrivacyState, PrivacyView};
use super::timeline::{PatientTimeline, UserTimeline};
use crate::action::Action;
use crate::key::{Key, KeyCode};
use crate::msg::Effect;
use crate::state::State;

/// The (user, patient) a timeline key is about, from what is on screen.
fn pair_on_screen(p: &PrivacyState) -> Option<(String, String)> {
    let (user, patient) = &p.focus_pair;
    match p.view {
        PrivacyView::Alerts => p.alerts.current().map(|r| {
            let a = &r.0.alert;
            (a.user_id.clone(), a.patient_id.clone())
        }),
        PrivacyView::Cases => p.cases.current().map(|r| {
            let c = &r.0;
            (
                c.user_id.clone(),
                c.patients.first().cloned().unwrap_or_default(),
            )
        }),
        PrivacyView::Timeline => {
            let row = p
                .timeline
                .as_ref()
                .and_then(|t| t.lines.get(p.timeline_cursor));
            let user = row.map_or_else(|| user.clone(), |l| l.record.user.clone());
            Some((user, patient.clone()))
        }
        PrivacyView::Activity => {
            let row = p
                .activity
                .as_ref()
                .and_then(|a| a.patients.get(p.timeline_cursor));
            let patient = row.map_or_else(|| patient.clone(), |t| t.patient.clone());
            Some((user.clone(), patient))
        }
    }
}

/// `t` or `u`: show the timeline and ask for its data.
pub fn open(state: &mut State, action: Action) -> Vec<Effect> {
    let p = &mut state.privacy;
    let Some((user, patient)) = pair_on_screen(p) else {
        state.error = Some("no alert or case chosen".into());
        return Vec::new();
    };
    let (view, job) = if action == Action::PatientTimeline {
        if patient.is_empty() {
            state.error = Some("no patient to show".into());
            return Vec::new();
        }
        let job = PrivacyJob::Timeline {
            patient_id: patient.clone(),
        };
        (PrivacyView::Timeline, job)
    } else {
        if user.is_empty() {
            state.error = Some("no user to show".into());
            return Vec::new();
        }
        let job = PrivacyJob::Activity {
            user_id: user.clone(),
        };
        (PrivacyView::Activity, job)
    };
    if matches!(p.view, PrivacyView::Alerts | PrivacyView::Cases) {
        p.back_to = p.view;
    }
    p.focus_pair = (user, patient);
    p.view = view;
    p.timeline = None;
    p.activity = None;
    p.timeline_cursor = 0;
    p.detail_focused = false;
    vec![Effect::Privacy(job)]
}

/// Keys in a timeline: move the cursor, or go back.
pub fn on_key(p: &mut PrivacyState, key: Key) {
    let rows = match p.view {
        PrivacyView::Timeline => p.timeline.as_ref().map_or(0, |t| t.lines.len()),
        _ => p.activity.as_ref().map_or(0, |a| a.patients.len()),
    };
    let last = rows.saturating_sub(1);
    let c = &mut p.timeline_cursor;
    match key.code() {
        KeyCode::Esc | KeyCode::Backspace | KeyCode::Left => p.view = p.back_to,
        KeyCode::Up => *c = c.saturating_sub(1),
        KeyCode::Down => *c = (*c + 1).min(last),
        KeyCode::PageUp => *c = c.saturating_sub(10),
        KeyCode::PageDown => *c = (*c + 10).min(last),
        KeyCode::Home => *c = 0,
        KeyCode::End => *c = last,
        _ => {}
    }
}

pub fn on_answer(p: &mut PrivacyState, answer: PrivacyAnswer) {
    match answer {
        PrivacyAnswer::Timeline { patient_id, lines } if patient_id == p.focus_pair.1 => {
            p.timeline = Some(PatientTimeline::new(patient_id, lines));
        }
        PrivacyAnswer::Activity { user_id, activity } if user_id == p.focus_pair.0 => {
            let alerts = p.alerts.rows();
            let alerted = |patient: &str| {
                alerts.iter().any(|r| {
                    let a = &r.0.alert;
                    a.user_id == user_id
                        && (a.patient_id == patient || a.patients.iter().any(|x| x == patient))
                })
            };
            let timeline = UserTimeline::new(user_id.clone(), *activity, alerted);
            p.activity = Some(timeline);
        }
        _ => {}
    }
}
