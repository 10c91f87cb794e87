//! Creating a user in one role; applicants belong to an organisation.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_store::rows::UserRow;
use subsidie_store::schema::{organisations, users};
use subsidie_store::{DbConnection, Pool};

use super::checks::{check_email, require_admin};
use super::history::{record, Subject};
use super::users::user_by_email;
use crate::actor::{Actor, Role};
use crate::convert::{naive, new_id};
use crate::error::{FieldError, ServiceError};
use crate::tx;

/// Creates a user. Applicants must belong to an organisation; others must not.
pub fn create_user(
    pool: &Pool,
    actor: &Actor,
    name: &str,
    email: &str,
    role: Role,
    organisation_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<UserRow, ServiceError> {
    require_admin(actor)?;
    let mut errors = Vec::new();
    if name.trim().is_empty() {
        errors.push(FieldError::new("naam", "de naam is leeg"));
    }
    if let Err(e) = check_email(email) {
        errors.push(FieldError::new("email", e));
    }
    match (role, organisation_id) {
        (Role::Applicant, None) => errors.push(FieldError::new(
            "organisatie",
            "een aanvrager hoort bij een organisatie; geef haar id",
        )),
        (Role::Applicant, Some(_)) | (_, None) => {}
        (_, Some(_)) => errors.push(FieldError::new(
            "organisatie",
            format!("alleen een aanvrager hoort bij een organisatie, niet een {role}"),
        )),
    }
    if !errors.is_empty() {
        return Err(ServiceError::Validation(errors));
    }
    tx::write(pool, |conn| {
        check_email_free(conn, email)?;
        if let Some(org) = organisation_id {
            let exists = organisations::table
                .find(org)
                .count()
                .get_result::<i64>(conn)?
                > 0;
            if !exists {
                return Err(ServiceError::NotFound {
                    what: "organisatie",
                    id: org.to_owned(),
                });
            }
        }
        let row = UserRow {
            id: new_id(),
            name: name.trim().to_owned(),
            email: email.to_owned(),
            role: role.as_str().to_owned(),
            organisation_id: organisation_id.map(str::to_owned),
            created_at: naive(now),
            deactivated_at: None,
        };
        diesel::insert_into(users::table)
            .values(&row)
            .execute(conn)?;
        record(
            conn,
            actor,
            now,
            (Subject::User, &row.id),
            "aangemaakt",
            format!("{} <{}>, rol {}", row.name, row.email, row.role),
        )?;
        Ok(row)
    })
}

/// Refuses an address another user has already, compared without case (the database's
/// unique index is the last word when two registrations race).
fn check_email_free(conn: &mut DbConnection, email: &str) -> Result<(), ServiceError> {
    match user_by_email(conn, email)? {
        Some(other) => Err(ServiceError::Conflict(format!(
            "het e-mailadres '{email}' hoort al bij gebruiker {}; elke gebruiker heeft een eigen e-mailadres",
            other.id
        ))),
        None => Ok(()),
    }
}
