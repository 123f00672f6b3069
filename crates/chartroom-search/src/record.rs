//! The compact per-patient record kept in a bytes fast field: everything the re-ranker
//! needs, so ranking never touches the store or the doc store.
//!
//! Layout (version 1): `1, id u64, mrn u32, dob u32 (yyyymmdd), suffix u8, ssn4 u16
//! (0xffff = none), tokens (count u8; kind u8, position u8, len u8, bytes),
//! phones (count u8; len u8, digits), encounters (count u8; len u8, bytes),
//! identifiers (count u8; len u8, bytes)`. Little endian. Version 2 added identifiers.

use super::PatientRecord;
use chartroom_domain::matching::{NameTokens, Suffix};
use chartroom_domain::{NameKind, PatientId};

const VERSION: u8 = 2;

/// Most bytes an encoded record may take: what the fast field packs for one patient
/// (255 values of 7 bytes, less the 2-byte length). `encode` stays within it by leaving
/// out the oldest encounter numbers, then other names; the index still holds every
/// number as a term, and the ranker is told of exact hits on those separately.
pub const MAX_RECORD_BYTES: usize = 7 * 255 - 2;
const SUFFIXES: [Suffix; 6] = [
    Suffix::Jr,
    Suffix::Sr,
    Suffix::Second,
    Suffix::Third,
    Suffix::Fourth,
    Suffix::Fifth,
];

/// Where a name token sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    Given,
    Middle,
    Family,
}

/// Which of the patient's names a token comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Primary,
    Other(NameKind),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameTok {
    pub text: String,
    pub position: Position,
    pub source: Source,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RankRecord {
    pub id: PatientId,
    pub mrn: u32,
    /// yyyymmdd
    pub dob: u32,
    pub suffix: Option<Suffix>,
    pub ssn4: Option<u16>,
    pub tokens: Vec<NameTok>,
    /// Digits only, a leading US country code `1` removed.
    pub phones: Vec<String>,
    /// Normalised encounter numbers (see [`normalize_ident`]).
    pub encounters: Vec<String>,
    /// Normalised identifiers from other systems (the Synthea `Id`, ...): a caller
    /// reading a number off another system's paperwork quotes these.
    pub identifiers: Vec<String>,
}

/// Phone digits as compared: digits only, without a leading `1` on 11 digits.
pub fn phone_digits(text: &str) -> String {
    let d: String = text.chars().filter(char::is_ascii_digit).collect();
    if d.len() == 11 && d.starts_with('1') {
        d[1..].to_string()
    } else {
        d
    }
}

/// The digits of an identifier, in order (`E-0012345` → `0012345`).
pub fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Digits without leading zeros (`0012345` → `12345`; all zeros → `0`), as a caller reads
/// a number aloud.
pub fn strip_zeros(s: &str) -> &str {
    let t = s.trim_start_matches('0');
    if t.is_empty() {
        "0"
    } else {
        t
    }
}

/// Encounter/account numbers as compared: letters and digits only, lower case.
pub fn normalize_ident(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn push_tokens(out: &mut Vec<NameTok>, names: &NameTokens, source: Source) {
    let groups = [
        (&names.given, Position::Given),
        (&names.middle, Position::Middle),
        (&names.family, Position::Family),
    ];
    for (list, position) in groups {
        for text in list {
            let dup = out
                .iter()
                .any(|t| t.text == *text && t.position == position);
            if !dup {
                out.push(NameTok {
                    text: text.clone(),
                    position,
                    source,
                });
            }
        }
    }
}

impl RankRecord {
    pub fn from_record(rec: &PatientRecord) -> RankRecord {
        let p = &rec.patient;
        let primary = NameTokens::from_name(&p.name);
        let mut tokens = Vec::new();
        push_tokens(&mut tokens, &primary, Source::Primary);
        for alt in &p.other_names {
            push_tokens(
                &mut tokens,
                &NameTokens::from_name(&alt.name),
                Source::Other(alt.kind),
            );
        }
        let ssn4 = p.ssn.as_ref().and_then(|s| s.last4().parse::<u16>().ok());
        let dob = chartroom_domain::matching::Ymd::of(p.dob);
        RankRecord {
            id: p.id,
            mrn: p.mrn.0,
            dob: (dob.year.max(0) as u32) * 10_000 + dob.month * 100 + dob.day,
            suffix: primary.suffix,
            ssn4,
            tokens,
            phones: p
                .phones
                .iter()
                .map(|t| phone_digits(t))
                .filter(|d| d.len() >= 4)
                .collect(),
            encounters: rec
                .encounter_numbers
                .iter()
                .map(|e| normalize_ident(e))
                .filter(|e| !e.is_empty())
                .collect(),
            identifiers: p
                .identifiers
                .iter()
                .map(|i| normalize_ident(&i.value))
                .filter(|i| i.len() >= 4)
                .collect(),
        }
    }

    pub fn dob_key(&self) -> String {
        format!("{:08}", self.dob)
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        out.push(VERSION);
        out.extend_from_slice(&self.id.0.to_le_bytes());
        out.extend_from_slice(&self.mrn.to_le_bytes());
        out.extend_from_slice(&self.dob.to_le_bytes());
        let suffix = self
            .suffix
            .and_then(|s| SUFFIXES.iter().position(|x| *x == s))
            .map_or(0, |i| i as u8 + 1);
        out.push(suffix);
        out.extend_from_slice(&self.ssn4.unwrap_or(u16::MAX).to_le_bytes());
        // Sections after the tokens, each a count byte and short strings; encounters are
        // newest first, so the budget drops the oldest.
        let list_bytes = |items: &[&String]| -> usize {
            1 + items.iter().map(|s| 1 + s.len().min(255)).sum::<usize>()
        };
        let phones: Vec<&String> = self.phones.iter().take(8).collect();
        let identifiers: Vec<&String> = self.identifiers.iter().take(8).collect();
        let fixed = out.len() + 1 + list_bytes(&phones) + list_bytes(&identifiers) + 1;
        // primary names first, other names as room allows
        let mut tokens: Vec<&NameTok> = Vec::new();
        let mut used = fixed;
        for t in self.tokens.iter().take(255) {
            let size = 3 + t.text.len().min(255);
            if used + size > MAX_RECORD_BYTES {
                break;
            }
            used += size;
            tokens.push(t);
        }
        let mut encounters: Vec<&String> = Vec::new();
        for e in self.encounters.iter().take(255) {
            let size = 1 + e.len().min(255);
            if used + size > MAX_RECORD_BYTES {
                break;
            }
            used += size;
            encounters.push(e);
        }
        out.push(tokens.len() as u8);
        for t in tokens {
            let kind = match t.source {
                Source::Primary => 0,
                Source::Other(NameKind::Alias) => 1,
                Source::Other(NameKind::Previous) => 2,
                Source::Other(NameKind::Maiden) => 3,
            };
            let pos = match t.position {
                Position::Given => 0,
                Position::Middle => 1,
                Position::Family => 2,
            };
            out.push(kind);
            out.push(pos);
            push_str(&mut out, &t.text);
        }
        for items in [phones, encounters, identifiers] {
            out.push(items.len() as u8);
            for s in items {
                push_str(&mut out, s);
            }
        }
        out
    }

    /// Decodes a record; `None` when the bytes are not a record of this version.
    pub fn decode(bytes: &[u8]) -> Option<RankRecord> {
        let mut r = Reader { bytes, at: 0 };
        if r.u8()? != VERSION {
            return None;
        }
        let id = PatientId(u64::from_le_bytes(r.take(8)?.try_into().ok()?));
        let mrn = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
        let dob = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
        let suffix = match r.u8()? {
            0 => None,
            n => Some(*SUFFIXES.get(n as usize - 1)?),
        };
        let ssn4 = match u16::from_le_bytes(r.take(2)?.try_into().ok()?) {
            u16::MAX => None,
            n => Some(n),
        };
        let n = r.u8()?;
        let mut tokens = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let source = match r.u8()? {
                0 => Source::Primary,
                1 => Source::Other(NameKind::Alias),
                2 => Source::Other(NameKind::Previous),
                3 => Source::Other(NameKind::Maiden),
                _ => return None,
            };
            let position = match r.u8()? {
                0 => Position::Given,
                1 => Position::Middle,
                2 => Position::Family,
                _ => return None,
            };
            tokens.push(NameTok {
                text: r.string()?,
                position,
                source,
            });
        }
        let mut lists = [Vec::new(), Vec::new(), Vec::new()];
        for list in lists.iter_mut() {
            let n = r.u8()?;
            for _ in 0..n {
                list.push(r.string()?);
            }
        }
        let [phones, encounters, identifiers] = lists;
        Some(RankRecord {
            id,
            mrn,
            dob,
            suffix,
            ssn4,
            tokens,
            phones,
            encounters,
            identifiers,
        })
    }
}

fn push_str(out: &mut Vec<u8>, s: &str) {
    // Names and numbers are short; anything longer is cut at a char boundary.
    let mut end = s.len().min(255);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    out.push(end as u8);
    out.extend_from_slice(&s.as_bytes()[..end]);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.at..self.at + n)?;
        self.at += n;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn string(&mut self) -> Option<String> {
        let n = self.u8()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::test_support::patient;

    #[test]
    fn a_patient_with_hundreds_of_encounters_still_has_a_readable_record() {
        // Synthea's older patients carry hundreds of encounters, each a number and a UUID
        let mut rec = patient(7, "John", "Garcia-Lopez", "1984-03-02");
        rec.encounter_numbers = (0..400)
            .flat_map(|i| {
                [
                    format!("SY{i:012X}"),
                    format!("{i:08x}-0000-4000-a000-{i:012x}"),
                ]
            })
            .collect();
        let r = RankRecord::from_record(&rec);
        let bytes = r.encode();
        assert!(bytes.len() <= MAX_RECORD_BYTES, "{}", bytes.len());
        let back = RankRecord::decode(&bytes).expect("readable");
        assert_eq!(back.tokens, r.tokens, "names are never what is left out");
        assert!(back.encounters.len() >= 20, "{}", back.encounters.len());
        assert_eq!(
            back.encounters[..],
            r.encounters[..back.encounters.len()],
            "newest kept"
        );
    }

    #[test]
    fn records_round_trip() {
        let rec = patient(7, "John", "Garcia-Lopez", "1984-03-02");
        let r = RankRecord::from_record(&rec);
        let bytes = r.encode();
        assert_eq!(RankRecord::decode(&bytes), Some(r));
        assert_eq!(RankRecord::decode(&bytes[..bytes.len() - 1]), None);
        assert_eq!(RankRecord::decode(&[]), None);
    }

    #[test]
    fn phones_and_idents_normalise() {
        assert_eq!(phone_digits("+1 (617) 555-1234"), "6175551234");
        assert_eq!(normalize_ident("ACC-0012 34"), "acc001234");
    }
}
