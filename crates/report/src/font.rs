//! The report's typeface: Liberation Sans (SIL Open Font License 1.1, assets/fonts), compiled
//! into the binary so the report needs no system font and looks the same everywhere.
//!
//! Text is laid out glyph by glyph from the font's own advance widths (no kerning or
//! ligatures: the report is Latin text and figures, where a table's digits must line up).

use ttf_parser::{Face as Parsed, GlyphId};

use crate::ReportError;

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/LiberationSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/LiberationSans-Bold.ttf");

/// Which of the two embedded faces a piece of text uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
}

impl Face {
    pub const ALL: [Face; 2] = [Face::Regular, Face::Bold];

    pub fn index(self) -> usize {
        match self {
            Face::Regular => 0,
            Face::Bold => 1,
        }
    }

    pub fn postscript_name(self) -> &'static str {
        match self {
            Face::Regular => "LiberationSans",
            Face::Bold => "LiberationSans-Bold",
        }
    }
}

/// One parsed face and its raw bytes (for subsetting).
pub struct Font {
    pub data: &'static [u8],
    pub parsed: Parsed<'static>,
    pub units_per_em: f32,
}

impl Font {
    fn load(data: &'static [u8]) -> Result<Font, ReportError> {
        let parsed = Parsed::parse(data, 0)
            .map_err(|e| ReportError::Font(format!("the embedded font does not parse: {e}")))?;
        let units_per_em = f32::from(parsed.units_per_em());
        Ok(Font {
            data,
            parsed,
            units_per_em,
        })
    }

    /// The glyph for a character; a character the font lacks is drawn as '?', visibly.
    pub fn glyph(&self, c: char) -> GlyphId {
        self.parsed
            .glyph_index(c)
            .or_else(|| self.parsed.glyph_index('?'))
            .unwrap_or(GlyphId(0))
    }

    /// Advance width of a glyph in thousandths of the font size (PDF's glyph space).
    pub fn advance(&self, g: GlyphId) -> f32 {
        f32::from(self.parsed.glyph_hor_advance(g).unwrap_or(0)) * 1000.0 / self.units_per_em
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// Scales a font-unit metric to PDF glyph space.
    pub fn to_glyph_space(&self, v: i16) -> f32 {
        f32::from(v) * 1000.0 / self.units_per_em
    }
}

/// Both faces.
pub struct Fonts {
    faces: [Font; 2],
}

impl Fonts {
    pub fn embedded() -> Result<Fonts, ReportError> {
        Ok(Fonts {
            faces: [Font::load(REGULAR)?, Font::load(BOLD)?],
        })
    }

    pub fn get(&self, face: Face) -> &Font {
        &self.faces[face.index()]
    }

    pub fn width(&self, face: Face, text: &str, size: f32) -> f32 {
        self.get(face).width(text, size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_faces_cover_the_report_characters_and_digits_line_up() {
        let fonts = Fonts::embedded().unwrap();
        for face in Face::ALL {
            let f = fonts.get(face);
            for c in "0123456789$€£,.%-()xAIé".chars() {
                assert!(f.parsed.glyph_index(c).is_some(), "{face:?} lacks {c}");
            }
            // Tabular figures: every digit has the same advance, so right-aligned columns line up.
            let w0 = f.width("0", 10.0);
            for d in '1'..='9' {
                assert!((f.width(&d.to_string(), 10.0) - w0).abs() < 1e-3);
            }
        }
        // Bold is wider than regular for the same text.
        assert!(
            fonts.width(Face::Bold, "Series B", 10.0)
                > fonts.width(Face::Regular, "Series B", 10.0)
        );
    }
}
