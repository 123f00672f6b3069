//! The chart-completion half of a commit's writes: procedures, deficiencies and the
//! analysis state, with the indexes and counts derived from them (split from
//! `write.rs`, which applies them in call order).

use super::codec;
use super::tables::*;
use super::write::{get_id, get_row, remove_if_points_at};
use super::{Result, StoreError};
use chartroom_domain::completion::EncounterAnalysis;
use chartroom_domain::{Deficiency, EncounterId, Procedure};
use chrono::Datelike;
use redb::ReadableTable;

pub(crate) fn write_procedure(t: &mut WriteTables<'_>, p: &Procedure) -> Result<()> {
    let id = p.id.0;
    let old: Option<Procedure> = get_row(&t.procedures, PROCEDURES_NAME, id)?;
    let describe = || format!("source id of procedure {id}");
    if let Some(source) = &p.source_id {
        if let Some(other) = get_id(
            &t.procedure_by_source,
            source.as_bytes(),
            PROCEDURE_BY_SOURCE_NAME,
            &describe,
        )? {
            if other != id {
                return Err(StoreError::Duplicate {
                    what: "procedure source id",
                    key: format!("given to procedure {id} (procedure {other} has it)"),
                });
            }
        }
    }
    if let Some(old) = old {
        if old.patient != p.patient {
            t.patient_procedures.remove(&pair_key(old.patient.0, id))?;
        }
        if let Some(source) = old
            .source_id
            .as_ref()
            .filter(|s| p.source_id.as_ref() != Some(*s))
        {
            remove_if_points_at(
                &mut t.procedure_by_source,
                source.as_bytes(),
                id,
                PROCEDURE_BY_SOURCE_NAME,
                &describe,
            )?;
        }
        if let Some(e) = old.encounter.filter(|e| Some(*e) != p.encounter) {
            t.analysis_pending.insert(&id_key(e.0), ())?;
        }
    }
    let key = id_key(id);
    let bytes = codec::encode(PROCEDURES_NAME, &|| id.to_string(), p)?;
    t.procedures.insert(&key, bytes.as_slice())?;
    t.patient_procedures
        .insert(&pair_key(p.patient.0, id), ())?;
    if let Some(source) = &p.source_id {
        t.procedure_by_source
            .insert(source.as_bytes(), key.as_slice())?;
    }
    if let Some(e) = p.encounter {
        t.analysis_pending.insert(&id_key(e.0), ())?;
    }
    Ok(())
}

pub(crate) fn write_deficiency(t: &mut WriteTables<'_>, d: &Deficiency) -> Result<()> {
    let id = d.id.0;
    let old: Option<Deficiency> = get_row(&t.deficiencies, DEFICIENCIES_NAME, id)?;
    if let Some(old) = old {
        if let Some(p) = old.provider.filter(|p| Some(*p) != d.provider) {
            t.provider_deficiencies.remove(&pair_key(p.0, id))?;
        }
        if old.encounter != d.encounter {
            t.encounter_deficiencies
                .remove(&pair_key(old.encounter.0, id))?;
        }
    }
    let bytes = codec::encode(DEFICIENCIES_NAME, &|| id.to_string(), d)?;
    t.deficiencies.insert(&id_key(id), bytes.as_slice())?;
    t.encounter_deficiencies
        .insert(&pair_key(d.encounter.0, id), ())?;
    if let Some(p) = d.provider {
        t.provider_deficiencies.insert(&pair_key(p.0, id), ())?;
    }
    Ok(())
}

/// Queue key: (discharge date as days since 0001-01-01, encounter id).
pub(crate) fn review_key(a: &EncounterAnalysis, encounter: EncounterId) -> PairKey {
    let day = u64::try_from(a.discharge_date.num_days_from_ce()).unwrap_or(0);
    pair_key(day, encounter.0)
}

pub(crate) fn write_analysis(
    t: &mut WriteTables<'_>,
    encounter: EncounterId,
    a: &EncounterAnalysis,
) -> Result<()> {
    let key = id_key(encounter.0);
    let old: Option<EncounterAnalysis> =
        get_row(&t.encounter_analysis, ENCOUNTER_ANALYSIS_NAME, encounter.0)?;
    let new_month = month_key(a.discharge_date);
    match &old {
        Some(old) if month_key(old.discharge_date) == new_month => {}
        Some(old) => {
            add_to_month(t, month_key(old.discharge_date), -1)?;
            add_to_month(t, new_month, 1)?;
        }
        None => add_to_month(t, new_month, 1)?,
    }
    if let Some(old) = old {
        t.awaiting_review.remove(&review_key(&old, encounter))?;
    }
    let bytes = codec::encode(ENCOUNTER_ANALYSIS_NAME, &|| encounter.to_string(), a)?;
    t.encounter_analysis.insert(&key, bytes.as_slice())?;
    if a.reviewed.is_none() {
        t.awaiting_review.insert(&review_key(a, encounter), ())?;
    }
    Ok(())
}

/// `discharge-months-1` key of a date: year × 12 + month − 1.
pub(crate) fn month_key(date: chrono::NaiveDate) -> [u8; 4] {
    let index = date.year() * 12 + date.month0() as i32;
    u32::try_from(index).unwrap_or(0).to_be_bytes()
}

fn add_to_month(t: &mut WriteTables<'_>, month: [u8; 4], delta: i64) -> Result<()> {
    let now = t
        .discharge_months
        .get(&month)?
        .map_or(0, |v| u64::from_be_bytes(*v.value()));
    let next = now.saturating_add_signed(delta);
    t.discharge_months.insert(&month, &next.to_be_bytes())?;
    Ok(())
}
