//! The packet's text, laid out into pages (pure): cover letter with the invoice, the
//! written denial of psychotherapy notes for the patient (164.524(d)(2)), the 42 CFR
//! 2.32 notice with the consent's scope when substance-use records go out, then each
//! document on its own pages. [`crate::paged::pdf`] draws the pages and their footers.

use crate::paged::{push_section, COLUMNS};
use chartroom_domain::roi::{Authorization, RoiRequest, Selection};
use chartroom_domain::{Category, Document, Patient};
use chrono::NaiveDate;

pub(crate) struct PacketParts<'a> {
    pub request: &'a RoiRequest,
    pub patient: &'a Patient,
    pub selection: &'a Selection,
    /// The included documents, in manifest order.
    pub documents: Vec<&'a Document>,
    pub on: NaiveDate,
    pub fee_cents: u64,
    /// Whether the invoice was paid before release.
    pub paid: bool,
    /// The authorization whose consent the release relies on, if any.
    pub consent: Option<&'a Authorization>,
}

/// The footer of every page but its page number: patient name and MRN.
pub(crate) fn footer(patient: &Patient) -> String {
    format!(
        "{} | MRN {}",
        patient.name.display_last_first(),
        patient.mrn
    )
}

pub(crate) fn invoice_number(request: &RoiRequest) -> String {
    format!("INV-{:06}", request.id.0)
}

/// The 42 CFR 2.32 notice that accompanies each disclosure of Part 2 records.
pub(crate) const PART2_NOTICE: &str = "42 CFR 2.32 NOTICE TO ACCOMPANY DISCLOSURE: This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). These rules prohibit you from using or disclosing this record, or testimony that describes the information contained in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, State, or local authority, against the patient, unless authorized by the consent of the patient, except as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or disclosure of this record unless at least one of the following applies: further use or disclosure is expressly permitted by the written consent of the individual whose information is being disclosed in this record or as otherwise permitted by 42 CFR part 2; you are a covered entity or business associate and have received the record for treatment, payment, or health care operations; or you have received the record from a covered entity or business associate as permitted by 45 CFR part 164, subparts A and E. A general authorization for the release of medical or other information is NOT sufficient to meet the required elements of written consent to further use or redisclose the record (see 42 CFR 2.31).";

/// The pages of the packet, each a list of lines of at most [`COLUMNS`] characters.
pub(crate) fn layout(p: &PacketParts<'_>) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    push_section(&mut pages, &cover_letter(p));
    if p.selection.psychotherapy_denied {
        push_section(&mut pages, &denial_letter(p));
    }
    if p.selection.part2_included {
        push_section(&mut pages, &part2_notice(p));
    }
    let total = p.documents.len();
    for (n, doc) in p.documents.iter().enumerate() {
        let mut text = vec![
            format!("DOCUMENT {} OF {total}: {}", n + 1, doc.title),
            format!(
                "Type: {}   Date: {}   Id: {}",
                doc.doc_type.label(),
                doc.local_date(),
                super::document_ref(doc)
            ),
            "-".repeat(COLUMNS),
        ];
        text.extend(doc.text.lines().map(str::to_string));
        push_section(&mut pages, &text);
    }
    pages
}

fn or_blank(text: Option<&String>) -> &str {
    text.map_or("(not given)", String::as_str)
}

fn cover_letter(p: &PacketParts<'_>) -> Vec<String> {
    let i = &p.request.intake;
    let mut out = vec![
        "RELEASE OF INFORMATION".to_string(),
        String::new(),
        format!("Request: {}   Date: {}", i.request_id, p.on),
        format!("Received: {}", i.received),
        format!("To: {}", or_blank(i.requester.name.as_ref())),
        format!("    {}", or_blank(i.requester.address.as_ref())),
        format!("Requester type: {}", i.requester.kind.code()),
        format!("Purpose: {}", or_blank(i.purpose.as_ref())),
        String::new(),
        format!(
            "Patient: {}   MRN: {}   Date of birth: {}",
            p.patient.name.display_last_first(),
            p.patient.mrn,
            p.patient.dob
        ),
        String::new(),
        format!("Enclosed: {} document(s).", p.documents.len()),
    ];
    for doc in &p.documents {
        out.push(format!(
            "  {}  {}  {}",
            doc.local_date(),
            doc.doc_type.label(),
            super::document_ref(doc)
        ));
    }
    if !p.selection.withheld.is_empty() {
        // The reasons stay in the manifest: naming a category to a third party would
        // itself disclose it.
        out.push(format!(
            "Not enclosed: {} document(s) in scope that the law or hospital policy \
             releases only with the patient's specific written consent.",
            p.selection.withheld.len()
        ));
    }
    out.push(String::new());
    out.push(format!(
        "Invoice {}: amount ${}.{:02}   Paid: {}",
        invoice_number(p.request),
        p.fee_cents / 100,
        p.fee_cents % 100,
        if p.paid { "yes" } else { "no" }
    ));
    if !i.requester.kind.is_patient_access() {
        out.push(String::new());
        out.push(
            "This information has been disclosed to you from confidential health records. \
             Redisclosure may not be permitted by law."
                .to_string(),
        );
    }
    out
}

fn denial_letter(p: &PacketParts<'_>) -> Vec<String> {
    let notes = p
        .selection
        .withheld
        .iter()
        .filter(|w| w.reason == Category::Psythpn.code())
        .count();
    vec![
        "DENIAL OF ACCESS: PSYCHOTHERAPY NOTES".to_string(),
        String::new(),
        format!(
            "Your request {} covers {notes} psychotherapy note(s). These are not enclosed.",
            p.request.intake.request_id
        ),
        "Basis: under 45 CFR 164.524(a)(1)(i) the right of access does not extend to \
         psychotherapy notes. This denial is not reviewable (164.524(a)(2)); you may ask \
         for the rest of your record, which is enclosed, and you may ask your provider \
         to release the notes under a separate authorization."
            .to_string(),
        String::new(),
        "How to complain (164.524(d)(2)(iii)): write to the hospital's privacy officer, \
         Health Information Management department, or to the Secretary of Health and \
         Human Services, Office for Civil Rights (www.hhs.gov/ocr/complaints)."
            .to_string(),
    ]
}

fn part2_notice(p: &PacketParts<'_>) -> Vec<String> {
    let mut out = vec![PART2_NOTICE.to_string(), String::new()];
    match p.consent {
        Some(a) => {
            out.push("Scope of the consent for this disclosure:".to_string());
            out.push(format!(
                "  Information: {}",
                or_blank(a.description.as_ref())
            ));
            out.push(format!("  Recipient: {}", or_blank(a.recipient.as_ref())));
            out.push(format!("  Purpose: {}", or_blank(a.purpose.as_ref())));
            let until = match (a.expires, a.expiration_event.as_ref()) {
                (Some(d), _) => d.to_string(),
                (None, Some(e)) => e.clone(),
                (None, None) => "(not given)".to_string(),
            };
            out.push(format!("  Expires: {until}"));
            let cats: Vec<&str> = a.specific_consent.iter().map(|c| c.code()).collect();
            out.push(format!("  Specific consent: {}", cats.join(", ")));
        }
        None => out.push(
            "Scope: released to the patient (or the patient's personal representative) \
             under the right of access, 45 CFR 164.524."
                .to_string(),
        ),
    }
    out
}
