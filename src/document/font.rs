//! The embedded DejaVu Sans faces: glyph metrics for line breaking and subsetting for embedding.
//!
//! The fonts are compiled into the binary so a document looks the same on every computer and
//! never depends on what the operating system has installed. Licence: `assets/fonts/LICENSE-DejaVu.txt`.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use allsorts::tables::cmap::Cmap;
use allsorts::tables::{FontTableProvider, HeadTable, HheaTable, HmtxTable, MaxpTable};
use allsorts::tag;

const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Shown in place of a character the face has no glyph for, so the gap is visible.
const REPLACEMENT: char = '\u{FFFD}';

/// One of the two embedded faces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    Regular,
    Bold,
}

/// Characters below this code point are looked up in a table instead of the hash map: Latin,
/// Greek, Cyrillic and general punctuation, i.e. nearly every character a shop prints.
const DIRECT: usize = 0x2100;

/// What line breaking needs from a face: the character map and advance widths.
#[derive(Debug)]
pub struct Metrics {
    units_per_em: f32,
    glyphs: HashMap<char, u16>,
    /// `glyphs` for the characters below [`DIRECT`], indexed by code point; 0 = no glyph.
    /// Line breaking measures every character of a long report several times, and hashing
    /// was most of that cost.
    direct: Vec<u16>,
    advances: Vec<u16>,
}

impl Face {
    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR_TTF,
            Face::Bold => BOLD_TTF,
        }
    }

    /// PostScript name written into the PDF (with a subset tag in front).
    pub fn postscript_name(self) -> &'static str {
        match self {
            Face::Regular => "DejaVuSans",
            Face::Bold => "DejaVuSans-Bold",
        }
    }

    /// Parsed once per process; the fonts are compiled in, so parsing cannot fail unless the
    /// asset files were replaced by something that is not a TrueType font (a unit test checks).
    pub fn metrics(self) -> &'static Metrics {
        static REGULAR: OnceLock<Metrics> = OnceLock::new();
        static BOLD: OnceLock<Metrics> = OnceLock::new();
        let cell = match self {
            Face::Regular => &REGULAR,
            Face::Bold => &BOLD,
        };
        cell.get_or_init(|| {
            Metrics::parse(self.bytes()).expect("embedded DejaVu font is a valid TrueType font")
        })
    }

    /// `text` with every character this face cannot draw replaced: tabs become spaces, other
    /// control characters are dropped, anything without a glyph becomes U+FFFD.
    pub fn drawable(self, text: &str) -> String {
        let metrics = self.metrics();
        text.chars()
            .filter_map(|c| match c {
                '\t' => Some(' '),
                c if c.is_control() => None,
                c if metrics.glyph(c) != 0 => Some(c),
                _ => Some(REPLACEMENT),
            })
            .collect()
    }

    /// A copy of the face that holds only the glyphs for `chars` (plus `.notdef`), with its own
    /// Unicode cmap, so a one-page document embeds kilobytes instead of the whole font.
    ///
    /// Taken from the face's [`Common`] subset when that has every character: allsorts reads
    /// the whole glyph, cmap and post tables of its source on each call, which for the full
    /// 6,000-glyph face was most of the subsetting time of a one-page certificate.
    pub fn subset(self, chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
        let full = self.metrics();
        let drawn = chars.iter().filter(|c| full.glyph(**c) != 0);
        match self.common() {
            Some(common) if drawn.clone().all(|c| common.metrics.glyph(*c) != 0) => {
                subset_of(&common.bytes, &common.metrics, chars)
            }
            _ => subset_of(self.bytes(), full, chars),
        }
    }

    /// The face cut down to [`COMMON_RANGES`], made once per process; `None` if that failed
    /// (documents then subset the full face).
    fn common(self) -> Option<&'static Common> {
        static REGULAR: OnceLock<Option<Common>> = OnceLock::new();
        static BOLD: OnceLock<Option<Common>> = OnceLock::new();
        let cell = match self {
            Face::Regular => &REGULAR,
            Face::Bold => &BOLD,
        };
        cell.get_or_init(|| {
            let chars: BTreeSet<char> = COMMON_RANGES
                .iter()
                .flat_map(|r| r.clone())
                .filter_map(char::from_u32)
                .collect();
            let bytes = subset_of(self.bytes(), self.metrics(), &chars).ok()?;
            let metrics = Metrics::parse(&bytes).ok()?;
            Some(Common { bytes, metrics })
        })
        .as_ref()
    }
}

/// Characters nearly every document draws from: Latin (with Latin-1 and Extended-A/B), general
/// punctuation, currency and letterlike symbols, arrows, mathematical operators, U+FFFD.
const COMMON_RANGES: [std::ops::RangeInclusive<u32>; 7] = [
    0x20..=0x24F,
    0x2000..=0x206F,
    0x20A0..=0x20CF,
    0x2100..=0x214F,
    0x2190..=0x21FF,
    0x2200..=0x22FF,
    0xFFFD..=0xFFFD,
];

/// A face cut down to [`COMMON_RANGES`]: a few hundred glyphs, from which a document's subset
/// is taken much faster than from the full face.
#[derive(Debug)]
struct Common {
    bytes: Vec<u8>,
    metrics: Metrics,
}

/// Subsets the font `bytes` (whose character map `metrics` describes) to `chars`.
fn subset_of(bytes: &[u8], metrics: &Metrics, chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    let used: BTreeSet<u16> = chars
        .iter()
        .map(|c| metrics.glyph(*c))
        .filter(|gid| *gid != 0)
        .collect();
    // allsorts requires .notdef first and no duplicates.
    let ids: Vec<u16> = std::iter::once(0).chain(used).collect();
    let file = ReadScope::new(bytes)
        .read::<FontData<'_>>()
        .map_err(|e| e.to_string())?;
    let provider = file.table_provider(0).map_err(|e| e.to_string())?;
    subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).map_err(|e| e.to_string())
}

impl Metrics {
    fn parse(bytes: &[u8]) -> Result<Self, String> {
        let file = ReadScope::new(bytes)
            .read::<FontData<'_>>()
            .map_err(|e| e.to_string())?;
        let provider = file.table_provider(0).map_err(|e| e.to_string())?;
        let table = |t: u32| provider.read_table_data(t).map_err(|e| e.to_string());

        let head_data = table(tag::HEAD)?;
        let head = ReadScope::new(&head_data)
            .read::<HeadTable>()
            .map_err(|e| e.to_string())?;
        let maxp_data = table(tag::MAXP)?;
        let maxp = ReadScope::new(&maxp_data)
            .read::<MaxpTable>()
            .map_err(|e| e.to_string())?;
        let hhea_data = table(tag::HHEA)?;
        let hhea = ReadScope::new(&hhea_data)
            .read::<HheaTable>()
            .map_err(|e| e.to_string())?;

        let hmtx_data = table(tag::HMTX)?;
        let hmtx = ReadScope::new(&hmtx_data)
            .read_dep::<HmtxTable<'_>>((usize::from(maxp.num_glyphs), usize::from(hhea.num_h_metrics)))
            .map_err(|e| e.to_string())?;
        let advances = (0..maxp.num_glyphs)
            .map(|gid| hmtx.horizontal_advance(gid).unwrap_or(0))
            .collect();

        let cmap_data = table(tag::CMAP)?;
        let cmap = ReadScope::new(&cmap_data)
            .read::<Cmap<'_>>()
            .map_err(|e| e.to_string())?;
        let (_, subtable) = allsorts::font::read_cmap_subtable(&cmap)
            .map_err(|e| e.to_string())?
            .ok_or("font has no Unicode cmap")?;
        let mut glyphs = HashMap::new();
        subtable
            .mappings_fn(|code, gid| {
                if let Some(c) = char::from_u32(code) {
                    if gid != 0 {
                        glyphs.insert(c, gid);
                    }
                }
            })
            .map_err(|e| e.to_string())?;

        let mut direct = vec![0; DIRECT];
        for (c, gid) in &glyphs {
            if let Some(slot) = direct.get_mut(*c as usize) {
                *slot = *gid;
            }
        }
        Ok(Metrics {
            units_per_em: f32::from(head.units_per_em),
            glyphs,
            direct,
            advances,
        })
    }

    /// Glyph id of `c`; 0 (`.notdef`) when the face has none.
    fn glyph(&self, c: char) -> u16 {
        match self.direct.get(c as usize) {
            Some(gid) => *gid,
            None => self.glyphs.get(&c).copied().unwrap_or(0),
        }
    }

    /// Advance width of `c` in font units (that of `.notdef` when the face has no glyph).
    pub fn advance(&self, c: char) -> u32 {
        u32::from(
            self.advances
                .get(usize::from(self.glyph(c)))
                .copied()
                .unwrap_or(0),
        )
    }

    /// `units` font units at `size` points, in points.
    pub fn scaled(&self, units: u32, size: f32) -> f32 {
        units as f32 * size / self.units_per_em
    }

    /// Advance width of `text` at `size` points, in points (no kerning: the PDF is written
    /// without it either, so measuring and drawing agree).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.scaled(text.chars().map(|c| self.advance(c)).sum(), size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_faces_parse_and_cover_nordic_letters() {
        for face in [Face::Regular, Face::Bold] {
            let m = face.metrics();
            for c in "æøåÆØÅäöÄÖé€".chars() {
                assert!(
                    m.glyphs.contains_key(&c),
                    "{face:?} must draw {c}: documents are Norwegian/Swedish"
                );
            }
            assert!(
                m.glyphs.contains_key(&REPLACEMENT),
                "{face:?} must have U+FFFD to mark missing glyphs"
            );
        }
    }

    #[test]
    fn widths_follow_the_font_not_a_guess() {
        let m = Face::Regular.metrics();
        let narrow = m.width("iiii", 10.0);
        let wide = m.width("WWWW", 10.0);
        assert!(
            wide > 2.0 * narrow,
            "W must measure much wider than i ({wide} vs {narrow})"
        );
        let double = m.width("abc", 20.0);
        assert!(
            (double - 2.0 * m.width("abc", 10.0)).abs() < 1e-3,
            "width must scale with size"
        );
        assert!(
            Face::Bold.metrics().width("Skranke", 10.0) > m.width("Skranke", 10.0),
            "bold text is wider, or bold lines would overflow"
        );
    }

    #[test]
    fn undrawable_characters_are_made_visible_not_lost() {
        assert_eq!(
            Face::Regular.drawable("a\tb\u{7}c"),
            "a bc",
            "tab is a space, bell is dropped"
        );
        assert_eq!(
            Face::Regular.drawable("x\u{10FFFD}y"),
            "x\u{FFFD}y",
            "a character without a glyph must show as U+FFFD"
        );
    }

    #[test]
    fn characters_outside_the_common_set_still_get_their_glyphs() {
        for face in [Face::Regular, Face::Bold] {
            let common = face.common().expect("the common subset builds");
            assert!(
                common.metrics.glyph('ø') != 0 && common.metrics.glyph('–') != 0,
                "{face:?}: Nordic letters and dashes are in the common set"
            );
            assert_eq!(
                common.metrics.glyph('Ж'),
                0,
                "Cyrillic is outside the common set, so this test takes the other path"
            );
            let chars: BTreeSet<char> = "Kari Жø".chars().collect();
            let bytes = face.subset(&chars).expect("subset from the full face");
            let sub = Metrics::parse(&bytes).expect("the subset is a valid font");
            for c in ['K', 'Ж', 'ø'] {
                assert!(sub.glyph(c) != 0, "{face:?}: subset must map {c}");
                assert_eq!(
                    sub.advance(c),
                    face.metrics().advance(c),
                    "{face:?}: {c} keeps its width"
                );
            }
        }
    }

    #[test]
    fn subset_is_small_and_keeps_a_unicode_cmap() {
        let chars: BTreeSet<char> = "Kari Nordmann æøå".chars().collect();
        let bytes = Face::Regular
            .subset(&chars)
            .expect("subsetting the embedded font works");
        assert!(
            bytes.len() < 40_000,
            "subset must be far smaller than the 760 KB font, got {}",
            bytes.len()
        );
        let sub = Metrics::parse(&bytes).expect("the subset is itself a valid font");
        for c in chars.iter().filter(|c| **c != ' ') {
            assert!(sub.glyphs.contains_key(c), "subset cmap must still map {c}");
            assert_eq!(
                sub.advance(*c),
                Face::Regular.metrics().advance(*c),
                "{c} must keep its width through the common subset"
            );
        }
        assert!(!sub.glyphs.contains_key(&'Q'), "unused glyphs must be gone");
    }
}
