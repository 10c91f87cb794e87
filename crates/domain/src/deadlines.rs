//! Deadlines: Europe/Amsterdam time, Dutch general holidays and term arithmetic.
//!
//! Decision terms, supplement deadlines and objection periods are computed here, in
//! Europe/Amsterdam time (see `docs/architecture.md`). The module is pure: it never
//! reads the clock, callers pass every instant in.
//!
//! Three building blocks:
//!
//! * **Amsterdam time without a time-zone database.** The Netherlands use CET (UTC+1)
//!   with EU summer time (CEST, UTC+2) from the last Sunday of March 01:00 UTC until the
//!   last Sunday of October 01:00 UTC (Directive 2000/84/EC; the same transition
//!   moments apply since 1996). [`amsterdam_offset`], [`to_amsterdam`],
//!   [`amsterdam_date`], [`start_of_day_utc`] and [`end_of_day_utc`] implement that rule
//!   by hand. They are valid for instants from 1996 on; for earlier instants they apply
//!   the same rule, which does not match the historical clocks.
//! * **Holidays of the Algemene termijnenwet (Atw, art. 3).** New Year's Day, Easter
//!   Monday, King's Day, 5 May, Ascension Day, Whit Monday, Christmas and Boxing Day.
//!   Good Friday is *not* a general holiday under the Atw; Easter Sunday and Whit Sunday
//!   are Sundays anyway.
//! * **Term arithmetic.** A term of N days or weeks starts the day after its trigger
//!   (Awb 6:8), so its raw end is `start + N days` (or `start + 7·N days`). A term that
//!   ends on a Saturday, Sunday or Atw holiday runs on to the next working day (Atw
//!   art. 1), and a term of at least three days is extended, where needed, so that it
//!   contains at least two working days (Atw art. 2). See [`term_end`].
//!
//! All arithmetic is checked: dates beyond chrono's range give
//! [`DeadlineError::OutOfRange`] instead of a panic.

use chrono::{
    DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc,
    Weekday,
};
use serde::{Deserialize, Serialize};

/// Central European Time, UTC+1.
const CET: FixedOffset = match FixedOffset::east_opt(3600) {
    Some(offset) => offset,
    None => panic!("UTC+1 is a valid offset"),
};

/// Central European Summer Time, UTC+2.
const CEST: FixedOffset = match FixedOffset::east_opt(2 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+2 is a valid offset"),
};

/// The last second of a calendar day, 23:59:59.
const END_OF_DAY: NaiveTime = match NaiveTime::from_hms_opt(23, 59, 59) {
    Some(time) => time,
    None => panic!("23:59:59 is a valid time"),
};

/// The first year in which King's Day (27 April) replaced Queen's Day (30 April).
const FIRST_KINGS_DAY_YEAR: i32 = 2014;

/// Errors of deadline computations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// The computed date lies outside the range of dates that can be represented.
    #[error("de termijn valt buiten het ondersteunde datumbereik")]
    OutOfRange,
}

/// A statutory or programme term, counted in whole days or whole weeks.
///
/// Serialised as `{"days": 14}` or `{"weeks": 6}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Term {
    /// A term of this many days.
    Days(u32),
    /// A term of this many weeks (seven days each).
    Weeks(u32),
}

impl Term {
    /// The length of the term in days.
    fn total_days(self) -> u64 {
        match self {
            Term::Days(days) => u64::from(days),
            Term::Weeks(weeks) => u64::from(weeks) * 7,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Europe/Amsterdam time
// ---------------------------------------------------------------------------------------

/// The last Sunday of `month` (March or October) in `year`, if that year is representable.
fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let last = NaiveDate::from_ymd_opt(year, month, 31)?;
    let back = u64::from(last.weekday().num_days_from_sunday());
    last.checked_sub_days(Days::new(back))
}

/// The UTC instant at which the clocks change (01:00 UTC) on the last Sunday of `month`.
fn transition(year: i32, month: u32) -> Option<DateTime<Utc>> {
    let day = last_sunday(year, month)?;
    let one_o_clock = NaiveTime::from_hms_opt(1, 0, 0)?;
    Some(day.and_time(one_o_clock).and_utc())
}

/// The UTC offset of Europe/Amsterdam at the instant `utc`.
///
/// Returns UTC+2 (CEST) from the last Sunday of March 01:00 UTC (inclusive) until the
/// last Sunday of October 01:00 UTC (exclusive), and UTC+1 (CET) otherwise. This is the
/// EU summer-time rule (Directive 2000/84/EC), which matches the Dutch clocks from 1996
/// on; earlier instants get the same rule.
pub fn amsterdam_offset(utc: DateTime<Utc>) -> FixedOffset {
    let year = utc.year();
    match (transition(year, 3), transition(year, 10)) {
        (Some(start), Some(end)) if utc >= start && utc < end => CEST,
        _ => CET,
    }
}

/// The instant `utc` expressed in Europe/Amsterdam local time (valid from 1996 on).
pub fn to_amsterdam(utc: DateTime<Utc>) -> DateTime<FixedOffset> {
    utc.with_timezone(&amsterdam_offset(utc))
}

/// The calendar day in Amsterdam on which the instant `utc` falls (valid from 1996 on).
///
/// Used to group applications received on the same day and as the starting day of
/// terms. At the very end of chrono's range, where the local date cannot be
/// represented, the UTC date is returned.
pub fn amsterdam_date(utc: DateTime<Utc>) -> NaiveDate {
    let seconds = i64::from(amsterdam_offset(utc).local_minus_utc());
    utc.naive_utc()
        .checked_add_signed(TimeDelta::seconds(seconds))
        .map_or_else(|| utc.date_naive(), |local| local.date())
}

/// Converts an Amsterdam wall-clock time to UTC. A time repeated by the autumn clock
/// change (02:00–03:00 on the last Sunday of October) is read as the second of the two
/// (winter time); one skipped in spring is read as winter time, which is the instant the
/// clocks showed it would be. Programme files should avoid those hours. Saturates at
/// chrono's range limits.
pub fn amsterdam_local_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    for offset in [CET, CEST] {
        let seconds = i64::from(offset.local_minus_utc());
        if let Some(naive_utc) = local.checked_sub_signed(TimeDelta::seconds(seconds)) {
            let candidate = naive_utc.and_utc();
            if amsterdam_offset(candidate) == offset {
                return candidate;
            }
        }
    }
    let seconds = i64::from(CET.local_minus_utc());
    if let Some(naive_utc) = local.checked_sub_signed(TimeDelta::seconds(seconds)) {
        return naive_utc.and_utc();
    }
    // Only reachable at the edges of chrono's range: saturate.
    if local.year() > 0 {
        DateTime::<Utc>::MAX_UTC
    } else {
        DateTime::<Utc>::MIN_UTC
    }
}

/// The instant 00:00:00 Amsterdam time on `date`, expressed in UTC (valid from 1996 on).
///
/// Saturates to chrono's smallest instant for the very first representable date.
pub fn start_of_day_utc(date: NaiveDate) -> DateTime<Utc> {
    amsterdam_local_to_utc(date.and_time(NaiveTime::MIN))
}

/// The instant 23:59:59 Amsterdam time on `date`, expressed in UTC (valid from 1996 on).
///
/// A deadline date is met by anything received up to and including this instant.
pub fn end_of_day_utc(date: NaiveDate) -> DateTime<Utc> {
    amsterdam_local_to_utc(date.and_time(END_OF_DAY))
}

/// Whether the deadline falling on `deadline` (an Amsterdam calendar day) has passed at
/// the instant `now`, i.e. whether `now` is later than 23:59:59 Amsterdam time that day.
pub fn deadline_passed(deadline: NaiveDate, now: DateTime<Utc>) -> bool {
    amsterdam_date(now) > deadline
}

// ---------------------------------------------------------------------------------------
// Holidays of the Algemene termijnenwet
// ---------------------------------------------------------------------------------------

/// Easter Sunday of `year` in the Gregorian calendar.
///
/// Computed with the anonymous Gregorian (Meeus/Jones/Butcher) algorithm. For a year
/// outside chrono's range the result saturates to the first or last representable date.
pub fn easter_sunday(year: i32) -> NaiveDate {
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    // month is 3 or 4 and day is 1..=31, so the conversions cannot fail.
    let date = u32::try_from(month)
        .ok()
        .zip(u32::try_from(day).ok())
        .and_then(|(month, day)| NaiveDate::from_ymd_opt(year, month, day));
    match date {
        Some(date) => date,
        None if year > 0 => NaiveDate::MAX,
        None => NaiveDate::MIN,
    }
}

/// The day on which the King's (or, before 2014, the Queen's) birthday is celebrated.
///
/// From 2014: 27 April, or Saturday 26 April when 27 April is a Sunday. Before 2014:
/// Queen's Day on 30 April, or Saturday 29 April when 30 April is a Sunday.
fn royal_birthday(year: i32) -> Option<NaiveDate> {
    let day = if year >= FIRST_KINGS_DAY_YEAR { 27 } else { 30 };
    let date = NaiveDate::from_ymd_opt(year, 4, day)?;
    if date.weekday() == Weekday::Sun {
        date.pred_opt()
    } else {
        Some(date)
    }
}

/// The Dutch name of the general holiday (Algemene termijnenwet, art. 3) on `d`, if any.
///
/// Names: "Nieuwjaarsdag", "Tweede Paasdag", "Koningsdag" ("Koninginnedag" before
/// 2014), "Bevrijdingsdag", "Hemelvaartsdag", "Tweede Pinksterdag", "Eerste Kerstdag"
/// and "Tweede Kerstdag". Good Friday is not an Atw holiday and returns `None`, as do
/// Easter Sunday and Whit Sunday (which are Sundays anyway).
pub fn holiday_name(d: NaiveDate) -> Option<&'static str> {
    match (d.month(), d.day()) {
        (1, 1) => return Some("Nieuwjaarsdag"),
        (5, 5) => return Some("Bevrijdingsdag"),
        (12, 25) => return Some("Eerste Kerstdag"),
        (12, 26) => return Some("Tweede Kerstdag"),
        _ => {}
    }
    if royal_birthday(d.year()) == Some(d) {
        return Some(if d.year() >= FIRST_KINGS_DAY_YEAR {
            "Koningsdag"
        } else {
            "Koninginnedag"
        });
    }
    match d.signed_duration_since(easter_sunday(d.year())).num_days() {
        1 => Some("Tweede Paasdag"),
        39 => Some("Hemelvaartsdag"),
        50 => Some("Tweede Pinksterdag"),
        _ => None,
    }
}

/// Whether `d` is a general holiday under the Algemene termijnenwet (art. 3).
pub fn is_atw_holiday(d: NaiveDate) -> bool {
    holiday_name(d).is_some()
}

/// Whether `d` is a working day: not a Saturday, not a Sunday and not an Atw holiday.
pub fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !is_atw_holiday(d)
}

/// The first working day on or after `d`, or `None` if it lies beyond chrono's range.
fn checked_next_working_day_on_or_after(d: NaiveDate) -> Option<NaiveDate> {
    let mut day = d;
    while !is_working_day(day) {
        day = day.succ_opt()?;
    }
    Some(day)
}

/// The first working day on or after `d` (`d` itself when it is a working day).
///
/// Saturates to the last representable date at the very end of chrono's range.
pub fn next_working_day_on_or_after(d: NaiveDate) -> NaiveDate {
    checked_next_working_day_on_or_after(d).unwrap_or(NaiveDate::MAX)
}

// ---------------------------------------------------------------------------------------
// Term arithmetic
// ---------------------------------------------------------------------------------------

/// The raw end of a term of `days` days starting the day after `start`: `start + days`.
///
/// No Atw extension is applied; see [`term_end`] for that.
pub fn add_days(start: NaiveDate, days: u32) -> Result<NaiveDate, DeadlineError> {
    start
        .checked_add_days(Days::new(u64::from(days)))
        .ok_or(DeadlineError::OutOfRange)
}

/// The raw end of a term of `weeks` weeks starting the day after `start`: the same
/// weekday as `start`, `weeks` weeks later.
///
/// No Atw extension is applied; see [`term_end`] for that.
pub fn add_weeks(start: NaiveDate, weeks: u32) -> Result<NaiveDate, DeadlineError> {
    start
        .checked_add_days(Days::new(Term::Weeks(weeks).total_days()))
        .ok_or(DeadlineError::OutOfRange)
}

/// The end date of `term` starting the day after `start`, extended under the Algemene
/// termijnenwet.
///
/// The raw end (`start` plus the term, see [`add_days`] and [`add_weeks`]) is moved to
/// the next working day when it falls on a Saturday, Sunday or Atw holiday (art. 1). A
/// term of at least three days is moreover extended, where needed, so that it contains
/// at least two working days (art. 2); this only matters for short terms around
/// weekends and holidays.
pub fn term_end(start: NaiveDate, term: Term) -> Result<NaiveDate, DeadlineError> {
    let raw = match term {
        Term::Days(days) => add_days(start, days)?,
        Term::Weeks(weeks) => add_weeks(start, weeks)?,
    };
    let end = checked_next_working_day_on_or_after(raw).ok_or(DeadlineError::OutOfRange)?;
    if term.total_days() < 3 {
        return Ok(end);
    }
    // Art. 2: the term must contain at least two working days after `start`.
    let first = start
        .succ_opt()
        .and_then(checked_next_working_day_on_or_after)
        .ok_or(DeadlineError::OutOfRange)?;
    let second = first
        .succ_opt()
        .and_then(checked_next_working_day_on_or_after)
        .ok_or(DeadlineError::OutOfRange)?;
    Ok(end.max(second))
}

/// The last day of the objection period (Awb 6:7, 6:8) for a decision sent on `sent_on`.
///
/// Six weeks starting the day after sending, so the raw end is `sent_on + 42 days`,
/// extended under the Atw. A decision sent on Monday 2 June 2025 can be objected to
/// until Monday 14 July 2025.
pub fn objection_deadline(sent_on: NaiveDate) -> Result<NaiveDate, DeadlineError> {
    term_end(sent_on, Term::Weeks(6))
}

/// The last day of the decision term for an application received at `received_at`.
///
/// The term is counted from the Amsterdam calendar day of receipt (it starts the next
/// day) and extended under the Atw, see [`term_end`].
pub fn decision_deadline(
    received_at: DateTime<Utc>,
    term: Term,
) -> Result<NaiveDate, DeadlineError> {
    term_end(amsterdam_date(received_at), term)
}

/// The last day on which a supplement requested at `requested_at` can be submitted.
///
/// The term is counted from the Amsterdam calendar day of the request (it starts the
/// next day) and extended under the Atw, see [`term_end`].
pub fn supplement_deadline(
    requested_at: DateTime<Utc>,
    term: Term,
) -> Result<NaiveDate, DeadlineError> {
    term_end(amsterdam_date(requested_at), term)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse::<DateTime<Utc>>().unwrap()
    }

    /// Term end for a term whose raw end falls on `raw` (one day after `raw - 1`).
    fn moved(raw: NaiveDate) -> NaiveDate {
        term_end(raw.pred_opt().unwrap(), Term::Days(1)).unwrap()
    }

    #[test]
    fn easter_dates() {
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
        assert_eq!(easter_sunday(2025), date(2025, 4, 20));
        assert_eq!(easter_sunday(2026), date(2026, 4, 5));
        assert_eq!(easter_sunday(2000), date(2000, 4, 23));
        assert_eq!(easter_sunday(2019), date(2019, 4, 21));
        assert_eq!(easter_sunday(2038), date(2038, 4, 25)); // latest possible
        assert_eq!(easter_sunday(2285), date(2285, 3, 22)); // earliest possible
        for year in 1900..=2200 {
            assert_eq!(easter_sunday(year).weekday(), Weekday::Sun, "{year}");
        }
    }

    #[test]
    fn easter_out_of_range_saturates() {
        assert_eq!(easter_sunday(i32::MAX), NaiveDate::MAX);
        assert_eq!(easter_sunday(i32::MIN), NaiveDate::MIN);
    }

    #[test]
    fn holidays_2025() {
        assert_eq!(holiday_name(date(2025, 1, 1)), Some("Nieuwjaarsdag"));
        assert_eq!(holiday_name(date(2025, 4, 18)), None); // Goede Vrijdag
        assert_eq!(holiday_name(date(2025, 4, 20)), None); // Eerste Paasdag (Sunday)
        assert_eq!(holiday_name(date(2025, 4, 21)), Some("Tweede Paasdag"));
        // 27 April 2025 is a Sunday, so Koningsdag is Saturday 26 April.
        assert_eq!(date(2025, 4, 27).weekday(), Weekday::Sun);
        assert_eq!(holiday_name(date(2025, 4, 26)), Some("Koningsdag"));
        assert_eq!(holiday_name(date(2025, 4, 27)), None);
        assert_eq!(holiday_name(date(2025, 5, 5)), Some("Bevrijdingsdag"));
        assert_eq!(holiday_name(date(2025, 5, 29)), Some("Hemelvaartsdag"));
        assert_eq!(holiday_name(date(2025, 6, 8)), None); // Eerste Pinksterdag
        assert_eq!(holiday_name(date(2025, 6, 9)), Some("Tweede Pinksterdag"));
        assert_eq!(holiday_name(date(2025, 12, 25)), Some("Eerste Kerstdag"));
        assert_eq!(holiday_name(date(2025, 12, 26)), Some("Tweede Kerstdag"));
        assert_eq!(holiday_name(date(2025, 12, 31)), None);
        assert!(!is_working_day(date(2025, 4, 26)));
        assert!(is_working_day(date(2025, 4, 18)));
    }

    #[test]
    fn holidays_2026() {
        assert_eq!(holiday_name(date(2026, 4, 6)), Some("Tweede Paasdag"));
        assert_eq!(date(2026, 4, 27).weekday(), Weekday::Mon);
        assert_eq!(holiday_name(date(2026, 4, 27)), Some("Koningsdag"));
        assert_eq!(holiday_name(date(2026, 4, 26)), None);
        assert_eq!(holiday_name(date(2026, 5, 14)), Some("Hemelvaartsdag"));
        assert_eq!(holiday_name(date(2026, 5, 25)), Some("Tweede Pinksterdag"));
        assert!(is_atw_holiday(date(2026, 5, 5)));
        assert!(!is_working_day(date(2026, 5, 5))); // Tuesday, but Bevrijdingsdag
    }

    #[test]
    fn queens_day_before_2014() {
        assert_eq!(holiday_name(date(2013, 4, 30)), Some("Koninginnedag"));
        assert_eq!(holiday_name(date(2013, 4, 27)), None);
        // 30 April 2006 was a Sunday; Koninginnedag was Saturday 29 April.
        assert_eq!(holiday_name(date(2006, 4, 29)), Some("Koninginnedag"));
        assert_eq!(holiday_name(date(2006, 4, 30)), None);
    }

    #[test]
    fn term_ending_on_kings_day_2026_moves_to_tuesday() {
        assert_eq!(moved(date(2026, 4, 27)), date(2026, 4, 28));
        assert_eq!(date(2026, 4, 28).weekday(), Weekday::Tue);
    }

    #[test]
    fn term_ending_on_ascension_2025_moves_to_friday() {
        assert_eq!(moved(date(2025, 5, 29)), date(2025, 5, 30));
        assert_eq!(date(2025, 5, 30).weekday(), Weekday::Fri);
    }

    #[test]
    fn term_ending_saturday_before_liberation_day_2025() {
        // Sat 3 May, Sun 4 May, Mon 5 May (Bevrijdingsdag) -> Tue 6 May.
        assert_eq!(moved(date(2025, 5, 3)), date(2025, 5, 6));
        assert_eq!(date(2025, 5, 6).weekday(), Weekday::Tue);
    }

    #[test]
    fn term_ending_on_sunday_moves_to_monday() {
        assert_eq!(date(2025, 9, 14).weekday(), Weekday::Sun);
        assert_eq!(moved(date(2025, 9, 14)), date(2025, 9, 15));
    }

    #[test]
    fn term_ending_on_working_day_is_unchanged() {
        assert_eq!(moved(date(2025, 9, 16)), date(2025, 9, 16));
        assert_eq!(
            term_end(date(2025, 9, 1), Term::Days(14)),
            Ok(date(2025, 9, 15))
        );
    }

    #[test]
    fn christmas_2025_moves_to_monday_29_december() {
        assert_eq!(date(2025, 12, 25).weekday(), Weekday::Thu);
        assert_eq!(moved(date(2025, 12, 25)), date(2025, 12, 29));
        assert_eq!(moved(date(2025, 12, 26)), date(2025, 12, 29));
    }

    #[test]
    fn new_year_2026_moves_to_friday() {
        assert_eq!(moved(date(2026, 1, 1)), date(2026, 1, 2));
        assert_eq!(date(2026, 1, 2).weekday(), Weekday::Fri);
    }

    #[test]
    fn short_term_contains_two_working_days() {
        // Atw art. 2: 3 days from Wed 24 Dec 2025 ends Sat 27 Dec, art. 1 moves it to
        // Mon 29 Dec, which is only one working day; art. 2 extends it to Tue 30 Dec.
        assert_eq!(
            term_end(date(2025, 12, 24), Term::Days(3)),
            Ok(date(2025, 12, 30))
        );
        // A 2-day term is not covered by art. 2.
        assert_eq!(
            term_end(date(2025, 12, 24), Term::Days(2)),
            Ok(date(2025, 12, 29))
        );
        // Enough working days: art. 2 changes nothing.
        assert_eq!(
            term_end(date(2025, 9, 1), Term::Days(3)),
            Ok(date(2025, 9, 4))
        );
    }

    #[test]
    fn objection_deadlines() {
        // Sent Monday 2 June 2025: ends Monday 14 July 2025.
        assert_eq!(objection_deadline(date(2025, 6, 2)), Ok(date(2025, 7, 14)));
        // Sent Monday 15 December 2025: raw end Monday 26 January 2026.
        assert_eq!(
            objection_deadline(date(2025, 12, 15)),
            Ok(date(2026, 1, 26))
        );
        // Sent Monday 13 April 2026 -> raw end Monday 25 May (Tweede Pinksterdag)
        // -> Tuesday 26 May.
        assert_eq!(objection_deadline(date(2026, 4, 13)), Ok(date(2026, 5, 26)));
        // Sent Saturday 15 March 2025 -> raw end Saturday 26 April (Koningsdag) -> Mon 28.
        assert_eq!(objection_deadline(date(2025, 3, 15)), Ok(date(2025, 4, 28)));
    }

    #[test]
    fn add_days_and_weeks() {
        assert_eq!(add_weeks(date(2025, 6, 2), 6), Ok(date(2025, 7, 14)));
        assert_eq!(add_days(date(2025, 6, 2), 42), Ok(date(2025, 7, 14)));
        assert_eq!(add_days(date(2025, 6, 2), 0), Ok(date(2025, 6, 2)));
        // Raw end is not moved.
        assert_eq!(add_days(date(2025, 5, 2), 1), Ok(date(2025, 5, 3)));
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        assert_eq!(add_days(NaiveDate::MAX, 1), Err(DeadlineError::OutOfRange));
        assert_eq!(
            add_weeks(date(2025, 1, 1), u32::MAX),
            Err(DeadlineError::OutOfRange)
        );
        assert_eq!(
            term_end(NaiveDate::MAX, Term::Days(u32::MAX)),
            Err(DeadlineError::OutOfRange)
        );
        assert_eq!(
            decision_deadline(DateTime::<Utc>::MAX_UTC, Term::Weeks(8)),
            Err(DeadlineError::OutOfRange)
        );
        // Must not panic, whatever the answer.
        let _ = next_working_day_on_or_after(NaiveDate::MAX);
        let _ = end_of_day_utc(NaiveDate::MAX);
        let _ = start_of_day_utc(NaiveDate::MIN);
        let _ = amsterdam_date(DateTime::<Utc>::MAX_UTC);
        let _ = amsterdam_date(DateTime::<Utc>::MIN_UTC);
        let _ = to_amsterdam(DateTime::<Utc>::MAX_UTC);
        assert_eq!(
            DeadlineError::OutOfRange.to_string(),
            "de termijn valt buiten het ondersteunde datumbereik"
        );
    }

    #[test]
    fn dst_transitions_2025() {
        let plus1 = FixedOffset::east_opt(3600).unwrap();
        let plus2 = FixedOffset::east_opt(7200).unwrap();
        assert_eq!(amsterdam_offset(utc("2025-03-30T00:59:59Z")), plus1);
        assert_eq!(amsterdam_offset(utc("2025-03-30T01:00:00Z")), plus2);
        assert_eq!(amsterdam_offset(utc("2025-10-26T00:59:59Z")), plus2);
        assert_eq!(amsterdam_offset(utc("2025-10-26T01:00:00Z")), plus1);
        assert_eq!(amsterdam_offset(utc("2025-01-15T12:00:00Z")), plus1);
        assert_eq!(amsterdam_offset(utc("2025-07-15T12:00:00Z")), plus2);
        assert_eq!(amsterdam_offset(utc("2025-12-31T23:00:00Z")), plus1);
        // 2024: last Sundays are 31 March and 27 October.
        assert_eq!(amsterdam_offset(utc("2024-03-31T00:59:59Z")), plus1);
        assert_eq!(amsterdam_offset(utc("2024-03-31T01:00:00Z")), plus2);
        assert_eq!(amsterdam_offset(utc("2024-10-27T00:59:59Z")), plus2);
        assert_eq!(amsterdam_offset(utc("2024-10-27T01:00:00Z")), plus1);
    }

    #[test]
    fn to_amsterdam_wall_clock() {
        let local = to_amsterdam(utc("2025-03-30T01:00:00Z"));
        assert_eq!(local.to_rfc3339(), "2025-03-30T03:00:00+02:00");
        let local = to_amsterdam(utc("2025-03-30T00:59:59Z"));
        assert_eq!(local.to_rfc3339(), "2025-03-30T01:59:59+01:00");
        let local = to_amsterdam(utc("2025-10-26T00:30:00Z"));
        assert_eq!(local.to_rfc3339(), "2025-10-26T02:30:00+02:00");
        let local = to_amsterdam(utc("2025-10-26T01:30:00Z"));
        assert_eq!(local.to_rfc3339(), "2025-10-26T02:30:00+01:00");
    }

    #[test]
    fn amsterdam_calendar_day() {
        for (instant, (y, m, d)) in [
            ("2025-06-30T21:59:59Z", (2025, 6, 30)),
            ("2025-06-30T22:30:00Z", (2025, 7, 1)),
            ("2025-12-31T22:59:59Z", (2025, 12, 31)),
            ("2025-12-31T23:00:00Z", (2026, 1, 1)),
        ] {
            assert_eq!(amsterdam_date(utc(instant)), date(y, m, d), "{instant}");
        }
    }

    #[test]
    fn day_boundaries_in_utc() {
        type Boundary = fn(NaiveDate) -> DateTime<Utc>;
        let cases: [(Boundary, (i32, u32, u32), &str); 8] = [
            (end_of_day_utc, (2025, 7, 1), "2025-07-01T21:59:59Z"),
            (start_of_day_utc, (2025, 7, 1), "2025-06-30T22:00:00Z"),
            (end_of_day_utc, (2025, 12, 31), "2025-12-31T22:59:59Z"),
            (start_of_day_utc, (2025, 12, 31), "2025-12-30T23:00:00Z"),
            // Transition days: the day starts in one offset and ends in the other.
            (start_of_day_utc, (2025, 3, 30), "2025-03-29T23:00:00Z"),
            (end_of_day_utc, (2025, 3, 30), "2025-03-30T21:59:59Z"),
            (start_of_day_utc, (2025, 10, 26), "2025-10-25T22:00:00Z"),
            (end_of_day_utc, (2025, 10, 26), "2025-10-26T22:59:59Z"),
        ];
        for (boundary, (y, m, d), expected) in cases {
            assert_eq!(boundary(date(y, m, d)), utc(expected), "{y}-{m}-{d}");
        }
    }

    #[test]
    fn day_boundaries_round_trip() {
        let mut day = date(1996, 1, 1);
        while day <= date(2100, 12, 31) {
            let start = start_of_day_utc(day);
            let end = end_of_day_utc(day);
            assert_eq!(amsterdam_date(start), day, "{day}");
            assert_eq!(amsterdam_date(end), day, "{day}");
            assert_eq!(
                amsterdam_date(start - TimeDelta::seconds(1)),
                day.pred_opt().unwrap()
            );
            assert_eq!(
                amsterdam_date(end + TimeDelta::seconds(1)),
                day.succ_opt().unwrap()
            );
            let hours = (end - start + TimeDelta::seconds(1)).num_hours();
            assert!((23..=25).contains(&hours), "{day}: {hours}");
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn deadline_passed_uses_amsterdam_day() {
        let deadline = date(2025, 7, 14);
        assert!(!deadline_passed(deadline, utc("2025-07-14T21:59:59Z")));
        assert!(deadline_passed(deadline, utc("2025-07-14T22:00:00Z")));
        assert!(!deadline_passed(deadline, utc("2025-07-13T12:00:00Z")));
    }

    #[test]
    fn decision_and_supplement_deadlines_use_amsterdam_day() {
        // Received 30 June 2025 at 00:30 Amsterdam time = 29 June 22:30 UTC.
        // Day of receipt is Monday 30 June; 8 weeks later is Monday 25 August.
        assert_eq!(
            decision_deadline(utc("2025-06-29T22:30:00Z"), Term::Weeks(8)),
            Ok(date(2025, 8, 25))
        );
        // One hour earlier it is still Sunday 29 June in Amsterdam: raw end Sunday
        // 24 August moves to Monday 25 August.
        assert_eq!(
            decision_deadline(utc("2025-06-29T21:30:00Z"), Term::Weeks(8)),
            Ok(date(2025, 8, 25))
        );
        // Requested Thursday 15 May 2025 late evening; 14 days -> Thursday 29 May
        // (Hemelvaartsdag) -> Friday 30 May.
        assert_eq!(
            supplement_deadline(utc("2025-05-15T21:00:00Z"), Term::Days(14)),
            Ok(date(2025, 5, 30))
        );
        // 30 minutes later it is Friday 16 May in Amsterdam: raw end Friday 30 May.
        assert_eq!(
            supplement_deadline(utc("2025-05-15T22:30:00Z"), Term::Days(14)),
            Ok(date(2025, 5, 30))
        );
        assert_eq!(
            supplement_deadline(utc("2025-05-16T22:30:00Z"), Term::Days(14)),
            Ok(date(2025, 6, 2))
        );
    }

    #[test]
    fn working_days_consistent_2000_to_2100() {
        let mut day = date(2000, 1, 1);
        let mut holidays_per_year = std::collections::BTreeMap::new();
        while day <= date(2100, 12, 31) {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            let holiday = holiday_name(day).is_some();
            assert_eq!(is_atw_holiday(day), holiday, "{day}");
            assert_eq!(is_working_day(day), !weekend && !holiday, "{day}");
            let next = next_working_day_on_or_after(day);
            assert!(next >= day && is_working_day(next), "{day}");
            assert!((next - day).num_days() <= 4, "{day}");
            let mut between = day;
            while between < next {
                assert!(!is_working_day(between), "{day}");
                between = between.succ_opt().unwrap();
            }
            if holiday {
                *holidays_per_year.entry(day.year()).or_insert(0) += 1;
            }
            day = day.succ_opt().unwrap();
        }
        // Eight holidays a year, except when a moveable feast coincides with a fixed one
        // (Ascension Day on 5 May, e.g. 2005, or Easter Monday on King's/Queen's Day).
        for (year, count) in holidays_per_year {
            assert!((7..=8).contains(&count), "{year}: {count}");
        }
        assert_eq!(holiday_name(date(2005, 5, 5)), Some("Bevrijdingsdag"));
        assert_eq!(easter_sunday(2005) + TimeDelta::days(39), date(2005, 5, 5));
    }
}
