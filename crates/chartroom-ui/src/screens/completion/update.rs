//! Keys and answers of the Completion workspace. Pure: loads and changes are effects.
//!
//! Keys reach here two ways: keymap actions (`[completion]`: tabs, transitions) and
//! raw keys the keymap does not bind, which go to the focused work queue (arrows,
//! space to select, `/` filter, `s` sort, enter, esc). A popup or a focused filter
//! line takes every key first.

use super::jobs::{CompletionAnswer, CompletionJob};
use super::rows::{DeficiencyItem, EncounterRow, ProviderRow};
use super::state::{Focus, PendingMove, Popup, Tab};
use crate::action::Action;
use crate::key::Key;
use crate::msg::Effect;
use crate::state::State;
use crate::widgets::{
    Confirm, ConfirmOutcome, QueueOutcome, QueueRow, ReasonChoice, ReasonOutcome, ReasonPopup,
    WorkQueue,
};
use crate::workspace::Workspace;
use chartroom_domain::completion::{Transition, MANUAL_KINDS};
use chartroom_domain::DeficiencyId;

fn job(job: CompletionJob) -> Effect {
    Effect::Completion(job)
}

/// Entering the workspace: the queue loads the first time.
pub fn enter(state: &mut State) -> Vec<Effect> {
    if state.completion.loaded {
        return Vec::new();
    }
    state.completion.loaded = true;
    vec![job(CompletionJob::Queue)]
}

pub fn on_action(state: &mut State, action: Action, key: Key) -> Vec<Effect> {
    let c = &mut state.completion;
    c.notice = None;
    match action {
        Action::NextTab => {
            let next = match c.tab {
                Tab::Queue => Tab::Provider,
                Tab::Provider => Tab::Dashboard,
                Tab::Dashboard => Tab::Queue,
            };
            switch_tab(state, next)
        }
        Action::TabQueue => switch_tab(state, Tab::Queue),
        Action::TabProvider => switch_tab(state, Tab::Provider),
        Action::TabDashboard => switch_tab(state, Tab::Dashboard),
        Action::Refresh => reload(state),
        Action::AddDeficiency => {
            match c.encounters.current().filter(|_| c.tab == Tab::Queue) {
                Some(row) => {
                    let choices = MANUAL_KINDS.iter().map(|k| ReasonChoice::new(*k)).collect();
                    c.popup = Some(Popup::Record {
                        encounter: row.id(),
                        picker: ReasonPopup::new(
                            "Record a deficiency",
                            format!("{}: kind (↑↓), optional comment", row.0.patient_name),
                            choices,
                        ),
                    });
                }
                None => {
                    state.error = Some("no chart chosen: pick one in the analysis queue".into())
                }
            }
            Vec::new()
        }
        Action::MarkReviewed => match c.encounters.current().filter(|_| c.tab == Tab::Queue) {
            Some(row) => vec![job(CompletionJob::Review(row.id()))],
            None => Vec::new(),
        },
        Action::CompleteDeficiency => start_move(state, Transition::Complete),
        Action::VerifyDeficiency => start_move(state, Transition::Verify),
        Action::CloseDeficiency => start_move(state, Transition::Close),
        Action::ReturnDeficiency => start_move(state, Transition::Return),
        Action::CancelDeficiency => start_move(state, Transition::Cancel),
        Action::AssignDeficiency => start_assign(state),
        // Anything else bound in [completion] that is also a queue key (none today).
        _ => on_raw_key(state, key),
    }
}

fn switch_tab(state: &mut State, tab: Tab) -> Vec<Effect> {
    let c = &mut state.completion;
    c.tab = tab;
    match tab {
        Tab::Queue => {
            c.focus = Focus::Encounters;
            Vec::new()
        }
        Tab::Provider => {
            if c.provider.is_none() {
                c.focus = Focus::Providers;
            }
            if c.providers.rows().is_empty() {
                vec![job(CompletionJob::Providers)]
            } else {
                Vec::new()
            }
        }
        Tab::Dashboard => vec![job(CompletionJob::Dashboard)],
    }
}

/// Everything on screen again, after a change or on `refresh`.
fn reload(state: &mut State) -> Vec<Effect> {
    let c = &state.completion;
    let mut out = vec![job(CompletionJob::Queue)];
    out.extend(encounter_load(state));
    if let Some((id, _)) = c.provider {
        out.push(job(CompletionJob::ProviderDeficiencies(id)));
    }
    if c.tab == Tab::Dashboard {
        out.push(job(CompletionJob::Dashboard));
    }
    out
}

/// Loads the deficiencies and documents of the encounter under the cursor.
fn encounter_load(state: &State) -> Option<Effect> {
    let row = state.completion.encounters.current()?;
    Some(job(CompletionJob::Encounter {
        id: row.id(),
        discharged: row.0.discharge_date,
    }))
}

/// The deficiencies a transition acts on: the selection, else the row under the cursor.
fn targets(queue: &WorkQueue<DeficiencyItem>) -> Vec<DeficiencyId> {
    let selected: Vec<DeficiencyId> = queue.selected().iter().map(|r| r.id()).collect();
    if selected.is_empty() {
        queue.current().map(QueueRow::id).into_iter().collect()
    } else {
        selected
    }
}

fn acting_list(state: &State) -> &WorkQueue<DeficiencyItem> {
    let c = &state.completion;
    match c.tab {
        Tab::Provider => &c.provider_deficiencies,
        Tab::Queue | Tab::Dashboard => &c.deficiencies,
    }
}

fn start_move(state: &mut State, transition: Transition) -> Vec<Effect> {
    if state.completion.tab == Tab::Dashboard {
        return Vec::new();
    }
    let ids = targets(acting_list(state));
    if ids.is_empty() {
        state.error = Some("no deficiency chosen (enter the list, space selects)".into());
        return Vec::new();
    }
    let pending = PendingMove {
        ids,
        transition,
        provider: None,
    };
    let n = pending.ids.len();
    let noun = if n == 1 { "deficiency" } else { "deficiencies" };
    let c = &mut state.completion;
    if transition.needs_reason() {
        let choices = match transition {
            Transition::Return => vec![
                ReasonChoice::new("Not my patient"),
                ReasonChoice::new("Wrong provider assigned"),
                ReasonChoice::with_explanation("Other"),
            ],
            _ => vec![
                ReasonChoice::new("Recorded in error"),
                ReasonChoice::new("Not applicable to this encounter"),
                ReasonChoice::new("Duplicate"),
                ReasonChoice::with_explanation("Other"),
            ],
        };
        c.popup = Some(Popup::Reason(
            ReasonPopup::new(
                format!("{} {n} {noun}", verb(transition)),
                format!("{} {n} {noun}: why?", verb(transition)),
                choices,
            ),
            pending,
        ));
        Vec::new()
    } else if n > 1 {
        c.popup = Some(Popup::Confirm(
            Confirm::new(
                verb(transition),
                format!("{} {n} {noun}?", verb(transition)),
                "Each is recorded with your name and the time.",
            ),
            pending,
        ));
        Vec::new()
    } else {
        vec![send_move(pending, String::new())]
    }
}

fn start_assign(state: &mut State) -> Vec<Effect> {
    if state.completion.tab == Tab::Dashboard {
        return Vec::new();
    }
    let ids = targets(acting_list(state));
    if ids.is_empty() {
        state.error = Some("no deficiency chosen (enter the list, space selects)".into());
        return Vec::new();
    }
    let c = &mut state.completion;
    let mut providers = c.providers.clone();
    providers.title = format!("Assign {} to", ids.len());
    providers.clear_selection();
    providers.focus_filter(true);
    let load = c.providers.rows().is_empty();
    c.popup = Some(Popup::Assign { ids, providers });
    if load {
        vec![job(CompletionJob::Providers)]
    } else {
        Vec::new()
    }
}

pub fn verb(t: Transition) -> &'static str {
    match t {
        Transition::Complete => "Complete",
        Transition::Verify => "Verify",
        Transition::Close => "Close",
        Transition::Return => "Return",
        Transition::Reassign => "Assign",
        Transition::Cancel => "Cancel",
        Transition::Reopen => "Reopen",
    }
}

fn send_move(pending: PendingMove, reason: String) -> Effect {
    job(CompletionJob::Move {
        ids: pending.ids,
        transition: pending.transition,
        reason,
        provider: pending.provider,
    })
}

/// A key the keymap did not take (or any key while a popup or filter has it).
pub fn on_raw_key(state: &mut State, key: Key) -> Vec<Effect> {
    if let Some(popup) = state.completion.popup.take() {
        return on_popup_key(state, popup, key);
    }
    let c = &mut state.completion;
    match c.focus {
        Focus::Encounters => {
            let before = c.encounters.current().map(QueueRow::id);
            match c.encounters.handle_key(&key) {
                QueueOutcome::Open(_) => c.focus = Focus::Deficiencies,
                QueueOutcome::Handled | QueueOutcome::Ignored => {}
            }
            if c.encounters.current().map(QueueRow::id) != before {
                c.deficiencies.set_rows(Vec::new());
                c.documents.clear();
                c.shown = None;
                return encounter_load(state).into_iter().collect();
            }
        }
        Focus::Deficiencies => {
            if c.deficiencies.handle_key(&key) == QueueOutcome::Ignored && is_esc(&key) {
                c.focus = Focus::Encounters;
            }
        }
        Focus::Providers => {
            if let QueueOutcome::Open(id) = c.providers.handle_key(&key) {
                let name = c
                    .providers
                    .current()
                    .map(|p| p.0.name.clone())
                    .unwrap_or_default();
                c.provider = Some((id, name));
                c.provider_deficiencies.set_rows(Vec::new());
                c.focus = Focus::ProviderDeficiencies;
                return vec![job(CompletionJob::ProviderDeficiencies(id))];
            }
        }
        Focus::ProviderDeficiencies => {
            if c.provider_deficiencies.handle_key(&key) == QueueOutcome::Ignored && is_esc(&key) {
                c.focus = Focus::Providers;
            }
        }
    }
    Vec::new()
}

fn is_esc(key: &Key) -> bool {
    key.code() == crate::key::KeyCode::Esc
}

fn on_popup_key(state: &mut State, popup: Popup, key: Key) -> Vec<Effect> {
    let c = &mut state.completion;
    match popup {
        Popup::Confirm(confirm, pending) => match confirm.handle_key(&key) {
            ConfirmOutcome::Pending => c.popup = Some(Popup::Confirm(confirm, pending)),
            ConfirmOutcome::Cancelled => {}
            ConfirmOutcome::Confirmed => return vec![send_move(pending, String::new())],
        },
        Popup::Reason(mut reason, pending) => match reason.handle_key(&key) {
            ReasonOutcome::Pending => c.popup = Some(Popup::Reason(reason, pending)),
            ReasonOutcome::Cancelled => {}
            ReasonOutcome::Submitted {
                choice,
                explanation,
            } => {
                let label = choice
                    .and_then(|i| reason.choices.get(i))
                    .map(|c| c.label.clone())
                    .unwrap_or_default();
                let text = match (label.is_empty(), explanation.is_empty()) {
                    (_, true) => label,
                    (true, false) => explanation,
                    (false, false) => format!("{label}: {explanation}"),
                };
                return vec![send_move(pending, text)];
            }
        },
        Popup::Record {
            encounter,
            mut picker,
        } => match picker.handle_key(&key) {
            ReasonOutcome::Pending => c.popup = Some(Popup::Record { encounter, picker }),
            ReasonOutcome::Cancelled => {}
            ReasonOutcome::Submitted {
                choice,
                explanation,
            } => {
                let kind = choice
                    .and_then(|i| MANUAL_KINDS.get(i))
                    .copied()
                    .unwrap_or("consultation");
                return vec![job(CompletionJob::Record {
                    encounter,
                    kind: kind.to_string(),
                    comment: explanation,
                })];
            }
        },
        Popup::Assign { ids, mut providers } => match providers.handle_key(&key) {
            QueueOutcome::Open(provider) => {
                return vec![send_move(
                    PendingMove {
                        ids,
                        transition: Transition::Reassign,
                        provider: Some(provider),
                    },
                    String::new(),
                )]
            }
            QueueOutcome::Ignored if is_esc(&key) => {}
            _ => {
                // Enter leaves the filter line first; the second enter picks.
                c.popup = Some(Popup::Assign { ids, providers });
            }
        },
    }
    Vec::new()
}

/// An answer from the runtime.
pub fn on_answer(state: &mut State, answer: CompletionAnswer) -> Vec<Effect> {
    let c = &mut state.completion;
    match answer {
        CompletionAnswer::Queue(entries) => {
            let before = c.shown;
            c.encounters
                .set_rows(entries.into_iter().map(EncounterRow).collect());
            let now = c.encounters.current().map(QueueRow::id);
            if now != before || now.is_none() {
                if now.is_none() {
                    c.deficiencies.set_rows(Vec::new());
                    c.documents.clear();
                    c.shown = None;
                }
                return encounter_load(state).into_iter().collect();
            }
        }
        CompletionAnswer::Encounter {
            id,
            deficiencies,
            documents,
        } => {
            // Only the encounter still under the cursor (the cursor may have moved on).
            if c.encounters.current().map(QueueRow::id) == Some(id) {
                c.shown = Some(id);
                c.deficiencies
                    .set_rows(deficiencies.into_iter().map(DeficiencyItem).collect());
                c.documents = documents;
            }
        }
        CompletionAnswer::Providers(list) => {
            let rows: Vec<ProviderRow> = list.into_iter().map(ProviderRow).collect();
            c.providers.set_rows(rows.clone());
            if let Some(Popup::Assign { providers, .. }) = &mut c.popup {
                providers.set_rows(rows);
            }
        }
        CompletionAnswer::ProviderDeficiencies(id, rows) => {
            if c.provider.as_ref().map(|p| p.0) == Some(id) {
                c.provider_deficiencies
                    .set_rows(rows.into_iter().map(DeficiencyItem).collect());
            }
        }
        CompletionAnswer::Dashboard(d) => c.dashboard = Some(*d),
        CompletionAnswer::Recorded { kind } => {
            c.notice = Some(format!("recorded {kind}"));
            return reload(state);
        }
        CompletionAnswer::Moved { count, transition } => {
            let noun = if count == 1 {
                "deficiency"
            } else {
                "deficiencies"
            };
            c.notice = Some(format!("{count} {noun}: {}", past(transition)));
            c.deficiencies.clear_selection();
            c.provider_deficiencies.clear_selection();
            return reload(state);
        }
        CompletionAnswer::Reviewed(_) => {
            c.notice = Some("chart marked reviewed".into());
            return reload(state);
        }
    }
    Vec::new()
}

fn past(t: Transition) -> &'static str {
    match t {
        Transition::Complete => "completed",
        Transition::Verify => "verified",
        Transition::Close => "closed",
        Transition::Return => "returned",
        Transition::Reassign => "assigned",
        Transition::Cancel => "cancelled",
        Transition::Reopen => "reopened",
    }
}

/// Whether the Completion workspace is on screen.
pub fn active(state: &State) -> bool {
    state.workspace == Workspace::Completion
}
