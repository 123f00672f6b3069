//! Where generated rows go: the store's write transaction, or memory in tests.

use chartroom_domain::{
    Document, DocumentId, Encounter, EncounterId, Mrn, Patient, PatientId, Procedure, ProcedureId,
    Provider, ProviderId, StaffUser, UserId,
};
use chartroom_store::{StoreError, WriteTx};

type Result<T> = std::result::Result<T, StoreError>;

/// The part of `WriteTx` the generator uses.
pub(crate) trait Sink {
    fn next_patient_id(&mut self) -> Result<PatientId>;
    fn next_encounter_id(&mut self) -> Result<EncounterId>;
    fn next_document_id(&mut self) -> Result<DocumentId>;
    fn next_provider_id(&mut self) -> Result<ProviderId>;
    fn next_procedure_id(&mut self) -> Result<ProcedureId>;
    fn next_user_id(&mut self) -> Result<UserId>;
    fn next_mrn(&mut self) -> Result<Mrn>;
    fn put_patient(&mut self, patient: &Patient) -> Result<()>;
    fn put_encounter(&mut self, encounter: &Encounter) -> Result<()>;
    fn put_document(&mut self, document: &Document) -> Result<()>;
    fn put_provider(&mut self, provider: &Provider) -> Result<()>;
    fn put_procedure(&mut self, procedure: &Procedure) -> Result<()>;
    fn put_user(&mut self, user: &StaffUser) -> Result<()>;
}

impl Sink for WriteTx<'_> {
    fn next_patient_id(&mut self) -> Result<PatientId> {
        WriteTx::next_patient_id(self)
    }
    fn next_encounter_id(&mut self) -> Result<EncounterId> {
        WriteTx::next_encounter_id(self)
    }
    fn next_document_id(&mut self) -> Result<DocumentId> {
        WriteTx::next_document_id(self)
    }
    fn next_provider_id(&mut self) -> Result<ProviderId> {
        WriteTx::next_provider_id(self)
    }
    fn next_procedure_id(&mut self) -> Result<ProcedureId> {
        WriteTx::next_procedure_id(self)
    }
    fn next_user_id(&mut self) -> Result<UserId> {
        WriteTx::next_user_id(self)
    }
    fn next_mrn(&mut self) -> Result<Mrn> {
        WriteTx::next_mrn(self)
    }
    fn put_patient(&mut self, patient: &Patient) -> Result<()> {
        WriteTx::put_patient(self, patient)
    }
    fn put_encounter(&mut self, encounter: &Encounter) -> Result<()> {
        WriteTx::put_encounter(self, encounter)
    }
    fn put_document(&mut self, document: &Document) -> Result<()> {
        WriteTx::put_document(self, document)
    }
    fn put_provider(&mut self, provider: &Provider) -> Result<()> {
        WriteTx::put_provider(self, provider)
    }
    fn put_procedure(&mut self, procedure: &Procedure) -> Result<()> {
        WriteTx::put_procedure(self, procedure)
    }
    fn put_user(&mut self, user: &StaffUser) -> Result<()> {
        WriteTx::put_user(self, user)
    }
}

/// Collects everything in memory, numbering ids from 1 like an empty store.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct MemorySink {
    pub patients: Vec<Patient>,
    pub encounters: Vec<Encounter>,
    pub documents: Vec<Document>,
    pub providers: Vec<Provider>,
    pub users: Vec<StaffUser>,
    pub procedures: Vec<Procedure>,
    counters: [u64; 7],
}

#[cfg(test)]
impl MemorySink {
    fn bump(&mut self, which: usize) -> u64 {
        self.counters[which] += 1;
        self.counters[which]
    }
}

#[cfg(test)]
impl Sink for MemorySink {
    fn next_patient_id(&mut self) -> Result<PatientId> {
        Ok(PatientId(self.bump(0)))
    }
    fn next_encounter_id(&mut self) -> Result<EncounterId> {
        Ok(EncounterId(self.bump(1)))
    }
    fn next_document_id(&mut self) -> Result<DocumentId> {
        Ok(DocumentId(self.bump(2)))
    }
    fn next_provider_id(&mut self) -> Result<ProviderId> {
        Ok(ProviderId(self.bump(3)))
    }
    fn next_procedure_id(&mut self) -> Result<ProcedureId> {
        Ok(ProcedureId(self.bump(6)))
    }
    fn next_user_id(&mut self) -> Result<UserId> {
        Ok(UserId(self.bump(4)))
    }
    fn next_mrn(&mut self) -> Result<Mrn> {
        Ok(Mrn(100_000 + self.bump(5) as u32))
    }
    fn put_patient(&mut self, patient: &Patient) -> Result<()> {
        match self.patients.iter_mut().find(|p| p.id == patient.id) {
            Some(existing) => *existing = patient.clone(),
            None => self.patients.push(patient.clone()),
        }
        Ok(())
    }
    fn put_encounter(&mut self, encounter: &Encounter) -> Result<()> {
        self.encounters.push(encounter.clone());
        Ok(())
    }
    fn put_document(&mut self, document: &Document) -> Result<()> {
        self.documents.push(document.clone());
        Ok(())
    }
    fn put_provider(&mut self, provider: &Provider) -> Result<()> {
        self.providers.push(provider.clone());
        Ok(())
    }
    fn put_procedure(&mut self, procedure: &Procedure) -> Result<()> {
        self.procedures.push(procedure.clone());
        Ok(())
    }
    fn put_user(&mut self, user: &StaffUser) -> Result<()> {
        match self.users.iter_mut().find(|u| u.id == user.id) {
            Some(existing) => *existing = user.clone(),
            None => self.users.push(user.clone()),
        }
        Ok(())
    }
}
