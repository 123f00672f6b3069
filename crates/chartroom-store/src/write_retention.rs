//! The research-and-retention half of a commit's writes: de-identified export records,
//! legal holds, and the destruction of a chart (every row of it and every index entry
//! pointing at it), which leaves its destruction-log entry, its outbox entries (so the
//! search index drops it) and the audit trail (never touched: the chain stays whole).

use super::codec::{self, OutboxRow};
use super::tables::*;
use super::write::{get_row, remove_if_points_at};
use super::write_completion::review_key;
use super::{OutboxItem, Result, StoreError};
use chartroom_domain::completion::EncounterAnalysis;
use chartroom_domain::research::DeidExport;
use chartroom_domain::retention::{DestructionRecord, LegalHold};
use chartroom_domain::{Deficiency, Document, Encounter, Patient, Procedure};
use redb::ReadableTable;

/// One buffered research/retention write.
pub(crate) enum RetentionOp {
    DeidExport(DeidExport),
    LegalHold(LegalHold),
    Destroy {
        record: DestructionRecord,
        /// Outbox seqs for the patient and each of its documents.
        outbox: Vec<(u64, OutboxItem)>,
    },
}

pub(crate) fn apply_retention(t: &mut WriteTables<'_>, op: &RetentionOp) -> Result<()> {
    match op {
        RetentionOp::DeidExport(export) => {
            let id = export.id;
            let bytes = codec::encode(DEID_EXPORTS_NAME, &|| id.to_string(), export)?;
            t.deid_exports.insert(&id_key(id), bytes.as_slice())?;
        }
        RetentionOp::LegalHold(hold) => {
            let id = hold.patient.0;
            let bytes = codec::encode(LEGAL_HOLDS_NAME, &|| id.to_string(), hold)?;
            t.legal_holds.insert(&id_key(id), bytes.as_slice())?;
        }
        RetentionOp::Destroy { record, outbox } => {
            destroy_chart(t, record.patient.0)?;
            let id = record.id;
            let bytes = codec::encode(DESTRUCTIONS_NAME, &|| id.to_string(), record)?;
            if t.destructions
                .insert(&id_key(id), bytes.as_slice())?
                .is_some()
            {
                return Err(StoreError::Duplicate {
                    what: "destruction log entry",
                    key: id.to_string(),
                });
            }
            for (seq, item) in outbox {
                let bytes =
                    codec::encode(OUTBOX_NAME, &|| seq.to_string(), &OutboxRow::from(*item))?;
                t.outbox.insert(&id_key(*seq), bytes.as_slice())?;
            }
        }
    }
    Ok(())
}

/// Second halves of `(owner, *)` in a listing table opened for writing.
fn listed(table: &ListingTable<'_>, owner: u64) -> Result<Vec<u64>> {
    let lo = pair_key(owner, 0);
    let hi = pair_key(owner, u64::MAX);
    let mut out = Vec::new();
    for row in table.range::<&PairKey>(&lo..=&hi)? {
        let (key, _) = row?;
        out.push(pair_from_key(key.value()).1);
    }
    Ok(out)
}

fn destroy_chart(t: &mut WriteTables<'_>, id: u64) -> Result<()> {
    let patient: Patient =
        get_row(&t.patients, PATIENTS_NAME, id)?.ok_or_else(|| StoreError::Corrupt {
            table: PATIENTS_NAME,
            key: id.to_string(),
            reason: "the chart to destroy is not there".into(),
        })?;
    let describe = || format!("index entry of destroyed patient {id}");
    remove_if_points_at(
        &mut t.patient_by_mrn,
        &mrn_key(patient.mrn.0),
        id,
        PATIENT_BY_MRN_NAME,
        &describe,
    )?;
    for ident in &patient.identifiers {
        let key = identifier_key(&ident.system, &ident.value);
        remove_if_points_at(
            &mut t.patient_by_identifier,
            key.as_slice(),
            id,
            PATIENT_BY_IDENTIFIER_NAME,
            &describe,
        )?;
    }
    for other in listed(&t.identifier_conflicts, id)? {
        t.identifier_conflicts.remove(&pair_key(id, other))?;
        t.identifier_conflicts.remove(&pair_key(other, id))?;
    }
    for encounter in listed(&t.patient_encounters, id)? {
        destroy_encounter(t, encounter)?;
        t.patient_encounters.remove(&pair_key(id, encounter))?;
    }
    for doc in listed(&t.patient_documents, id)? {
        if let Some(d) = get_row::<Document>(&t.documents, DOCUMENTS_NAME, doc)? {
            if let Some(source) = &d.source_id {
                remove_if_points_at(
                    &mut t.document_by_source,
                    source.as_bytes(),
                    doc,
                    DOCUMENT_BY_SOURCE_NAME,
                    &describe,
                )?;
            }
        }
        t.documents.remove(&id_key(doc))?;
        t.patient_documents.remove(&pair_key(id, doc))?;
    }
    for proc_id in listed(&t.patient_procedures, id)? {
        if let Some(p) = get_row::<Procedure>(&t.procedures, PROCEDURES_NAME, proc_id)? {
            if let Some(source) = &p.source_id {
                remove_if_points_at(
                    &mut t.procedure_by_source,
                    source.as_bytes(),
                    proc_id,
                    PROCEDURE_BY_SOURCE_NAME,
                    &describe,
                )?;
            }
        }
        t.procedures.remove(&id_key(proc_id))?;
        t.patient_procedures.remove(&pair_key(id, proc_id))?;
    }
    t.legal_holds.remove(&id_key(id))?;
    t.patients.remove(&id_key(id))?;
    Ok(())
}

fn destroy_encounter(t: &mut WriteTables<'_>, id: u64) -> Result<()> {
    let describe = || format!("number of destroyed encounter {id}");
    if let Some(e) = get_row::<Encounter>(&t.encounters, ENCOUNTERS_NAME, id)? {
        remove_if_points_at(
            &mut t.encounter_by_number,
            e.number.as_bytes(),
            id,
            ENCOUNTER_BY_NUMBER_NAME,
            &describe,
        )?;
    }
    for deficiency in listed(&t.encounter_deficiencies, id)? {
        if let Some(d) = get_row::<Deficiency>(&t.deficiencies, DEFICIENCIES_NAME, deficiency)? {
            if let Some(p) = d.provider {
                t.provider_deficiencies.remove(&pair_key(p.0, deficiency))?;
            }
        }
        t.deficiencies.remove(&id_key(deficiency))?;
        t.encounter_deficiencies.remove(&pair_key(id, deficiency))?;
    }
    let analysis: Option<EncounterAnalysis> =
        get_row(&t.encounter_analysis, ENCOUNTER_ANALYSIS_NAME, id)?;
    if let Some(a) = analysis {
        t.awaiting_review
            .remove(&review_key(&a, chartroom_domain::EncounterId(id)))?;
        // `discharge-months-1` keeps the destroyed discharge: the monthly counts are
        // the delinquency rate's history (a report of 2019 does not change in 2027).
        t.encounter_analysis.remove(&id_key(id))?;
    }
    t.analysis_pending.remove(&id_key(id))?;
    t.encounter_conditions.remove(&id_key(id))?;
    t.encounters.remove(&id_key(id))?;
    Ok(())
}
