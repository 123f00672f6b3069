//! The patient (master patient index entry).

use super::ids::{Mrn, PatientId, UserId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A person's name as registered. Parts are kept as entered (case and punctuation);
/// matching works on normalised forms built in `search/`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PersonName {
    pub prefix: Option<String>,
    pub given: String,
    /// Middle names or initials, space separated.
    pub middle: Option<String>,
    pub family: String,
    /// `Jr`, `Sr`, `III`, ...: it tells a father from his son.
    pub suffix: Option<String>,
}

impl PersonName {
    pub fn new(given: impl Into<String>, family: impl Into<String>) -> Self {
        PersonName {
            given: given.into(),
            family: family.into(),
            ..PersonName::default()
        }
    }

    /// `Family, Given Middle Suffix`: the order charts are filed and listed by.
    pub fn display_last_first(&self) -> String {
        let mut out = format!("{}, {}", self.family, self.given);
        if let Some(m) = self.middle.as_deref().filter(|m| !m.is_empty()) {
            out.push(' ');
            out.push_str(m);
        }
        if let Some(s) = self.suffix.as_deref().filter(|s| !s.is_empty()) {
            out.push(' ');
            out.push_str(s);
        }
        out
    }

    /// `Given Middle Family Suffix`.
    pub fn display_first_last(&self) -> String {
        let parts = [
            Some(self.given.as_str()),
            self.middle.as_deref(),
            Some(self.family.as_str()),
            self.suffix.as_deref(),
        ];
        parts
            .into_iter()
            .flatten()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonName([redacted])")
    }
}

/// Why a patient has another name on file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NameKind {
    /// Also known as (a nickname in use, a stage name, a transliteration).
    Alias,
    /// A former legal name (after marriage, divorce, legal change).
    Previous,
    /// Birth family name.
    Maiden,
}

impl NameKind {
    pub fn label(self) -> &'static str {
        match self {
            NameKind::Alias => "alias",
            NameKind::Previous => "previous",
            NameKind::Maiden => "maiden",
        }
    }
}

/// Another name the patient is or was known by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AltName {
    pub kind: NameKind,
    pub name: PersonName,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    Female,
    Male,
    Other,
    Unknown,
}

impl Sex {
    /// The word on screens.
    pub fn label(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        }
    }

    pub fn letter(self) -> char {
        match self {
            Sex::Female => 'F',
            Sex::Male => 'M',
            Sex::Other => 'X',
            Sex::Unknown => 'U',
        }
    }

    /// Reads the usual one-letter and spelled-out codes (HL7, FHIR, Synthea).
    pub fn parse(code: &str) -> Sex {
        match code.trim().to_ascii_lowercase().as_str() {
            "f" | "female" => Sex::Female,
            "m" | "male" => Sex::Male,
            "o" | "x" | "other" => Sex::Other,
            _ => Sex::Unknown,
        }
    }
}

#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Address {
    pub line: String,
    pub city: String,
    pub state: String,
    pub zip: String,
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Address([redacted])")
    }
}

/// A social security number. Stored in full, shown masked (`***-**-1234`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ssn(String);

impl Ssn {
    /// Accepts nine digits with or without dashes or spaces.
    pub fn parse(text: &str) -> Option<Ssn> {
        let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
        let only_digits_and_separators = text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
        (digits.len() == 9 && only_digits_and_separators).then_some(Ssn(digits))
    }

    /// All nine digits: for exports to systems that hold the full number, never for screens.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// `123-45-6789`, the form interchange files use.
    pub fn dashed(&self) -> String {
        format!("{}-{}-{}", &self.0[0..3], &self.0[3..5], &self.0[5..])
    }

    pub fn last4(&self) -> &str {
        &self.0[self.0.len().saturating_sub(4)..]
    }

    pub fn masked(&self) -> String {
        format!("***-**-{}", self.last4())
    }
}

impl fmt::Debug for Ssn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ssn([redacted])")
    }
}

/// Categories of records that need specific authorization or extra safeguards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SensitiveCategory {
    /// 42 CFR Part 2 substance-use treatment records.
    SubstanceUse,
    PsychotherapyNotes,
    HivSti,
    MentalHealth,
    GeneticTesting,
    ReproductiveHealth,
}

impl SensitiveCategory {
    pub const ALL: [SensitiveCategory; 6] = [
        SensitiveCategory::SubstanceUse,
        SensitiveCategory::PsychotherapyNotes,
        SensitiveCategory::HivSti,
        SensitiveCategory::MentalHealth,
        SensitiveCategory::GeneticTesting,
        SensitiveCategory::ReproductiveHealth,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SensitiveCategory::SubstanceUse => "substance use (Part 2)",
            SensitiveCategory::PsychotherapyNotes => "psychotherapy notes",
            SensitiveCategory::HivSti => "HIV/STI",
            SensitiveCategory::MentalHealth => "mental health",
            SensitiveCategory::GeneticTesting => "genetic testing",
            SensitiveCategory::ReproductiveHealth => "reproductive health",
        }
    }
}

/// Flags that change how a chart is shown and who may open it.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PatientFlags {
    /// Date of death, when the patient is deceased.
    pub deceased: Option<NaiveDate>,
    pub vip: bool,
    pub employee: bool,
    pub restricted: bool,
    pub sensitive: Vec<SensitiveCategory>,
}

impl PatientFlags {
    /// Short words for lists; meaning is never carried by colour alone.
    pub fn words(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.deceased.is_some() {
            out.push("DECEASED");
        }
        if self.vip {
            out.push("VIP");
        }
        if self.employee {
            out.push("EMPLOYEE");
        }
        if self.restricted {
            out.push("RESTRICTED");
        }
        if !self.sensitive.is_empty() {
            out.push("SENSITIVE");
        }
        out
    }

    /// Whether opening the chart needs a break-the-glass reason.
    pub fn needs_reason(&self) -> bool {
        self.vip || self.employee || self.restricted || !self.sensitive.is_empty()
    }
}

/// An identifier from another system (Synthea `Id`, an insurer's member number...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifier {
    /// Where it comes from, e.g. `synthea`, `ssn`, `fhir`.
    pub system: String,
    pub value: String,
}

/// A patient chart's identity and demographics.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patient {
    pub id: PatientId,
    pub mrn: Mrn,
    pub name: PersonName,
    pub other_names: Vec<AltName>,
    pub dob: NaiveDate,
    pub sex: Sex,
    pub address: Option<Address>,
    /// Phone numbers as entered; search compares digits only.
    pub phones: Vec<String>,
    pub ssn: Option<Ssn>,
    pub flags: PatientFlags,
    pub identifiers: Vec<Identifier>,
    /// Staff user whose own record this is (own-record access block).
    pub staff_link: Option<UserId>,
}

impl Patient {
    /// A new chart: these five facts, nothing else on file yet (no other names,
    /// address, phones, SSN, flags, identifiers or staff link).
    pub fn new_chart(id: PatientId, mrn: Mrn, name: PersonName, dob: NaiveDate, sex: Sex) -> Self {
        Patient {
            id,
            mrn,
            name,
            other_names: Vec::new(),
            dob,
            sex,
            address: None,
            phones: Vec::new(),
            ssn: None,
            flags: PatientFlags::default(),
            identifiers: Vec::new(),
            staff_link: None,
        }
    }

    /// The source system's identifier when there is one (e.g. the Synthea `Id`),
    /// otherwise the MRN digits: what scripts and benchmarks key on.
    pub fn source_id(&self) -> String {
        self.identifiers
            .first()
            .map(|i| i.value.clone())
            .unwrap_or_else(|| self.mrn.digits())
    }

    /// Age in whole years on `today`.
    pub fn age_on(&self, today: NaiveDate) -> i32 {
        use chrono::Datelike;
        let mut age = today.year() - self.dob.year();
        if (today.month(), today.day()) < (self.dob.month(), self.dob.day()) {
            age -= 1;
        }
        age
    }
}

impl fmt::Debug for Patient {
    // Only row ids reach logs: never names, MRN, DOB or notes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Patient")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssn_is_masked_and_redacted() {
        let ssn = Ssn::parse("999-12-5772").expect("valid ssn");
        assert_eq!(ssn.masked(), "***-**-5772");
        assert_eq!(ssn.last4(), "5772");
        assert_eq!(format!("{ssn:?}"), "Ssn([redacted])");
        assert!(Ssn::parse("999-12-577").is_none());
        assert!(Ssn::parse("99a-12-5772").is_none());
    }

    #[test]
    fn names_display_both_orders() {
        let mut n = PersonName::new("John", "Smith");
        n.middle = Some("Q".into());
        n.suffix = Some("Jr".into());
        assert_eq!(n.display_last_first(), "Smith, John Q Jr");
        assert_eq!(n.display_first_last(), "John Q Smith Jr");
        assert_eq!(format!("{n:?}"), "PersonName([redacted])");
    }

    #[test]
    fn flags_have_words() {
        let flags = PatientFlags {
            vip: true,
            sensitive: vec![SensitiveCategory::HivSti],
            ..Default::default()
        };
        assert_eq!(flags.words(), vec!["VIP", "SENSITIVE"]);
        assert!(flags.needs_reason());
        assert!(!PatientFlags::default().needs_reason());
    }
}
