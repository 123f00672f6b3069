//! Chart keys and answers: sections, cursors, scrolling the reading pane, opening a
//! document (audited by the services).

use super::state::{demographics_lines, ChartState, Section};
use crate::action::Action;
use crate::msg::Effect;
use crate::screens::{movement, step};
use crate::state::{Screen, State, RECENT_LIMIT};
use crate::text::wrap_text;
use chartroom_services::{Chart, DocumentView};

pub fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(delta) = movement(action, state.page_rows()) {
        move_by(state, delta);
        return Vec::new();
    }
    match action {
        Action::Back => {
            state.screen = state.chart_return;
            state.chart = None;
        }
        Action::Open => return open(state),
        Action::NextSection | Action::PrevSection => {
            if let Some(chart) = state.chart.as_mut() {
                let n = Section::ALL.len();
                let i = chart.section.index();
                let next = if action == Action::NextSection {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                chart.section = Section::ALL[next];
            }
        }
        Action::Demographics => jump(state, Section::Demographics),
        Action::Encounters => jump(state, Section::Encounters),
        Action::Documents => jump(state, Section::Documents),
        Action::Reading => jump(state, Section::Reading),
        _ => {}
    }
    Vec::new()
}

fn jump(state: &mut State, section: Section) {
    if let Some(chart) = state.chart.as_mut() {
        chart.section = section;
    }
}

/// The chart arrived (after any break-the-glass reason): show it, remember it in the
/// recent list, and open the note it was asked for from the note screen.
pub fn on_opened(state: &mut State, chart: Chart) -> Vec<Effect> {
    state.loading = None;
    state.popup = None;
    let mut effects = Vec::new();
    // A note picked on the note screen opens (audited) now that its chart is open.
    if let Some((patient, document)) = state.open_after_chart.take() {
        if patient == chart.patient.id {
            state.loading = Some("opening document");
            effects.push(Effect::OpenDocument { id: document });
        }
    }
    let patient = chart.patient.clone();
    state.recent.retain(|p| p.id != patient.id);
    state.recent.insert(0, patient);
    state.recent.truncate(RECENT_LIMIT);
    state.chart = Some(ChartState::new(chart));
    state.screen = Screen::Chart;
    state.help = None;
    effects
}

pub fn on_document(state: &mut State, doc: DocumentView) {
    state.loading = None;
    let Some(chart) = state.chart.as_mut() else {
        return;
    };
    // Ignore a document that arrives after the user left its chart.
    if doc.document.patient != chart.chart.patient.id {
        return;
    }
    // Keep the list's cursor on the note being read (they show side by side on wide
    // terminals).
    if let Some(i) = chart
        .chart
        .documents
        .iter()
        .position(|d| d.document.id == doc.document.id)
    {
        chart.document_selected = i;
    }
    chart.reading = Some(doc);
    chart.reading_scroll = 0;
    chart.section = Section::Reading;
}

fn open(state: &mut State) -> Vec<Effect> {
    let Some(chart) = state.chart.as_mut() else {
        return Vec::new();
    };
    match chart.section {
        Section::Documents => match chart.chart.documents.get(chart.document_selected) {
            Some(doc) => {
                let id = doc.document.id;
                state.loading = Some("opening document");
                vec![Effect::OpenDocument { id }]
            }
            None => Vec::new(),
        },
        // Enter on an encounter shows its documents: what a reviewer wants next.
        Section::Encounters => {
            if let Some(enc) = chart.chart.encounters.get(chart.encounter_selected) {
                let id = enc.encounter.id;
                if let Some(i) = chart
                    .chart
                    .documents
                    .iter()
                    .position(|d| d.document.encounter == Some(id))
                {
                    chart.document_selected = i;
                }
                chart.section = Section::Documents;
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn move_by(state: &mut State, delta: isize) {
    let today = state.now.date_naive();
    let reading_rows = state.reading_rows();
    let width = state.reading_width();
    let Some(chart) = state.chart.as_mut() else {
        return;
    };
    match chart.section {
        Section::Demographics => {
            let n = demographics_lines(&chart.chart.patient, today).len();
            chart.demographics_scroll = step(chart.demographics_scroll, delta, n);
        }
        Section::Encounters => {
            chart.encounter_selected = step(
                chart.encounter_selected,
                delta,
                chart.chart.encounters.len(),
            );
        }
        Section::Documents => {
            chart.document_selected =
                step(chart.document_selected, delta, chart.chart.documents.len());
        }
        Section::Reading => {
            let lines = reading_lines(chart, width);
            let max = lines.saturating_sub(reading_rows);
            chart.reading_scroll = step(chart.reading_scroll, delta, max + 1);
        }
    }
}

fn reading_lines(chart: &ChartState, width: usize) -> usize {
    chart
        .reading
        .as_ref()
        .map(|d| wrap_text(&d.document.text, width).len())
        .unwrap_or(0)
}

/// After a resize the reading pane may hold fewer lines: keep its end in view.
pub fn clamp(state: &mut State) {
    let rows = state.reading_rows();
    let width = state.reading_width();
    if let Some(chart) = state.chart.as_mut() {
        let lines = reading_lines(chart, width);
        chart.reading_scroll = chart.reading_scroll.min(lines.saturating_sub(rows));
    }
}
