//! Encounters (visits, admissions).

use super::ids::{EncounterId, PatientId, ProviderId};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EncounterClass {
    Inpatient,
    Outpatient,
    Emergency,
    /// Ambulatory, wellness, virtual... kept apart from outpatient by source systems.
    Ambulatory,
}

impl EncounterClass {
    pub fn label(self) -> &'static str {
        match self {
            EncounterClass::Inpatient => "inpatient",
            EncounterClass::Outpatient => "outpatient",
            EncounterClass::Emergency => "emergency",
            EncounterClass::Ambulatory => "ambulatory",
        }
    }

    /// Reads Synthea/FHIR class codes (`inpatient`, `IMP`, `emergency`, `EMER`, ...).
    pub fn parse(code: &str) -> Option<EncounterClass> {
        match code.trim().to_ascii_lowercase().as_str() {
            // Synthea's classes and HL7 v3 ActEncounterCode; hospice and non-acute stays
            // are admissions, observation and short stays are outpatient
            "inpatient" | "imp" | "acute" | "hospice" | "nonac" => Some(EncounterClass::Inpatient),
            "outpatient" | "amb_out" | "outpt" | "obsenc" | "observation" | "ss" => {
                Some(EncounterClass::Outpatient)
            }
            "emergency" | "emer" | "urgentcare" | "urgent" => Some(EncounterClass::Emergency),
            "ambulatory" | "amb" | "wellness" | "virtual" | "home" | "hh" | "snf" | "vr"
            | "prenc" | "fld" => Some(EncounterClass::Ambulatory),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Encounter {
    pub id: EncounterId,
    /// Account / visit number a caller or a bill quotes.
    pub number: String,
    pub patient: PatientId,
    pub class: EncounterClass,
    /// Admission, as a UTC instant.
    pub admit: NaiveDateTime,
    /// Discharge as a UTC instant; `None` while the patient is still in house.
    pub discharge: Option<NaiveDateTime>,
    /// The UTC offset (seconds east) the discharge was written in: the discharge's
    /// calendar date, which starts the 30-day completion clock, is the hospital's date,
    /// not UTC's (a 23:30 discharge in New York is that day's discharge).
    pub discharge_offset_secs: i32,
    pub attending: Option<ProviderId>,
    pub other_providers: Vec<ProviderId>,
    pub location: String,
    /// Free-text reason (chief complaint or encounter description).
    pub reason: String,
    /// Identifier in the source system (Synthea encounter `Id`).
    pub source_id: Option<String>,
}

impl Encounter {
    /// The calendar date of the discharge in its own offset.
    pub fn discharge_date(&self) -> Option<NaiveDate> {
        self.discharge
            .map(|d| crate::clock::local_date(d, self.discharge_offset_secs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_synthea_class_is_read() {
        // Synthea's EncounterType values, as its CSV export writes them
        for code in [
            "wellness",
            "ambulatory",
            "outpatient",
            "inpatient",
            "emergency",
            "urgentcare",
            "home",
            "hospice",
            "snf",
            "virtual",
        ] {
            assert!(EncounterClass::parse(code).is_some(), "{code}");
        }
        assert_eq!(
            EncounterClass::parse("HOSPICE"),
            Some(EncounterClass::Inpatient)
        );
        assert_eq!(
            EncounterClass::parse("OBSENC"),
            Some(EncounterClass::Outpatient)
        );
        assert_eq!(EncounterClass::parse("spaceship"), None);
    }
}
