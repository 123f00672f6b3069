//! Reading FHIR files into typed resources: a Bundle (or a single resource) per `.json`
//! file, one resource per line in `.ndjson` (Bulk Data). Resources are dispatched on
//! `resourceType` while the JSON streams by, so the types the import skips (claims,
//! observations of other kinds...) are never built in memory. JSON and shape errors
//! name the line and column; checks of the importer name the resource (bundle entry or
//! NDJSON line) and the field; never a value.

use super::resources::{
    Condition, DocumentReference, Encounter, Observation, Organization, Patient, Practitioner,
    PractitionerRole, Procedure,
};
use super::FhirImportError;
use serde::de::{self, value::MapAccessDeserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::fmt;
use std::path::{Path, PathBuf};

/// Where a resource sits in its file.
#[derive(Clone, Debug)]
pub(crate) enum Locator {
    /// 0-based index in `Bundle.entry`.
    Entry { index: usize, kind: String },
    /// 1-based NDJSON line.
    Line { line: usize, kind: String },
    /// The file is the resource.
    Whole { kind: String },
}

impl fmt::Display for Locator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Locator::Entry { index, kind } => write!(f, "entry {index} ({kind})"),
            Locator::Line { line, kind } => write!(f, "line {line} ({kind})"),
            Locator::Whole { kind } => write!(f, "({kind})"),
        }
    }
}

/// A resource the import uses, or the type name of one it skips.
pub(crate) enum Parsed {
    Patient(Box<Patient>),
    Practitioner(Practitioner),
    PractitionerRole(PractitionerRole),
    Organization(Organization),
    Encounter(Box<Encounter>),
    DocumentReference(Box<DocumentReference>),
    Procedure(Box<Procedure>),
    Condition(Condition),
    Observation(Observation),
    Skipped(String),
    Bundle(Vec<BundleEntry>),
}

impl Parsed {
    pub fn kind(&self) -> &str {
        match self {
            Parsed::Patient(_) => "Patient",
            Parsed::Practitioner(_) => "Practitioner",
            Parsed::PractitionerRole(_) => "PractitionerRole",
            Parsed::Organization(_) => "Organization",
            Parsed::Encounter(_) => "Encounter",
            Parsed::DocumentReference(_) => "DocumentReference",
            Parsed::Procedure(_) => "Procedure",
            Parsed::Condition(_) => "Condition",
            Parsed::Observation(_) => "Observation",
            Parsed::Skipped(kind) => kind,
            Parsed::Bundle(_) => "Bundle",
        }
    }

    fn id(&self) -> Option<String> {
        match self {
            Parsed::Patient(r) => r.id.clone(),
            Parsed::Practitioner(r) => r.id.clone(),
            Parsed::PractitionerRole(r) => r.id.clone(),
            Parsed::Organization(r) => r.id.clone(),
            Parsed::Encounter(r) => r.id.clone(),
            Parsed::DocumentReference(r) => r.id.clone(),
            Parsed::Procedure(r) => r.id.clone(),
            Parsed::Condition(r) => r.id.clone(),
            Parsed::Observation(r) => r.id.clone(),
            Parsed::Skipped(_) | Parsed::Bundle(_) => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BundleEntry {
    full_url: Option<String>,
    #[serde(default, deserialize_with = "some_resource")]
    resource: Option<Parsed>,
}

#[derive(Deserialize)]
struct BundleBody {
    #[serde(default)]
    entry: Vec<BundleEntry>,
}

fn some_resource<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Parsed>, D::Error> {
    d.deserialize_map(ResourceVisitor).map(Some)
}

/// Reads `resourceType` (first, as FHIR servers and Synthea write it) and deserializes the
/// rest of the object straight into the matching struct, or skips it unbuilt. An object
/// whose `resourceType` comes later is buffered first.
struct ResourceVisitor;

impl<'de> Visitor<'de> for ResourceVisitor {
    type Value = Parsed;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a FHIR resource (an object with resourceType)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        let first: Option<String> = map.next_key()?;
        match first.as_deref() {
            Some("resourceType") => {
                let kind: String = map.next_value()?;
                typed(kind, MapAccessDeserializer::new(map))
            }
            Some(other) => {
                let mut object = serde_json::Map::new();
                object.insert(other.to_string(), map.next_value::<Value>()?);
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    object.insert(key, value);
                }
                let kind = match object.remove("resourceType") {
                    Some(Value::String(kind)) => kind,
                    _ => {
                        return Err(de::Error::custom(
                            "is not a FHIR resource (no resourceType)",
                        ))
                    }
                };
                typed(kind, Value::Object(object)).map_err(de::Error::custom)
            }
            None => Err(de::Error::custom(
                "is not a FHIR resource (no resourceType)",
            )),
        }
    }
}

fn typed<'de, D: Deserializer<'de>>(kind: String, rest: D) -> Result<Parsed, D::Error> {
    Ok(match kind.as_str() {
        "Patient" => Parsed::Patient(Box::new(Patient::deserialize(rest)?)),
        "Practitioner" => Parsed::Practitioner(Practitioner::deserialize(rest)?),
        "PractitionerRole" => Parsed::PractitionerRole(PractitionerRole::deserialize(rest)?),
        "Organization" => Parsed::Organization(Organization::deserialize(rest)?),
        "Encounter" => Parsed::Encounter(Box::new(Encounter::deserialize(rest)?)),
        "DocumentReference" => {
            Parsed::DocumentReference(Box::new(DocumentReference::deserialize(rest)?))
        }
        "Procedure" => Parsed::Procedure(Box::new(Procedure::deserialize(rest)?)),
        "Condition" => Parsed::Condition(Condition::deserialize(rest)?),
        "Observation" => Parsed::Observation(Observation::deserialize(rest)?),
        "Bundle" => Parsed::Bundle(BundleBody::deserialize(rest)?.entry),
        _ => {
            IgnoredAny::deserialize(rest)?;
            Parsed::Skipped(kind)
        }
    })
}

pub(crate) struct Item {
    pub at: Locator,
    pub full_url: Option<String>,
    pub id: Option<String>,
    pub resource: Parsed,
}

/// One file, parsed whole.
pub(crate) struct ParsedFile {
    pub path: PathBuf,
    pub items: Vec<Item>,
}

impl ParsedFile {
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// Whether the file holds no patient data: a directory file (practitioners,
    /// organizations), imported before the charts that refer to it.
    pub fn is_directory(&self) -> bool {
        !self.items.iter().any(|i| {
            matches!(
                i.resource,
                Parsed::Patient(_)
                    | Parsed::Encounter(_)
                    | Parsed::DocumentReference(_)
                    | Parsed::Procedure(_)
                    | Parsed::Condition(_)
                    | Parsed::Observation(_)
            )
        })
    }
}

pub(crate) fn read_file(path: &Path) -> Result<ParsedFile, FhirImportError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| FhirImportError::Io {
        file: file.clone(),
        source,
    })?;
    let ndjson = path.extension().is_some_and(|e| e == "ndjson");
    let items = if ndjson {
        read_ndjson(&file, &text)?
    } else {
        read_json(&file, &text)?
    };
    Ok(ParsedFile {
        path: path.to_path_buf(),
        items,
    })
}

fn read_ndjson(file: &str, text: &str) -> Result<Vec<Item>, FhirImportError> {
    let mut items = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let resource = parse(line).map_err(|e| json_error(file, number, &e))?;
        let kind = resource.kind().to_string();
        items.push(Item {
            at: Locator::Line { line: number, kind },
            full_url: None,
            id: resource.id(),
            resource,
        });
    }
    Ok(items)
}

fn read_json(file: &str, text: &str) -> Result<Vec<Item>, FhirImportError> {
    let resource = parse(text).map_err(|e| json_error(file, e.line(), &e))?;
    let entries = match resource {
        Parsed::Bundle(entries) => entries,
        single => {
            let kind = single.kind().to_string();
            return Ok(vec![Item {
                at: Locator::Whole { kind },
                full_url: None,
                id: single.id(),
                resource: single,
            }]);
        }
    };
    let mut items = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        let Some(resource) = entry.resource else {
            continue;
        };
        let kind = resource.kind().to_string();
        items.push(Item {
            at: Locator::Entry { index, kind },
            full_url: entry.full_url,
            id: resource.id(),
            resource,
        });
    }
    Ok(items)
}

/// One JSON document holding one resource (a Bundle's entries included).
fn parse(text: &str) -> Result<Parsed, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = de.deserialize_map(ResourceVisitor)?;
    de.end()?;
    Ok(parsed)
}

fn json_error(file: &str, line: usize, e: &serde_json::Error) -> FhirImportError {
    FhirImportError::Json {
        file: file.to_string(),
        line,
        column: e.column(),
        problem: if e.is_data() {
            shape_problem(e)
        } else {
            syntax_problem(e)
        },
    }
}

/// serde_json's syntax messages are fixed texts ("expected `,` or `}`"); its position
/// suffix is dropped because the error carries line and column itself.
fn syntax_problem(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// A shape error without the offending value: serde's "invalid type: string \"…\",
/// expected …" would echo patient data, so only the kinds are kept.
pub(crate) fn shape_problem(e: &serde_json::Error) -> String {
    let text = syntax_problem(e);
    if text.starts_with("is not a FHIR resource") {
        return text;
    }
    if let Some(rest) = text.strip_prefix("invalid type: ") {
        let found = rest.split([' ', ',']).next().unwrap_or("value");
        let expected = rest
            .split_once(", expected ")
            .map(|(_, x)| x)
            .unwrap_or("another type");
        return format!("a field holds a {found} where {expected} is expected");
    }
    if text.starts_with("missing field `") {
        return text
            .split('`')
            .nth(1)
            .map(|field| format!("field {field} is missing"))
            .unwrap_or_else(|| "a required field is missing".into());
    }
    "a field does not have the FHIR shape".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_problems_never_echo_values() {
        let e = serde_json::from_str::<Vec<String>>("\"Alva958 Dickinson688\"")
            .err()
            .map(|e| shape_problem(&e))
            .unwrap_or_default();
        assert!(!e.contains("Alva958"), "{e}");
        assert!(e.contains("string") && e.contains("sequence"), "{e}");
    }
}
