//! A decision letter as a PDF/A-2b document.
//!
//! The words of a letter are not written here: `subsidie-notify` renders the same
//! template that makes the e-mail, in a third format whose building blocks come out as
//! [`Block`]s (one JSON object per line, with the block names of the templates:
//! `alinea`, `kop`, `gegevens`, …). This crate only lays them out on A4 pages, in
//! Liberation Sans (embedded, subset; `fonts/SOURCE.md`), and writes the file with
//! `krilla`, which checks the PDF/A-2b rules while it writes and refuses a file that
//! breaks them.
//!
//! Text is placed glyph by glyph from the font's character map and advance widths:
//! no shaping engine (Dutch needs no ligatures or kerning to be read), and every glyph
//! carries the text it stands for, so `pdftotext` gives the letter's words back.
//! A character the font lacks is printed as `?` (PDF/A forbids the empty glyph).

mod fonts;
mod layout;
mod render;

use serde::Deserialize;

use layout::layout;

/// A letter: its title (the e-mail's subject; the PDF's title in its metadata), the
/// day it is dated, and its blocks in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// The title, one line.
    pub title: String,
    /// The sender, for the document's metadata (`dc:creator`).
    pub author: String,
    /// The dagtekening, as the creation date of the document: a letter made again from
    /// the same facts is then the same file, byte for byte.
    pub date: (u16, u8, u8),
    /// Printed on every page's foot beside the page number (the reference).
    pub footer: String,
    /// What the letter says.
    pub blocks: Vec<Block>,
}

/// One building block of a letter, as the templates name them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "blok", rename_all = "snake_case", deny_unknown_fields)]
pub enum Block {
    /// The head: the sender with its address, the addressee, and the letter's facts
    /// (date, reference, subject) as label/value rows.
    Briefhoofd {
        /// The funder's name.
        afzender: String,
        /// Its postal address, one line.
        adres: String,
        /// The addressee, one line each.
        aan: Vec<String>,
        /// Label/value rows: `Datum`, `Ons kenmerk`, `Onderwerp`.
        gegevens: Vec<[String; 2]>,
    },
    /// A paragraph; its line breaks are not kept.
    Alinea {
        /// The text.
        tekst: String,
    },
    /// A heading.
    Kop {
        /// The text.
        tekst: String,
    },
    /// Label/value rows.
    Gegevens {
        /// The rows.
        rijen: Vec<[String; 2]>,
    },
    /// A table with a header row.
    Tabel {
        /// The column heads.
        koppen: Vec<String>,
        /// The rows, as many cells as heads.
        rijen: Vec<Vec<String>>,
    },
    /// One point of a bulleted list.
    Punt {
        /// The text.
        tekst: String,
    },
    /// Text someone typed (a motivation), with its line breaks kept.
    Citaat {
        /// The text.
        tekst: String,
    },
    /// The greeting and who signs.
    Ondertekening {
        /// `Met vriendelijke groet, namens …`.
        groet: String,
        /// The officer and function.
        naam: String,
    },
    /// Small print at the end.
    Voetnoot {
        /// The text.
        tekst: String,
    },
}

/// Why no PDF could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// A table row has more cells than the table has columns.
    #[error("tabel: een rij heeft {cells} cellen, de tabel {columns} kolommen; geef elke rij evenveel cellen als koppen")]
    Table {
        /// Cells in the row.
        cells: usize,
        /// Columns of the table.
        columns: usize,
    },
    /// The letter has no block to print.
    #[error("de brief is leeg; een brief heeft ten minste één alinea")]
    Empty,
    /// krilla refused to write the file (a PDF/A rule broken, or a font unreadable).
    #[error("de PDF kon niet worden gemaakt: {0}")]
    Write(String),
}

/// The letter as a PDF/A-2b file.
pub fn write(letter: &Letter) -> Result<Vec<u8>, PdfError> {
    if letter.blocks.is_empty() {
        return Err(PdfError::Empty);
    }
    let pages = layout(letter)?;
    render::pdf(letter, &pages)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn letter(blocks: Vec<Block>) -> Letter {
        Letter {
            title: "Besluit op uw aanvraag UITV-2025-0001: subsidie verleend".into(),
            author: "ZonMw".into(),
            date: (2025, 6, 2),
            footer: "UITV-2025-0001".into(),
            blocks,
        }
    }

    #[test]
    fn blocks_read_from_the_template_lines() {
        let line = r#"{"blok":"gegevens","rijen":[["Referentie","UITV-1"],["Bedrag","€ 1,00"]]}"#;
        let block: Block = serde_json::from_str(line).unwrap();
        assert_eq!(
            block,
            Block::Gegevens {
                rijen: vec![
                    ["Referentie".into(), "UITV-1".into()],
                    ["Bedrag".into(), "€ 1,00".into()]
                ]
            }
        );
        assert!(serde_json::from_str::<Block>(r#"{"blok":"plaatje","tekst":"x"}"#).is_err());
    }

    #[test]
    fn an_empty_letter_and_a_ragged_table_are_refused() {
        assert_eq!(write(&letter(vec![])), Err(PdfError::Empty));
        let ragged = Block::Tabel {
            koppen: vec!["a".into()],
            rijen: vec![vec!["1".into(), "2".into()]],
        };
        assert!(matches!(
            write(&letter(vec![ragged])),
            Err(PdfError::Table {
                cells: 2,
                columns: 1
            })
        ));
    }

    #[test]
    fn a_letter_is_a_pdf_a_file_and_the_same_facts_give_the_same_bytes() {
        let blocks = vec![
            Block::Kop {
                tekst: "Motivering".into(),
            },
            Block::Alinea {
                tekst: "Wij verlenen € 1.234,56 — zie bijlage. ✓".into(),
            },
        ];
        let one = write(&letter(blocks.clone())).unwrap();
        let two = write(&letter(blocks)).unwrap();
        assert!(one.starts_with(b"%PDF-1.7"), "{:?}", &one[..8]);
        assert_eq!(one, two, "the same letter must give the same file");
        let text = String::from_utf8_lossy(&one);
        assert!(text.contains("pdfaid:part"), "no PDF/A identification");
    }

    #[test]
    fn a_long_letter_runs_onto_more_pages() {
        let blocks = (0..120)
            .map(|i| Block::Alinea {
                tekst: format!("Alinea {i}: {}", "woord ".repeat(30)),
            })
            .collect();
        let pages = layout(&letter(blocks)).unwrap();
        assert!(pages.len() > 3, "{} pages", pages.len());
    }
}
