//! TEMPORARY: a minimal screen (search, open a chart) so the server is usable and
//! testable before `ui::App` lands. Deleted when the real app is wired in through
//! `SessionScreen`.

use super::keys::{Key, KeyCode};
use super::screen::{Flow, ScreenFactory, SessionScreen, Wake};
use crate::services::{BreakGlass, BreakGlassReason, OpenChart, PatientResult, Services, Session};
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};
use std::sync::Arc;

pub struct PlaceholderScreens;

impl ScreenFactory for PlaceholderScreens {
    fn open(&self, services: Arc<Services>, session: Session, _size: (u16, u16), _wake: Wake) -> Box<dyn SessionScreen> {
        Box::new(Placeholder {
            services,
            session,
            query: String::new(),
            searched: None,
            results: Vec::new(),
            selected: 0,
            chart: None,
            message: String::new(),
        })
    }
}

struct Placeholder {
    services: Arc<Services>,
    session: Session,
    query: String,
    /// The query the results are for.
    searched: Option<String>,
    results: Vec<PatientResult>,
    selected: usize,
    /// Lines of the open chart.
    chart: Option<Vec<String>>,
    message: String,
}

impl Placeholder {
    fn search(&mut self) {
        match self.services.search_patients(&self.session, &self.query, 20) {
            Ok(results) => {
                self.message = format!("{} patients found", results.len());
                self.results = results;
                self.selected = 0;
                self.searched = Some(self.query.clone());
            }
            Err(e) => self.message = format!("search failed: {e}"),
        }
    }

    fn open(&mut self, reason: Option<BreakGlass>) {
        let Some(hit) = self.results.get(self.selected) else { return };
        match self.services.open_chart(&self.session, hit.patient.id, reason) {
            Ok(OpenChart::Opened(chart)) => {
                let p = &chart.patient;
                let mut lines = vec![
                    format!("CHART  {}  MRN {}", p.name.display_last_first(), p.mrn),
                    format!("DOB {}  sex {:?}", p.dob, p.sex),
                    format!("{} encounters, {} documents", chart.encounters.len(), chart.documents.len()),
                ];
                lines.extend(chart.encounters.iter().take(10).map(|e| format!("  encounter {}", e.encounter.number)));
                self.chart = Some(lines);
                self.message.clear();
            }
            Ok(OpenChart::NeedsReason { flags, .. }) => {
                self.message = format!("RESTRICTED ({}): press ! to open for direct patient care", flags.join(" "));
            }
            Err(e) => self.message = format!("cannot open: {e}"),
        }
    }
}

impl SessionScreen for Placeholder {
    fn key(&mut self, key: Key) -> Flow {
        if key == Key::ctrl('c') {
            return Flow::Quit;
        }
        if self.chart.is_some() {
            if matches!(key.code(), KeyCode::Esc | KeyCode::Backspace) {
                self.chart = None;
            }
            return Flow::Continue;
        }
        match key.code() {
            KeyCode::Enter => {
                if self.searched.as_deref() == Some(self.query.as_str()) && !self.results.is_empty() {
                    self.open(None);
                } else if !self.query.trim().is_empty() {
                    self.search();
                }
            }
            KeyCode::Up => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down => self.selected = (self.selected + 1).min(self.results.len().saturating_sub(1)),
            KeyCode::Backspace => {
                self.query.pop();
            }
            KeyCode::Esc => {
                self.query.clear();
                self.results.clear();
                self.searched = None;
            }
            KeyCode::Char('!') if self.message.starts_with("RESTRICTED") => {
                let reason = BreakGlass {
                    reason: BreakGlassReason::DirectCare,
                    explanation: "placeholder screen".into(),
                };
                self.open(Some(reason));
            }
            _ => {
                if let Some(c) = key.text() {
                    self.query.push(c);
                }
            }
        }
        Flow::Continue
    }

    fn draw(&mut self, frame: &mut ratatui::Frame<'_>) {
        let area = frame.area();
        let [top, body, status] =
            Layout::vertical([Constraint::Length(3), Constraint::Min(1), Constraint::Length(1)]).areas(area);
        let user = &self.session.user;
        let title = format!(" chartroom - {} ({}) ", user.username, user.role.code());
        frame.render_widget(
            Paragraph::new(format!("Search: {}_", self.query)).block(Block::default().borders(Borders::ALL).title(title)),
            top,
        );
        let lines: Vec<Line> = match &self.chart {
            Some(chart) => chart.iter().map(|l| Line::from(l.as_str())).collect(),
            None => self
                .results
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let marker = if i == self.selected { ">" } else { " " };
                    let flags = r.patient.flags.words().join(" ");
                    Line::from(format!(
                        "{marker} {}  {}  {}  {flags}",
                        r.patient.mrn,
                        r.patient.name.display_last_first(),
                        r.patient.dob
                    ))
                })
                .collect(),
        };
        frame.render_widget(Paragraph::new(lines), body);
        frame.render_widget(
            Paragraph::new(format!(
                "{} | Enter search/open  Up/Down  Esc back  Ctrl-C quit | {}x{}",
                self.message, area.width, area.height
            )),
            status,
        );
    }
}
