//! Completion workspace state: plain data changed only by `update`.

use super::rows::{DeficiencyItem, EncounterRow, ProviderRow};
use crate::widgets::{Column, Confirm, ReasonPopup, WorkQueue};
use chartroom_domain::completion::Transition;
use chartroom_domain::{DeficiencyId, EncounterId, ProviderId};
use chartroom_services::completion::CompletionDashboard;
use chartroom_services::DocumentView;
use ratatui::layout::Constraint;

/// Encounters asked of the analysis queue: the oldest first, a working day's worth.
pub const QUEUE_LIMIT: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Queue,
    Provider,
    Dashboard,
}

impl Tab {
    pub const ALL: [Tab; 3] = [Tab::Queue, Tab::Provider, Tab::Dashboard];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Queue => "Analysis queue",
            Tab::Provider => "Provider view",
            Tab::Dashboard => "Dashboard",
        }
    }
}

/// Which list the keys move in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// Analysis tab: the encounters.
    Encounters,
    /// Analysis tab: the selected encounter's deficiencies.
    Deficiencies,
    /// Provider tab: the provider list.
    Providers,
    /// Provider tab: the provider's deficiencies.
    ProviderDeficiencies,
}

/// A move waiting for its confirm or its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingMove {
    pub ids: Vec<DeficiencyId>,
    pub transition: Transition,
    pub provider: Option<ProviderId>,
}

/// What is open over the workspace; it takes every key until answered.
#[derive(Clone, Debug)]
pub enum Popup {
    Confirm(Confirm, PendingMove),
    Reason(ReasonPopup, PendingMove),
    /// Recording a manual deficiency: pick the kind, type an optional comment.
    Record {
        encounter: EncounterId,
        picker: ReasonPopup,
    },
    /// Assigning: pick the provider.
    Assign {
        ids: Vec<DeficiencyId>,
        providers: WorkQueue<ProviderRow>,
    },
}

#[derive(Clone, Debug)]
pub struct CompletionState {
    pub tab: Tab,
    pub focus: Focus,
    pub encounters: WorkQueue<EncounterRow>,
    /// The encounter whose deficiencies and documents are shown.
    pub shown: Option<EncounterId>,
    pub deficiencies: WorkQueue<DeficiencyItem>,
    pub documents: Vec<DocumentView>,
    pub providers: WorkQueue<ProviderRow>,
    /// The provider whose deficiencies the provider tab shows (id, name).
    pub provider: Option<(ProviderId, String)>,
    pub provider_deficiencies: WorkQueue<DeficiencyItem>,
    pub dashboard: Option<CompletionDashboard>,
    pub popup: Option<Popup>,
    /// What the last change did (`2 deficiencies verified`), on the tab line.
    pub notice: Option<String>,
    /// Whether the queue was ever asked for (entering the workspace loads it once).
    pub loaded: bool,
}

impl Default for CompletionState {
    fn default() -> CompletionState {
        CompletionState {
            tab: Tab::Queue,
            focus: Focus::Encounters,
            encounters: WorkQueue::new("Awaiting analysis", encounter_columns(), Vec::new()),
            shown: None,
            deficiencies: WorkQueue::new("Deficiencies", deficiency_columns(false), Vec::new()),
            documents: Vec::new(),
            providers: WorkQueue::new("Providers", provider_columns(), Vec::new()),
            provider: None,
            provider_deficiencies: WorkQueue::new(
                "Outstanding",
                deficiency_columns(true),
                Vec::new(),
            ),
            dashboard: None,
            popup: None,
            notice: None,
            loaded: false,
        }
    }
}

impl CompletionState {
    /// The deficiency list the keys act on, if one has focus.
    pub fn focused_deficiencies(&mut self) -> Option<&mut WorkQueue<DeficiencyItem>> {
        match self.focus {
            Focus::Deficiencies => Some(&mut self.deficiencies),
            Focus::ProviderDeficiencies => Some(&mut self.provider_deficiencies),
            Focus::Encounters | Focus::Providers => None,
        }
    }

    /// Whether raw keys go to a text field or popup before the keymap.
    pub fn captures_keys(&self) -> bool {
        self.popup.is_some()
            || match self.focus {
                Focus::Encounters => self.encounters.filter_focused(),
                Focus::Deficiencies => self.deficiencies.filter_focused(),
                Focus::Providers => self.providers.filter_focused(),
                Focus::ProviderDeficiencies => self.provider_deficiencies.filter_focused(),
            }
    }
}

pub fn encounter_columns() -> Vec<Column> {
    vec![
        Column::new("MRN", Constraint::Length(11)),
        Column::new("Patient", Constraint::Fill(2)),
        Column::new("Class", Constraint::Length(10)),
        Column::new("Service", Constraint::Fill(1)),
        Column::new("Attending", Constraint::Fill(1)),
        Column::new("Discharged", Constraint::Length(10)),
        Column::new("Out", Constraint::Length(3)),
    ]
}

/// The provider view adds the patient; the encounter's list leaves it out.
pub fn deficiency_columns(with_patient: bool) -> Vec<Column> {
    let mut columns = vec![
        Column::new("Kind", Constraint::Fill(2)),
        Column::new("Status", Constraint::Length(17)),
        Column::new("Provider", Constraint::Fill(1)),
        Column::new("Due", Constraint::Length(10)),
        Column::new("Age", Constraint::Length(5)),
    ];
    if with_patient {
        columns.push(Column::new("Patient", Constraint::Fill(2)));
    }
    columns
}

pub fn provider_columns() -> Vec<Column> {
    vec![
        Column::new("Provider", Constraint::Fill(2)),
        Column::new("Specialty", Constraint::Fill(1)),
    ]
}
