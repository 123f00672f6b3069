//! FHIR R4 resources as serde structs, with only the fields the import uses. Unknown
//! fields are ignored; every list defaults to empty and every value may be absent, so
//! the checks (and their error messages) live in the importer, not in serde.

use serde::Deserialize;

#[derive(Deserialize, Debug, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Coding {
    pub system: Option<String>,
    pub code: Option<String>,
    pub display: Option<String>,
}

#[derive(Deserialize, Debug, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CodeableConcept {
    #[serde(default)]
    pub coding: Vec<Coding>,
    pub text: Option<String>,
}

impl CodeableConcept {
    /// The text, else the first coding's display: what a person reads.
    pub fn label(&self) -> Option<&str> {
        self.text
            .as_deref()
            .or_else(|| self.coding.iter().find_map(|c| c.display.as_deref()))
            .filter(|t| !t.trim().is_empty())
    }

    pub fn has_code(&self, system_suffix: &str, codes: &[&str]) -> bool {
        self.coding.iter().any(|c| {
            c.system
                .as_deref()
                .is_some_and(|s| s.ends_with(system_suffix))
                && c.code.as_deref().is_some_and(|code| codes.contains(&code))
        })
    }
}

#[derive(Deserialize, Debug, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FhirIdentifier {
    pub system: Option<String>,
    pub value: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<CodeableConcept>,
}

impl FhirIdentifier {
    /// The v2-0203 identifier type code (`MR`, `SS`, `DL`, `PPN`...).
    pub fn type_code(&self) -> Option<&str> {
        self.kind
            .as_ref()?
            .coding
            .iter()
            .find_map(|c| c.code.as_deref())
    }
}

/// A reference in any of its shapes: `reference` (`urn:uuid:…`, `Patient/…`,
/// `Practitioner?identifier=…`) or a logical `identifier`.
#[derive(Deserialize, Debug, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Reference {
    pub reference: Option<String>,
    pub identifier: Option<FhirIdentifier>,
}

#[derive(Deserialize, Debug, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Period {
    pub start: Option<String>,
    pub end: Option<String>,
}

#[derive(Deserialize, Debug, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HumanName {
    #[serde(rename = "use")]
    pub use_: Option<String>,
    pub family: Option<String>,
    #[serde(default)]
    pub given: Vec<String>,
    #[serde(default)]
    pub prefix: Vec<String>,
    #[serde(default)]
    pub suffix: Vec<String>,
    pub text: Option<String>,
}

#[derive(Deserialize, Debug, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FhirAddress {
    #[serde(rename = "use")]
    pub use_: Option<String>,
    #[serde(default)]
    pub line: Vec<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
}

#[derive(Deserialize, Debug, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ContactPoint {
    pub system: Option<String>,
    pub value: Option<String>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Patient {
    pub id: Option<String>,
    #[serde(default)]
    pub identifier: Vec<FhirIdentifier>,
    #[serde(default)]
    pub name: Vec<HumanName>,
    #[serde(default)]
    pub telecom: Vec<ContactPoint>,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub deceased_boolean: Option<bool>,
    pub deceased_date_time: Option<String>,
    #[serde(default)]
    pub address: Vec<FhirAddress>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Practitioner {
    pub id: Option<String>,
    #[serde(default)]
    pub identifier: Vec<FhirIdentifier>,
    #[serde(default)]
    pub name: Vec<HumanName>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PractitionerRole {
    pub id: Option<String>,
    pub practitioner: Option<Reference>,
    #[serde(default)]
    pub specialty: Vec<CodeableConcept>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Organization {
    pub id: Option<String>,
    #[serde(default)]
    pub identifier: Vec<FhirIdentifier>,
    pub name: Option<String>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Participant {
    #[serde(default, rename = "type")]
    pub kind: Vec<CodeableConcept>,
    pub individual: Option<Reference>,
}

impl Participant {
    /// The attending physician (v3-ParticipationType `ATND`).
    pub fn is_attending(&self) -> bool {
        self.kind.iter().any(|k| {
            k.coding.iter().any(|c| {
                c.code
                    .as_deref()
                    .is_some_and(|code| code.eq_ignore_ascii_case("ATND"))
            })
        })
    }
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EncounterLocation {
    pub location: Option<ReferenceWithDisplay>,
}

#[derive(Deserialize, Debug, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReferenceWithDisplay {
    pub reference: Option<String>,
    pub identifier: Option<FhirIdentifier>,
    pub display: Option<String>,
}

impl ReferenceWithDisplay {
    pub fn reference(&self) -> Reference {
        Reference {
            reference: self.reference.clone(),
            identifier: self.identifier.clone(),
        }
    }
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Encounter {
    pub id: Option<String>,
    #[serde(default)]
    pub identifier: Vec<FhirIdentifier>,
    /// R4: a single Coding (`AMB`, `IMP`, `EMER`, ...).
    pub class: Option<Coding>,
    #[serde(default, rename = "type")]
    pub kind: Vec<CodeableConcept>,
    pub subject: Option<Reference>,
    #[serde(default)]
    pub participant: Vec<Participant>,
    pub period: Option<Period>,
    #[serde(default)]
    pub reason_code: Vec<CodeableConcept>,
    pub service_provider: Option<ReferenceWithDisplay>,
    #[serde(default)]
    pub location: Vec<EncounterLocation>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Attachment {
    pub content_type: Option<String>,
    pub data: Option<String>,
    pub title: Option<String>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DocumentContent {
    pub attachment: Option<Attachment>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DocumentContext {
    #[serde(default)]
    pub encounter: Vec<Reference>,
    pub period: Option<Period>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DocumentReference {
    pub id: Option<String>,
    pub status: Option<String>,
    /// `preliminary` (not yet signed by its author), `final`, `amended`.
    pub doc_status: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<CodeableConcept>,
    pub subject: Option<Reference>,
    pub date: Option<String>,
    #[serde(default)]
    pub author: Vec<Reference>,
    pub description: Option<String>,
    #[serde(default)]
    pub content: Vec<DocumentContent>,
    pub context: Option<DocumentContext>,
    #[serde(default)]
    pub security_label: Vec<CodeableConcept>,
    pub meta: Option<Meta>,
}

/// `Resource.meta`: only its security labels are read.
#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Meta {
    #[serde(default)]
    pub security: Vec<Coding>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProcedurePerformer {
    pub actor: Option<Reference>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Procedure {
    pub id: Option<String>,
    pub status: Option<String>,
    pub category: Option<CodeableConcept>,
    pub code: Option<CodeableConcept>,
    pub subject: Option<Reference>,
    pub encounter: Option<Reference>,
    pub performed_date_time: Option<String>,
    pub performed_period: Option<Period>,
    #[serde(default)]
    pub performer: Vec<ProcedurePerformer>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Condition {
    pub id: Option<String>,
    pub code: Option<CodeableConcept>,
    pub subject: Option<Reference>,
    pub encounter: Option<Reference>,
    pub verification_status: Option<CodeableConcept>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Observation {
    pub id: Option<String>,
    pub status: Option<String>,
    pub code: Option<CodeableConcept>,
    pub subject: Option<Reference>,
}
