//! The two embedded styles of Liberation Sans and what layout needs of them: which glyph
//! draws a character, and how wide it is.

use std::sync::OnceLock;

use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::raw::TableProvider;
use skrifa::{FontRef, MetadataProvider};

use crate::PdfError;

const REGULAR: &[u8] = include_bytes!("../fonts/LiberationSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/LiberationSans-Bold.ttf");

/// The weight of a run of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    /// Body text.
    Regular,
    /// Headings and labels.
    Bold,
}

impl Weight {
    /// The font file.
    pub fn data(self) -> &'static [u8] {
        match self {
            Weight::Regular => REGULAR,
            Weight::Bold => BOLD,
        }
    }
}

/// One placed glyph: its id, and its advance in ems.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    /// The glyph.
    pub glyph: u32,
    /// Its advance, in ems (times the size gives points).
    pub advance: f32,
}

/// What layout reads of one font: the glyph and width of each character.
pub struct Metrics {
    font: FontRef<'static>,
    glyphs: GlyphMetrics<'static>,
    units_per_em: f32,
    fallback: u32,
}

impl Metrics {
    fn new(data: &'static [u8]) -> Result<Metrics, PdfError> {
        let font = FontRef::new(data)
            .map_err(|e| PdfError::Write(format!("lettertype onleesbaar: {e}")))?;
        let glyphs = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let units_per_em = f32::from(font.head().map(|h| h.units_per_em()).unwrap_or(2048));
        let fallback = font
            .charmap()
            .map('?')
            .map(|g| g.to_u32())
            .ok_or_else(|| PdfError::Write("lettertype zonder '?'".into()))?;
        Ok(Metrics {
            font,
            glyphs,
            units_per_em,
            fallback,
        })
    }

    /// The glyph for `c`, or the question mark's when the font has none (PDF/A forbids
    /// drawing the empty `.notdef` glyph).
    pub fn place(&self, c: char) -> Placed {
        let glyph = self
            .font
            .charmap()
            .map(c)
            .map(|g| g.to_u32())
            .filter(|g| *g != 0)
            .unwrap_or(self.fallback);
        let units = self
            .glyphs
            .advance_width(skrifa::GlyphId::new(glyph))
            .unwrap_or(0.0);
        Placed {
            glyph,
            advance: units / self.units_per_em,
        }
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.place(c).advance).sum::<f32>() * size
    }
}

/// The metrics of a weight, read once per process.
pub fn metrics(weight: Weight) -> Result<&'static Metrics, PdfError> {
    static REGULAR_METRICS: OnceLock<Result<Metrics, PdfError>> = OnceLock::new();
    static BOLD_METRICS: OnceLock<Result<Metrics, PdfError>> = OnceLock::new();
    let cell = match weight {
        Weight::Regular => &REGULAR_METRICS,
        Weight::Bold => &BOLD_METRICS,
    };
    cell.get_or_init(|| Metrics::new(weight.data()))
        .as_ref()
        .map_err(Clone::clone)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_font_has_the_letters_of_a_dutch_letter() {
        let m = metrics(Weight::Regular).unwrap();
        let question = m.place('?').glyph;
        for c in "€ëéïöüáàĳ–—‘’“”§".chars() {
            assert_ne!(m.place(c).glyph, question, "{c} missing");
        }
        assert_eq!(m.place('\u{1F600}').glyph, question);
        assert!(m.width("€ 1.234,56", 10.0) > 30.0);
        assert!(metrics(Weight::Bold).unwrap().width("W", 10.0) > 0.0);
    }
}
