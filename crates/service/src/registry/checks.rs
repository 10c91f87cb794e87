//! The checks registration shares: a usable e-mail address, a known region, and that
//! only an administrator registers.

use diesel::prelude::*;
use subsidie_store::schema::regions;
use subsidie_store::DbConnection;

use crate::actor::{Actor, Role};
use crate::error::ServiceError;

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

pub(super) fn require_admin(actor: &Actor) -> Result<(), ServiceError> {
    if actor.role != Role::Admin {
        return Err(ServiceError::Forbidden(format!(
            "alleen een beheerder mag dit; u bent {}",
            actor.role
        )));
    }
    Ok(())
}

/// A region that exists, or a refusal that says where the codes are.
pub(super) fn check_region(conn: &mut DbConnection, region_id: &str) -> Result<(), ServiceError> {
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
