//! Identifiers. Internal ids are dense `u64`s used as big-endian store keys; the MRN is
//! the number a clerk reads aloud and files paper by (terminal-digit order).

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! numeric_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

numeric_id!(
    /// Row id of a patient (never shown to users; the MRN is).
    PatientId
);
numeric_id!(
    /// Row id of an encounter; users see its account number.
    EncounterId
);
numeric_id!(
    /// Row id of a clinical document.
    DocumentId
);
numeric_id!(
    /// Row id of a provider (attending, author, ...).
    ProviderId
);
numeric_id!(
    /// Row id of a staff user of chartroom.
    UserId
);
numeric_id!(
    /// Row id of a procedure performed during an encounter.
    ProcedureId
);
numeric_id!(
    /// Row id of a chart deficiency (what is missing or unsigned in a discharged chart).
    DeficiencyId
);

/// Medical record number: up to 8 digits, displayed in terminal-digit pairs
/// (`00-12-34-56`) so the file room reads the shelf section from the last pair.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Mrn(pub u32);

impl Mrn {
    /// Largest MRN that fits the 8-digit display.
    pub const MAX: u32 = 99_999_999;

    /// Parses what a clerk types: digits with or without dashes, spaces or leading
    /// zeros (`12-34-56`, `00123456`, `123456`). Returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Mrn> {
        let digits: String = text
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '.'))
            .collect();
        if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse::<u32>().ok().map(Mrn)
    }

    /// The eight digits without separators (`00123456`).
    pub fn digits(&self) -> String {
        format!("{:08}", self.0)
    }

    /// Shelf section for terminal-digit filing: the last two digits.
    pub fn terminal_digits(&self) -> u32 {
        self.0 % 100
    }
}

impl fmt::Display for Mrn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        write!(f, "{}-{}-{}-{}", &d[0..2], &d[2..4], &d[4..6], &d[6..8])
    }
}

impl fmt::Debug for Mrn {
    // An MRN identifies a patient: keep it out of debug logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Mrn([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mrn_parses_with_dashes_spaces_and_leading_zeros() {
        assert_eq!(Mrn::parse("12-34-56"), Some(Mrn(123456)));
        assert_eq!(Mrn::parse("00 12 34 56"), Some(Mrn(123456)));
        assert_eq!(Mrn::parse("00123456"), Some(Mrn(123456)));
        assert_eq!(Mrn::parse("123456"), Some(Mrn(123456)));
        assert_eq!(Mrn::parse("12a456"), None);
        assert_eq!(Mrn::parse(""), None);
        assert_eq!(Mrn::parse("123456789"), None);
    }

    #[test]
    fn mrn_displays_in_terminal_digit_pairs() {
        assert_eq!(Mrn(123456).to_string(), "00-12-34-56");
        assert_eq!(Mrn(123456).terminal_digits(), 56);
        assert_eq!(format!("{:?}", Mrn(1)), "Mrn([redacted])");
    }
}
