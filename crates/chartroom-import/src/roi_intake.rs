//! Release-of-information e-requests: one JSON object per line (docs/ROI.md,
//! "Intake"). A line is read into a [`RoiIntake`] or refused naming the field and the
//! problem, never a value. An absent key, `null` and `""` are all missing; flags must
//! be booleans (missing counts as false).

use chartroom_domain::roi::{
    Authorization, Delivery, Format, LegalProcess, Requester, RequesterType, RoiIntake, Scope,
    Signer, Statements,
};
use chartroom_domain::{Category, DocumentType, PatientId};
use chrono::NaiveDate;
use serde_json::{Map, Value};

/// Why a line was refused: the field (dotted path) and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadField {
    pub field: String,
    pub problem: &'static str,
}

type Parsed<T> = Result<T, BadField>;

fn bad<T>(field: &str, problem: &'static str) -> Parsed<T> {
    Err(BadField {
        field: field.to_string(),
        problem,
    })
}

/// Reads one intake line; `patient` resolves the line's `patient.id` (source id or MRN).
pub fn parse_line(
    line: &str,
    patient: &dyn Fn(&str) -> Option<PatientId>,
) -> Result<RoiIntake, BadField> {
    let value: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(_) => return bad("(line)", "is not readable JSON"),
    };
    let Value::Object(obj) = value else {
        return bad("(line)", "is not a JSON object");
    };
    let at = Fields {
        obj: &obj,
        path: "",
    };
    let request_id = at.required_text("request_id")?;
    let received = at
        .date("received")?
        .map_or_else(|| bad("received", "is missing"), Ok)?;
    let requester = at.object("requester")?;
    let requester = match requester {
        Some(r) => Requester {
            kind: r
                .code("type", RequesterType::from_code)?
                .map_or_else(|| bad("requester.type", "is missing"), Ok)?,
            name: r.text("name")?,
            address: r.text("address")?,
        },
        None => return bad("requester", "is missing"),
    };
    let patient_obj = at
        .object("patient")?
        .map_or_else(|| bad("patient", "is missing"), Ok)?;
    let patient_ref = patient_obj.required_text("id")?;
    let Some(patient) = patient(&patient_ref) else {
        return bad("patient.id", "names no known patient");
    };
    let scope = match at.object("scope")? {
        Some(s) => Scope {
            from: s.date("from")?,
            to: s.date("to")?,
            document_types: s.codes("document_types", DocumentType::from_code)?,
        },
        None => Scope::default(),
    };
    Ok(RoiIntake {
        request_id,
        received,
        requester,
        patient,
        patient_ref,
        scope,
        purpose: at.text("purpose")?,
        delivery: at.code("delivery", Delivery::from_code)?,
        format: at.code("format", Format::from_code)?,
        identity_verified: at.flag("identity_verified")?,
        court_order: at.flag("court_order")?,
        subpoena_assurances: at.flag("subpoena_assurances")?,
        legal_process: at.code("legal_process", LegalProcess::from_code)?,
        representative_authority: at.text("representative_authority")?,
        authorization: match at.object("authorization")? {
            Some(a) => Some(authorization(&a)?),
            None => None,
        },
    })
}

/// Reads an authorization received after intake: one JSON object in the intake's
/// `authorization` form (fields named without the `authorization.` prefix).
pub fn parse_authorization(text: &str) -> Result<Authorization, BadField> {
    let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(text) else {
        return bad("(file)", "is not a JSON object");
    };
    authorization(&Fields {
        obj: &obj,
        path: "",
    })
}

fn authorization(a: &Fields<'_>) -> Parsed<Authorization> {
    let statements = match a.object("statements")? {
        Some(s) => Statements {
            revocation: s.flag("revocation")?,
            conditioning: s.flag("conditioning")?,
            redisclosure: s.flag("redisclosure")?,
        },
        None => Statements::default(),
    };
    Ok(Authorization {
        description: a.text("description")?,
        discloser: a.text("discloser")?,
        recipient: a.text("recipient")?,
        purpose: a.text("purpose")?,
        expires: a.date("expires")?,
        expiration_event: a.text("expiration_event")?,
        signed_on: a.date("signed_on")?,
        signer: a.code("signer", Signer::from_code)?,
        representative_authority: a.text("representative_authority")?,
        statements,
        revoked_on: a.date("revoked_on")?,
        specific_consent: a
            .codes("specific_consent", Category::from_code)?
            .unwrap_or_default(),
    })
}

/// One JSON object and its dotted path (for error messages).
struct Fields<'a> {
    obj: &'a Map<String, Value>,
    path: &'a str,
}

impl<'a> Fields<'a> {
    fn name(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value, `None` when absent, `null` or `""` (or blank).
    fn present(&self, key: &str) -> Option<&'a Value> {
        match self.obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(v) => Some(v),
        }
    }

    fn text(&self, key: &str) -> Parsed<Option<String>> {
        match self.present(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(_) => bad(&self.name(key), "is not a string"),
        }
    }

    fn required_text(&self, key: &str) -> Parsed<String> {
        self.text(key)?
            .map_or_else(|| bad(&self.name(key), "is missing"), Ok)
    }

    fn date(&self, key: &str) -> Parsed<Option<NaiveDate>> {
        match self.text(key)? {
            None => Ok(None),
            Some(s) => match NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
                Ok(d) => Ok(Some(d)),
                Err(_) => bad(&self.name(key), "is not a date (YYYY-MM-DD)"),
            },
        }
    }

    fn flag(&self, key: &str) -> Parsed<bool> {
        match self.present(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => bad(&self.name(key), "is not a boolean"),
        }
    }

    fn code<T>(&self, key: &str, parse: impl Fn(&str) -> Option<T>) -> Parsed<Option<T>> {
        match self.text(key)? {
            None => Ok(None),
            Some(s) => parse(&s)
                .map(Some)
                .map_or_else(|| bad(&self.name(key), "is not a known code"), Ok),
        }
    }

    /// A list of codes, each known; `None` when the list is absent or null.
    fn codes<T: PartialEq>(
        &self,
        key: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Parsed<Option<Vec<T>>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let Value::String(s) = item else {
                        return bad(&self.name(key), "holds a value that is not a string");
                    };
                    let code = parse(s.trim())
                        .map_or_else(|| bad(&self.name(key), "holds an unknown code"), Ok)?;
                    if !out.contains(&code) {
                        out.push(code);
                    }
                }
                Ok(Some(out))
            }
            Some(_) => bad(&self.name(key), "is not a list"),
        }
    }

    fn object(&self, key: &str) -> Parsed<Option<Fields<'a>>> {
        match self.present(key) {
            None => Ok(None),
            Some(Value::Object(obj)) => Ok(Some(Fields {
                obj,
                // Nested paths are one level deep in the intake format; leaking the
                // key's `'static`-ness is avoided by owning nothing here.
                path: key_path(self.path, key),
            })),
            Some(_) => bad(&self.name(key), "is not an object"),
        }
    }
}

/// The dotted path of a nested object. The intake nests at most two levels
/// (`authorization.statements`), so the paths are a fixed set.
fn key_path(parent: &str, key: &str) -> &'static str {
    match (parent, key) {
        ("", "requester") => "requester",
        ("", "patient") => "patient",
        ("", "scope") => "scope",
        ("", "authorization") => "authorization",
        ("authorization", "statements") => "authorization.statements",
        ("", "statements") => "statements",
        _ => "(object)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(id: &str) -> Option<PatientId> {
        (id == "p1").then_some(PatientId(7))
    }

    const GOOD: &str = r#"{"request_id":"R1","received":"2026-03-01",
        "requester":{"type":"attorney","name":"Law","address":"1 St"},
        "patient":{"id":"p1"},"scope":{"from":"2026-01-01","to":null,"document_types":["discharge","hp"]},
        "purpose":"litigation","delivery":"mail","format":"paper","identity_verified":true,
        "court_order":false,"subpoena_assurances":null,"legal_process":null,
        "representative_authority":"","authorization":{"description":"all","signer":"patient",
        "statements":{"revocation":true,"conditioning":"","redisclosure":true},
        "specific_consent":["ETH","HIV"],"expires":"2027-01-01"}}"#;

    #[test]
    fn a_good_line() {
        let line = GOOD.replace('\n', " ");
        let i = parse_line(&line, &known).unwrap();
        assert_eq!(i.patient, PatientId(7));
        assert_eq!(i.requester.kind, RequesterType::Attorney);
        assert_eq!(
            i.scope.document_types,
            Some(vec![
                DocumentType::DischargeSummary,
                DocumentType::HistoryAndPhysical
            ])
        );
        assert_eq!(i.representative_authority, None);
        let a = i.authorization.unwrap();
        assert!(a.statements.revocation && !a.statements.conditioning);
        assert_eq!(a.specific_consent, [Category::Eth, Category::Hiv]);
        assert!(!i.subpoena_assurances);
    }

    #[test]
    fn bad_lines_name_the_field_never_the_value() {
        let line = GOOD.replace('\n', " ");
        for (from, to, field) in [
            ("\"2026-03-01\"", "\"2026-13-01\"", "received"),
            ("\"attorney\"", "\"lawyer\"", "requester.type"),
            ("\"hp\"", "\"xray\"", "scope.document_types"),
            ("\"HIV\"", "\"R\"", "authorization.specific_consent"),
            (
                "\"identity_verified\":true",
                "\"identity_verified\":\"yes\"",
                "identity_verified",
            ),
            ("\"p1\"", "\"p2\"", "patient.id"),
            (
                "\"legal_process\":null",
                "\"legal_process\":\"letter\"",
                "legal_process",
            ),
            (
                "\"revocation\":true",
                "\"revocation\":1",
                "authorization.statements.revocation",
            ),
        ] {
            let err = parse_line(&line.replacen(from, to, 1), &known).unwrap_err();
            assert_eq!(err.field, field, "{to}");
            assert!(!err.problem.contains(to.trim_matches('"')));
        }
        assert_eq!(parse_line("{nope", &known).unwrap_err().field, "(line)");
    }
}
