//! Dutch notation for letters: amounts, dates and instants (Europe/Amsterdam).
//!
//! The outbox payload carries machine forms (`"1250000.00"`, `"2025-07-14"`, RFC 3339
//! instants in UTC); the templates turn them into what a Dutch reader expects through the
//! filters `bedrag`, `datum` and `tijdstip`, which call these functions.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use subsidie_domain::deadlines::to_amsterdam;
use subsidie_domain::Money;

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

/// An amount in the API form (`"1250000.00"`) in Dutch notation: `€ 1.250.000,00`.
pub fn amount(api_form: &str) -> Result<String, String> {
    Money::parse(api_form)
        .map(Money::to_dutch)
        .map_err(|e| format!("'{api_form}' is geen bedrag: {e}"))
}

/// A calendar date in long Dutch form: `14 juli 2025`.
pub fn long_date(date: NaiveDate) -> String {
    let month = MONTHS.get(date.month0() as usize).copied().unwrap_or("?");
    format!("{} {month} {}", date.day(), date.year())
}

/// An ISO date (`"2025-07-14"`) in long Dutch form: `14 juli 2025`.
pub fn date(iso: &str) -> Result<String, String> {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(long_date)
        .map_err(|_| format!("'{iso}' is geen datum (verwacht JJJJ-MM-DD)"))
}

/// An instant in Amsterdam wall-clock time: `3 maart 2025 om 10:15 uur`.
pub fn instant(at: DateTime<Utc>) -> String {
    let local = to_amsterdam(at);
    format!(
        "{} om {:02}:{:02} uur",
        long_date(local.date_naive()),
        local.hour(),
        local.minute()
    )
}

/// An RFC 3339 instant (`"2025-03-03T09:15:00+00:00"`) in Amsterdam wall-clock time.
pub fn instant_text(rfc3339: &str) -> Result<String, String> {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| instant(t.with_timezone(&Utc)))
        .map_err(|_| format!("'{rfc3339}' is geen tijdstip (verwacht RFC 3339)"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn amounts_dates_and_instants_in_dutch() {
        assert_eq!(amount("1250000.00").unwrap(), "€ 1.250.000,00");
        assert_eq!(amount("0.5").unwrap(), "€ 0,50");
        assert!(amount("1.250,00").is_err());
        assert_eq!(date("2025-07-14").unwrap(), "14 juli 2025");
        assert_eq!(date("2025-03-01").unwrap(), "1 maart 2025");
        assert!(date("14-07-2025").is_err());
        // Winter time: UTC+1; summer time: UTC+2.
        assert_eq!(
            instant_text("2025-03-03T09:15:00+00:00").unwrap(),
            "3 maart 2025 om 10:15 uur"
        );
        assert_eq!(
            instant_text("2025-06-30T22:30:00Z").unwrap(),
            "1 juli 2025 om 00:30 uur"
        );
        assert!(instant_text("gisteren").is_err());
    }
}
