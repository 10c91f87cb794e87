//! The demo's calendar: fixed instants in Amsterdam time and working days, so every run
//! of the scenario happens on the same days.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use subsidie_domain::deadlines;
use subsidie_service::ServiceError;

use crate::fault::internal;

pub(crate) fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, ServiceError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| internal("ongeldige datum"))
}

/// `minutes` after midnight, Amsterdam time, on `day`.
pub(crate) fn local(day: NaiveDate, minutes: i64) -> DateTime<Utc> {
    deadlines::start_of_day_utc(day) + TimeDelta::minutes(minutes)
}

/// The `n`-th working day after `day` (`n = 0`: `day` itself if it is a working day).
pub(crate) fn working_day(day: NaiveDate, n: usize) -> Result<NaiveDate, ServiceError> {
    let mut d = deadlines::next_working_day_on_or_after(day);
    for _ in 0..n {
        let next = d
            .succ_opt()
            .ok_or_else(|| internal("datum buiten bereik"))?;
        d = deadlines::next_working_day_on_or_after(next);
    }
    Ok(d)
}

/// `count` consecutive working days from `first` on, every `step`-th one.
pub(crate) fn working_days(
    first: NaiveDate,
    count: usize,
    step: usize,
) -> Result<Vec<NaiveDate>, ServiceError> {
    let mut days = Vec::with_capacity(count);
    let mut d = working_day(first, 0)?;
    for _ in 0..count {
        days.push(d);
        d = working_day(d, step)?;
    }
    Ok(days)
}

/// The first working day of the month after the one `day` is in.
pub(crate) fn first_working_day_of_next_month(day: NaiveDate) -> Result<NaiveDate, ServiceError> {
    let (y, m) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    working_day(date(y, m, 1)?, 0)
}
