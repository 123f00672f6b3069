//! Precision and recall of duplicate detection on a generated answer key
//! (`chartroom_generate::duplicate_eval`): no store, no audit — nothing real is read.

use super::super::Result;
use chartroom_domain::duplicates::{find_candidates, BlockingStats, Profile};
use chartroom_domain::PatientId;
use chartroom_generate::duplicate_eval::{duplicate_eval, LookAlikeKind, Slip};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

/// Figures of one evaluation run.
#[derive(Clone, Debug, Default)]
pub struct DuplicateEvalReport {
    pub charts: usize,
    pub threshold: u8,
    /// Same-person pairs in the answer key.
    pub true_pairs: usize,
    /// Pairs found at or above the threshold.
    pub found: usize,
    pub true_positives: usize,
    /// Look-alike pairs per kind, and how many of them were flagged.
    pub look_alikes: BTreeMap<&'static str, (usize, usize)>,
    /// Same-person pairs per slip, and how many were found.
    pub by_slip: BTreeMap<&'static str, (usize, usize)>,
    pub blocking: BlockingStats,
    /// Same-person pairs not found: their slips, score and field outcomes (generated
    /// people only, so printing them shows no patient data).
    pub missed: Vec<String>,
    /// Look-alike pairs flagged, described the same way.
    pub false_alarms: Vec<String>,
    /// Time of blocking, comparing and scoring (profiles included).
    pub find_time: Duration,
}

impl DuplicateEvalReport {
    pub fn precision(&self) -> f64 {
        if self.found == 0 {
            1.0
        } else {
            self.true_positives as f64 / self.found as f64
        }
    }

    pub fn recall(&self) -> f64 {
        if self.true_pairs == 0 {
            1.0
        } else {
            self.true_positives as f64 / self.true_pairs as f64
        }
    }
}

fn key(a: PatientId, b: PatientId) -> (PatientId, PatientId) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// Generates `patients` charts with planted duplicates (seeded) and scores `find`.
pub fn evaluate_duplicates(patients: u64, seed: u64, threshold: u8) -> Result<DuplicateEvalReport> {
    let eval = duplicate_eval(patients, seed)?;
    let started = Instant::now();
    let profiles: Vec<Profile> = eval.patients.iter().map(Profile::of).collect();
    let (found, blocking) = find_candidates(&profiles, threshold);
    let find_time = started.elapsed();
    let flagged: HashSet<(PatientId, PatientId)> = found.iter().map(|c| (c.a, c.b)).collect();
    let truth: HashMap<(PatientId, PatientId), &[Slip]> = eval
        .same_person
        .iter()
        .map(|s| (key(s.a, s.b), s.slips.as_slice()))
        .collect();
    let mut report = DuplicateEvalReport {
        charts: eval.patients.len(),
        threshold,
        true_pairs: truth.len(),
        found: flagged.len(),
        true_positives: flagged.iter().filter(|k| truth.contains_key(k)).count(),
        blocking,
        find_time,
        ..DuplicateEvalReport::default()
    };
    for kind in [
        LookAlikeKind::Twins,
        LookAlikeKind::JrSr,
        LookAlikeKind::SharedSsn,
        LookAlikeKind::LookAlikeNames,
    ] {
        report.look_alikes.insert(kind.code(), (0, 0));
    }
    for (a, b, kind) in &eval.look_alikes {
        let entry = report.look_alikes.entry(kind.code()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(flagged.contains(&key(*a, *b)));
    }
    let describe = |a: PatientId, b: PatientId, what: String| {
        let pa = &profiles[a.0 as usize - 1];
        let pb = &profiles[b.0 as usize - 1];
        let c = chartroom_domain::duplicates::compare(pa, pb);
        let fields: Vec<String> = c
            .fields
            .iter()
            .map(|(f, m)| format!("{}={}", f.code(), m.code()))
            .collect();
        format!(
            "{what} score {} [{}] {}|{} {}|{}",
            chartroom_domain::duplicates::score(&c),
            fields.join(" "),
            pa.given,
            pb.given,
            pa.family,
            pb.family
        )
    };
    for (a, b, kind) in &eval.look_alikes {
        if flagged.contains(&key(*a, *b)) {
            report
                .false_alarms
                .push(describe(*a, *b, kind.code().to_string()));
        }
    }
    for (k, slips) in &truth {
        let hit = flagged.contains(k);
        if !hit {
            let names: Vec<&str> = slips.iter().map(|s| s.code()).collect();
            report.missed.push(describe(k.0, k.1, names.join(",")));
        }
        for slip in slips.iter() {
            let entry = report.by_slip.entry(slip.code()).or_default();
            entry.0 += 1;
            entry.1 += usize::from(hit);
        }
        if slips.is_empty() {
            let entry = report.by_slip.entry("none").or_default();
            entry.0 += 1;
            entry.1 += usize::from(hit);
        }
    }
    Ok(report)
}
