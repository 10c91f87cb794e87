//! Creating a user in one role; applicants belong to an organisation.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_store::rows::UserRow;
use subsidie_store::schema::{organisations, users};
use subsidie_store::Pool;

use super::checks::{check_email, require_admin};
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
        };
        diesel::insert_into(users::table)
            .values(&row)
            .execute(conn)?;
        Ok(row)
    })
}
