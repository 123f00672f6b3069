//! For `benches/` only: a bench target sees nothing but the public API, and timing the
//! generator without a store needs the crate-private `Generator` and `Sink`. Not part of
//! the API (hidden from the docs); nothing in the application calls it.

use super::population::Generator;
use super::sink::Sink;
use super::{validate, GenerateError, GenerateOptions, GenerateReport};
use chartroom_domain::{
    Document, DocumentId, Encounter, EncounterId, Mrn, Patient, PatientId, Procedure, ProcedureId,
    Provider, ProviderId, StaffUser, UserId,
};
use chartroom_store::StoreError;

/// What a run without a store produced.
#[derive(Debug)]
pub struct Discarded {
    pub report: GenerateReport,
    /// Bytes of note text, the bulk of what a store would write.
    pub text_bytes: u64,
}

/// Runs the generator into a sink that keeps nothing: the generator's own cost, without
/// the store's encoding, indexes and commits.
pub fn generate_without_store(options: &GenerateOptions) -> Result<Discarded, GenerateError> {
    validate(options)?;
    let mut generator = Generator::new(options)?;
    let mut sink = CountingSink::default();
    generator.write_roster(&mut sink)?;
    while generator.remaining() > 0 {
        generator.write_batch(&mut sink, options.batch_size as u64)?;
    }
    Ok(Discarded {
        report: generator.into_report(),
        text_bytes: sink.text_bytes,
    })
}

/// Hands out ids like an empty store and discards every row, counting note text.
#[derive(Default)]
struct CountingSink {
    /// Last id handed out: patient, encounter, document, provider, user, MRN, procedure.
    ids: [u64; 7],
    text_bytes: u64,
}

impl CountingSink {
    fn bump(&mut self, which: usize) -> u64 {
        self.ids[which] += 1;
        self.ids[which]
    }
}

impl Sink for CountingSink {
    fn next_patient_id(&mut self) -> Result<PatientId, StoreError> {
        Ok(PatientId(self.bump(0)))
    }
    fn next_encounter_id(&mut self) -> Result<EncounterId, StoreError> {
        Ok(EncounterId(self.bump(1)))
    }
    fn next_document_id(&mut self) -> Result<DocumentId, StoreError> {
        Ok(DocumentId(self.bump(2)))
    }
    fn next_provider_id(&mut self) -> Result<ProviderId, StoreError> {
        Ok(ProviderId(self.bump(3)))
    }
    fn next_user_id(&mut self) -> Result<UserId, StoreError> {
        Ok(UserId(self.bump(4)))
    }
    fn next_procedure_id(&mut self) -> Result<ProcedureId, StoreError> {
        Ok(ProcedureId(self.bump(6)))
    }
    fn next_mrn(&mut self) -> Result<Mrn, StoreError> {
        Ok(Mrn(self.bump(5) as u32))
    }
    fn put_patient(&mut self, _: &Patient) -> Result<(), StoreError> {
        Ok(())
    }
    fn put_encounter(&mut self, _: &Encounter) -> Result<(), StoreError> {
        Ok(())
    }
    fn put_document(&mut self, document: &Document) -> Result<(), StoreError> {
        self.text_bytes += document.text.len() as u64;
        Ok(())
    }
    fn put_provider(&mut self, _: &Provider) -> Result<(), StoreError> {
        Ok(())
    }
    fn put_procedure(&mut self, _: &Procedure) -> Result<(), StoreError> {
        Ok(())
    }
    fn put_user(&mut self, _: &StaffUser) -> Result<(), StoreError> {
        Ok(())
    }
}
