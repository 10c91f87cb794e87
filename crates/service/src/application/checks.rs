//! The checks of what an applicant or reviewer typed, and the instrument's rules that
//! drafts and decisions share: amount limits, one running application per region (and
//! discipline), a known discipline.

use diesel::prelude::*;
use subsidie_domain::programme::{AmountRule, Uniqueness, UnknownValue};
use subsidie_store::rows::InstrumentRow;
use subsidie_store::schema::disciplines;
use subsidie_store::DbConnection;

use crate::convert::money;
use crate::error::{FieldError, ServiceError};

/// Longest title accepted, in characters.
pub(super) const MAX_TITLE: usize = 200;
/// Longest description, motivation or note accepted, in characters.
pub(super) const MAX_TEXT: usize = 20_000;

/// The errors found, as one refusal; none is no refusal.
pub(super) fn refuse_any(errors: Vec<FieldError>) -> Result<(), ServiceError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Validation(errors))
    }
}

/// A text that must not be empty and not longer than `max` characters.
pub(super) fn check_text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, "mag niet leeg zijn"));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("is te lang; ten hoogste {max} tekens"),
        ));
    }
}

/// [`check_text`] for a command with one text.
pub(crate) fn require_text(field: &str, value: &str) -> Result<(), ServiceError> {
    let mut errors = Vec::new();
    check_text(&mut errors, field, value, MAX_TEXT);
    refuse_any(errors)
}

/// The amounts the instrument accepts.
pub(crate) fn amount_rule(instrument: &InstrumentRow) -> Result<AmountRule, ServiceError> {
    Ok(if instrument.fixed_amount {
        AmountRule::Fixed(money(instrument.max_cents)?)
    } else {
        AmountRule::Range {
            min: money(instrument.min_cents)?,
            max: money(instrument.max_cents)?,
        }
    })
}

/// The key that makes a second running application of the region (and discipline)
/// collide in the database, or `None` for instruments without the rule.
pub(super) fn uniqueness_key(
    instrument: &InstrumentRow,
    region_id: &str,
    discipline_id: Option<&str>,
) -> Result<Option<String>, ServiceError> {
    let rule: Uniqueness = instrument
        .uniqueness
        .parse()
        .map_err(|e: UnknownValue| ServiceError::Internal(e.to_string()))?;
    Ok(match rule {
        Uniqueness::None => None,
        Uniqueness::PerRegion => Some(format!("{}|{}", instrument.id, region_id)),
        Uniqueness::PerRegionAndDiscipline => Some(format!(
            "{}|{}|{}",
            instrument.id,
            region_id,
            discipline_id.unwrap_or("")
        )),
    })
}

/// The refusal of a second running application of the region (and discipline).
pub(super) fn duplicate_error(
    instrument: &InstrumentRow,
    discipline_id: Option<&str>,
) -> ServiceError {
    match discipline_id {
        Some(d) if instrument.uniqueness == Uniqueness::PerRegionAndDiscipline.as_str() => {
            ServiceError::Conflict(format!(
                "uw regio heeft al een lopende aanvraag voor '{}' voor discipline '{d}'; per regio en discipline is er één",
                instrument.name
            ))
        }
        _ => ServiceError::Conflict(format!(
            "uw regio heeft al een lopende aanvraag voor '{}'; per regio is er één",
            instrument.name
        )),
    }
}

/// A discipline where the instrument asks for one, and only a known one.
pub(super) fn check_discipline(
    conn: &mut DbConnection,
    instrument: &InstrumentRow,
    discipline_id: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Result<(), ServiceError> {
    let required = instrument.uniqueness == Uniqueness::PerRegionAndDiscipline.as_str();
    match discipline_id {
        None if required => errors.push(FieldError::new(
            "discipline",
            "deze regeling vraagt om een discipline; zie /disciplines voor de codes",
        )),
        Some(d) => {
            let exists = disciplines::table.find(d).count().get_result::<i64>(conn)? > 0;
            if !exists {
                errors.push(FieldError::new(
                    "discipline",
                    format!("onbekende discipline '{d}'; zie /disciplines voor de codes"),
                ));
            }
        }
        None => {}
    }
    Ok(())
}
