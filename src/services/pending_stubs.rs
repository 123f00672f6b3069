//! TEMPORARY: stand-ins until the store and search implementations merge. Deleted on merge.
use crate::domain::{DocumentId, PatientId};
use crate::search::*;
impl ChartIndex for TantivyIndex {
    fn rebuild(
        &self,
        _: &mut dyn Iterator<Item = PatientRecord>,
        _: &mut dyn Iterator<Item = DocumentRecord>,
    ) -> Result<IndexCounts> {
        todo!()
    }
    fn apply(&self, _: Vec<IndexChange>) -> Result<()> {
        todo!()
    }
    fn search_patients(&self, _: &str, _: usize) -> Result<Vec<PatientHit>> {
        todo!()
    }
    fn search_notes(&self, _: &NoteQuery, _: usize) -> Result<Vec<NoteHit>> {
        todo!()
    }
    fn counts(&self) -> Result<IndexCounts> {
        todo!()
    }
    fn patient_ids(&self) -> Result<Vec<PatientId>> {
        todo!()
    }
    fn document_ids(&self) -> Result<Vec<DocumentId>> {
        todo!()
    }
    fn size_bytes(&self) -> u64 {
        todo!()
    }
}
