//! Chart screen state, and the demographics lines both `update` (scroll limit) and the
//! view (drawing) use.

use crate::text::date;
use chartroom_domain::Patient;
use chartroom_services::{Chart, DocumentView};
use chrono::NaiveDate;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Demographics,
    Encounters,
    Documents,
    Reading,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Demographics,
        Section::Encounters,
        Section::Documents,
        Section::Reading,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Demographics => "Demographics",
            Section::Encounters => "Encounters",
            Section::Documents => "Documents",
            Section::Reading => "Reading",
        }
    }

    pub fn index(self) -> usize {
        Section::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

#[derive(Clone, Debug)]
pub struct ChartState {
    pub chart: Chart,
    pub section: Section,
    pub demographics_scroll: usize,
    pub encounter_selected: usize,
    pub document_selected: usize,
    pub reading: Option<DocumentView>,
    pub reading_scroll: usize,
}

impl ChartState {
    pub fn new(chart: Chart) -> ChartState {
        ChartState {
            chart,
            section: Section::Demographics,
            demographics_scroll: 0,
            encounter_selected: 0,
            document_selected: 0,
            reading: None,
            reading_scroll: 0,
        }
    }
}

/// The demographics section as (label, value) rows; `update` scrolls by their count.
pub fn demographics_lines(p: &Patient, today: NaiveDate) -> Vec<(&'static str, String)> {
    let mut rows = vec![("Name", p.name.display_last_first())];
    for alt in &p.other_names {
        let label = match alt.kind {
            chartroom_domain::NameKind::Alias => "Alias",
            chartroom_domain::NameKind::Previous => "Previous name",
            chartroom_domain::NameKind::Maiden => "Maiden name",
        };
        rows.push((label, alt.name.display_last_first()));
    }
    rows.push((
        "Date of birth",
        format!("{} (age {})", date(p.dob), p.age_on(today)),
    ));
    let sex = match p.sex {
        chartroom_domain::Sex::Female => "F (female)",
        chartroom_domain::Sex::Male => "M (male)",
        chartroom_domain::Sex::Other => "X (other)",
        chartroom_domain::Sex::Unknown => "U (unknown)",
    };
    rows.push(("Sex", sex.to_string()));
    if let Some(d) = p.flags.deceased {
        rows.push(("Deceased", date(d)));
    }
    rows.push((
        "MRN",
        format!("{} (shelf {:02})", p.mrn, p.mrn.terminal_digits()),
    ));
    rows.push((
        "SSN",
        p.ssn
            .as_ref()
            .map(|s| s.masked())
            .unwrap_or_else(|| "not on file".into()),
    ));
    match &p.address {
        Some(a) => {
            rows.push(("Address", a.line.clone()));
            rows.push(("", format!("{}, {} {}", a.city, a.state, a.zip)));
        }
        None => rows.push(("Address", "not on file".into())),
    }
    if p.phones.is_empty() {
        rows.push(("Phone", "not on file".into()));
    }
    for (i, phone) in p.phones.iter().enumerate() {
        rows.push((if i == 0 { "Phone" } else { "" }, phone.clone()));
    }
    for (i, id) in p.identifiers.iter().enumerate() {
        rows.push((
            if i == 0 { "Identifiers" } else { "" },
            format!("{}: {}", id.system, id.value),
        ));
    }
    let words = p.flags.words();
    rows.push((
        "Flags",
        if words.is_empty() {
            "none".into()
        } else {
            words.join(" ")
        },
    ));
    if !p.flags.sensitive.is_empty() {
        let cats: Vec<&str> = p.flags.sensitive.iter().map(|c| c.label()).collect();
        rows.push(("Sensitive", cats.join(", ")));
    }
    if p.staff_link.is_some() {
        rows.push(("Staff", "a staff member's own record".into()));
    }
    rows
}
