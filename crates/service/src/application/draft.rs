//! Drafts (*concepten*): an applicant opens one for the own organisation, changes it,
//! and deletes it (the `verwijderen` command) or submits it ([`super::submit`]).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines;
use subsidie_domain::lifecycle::State;
use subsidie_domain::Money;
use subsidie_store::rows::{ApplicationRow, InstrumentRow, OrganisationRow};
use subsidie_store::schema::{applications, organisations};
use subsidie_store::{DbConnection, Pool};

use super::checks::{
    amount_rule, check_discipline, check_text, duplicate_error, refuse_any, uniqueness_key,
    MAX_TEXT, MAX_TITLE,
};
use super::record::{check_version, history, save};
use crate::access::{self, load_visible};
use crate::actor::{Actor, Role};
use crate::budget::load_instrument;
use crate::convert::{naive, new_id};
use crate::error::{FieldError, ServiceError};
use crate::tx;

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

/// Creates a draft for the applicant's organisation.
pub fn create_draft(
    pool: &Pool,
    actor: &Actor,
    new: &NewApplication,
    now: DateTime<Utc>,
) -> Result<ApplicationRow, ServiceError> {
    let organisation_id = may_draft(actor)?;
    tx::write(pool, |conn| {
        insert_draft(conn, actor, &organisation_id, new, now)
    })
}

/// A draft that passed its checks and is not written yet: its row and the organisation
/// and instrument it was checked against, which the one-request submission uses again.
pub(super) struct CheckedDraft {
    pub(super) row: ApplicationRow,
    pub(super) instrument: InstrumentRow,
    pub(super) organisation: OrganisationRow,
}

/// The draft's checks and its row with the first history entry, inside the caller's
/// transaction.
fn insert_draft(
    conn: &mut DbConnection,
    actor: &Actor,
    organisation_id: &str,
    new: &NewApplication,
    now: DateTime<Utc>,
) -> Result<ApplicationRow, ServiceError> {
    let draft = check_draft(conn, organisation_id, new, now)?;
    store_draft(conn, actor, &draft.row, &draft.instrument, now)?;
    Ok(draft.row)
}

/// The draft's checks, and the row they allow, not yet written.
pub(super) fn check_draft(
    conn: &mut DbConnection,
    organisation_id: &str,
    new: &NewApplication,
    now: DateTime<Utc>,
) -> Result<CheckedDraft, ServiceError> {
    let org: OrganisationRow = organisations::table
        .find(organisation_id)
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
    check_new(conn, &instrument, new)?;
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
    let row = draft_row(&instrument, &org, new, key, now);
    Ok(CheckedDraft {
        row,
        instrument,
        organisation: org,
    })
}

/// Writes a checked row (a draft, or one submitted in the same request) with the
/// `aanmaken` history entry. A concurrent application of the same region (and
/// discipline) that got in first makes the insert collide: the same refusal as the check.
pub(super) fn store_draft(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &ApplicationRow,
    instrument: &InstrumentRow,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    diesel::insert_into(applications::table)
        .values(row)
        .execute(conn)
        .map_err(|e| match ServiceError::from(e) {
            ServiceError::Conflict(_) => duplicate_error(instrument, row.discipline_id.as_deref()),
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
    )
}

/// Only an applicant of an organisation opens a draft; the API asks before it reads the
/// draft. Returns the organisation.
pub fn may_draft(actor: &Actor) -> Result<String, ServiceError> {
    match (&actor.role, &actor.organisation_id) {
        (Role::Applicant, Some(org)) => Ok(org.clone()),
        _ => Err(ServiceError::Forbidden(
            "alleen een aanvrager kan een aanvraag opstellen".into(),
        )),
    }
}

fn check_new(
    conn: &mut DbConnection,
    instrument: &InstrumentRow,
    new: &NewApplication,
) -> Result<(), ServiceError> {
    let mut errors = Vec::new();
    check_text(&mut errors, "titel", &new.title, MAX_TITLE);
    check_text(&mut errors, "omschrijving", &new.description, MAX_TEXT);
    if let Err(e) = amount_rule(instrument)?.check(new.requested) {
        errors.push(FieldError::new("bedrag", e.to_string()));
    }
    check_discipline(conn, instrument, new.discipline_id.as_deref(), &mut errors)?;
    refuse_any(errors)
}

fn draft_row(
    instrument: &InstrumentRow,
    org: &OrganisationRow,
    new: &NewApplication,
    uniqueness_key: Option<String>,
    now: DateTime<Utc>,
) -> ApplicationRow {
    let id = new_id();
    ApplicationRow {
        reference: reference_for(instrument, &id, now),
        id,
        instrument_id: instrument.id.clone(),
        organisation_id: org.id.clone(),
        region_id: org.region_id.clone(),
        discipline_id: new.discipline_id.clone(),
        uniqueness_key,
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
        round_code: None,
    }
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
        may_edit(actor)?;
        if app.state != State::Draft.as_str() {
            return Err(ServiceError::Conflict(format!(
                "alleen een concept kan worden gewijzigd; deze aanvraag is '{}'",
                app.state
            )));
        }
        let instrument = load_instrument(conn, &app.instrument_id)?;
        apply_changes(conn, &instrument, &mut app, changes)?;
        save(conn, &mut app, now).map_err(|e| match e {
            ServiceError::Conflict(_) => duplicate_error(&instrument, app.discipline_id.as_deref()),
            other => other,
        })?;
        Ok(app)
    })
}

/// Only the applicant changes a draft; the API asks before it reads the changes.
pub fn may_edit(actor: &Actor) -> Result<(), ServiceError> {
    access::only(
        actor,
        Role::Applicant,
        "alleen de aanvrager kan een concept wijzigen",
    )
}

fn apply_changes(
    conn: &mut DbConnection,
    instrument: &InstrumentRow,
    app: &mut ApplicationRow,
    changes: &DraftChanges,
) -> Result<(), ServiceError> {
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
        if let Err(e) = amount_rule(instrument)?.check(requested) {
            errors.push(FieldError::new("bedrag", e.to_string()));
        }
        app.requested_cents = requested.cents();
    }
    if let Some(discipline) = &changes.discipline_id {
        check_discipline(conn, instrument, Some(discipline), &mut errors)?;
        app.discipline_id = Some(discipline.clone());
        app.uniqueness_key = uniqueness_key(instrument, &app.region_id, Some(discipline))?;
    }
    refuse_any(errors)
}
