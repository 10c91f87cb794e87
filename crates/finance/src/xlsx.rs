//! A minimal XLSX (Office Open XML workbook) with one worksheet, written as a stream.
//!
//! Why not `rust_xlsxwriter`: it keeps every cell in memory until the file is saved (its
//! constant-memory mode needs a temporary file and a newer compiler than this workspace
//! promises), and it needs a seekable output. A report of a million payments must stream
//! into an HTTP response, so this module writes the few parts an XLSX needs by hand into
//! [`crate::zip::ZipWriter`], which streams without seeking: `[Content_Types].xml`,
//! `_rels/.rels`, `xl/workbook.xml`, `xl/_rels/workbook.xml.rels`, `xl/styles.xml` and
//! `xl/worksheets/sheet1.xml`, the sheet written row by row.
//!
//! Text goes in as inline strings (no shared-string table, which would have to be held in
//! memory); amounts as numbers with the format `#,##0.00` (Excel shows them in the
//! reader's locale: `1.234,56` in Dutch); dates as serial numbers with the format
//! `yyyy-mm-dd`. The header row is bold and frozen. The same rows give the same bytes.

use std::io::{self, Write};

use chrono::NaiveDate;

use crate::cell::Cell;
use crate::text::xml_escape_into;
use crate::zip::ZipWriter;

/// The most rows a worksheet can hold (including the header).
pub const MAX_ROWS: u32 = 1_048_576;
/// The most columns a worksheet can hold.
pub const MAX_COLUMNS: usize = 16_384;

const STYLE_MONEY: u8 = 1;
const STYLE_DATE: u8 = 2;
const STYLE_HEADER: u8 = 3;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>
"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
"#;

/// Writes one worksheet; see the [module documentation](self).
pub struct XlsxWriter<W: Write> {
    zip: ZipWriter<W>,
    buf: String,
    rows: u32,
    columns: usize,
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, not empty.
pub fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') && !c.is_control())
        .take(31)
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').to_owned();
    if cleaned.is_empty() {
        "Blad1".to_owned()
    } else {
        cleaned
    }
}

/// The column letters of a zero-based column index: 0 → `A`, 26 → `AA`.
pub fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::with_capacity(3);
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Days since 1899-12-30: the serial number Excel uses for a date.
pub fn excel_serial(date: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or(NaiveDate::MIN);
    (date - epoch).num_days()
}

impl<W: Write> XlsxWriter<W> {
    /// Writes the fixed parts and the header row.
    pub fn start(out: W, sheet: &str, headers: &[&str]) -> io::Result<XlsxWriter<W>> {
        if headers.len() > MAX_COLUMNS {
            return Err(io::Error::other("meer dan 16.384 kolommen"));
        }
        let mut zip = ZipWriter::new(out);
        zip.start_entry("[Content_Types].xml")?;
        zip.write_all(CONTENT_TYPES.as_bytes())?;
        zip.start_entry("_rels/.rels")?;
        zip.write_all(ROOT_RELS.as_bytes())?;
        zip.start_entry("xl/workbook.xml")?;
        let mut workbook = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"",
        );
        xml_escape_into(&mut workbook, &sheet_name(sheet));
        workbook.push_str("\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>\n");
        zip.write_all(workbook.as_bytes())?;
        zip.start_entry("xl/_rels/workbook.xml.rels")?;
        zip.write_all(WORKBOOK_RELS.as_bytes())?;
        zip.start_entry("xl/styles.xml")?;
        zip.write_all(STYLES.as_bytes())?;
        zip.start_entry("xl/worksheets/sheet1.xml")?;
        let mut head = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>",
        );
        if !headers.is_empty() {
            head.push_str("<cols>");
            for (i, h) in headers.iter().enumerate() {
                let width = (h.chars().count() + 4).clamp(12, 60);
                head.push_str(&format!(
                    "<col min=\"{n}\" max=\"{n}\" width=\"{width}\" customWidth=\"1\"/>",
                    n = i + 1
                ));
            }
            head.push_str("</cols>");
        }
        head.push_str("<sheetData>");
        zip.write_all(head.as_bytes())?;
        let mut writer = XlsxWriter {
            zip,
            buf: String::with_capacity(128 * 1024),
            rows: 0,
            columns: headers.len(),
        };
        let cells: Vec<Cell<'_>> = headers.iter().map(|h| Cell::Text(h)).collect();
        writer.push_row(&cells, true)?;
        Ok(writer)
    }

    /// Writes one row.
    pub fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        self.push_row(cells, false)
    }

    fn push_row(&mut self, cells: &[Cell<'_>], header: bool) -> io::Result<()> {
        use std::fmt::Write as _;
        if self.rows >= MAX_ROWS {
            return Err(io::Error::other(
                "een werkblad kan niet meer dan 1.048.576 rijen bevatten; kies CSV of een kortere periode",
            ));
        }
        if cells.len() > MAX_COLUMNS {
            return Err(io::Error::other("meer dan 16.384 kolommen"));
        }
        self.columns = self.columns.max(cells.len());
        self.rows += 1;
        let r = self.rows;
        let b = &mut self.buf;
        let _ = write!(b, "<row r=\"{r}\">");
        for (i, cell) in cells.iter().enumerate() {
            let col = column_letters(i);
            match cell {
                Cell::Text(text) => {
                    let style = if header {
                        format!(" s=\"{STYLE_HEADER}\"")
                    } else {
                        String::new()
                    };
                    let _ = write!(b, "<c r=\"{col}{r}\" t=\"inlineStr\"{style}><is><t");
                    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace)
                    {
                        b.push_str(" xml:space=\"preserve\"");
                    }
                    b.push('>');
                    xml_escape_into(b, text);
                    b.push_str("</t></is></c>");
                }
                Cell::Int(n) => {
                    let _ = write!(b, "<c r=\"{col}{r}\"><v>{n}</v></c>");
                }
                Cell::Money(cents) => {
                    let _ = write!(
                        b,
                        "<c r=\"{col}{r}\" s=\"{STYLE_MONEY}\"><v>{}</v></c>",
                        crate::text::cents_to_decimal(*cents)
                    );
                }
                Cell::Date(d) => {
                    let _ = write!(
                        b,
                        "<c r=\"{col}{r}\" s=\"{STYLE_DATE}\"><v>{}</v></c>",
                        excel_serial(*d)
                    );
                }
                Cell::Empty => {}
            }
        }
        b.push_str("</row>");
        if self.buf.len() >= 64 * 1024 {
            self.zip.write_all(self.buf.as_bytes())?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Closes the sheet and the archive and returns the writer, flushed.
    pub fn finish(mut self) -> io::Result<W> {
        self.buf.push_str("</sheetData></worksheet>\n");
        self.zip.write_all(self.buf.as_bytes())?;
        self.buf.clear();
        self.zip.finish()
    }

    /// Rows written so far, the header included.
    pub fn rows(&self) -> u32 {
        self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_serials() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(16_383), "XFD");
        let d = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or(NaiveDate::MIN);
        assert_eq!(excel_serial(d), 45_658);
        assert_eq!(
            sheet_name("Betaalronde 2025/03: [alles]"),
            "Betaalronde 202503 alles"
        );
        assert_eq!(sheet_name("???"), "Blad1");
    }
}
