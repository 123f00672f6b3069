//! `chartroom import hl7`, `merge` and `unmerge` from the command line: files in name
//! order, an A40 that searches follow, the unmerge, and a refused file naming where.

use std::process::{Command, Output};

fn chartroom(args: &[&str], data: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chartroom"))
        .env("USER", "tester")
        .args(args)
        .arg("--data")
        .arg(data)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn import_merge_unmerge_and_refusal() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let feed = tmp.path().join("feed");
    std::fs::create_dir_all(&feed).unwrap();
    // Name order: the registration (1-) before the merge (2-); LF, CRLF and MLLP bytes.
    std::fs::write(
        feed.join("1-register.hl7"),
        "\u{feff}MSH|^~\\&|REG|HOSP|CHART|HIM|20240301||ADT^A04|R1|P|2.5\n\
         PID|1||7700112233^^^HOSP^MR||Vasquez^Imelda||19610305|F\n\
         PV1|1|O|||||||||||||||||ACC-1\n\
         \n\
         MSH|^~\\&|REG|HOSP|CHART|HIM|20240302||ADT^A04|R2|P|2.5\r\n\
         PID|1||DUP42^^^HOSP^MR||Vasques^Imelda||19610305|F\r\n\
         PV1|1|O|||||||||||||||||ACC-2\r\n",
    )
    .unwrap();
    std::fs::write(
        feed.join("2-merge.hl7"),
        "\x0bMSH|^~\\&|REG|HOSP|CHART|HIM|20240303||ADT^A40|M1|P|2.5\rEVN|A40|20240303\rPID|1||7700112233^^^HOSP^MR\rMRG|DUP42^^^HOSP^MR\r\x1c\r",
    )
    .unwrap();
    let out = stdout(&chartroom(
        &["import", "hl7", feed.to_str().unwrap()],
        &data,
    ));
    assert!(out.contains("3 messages: AA 3"), "{out}");
    assert!(out.contains("merges 1"), "{out}");

    let hits = stdout(&chartroom(&["search", "--json", "ACC-2"], &data));
    assert!(hits.contains("\"mrn\":\"7700112233\""), "{hits}");
    assert!(hits.contains("merged into"), "{hits}");
    assert!(!hits.contains("DUP42"), "{hits}");
    // The duplicate queue knows the two charts are one (never proposed again).
    let pairs = stdout(&chartroom(&["duplicates", "list", "--json"], &data));
    assert!(
        pairs.contains("\"status\":\"verified_duplicate\""),
        "{pairs}"
    );

    let out = stdout(&chartroom(
        &["unmerge", "DUP42", "--reason", "two people"],
        &data,
    ));
    assert!(out.contains("unmerged DUP42"), "{out}");
    let hits = stdout(&chartroom(&["search", "--json", "ACC-2"], &data));
    assert!(hits.contains("\"mrn\":\"DUP42\""), "{hits}");
    let pairs = stdout(&chartroom(&["duplicates", "list", "--json"], &data));
    assert!(!pairs.contains("verified_duplicate"), "{pairs}");
    let out = stdout(&chartroom(&["merge", "7700112233", "DUP42"], &data));
    assert!(out.contains("merged DUP42 into 7700112233"), "{out}");

    // A bad file: refused whole, naming file, message, control id, segment and field.
    let bad = tmp.path().join("bad.hl7");
    std::fs::write(
        &bad,
        "MSH|^~\\&|REG|HOSP|||2024||ADT^A04|OK1|P|2.5\rPID|1||555^^^HOSP^MR||Ok^Fine||19700101\r\
         MSH|^~\\&|REG|HOSP|||2024||ADT^A04|BAD2|P|2.5\rPID|1||556^^^HOSP^MR||Secret^Person||19700231\r",
    )
    .unwrap();
    let out = chartroom(&["import", "hl7", bad.to_str().unwrap()], &data);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.hl7 message 2 (control id BAD2), segment PID, field PID-7"),
        "{err}"
    );
    assert!(
        !err.contains("Secret") && !err.contains("19700231"),
        "{err}"
    );
    let hits = stdout(&chartroom(&["search", "--json", "Ok Fine"], &data));
    assert!(
        !hits.contains("\"Ok, Fine\""),
        "nothing of the bad file: {hits}"
    );
    let verify = chartroom(&["verify"], &data);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}
