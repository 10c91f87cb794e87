//! The consortium part of an application's page: the partners it names, the kinds its
//! instrument requires and how many are there, and whether the visitor may change them.

use minijinja::{context, Value};
use subsidie_service::consortium;
use subsidie_service::{Actor, Pool, Role, ServiceError};

/// What the application page shows of its consortium, for `actor`.
pub(crate) fn section(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    state: &str,
) -> Result<Value, ServiceError> {
    let (rows, rules) = match consortium::partners(pool, actor, id) {
        Ok(found) => found,
        Err(ServiceError::NotFound { .. }) if actor.role == Role::Reviewer => {
            return Ok(context! { verborgen => true });
        }
        Err(e) => return Err(e),
    };
    let name_of = |kind: &str| {
        rules
            .iter()
            .find(|r| r.kind == kind)
            .map_or_else(|| kind.to_owned(), |r| r.name.clone())
    };
    Ok(context! {
        lijst => rows.iter().map(|p| context! {
            positie => p.position, organisatie => p.organisation.clone(), soort => name_of(&p.kind),
            rol => p.role.clone(), contactpersoon => p.contact_name.clone(), email => p.contact_email.clone(),
        }).collect::<Vec<_>>(),
        vereist => rules.iter().map(|r| {
            let present = rows.iter().filter(|p| p.kind == r.kind).count();
            context! { naam => r.name.clone(), ten_minste => r.at_least, aanwezig => present,
                compleet => i64::try_from(present).unwrap_or(i64::MAX) >= i64::from(r.at_least) }
        }).collect::<Vec<_>>(),
        soorten => rules.iter().map(|r| context! { waarde => r.kind.clone(), naam => r.name.clone() })
            .chain(std::iter::once(context! { waarde => "overig", naam => "Andere partner" }))
            .collect::<Vec<_>>(),
        bewerken => actor.role == Role::Applicant && state == "concept",
    })
}
