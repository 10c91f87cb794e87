//! CSV in the convention of Dutch spreadsheets: UTF-8 with a byte-order mark (so Excel
//! reads the accents right), `;` between fields (the comma is the decimal sign), amounts
//! with a decimal comma and no thousands separator (`1234,56`), dates as `2025-03-01`,
//! lines ending in CRLF, and fields quoted as RFC 4180 says: a field with `;`, `"`, CR or
//! LF is put in double quotes and each `"` in it doubled.
//!
//! Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab
//! or CR) gets a leading apostrophe, the usual defence against CSV injection: names and
//! titles come from applicants.
//!
//! Rows are written as they come; nothing is kept per row.

use std::io::{self, BufWriter, Write};

use crate::cell::Cell;
use crate::text::{push_cents, push_u64};

/// The UTF-8 byte-order mark that starts every file.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes rows as CSV; see the [module documentation](self).
pub struct CsvWriter<W: Write> {
    out: BufWriter<W>,
    line: String,
}

impl<W: Write> CsvWriter<W> {
    /// Starts a file: writes the byte-order mark.
    pub fn new(out: W) -> io::Result<CsvWriter<W>> {
        let mut out = BufWriter::with_capacity(64 * 1024, out);
        out.write_all(BOM)?;
        Ok(CsvWriter {
            out,
            line: String::with_capacity(256),
        })
    }

    /// Writes a header row of plain text fields.
    pub fn header(&mut self, names: &[&str]) -> io::Result<()> {
        let cells: Vec<Cell<'_>> = names.iter().map(|n| Cell::Text(n)).collect();
        self.row(&cells)
    }

    /// Writes one row.
    pub fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        self.line.clear();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.line.push(';');
            }
            push_cell(&mut self.line, cell);
        }
        self.line.push_str("\r\n");
        self.out.write_all(self.line.as_bytes())
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(self) -> io::Result<W> {
        self.out.into_inner().map_err(|e| e.into_error())
    }
}

fn push_cell(line: &mut String, cell: &Cell<'_>) {
    use std::fmt::Write as _;
    match cell {
        Cell::Text(text) => push_text(line, text),
        Cell::Int(n) => {
            if *n < 0 {
                line.push('-');
            }
            push_u64(line, n.unsigned_abs());
        }
        Cell::Money(cents) => push_cents(line, *cents, ','),
        Cell::Date(d) => {
            let _ = write!(line, "{}", d.format("%Y-%m-%d"));
        }
        Cell::Empty => {}
    }
}

/// An amount in cents with a decimal comma: `-123456` → `-1234,56`.
pub fn dutch_amount(cents: i64) -> String {
    let mut s = String::new();
    push_cents(&mut s, cents, ',');
    s
}

fn push_text(line: &mut String, text: &str) {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = formula
        || text
            .bytes()
            .any(|b| matches!(b, b';' | b'"' | b'\n' | b'\r'));
    if !quote {
        line.push_str(text);
        return;
    }
    line.push('"');
    if formula {
        line.push('\'');
    }
    let mut pieces = text.split('"');
    if let Some(first) = pieces.next() {
        line.push_str(first);
    }
    for piece in pieces {
        line.push_str("\"\"");
        line.push_str(piece);
    }
    line.push('"');
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn dutch_convention() {
        let mut w = CsvWriter::new(Vec::new()).unwrap();
        w.header(&["naam", "bedrag"]).unwrap();
        w.row(&[
            Cell::Text("Zorg; \"Noord\"\nregio"),
            Cell::Money(123_456),
            Cell::Money(-5),
            Cell::Int(7),
            Cell::Date(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()),
            Cell::Empty,
            Cell::Text("=SOM(A1)"),
            Cell::Text("Één"),
            Cell::Int(-42),
            Cell::Text("\"\"a\""),
        ])
        .unwrap();
        let bytes = w.finish().unwrap();
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert_eq!(
            text,
            "naam;bedrag\r\n\"Zorg; \"\"Noord\"\"\nregio\";1234,56;-0,05;7;2025-03-01;;\"'=SOM(A1)\";Één;-42;\"\"\"\"\"a\"\"\"\r\n"
        );
    }
}
