//! The new decision of a founded objection (Awb 7:11), in place of the contested one:
//!
//! - after a rejection (or a decision not to consider): a grant, reserved from what is
//!   available; if nothing is, the application goes first on the waiting list. Either
//!   way the application runs again, so it takes back its place as the region's one
//!   running application; if the region has meanwhile applied again, the decision is
//!   refused until that other application is withdrawn (see `docs/objections.md`);
//! - after a grant: a higher amount, the raise reserved from what is available, with the
//!   advance share of the raise paid at once;
//! - after a settlement: a higher settled amount, at most the grant, the raise taken
//!   from what is available, with what is still owed paid (an open recovery of the old
//!   settlement cancelled first).
//!
//! Against a revocation, a lowering or the refusal of an amendment: [`super::restore`].
//!
//! A founded objection of the applicant does not lower an amount (no *reformatio in
//! peius*); when the amount stays, the objection is unfounded. A raise the ceiling cannot
//! carry is refused with the amount that is available (Awb 4:25 lid 2).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines::amsterdam_date;
use subsidie_domain::ledger::{LedgerError, MovementKind};
use subsidie_domain::lifecycle::{transition, Command, State};
use subsidie_domain::Money;
use subsidie_store::rows::{ApplicationRow, InstrumentRow};
use subsidie_store::schema::{applications, ledger_entries};
use subsidie_store::DbConnection;

use super::super::checks::{amount_rule, uniqueness_key};
use super::super::record::{history, save};
use super::outcome::{ceiling_refusal, NewDecision};
use super::restore;
use crate::actor::Actor;
use crate::budget;
use crate::convert::{money, naive, state};
use crate::error::ServiceError;
use crate::payments::schedule;

/// The decisions a founded objection can replace, by the command that took them.
const REFUSALS: [Command; 3] = [Command::Reject, Command::CloseWaitlist, Command::Lapse];

/// Takes the new decision in place of `contested` (the command of the decision objected
/// to) on `app`, which must still be where that decision left it.
pub(super) fn reconsider(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &mut ApplicationRow,
    contested: &str,
    amount: Option<Money>,
    motivation: &str,
    now: DateTime<Utc>,
) -> Result<NewDecision, ServiceError> {
    let from = state(&app.state)?;
    let refusal = REFUSALS.iter().any(|c| c.as_str() == contested);
    let (command, outcome) = if refusal && from.is_refused() {
        grant_after_refusal(conn, actor, app, amount, now)?
    } else if contested == Command::Grant.as_str() && from.holds_grant() {
        (
            Command::ReconsiderRaise,
            raise_grant(conn, actor, app, amount, now)?,
        )
    } else if contested == Command::Settle.as_str() && from == State::Settled {
        (
            Command::ReconsiderSettlement,
            raise_settlement(conn, actor, app, amount, now)?,
        )
    } else if let Some(done) = restore::after_grant(conn, actor, app, contested, amount, now)? {
        done
    } else {
        return Err(ServiceError::Conflict(format!(
            "het bestreden besluit ('{contested}') is niet meer het laatste woord over deze \
             aanvraag: die is nu in status '{from}'; een gegrond bezwaar herroept een \
             afwijzing, een buitenbehandelingstelling, een verlening (status gehonoreerd of \
             verantwoording_ingediend), een vaststelling (status vastgesteld), een \
             intrekking (status verlening_ingetrokken), een verlaging of een weigering van \
             een wijzigingsverzoek, zolang er daarna geen ander besluit is genomen; \
             verklaar het bezwaar anders ongegrond of niet-ontvankelijk"
        )));
    };
    let step = transition(from, command)?;
    app.state = step.to.as_str().to_owned();
    app.decided_at = Some(naive(now));
    app.decision_motivation = Some(motivation.to_owned());
    // Against a decision on objection lies appeal, not a new objection.
    app.objection_due_on = None;
    save(conn, app, now)?;
    history(
        conn,
        &app.id,
        actor,
        command.as_str(),
        Some(from),
        step.to,
        Some(motivation.to_owned()),
        now,
    )?;
    Ok(outcome)
}

/// After a rejection: a grant from what is available, or first on the waiting list.
fn grant_after_refusal(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &mut ApplicationRow,
    amount: Option<Money>,
    now: DateTime<Utc>,
) -> Result<(Command, NewDecision), ServiceError> {
    let mut instrument = budget::lock(conn, &app.instrument_id)?;
    let requested = money(app.requested_cents)?;
    let amount = amount.unwrap_or(requested);
    if amount > requested {
        return Err(ServiceError::field(
            "bedrag",
            format!(
                "{} is meer dan de aangevraagde {}; verleen ten hoogste het aangevraagde bedrag",
                amount.to_dutch(),
                requested.to_dutch()
            ),
        ));
    }
    check_amount(&instrument, amount)?;
    restore_uniqueness(conn, app, &instrument)?;
    let position = budget::position_of(&instrument)?;
    match position.reserve(amount) {
        Ok(reserve) => {
            budget::book(conn, &mut instrument, &reserve, &app.id, actor, now)?;
            let grant = budget::position_of(&instrument)?.grant(amount, amount)?;
            budget::book(conn, &mut instrument, &grant, &app.id, actor, now)?;
            app.granted_cents = amount.cents();
            let advance = schedule::schedule_advance(
                conn,
                app,
                &instrument,
                amount,
                amsterdam_date(now),
                now,
            )?;
            Ok((
                Command::ReconsiderGrant,
                NewDecision {
                    paid_now: Some(advance).filter(|a| !a.is_zero()),
                    ..NewDecision::default()
                },
            ))
        }
        Err(LedgerError::CeilingReached { .. }) => {
            // First on the waiting list: everyone else moves one place down.
            diesel::update(
                applications::table
                    .filter(applications::instrument_id.eq(&app.instrument_id))
                    .filter(applications::state.eq(State::WaitingList.as_str())),
            )
            .set(applications::waitlist_position.eq(applications::waitlist_position + 1))
            .execute(conn)?;
            app.waitlist_position = Some(1);
            Ok((Command::ReconsiderWaitlist, NewDecision::default()))
        }
        Err(other) => Err(other.into()),
    }
}

fn check_amount(instrument: &InstrumentRow, amount: Money) -> Result<(), ServiceError> {
    amount_rule(instrument)?
        .check(amount)
        .map_err(|e| ServiceError::field("bedrag", e.to_string()))
}

/// A rejection gave up the region's one running application (its key was cleared);
/// running again, it takes the key back. If the region has meanwhile applied again, two
/// would run: refused, saying what to do.
fn restore_uniqueness(
    conn: &mut DbConnection,
    app: &mut ApplicationRow,
    instrument: &InstrumentRow,
) -> Result<(), ServiceError> {
    let Some(key) = uniqueness_key(instrument, &app.region_id, app.discipline_id.as_deref())?
    else {
        return Ok(());
    };
    let other: Option<(String, String)> = applications::table
        .filter(applications::uniqueness_key.eq(&key))
        .filter(applications::id.ne(&app.id))
        .select((applications::reference, applications::state))
        .first(conn)
        .optional()?;
    if let Some((reference, other_state)) = other {
        return Err(ServiceError::Conflict(format!(
            "de regio heeft na de afwijzing een nieuwe aanvraag {reference} (status \
             '{other_state}') voor '{}' gedaan, en er loopt per regio één aanvraag; een \
             gegrond bezwaar zou deze aanvraag weer laten lopen naast die andere. Vraag de \
             aanvrager eerst te kiezen: trekt hij aanvraag {reference} in (of verwijdert hij \
             het concept, of ziet hij af van de verlening), dan kan het bezwaar daarna \
             gegrond worden verklaard",
            instrument.name
        )));
    }
    app.uniqueness_key = Some(key);
    Ok(())
}

/// The refusal of an amount that does not raise `current`.
fn not_higher(amount: Money, current: Money, what: &str, most: Money) -> ServiceError {
    ServiceError::field(
        "bedrag",
        format!(
            "{} is niet hoger dan {what} van {}; een gegrond bezwaar verhoogt het bedrag (ten \
             hoogste {}) en verlaagt het niet; blijft het bedrag, verklaar het bezwaar dan \
             ongegrond",
            amount.to_dutch(),
            current.to_dutch(),
            most.to_dutch()
        ),
    )
}

/// After a grant: a higher grant, the raise reserved and granted at once.
fn raise_grant(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &mut ApplicationRow,
    amount: Option<Money>,
    now: DateTime<Utc>,
) -> Result<NewDecision, ServiceError> {
    let current = money(app.granted_cents)?;
    let requested = money(app.requested_cents)?;
    let amount = amount.ok_or_else(|| {
        ServiceError::field(
            "bedrag",
            format!(
                "noem het nieuwe bedrag van de verlening: hoger dan de huidige {}, ten hoogste \
                 het aangevraagde {}",
                current.to_dutch(),
                requested.to_dutch()
            ),
        )
    })?;
    if amount <= current {
        return Err(not_higher(amount, current, "de verlening", requested));
    }
    if amount > requested {
        return Err(ServiceError::field(
            "bedrag",
            format!(
                "{} is meer dan de aangevraagde {}; verleen ten hoogste het aangevraagde bedrag",
                amount.to_dutch(),
                requested.to_dutch()
            ),
        ));
    }
    let mut instrument = budget::lock(conn, &app.instrument_id)?;
    check_amount(&instrument, amount)?;
    let raise = amount.checked_sub(current)?;
    let reserve = match budget::position_of(&instrument)?.reserve(raise) {
        Ok(m) => m,
        Err(LedgerError::CeilingReached { available, .. }) => {
            return Err(ceiling_refusal(raise, available, current))
        }
        Err(other) => return Err(other.into()),
    };
    budget::book(conn, &mut instrument, &reserve, &app.id, actor, now)?;
    let grant = budget::position_of(&instrument)?.grant(raise, raise)?;
    budget::book(conn, &mut instrument, &grant, &app.id, actor, now)?;
    app.granted_cents = amount.cents();
    let advance =
        schedule::schedule_advance(conn, app, &instrument, raise, amsterdam_date(now), now)?;
    Ok(NewDecision {
        previous: Some(current),
        paid_now: Some(advance).filter(|a| !a.is_zero()),
        ..NewDecision::default()
    })
}

/// After a settlement: a higher settled amount, at most what was granted.
fn raise_settlement(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &mut ApplicationRow,
    amount: Option<Money>,
    now: DateTime<Utc>,
) -> Result<NewDecision, ServiceError> {
    let current = money(
        app.settled_cents
            .ok_or_else(|| ServiceError::Internal("vastgesteld zonder bedrag".into()))?,
    )?;
    let granted = granted_total(conn, &app.id)?;
    let amount = amount.ok_or_else(|| {
        ServiceError::field(
            "bedrag",
            format!(
                "noem het nieuwe vastgestelde bedrag: hoger dan de huidige {}, ten hoogste de \
                 verlening van {}",
                current.to_dutch(),
                granted.to_dutch()
            ),
        )
    })?;
    if amount <= current {
        return Err(not_higher(amount, current, "de vaststelling", granted));
    }
    if amount > granted {
        return Err(ServiceError::field(
            "bedrag",
            format!(
                "{} is hoger dan de verlening van {}; stel ten hoogste de verlening vast",
                amount.to_dutch(),
                granted.to_dutch()
            ),
        ));
    }
    let mut instrument = budget::lock(conn, &app.instrument_id)?;
    let raise = amount.checked_sub(current)?;
    let movement = match budget::position_of(&instrument)?.raise_settlement(raise) {
        Ok(m) => m,
        Err(LedgerError::CeilingReached { available, .. }) => {
            return Err(ceiling_refusal(raise, available, current))
        }
        Err(other) => return Err(other.into()),
    };
    budget::book(conn, &mut instrument, &movement, &app.id, actor, now)?;
    app.granted_cents = amount.cents();
    app.settled_cents = Some(amount.cents());
    let paid = schedule::schedule_resettlement(conn, app, amount, amsterdam_date(now), now)?;
    Ok(NewDecision {
        previous: Some(current),
        settled: Some(amount),
        paid_now: Some(paid).filter(|a| !a.is_zero()),
        ..NewDecision::default()
    })
}

/// What was granted to the application in all, from its ledger: every `verlening`
/// (the grant and any raise).
fn granted_total(conn: &mut DbConnection, app_id: &str) -> Result<Money, ServiceError> {
    let deltas: Vec<i64> = ledger_entries::table
        .filter(ledger_entries::application_id.eq(app_id))
        .filter(ledger_entries::kind.eq(MovementKind::Grant.as_str()))
        .select(ledger_entries::granted_delta)
        .load(conn)?;
    let total = deltas
        .into_iter()
        .try_fold(0i64, i64::checked_add)
        .ok_or_else(|| ServiceError::Internal("verleningen lopen over".into()))?;
    money(total)
}
