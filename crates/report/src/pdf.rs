//! Laid-out pages to PDF bytes. Each face is embedded as a subset (only the glyphs the report
//! uses) in a Type 0 font with Identity-H encoding, with a ToUnicode map so readers and
//! `pdftotext` get the text back. The output is deterministic: no dates, no random ids.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, LineJoinStyle, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use crate::font::{Face, Fonts};
use crate::layout::{Item, Page, PAGE_HEIGHT, PAGE_WIDTH};
use crate::ReportError;

/// Glyphs used from one face: the subset's numbering, and a character for each glyph.
struct Used {
    remapper: GlyphRemapper,
    unicode: BTreeMap<u16, char>,
}

fn collect_glyphs(pages: &[Page], fonts: &Fonts) -> [Used; 2] {
    let mut used = Face::ALL.map(|_| Used {
        remapper: GlyphRemapper::new(),
        unicode: BTreeMap::new(),
    });
    for item in pages.iter().flat_map(|p| &p.items) {
        if let Item::Text { face, text, .. } = item {
            let u = &mut used[face.index()];
            let font = fonts.get(*face);
            for c in text.chars() {
                let new = u.remapper.remap(font.glyph(c).0);
                u.unicode.entry(new).or_insert(c);
            }
        }
    }
    used
}

/// A subset tag (six capitals, as PDF asks) derived from the glyphs, so it is stable.
fn subset_tag(face: Face, used: &Used) -> String {
    let mut h: u32 = 2166136261 ^ face.index() as u32;
    for (g, c) in &used.unicode {
        h = (h ^ u32::from(*g) ^ (*c as u32)).wrapping_mul(16777619);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8))
        .collect()
}

struct Refs {
    next: i32,
}

impl Refs {
    fn alloc(&mut self) -> Ref {
        self.next += 1;
        Ref::new(self.next)
    }
}

pub fn write(pages: &[Page], fonts: &Fonts, title: &str) -> Result<Vec<u8>, ReportError> {
    let used = collect_glyphs(pages, fonts);
    let mut pdf = Pdf::new();
    let mut refs = Refs { next: 0 };
    let catalog = refs.alloc();
    let tree = refs.alloc();
    let info = refs.alloc();
    pdf.catalog(catalog).pages(tree);
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("Roundbook"));

    let mut font_refs = vec![];
    for face in Face::ALL {
        font_refs.push(write_font(
            &mut pdf,
            &mut refs,
            fonts,
            face,
            &used[face.index()],
        )?);
    }

    let page_refs: Vec<(Ref, Ref)> = pages.iter().map(|_| (refs.alloc(), refs.alloc())).collect();
    pdf.pages(tree)
        .kids(page_refs.iter().map(|(p, _)| *p))
        .count(pages.len() as i32);
    for (page, (page_ref, content_ref)) in pages.iter().zip(&page_refs) {
        let mut p = pdf.page(*page_ref);
        p.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        p.parent(tree);
        p.contents(*content_ref);
        let mut resources = p.resources();
        let mut f = resources.fonts();
        for face in Face::ALL {
            f.pair(font_name(face), font_refs[face.index()]);
        }
        f.finish();
        resources.finish();
        p.finish();
        let content = content(page, fonts, &used);
        pdf.stream(*content_ref, &content);
    }
    Ok(pdf.finish())
}

fn font_name(face: Face) -> Name<'static> {
    match face {
        Face::Regular => Name(b"F1"),
        Face::Bold => Name(b"F2"),
    }
}

fn write_font(
    pdf: &mut Pdf,
    refs: &mut Refs,
    fonts: &Fonts,
    face: Face,
    used: &Used,
) -> Result<Ref, ReportError> {
    let font = fonts.get(face);
    let type0 = refs.alloc();
    let cid = refs.alloc();
    let descriptor = refs.alloc();
    let file = refs.alloc();
    let cmap_ref = refs.alloc();
    let base = format!("{}+{}", subset_tag(face, used), face.postscript_name());
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };

    pdf.type0_font(type0)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap_ref);

    // Widths in the subset's numbering: new glyph n is old glyph remapped_gids()[n].
    let widths: Vec<f32> = used
        .remapper
        .remapped_gids()
        .map(|old| font.advance(ttf_parser::GlyphId(old)))
        .collect();
    let mut c = pdf.cid_font(cid);
    c.subtype(CidFontType::Type2)
        .base_font(Name(base.as_bytes()))
        .system_info(system)
        .font_descriptor(descriptor)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    c.widths().consecutive(0, widths);
    c.finish();

    let p = &font.parsed;
    let bbox = p.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(Name(base.as_bytes()))
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            font.to_glyph_space(bbox.x_min),
            font.to_glyph_space(bbox.y_min),
            font.to_glyph_space(bbox.x_max),
            font.to_glyph_space(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(font.to_glyph_space(p.ascender()))
        .descent(font.to_glyph_space(p.descender()))
        .cap_height(font.to_glyph_space(p.capital_height().unwrap_or(p.ascender())))
        .stem_v(if face == Face::Bold { 140.0 } else { 80.0 })
        .font_file2(file);

    let subset = subsetter::subset(font.data, 0, &used.remapper)
        .map_err(|e| ReportError::Font(format!("subsetting {}: {e:?}", face.postscript_name())))?;
    pdf.stream(file, &subset);

    let mut cmap = UnicodeCmap::new(Name(b"Custom"), system);
    for (g, ch) in &used.unicode {
        cmap.pair(*g, *ch);
    }
    pdf.cmap(cmap_ref, cmap.finish().as_slice());
    Ok(type0)
}

fn content(page: &Page, fonts: &Fonts, used: &[Used; 2]) -> Vec<u8> {
    let mut c = Content::new();
    c.set_line_join(LineJoinStyle::RoundJoin);
    // Page coordinates are y-down from the top; PDF's are y-up from the bottom.
    let flip = |y: f32| PAGE_HEIGHT - y;
    for item in &page.items {
        match item {
            Item::Text {
                x,
                y,
                size,
                face,
                color,
                text,
            } => {
                let font = fonts.get(*face);
                let u = &used[face.index()];
                let mut bytes = Vec::with_capacity(text.len() * 2);
                for ch in text.chars() {
                    let new = u.remapper.get(font.glyph(ch).0).unwrap_or(0);
                    bytes.extend_from_slice(&new.to_be_bytes());
                }
                c.set_fill_rgb(color.0, color.1, color.2);
                c.begin_text();
                c.set_font(font_name(*face), *size);
                c.next_line(*x, flip(*y));
                c.show(Str(&bytes));
                c.end_text();
            }
            Item::Line {
                points,
                width,
                color,
            } => {
                let Some(first) = points.first() else {
                    continue;
                };
                c.set_stroke_rgb(color.0, color.1, color.2);
                c.set_line_width(*width);
                c.move_to(first.0, flip(first.1));
                for p in &points[1..] {
                    c.line_to(p.0, flip(p.1));
                }
                c.stroke();
            }
            Item::Fill { points, color } => {
                let Some(first) = points.first() else {
                    continue;
                };
                c.set_fill_rgb(color.0, color.1, color.2);
                c.move_to(first.0, flip(first.1));
                for p in &points[1..] {
                    c.line_to(p.0, flip(p.1));
                }
                c.close_path();
                c.fill_nonzero();
            }
            Item::Clip { x, y, w, h } => {
                c.save_state();
                c.rect(*x, flip(y + h), *w, *h);
                c.clip_nonzero();
                c.end_path();
            }
            Item::EndClip => {
                c.restore_state();
            }
        }
    }
    c.finish().into_vec()
}
