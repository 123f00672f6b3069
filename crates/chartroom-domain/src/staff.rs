//! Providers (who care for patients) and staff users (who use chartroom).

use super::ids::{PatientId, ProviderId, UserId};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    pub id: ProviderId,
    pub name: String,
    pub specialty: String,
    /// National provider identifier when known.
    pub npi: Option<String>,
    pub source_id: Option<String>,
    /// The FHIR `Practitioner.id` (what `Practitioner/<id>` references and reports name).
    pub resource_id: Option<String>,
}

impl Provider {
    /// The id reports print for this provider: the FHIR resource id, else the source id,
    /// else the NPI, else chartroom's own (`provider-7`, for generated providers).
    pub fn report_id(&self) -> String {
        self.resource_id
            .as_deref()
            .or(self.source_id.as_deref())
            .or(self.npi.as_deref())
            .map_or_else(|| format!("provider-{}", self.id), str::to_string)
    }
}

/// What a chartroom user does all day; it decides what they may see and do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    Clerk,
    Analyst,
    Roi,
    Privacy,
    Supervisor,
    Admin,
    /// Researchers: only de-identified extracts (45 CFR 164.514(b)(2)), never a chart.
    Research,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Clerk,
        Role::Analyst,
        Role::Roi,
        Role::Privacy,
        Role::Supervisor,
        Role::Admin,
        Role::Research,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Analyst => "analyst",
            Role::Roi => "roi",
            Role::Privacy => "privacy",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::Research => "research",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(code.trim()))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffUser {
    pub id: UserId,
    /// Login name (SSH user name).
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department: String,
    pub disabled: bool,
    /// The user's own patient record, if they are also a patient here.
    pub patient_link: Option<PatientId>,
    /// OpenSSH public keys (`ssh-ed25519 AAAA... comment`) this user logs in with.
    pub ssh_keys: Vec<String>,
}
