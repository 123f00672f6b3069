//! What an ADT message does to the charts: A01/A04 admit or register (create or update
//! the patient and the visit), A08 update, A03 discharge, A40 merge. Other ADT events
//! are acknowledged and skipped; other message types are rejected.
//!
//! Every check that can refuse a message runs before its first write, so a refused
//! message leaves nothing behind in the transaction it shares with the rest of its file.

use super::fields::{self, At, Cx};
use super::parse::{Message, ParseProblem, Segment};
use crate::chart_upsert::{upsert_provider, ProviderFields};
use crate::synthea::{DRIVERS_LICENSE_SYSTEM, PASSPORT_SYSTEM};
use chartroom_domain::duplicates::{self, PairChange};
use chartroom_domain::identity::FEED_MRN_SYSTEM;
use chartroom_domain::{
    decides_identity, Encounter, EncounterClass, EncounterId, Identifier, MergeRecord, Mrn,
    Patient, PatientId, ProviderId, Sex, Ssn,
};
use chartroom_store::{ReadTx, StoreError, WriteTx};
use chrono::{FixedOffset, NaiveDateTime};
use std::collections::{HashMap, HashSet};

/// The acknowledgment code of a message (HL7 table 0008, original mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AckCode {
    /// AA: applied, or acknowledged and skipped.
    Accept,
    /// AE: understood but not applied (unknown patient, bad field).
    Error,
    /// AR: not processed (unsupported message type, unreadable message).
    Reject,
}

impl AckCode {
    pub fn code(self) -> &'static str {
        match self {
            AckCode::Accept => "AA",
            AckCode::Error => "AE",
            AckCode::Reject => "AR",
        }
    }
}

/// What became of one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Applied {
        event: String,
        patients_added: u64,
        encounters_added: u64,
        merges: u64,
    },
    /// Another ADT event: acknowledged (AA), not applied.
    Skipped { event: String },
    Refused {
        code: AckCode,
        event: String,
        reason: String,
    },
}

impl Outcome {
    pub fn ack(&self) -> AckCode {
        match self {
            Outcome::Applied { .. } | Outcome::Skipped { .. } => AckCode::Accept,
            Outcome::Refused { code, .. } => *code,
        }
    }

    fn refused(code: AckCode, event: &str, reason: &str) -> Outcome {
        Outcome::Refused {
            code,
            event: event.to_string(),
            reason: reason.to_string(),
        }
    }
}

/// Why applying stopped: a field that cannot be read, or the store.
#[derive(Debug)]
pub enum ApplyError {
    Data(ParseProblem),
    Store(StoreError),
}

impl From<ParseProblem> for ApplyError {
    fn from(p: ParseProblem) -> Self {
        ApplyError::Data(p)
    }
}

impl From<StoreError> for ApplyError {
    fn from(e: StoreError) -> Self {
        ApplyError::Store(e)
    }
}

/// What earlier messages in the same write transaction wrote: the store's reads see
/// only committed rows, and a file's A01 and A08 for one patient share a transaction.
#[derive(Clone, Default)]
pub struct Overlay {
    patients: HashMap<PatientId, Patient>,
    mrns: HashMap<u32, PatientId>,
    idents: HashMap<(String, String), PatientId>,
    encounters: HashMap<String, Encounter>,
    /// Retired chart → survivor (`None` once unmerged).
    merges: HashMap<PatientId, Option<PatientId>>,
    /// Provider source id → row; kept across transactions (a stale id is re-created
    /// by `upsert_provider`, which checks the row exists).
    pub providers: HashMap<String, ProviderId>,
    touched_providers: HashSet<String>,
}

impl Overlay {
    /// Seeds the provider map from the store.
    pub fn new(read: &ReadTx) -> Result<Overlay, StoreError> {
        let providers = read
            .providers()?
            .into_iter()
            .filter_map(|p| p.source_id.map(|s| (s, p.id)))
            .collect();
        Ok(Overlay {
            providers,
            ..Overlay::default()
        })
    }

    /// Forgets everything but the providers (after a commit or a dropped transaction).
    pub fn reset(&mut self) {
        let providers = std::mem::take(&mut self.providers);
        *self = Overlay {
            providers,
            ..Overlay::default()
        };
    }
}

/// One transaction's view for applying messages.
pub struct Adt<'a, 's> {
    pub read: &'a ReadTx,
    pub tx: &'a mut WriteTx<'s>,
    pub overlay: &'a mut Overlay,
    /// The hospital's zone for timestamps without an offset.
    pub local: FixedOffset,
}

const HANDLED: [&str; 5] = ["A01", "A04", "A08", "A03", "A40"];

fn missing(segment: &str) -> ParseProblem {
    ParseProblem::new(segment, 0, "is missing")
}

impl Adt<'_, '_> {
    /// Applies one parsed message.
    pub fn apply(&mut self, msg: &Message<'_>) -> Result<Outcome, ApplyError> {
        let (kind, trigger) = msg.kind();
        let event = format!("{kind}^{trigger}");
        if kind.is_empty() {
            return Err(ParseProblem::new("MSH", 9, "is missing (message type)").into());
        }
        // Type and event codes are three letters or digits (HL7 tables 0076, 0003): an
        // unfilled template (`{}`) or a shifted field is not a message to answer.
        let code = |c: &str| c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphanumeric());
        if !code(&kind) || !(trigger.is_empty() || code(&trigger)) {
            return Err(ParseProblem::new("MSH", 9, "is not a message type code").into());
        }
        if kind != "ADT" {
            return Ok(Outcome::refused(
                AckCode::Reject,
                &event,
                "unsupported message type",
            ));
        }
        if trigger.is_empty() {
            return Ok(Outcome::refused(
                AckCode::Reject,
                &event,
                "no trigger event (MSH-9 or EVN-1)",
            ));
        }
        if !HANDLED.contains(&trigger.as_str()) {
            return Ok(Outcome::Skipped { event });
        }
        if trigger == "A40" {
            return self.merge(msg, &event);
        }
        let pid = msg.segment("PID").ok_or_else(|| missing("PID"))?;
        let ids = fields::identifiers(pid.field(3));
        let found = match self.find(&ids)? {
            Some(id) => Some(self.survivor(id)?),
            None => None,
        };
        let creates = matches!(trigger.as_str(), "A01" | "A04");
        let new_mrn = ids.iter().find(|c| c.is_mrn()).map(|c| c.value.clone());
        let mut patient = match (found, creates, new_mrn) {
            (Some(id), _, _) => self.patient(id)?.ok_or_else(|| missing("PID"))?,
            (None, true, Some(mrn)) => self.new_patient(&mrn, pid)?,
            (None, true, None) => {
                return Ok(Outcome::refused(
                    AckCode::Error,
                    &event,
                    "unknown patient and no MR identifier in PID-3 to register",
                ))
            }
            (None, false, _) => {
                return Ok(Outcome::refused(AckCode::Error, &event, "unknown patient"))
            }
        };
        let visit = match self.plan_visit(msg, patient.id, &trigger)? {
            Ok(v) => v,
            Err(reason) => return Ok(Outcome::refused(AckCode::Error, &event, reason)),
        };
        super::demographics::apply_pid(&mut patient, pid, msg_time(msg, self.local)?)?;
        self.add_identifiers(&mut patient, &ids)?;
        self.put_patient(patient.clone())?;
        let encounters_added = match visit {
            Some(v) => self.write_visit(msg, v, patient.id)?,
            None => 0,
        };
        Ok(Outcome::Applied {
            event,
            patients_added: u64::from(found.is_none()),
            encounters_added,
            merges: 0,
        })
    }

    // ---- patients ----------------------------------------------------------------

    fn patient(&self, id: PatientId) -> Result<Option<Patient>, StoreError> {
        match self.overlay.patients.get(&id) {
            Some(p) => Ok(Some(p.clone())),
            None => self.read.patient(id),
        }
    }

    fn by_identifier(&self, system: &str, value: &str) -> Result<Option<PatientId>, StoreError> {
        let key = (system.to_string(), value.to_string());
        match self.overlay.idents.get(&key) {
            Some(id) => Ok(Some(*id)),
            None => self.read.patient_by_identifier(system, value),
        }
    }

    fn by_mrn(&self, mrn: u32) -> Result<Option<PatientId>, StoreError> {
        match self.overlay.mrns.get(&mrn) {
            Some(id) => Ok(Some(*id)),
            None => Ok(self.read.patient_by_mrn(Mrn(mrn))?.map(|p| p.id)),
        }
    }

    /// The chart a PID-3 (or MRG-1) means: an MR repetition equal to an MRN on file
    /// (as sent, or chartroom's own), else any other identifier on file, except the
    /// secondary ones (licence, passport, SSN), which never decide a chart.
    fn find(&self, ids: &[Cx]) -> Result<Option<PatientId>, StoreError> {
        for cx in ids.iter().filter(|c| c.is_mrn()) {
            if let Some(id) = self.by_identifier(FEED_MRN_SYSTEM, &cx.value)? {
                return Ok(Some(id));
            }
            if let Some(n) = numeric_mrn(&cx.value) {
                if let Some(id) = self.by_mrn(n)? {
                    return Ok(Some(id));
                }
            }
        }
        for cx in ids.iter().filter(|c| !c.is_mrn() && !c.is_secondary()) {
            for system in candidate_systems(cx) {
                if let Some(id) = self.by_identifier(&system, &cx.value)? {
                    return Ok(Some(id));
                }
            }
        }
        Ok(None)
    }

    /// Follows merges: the chart that stands for `id` now.
    fn survivor(&self, id: PatientId) -> Result<PatientId, StoreError> {
        let mut at = id;
        // A chain longer than this is a loop someone made by hand; stop at its end.
        for _ in 0..32 {
            let next = match self.overlay.merges.get(&at) {
                Some(next) => *next,
                None => self
                    .read
                    .merge_of(at)?
                    .filter(MergeRecord::active)
                    .map(|m| m.survivor),
            };
            match next {
                Some(s) if s != at => at = s,
                _ => break,
            }
        }
        Ok(at)
    }

    /// A new chart for a registration: the MRN is the feed's MR value when it is a
    /// number chartroom's MRN can hold and no chart has it; otherwise a minted one
    /// (the value as sent is kept as an identifier either way).
    fn new_patient(&mut self, mr: &str, pid: &Segment<'_>) -> Result<Patient, ApplyError> {
        let mrn = match numeric_mrn(mr) {
            Some(n) if self.by_mrn(n)?.is_none() => Mrn(n),
            _ => self.tx.next_mrn()?,
        };
        let dob = fields::date_field(At { seg: pid, n: 7 })?.ok_or_else(|| {
            ParseProblem::new("PID", 7, "is missing (a new chart needs a date of birth)")
        })?;
        let name = pid
            .field(5)
            .repetitions()
            .find_map(|r| fields::person_name(&r))
            .ok_or_else(|| ParseProblem::new("PID", 5, "is missing (a new chart needs a name)"))?;
        Ok(Patient::new_chart(
            self.tx.next_patient_id()?,
            mrn,
            name,
            dob,
            Sex::Unknown,
        ))
    }

    /// PID-3's identifiers that the chart does not have yet. A deciding one (MRN as
    /// sent, source id) that another chart holds is left there; secondary ones are
    /// added even when shared (the store flags the pair for review).
    fn add_identifiers(&self, patient: &mut Patient, ids: &[Cx]) -> Result<(), StoreError> {
        for cx in ids {
            if cx.kind == "SS" {
                if let Some(ssn) = Ssn::parse(&cx.value) {
                    patient.ssn = Some(ssn);
                }
                continue;
            }
            let Some(system) = stored_system(cx) else {
                continue;
            };
            let have = patient
                .identifiers
                .iter()
                .any(|i| i.system == system && i.value == cx.value);
            if have {
                continue;
            }
            if decides_identity(&system) {
                if let Some(other) = self.by_identifier(&system, &cx.value)? {
                    if other != patient.id {
                        continue;
                    }
                }
            }
            let identifier = Identifier {
                system,
                value: cx.value.clone(),
            };
            // The MRN as sent goes first, so it is the chart's source id.
            if cx.is_mrn() && patient.identifiers.is_empty() {
                patient.identifiers.insert(0, identifier);
            } else {
                patient.identifiers.push(identifier);
            }
        }
        Ok(())
    }

    fn put_patient(&mut self, patient: Patient) -> Result<(), StoreError> {
        self.tx.put_patient(&patient)?;
        self.overlay.mrns.insert(patient.mrn.0, patient.id);
        for i in &patient.identifiers {
            self.overlay
                .idents
                .entry((i.system.clone(), i.value.clone()))
                .or_insert(patient.id);
        }
        self.overlay.patients.insert(patient.id, patient);
        Ok(())
    }

    // ---- visits ------------------------------------------------------------------

    fn encounter(&self, number: &str) -> Result<Option<Encounter>, StoreError> {
        match self.overlay.encounters.get(number) {
            Some(e) => Ok(Some(e.clone())),
            None => self.read.encounter_by_number(number),
        }
    }

    /// The visit a message names (PV1-19) and the encounter on file for it; refuses a
    /// visit number that is another chart's, or an A03 without one.
    fn plan_visit(
        &self,
        msg: &Message<'_>,
        patient: PatientId,
        trigger: &str,
    ) -> Result<Result<Option<Visit>, &'static str>, ApplyError> {
        let number = msg
            .segment("PV1")
            .map(|pv1| pv1.field(19).text().trim().to_string())
            .unwrap_or_default();
        if number.is_empty() {
            if trigger == "A03" {
                return Ok(Err("no visit number (PV1-19) to discharge"));
            }
            return Ok(Ok(None));
        }
        let existing = self.encounter(&number)?;
        if let Some(e) = &existing {
            if self.survivor(e.patient)? != patient {
                return Ok(Err("the visit number (PV1-19) is another chart's"));
            }
        }
        Ok(Ok(Some(Visit {
            number,
            existing,
            discharge: trigger == "A03",
        })))
    }

    /// Creates or updates the encounter; answers 1 when it is new.
    fn write_visit(
        &mut self,
        msg: &Message<'_>,
        visit: Visit,
        patient: PatientId,
    ) -> Result<u64, ApplyError> {
        let Some(pv1) = msg.segment("PV1") else {
            return Ok(0);
        };
        let fallback = msg_time(msg, self.local)?;
        let admit = fields::time_field(At { seg: pv1, n: 44 }, self.local)?;
        let mut discharge = fields::time_field(At { seg: pv1, n: 45 }, self.local)?;
        if visit.discharge && discharge.is_none() {
            discharge = Some(fallback.ok_or_else(|| {
                ParseProblem::new("PV1", 45, "is missing and the message has no time")
            })?);
        }
        let class_code = pv1.field(2).text();
        let class = (!class_code.trim().is_empty()).then(|| fields::patient_class(&class_code));
        let attending = match pv1
            .field(7)
            .repetitions()
            .find_map(|r| fields::provider(&r))
        {
            Some(xcn) => Some(self.provider(xcn)?),
            None => None,
        };
        let location = location(pv1);
        let reason = msg.segment("PV2").and_then(|pv2| {
            let rep = pv2.field(3).first();
            rep.value(2).or_else(|| rep.value(1))
        });
        let added = visit.existing.is_none();
        let mut encounter = match visit.existing {
            Some(e) => e,
            None => {
                let admit = admit.or(fallback).or(discharge).ok_or_else(|| {
                    ParseProblem::new("PV1", 44, "is missing and the message has no time")
                })?;
                new_encounter(self.tx.next_encounter_id()?, visit.number, patient, admit)
            }
        };
        encounter.patient = patient;
        if let Some(class) = class {
            encounter.class = class;
        }
        if let Some(admit) = admit {
            encounter.admit = admit;
        }
        if discharge.is_some() {
            encounter.discharge = discharge;
            // The discharge's calendar date (the completion clock) is the hospital's.
            encounter.discharge_offset_secs = self.local.local_minus_utc();
        }
        if attending.is_some() {
            encounter.attending = attending;
        }
        if let Some(location) = location {
            encounter.location = location;
        }
        if let Some(reason) = reason {
            encounter.reason = reason;
        }
        self.tx.put_encounter(&encounter)?;
        self.overlay
            .encounters
            .insert(encounter.number.clone(), encounter);
        Ok(u64::from(added))
    }

    /// The attending's provider row, keyed by `hl7:` + its id (or its name).
    fn provider(&mut self, xcn: fields::Xcn) -> Result<ProviderId, StoreError> {
        let source_id = format!("hl7:{}", xcn.id.as_deref().unwrap_or(&xcn.name));
        let existing = self.overlay.providers.get(&source_id).copied();
        if let Some(id) = existing {
            if self.overlay.touched_providers.contains(&source_id) {
                return Ok(id);
            }
        }
        let fields = ProviderFields {
            source_id: source_id.clone(),
            name: xcn.name,
            specialty: String::new(),
            npi: xcn.id.filter(|_| xcn.npi),
            resource_id: None,
        };
        let (id, _) = upsert_provider(self.read, self.tx, existing, fields)?;
        self.overlay.providers.insert(source_id.clone(), id);
        self.overlay.touched_providers.insert(source_id);
        Ok(id)
    }

    // ---- merges ------------------------------------------------------------------

    /// A40: each PID (survivor) with the MRG after it (the retired identifier). All
    /// pairs are resolved before anything is written, so an unknown one refuses the
    /// whole message.
    fn merge(&mut self, msg: &Message<'_>, event: &str) -> Result<Outcome, ApplyError> {
        let mut pairs = Vec::new();
        let mut survivor = None;
        for seg in &msg.segments {
            match seg.id {
                "PID" => survivor = Some(fields::identifiers(seg.field(3))),
                "MRG" => {
                    let pid = survivor.take().ok_or_else(|| missing("PID"))?;
                    let retired = fields::identifiers(seg.field(1));
                    if retired.is_empty() {
                        return Err(ParseProblem::new("MRG", 1, "is missing").into());
                    }
                    pairs.push((pid, retired));
                }
                _ => {}
            }
        }
        if pairs.is_empty() {
            return Err(missing("MRG").into());
        }
        let mut resolved = Vec::new();
        for (pid, mrg) in &pairs {
            let (Some(s), Some(r)) = (self.find(pid)?, self.find(mrg)?) else {
                return Ok(Outcome::refused(AckCode::Error, event, "unknown patient"));
            };
            resolved.push((self.survivor(s)?, self.survivor(r)?));
        }
        let at = msg_time(msg, self.local)?
            .ok_or_else(|| ParseProblem::new("MSH", 7, "is missing (the time of the merge)"))?;
        let sender = msh_sender(msg);
        let mut merges = 0;
        for (survivor, retired) in resolved {
            if survivor == retired {
                continue; // already merged: a resend or a repeated A40
            }
            let record = MergeRecord {
                retired,
                survivor,
                at,
                by: format!("hl7:{sender}"),
                reason: format!("{event} control id {}", msg.control_id()),
                undone: None,
            };
            self.tx.put_merge(&record)?;
            // The same merge as the Identity workspace's: the pair of the two charts
            // becomes a verified duplicate, so the queue never proposes it again.
            let stored = self.read.duplicate_pair(survivor, retired)?;
            let (s, r) = (self.patient(survivor)?, self.patient(retired)?);
            // A pair the merge creates is dated by the message (imports are replayable).
            match duplicates::pair_after_merge(stored, s.as_ref().zip(r.as_ref()), &record, at) {
                Some(PairChange::Put(pair)) => self.tx.put_duplicate_pair(&pair)?,
                Some(PairChange::Remove(a, b)) => self.tx.remove_duplicate_pair(a, b),
                None => {}
            }
            self.overlay.merges.insert(retired, Some(survivor));
            merges += 1;
        }
        Ok(Outcome::Applied {
            event: event.to_string(),
            patients_added: 0,
            encounters_added: 0,
            merges,
        })
    }
}

/// A visit a message refers to, checked before anything is written.
struct Visit {
    number: String,
    existing: Option<Encounter>,
    discharge: bool,
}

/// The one place an HL7 encounter is built; `write_visit` fills in the rest.
fn new_encounter(
    id: EncounterId,
    number: String,
    patient: PatientId,
    admit: NaiveDateTime,
) -> Encounter {
    Encounter {
        id,
        number,
        patient,
        class: EncounterClass::Ambulatory,
        admit,
        discharge: None,
        discharge_offset_secs: 0,
        attending: None,
        other_providers: Vec::new(),
        location: String::new(),
        reason: String::new(),
        source_id: None,
    }
}

/// PV1-3 (point of care ^ room ^ bed ^ facility) as one line.
fn location(pv1: &Segment<'_>) -> Option<String> {
    let rep = pv1.field(3).first();
    let parts: Vec<String> = (1..=4).filter_map(|n| rep.value(n)).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// MSH-3 ^ MSH-4: the sending application and facility (who merged, who resends).
pub fn msh_sender(msg: &Message<'_>) -> String {
    let msh = msg.msh();
    let app = msh.field(3).text().trim().to_string();
    let facility = msh.field(4).text().trim().to_string();
    format!("{app}^{facility}")
}

/// When the event happened: EVN-6, else EVN-2, else MSH-7 (as UTC).
fn msg_time(msg: &Message<'_>, local: FixedOffset) -> Result<Option<NaiveDateTime>, ParseProblem> {
    if let Some(evn) = msg.segment("EVN") {
        for n in [6, 2] {
            if let Some(t) = fields::time_field(At { seg: evn, n }, local)? {
                return Ok(Some(t));
            }
        }
    }
    fields::time_field(
        At {
            seg: msg.msh(),
            n: 7,
        },
        local,
    )
}

/// An MR value chartroom's numeric MRN can hold: 1 to 8 digits, not all zeros.
fn numeric_mrn(value: &str) -> Option<u32> {
    if value.is_empty() || value.len() > 8 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse::<u32>().ok().filter(|n| *n > 0)
}

/// Where a non-MRN identifier is kept: licence and passport under chartroom's own
/// systems, others under their assigning authority (`SYNTHEA` → `synthea`, the system
/// the Synthea imports use), else their type code.
fn stored_system(cx: &Cx) -> Option<String> {
    if cx.is_mrn() {
        return Some(FEED_MRN_SYSTEM.into());
    }
    match cx.kind.as_str() {
        "DL" => return Some(DRIVERS_LICENSE_SYSTEM.into()),
        "PPN" => return Some(PASSPORT_SYSTEM.into()),
        _ => {}
    }
    match &cx.authority {
        Some(a) => Some(a.to_lowercase()),
        None if !cx.kind.is_empty() => Some(cx.kind.to_lowercase()),
        None => None,
    }
}

/// Systems an identifier may be on file under (its stored system, and its authority
/// as written).
fn candidate_systems(cx: &Cx) -> Vec<String> {
    let mut out: Vec<String> = stored_system(cx).into_iter().collect();
    if let Some(a) = &cx.authority {
        if !out.contains(a) {
            out.push(a.clone());
        }
    }
    out
}
