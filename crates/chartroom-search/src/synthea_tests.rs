//! Recall on real Synthea names (FHIR Patient resources in ../shared/data): digits,
//! apostrophes, several given names, maiden names. Skipped when the sample is absent.
//! The synthetic population's measurements are a bench: benches/synthetic_search.rs.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::bench_support::{date_forms, patient, typo, Rng};
use super::{ChartIndex, PatientRecord, TantivyIndex};
use chartroom_domain::{AltName, NameKind, PersonName};
use std::path::Path;

/// The sample's patients with their official and maiden names, birth dates and phones.
fn synthea_patients() -> Option<Vec<PatientRecord>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../../../shared/data/synthea-fhir-smart-bulk-1000-demographics/ndjson/Patient.000.ndjson",
    );
    let text = std::fs::read_to_string(path).ok()?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        let names = v["name"].as_array()?;
        let name_of = |n: &serde_json::Value| {
            let given: Vec<&str> = n["given"]
                .as_array()
                .map(|g| g.iter().filter_map(|x| x.as_str()).collect())
                .unwrap_or_default();
            let mut p = PersonName::new(
                given.first().copied().unwrap_or(""),
                n["family"].as_str().unwrap_or(""),
            );
            if given.len() > 1 {
                p.middle = Some(given[1..].join(" "));
            }
            p.suffix = n["suffix"][0].as_str().map(str::to_string);
            p
        };
        let official = names
            .iter()
            .find(|n| n["use"] == "official")
            .or(names.first())?;
        let mut rec = patient(i as u64 + 1, "", "", v["birthDate"].as_str()?);
        rec.patient.name = name_of(official);
        for n in names {
            if n["use"] == "maiden" {
                rec.patient.other_names.push(AltName {
                    kind: NameKind::Maiden,
                    name: name_of(n),
                });
            }
        }
        if let Some(t) = v["telecom"].as_array() {
            rec.patient.phones = t
                .iter()
                .filter_map(|x| x["value"].as_str().map(str::to_string))
                .collect();
        }
        out.push(rec);
    }
    Some(out)
}

#[test]
fn synthea_names_are_found() {
    let Some(pop) = synthea_patients() else {
        eprintln!("../shared/data synthea sample missing: skipped");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let idx = TantivyIndex::open(dir.path()).expect("open");
    idx.rebuild(&mut pop.clone().into_iter(), &mut std::iter::empty())
        .expect("rebuild");
    let mut rng = Rng(3);
    let (mut total, mut first, mut five) = (0, 0, 0);
    let mut misses = Vec::new();
    for rec in pop.iter().step_by(3) {
        let p = &rec.patient;
        let (g, f) = (&p.name.given, &p.name.family);
        let dob = date_forms(p.dob, &mut rng);
        for q in [
            format!("{g} {f} {dob}"),
            format!("{f}, {g}"),
            format!("{} {f} {dob}", typo(g, &mut rng)),
            format!("{g} {} {dob}", typo(f, &mut rng)),
            format!("{} {}", typo(f, &mut rng), p.dob.format("%m/%d/%Y")),
        ] {
            let hits = idx.search_patients(&q, 5).expect("search");
            let rank = hits.iter().position(|h| h.patient == p.id);
            total += 1;
            first += usize::from(rank == Some(0));
            five += usize::from(rank.is_some());
            if rank != Some(0) && misses.len() < 10 {
                misses.push(format!("{q:?} → {rank:?}"));
            }
        }
    }
    let r1 = first as f64 / total as f64;
    let r5 = five as f64 / total as f64;
    println!(
        "synthea sample: {total} queries, recall@1 {r1:.3}, recall@5 {r5:.3}, misses {misses:?}"
    );
    assert!(
        r1 >= 0.95 && r5 >= 0.98,
        "recall@1 {r1:.3} recall@5 {r5:.3}: {misses:?}"
    );
}
