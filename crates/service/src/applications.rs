//! The lifecycle use cases of an application: create, edit, delete, submit, review,
//! supplement, decide, withdraw, report, settle, waive, close and object.
//!
//! Every command runs [`execute`]-style in one transaction: load the application, check
//! who may do it, ask the domain's transition table, carry out the budget effects on the
//! locked instrument row, save the application with a new version, append history, and
//! write the outbox rows for the e-mails. Any error rolls all of it back.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::json;
use subsidie_domain::deadlines::{self, Term};
use subsidie_domain::lifecycle::{transition, Command, Effect, Notice, State};
use subsidie_domain::programme::{AmountRule, Uniqueness};
use subsidie_domain::Money;
use subsidie_store::rows::{
    ApplicationRow, InstrumentRow, NewHistoryRow, ObjectionRow, OrganisationRow, OutboxRow,
    PaymentRow,
};
use subsidie_store::schema::{
    applications, conflicts_of_interest, disciplines, instruments, objections, organisations,
    outbox, payments,
};
use subsidie_store::{DbConnection, Pool};

use crate::actor::{Actor, Role};
use crate::budget;
use crate::convert::{money, naive, new_id, state};
use crate::error::{FieldError, ServiceError};
use crate::mail::{self, ProposalFacts};
use crate::tx;

/// Longest title and description accepted, in characters.
const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 20_000;

/// A new draft application.
#[derive(Debug, Clone)]
pub struct NewApplication {
    /// The instrument applied under.
    pub instrument_id: String,
    /// The discipline, for instruments per region and discipline.
    pub discipline_id: Option<String>,
    /// Short title.
    pub title: String,
    /// What the money is for.
    pub description: String,
    /// The amount asked for.
    pub requested: Money,
}

/// Changes to a draft; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct DraftChanges {
    /// New title.
    pub title: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New amount.
    pub requested: Option<Money>,
    /// New discipline.
    pub discipline_id: Option<String>,
}

/// A lifecycle command with what it needs.
#[derive(Debug, Clone)]
pub enum Action {
    /// `indienen`.
    Submit,
    /// `beoordeling_starten`.
    StartReview,
    /// `aanvulling_vragen`: what is missing.
    RequestSupplement {
        /// What the applicant must supply.
        request: String,
    },
    /// `aanvullen`: what was supplied.
    Supply {
        /// A note on what was supplied.
        note: String,
    },
    /// `buiten_behandeling_stellen` after the supplement deadline passed.
    Lapse {
        /// The written motivation (Awb 3:46).
        motivation: String,
    },
    /// `honoreren`.
    Grant {
        /// The amount granted (at most the reservation).
        amount: Money,
        /// The written motivation (Awb 3:46).
        motivation: String,
    },
    /// `afwijzen`.
    Reject {
        /// The written motivation (Awb 3:46).
        motivation: String,
    },
    /// `intrekken`, by the applicant before a decision.
    Withdraw {
        /// Why, if given.
        reason: Option<String>,
    },
    /// `verantwoorden`: the grantee accounts for the money.
    Report {
        /// The account, or a reference to it.
        summary: String,
    },
    /// `vaststellen`.
    Settle {
        /// The final amount (at most the grant).
        amount: Money,
        /// The written motivation (Awb 3:46).
        motivation: String,
    },
    /// `afzien`: the grantee waives the grant.
    Waive {
        /// Why, if given.
        reason: Option<String>,
    },
    /// `afsluiten`: everything paid and recovered.
    Close,
    /// `verwijderen`: a draft is deleted.
    Delete,
}

impl Action {
    /// The domain command this action issues.
    pub fn command(&self) -> Command {
        match self {
            Action::Submit => Command::Submit,
            Action::StartReview => Command::StartReview,
            Action::RequestSupplement { .. } => Command::RequestSupplement,
            Action::Supply { .. } => Command::Supply,
            Action::Lapse { .. } => Command::Lapse,
            Action::Grant { .. } => Command::Grant,
            Action::Reject { .. } => Command::Reject,
            Action::Withdraw { .. } => Command::Withdraw,
            Action::Report { .. } => Command::Report,
            Action::Settle { .. } => Command::Settle,
            Action::Waive { .. } => Command::Waive,
            Action::Close => Command::Close,
            Action::Delete => Command::Delete,
        }
    }

    fn motivation(&self) -> Option<&str> {
        match self {
            Action::Lapse { motivation }
            | Action::Grant { motivation, .. }
            | Action::Reject { motivation }
            | Action::Settle { motivation, .. } => Some(motivation),
            _ => None,
        }
    }

    fn note(&self) -> Option<String> {
        match self {
            Action::RequestSupplement { request } => Some(request.clone()),
            Action::Supply { note } => Some(note.clone()),
            Action::Report { summary } => Some(summary.clone()),
            Action::Withdraw { reason } | Action::Waive { reason } => reason.clone(),
            other => other.motivation().map(str::to_owned),
        }
    }
}

/// What became of a command.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The application as it is now.
    Changed(Box<ApplicationRow>),
    /// A grant above the four-eyes limit was proposed; a second reviewer must confirm it.
    GrantProposed(Box<ApplicationRow>),
    /// The draft was deleted.
    Deleted,
}

impl Outcome {
    /// The application, unless it was deleted.
    pub fn application(&self) -> Option<&ApplicationRow> {
        match self {
            Outcome::Changed(a) | Outcome::GrantProposed(a) => Some(a),
            Outcome::Deleted => None,
        }
    }
}

/// Which roles may issue a command. Data-dependent checks (own organisation, conflicts
/// of interest, four eyes) come on top.
pub fn roles_for(command: Command) -> &'static [Role] {
    match command {
        Command::Submit
        | Command::Supply
        | Command::Withdraw
        | Command::Report
        | Command::Waive
        | Command::Delete => &[Role::Applicant],
        Command::StartReview
        | Command::RequestSupplement
        | Command::Lapse
        | Command::Grant
        | Command::Reject => &[Role::Reviewer],
        Command::Settle | Command::Close => &[Role::Finance],
        Command::Allocate | Command::Waitlist | Command::CloseWaitlist => &[Role::Admin],
    }
}

fn not_found(id: &str) -> ServiceError {
    ServiceError::NotFound {
        what: "aanvraag",
        id: id.to_owned(),
    }
}

/// Loads an application the actor may see; another organisation's application is
/// reported as not found, so its existence does not leak.
pub(crate) fn load_visible(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> Result<ApplicationRow, ServiceError> {
    let app: ApplicationRow = applications::table
        .find(id)
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| not_found(id))?;
    if actor.role == Role::Applicant
        && actor.organisation_id.as_deref() != Some(&app.organisation_id)
    {
        return Err(not_found(id));
    }
    // Drafts are the applicant's own business until submitted.
    if actor.role != Role::Applicant && app.state == State::Draft.as_str() {
        return Err(not_found(id));
    }
    Ok(app)
}

fn load_instrument(conn: &mut DbConnection, id: &str) -> Result<InstrumentRow, ServiceError> {
    instruments::table
        .find(id)
        .select(InstrumentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::NotFound {
            what: "instrument",
            id: id.to_owned(),
        })
}

fn amount_rule(instrument: &InstrumentRow) -> Result<AmountRule, ServiceError> {
    Ok(if instrument.fixed_amount {
        AmountRule::Fixed(money(instrument.max_cents)?)
    } else {
        AmountRule::Range {
            min: money(instrument.min_cents)?,
            max: money(instrument.max_cents)?,
        }
    })
}

fn check_text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, "mag niet leeg zijn"));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("is te lang; ten hoogste {max} tekens"),
        ));
    }
}

fn uniqueness_key(
    instrument: &InstrumentRow,
    region_id: &str,
    discipline_id: Option<&str>,
) -> Result<Option<String>, ServiceError> {
    let rule: Uniqueness =
        instrument
            .uniqueness
            .parse()
            .map_err(|e: subsidie_domain::programme::UnknownValue| {
                ServiceError::Internal(e.to_string())
            })?;
    Ok(match rule {
        Uniqueness::None => None,
        Uniqueness::PerRegion => Some(format!("{}|{}", instrument.id, region_id)),
        Uniqueness::PerRegionAndDiscipline => Some(format!(
            "{}|{}|{}",
            instrument.id,
            region_id,
            discipline_id.unwrap_or("")
        )),
    })
}

fn duplicate_error(instrument: &InstrumentRow, discipline_id: Option<&str>) -> ServiceError {
    match discipline_id {
        Some(d) if instrument.uniqueness == Uniqueness::PerRegionAndDiscipline.as_str() => {
            ServiceError::Conflict(format!(
                "uw regio heeft al een lopende aanvraag voor '{}' voor discipline '{d}'; per regio en discipline is er één",
                instrument.name
            ))
        }
        _ => ServiceError::Conflict(format!(
            "uw regio heeft al een lopende aanvraag voor '{}'; per regio is er één",
            instrument.name
        )),
    }
}

fn check_discipline(
    conn: &mut DbConnection,
    instrument: &InstrumentRow,
    discipline_id: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Result<(), ServiceError> {
    let required = instrument.uniqueness == Uniqueness::PerRegionAndDiscipline.as_str();
    match discipline_id {
        None if required => errors.push(FieldError::new(
            "discipline",
            "deze regeling vraagt om een discipline; zie /disciplines voor de codes",
        )),
        Some(d) => {
            let exists = disciplines::table.find(d).count().get_result::<i64>(conn)? > 0;
            if !exists {
                errors.push(FieldError::new(
                    "discipline",
                    format!("onbekende discipline '{d}'; zie /disciplines voor de codes"),
                ));
            }
        }
        None => {}
    }
    Ok(())
}

/// Creates a draft for the applicant's organisation.
pub fn create_draft(
    pool: &Pool,
    actor: &Actor,
    new: &NewApplication,
    now: DateTime<Utc>,
) -> Result<ApplicationRow, ServiceError> {
    let organisation_id = match (&actor.role, &actor.organisation_id) {
        (Role::Applicant, Some(org)) => org.clone(),
        _ => {
            return Err(ServiceError::Forbidden(
                "alleen een aanvrager kan een aanvraag opstellen".into(),
            ))
        }
    };
    tx::write(pool, |conn| {
        let org: OrganisationRow = organisations::table
            .find(&organisation_id)
            .select(OrganisationRow::as_select())
            .first(conn)?;
        let instrument = load_instrument(conn, &new.instrument_id).map_err(|_| {
            ServiceError::field(
                "instrument",
                format!(
                    "onbekend instrument '{}'; zie /instrumenten voor de codes",
                    new.instrument_id
                ),
            )
        })?;
        let mut errors = Vec::new();
        check_text(&mut errors, "titel", &new.title, MAX_TITLE);
        check_text(&mut errors, "omschrijving", &new.description, MAX_TEXT);
        if let Err(e) = amount_rule(&instrument)?.check(new.requested) {
            errors.push(FieldError::new("bedrag", e.to_string()));
        }
        check_discipline(conn, &instrument, new.discipline_id.as_deref(), &mut errors)?;
        if !errors.is_empty() {
            return Err(ServiceError::Validation(errors));
        }
        let key = uniqueness_key(&instrument, &org.region_id, new.discipline_id.as_deref())?;
        if let Some(key) = &key {
            let taken = applications::table
                .filter(applications::uniqueness_key.eq(key))
                .count()
                .get_result::<i64>(conn)?
                > 0;
            if taken {
                return Err(duplicate_error(&instrument, new.discipline_id.as_deref()));
            }
        }
        let id = new_id();
        let row = ApplicationRow {
            reference: reference_for(&instrument, &id, now),
            id,
            instrument_id: instrument.id.clone(),
            organisation_id: org.id.clone(),
            region_id: org.region_id.clone(),
            discipline_id: new.discipline_id.clone(),
            uniqueness_key: key,
            state: State::Draft.as_str().to_owned(),
            title: new.title.trim().to_owned(),
            description: new.description.clone(),
            requested_cents: new.requested.cents(),
            reserved_cents: 0,
            granted_cents: 0,
            settled_cents: None,
            score: None,
            received_at: None,
            received_day: None,
            decision_due_on: None,
            supplement_request: None,
            supplement_due_on: None,
            decided_at: None,
            decision_motivation: None,
            objection_due_on: None,
            waitlist_position: None,
            grant_proposed_by: None,
            grant_proposed_cents: None,
            version: 1,
            created_at: naive(now),
            updated_at: naive(now),
        };
        diesel::insert_into(applications::table)
            .values(&row)
            .execute(conn)
            .map_err(|e| match ServiceError::from(e) {
                ServiceError::Conflict(_) => {
                    duplicate_error(&instrument, new.discipline_id.as_deref())
                }
                other => other,
            })?;
        history(
            conn,
            &row.id,
            actor,
            "aanmaken",
            None,
            State::Draft,
            None,
            now,
        )?;
        Ok(row)
    })
}

/// A human-readable, unique reference: instrument prefix, year, and the random tail of
/// the (time-ordered) id.
fn reference_for(instrument: &InstrumentRow, id: &str, now: DateTime<Utc>) -> String {
    let prefix: String = instrument
        .code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(4)
        .collect::<String>()
        .to_ascii_uppercase();
    let tail: String = id.chars().filter(char::is_ascii_hexdigit).collect();
    let tail = &tail[tail.len().saturating_sub(10)..];
    format!(
        "{prefix}-{}-{}",
        deadlines::amsterdam_date(now).format("%Y"),
        tail.to_ascii_uppercase()
    )
}

/// Changes a draft.
pub fn edit_draft(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    expected_version: Option<i64>,
    changes: &DraftChanges,
    now: DateTime<Utc>,
) -> Result<ApplicationRow, ServiceError> {
    tx::write(pool, |conn| {
        let mut app = load_visible(conn, actor, id)?;
        check_version(&app, expected_version)?;
        if actor.role != Role::Applicant {
            return Err(ServiceError::Forbidden(
                "alleen de aanvrager kan een concept wijzigen".into(),
            ));
        }
        if app.state != State::Draft.as_str() {
            return Err(ServiceError::Conflict(format!(
                "alleen een concept kan worden gewijzigd; deze aanvraag is '{}'",
                app.state
            )));
        }
        let instrument = load_instrument(conn, &app.instrument_id)?;
        let mut errors = Vec::new();
        if let Some(title) = &changes.title {
            check_text(&mut errors, "titel", title, MAX_TITLE);
            app.title = title.trim().to_owned();
        }
        if let Some(description) = &changes.description {
            check_text(&mut errors, "omschrijving", description, MAX_TEXT);
            app.description = description.clone();
        }
        if let Some(requested) = changes.requested {
            if let Err(e) = amount_rule(&instrument)?.check(requested) {
                errors.push(FieldError::new("bedrag", e.to_string()));
            }
            app.requested_cents = requested.cents();
        }
        if let Some(discipline) = &changes.discipline_id {
            check_discipline(conn, &instrument, Some(discipline), &mut errors)?;
            app.discipline_id = Some(discipline.clone());
            app.uniqueness_key = uniqueness_key(&instrument, &app.region_id, Some(discipline))?;
        }
        if !errors.is_empty() {
            return Err(ServiceError::Validation(errors));
        }
        save(conn, &mut app, now).map_err(|e| match e {
            ServiceError::Conflict(_) => duplicate_error(&instrument, app.discipline_id.as_deref()),
            other => other,
        })?;
        Ok(app)
    })
}

fn check_version(app: &ApplicationRow, expected: Option<i64>) -> Result<(), ServiceError> {
    match expected {
        Some(v) if v != app.version => Err(ServiceError::StaleVersion {
            expected: v,
            current: app.version,
        }),
        _ => Ok(()),
    }
}

/// Writes the application back with a new version, guarded by the version it was read
/// at, so a concurrent change is detected rather than overwritten.
fn save(
    conn: &mut DbConnection,
    app: &mut ApplicationRow,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let read_version = app.version;
    app.version += 1;
    app.updated_at = naive(now);
    let updated = diesel::update(
        applications::table
            .find(&app.id)
            .filter(applications::version.eq(read_version)),
    )
    .set(&*app)
    .execute(conn)?;
    if updated != 1 {
        return Err(ServiceError::StaleVersion {
            expected: read_version,
            current: read_version + 1,
        });
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn history(
    conn: &mut DbConnection,
    application_id: &str,
    actor: &Actor,
    command: &str,
    from: Option<State>,
    to: State,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    diesel::insert_into(subsidie_store::schema::application_history::table)
        .values(&NewHistoryRow {
            application_id: application_id.to_owned(),
            at: naive(now),
            actor_id: actor.user_id.clone(),
            command: command.to_owned(),
            from_state: from.map(|s| s.as_str().to_owned()),
            to_state: to.as_str().to_owned(),
            reason,
        })
        .execute(conn)?;
    Ok(())
}

/// Writes an e-mail for `notice` about `app` to the outbox, addressed to the applicant's
/// organisation. The payload holds the facts the template needs.
pub(crate) fn notify(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    instrument: &InstrumentRow,
    notice: Notice,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let org: OrganisationRow = organisations::table
        .find(&app.organisation_id)
        .select(OrganisationRow::as_select())
        .first(conn)?;
    let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let payload = json!({
        "referentie": app.reference,
        "titel": app.title,
        "organisatie": org.name,
        "regeling": instrument.name,
        "status": app.state,
        "aangevraagd": money(app.requested_cents)?.to_string(),
        "verleend": money(app.granted_cents)?.to_string(),
        "vastgesteld": app.settled_cents.map(money).transpose()?.map(|m| m.to_string()),
        "ontvangen_op": app.received_at.map(|t| t.and_utc().to_rfc3339()),
        "beslissen_uiterlijk": date(app.decision_due_on),
        "aanvulling": app.supplement_request,
        "aanvullen_uiterlijk": date(app.supplement_due_on),
        "motivering": app.decision_motivation,
        "bezwaar_uiterlijk": date(app.objection_due_on),
        "voorschot_percentage": instrument.advance_percent,
        "verantwoording_uiterlijk": date(instrument.accounting_deadline),
        "wachtlijstpositie": app.waitlist_position,
        "portaal": crate::portal::links::application_url(&app.reference),
    });
    diesel::insert_into(outbox::table)
        .values(&OutboxRow {
            id: new_id(),
            application_id: Some(app.id.clone()),
            recipient: org.email,
            template: notice.as_str().to_owned(),
            payload: payload.to_string(),
            created_at: naive(now),
            due_at: naive(now),
            attempts: 0,
            last_error: None,
            claimed_until: None,
            sent_at: None,
            failed_at: None,
        })
        .execute(conn)?;
    Ok(())
}

/// Carries out one lifecycle command on an application.
///
/// `expected_version`, when given (from an `If-Match`), must equal the stored version.
pub fn execute(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    expected_version: Option<i64>,
    action: &Action,
    now: DateTime<Utc>,
) -> Result<Outcome, ServiceError> {
    tx::write(pool, |conn| {
        execute_in(conn, actor, id, expected_version, action, now)
    })
}

fn execute_in(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    expected_version: Option<i64>,
    action: &Action,
    now: DateTime<Utc>,
) -> Result<Outcome, ServiceError> {
    let command = action.command();
    let mut app = load_visible(conn, actor, id)?;
    check_version(&app, expected_version)?;
    if !roles_for(command).contains(&actor.role) {
        let roles: Vec<&str> = roles_for(command).iter().map(|r| r.as_str()).collect();
        return Err(ServiceError::Forbidden(format!(
            "'{}' is voorbehouden aan de rol {}; u bent {}",
            command,
            roles.join(" of "),
            actor.role
        )));
    }
    if actor.role == Role::Reviewer {
        check_conflict_of_interest(conn, actor, &app)?;
    }
    let from = state(&app.state)?;
    let step = transition(from, command)?;

    if command.requires_motivation() {
        let mut errors = Vec::new();
        check_text(
            &mut errors,
            "motivering",
            action.motivation().unwrap_or(""),
            MAX_TEXT,
        );
        if !errors.is_empty() {
            return Err(ServiceError::Validation(errors));
        }
    }
    if let Some(note) = action.note() {
        if note.chars().count() > MAX_TEXT {
            return Err(ServiceError::field(
                "toelichting",
                format!("is te lang; ten hoogste {MAX_TEXT} tekens"),
            ));
        }
    }

    let has_budget_effect = step.effects.iter().any(|e| e.is_budget());
    let mut instrument = if has_budget_effect {
        let locked = budget::lock(conn, &app.instrument_id)?;
        // The application was read before the lock. On PostgreSQL another command may
        // have changed it, and its reservation or grant, while this one waited; compare
        // again now that its money cannot move, so the loser of such a race hears "stale
        // version" and not a budget error computed from an outdated reservation.
        let current: i64 = applications::table
            .find(&app.id)
            .select(applications::version)
            .first(conn)?;
        if current != app.version {
            return Err(ServiceError::StaleVersion {
                expected: app.version,
                current,
            });
        }
        locked
    } else {
        load_instrument(conn, &app.instrument_id)?
    };
    let today = deadlines::amsterdam_date(now);

    match action {
        Action::Delete => {
            diesel::delete(applications::table.find(&app.id)).execute(conn)?;
            return Ok(Outcome::Deleted);
        }
        Action::Submit => submit_checks(&mut app, &instrument, now)?,
        Action::RequestSupplement { request } => {
            let mut errors = Vec::new();
            check_text(&mut errors, "aanvulling", request, MAX_TEXT);
            if !errors.is_empty() {
                return Err(ServiceError::Validation(errors));
            }
            let term = Term::Days(u32::try_from(instrument.supplement_term_days).unwrap_or(14));
            app.supplement_request = Some(request.clone());
            app.supplement_due_on = Some(
                deadlines::supplement_deadline(now, term)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?,
            );
        }
        Action::Supply { .. } => {
            app.supplement_due_on = None;
        }
        Action::Lapse { .. } => {
            let due = app.supplement_due_on.ok_or_else(|| {
                ServiceError::Internal("aanvulling gevraagd zonder termijn".into())
            })?;
            if !deadlines::deadline_passed(due, now) {
                return Err(ServiceError::Conflict(format!(
                    "de aanvultermijn loopt tot en met {due}; pas daarna kan de aanvraag buiten behandeling worden gesteld"
                )));
            }
        }
        Action::Grant { amount, .. } => {
            if let Err(e) = amount_rule(&instrument)?.check(*amount) {
                return Err(ServiceError::field("bedrag", e.to_string()));
            }
            let reserved = money(app.reserved_cents)?;
            if *amount > reserved {
                return Err(ServiceError::field(
                    "bedrag",
                    format!(
                        "het verleende bedrag {} is hoger dan de reservering van {}; verleen ten hoogste de reservering",
                        amount.to_dutch(),
                        reserved.to_dutch()
                    ),
                ));
            }
            if let Some(limit) = instrument.four_eyes_above_cents {
                if amount.cents() > limit {
                    match (&app.grant_proposed_by, app.grant_proposed_cents) {
                        (Some(first), Some(proposed)) if Some(first) != actor.user_id.as_ref() => {
                            if proposed != amount.cents() {
                                return Err(ServiceError::Conflict(format!(
                                    "de eerste beoordelaar stelde {} voor; bevestig dat bedrag of wijs af",
                                    money(proposed)?.to_dutch()
                                )));
                            }
                        }
                        (Some(_), Some(_)) => {
                            return Err(ServiceError::Conflict(
                                "dit bedrag vraagt een tweede, andere beoordelaar (vier ogen); u stelde het al voor".into(),
                            ))
                        }
                        _ => {
                            app.grant_proposed_by = actor.user_id.clone();
                            app.grant_proposed_cents = Some(amount.cents());
                            save(conn, &mut app, now)?;
                            history(
                                conn,
                                &app.id,
                                actor,
                                "honorering_voorstellen",
                                Some(from),
                                from,
                                action.note(),
                                now,
                            )?;
                            let organisation: String = organisations::table
                                .find(&app.organisation_id)
                                .select(organisations::name)
                                .first(conn)?;
                            mail::queue_second_review(
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
                                    proposed_cents: amount.cents(),
                                    limit_cents: limit,
                                    proposer_id: actor.user_id.as_deref(),
                                },
                                now,
                            )?;
                            return Ok(Outcome::GrantProposed(Box::new(app)));
                        }
                    }
                }
            }
        }
        Action::Settle { amount, .. } => {
            let granted = money(app.granted_cents)?;
            if *amount > granted {
                return Err(ServiceError::field(
                    "bedrag",
                    format!(
                        "het vastgestelde bedrag {} is hoger dan de verlening van {}; stel ten hoogste de verlening vast",
                        amount.to_dutch(),
                        granted.to_dutch()
                    ),
                ));
            }
        }
        Action::Close => {
            let open = payments::table
                .filter(payments::application_id.eq(&app.id))
                .filter(payments::state.ne("betaald"))
                .filter(payments::state.ne("geannuleerd"))
                .count()
                .get_result::<i64>(conn)?;
            if open > 0 {
                return Err(ServiceError::Conflict(format!(
                    "er staan nog {open} betaling(en) of terugvordering(en) open; sluit af als alles is betaald"
                )));
            }
        }
        _ => {}
    }

    // Budget effects, in the order the table lists them.
    for effect in step.effects {
        let position = budget::position_of(&instrument)?;
        let movement = match effect {
            Effect::ReleaseReservation => {
                let m = position.release_reservation(money(app.reserved_cents)?)?;
                app.reserved_cents = 0;
                Some(m)
            }
            Effect::GrantFromReservation => {
                let Action::Grant { amount, .. } = action else {
                    return Err(ServiceError::Internal("verlening zonder bedrag".into()));
                };
                let m = position.grant(money(app.reserved_cents)?, *amount)?;
                app.reserved_cents = 0;
                app.granted_cents = amount.cents();
                Some(m)
            }
            Effect::ReleaseGrant => {
                let m = position.release_grant(money(app.granted_cents)?)?;
                app.granted_cents = 0;
                Some(m)
            }
            Effect::SettleGrant => {
                let Action::Settle { amount, .. } = action else {
                    return Err(ServiceError::Internal("vaststelling zonder bedrag".into()));
                };
                let m = position.settle(money(app.granted_cents)?, *amount)?;
                app.granted_cents = amount.cents();
                app.settled_cents = Some(amount.cents());
                Some(m)
            }
            Effect::ReserveBudget => {
                return Err(ServiceError::Internal(
                    "reserveren gebeurt alleen in een toewijzingsronde".into(),
                ))
            }
            Effect::Notify(_) | Effect::Delete => None,
        };
        if let Some(movement) = movement {
            budget::apply(
                conn,
                &mut instrument,
                &movement,
                Some(&app.id),
                actor.user_id.as_deref(),
                now,
            )?;
        }
    }

    if command.is_decision() {
        app.decided_at = Some(naive(now));
        app.decision_motivation = action.motivation().map(str::to_owned);
        app.objection_due_on = Some(
            deadlines::objection_deadline(today)
                .map_err(|e| ServiceError::Internal(e.to_string()))?,
        );
    }
    if matches!(
        step.to,
        State::Rejected | State::Withdrawn | State::NotConsidered
    ) {
        // Ended without money: the region may apply again.
        app.uniqueness_key = None;
    }
    if step.to != State::WaitingList {
        app.waitlist_position = None;
    }
    app.grant_proposed_by = None;
    app.grant_proposed_cents = None;
    app.state = step.to.as_str().to_owned();
    save(conn, &mut app, now)?;
    history(
        conn,
        &app.id,
        actor,
        command.as_str(),
        Some(from),
        step.to,
        action.note(),
        now,
    )?;

    match action {
        Action::Grant { amount, .. } => {
            schedule_advance(conn, &app, &instrument, *amount, today, now)?
        }
        Action::Settle { amount, .. } => schedule_settlement(conn, &app, *amount, today, now)?,
        Action::Waive { .. } => cancel_open_payments(conn, &app, today, now)?,
        _ => {}
    }
    for notice in step.notices() {
        notify(conn, &app, &instrument, notice, now)?;
    }
    Ok(Outcome::Changed(Box::new(app)))
}

fn check_conflict_of_interest(
    conn: &mut DbConnection,
    actor: &Actor,
    app: &ApplicationRow,
) -> Result<(), ServiceError> {
    let Some(user) = &actor.user_id else {
        return Ok(());
    };
    let conflicted = conflicts_of_interest::table
        .find((user, &app.region_id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if conflicted {
        return Err(ServiceError::Forbidden(format!(
            "u heeft een belangenconflict gemeld voor regio '{}'; een andere beoordelaar moet deze aanvraag behandelen",
            app.region_id
        )));
    }
    Ok(())
}

fn submit_checks(
    app: &mut ApplicationRow,
    instrument: &InstrumentRow,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let today = deadlines::amsterdam_date(now);
    let mut errors = Vec::new();
    if today < instrument.opens_on || today > instrument.closes_on {
        errors.push(FieldError::new(
            "instrument",
            format!(
                "'{}' is open voor aanvragen van {} tot en met {}; vandaag is {today}",
                instrument.name, instrument.opens_on, instrument.closes_on
            ),
        ));
    }
    if instrument.waitlist_closed {
        errors.push(FieldError::new(
            "instrument",
            format!(
                "het subsidieplafond van '{}' is bereikt en de wachtlijst is gesloten",
                instrument.name
            ),
        ));
    }
    if let Err(e) = amount_rule(instrument)?.check(money(app.requested_cents)?) {
        errors.push(FieldError::new("bedrag", e.to_string()));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Validation(errors));
    }
    let term = Term::Weeks(u32::try_from(instrument.decision_term_weeks).unwrap_or(13));
    app.received_at = Some(naive(now));
    app.received_day = Some(today);
    app.decision_due_on = Some(
        deadlines::decision_deadline(now, term)
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
    );
    Ok(())
}

fn payment_row(
    app: &ApplicationRow,
    kind: &str,
    suffix: &str,
    amount_cents: i64,
    due_on: NaiveDate,
    now: DateTime<Utc>,
) -> PaymentRow {
    PaymentRow {
        id: new_id(),
        reference: format!("{}-{suffix}", app.reference),
        application_id: app.id.clone(),
        instrument_id: app.instrument_id.clone(),
        kind: kind.to_owned(),
        amount_cents,
        due_on,
        state: "gepland".to_owned(),
        run_id: None,
        created_at: naive(now),
        settled_at: None,
    }
}

/// At a grant, the instrument's advance share is scheduled for payment today.
fn schedule_advance(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    instrument: &InstrumentRow,
    granted: Money,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let percent = u32::try_from(instrument.advance_percent).unwrap_or(0);
    let advance = granted.share(percent, 100)?;
    if !advance.is_zero() {
        diesel::insert_into(payments::table)
            .values(&payment_row(
                app,
                "voorschot",
                "V",
                advance.cents(),
                today,
                now,
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Sum of the amounts of an application's payments of a kind that are not cancelled.
fn payments_total(conn: &mut DbConnection, app_id: &str, kind: &str) -> Result<i64, ServiceError> {
    let amounts: Vec<i64> = payments::table
        .filter(payments::application_id.eq(app_id))
        .filter(payments::kind.eq(kind))
        .filter(payments::state.ne("geannuleerd"))
        .select(payments::amount_cents)
        .load(conn)?;
    amounts
        .into_iter()
        .try_fold(0i64, i64::checked_add)
        .ok_or_else(|| ServiceError::Internal("betalingen lopen over".into()))
}

/// At settlement: the rest is scheduled, or what was paid too much becomes a recovery
/// due in six weeks.
fn schedule_settlement(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    settled: Money,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let advanced = payments_total(conn, &app.id, "voorschot")?;
    let rest = settled.cents() - advanced;
    if rest > 0 {
        diesel::insert_into(payments::table)
            .values(&payment_row(app, "restant", "R", rest, today, now))
            .execute(conn)?;
    } else if rest < 0 {
        let due = deadlines::term_end(today, Term::Weeks(6))
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        // Only what was actually paid can be recovered; advances not yet paid are
        // reduced by cancelling them first.
        cancel_unpaid(conn, app)?;
        let paid = paid_total(conn, &app.id)?;
        let recover = paid - settled.cents();
        if recover > 0 {
            raise_recovery(conn, app, recover, due, now)?;
        } else if settled.cents() - paid > 0 {
            diesel::insert_into(payments::table)
                .values(&payment_row(
                    app,
                    "restant",
                    "R",
                    settled.cents() - paid,
                    today,
                    now,
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

fn cancel_unpaid(conn: &mut DbConnection, app: &ApplicationRow) -> Result<(), ServiceError> {
    diesel::update(
        payments::table
            .filter(payments::application_id.eq(&app.id))
            .filter(payments::state.eq("gepland")),
    )
    .set(payments::state.eq("geannuleerd"))
    .execute(conn)?;
    Ok(())
}

fn paid_total(conn: &mut DbConnection, app_id: &str) -> Result<i64, ServiceError> {
    let amounts: Vec<i64> = payments::table
        .filter(payments::application_id.eq(app_id))
        .filter(payments::kind.ne("terugvordering"))
        .filter(payments::state.eq_any(["betaald", "in_betaalronde"]))
        .select(payments::amount_cents)
        .load(conn)?;
    amounts
        .into_iter()
        .try_fold(0i64, i64::checked_add)
        .ok_or_else(|| ServiceError::Internal("betalingen lopen over".into()))
}

/// When a grant is waived: unpaid advances are cancelled; what was paid is recovered.
fn cancel_open_payments(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    cancel_unpaid(conn, app)?;
    let paid = paid_total(conn, &app.id)?;
    if paid > 0 {
        let due = deadlines::term_end(today, Term::Weeks(6))
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        raise_recovery(conn, app, paid, due, now)?;
    }
    Ok(())
}

/// Schedules a recovery (*terugvordering*) due on `due` and queues its notice to the
/// grantee (the `betaling` letter in its recovery form: how much, by when, under which
/// reference), in the same transaction.
fn raise_recovery(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    cents: i64,
    due: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let recovery = payment_row(app, "terugvordering", "T", cents, due, now);
    diesel::insert_into(payments::table)
        .values(&recovery)
        .execute(conn)?;
    mail::queue_payment_notice(conn, &recovery.id, now)?;
    Ok(())
}

/// Records a review score (0–100) for the ranking of a research call.
pub fn score(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    score: i32,
    now: DateTime<Utc>,
) -> Result<ApplicationRow, ServiceError> {
    if actor.role != Role::Reviewer {
        return Err(ServiceError::Forbidden(
            "alleen een beoordelaar kan scoren".into(),
        ));
    }
    if !(0..=100).contains(&score) {
        return Err(ServiceError::field(
            "score",
            format!("{score} ligt niet tussen 0 en 100"),
        ));
    }
    tx::write(pool, |conn| {
        let mut app = load_visible(conn, actor, id)?;
        check_conflict_of_interest(conn, actor, &app)?;
        if app.state != State::Submitted.as_str() {
            return Err(ServiceError::Conflict(format!(
                "alleen een ingediende aanvraag kan een score krijgen vóór de rangschikking; deze is '{}'",
                app.state
            )));
        }
        let from = state(&app.state)?;
        app.score = Some(score);
        save(conn, &mut app, now)?;
        history(
            conn,
            &app.id,
            actor,
            "scoren",
            Some(from),
            from,
            Some(format!("score {score}")),
            now,
        )?;
        Ok(app)
    })
}

/// Lodges an objection (*bezwaar*) against the decision on an application, within the
/// objection period (Awb 6:7).
pub fn object(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    grounds: &str,
    now: DateTime<Utc>,
) -> Result<ObjectionRow, ServiceError> {
    if actor.role != Role::Applicant {
        return Err(ServiceError::Forbidden(
            "alleen de aanvrager kan bezwaar maken".into(),
        ));
    }
    let mut errors = Vec::new();
    check_text(&mut errors, "gronden", grounds, MAX_TEXT);
    if !errors.is_empty() {
        return Err(ServiceError::Validation(errors));
    }
    tx::write(pool, |conn| {
        let app = load_visible(conn, actor, id)?;
        let (Some(_), Some(due)) = (app.decided_at, app.objection_due_on) else {
            return Err(ServiceError::Conflict(format!(
                "er is nog geen besluit op deze aanvraag (status '{}'); bezwaar kan pas tegen een besluit",
                app.state
            )));
        };
        if deadlines::deadline_passed(due, now) {
            return Err(ServiceError::Conflict(format!(
                "de bezwaartermijn is verstreken op {due} (art. 6:7 Awb)"
            )));
        }
        let decision = last_decision(conn, &app.id)?;
        let row = ObjectionRow {
            id: new_id(),
            application_id: app.id.clone(),
            decision,
            grounds: grounds.to_owned(),
            submitted_at: naive(now),
            state: "ingediend".to_owned(),
            actor_id: actor.user_id.clone(),
        };
        diesel::insert_into(objections::table)
            .values(&row)
            .execute(conn)?;
        let current = state(&app.state)?;
        history(
            conn,
            &app.id,
            actor,
            "bezwaar_maken",
            Some(current),
            current,
            Some(grounds.to_owned()),
            now,
        )?;
        Ok(row)
    })
}

fn last_decision(conn: &mut DbConnection, app_id: &str) -> Result<String, ServiceError> {
    use subsidie_store::schema::application_history as h;
    let decisions: Vec<&str> = Command::ALL
        .iter()
        .filter(|c| c.is_decision())
        .map(|c| c.as_str())
        .collect();
    let last: Option<String> = h::table
        .filter(h::application_id.eq(app_id))
        .filter(h::command.eq_any(decisions))
        .order(h::id.desc())
        .select(h::command)
        .first(conn)
        .optional()?;
    last.ok_or_else(|| ServiceError::Internal("besluit zonder historie".into()))
}
