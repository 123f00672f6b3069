//! FHIR R4 AuditEvent (IHE BALP): a resource, a Bundle, NDJSON, or a directory of them.
//!
//! - user: the requestor agent's `who` (identifier value, else the reference's id, else
//!   its display); without a requestor, the first agent that is not a Device or
//!   Organization.
//! - patient: the entity whose `what` is `Patient/<id>`, else the entity of type 1
//!   (person) and role 1 (patient) by identifier value.
//! - time: `recorded` (with its offset); action: the first `subtype` code, else
//!   `action` (C create, R read, U update, D delete, E execute).
//! - Records without a patient or a user are not access to a record: counted, skipped.
//!   Other resource types in a Bundle or directory are ignored. XML is refused.

use super::time::parse_iso_time;
use super::{field_error, AccessImportError, AccessImportReport};
use chartroom_store::{AccessRow, AccessWriter, NameKind, Store};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Instant;

const SOURCE: &str = "auditevent";

struct Parsed {
    time_us: i64,
    offset: i32,
    user: String,
    patient: String,
    action: String,
    workstation: String,
}

fn id_of_reference(reference: &str) -> &str {
    let r = reference.split("/_history").next().unwrap_or(reference);
    r.rsplit('/').next().unwrap_or(r)
}

fn str_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().filter(|s| !s.trim().is_empty())
}

fn user_of(event: &Value) -> Option<(String, String)> {
    let agents = event.get("agent")?.as_array()?;
    let is_thing = |a: &Value| {
        str_at(a, &["who", "reference"])
            .is_some_and(|r| r.starts_with("Device/") || r.starts_with("Organization/"))
    };
    let agent = agents
        .iter()
        .find(|a| a.get("requestor").and_then(Value::as_bool) == Some(true))
        .or_else(|| {
            agents
                .iter()
                .find(|a| a.get("who").is_some() && !is_thing(a))
        })?;
    let who = agent.get("who")?;
    let user = str_at(who, &["identifier", "value"])
        .map(str::to_string)
        .or_else(|| str_at(who, &["reference"]).map(|r| id_of_reference(r).to_string()))
        .or_else(|| str_at(who, &["display"]).map(str::to_string))?;
    let workstation = str_at(agent, &["network", "address"])
        .unwrap_or("")
        .to_string();
    Some((user, workstation))
}

fn patient_of(event: &Value) -> Option<String> {
    let entities = event.get("entity")?.as_array()?;
    for e in entities {
        if let Some(r) = str_at(e, &["what", "reference"]) {
            if r.starts_with("Patient/") {
                return Some(id_of_reference(r).to_string());
            }
        }
    }
    entities.iter().find_map(|e| {
        let code = |k: &str| str_at(e, &[k, "code"]);
        (code("type") == Some("1") && code("role") == Some("1"))
            .then(|| str_at(e, &["what", "identifier", "value"]).map(str::to_string))
            .flatten()
    })
}

fn action_of(event: &Value) -> String {
    if let Some(code) = event
        .get("subtype")
        .and_then(Value::as_array)
        .and_then(|s| s.iter().find_map(|c| str_at(c, &["code"])))
    {
        return code.to_ascii_lowercase();
    }
    match event.get("action").and_then(Value::as_str) {
        Some("C") => "create",
        Some("R") => "read",
        Some("U") => "update",
        Some("D") => "delete",
        Some("E") => "execute",
        _ => "access",
    }
    .to_string()
}

/// One AuditEvent: `Ok(None)` when it names no patient or no user.
fn parse_event(
    event: &Value,
    file: &str,
    place: &str,
) -> Result<Option<Parsed>, AccessImportError> {
    let recorded = str_at(event, &["recorded"])
        .ok_or_else(|| field_error(file, place.to_string(), "recorded", "is missing"))?;
    let (time_us, offset) = parse_iso_time(recorded, None).ok_or_else(|| {
        field_error(
            file,
            place.to_string(),
            "recorded",
            "is not an instant with an offset",
        )
    })?;
    let (Some((user, workstation)), Some(patient)) = (user_of(event), patient_of(event)) else {
        return Ok(None);
    };
    Ok(Some(Parsed {
        time_us,
        offset,
        user,
        patient,
        action: action_of(event),
        workstation,
    }))
}

/// The AuditEvents of one JSON document (a resource or a Bundle) with their places.
fn events_of(doc: &Value, place: &str, out: &mut Vec<(String, Value)>) {
    match doc.get("resourceType").and_then(Value::as_str) {
        Some("AuditEvent") => out.push((place.to_string(), doc.clone())),
        Some("Bundle") => {
            for (i, entry) in doc
                .get("entry")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if let Some(resource) = entry.get("resource") {
                    events_of(resource, &format!("entry {}", i + 1), out);
                }
            }
        }
        _ => {}
    }
}

fn files_of(path: &Path) -> Result<Vec<PathBuf>, AccessImportError> {
    let name = path.display().to_string();
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|source| AccessImportError::Io {
            file: name.clone(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("json") || x.eq_ignore_ascii_case("ndjson"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(AccessImportError::Unsupported {
            file: name,
            reason: "no .json or .ndjson files (XML AuditEvents are not supported; convert them to JSON)".into(),
        });
    }
    Ok(files)
}

/// Reads every AuditEvent of a file (resource, Bundle or NDJSON).
fn read_file(file: &Path) -> Result<Vec<(String, Value)>, AccessImportError> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|source| AccessImportError::Io {
        file: name.clone(),
        source,
    })?;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<')
        || file
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("xml"))
    {
        return Err(AccessImportError::Unsupported {
            file: name,
            reason: "XML AuditEvents are not supported; convert them to FHIR JSON".into(),
        });
    }
    let mut out = Vec::new();
    let ndjson = file
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("ndjson"));
    if ndjson {
        for (i, line) in trimmed.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let doc: Value = serde_json::from_str(line).map_err(|_| {
                field_error(&name, format!("line {}", i + 1), "resource", "is not JSON")
            })?;
            events_of(&doc, &format!("line {}", i + 1), &mut out);
        }
    } else {
        let doc: Value = serde_json::from_str(trimmed).map_err(|e| {
            field_error(
                &name,
                format!("line {}", e.line()),
                "resource",
                "is not JSON",
            )
        })?;
        events_of(&doc, "resource", &mut out);
    }
    Ok(out)
}

/// Imports the AuditEvents of `path`; each file is one transaction.
pub fn import_auditevents(
    store: &Store,
    path: &Path,
) -> Result<AccessImportReport, AccessImportError> {
    let started = Instant::now();
    let mut report = AccessImportReport::default();
    for file in files_of(path)? {
        let name = file.display().to_string();
        let mut parsed = Vec::new();
        for (place, event) in read_file(&file)? {
            match parse_event(&event, &name, &place)? {
                Some(p) => parsed.push(p),
                None => report.skipped += 1,
            }
        }
        report.read += parsed.len() as u64;
        let ((), added) = store.import_access(|w: &mut AccessWriter<'_>| {
            let source = w.intern(NameKind::Source, SOURCE)?;
            for p in &parsed {
                let row = AccessRow {
                    patient: w.intern(NameKind::Patient, &p.patient)?,
                    time_us: p.time_us,
                    user: w.intern(NameKind::User, &p.user)?,
                    action: w.intern(NameKind::Action, &p.action)?,
                    workstation: w.intern(NameKind::Workstation, &p.workstation)?,
                    department: 0,
                    source,
                    offset_secs: p.offset,
                };
                w.add(row)?;
            }
            Ok::<(), AccessImportError>(())
        })?;
        report.added += added;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}
