//! Access-log review through the command line: `import roster`, `import access-csv`
//! (re-import adds nothing; a bad row exits non-zero naming file, line and field),
//! `alerts --json` (the contract's fields in order, worst first, a spike with its
//! patients), `report access --json|--csv` and its `--letter` (PDF or text).

use assert_cmd::Command;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::Path;

fn chartroom(data: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("chartroom").unwrap();
    cmd.env("USER", "tester").env("NO_COLOR", "1");
    cmd.args(args).arg("--data").arg(data);
    cmd
}

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    stdout
}

#[test]
fn alerts_json_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bundle = json!({ "resourceType": "Bundle", "type": "collection", "entry": [
        { "resource": { "resourceType": "Patient", "id": "pat-9",
            "name": [{ "family": "Lind", "given": ["Bo"] }], "gender": "male", "birthDate": "1980-05-06" } }
    ]});
    let bundle_path = dir.path().join("bundle.json");
    std::fs::write(&bundle_path, bundle.to_string()).unwrap();
    ok(chartroom(&data, &["import", "fhir", bundle_path.to_str().unwrap()]).env("USER", "tester"));

    let roster = dir.path().join("roster.csv");
    std::fs::write(
        &roster,
        "user_id,name,department,role,home_address,linked_patient_id,provider_id\n\
         snoop,Ann Lind,Heart Center,clerk,1 Pine Rd Riverton MA 01999,,\n\
         bulk,Bo Bulk,Registration,registrar,2 Pine Rd Riverton MA 01999,,\n",
    )
    .unwrap();
    ok(&mut chartroom(
        &data,
        &["import", "roster", roster.to_str().unwrap()],
    ));

    let mut log = String::from("timestamp,user_id,patient_id,action,workstation,department\n");
    log.push_str("2026-03-04T11:00:00-05:00,snoop,pat-9,view,WS-1,Heart Center\n");
    // A registrar's usual few charts a day, then one day of sixty.
    for day in 2..=9 {
        for p in 0..3 {
            writeln!(
                log,
                "2026-03-{day:02}T10:0{p}:00-05:00,bulk,ext-{p},view,WS-2,Registration"
            )
            .unwrap();
        }
    }
    for p in 0..60 {
        writeln!(
            log,
            "2026-03-12T11:{:02}:00-05:00,bulk,ext-{p},view,WS-2,Registration",
            p % 60
        )
        .unwrap();
    }
    let log_path = dir.path().join("access.csv");
    std::fs::write(&log_path, &log).unwrap();
    let first = ok(&mut chartroom(
        &data,
        &["import", "access-csv", log_path.to_str().unwrap()],
    ));
    assert!(first.contains("85 new"), "{first}");
    let again = ok(&mut chartroom(
        &data,
        &["import", "access-csv", log_path.to_str().unwrap()],
    ));
    assert!(again.contains(" 0 new"), "{again}");

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "timestamp,user_id,patient_id,action,workstation,department\n2026-03-04T11:00:00-05:00,,pat-9,view,,\n").unwrap();
    let out = chartroom(&data, &["import", "access-csv", bad.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("bad.csv line 2, field user_id"),
        "{stderr}"
    );

    let text = ok(&mut chartroom(&data, &["alerts", "--json"]));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 2, "{text}");
    // Field order is the contract's.
    assert!(lines[0].starts_with("{\"user_id\":"), "{}", lines[0]);
    let alerts: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let scores: Vec<u64> = alerts
        .iter()
        .map(|a| a["score"].as_u64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let spike = alerts
        .iter()
        .find(|a| a["rules"][0] == "volume_spike")
        .expect("a spike alert");
    assert_eq!(spike["user_id"], "bulk");
    assert_eq!(spike["patients"].as_array().unwrap().len(), 60);
    assert_eq!(
        alerts.iter().filter(|a| a["user_id"] == "bulk").count(),
        1,
        "{text}"
    );
    let snoop = alerts
        .iter()
        .find(|a| a["user_id"] == "snoop")
        .expect("the snoop");
    assert_eq!(snoop["patient_id"], "pat-9");
    assert!(
        snoop["rules"]
            .as_array()
            .unwrap()
            .contains(&json!("same_last_name")),
        "{snoop}"
    );
    assert!(snoop["why"].as_str().unwrap().contains("last name"));
    let window = ok(&mut chartroom(
        &data,
        &[
            "alerts",
            "--json",
            "--from",
            "2026-03-12",
            "--to",
            "2026-03-12",
        ],
    ));
    assert!(!window.contains("\"snoop\""), "{window}");

    let report = ok(&mut chartroom(
        &data,
        &["report", "access", "--patient", "pat-9", "--json"],
    ));
    let row: Value = serde_json::from_str(report.lines().next().unwrap()).unwrap();
    assert_eq!(
        (row["user_name"].as_str(), row["department"].as_str()),
        (Some("Ann Lind"), Some("Heart Center"))
    );
    let csv = ok(&mut chartroom(
        &data,
        &["report", "access", "--patient", "pat-9", "--csv"],
    ));
    assert!(
        csv.starts_with("time,user_id,user_name,department,role,action"),
        "{csv}"
    );
}

#[test]
fn report_access_letter_writes_pdf_or_text_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bundle = json!({ "resourceType": "Bundle", "type": "collection", "entry": [
        { "resource": { "resourceType": "Patient", "id": "pat-9",
            "name": [{ "family": "Lind", "given": ["Bo"] }], "gender": "male", "birthDate": "1980-05-06",
            "address": [{ "line": ["7 Elm St"], "city": "Riverton", "state": "MA", "postalCode": "01999" }] } },
        { "resource": { "resourceType": "Patient", "id": "pat-8",
            "name": [{ "family": "Other", "given": ["Di"] }], "gender": "female", "birthDate": "1990-01-01" } }
    ]});
    let bundle_path = dir.path().join("bundle.json");
    std::fs::write(&bundle_path, bundle.to_string()).unwrap();
    ok(&mut chartroom(
        &data,
        &["import", "fhir", bundle_path.to_str().unwrap()],
    ));
    let roster = dir.path().join("roster.csv");
    std::fs::write(
        &roster,
        "user_id,name,department,role,home_address,linked_patient_id,provider_id\n\
         snoop,Ann Lind,Heart Center,clerk,1 Pine Rd Riverton MA 01999,,\n\
         rad,Ray Dio,Radiology,technologist,2 Pine Rd Riverton MA 01999,,\n",
    )
    .unwrap();
    ok(&mut chartroom(
        &data,
        &["import", "roster", roster.to_str().unwrap()],
    ));
    let log = dir.path().join("access.csv");
    std::fs::write(
        &log,
        "timestamp,user_id,patient_id,action,workstation,department\n\
         2026-03-04T11:00:00-05:00,snoop,pat-9,view,WS-1,Heart Center\n\
         2026-03-05T08:00:00-05:00,rad,pat-8,view,WS-9,Radiology\n",
    )
    .unwrap();
    ok(&mut chartroom(
        &data,
        &["import", "access-csv", log.to_str().unwrap()],
    ));

    let pdf = dir.path().join("letter.pdf");
    let said = ok(&mut chartroom(
        &data,
        &[
            "report",
            "access",
            "--patient",
            "pat-9",
            "--letter",
            pdf.to_str().unwrap(),
        ],
    ));
    assert!(said.contains("1 access(es), 1 page(s) (pdf)"), "{said}");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("Ann Lind") && text.contains("7 Elm St"));
    assert!(!text.contains("Ray Dio") && !text.contains("snoop"));

    let txt = dir.path().join("letter.txt");
    ok(&mut chartroom(
        &data,
        &[
            "report",
            "access",
            "--patient",
            "pat-9",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--letter",
            txt.to_str().unwrap(),
        ],
    ));
    let letter = std::fs::read_to_string(&txt).unwrap();
    assert!(
        letter.starts_with("WHO VIEWED YOUR HEALTH RECORD"),
        "{letter}"
    );
    assert!(letter.contains("Dear Bo Lind,"), "{letter}");
    let words = letter.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("between March 1, 2026 and March 31, 2026"),
        "{letter}"
    );
    assert!(letter.contains("Ann Lind") && letter.contains("viewed"));
    assert!(!letter.contains("Ray Dio"));

    let out = chartroom(
        &data,
        &[
            "report",
            "access",
            "--patient",
            "pat-9",
            "--letter",
            dir.path().join("letter.docx").to_str().unwrap(),
        ],
    )
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains(".pdf or .txt"),
        "{stderr}"
    );
}
