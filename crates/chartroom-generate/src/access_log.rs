//! A month of access-log traffic over a generated (or imported) population: a staff
//! roster, ordinary work that follows the encounters (attendings, the unit's nurses,
//! records staff after discharge), snooping of every rule's kind planted among it, and
//! legitimate look-alikes that must rank low. Used by the demo, the ranking eval and
//! the benchmarks.

use super::GenerateError;
use chartroom_domain::privacy::RosterEntry;
use chartroom_domain::{Encounter, EncounterClass, Patient, Provider};
use chartroom_store::{AccessRow, AccessWriter, NameKind, Store};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashMap};

/// What to generate.
#[derive(Clone, Debug)]
pub struct AccessLogOptions {
    pub seed: u64,
    /// The day after the last day of traffic.
    pub end: NaiveDate,
    pub days: u32,
    /// The hospital's UTC offset (seconds east); times are written in it.
    pub offset_secs: i32,
    /// Patients considered (a sample of the population keeps big stores quick).
    pub max_patients: usize,
}

impl AccessLogOptions {
    pub fn new(seed: u64, end: NaiveDate) -> Self {
        AccessLogOptions {
            seed,
            end,
            days: 30,
            offset_secs: -5 * 3600,
            max_patients: 20_000,
        }
    }
}

/// One planted case: snooping (`legit == false`) or a legitimate look-alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlantedCase {
    /// The rule it is planted for (`same_last_name`, ...).
    pub kind: &'static str,
    pub user_id: String,
    pub patient_id: String,
    pub legit: bool,
}

/// What was generated.
#[derive(Clone, Debug, Default)]
pub struct AccessLogReport {
    pub roster: usize,
    pub events: u64,
    pub planted: Vec<PlantedCase>,
}

const HIM: &str = "Health Information Management";
const STAFF_TOWN: &str = "Riverton, MA 01999";

struct Event {
    time: NaiveDateTime,
    user: String,
    patient: String,
    action: &'static str,
    department: String,
}

struct World {
    rng: ChaCha8Rng,
    start: NaiveDateTime,
    end: NaiveDateTime,
    offset: i32,
    roster: Vec<RosterEntry>,
    events: Vec<Event>,
    planted: Vec<PlantedCase>,
}

impl World {
    /// A UTC time on `day` at local `hour:minute`.
    fn at(&self, day: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
        let local =
            day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN));
        local - Duration::seconds(i64::from(self.offset))
    }

    fn day_time(&mut self, day: NaiveDate) -> NaiveDateTime {
        let (h, m) = (self.rng.random_range(8..17), self.rng.random_range(0..60));
        self.at(day, h, m)
    }

    fn random_day(&mut self) -> NaiveDate {
        let days = (self.end - self.start).num_days().max(1);
        self.start.date() + Duration::days(self.rng.random_range(0..days))
    }

    /// A weekday in the window (working-hours traffic).
    fn random_weekday(&mut self) -> NaiveDate {
        use chrono::Datelike;
        loop {
            let d = self.random_day();
            if d.weekday().number_from_monday() <= 5 {
                return d;
            }
        }
    }

    fn user(&mut self, id: &str, name: String, department: &str, role: &str) {
        self.roster.push(RosterEntry {
            user_id: id.to_string(),
            name,
            department: department.to_string(),
            role: role.to_string(),
            home_address: format!("{} Birch Hollow Rd, {STAFF_TOWN}", 10 + self.roster.len()),
            linked_patient_id: None,
            provider_id: None,
        });
    }

    fn roster_mut(&mut self, id: &str) -> Option<&mut RosterEntry> {
        self.roster.iter_mut().find(|r| r.user_id == id)
    }

    fn access(
        &mut self,
        time: NaiveDateTime,
        user: &str,
        patient: &str,
        action: &'static str,
        department: &str,
    ) {
        if time >= self.start && time < self.end {
            self.events.push(Event {
                time,
                user: user.to_string(),
                patient: patient.to_string(),
                action,
                department: department.to_string(),
            });
        }
    }

    fn plant(&mut self, kind: &'static str, user: &str, patient: &str, legit: bool) {
        self.planted.push(PlantedCase {
            kind,
            user_id: user.into(),
            patient_id: patient.into(),
            legit,
        });
    }
}

const GIVEN: [&str; 12] = [
    "Alex", "Jordan", "Sam", "Casey", "Riley", "Morgan", "Taylor", "Jamie", "Drew", "Quinn",
    "Avery", "Robin",
];

/// Generates the roster and a month of traffic into `store` (one import transaction),
/// flagging a few charts VIP / employee where the population has none.
pub fn generate_access_log(
    store: &Store,
    options: &AccessLogOptions,
) -> Result<AccessLogReport, GenerateError> {
    let read = store.read()?;
    let providers: HashMap<_, Provider> =
        read.providers()?.into_iter().map(|p| (p.id, p)).collect();
    let mut patients: Vec<Patient> = Vec::new();
    for p in read.patients()? {
        patients.push(p?);
        if patients.len() >= options.max_patients {
            break;
        }
    }
    let start = (options.end - Duration::days(i64::from(options.days))).and_time(NaiveTime::MIN);
    let end = options.end.and_time(NaiveTime::MIN);
    let mut active: Vec<(Encounter, String)> = Vec::new();
    let mut cold: Vec<&Patient> = Vec::new();
    // The last day each chart had care: a chart the plants mark deceased must not have
    // visits after its date of death (the overlay check would rightly flag it).
    let mut last_care: HashMap<chartroom_domain::PatientId, NaiveDate> = HashMap::new();
    for p in &patients {
        let encounters = read.encounters_of(p.id)?;
        let mut busy = false;
        for e in encounters {
            let last = e.discharge.unwrap_or(end);
            let day = last_care.entry(p.id).or_insert(last.date());
            *day = (*day).max(last.date());
            if e.admit < end && last >= start - Duration::days(60) {
                busy = true;
            }
            if e.admit < end && last >= start {
                active.push((e, p.source_id()));
            }
        }
        if !busy
            && p.staff_link.is_none()
            && p.flags.deceased.is_none()
            && !p.flags.vip
            && !p.flags.employee
        {
            cold.push(p);
        }
    }
    let mut w = World {
        rng: ChaCha8Rng::seed_from_u64(options.seed ^ 0xacce55),
        start,
        end,
        offset: options.offset_secs,
        roster: Vec::new(),
        events: Vec::new(),
        planted: Vec::new(),
    };

    // ---- roster: attendings, each unit's nurses, records staff, registration ----
    let mut departments: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (e, _) in &active {
        departments.entry(e.location.clone()).or_default();
    }
    let mut physicians: HashMap<_, String> = HashMap::new();
    for (e, _) in &active {
        if let Some(p) = e.attending.and_then(|a| providers.get(&a)) {
            if let std::collections::hash_map::Entry::Vacant(slot) = physicians.entry(p.id) {
                let id = format!("dr{}", p.id);
                w.user(&id, p.name.clone(), &e.location, "physician");
                if let Some(r) = w.roster_mut(&id) {
                    r.provider_id = Some(p.report_id());
                }
                slot.insert(id);
            }
        }
    }
    let mut n = 0;
    for (dept, nurses) in departments.iter_mut() {
        for _ in 0..3 {
            n += 1;
            let id = format!("rn{n}");
            let name = format!("{} Staffer{n}", GIVEN[n % GIVEN.len()]);
            w.user(&id, name, dept, "nurse");
            nurses.push(id);
        }
    }
    for (k, given) in GIVEN.iter().enumerate().skip(1).take(4) {
        w.user(
            &format!("him{k}"),
            format!("{given} Recordkeeper{k}"),
            HIM,
            "coder",
        );
    }

    // ---- ordinary work ----
    for (e, patient) in &active {
        let first = e.admit.max(start);
        let last = e.discharge.unwrap_or(end).min(end - Duration::minutes(1));
        let span = (last - first).num_minutes().max(1);
        let round_the_clock =
            e.class == EncounterClass::Emergency || e.class == EncounterClass::Inpatient;
        if let Some(doc) = e.attending.and_then(|a| physicians.get(&a)).cloned() {
            for _ in 0..w.rng.random_range(2..5) {
                let t = first + Duration::minutes(w.rng.random_range(0..span));
                w.access(t, &doc, patient, "view", &e.location);
            }
        }
        let nurses = departments.get(&e.location).cloned().unwrap_or_default();
        for nurse in nurses
            .iter()
            .take(w.rng.random_range(1..=nurses.len().max(1)))
        {
            for _ in 0..w.rng.random_range(1..4) {
                let mut t = first + Duration::minutes(w.rng.random_range(0..span));
                if !round_the_clock {
                    t = w.day_time(first.date().max(t.date()));
                }
                w.access(t, nurse, patient, "view", &e.location);
            }
        }
        if let Some(discharge) = e.discharge {
            let k = w.rng.random_range(1..=4);
            let day = (discharge + Duration::days(w.rng.random_range(1..5))).date();
            let t = w.day_time(day);
            w.access(t, &format!("him{k}"), patient, "view", HIM);
        }
    }

    // ---- planted snooping and look-alikes ----
    // The planted charts are set aside first, so background traffic (a coder's steady
    // volume, the registrar's burst) never touches them by chance.
    cold.shuffle(&mut w.rng);
    let reserved = cold.len().min(24);
    let (targets, background) = cold.split_at(reserved);
    let mut targets: Vec<Patient> = targets.iter().map(|p| (*p).clone()).collect();
    let background: Vec<Patient> = background.iter().map(|p| (*p).clone()).collect();
    let mut pick_target = move || targets.pop();
    let pick_cold = |rng: &mut ChaCha8Rng| background.choose(rng).cloned();
    let depts: Vec<String> = departments.keys().cloned().collect();
    let day_dept = depts
        .iter()
        .find(|d| d.contains("Clinic"))
        .or(depts.first())
        .cloned()
        .unwrap_or_else(|| "Heart Center".into());
    let mut planted_patients: Vec<Patient> = Vec::new();
    let snoop =
        |w: &mut World, kind: &'static str, user: &str, dept: &str, p: &Patient, times: usize| {
            for _ in 0..times {
                let day = w.random_weekday();
                let t = w.day_time(day);
                w.access(t, user, &p.source_id(), "view", dept);
            }
            w.plant(kind, user, &p.source_id(), false);
        };
    if let Some(p) = pick_target() {
        w.user(
            "sn-name",
            format!("Dana {}", p.name.family),
            &day_dept,
            "nurse",
        );
        snoop(&mut w, "same_last_name", "sn-name", &day_dept, &p, 2);
    }
    if let Some(p) = pick_target() {
        if let Some(a) = p.address.clone() {
            w.user("sn-home", "Lee Homebody".into(), &day_dept, "clerk");
            if let Some(r) = w.roster_mut("sn-home") {
                r.home_address = format!("{}, {}, {} {}", a.line, a.city, a.state, a.zip);
            }
            snoop(&mut w, "same_address", "sn-home", &day_dept, &p, 1);
        }
    }
    if let Some(p) = pick_target() {
        w.user("sn-self", "Pat Selfview".into(), &day_dept, "nurse");
        if let Some(r) = w.roster_mut("sn-self") {
            r.linked_patient_id = Some(p.source_id());
        }
        snoop(&mut w, "self_access", "sn-self", &day_dept, &p, 3);
    }
    if let Some(p) = pick_target() {
        w.user("cw-patient", "Chris Coworker".into(), &day_dept, "nurse");
        if let Some(r) = w.roster_mut("cw-patient") {
            r.linked_patient_id = Some(p.source_id());
        }
        w.user("sn-cowork", "Kim Curious".into(), &day_dept, "nurse");
        snoop(&mut w, "coworker", "sn-cowork", &day_dept, &p, 2);
    }
    if let Some(mut p) = pick_target() {
        p.flags.vip = true;
        planted_patients.push(p.clone());
        w.user("sn-vip", "Val Starwatcher".into(), &day_dept, "clerk");
        snoop(&mut w, "vip", "sn-vip", &day_dept, &p, 1);
    }
    if let Some(mut p) = pick_target() {
        p.flags.employee = true;
        planted_patients.push(p.clone());
        w.user("sn-emp", "Em Ployeewatch".into(), &day_dept, "clerk");
        snoop(&mut w, "employee", "sn-emp", &day_dept, &p, 1);
    }
    if let Some(mut p) = pick_target() {
        let after_care = last_care.get(&p.id).map(|d| *d + Duration::days(1));
        p.flags.deceased =
            Some((options.end - Duration::days(400)).max(after_care.unwrap_or_default()));
        planted_patients.push(p.clone());
        w.user("sn-dead", "Mort Lookback".into(), &day_dept, "clerk");
        snoop(&mut w, "deceased", "sn-dead", &day_dept, &p, 1);
    }
    if let Some(p) = pick_target() {
        w.user("sn-nocare", "Ned Wanderer".into(), &day_dept, "nurse");
        snoop(
            &mut w,
            "no_care_relationship",
            "sn-nocare",
            &day_dept,
            &p,
            4,
        );
    }
    if let Some(p) = pick_target() {
        w.user("sn-night", "Nia Nightowl".into(), &day_dept, "clerk");
        let day = w.random_weekday();
        let t = w.at(day, 2, 40);
        w.access(t, "sn-night", &p.source_id(), "view", &day_dept);
        let t = w.at(day, 3, 5);
        w.access(t, "sn-night", &p.source_id(), "print", &day_dept);
        w.plant("after_hours", "sn-night", &p.source_id(), false);
    }
    if let Some(p) = pick_target() {
        w.user("sn-glass", "Gus Glassbreaker".into(), &day_dept, "clerk");
        let day = w.random_weekday();
        let t = w.day_time(day);
        w.access(t, "sn-glass", &p.source_id(), "break-glass", &day_dept);
        w.plant("break_glass", "sn-glass", &p.source_id(), false);
    }
    if let Some(p) = pick_target() {
        w.user("sn-roam", "Rae Roamer".into(), &day_dept, "nurse");
        let other = depts
            .iter()
            .find(|d| **d != day_dept)
            .cloned()
            .unwrap_or_else(|| "Cancer Center Infusion".into());
        let day = w.random_weekday();
        let t = w.day_time(day);
        w.access(t, "sn-roam", &p.source_id(), "view", &other);
        let t = w.day_time(day) + Duration::minutes(7);
        w.access(t, "sn-roam", &p.source_id(), "view", &other);
        w.plant("department_mismatch", "sn-roam", &p.source_id(), false);
    }
    // Repeat offender: three after-hours looks at three unrelated charts.
    w.user("sn-repeat", "Ray Peat".into(), &day_dept, "clerk");
    for _ in 0..3 {
        if let Some(p) = pick_target() {
            for k in 0..3 {
                let day = w.random_weekday();
                let t = w.at(day, 21, 10 + 10 * k);
                w.access(t, "sn-repeat", &p.source_id(), "view", &day_dept);
            }
            w.plant("repeat_offender", "sn-repeat", &p.source_id(), false);
        }
    }
    // Volume spike: a registrar's usual handful a day, then one day of ninety charts.
    w.user(
        "sn-burst",
        "Bo Bulkview".into(),
        "Registration",
        "registrar",
    );
    for _ in 0..20 {
        let day = w.random_weekday();
        for _ in 0..6 {
            if let Some(p) = pick_cold(&mut w.rng) {
                let t = w.day_time(day);
                w.access(t, "sn-burst", &p.source_id(), "view", "Registration");
            }
        }
    }
    let burst_day = w.random_weekday();
    let mut first_burst = None;
    for _ in 0..90 {
        if let Some(p) = pick_cold(&mut w.rng) {
            let t = w.day_time(burst_day);
            w.access(t, "sn-burst", &p.source_id(), "view", "Registration");
            first_burst.get_or_insert(p.source_id());
        }
    }
    if let Some(p) = first_burst {
        w.plant("volume_spike", "sn-burst", &p, false);
    }

    // Look-alikes: a nurse with the patient's last name on the patient's own unit, the
    // ED's nights, a break-the-glass in the ED, records staff after a death, the VIP's
    // own attending, and a coder's steady high volume.
    let inpatient = active
        .iter()
        .find(|(e, _)| {
            e.class != EncounterClass::Emergency && departments.contains_key(&e.location)
        })
        .cloned();
    if let Some((e, pid)) = inpatient {
        let family = patients
            .iter()
            .find(|p| p.source_id() == pid)
            .map(|p| p.name.family.clone())
            .unwrap_or_default();
        w.user("la-twin", format!("Sam {family}"), &e.location, "nurse");
        let t = e.admit.max(start) + Duration::hours(2);
        w.access(t, "la-twin", &pid, "view", &e.location);
        w.plant("same_last_name", "la-twin", &pid, true);
        if let Some(doc) = e.attending.and_then(|a| physicians.get(&a)).cloned() {
            if let Some(mut p) = patients.iter().find(|p| p.source_id() == pid).cloned() {
                p.flags.vip = true;
                planted_patients.push(p);
                w.plant("vip", &doc, &pid, true);
            }
        }
    }
    let ed = active
        .iter()
        .find(|(e, _)| e.class == EncounterClass::Emergency && e.admit >= start)
        .cloned();
    if let Some((e, pid)) = ed {
        w.user("la-ednight", "Eve Nightshift".into(), &e.location, "nurse");
        w.access(
            e.admit + Duration::minutes(30),
            "la-ednight",
            &pid,
            "view",
            &e.location,
        );
        w.plant("after_hours", "la-ednight", &pid, true);
        w.user("la-edglass", "Ed Glass".into(), &e.location, "physician");
        w.access(
            e.admit + Duration::minutes(45),
            "la-edglass",
            &pid,
            "break-glass",
            &e.location,
        );
        w.plant("break_glass", "la-edglass", &pid, true);
    }
    if let Some(mut p) = pick_target() {
        p.flags.deceased = Some(options.end - Duration::days(20));
        planted_patients.push(p.clone());
        let day = w.random_weekday();
        let t = w.day_time(day);
        w.access(t, "him1", &p.source_id(), "view", HIM);
        w.plant("deceased", "him1", &p.source_id(), true);
    }
    for _ in 0..20 {
        let day = w.random_weekday();
        for _ in 0..30 {
            if let Some(p) = pick_cold(&mut w.rng) {
                let t = w.day_time(day);
                w.access(t, "him2", &p.source_id(), "view", HIM);
            }
        }
    }
    drop(read);

    // ---- write ----
    if !planted_patients.is_empty() {
        let mut tx = store.write()?;
        for p in &planted_patients {
            tx.put_patient(p)?;
        }
        tx.commit()?;
    }
    let offset = options.offset_secs;
    let roster = w.roster.clone();
    let mut events = std::mem::take(&mut w.events);
    events.sort_by_key(|a| a.time);
    let count = events.len() as u64;
    store.import_access(|writer: &mut AccessWriter<'_>| {
        for entry in &roster {
            writer.put_roster(entry)?;
        }
        let source = writer.intern(NameKind::Source, "demo")?;
        for e in &events {
            let row = AccessRow {
                patient: writer.intern(NameKind::Patient, &e.patient)?,
                time_us: e.time.and_utc().timestamp_micros(),
                user: writer.intern(NameKind::User, &e.user)?,
                action: writer.intern(NameKind::Action, e.action)?,
                workstation: writer
                    .intern(NameKind::Workstation, &format!("WS-{}", e.department.len()))?,
                department: writer.intern(NameKind::Department, &e.department)?,
                source,
                offset_secs: offset,
            };
            writer.add(row)?;
        }
        Ok::<(), GenerateError>(())
    })?;
    Ok(AccessLogReport {
        roster: roster.len(),
        events: count,
        planted: w.planted,
    })
}
