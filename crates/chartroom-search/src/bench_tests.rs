//! Measurement on a synthetic population with census-frequency names (../shared/data/us-names):
//! build rate, recall@1/@5 per kind of query, and query latency. Ignored by default:
//!
//! `SEARCH_BENCH_N=100000 cargo test --release --lib search::bench_tests -- --ignored --nocapture`

#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::test_support::patient;
use super::{ChartIndex, PatientRecord, TantivyIndex};
use chartroom_domain::{AltName, NameKind, PersonName, Ssn};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// splitmix64: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

struct Weighted {
    names: Vec<String>,
    cumulative: Vec<f64>,
}

impl Weighted {
    fn load(path: &Path, limit: usize) -> Option<Weighted> {
        let text = std::fs::read_to_string(path).ok()?;
        let mut names = Vec::new();
        let mut cumulative = Vec::new();
        for line in text.lines().take(limit) {
            let mut cols = line.split_whitespace();
            let (Some(name), Some(_), Some(cum)) = (cols.next(), cols.next(), cols.next()) else {
                continue;
            };
            let mut n = name.to_lowercase();
            if let Some(first) = n.get(0..1) {
                n = first.to_uppercase() + &n[1..];
            }
            names.push(n);
            cumulative.push(cum.parse::<f64>().ok()?);
        }
        Some(Weighted { names, cumulative })
    }
    fn pick(&self, rng: &mut Rng) -> &str {
        let top = self.cumulative.last().copied().unwrap_or(1.0);
        let x = (rng.next() % 1_000_000) as f64 / 1_000_000.0 * top;
        let i = self
            .cumulative
            .partition_point(|c| *c < x)
            .min(self.names.len() - 1);
        &self.names[i]
    }
}

fn dob_string(rng: &mut Rng) -> String {
    let y = 1930 + rng.below(94);
    let m = 1 + rng.below(12);
    let d = 1 + rng.below(28);
    format!("{y:04}-{m:02}-{d:02}")
}

pub fn population(n: usize, seed: u64) -> Option<Vec<PatientRecord>> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/us-names");
    let last = Weighted::load(&base.join("dist.all.last"), 20_000)?;
    let male = Weighted::load(&base.join("dist.male.first"), 2_000)?;
    let female = Weighted::load(&base.join("dist.female.first"), 5_000)?;
    let mut rng = Rng(seed);
    let mut out: Vec<PatientRecord> = Vec::with_capacity(n);
    for i in 0..n {
        let id = i as u64 + 1;
        let is_female = rng.chance(50);
        let firsts = if is_female { &female } else { &male };
        let twin = i > 0 && rng.chance(1);
        let (given, mut family, dob) = if twin {
            let prev = &out[i - 1].patient;
            (
                firsts.pick(&mut rng).to_string(),
                prev.name.family.clone(),
                prev.dob.to_string(),
            )
        } else {
            (
                firsts.pick(&mut rng).to_string(),
                last.pick(&mut rng).to_string(),
                dob_string(&mut rng),
            )
        };
        if rng.chance(3) {
            family = format!("{family}-{}", last.pick(&mut rng));
        }
        let mut rec = patient(id, &given, &family, &dob);
        let p = &mut rec.patient;
        p.mrn = chartroom_domain::Mrn(((id * 7_919) % 90_000_000 + 1_000) as u32);
        if rng.chance(50) {
            let m = firsts.pick(&mut rng).to_string();
            p.name.middle = Some(if rng.chance(50) {
                m[..1].to_string()
            } else {
                m
            });
        }
        if !is_female && rng.chance(4) {
            p.name.suffix = Some(["Jr", "Sr", "III"][rng.below(3)].to_string());
        }
        if is_female && rng.chance(25) {
            p.other_names.push(AltName {
                kind: NameKind::Maiden,
                name: PersonName::new(given.clone(), last.pick(&mut rng)),
            });
        }
        p.phones = vec![format!(
            "({}) {}-{:04}",
            200 + rng.below(800),
            200 + rng.below(800),
            rng.below(10_000)
        )];
        p.ssn = Ssn::parse(&format!(
            "9{:02}-{:02}-{:04}",
            rng.below(100),
            rng.below(100),
            rng.below(10_000)
        ));
        for _ in 0..rng.below(4) {
            rec.encounter_numbers
                .push(format!("E{:08}", rng.next() % 100_000_000));
        }
        out.push(rec);
    }
    Some(out)
}

fn typo(word: &str, rng: &mut Rng) -> String {
    let mut c: Vec<char> = word.to_lowercase().chars().collect();
    if c.len() < 4 {
        return c.into_iter().collect();
    }
    let i = 1 + rng.below(c.len() - 2);
    match rng.below(4) {
        0 => c.swap(i, i + 1),
        1 => {
            c.remove(i);
        }
        2 => c.insert(i, c[i]),
        _ => c[i] = if c[i] == 'e' { 'a' } else { 'e' },
    }
    c.into_iter().collect()
}

fn date_forms(dob: chrono::NaiveDate, rng: &mut Rng) -> String {
    let f = [
        "%-m/%-d/%Y",
        "%m/%d/%y",
        "%Y-%m-%d",
        "%Y%m%d",
        "%m%d%Y",
        "%m/%d/%Y",
    ];
    dob.format(f[rng.below(f.len())]).to_string()
}

fn nicknames_of(formal: &str) -> Vec<String> {
    let csv = include_str!("../../../demo-data/nicknames.csv");
    csv.lines()
        .filter_map(|l| {
            let mut c = l.split(',');
            let (a, _, b) = (c.next()?, c.next()?, c.next()?);
            (a == formal).then(|| b.to_string())
        })
        .collect()
}

/// (kind, query, wanted patient id)
fn queries(pop: &[PatientRecord], count: usize, rng: &mut Rng) -> Vec<(&'static str, String, u64)> {
    let mut out = Vec::new();
    for k in 0..count {
        let rec = &pop[rng.below(pop.len())];
        let p = &rec.patient;
        let given = p.name.given.clone();
        let family = p.name.family.clone();
        let dob = date_forms(p.dob, rng);
        let (kind, q) = match k % 10 {
            0 => ("name+dob", format!("{given} {family} {dob}")),
            1 => ("last, first dob", format!("{family}, {given} {dob}")),
            2 => (
                "typo last+dob",
                format!("{given} {} {dob}", typo(&family, rng)),
            ),
            3 => (
                "typo first+dob",
                format!("{} {family} {dob}", typo(&given, rng)),
            ),
            4 => {
                let nicks = nicknames_of(&given.to_lowercase());
                match nicks.get(rng.below(nicks.len().max(1))) {
                    Some(n) => ("nickname+dob", format!("{n} {family} {dob}")),
                    None => ("name+dob", format!("{given} {family} {dob}")),
                }
            }
            5 => {
                let forms = [p.mrn.to_string(), p.mrn.digits(), p.mrn.0.to_string()];
                ("mrn", forms[rng.below(3)].clone())
            }
            6 => ("phone", p.phones[0].clone()),
            7 => match &p.ssn {
                Some(s) => ("last+ssn4", format!("{family} {}", s.last4())),
                None => ("name", format!("{given} {family}")),
            },
            8 => (
                "swapped dob",
                format!("{family} {given} {}", p.dob.format("%d/%m/%Y")),
            ),
            _ => ("name only", format!("{given} {family}")),
        };
        out.push((kind, q, p.id.0));
    }
    out
}

#[test]
#[ignore]
fn synthetic_recall_and_latency() {
    let n: usize = std::env::var("SEARCH_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let Some(pop) = population(n, 42) else {
        eprintln!("../shared/data/us-names missing: skipped");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let idx = TantivyIndex::open(dir.path()).expect("open");
    let t = Instant::now();
    let mut it = pop.clone().into_iter();
    idx.rebuild(&mut it, &mut std::iter::empty())
        .expect("rebuild");
    let build = t.elapsed().as_secs_f64();
    println!("patients {n}");
    println!("index_build_seconds {build:.2}");
    println!("index_build_rate {:.0} patients/s", n as f64 / build);
    println!("index_size_bytes {}", idx.size_bytes());

    let mut rng = Rng(7);
    let qs = queries(&pop, 2_000, &mut rng);
    let mut per_kind: HashMap<&str, (usize, usize, usize)> = HashMap::new();
    let mut kind_times: HashMap<&str, Vec<f64>> = HashMap::new();
    let mut times = Vec::with_capacity(qs.len());
    let mut misses = Vec::new();
    for (kind, q, want) in &qs {
        let t = Instant::now();
        let hits = idx.search_patients(q, 10).expect("search");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        kind_times.entry(kind).or_default().push(ms);
        let rank = hits.iter().position(|h| h.patient.0 == *want);
        let e = per_kind.entry(kind).or_default();
        e.0 += 1;
        if rank == Some(0) {
            e.1 += 1;
        } else if misses.len() < 40 {
            misses.push(format!(
                "{kind}: {q:?} rank {rank:?} top {:?}",
                hits.first().map(|h| (&h.why, h.score))
            ));
        }
        if rank.is_some_and(|r| r < 5) {
            e.2 += 1;
        }
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    let (mut total, mut r1, mut r5) = (0, 0, 0);
    let mut kinds: Vec<_> = per_kind.iter().collect();
    kinds.sort();
    for (kind, (c, a, b)) in kinds {
        let mut kt = kind_times.get(kind).cloned().unwrap_or_default();
        kt.sort_by(f64::total_cmp);
        let kp = |p: f64| {
            kt.get(((kt.len() as f64 * p) as usize).min(kt.len().saturating_sub(1)))
                .copied()
                .unwrap_or(0.0)
        };
        println!(
            "recall {kind:>16}: @1 {:.3} @5 {:.3} (n={c})  ms p50 {:.2} p99 {:.2}",
            *a as f64 / *c as f64,
            *b as f64 / *c as f64,
            kp(0.5),
            kp(0.99)
        );
        total += c;
        r1 += a;
        r5 += b;
    }
    println!("recall_at_1 {:.3}", r1 as f64 / total as f64);
    println!("recall_at_5 {:.3}", r5 as f64 / total as f64);
    println!(
        "query_ms p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0)
    );
    for m in misses {
        println!("miss {m}");
    }
}

/// Notes made of sentences from the MTS-Dialog set (../shared/data/notes-mts-dialog).
fn note_population(n: usize, patients: u64) -> Option<Vec<super::DocumentRecord>> {
    use chartroom_domain::DocumentType;
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/notes-mts-dialog/Main-Dataset/MTS-Dialog-TrainingSet.csv");
    let text = std::fs::read_to_string(path).ok()?;
    let sentences: Vec<&str> = text
        .split(['.', '\n'])
        .map(str::trim)
        .filter(|s| s.len() > 20)
        .collect();
    let mut rng = Rng(11);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut body = String::new();
        for _ in 0..(4 + rng.below(8)) {
            body.push_str(sentences[rng.below(sentences.len())]);
            body.push_str(". ");
        }
        let t = DocumentType::ALL[rng.below(DocumentType::ALL.len())];
        let day = chrono::NaiveDate::from_ymd_opt(2015, 1, 1)
            .unwrap_or_default()
            .checked_add_days(chrono::Days::new(rng.below(3650) as u64))
            .unwrap_or_default();
        out.push(super::test_support::note(
            i as u64 + 1,
            1 + rng.below(patients as usize) as u64,
            t,
            &day.to_string(),
            &body,
        ));
    }
    Some(out)
}

#[test]
#[ignore]
fn synthetic_notes_build_and_latency() {
    let n: usize = std::env::var("SEARCH_BENCH_NOTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let Some(notes) = note_population(n, 30_000) else {
        eprintln!("../shared/data/notes-mts-dialog missing: skipped");
        return;
    };
    let bytes: usize = notes.iter().map(|d| d.document.text.len()).sum();
    let dir = tempfile::tempdir().expect("temp dir");
    let idx = TantivyIndex::open(dir.path()).expect("open");
    let t = Instant::now();
    idx.rebuild(&mut std::iter::empty(), &mut notes.into_iter())
        .expect("rebuild");
    let build = t.elapsed().as_secs_f64();
    println!("notes {n} ({} MB of text)", bytes / 1_000_000);
    println!("notes_build_seconds {build:.2}");
    println!("notes_build_rate {:.0} notes/s", n as f64 / build);
    println!("notes_index_size_bytes {}", idx.size_bytes());
    let queries = [
        "\"chest pain\"",
        "hypertension",
        "cardi*",
        "fever AND cough NOT covid",
        "(headache OR migraine) nausea",
        "\"low back pain\" -fall",
        "diabetes insulin",
        "patient",
    ];
    let mut times = Vec::new();
    for round in 0..20 {
        for q in queries {
            let mut nq = super::NoteQuery {
                text: q.to_string(),
                ..Default::default()
            };
            if round % 2 == 1 {
                nq.patient = Some(chartroom_domain::PatientId(1 + round as u64));
            }
            let t = Instant::now();
            let hits = idx.search_notes(&nq, 20).expect("search");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            if round == 0 {
                println!("note query {q:?}: {} hits", hits.len());
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "note_query_ms p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0)
    );
}

/// Real Synthea names (FHIR Patient resources in ../shared/data): digits, apostrophes,
/// several given names, maiden names. Skipped when the sample is absent.
fn synthea_patients() -> Option<Vec<PatientRecord>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/synthea-fhir-smart-bulk-1000-demographics/ndjson/Patient.000.ndjson");
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
