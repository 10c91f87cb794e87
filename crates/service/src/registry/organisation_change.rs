//! Reading organisations, and changing their bank account, e-mail address and contact
//! person: checked, recorded in the history and announced to the organisation.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::iban::{masked, Iban};
use subsidie_domain::letters::{ChangedFact, OrganisationChangeLetter};
use subsidie_store::rows::OrganisationRow;
use subsidie_store::schema::organisations;
use subsidie_store::{DbConnection, Pool};

use super::checks::{check_email, require_admin};
use super::history::{record, Subject};
use crate::actor::Actor;
use crate::error::{FieldError, ServiceError};
use crate::outbox::queue_organisation_change;
use crate::paging::page_size;
use crate::tx;

/// The facts to change; `None` leaves one as it is.
#[derive(Debug, Clone, Default)]
pub struct OrganisationChange {
    /// A new bank account (ISO 13616, checked).
    pub iban: Option<String>,
    /// A new contact address for every e-mail.
    pub email: Option<String>,
    /// A new contact person; `Some("")` clears it.
    pub contact_person: Option<String>,
}

fn load_organisation(conn: &mut DbConnection, id: &str) -> Result<OrganisationRow, ServiceError> {
    organisations::table
        .find(id)
        .select(OrganisationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::NotFound {
            what: "organisatie",
            id: id.to_owned(),
        })
}

/// One organisation. Administrators only.
pub fn get_organisation(
    pool: &Pool,
    actor: &Actor,
    id: &str,
) -> Result<OrganisationRow, ServiceError> {
    require_admin(actor)?;
    tx::read(pool, |conn| load_organisation(conn, id))
}

/// The organisations by id after `after`, at most `limit`, of one region if given.
/// Administrators only.
pub fn list_organisations(
    pool: &Pool,
    actor: &Actor,
    region_id: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<OrganisationRow>, ServiceError> {
    require_admin(actor)?;
    tx::read(pool, |conn| {
        let mut query = organisations::table
            .filter(organisations::id.gt(after.unwrap_or("").to_owned()))
            .into_boxed();
        if let Some(region) = region_id {
            query = query.filter(organisations::region_id.eq(region.to_owned()));
        }
        Ok(query
            .order(organisations::id.asc())
            .limit(page_size(limit))
            .select(OrganisationRow::as_select())
            .load(conn)?)
    })
}

/// The change checked: the IBAN in its electronic form, the e-mail address usable, the
/// contact person trimmed; every fault at once.
fn checked(change: &OrganisationChange) -> Result<OrganisationChange, ServiceError> {
    let mut errors = Vec::new();
    let iban = match change.iban.as_deref().map(Iban::parse) {
        None => None,
        Some(Ok(iban)) => Some(iban.as_str().to_owned()),
        Some(Err(e)) => {
            errors.push(FieldError::new("iban", e.to_string()));
            None
        }
    };
    if let Some(Err(e)) = change.email.as_deref().map(check_email) {
        errors.push(FieldError::new("email", e));
    }
    let contact_person = change.contact_person.as_deref().map(str::trim);
    if contact_person.is_some_and(|c| c.chars().count() > 200) {
        errors.push(FieldError::new(
            "contactpersoon",
            "is te lang; ten hoogste 200 tekens",
        ));
    }
    if change.iban.is_none() && change.email.is_none() && change.contact_person.is_none() {
        errors.push(FieldError::new(
            "iban",
            "er is niets te wijzigen; geef iban, email of contactpersoon",
        ));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Validation(errors));
    }
    Ok(OrganisationChange {
        iban,
        email: change.email.clone(),
        contact_person: contact_person.map(str::to_owned),
    })
}

/// What differs between `row` and `change`, in the letter's words, with `row` updated.
fn apply(row: &mut OrganisationRow, change: &OrganisationChange) -> Vec<ChangedFact> {
    let mut facts = Vec::new();
    if let Some(iban) = change.iban.as_ref().filter(|i| **i != row.iban) {
        facts.push(ChangedFact {
            gegeven: "IBAN".into(),
            oud: masked(&row.iban),
            nieuw: masked(iban),
        });
        row.iban.clone_from(iban);
    }
    if let Some(email) = change.email.as_ref().filter(|e| **e != row.email) {
        facts.push(ChangedFact {
            gegeven: "e-mailadres".into(),
            oud: row.email.clone(),
            nieuw: email.clone(),
        });
        row.email.clone_from(email);
    }
    if let Some(person) = &change.contact_person {
        let new = (!person.is_empty()).then(|| person.clone());
        if new != row.contact_person {
            facts.push(ChangedFact {
                gegeven: "contactpersoon".into(),
                oud: row.contact_person.clone().unwrap_or_default(),
                nieuw: person.clone(),
            });
            row.contact_person = new;
        }
    }
    facts
}

/// Changes an organisation's IBAN, e-mail address or contact person. The change is in the
/// history and announced by mail, at the old and the new address, in the same
/// transaction; a change that changes nothing writes nothing. Payments planned but not
/// yet in a payment run go to the new account (a run copies the IBAN when it is made).
pub fn change_organisation(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    change: &OrganisationChange,
    now: DateTime<Utc>,
) -> Result<OrganisationRow, ServiceError> {
    require_admin(actor)?;
    let change = checked(change)?;
    tx::write(pool, |conn| {
        let mut row = load_organisation(conn, id)?;
        let old_email = row.email.clone();
        let facts = apply(&mut row, &change);
        if facts.is_empty() {
            return Ok(row);
        }
        diesel::update(organisations::table.find(id))
            .set((
                organisations::iban.eq(&row.iban),
                organisations::email.eq(&row.email),
                organisations::contact_person.eq(&row.contact_person),
            ))
            .execute(conn)?;
        let detail = facts
            .iter()
            .map(|f| format!("{}: '{}' → '{}'", f.gegeven, f.oud, f.nieuw))
            .collect::<Vec<_>>()
            .join("; ");
        record(
            conn,
            actor,
            now,
            (Subject::Organisation, id),
            "gewijzigd",
            detail,
        )?;
        let mut recipients = vec![row.email.as_str()];
        if old_email != row.email {
            recipients.push(old_email.as_str());
        }
        let letter = OrganisationChangeLetter {
            organisatie: row.name.clone(),
            contactpersoon: row.contact_person.clone(),
            wijzigingen: facts,
            gewijzigd_op: now,
        };
        queue_organisation_change(conn, &recipients, &letter, now)?;
        Ok(row)
    })
}
