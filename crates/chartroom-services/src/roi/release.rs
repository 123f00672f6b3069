//! The release: what goes out on a date (the plan), the packet and manifest written to
//! a directory, the release recorded with its accounting entry, all audited.

use super::packet::{footer, layout, PacketParts};
use super::{load_rules, RoiRules};
use crate::{Result, ServiceError, Services, Session};
use chartroom_domain::roi::{
    check_release, fee_cents, is_accountable, select, validate::consenting_authorization,
    Disclosure, ReleaseRecord, RoiRequest, Selection,
};
use chartroom_domain::{AccessAction, Document, Patient, Permission};
use chartroom_store::ReadTx;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// `manifest.json` (the contract in docs/ROI.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Manifest {
    pub request_id: String,
    pub included: Vec<String>,
    pub withheld: Vec<ManifestWithheld>,
    pub pages: usize,
    pub fee_cents: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ManifestWithheld {
    pub document: String,
    pub reason: String,
}

/// What a release on a date would send.
pub(crate) struct Plan {
    pub patient: Patient,
    pub selection: Selection,
    /// Included documents in manifest order.
    pub documents: Vec<Document>,
    pub pages: Vec<Vec<String>>,
    pub fee_cents: u64,
}

impl Services {
    pub(crate) fn plan_release(
        &self,
        read: &ReadTx,
        rules: &RoiRules,
        request: &RoiRequest,
        on: NaiveDate,
        paid: bool,
    ) -> Result<Plan> {
        let intake = &request.intake;
        // A request logged against a chart since merged is the survivor's: its packet
        // is the whole person's record (every chart merged into the survivor).
        let survivor = crate::merges::survivor_of(read, intake.patient)?;
        let patient = read
            .patient(survivor)?
            .ok_or(ServiceError::NotFound { what: "patient" })?;
        let facts = self.release_facts(read, rules, patient.id)?;
        let only: Vec<_> = facts.iter().map(|(f, _)| f.clone()).collect();
        let selection = select(intake, &rules.policy, on, &only);
        let by_id: HashMap<&str, &Document> =
            facts.iter().map(|(f, d)| (f.id.as_str(), d)).collect();
        let documents: Vec<Document> = selection
            .included
            .iter()
            .filter_map(|id| by_id.get(id.as_str()).map(|d| (*d).clone()))
            .collect();
        let consent = consenting_authorization(intake, &rules.policy, on);
        let mut parts = PacketParts {
            request,
            patient: &patient,
            selection: &selection,
            documents: documents.iter().collect(),
            on,
            fee_cents: 0,
            paid,
            consent,
        };
        // The fee is one line of the cover letter: it never changes the page count.
        let pages = u32::try_from(layout(&parts).len()).unwrap_or(u32::MAX);
        parts.fee_cents = fee_cents(intake, &rules.policy, pages);
        let fee = parts.fee_cents;
        let pages = layout(&parts);
        Ok(Plan {
            patient,
            selection,
            documents,
            pages,
            fee_cents: fee,
        })
    }

    /// Releases a request on `on`: refuses (writing nothing) a request on hold, not
    /// QA-confirmed, or whose relied-on authorization has lapsed; otherwise writes
    /// `out/packet.pdf` and `out/manifest.json`, records the release (and the
    /// accounting entry of an accountable one) and audits it.
    pub fn release_roi(
        &self,
        session: &Session,
        request_id: &str,
        on: NaiveDate,
        out: &Path,
    ) -> Result<Manifest> {
        self.require(session, Permission::ReleaseRoi)?;
        let rules = load_rules(self.data_dir())?;
        let (mut request, work) = self.roi_worked(request_id)?;
        let effective = work.apply(&request);
        let refuse = |reason: String| ServiceError::Invalid {
            what: "release",
            reason,
        };
        check_release(&effective, &rules.policy, on).map_err(|e| refuse(e.to_string()))?;
        if work.logged_only {
            return Err(refuse("fulfillment has not started (`roi start`)".into()));
        }
        if let Some(i) = work.unpaid() {
            return Err(refuse(format!(
                "pending payment: invoice {} ({} cents) is unpaid (`roi pay`)",
                i.number, i.amount_cents
            )));
        }
        let paid = work.invoice.is_some();
        let read = self.store.read()?;
        let plan = self.plan_release(&read, &rules, &effective, on, paid)?;
        let manifest = Manifest {
            request_id: request.intake.request_id.clone(),
            included: plan.selection.included.clone(),
            withheld: plan
                .selection
                .withheld
                .iter()
                .map(|w| ManifestWithheld {
                    document: w.document.clone(),
                    reason: w.reason.clone(),
                })
                .collect(),
            pages: plan.pages.len(),
            fee_cents: plan.fee_cents,
        };
        let pdf = crate::paged::pdf::render(
            &plan.pages,
            &footer(&plan.patient),
            &format!("Release of information {}", request.intake.request_id),
        );
        write_files(out, &pdf, &manifest)?;
        request.release = Some(ReleaseRecord {
            on,
            by: session.user.id,
            included: manifest.included.clone(),
            withheld: plan.selection.withheld.clone(),
            pages: u32::try_from(manifest.pages).unwrap_or(u32::MAX),
            fee_cents: manifest.fee_cents,
        });
        let committed = self.record_release(session, &rules, &request, &effective, &plan, on);
        if committed.is_err() {
            // The release did not happen: take back what was written.
            let _ = std::fs::remove_file(out.join("packet.pdf"));
            let _ = std::fs::remove_file(out.join("manifest.json"));
        }
        committed.map(|()| manifest)
    }

    /// Stores `request` as released; `effective` (with a later authorization in place)
    /// decides whether the release is accountable.
    fn record_release(
        &self,
        session: &Session,
        rules: &RoiRules,
        request: &RoiRequest,
        effective: &RoiRequest,
        plan: &Plan,
        on: NaiveDate,
    ) -> Result<()> {
        let intake = &effective.intake;
        let mut tx = self.store.write()?;
        tx.put_roi_request(request)?;
        let accountable = is_accountable(intake, &rules.policy);
        if accountable {
            tx.add_disclosure(&Disclosure {
                patient: intake.patient,
                request: request.id,
                request_id: intake.request_id.clone(),
                date: on,
                recipient: intake.requester.name.clone().unwrap_or_default(),
                address: intake.requester.address.clone().unwrap_or_default(),
                description: describe(&plan.documents),
                purpose: intake.purpose.clone().unwrap_or_default(),
            })?;
        }
        let detail = format!(
            "roi request {} released: {} documents, {} withheld, {} pages{}",
            request.id,
            plan.selection.included.len(),
            plan.selection.withheld.len(),
            plan.pages.len(),
            if accountable { ", accountable" } else { "" }
        );
        tx.append_audit(self.audit_event(
            session,
            AccessAction::Release,
            Some(intake.patient),
            detail,
        ))?;
        tx.commit()?;
        Ok(())
    }
}

fn write_files(out: &Path, pdf: &[u8], manifest: &Manifest) -> Result<()> {
    let io = |e: std::io::Error| ServiceError::Invalid {
        what: "release directory",
        reason: format!("{}: {}", out.display(), e.kind()),
    };
    std::fs::create_dir_all(out).map_err(io)?;
    std::fs::write(out.join("packet.pdf"), pdf).map_err(io)?;
    let json = serde_json::to_vec_pretty(manifest).map_err(|e| ServiceError::Invalid {
        what: "manifest",
        reason: e.to_string(),
    })?;
    std::fs::write(out.join("manifest.json"), json).map_err(io)
}

/// What was disclosed, for the accounting (164.528(b)(2)(iii)): how many documents of
/// which types, dated from when to when.
fn describe(documents: &[Document]) -> String {
    if documents.is_empty() {
        return "no documents".to_string();
    }
    let types: BTreeSet<&str> = documents.iter().map(|d| d.doc_type.label()).collect();
    let dates: Vec<NaiveDate> = documents.iter().map(Document::local_date).collect();
    let first = dates.iter().min().copied().unwrap_or_default();
    let last = dates.iter().max().copied().unwrap_or_default();
    format!(
        "{} document(s) ({}) dated {first} to {last}",
        documents.len(),
        types.into_iter().collect::<Vec<_>>().join(", ")
    )
}
