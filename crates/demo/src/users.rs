//! The demo's people who have work today, found again on every start by their e-mail
//! address, each with a fresh token.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_service::{registry, Actor, Pool, Role, ServiceError};
use subsidie_store::rows::UserRow;
use subsidie_store::schema::users;

use crate::cast::DEMO_DOMAIN;
use crate::read::connection;

/// The demo's administrator; made last by [`crate::stage_today`], so it also marks a demo
/// that played to the end.
pub const ADMIN_EMAIL: &str = "beheer@zonmw.demo.example";
/// The applicant of the first region (r01), who has applications in many states.
pub(crate) const APPLICANT_EMAIL: &str = "coordinator@resv-r01.demo.example";
/// The reviewer who has a queue and a four-eyes proposal to confirm.
pub(crate) const REVIEWER_EMAIL: &str = "a.devries@zonmw.demo.example";
/// The reviewer who proposed that grant.
pub(crate) const PROPOSER_EMAIL: &str = "b.jansen@zonmw.demo.example";
/// Finance, with a payment run due.
pub(crate) const FINANCE_EMAIL: &str = "f.elamrani@zonmw.demo.example";

/// A demo user to sign in as.
#[derive(Debug, Clone)]
pub struct DemoUser {
    /// The role.
    pub role: Role,
    /// The user's name.
    pub name: String,
    /// The user's e-mail address (how the demo finds the user again).
    pub email: String,
    /// What there is to do, in Dutch.
    pub work: &'static str,
    /// A fresh API token, shown once.
    pub token: String,
}

/// A demo user by e-mail address, as an actor; an error naming the address when the demo
/// did not make it.
pub(crate) fn demo_actor(pool: &Pool, email: &str) -> Result<(Actor, UserRow), ServiceError> {
    let user: Option<UserRow> = users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(&mut *connection(pool)?)
        .optional()?;
    let user = user.ok_or_else(|| {
        ServiceError::Conflict(format!(
            "de demo-gebruiker {email} bestaat niet in deze database; de demo is hier niet \
             (helemaal) gespeeld (begin met een lege database)"
        ))
    })?;
    let role = user.role.parse::<Role>().map_err(ServiceError::Internal)?;
    let actor = Actor::user(user.id.clone(), role, user.organisation_id.clone());
    Ok((actor, user))
}

/// The administrator of the demo, made once.
pub(crate) fn make_admin(pool: &Pool, now: DateTime<Utc>) -> Result<UserRow, ServiceError> {
    registry::create_user(
        pool,
        &Actor::system(),
        "Demo-beheerder",
        ADMIN_EMAIL,
        Role::Admin,
        None,
        now,
    )
}

/// The four demo users who have work, each with a new token (labelled `demo`); the
/// earlier tokens stay valid.
pub fn sign_in(pool: &Pool, now: DateTime<Utc>) -> Result<Vec<DemoUser>, ServiceError> {
    let people = [
        (
            APPLICANT_EMAIL,
            "aanvragen in concept, ingediend, aanvulling gevraagd, gehonoreerd met betalingen",
        ),
        (
            REVIEWER_EMAIL,
            "ingediende en gereserveerde aanvragen, een honorering om als tweede te bevestigen",
        ),
        (FINANCE_EMAIL, "geplande betalingen voor een betaalronde"),
        (ADMIN_EMAIL, "gebruikers, organisaties, toewijzingsrondes"),
    ];
    debug_assert!(people.iter().all(|(mail, _)| mail.ends_with(DEMO_DOMAIN)));
    let mut signed_in = Vec::with_capacity(people.len());
    for (email, work) in people {
        let (actor, user) = demo_actor(pool, email)?;
        let token = registry::create_token(pool, &Actor::system(), &user.id, "demo", now)?;
        signed_in.push(DemoUser {
            role: actor.role,
            name: user.name,
            email: user.email,
            work,
            token,
        });
    }
    Ok(signed_in)
}
