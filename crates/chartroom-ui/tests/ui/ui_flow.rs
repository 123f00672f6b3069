//! Key-flow tests of `update` (no I/O) and of the runtime with fake services.

use crate::ui_support::*;
use chartroom_domain::{allowed, Role};
use chartroom_domain::{DocumentId, DocumentType, PatientId};
use chartroom_services::BreakGlassReason;
use chartroom_ui::msg::BreakGlassRequest;
use chartroom_ui::note_filters::NoteRequest;
use chartroom_ui::screens::palette;
use chartroom_ui::state::{Screen, Section};
use chartroom_ui::{update, Action, Effect, Msg, Workspace};

#[test]
fn typing_emits_searches_with_increasing_generations() {
    let mut s = state();
    let effects = type_text(&mut s, "smi");
    assert_eq!(
        effects,
        vec![
            Effect::SearchPatients {
                generation: 1,
                query: "s".into()
            },
            Effect::SearchPatients {
                generation: 2,
                query: "sm".into()
            },
            Effect::SearchPatients {
                generation: 3,
                query: "smi".into()
            },
        ]
    );
    assert_eq!(
        key(&mut s, "backspace"),
        vec![Effect::SearchPatients {
            generation: 4,
            query: "sm".into()
        }]
    );
    // Clearing the query searches nothing and shows recent charts again.
    assert_eq!(key(&mut s, "ctrl-u"), vec![]);
    assert_eq!(s.search.generation, 5);
    assert!(!s.showing_results());
}

#[test]
fn stale_results_are_dropped() {
    let mut s = state();
    type_text(&mut s, "smith");
    let all = results();
    // Results for "smit" (generation 4) arrive after "smith" (5) was typed: dropped.
    update(
        &mut s,
        Msg::SearchResults {
            generation: 4,
            results: all[1..].to_vec(),
        },
    );
    assert!(s.search.results.is_empty());
    assert!(s.search.pending);
    update(
        &mut s,
        Msg::SearchResults {
            generation: 5,
            results: all.clone(),
        },
    );
    assert_eq!(s.search.results.len(), all.len());
    assert!(!s.search.pending);
    // And an even older one arriving late does not replace the newest.
    update(
        &mut s,
        Msg::SearchResults {
            generation: 3,
            results: vec![],
        },
    );
    assert_eq!(s.search.results.len(), all.len());
}

#[test]
fn enter_opens_the_selected_chart() {
    let mut s = state();
    type_text(&mut s, "smith");
    let generation = s.search.generation;
    update(
        &mut s,
        Msg::SearchResults {
            generation,
            results: results(),
        },
    );
    key(&mut s, "down");
    key(&mut s, "down");
    key(&mut s, "up");
    assert_eq!(
        key(&mut s, "enter"),
        vec![Effect::OpenChart {
            patient: PatientId(2),
            reason: None
        }]
    );
    update(&mut s, Msg::ChartOpened(Box::new(chart())));
    assert_eq!(s.screen, Screen::Chart);
    assert_eq!(s.recent.first().map(|p| p.id), Some(PatientId(1)));
    // Esc goes back to the search with the query and results kept.
    key(&mut s, "esc");
    assert_eq!(s.screen, Screen::Search);
    assert_eq!(s.search.query, "smith");
}

#[test]
fn needs_reason_opens_the_popup_and_confirm_sends_the_reason() {
    let mut s = state();
    type_text(&mut s, "smith");
    let generation = s.search.generation;
    update(
        &mut s,
        Msg::SearchResults {
            generation,
            results: results(),
        },
    );
    for _ in 0..3 {
        key(&mut s, "down");
    }
    assert_eq!(
        key(&mut s, "enter"),
        vec![Effect::OpenChart {
            patient: PatientId(4),
            reason: None
        }]
    );
    update(
        &mut s,
        Msg::ChartNeedsReason {
            patient: PatientId(4),
            flags: vec!["RESTRICTED"],
        },
    );
    assert!(s.popup.is_some());
    // Typing goes to the explanation, even letters bound elsewhere (q, j, ?).
    key(&mut s, "down");
    type_text(&mut s, "req 4471?");
    let effects = key(&mut s, "enter");
    assert_eq!(
        effects,
        vec![Effect::OpenChart {
            patient: PatientId(4),
            reason: Some(BreakGlassRequest {
                reason: BreakGlassReason::ReleaseOfInformation,
                explanation: "req 4471?".into()
            }),
        }]
    );
    assert!(s.popup.is_none());
}

#[test]
fn popup_other_needs_an_explanation_and_esc_cancels() {
    let mut s = state();
    update(
        &mut s,
        Msg::ChartNeedsReason {
            patient: PatientId(4),
            flags: vec!["VIP"],
        },
    );
    for _ in 0..9 {
        key(&mut s, "down");
    }
    assert_eq!(
        key(&mut s, "enter"),
        vec![],
        "other without an explanation is refused"
    );
    assert!(s.popup.as_ref().and_then(|p| p.problem.as_ref()).is_some());
    assert_eq!(key(&mut s, "esc"), vec![]);
    assert!(s.popup.is_none());
    assert_eq!(s.screen, Screen::Search);
}

#[test]
fn chart_sections_and_document_opening() {
    let mut s = state();
    update(&mut s, Msg::ChartOpened(Box::new(chart())));
    key(&mut s, "tab");
    assert_eq!(
        s.chart.as_ref().map(|c| c.section),
        Some(Section::Encounters)
    );
    key(&mut s, "shift-tab");
    key(&mut s, "shift-tab");
    assert_eq!(s.chart.as_ref().map(|c| c.section), Some(Section::Reading));
    key(&mut s, "2");
    key(&mut s, "down");
    // Enter on an encounter jumps to its first document.
    key(&mut s, "enter");
    let c = s.chart.as_ref().expect("chart open");
    assert_eq!((c.section, c.document_selected), (Section::Documents, 1));
    assert_eq!(
        key(&mut s, "enter"),
        vec![Effect::OpenDocument { id: DocumentId(22) }]
    );
    update(
        &mut s,
        Msg::DocumentLoaded(Box::new(chart().documents[1].clone())),
    );
    let c = s.chart.as_ref().expect("chart open");
    assert_eq!(c.section, Section::Reading);
    key(&mut s, "end");
    let bottom = s.chart.as_ref().map(|c| c.reading_scroll).unwrap_or(0);
    assert!(bottom > 0);
    key(&mut s, "down");
    assert_eq!(
        s.chart.as_ref().map(|c| c.reading_scroll),
        Some(bottom),
        "scrolling stops at the end"
    );
}

#[test]
fn workspaces_switch_by_key_and_refuse_what_the_role_may_not_enter() {
    let mut s = state();
    update(&mut s, Msg::ChartOpened(Box::new(chart())));
    assert_eq!(s.workspace, Workspace::Search);
    // f3: the Search workspace's home screen (the chart belongs to it).
    key(&mut s, "f3");
    assert_eq!(s.screen, Screen::Search);
    assert!(s.chart.is_none());
    // A clerk may not work deficiencies: said, nothing else changes.
    key(&mut s, "f4");
    assert_eq!(s.workspace, Workspace::Search);
    assert_eq!(
        s.error.as_deref(),
        Some("Completion: not permitted for clerk")
    );
    // An admin may enter Admin (it reads its figures).
    let mut admin = state();
    admin.role = Role::Admin;
    let effects = key(&mut admin, "f8");
    assert_eq!(admin.workspace, Workspace::Admin);
    assert_eq!(
        effects,
        vec![chartroom_ui::Effect::Admin(
            chartroom_ui::screens::admin::jobs::AdminJob::Load
        )]
    );
    // A clerk may not.
    key(&mut s, "f8");
    assert_eq!(s.error.as_deref(), Some("Admin: not permitted for clerk"));
    // Identity (f7) loads the duplicate pairs and the charts out.
    let effects = key(&mut admin, "f7");
    assert_eq!(admin.workspace, Workspace::Identity);
    use chartroom_ui::screens::identity::jobs::IdentityJob;
    assert_eq!(
        effects,
        vec![
            chartroom_ui::Effect::Identity(IdentityJob::Pairs),
            chartroom_ui::Effect::Identity(IdentityJob::ChartsOut)
        ]
    );
    // A clerk may not merge charts.
    key(&mut s, "f7");
    assert_eq!(
        s.error.as_deref(),
        Some("Identity: not permitted for clerk")
    );
    // Privacy (f6) for roles that review access: it loads the alerts and cases.
    let effects = key(&mut admin, "f6");
    assert_eq!(admin.workspace, Workspace::Privacy);
    assert_eq!(
        effects,
        vec![chartroom_ui::Effect::Privacy(
            chartroom_ui::screens::privacy::jobs::PrivacyJob::Load
        )]
    );
    key(&mut s, "f6");
    assert_eq!(s.error.as_deref(), Some("Privacy: not permitted for clerk"));
    key(&mut admin, "f8");
    // Release (f5) for roles that log release-of-information requests: it loads them.
    let effects = key(&mut admin, "f5");
    assert_eq!(admin.workspace, Workspace::Release);
    assert_eq!(
        effects,
        vec![chartroom_ui::Effect::Release(
            chartroom_ui::screens::release::jobs::ReleaseJob::Load
        )]
    );
    key(&mut s, "f5");
    assert_eq!(s.error.as_deref(), Some("Release: not permitted for clerk"));
    // In the break-the-glass popup the question comes first.
    let mut p = state();
    update(
        &mut p,
        Msg::ChartNeedsReason {
            patient: PatientId(4),
            flags: vec!["VIP"],
        },
    );
    key(&mut p, "f4");
    assert!(p.popup.is_some());
    assert!(p.error.is_none());
}

#[test]
fn palette_filters_runs_and_closes() {
    let mut s = state();
    // `:` types on the search screen; ctrl-g opens the palette there.
    type_text(&mut s, ":");
    assert!(s.palette.is_none());
    key(&mut s, "ctrl-u");
    key(&mut s, "ctrl-g");
    assert!(s.palette.is_some());
    type_text(&mut s, "notes");
    let shown = palette::filtered(&s);
    assert_eq!(shown.first().map(|c| c.action), Some(Action::NoteSearch));
    assert_eq!(key(&mut s, "enter"), vec![]);
    assert!(s.palette.is_none());
    assert_eq!(s.screen, Screen::Notes);
    // Esc closes without running anything.
    key(&mut s, "ctrl-g");
    key(&mut s, "esc");
    assert!(s.palette.is_none());
    assert_eq!(s.screen, Screen::Notes);

    // From a chart, `:` opens it; choosing the Search workspace goes home.
    let mut c = state();
    update(&mut c, Msg::ChartOpened(Box::new(chart())));
    key(&mut c, ":");
    assert!(c.palette.is_some());
    type_text(&mut c, "wksearch");
    assert_eq!(
        palette::filtered(&c).first().map(|c| c.action),
        Some(Action::WorkspaceSearch)
    );
    key(&mut c, "enter");
    assert_eq!(c.screen, Screen::Search);
    assert!(c.chart.is_none());
    // Quit still quits with the palette open.
    key(&mut c, "ctrl-g");
    key(&mut c, "ctrl-c");
    assert!(c.quit);
}

#[test]
fn the_palette_lists_only_what_the_role_may_do_with_live_keys() {
    for role in Role::ALL {
        for screen in ["search", "notes", "chart"] {
            let mut s = state();
            s.role = role;
            match screen {
                "notes" => {
                    key(&mut s, "ctrl-f");
                }
                "chart" => {
                    update(&mut s, Msg::ChartOpened(Box::new(chart())));
                }
                _ => {}
            }
            key(&mut s, "ctrl-g");
            let commands = palette::commands(&s);
            assert!(!commands.is_empty());
            for c in &commands {
                if let Some(p) = c.permission {
                    assert!(allowed(role, p), "{role:?} offered {:?}", c.action);
                }
                assert_eq!(c.permission, palette::permission(c.action));
                if let Some(w) = Workspace::from_action(c.action) {
                    assert!(w.built() && allowed(role, w.permission()));
                }
                // The key shown is the one that runs it on that screen.
                if let Some(k) = c.key {
                    assert_eq!(s.keymap.resolve(s.screen_mode(), k), Some(c.action));
                }
            }
        }
    }
    // A clerk in particular: no deficiency, release, privacy, identity or admin entry.
    let mut s = state();
    key(&mut s, "ctrl-g");
    let actions: Vec<Action> = palette::commands(&s).iter().map(|c| c.action).collect();
    for a in [
        Action::WorkspaceCompletion,
        Action::WorkspaceRelease,
        Action::WorkspacePrivacy,
        Action::WorkspaceIdentity,
        Action::WorkspaceAdmin,
    ] {
        assert!(!actions.contains(&a));
    }
    assert!(actions.contains(&Action::WorkspaceSearch));
    assert!(actions.contains(&Action::Quit));
}

#[test]
fn help_toggles_and_quit_quits() {
    let mut s = state();
    key(&mut s, "f1");
    assert!(s.help.is_some());
    key(&mut s, "esc");
    assert!(s.help.is_none());
    // `?` in the search box opens help (bound in [search]); `q` types.
    key(&mut s, "?");
    assert!(s.help.is_some());
    key(&mut s, "?");
    type_text(&mut s, "q");
    assert_eq!(s.search.query, "q");
    assert_eq!(key(&mut s, "ctrl-c"), vec![Effect::Quit]);
    assert!(s.quit);
}

#[test]
fn note_search_flow_types_searches_and_opens_the_note_through_its_chart() {
    let mut s = state();
    key(&mut s, "ctrl-f");
    assert_eq!(s.screen, Screen::Notes);
    let effects = type_text(&mut s, "pn");
    assert_eq!(
        effects,
        vec![
            Effect::SearchNotes {
                generation: 1,
                request: NoteRequest {
                    text: "p".into(),
                    ..NoteRequest::default()
                }
            },
            Effect::SearchNotes {
                generation: 2,
                request: NoteRequest {
                    text: "pn".into(),
                    ..NoteRequest::default()
                }
            },
        ]
    );
    type_text(&mut s, " type");
    // A filter being typed is not searched until it reads as one (`p` could be
    // progress, procedure or pathology).
    assert_eq!(type_text(&mut s, ":p"), vec![]);
    assert!(s.notes.problem.is_some());
    assert_eq!(
        type_text(&mut s, "rog"),
        vec![Effect::SearchNotes {
            generation: 12,
            request: NoteRequest {
                text: "pn".into(),
                doc_type: Some(DocumentType::ProgressNote),
                ..NoteRequest::default()
            }
        }]
    );
    // Stale answers are dropped; the current one shows.
    update(
        &mut s,
        Msg::NoteResults {
            generation: 11,
            results: vec![],
        },
    );
    assert!(s.notes.pending);
    update(
        &mut s,
        Msg::NoteResults {
            generation: 12,
            results: note_results(),
        },
    );
    assert_eq!(s.notes.results.len(), 3);
    assert!(!s.notes.pending);
    // Enter opens the patient's chart first (audited, break-the-glass honoured)...
    key(&mut s, "down");
    assert_eq!(
        key(&mut s, "enter"),
        vec![Effect::OpenChart {
            patient: PatientId(4),
            reason: None
        }]
    );
    update(
        &mut s,
        Msg::ChartNeedsReason {
            patient: PatientId(4),
            flags: vec!["RESTRICTED"],
        },
    );
    let confirmed = key(&mut s, "enter");
    assert_eq!(
        confirmed,
        vec![Effect::OpenChart {
            patient: PatientId(4),
            reason: Some(BreakGlassRequest {
                reason: BreakGlassReason::DirectCare,
                explanation: String::new()
            }),
        }]
    );
    // ...then the note itself (open_document, audited).
    let mut opened = chart();
    opened.patient.id = PatientId(4);
    for d in &mut opened.documents {
        d.document.patient = PatientId(4);
    }
    assert_eq!(
        update(&mut s, Msg::ChartOpened(Box::new(opened.clone()))),
        vec![Effect::OpenDocument { id: DocumentId(31) }]
    );
    assert_eq!(s.screen, Screen::Chart);
    let mut note = opened.documents[1].clone();
    note.document.id = DocumentId(31);
    update(&mut s, Msg::DocumentLoaded(Box::new(note)));
    assert_eq!(s.chart.as_ref().map(|c| c.section), Some(Section::Reading));
    // Back returns to the note search with the query and results kept.
    key(&mut s, "esc");
    assert_eq!(s.screen, Screen::Notes);
    assert_eq!(s.notes.query, "pn type:prog");
    assert_eq!(s.notes.results.len(), 3);
    // Esc again: patient search; a chart opened from there opens no note afterwards.
    key(&mut s, "esc");
    assert_eq!(s.screen, Screen::Search);
    assert_eq!(update(&mut s, Msg::ChartOpened(Box::new(chart()))), vec![]);
}

#[test]
fn cancelled_break_the_glass_opens_no_note_later() {
    let mut s = state();
    key(&mut s, "f2");
    type_text(&mut s, "pneumonia");
    let generation = s.notes.generation;
    update(
        &mut s,
        Msg::NoteResults {
            generation,
            results: note_results(),
        },
    );
    key(&mut s, "enter");
    update(
        &mut s,
        Msg::ChartNeedsReason {
            patient: PatientId(1),
            flags: vec!["VIP"],
        },
    );
    key(&mut s, "esc");
    assert!(s.open_after_chart.is_none());
    assert_eq!(s.screen, Screen::Notes);
}
