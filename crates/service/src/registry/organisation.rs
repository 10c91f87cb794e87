//! Registering an organisation: its region, its bank account, its contact address.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::iban::{masked, Iban};
use subsidie_store::rows::OrganisationRow;
use subsidie_store::schema::organisations;
use subsidie_store::Pool;

use super::checks::{check_email, check_region, require_admin};
use super::history::{record, Subject};
use crate::actor::Actor;
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
            contact_person: None,
        };
        diesel::insert_into(organisations::table)
            .values(&row)
            .execute(conn)?;
        record(
            conn,
            actor,
            now,
            (Subject::Organisation, &row.id),
            "geregistreerd",
            format!(
                "{}, regio {}, IBAN {}, e-mail {}",
                row.name,
                row.region_id,
                masked(&row.iban),
                row.email
            ),
        )?;
        Ok(row)
    })
}
