//! Conversions between stored rows (cents, strings) and domain values.

use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use subsidie_domain::lifecycle::State;
use subsidie_domain::Money;

use crate::error::ServiceError;

pub(crate) fn money(cents: i64) -> Result<Money, ServiceError> {
    Money::from_cents(cents)
        .map_err(|e| ServiceError::Internal(format!("opgeslagen bedrag {cents} cent: {e}")))
}

pub(crate) fn state(text: &str) -> Result<State, ServiceError> {
    State::from_str(text).map_err(|e| ServiceError::Internal(e.to_string()))
}

pub(crate) fn naive(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
