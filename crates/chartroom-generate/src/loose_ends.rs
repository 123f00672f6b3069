//! Loose ends for the records room's chart completion work: in the last months some
//! charts lack a note (no discharge summary, no H&P, no ED note, no operative report)
//! or carry one the author has not signed, and inpatient surgery is recorded as a
//! surgical Procedure (which needs an operative report).
//!
//! These choices do not draw from the generator's one random stream: each is a hash of
//! the seed, the encounter id and the note's place in it, so adding them left every
//! other value of a seed's population as it was (and costs a few nanoseconds a note).

use super::notes::{self, NoteKind};
use super::population::Generator;
use super::sink::Sink;
use super::GenerateError;
use chartroom_domain::procedure::SURGICAL_CATEGORY;
use chartroom_domain::{Encounter, EncounterClass, Procedure, ProviderId, SignatureStatus};
use chrono::NaiveDateTime;

/// Discharges this recent (days before `as_of`) carry the loose ends below.
pub(crate) const WINDOW_DAYS: i64 = 270;

/// Share of window charts missing each note kind, by the encounter's class.
fn missing_share(class: EncounterClass, kind: NoteKind) -> f64 {
    match (class, kind) {
        (EncounterClass::Inpatient, NoteKind::Discharge) => 0.30,
        (EncounterClass::Inpatient, NoteKind::HistoryAndPhysical) => 0.15,
        (EncounterClass::Inpatient, NoteKind::Operative) => 0.30,
        (EncounterClass::Emergency, NoteKind::Emergency) => 0.15,
        _ => 0.0,
    }
}

/// Share of the window's signed notes left unsigned, by the encounter's class.
fn unsigned_share(class: EncounterClass) -> f64 {
    match class {
        EncounterClass::Inpatient | EncounterClass::Emergency => 0.35,
        _ => 0.25,
    }
}

/// splitmix64: a well-mixed 64-bit hash.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A uniform number in [0, 1) from the seed and a key.
pub(crate) fn chance(seed: u64, key: u64, salt: u64) -> f64 {
    let h = mix(mix(seed ^ salt.wrapping_mul(0xa076_1d64_78bd_642f)) ^ key);
    (h >> 11) as f64 / (1u64 << 53) as f64
}

const SALT_MISSING: u64 = 1;
const SALT_UNSIGNED: u64 = 2;

impl Generator {
    /// Discharged within the window (in-house stays are not analysed yet).
    fn in_window(&self, encounter: &Encounter) -> bool {
        encounter.discharge.is_some_and(|d| {
            let age = (self.as_of - d.date()).num_days();
            (0..=WINDOW_DAYS).contains(&age)
        })
    }

    /// Whether the `index`-th note of the encounter is left out of the chart.
    pub(super) fn note_missing(&self, encounter: &Encounter, index: usize, kind: NoteKind) -> bool {
        let share = missing_share(encounter.class, kind);
        share > 0.0
            && self.in_window(encounter)
            && chance(self.seed, note_key(encounter, index), SALT_MISSING) < share
    }

    /// The note's signature, sometimes left unsigned in the window.
    pub(super) fn window_signature(
        &self,
        encounter: &Encounter,
        index: usize,
        author: Option<ProviderId>,
        signature: SignatureStatus,
    ) -> SignatureStatus {
        let leave = author.is_some()
            && signature == SignatureStatus::Signed
            && self.in_window(encounter)
            && chance(self.seed, note_key(encounter, index), SALT_UNSIGNED)
                < unsigned_share(encounter.class);
        if leave {
            SignatureStatus::Unsigned
        } else {
            signature
        }
    }

    /// Records an inpatient operation as a surgical Procedure performed by the attending.
    pub(super) fn write_procedure<S: Sink>(
        &mut self,
        sink: &mut S,
        encounter: &Encounter,
        procedure: &notes::Procedure,
        start: NaiveDateTime,
    ) -> Result<(), GenerateError> {
        let row = Procedure {
            id: sink.next_procedure_id()?,
            patient: encounter.patient,
            encounter: Some(encounter.id),
            source_id: None,
            codes: Vec::new(),
            category_codes: vec![SURGICAL_CATEGORY.to_string()],
            description: procedure.name.clone(),
            start,
            performers: encounter.attending.into_iter().collect(),
        };
        sink.put_procedure(&row)?;
        self.report.procedures += 1;
        Ok(())
    }
}

fn note_key(encounter: &Encounter, index: usize) -> u64 {
    (encounter.id.0 << 8) ^ index as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chance_is_uniform_enough_and_repeatable() {
        let n = 10_000;
        let below = (0..n).filter(|k| chance(7, *k, 1) < 0.1).count();
        assert!((800..1200).contains(&below), "{below}");
        assert_eq!(chance(7, 42, 1), chance(7, 42, 1));
        assert_ne!(chance(7, 42, 1), chance(8, 42, 1));
        assert_ne!(chance(7, 42, 1), chance(7, 42, 2));
    }
}
