//! One cell of a report row, shared by the CSV and XLSX writers and the table that picks
//! between them; on its own so that neither writer depends on the table.

use chrono::NaiveDate;

/// One cell of a report row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    /// Text.
    Text(&'a str),
    /// A whole number (a count, a year).
    Int(i64),
    /// An amount in euro-cents, shown in euro with two decimals.
    Money(i64),
    /// A calendar date.
    Date(NaiveDate),
    /// Nothing.
    Empty,
}

impl<'a> Cell<'a> {
    /// Text, or an empty cell for `None`.
    pub fn opt_text(value: Option<&'a str>) -> Cell<'a> {
        value.map_or(Cell::Empty, Cell::Text)
    }

    /// A date, or an empty cell for `None`.
    pub fn opt_date(value: Option<NaiveDate>) -> Cell<'a> {
        value.map_or(Cell::Empty, Cell::Date)
    }
}
