//! Rounds (*rondes*): the calls of an instrument, each with its own window in Amsterdam
//! wall-clock time and optionally its own ceiling. A round's window includes its closing
//! second: a round that closes at 14:00:00 accepts a submission received at 14:00:00 and
//! refuses one at 14:00:01 (anything after the closing second, fractions included).
//!
//! What a round with `overloop = true` leaves unused carries to the next round once that
//! round has opened; from then on the earlier round's waiting list no longer moves up,
//! because its remaining budget is the next round's. The instrument's ceiling holds above
//! all rounds, whatever they say.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::file_format::{calendar_date, file_amount, wall_clock};
use crate::deadlines;
use crate::money::{Money, MoneyError};

/// The period in which applications can be submitted under an instrument
/// (*openstelling*): calendar dates in Europe/Amsterdam, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationWindow {
    /// The first day applications are accepted.
    #[serde(rename = "van", deserialize_with = "calendar_date::deserialize")]
    pub opens: NaiveDate,
    /// The last day applications are accepted.
    #[serde(rename = "tot_en_met", deserialize_with = "calendar_date::deserialize")]
    pub closes: NaiveDate,
}

impl ApplicationWindow {
    /// True when `date` (an Amsterdam calendar date) lies in the window, ends included.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.opens <= date && date <= self.closes
    }
}

/// The code of the one round an instrument with a plain `openstelling` has.
pub const SINGLE_ROUND_CODE: &str = "ronde-1";

/// One round of an instrument (`[[programma.instrumenten.rondes]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundConfig {
    /// Stable identifier within the instrument (`ronde-1`).
    pub code: String,
    /// Name as shown to applicants (`naam`).
    #[serde(rename = "naam")]
    pub name: String,
    /// The first moment applications are accepted, Amsterdam wall-clock time (`opent`).
    #[serde(rename = "opent", with = "wall_clock")]
    pub opens: NaiveDateTime,
    /// The last second applications are accepted, Amsterdam wall-clock time (`sluit`).
    #[serde(rename = "sluit", with = "wall_clock")]
    pub closes: NaiveDateTime,
    /// The round's own ceiling, within the instrument's (`plafond`); `None`: only the
    /// instrument's ceiling applies.
    #[serde(
        rename = "plafond",
        default,
        deserialize_with = "file_amount::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub ceiling: Option<Money>,
    /// What the round leaves unused goes to the next round (`overloop`).
    #[serde(rename = "overloop", default)]
    pub carry_over: bool,
    /// Only regions not funded in this earlier round may apply
    /// (`alleen_zonder_toekenning_in`).
    #[serde(
        rename = "alleen_zonder_toekenning_in",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub only_unfunded_in: Option<String>,
}

impl RoundConfig {
    /// The one round of an instrument with a plain `openstelling`: from 00:00:00 on its
    /// first day to 23:59:59 on its last, as the window always meant.
    pub fn single(window: ApplicationWindow) -> RoundConfig {
        RoundConfig {
            code: SINGLE_ROUND_CODE.to_owned(),
            name: "Openstelling".to_owned(),
            opens: window.opens.and_time(NaiveTime::MIN),
            closes: window.closes.and_time(end_of_day()),
            ceiling: None,
            carry_over: false,
            only_unfunded_in: None,
        }
    }

    /// The first instant the round accepts, in UTC.
    pub fn opens_at(&self) -> DateTime<Utc> {
        deadlines::amsterdam_local_to_utc(self.opens)
    }

    /// The closing second, in UTC; the round accepts up to and including it.
    pub fn closes_at(&self) -> DateTime<Utc> {
        deadlines::amsterdam_local_to_utc(self.closes)
    }

    /// True when a submission received at `at` falls in the round.
    pub fn accepts(&self, at: DateTime<Utc>) -> bool {
        self.opens_at() <= at && at < self.closes_at() + TimeDelta::seconds(1)
    }

    /// True when the round is over at `at`.
    pub fn is_closed(&self, at: DateTime<Utc>) -> bool {
        at >= self.closes_at() + TimeDelta::seconds(1)
    }

    /// True when the round accepts submissions at some moment of the Amsterdam day `date`.
    pub fn is_open_on(&self, date: NaiveDate) -> bool {
        self.opens.date() <= date && date <= self.closes.date()
    }

    /// The calendar dates the round spans.
    pub fn window(&self) -> ApplicationWindow {
        ApplicationWindow {
            opens: self.opens.date(),
            closes: self.closes.date(),
        }
    }
}

fn end_of_day() -> NaiveTime {
    NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
}

/// The round that accepts a submission received at `at`, if any.
pub fn round_at(rounds: &[RoundConfig], at: DateTime<Utc>) -> Option<&RoundConfig> {
    rounds.iter().find(|r| r.accepts(at))
}

/// The rounds that accept submissions at some moment of the Amsterdam day `date`.
pub fn open_rounds_on(rounds: &[RoundConfig], date: NaiveDate) -> Vec<&RoundConfig> {
    rounds.iter().filter(|r| r.is_open_on(date)).collect()
}

/// The calendar dates from the first round's opening to the last round's closing (the
/// rounds in their order, as validation requires them).
pub fn envelope(rounds: &[RoundConfig]) -> Option<ApplicationWindow> {
    Some(ApplicationWindow {
        opens: rounds.first()?.opens.date(),
        closes: rounds.last()?.closes.date(),
    })
}

/// An Amsterdam wall-clock time in Dutch, as refusals show it:
/// `3 juli 2024 om 14:00:00`.
pub fn dutch_wall_clock(at: NaiveDateTime) -> String {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let month = MONTHS.get(at.month0() as usize).copied().unwrap_or("?");
    format!(
        "{} {month} {} om {:02}:{:02}:{:02}",
        at.day(),
        at.year(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// What allocation may still place in each round: `None` where the round has no ceiling
/// of its own (only the instrument's applies). `committed[i]` is what round `i`'s
/// applications hold now (reserved plus granted).
///
/// Rounds linked by `overloop` share their budget forwards: for every round `m` of such
/// a chain, what the chain's rounds up to `m` hold together stays within their ceilings
/// together. So a round may use what the rounds before it left unused, and a round can
/// still use its own remainder later (its waiting list moving up) only insofar as the
/// rounds after it have not taken it. No round ever borrows from a later one.
pub fn round_budgets(
    rounds: &[RoundConfig],
    committed: &[Money],
) -> Result<Vec<Option<Money>>, MoneyError> {
    let slack_of = |j: usize| -> Option<i128> {
        let ceiling = rounds.get(j)?.ceiling?;
        let held = committed.get(j).copied().unwrap_or(Money::ZERO);
        Some(i128::from(ceiling.cents()) - i128::from(held.cents()))
    };
    let carries = |j: usize| {
        rounds
            .get(j)
            .is_some_and(|r| r.carry_over && r.ceiling.is_some())
            && rounds.get(j + 1).is_some_and(|r| r.ceiling.is_some())
    };
    let mut out = Vec::with_capacity(rounds.len());
    for k in 0..rounds.len() {
        let Some(own) = slack_of(k) else {
            out.push(None);
            continue;
        };
        let mut start = k;
        while start > 0 && carries(start - 1) {
            start -= 1;
        }
        let mut slack: i128 = (start..k).filter_map(slack_of).sum::<i128>() + own;
        let mut least = slack;
        let mut m = k;
        while carries(m) {
            m += 1;
            slack += slack_of(m).unwrap_or(0);
            least = least.min(slack);
        }
        let cents = i64::try_from(least.max(0)).map_err(|_| MoneyError::TooLarge)?;
        out.push(Some(Money::from_cents(cents)?));
    }
    Ok(out)
}
