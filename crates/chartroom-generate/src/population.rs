//! People and households: who is in the demo registry and how they are related.
//!
//! Patients come in units drawn one after another from the seeded stream: single
//! people, couples (married names with the maiden name kept), families, father/son
//! pairs sharing a name and address (Sr/Jr, II/III), twins, look-alike pairs
//! (Smith/Smyth), and staff members with a chart of their own. A few charts are
//! registered twice (planted duplicates, listed in the report).

use super::names::{self, Names, GIVEN_LOOKALIKES, SURNAME_LOOKALIKES};
use super::notes::{self, Templates};
use super::places::{self, Household};
use super::roster::{self, ProviderRoster, StaffPerson};
use super::sink::Sink;
use super::{DuplicateChange, GenerateError, GenerateOptions, GenerateReport, PlantedDuplicate};
use chartroom_domain::{
    AltName, Identifier, Mrn, NameKind, Patient, PatientFlags, PatientId, PersonName,
    SensitiveCategory, Sex, Ssn,
};
use chrono::{Datelike, Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

/// Share of charts that get a planted duplicate.
const DUPLICATE_RATE: f64 = 0.004;

pub(crate) struct Generator {
    pub(super) rng: ChaCha8Rng,
    /// The seed, for choices that do not draw from `rng` (`loose_ends`).
    pub(super) seed: u64,
    pub(super) names: &'static Names,
    pub(super) templates: &'static Templates,
    pub(super) as_of: NaiveDate,
    pub(super) providers: ProviderRoster,
    pub(super) report: GenerateReport,
    total: u64,
    written: u64,
    staff: Vec<StaffPerson>,
    staff_charts_done: bool,
    /// Originals waiting for their planted duplicate, with the patient count it is due at.
    pending: VecDeque<(Patient, u64)>,
    /// Patients of the budget kept for pending duplicates.
    reserved: u64,
}

/// A unit's people before they get ids.
type Unit = Vec<Patient>;

impl Generator {
    pub(crate) fn new(options: &GenerateOptions) -> Result<Generator, GenerateError> {
        Ok(Generator {
            rng: ChaCha8Rng::seed_from_u64(options.seed),
            seed: options.seed,
            names: names::names()?,
            templates: notes::templates()?,
            as_of: options.as_of,
            providers: ProviderRoster::default(),
            report: GenerateReport::default(),
            total: options.patients,
            written: 0,
            staff: Vec::new(),
            staff_charts_done: false,
            pending: VecDeque::new(),
            reserved: 0,
        })
    }

    pub(crate) fn remaining(&self) -> u64 {
        self.total - self.written
    }

    pub(crate) fn into_report(self) -> GenerateReport {
        self.report
    }

    /// Providers and staff users (one transaction before the patients).
    pub(crate) fn write_roster<S: Sink>(&mut self, sink: &mut S) -> Result<(), GenerateError> {
        self.providers = roster::write_providers(sink, &mut self.rng, self.names, self.total)?;
        self.report.providers = self.providers.count;
        self.staff = roster::write_staff(sink, &mut self.rng, self.names, self.total)?;
        // the staff and the research login (`roster::write_staff`)
        self.report.users = self.staff.len() as u64 + 1;
        Ok(())
    }

    /// Writes about `max` patients (with their encounters and notes); returns how many.
    /// A household is never split across batches, so a batch may run a few over `max`;
    /// all decisions depend on the overall remainder only, so the batch size never
    /// changes the data.
    pub(crate) fn write_batch<S: Sink>(
        &mut self,
        sink: &mut S,
        max: u64,
    ) -> Result<u64, GenerateError> {
        let target = max.min(self.remaining());
        let mut done = 0;
        if !self.staff_charts_done {
            self.staff_charts_done = true;
            done += self.write_staff_charts(sink, self.total)?;
        }
        while done < target {
            // A planted duplicate is registered a while after its original (its MRN is
            // not the next one); the last ones are flushed when the budget runs out.
            let left = self.remaining() - done - self.reserved;
            if let Some((_, due)) = self.pending.front() {
                if *due <= self.report.patients || left == 0 {
                    if let Some((original, _)) = self.pending.pop_front() {
                        self.reserved -= 1;
                        self.plant_duplicate(sink, &original)?;
                        done += 1;
                        continue;
                    }
                }
            }
            let unit = self.unit(left);
            done += self.write_unit(sink, unit, left)?;
        }
        self.written += done;
        Ok(done)
    }

    /// Writes a unit (`budget` ≥ its size); some of its people get a duplicate chart
    /// queued for later while the budget has room for it.
    fn write_unit<S: Sink>(
        &mut self,
        sink: &mut S,
        unit: Unit,
        budget: u64,
    ) -> Result<u64, GenerateError> {
        let size = unit.len() as u64;
        let mut spare = budget - size;
        for patient in unit {
            let (id, mrn) = self.emit(sink, patient.clone())?;
            if spare > 0 && self.rng.random_bool(DUPLICATE_RATE) {
                let mut original = patient;
                original.id = id;
                original.mrn = mrn;
                let due = self.report.patients
                    + self.rng.random_range(20..(self.total / 8).clamp(21, 3000));
                self.pending.push_back((original, due));
                self.reserved += 1;
                spare -= 1;
            }
        }
        Ok(size)
    }

    /// Gives the patient its ids, writes it and its encounter history.
    fn emit<S: Sink>(
        &mut self,
        sink: &mut S,
        mut patient: Patient,
    ) -> Result<(PatientId, Mrn), GenerateError> {
        patient.id = sink.next_patient_id()?;
        patient.mrn = sink.next_mrn()?;
        sink.put_patient(&patient)?;
        let r = &mut self.report;
        r.patients += 1;
        r.deceased += u64::from(patient.flags.deceased.is_some());
        r.vip += u64::from(patient.flags.vip);
        r.restricted += u64::from(patient.flags.restricted);
        r.sensitive += u64::from(!patient.flags.sensitive.is_empty());
        r.nickname_aliases += u64::from(
            patient
                .other_names
                .iter()
                .any(|a| a.kind == NameKind::Alias),
        );
        r.married_names += u64::from(
            patient
                .other_names
                .iter()
                .any(|a| a.kind == NameKind::Maiden),
        );
        r.hyphenated_names += u64::from(patient.name.family.contains('-'));
        self.write_history(sink, &patient)?;
        Ok((patient.id, patient.mrn))
    }

    /// Draws the next unit of people; never more than `budget`.
    fn unit(&mut self, budget: u64) -> Unit {
        let roll = self.rng.random_range(0..1000);
        let unit = match roll {
            0..=689 => vec![self.single()],
            690..=809 => self.couple(),
            810..=899 => self.family(),
            900..=949 => self.father_and_son(),
            950..=979 => self.twins(),
            _ => self.lookalikes(),
        };
        if unit.len() as u64 > budget {
            return vec![self.single()];
        }
        match unit.len() {
            2 if (950..980).contains(&roll) => self.report.twin_pairs += 1,
            2 if roll >= 980 => self.report.lookalike_pairs += 1,
            2 if (900..950).contains(&roll) => self.report.suffix_pairs += 1,
            _ => {}
        }
        unit
    }

    fn sex(&mut self) -> Sex {
        match self.rng.random_range(0..1000) {
            0..=509 => Sex::Female,
            510..=995 => Sex::Male,
            996..=997 => Sex::Other,
            _ => Sex::Unknown,
        }
    }

    fn given(&mut self, sex: Sex) -> String {
        let female = match sex {
            Sex::Female => true,
            Sex::Male => false,
            _ => self.rng.random_bool(0.5),
        };
        let table = if female {
            &self.names.female
        } else {
            &self.names.male
        };
        table.sample(&mut self.rng).to_string()
    }

    pub(crate) fn surname(&mut self) -> String {
        self.names.last.sample(&mut self.rng).to_string()
    }

    /// Age in years, shaped like a hospital's catchment (fewer of the very old).
    fn age(&mut self) -> u32 {
        const DECADES: [u32; 11] = [12, 11, 12, 13, 13, 13, 12, 9, 5, 1, 0];
        let total: u32 = DECADES.iter().sum();
        let mut pick = self.rng.random_range(0..total);
        for (decade, weight) in DECADES.iter().enumerate() {
            if pick < *weight {
                return decade as u32 * 10 + self.rng.random_range(0..10);
            }
            pick -= weight;
        }
        100
    }

    fn dob_for_age(&mut self, age: u32) -> NaiveDate {
        let days = u64::from(age) * 365 + u64::from(age / 4) + self.rng.random_range(0..365);
        self.as_of
            .checked_sub_days(Days::new(days + 1))
            .unwrap_or(self.as_of)
    }

    /// A new person in `household`, with everything but names of relatives decided.
    fn person(
        &mut self,
        sex: Sex,
        family: String,
        dob: NaiveDate,
        household: &Household,
    ) -> Patient {
        let given = self.given(sex);
        let middle = match self.rng.random_range(0..100) {
            0..=54 => Some(self.given(sex)),
            55..=79 => {
                let m = self.given(sex);
                m.chars().next().map(|c| c.to_string())
            }
            _ => None,
        };
        let mut name = PersonName::new(given, family);
        name.middle = middle.filter(|m| *m != name.given);
        if self.rng.random_bool(0.004) {
            name.prefix = Some(["Dr.", "Rev.", "Sr."][self.rng.random_range(0..3)].to_string());
        }
        let mut phones = Vec::new();
        if self.rng.random_bool(0.9) {
            phones.push(household.phone.clone());
        }
        if self.rng.random_bool(0.35) {
            phones.push(places::mobile(&mut self.rng));
        }
        let ssn = self.rng.random_bool(0.85).then(|| self.ssn()).flatten();
        let mut patient = Patient {
            id: PatientId(0),
            mrn: Mrn(0),
            name,
            other_names: Vec::new(),
            dob,
            sex,
            address: Some(household.address.clone()),
            phones,
            ssn,
            flags: PatientFlags::default(),
            identifiers: Vec::<Identifier>::new(),
            staff_link: None,
        };
        if self.rng.random_bool(0.15) {
            self.add_nickname(&mut patient);
        }
        self.flags(&mut patient);
        patient
    }

    /// `9AA-GG-SSSS`: area numbers 900-999 are never issued, so no real SSN comes out.
    pub(crate) fn ssn(&mut self) -> Option<Ssn> {
        let text = format!(
            "9{:02}-{:02}-{:04}",
            self.rng.random_range(0..100),
            self.rng.random_range(1..100),
            self.rng.random_range(1..10000)
        );
        Ssn::parse(&text)
    }

    fn add_nickname(&mut self, patient: &mut Patient) {
        if let Some(nick) = self.names.nickname(&patient.name.given, &mut self.rng) {
            if nick != patient.name.given {
                let mut alias = PersonName::new(nick, patient.name.family.clone());
                alias.suffix = patient.name.suffix.clone();
                patient.other_names.push(AltName {
                    kind: NameKind::Alias,
                    name: alias,
                });
            }
        }
    }

    fn flags(&mut self, patient: &mut Patient) {
        let age = patient.age_on(self.as_of).max(0) as f64;
        let p_dead = 0.004 + (age / 100.0).powi(3) * 0.12;
        if self.rng.random_bool(p_dead.min(0.5)) {
            // Died within the last five years (and after birth).
            let span = (self.as_of - patient.dob).num_days().clamp(1, 5 * 365);
            let back = self.rng.random_range(1..=span) as u64;
            patient.flags.deceased = self.as_of.checked_sub_days(Days::new(back));
        }
        patient.flags.vip = self.rng.random_bool(0.002);
        patient.flags.restricted = self.rng.random_bool(0.003);
        patient.flags.employee = self.rng.random_bool(0.006) && age >= 18.0;
        if self.rng.random_bool(0.03) {
            let first =
                SensitiveCategory::ALL[self.rng.random_range(0..SensitiveCategory::ALL.len())];
            patient.flags.sensitive.push(first);
            if self.rng.random_bool(0.2) {
                let second =
                    SensitiveCategory::ALL[self.rng.random_range(0..SensitiveCategory::ALL.len())];
                if second != first {
                    patient.flags.sensitive.push(second);
                    patient.flags.sensitive.sort();
                }
            }
        }
    }

    /// A married name: the birth name kept as maiden (sometimes hyphenated, sometimes
    /// a previous married name too).
    fn marry(&mut self, patient: &mut Patient, spouse_family: &str) {
        let birth = patient.name.family.clone();
        if birth == spouse_family {
            return;
        }
        let mut maiden = PersonName::new(patient.name.given.clone(), birth.clone());
        maiden.middle = patient.name.middle.clone();
        patient.name.family = if self.rng.random_bool(0.1) {
            format!("{birth}-{spouse_family}")
        } else {
            spouse_family.to_string()
        };
        patient.other_names.push(AltName {
            kind: NameKind::Maiden,
            name: maiden,
        });
        if self.rng.random_bool(0.08) {
            let earlier = self.surname();
            patient.other_names.push(AltName {
                kind: NameKind::Previous,
                name: PersonName::new(patient.name.given.clone(), earlier),
            });
        }
        for alias in patient
            .other_names
            .iter_mut()
            .filter(|a| a.kind == NameKind::Alias)
        {
            alias.name.family = patient.name.family.clone();
        }
    }

    pub(crate) fn single(&mut self) -> Patient {
        let household = places::household(&mut self.rng);
        let sex = self.sex();
        let age = self.age();
        let dob = self.dob_for_age(age);
        let family = self.surname();
        let mut patient = self.person(sex, family, dob, &household);
        if sex == Sex::Female && age >= 22 && self.rng.random_bool(0.35) {
            let spouse = self.surname();
            self.marry(&mut patient, &spouse);
        }
        patient
    }

    pub(crate) fn couple(&mut self) -> Unit {
        let household = places::household(&mut self.rng);
        let age = 20 + self.rng.random_range(0..70);
        let family = self.surname();
        let dob = self.dob_for_age(age);
        let husband = self.person(Sex::Male, family.clone(), dob, &household);
        let wife_age = (age as i64 + self.rng.random_range(-6..4)).clamp(18, 100) as u32;
        let wife_dob = self.dob_for_age(wife_age);
        let birth = self.surname();
        let mut wife = self.person(Sex::Female, birth, wife_dob, &household);
        // Most take the spouse's name; some keep their own.
        if self.rng.random_bool(0.85) {
            self.marry(&mut wife, &family);
        }
        vec![husband, wife]
    }

    pub(crate) fn family(&mut self) -> Unit {
        let mut unit = self.couple();
        let parent_age = unit[0].age_on(self.as_of).clamp(20, 60) as u32;
        let family = unit[0].name.family.clone();
        let household = Household::from_patient(&unit[0]);
        let kids = self.rng.random_range(1..=3);
        for _ in 0..kids {
            let age = self.rng.random_range(0..(parent_age - 18).max(1));
            let dob = self.dob_for_age(age);
            let sex = self.sex();
            let mut kid = self.person(sex, family.clone(), dob, &household);
            kid.ssn = if age < 1 { None } else { kid.ssn };
            unit.push(kid);
        }
        unit
    }

    pub(crate) fn father_and_son(&mut self) -> Unit {
        let household = places::household(&mut self.rng);
        let father_age = 40 + self.rng.random_range(0..50);
        let family = self.surname();
        let dob = self.dob_for_age(father_age);
        let mut father = self.person(Sex::Male, family.clone(), dob, &household);
        let son_age = father_age - self.rng.random_range(20..38);
        let son_dob = self.dob_for_age(son_age);
        let mut son = self.person(Sex::Male, family, son_dob, &household);
        son.name.given = father.name.given.clone();
        son.name.middle = father.name.middle.clone();
        son.other_names.clear();
        let (senior, junior) = match self.rng.random_range(0..10) {
            0..=3 => (Some("Sr"), "Jr"),
            4..=7 => (None, "Jr"),
            8 => (Some("II"), "III"),
            _ => (None, "II"),
        };
        father.name.suffix = senior.map(str::to_string);
        son.name.suffix = Some(junior.to_string());
        for alias in father.other_names.iter_mut() {
            alias.name.suffix = father.name.suffix.clone();
        }
        // The son is often known by a nickname that tells him from his father.
        if self.rng.random_bool(0.4) {
            self.add_nickname(&mut son);
        }
        vec![father, son]
    }

    pub(crate) fn twins(&mut self) -> Unit {
        let household = places::household(&mut self.rng);
        let age = self.rng.random_range(0..80);
        let dob = self.dob_for_age(age);
        let family = self.surname();
        let first_sex = self.sex();
        let a = self.person(first_sex, family.clone(), dob, &household);
        let second_sex = if self.rng.random_bool(0.6) {
            first_sex
        } else {
            self.sex()
        };
        let mut b = self.person(second_sex, family, dob, &household);
        while b.name.given == a.name.given {
            b.name.given = self.given(second_sex);
        }
        vec![a, b]
    }

    /// Two different people whose names a clerk could confuse.
    pub(crate) fn lookalikes(&mut self) -> Unit {
        let mut a = self.single();
        let mut b = self.single();
        if self.rng.random_bool(0.5) {
            let (one, other) =
                SURNAME_LOOKALIKES[self.rng.random_range(0..SURNAME_LOOKALIKES.len())];
            a.name.family = one.to_string();
            b.name.family = other.to_string();
            b.name.given = a.name.given.clone();
            b.sex = a.sex;
        } else {
            let (one, other, female) =
                GIVEN_LOOKALIKES[self.rng.random_range(0..GIVEN_LOOKALIKES.len())];
            let sex = if female { Sex::Female } else { Sex::Male };
            a.name.given = one.to_string();
            b.name.given = other.to_string();
            a.sex = sex;
            b.sex = sex;
            b.name.family = a.name.family.clone();
        }
        for p in [&mut a, &mut b] {
            p.other_names.clear();
        }
        vec![a, b]
    }

    /// Staff users who are also patients here (`staff_link` both ways); some with a
    /// spouse at the same address (same last name: a privacy-rule case).
    fn write_staff_charts<S: Sink>(
        &mut self,
        sink: &mut S,
        budget: u64,
    ) -> Result<u64, GenerateError> {
        let wanted = (self.staff.len() as u64 / 5).max(1).min(budget / 4);
        let mut done = 0;
        let mut staff = std::mem::take(&mut self.staff);
        for person in staff.iter_mut().skip(1).step_by(5).take(wanted as usize) {
            if done + 2 > budget {
                break;
            }
            let household = places::household(&mut self.rng);
            let age = 22 + self.rng.random_range(0..43);
            let dob = self.dob_for_age(age);
            let mut patient = self.person(person.sex, person.family.clone(), dob, &household);
            patient.name.given = person.given.clone();
            patient.other_names.clear();
            patient.flags = PatientFlags {
                employee: true,
                ..PatientFlags::default()
            };
            patient.staff_link = Some(person.user.id);
            let spouse = self.rng.random_bool(0.5).then(|| {
                let spouse_sex = if person.sex == Sex::Female {
                    Sex::Male
                } else {
                    Sex::Female
                };
                let age = (age as i64 + self.rng.random_range(-5..6)).clamp(20, 90) as u32;
                let dob = self.dob_for_age(age);
                self.person(spouse_sex, person.family.clone(), dob, &household)
            });
            let (id, _) = self.emit(sink, patient)?;
            person.user.patient_link = Some(id);
            sink.put_user(&person.user)?;
            self.report.staff_patients += 1;
            done += 1;
            if let Some(spouse) = spouse {
                self.emit(sink, spouse)?;
                done += 1;
            }
        }
        self.staff = staff;
        Ok(done)
    }

    /// Registers `original` a second time, the way registration slips make it happen.
    fn plant_duplicate<S: Sink>(
        &mut self,
        sink: &mut S,
        original: &Patient,
    ) -> Result<(), GenerateError> {
        let mut dup = original.clone();
        dup.other_names.clear();
        dup.flags = PatientFlags {
            deceased: original.flags.deceased,
            ..PatientFlags::default()
        };
        dup.staff_link = None;
        if self.rng.random_bool(0.7) {
            dup.ssn = None;
        }
        if self.rng.random_bool(0.5) {
            dup.name.middle = None;
        }
        if self.rng.random_bool(0.4) {
            dup.phones.clear();
        }
        let swapped = NaiveDate::from_ymd_opt(
            original.dob.year(),
            original.dob.day(),
            original.dob.month(),
        )
        .filter(|d| *d != original.dob);
        let change = match self.rng.random_range(0..5) {
            0 => DuplicateChange::FamilyTypo,
            1 => DuplicateChange::GivenTypo,
            2 if self.names.has_nickname(&original.name.given) => DuplicateChange::Nickname,
            3 if swapped.is_some() => DuplicateChange::DobTransposed,
            _ => DuplicateChange::SameDetails,
        };
        match change {
            DuplicateChange::FamilyTypo => {
                dup.name.family = names::typo(&original.name.family, &mut self.rng)
            }
            DuplicateChange::GivenTypo => {
                dup.name.given = names::typo(&original.name.given, &mut self.rng)
            }
            DuplicateChange::Nickname => {
                if let Some(nick) = self.names.nickname(&original.name.given, &mut self.rng) {
                    dup.name.given = nick;
                }
            }
            DuplicateChange::DobTransposed => dup.dob = swapped.unwrap_or(original.dob),
            DuplicateChange::SameDetails => dup.ssn = None,
        }
        let (id, mrn) = self.emit(sink, dup)?;
        self.report.duplicates.push(PlantedDuplicate {
            original: original.id,
            original_mrn: original.mrn,
            duplicate: id,
            duplicate_mrn: mrn,
            change,
        });
        Ok(())
    }
}

impl Household {
    /// The household a patient lives in (for relatives added later).
    fn from_patient(patient: &Patient) -> Household {
        Household::new(
            patient.address.clone().unwrap_or_default(),
            patient.phones.first().cloned().unwrap_or_default(),
        )
    }
}
