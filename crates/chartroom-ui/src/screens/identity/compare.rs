//! The comparison screen: both charts of a pair field by field, side by side, each
//! difference marked with its kind (`≠ typo`, `≠ day_month_swap`) as well as colour,
//! then both charts' encounters next to each other and the pair's decisions. What an
//! MPI analyst reads before merging: the identifiers, then whether the visits could
//! be one person's.

use crate::theme::Theme;
use chartroom_domain::duplicates::{Field, FieldMatch};
use chartroom_domain::{Encounter, Patient};
use chartroom_services::PairDetail;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

/// A field's value on one chart, as the comparison shows it.
pub fn field_value(p: &Patient, field: Field) -> String {
    let or_blank = |s: Option<&str>| s.unwrap_or("").to_string();
    match field {
        Field::FirstName => p.name.given.clone(),
        Field::MiddleName => or_blank(p.name.middle.as_deref()),
        Field::LastName => {
            let others: Vec<&str> = p
                .other_names
                .iter()
                .map(|n| n.name.family.as_str())
                .collect();
            if others.is_empty() {
                p.name.family.clone()
            } else {
                format!("{} (also {})", p.name.family, others.join(", "))
            }
        }
        Field::Suffix => or_blank(p.name.suffix.as_deref()),
        Field::Dob => p.dob.format("%m/%d/%Y").to_string(),
        Field::Sex => p.sex.label().to_string(),
        Field::Ssn => p.ssn.as_ref().map(|s| s.dashed()).unwrap_or_default(),
        Field::Address => p
            .address
            .as_ref()
            .map(|a| format!("{}, {} {} {}", a.line, a.city, a.state, a.zip))
            .unwrap_or_default(),
        Field::Phone => p.phones.join(", "),
    }
}

/// The mark and words of an outcome: never colour alone.
fn verdict(m: FieldMatch) -> String {
    match m {
        FieldMatch::Exact => "= same".into(),
        FieldMatch::Missing => "· missing".into(),
        other => format!("≠ {}", other.code()),
    }
}

fn verdict_style(m: FieldMatch, theme: &Theme) -> Style {
    match m {
        FieldMatch::Exact => theme.style("text"),
        FieldMatch::Missing => theme.style("text.dim"),
        FieldMatch::Different => theme.style("alarm"),
        _ => theme.style("warn"),
    }
}

fn encounter_line(e: &Encounter) -> String {
    format!(
        "{} {} {}",
        e.admit.format("%m/%d/%Y"),
        e.class.label(),
        e.location
    )
}

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    detail: Option<&PairDetail>,
    theme: &Theme,
    scroll: u16,
) {
    let Some(d) = detail else {
        frame.render_widget(
            Paragraph::new(Line::styled(
                " loading the comparison…",
                theme.style("text.dim"),
            )),
            area,
        );
        return;
    };
    let (a, b, pair) = (&d.view.a, &d.view.b, &d.view.pair);
    let mut rows: Vec<Row> = vec![Row::new(vec![
        Cell::from("MRN"),
        Cell::from(a.mrn.to_string()),
        Cell::from(b.mrn.to_string()),
        Cell::from(""),
    ])
    .style(theme.style("text"))];
    for field in Field::ALL {
        let m = pair.outcome(field);
        rows.push(
            Row::new(vec![
                Cell::from(field.label()),
                Cell::from(field_value(a, field)),
                Cell::from(field_value(b, field)),
                Cell::from(verdict(m)),
            ])
            .style(verdict_style(m, theme)),
        );
    }
    let flags = |p: &Patient| p.flags.words().join(" ");
    if !flags(a).is_empty() || !flags(b).is_empty() {
        rows.push(
            Row::new(vec![
                Cell::from("Flags"),
                Cell::from(flags(a)),
                Cell::from(flags(b)),
                Cell::from(""),
            ])
            .style(theme.style("flag")),
        );
    }
    let field_rows = rows.len() as u16;
    let [title_area, fields_area, visits_area] = area.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(field_rows + 1),
        Constraint::Fill(1),
    ]));
    let title = format!(
        " Pair · score {} · {} · found {}",
        pair.score,
        pair.status.label(),
        pair.found.format("%m/%d/%Y")
    );
    frame.render_widget(
        Paragraph::new(Line::styled(title, theme.style("title"))),
        title_area,
    );
    let widths = [
        Constraint::Length(10),
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Length(17),
    ];
    let header = Row::new(vec!["", "Chart A", "Chart B", "Match"]).style(theme.style("header"));
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        fields_area,
    );
    draw_visits(frame, visits_area, d, theme, scroll);
}

/// Both charts' encounters side by side, newest first, then the pair's decisions.
fn draw_visits(frame: &mut Frame, area: Rect, d: &PairDetail, theme: &Theme, scroll: u16) {
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.style("border"))
        .title(Span::styled(
            format!(
                " Encounters: A {} · B {} ",
                d.a_encounters.len(),
                d.b_encounters.len()
            ),
            theme.style("title"),
        ));
    let n = d.a_encounters.len().max(d.b_encounters.len());
    let mut rows: Vec<Row> = (0..n)
        .map(|i| {
            let side = |list: &[Encounter]| list.get(i).map(encounter_line).unwrap_or_default();
            Row::new(vec![
                Cell::from(side(&d.a_encounters)),
                Cell::from(side(&d.b_encounters)),
            ])
            .style(theme.style("text"))
        })
        .collect();
    if n == 0 {
        rows.push(
            Row::new(vec![Cell::from("none"), Cell::from("none")]).style(theme.style("text.dim")),
        );
    }
    for decision in d.view.pair.history.iter().rev() {
        rows.push(
            Row::new(vec![Cell::from(format!(
                "{} {} {}: {}",
                decision.at.format("%m/%d/%Y"),
                decision.by,
                decision.status.label(),
                decision.reason
            ))])
            .style(theme.style("text.dim")),
        );
    }
    let rows: Vec<Row> = rows.into_iter().skip(usize::from(scroll)).collect();
    frame.render_widget(
        Table::new(rows, [Constraint::Fill(1), Constraint::Fill(1)])
            .column_spacing(2)
            .block(block),
        area,
    );
}
