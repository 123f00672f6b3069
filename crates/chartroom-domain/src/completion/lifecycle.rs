//! The deficiency lifecycle as one table of legal moves:
//!
//! ```text
//! open ──complete──▶ completed ──verify──▶ verified ──close──▶ closed
//!  │ ▲                  │   ▲                  │
//!  │ └────reopen────────┘   └───(rules)        └──reopen──▶ open
//!  ├──return (reason)──▶ returned ──reassign──▶ open
//!  └──cancel (reason)──▶ cancelled       (returned: complete, cancel too)
//! ```
//!
//! Anything else is refused with the rule it breaks, in words an analyst reads.

use super::{Deficiency, DeficiencyStatus as S};
use crate::ids::{ProviderId, UserId};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// What someone (or the rules) does to a deficiency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Transition {
    /// The provider did it, or the missing document arrived or was signed.
    Complete,
    /// HIM checked the completion.
    Verify,
    /// Verified and done.
    Close,
    /// "Not my patient": back to the analyst, with a reason.
    Return,
    /// Give it to another provider (an open or returned deficiency).
    Reassign,
    /// Recorded in error or no longer applicable, with a reason.
    Cancel,
    /// The completion does not hold (HIM found it incomplete, or the rules find the
    /// item missing again).
    Reopen,
}

impl Transition {
    pub const ALL: [Transition; 7] = [
        Transition::Complete,
        Transition::Verify,
        Transition::Close,
        Transition::Return,
        Transition::Reassign,
        Transition::Cancel,
        Transition::Reopen,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Transition::Complete => "complete",
            Transition::Verify => "verify",
            Transition::Close => "close",
            Transition::Return => "return",
            Transition::Reassign => "reassign",
            Transition::Cancel => "cancel",
            Transition::Reopen => "reopen",
        }
    }

    pub fn parse(code: &str) -> Option<Transition> {
        Transition::ALL
            .into_iter()
            .find(|t| t.code().eq_ignore_ascii_case(code.trim()))
    }

    /// The status it leads to from `from`, or the rule that forbids it.
    pub fn target(self, from: S) -> Result<S, &'static str> {
        use Transition as T;
        match (self, from) {
            (T::Complete, S::Open | S::Returned) => Ok(S::Completed),
            (T::Complete, _) => Err("only an open or returned deficiency can be completed"),
            (T::Verify, S::Completed) => Ok(S::Verified),
            (T::Verify, _) => Err("a deficiency is verified only after it is completed (open → completed → verified)"),
            (T::Close, S::Verified) => Ok(S::Closed),
            (T::Close, _) => Err("a deficiency is closed only after HIM has verified it (completed → verified → closed)"),
            (T::Return, S::Open) => Ok(S::Returned),
            (T::Return, _) => Err("only an open deficiency can be returned to the analyst"),
            (T::Reassign, S::Open | S::Returned) => Ok(S::Open),
            (T::Reassign, _) => Err("only an open or returned deficiency can be reassigned"),
            (T::Cancel, S::Open | S::Returned | S::Completed) => Ok(S::Cancelled),
            (T::Cancel, _) => Err("a verified, closed or cancelled deficiency cannot be cancelled"),
            (T::Reopen, S::Completed | S::Verified) => Ok(S::Open),
            (T::Reopen, _) => Err("only a completed or verified deficiency can be reopened"),
        }
    }

    /// Whether the move needs a reason from the user.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Transition::Return | Transition::Cancel | Transition::Reopen
        )
    }
}

/// One recorded change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub at: NaiveDateTime,
    /// `None`: the rules did it (the document arrived, or a new finding).
    pub by: Option<UserId>,
    pub transition: Transition,
    pub from: S,
    pub to: S,
    pub reason: String,
    /// The provider it was (re)assigned to, for `Reassign`.
    pub provider: Option<ProviderId>,
}

/// A refused move, naming the rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("cannot {transition} a deficiency that is {from}: {rule}", transition = .transition.code(), from = .from.code())]
    Illegal {
        transition: Transition,
        from: S,
        rule: &'static str,
    },
    #[error("{transition} needs a reason", transition = .0.code())]
    NeedsReason(Transition),
    #[error("reassign needs the provider to assign it to")]
    NeedsProvider,
}

impl Deficiency {
    /// Applies `transition` (checked against the table above) and records it.
    pub fn apply(
        &mut self,
        transition: Transition,
        at: NaiveDateTime,
        by: Option<UserId>,
        reason: &str,
        provider: Option<ProviderId>,
    ) -> Result<(), LifecycleError> {
        let to = transition
            .target(self.status)
            .map_err(|rule| LifecycleError::Illegal {
                transition,
                from: self.status,
                rule,
            })?;
        let reason = reason.trim();
        // The rules reopen without words: the finding itself is the reason.
        if transition.needs_reason() && reason.is_empty() && by.is_some() {
            return Err(LifecycleError::NeedsReason(transition));
        }
        if transition == Transition::Reassign {
            let Some(provider) = provider else {
                return Err(LifecycleError::NeedsProvider);
            };
            self.provider = Some(provider);
        }
        self.history.push(Change {
            at,
            by,
            transition,
            from: self.status,
            to,
            reason: reason.to_string(),
            provider: provider.filter(|_| transition == Transition::Reassign),
        });
        self.status = to;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::completion::Origin;
    use crate::ids::{DeficiencyId, EncounterId, PatientId};
    use chrono::NaiveDate;

    fn open() -> Deficiency {
        let day = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
        Deficiency {
            id: DeficiencyId(1),
            encounter: EncounterId(1),
            patient: PatientId(1),
            kind: "discharge_summary".into(),
            document: None,
            procedure: None,
            provider: Some(ProviderId(7)),
            status: S::Open,
            origin: Origin::Rule,
            discharge_date: day,
            due: day + chrono::Days::new(30),
            comment: String::new(),
            created: day.and_hms_opt(12, 0, 0).unwrap(),
            history: Vec::new(),
        }
    }

    fn at() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 2, 2)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
    }

    #[test]
    fn the_happy_path_is_recorded_step_by_step() {
        let mut d = open();
        let me = Some(UserId(3));
        d.apply(Transition::Complete, at(), None, "", None).unwrap();
        d.apply(Transition::Verify, at(), me, "", None).unwrap();
        d.apply(Transition::Close, at(), me, "", None).unwrap();
        assert_eq!(d.status, S::Closed);
        let path: Vec<_> = d.history.iter().map(|c| (c.from, c.to)).collect();
        assert_eq!(
            path,
            [
                (S::Open, S::Completed),
                (S::Completed, S::Verified),
                (S::Verified, S::Closed)
            ]
        );
        assert_eq!(d.resolved_at(), Some(at()));
    }

    #[test]
    fn every_illegal_move_names_its_rule() {
        let mut d = open();
        let err = d
            .apply(Transition::Verify, at(), Some(UserId(1)), "", None)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot verify a deficiency that is open: a deficiency is verified only after it is completed (open → completed → verified)"
        );
        assert_eq!(d.status, S::Open);
        assert!(d.history.is_empty());
        // Every (transition, status) pair is either legal or names a rule.
        for t in Transition::ALL {
            for s in S::ALL {
                match t.target(s) {
                    Ok(_) => {}
                    Err(rule) => assert!(!rule.is_empty()),
                }
            }
        }
        let mut closed = open();
        closed.status = S::Closed;
        assert!(closed
            .apply(Transition::Cancel, at(), Some(UserId(1)), "dup", None)
            .is_err());
    }

    #[test]
    fn return_and_cancel_need_a_reason_and_reassign_a_provider() {
        let mut d = open();
        let me = Some(UserId(3));
        assert_eq!(
            d.apply(Transition::Return, at(), me, "  ", None),
            Err(LifecycleError::NeedsReason(Transition::Return))
        );
        d.apply(Transition::Return, at(), me, "not my patient", None)
            .unwrap();
        assert_eq!(d.status, S::Returned);
        assert_eq!(
            d.apply(Transition::Reassign, at(), me, "", None),
            Err(LifecycleError::NeedsProvider)
        );
        d.apply(Transition::Reassign, at(), me, "", Some(ProviderId(9)))
            .unwrap();
        assert_eq!((d.status, d.provider), (S::Open, Some(ProviderId(9))));
        d.apply(Transition::Cancel, at(), me, "recorded in error", None)
            .unwrap();
        assert_eq!(d.status, S::Cancelled);
        assert_eq!(d.history.len(), 3);
    }
}
