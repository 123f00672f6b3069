//! Release of information through the command line: `roi import` (a bad line exits
//! non-zero naming file, line and field, and commits nothing), `roi list --json`,
//! `roi extend`, `roi qa --ok`, `roi release --out DIR` (packet.pdf, manifest.json; a
//! refusal writes nothing) and `report disclosures --patient ID|MRN --json`.

use assert_cmd::Command;
use serde_json::{json, Value};
use std::path::Path;

/// `chartroom ARGS… --data DATA`.
fn chartroom(data: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("chartroom").unwrap();
    cmd.env("USER", "tester").env("NO_COLOR", "1");
    cmd.args(args).arg("--data").arg(data);
    cmd
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(cmd: &mut Command) -> String {
    let (success, stdout, stderr) = run(cmd);
    assert!(success, "{stdout}\n{stderr}");
    stdout
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const ACT: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

fn chart(dir: &Path) -> std::path::PathBuf {
    let doc = |id: &str, date: &str, label: Option<&str>| {
        let mut d = json!({ "resourceType": "DocumentReference", "id": id, "status": "current",
            "type": { "coding": [{ "system": "http://loinc.org", "code": "18842-5" }] },
            "subject": { "reference": "Patient/pat-9" }, "date": date,
            "content": [{ "attachment": { "contentType": "text/plain", "data": "Tm90ZS4=" } }] });
        if let Some(code) = label {
            d["securityLabel"] = json!([{ "coding": [{ "system": ACT, "code": code }] }]);
        }
        d
    };
    let bundle = json!({ "resourceType": "Bundle", "type": "collection", "entry": [
        { "resource": { "resourceType": "Patient", "id": "pat-9",
            "name": [{ "family": "Lind", "given": ["Bo"] }], "gender": "male", "birthDate": "1980-05-06" } },
        { "resource": doc("d1", "2026-01-10T10:00:00Z", None) },
        { "resource": doc("d2", "2026-01-11T10:00:00Z", Some("ETH")) },
        { "resource": doc("d3", "2026-01-12T10:00:00Z", Some("PSYTHPN")) },
    ]});
    let path = dir.join("chart.json");
    std::fs::write(&path, bundle.to_string()).unwrap();
    path
}

fn request(id: &str, kind: &str) -> Value {
    json!({ "request_id": id, "received": "2026-03-01",
        "requester": { "type": kind, "name": "County Court", "address": "2 Court Sq" },
        "patient": { "id": "pat-9" }, "scope": { "from": "2026-01-01", "to": "2026-01-31", "document_types": ["discharge"] },
        "purpose": "proceeding", "delivery": "mail", "format": "paper", "identity_verified": true,
        "court_order": true, "subpoena_assurances": false, "legal_process": null,
        "representative_authority": null, "authorization": null })
}

#[test]
fn intake_list_release_and_accounting() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let chart = chart(tmp.path());
    let mut import = Command::cargo_bin("chartroom").unwrap();
    ok(import
        .args(["import", "fhir", "--data"])
        .arg(&data)
        .arg(&chart));

    // A bad line: non-zero, names file, line and field; nothing committed.
    let mut bad = request("C2", "court_order");
    bad["court_order"] = json!("yes");
    let file = tmp.path().join("bad.jsonl");
    let text = format!("{}\n{}\n", request("C1", "court_order"), bad);
    std::fs::write(&file, text).unwrap();
    let (success, _, stderr) = run(&mut chartroom(&data, &["roi", "import", path(&file)]));
    assert!(!success);
    assert!(
        stderr.contains("bad.jsonl line 2, field court_order"),
        "{stderr}"
    );
    let listed = ok(&mut chartroom(&data, &["roi", "list", "--json"]));
    assert!(listed.trim().is_empty(), "{listed}");

    let file = tmp.path().join("good.jsonl");
    let mut patient = request("P1", "patient");
    patient["patient"]["id"] = json!("00-10-00-01");
    patient["identity_verified"] = json!(false);
    let text = format!("{}\n\n{}\n", request("C1", "court_order"), patient);
    std::fs::write(&file, text).unwrap();
    ok(&mut chartroom(&data, &["roi", "import", path(&file)]));
    ok(&mut chartroom(&data, &["roi", "import", path(&file)]));
    let rows = lines(&ok(&mut chartroom(
        &data,
        &["roi", "list", "--json", "--as-of", "2026-03-05"],
    )));
    assert_eq!(rows.len(), 2);
    let c1 = rows.iter().find(|r| r["request_id"] == "C1").unwrap();
    assert_eq!(c1["status"], "in_fulfillment");
    assert_eq!(c1["due"], "2026-03-31");
    assert_eq!(c1["days_left"], 26);
    assert_eq!(c1["missing"], json!([]));
    let p1 = rows.iter().find(|r| r["request_id"] == "P1").unwrap();
    assert_eq!(p1["status"], "on_hold");
    assert_eq!(p1["missing"], json!(["identity_unverified"]));

    // Extension: only patient access, once, on time.
    let (success, _, stderr) = run(&mut chartroom(
        &data,
        &[
            "roi",
            "extend",
            "C1",
            "--reason",
            "busy",
            "--on",
            "2026-03-05",
        ],
    ));
    assert!(!success && stderr.contains("164.524(b)(2)"), "{stderr}");
    let letter = ok(&mut chartroom(
        &data,
        &[
            "roi",
            "extend",
            "P1",
            "--reason",
            "records off site",
            "--on",
            "2026-03-31",
        ],
    ));
    assert!(letter.contains("2026-04-30") && letter.contains("records off site"));

    // Release refused before QA, writing nothing; then released.
    let out = tmp.path().join("out");
    let release = [
        "roi",
        "release",
        "C1",
        "--on",
        "2026-03-06",
        "--out",
        path(&out),
    ];
    let (success, _, stderr) = run(&mut chartroom(&data, &release));
    assert!(!success && stderr.contains("QA"), "{stderr}");
    assert!(!out.exists());
    ok(&mut chartroom(&data, &["roi", "qa", "C1", "--ok"]));
    ok(&mut chartroom(&data, &release));
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["request_id"], "C1");
    assert_eq!(manifest["included"], json!(["d1"]));
    assert_eq!(
        manifest["withheld"],
        json!([{ "document": "d2", "reason": "ETH" }, { "document": "d3", "reason": "PSYTHPN" }])
    );
    assert_eq!(manifest["fee_cents"], json!(0));
    let pdf = std::fs::read(out.join("packet.pdf")).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    assert_eq!(manifest["pages"], json!(pages));

    for patient in ["pat-9", "00-10-00-01", "100001"] {
        let entries = lines(&ok(&mut chartroom(
            &data,
            &["report", "disclosures", "--json", "--patient", patient],
        )));
        assert_eq!(entries.len(), 1, "{patient}");
        assert_eq!(entries[0]["request_id"], "C1");
        assert_eq!(entries[0]["date"], "2026-03-06");
        assert_eq!(entries[0]["recipient"], "County Court");
        assert_eq!(entries[0]["address"], "2 Court Sq");
        assert_eq!(entries[0]["purpose"], "proceeding");
        assert!(entries[0]["description"]
            .as_str()
            .unwrap()
            .contains("1 document"));
    }
}

#[test]
fn desk_verbs_give_every_status_and_an_accounting_request() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let chart = chart(tmp.path());
    let mut import = Command::cargo_bin("chartroom").unwrap();
    ok(import
        .args(["import", "fhir", "--data"])
        .arg(&data)
        .arg(&chart));
    let mut insurer = request("I1", "insurer");
    insurer["court_order"] = json!(false);
    let mut attorney = request("A1", "attorney");
    attorney["authorization"] = json!({ "description": "January", "discloser": "Hospital",
        "recipient": "Firm", "purpose": "claim", "expires": "2026-12-31", "signed_on": "2026-02-01",
        "signer": "patient", "statements": { "revocation": true, "conditioning": true, "redisclosure": true } });
    let file = tmp.path().join("in.jsonl");
    let text = [
        insurer,
        attorney,
        request("D1", "patient"),
        request("X1", "patient"),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n");
    std::fs::write(&file, text).unwrap();
    ok(&mut chartroom(&data, &["roi", "import", path(&file)]));
    ok(&mut chartroom(
        &data,
        &["roi", "await-authorization", "I1", "--note", "form mailed"],
    ));
    ok(&mut chartroom(&data, &["roi", "qa", "A1", "--ok"]));
    let invoice = lines(&ok(&mut chartroom(
        &data,
        &["roi", "invoice", "A1", "--on", "2026-03-05"],
    )));
    assert_eq!(invoice[0]["paid"], json!(false));
    let amount = invoice[0]["amount_cents"].as_u64().unwrap();
    let letter = ok(&mut chartroom(
        &data,
        &[
            "roi",
            "deny",
            "D1",
            "--reason",
            "psychotherapy notes",
            "--on",
            "2026-03-05",
        ],
    ));
    assert!(
        letter.contains("not reviewable") && letter.contains("complain"),
        "{letter}"
    );
    ok(&mut chartroom(
        &data,
        &["roi", "cancel", "X1", "--reason", "withdrawn"],
    ));
    let (success, _, stderr) = run(&mut chartroom(
        &data,
        &["roi", "cancel", "X1", "--reason", "again"],
    ));
    assert!(!success && stderr.contains("cancelled"), "{stderr}");
    let rows = lines(&ok(&mut chartroom(
        &data,
        &["roi", "list", "--json", "--as-of", "2026-03-05"],
    )));
    let status = |id: &str| rows.iter().find(|r| r["request_id"] == id).unwrap()["status"].clone();
    assert_eq!(status("I1"), "pending_authorization");
    assert_eq!(status("A1"), "pending_payment");
    assert_eq!(status("D1"), "denied");
    assert_eq!(status("X1"), "cancelled");
    let hold = ok(&mut chartroom(&data, &["roi", "letter", "I1"]));
    assert!(hold.contains("authorization_required"), "{hold}");
    let short = (amount - 1).to_string();
    let (success, _, _) = run(&mut chartroom(
        &data,
        &["roi", "pay", "A1", "--amount-cents", &short],
    ));
    assert!(!success);
    ok(&mut chartroom(
        &data,
        &["roi", "pay", "A1", "--amount-cents", &amount.to_string()],
    ));
    let rows = lines(&ok(&mut chartroom(
        &data,
        &["roi", "list", "--json", "--as-of", "2026-03-05"],
    )));
    let a1 = rows.iter().find(|r| r["request_id"] == "A1").unwrap();
    assert_eq!(a1["status"], "qa");

    ok(&mut chartroom(
        &data,
        &[
            "roi",
            "accounting",
            "log",
            "ACC1",
            "--patient",
            "pat-9",
            "--received",
            "2026-03-01",
        ],
    ));
    let acc = lines(&ok(&mut chartroom(
        &data,
        &[
            "roi",
            "accounting",
            "list",
            "--json",
            "--as-of",
            "2026-03-05",
        ],
    )));
    assert_eq!(acc[0]["due"], "2026-04-30");
    assert_eq!(acc[0]["days_left"], 56);
    let letter = ok(&mut chartroom(
        &data,
        &[
            "roi",
            "accounting",
            "extend",
            "ACC1",
            "--reason",
            "BA records",
            "--on",
            "2026-04-30",
        ],
    ));
    assert!(letter.contains("2026-05-30"), "{letter}");
    let entries = ok(&mut chartroom(
        &data,
        &["roi", "accounting", "fulfill", "ACC1"],
    ));
    assert!(entries.trim().is_empty(), "{entries}");
}
