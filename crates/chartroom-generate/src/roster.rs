//! The provider roster (attendings, note authors) and the chartroom staff roster.

use super::names::Names;
use super::sink::Sink;
use chartroom_domain::{Provider, ProviderId, Role, Sex, StaffUser};
use chartroom_store::StoreError;
use rand::Rng;
use std::collections::{HashMap, HashSet};

/// Clinical services. Encounters pick a service, which decides the attending's
/// specialty, the location and the kind of notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Specialty {
    Hospitalist,
    FamilyMedicine,
    InternalMedicine,
    Emergency,
    GeneralSurgery,
    Orthopedics,
    Cardiology,
    ObGyn,
    Pediatrics,
    Psychiatry,
    Radiology,
    Pathology,
    Gastroenterology,
    Oncology,
    Pulmonology,
    Neurology,
}

impl Specialty {
    pub(crate) const ALL: [Specialty; 16] = [
        Specialty::Hospitalist,
        Specialty::FamilyMedicine,
        Specialty::InternalMedicine,
        Specialty::Emergency,
        Specialty::GeneralSurgery,
        Specialty::Orthopedics,
        Specialty::Cardiology,
        Specialty::ObGyn,
        Specialty::Pediatrics,
        Specialty::Psychiatry,
        Specialty::Radiology,
        Specialty::Pathology,
        Specialty::Gastroenterology,
        Specialty::Oncology,
        Specialty::Pulmonology,
        Specialty::Neurology,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Specialty::Hospitalist => "Hospital Medicine",
            Specialty::FamilyMedicine => "Family Medicine",
            Specialty::InternalMedicine => "Internal Medicine",
            Specialty::Emergency => "Emergency Medicine",
            Specialty::GeneralSurgery => "General Surgery",
            Specialty::Orthopedics => "Orthopedic Surgery",
            Specialty::Cardiology => "Cardiology",
            Specialty::ObGyn => "Obstetrics & Gynecology",
            Specialty::Pediatrics => "Pediatrics",
            Specialty::Psychiatry => "Psychiatry",
            Specialty::Radiology => "Radiology",
            Specialty::Pathology => "Pathology",
            Specialty::Gastroenterology => "Gastroenterology",
            Specialty::Oncology => "Hematology/Oncology",
            Specialty::Pulmonology => "Pulmonology",
            Specialty::Neurology => "Neurology",
        }
    }

    /// Relative head count on the medical staff.
    fn weight(self) -> u32 {
        match self {
            Specialty::Hospitalist => 14,
            Specialty::FamilyMedicine => 16,
            Specialty::InternalMedicine => 12,
            Specialty::Emergency => 12,
            Specialty::GeneralSurgery => 6,
            Specialty::Orthopedics => 5,
            Specialty::Cardiology => 5,
            Specialty::ObGyn => 5,
            Specialty::Pediatrics => 7,
            Specialty::Psychiatry => 3,
            Specialty::Radiology => 4,
            Specialty::Pathology => 2,
            Specialty::Gastroenterology => 3,
            Specialty::Oncology => 3,
            Specialty::Pulmonology => 2,
            Specialty::Neurology => 2,
        }
    }

    /// Where this service sees patients, by encounter setting.
    pub(crate) fn clinic(self) -> &'static str {
        match self {
            Specialty::Hospitalist | Specialty::InternalMedicine => "Internal Medicine Clinic",
            Specialty::FamilyMedicine => "Family Medicine - Eastside",
            Specialty::Emergency => "Emergency Department",
            Specialty::GeneralSurgery => "Surgery Clinic",
            Specialty::Orthopedics => "Orthopedics Clinic",
            Specialty::Cardiology => "Heart Center",
            Specialty::ObGyn => "Women's Health Clinic",
            Specialty::Pediatrics => "Pediatrics Clinic",
            Specialty::Psychiatry => "Behavioral Health Clinic",
            Specialty::Radiology => "Imaging Center",
            Specialty::Pathology => "Laboratory",
            Specialty::Gastroenterology => "Endoscopy Suite",
            Specialty::Oncology => "Cancer Center Infusion",
            Specialty::Pulmonology => "Pulmonary Clinic",
            Specialty::Neurology => "Neurology Clinic",
        }
    }

    pub(crate) fn ward(self) -> &'static str {
        match self {
            Specialty::GeneralSurgery | Specialty::Orthopedics => "5 North Surgical",
            Specialty::Cardiology => "3 East Cardiac",
            Specialty::ObGyn => "Labor & Delivery",
            Specialty::Pediatrics => "Pediatric Unit 2W",
            Specialty::Psychiatry => "Behavioral Health 6S",
            Specialty::Oncology => "4 South Oncology",
            Specialty::Pulmonology => "MICU",
            Specialty::Neurology => "Neuro Step-Down 7E",
            _ => "4 West Medical",
        }
    }
}

/// Generated providers, grouped by specialty.
#[derive(Default)]
pub(crate) struct ProviderRoster {
    physicians: HashMap<Specialty, Vec<ProviderId>>,
    /// Nurse practitioners and physician assistants: their notes need a co-signature.
    apps: HashMap<Specialty, Vec<ProviderId>>,
    names: HashMap<ProviderId, String>,
    pub count: u64,
}

impl ProviderRoster {
    pub(crate) fn physician<R: Rng + ?Sized>(
        &self,
        specialty: Specialty,
        rng: &mut R,
    ) -> Option<ProviderId> {
        let list = self.physicians.get(&specialty)?;
        (!list.is_empty()).then(|| list[rng.random_range(0..list.len())])
    }

    pub(crate) fn app<R: Rng + ?Sized>(
        &self,
        specialty: Specialty,
        rng: &mut R,
    ) -> Option<ProviderId> {
        let list = self.apps.get(&specialty)?;
        (!list.is_empty()).then(|| list[rng.random_range(0..list.len())])
    }

    pub(crate) fn name(&self, id: ProviderId) -> &str {
        self.names
            .get(&id)
            .map(String::as_str)
            .unwrap_or("Unknown Provider")
    }
}

/// About one provider per 200 patients, at least one physician per specialty.
pub(crate) fn write_providers<S: Sink, R: Rng + ?Sized>(
    sink: &mut S,
    rng: &mut R,
    names: &Names,
    patients: u64,
) -> Result<ProviderRoster, StoreError> {
    let total = (patients / 200).max(Specialty::ALL.len() as u64 + 6);
    let weight_sum: u32 = Specialty::ALL.iter().map(|s| s.weight()).sum();
    let mut roster = ProviderRoster::default();
    for (n, index) in (0..total).enumerate() {
        // The first pass gives each specialty a physician; the rest follow the weights.
        let (specialty, is_app) = if (index as usize) < Specialty::ALL.len() {
            (Specialty::ALL[index as usize], false)
        } else {
            let mut pick = rng.random_range(0..weight_sum);
            let mut chosen = Specialty::Hospitalist;
            for s in Specialty::ALL {
                if pick < s.weight() {
                    chosen = s;
                    break;
                }
                pick -= s.weight();
            }
            let app_allowed = !matches!(chosen, Specialty::Radiology | Specialty::Pathology);
            (chosen, app_allowed && rng.random_bool(0.22))
        };
        let female = rng.random_bool(0.5);
        let given = if female {
            names.female.sample(rng)
        } else {
            names.male.sample(rng)
        };
        let family = names.last.sample(rng);
        let credential = if is_app {
            if rng.random_bool(0.5) {
                "NP"
            } else {
                "PA-C"
            }
        } else if rng.random_bool(0.12) {
            "DO"
        } else {
            "MD"
        };
        let id = sink.next_provider_id()?;
        let name = format!("{given} {family}, {credential}");
        let provider = Provider {
            id,
            name: name.clone(),
            specialty: specialty.name().to_string(),
            npi: Some(fake_npi(n as u64, rng)),
            source_id: None,
            resource_id: None,
        };
        sink.put_provider(&provider)?;
        roster.names.insert(id, name);
        let group = if is_app {
            &mut roster.apps
        } else {
            &mut roster.physicians
        };
        group.entry(specialty).or_default().push(id);
        roster.count += 1;
    }
    Ok(roster)
}

/// A 10-digit NPI-shaped number starting with 9 (real NPIs start with 1 or 2, so no
/// real provider's number is produced) with a valid Luhn check digit (prefix 80840).
fn fake_npi<R: Rng + ?Sized>(serial: u64, rng: &mut R) -> String {
    let body = format!("9{:04}{:04}", serial % 10_000, rng.random_range(0..10_000));
    let digits: Vec<u32> = format!("80840{body}")
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    // Luhn over the 14 digits: double every second digit from the right.
    let mut sum = 0;
    for (i, d) in digits.iter().rev().enumerate() {
        let v = if i % 2 == 0 { d * 2 } else { *d };
        sum += if v > 9 { v - 9 } else { v };
    }
    let check = (10 - sum % 10) % 10;
    format!("{body}{check}")
}

/// A staff member of the records room (and who they are, for a chart of their own).
pub(crate) struct StaffPerson {
    pub user: StaffUser,
    pub given: String,
    pub family: String,
    pub sex: Sex,
}

fn department(role: Role) -> &'static str {
    match role {
        Role::Clerk => "HIM File Room",
        Role::Analyst => "HIM Chart Completion",
        Role::Roi => "HIM Release of Information",
        Role::Privacy => "Privacy Office",
        Role::Supervisor => "HIM Administration",
        Role::Admin => "Information Services",
        Role::Research => "Research Office",
    }
}

/// Staff users covering every role: one well-known login per role (`clerk`, `analyst`,
/// `roi`, `privacy`, `supervisor`, `admin`) for the demo, plus named staff scaled to
/// the population.
pub(crate) fn staff<R: Rng + ?Sized>(
    rng: &mut R,
    names: &Names,
    patients: u64,
) -> Vec<(Role, String, String, String, Sex)> {
    let scale = (patients / 2_500).clamp(1, 60);
    let per_role = |role: Role| -> u64 {
        match role {
            Role::Clerk => 3 * scale + 2,
            Role::Analyst => 2 * scale + 1,
            Role::Roi => scale + 1,
            Role::Privacy => scale.div_ceil(4) + 1,
            Role::Supervisor => scale.div_ceil(4) + 1,
            Role::Admin => 1,
            Role::Research => 0,
        }
    };
    let mut out = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    // The research login is added outside the random stream (`write_staff`).
    for role in Role::ALL.into_iter().filter(|r| *r != Role::Research) {
        // The demo logins: role name as user name.
        let female = rng.random_bool(0.6);
        let given = if female {
            names.female.sample(rng)
        } else {
            names.male.sample(rng)
        }
        .to_string();
        let family = names.last.sample(rng).to_string();
        taken.insert(role.code().to_string());
        out.push((
            role,
            role.code().to_string(),
            given,
            family,
            if female { Sex::Female } else { Sex::Male },
        ));
        for _ in 0..per_role(role) {
            let female = rng.random_bool(0.7);
            let given = if female {
                names.female.sample(rng)
            } else {
                names.male.sample(rng)
            }
            .to_string();
            let family = names.last.sample(rng).to_string();
            let base: String = given
                .chars()
                .take(1)
                .chain(family.chars())
                .filter(|c| c.is_ascii_alphabetic())
                .collect::<String>()
                .to_ascii_lowercase();
            let mut username = base.clone();
            let mut n = 1;
            while !taken.insert(username.clone()) {
                n += 1;
                username = format!("{base}{n}");
            }
            out.push((
                role,
                username,
                given,
                family,
                if female { Sex::Female } else { Sex::Male },
            ));
        }
    }
    out
}

pub(crate) fn write_staff<S: Sink, R: Rng + ?Sized>(
    sink: &mut S,
    rng: &mut R,
    names: &Names,
    patients: u64,
) -> Result<Vec<StaffPerson>, StoreError> {
    let mut people = Vec::new();
    for (index, (role, username, given, family, sex)) in
        staff(rng, names, patients).into_iter().enumerate()
    {
        let user = StaffUser {
            id: sink.next_user_id()?,
            username,
            display_name: format!("{given} {family}"),
            role,
            department: department(role).to_string(),
            // One former employee keeps an account, disabled, as rosters do.
            disabled: index == 3,
            patient_link: None,
            ssh_keys: Vec::new(),
        };
        sink.put_user(&user)?;
        people.push(StaffPerson {
            user,
            given,
            family,
            sex,
        });
    }
    // The research login (de-identified extracts only), drawn from no random stream so
    // that adding the role changed no other generated row; it has no chart here.
    let id = sink.next_user_id()?;
    sink.put_user(&StaffUser {
        id,
        username: Role::Research.code().to_string(),
        display_name: "Research Office".into(),
        role: Role::Research,
        department: department(Role::Research).to_string(),
        disabled: false,
        patient_link: None,
        ssh_keys: Vec::new(),
    })?;
    Ok(people)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npi_has_a_valid_check_digit_and_is_never_real() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        for serial in 0..50 {
            let npi = fake_npi(serial, &mut rng);
            assert_eq!(npi.len(), 10);
            assert!(npi.starts_with('9'));
            let digits: Vec<u32> = format!("80840{npi}")
                .chars()
                .filter_map(|c| c.to_digit(10))
                .collect();
            let mut sum = 0;
            for (i, d) in digits.iter().rev().enumerate() {
                let v = if i % 2 == 1 { d * 2 } else { *d };
                sum += if v > 9 { v - 9 } else { v };
            }
            assert_eq!(sum % 10, 0, "{npi}");
        }
    }
}
