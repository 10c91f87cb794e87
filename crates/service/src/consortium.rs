//! Consortia (*samenwerkingsverbanden*, issue 18 item 2): the partners an application
//! names, replaced as a whole while it is a draft ([`set_partners`]), read with the same
//! access as the application ([`partners`]), and checked at submission against the
//! kinds its instrument requires ([`shortfalls`], the domain's rule in
//! [`subsidie_domain::consortium`]).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::consortium::{self as domain, Partner, PartnerRule, Shortfall};
use subsidie_domain::lifecycle::State;
use subsidie_store::rows::{ApplicationRow, PartnerRow, PartnerRuleRow};
use subsidie_store::schema::{application_partners, instrument_partner_rules};
use subsidie_store::{DbConnection, Pool};

use crate::access::load_visible;
use crate::actor::{Actor, Role};
use crate::application::history;
use crate::convert::state;
use crate::documents::visible;
use crate::error::{FieldError, ServiceError};
use crate::tx;

/// At most this many partners on one application: a consortium is a handful of
/// organisations, and a list without bound would be a way to fill the database.
pub const MAX_PARTNERS: usize = 50;

/// The application's partners in the order given, and its instrument's rule.
pub fn partners(
    pool: &Pool,
    actor: &Actor,
    application_id: &str,
) -> Result<(Vec<PartnerRow>, Vec<PartnerRuleRow>), ServiceError> {
    tx::read(pool, |conn| {
        let app = visible(conn, actor, application_id)?;
        Ok((stored(conn, &app.id)?, rules_for(conn, &app.instrument_id)?))
    })
}

/// Makes `list` the partners of the draft `application_id` (an empty list removes
/// them), by its applicant. Each partner is checked; the refusal names the field as
/// `partners[i].veld`.
pub fn set_partners(
    pool: &Pool,
    actor: &Actor,
    application_id: &str,
    list: &[Partner],
    now: DateTime<Utc>,
) -> Result<Vec<PartnerRow>, ServiceError> {
    crate::access::only(
        actor,
        Role::Applicant,
        "partners opgeven is voorbehouden aan de rol aanvrager",
    )?;
    check_list(list)?;
    tx::write(pool, |conn| {
        let app = load_visible(conn, actor, application_id)?;
        let current = state(&app.state)?;
        if current != State::Draft {
            return Err(ServiceError::Conflict(format!(
                "de aanvraag is '{current}': de partners liggen vast bij de indiening; \
                 partners opgeven kan alleen bij een concept"
            )));
        }
        diesel::delete(
            application_partners::table.filter(application_partners::application_id.eq(&app.id)),
        )
        .execute(conn)?;
        let rows: Vec<PartnerRow> = list
            .iter()
            .enumerate()
            .map(|(i, p)| PartnerRow {
                application_id: app.id.clone(),
                position: i32::try_from(i).unwrap_or(i32::MAX),
                organisation: p.organisation.trim().to_owned(),
                kind: p.kind.clone(),
                role: p.role.trim().to_owned(),
                contact_name: p.contact_name.trim().to_owned(),
                contact_email: p.contact_email.trim().to_owned(),
            })
            .collect();
        for row in &rows {
            diesel::insert_into(application_partners::table)
                .values(row)
                .execute(conn)?;
        }
        history(
            conn,
            &app.id,
            actor,
            "partners_opgeven",
            Some(current),
            current,
            Some(format!("{} partner(s)", rows.len())),
            now,
        )?;
        Ok(rows)
    })
}

fn check_list(list: &[Partner]) -> Result<(), ServiceError> {
    let mut errors = Vec::new();
    if list.len() > MAX_PARTNERS {
        errors.push(FieldError::new(
            "partners",
            format!(
                "{} partners is meer dan de {MAX_PARTNERS} die een aanvraag kan noemen",
                list.len()
            ),
        ));
    }
    for (i, partner) in list.iter().enumerate() {
        for (field, message) in partner.problems() {
            errors.push(FieldError::new(format!("partners[{i}].{field}"), message));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Validation(errors))
    }
}

/// The partners stored on the application, in order.
pub(crate) fn stored(
    conn: &mut DbConnection,
    app_id: &str,
) -> Result<Vec<PartnerRow>, ServiceError> {
    Ok(application_partners::table
        .filter(application_partners::application_id.eq(app_id))
        .order(application_partners::position.asc())
        .select(PartnerRow::as_select())
        .load(conn)?)
}

/// The instrument's rule, in the order of the programme file.
pub fn rules_for(
    conn: &mut DbConnection,
    instrument_id: &str,
) -> Result<Vec<PartnerRuleRow>, ServiceError> {
    Ok(instrument_partner_rules::table
        .filter(instrument_partner_rules::instrument_id.eq(instrument_id))
        .order(instrument_partner_rules::position.asc())
        .select(PartnerRuleRow::as_select())
        .load(conn)?)
}

/// What the application's partners lack under its instrument's rule.
pub(crate) fn shortfalls(
    conn: &mut DbConnection,
    app: &ApplicationRow,
) -> Result<Vec<Shortfall>, ServiceError> {
    let rules: Vec<PartnerRule> = rules_for(conn, &app.instrument_id)?
        .into_iter()
        .map(|r| PartnerRule {
            kind: r.kind,
            name: r.name,
            at_least: u32::try_from(r.at_least).unwrap_or(0),
        })
        .collect();
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    let partners = stored(conn, &app.id)?;
    Ok(domain::shortfalls(
        &rules,
        partners.iter().map(|p| p.kind.as_str()),
    ))
}
