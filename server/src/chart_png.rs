//! The charts the server draws as SVG, as PNG pictures for documents (the .docx 通报): laid
//! out and rasterised by `resvg` with the machine's fonts. Chinese labels need a font that has
//! Chinese glyphs (the scripts install `fonts-wqy-zenhei`); without one the pictures are left
//! out rather than drawn with empty labels, and the document says so.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use resvg::usvg::{self, fontdb};

/// A rasterised chart.
#[derive(Debug, Clone)]
pub struct Png {
    pub bytes: Vec<u8>,
    /// Pixels.
    pub width: u32,
    pub height: u32,
}

/// The system's fonts, loaded once, with the generic sans-serif family set to a face that can
/// draw Chinese; `None` when no installed face can.
fn fonts() -> Option<Arc<fontdb::Database>> {
    static FONTS: OnceLock<Option<Arc<fontdb::Database>>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            let family = chinese_family(&db);
            match family {
                Some(f) => {
                    db.set_sans_serif_family(f);
                    Some(Arc::new(db))
                }
                None => {
                    tracing::warn!(
                        faces = db.len(),
                        "no installed font draws Chinese (e.g. apt-get install fonts-wqy-zenhei): \
                         documents are written without chart pictures"
                    );
                    None
                }
            }
        })
        .clone()
}

/// The family of the first face that has a glyph for 衢 (the city's name).
fn chinese_family(db: &fontdb::Database) -> Option<String> {
    db.faces().find_map(|face| {
        let draws = db
            .with_face_data(face.id, |data, index| {
                ttf_parser::Face::parse(data, index)
                    .ok()
                    .and_then(|f| f.glyph_index('衢'))
                    .is_some()
            })
            .unwrap_or(false);
        if draws {
            face.families.first().map(|(name, _)| name.clone())
        } else {
            None
        }
    })
}

/// Whether charts can be drawn with Chinese labels on this machine.
pub fn available() -> bool {
    fonts().is_some()
}

/// `svg` drawn at `scale` times its size. `Ok(None)` when no font can draw Chinese.
pub fn png(svg: &str, scale: f32) -> Result<Option<Png>, String> {
    let Some(db) = fonts() else {
        return Ok(None);
    };
    let options = usvg::Options {
        fontdb: db,
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| format!("svg: {e}"))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or("svg size")?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("an empty chart")?;
    // White paper behind the chart (a transparent picture prints grey in some viewers).
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let bytes = pixmap.encode_png().map_err(|e| format!("png: {e}"))?;
    Ok(Some(Png {
        bytes,
        width: size.width(),
        height: size.height(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_drawn_with_its_chinese_labels() {
        if !available() {
            // The scripts install a Chinese font; a machine without one must say so loudly.
            assert!(
                std::env::var_os("SANZHI_REQUIRE_OFFICE").is_none(),
                "no Chinese font installed (fonts-wqy-zenhei)"
            );
            return;
        }
        let svg = |label: &str| {
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60" viewBox="0 0 200 60">
                <text x="10" y="40" font-family="sans-serif" font-size="30" fill="black">{label}</text></svg>"#
            )
        };
        let with = png(&svg("衢州柯城"), 2.0).expect("drawn").expect("fonts");
        assert_eq!((with.width, with.height), (400, 120));
        assert!(with.bytes.starts_with(&[137, 80, 78, 71]));
        // The label is drawn: dark pixels where the glyphs are, none without a label.
        let dark = |p: &Png| {
            let map = tiny_skia::Pixmap::decode_png(&p.bytes).expect("png");
            map.pixels().iter().filter(|c| c.red() < 128).count()
        };
        assert!(dark(&with) > 500, "{} dark pixels", dark(&with));
        let empty = png(&svg(""), 2.0).expect("drawn").expect("fonts");
        assert_eq!(dark(&empty), 0);
        assert!(png("<svg", 1.0).is_err());
    }
}
