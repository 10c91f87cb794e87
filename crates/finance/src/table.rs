//! Tables for reports: one row at a time to CSV or XLSX, chosen at run time.

use std::io::{self, Write};

pub use crate::cell::Cell;
use crate::csv::CsvWriter;
use crate::xlsx::XlsxWriter;

/// The file formats a report can be downloaded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableFormat {
    /// CSV for Dutch spreadsheets (UTF-8 with BOM, `;`, decimal comma).
    Csv,
    /// Office Open XML workbook.
    Xlsx,
}

impl TableFormat {
    /// The media type to send with the file.
    pub fn content_type(self) -> &'static str {
        match self {
            TableFormat::Csv => "text/csv; charset=utf-8",
            TableFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Xlsx => "xlsx",
        }
    }

    /// Parses `csv` or `xlsx` (any case).
    pub fn parse(text: &str) -> Option<TableFormat> {
        match text.to_ascii_lowercase().as_str() {
            "csv" => Some(TableFormat::Csv),
            "xlsx" => Some(TableFormat::Xlsx),
            _ => None,
        }
    }
}

/// A table being written in one of the [`TableFormat`]s.
pub enum TableWriter<W: Write> {
    /// CSV.
    Csv(CsvWriter<W>),
    /// XLSX.
    Xlsx(Box<XlsxWriter<W>>),
}

impl<W: Write> TableWriter<W> {
    /// Starts a table with its column headers. `sheet` names the worksheet (XLSX only).
    pub fn start(
        format: TableFormat,
        out: W,
        sheet: &str,
        headers: &[&str],
    ) -> io::Result<TableWriter<W>> {
        Ok(match format {
            TableFormat::Csv => {
                let mut w = CsvWriter::new(out)?;
                w.header(headers)?;
                TableWriter::Csv(w)
            }
            TableFormat::Xlsx => {
                TableWriter::Xlsx(Box::new(XlsxWriter::start(out, sheet, headers)?))
            }
        })
    }

    /// Writes one row.
    pub fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        match self {
            TableWriter::Csv(w) => w.row(cells),
            TableWriter::Xlsx(w) => w.row(cells),
        }
    }

    /// Completes the file and returns the writer, flushed.
    pub fn finish(self) -> io::Result<W> {
        match self {
            TableWriter::Csv(w) => w.finish(),
            TableWriter::Xlsx(w) => (*w).finish(),
        }
    }
}
