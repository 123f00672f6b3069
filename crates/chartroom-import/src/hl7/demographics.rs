//! PID demographics onto a chart: names (a change keeps the old one as a previous
//! name), date of birth, sex, address, phones, SSN, death.

use super::fields::{self, At};
use super::parse::{ParseProblem, Segment};
use chartroom_domain::{AltName, NameKind, Patient, PersonName, Sex, Ssn};
use chrono::{NaiveDate, NaiveDateTime};

/// Copies PID demographics onto a chart. What the message leaves empty stays as it
/// was; HL7's `""` clears address and phones. A changed name keeps the old one as a
/// previous name (still searchable); later PID-5 repetitions are aliases.
pub(super) fn apply_pid(
    patient: &mut Patient,
    pid: &Segment<'_>,
    msg_time: Option<NaiveDateTime>,
) -> Result<(), ParseProblem> {
    let mut names = pid
        .field(5)
        .repetitions()
        .filter_map(|r| fields::person_name(&r));
    if let Some(name) = names.next() {
        if name != patient.name {
            let old = std::mem::replace(&mut patient.name, name);
            add_other_name(patient, NameKind::Previous, old);
        }
    }
    for alias in names {
        add_other_name(patient, NameKind::Alias, alias);
    }
    if let Some(dob) = fields::date_field(At { seg: pid, n: 7 })? {
        patient.dob = dob;
    }
    let sex = pid.field(8).text();
    if !sex.trim().is_empty() {
        patient.sex = Sex::parse(&sex);
    }
    let address = pid.field(11);
    if address.is_null() {
        patient.address = None;
    } else if let Some(a) = address.repetitions().find_map(|r| fields::address(&r)) {
        patient.address = Some(a);
    }
    let (home, work) = (pid.field(13), pid.field(14));
    if home.is_null() && work.is_null() {
        patient.phones.clear();
    } else {
        let phones: Vec<String> = home
            .repetitions()
            .chain(work.repetitions())
            .filter_map(|r| fields::phone(&r))
            .collect();
        if !phones.is_empty() {
            patient.phones = phones;
        }
    }
    if let Some(ssn) = Ssn::parse(&pid.field(19).text()) {
        patient.ssn = Some(ssn);
    }
    patient.flags.deceased = death(pid, patient.flags.deceased, msg_time)?;
    Ok(())
}

/// PID-29 date of death, PID-30 indicator: `Y` without a date dates the death by the
/// message; `N` clears it.
fn death(
    pid: &Segment<'_>,
    before: Option<NaiveDate>,
    msg_time: Option<NaiveDateTime>,
) -> Result<Option<NaiveDate>, ParseProblem> {
    let date = fields::date_field(At { seg: pid, n: 29 })?;
    let indicator = pid.field(30).text().trim().to_ascii_uppercase();
    if indicator == "N" {
        return Ok(None);
    }
    if date.is_some() {
        return Ok(date);
    }
    if indicator == "Y" {
        return Ok(before.or(msg_time.map(|t| t.date())));
    }
    Ok(before)
}

fn add_other_name(patient: &mut Patient, kind: NameKind, name: PersonName) {
    if name == PersonName::default() || name == patient.name {
        return;
    }
    if patient.other_names.iter().any(|a| a.name == name) {
        return;
    }
    patient.other_names.push(AltName { kind, name });
}
