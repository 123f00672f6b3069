//! Candidate pairs by blocking: only charts that share a key are compared. Keys: the
//! SSN; each phone; the address; the birth date with day and month in order (so a swap
//! shares it) with a sound key of the first name or of the last name; and the sound
//! keys of first and last name together (birth-date slips). A pair that shares several
//! keys is compared once, in the block of the first key they share.

use super::compare::{compare, Comparison};
use super::profile::Profile;
use super::score::score;
use crate::PatientId;
use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Blocks larger than this are skipped (a placeholder phone or address shared by
/// thousands, the commonest names at a million charts): their pairs are compared only
/// if they share a smaller block too.
pub const MAX_BLOCK: usize = 1_000;

/// A scored pair at or above the floor; `a` has the lower id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub a: PatientId,
    pub b: PatientId,
    pub score: u8,
    pub comparison: Comparison,
}

/// What blocking did (for the benchmark and the command's summary).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockingStats {
    pub charts: usize,
    pub keys: usize,
    pub blocks: usize,
    pub oversized_blocks: usize,
    pub comparisons: u64,
    pub candidates: usize,
}

fn key_of(tag: u8, parts: &dyn Fn(&mut DefaultHasher)) -> u64 {
    let mut h = DefaultHasher::new();
    tag.hash(&mut h);
    parts(&mut h);
    h.finish()
}

/// The blocking keys of one chart, sorted and distinct.
pub(crate) fn keys(p: &Profile) -> Vec<u64> {
    let mut out = Vec::new();
    if let Some(ssn) = p.ssn.as_deref() {
        if super::compare::compare_ssn(Some(ssn), Some(ssn)) != super::FieldMatch::Missing {
            out.push(key_of(1, &|h| ssn.hash(h)));
        }
    }
    for phone in &p.phones {
        out.push(key_of(2, &|h| phone.hash(h)));
    }
    if !p.street.is_empty() {
        out.push(key_of(3, &|h| (&p.street, &p.zip).hash(h)));
    }
    let dob = p.dob_swap_key();
    let given = p.given_keys();
    let family = p.family_keys();
    for g in &given {
        out.push(key_of(4, &|h| (dob, g).hash(h)));
        for f in &family {
            out.push(key_of(6, &|h| (g, f).hash(h)));
        }
    }
    for f in &family {
        out.push(key_of(5, &|h| (dob, f).hash(h)));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The first key two sorted key lists share that is not an oversized block.
fn first_shared(a: &[u64], b: &[u64], oversized: &HashSet<u64>) -> Option<u64> {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                if !oversized.contains(&a[i]) {
                    return Some(a[i]);
                }
                i += 1;
                j += 1;
            }
        }
    }
    None
}

/// Every pair that shares a block and scores at least `floor`, best first (then by ids).
pub fn find_candidates(profiles: &[Profile], floor: u8) -> (Vec<Candidate>, BlockingStats) {
    let mut stats = BlockingStats {
        charts: profiles.len(),
        ..BlockingStats::default()
    };
    let mut offsets: Vec<usize> = Vec::with_capacity(profiles.len() + 1);
    let mut flat: Vec<u64> = Vec::new();
    let mut entries: Vec<(u64, u32)> = Vec::new();
    offsets.push(0);
    for (i, p) in profiles.iter().enumerate() {
        let ks = keys(p);
        let idx = u32::try_from(i).unwrap_or(u32::MAX);
        entries.extend(ks.iter().map(|k| (*k, idx)));
        flat.extend(ks);
        offsets.push(flat.len());
    }
    stats.keys = entries.len();
    entries.sort_unstable();
    let keys_of = |i: usize| &flat[offsets[i]..offsets[i + 1]];

    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut oversized: HashSet<u64> = HashSet::new();
    let mut start = 0;
    while start < entries.len() {
        let key = entries[start].0;
        let mut end = start + 1;
        while end < entries.len() && entries[end].0 == key {
            end += 1;
        }
        if end - start > MAX_BLOCK {
            oversized.insert(key);
        } else if end - start > 1 {
            groups.push((start, end));
        }
        start = end;
    }
    stats.blocks = groups.len();
    stats.oversized_blocks = oversized.len();

    let mut out = Vec::new();
    for (start, end) in groups {
        let key = entries[start].0;
        let block = &entries[start..end];
        for (n, &(_, x)) in block.iter().enumerate() {
            let x = x as usize;
            for &(_, y) in &block[n + 1..] {
                let y = y as usize;
                if first_shared(keys_of(x), keys_of(y), &oversized) != Some(key) {
                    continue;
                }
                stats.comparisons += 1;
                let (pa, pb) = if profiles[x].id <= profiles[y].id {
                    (&profiles[x], &profiles[y])
                } else {
                    (&profiles[y], &profiles[x])
                };
                let comparison = compare(pa, pb);
                let s = score(&comparison);
                if s >= floor {
                    out.push(Candidate {
                        a: pa.id,
                        b: pb.id,
                        score: s,
                        comparison,
                    });
                }
            }
        }
    }
    out.sort_by(|p, q| {
        q.score
            .cmp(&p.score)
            .then(p.a.cmp(&q.a))
            .then(p.b.cmp(&q.b))
    });
    stats.candidates = out.len();
    (out, stats)
}
