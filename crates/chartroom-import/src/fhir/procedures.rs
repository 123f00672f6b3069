//! Procedures of one file: a surgical procedure needs an operative report, so the
//! import keeps its encounter, category, codes, start and performers.

use super::convert;
use super::read::Item;
use super::resources::Procedure as FhirProcedure;
use super::write::FileWrite;
use super::FhirImportError;
use chartroom_domain::Procedure;

/// `Procedure.status` values that mean it did not happen.
const NOT_DONE: [&str; 3] = ["not-done", "entered-in-error", "stopped"];

impl FileWrite<'_, '_> {
    pub(super) fn procedure(
        &mut self,
        item: &Item,
        p: &FhirProcedure,
    ) -> Result<(), FhirImportError> {
        if p.status
            .as_deref()
            .is_some_and(|s| NOT_DONE.contains(&s.trim()))
        {
            *self
                .report
                .skipped
                .entry("Procedure (not done)".into())
                .or_default() += 1;
            return Ok(());
        }
        let patient = self.subject(item, p.subject.as_ref())?;
        let encounter = self.encounter_of(p.encounter.as_ref())?.map(|(id, _)| id);
        let start_text = p
            .performed_period
            .as_ref()
            .and_then(|period| period.start.as_deref())
            .or(p.performed_date_time.as_deref());
        // No performed time at all (FHIR allows it): the start is unknown, so any
        // operative note of the encounter counts as after it. A time that is there but
        // unreadable is still an error.
        let start = match start_text {
            Some(_) => convert::date_time(start_text, "performedPeriod.start")
                .map_err(|bad| self.field(item, bad))?,
            None => chrono::NaiveDateTime::MIN,
        };
        let performers = p
            .performer
            .iter()
            .filter_map(|perf| perf.actor.as_ref())
            .collect::<Vec<_>>()
            .into_iter()
            .filter_map(|actor| self.practitioner_of(Some(actor), "performer"))
            .collect();
        let existing = match &item.id {
            Some(rid) => self
                .read
                .procedure_by_source(rid)
                .map_err(|e| self.store_error(e))?
                .map(|p| p.id),
            None => None,
        };
        let id = match existing {
            Some(id) => {
                self.report.procedures_updated += 1;
                id
            }
            None => {
                self.report.procedures_added += 1;
                self.tx
                    .next_procedure_id()
                    .map_err(|e| self.store_error(e))?
            }
        };
        let code = p.code.as_ref();
        let procedure = Procedure {
            id,
            patient,
            encounter,
            source_id: item.id.clone(),
            codes: convert::snomed_codes(code),
            category_codes: convert::snomed_codes(p.category.as_ref()),
            description: code
                .and_then(|c| c.label())
                .unwrap_or("Procedure")
                .to_string(),
            start,
            performers,
        };
        self.tx
            .put_procedure(&procedure)
            .map_err(|e| self.store_error(e))
    }
}
