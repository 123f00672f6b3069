//! How one entity row is written with its indexes: the `Op`s of a [`WriteTx`](super::WriteTx)
//! applied in `apply_ops`.

use super::codec::{self, OutboxRow};
use super::tables::*;
use super::write::*;
use super::{OutboxItem, Result, StoreError};
use chartroom_domain::roi::RoiRequest;
use chartroom_domain::{
    decides_identity, AccessEvent, Document, Encounter, MergeRecord, Patient, StaffUser,
};
use std::collections::HashSet;

pub(crate) fn write_patient(t: &mut WriteTables<'_>, p: &Patient) -> Result<()> {
    let id = p.id.0;
    let old: Option<Patient> = get_row(&t.patients, PATIENTS_NAME, id)?;
    let describe = || format!("MRN of patient {id}");

    let mrn = mrn_key(p.mrn.0);
    if let Some(other) = get_id(&t.patient_by_mrn, &mrn, PATIENT_BY_MRN_NAME, &describe)? {
        if other != id {
            return Err(StoreError::Duplicate {
                what: "MRN",
                key: format!("given to patient {id} (patient {other} has it)"),
            });
        }
    }
    let new_idents: Vec<(Vec<u8>, &str)> = p
        .identifiers
        .iter()
        .map(|i| (identifier_key(&i.system, &i.value), i.system.as_str()))
        .collect();
    // A deciding identifier (MRN as sent, source id) held by another chart fails the
    // commit; a secondary one (licence, passport, ...) stays on both charts, the index
    // keeps its first holder, and the pair is flagged for review.
    let mut shared: HashSet<usize> = HashSet::new();
    for (at, (key, system)) in new_idents.iter().enumerate() {
        let describe = || format!("{system} identifier of patient {id}");
        if let Some(other) = get_id(
            &t.patient_by_identifier,
            key.as_slice(),
            PATIENT_BY_IDENTIFIER_NAME,
            &describe,
        )? {
            if other != id {
                if decides_identity(system) {
                    return Err(StoreError::Duplicate {
                        what: "identifier",
                        key: format!("{system} given to patient {id} (patient {other} has it)"),
                    });
                }
                shared.insert(at);
                t.identifier_conflicts.insert(&pair_key(id, other), ())?;
                t.identifier_conflicts.insert(&pair_key(other, id), ())?;
            }
        }
    }

    if let Some(old) = old {
        if old.mrn != p.mrn {
            let old_key = mrn_key(old.mrn.0);
            remove_if_points_at(
                &mut t.patient_by_mrn,
                &old_key,
                id,
                PATIENT_BY_MRN_NAME,
                &describe,
            )?;
        }
        let keep: HashSet<&[u8]> = new_idents.iter().map(|(k, _)| k.as_slice()).collect();
        for ident in &old.identifiers {
            let key = identifier_key(&ident.system, &ident.value);
            if !keep.contains(key.as_slice()) {
                let describe = || format!("{} identifier of patient {id}", ident.system);
                remove_if_points_at(
                    &mut t.patient_by_identifier,
                    key.as_slice(),
                    id,
                    PATIENT_BY_IDENTIFIER_NAME,
                    &describe,
                )?;
            }
        }
    }

    let key = id_key(id);
    let bytes = codec::encode(PATIENTS_NAME, &|| id.to_string(), p)?;
    t.patients.insert(&key, bytes.as_slice())?;
    t.patient_by_mrn.insert(&mrn, key.as_slice())?;
    for (at, (ident, _)) in new_idents.iter().enumerate() {
        if !shared.contains(&at) {
            t.patient_by_identifier
                .insert(ident.as_slice(), key.as_slice())?;
        }
    }
    Ok(())
}

pub(crate) fn write_encounter(t: &mut WriteTables<'_>, e: &Encounter) -> Result<()> {
    let id = e.id.0;
    let old: Option<Encounter> = get_row(&t.encounters, ENCOUNTERS_NAME, id)?;
    let describe = || format!("number of encounter {id}");
    let number = e.number.as_bytes();
    if let Some(other) = get_id(
        &t.encounter_by_number,
        number,
        ENCOUNTER_BY_NUMBER_NAME,
        &describe,
    )? {
        if other != id {
            return Err(StoreError::Duplicate {
                what: "encounter number",
                key: format!("given to encounter {id} (encounter {other} has it)"),
            });
        }
    }
    if let Some(old) = old {
        if old.number != e.number {
            remove_if_points_at(
                &mut t.encounter_by_number,
                old.number.as_bytes(),
                id,
                ENCOUNTER_BY_NUMBER_NAME,
                &describe,
            )?;
        }
        if old.patient != e.patient {
            t.patient_encounters.remove(&pair_key(old.patient.0, id))?;
        }
    }
    let key = id_key(id);
    let bytes = codec::encode(ENCOUNTERS_NAME, &|| id.to_string(), e)?;
    t.encounters.insert(&key, bytes.as_slice())?;
    t.analysis_pending.insert(&key, ())?;
    t.encounter_by_number.insert(number, key.as_slice())?;
    t.patient_encounters
        .insert(&pair_key(e.patient.0, id), ())?;
    Ok(())
}

pub(crate) fn write_merge(t: &mut WriteTables<'_>, m: &MergeRecord) -> Result<()> {
    let id = m.retired.0;
    let old: Option<MergeRecord> = get_row(&t.merges, MERGES_NAME, id)?;
    if let Some(old) = old {
        t.survivor_merges
            .remove(&pair_key(old.survivor.0, old.retired.0))?;
    }
    let bytes = codec::encode(MERGES_NAME, &|| id.to_string(), m)?;
    t.merges.insert(&id_key(id), bytes.as_slice())?;
    if m.active() {
        t.survivor_merges
            .insert(&pair_key(m.survivor.0, m.retired.0), ())?;
    }
    Ok(())
}

pub(crate) fn write_document(t: &mut WriteTables<'_>, d: &Document) -> Result<()> {
    let id = d.id.0;
    let old: Option<Document> = get_row(&t.documents, DOCUMENTS_NAME, id)?;
    let describe = || format!("source id of document {id}");
    if let Some(source) = &d.source_id {
        if let Some(other) = get_id(
            &t.document_by_source,
            source.as_bytes(),
            DOCUMENT_BY_SOURCE_NAME,
            &describe,
        )? {
            if other != id {
                return Err(StoreError::Duplicate {
                    what: "document source id",
                    key: format!("given to document {id} (document {other} has it)"),
                });
            }
        }
    }
    if let Some(old) = old {
        if old.patient != d.patient {
            t.patient_documents.remove(&pair_key(old.patient.0, id))?;
        }
        if let Some(source) = old
            .source_id
            .as_ref()
            .filter(|s| d.source_id.as_ref() != Some(*s))
        {
            remove_if_points_at(
                &mut t.document_by_source,
                source.as_bytes(),
                id,
                DOCUMENT_BY_SOURCE_NAME,
                &describe,
            )?;
        }
        // The encounter it left changed too.
        if let Some(e) = old.encounter.filter(|e| Some(*e) != d.encounter) {
            t.analysis_pending.insert(&id_key(e.0), ())?;
        }
    }
    let key = id_key(id);
    let bytes = codec::encode(DOCUMENTS_NAME, &|| id.to_string(), d)?;
    t.documents.insert(&key, bytes.as_slice())?;
    t.patient_documents.insert(&pair_key(d.patient.0, id), ())?;
    if let Some(source) = &d.source_id {
        t.document_by_source
            .insert(source.as_bytes(), key.as_slice())?;
    }
    if let Some(e) = d.encounter {
        t.analysis_pending.insert(&id_key(e.0), ())?;
    }
    Ok(())
}

pub(crate) fn write_roi_request(t: &mut WriteTables<'_>, r: &RoiRequest) -> Result<()> {
    let id = r.id.0;
    let source = r.intake.request_id.as_bytes();
    let describe = || format!("request id of ROI request {id}");
    if let Some(other) = get_id(
        &t.roi_request_by_source,
        source,
        ROI_REQUEST_BY_SOURCE_NAME,
        &describe,
    )? {
        if other != id {
            return Err(StoreError::Duplicate {
                what: "ROI request id",
                key: format!("given to request {id} (request {other} has it)"),
            });
        }
    }
    let old: Option<RoiRequest> = get_row(&t.roi_requests, ROI_REQUESTS_NAME, id)?;
    if let Some(old) = old {
        if old.intake.patient != r.intake.patient {
            t.patient_roi_requests
                .remove(&pair_key(old.intake.patient.0, id))?;
        }
        if old.intake.request_id != r.intake.request_id {
            let old_key = old.intake.request_id.as_bytes();
            remove_if_points_at(
                &mut t.roi_request_by_source,
                old_key,
                id,
                ROI_REQUEST_BY_SOURCE_NAME,
                &describe,
            )?;
        }
    }
    let key = id_key(id);
    let bytes = codec::encode(ROI_REQUESTS_NAME, &|| id.to_string(), r)?;
    t.roi_requests.insert(&key, bytes.as_slice())?;
    t.roi_request_by_source.insert(source, key.as_slice())?;
    t.patient_roi_requests
        .insert(&pair_key(r.intake.patient.0, id), ())?;
    Ok(())
}

pub(crate) fn write_user(t: &mut WriteTables<'_>, u: &StaffUser) -> Result<()> {
    let id = u.id.0;
    let old: Option<StaffUser> = get_row(&t.users, USERS_NAME, id)?;
    let describe = || format!("username of user {id}");
    let name = u.username.as_bytes();
    if let Some(other) = get_id(&t.user_by_name, name, USER_BY_NAME_NAME, &describe)? {
        if other != id {
            return Err(StoreError::Duplicate {
                what: "username",
                key: format!("{} (user {other})", u.username),
            });
        }
    }
    if let Some(old) = old {
        if old.username != u.username {
            remove_if_points_at(
                &mut t.user_by_name,
                old.username.as_bytes(),
                id,
                USER_BY_NAME_NAME,
                &describe,
            )?;
        }
    }
    let key = id_key(id);
    let bytes = codec::encode(USERS_NAME, &|| id.to_string(), u)?;
    t.users.insert(&key, bytes.as_slice())?;
    t.user_by_name.insert(name, key.as_slice())?;
    Ok(())
}

pub(crate) fn write_outbox(t: &mut WriteTables<'_>, seq: u64, item: OutboxItem) -> Result<()> {
    let bytes = codec::encode(OUTBOX_NAME, &|| seq.to_string(), &OutboxRow::from(item))?;
    t.outbox.insert(&id_key(seq), bytes.as_slice())?;
    Ok(())
}

/// Audit rows are only ever inserted; a seq that is already taken aborts the commit.
pub(crate) fn write_audit(t: &mut WriteTables<'_>, event: &AccessEvent) -> Result<()> {
    let seq = event.seq;
    let key = id_key(seq);
    let bytes = codec::encode(AUDIT_NAME, &|| seq.to_string(), event)?;
    if t.audit.insert(&key, bytes.as_slice())?.is_some() {
        return Err(StoreError::Corrupt {
            table: AUDIT_NAME,
            key: seq.to_string(),
            reason: "audit seq already used; meta audit_head is behind the table".into(),
        });
    }
    if let Some(patient) = event.event.patient {
        t.audit_by_patient.insert(&pair_key(patient.0, seq), ())?;
    }
    if let Some(user) = event.event.user {
        t.audit_by_user.insert(&pair_key(user.0, seq), ())?;
    }
    Ok(())
}
