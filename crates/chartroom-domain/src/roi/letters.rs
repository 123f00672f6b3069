//! Letters to the requester: the hold letter (each missing element and its rule) and
//! the denial letter (the basis, review rights when the ground is reviewable, how to
//! complain; 164.524(d)(2)).

use super::request::{Closure, RoiIntake, RoiStatus};
use super::validate::rule_of;
use chrono::NaiveDate;

/// The letter that puts a request on hold: one line per missing code with its rule.
pub fn hold_letter(intake: &RoiIntake, missing: &[&str], due: NaiveDate) -> String {
    let mut out = format!(
        "Re: your request {} received {}\n\n\
         We cannot release these records yet. Please send us what is missing:\n",
        intake.request_id, intake.received
    );
    for code in missing {
        out.push_str(&format!("- {code}: {}\n", rule_of(code)));
    }
    out.push_str(&format!(
        "\nWe will answer by {due}. Requests by the patient keep their 30-day clock while\n\
         they wait (45 CFR 164.524(b)(2)).\n"
    ));
    out
}

/// The letter of a denial or cancellation.
pub fn closure_letter(intake: &RoiIntake, closure: &Closure) -> String {
    let head = format!(
        "Re: your request {} received {}\n\n",
        intake.request_id, intake.received
    );
    if closure.status == RoiStatus::Cancelled {
        return format!(
            "{head}Your request was cancelled on {}. Reason: {}\n\
             You may send a new request at any time.\n",
            closure.on, closure.reason
        );
    }
    let review = if closure.reviewable {
        "You may ask that this denial be reviewed by a licensed health care professional\n\
         who did not take part in it (45 CFR 164.524(a)(3), (a)(4), (d)(4)); write to the\n\
         Health Information Management department and we will refer it promptly."
    } else {
        "This ground of denial is not reviewable (45 CFR 164.524(a)(2))."
    };
    format!(
        "{head}Your request was denied on {on}.\n\
         Basis for the denial: {reason}\n\n\
         {review}\n\n\
         How to complain (45 CFR 164.524(d)(2)(iii)): write to the hospital's Privacy\n\
         Officer, Health Information Management, or to the Secretary of the U.S.\n\
         Department of Health and Human Services, Office for Civil Rights\n\
         (www.hhs.gov/ocr/complaints). You will not be retaliated against for complaining.\n",
        on = closure.on,
        reason = closure.reason,
    )
}
