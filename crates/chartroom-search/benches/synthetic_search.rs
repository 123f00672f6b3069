//! Patient and note search on synthetic data. Patients: census-frequency names from
//! ../shared/data/us-names (3% hyphenated family names, 1% twins, middle names and
//! initials, Jr/Sr/III, maiden names, phones, SSNs, 0–3 encounter numbers each) and
//! 2,000 queries of ten kinds; figures are the build rate, recall@1/@5 (overall and per
//! kind) and query latency. Notes: sentences of the MTS-Dialog set
//! (../shared/data/notes-mts-dialog); figures are the build rate and the latency of 160
//! note queries. A part whose data set is absent is skipped.
//!
//! Prints one `name value unit` line per figure on stdout (misses and hit counts go to
//! stderr). Sizes: `SEARCH_BENCH_N` patients, `SEARCH_BENCH_NOTES` notes (100,000 each by
//! default); an argument `patients` or `notes` runs that part only:
//!
//! `SEARCH_BENCH_N=1000000 cargo bench -p chartroom-search --bench synthetic_search -- patients`

// A measurement program, not library code: a failure should stop it with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chartroom_domain::{AltName, DocumentType, Mrn, NameKind, PatientId, PersonName, Ssn};
use chartroom_search::bench_support::{date_forms, note, patient, typo, Rng};
use chartroom_search::{ChartIndex, DocumentRecord, NoteQuery, PatientRecord, TantivyIndex};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    // `cargo bench` passes `--bench`; anything else names the parts to run.
    let parts: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |part: &str| parts.is_empty() || parts.iter().any(|p| part.contains(p.as_str()));
    if wanted("patients") {
        patients_recall_and_latency(size("SEARCH_BENCH_N"));
    }
    if wanted("notes") {
        notes_build_and_latency(size("SEARCH_BENCH_NOTES"));
    }
}

fn size(var: &str) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// ../shared/data, next to the repository.
fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// The `p` quantile of sorted milliseconds (0 for none).
fn pct(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1));
    sorted.get(i).copied().unwrap_or(0.0)
}

/// `last, first dob` → `last_first_dob`: a query kind as part of a figure's name.
fn slug(kind: &str) -> String {
    let mut out = String::new();
    for c in kind.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// Names with their cumulative census frequencies, drawn in proportion.
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
        let x = (rng.next_u64() % 1_000_000) as f64 / 1_000_000.0 * top;
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

fn population(n: usize, seed: u64) -> Option<Vec<PatientRecord>> {
    let base = shared_data().join("us-names");
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
        p.mrn = Mrn(((id * 7_919) % 90_000_000 + 1_000) as u32);
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
                .push(format!("E{:08}", rng.next_u64() % 100_000_000));
        }
        out.push(rec);
    }
    Some(out)
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

fn patients_recall_and_latency(n: usize) {
    let Some(pop) = population(n, 42) else {
        eprintln!("../shared/data/us-names missing: patients skipped");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let idx = TantivyIndex::open(dir.path()).expect("open");
    let t = Instant::now();
    let mut it = pop.clone().into_iter();
    idx.rebuild(&mut it, &mut std::iter::empty())
        .expect("rebuild");
    let build = t.elapsed().as_secs_f64();
    println!("patients {n} patients");
    println!("index_build_seconds {build:.2} s");
    println!("index_build_rate {:.0} patients/s", n as f64 / build);
    println!("index_size_bytes {} bytes", idx.size_bytes());

    let mut rng = Rng(7);
    let qs = queries(&pop, 2_000, &mut rng);
    // per kind: (queries, found first, found in the top 5)
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
    let (mut total, mut r1, mut r5) = (0, 0, 0);
    let mut kinds: Vec<_> = per_kind.iter().collect();
    kinds.sort();
    for (kind, (c, a, b)) in kinds {
        let mut kt = kind_times.get(kind).cloned().unwrap_or_default();
        kt.sort_by(f64::total_cmp);
        let k = slug(kind);
        println!("queries_{k} {c} queries");
        println!("recall_at_1_{k} {:.3} ratio", *a as f64 / *c as f64);
        println!("recall_at_5_{k} {:.3} ratio", *b as f64 / *c as f64);
        println!("query_p50_{k} {:.2} ms", pct(&kt, 0.5));
        println!("query_p99_{k} {:.2} ms", pct(&kt, 0.99));
        total += c;
        r1 += a;
        r5 += b;
    }
    println!("recall_at_1 {:.3} ratio", r1 as f64 / total as f64);
    println!("recall_at_5 {:.3} ratio", r5 as f64 / total as f64);
    println!("query_p50 {:.2} ms", pct(&times, 0.5));
    println!("query_p90 {:.2} ms", pct(&times, 0.9));
    println!("query_p99 {:.2} ms", pct(&times, 0.99));
    println!("query_max {:.2} ms", pct(&times, 1.0));
    for m in misses {
        eprintln!("miss {m}");
    }
}

/// Notes made of 4–11 sentences of the MTS-Dialog set, of random types and days over ten
/// years, spread over `patients` patients.
fn note_population(n: usize, patients: u64) -> Option<Vec<DocumentRecord>> {
    let path = shared_data().join("notes-mts-dialog/Main-Dataset/MTS-Dialog-TrainingSet.csv");
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
        out.push(note(
            i as u64 + 1,
            1 + rng.below(patients as usize) as u64,
            t,
            &day.to_string(),
            &body,
        ));
    }
    Some(out)
}

fn notes_build_and_latency(n: usize) {
    let Some(notes) = note_population(n, 30_000) else {
        eprintln!("../shared/data/notes-mts-dialog missing: notes skipped");
        return;
    };
    let bytes: usize = notes.iter().map(|d| d.document.text.len()).sum();
    let dir = tempfile::tempdir().expect("temp dir");
    let idx = TantivyIndex::open(dir.path()).expect("open");
    let t = Instant::now();
    idx.rebuild(&mut std::iter::empty(), &mut notes.into_iter())
        .expect("rebuild");
    let build = t.elapsed().as_secs_f64();
    println!("notes {n} notes");
    println!("notes_text {:.1} MB", bytes as f64 / 1e6);
    println!("notes_build_seconds {build:.2} s");
    println!("notes_build_rate {:.0} notes/s", n as f64 / build);
    println!("notes_index_size_bytes {} bytes", idx.size_bytes());
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
            let mut nq = NoteQuery {
                text: q.to_string(),
                ..Default::default()
            };
            // Every other round within one patient's notes.
            if round % 2 == 1 {
                nq.patient = Some(PatientId(1 + round as u64));
            }
            let t = Instant::now();
            let hits = idx.search_notes(&nq, 20).expect("search");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            if round == 0 {
                eprintln!("note query {q:?}: {} hits", hits.len());
            }
        }
    }
    times.sort_by(f64::total_cmp);
    println!("note_query_p50 {:.2} ms", pct(&times, 0.5));
    println!("note_query_p90 {:.2} ms", pct(&times, 0.9));
    println!("note_query_p99 {:.2} ms", pct(&times, 0.99));
    println!("note_query_max {:.2} ms", pct(&times, 1.0));
}
