//! The new decision of a founded objection against a decision the funder took after the
//! grant (Awb 7:11; the table in `docs/objections.md`):
//!
//! - against a revocation: the grant (or the settlement) is restored, at the amount the
//!   revocation took away or, when `bedrag` says so, at a lower one; the application is
//!   where it was before (granted, accounting submitted, or settled);
//! - against a lowering: the higher amount is restored (at most the amount before it);
//! - against the refusal of an amendment: the amendment asked for is granted (a raise, a
//!   lowering the grantee asked for, or a later accounting deadline).
//!
//! What is restored or raised is taken from what is available under the ceiling, as a
//! new grant is; when it does not fit the decision is refused naming the amount that
//! does (Awb 4:25 lid 2). There is no waiting list: the grant stood until the contested
//! decision. The payments follow the new amount: the open recovery of the contested
//! decision is cancelled and what is owed now is scheduled.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use subsidie_domain::amendment::{check_request, AmendmentKind, AmendmentState};
use subsidie_domain::deadlines::amsterdam_date;
use subsidie_domain::ledger::{LedgerError, Movement, MovementKind};
use subsidie_domain::letters::Template;
use subsidie_domain::lifecycle::{Command, State};
use subsidie_domain::Money;
use subsidie_store::rows::{AmendmentRow, ApplicationRow, InstrumentRow};
use subsidie_store::schema::{amendments, application_history, ledger_entries};
use subsidie_store::DbConnection;

use super::super::amendment::accounting_deadline;
use super::super::revision::current_cents;
use super::outcome::{ceiling_refusal, NewDecision};
use crate::actor::Actor;
use crate::budget;
use crate::convert::{money, naive, state};
use crate::error::ServiceError;
use crate::outbox::cancel::cancel_template;
use crate::payments::schedule;

/// The new decision against `contested`, when it is a revocation, a lowering or the
/// refusal of an amendment and still the last decision on `app`; `None` for the other
/// contested decisions (the caller handles them, or refuses).
pub(super) fn after_grant(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &mut ApplicationRow,
    contested: &str,
    amount: Option<Money>,
    now: DateTime<Utc>,
) -> Result<Option<(Command, NewDecision)>, ServiceError> {
    let from = state(&app.state)?;
    let revocation = contested == Command::Revoke.as_str() && from == State::Revoked;
    let lowering =
        contested == Command::Lower.as_str() && (from.holds_grant() || from == State::Settled);
    let refusal = contested == Command::RefuseAmendment.as_str() && from.holds_grant();
    if !(revocation || lowering || refusal) {
        return Ok(None);
    }
    let Some(before) = last_decision_from(conn, &app.id, contested)? else {
        return Ok(None);
    };
    let mut instrument = budget::lock(conn, &app.instrument_id)?;
    let done = if revocation {
        restore_revoked(conn, actor, app, &mut instrument, before, amount, now)?
    } else if lowering {
        restore_lowered(conn, actor, app, &mut instrument, amount, now)?
    } else {
        grant_refused_amendment(conn, actor, app, &mut instrument, amount, now)?
    };
    Ok(Some(done))
}

/// The state the contested decision left, if it is the application's last decision
/// (a later decision, say an amendment after a lowering, would be undone with it).
fn last_decision_from(
    conn: &mut DbConnection,
    app_id: &str,
    contested: &str,
) -> Result<Option<State>, ServiceError> {
    use application_history as h;
    let decisions: Vec<&str> = Command::ALL
        .iter()
        .filter(|c| c.is_decision())
        .map(|c| c.as_str())
        .collect();
    let last: Option<(String, Option<String>)> = h::table
        .filter(h::application_id.eq(app_id))
        .filter(h::command.eq_any(decisions))
        .order(h::id.desc())
        .select((h::command, h::from_state))
        .first(conn)
        .optional()?;
    match last {
        Some((command, Some(from))) if command == contested => Ok(Some(state(&from)?)),
        _ => Ok(None),
    }
}

/// What the contested revocation or lowering took away: the grant (or settlement)
/// change of the application's last `vrijval-verlening`, `wijziging-verlening` or
/// `wijziging-vaststelling`.
fn taken_away(conn: &mut DbConnection, app_id: &str) -> Result<Money, ServiceError> {
    let kinds = [
        MovementKind::ReleaseGrant.as_str(),
        MovementKind::ReviseGrant.as_str(),
        MovementKind::ReviseSettlement.as_str(),
    ];
    let delta: Option<i64> = ledger_entries::table
        .filter(ledger_entries::application_id.eq(app_id))
        .filter(ledger_entries::kind.eq_any(kinds))
        .order(ledger_entries::id.desc())
        .select(ledger_entries::granted_delta)
        .first(conn)
        .optional()?;
    let delta = delta.ok_or_else(|| {
        ServiceError::Internal("intrekking of verlaging zonder boeking in het grootboek".into())
    })?;
    money(delta.checked_neg().unwrap_or(0).max(0))
}

/// The amount to restore: `asked` (default: all that was taken away), higher than the
/// current amount and at most what it was before the contested decision.
fn restored_amount(
    asked: Option<Money>,
    current: Money,
    before: Money,
    what: &str,
) -> Result<Money, ServiceError> {
    let amount = asked.unwrap_or(before);
    if amount <= current || amount > before {
        return Err(ServiceError::field(
            "bedrag",
            format!(
                "{} ligt niet tussen {} (nu) en {} ({what}); een gegrond bezwaar herstelt \
                 het bedrag ten hoogste tot dat van vóór het bestreden besluit en verlaagt \
                 het niet; laat 'bedrag' weg om het geheel te herstellen",
                amount.to_dutch(),
                current.to_dutch(),
                before.to_dutch()
            ),
        ));
    }
    Ok(amount)
}

/// Books `movement`, or refuses a raise of `raise` the ceiling cannot carry.
fn book_raise(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &ApplicationRow,
    instrument: &mut InstrumentRow,
    movement: Result<Movement, LedgerError>,
    (raise, current): (Money, Money),
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let movement = match movement {
        Ok(m) => m,
        Err(LedgerError::CeilingReached { available, .. }) => {
            return Err(ceiling_refusal(raise, available, current))
        }
        Err(other) => return Err(other.into()),
    };
    budget::book(conn, instrument, &movement, &app.id, actor, now)
}

/// Against a revocation: the grant, or the settlement, back where it was.
fn restore_revoked(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &mut ApplicationRow,
    instrument: &mut InstrumentRow,
    before: State,
    asked: Option<Money>,
    now: DateTime<Utc>,
) -> Result<(Command, NewDecision), ServiceError> {
    let previous = taken_away(conn, &app.id)?;
    let amount = restored_amount(asked, Money::ZERO, previous, "de ingetrokken subsidie")?;
    let settled = before.holds_settlement();
    let command = match before {
        State::Reported => Command::ReconsiderRevocationReported,
        _ if settled => Command::ReconsiderRevocationSettled,
        _ => Command::ReconsiderRevocation,
    };
    let position = budget::position_of(instrument)?;
    if settled {
        let raise = position.raise_settlement(amount);
        book_raise(
            conn,
            actor,
            app,
            instrument,
            raise,
            (amount, Money::ZERO),
            now,
        )?;
    } else {
        let reserve = position.reserve(amount);
        book_raise(
            conn,
            actor,
            app,
            instrument,
            reserve,
            (amount, Money::ZERO),
            now,
        )?;
        let grant = budget::position_of(instrument)?.grant(amount, amount)?;
        budget::book(conn, instrument, &grant, &app.id, actor, now)?;
    }
    let paid = take_amount(conn, app, instrument, amount, settled, now)?;
    let decision = NewDecision {
        previous: None,
        settled: settled.then_some(amount),
        ..restoration("intrekking_herroepen", paid)
    };
    Ok((command, decision))
}

/// Against a lowering: the higher amount back, before or after settlement.
fn restore_lowered(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &mut ApplicationRow,
    instrument: &mut InstrumentRow,
    asked: Option<Money>,
    now: DateTime<Utc>,
) -> Result<(Command, NewDecision), ServiceError> {
    let current = money(current_cents(app))?;
    let previous = current.checked_add(taken_away(conn, &app.id)?)?;
    let amount = restored_amount(asked, current, previous, "vóór de verlaging")?;
    let raise = amount.checked_sub(current)?;
    let settled = app.settled_cents.is_some();
    let position = budget::position_of(instrument)?;
    let movement = if settled {
        position.raise_settlement(raise)
    } else {
        position.revise_grant(current, amount)
    };
    book_raise(
        conn,
        actor,
        app,
        instrument,
        movement,
        (raise, current),
        now,
    )?;
    let paid = take_amount(conn, app, instrument, amount, settled, now)?;
    let decision = NewDecision {
        previous: Some(current),
        settled: settled.then_some(amount),
        ..restoration("verlaging_herroepen", paid)
    };
    Ok((Command::ReconsiderLowering, decision))
}

/// Against the refusal of an amendment: the amendment asked for, granted.
fn grant_refused_amendment(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &mut ApplicationRow,
    instrument: &mut InstrumentRow,
    asked: Option<Money>,
    now: DateTime<Utc>,
) -> Result<(Command, NewDecision), ServiceError> {
    let row = refused_amendment(conn, &app.id)?;
    let kind: AmendmentKind =
        row.kind
            .parse()
            .map_err(|e: subsidie_domain::amendment::UnknownAmendmentKind| {
                ServiceError::Internal(e.to_string())
            })?;
    let request = subsidie_domain::amendment::AmendmentRequest {
        kind,
        amount: row.amount_cents.map(money).transpose()?,
        deadline: row.accounting_due_on,
    };
    if asked.is_some() && asked != request.amount {
        return Err(ServiceError::field(
            "bedrag",
            "een gegrond bezwaar tegen de weigering van een wijzigingsverzoek kent de \
             gevraagde wijziging toe; laat 'bedrag' weg (of noem het gevraagde bedrag)",
        ));
    }
    let current = money(app.granted_cents)?;
    let deadline = accounting_deadline(conn, &app.id, instrument)?;
    check_request(&request, state(&app.state)?, current, deadline).map_err(|e| {
        ServiceError::Conflict(format!(
            "het gevraagde kan niet meer worden toegekend: {e}; verklaar het bezwaar \
             ongegrond of niet-ontvankelijk"
        ))
    })?;
    let mut paid = Money::ZERO;
    if let Some(new) = request.amount {
        let raise = new.checked_sub(current).unwrap_or(Money::ZERO);
        let movement = budget::position_of(instrument)?.revise_grant(current, new);
        book_raise(
            conn,
            actor,
            app,
            instrument,
            movement,
            (raise, current),
            now,
        )?;
        paid = take_amount(conn, app, instrument, new, false, now)?;
    }
    if kind == AmendmentKind::Extend {
        cancel_template(
            conn,
            &app.id,
            Template::AccountingReminder,
            "de termijn voor de verantwoording is na bezwaar verlengd; de herinnering volgt \
             voor de nieuwe termijn",
            now,
        )?;
    }
    // The request is now granted: the accounting deadline and the amendment's history
    // read it so. Not a step of the amendment's own table: the decision on it was
    // revoked, not taken again by a reviewer.
    diesel::update(amendments::table.find(&row.id))
        .set((
            amendments::state.eq(AmendmentState::Granted.as_str()),
            amendments::decided_at.eq(Some(naive(now))),
            amendments::decided_by.eq(&actor.user_id),
            amendments::objection_due_on.eq(None::<NaiveDate>),
        ))
        .execute(conn)?;
    let decision = NewDecision {
        previous: request.amount.map(|_| current),
        accounting_due_on: request.deadline,
        ..restoration("wijziging_toegekend", paid)
    };
    Ok((Command::ReconsiderAmendment, decision))
}

/// Gives the application `amount` as its grant (and as its settlement, when `settled`)
/// and schedules the payments that follow; returns what is paid now.
fn take_amount(
    conn: &mut DbConnection,
    app: &mut ApplicationRow,
    instrument: &InstrumentRow,
    amount: Money,
    settled: bool,
    now: DateTime<Utc>,
) -> Result<Money, ServiceError> {
    app.granted_cents = amount.cents();
    if settled {
        app.settled_cents = Some(amount.cents());
    }
    schedule::revise_payments(
        conn,
        app,
        instrument,
        amount,
        settled,
        amsterdam_date(now),
        now,
    )
}

/// The new decision of a restoration of kind `kind` that pays `paid` now; the caller
/// fills in what the letter says about the amounts.
fn restoration(kind: &'static str, paid: Money) -> NewDecision {
    NewDecision {
        previous: None,
        settled: None,
        paid_now: Some(paid).filter(|p| !p.is_zero()),
        kind: Some(kind),
        accounting_due_on: None,
    }
}

/// The application's last refused amendment: the one the contested refusal decided.
fn refused_amendment(conn: &mut DbConnection, app_id: &str) -> Result<AmendmentRow, ServiceError> {
    amendments::table
        .filter(amendments::application_id.eq(app_id))
        .filter(amendments::state.eq(AmendmentState::Refused.as_str()))
        .order(amendments::decided_at.desc())
        .select(AmendmentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::Internal("weigering zonder wijzigingsverzoek".into()))
}
