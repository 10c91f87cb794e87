//! An amendment (*wijzigingsverzoek*) of a grant: the grantee asks, with reasons, to
//! raise the granted amount, to lower it, or to extend the accounting deadline; a
//! reviewer decides. Its states, its commands, the transition table that connects them,
//! and the checks of what may be asked.
//!
//! ```text
//! ingediend ──voorstellen──▶ voorgesteld ──toekennen──▶ toegekend
//! ingediend ──toekennen──▶ toegekend
//! ingediend, voorgesteld ──afwijzen──▶ afgewezen
//! ingediend, voorgesteld ──intrekken──▶ ingetrokken
//! ```
//!
//! `voorstellen` is the first of four eyes: a raise to a grant above the instrument's
//! limit is granted only when a second, different reviewer confirms it. The decision on
//! the application (the budget, the letter, the objection period) is the lifecycle's
//! `wijziging_toekennen` or `wijziging_weigeren` ([`crate::lifecycle`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::lifecycle::State;
use crate::Money;

/// What the grantee asks to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AmendmentKind {
    /// `verhoging`: a higher grant; needs budget available under the ceiling.
    #[serde(rename = "verhoging")]
    Raise,
    /// `verlaging`: a lower grant; the difference is released.
    #[serde(rename = "verlaging")]
    Lower,
    /// `verlenging`: a later accounting deadline.
    #[serde(rename = "verlenging")]
    Extend,
}

impl AmendmentKind {
    /// Every kind.
    pub const ALL: [AmendmentKind; 3] = [
        AmendmentKind::Raise,
        AmendmentKind::Lower,
        AmendmentKind::Extend,
    ];

    /// The Dutch name.
    pub const fn as_str(self) -> &'static str {
        match self {
            AmendmentKind::Raise => "verhoging",
            AmendmentKind::Lower => "verlaging",
            AmendmentKind::Extend => "verlenging",
        }
    }

    /// The request in the words of a letter.
    pub const fn in_words(self) -> &'static str {
        match self {
            AmendmentKind::Raise => "uw verzoek het subsidiebedrag te verhogen",
            AmendmentKind::Lower => "uw verzoek het subsidiebedrag te verlagen",
            AmendmentKind::Extend => "uw verzoek de termijn voor de verantwoording te verlengen",
        }
    }
}

crate::names::display_and_parse_by_name!(AmendmentKind, UnknownAmendmentKind);

/// A text that is not the Dutch name of an [`AmendmentKind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is geen soort wijzigingsverzoek; bekend zijn: {known}",
    known = AmendmentKind::ALL.map(AmendmentKind::as_str).join(", ")
)]
pub struct UnknownAmendmentKind(pub String);

/// The state of an amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AmendmentState {
    /// `ingediend`: received, not yet decided.
    #[serde(rename = "ingediend")]
    Submitted,
    /// `voorgesteld`: a reviewer proposed to grant it; a second one must confirm.
    #[serde(rename = "voorgesteld")]
    Proposed,
    /// `toegekend`: granted; the grant or deadline is changed. Final.
    #[serde(rename = "toegekend")]
    Granted,
    /// `afgewezen`: refused; nothing changes. Final.
    #[serde(rename = "afgewezen")]
    Refused,
    /// `ingetrokken`: withdrawn by the grantee before the decision. Final.
    #[serde(rename = "ingetrokken")]
    Withdrawn,
}

impl AmendmentState {
    /// Every state.
    pub const ALL: [AmendmentState; 5] = [
        AmendmentState::Submitted,
        AmendmentState::Proposed,
        AmendmentState::Granted,
        AmendmentState::Refused,
        AmendmentState::Withdrawn,
    ];

    /// The Dutch name.
    pub const fn as_str(self) -> &'static str {
        match self {
            AmendmentState::Submitted => "ingediend",
            AmendmentState::Proposed => "voorgesteld",
            AmendmentState::Granted => "toegekend",
            AmendmentState::Refused => "afgewezen",
            AmendmentState::Withdrawn => "ingetrokken",
        }
    }

    /// Whether the amendment is still open (not decided, not withdrawn).
    pub const fn is_open(self) -> bool {
        matches!(self, AmendmentState::Submitted | AmendmentState::Proposed)
    }
}

crate::names::display_and_parse_by_name!(AmendmentState, UnknownAmendmentState);

/// A text that is not the Dutch name of an [`AmendmentState`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is geen status van een wijzigingsverzoek; bekend zijn: {known}",
    known = AmendmentState::ALL.map(AmendmentState::as_str).join(", ")
)]
pub struct UnknownAmendmentState(pub String);

/// A command on an amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AmendmentCommand {
    /// `voorstellen`: the first of four eyes proposes to grant a raise above the limit.
    #[serde(rename = "voorstellen")]
    Propose,
    /// `toekennen`: grant the request. A decision.
    #[serde(rename = "toekennen")]
    Grant,
    /// `afwijzen`: refuse the request. A decision.
    #[serde(rename = "afwijzen")]
    Refuse,
    /// `intrekken`: the grantee withdraws the request.
    #[serde(rename = "intrekken")]
    Withdraw,
}

impl AmendmentCommand {
    /// Every command.
    pub const ALL: [AmendmentCommand; 4] = [
        AmendmentCommand::Propose,
        AmendmentCommand::Grant,
        AmendmentCommand::Refuse,
        AmendmentCommand::Withdraw,
    ];

    /// The Dutch name.
    pub const fn as_str(self) -> &'static str {
        match self {
            AmendmentCommand::Propose => "voorstellen",
            AmendmentCommand::Grant => "toekennen",
            AmendmentCommand::Refuse => "afwijzen",
            AmendmentCommand::Withdraw => "intrekken",
        }
    }

    /// Whether the command decides the amendment (a decision with a letter and an
    /// objection clause).
    pub const fn is_decision(self) -> bool {
        matches!(self, AmendmentCommand::Grant | AmendmentCommand::Refuse)
    }
}

crate::names::display_and_parse_by_name!(AmendmentCommand, UnknownAmendmentCommand);

/// A text that is not the Dutch name of an [`AmendmentCommand`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is geen opdracht voor een wijzigingsverzoek; bekend zijn: {known}",
    known = AmendmentCommand::ALL.map(AmendmentCommand::as_str).join(", ")
)]
pub struct UnknownAmendmentCommand(pub String);

/// The transition table of amendments: `(from, command, to)`. Every pair not listed is
/// refused.
pub const AMENDMENT_TABLE: &[(AmendmentState, AmendmentCommand, AmendmentState)] = {
    use AmendmentCommand as C;
    use AmendmentState as S;
    &[
        (S::Submitted, C::Propose, S::Proposed),
        (S::Submitted, C::Grant, S::Granted),
        (S::Submitted, C::Refuse, S::Refused),
        (S::Submitted, C::Withdraw, S::Withdrawn),
        (S::Proposed, C::Grant, S::Granted),
        (S::Proposed, C::Refuse, S::Refused),
        (S::Proposed, C::Withdraw, S::Withdrawn),
    ]
};

/// A command not allowed in the amendment's state. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{command}' is niet toegestaan voor een wijzigingsverzoek in status '{state}'; toegestaan: {}",
    allowed_list(.allowed)
)]
pub struct AmendmentTransitionError {
    /// The amendment's state.
    pub state: AmendmentState,
    /// The refused command.
    pub command: AmendmentCommand,
    /// The commands allowed in `state`.
    pub allowed: Vec<AmendmentCommand>,
}

fn allowed_list(allowed: &[AmendmentCommand]) -> String {
    if allowed.is_empty() {
        "geen (op het verzoek is beslist of het is ingetrokken)".to_owned()
    } else {
        allowed
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The commands allowed in `from`, in the order of [`AmendmentCommand::ALL`].
pub fn allowed_amendment_commands(from: AmendmentState) -> Vec<AmendmentCommand> {
    AmendmentCommand::ALL
        .into_iter()
        .filter(|&c| {
            AMENDMENT_TABLE
                .iter()
                .any(|&(f, cc, _)| f == from && cc == c)
        })
        .collect()
}

/// Checks `command` in state `from`: the state after, or the refusal naming what is
/// allowed.
pub fn amendment_transition(
    from: AmendmentState,
    command: AmendmentCommand,
) -> Result<AmendmentState, AmendmentTransitionError> {
    AMENDMENT_TABLE
        .iter()
        .find(|&&(f, c, _)| f == from && c == command)
        .map(|&(_, _, to)| to)
        .ok_or_else(|| AmendmentTransitionError {
            state: from,
            command,
            allowed: allowed_amendment_commands(from),
        })
}

/// What the grantee asks: the kind, with the new grant or the new deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmendmentRequest {
    /// What to change.
    pub kind: AmendmentKind,
    /// The grant after the change (raise, lower).
    pub amount: Option<Money>,
    /// The accounting deadline after the change (extension).
    pub deadline: Option<NaiveDate>,
}

/// Why a request cannot be made. Each says what would be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmendmentError {
    /// The application is not in a state where its grant can change.
    #[error(
        "een wijzigingsverzoek kan alleen bij een verleende, nog niet vastgestelde subsidie \
         (status 'gehonoreerd' of 'verantwoording_ingediend'); deze aanvraag is '{0}'"
    )]
    NotAmendable(State),
    /// An extension after the account was given.
    #[error(
        "de verantwoording is al ingediend; verlenging van de verantwoordingstermijn kan \
         alleen in status 'gehonoreerd'"
    )]
    AlreadyReported,
    /// A field that belongs to the other kinds.
    #[error("'{field}' hoort niet bij een verzoek tot {kind}; laat het weg")]
    NotApplicable {
        /// The field's Dutch name.
        field: &'static str,
        /// The kind asked.
        kind: AmendmentKind,
    },
    /// A field the kind needs.
    #[error("'{field}' is verplicht bij een verzoek tot {kind}")]
    Missing {
        /// The field's Dutch name.
        field: &'static str,
        /// The kind asked.
        kind: AmendmentKind,
    },
    /// A raise that is not higher, or a lowering that is not lower.
    #[error(
        "bij een verzoek tot {kind} is het nieuwe bedrag {} {} dan de huidige verlening \
         van {}; vraag een bedrag {}",
        asked.to_dutch(),
        if *kind == AmendmentKind::Raise { "niet hoger" } else { "niet lager" },
        granted.to_dutch(),
        if *kind == AmendmentKind::Raise { "boven de verlening" } else { "onder de verlening" },
    )]
    WrongDirection {
        /// The kind asked.
        kind: AmendmentKind,
        /// The amount asked.
        asked: Money,
        /// The current grant.
        granted: Money,
    },
    /// An extension to a day not after the current deadline.
    #[error(
        "de gevraagde verantwoordingstermijn {asked} ligt niet na de huidige van {current}; \
         vraag een latere datum"
    )]
    NotLater {
        /// The deadline asked.
        asked: NaiveDate,
        /// The current one.
        current: NaiveDate,
    },
}

/// Checks what the grantee asks against the application's state, its current grant and
/// its current accounting deadline (`None` when the instrument sets none; any date is
/// then later).
pub fn check_request(
    request: &AmendmentRequest,
    state: State,
    granted: Money,
    current_deadline: Option<NaiveDate>,
) -> Result<(), AmendmentError> {
    if !state.holds_grant() {
        return Err(AmendmentError::NotAmendable(state));
    }
    let kind = request.kind;
    match kind {
        AmendmentKind::Raise | AmendmentKind::Lower => {
            if request.deadline.is_some() {
                return Err(AmendmentError::NotApplicable {
                    field: "verantwoordingUiterlijk",
                    kind,
                });
            }
            let asked = request.amount.ok_or(AmendmentError::Missing {
                field: "bedrag",
                kind,
            })?;
            let right_way = if kind == AmendmentKind::Raise {
                asked > granted
            } else {
                asked < granted
            };
            if !right_way {
                return Err(AmendmentError::WrongDirection {
                    kind,
                    asked,
                    granted,
                });
            }
        }
        AmendmentKind::Extend => {
            if request.amount.is_some() {
                return Err(AmendmentError::NotApplicable {
                    field: "bedrag",
                    kind,
                });
            }
            if state != State::Granted {
                return Err(AmendmentError::AlreadyReported);
            }
            let asked = request.deadline.ok_or(AmendmentError::Missing {
                field: "verantwoordingUiterlijk",
                kind,
            })?;
            if let Some(current) = current_deadline.filter(|c| asked <= *c) {
                return Err(AmendmentError::NotLater { asked, current });
            }
        }
    }
    Ok(())
}

/// Whether granting needs a second reviewer: a raise to a grant above the limit.
pub fn needs_four_eyes(request: &AmendmentRequest, limit: Option<Money>) -> bool {
    match (request.kind, request.amount, limit) {
        (AmendmentKind::Raise, Some(amount), Some(limit)) => amount > limit,
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use AmendmentCommand as C;
    use AmendmentState as S;

    /// The expected table, written out apart from [`AMENDMENT_TABLE`].
    fn expected(from: S, command: C) -> Option<S> {
        Some(match (from, command) {
            (S::Submitted, C::Propose) => S::Proposed,
            (S::Submitted | S::Proposed, C::Grant) => S::Granted,
            (S::Submitted | S::Proposed, C::Refuse) => S::Refused,
            (S::Submitted | S::Proposed, C::Withdraw) => S::Withdrawn,
            _ => return None,
        })
    }

    #[test]
    fn every_cell_of_the_amendment_table() {
        let mut allowed = 0;
        for from in AmendmentState::ALL {
            for command in AmendmentCommand::ALL {
                match (expected(from, command), amendment_transition(from, command)) {
                    (Some(to), Ok(got)) => {
                        allowed += 1;
                        assert_eq!(got, to, "{from} --{command}-->");
                        assert!(allowed_amendment_commands(from).contains(&command));
                    }
                    (None, Err(e)) => {
                        assert_eq!((e.state, e.command), (from, command));
                        assert!(!e.allowed.contains(&command));
                        let text = e.to_string();
                        assert!(text.contains(&format!("status '{from}'")), "{text}");
                        assert!(text.contains(&format!("'{command}'")), "{text}");
                        for ok in &e.allowed {
                            assert!(text.contains(ok.as_str()), "{text}");
                        }
                    }
                    (want, got) => panic!("{from} --{command}-->: {want:?} expected, got {got:?}"),
                }
            }
        }
        assert_eq!(allowed, AMENDMENT_TABLE.len());
        for state in AmendmentState::ALL {
            assert_eq!(
                allowed_amendment_commands(state).is_empty(),
                !state.is_open(),
                "{state}"
            );
        }
        // A proposal is not proposed again: the second reviewer grants or refuses.
        assert!(amendment_transition(S::Proposed, C::Propose).is_err());
    }

    #[test]
    fn names_round_trip() {
        for s in AmendmentState::ALL {
            assert_eq!(s.as_str().parse::<AmendmentState>(), Ok(s));
        }
        for c in AmendmentCommand::ALL {
            assert_eq!(c.as_str().parse::<AmendmentCommand>(), Ok(c));
        }
        for k in AmendmentKind::ALL {
            assert_eq!(k.as_str().parse::<AmendmentKind>(), Ok(k));
        }
        let e = "ophoging".parse::<AmendmentKind>().unwrap_err();
        assert!(
            e.to_string().contains("verhoging, verlaging, verlenging"),
            "{e}"
        );
        assert_eq!(
            AmendmentCommand::ALL
                .into_iter()
                .filter(|c| c.is_decision())
                .collect::<Vec<_>>(),
            [C::Grant, C::Refuse]
        );
    }

    fn eur(n: i64) -> Money {
        Money::from_cents(n * 100).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn ask(
        kind: AmendmentKind,
        amount: Option<i64>,
        deadline: Option<NaiveDate>,
    ) -> AmendmentRequest {
        AmendmentRequest {
            kind,
            amount: amount.map(eur),
            deadline,
        }
    }

    #[test]
    fn what_may_be_asked() {
        use AmendmentKind as K;
        let due = Some(date(2027, 6, 30));
        let ok = |r: AmendmentRequest, s: State| check_request(&r, s, eur(1000), due);
        assert_eq!(ok(ask(K::Raise, Some(1200), None), State::Granted), Ok(()));
        assert_eq!(ok(ask(K::Raise, Some(1200), None), State::Reported), Ok(()));
        assert_eq!(ok(ask(K::Lower, Some(800), None), State::Granted), Ok(()));
        assert_eq!(
            ok(
                ask(K::Extend, None, Some(date(2027, 9, 30))),
                State::Granted
            ),
            Ok(())
        );
        // Only a grant not yet settled changes.
        for state in State::ALL.into_iter().filter(|s| !s.holds_grant()) {
            assert_eq!(
                ok(ask(K::Raise, Some(1200), None), state),
                Err(AmendmentError::NotAmendable(state))
            );
        }
        let e = ok(ask(K::Raise, Some(1000), None), State::Granted).unwrap_err();
        assert!(e.to_string().contains("niet hoger"), "{e}");
        let e = ok(ask(K::Lower, Some(1000), None), State::Granted).unwrap_err();
        assert!(e.to_string().contains("onder de verlening"), "{e}");
        assert!(matches!(
            ok(ask(K::Raise, None, None), State::Granted),
            Err(AmendmentError::Missing {
                field: "bedrag",
                ..
            })
        ));
        assert!(matches!(
            ok(ask(K::Lower, Some(800), due), State::Granted),
            Err(AmendmentError::NotApplicable { .. })
        ));
        assert!(matches!(
            ok(ask(K::Extend, Some(800), due), State::Granted),
            Err(AmendmentError::NotApplicable {
                field: "bedrag",
                ..
            })
        ));
        assert_eq!(
            ok(
                ask(K::Extend, None, Some(date(2027, 9, 30))),
                State::Reported
            ),
            Err(AmendmentError::AlreadyReported)
        );
        assert!(matches!(
            ok(ask(K::Extend, None, due), State::Granted),
            Err(AmendmentError::NotLater { .. })
        ));
        // Without a deadline of the instrument, any date is later.
        assert_eq!(
            check_request(
                &ask(K::Extend, None, Some(date(2026, 1, 1))),
                State::Granted,
                eur(1),
                None
            ),
            Ok(())
        );
    }

    #[test]
    fn four_eyes_only_for_a_raise_above_the_limit() {
        use AmendmentKind as K;
        let limit = Some(eur(1000));
        assert!(needs_four_eyes(&ask(K::Raise, Some(1001), None), limit));
        assert!(!needs_four_eyes(&ask(K::Raise, Some(1000), None), limit));
        assert!(!needs_four_eyes(&ask(K::Raise, Some(5000), None), None));
        assert!(!needs_four_eyes(&ask(K::Lower, Some(5000), None), limit));
        assert!(!needs_four_eyes(
            &ask(K::Extend, None, Some(date(2027, 1, 1))),
            limit
        ));
    }
}
