//! HL7 v2 file import speed: `cargo bench -p chartroom-import --bench hl7_import`
//! (`HL7_BENCH_MESSAGES`, default 100,000). Prints `name value unit` lines.
//!
//! The file is generated: one A01 per patient, then an A08 and an A03 for every second
//! one, in one file (one transaction), like a day's feed replayed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench: a failed step should panic

use chartroom_import::{import_hl7, Hl7Options};
use chartroom_store::Store;
use std::fmt::Write as _;
use std::time::Instant;

fn feed(messages: usize) -> String {
    let mut out = String::with_capacity(messages * 400);
    let patients = messages / 2;
    let mut n = 0;
    let push = |out: &mut String, n: &mut usize, kind: &str, p: usize| {
        *n += 1;
        let n = *n;
        let _ = write!(
            out,
            "MSH|^~\\&|REG|HOSP|CHART|HIM|20240301083000||ADT^{kind}|M{n}|P|2.5\r\
             EVN|{kind}|20240301083000\r\
             PID|1||{mrn}^^^HOSP^MR~{ssn}^^^SSA^SS||Family{f}^Given{g}^Q||19{yy:02}0{m}1{d}|F|||{p} Main St^^Springfield^IL^62701||^PRN^PH^^^217^555{p4:04}\r\
             {pv1}\r\n",
            mrn = 1_000_000_000 + p,
            ssn = 100_000_000 + p,
            f = p % 997,
            g = p % 101,
            yy = p % 100,
            m = 1 + p % 9,
            d = p % 9,
            p4 = p % 10_000,
            pv1 = pv1(p, kind == "A03"),
        );
    };
    for p in 0..patients {
        push(&mut out, &mut n, "A01", p);
    }
    let mut p = 0;
    while n < messages {
        let kind = if n % 2 == 0 { "A08" } else { "A03" };
        push(&mut out, &mut n, kind, p % patients.max(1));
        p += 1;
    }
    out
}

/// PV1 with class (2), location (3), attending (7), visit number (19), admit (44) and,
/// for a discharge, the discharge time (45).
fn pv1(p: usize, discharge: bool) -> String {
    let mut fields = vec![String::new(); 46];
    fields[0] = "PV1".into();
    fields[1] = "1".into();
    fields[2] = "I".into();
    fields[3] = "4W^401^B".into();
    fields[7] = "1234^Welby^Marcus".into();
    fields[19] = format!("V{p}");
    fields[44] = "20240301080000".into();
    if discharge {
        fields[45] = "20240305100000".into();
    }
    fields.join("|")
}

fn main() {
    let messages: usize = std::env::var("HL7_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("feed.hl7");
    let text = feed(messages);
    std::fs::write(&file, &text).unwrap();
    let store = Store::open(&dir.path().join("data")).unwrap();
    let started = Instant::now();
    let report = import_hl7(&store, &file, Hl7Options::default()).unwrap();
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(report.applied as usize, messages, "{report}");
    println!("hl7_file_messages {} messages", report.messages);
    println!("hl7_file_bytes {} bytes", text.len());
    println!("hl7_file_import_seconds {secs:.3} s");
    println!(
        "hl7_file_import_rate {:.0} messages/s",
        messages as f64 / secs
    );
    println!(
        "hl7_file_import_peak_rss {} MB",
        chartroom_testkit::peak_rss_mb()
    );
}
