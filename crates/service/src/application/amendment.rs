//! Amendments (*wijzigingsverzoeken*) after a grant: the grantee asks, with reasons, for
//! a higher or lower grant or a later accounting deadline ([`request_amendment`]); a
//! reviewer decides ([`handle_amendment`]). A raise to a grant above the instrument's
//! four-eyes limit is first proposed and then granted by a second, different reviewer.
//! The decision is the lifecycle's `wijziging_toekennen` or `wijziging_weigeren`: the
//! budget moves in the ledger (a raise from what is available, a lowering releases),
//! the payments follow the new amount (a recovery of what was paid above it), and the
//! letter carries the objection clause. The states and commands:
//! [`subsidie_domain::amendment`].

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use subsidie_domain::amendment::{
    amendment_transition, check_request, needs_four_eyes, AmendmentCommand, AmendmentError,
    AmendmentKind, AmendmentRequest, AmendmentState,
};
use subsidie_domain::deadlines::amsterdam_date;
use subsidie_domain::letters::Template;
use subsidie_domain::lifecycle::{transition, Command, Effect, State};
use subsidie_domain::Money;
use subsidie_store::rows::{AmendmentRow, ApplicationRow, InstrumentRow};
use subsidie_store::schema::{amendments, applications, organisations};
use subsidie_store::{DbConnection, Pool};

use super::checks::{amount_rule, require_text};
use super::effects::conclude;
use super::record::{history, save};
use super::revision::{change_facts, current_cents};
use crate::access::{self, check_conflict_of_interest, load_visible};
use crate::actor::{Actor, Role};
use crate::budget;
use crate::convert::{money, naive, new_id, state};
use crate::error::ServiceError;
use crate::outbox::cancel::{cancel_obsolete, cancel_template};
use crate::outbox::letters::{
    queue_amendment_receipt, queue_change_notice, queue_second_review, ProposalFacts,
};
use crate::payments::schedule;
use crate::tx;

/// The grantee asks for an amendment of the grant on application `id`, with `grounds`.
/// One open request at a time.
pub fn request_amendment(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    request: &AmendmentRequest,
    grounds: &str,
    now: DateTime<Utc>,
) -> Result<AmendmentRow, ServiceError> {
    may_request_amendment(actor)?;
    require_text("motivering", grounds)?;
    tx::write(pool, |conn| {
        let app = load_visible(conn, actor, id)?;
        let instrument = budget::load_instrument(conn, &app.instrument_id)?;
        let current = state(&app.state)?;
        let deadline = accounting_deadline(conn, &app.id, &instrument)?;
        check_request(request, current, money(app.granted_cents)?, deadline).map_err(refusal)?;
        if let Some(amount) = request.amount {
            if let Err(e) = amount_rule(&instrument)?.check(amount) {
                return Err(ServiceError::field("bedrag", e.to_string()));
            }
        }
        if let Some(open) = open_amendment(conn, &app.id)? {
            return Err(ServiceError::Conflict(format!(
                "er loopt al een wijzigingsverzoek ({}, ingediend op {}) op deze aanvraag; \
                 wacht op de beslissing of trek het in voordat u een nieuw verzoek doet",
                open.kind,
                open.submitted_at.date()
            )));
        }
        let row = AmendmentRow {
            id: new_id(),
            application_id: app.id.clone(),
            kind: request.kind.as_str().to_owned(),
            state: AmendmentState::Submitted.as_str().to_owned(),
            amount_cents: request.amount.map(Money::cents),
            accounting_due_on: request.deadline,
            grounds: grounds.to_owned(),
            submitted_at: naive(now),
            actor_id: actor.user_id.clone(),
            proposed_by: None,
            decided_at: None,
            decided_by: None,
            motivation: None,
            previous_cents: None,
            objection_due_on: None,
        };
        diesel::insert_into(amendments::table)
            .values(&row)
            .execute(conn)?;
        history(
            conn,
            &app.id,
            actor,
            "wijziging_vragen",
            Some(current),
            current,
            Some(format!("{}: {grounds}", request.kind)),
            now,
        )?;
        let asked = (request.kind, row.amount_cents, row.accounting_due_on);
        let change = change_facts(&app, current_cents(&app), false, Some(asked))?;
        queue_amendment_receipt(conn, &app, &instrument, change, grounds, now)?;
        Ok(row)
    })
}

/// A request the application's state does not allow is a conflict; one that asks the
/// wrong thing names the field.
fn refusal(e: AmendmentError) -> ServiceError {
    let field = match &e {
        AmendmentError::NotAmendable(_) | AmendmentError::AlreadyReported => {
            return ServiceError::Conflict(e.to_string())
        }
        AmendmentError::Missing { field, .. } | AmendmentError::NotApplicable { field, .. } => {
            *field
        }
        AmendmentError::WrongDirection { .. } => "bedrag",
        AmendmentError::NotLater { .. } => "verantwoordingUiterlijk",
    };
    ServiceError::field(field, e.to_string())
}

/// Only the grantee asks; the API asks before it reads the body.
pub fn may_request_amendment(actor: &Actor) -> Result<(), ServiceError> {
    access::only(
        actor,
        Role::Applicant,
        "alleen de subsidieontvanger (de aanvrager) kan een wijzigingsverzoek doen",
    )
}

/// Who may issue `command` on an amendment: the grantee withdraws, a reviewer decides.
pub fn may_handle_amendment(actor: &Actor, command: AmendmentCommand) -> Result<(), ServiceError> {
    if command == AmendmentCommand::Withdraw {
        access::only(
            actor,
            Role::Applicant,
            "alleen de subsidieontvanger trekt een wijzigingsverzoek in",
        )
    } else {
        access::only(
            actor,
            Role::Reviewer,
            "alleen een beoordelaar beslist op een wijzigingsverzoek",
        )
    }
}

/// Carries out `command` on amendment `amendment_id`: `toekennen` or `afwijzen` by a
/// reviewer with `motivation` (Awb 3:46), `intrekken` by the grantee. A grant that
/// needs four eyes and has none yet is recorded as proposed (`voorstellen`).
pub fn handle_amendment(
    pool: &Pool,
    actor: &Actor,
    amendment_id: &str,
    command: AmendmentCommand,
    motivation: Option<&str>,
    now: DateTime<Utc>,
) -> Result<AmendmentRow, ServiceError> {
    may_handle_amendment(actor, command)?;
    if command.is_decision() {
        require_text("motivering", motivation.unwrap_or(""))?;
    }
    tx::write(pool, |conn| {
        let first = load_amendment(conn, amendment_id)?;
        let seen = load_visible(conn, actor, &first.application_id)?;
        if actor.role == Role::Reviewer {
            check_conflict_of_interest(conn, actor, &seen)?;
        }
        // Read again under the budget lock, so that two decisions at once cannot both
        // see the request open.
        let instrument = budget::lock(conn, &seen.instrument_id)?;
        let mut row = load_amendment(conn, amendment_id)?;
        let mut app = load_visible(conn, actor, &row.application_id)?;
        let from = parse_state(&row)?;
        let request = request_of(&row)?;
        let limit = instrument.four_eyes_above_cents.map(money).transpose()?;
        let command = match command {
            AmendmentCommand::Grant if needs_four_eyes(&request, limit) => {
                second_eyes(&row, actor)?
            }
            other => other,
        };
        let to = amendment_transition(from, command)
            .map_err(|e| ServiceError::Conflict(e.to_string()))?;
        let why = motivation.unwrap_or("").to_owned();
        match command {
            AmendmentCommand::Propose => {
                row.proposed_by = actor.user_id.clone();
                note(conn, actor, &app, "wijziging_voorstellen", &why, now)?;
                ask_second_eyes(conn, actor, &app, &instrument, &row, now)?;
            }
            AmendmentCommand::Withdraw => {
                note(conn, actor, &app, "wijziging_intrekken", &why, now)?;
            }
            AmendmentCommand::Grant | AmendmentCommand::Refuse => {
                let asked = (request.kind, row.amount_cents, row.accounting_due_on);
                if command == AmendmentCommand::Grant {
                    // Again: the application may have moved on since the request.
                    let deadline = accounting_deadline(conn, &app.id, &instrument)?;
                    check_request(
                        &request,
                        state(&app.state)?,
                        money(app.granted_cents)?,
                        deadline,
                    )
                    .map_err(|e| ServiceError::Conflict(e.to_string()))?;
                }
                // Stored decided first, so that the letter reads an extension granted.
                row.state = to.as_str().to_owned();
                row.decided_at = Some(naive(now));
                row.decided_by = actor.user_id.clone();
                row.motivation = Some(why.clone());
                store(conn, &row)?;
                let decision = Decision {
                    actor,
                    asked,
                    request: &request,
                    motivation: &why,
                    now,
                };
                let before = decision.take(conn, &mut app, instrument, command)?;
                row.previous_cents = Some(before);
                row.objection_due_on = app.objection_due_on;
            }
        }
        row.state = to.as_str().to_owned();
        store(conn, &row)?;
        Ok(row)
    })
}

/// Asks the other reviewers (not the proposer, not those with a conflict of interest in
/// the region) to confirm a raise proposed above the four-eyes limit, as for a grant.
fn ask_second_eyes(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &ApplicationRow,
    instrument: &InstrumentRow,
    row: &AmendmentRow,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let organisation: String = organisations::table
        .find(&app.organisation_id)
        .select(organisations::name)
        .first(conn)?;
    let (Some(proposed), Some(limit)) = (row.amount_cents, instrument.four_eyes_above_cents) else {
        return Err(ServiceError::Internal(
            "een voorstel onder vier ogen zonder bedrag of grens".into(),
        ));
    };
    queue_second_review(
        conn,
        &ProposalFacts {
            application_id: &app.id,
            version: app.version,
            reference: &app.reference,
            title: &app.title,
            organisation: &organisation,
            instrument: &instrument.name,
            region_id: &app.region_id,
            requested_cents: app.requested_cents,
            proposed_cents: proposed,
            limit_cents: limit,
            proposer_id: actor.user_id.as_deref(),
            amendment: Some((&row.id, app.granted_cents)),
        },
        now,
    )?;
    Ok(())
}

/// The first of four eyes proposes; a second, different reviewer grants.
fn second_eyes(row: &AmendmentRow, actor: &Actor) -> Result<AmendmentCommand, ServiceError> {
    match &row.proposed_by {
        None => Ok(AmendmentCommand::Propose),
        Some(first) if Some(first) == actor.user_id.as_ref() => Err(ServiceError::Conflict(
            "deze verhoging vraagt een tweede, andere beoordelaar (vier ogen); u stelde haar al voor"
                .into(),
        )),
        Some(_) => Ok(AmendmentCommand::Grant),
    }
}

/// A decision on an amendment, on the application.
struct Decision<'a> {
    actor: &'a Actor,
    /// What was asked, for the letter: the kind, the amount, the deadline.
    asked: (AmendmentKind, Option<i64>, Option<NaiveDate>),
    request: &'a AmendmentRequest,
    motivation: &'a str,
    now: DateTime<Utc>,
}

impl Decision<'_> {
    /// The lifecycle step: moves the budget, saves with history, adjusts the payments, queues the letter.
    /// Returns the grant before the decision, in cents.
    fn take(
        &self,
        conn: &mut DbConnection,
        app: &mut ApplicationRow,
        mut instrument: InstrumentRow,
        command: AmendmentCommand,
    ) -> Result<i64, ServiceError> {
        let (actor, now) = (self.actor, self.now);
        let lifecycle = if command == AmendmentCommand::Grant {
            Command::GrantAmendment
        } else {
            Command::RefuseAmendment
        };
        let from = state(&app.state)?;
        let step = transition(from, lifecycle)?;
        let before = current_cents(app);
        let granted = command == AmendmentCommand::Grant;
        let new = self.request.amount.filter(|_| granted);
        if let (Some(new), true) = (new, step.effects.contains(&Effect::ReviseGrant)) {
            let position = budget::position_of(&instrument)?;
            let movement = position.revise_grant(money(app.granted_cents)?, new)?;
            budget::book(conn, &mut instrument, &movement, &app.id, actor, now)?;
            app.granted_cents = new.cents();
        }
        conclude(app, lifecycle, Some(self.motivation), step.to, now)?;
        cancel_obsolete(conn, &app.id, step.to, lifecycle, now)?;
        if granted && self.request.kind == AmendmentKind::Extend {
            cancel_template(
                conn,
                &app.id,
                Template::AccountingReminder,
                "de termijn voor de verantwoording is verlengd; de herinnering volgt voor de nieuwe termijn",
                now,
            )?;
        }
        save(conn, app, now)?;
        history(
            conn,
            &app.id,
            actor,
            lifecycle.as_str(),
            Some(from),
            step.to,
            Some(self.motivation.to_owned()),
            now,
        )?;
        if let Some(new) = new {
            let today = amsterdam_date(now);
            schedule::revise_payments(conn, app, &instrument, new, false, today, now)?;
        }
        let change = change_facts(app, before, false, Some(self.asked))?;
        for notice in step.notices() {
            queue_change_notice(
                conn,
                app,
                &instrument,
                notice,
                None,
                Some(change.clone()),
                now,
            )?;
        }
        Ok(before)
    }
}

/// A history entry that leaves the application's state as it is.
fn note(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &ApplicationRow,
    command: &str,
    why: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let current = state(&app.state)?;
    let reason = (!why.trim().is_empty()).then(|| why.to_owned());
    history(
        conn,
        &app.id,
        actor,
        command,
        Some(current),
        current,
        reason,
        now,
    )
}

/// The accounting deadline of application `app_id`: the last one granted by an
/// extension, otherwise the instrument's.
pub fn accounting_deadline(
    conn: &mut DbConnection,
    app_id: &str,
    instrument: &InstrumentRow,
) -> Result<Option<NaiveDate>, ServiceError> {
    let extended: Option<Option<NaiveDate>> = amendments::table
        .filter(amendments::application_id.eq(app_id))
        .filter(amendments::kind.eq(AmendmentKind::Extend.as_str()))
        .filter(amendments::state.eq(AmendmentState::Granted.as_str()))
        .order(amendments::decided_at.desc())
        .select(amendments::accounting_due_on)
        .first(conn)
        .optional()?;
    Ok(extended.flatten().or(instrument.accounting_deadline))
}

/// [`accounting_deadline`] of many applications under one instrument, in one query.
pub(crate) fn accounting_deadlines(
    conn: &mut DbConnection,
    app_ids: &[&str],
    instrument: &InstrumentRow,
) -> Result<std::collections::HashMap<String, Option<NaiveDate>>, ServiceError> {
    let extended: Vec<(String, Option<NaiveDate>)> = amendments::table
        .filter(amendments::application_id.eq_any(app_ids))
        .filter(amendments::kind.eq(AmendmentKind::Extend.as_str()))
        .filter(amendments::state.eq(AmendmentState::Granted.as_str()))
        .order(amendments::decided_at.desc())
        .select((amendments::application_id, amendments::accounting_due_on))
        .load(conn)?;
    let mut latest = std::collections::HashMap::new();
    for (app_id, due) in extended {
        // Newest first: the first row of an application is the one that holds.
        latest.entry(app_id).or_insert(due);
    }
    Ok(app_ids
        .iter()
        .map(|id| {
            let due = latest.get(*id).copied().flatten();
            ((*id).to_owned(), due.or(instrument.accounting_deadline))
        })
        .collect())
}

/// The granted applications whose accounting deadline was extended.
pub(crate) fn extended_grants(conn: &mut DbConnection) -> Result<Vec<String>, ServiceError> {
    Ok(amendments::table
        .inner_join(applications::table)
        .filter(amendments::kind.eq(AmendmentKind::Extend.as_str()))
        .filter(amendments::state.eq(AmendmentState::Granted.as_str()))
        .filter(applications::state.eq(State::Granted.as_str()))
        .select(amendments::application_id)
        .distinct()
        .load(conn)?)
}

/// The amendments of an application the actor may see, oldest first.
pub fn amendments_of(
    pool: &Pool,
    actor: &Actor,
    id: &str,
) -> Result<Vec<AmendmentRow>, ServiceError> {
    tx::read(pool, |conn| {
        load_visible(conn, actor, id)?;
        Ok(amendments::table
            .filter(amendments::application_id.eq(id))
            .order(amendments::submitted_at.asc())
            .select(AmendmentRow::as_select())
            .load(conn)?)
    })
}

/// One amendment, if the actor may see its application.
pub fn amendment(pool: &Pool, actor: &Actor, id: &str) -> Result<AmendmentRow, ServiceError> {
    tx::read(pool, |conn| {
        let row = load_amendment(conn, id)?;
        load_visible(conn, actor, &row.application_id)?;
        Ok(row)
    })
}

fn load_amendment(conn: &mut DbConnection, id: &str) -> Result<AmendmentRow, ServiceError> {
    amendments::table
        .find(id)
        .select(AmendmentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::NotFound {
            what: "wijzigingsverzoek",
            id: id.to_owned(),
        })
}

fn open_amendment(
    conn: &mut DbConnection,
    app_id: &str,
) -> Result<Option<AmendmentRow>, ServiceError> {
    let open = [
        AmendmentState::Submitted.as_str(),
        AmendmentState::Proposed.as_str(),
    ];
    Ok(amendments::table
        .filter(amendments::application_id.eq(app_id))
        .filter(amendments::state.eq_any(open))
        .select(AmendmentRow::as_select())
        .first(conn)
        .optional()?)
}

fn parse_state(row: &AmendmentRow) -> Result<AmendmentState, ServiceError> {
    row.state
        .parse()
        .map_err(|e: subsidie_domain::amendment::UnknownAmendmentState| {
            ServiceError::Internal(e.to_string())
        })
}

fn request_of(row: &AmendmentRow) -> Result<AmendmentRequest, ServiceError> {
    let kind: AmendmentKind =
        row.kind
            .parse()
            .map_err(|e: subsidie_domain::amendment::UnknownAmendmentKind| {
                ServiceError::Internal(e.to_string())
            })?;
    Ok(AmendmentRequest {
        kind,
        amount: row.amount_cents.map(money).transpose()?,
        deadline: row.accounting_due_on,
    })
}

fn store(conn: &mut DbConnection, row: &AmendmentRow) -> Result<(), ServiceError> {
    diesel::update(amendments::table.find(&row.id))
        .set((
            amendments::state.eq(&row.state),
            amendments::proposed_by.eq(&row.proposed_by),
            amendments::decided_at.eq(row.decided_at),
            amendments::decided_by.eq(&row.decided_by),
            amendments::motivation.eq(&row.motivation),
            amendments::previous_cents.eq(row.previous_cents),
            amendments::objection_due_on.eq(row.objection_due_on),
        ))
        .execute(conn)?;
    Ok(())
}
