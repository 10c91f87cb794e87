//! Who may see and do what: the role each lifecycle command needs, the applications an
//! actor may see, declared conflicts of interest, and the finance roles.
//!
//! The API asks [`authorise`] before it reads a command's body, so a caller in the wrong
//! role hears 403 and not a complaint about fields; the use case asks again.

use diesel::prelude::*;
use subsidie_domain::lifecycle::{Command, State};
use subsidie_store::rows::ApplicationRow;
use subsidie_store::schema::{applications, conflicts_of_interest};
use subsidie_store::DbConnection;

use crate::actor::{Actor, Role};
use crate::error::ServiceError;

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
        | Command::Reject
        | Command::ReconsiderGrant
        | Command::ReconsiderWaitlist
        | Command::ReconsiderRaise
        | Command::ReconsiderSettlement
        | Command::ReconsiderRevocation
        | Command::ReconsiderRevocationReported
        | Command::ReconsiderRevocationSettled
        | Command::ReconsiderLowering
        | Command::ReconsiderAmendment
        | Command::ExtendDecisionTerm
        | Command::GrantAmendment
        | Command::RefuseAmendment => &[Role::Reviewer],
        Command::Revoke | Command::Lower => &[Role::Finance, Role::Reviewer],
        Command::Settle | Command::Close => &[Role::Finance],
        Command::Allocate | Command::Waitlist | Command::CloseWaitlist => &[Role::Admin],
    }
}

/// Refuses an actor whose role may not issue `command`, naming the roles that may.
pub fn authorise(actor: &Actor, command: Command) -> Result<(), ServiceError> {
    require(actor, roles_for(command), &format!("'{command}'"))
}

/// Refuses an actor whose role is not one of `roles`; `what` names what was asked.
pub fn require(actor: &Actor, roles: &[Role], what: &str) -> Result<(), ServiceError> {
    if roles.contains(&actor.role) {
        return Ok(());
    }
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Err(ServiceError::Forbidden(format!(
        "{what} is voorbehouden aan de rol {}; u bent {}",
        names.join(" of "),
        actor.role
    )))
}

/// Refuses an actor not in `role` with `refusal`, which says who may.
pub fn only(actor: &Actor, role: Role, refusal: &str) -> Result<(), ServiceError> {
    if actor.role == role {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(refusal.to_owned()))
    }
}

/// The finance role, or the engine itself (the CLI acts as [`Actor::system`]).
pub fn require_finance(actor: &Actor, what: &str) -> Result<(), ServiceError> {
    let system = actor.user_id.is_none() && actor.role == Role::Admin;
    if actor.role == Role::Finance || system {
        return Ok(());
    }
    Err(ServiceError::Forbidden(format!(
        "{what} is voorbehouden aan de rol financien; u bent {}",
        actor.role
    )))
}

/// Finance or an administrator may look at runs and reports.
pub fn require_finance_or_admin(actor: &Actor, what: &str) -> Result<(), ServiceError> {
    if matches!(actor.role, Role::Finance | Role::Admin) {
        return Ok(());
    }
    Err(ServiceError::Forbidden(format!(
        "{what} is voorbehouden aan de rollen financien en beheerder; u bent {}",
        actor.role
    )))
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

/// Refuses a reviewer who declared a conflict of interest for the application's region.
pub(crate) fn check_conflict_of_interest(
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
