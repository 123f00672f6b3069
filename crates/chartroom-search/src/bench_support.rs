//! For `benches/synthetic_search.rs` and the Synthea recall test: the deterministic
//! random numbers, typing slips and date forms they both make queries with, and the
//! record builders of the tests. Public only because a bench target sees nothing but
//! the public API; not part of it (hidden from the docs), nothing in the application
//! calls it.

use chrono::NaiveDate;

pub use crate::test_support::{note, patient};

/// splitmix64: deterministic and dependency-free, so the same seed always gives the
/// same population and queries.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-ish in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// One typing slip inside a word of four letters or more (swap, drop, double or a
/// wrong vowel), lowercased; shorter words come back unchanged.
pub fn typo(word: &str, rng: &mut Rng) -> String {
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

/// A birth date as a clerk might type it, in one of six forms.
pub fn date_forms(dob: NaiveDate, rng: &mut Rng) -> String {
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
