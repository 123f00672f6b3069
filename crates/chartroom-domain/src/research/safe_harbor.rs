//! The Safe Harbor rules of 45 CFR 164.514(b)(2) that turn identified values into
//! what a de-identified extract may carry: geography reduced to state and a three-digit
//! ZIP area (`000` for the restricted ones), dates reduced to their year, ages over 89
//! grouped as `90+` with the birth year withheld, and study ids in place of every id.

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

/// The HHS list of three-digit ZIP areas of 20,000 people or fewer (a data file).
const RESTRICTED_ZIP3: &str = include_str!("../../../../data/safe-harbor-restricted-zip3.txt");

/// The three-digit ZIP areas that must be written as `000`.
pub fn restricted_zip3() -> Vec<&'static str> {
    RESTRICTED_ZIP3
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The `zip3` column for a ZIP code: its first three digits, `000` when that area is
/// restricted, and `000` too when the ZIP is not five digits (ZIP+4 allowed) — an
/// unreadable ZIP could be anything, so it is treated as the smallest area.
pub fn zip3(zip: &str) -> String {
    let digits: String = zip.chars().filter(|c| c.is_ascii_digit()).collect();
    let shaped = zip
        .trim()
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
    if !shaped || !(digits.len() == 5 || digits.len() == 9) {
        return "000".into();
    }
    let area = &digits[..3];
    if restricted_zip3().contains(&area) {
        "000".into()
    } else {
        area.to_string()
    }
}

/// The two-letter codes of the states, DC and the territories: the only geography
/// written besides `zip3`. Anything else in a state field (a town typed there, a
/// foreign province) is withheld, since it could be smaller than a state.
const STATES: [&str; 56] = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP",
];

/// Full state names as Synthea and FHIR sources often write them.
const STATE_NAMES: [(&str, &str); 51] = [
    ("alabama", "AL"),
    ("alaska", "AK"),
    ("arizona", "AZ"),
    ("arkansas", "AR"),
    ("california", "CA"),
    ("colorado", "CO"),
    ("connecticut", "CT"),
    ("delaware", "DE"),
    ("district of columbia", "DC"),
    ("florida", "FL"),
    ("georgia", "GA"),
    ("hawaii", "HI"),
    ("idaho", "ID"),
    ("illinois", "IL"),
    ("indiana", "IN"),
    ("iowa", "IA"),
    ("kansas", "KS"),
    ("kentucky", "KY"),
    ("louisiana", "LA"),
    ("maine", "ME"),
    ("maryland", "MD"),
    ("massachusetts", "MA"),
    ("michigan", "MI"),
    ("minnesota", "MN"),
    ("mississippi", "MS"),
    ("missouri", "MO"),
    ("montana", "MT"),
    ("nebraska", "NE"),
    ("nevada", "NV"),
    ("new hampshire", "NH"),
    ("new jersey", "NJ"),
    ("new mexico", "NM"),
    ("new york", "NY"),
    ("north carolina", "NC"),
    ("north dakota", "ND"),
    ("ohio", "OH"),
    ("oklahoma", "OK"),
    ("oregon", "OR"),
    ("pennsylvania", "PA"),
    ("rhode island", "RI"),
    ("south carolina", "SC"),
    ("south dakota", "SD"),
    ("tennessee", "TN"),
    ("texas", "TX"),
    ("utah", "UT"),
    ("vermont", "VT"),
    ("virginia", "VA"),
    ("washington", "WA"),
    ("west virginia", "WV"),
    ("wisconsin", "WI"),
    ("wyoming", "WY"),
];

/// The state as a two-letter code, or empty when the field holds no known state.
pub fn state_code(state: &str) -> &'static str {
    let t = state.trim();
    if let Some(code) = STATES.iter().find(|s| s.eq_ignore_ascii_case(t)) {
        return code;
    }
    let lower = t.to_ascii_lowercase();
    STATE_NAMES
        .iter()
        .find(|(name, _)| *name == lower)
        .map_or("", |(_, code)| code)
}

/// Every two-letter state code (the exporter's fixed vocabulary).
pub fn state_codes() -> &'static [&'static str] {
    &STATES
}

/// Whole years from `dob` to `on`. Someone born on 29 February has their birthday on
/// 1 March in common years (they are not a year older on 28 February).
pub fn age_on(dob: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - dob.year();
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

/// Ages above this are grouped (164.514(b)(2)(i)(C): "ages over 89").
pub const OLDEST_SHOWN_AGE: i32 = 89;

/// The `age` and `birth_year` columns on the export date: the age in years and the
/// birth year, or `90+` and no birth year for anyone over 89 — the deceased too (their
/// age is counted to the export date, as if alive, so a birth year never tells that
/// someone would be over 89).
pub fn age_columns(dob: NaiveDate, export_date: NaiveDate) -> (String, Option<i32>) {
    let age = age_on(dob, export_date);
    if age > OLDEST_SHOWN_AGE {
        ("90+".into(), None)
    } else {
        (age.max(0).to_string(), Some(dob.year()))
    }
}

/// HMAC-SHA256 (RFC 2104) with `sha2`, the crate the audit chain already uses.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let inner = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner);
    outer.finalize().into()
}

/// What a study id stands for; the prefix letter of the id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StudyKind {
    Patient,
    Encounter,
    Document,
    Provider,
    Organisation,
}

impl StudyKind {
    fn prefix(self) -> char {
        match self {
            StudyKind::Patient => 'P',
            StudyKind::Encounter => 'E',
            StudyKind::Document => 'D',
            StudyKind::Provider => 'R',
            StudyKind::Organisation => 'O',
        }
    }
}

/// Consonants only: a study id has no digit (it can never look like an MRN, a date or a
/// phone number) and no vowel (it never spells a name).
const STUDY_ALPHABET: &[u8; 20] = b"BCDFGHJKLMNPQRSTVWXZ";

/// Letters after the prefix: 20^14 ≈ 2^60 ids, so a million charts collide with
/// probability below 10^-6 (the exporter still checks).
const STUDY_LETTERS: usize = 14;

/// The study id of `what` (a row id or, for organisations, the name) under an export's
/// secret `key`: `P-QZKXMWBTRPLFHC`. The same key gives the same id in every file of one
/// extract; without the key (kept in the store) the id cannot be traced back.
pub fn study_id(key: &[u8; 32], kind: StudyKind, what: &str) -> String {
    let mut message = Vec::with_capacity(what.len() + 2);
    message.push(kind.prefix() as u8);
    message.push(0);
    message.extend_from_slice(what.as_bytes());
    let mac = hmac_sha256(key, &message);
    let mut n = u128::from_be_bytes(mac[..16].try_into().unwrap_or([0; 16]));
    let mut out = String::with_capacity(STUDY_LETTERS + 2);
    out.push(kind.prefix());
    out.push('-');
    for _ in 0..STUDY_LETTERS {
        out.push(STUDY_ALPHABET[(n % 20) as usize] as char);
        n /= 20;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_seventeen_restricted_areas_become_000() {
        let list = restricted_zip3();
        assert_eq!(list.len(), 17);
        for area in &list {
            assert_eq!(zip3(&format!("{area}01")), "000", "{area}");
        }
        assert_eq!(zip3("43201"), "432");
        assert_eq!(zip3("43201-1234"), "432");
        assert_eq!(zip3("82190"), "000"); // Yellowstone
        assert_eq!(zip3("4320"), "000");
        assert_eq!(zip3(""), "000");
        assert_eq!(zip3("SW1A 1AA"), "000");
    }

    #[test]
    fn eighty_nine_is_shown_ninety_is_grouped() {
        let export = day(2026, 12, 1);
        // 90th birthday tomorrow: still 89, birth year shown
        assert_eq!(
            age_columns(day(1936, 12, 2), export),
            ("89".into(), Some(1936))
        );
        // 90th birthday today
        assert_eq!(age_columns(day(1936, 12, 1), export), ("90+".into(), None));
        assert_eq!(age_columns(day(1901, 1, 1), export), ("90+".into(), None));
        assert_eq!(
            age_columns(day(2026, 11, 30), export),
            ("0".into(), Some(2026))
        );
    }

    #[test]
    fn leap_day_birthdays_come_on_the_first_of_march() {
        let dob = day(1936, 2, 29);
        assert_eq!(
            age_columns(dob, day(2026, 2, 28)),
            ("89".into(), Some(1936))
        );
        assert_eq!(age_columns(dob, day(2026, 3, 1)), ("90+".into(), None));
        // in a leap year the birthday is the day itself
        assert_eq!(age_on(day(1940, 2, 29), day(2028, 2, 29)), 88);
        assert_eq!(age_on(day(1940, 2, 29), day(2028, 2, 28)), 87);
    }

    #[test]
    fn states_are_codes_or_nothing() {
        assert_eq!(state_code("oh"), "OH");
        assert_eq!(state_code("Massachusetts"), "MA");
        assert_eq!(state_code("Springfield"), "");
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231 test case 2
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn study_ids_are_stable_per_key_and_letters_only() {
        let key = [7u8; 32];
        let a = study_id(&key, StudyKind::Patient, "42");
        assert_eq!(a, study_id(&key, StudyKind::Patient, "42"));
        assert_ne!(a, study_id(&key, StudyKind::Encounter, "42"));
        assert_ne!(a, study_id(&[8u8; 32], StudyKind::Patient, "42"));
        assert!(a.starts_with("P-"));
        assert_eq!(a.len(), 16);
        assert!(a[2..].bytes().all(|b| STUDY_ALPHABET.contains(&b)));
    }
}
