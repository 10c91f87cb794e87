//! Blocks onto A4 pages: where each line of text goes, in points from the page's top
//! left corner. Pure arithmetic on the fonts' widths; [`crate::render`] draws the result.

use crate::fonts::{metrics, Weight};
use crate::{Block, Letter, PdfError};

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.28;
/// A4 in points.
pub const PAGE_HEIGHT: f32 = 841.89;
const LEFT: f32 = 72.0;
const RIGHT: f32 = PAGE_WIDTH - 72.0;
const TOP: f32 = 64.0;
/// Text stops here; the page's foot sits below.
const BOTTOM: f32 = PAGE_HEIGHT - 80.0;
const FOOT: f32 = PAGE_HEIGHT - 44.0;

const BODY: f32 = 10.5;
const LEADING: f32 = 1.38;
const SMALL: f32 = 8.5;
const INDENT: f32 = 16.0;
/// Amounts and dates are written with it between their parts (`€ 1.234,56`).
pub const NBSP: char = '\u{a0}';

/// The colour of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ink {
    /// Body text.
    Black,
    /// Addresses, small print, the page's foot.
    Grey,
    /// The sender's name and headings.
    Blue,
}

/// How a run is printed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Regular or bold.
    pub weight: Weight,
    /// Points.
    pub size: f32,
    /// Colour.
    pub ink: Ink,
}

const TEXT: Style = Style {
    weight: Weight::Regular,
    size: BODY,
    ink: Ink::Black,
};
const LABEL: Style = Style {
    weight: Weight::Bold,
    size: BODY,
    ink: Ink::Black,
};
const FINE: Style = Style {
    weight: Weight::Regular,
    size: SMALL,
    ink: Ink::Grey,
};

/// One line's worth of text at a place: `y` is its baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// From the left edge, points.
    pub x: f32,
    /// The baseline, from the top edge, points.
    pub y: f32,
    /// What it says.
    pub text: String,
    /// How.
    pub style: Style,
}

/// A horizontal rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Left end.
    pub x: f32,
    /// From the top edge.
    pub y: f32,
    /// Length.
    pub width: f32,
}

/// One page: its runs and rules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// The text.
    pub runs: Vec<Run>,
    /// The lines.
    pub rules: Vec<Rule>,
}

struct Cursor {
    pages: Vec<Page>,
    y: f32,
}

impl Cursor {
    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Makes room for `height` points, on a new page if this one is full.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.pages.push(Page::default());
            self.y = TOP;
        }
    }

    fn gap(&mut self, points: f32) {
        self.y += points;
    }

    /// Writes `text` wrapped to `width` from `x`; returns the lines written.
    fn text(&mut self, x: f32, width: f32, text: &str, style: Style) -> Result<usize, PdfError> {
        let lines = wrap(text, width, style)?;
        for line in &lines {
            self.line(x, line, style);
        }
        Ok(lines.len())
    }

    fn line(&mut self, x: f32, text: &str, style: Style) {
        let height = style.size * LEADING;
        self.room(height);
        self.y += height;
        let y = self.y - style.size * 0.3;
        self.page().runs.push(Run {
            x,
            y,
            text: text.to_owned(),
            style,
        });
    }

    fn rule(&mut self, x: f32, width: f32) {
        let y = self.y;
        self.page().rules.push(Rule { x, y, width });
    }
}

/// The words of `text` in lines no wider than `width`; a word wider than a line is cut.
fn wrap(text: &str, width: f32, style: Style) -> Result<Vec<String>, PdfError> {
    let m = metrics(style.weight)?;
    let space = m.width(" ", style.size);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0.0;
    // A no-break space (amounts, dates) holds its words together.
    for word in text
        .split(|c: char| c.is_whitespace() && c != NBSP)
        .filter(|w| !w.is_empty())
    {
        let mut word = word.to_owned();
        let mut w = m.width(&word, style.size);
        while w > width {
            // A link or an IBAN without spaces: cut it where the line is full.
            let mut cut = String::new();
            for c in word.chars() {
                if m.width(&cut, style.size) + m.width(&c.to_string(), style.size) > width
                    && !cut.is_empty()
                {
                    break;
                }
                cut.push(c);
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            word = word[cut.len()..].to_owned();
            lines.push(cut);
            w = m.width(&word, style.size);
            used = 0.0;
        }
        if word.is_empty() {
            continue;
        }
        if !line.is_empty() && used + space + w > width {
            lines.push(std::mem::take(&mut line));
            used = 0.0;
        }
        if !line.is_empty() {
            line.push(' ');
            used += space;
        }
        line.push_str(&word);
        used += w;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

/// Where everything of `letter` goes, page by page, with each page's foot.
pub fn layout(letter: &Letter) -> Result<Vec<Page>, PdfError> {
    let mut c = Cursor {
        pages: vec![Page::default()],
        y: TOP,
    };
    for block in &letter.blocks {
        place(&mut c, block)?;
    }
    let total = c.pages.len();
    for (n, page) in c.pages.iter_mut().enumerate() {
        page.runs.push(Run {
            x: LEFT,
            y: FOOT,
            text: format!("{} · pagina {} van {total}", letter.footer, n + 1),
            style: FINE,
        });
    }
    Ok(c.pages)
}

fn place(c: &mut Cursor, block: &Block) -> Result<(), PdfError> {
    let width = RIGHT - LEFT;
    match block {
        Block::Briefhoofd {
            afzender,
            adres,
            aan,
            gegevens,
        } => head(c, afzender, adres, aan, gegevens)?,
        Block::Alinea { tekst } => {
            c.text(LEFT, width, tekst, TEXT)?;
            c.gap(BODY * 0.7);
        }
        Block::Kop { tekst } => {
            let style = Style {
                weight: Weight::Bold,
                size: 11.5,
                ink: Ink::Blue,
            };
            // A heading is not left alone at the foot of a page.
            c.room(style.size * LEADING + 3.0 * BODY * LEADING);
            c.gap(BODY * 0.5);
            c.text(LEFT, width, tekst, style)?;
            c.gap(BODY * 0.3);
        }
        Block::Gegevens { rijen } => {
            facts(c, rijen)?;
            c.gap(BODY * 0.7);
        }
        Block::Tabel { koppen, rijen } => table(c, koppen, rijen)?,
        Block::Punt { tekst } => {
            let lines = wrap(tekst, width - INDENT, TEXT)?;
            for (i, line) in lines.iter().enumerate() {
                if i == 0 {
                    c.line(LEFT + 4.0, "•", TEXT);
                    c.y -= BODY * LEADING;
                }
                c.line(LEFT + INDENT, line, TEXT);
            }
            c.gap(BODY * 0.35);
        }
        Block::Citaat { tekst } => {
            for line in tekst.lines() {
                if line.trim().is_empty() {
                    c.gap(BODY * 0.6);
                } else {
                    c.text(LEFT + INDENT, width - INDENT, line, TEXT)?;
                }
            }
            c.gap(BODY * 0.7);
        }
        Block::Ondertekening { groet, naam } => {
            c.room(5.0 * BODY * LEADING);
            c.gap(BODY * 0.5);
            c.text(LEFT, width, groet, TEXT)?;
            c.gap(BODY * 1.2);
            c.text(LEFT, width, naam, TEXT)?;
            c.gap(BODY * 1.2);
        }
        Block::Voetnoot { tekst } => {
            c.room(3.0 * SMALL * LEADING);
            c.gap(SMALL * 0.5);
            c.rule(LEFT, width);
            c.gap(SMALL * 0.4);
            c.text(LEFT, width, tekst, FINE)?;
        }
    }
    Ok(())
}

fn head(
    c: &mut Cursor,
    sender: &str,
    address: &str,
    to: &[String],
    rows: &[[String; 2]],
) -> Result<(), PdfError> {
    let width = RIGHT - LEFT;
    let name = Style {
        weight: Weight::Bold,
        size: 17.0,
        ink: Ink::Blue,
    };
    c.text(LEFT, width, sender, name)?;
    c.text(LEFT, width, address, FINE)?;
    c.gap(4.0);
    c.rule(LEFT, width);
    c.gap(BODY * 2.5);
    for line in to {
        c.text(LEFT, width, line, TEXT)?;
    }
    c.gap(BODY * 2.0);
    facts(c, rows)?;
    c.gap(BODY * 1.5);
    Ok(())
}

/// Label/value rows: labels in bold in a column as wide as the widest (at most a third
/// of the line), values wrapped beside them.
fn facts(c: &mut Cursor, rows: &[[String; 2]]) -> Result<(), PdfError> {
    let width = RIGHT - LEFT;
    let bold = metrics(Weight::Bold)?;
    let labels = rows
        .iter()
        .map(|[label, _]| bold.width(label, BODY))
        .fold(0.0f32, f32::max);
    let column = (labels + 14.0).min(width / 3.0);
    for [label, value] in rows {
        let label_lines = wrap(label, column - 8.0, LABEL)?;
        let value_lines = wrap(value, width - column, TEXT)?;
        c.room(label_lines.len().max(value_lines.len()) as f32 * BODY * LEADING);
        let top = c.y;
        for line in &label_lines {
            c.line(LEFT, line, LABEL);
        }
        let after_label = c.y;
        c.y = top;
        for line in &value_lines {
            c.line(LEFT + column, line, TEXT);
        }
        c.y = c.y.max(after_label);
    }
    Ok(())
}

fn table(c: &mut Cursor, heads: &[String], rows: &[Vec<String>]) -> Result<(), PdfError> {
    let columns = heads.len().max(1);
    if let Some(row) = rows.iter().find(|r| r.len() > columns) {
        return Err(PdfError::Table {
            cells: row.len(),
            columns,
        });
    }
    let width = RIGHT - LEFT;
    let (regular, bold) = (metrics(Weight::Regular)?, metrics(Weight::Bold)?);
    let mut natural: Vec<f32> = heads.iter().map(|h| bold.width(h, BODY) + 16.0).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            natural[i] = natural[i].max(regular.width(cell, BODY) + 16.0);
        }
    }
    let total: f32 = natural.iter().sum();
    let scale = if total > width { width / total } else { 1.0 };
    let widths: Vec<f32> = natural.iter().map(|w| w * scale).collect();
    let print_row = |c: &mut Cursor, cells: &[String], style: Style| -> Result<(), PdfError> {
        let wrapped = cells
            .iter()
            .zip(&widths)
            .map(|(cell, w)| wrap(cell, w - 8.0, style))
            .collect::<Result<Vec<_>, _>>()?;
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        c.room(height as f32 * BODY * LEADING);
        let top = c.y;
        let mut x = LEFT;
        for (lines, w) in wrapped.iter().zip(&widths) {
            c.y = top;
            for line in lines {
                c.line(x, line, style);
            }
            x += w;
        }
        c.y = top + height as f32 * BODY * LEADING;
        Ok(())
    };
    print_row(c, heads, LABEL)?;
    c.gap(2.0);
    c.rule(LEFT, widths.iter().sum());
    c.gap(1.0);
    for row in rows {
        print_row(c, row, TEXT)?;
    }
    c.gap(BODY * 0.7);
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn lines_fit_and_no_word_is_lost() {
        let text = "Bent u het niet eens met dit besluit? U kunt binnen zes weken na de dag \
                    https://subsidies.example.nl/aanvragen/referentie/UITV-2025-0198A3F2C1/besluiten";
        let lines = wrap(text, 200.0, TEXT).unwrap();
        let m = metrics(Weight::Regular).unwrap();
        assert!(lines.len() > 3);
        for line in &lines {
            assert!(m.width(line, BODY) <= 200.0, "{line}");
        }
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn every_page_has_its_foot() {
        let letter = Letter {
            title: "t".into(),
            author: "a".into(),
            date: (2025, 1, 1),
            footer: "UITV-1".into(),
            blocks: vec![Block::Alinea { tekst: "x".into() }],
        };
        let pages = layout(&letter).unwrap();
        assert_eq!(pages.len(), 1);
        assert!(pages[0]
            .runs
            .iter()
            .any(|r| r.text == "UITV-1 · pagina 1 van 1"));
    }
}
