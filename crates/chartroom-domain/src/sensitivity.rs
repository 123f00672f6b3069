//! Sensitive categories of a document, as the HL7 v3-ActCode codes that FHIR security
//! labels carry (`DocumentReference.securityLabel`, `meta.security`). Confidentiality
//! codes (`R`, `N`, ...) are not categories. Each needs its own consent before release
//! (DOMAIN.md "Release of information").

use serde::{Deserialize, Serialize};
use std::fmt;

/// The code system of the category codes.
pub const ACT_CODE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    /// Substance use (42 CFR Part 2).
    Eth,
    Hiv,
    /// Mental health.
    Psy,
    /// Psychotherapy note (164.508(a)(2)).
    Psythpn,
    /// Sexually transmitted disease.
    Std,
    /// Genetic disease / testing.
    Gdis,
    /// Reproductive and sexual health.
    Sex,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Eth,
        Category::Hiv,
        Category::Psy,
        Category::Psythpn,
        Category::Std,
        Category::Gdis,
        Category::Sex,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::Eth => "ETH",
            Category::Hiv => "HIV",
            Category::Psy => "PSY",
            Category::Psythpn => "PSYTHPN",
            Category::Std => "STD",
            Category::Gdis => "GDIS",
            Category::Sex => "SEX",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Eth => "substance use (42 CFR Part 2)",
            Category::Hiv => "HIV",
            Category::Psy => "mental health",
            Category::Psythpn => "psychotherapy notes",
            Category::Std => "sexually transmitted disease",
            Category::Gdis => "genetic information",
            Category::Sex => "reproductive and sexual health",
        }
    }

    /// Exact code (upper case, as the code system spells it).
    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_confidentiality_codes_are_not_categories() {
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(c));
        }
        assert_eq!(Category::from_code("R"), None);
        assert_eq!(Category::from_code("N"), None);
        assert_eq!(Category::from_code("eth"), None);
    }
}
