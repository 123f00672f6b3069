//! Research extracts and retention through the command line: `export deid` over a
//! generated population with restricted ZIP areas and patients over 89, checked by an
//! independent scan against the identified Synthea export of the same data; and
//! `report retention`, `legal-hold`, `destroy`, `report destructions` and `verify`.

use assert_cmd::Command;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::Path;

fn chartroom(data: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("chartroom").unwrap();
    cmd.env("USER", "tester").env("NO_COLOR", "1");
    cmd.args(args).arg("--data").arg(data);
    cmd
}

fn run(mut cmd: Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(cmd: Command) -> String {
    let (success, stdout, stderr) = run(cmd);
    assert!(success, "{stdout}\n{stderr}");
    stdout
}

fn rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    (
        header,
        lines
            .map(|l| l.split(',').map(String::from).collect())
            .collect(),
    )
}

/// A deliberately simple CSV field splitter for the identified export (quoted fields
/// with commas are rare there and only make this scan stricter).
fn fields(line: &str) -> Vec<String> {
    line.split(',')
        .map(|f| f.trim_matches('"').to_string())
        .collect()
}

#[test]
fn a_generated_population_exports_clean_with_restricted_zips_and_the_very_old() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    ok(chartroom(
        &data,
        &[
            "generate",
            "--patients",
            "600",
            "--seed",
            "11",
            "--as-of",
            "2026-11-01",
        ],
    ));
    let out = tmp.path().join("deid");
    let stdout = ok(chartroom(
        &data,
        &["export", "deid", "--out", out.to_str().unwrap()],
    ));
    assert!(stdout.contains("charts"), "{stdout}");

    let (header, patients) = rows(&out.join("patients.csv"));
    assert_eq!(
        header.join(","),
        "study_patient_id,sex,birth_year,age,deceased,death_year,state,zip3"
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(patients.len(), 600);
    let restricted = patients.iter().filter(|r| r[col("zip3")] == "000").count();
    assert!(restricted > 0, "the demo has restricted ZIP areas");
    let old: Vec<_> = patients.iter().filter(|r| r[col("age")] == "90+").collect();
    assert!(!old.is_empty(), "the demo has patients over 89");
    assert!(old.iter().all(|r| r[col("birth_year")].is_empty()));
    for r in &patients {
        if r[col("age")] != "90+" {
            assert!(r[col("age")].parse::<u32>().unwrap() <= 89);
        }
    }

    // an independent scan: every identifier of the identified export of the same data
    let identified = tmp.path().join("identified");
    ok(chartroom(
        &data,
        &["export", "synthea-csv", identified.to_str().unwrap()],
    ));
    let text = std::fs::read_to_string(identified.join("patients.csv")).unwrap();
    let mut lines = text.lines();
    let head = fields(lines.next().unwrap());
    let at = |n: &str| head.iter().position(|h| h == n).unwrap();
    let mut tokens: HashSet<String> = HashSet::new();
    let mut substrings: HashSet<String> = HashSet::new();
    for line in lines {
        let f = fields(line);
        for n in ["FIRST", "LAST", "ZIP"] {
            let v = f[at(n)].to_lowercase();
            if v.len() > 2 {
                tokens.insert(v);
            }
        }
        for n in ["Id", "BIRTHDATE", "SSN", "ADDRESS"] {
            if f[at(n)].len() > 4 {
                substrings.insert(f[at(n)].to_lowercase());
            }
        }
    }
    for name in [
        "patients.csv",
        "encounters.csv",
        "diagnoses.csv",
        "documents.csv",
    ] {
        let text = std::fs::read_to_string(out.join(name))
            .unwrap()
            .to_lowercase();
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            assert!(!tokens.contains(word), "{name} holds an identifier");
        }
        for s in &substrings {
            assert!(!text.contains(s.as_str()), "{name} holds an identifier");
        }
    }

    // the demo's research login: may export, may not search
    let mut as_research = chartroom(
        &data,
        &[
            "export",
            "deid",
            "--out",
            tmp.path().join("r").to_str().unwrap(),
        ],
    );
    as_research.env("USER", "research");
    ok(as_research);
    let mut search = chartroom(&data, &["search", "smith"]);
    search.env("USER", "research");
    let (success, _, stderr) = run(search);
    assert!(
        !success && stderr.contains("research users may not"),
        "{stderr}"
    );
}

fn old_chart(dir: &Path) -> std::path::PathBuf {
    let bundle = json!({ "resourceType": "Bundle", "type": "collection", "entry": [
        { "resource": { "resourceType": "Patient", "id": "old-1",
            "name": [{ "family": "Pennywhistle", "given": ["Odo"] }], "gender": "male",
            "birthDate": "1941-02-03" } },
        { "resource": { "resourceType": "Encounter", "id": "enc-old", "status": "finished",
            "class": { "code": "IMP" }, "subject": { "reference": "Patient/old-1" },
            "period": { "start": "2009-05-01T09:00:00Z", "end": "2009-05-04T10:00:00Z" } } },
        { "resource": { "resourceType": "DocumentReference", "id": "doc-old", "status": "current",
            "type": { "coding": [{ "system": "http://loinc.org", "code": "18842-5" }] },
            "subject": { "reference": "Patient/old-1" }, "date": "2009-05-04T10:00:00Z",
            "context": { "encounter": [{ "reference": "Encounter/enc-old" }] },
            "content": [{ "attachment": { "contentType": "text/plain", "data": "RGlzY2hhcmdlZC4=" } }] } },
    ]});
    let path = dir.join("old.json");
    std::fs::write(&path, bundle.to_string()).unwrap();
    path
}

#[test]
fn retention_report_hold_destroy_and_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    ok(chartroom(
        &data,
        &["import", "fhir", old_chart(tmp.path()).to_str().unwrap()],
    ));
    let report = ok(chartroom(
        &data,
        &["report", "retention", "--json", "--as-of", "2026-12-01"],
    ));
    let rows: Vec<Value> = report
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1, "{report}");
    assert_eq!(rows[0]["patient"], "old-1");
    assert_eq!(rows[0]["retain_until"], "2016-05-04");
    assert_eq!(rows[0]["destroyable"], true);
    let csv = ok(chartroom(
        &data,
        &["report", "retention", "--csv", "--state", "MA"],
    ));
    assert_eq!(csv.lines().count(), 1, "MA keeps it 20 years: {csv}");

    ok(chartroom(
        &data,
        &["legal-hold", "set", "old-1", "--reason", "subpoena 24-118"],
    ));
    let (success, _, stderr) = run(chartroom(&data, &["destroy", "old-1"]));
    assert!(!success && stderr.contains("legal-hold"), "{stderr}");
    let held = ok(chartroom(&data, &["legal-hold", "list"]));
    assert!(held.contains("subpoena 24-118"), "{held}");
    ok(chartroom(
        &data,
        &["legal-hold", "clear", "old-1", "--reason", "case closed"],
    ));

    let stdout = ok(chartroom(
        &data,
        &["destroy", "old-1", "--reason", "retention ended"],
    ));
    assert!(stdout.contains("destroyed chart"), "{stdout}");
    let log = ok(chartroom(&data, &["report", "destructions", "--json"]));
    let entry: Value = serde_json::from_str(log.lines().next().unwrap()).unwrap();
    assert_eq!(entry["authorised_by"], "tester");
    assert_eq!(entry["name"], "Pennywhistle, Odo");
    assert_eq!(entry["documents"], 1);
    let found = ok(chartroom(&data, &["search", "--json", "pennywhistle"]));
    assert!(!found.contains("old-1"), "{found}");
    ok(chartroom(&data, &["verify"]));
}
