//! Reading FHIR files into typed resources: a Bundle (or a single resource) per `.json`
//! file, one resource per line in `.ndjson` (Bulk Data). Syntax errors name the line and
//! column; shape errors name the resource (bundle entry or NDJSON line) and the problem,
//! never a value.

use super::resources::{
    Bundle, Condition, DocumentReference, Encounter, Observation, Organization, Patient,
    Practitioner, PractitionerRole,
};
use super::FhirImportError;
use serde::de::DeserializeOwned;
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
    Condition(Condition),
    Observation(Observation),
    Skipped(String),
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
        let value: Value = serde_json::from_str(line).map_err(|e| syntax(file, number, &e))?;
        let kind = resource_type(&value).unwrap_or_default();
        let at = Locator::Line { line: number, kind };
        items.push(typed(file, at, None, value)?);
    }
    Ok(items)
}

fn read_json(file: &str, text: &str) -> Result<Vec<Item>, FhirImportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| syntax(file, e.line(), &e))?;
    let kind = resource_type(&value).unwrap_or_default();
    if kind != "Bundle" {
        let at = Locator::Whole { kind };
        return Ok(vec![typed(file, at, None, value)?]);
    }
    let bundle: Bundle = serde_json::from_value(value).map_err(|e| FhirImportError::Shape {
        file: file.to_string(),
        at: "(Bundle)".into(),
        problem: shape_problem(&e),
    })?;
    let mut items = Vec::with_capacity(bundle.entry.len());
    for (index, entry) in bundle.entry.into_iter().enumerate() {
        let Some(resource) = entry.resource else {
            continue;
        };
        let kind = resource_type(&resource).unwrap_or_default();
        let at = Locator::Entry { index, kind };
        items.push(typed(file, at, entry.full_url, resource)?);
    }
    Ok(items)
}

fn resource_type(value: &Value) -> Option<String> {
    value.get("resourceType")?.as_str().map(str::to_string)
}

fn typed(
    file: &str,
    at: Locator,
    full_url: Option<String>,
    value: Value,
) -> Result<Item, FhirImportError> {
    let kind = match &at {
        Locator::Entry { kind, .. } | Locator::Line { kind, .. } | Locator::Whole { kind } => {
            kind.clone()
        }
    };
    let id = value.get("id").and_then(Value::as_str).map(str::to_string);
    let shape = |e: serde_json::Error| FhirImportError::Shape {
        file: file.to_string(),
        at: at.to_string(),
        problem: shape_problem(&e),
    };
    let resource = match kind.as_str() {
        "" => {
            return Err(FhirImportError::Shape {
                file: file.to_string(),
                at: at.to_string(),
                problem: "is not a FHIR resource (no resourceType)".into(),
            })
        }
        "Patient" => Parsed::Patient(Box::new(from(value).map_err(shape)?)),
        "Practitioner" => Parsed::Practitioner(from(value).map_err(shape)?),
        "PractitionerRole" => Parsed::PractitionerRole(from(value).map_err(shape)?),
        "Organization" => Parsed::Organization(from(value).map_err(shape)?),
        "Encounter" => Parsed::Encounter(Box::new(from(value).map_err(shape)?)),
        "DocumentReference" => Parsed::DocumentReference(Box::new(from(value).map_err(shape)?)),
        "Condition" => Parsed::Condition(from(value).map_err(shape)?),
        "Observation" => Parsed::Observation(from(value).map_err(shape)?),
        _ => Parsed::Skipped(kind),
    };
    Ok(Item {
        at,
        full_url,
        id,
        resource,
    })
}

fn from<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(value)
}

fn syntax(file: &str, line: usize, e: &serde_json::Error) -> FhirImportError {
    FhirImportError::Json {
        file: file.to_string(),
        line,
        column: e.column(),
        problem: syntax_problem(e),
    }
}

/// serde_json's syntax messages are fixed texts ("expected `,` or `}`"); its position
/// suffix is dropped because the error carries line and column itself.
fn syntax_problem(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(cut) => &text[..cut],
        None => &text,
    };
    if e.is_syntax() || e.is_eof() {
        text.to_string()
    } else {
        "is not valid JSON".into()
    }
}

/// A shape error without the offending value: serde's "invalid type: string \"…\",
/// expected …" would echo patient data, so only the kinds are kept.
pub(crate) fn shape_problem(e: &serde_json::Error) -> String {
    let text = e.to_string();
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
