//! FHIR resources to chartroom values: names, demographics, encounter classes, note
//! types and text, and the HIV evidence that makes a chart sensitive. Failures name the
//! field and the problem, never the value.

use super::resources::{
    CodeableConcept, Condition, DocumentContent, HumanName, Meta, Observation, Patient,
};
use crate::chart_upsert::Demographics;
use crate::csv_file::{parse_date, parse_datetime_offset};
use crate::synthea::{DRIVERS_LICENSE_SYSTEM, PASSPORT_SYSTEM};
use base64::Engine;
use chartroom_domain::{Address, DocumentType, EncounterClass, Identifier, PersonName, Sex, Ssn};
use chrono::{NaiveDate, NaiveDateTime};

/// Identifier systems Synthea writes.
pub(crate) const SYNTHEA_ID_SYSTEM: &str = "https://github.com/synthetichealth/synthea";
pub(crate) const SSN_SYSTEM: &str = "http://hl7.org/fhir/sid/us-ssn";
pub(crate) const NPI_SYSTEM: &str = "http://hl7.org/fhir/sid/us-npi";
const PASSPORT_SYSTEM_URL: &str =
    "http://standardhealthrecord.org/fhir/StructureDefinition/passportNumber";

/// A field that failed a check: `(field path, problem)`.
pub(crate) type Bad = (String, &'static str);

fn bad(field: &str, problem: &'static str) -> Bad {
    (field.to_string(), problem)
}

pub(crate) fn date(text: Option<&str>, field: &str) -> Result<NaiveDate, Bad> {
    let text = text.ok_or_else(|| bad(field, "is missing"))?;
    parse_date(text).ok_or_else(|| bad(field, "is not a full date (expected YYYY-MM-DD)"))
}

/// FHIR dateTime or instant; kept as UTC wall time like the CSV import.
pub(crate) fn date_time(text: Option<&str>, field: &str) -> Result<NaiveDateTime, Bad> {
    date_time_offset(text, field).map(|(t, _)| t)
}

/// FHIR dateTime or instant as UTC wall time plus the offset it was written in (the
/// calendar date a person there saw).
pub(crate) fn date_time_offset(
    text: Option<&str>,
    field: &str,
) -> Result<(NaiveDateTime, i32), Bad> {
    let text = text.ok_or_else(|| bad(field, "is missing"))?;
    parse_datetime_offset(text).ok_or_else(|| {
        bad(
            field,
            "is not a date and time (expected YYYY-MM-DDThh:mm:ss with an offset)",
        )
    })
}

/// The patient's Synthea Id: its Synthea identifier, else the resource id.
pub(crate) fn patient_source_id(p: &Patient) -> Option<&str> {
    p.identifier
        .iter()
        .find(|i| i.system.as_deref() == Some(SYNTHEA_ID_SYSTEM))
        .and_then(|i| i.value.as_deref())
        .or(p.id.as_deref())
        .filter(|v| !v.trim().is_empty())
}

fn person_name(n: &HumanName) -> Option<PersonName> {
    let given = n.given.first().cloned().unwrap_or_default();
    let family = n.family.clone().unwrap_or_default();
    if given.is_empty() && family.is_empty() {
        return None;
    }
    let join = |parts: &[String]| Some(parts.join(" ")).filter(|s| !s.is_empty());
    Some(PersonName {
        prefix: join(&n.prefix),
        given,
        middle: n.given.get(1..).and_then(join),
        family,
        suffix: join(&n.suffix),
    })
}

/// `Dr. Karl184 Bailey598` → `Karl184 Bailey598` (the provider list shows no titles).
pub(crate) fn provider_name(names: &[HumanName]) -> Option<String> {
    let n = names
        .iter()
        .find(|n| n.use_.as_deref() == Some("official"))
        .or(names.first())?;
    person_name(n)
        .map(|p| p.display_first_last())
        .or_else(|| n.text.clone())
}

pub(crate) fn demographics(p: &Patient) -> Result<Demographics, Bad> {
    let source_id = patient_source_id(p)
        .ok_or_else(|| bad("identifier", "has no Synthea identifier and no id"))?
        .to_string();
    let official = p
        .name
        .iter()
        .position(|n| n.use_.as_deref() == Some("official"))
        .or_else(|| {
            p.name
                .iter()
                .position(|n| n.use_.as_deref() != Some("maiden"))
        });
    let name = official
        .and_then(|i| person_name(&p.name[i]))
        .ok_or_else(|| bad("name", "has no official name with a given or family part"))?;
    let mut maiden = None;
    let mut aliases = Vec::new();
    for (i, n) in p.name.iter().enumerate() {
        if Some(i) == official {
            continue;
        }
        match (n.use_.as_deref(), person_name(n)) {
            (Some("maiden"), Some(m)) => maiden = Some(m),
            (_, Some(other)) => aliases.push(other),
            (_, None) => {}
        }
    }
    let dob = date(p.birth_date.as_deref(), "birthDate")?;
    let deceased = match (&p.deceased_date_time, p.deceased_boolean) {
        // The date of death is the local calendar date the source wrote, not UTC's.
        (Some(text), _) => Some(match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(at) => at.date_naive(),
            Err(_) => date_time(Some(text), "deceasedDateTime")?.date(),
        }),
        // The flag carries a date and FHIR gave none: the birth date stands in, so the
        // chart still shows DECEASED (documented in docs/DEMO-DATA-AND-IMPORT.md).
        (None, Some(true)) => Some(dob),
        (None, _) => None,
    };
    let mut ssn = None;
    let mut identifiers = Vec::new();
    for (i, id) in p.identifier.iter().enumerate() {
        let Some(value) = id.value.as_deref().filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        let system = id.system.as_deref().unwrap_or_default();
        match (system, id.type_code()) {
            (SYNTHEA_ID_SYSTEM, _) => {}
            (SSN_SYSTEM, _) | (_, Some("SS")) => {
                let field = format!("identifier[{i}].value");
                ssn = Some(
                    Ssn::parse(value)
                        .ok_or((field, "is not a social security number (expected 9 digits)"))?,
                );
            }
            (_, Some("DL")) => identifiers.push(Identifier {
                system: DRIVERS_LICENSE_SYSTEM.into(),
                value: value.into(),
            }),
            (PASSPORT_SYSTEM_URL, _) | (_, Some("PPN")) => identifiers.push(Identifier {
                system: PASSPORT_SYSTEM.into(),
                value: value.into(),
            }),
            // Synthea's MR number repeats its UUID: kept only when it says more.
            (_, Some("MR")) if value == source_id => {}
            (system, _) if !system.is_empty() => identifiers.push(Identifier {
                system: system.into(),
                value: value.into(),
            }),
            _ => {}
        }
    }
    let address = p
        .address
        .iter()
        .find(|a| a.use_.as_deref() != Some("old"))
        .map(|a| Address {
            line: a.line.join(", "),
            city: a.city.clone().unwrap_or_default(),
            state: a.state.clone().unwrap_or_default(),
            zip: a.postal_code.clone().unwrap_or_default(),
        });
    let phones = p
        .telecom
        .iter()
        .filter(|t| t.system.as_deref() == Some("phone"))
        .filter_map(|t| t.value.clone())
        .collect();
    Ok(Demographics {
        source_id,
        name,
        maiden,
        aliases,
        dob,
        deceased,
        sex: Sex::parse(p.gender.as_deref().unwrap_or_default()),
        ssn,
        address,
        phones,
        identifiers,
    })
}

/// R4 `Encounter.class` codes (v3 ActCode) and their spelled-out forms.
pub(crate) fn encounter_class(code: Option<&str>) -> Result<EncounterClass, Bad> {
    let code = code.ok_or_else(|| bad("class.code", "is missing"))?;
    let class = match code.trim().to_ascii_uppercase().as_str() {
        "IMP" | "ACUTE" | "NONAC" | "PRENC" => Some(EncounterClass::Inpatient),
        "OBSENC" | "SS" => Some(EncounterClass::Outpatient),
        _ => EncounterClass::parse(code),
    };
    class.ok_or_else(|| {
        bad(
            "class.code",
            "is not an encounter class (AMB, IMP, EMER, HH, VR, OBSENC, SS, ...)",
        )
    })
}

/// The LOINC codes of a `type` concept, in source order.
pub(crate) fn loinc_codes(kind: &CodeableConcept) -> Vec<String> {
    kind.coding
        .iter()
        .filter(|c| {
            c.system
                .as_deref()
                .is_some_and(|s| s.ends_with("loinc.org"))
        })
        .filter_map(|c| c.code.as_deref().map(str::trim))
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// SNOMED CT codes of a concept (procedure code and category).
pub(crate) fn snomed_codes(concept: Option<&CodeableConcept>) -> Vec<String> {
    concept
        .map(|c| {
            c.coding
                .iter()
                .filter(|c| c.system.as_deref().is_some_and(|s| s.contains("snomed")))
                .filter_map(|c| c.code.as_deref().map(str::trim))
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// LOINC note type → document type. Synthea labels every note with the pair 34117-2
/// (History and physical) + 51847-2 (Evaluation and plan); for that pair the setting
/// decides: an H&P for an inpatient stay, an ED note in the emergency department, a
/// progress note (evaluation and plan) for an office visit.
pub(crate) fn document_type(
    kind: Option<&CodeableConcept>,
    setting: Option<EncounterClass>,
) -> DocumentType {
    let Some(kind) = kind else {
        return DocumentType::Other;
    };
    let loinc = |codes: &[&str]| kind.has_code("loinc.org", codes);
    if loinc(&["34111-5", "18761-7", "59258-4"]) {
        return DocumentType::EmergencyNote;
    }
    if loinc(&["18842-5", "11490-0"]) {
        return DocumentType::DischargeSummary;
    }
    if loinc(&["11504-8", "34874-5"]) {
        return DocumentType::OperativeReport;
    }
    if loinc(&["11488-4", "34101-6"]) {
        return DocumentType::Consultation;
    }
    if loinc(&["28570-0"]) {
        return DocumentType::ProcedureNote;
    }
    if loinc(&["18748-4", "18726-0"]) {
        return DocumentType::RadiologyReport;
    }
    if loinc(&["11526-1", "60567-5"]) {
        return DocumentType::PathologyReport;
    }
    if loinc(&["34746-8", "28651-8"]) {
        return DocumentType::NursingNote;
    }
    let hp = loinc(&["34117-2", "47039-3"]);
    let progress = loinc(&["11506-3", "51847-2"]);
    match (hp, progress, setting) {
        (true, _, Some(EncounterClass::Inpatient) | None) => DocumentType::HistoryAndPhysical,
        (_, _, Some(EncounterClass::Emergency)) if hp || progress => DocumentType::EmergencyNote,
        (_, true, _) => DocumentType::ProgressNote,
        (true, false, _) => DocumentType::HistoryAndPhysical,
        _ => DocumentType::Other,
    }
}

/// The note text: the first `text/plain` attachment with inline data, base64-decoded.
/// `Ok(None)` when the note has no plain-text content (a PDF or a URL only).
pub(crate) fn note_text(content: &[DocumentContent]) -> Result<Option<String>, Bad> {
    for (i, c) in content.iter().enumerate() {
        let Some(a) = &c.attachment else { continue };
        let plain = a
            .content_type
            .as_deref()
            .is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("text/plain"));
        let Some(data) = a.data.as_deref().filter(|_| plain) else {
            continue;
        };
        let field = format!("content[{i}].attachment.data");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|_| (field.clone(), "is not valid base64"))?;
        let text = String::from_utf8(bytes).map_err(|_| (field, "is not UTF-8 text"))?;
        return Ok(Some(text));
    }
    Ok(None)
}

/// SNOMED CT and ICD-10/ICD-9 codes of HIV infection and AIDS.
const HIV_SNOMED: &[&str] = &[
    "86406008",  // Human immunodeficiency virus infection
    "62479008",  // AIDS
    "165816005", // HIV positive
    "91947003",  // Asymptomatic HIV infection
    "40780007",  // HIV I infection
    "79019005",  // HIV II infection
    "111880001", // Acute HIV infection
];
const HIV_ICD: &[&str] = &["B20", "B21", "B22", "B23", "B24", "Z21", "042", "V08"];

/// The sensitive categories among a resource's security labels (`securityLabel`
/// codings and `meta.security`): v3-ActCode codes only; confidentiality codes (`R`,
/// `N`, ...) and other systems are not categories. Each once, in code order.
pub(crate) fn security_categories(
    labels: &[CodeableConcept],
    meta: Option<&Meta>,
) -> Vec<chartroom_domain::Category> {
    let codings = labels
        .iter()
        .flat_map(|l| l.coding.iter())
        .chain(meta.into_iter().flat_map(|m| m.security.iter()));
    let found: std::collections::BTreeSet<_> = codings
        .filter(|c| c.system.as_deref() == Some(chartroom_domain::sensitivity::ACT_CODE_SYSTEM))
        .filter_map(|c| chartroom_domain::Category::from_code(c.code.as_deref()?.trim()))
        .collect();
    found.into_iter().collect()
}

/// The codes of a condition that counts (not refuted or entered in error), each as
/// `code` (the system is not kept: the code lists name ICD-10-CM and SNOMED codes,
/// which do not collide).
pub(crate) fn condition_codes(c: &Condition) -> Vec<String> {
    let refuted = c
        .verification_status
        .as_ref()
        .is_some_and(|v| v.has_code("condition-ver-status", &["refuted", "entered-in-error"]));
    if refuted {
        return Vec::new();
    }
    c.code
        .iter()
        .flat_map(|k| k.coding.iter())
        .filter_map(|coding| coding.code.as_deref().map(str::trim))
        .filter(|code| !code.is_empty())
        .map(str::to_string)
        .collect()
}

/// A confirmed-or-unverified HIV/AIDS diagnosis (refuted and entered-in-error do not count).
pub(crate) fn is_hiv_condition(c: &Condition) -> bool {
    let refuted = c
        .verification_status
        .as_ref()
        .is_some_and(|v| v.has_code("condition-ver-status", &["refuted", "entered-in-error"]));
    let Some(code) = &c.code else { return false };
    !refuted
        && (code.has_code("snomed.info/sct", HIV_SNOMED)
            || code.has_code("icd-10-cm", HIV_ICD)
            || code.has_code("icd-10", HIV_ICD)
            || code.has_code("icd-9-cm", HIV_ICD)
            || code.label().is_some_and(mentions_hiv))
}

/// HIV tests, viral loads and antiretroviral treatment. The fact of an HIV test is
/// itself protected HIV information (state HIV confidentiality laws), whatever its
/// result, so any such observation marks the chart. Synthea's HIV module writes these
/// as Observations with home-made codes, so the code's words are what is checked.
pub(crate) fn is_hiv_observation(o: &Observation) -> bool {
    if o.status.as_deref() == Some("entered-in-error") {
        return false;
    }
    let Some(code) = &o.code else { return false };
    code.coding
        .iter()
        .filter_map(|c| c.display.as_deref())
        .chain(code.text.as_deref())
        .any(mentions_hiv)
}

fn mentions_hiv(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == "HIV")
        || upper.contains("ANTIRETROVIRAL")
        || upper.contains("HUMAN IMMUNODEFICIENCY")
        || upper.contains("ACQUIRED IMMUNE DEFICIENCY")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::resources::{Attachment, Coding};

    fn attachment(data: &str) -> Vec<DocumentContent> {
        vec![DocumentContent {
            attachment: Some(Attachment {
                content_type: Some("text/plain; charset=utf-8".into()),
                data: Some(data.into()),
                title: None,
            }),
        }]
    }

    #[test]
    fn note_text_is_base64_utf8() {
        assert_eq!(note_text(&attachment("aGVsbG8=")), Ok(Some("hello".into())));
        let bad = note_text(&attachment("%%%")).err();
        assert_eq!(
            bad.map(|(f, _)| f).as_deref(),
            Some("content[0].attachment.data")
        );
        // 0xff 0xfe is not UTF-8.
        let latin = note_text(&attachment("//4=")).err();
        assert_eq!(latin.map(|(_, p)| p), Some("is not UTF-8 text"));
        assert_eq!(note_text(&[]), Ok(None));
    }

    fn loinc(codes: &[&str]) -> CodeableConcept {
        CodeableConcept {
            coding: codes
                .iter()
                .map(|c| Coding {
                    system: Some("http://loinc.org".into()),
                    code: Some((*c).into()),
                    display: None,
                })
                .collect(),
            text: None,
        }
    }

    #[test]
    fn synthea_note_pair_follows_the_setting() {
        let pair = loinc(&["34117-2", "51847-2"]);
        let of = |class| document_type(Some(&pair), class);
        assert_eq!(
            of(Some(EncounterClass::Inpatient)),
            DocumentType::HistoryAndPhysical
        );
        assert_eq!(
            of(Some(EncounterClass::Ambulatory)),
            DocumentType::ProgressNote
        );
        assert_eq!(
            of(Some(EncounterClass::Emergency)),
            DocumentType::EmergencyNote
        );
        let ed = loinc(&["34111-5", "51847-2"]);
        assert_eq!(
            document_type(Some(&ed), Some(EncounterClass::Ambulatory)),
            DocumentType::EmergencyNote
        );
        assert_eq!(
            document_type(Some(&loinc(&["1-1"])), None),
            DocumentType::Other
        );
    }

    #[test]
    fn hiv_words_and_codes() {
        assert!(mentions_hiv("HIV viral load"));
        assert!(mentions_hiv("ANTIRETROVIRALS STARTED"));
        assert!(!mentions_hiv("Hearing aids"));
        assert!(!mentions_hiv("Archive note"));
        let condition = Condition {
            id: None,
            code: Some(CodeableConcept {
                coding: vec![Coding {
                    system: Some("http://snomed.info/sct".into()),
                    code: Some("86406008".into()),
                    display: None,
                }],
                text: None,
            }),
            subject: None,
            encounter: None,
            verification_status: None,
        };
        assert!(is_hiv_condition(&condition));
    }
}
