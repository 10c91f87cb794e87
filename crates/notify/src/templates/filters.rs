//! The filters and functions the templates call, and the tidying of the plain-text
//! render: Dutch notation for amounts, dates and instants (`bedrag`, `datum`,
//! `tijdstip`, through [`crate::format`]), wrapping at the text width (`ombreek`,
//! `regels`) and aligned columns (`uitlijnen`).

use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, Error, ErrorKind};

use crate::format;

/// Width of the plain-text body.
pub(super) const TEXT_WIDTH: usize = 72;

/// Makes the filters and functions known to `env`, under the names the templates use.
pub(super) fn register(env: &mut Environment<'static>) {
    env.add_filter("bedrag", filter_amount);
    env.add_filter("datum", filter_date);
    env.add_filter("tijdstip", filter_instant);
    env.add_filter("ombreek", filter_wrap);
    env.add_filter("regels", filter_lines);
    env.add_function("uitlijnen", align_columns);
}

/// Normalises the plain-text render: no trailing blanks (except the signature marker
/// `-- `), at most one empty line in a row, no leading or trailing empty lines.
pub(super) fn tidy_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut blank_run = 0;
    let raw = raw.replace(NBSP, " ");
    for line in raw.lines() {
        let line = if line == "-- " { line } else { line.trim_end() };
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() && blank_run > 0 {
            out.push('\n');
        }
        blank_run = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn value_text(filter: &str, value: &Value) -> Result<String, Error> {
    match value.as_str() {
        Some(s) => Ok(s.to_owned()),
        None if value.is_undefined() || value.is_none() => Err(Error::new(
            ErrorKind::UndefinedError,
            format!("{filter}: de waarde ontbreekt"),
        )),
        None => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("{filter}: verwacht tekst, kreeg {value}"),
        )),
    }
}

/// A no-break space: amounts, dates and instants are never split over two lines. The
/// plain text turns them back into ordinary spaces after wrapping; HTML keeps them.
const NBSP: char = '\u{a0}';

fn unbreakable(text: String) -> String {
    text.replace(' ', "\u{a0}")
}

fn filter_amount(value: Value) -> Result<String, Error> {
    let text = value_text("bedrag", &value)?;
    format::amount(&text)
        .map(unbreakable)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e))
}

fn filter_date(value: Value) -> Result<String, Error> {
    let text = value_text("datum", &value)?;
    format::date(&text)
        .map(unbreakable)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e))
}

fn filter_instant(value: Value) -> Result<String, Error> {
    let text = value_text("tijdstip", &value)?;
    format::instant_text(&text)
        .map(unbreakable)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e))
}

/// `ombreek(eerste="", volgende="", regels=false, breedte=72)`: wraps text at the width.
/// Without `regels` all whitespace is collapsed into one paragraph; with it every input
/// line is wrapped on its own (for text that someone typed).
fn filter_wrap(value: Value, kwargs: Kwargs) -> Result<String, Error> {
    let text = value_text("ombreek", &value)?;
    let first: Option<String> = kwargs.get("eerste")?;
    let next: Option<String> = kwargs.get("volgende")?;
    let keep_lines: Option<bool> = kwargs.get("regels")?;
    let width: Option<usize> = kwargs.get("breedte")?;
    kwargs.assert_all_used()?;
    let first = first.unwrap_or_default();
    let next = next.unwrap_or_else(|| first.clone());
    let width = width.unwrap_or(TEXT_WIDTH);
    if keep_lines.unwrap_or(false) {
        let lines = lines_of(&text);
        let wrapped: Vec<String> = lines
            .iter()
            .map(|line| {
                if line.trim().is_empty() {
                    first.trim_end().to_owned()
                } else {
                    wrap(line, width, &first, &next)
                }
            })
            .collect();
        Ok(wrapped.join("\n"))
    } else {
        Ok(wrap(&text, width, &first, &next))
    }
}

fn wrap(text: &str, width: usize, first: &str, next: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(first);
    let mut line_has_word = false;
    for word in text.split_ascii_whitespace() {
        let current = line.chars().count();
        if line_has_word && current + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = String::from(next);
            line_has_word = false;
        }
        if line_has_word {
            line.push(' ');
        }
        line.push_str(word);
        line_has_word = true;
    }
    out.push_str(&line);
    out
}

fn lines_of(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let start = lines.iter().position(|l| !l.trim().is_empty());
    let end = lines.iter().rposition(|l| !l.trim().is_empty());
    match (start, end) {
        (Some(s), Some(e)) => lines[s..=e].to_vec(),
        _ => Vec::new(),
    }
}

fn filter_lines(value: Value) -> Result<Vec<String>, Error> {
    let text = value_text("regels", &value)?;
    Ok(lines_of(&text).into_iter().map(str::to_owned).collect())
}

/// `uitlijnen(rijen, dubbelepunt=false, kopregel=false)`: rows as aligned plain-text
/// columns, indented by two spaces. `dubbelepunt` puts a colon after the first column;
/// `kopregel` underlines the first row.
fn align_columns(rows: Vec<Vec<Value>>, kwargs: Kwargs) -> Result<String, Error> {
    let colon: Option<bool> = kwargs.get("dubbelepunt")?;
    let header: Option<bool> = kwargs.get("kopregel")?;
    kwargs.assert_all_used()?;
    let colon = colon.unwrap_or(false);
    let mut cells: Vec<Vec<String>> = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut out = Vec::with_capacity(row.len());
        for (i, cell) in row.iter().enumerate() {
            if cell.is_undefined() || cell.is_none() {
                return Err(Error::new(
                    ErrorKind::UndefinedError,
                    "uitlijnen: een cel is leeg (null)",
                ));
            }
            let text = cell.to_string();
            out.push(if i == 0 && colon {
                format!("{text}:")
            } else {
                text
            });
        }
        cells.push(out);
    }
    let columns = cells.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            cells
                .iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Every column but the last is padded; the last is wrapped under itself.
    let render_row = |row: &[String]| {
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate() {
            if i + 1 < row.len() {
                line.push_str(cell);
                let pad = widths[i].saturating_sub(cell.chars().count()) + 2;
                line.push_str(&" ".repeat(pad));
            } else {
                let indent = " ".repeat(line.chars().count());
                line = wrap(cell, TEXT_WIDTH, &line, &indent);
            }
        }
        line.trim_end().to_owned()
    };
    let mut lines = Vec::with_capacity(cells.len() + 1);
    for (i, row) in cells.iter().enumerate() {
        lines.push(render_row(row));
        if i == 0 && header.unwrap_or(false) {
            let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
            lines.push(format!("  {}", "-".repeat(total)));
        }
    }
    Ok(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_and_alignment() {
        assert_eq!(wrap("a b c", 3, "", ""), "a b\nc");
        assert_eq!(wrap("een twee", 72, "  - ", "    "), "  - een twee");
        assert_eq!(
            wrap("aaaa bbbb cccc", 10, "  - ", "    "),
            "  - aaaa\n    bbbb\n    cccc"
        );
        assert_eq!(
            tidy_text("\n\na  \n\n\n\nb\n-- \nc\n\n"),
            "a\n\nb\n-- \nc\n"
        );
    }
}
