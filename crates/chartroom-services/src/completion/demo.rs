//! The demo population's chart completion history: after the generator has written the
//! charts and `analyze_deficiencies` has found what they lack, a share of the
//! deficiencies is moved through the lifecycle with back-dated changes, so the demo's
//! Completion workspace shows every status, every aging bucket and months on both sides
//! of the delinquency threshold.
//!
//! Every choice is a hash of the seed and the deficiency id (or its discharge month):
//! the same seed gives the same history. Each deficiency moved gets one audit event
//! naming its moves, written by the demo operator in the same transaction.

use crate::{Result, Services, Session};
use chartroom_domain::completion::Transition;
use chartroom_domain::{Deficiency, ProviderId};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// Deficiencies moved per write transaction.
const BATCH: usize = 2_000;
/// Charts discharged this many days before the as-of date or more have been reviewed.
const REVIEW_LAG_DAYS: i64 = 3;
/// Discharges this recent (days before the as-of date) are still being worked.
const WORKING_DAYS: i64 = 270;

/// How many deficiencies the demo history moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoHistory {
    pub moved: u64,
    pub changes: u64,
}

/// splitmix64.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A uniform number in [0, 1) from the seed, a key and a salt.
fn chance(seed: u64, key: u64, salt: u64) -> f64 {
    let h = mix(mix(seed ^ salt.wrapping_mul(0xa076_1d64_78bd_642f)) ^ key);
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// One planned move.
struct Step {
    transition: Transition,
    at: NaiveDateTime,
    reason: &'static str,
    provider: Option<ProviderId>,
}

/// What becomes of one deficiency by `end` (the as-of date's evening).
fn plan(d: &Deficiency, seed: u64, end: NaiveDateTime, providers: &[ProviderId]) -> Vec<Step> {
    let u = |salt: u64| chance(seed, d.id.0, salt);
    let base = d.discharge_date.and_time(NaiveTime::MIN) + Duration::hours(9);
    let at = |days: f64| base + Duration::minutes((days * 1440.0) as i64);
    let age = (end.date() - d.discharge_date).num_days();
    let month = u64::from(d.discharge_date.year().unsigned_abs()) * 12
        + u64::from(d.discharge_date.month());
    // Some months the medical staff falls behind (a holiday, an EHR upgrade).
    let bad_month = chance(seed, month, 9) < 0.4;
    // Old charts were all finished in the end (a records room does not carry years of
    // open items); recent ones are partly still open, more so after a bad month.
    let (prompt, late) = match (age <= WORKING_DAYS, bad_month) {
        (false, _) => (0.85, 0.15),
        (true, false) => (0.55, 0.25),
        (true, true) => (0.05, 0.15),
    };
    let fate = u(1);
    let mut steps = Vec::new();
    let mut push = |transition, at: NaiveDateTime, reason, provider| {
        let ok = at <= end;
        if ok {
            steps.push(Step {
                transition,
                at,
                reason,
                provider,
            });
        }
        ok
    };
    if fate < prompt + late {
        let lag = if fate < prompt {
            1.0 + u(2) * 27.0
        } else {
            31.0 + u(2) * 50.0
        };
        if u(3) < 0.04 {
            push(
                Transition::Cancel,
                at(lag),
                "recorded in error: the note is on the paper chart",
                None,
            );
            return steps;
        }
        let done = lag;
        let verified = done + 1.0 + u(4) * 9.0;
        let closed = verified + 1.0 + u(5) * 6.0;
        if push(Transition::Complete, at(done), "", None) {
            let _ = push(Transition::Verify, at(verified), "", None)
                && u(6) < 0.95
                && push(Transition::Close, at(closed), "", None);
            return steps;
        }
    }
    // Still the provider's: some are sent back or cancelled.
    let r = u(7);
    if r < 0.10 {
        let returned = 1.0 + u(8) * 9.0;
        let reassigned = returned + 1.0 + u(10) * 3.0;
        let other = providers
            .get((u(11) * providers.len() as f64) as usize)
            .copied()
            .filter(|p| Some(*p) != d.provider);
        let _ = push(Transition::Return, at(returned), "not my patient", None)
            && r < 0.05
            && other.is_some()
            && push(Transition::Reassign, at(reassigned), "", other);
    } else if r < 0.13 {
        push(
            Transition::Cancel,
            at(1.0 + u(8) * 20.0),
            "no longer applicable: the encounter was registered in error",
            None,
        );
    }
    steps
}

impl Services {
    /// Moves the demo's deficiencies through back-dated histories as of `as_of` (the
    /// demo population's "today"), as `session`'s user.
    pub(crate) fn plant_completion_history(
        &self,
        session: &Session,
        as_of: NaiveDate,
        seed: u64,
    ) -> Result<DemoHistory> {
        let end = as_of.and_time(NaiveTime::MIN) + Duration::hours(18);
        let read = self.store.read()?;
        let providers: Vec<ProviderId> = read.providers()?.into_iter().map(|p| p.id).collect();
        let all: Vec<Deficiency> = read
            .deficiencies()?
            .collect::<chartroom_store::Result<_>>()?;
        drop(read);
        let mut report = DemoHistory::default();
        for chunk in all.chunks(BATCH) {
            let mut tx = self.store.write()?;
            for d in chunk {
                let mut d = d.clone();
                // Recorded when the chart was analysed, the morning after discharge.
                d.created =
                    (d.discharge_date.and_time(NaiveTime::MIN) + Duration::hours(31)).min(end);
                let steps = plan(&d, seed, end, &providers);
                let mut names = Vec::with_capacity(steps.len());
                for s in steps {
                    if d.apply(
                        s.transition,
                        s.at,
                        Some(session.user.id),
                        s.reason,
                        s.provider,
                    )
                    .is_err()
                    {
                        break;
                    }
                    names.push(s.transition.code());
                }
                tx.put_deficiency(&d)?;
                if !names.is_empty() {
                    report.moved += 1;
                    report.changes += names.len() as u64;
                    let what = format!("demo history ({})", names.join(", "));
                    self.audit_deficiency(&mut tx, session, &d, &what)?;
                }
            }
            tx.commit()?;
        }
        Ok(report)
    }

    /// Analysts review a chart within a few days of discharge: every analysed encounter
    /// discharged more than `REVIEW_LAG_DAYS` before `as_of` is marked reviewed (two days
    /// after its discharge), so the demo's analysis queue holds the last few days'
    /// discharges, as a records room's does. One audit event sums them up.
    pub(crate) fn plant_reviews(&self, session: &Session, as_of: NaiveDate) -> Result<u64> {
        let read = self.store.read()?;
        let cutoff = as_of - Duration::days(REVIEW_LAG_DAYS);
        let due: Vec<_> = read
            .analyses()?
            .into_iter()
            .filter(|(_, a)| a.reviewed.is_none() && a.discharge_date < cutoff)
            .collect();
        drop(read);
        for chunk in due.chunks(BATCH * 10) {
            let mut tx = self.store.write()?;
            for (id, analysis) in chunk {
                let mut analysis = analysis.clone();
                let at = analysis.discharge_date.and_time(NaiveTime::MIN) + Duration::hours(58);
                analysis.reviewed = Some((session.user.id, at));
                tx.put_analysis(*id, &analysis)?;
            }
            tx.commit()?;
        }
        let detail = format!("demo history: {} charts reviewed by analysts", due.len());
        self.audit(self.audit_event(
            session,
            chartroom_domain::AccessAction::Deficiency,
            None,
            detail,
        ))?;
        Ok(due.len() as u64)
    }
}
