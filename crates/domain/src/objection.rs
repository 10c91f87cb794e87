//! An objection (*bezwaar*, Awb chapters 6 and 7) against a decision on an application:
//! its states, its commands and the one transition table that connects them, and its
//! decision term.
//!
//! ```text
//! ingediend ──herstel_vragen──▶ herstel_gevraagd ──herstellen──▶ ingediend
//! ingediend ──gronden_aanvullen, verdagen, horen──▶ ingediend
//! ingediend ──ongegrond_verklaren──▶ ongegrond
//! ingediend ──gegrond_verklaren──▶ gegrond
//! herstel_gevraagd ──niet_ontvankelijk_verklaren──▶ niet_ontvankelijk
//! ```
//!
//! *Niet-ontvankelijk* only after the objector had the chance to mend an omission
//! (Awb 6:6), so only from `herstel_gevraagd`, and the service checks that the mend term
//! has passed. Conditions on data (the hearing held or waived before *ongegrond*, one
//! extension only, a decider who did not take the contested decision) are the service's.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::deadlines::{term_end, DeadlineError, Term};

/// The state of an objection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ObjectionState {
    /// `ingediend`: received, being handled.
    #[serde(rename = "ingediend")]
    Lodged,
    /// `herstel_gevraagd`: the objector was asked to mend an omission (Awb 6:6).
    #[serde(rename = "herstel_gevraagd")]
    MendRequested,
    /// `niet_ontvankelijk`: not admissible (Awb 6:6 after the mend term). Final.
    #[serde(rename = "niet_ontvankelijk")]
    Inadmissible,
    /// `ongegrond`: unfounded; the decision stands. Final.
    #[serde(rename = "ongegrond")]
    Unfounded,
    /// `gegrond`: founded; the decision is revoked and a new one taken (Awb 7:11). Final.
    #[serde(rename = "gegrond")]
    Founded,
}

impl ObjectionState {
    /// Every state.
    pub const ALL: [ObjectionState; 5] = [
        ObjectionState::Lodged,
        ObjectionState::MendRequested,
        ObjectionState::Inadmissible,
        ObjectionState::Unfounded,
        ObjectionState::Founded,
    ];

    /// The Dutch name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ObjectionState::Lodged => "ingediend",
            ObjectionState::MendRequested => "herstel_gevraagd",
            ObjectionState::Inadmissible => "niet_ontvankelijk",
            ObjectionState::Unfounded => "ongegrond",
            ObjectionState::Founded => "gegrond",
        }
    }

    /// Whether the objection is decided.
    pub const fn is_decided(self) -> bool {
        matches!(
            self,
            ObjectionState::Inadmissible | ObjectionState::Unfounded | ObjectionState::Founded
        )
    }
}

crate::names::display_and_parse_by_name!(ObjectionState, UnknownObjectionState);

/// A text that is not the Dutch name of an [`ObjectionState`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is geen bekende status van een bezwaar; bekend zijn: {known}",
    known = ObjectionState::ALL.map(ObjectionState::as_str).join(", ")
)]
pub struct UnknownObjectionState(pub String);

/// A command on an objection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ObjectionCommand {
    /// `gronden_aanvullen`: a later objection against the same decision adds grounds.
    #[serde(rename = "gronden_aanvullen")]
    AddGrounds,
    /// `herstel_vragen`: a reviewer asks the objector to mend an omission (Awb 6:6).
    #[serde(rename = "herstel_vragen")]
    RequestMend,
    /// `herstellen`: the objector mends it.
    #[serde(rename = "herstellen")]
    Mend,
    /// `verdagen`: the decision term is extended once by six weeks (Awb 7:10 lid 3).
    #[serde(rename = "verdagen")]
    Extend,
    /// `horen`: the hearing (Awb 7:2) is recorded as held or waived by the objector.
    #[serde(rename = "horen")]
    RecordHearing,
    /// `niet_ontvankelijk_verklaren`: the objection is not admissible. A decision.
    #[serde(rename = "niet_ontvankelijk_verklaren")]
    DeclareInadmissible,
    /// `ongegrond_verklaren`: the objection is unfounded. A decision.
    #[serde(rename = "ongegrond_verklaren")]
    DeclareUnfounded,
    /// `gegrond_verklaren`: the objection is founded. A decision.
    #[serde(rename = "gegrond_verklaren")]
    DeclareFounded,
}

impl ObjectionCommand {
    /// Every command.
    pub const ALL: [ObjectionCommand; 8] = [
        ObjectionCommand::AddGrounds,
        ObjectionCommand::RequestMend,
        ObjectionCommand::Mend,
        ObjectionCommand::Extend,
        ObjectionCommand::RecordHearing,
        ObjectionCommand::DeclareInadmissible,
        ObjectionCommand::DeclareUnfounded,
        ObjectionCommand::DeclareFounded,
    ];

    /// The Dutch name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ObjectionCommand::AddGrounds => "gronden_aanvullen",
            ObjectionCommand::RequestMend => "herstel_vragen",
            ObjectionCommand::Mend => "herstellen",
            ObjectionCommand::Extend => "verdagen",
            ObjectionCommand::RecordHearing => "horen",
            ObjectionCommand::DeclareInadmissible => "niet_ontvankelijk_verklaren",
            ObjectionCommand::DeclareUnfounded => "ongegrond_verklaren",
            ObjectionCommand::DeclareFounded => "gegrond_verklaren",
        }
    }

    /// Whether the command decides the objection (a *beslissing op bezwaar*, open to
    /// appeal at the court, Awb 8:1, 6:7).
    pub const fn is_decision(self) -> bool {
        matches!(
            self,
            ObjectionCommand::DeclareInadmissible
                | ObjectionCommand::DeclareUnfounded
                | ObjectionCommand::DeclareFounded
        )
    }
}

crate::names::display_and_parse_by_name!(ObjectionCommand, UnknownObjectionCommand);

/// A text that is not the Dutch name of an [`ObjectionCommand`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is geen bekende opdracht voor een bezwaar; bekend zijn: {known}",
    known = ObjectionCommand::ALL.map(ObjectionCommand::as_str).join(", ")
)]
pub struct UnknownObjectionCommand(pub String);

/// The transition table of objections: `(from, command, to)`. Every pair not listed is
/// refused.
pub const OBJECTION_TABLE: &[(ObjectionState, ObjectionCommand, ObjectionState)] = {
    use ObjectionCommand as C;
    use ObjectionState as S;
    &[
        (S::Lodged, C::AddGrounds, S::Lodged),
        (S::Lodged, C::RequestMend, S::MendRequested),
        (S::Lodged, C::Extend, S::Lodged),
        (S::Lodged, C::RecordHearing, S::Lodged),
        (S::Lodged, C::DeclareUnfounded, S::Unfounded),
        (S::Lodged, C::DeclareFounded, S::Founded),
        (S::MendRequested, C::AddGrounds, S::MendRequested),
        (S::MendRequested, C::Mend, S::Lodged),
        (S::MendRequested, C::Extend, S::MendRequested),
        (S::MendRequested, C::DeclareInadmissible, S::Inadmissible),
    ]
};

/// A command not allowed in the objection's state. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{command}' is niet toegestaan voor een bezwaar in status '{state}'; toegestaan: {}",
    allowed_list(.allowed)
)]
pub struct ObjectionTransitionError {
    /// The objection's state.
    pub state: ObjectionState,
    /// The refused command.
    pub command: ObjectionCommand,
    /// The commands allowed in `state`.
    pub allowed: Vec<ObjectionCommand>,
}

fn allowed_list(allowed: &[ObjectionCommand]) -> String {
    if allowed.is_empty() {
        "geen (op het bezwaar is beslist)".to_owned()
    } else {
        allowed
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The commands allowed in `from`, in the order of [`ObjectionCommand::ALL`].
pub fn allowed_objection_commands(from: ObjectionState) -> Vec<ObjectionCommand> {
    ObjectionCommand::ALL
        .into_iter()
        .filter(|&c| {
            OBJECTION_TABLE
                .iter()
                .any(|&(f, cc, _)| f == from && cc == c)
        })
        .collect()
}

/// Checks `command` in state `from`: the state after, or the refusal naming what is
/// allowed.
pub fn objection_transition(
    from: ObjectionState,
    command: ObjectionCommand,
) -> Result<ObjectionState, ObjectionTransitionError> {
    OBJECTION_TABLE
        .iter()
        .find(|&&(f, c, _)| f == from && c == command)
        .map(|&(_, _, to)| to)
        .ok_or_else(|| ObjectionTransitionError {
            state: from,
            command,
            allowed: allowed_objection_commands(from),
        })
}

/// The last day to decide on an objection (Awb 7:10 lid 1): six weeks from the day
/// after the objection period ended, under the Algemene termijnenwet.
pub fn objection_decision_deadline(
    objection_period_end: NaiveDate,
) -> Result<NaiveDate, DeadlineError> {
    term_end(objection_period_end, Term::Weeks(6))
}

/// The decision term after its one extension by six weeks (Awb 7:10 lid 3).
pub fn extended_objection_deadline(due_on: NaiveDate) -> Result<NaiveDate, DeadlineError> {
    term_end(due_on, Term::Weeks(6))
}

/// The term to mend an omission (Awb 6:6): two weeks, under the Atw.
pub fn mend_deadline(asked_on: NaiveDate) -> Result<NaiveDate, DeadlineError> {
    term_end(asked_on, Term::Weeks(2))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::deadlines::objection_deadline;
    use ObjectionCommand as C;
    use ObjectionState as S;

    /// The expected table, written out apart from [`OBJECTION_TABLE`].
    fn expected(from: S, command: C) -> Option<S> {
        Some(match (from, command) {
            (S::Lodged, C::AddGrounds | C::Extend | C::RecordHearing) => S::Lodged,
            (S::Lodged, C::RequestMend) => S::MendRequested,
            (S::Lodged, C::DeclareUnfounded) => S::Unfounded,
            (S::Lodged, C::DeclareFounded) => S::Founded,
            (S::MendRequested, C::AddGrounds | C::Extend) => S::MendRequested,
            (S::MendRequested, C::Mend) => S::Lodged,
            (S::MendRequested, C::DeclareInadmissible) => S::Inadmissible,
            _ => return None,
        })
    }

    #[test]
    fn every_cell_of_the_objection_table() {
        let mut allowed = 0;
        for from in ObjectionState::ALL {
            for command in ObjectionCommand::ALL {
                match (expected(from, command), objection_transition(from, command)) {
                    (Some(to), Ok(got)) => {
                        allowed += 1;
                        assert_eq!(got, to, "{from} --{command}-->");
                        assert!(allowed_objection_commands(from).contains(&command));
                    }
                    (None, Err(e)) => {
                        assert_eq!((e.state, e.command), (from, command));
                        assert!(!e.allowed.contains(&command));
                        let text = e.to_string();
                        assert!(text.contains(&format!("status '{from}'")), "{text}");
                        for ok in &e.allowed {
                            assert!(text.contains(ok.as_str()), "{text}");
                        }
                    }
                    (want, got) => panic!("{from} --{command}-->: {want:?} expected, got {got:?}"),
                }
            }
        }
        assert_eq!(allowed, OBJECTION_TABLE.len());
        for state in ObjectionState::ALL {
            assert_eq!(
                allowed_objection_commands(state).is_empty(),
                state.is_decided(),
                "{state}"
            );
        }
        let e = objection_transition(S::Founded, C::Extend).unwrap_err();
        assert!(
            e.to_string().ends_with("geen (op het bezwaar is beslist)"),
            "{e}"
        );
        // Inadmissible only after the chance to mend (Awb 6:6).
        assert!(objection_transition(S::Lodged, C::DeclareInadmissible).is_err());
    }

    #[test]
    fn names_round_trip() {
        for s in ObjectionState::ALL {
            assert_eq!(s.as_str().parse::<ObjectionState>(), Ok(s));
        }
        for c in ObjectionCommand::ALL {
            assert_eq!(c.as_str().parse::<ObjectionCommand>(), Ok(c));
            assert_eq!(c.is_decision(), c.as_str().ends_with("_verklaren"));
        }
        assert!("bestaat_niet".parse::<ObjectionCommand>().is_err());
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Real dates of 2026–2027 under the Algemene termijnenwet.
    #[test]
    fn decision_terms_on_real_dates() {
        // Decided Tuesday 2 February 2027: objection until Tuesday 16 March; six weeks
        // more end on Koningsdag, Tuesday 27 April 2027, so Wednesday 28 April; extended
        // once: Wednesday 9 June 2027.
        let period = objection_deadline(date(2027, 2, 2)).unwrap();
        assert_eq!(period, date(2027, 3, 16));
        let due = objection_decision_deadline(period).unwrap();
        assert_eq!(due, date(2027, 4, 28));
        assert_eq!(extended_objection_deadline(due).unwrap(), date(2027, 6, 9));
        // Decided Friday 2 October 2026: objection until Friday 13 November; six weeks
        // more end on Christmas Day, then Tweede Kerstdag (a Saturday) and a Sunday:
        // Monday 28 December 2026.
        let period = objection_deadline(date(2026, 10, 2)).unwrap();
        assert_eq!(period, date(2026, 11, 13));
        assert_eq!(
            objection_decision_deadline(period).unwrap(),
            date(2026, 12, 28)
        );
        // Mending asked on Friday 18 December 2026: two weeks end on Friday 1 January
        // 2027 (Nieuwjaarsdag), so Monday 4 January 2027.
        assert_eq!(mend_deadline(date(2026, 12, 18)).unwrap(), date(2027, 1, 4));
    }
}
