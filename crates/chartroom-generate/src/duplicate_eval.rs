//! An answer key for duplicate detection: a population (in memory, no encounters) drawn
//! like the demo's — singles, couples, families, Jr/Sr pairs, twins, look-alikes — plus
//! people who share an SSN by mistake, and duplicate registrations with the slips
//! registration really makes (typos, nicknames, married names, swapped or slipped birth
//! dates, missing or slipped SSNs, moves), some registered three times.

use super::names;
use super::places;
use super::population::Generator;
use super::{GenerateError, GenerateOptions};
use chartroom_domain::{AltName, Mrn, NameKind, Patient, PatientId, Sex, Ssn};
use chrono::{Datelike, NaiveDate};
use rand::Rng;

/// Pairs of different people that look alike on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LookAlikeKind {
    Twins,
    JrSr,
    SharedSsn,
    LookAlikeNames,
}

impl LookAlikeKind {
    pub fn code(self) -> &'static str {
        match self {
            LookAlikeKind::Twins => "twins",
            LookAlikeKind::JrSr => "jr_sr",
            LookAlikeKind::SharedSsn => "shared_ssn",
            LookAlikeKind::LookAlikeNames => "lookalike_names",
        }
    }
}

/// A slip in a duplicate registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slip {
    GivenTypo,
    FamilyTypo,
    Nickname,
    MarriedName,
    HyphenPart,
    DobSwap,
    DobSlip,
    NoSsn,
    SsnSlip,
    Moved,
    MiddleDropped,
    GoesByMiddle,
    SuffixDropped,
}

impl Slip {
    pub const ALL: [Slip; 13] = [
        Slip::GivenTypo,
        Slip::FamilyTypo,
        Slip::Nickname,
        Slip::MarriedName,
        Slip::HyphenPart,
        Slip::DobSwap,
        Slip::DobSlip,
        Slip::NoSsn,
        Slip::SsnSlip,
        Slip::Moved,
        Slip::MiddleDropped,
        Slip::GoesByMiddle,
        Slip::SuffixDropped,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Slip::GivenTypo => "given_typo",
            Slip::FamilyTypo => "family_typo",
            Slip::Nickname => "nickname",
            Slip::MarriedName => "married_name",
            Slip::HyphenPart => "hyphen_part",
            Slip::DobSwap => "dob_swap",
            Slip::DobSlip => "dob_slip",
            Slip::NoSsn => "no_ssn",
            Slip::SsnSlip => "ssn_slip",
            Slip::Moved => "moved",
            Slip::MiddleDropped => "middle_dropped",
            Slip::GoesByMiddle => "goes_by_middle",
            Slip::SuffixDropped => "suffix_dropped",
        }
    }
}

/// Two registrations of one person and the slips between them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SamePerson {
    pub a: PatientId,
    pub b: PatientId,
    pub slips: Vec<Slip>,
}

/// The population and its answer key.
#[derive(Clone, Debug, Default)]
pub struct DuplicateEval {
    pub patients: Vec<Patient>,
    /// Every pair of registrations of one person (a triple gives three), `a` < `b`.
    pub same_person: Vec<SamePerson>,
    /// Pairs of different people that look alike, `a` < `b`.
    pub look_alikes: Vec<(PatientId, PatientId, LookAlikeKind)>,
}

/// Share of people registered more than once.
const DUPLICATE_RATE: f64 = 0.03;
/// Share of those registered a third time.
const TRIPLE_RATE: f64 = 0.15;

struct Builder {
    g: Generator,
    out: DuplicateEval,
}

impl Builder {
    fn add(&mut self, mut p: Patient) -> PatientId {
        let id = PatientId(self.out.patients.len() as u64 + 1);
        p.id = id;
        p.mrn = Mrn(100_000 + id.0 as u32);
        self.out.patients.push(p);
        id
    }

    fn add_unit(&mut self, unit: Vec<Patient>, kind: Option<LookAlikeKind>) {
        let ids: Vec<PatientId> = unit.into_iter().map(|p| self.add(p)).collect();
        if let (Some(kind), [a, b]) = (kind, ids.as_slice()) {
            self.out.look_alikes.push((*a, *b, kind));
        }
        for id in ids {
            if self.g.rng.random_bool(DUPLICATE_RATE) {
                self.register_again(id);
            }
        }
    }

    fn register_again(&mut self, original: PatientId) {
        let count = if self.g.rng.random_bool(TRIPLE_RATE) {
            2
        } else {
            1
        };
        let mut ids = vec![(original, Vec::new())];
        for _ in 0..count {
            let base = self.out.patients[original.0 as usize - 1].clone();
            let (dup, slips) = self.slipped(base);
            ids.push((self.add(dup), slips));
        }
        for i in 0..ids.len() {
            for j in i + 1..ids.len() {
                let mut slips: Vec<Slip> =
                    ids[i].1.iter().chain(ids[j].1.iter()).copied().collect();
                slips.sort();
                slips.dedup();
                self.out.same_person.push(SamePerson {
                    a: ids[i].0,
                    b: ids[j].0,
                    slips,
                });
            }
        }
    }

    /// A new registration of `p` with one to three slips (never one that cannot apply).
    fn slipped(&mut self, mut p: Patient) -> (Patient, Vec<Slip>) {
        p.other_names.retain(|a| a.kind != NameKind::Alias);
        p.flags = Default::default();
        p.staff_link = None;
        let wanted = match self.g.rng.random_range(0..10) {
            0..=4 => 1,
            5..=8 => 2,
            _ => 3,
        };
        let mut slips = Vec::new();
        let mut tries = 0;
        while slips.len() < wanted && tries < 20 {
            tries += 1;
            let slip = Slip::ALL[self.g.rng.random_range(0..Slip::ALL.len())];
            if !slips.contains(&slip) && self.apply(&mut p, slip) {
                slips.push(slip);
            }
        }
        // A second registration rarely brings every number along.
        if self.g.rng.random_bool(0.4) && p.ssn.is_some() && !slips.contains(&Slip::SsnSlip) {
            p.ssn = None;
            slips.push(Slip::NoSsn);
        }
        slips.sort();
        slips.dedup();
        (p, slips)
    }

    fn apply(&mut self, p: &mut Patient, slip: Slip) -> bool {
        let rng = &mut self.g.rng;
        match slip {
            Slip::GivenTypo if p.name.given.len() >= 4 => {
                p.name.given = names::typo(&p.name.given, rng);
            }
            Slip::FamilyTypo if p.name.family.len() >= 4 => {
                p.name.family = names::typo(&p.name.family, rng);
            }
            Slip::Nickname if self.g.names.has_nickname(&p.name.given) => {
                match self.g.names.nickname(&p.name.given, rng) {
                    Some(nick) if nick != p.name.given => p.name.given = nick,
                    _ => return false,
                }
            }
            Slip::MarriedName if p.sex == Sex::Female && p.age_on(self.g.as_of) >= 20 => {
                let new = self.g.surname();
                if new == p.name.family {
                    return false;
                }
                if self.g.rng.random_bool(0.5) {
                    let mut maiden = p.name.clone();
                    maiden.suffix = None;
                    p.other_names.push(AltName {
                        kind: NameKind::Maiden,
                        name: maiden,
                    });
                }
                p.name.family = new;
            }
            Slip::HyphenPart => {
                if let Some((first, _)) = p.name.family.split_once('-') {
                    p.name.family = first.to_string();
                } else {
                    let other = self.g.surname();
                    p.name.family = format!("{}-{other}", p.name.family);
                }
            }
            Slip::DobSwap if p.dob.day() <= 12 && p.dob.day() != p.dob.month() => {
                match NaiveDate::from_ymd_opt(p.dob.year(), p.dob.day(), p.dob.month()) {
                    Some(d) => p.dob = d,
                    None => return false,
                }
            }
            Slip::DobSlip => {
                let key = p.dob.format("%Y%m%d").to_string().into_bytes();
                let at = rng.random_range(3..8);
                let mut k = key.clone();
                k[at] = b'0' + ((k[at] - b'0' + rng.random_range(1..10)) % 10);
                let text = String::from_utf8_lossy(&k).to_string();
                match NaiveDate::parse_from_str(&text, "%Y%m%d") {
                    Ok(d) if d < self.g.as_of && d != p.dob => p.dob = d,
                    _ => return false,
                }
            }
            Slip::NoSsn if p.ssn.is_some() => p.ssn = None,
            Slip::SsnSlip if p.ssn.is_some() => {
                let digits = p
                    .ssn
                    .as_ref()
                    .map(|s| s.digits().to_string())
                    .unwrap_or_default();
                let mut d = digits.into_bytes();
                let at = rng.random_range(1..9);
                if rng.random_bool(0.5) && at < 8 && d[at] != d[at + 1] {
                    d.swap(at, at + 1);
                } else {
                    d[at] = b'0' + ((d[at] - b'0' + rng.random_range(1..10)) % 10);
                }
                p.ssn = Ssn::parse(&String::from_utf8_lossy(&d));
            }
            Slip::Moved => {
                let home = places::household(rng);
                p.address = Some(home.address);
                p.phones = vec![home.phone];
            }
            Slip::MiddleDropped if p.name.middle.is_some() => p.name.middle = None,
            Slip::GoesByMiddle => match p.name.middle.clone().filter(|m| m.len() > 1) {
                Some(m) => {
                    p.name.middle = None;
                    p.name.given = m;
                }
                None => return false,
            },
            Slip::SuffixDropped if p.name.suffix.is_some() => p.name.suffix = None,
            _ => return false,
        }
        true
    }
}

/// Builds an answer-key population of about `patients` charts (seeded, deterministic).
pub fn duplicate_eval(patients: u64, seed: u64) -> Result<DuplicateEval, GenerateError> {
    let options = GenerateOptions {
        patients,
        seed,
        ..GenerateOptions::default()
    };
    let mut b = Builder {
        g: Generator::new(&options)?,
        out: DuplicateEval::default(),
    };
    while (b.out.patients.len() as u64) < patients {
        let roll = b.g.rng.random_range(0..1000);
        match roll {
            0..=629 => {
                let p = b.g.single();
                b.add_unit(vec![p], None);
            }
            630..=739 => {
                let u = b.g.couple();
                b.add_unit(u, None);
            }
            740..=819 => {
                let u = b.g.family();
                b.add_unit(u, None);
            }
            820..=879 => {
                let mut u = b.g.father_and_son();
                // Some sons are registered with their father's SSN.
                if b.g.rng.random_bool(0.1) && u.len() == 2 {
                    u[1].ssn = u[0].ssn.clone();
                }
                b.add_unit(u, Some(LookAlikeKind::JrSr));
            }
            880..=939 => {
                let u = b.g.twins();
                b.add_unit(u, Some(LookAlikeKind::Twins));
            }
            940..=969 => {
                let u = b.g.lookalikes();
                b.add_unit(u, Some(LookAlikeKind::LookAlikeNames));
            }
            _ => {
                let first = b.g.single();
                let mut second = b.g.single();
                second.ssn = first.ssn.clone().or_else(|| b.g.ssn());
                let mut first = first;
                first.ssn = second.ssn.clone();
                b.add_unit(vec![first, second], Some(LookAlikeKind::SharedSsn));
            }
        }
    }
    Ok(b.out)
}
