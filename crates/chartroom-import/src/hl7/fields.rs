//! HL7 v2 data types into domain values: DTM timestamps (with or without an offset),
//! dates, XPN names, XAD addresses, XTN phones, CX identifiers, XCN providers, and the
//! PV1-2 patient class.

use super::parse::{Field, ParseProblem, Repetition, Segment};
use chartroom_domain::{Address, EncounterClass, PersonName};
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

/// A field read from a segment, for errors naming it.
pub(crate) struct At<'a, 'm> {
    pub seg: &'a Segment<'m>,
    pub n: usize,
}

impl<'m> At<'_, 'm> {
    pub fn field(&self) -> Field<'m> {
        self.seg.field(self.n)
    }

    pub fn bad(&self, problem: &str) -> ParseProblem {
        ParseProblem::new(self.seg.id, self.n, problem)
    }
}

/// Splits `YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]` into digits and the offset.
fn split_dtm(text: &str) -> Option<(&str, Option<FixedOffset>)> {
    let text = text.trim();
    let (body, offset) = match text.find(['+', '-']) {
        Some(at) => {
            let zone = &text[at..];
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits = &zone[1..];
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let hours: i32 = digits[..2].parse().ok()?;
            let minutes: i32 = digits[2..].parse().ok()?;
            let offset = FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))?;
            (&text[..at], Some(offset))
        }
        None => (text, None),
    };
    let digits = body.split('.').next().unwrap_or_default();
    let fraction_ok = body[digits.len()..]
        .trim_start_matches('.')
        .bytes()
        .all(|b| b.is_ascii_digit());
    if digits.len() < 4 || !digits.bytes().all(|b| b.is_ascii_digit()) || !fraction_ok {
        return None;
    }
    Some((digits, offset))
}

fn num(digits: &str, range: std::ops::Range<usize>, default: u32) -> Option<u32> {
    match digits.get(range) {
        Some(part) => part.parse().ok(),
        None => Some(default),
    }
}

/// The calendar date of a DTM or DT (`19890118`, `198901`, `1989`, `19890118000000`);
/// a year or a month alone means its first day.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let (digits, _) = split_dtm(text)?;
    if ![4, 6, 8, 10, 12, 14].contains(&digits.len()) {
        return None;
    }
    let year: i32 = digits[..4].parse().ok()?;
    NaiveDate::from_ymd_opt(year, num(digits, 4..6, 1)?, num(digits, 6..8, 1)?)
}

/// A DTM as UTC wall time (how chartroom keeps times): with its own offset, or in
/// `local` (the hospital's configured zone) when it has none.
pub(crate) fn parse_time(text: &str, local: FixedOffset) -> Option<NaiveDateTime> {
    let (digits, offset) = split_dtm(text)?;
    let date = parse_date(&digits[..digits.len().min(8)])?;
    if digits.len() > 8 && ![10, 12, 14].contains(&digits.len()) {
        return None;
    }
    let time = NaiveTime::from_hms_opt(
        num(digits, 8..10, 0)?,
        num(digits, 10..12, 0)?,
        num(digits, 12..14, 0)?,
    )?;
    let offset = offset.unwrap_or(local);
    let wall = NaiveDateTime::new(date, time);
    offset
        .from_local_datetime(&wall)
        .single()
        .map(|t| t.naive_utc())
}

/// An optional date field: absent is `None`, present but not a date an error.
pub(crate) fn date_field(at: At<'_, '_>) -> Result<Option<NaiveDate>, ParseProblem> {
    let text = at.field().text();
    if at.field().is_empty() || text.trim().is_empty() {
        return Ok(None);
    }
    parse_date(&text)
        .map(Some)
        .ok_or_else(|| at.bad("is not a date (expected YYYYMMDD)"))
}

/// An optional timestamp field, as UTC.
pub(crate) fn time_field(
    at: At<'_, '_>,
    local: FixedOffset,
) -> Result<Option<NaiveDateTime>, ParseProblem> {
    let text = at.field().text();
    if at.field().is_empty() || text.trim().is_empty() {
        return Ok(None);
    }
    parse_time(&text, local)
        .map(Some)
        .ok_or_else(|| at.bad("is not a timestamp (expected YYYYMMDD[HHMM[SS]][+/-ZZZZ])"))
}

/// XPN: family (its surname sub-component) ^ given ^ middle ^ suffix ^ prefix.
pub(crate) fn person_name(rep: &Repetition<'_>) -> Option<PersonName> {
    let family = rep.subcomponent(1, 1).trim().to_string();
    let given = rep.value(2).unwrap_or_default();
    if family.is_empty() && given.is_empty() {
        return None;
    }
    Some(PersonName {
        prefix: rep.value(5),
        given,
        middle: rep.value(3),
        family,
        suffix: rep.value(4),
    })
}

/// XAD: street ^ other designation ^ city ^ state ^ zip.
pub(crate) fn address(rep: &Repetition<'_>) -> Option<Address> {
    let street = rep.subcomponent(1, 1).trim().to_string();
    let line = match rep.value(2) {
        Some(more) if !street.is_empty() => format!("{street}, {more}"),
        Some(more) => more,
        None => street,
    };
    let address = Address {
        line,
        city: rep.value(3).unwrap_or_default(),
        state: rep.value(4).unwrap_or_default(),
        zip: rep.value(5).unwrap_or_default(),
    };
    (address != Address::default()).then_some(address)
}

/// XTN: the number in component 1, else area code (6) and local number (7).
pub(crate) fn phone(rep: &Repetition<'_>) -> Option<String> {
    if let Some(number) = rep.value(1) {
        return Some(number);
    }
    match (rep.value(6), rep.value(7)) {
        (Some(area), Some(local)) => Some(format!("({area}) {local}")),
        (None, Some(local)) => Some(local),
        _ => None,
    }
}

/// A CX identifier: value, assigning authority (namespace id), type code (upper case).
pub(crate) struct Cx {
    pub value: String,
    pub authority: Option<String>,
    pub kind: String,
}

pub(crate) fn identifiers(field: Field<'_>) -> Vec<Cx> {
    field
        .repetitions()
        .filter_map(|rep| {
            Some(Cx {
                value: rep.value(1)?,
                authority: {
                    let a = rep.subcomponent(4, 1).trim().to_string();
                    (!a.is_empty()).then_some(a)
                },
                kind: rep.value(5).unwrap_or_default().to_ascii_uppercase(),
            })
        })
        .collect()
}

impl Cx {
    /// MRNs: type `MR` (the standard's code) or `MRN` (what Simulated Hospital sends);
    /// without a type, an assigning authority written `MR` (`0001^^^MR`, a common slip).
    pub fn is_mrn(&self) -> bool {
        let mr = |code: &str| code.eq_ignore_ascii_case("MR") || code.eq_ignore_ascii_case("MRN");
        mr(&self.kind) || (self.kind.is_empty() && self.authority.as_deref().is_some_and(mr))
    }

    /// ID documents and national numbers: kept on the chart, never deciding which
    /// chart a message means (two people can share a licence number in a real export).
    pub fn is_secondary(&self) -> bool {
        matches!(self.kind.as_str(), "DL" | "PPN" | "SS" | "SSN")
    }
}

/// XCN: id ^ family ^ given ^ middle ^ suffix ^ prefix; the name as `Given Family`.
pub(crate) struct Xcn {
    pub id: Option<String>,
    pub name: String,
    pub npi: bool,
}

pub(crate) fn provider(rep: &Repetition<'_>) -> Option<Xcn> {
    let id = rep.value(1);
    let name = PersonName {
        prefix: None,
        given: rep.value(3).unwrap_or_default(),
        middle: rep.value(4),
        family: rep.subcomponent(2, 1).trim().to_string(),
        suffix: rep.value(5),
    }
    .display_first_last();
    if id.is_none() && name.is_empty() {
        return None;
    }
    let npi = rep.value(13).is_some_and(|t| t.eq_ignore_ascii_case("NPI"));
    Some(Xcn { id, name, npi })
}

/// PV1-2 patient class (HL7 table 0004): inpatient and obstetrics are admissions,
/// emergency is its own class, outpatient, recurring and pre-admit are outpatient, and
/// anything else (N not applicable, U unknown, C commercial, site codes) ambulatory.
pub(crate) fn patient_class(code: &str) -> EncounterClass {
    match code.trim().to_ascii_uppercase().as_str() {
        "I" | "B" => EncounterClass::Inpatient,
        "E" => EncounterClass::Emergency,
        "O" | "R" | "P" => EncounterClass::Outpatient,
        other => EncounterClass::parse(other).unwrap_or(EncounterClass::Ambulatory),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> FixedOffset {
        FixedOffset::east_opt(0).unwrap()
    }

    #[test]
    fn timestamps_with_and_without_offsets() {
        let t = |s| parse_time(s, FixedOffset::east_opt(-5 * 3600).unwrap());
        assert_eq!(
            t("20240301083000").unwrap().to_string(),
            "2024-03-01 13:30:00"
        );
        assert_eq!(
            t("202403010830+0100").unwrap().to_string(),
            "2024-03-01 07:30:00"
        );
        assert_eq!(
            t("20240301083000.1234-0500").unwrap().to_string(),
            "2024-03-01 13:30:00"
        );
        assert_eq!(t("2024").unwrap().to_string(), "2024-01-01 05:00:00");
        assert!(t("2024-03-01").is_none());
        assert!(t("20241301").is_none());
        assert!(t("202403010830+01").is_none());
        assert!(parse_time("2024030108301", utc()).is_none());
    }

    #[test]
    fn dates_of_birth() {
        assert_eq!(
            parse_date("19890118000000").unwrap().to_string(),
            "1989-01-18"
        );
        assert_eq!(parse_date("198901").unwrap().to_string(), "1989-01-01");
        assert!(parse_date("19891").is_none());
        assert!(parse_date("abc").is_none());
    }

    #[test]
    fn classes() {
        assert_eq!(patient_class("I"), EncounterClass::Inpatient);
        assert_eq!(patient_class("E"), EncounterClass::Emergency);
        assert_eq!(patient_class("O"), EncounterClass::Outpatient);
        assert_eq!(patient_class("N"), EncounterClass::Ambulatory);
        assert_eq!(patient_class("B"), EncounterClass::Inpatient);
    }
}
