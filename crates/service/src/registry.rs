//! Organisations, users, API tokens and declared conflicts of interest.
//!
//! Tokens are 32 random bytes shown once as 64 hex characters; only their SHA-256 is
//! stored, so a copy of the database does not let anyone in.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subsidie_domain::iban::Iban;
use subsidie_store::rows::{ApiTokenRow, ConflictRow, OrganisationRow, UserRow};
use subsidie_store::schema::{api_tokens, conflicts_of_interest, organisations, regions, users};
use subsidie_store::{DbConnection, Pool};

use crate::actor::{Actor, Role};
use crate::convert::{naive, new_id};
use crate::error::{FieldError, ServiceError};
use crate::tx;

/// A new organisation as submitted.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    /// Name.
    pub name: String,
    /// The region's code.
    pub region_id: String,
    /// Bank account for payments.
    pub iban: String,
    /// Contact address for every e-mail about its applications.
    pub email: String,
}

/// Checks an e-mail address well enough to refuse typos at registration: one `@`, a
/// local part, a domain with a dot, no spaces or angle brackets.
pub fn check_email(email: &str) -> Result<(), String> {
    let refuse = || {
        format!("'{email}' is geen bruikbaar e-mailadres; verwacht iets als naam@organisatie.nl")
    };
    let (local, domain) = email.split_once('@').ok_or_else(refuse)?;
    let bad = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '<' | '>' | '(' | ')' | ',' | ';' | ':' | '"' | '\\' | '@' | '[' | ']'
            )
    };
    if local.is_empty()
        || domain.len() < 3
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
        || email.len() > 254
        || local.chars().any(bad)
        || domain.chars().any(bad)
    {
        return Err(refuse());
    }
    Ok(())
}

fn require_admin(actor: &Actor) -> Result<(), ServiceError> {
    if actor.role != Role::Admin {
        return Err(ServiceError::Forbidden(format!(
            "alleen een beheerder mag dit; u bent {}",
            actor.role
        )));
    }
    Ok(())
}

/// A region that exists, or a refusal that says where the codes are.
fn check_region(conn: &mut DbConnection, region_id: &str) -> Result<(), ServiceError> {
    let exists = regions::table
        .find(region_id)
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !exists {
        return Err(ServiceError::field(
            "regio",
            format!("onbekende regio '{region_id}'; zie /regios voor de geldige codes"),
        ));
    }
    Ok(())
}

/// Registers an organisation after checking its IBAN and e-mail address.
pub fn register_organisation(
    pool: &Pool,
    actor: &Actor,
    new: &NewOrganisation,
    now: DateTime<Utc>,
) -> Result<OrganisationRow, ServiceError> {
    require_admin(actor)?;
    let mut errors = Vec::new();
    if new.name.trim().is_empty() {
        errors.push(FieldError::new("naam", "de naam is leeg"));
    }
    let iban = Iban::parse(&new.iban);
    if let Err(e) = &iban {
        errors.push(FieldError::new("iban", e.to_string()));
    }
    if let Err(e) = check_email(&new.email) {
        errors.push(FieldError::new("email", e));
    }
    let iban = match iban {
        Ok(iban) if errors.is_empty() => iban,
        _ => return Err(ServiceError::Validation(errors)),
    };
    tx::write(pool, |conn| {
        check_region(conn, &new.region_id)?;
        let row = OrganisationRow {
            id: new_id(),
            name: new.name.trim().to_owned(),
            region_id: new.region_id.clone(),
            iban: iban.as_str().to_owned(),
            email: new.email.clone(),
            created_at: naive(now),
        };
        diesel::insert_into(organisations::table)
            .values(&row)
            .execute(conn)?;
        Ok(row)
    })
}

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

/// SHA-256 of a token, hex: the only form in which tokens are stored.
pub fn hash_token(token: &str) -> String {
    subsidie_domain::lottery::to_hex(&Sha256::digest(token.as_bytes()))
}

/// Creates a token for a user and returns it in clear text: the only time it is shown.
pub fn create_token(
    pool: &Pool,
    actor: &Actor,
    user_id: &str,
    label: &str,
    now: DateTime<Utc>,
) -> Result<String, ServiceError> {
    require_admin(actor)?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = subsidie_domain::lottery::to_hex(&bytes);
    let hash = hash_token(&token);
    tx::write(pool, |conn| {
        let exists = users::table.find(user_id).count().get_result::<i64>(conn)? > 0;
        if !exists {
            return Err(ServiceError::NotFound {
                what: "gebruiker",
                id: user_id.to_owned(),
            });
        }
        diesel::insert_into(api_tokens::table)
            .values(&ApiTokenRow {
                id: new_id(),
                user_id: user_id.to_owned(),
                token_hash: hash.clone(),
                label: label.to_owned(),
                created_at: naive(now),
                revoked_at: None,
            })
            .execute(conn)?;
        Ok(token.clone())
    })
}

/// The actor a bearer token stands for, or `None` for an unknown or revoked token.
pub fn authenticate(pool: &Pool, token: &str) -> Result<Option<Actor>, ServiceError> {
    let hash = hash_token(token);
    tx::read(pool, |conn| {
        let user: Option<UserRow> = api_tokens::table
            .inner_join(users::table)
            .filter(api_tokens::token_hash.eq(&hash))
            .filter(api_tokens::revoked_at.is_null())
            .select(UserRow::as_select())
            .first(conn)
            .optional()?;
        let Some(user) = user else { return Ok(None) };
        let role = user.role.parse::<Role>().map_err(ServiceError::Internal)?;
        Ok(Some(Actor::user(user.id, role, user.organisation_id)))
    })
}

/// Records that reviewer `user_id` may not decide applications of `region_id`. The user
/// must exist and be a reviewer and the region must exist, so an unknown id is a clear
/// error rather than a refused foreign key. Declaring the same conflict twice is harmless.
pub fn declare_conflict(
    pool: &Pool,
    actor: &Actor,
    user_id: &str,
    region_id: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let own = actor.user_id.as_deref() == Some(user_id) && actor.role == Role::Reviewer;
    if !own && actor.role != Role::Admin {
        return Err(ServiceError::Forbidden(
            "alleen de beoordelaar zelf of een beheerder kan een belangenconflict melden".into(),
        ));
    }
    tx::write(pool, |conn| {
        let user: UserRow = users::table
            .find(user_id)
            .select(UserRow::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ServiceError::NotFound {
                what: "gebruiker",
                id: user_id.to_owned(),
            })?;
        if user.role != Role::Reviewer.as_str() {
            return Err(ServiceError::Conflict(format!(
                "een belangenconflict geldt voor een beoordelaar; deze gebruiker is {}",
                user.role
            )));
        }
        check_region(conn, region_id)?;
        let exists = conflicts_of_interest::table
            .find((user_id, region_id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !exists {
            diesel::insert_into(conflicts_of_interest::table)
                .values(&ConflictRow {
                    user_id: user_id.to_owned(),
                    region_id: region_id.to_owned(),
                    declared_at: naive(now),
                })
                .execute(conn)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::check_email;

    #[test]
    fn email_check_refuses_typos() {
        assert!(check_email("info@regio-noord.nl").is_ok());
        for bad in [
            "",
            "info",
            "info@",
            "@x.nl",
            "info@nl",
            "in fo@x.nl",
            "a@b..nl",
            "a@.nl",
            "a@x.nl.",
            "a<b>@x.nl",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
