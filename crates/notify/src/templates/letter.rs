//! The third format of every message: the PDF letter. The message's one source is
//! rendered with `formaat` set to `pdf`; the building blocks of
//! `templates/opmaak/blokken.pdf.j2` write each block as one line of JSON
//! ([`block_line`], the template function `pdfblok`), which is read back here as the
//! blocks of a [`Letter`] for `subsidie-letterpdf` to lay out. So the letter says word
//! for word what the e-mail says, in the order it says it.

use chrono::{Datelike, NaiveDate};
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, Error, ErrorKind};
use serde_json::{Map, Value as Json};
use subsidie_letterpdf::{Block, Letter};

/// Makes `pdfblok` known to `env`.
pub(super) fn register(env: &mut Environment<'static>) {
    env.add_function("pdfblok", block_line);
}

/// `pdfblok("alinea", tekst=…)`: the block as one line of JSON, its values as text
/// (a waiting-list place is a number in the payload, a cell of text in the letter).
fn block_line(kind: String, fields: Kwargs) -> Result<String, Error> {
    let mut object = Map::new();
    object.insert("blok".into(), Json::String(kind));
    for name in fields.args() {
        let value: Value = fields.get(name)?;
        let json = serde_json::to_value(&value).map_err(|e| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("pdfblok: {name} is niet te schrijven: {e}"),
            )
        })?;
        object.insert(name.to_owned(), as_text(json));
    }
    fields.assert_all_used()?;
    Ok(Json::Object(object).to_string())
}

fn as_text(value: Json) -> Json {
    match value {
        Json::Array(items) => Json::Array(items.into_iter().map(as_text).collect()),
        Json::Number(n) => Json::String(n.to_string()),
        Json::Bool(b) => Json::String(if b { "ja" } else { "nee" }.into()),
        other => other,
    }
}

/// The blocks of a PDF render, one JSON line each; anything else on a line is a
/// template that wrote text outside a building block.
pub(super) fn blocks(output: &str) -> Result<Vec<Block>, String> {
    output
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            serde_json::from_str::<Block>(line)
                .map_err(|e| format!("geen bouwsteen ({e}): {}", cut(line)))
        })
        .collect()
}

fn cut(line: &str) -> String {
    line.chars().take(80).collect()
}

/// The letter: `subject` as its title, the frame's sender and dagtekening from the
/// context (`brief`), the reference on every page's foot.
pub(super) fn letter(
    subject: String,
    context: &Map<String, Json>,
    blocks: Vec<Block>,
) -> Result<Letter, String> {
    let frame = context
        .get("brief")
        .and_then(Json::as_object)
        .ok_or("de brief heeft geen briefhoofd (brief): zonder dagtekening en ondertekening is hij geen besluit")?;
    let author = frame
        .get("afzender")
        .and_then(|a| a.get("naam"))
        .and_then(Json::as_str)
        .ok_or("brief.afzender.naam ontbreekt")?;
    let date: NaiveDate = frame
        .get("dagtekening")
        .and_then(Json::as_str)
        .and_then(|d| d.parse().ok())
        .ok_or("brief.dagtekening ontbreekt of is geen datum")?;
    let reference = context
        .get("referentie")
        .and_then(Json::as_str)
        .ok_or("referentie ontbreekt")?;
    Ok(Letter {
        title: subject,
        author: author.to_owned(),
        date: (
            u16::try_from(date.year()).map_err(|_| "dagtekening buiten bereik")?,
            date.month() as u8,
            date.day() as u8,
        ),
        footer: format!("Ons kenmerk {reference}"),
        blocks,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::{example_payload, names, pdf, render};
    use super::*;
    use crate::testing::pdf_text;
    use subsidie_domain::letters::Template;

    fn flat(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Every decision is a letter with its head, its amounts in Dutch notation, the
    /// objection (or appeal) date and the signatory, as text that can be read back.
    #[test]
    fn every_decision_is_a_pdf_letter_whose_text_reads_back() {
        let decisions: Vec<Template> = Template::ALL
            .into_iter()
            .filter(|t| t.is_decision())
            .collect();
        assert_eq!(decisions.len(), 11, "{decisions:?}");
        for template in decisions {
            let name = template.as_str();
            let payload = example_payload(name).unwrap();
            let file = pdf(name, &payload).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(file.starts_with(b"%PDF-"), "{name}");
            let text = pdf_text(&file);
            let mail = flat(&render(name, &payload).unwrap().text);
            for expected in [
                "ZonMw",
                "Postbus 93245, 2509 AE Den Haag",
                "Stichting Eerstelijn",
                "Datum ",
                "Ons kenmerk UITV-2025-0198A3F2C1",
                "namens ZonMw",
                "drs. M. van den Berg, hoofd Subsidiebeheer",
                "pagina 1 van",
            ] {
                assert!(
                    text.contains(expected),
                    "{name}: no '{expected}' in:\n{text}"
                );
            }
            // The clause that lets the addressee object (or appeal), as the mail has it;
            // the confirmation of a waiver the grantee asked for has none.
            let clause = match template {
                Template::ObjectionDecision => "beroep instellen bij de rechtbank",
                Template::Notice(n) if !n.carries_objection_clause() => "de subsidie vervalt",
                _ => "Bent u het niet eens met dit besluit?",
            };
            assert!(mail.contains(clause), "{name}: mail without '{clause}'");
            assert!(text.contains(clause), "{name}: no '{clause}' in:\n{text}");
        }
        let grant = pdf_text(
            &pdf(
                "verleningsbeschikking",
                &example_payload("verleningsbeschikking").unwrap(),
            )
            .unwrap(),
        );
        for expected in [
            "een subsidie van ten hoogste € 1.250.000,00",
            "Verleend bedrag € 1.250.000,00",
            "Voorschot (80%) € 1.000.000,00",
            "uiterlijk op 14 juli 2025 bij ons zijn ontvangen",
            "Onderwerp Besluit op uw aanvraag UITV-2025-0198A3F2C1: subsidie verleend",
        ] {
            assert!(grant.contains(expected), "no '{expected}' in:\n{grant}");
        }
        let objection = pdf_text(
            &pdf(
                "beslissing_op_bezwaar",
                &example_payload("beslissing_op_bezwaar").unwrap(),
            )
            .unwrap(),
        );
        assert!(objection.contains("€ 750.000,00"), "{objection}");
        assert!(
            objection.contains("uiterlijk op 25 mei 2027"),
            "{objection}"
        );
    }

    /// Every framed message renders in the PDF format too (no template writes text
    /// outside a building block); one without a frame is no letter.
    #[test]
    fn every_framed_message_has_a_letter_and_the_others_none() {
        for name in names() {
            let payload = example_payload(name).unwrap();
            let letter = super::super::default_templates()
                .unwrap()
                .letter(name, &payload);
            if payload.get("brief").is_some() {
                let letter = letter.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(!letter.title.is_empty(), "{name}");
                assert!(
                    matches!(letter.blocks[0], Block::Briefhoofd { .. }),
                    "{name}"
                );
            } else {
                assert!(
                    matches!(letter, Err(crate::TemplateError::Pdf { .. })),
                    "{name}: {letter:?}"
                );
            }
        }
    }

    #[test]
    fn text_outside_a_block_is_refused() {
        let ok = blocks("\n  {\"blok\":\"kop\",\"tekst\":\"Bezwaar maken\"}\n\n").unwrap();
        assert_eq!(
            ok,
            vec![Block::Kop {
                tekst: "Bezwaar maken".into()
            }]
        );
        let err = blocks("{\"blok\":\"kop\",\"tekst\":\"x\"}\nlos woord\n").unwrap_err();
        assert!(err.contains("los woord"), "{err}");
    }
}
