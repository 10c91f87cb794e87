//! Laid-out pages into a PDF/A-2b file with krilla.

use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder, PdfVersion};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};

use crate::fonts::{metrics, Weight};
use crate::layout::{Ink, Page, Run, NBSP, PAGE_HEIGHT, PAGE_WIDTH};
use crate::{Letter, PdfError};

fn failed(what: &str) -> impl Fn(String) -> PdfError + '_ {
    move |why| PdfError::Write(format!("{what}: {why}"))
}

/// The file for `pages` of `letter`.
pub fn pdf(letter: &Letter, pages: &[Page]) -> Result<Vec<u8>, PdfError> {
    let configuration = ConfigurationBuilder::new()
        .with_version(PdfVersion::Pdf17)
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| PdfError::Write(format!("PDF/A-2b: {e:?}")))?;
    let settings = SerializeSettings {
        configuration,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let (year, month, day) = letter.date;
    document.set_metadata(
        Metadata::new()
            .title(letter.title.clone())
            .authors(vec![letter.author.clone()])
            .language("nl-NL".to_owned())
            .creator("subsidie".to_owned())
            .creation_date(DateTime::new(year).month(month).day(day)),
    );
    let regular = font(Weight::Regular)?;
    let bold = font(Weight::Bold)?;
    let size = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| PdfError::Write("paginaformaat".into()))?;
    for page in pages {
        let mut sheet = document.start_page_with(size.clone());
        let mut surface = sheet.surface();
        for rule in &page.rules {
            let rect = Rect::from_xywh(rule.x, rule.y, rule.width, 0.6)
                .ok_or_else(|| PdfError::Write("lijn buiten de pagina".into()))?;
            let mut path = PathBuilder::new();
            path.push_rect(rect);
            if let Some(path) = path.finish() {
                surface.set_fill(Some(fill(Ink::Grey)));
                surface.draw_path(&path);
            }
        }
        for run in &page.runs {
            let font = match run.style.weight {
                Weight::Regular => regular.clone(),
                Weight::Bold => bold.clone(),
            };
            draw(&mut surface, run, font)?;
        }
        surface.finish();
        sheet.finish();
    }
    document
        .finish()
        .map_err(|e| failed("krilla")(format!("{e:?}")))
}

fn font(weight: Weight) -> Result<Font, PdfError> {
    Font::new(weight.data().into(), 0)
        .ok_or_else(|| PdfError::Write("het lettertype is niet te lezen".into()))
}

fn fill(ink: Ink) -> Fill {
    let color = match ink {
        Ink::Black => rgb::Color::new(0, 0, 0),
        Ink::Grey => rgb::Color::new(85, 85, 85),
        Ink::Blue => rgb::Color::new(21, 66, 115),
    };
    Fill {
        paint: color.into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

/// One run, glyph by glyph, each glyph carrying the characters it draws so that the
/// text can be extracted.
fn draw(surface: &mut Surface<'_>, run: &Run, font: Font) -> Result<(), PdfError> {
    let m = metrics(run.style.weight)?;
    // The no-break space kept the words together in layout; read back, it is a space.
    let text = run.text.replace(NBSP, " ");
    let glyphs: Vec<KrillaGlyph> = text
        .char_indices()
        .map(|(at, c)| {
            let placed = m.place(c);
            KrillaGlyph {
                glyph_id: GlyphId::new(placed.glyph),
                text_range: at..at + c.len_utf8(),
                x_advance: placed.advance,
                x_offset: 0.0,
                y_offset: 0.0,
                y_advance: 0.0,
                location: None,
            }
        })
        .collect();
    surface.set_fill(Some(fill(run.style.ink)));
    surface.draw_glyphs(
        Point::from_xy(run.x, run.y),
        &glyphs,
        font,
        &text,
        run.style.size,
        false,
    );
    Ok(())
}
