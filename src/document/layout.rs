//! A small layout layer over printpdf: documents describe their content (header, title, fields,
//! tables, signatures) and this module turns it into positioned text and rules on A4 pages or on
//! one continuous 80 mm thermal-roll page.
//!
//! Layout happens first, into positioned items per page; the PDF is written in `finish`, when the
//! page count (for "1 / 3" footers) and the roll's height are known.
//!
//! Fonts: DejaVu Sans and DejaVu Sans Bold are compiled in (`super::font`). Before writing, each
//! face is subset to the characters the document uses (allsorts, the subsetter printpdf itself
//! uses), so printpdf runs without its `text_layout`/`html` features yet embeds only kilobytes.
//!
//! Pages: printpdf writes the document, the page objects and the fonts (with `/W` and
//! `/ToUnicode`); each page's content stream is then built with lopdf's content model
//! (`PageOps`) and compressed at a faster zlib level, on several threads for long documents.
//! printpdf's own content writer handled every character one at a time and was over half the
//! time of a 158-page access report (see `PageOps` and docs/benchmarks.md).
//!
//! PDF/A-2b: printpdf 0.12.8 cannot produce it by itself (read in its `conformance.rs` and
//! `serialize.rs`):
//! - `PdfConformance::A2B_2011_PDF_1_7` writes no XMP metadata at all (`must_have_xmp_metadata()`
//!   is true only for PDF/X and custom profiles); its XMP template has no `pdfaid:part` /
//!   `pdfaid:conformance` and writes dates as `D:2024-01-01T..+00'00'`, which is not XMP syntax;
//! - its output intent is always `/S /GTS_PDFX` with the CMYK FOGRA39 profile (about 650 KB), never
//!   `/S /GTS_PDFA1`;
//! - it writes no catalog `/Lang`, and its Info dictionary carries empty `Subject`/`Keywords` and a
//!   `GTS_PDFXVersion`, which the XMP would have to mirror.
//!
//! So `finish` takes printpdf's lopdf document (`PdfDocument::to_lopdf_document`) and completes
//! it with lopdf's object API (`archival` in `layout/pdf.rs`): the catalog `/Lang`; an Info dictionary and an
//! uncompressed XMP packet that say the same thing (title, author, subject, dates, creator tool,
//! producer) and identify the file as PDF/A-2b; a `/GTS_PDFA1` output intent with the sRGB
//! IEC61966-2.1 profile (Zlib licence, from Debian's icc-profiles-free, `assets/icc/`). Content
//! is DeviceGray only, fonts are embedded subsets with `/W` taken from the font's own `hmtx`,
//! there is no transparency, encryption, JavaScript or annotation. NOT done: a run of a PDF/A
//! validator (veraPDF is not installable here: it is Java from Maven/GitHub), so the claim is
//! checked with `qpdf --check` and by reading the metadata back in the tests, not certified.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use lopdf::content::{Content, Operation};
use lopdf::{Object, StringFormat};
use printpdf::{
    Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Pt,
    TextItem,
};
use qrcode::{EcLevel, QrCode};

use super::font::Face;

mod pdf;
use pdf::write_pdf;

/// Points per millimetre (PDF user space is in points, 1/72 inch).
const PT_PER_MM: f32 = 72.0 / 25.4;
/// DejaVu Sans cap height as a fraction of the font size; used to centre text in its line box.
const CAP_HEIGHT: f32 = 0.73;
/// Written into the PDF as the creating application.
const CREATOR: &str = "Skranke";
/// Names the Skranke version, so a document handed out years ago says which release wrote it.
const PRODUCER: &str = concat!(
    "Skranke ",
    env!("CARGO_PKG_VERSION"),
    " (printpdf 0.12 + lopdf 0.44)"
);
/// sRGB output intent profile for PDF/A (6922 bytes; Zlib licence, see assets/icc/LICENSE-sRGB.txt).
const SRGB_ICC: &[u8] = include_bytes!("../../assets/icc/sRGB.icc");

fn mm(v: f32) -> f32 {
    v * PT_PER_MM
}

/// Paper the document is laid out for; shells name it `a4` or `roll80`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Paper {
    /// 210 × 297 mm with margins; content flows over as many pages as it needs.
    A4,
    /// 80 mm thermal roll (72 mm printable): one page whose height fits the content.
    Roll80,
}

/// Document properties written into the PDF's Info dictionary and XMP metadata.
#[derive(Clone, Debug)]
pub struct Meta {
    pub title: String,
    /// The shop that issues the document.
    pub author: String,
    /// Optional one-line description; empty means none.
    pub subject: String,
    /// BCP 47 language tag of the content, e.g. "nb-NO", "sv-SE", "en".
    pub language: String,
    pub created: DateTime<Utc>,
    /// Info `/Keywords` and XMP `pdf:Keywords`; empty means none. Signed certificates carry
    /// their canonical content here, where it survives copying and printing to file.
    pub keywords: String,
}

/// The issuing shop, printed at the top of the first page. The caller supplies finished,
/// translated strings (e.g. "Org.nr. 912 345 678"); this module adds no words of its own.
#[derive(Clone, Debug, Default)]
pub struct ShopHeader {
    pub name: String,
    pub org_number: String,
    pub address_lines: Vec<String>,
    pub contact: Vec<String>,
}

/// Why a document could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    #[error("font subsetting failed: {0}")]
    Font(String),
    #[error("QR code cannot hold this text: {0}")]
    Qr(String),
    #[error("PDF writing failed: {0}")]
    Pdf(String),
}

/// Sizes and spacing of one paper kind, in points. Grey levels: 0 = black, 1 = white.
#[derive(Clone, Copy, Debug)]
struct Theme {
    page_width: f32,
    /// `None` for the roll, whose height is computed from the content.
    page_height: Option<f32>,
    margin_x: f32,
    margin_top: f32,
    margin_bottom: f32,
    leading: f32,
    body: f32,
    small: f32,
    label: f32,
    title: f32,
    heading: f32,
    shop_name: f32,
    shop_line: f32,
    code: f32,
    table: f32,
    table_head: f32,
    footer: f32,
    /// Grey of labels and secondary text. Black on thermal paper, which cannot print grey.
    muted: f32,
    /// Grey of thin rules.
    rule: f32,
    /// Background shade of table headers and the code box; none on thermal paper.
    fill: Option<f32>,
    /// Roll: header, title and signatures are centred.
    centered: bool,
    block_gap: f32,
    heading_gap: f32,
    signature_space: f32,
    qr_size: f32,
}

impl Theme {
    fn for_paper(paper: Paper) -> Theme {
        match paper {
            Paper::A4 => Theme {
                page_width: mm(210.0),
                page_height: Some(mm(297.0)),
                margin_x: mm(20.0),
                margin_top: mm(16.0),
                margin_bottom: mm(22.0),
                leading: 1.42,
                body: 9.5,
                small: 8.0,
                label: 8.5,
                title: 18.0,
                heading: 11.0,
                shop_name: 15.0,
                shop_line: 8.5,
                code: 17.0,
                table: 9.0,
                table_head: 8.0,
                footer: 7.5,
                muted: 0.42,
                rule: 0.55,
                fill: Some(0.94),
                centered: false,
                block_gap: 7.0,
                heading_gap: 12.0,
                signature_space: mm(16.0),
                qr_size: mm(24.0),
            },
            Paper::Roll80 => Theme {
                page_width: mm(80.0),
                page_height: None,
                margin_x: mm(4.0),
                margin_top: mm(4.0),
                margin_bottom: mm(8.0),
                leading: 1.35,
                body: 8.0,
                small: 7.0,
                label: 7.0,
                title: 11.0,
                heading: 8.5,
                shop_name: 11.5,
                shop_line: 7.5,
                code: 12.0,
                table: 7.5,
                table_head: 7.0,
                footer: 6.5,
                muted: 0.0,
                rule: 0.0,
                fill: None,
                centered: true,
                block_gap: 4.5,
                heading_gap: 7.0,
                signature_space: mm(12.0),
                qr_size: mm(30.0),
            },
        }
    }
}

/// Face, size, colour and letter spacing of a run of text.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Font {
    face: Face,
    size: f32,
    grey: f32,
    /// Extra space after every glyph, in points (PDF `Tc`).
    tracking: f32,
}

impl Font {
    fn new(face: Face, size: f32, grey: f32) -> Font {
        Font {
            face,
            size,
            grey,
            tracking: 0.0,
        }
    }

    /// Drawn width of `text` (tracking after the last glyph does not count).
    fn width(&self, text: &str) -> f32 {
        let metrics = self.face.metrics();
        let (units, chars) = text
            .chars()
            .fold((0, 0), |(u, n), c| (u + metrics.advance(c), n + 1));
        self.measure(units, chars)
    }

    /// Drawn width of `chars` characters whose advances add up to `units` font units; the
    /// same value as [`Font::width`] of that text, so line breaking can add up words instead
    /// of measuring every candidate line again.
    fn measure(&self, units: u32, chars: usize) -> f32 {
        self.face.metrics().scaled(units, self.size) + self.tracking * (chars as f32 - 1.0).max(0.0)
    }

    /// Baseline of a line of this font centred in a line box starting at `top`.
    fn baseline(&self, top: f32, line_height: f32) -> f32 {
        top + (line_height + CAP_HEIGHT * self.size) / 2.0
    }
}

/// A line of the shop header: text, font, line height.
type HeaderLine = (String, Font, f32);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Align {
    Left,
    Center,
    Right,
}

/// Something drawn on a page. `y` values are measured down from the top of the page, because
/// the roll's height (and so the PDF's bottom-up coordinates) is only known at the end.
#[derive(Clone, Debug)]
enum Item {
    Text {
        x: f32,
        baseline: f32,
        text: String,
        font: Font,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        grey: f32,
    },
    Rect {
        x: f32,
        top: f32,
        width: f32,
        height: f32,
        fill: Option<f32>,
        stroke: Option<f32>,
    },
}

/// Builds a document block by block; `finish` writes the PDF.
#[derive(Debug)]
pub struct Layout {
    theme: Theme,
    meta: Meta,
    pages: Vec<Vec<Item>>,
    /// Where the next block starts, from the top of the current page.
    y: f32,
    /// Nothing placed on the current page yet (spacing before a block is dropped there).
    fresh: bool,
    footer: Option<String>,
}

impl Layout {
    pub fn new(paper: Paper, meta: Meta) -> Layout {
        let theme = Theme::for_paper(paper);
        Layout {
            theme,
            meta,
            pages: vec![Vec::new()],
            y: theme.margin_top,
            fresh: true,
            footer: None,
        }
    }

    /// Shop name, address, contact lines and organisation number, with a rule underneath.
    /// Empty strings are left out.
    pub fn header(&mut self, shop: &ShopHeader) {
        let t = self.theme;
        let name = Font::new(Face::Bold, t.shop_name, 0.0);
        let line = Font::new(Face::Regular, t.shop_line, t.muted);
        let (name_lh, line_lh) = (t.shop_name * 1.2, t.shop_line * 1.45);
        let lines = |texts: Vec<&str>| -> Vec<HeaderLine> {
            texts
                .into_iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| (s.to_string(), line, line_lh))
                .collect()
        };
        let address = shop.address_lines.iter().map(String::as_str);
        let contact = shop.contact.iter().map(String::as_str);
        // A4: name and address at the left, organisation number and contact at the right.
        // Roll: everything centred, one below the other.
        let mut columns: Vec<(Vec<HeaderLine>, f32, f32, Align)> = if t.centered {
            let rest = lines(address.chain([shop.org_number.as_str()]).chain(contact).collect());
            vec![(rest, self.left(), self.width(), Align::Center)]
        } else {
            let left_w = self.width() * 0.6;
            vec![
                (
                    lines(address.collect()),
                    self.left(),
                    left_w - mm(4.0),
                    Align::Left,
                ),
                (
                    lines([shop.org_number.as_str()].into_iter().chain(contact).collect()),
                    self.left() + left_w,
                    self.width() - left_w,
                    Align::Right,
                ),
            ]
        };
        if !shop.name.trim().is_empty() {
            columns[0].0.insert(0, (shop.name.clone(), name, name_lh));
        }
        let height = columns
            .iter()
            .map(|(lines, _, width, _)| {
                lines
                    .iter()
                    .map(|(text, font, lh)| wrap(text, *font, *width).len() as f32 * lh)
                    .sum::<f32>()
            })
            .fold(0.0, f32::max);
        let (after_text, after_rule) = if t.centered { (4.0, 8.0) } else { (7.0, 18.0) };
        self.need(height + after_text);
        let top = self.y;
        for (lines, x, width, align) in &columns {
            self.y = top;
            for (text, font, lh) in lines {
                for part in wrap(text, *font, *width) {
                    self.place(&part, *font, *lh, *x, *width, *align);
                }
            }
        }
        self.y = top + height + after_text;
        self.rule(if t.centered { 0.5 } else { 0.75 });
        self.y += after_rule;
    }

    /// The document's title: large and bold.
    pub fn title(&mut self, text: &str) {
        let t = self.theme;
        let font = Font::new(Face::Bold, t.title, 0.0);
        let align = if t.centered { Align::Center } else { Align::Left };
        self.lines(text, font, t.title * 1.22, align);
        self.y += if t.centered { 5.0 } else { 9.0 };
    }

    /// A section heading, kept on the same page as the start of what follows it.
    pub fn heading(&mut self, text: &str) {
        let t = self.theme;
        self.gap(t.heading_gap);
        let font = Font::new(Face::Bold, t.heading, 0.0);
        let lh = t.heading * 1.3;
        self.need(lh + 2.0 * t.body * t.leading);
        self.lines(text, font, lh, Align::Left);
        self.y += 3.0;
    }

    /// Body text, wrapped to the content width; `\n` starts a new line.
    pub fn paragraph(&mut self, text: &str) {
        let t = self.theme;
        self.lines(
            text,
            Font::new(Face::Regular, t.body, 0.0),
            t.body * t.leading,
            Align::Left,
        );
        self.y += t.block_gap;
    }

    /// Fine print (terms, notes) in a smaller, muted size.
    pub fn small(&mut self, text: &str) {
        let t = self.theme;
        self.lines(
            text,
            Font::new(Face::Regular, t.small, t.muted),
            t.small * t.leading,
            Align::Left,
        );
        self.y += t.block_gap * 0.8;
    }

    /// Label–value rows: muted labels in a column sized to the longest label, values wrapped
    /// beside them. Long values continue on the next page line by line.
    pub fn fields(&mut self, rows: &[(&str, &str)]) {
        let t = self.theme;
        let label = Font::new(Face::Regular, t.label, t.muted);
        let value = Font::new(Face::Regular, t.body, 0.0);
        let lh = t.body * t.leading;
        let (min, max) = if t.centered { (0.3, 0.45) } else { (0.22, 0.38) };
        let widest = rows
            .iter()
            .map(|(l, _)| label.width(&Face::Regular.drawable(l)))
            .fold(0.0, f32::max);
        let label_w = (widest + mm(4.0)).clamp(self.width() * min, self.width() * max);
        let value_x = self.left() + label_w;
        let value_w = self.width() - label_w;
        for (l, v) in rows {
            let labels = wrap(l, label, label_w - mm(3.0));
            let values = wrap(v, value, value_w);
            let n = labels.len().max(values.len());
            // Keep a short row together; a long one may continue on the next page.
            self.need(if n <= 6 { n as f32 * lh } else { 2.0 * lh });
            for i in 0..n {
                self.need(lh);
                let baseline = value.baseline(self.y, lh);
                if let Some(text) = labels.get(i) {
                    self.push(Item::Text {
                        x: self.left(),
                        baseline,
                        text: text.clone(),
                        font: label,
                    });
                }
                if let Some(text) = values.get(i) {
                    self.push(Item::Text {
                        x: value_x,
                        baseline,
                        text: text.clone(),
                        font: value,
                    });
                }
                self.y += lh;
            }
            self.y += if t.centered { 1.0 } else { 2.5 };
        }
        self.y += t.block_gap;
    }

    /// A table. `columns` are (title, relative width); the widths are normalised to fill the
    /// content width. Cells wrap; rows that do not fit continue on the next page under a
    /// repeated header row.
    pub fn table(&mut self, columns: &[(&str, f32)], rows: &[Vec<String>]) {
        if columns.is_empty() {
            return;
        }
        let t = self.theme;
        let total: f32 = columns.iter().map(|(_, w)| w.max(0.0)).sum();
        let mut x = self.left();
        let cols: Vec<(f32, f32)> = columns
            .iter()
            .map(|(_, w)| {
                let width = if total > 0.0 {
                    w.max(0.0) / total
                } else {
                    1.0 / columns.len() as f32
                } * self.width();
                let col = (x, width);
                x += width;
                col
            })
            .collect();
        let pad_x = if t.centered { 1.5 } else { 4.0 };
        let pad_y = if t.centered { 1.8 } else { 3.2 };
        let head_font = Font::new(Face::Bold, t.table_head, if t.centered { 0.0 } else { 0.25 });
        let cell_font = Font::new(Face::Regular, t.table, 0.0);
        let head_lh = t.table_head * 1.3;
        let lh = t.table * 1.35;

        let head: Vec<Vec<String>> = columns
            .iter()
            .zip(&cols)
            .map(|((title, _), (_, w))| wrap(title, head_font, w - 2.0 * pad_x))
            .collect();
        let head_h = head.iter().map(Vec::len).max().unwrap_or(1) as f32 * head_lh + 2.0 * pad_y;
        let wrapped: Vec<Vec<Vec<String>>> = rows
            .iter()
            .map(|row| {
                cols.iter()
                    .enumerate()
                    .map(|(i, (_, w))| {
                        wrap(
                            row.get(i).map(String::as_str).unwrap_or(""),
                            cell_font,
                            w - 2.0 * pad_x,
                        )
                    })
                    .collect()
            })
            .collect();
        let row_lines = |cells: &Vec<Vec<String>>| cells.iter().map(Vec::len).max().unwrap_or(1);

        let first_h = wrapped
            .first()
            .map(|r| row_lines(r) as f32 * lh + 2.0 * pad_y)
            .unwrap_or(0.0);
        self.need(head_h + first_h.min(3.0 * lh + 2.0 * pad_y));
        self.table_head(&head, &cols, head_font, head_lh, head_h, pad_x, pad_y);

        for cells in &wrapped {
            let n = row_lines(cells);
            let mut start = 0;
            let mut just_broke = false;
            while start < n {
                let room = ((self.limit() - self.y - 2.0 * pad_y) / lh).floor().max(0.0);
                let whole_fits_fresh_page = (n as f32 * lh + 2.0 * pad_y + head_h) <= self.page_room();
                // Move the row (or its rest) to a new page when it does not fit here, unless it
                // is taller than a whole page: then it is split line by line.
                if !just_broke && (room < 1.0 || (start == 0 && (room as usize) < n && whole_fits_fresh_page))
                {
                    self.break_page();
                    self.table_head(&head, &cols, head_font, head_lh, head_h, pad_x, pad_y);
                    just_broke = true;
                    continue;
                }
                just_broke = false;
                let take = (n - start).min((room as usize).max(1));
                for (cell, (cx, _)) in cells.iter().zip(&cols) {
                    for (k, text) in cell.iter().enumerate().skip(start).take(take) {
                        let top = self.y + pad_y + (k - start) as f32 * lh;
                        let baseline = cell_font.baseline(top, lh);
                        self.push(Item::Text {
                            x: cx + pad_x,
                            baseline,
                            text: text.clone(),
                            font: cell_font,
                        });
                    }
                }
                self.y += take as f32 * lh + 2.0 * pad_y;
                self.line_across(0.35, if t.centered { 0.0 } else { 0.8 });
                start += take;
            }
        }
        self.y += t.block_gap + 2.0;
    }

    /// A verification code or recovery key: large, bold, letter-spaced, in groups, in a box.
    /// A code without spaces or dashes is shown in groups of four.
    pub fn code(&mut self, label: &str, code: &str) {
        self.code_scaled(label, code, 1.0);
    }

    /// [`Layout::code`] at `scale` times the normal size, for long codes (a 103-character
    /// signature) that would otherwise take half a page.
    pub fn code_scaled(&mut self, label: &str, code: &str, scale: f32) {
        let t = self.theme;
        let size = t.code * scale;
        // A little more air than between paragraphs: the code is what the reader looks for.
        self.gap(5.0);
        let label_font = Font::new(Face::Regular, t.label, t.muted);
        let label_lh = t.label * 1.4;
        let font = Font {
            tracking: size * 0.06,
            ..Font::new(Face::Bold, size, 0.0)
        };
        let groups = code_groups(&Face::Bold.drawable(code));
        let space = size * 0.7;
        let pad_y = size * 0.55;
        let lh = size * 1.3;
        // Greedy fill of groups into lines that fit the box.
        let inner = self.width() - 2.0 * mm(4.0);
        let mut lines: Vec<Vec<String>> = vec![Vec::new()];
        let mut used = 0.0;
        for g in groups {
            let w = font.width(&g);
            if let Some(current) = lines.last_mut() {
                if !current.is_empty() && used + space + w > inner {
                    lines.push(vec![g]);
                    used = w;
                } else {
                    used += if current.is_empty() { w } else { space + w };
                    current.push(g);
                }
            }
        }
        let line_width = |groups: &Vec<String>| {
            groups.iter().map(|g| font.width(g)).sum::<f32>() + space * groups.len().saturating_sub(1) as f32
        };
        // On A4 the box hugs the code (a short code in a page-wide box looks lost); on the
        // roll it spans the paper.
        let box_w = if t.centered {
            self.width()
        } else {
            let widest = lines.iter().map(line_width).fold(0.0, f32::max);
            (widest + 2.0 * mm(8.0)).clamp(mm(60.0), self.width())
        };
        let labels = if label.is_empty() {
            Vec::new()
        } else {
            wrap(label, label_font, self.width())
        };
        let box_h = lines.len() as f32 * lh + 2.0 * pad_y;
        self.need(labels.len() as f32 * label_lh + 2.0 + box_h);
        let align = if t.centered { Align::Center } else { Align::Left };
        for text in &labels {
            self.place(text, label_font, label_lh, self.left(), self.width(), align);
        }
        self.y += 2.0;
        let top = self.y;
        self.push(Item::Rect {
            x: self.left(),
            top,
            width: box_w,
            height: box_h,
            fill: t.fill.map(|f| f + 0.02),
            stroke: Some(if t.centered { 0.0 } else { 0.75 }),
        });
        for (i, groups) in lines.iter().enumerate() {
            let widths: Vec<f32> = groups.iter().map(|g| font.width(g)).collect();
            let mut x = self.left() + (box_w - line_width(groups)) / 2.0;
            let baseline = font.baseline(top + pad_y + i as f32 * lh, lh);
            for (g, w) in groups.iter().zip(widths) {
                self.push(Item::Text {
                    x,
                    baseline,
                    text: g.clone(),
                    font,
                });
                x += w + space;
            }
        }
        self.y = top + box_h + t.block_gap + 2.0;
    }

    /// A QR code of `text` (error correction level M), with an optional caption: beside it on
    /// A4, under it on the roll.
    pub fn qr(&mut self, text: &str, caption: &str) -> Result<(), LayoutError> {
        let code = QrCode::with_error_correction_level(text, EcLevel::M)
            .map_err(|e| LayoutError::Qr(e.to_string()))?;
        let n = code.width();
        let dark: Vec<bool> = code
            .to_colors()
            .iter()
            .map(|c| *c == qrcode::Color::Dark)
            .collect();
        let t = self.theme;
        let size = t.qr_size;
        let caption_font = Font::new(Face::Regular, t.small, t.muted);
        let caption_lh = t.small * t.leading;
        let (qr_x, caption_x, caption_w) = if t.centered {
            (
                self.left() + (self.width() - size) / 2.0,
                self.left(),
                self.width(),
            )
        } else {
            let gap = mm(6.0);
            (self.left(), self.left() + size + gap, self.width() - size - gap)
        };
        let captions = if caption.is_empty() {
            Vec::new()
        } else {
            wrap(caption, caption_font, caption_w)
        };
        let caption_h = captions.len() as f32 * caption_lh;
        self.need(if t.centered {
            size + 4.0 + caption_h
        } else {
            size.max(caption_h)
        });
        let top = self.y;
        let module = size / n as f32;
        for row in 0..n {
            // One rectangle per horizontal run of dark modules keeps the page small; the slight
            // overlap hides hairline seams between rows in anti-aliased viewers.
            let mut col = 0;
            while col < n {
                if !dark[row * n + col] {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < n && dark[row * n + col] {
                    col += 1;
                }
                self.push(Item::Rect {
                    x: qr_x + start as f32 * module,
                    top: top + row as f32 * module,
                    width: (col - start) as f32 * module,
                    height: module + 0.05,
                    fill: Some(0.0),
                    stroke: None,
                });
            }
        }
        if t.centered {
            self.y = top + size + 4.0;
            for text in &captions {
                self.place(
                    text,
                    caption_font,
                    caption_lh,
                    caption_x,
                    caption_w,
                    Align::Center,
                );
            }
        } else {
            self.y = top + (size - caption_h).max(0.0) / 2.0;
            for text in &captions {
                self.place(text, caption_font, caption_lh, caption_x, caption_w, Align::Left);
            }
            self.y = top + size.max(caption_h);
        }
        self.y += t.block_gap + 2.0;
        Ok(())
    }

    /// Signature lines with their label underneath: two side by side on A4, one per line on
    /// the roll.
    pub fn signatures(&mut self, labels: &[&str]) {
        let t = self.theme;
        let per_row = if t.centered { 1 } else { 2 };
        let gap = mm(14.0);
        let col_w = (self.width() - gap * (per_row - 1) as f32) / per_row as f32;
        let font = Font::new(Face::Regular, t.small, t.muted);
        let lh = t.small * t.leading;
        self.gap(t.block_gap);
        for row in labels.chunks(per_row) {
            let wrapped: Vec<Vec<String>> = row.iter().map(|l| wrap(l, font, col_w)).collect();
            let label_h = wrapped.iter().map(Vec::len).max().unwrap_or(0) as f32 * lh;
            self.need(t.signature_space + 3.0 + label_h);
            self.y += t.signature_space;
            let line_y = self.y;
            for (i, lines) in wrapped.iter().enumerate() {
                let x = self.left() + i as f32 * (col_w + gap);
                self.push(Item::Line {
                    x1: x,
                    y1: line_y,
                    x2: x + col_w,
                    y2: line_y,
                    width: 0.6,
                    grey: 0.0,
                });
                self.y = line_y + 3.0;
                for text in lines {
                    self.place(text, font, lh, x, col_w, Align::Left);
                }
            }
            self.y = line_y + 3.0 + label_h;
        }
        self.y += t.block_gap;
    }

    /// Vertical space, dropped at the top of a page.
    pub fn spacer(&mut self, millimetres: f32) {
        self.gap(mm(millimetres));
    }

    /// Text at the bottom of every page; on A4 with "page / pages" at the right. The roll is one
    /// page, so it gets the text once, after the content, and no page number.
    pub fn footer_text(&mut self, text: &str) {
        self.footer = Some(text.to_string());
    }

    /// Writes the PDF.
    pub fn finish(mut self) -> Result<Vec<u8>, LayoutError> {
        let t = self.theme;
        let page_height = match t.page_height {
            Some(h) => {
                self.page_footers(h);
                h
            }
            None => {
                if let Some(text) = self.footer.take() {
                    // No rule here: on a receipt a line above the footer reads as one more
                    // signature line.
                    let font = Font::new(Face::Regular, t.footer, t.muted);
                    self.y += 4.0;
                    self.lines(&text, font, t.footer * 1.4, Align::Center);
                }
                (self.y + t.margin_bottom).max(mm(40.0))
            }
        };
        // PDF's implementation limit for a page side is 14,400 units (200 inches).
        if page_height > 14_400.0 {
            return Err(LayoutError::Pdf(format!(
                "the roll would be {:.0} mm long; PDF pages end at 5080 mm",
                page_height / PT_PER_MM
            )));
        }
        write_pdf(&self.meta, &self.pages, t.page_width, page_height)
    }

    // ---- building blocks -------------------------------------------------------------------

    fn left(&self) -> f32 {
        self.theme.margin_x
    }

    fn width(&self) -> f32 {
        self.theme.page_width - 2.0 * self.theme.margin_x
    }

    /// Lowest point content may reach on the current page.
    fn limit(&self) -> f32 {
        self.theme
            .page_height
            .map_or(f32::INFINITY, |h| h - self.theme.margin_bottom)
    }

    /// Height available for content on an empty page.
    fn page_room(&self) -> f32 {
        self.limit() - self.theme.margin_top
    }

    fn break_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.theme.margin_top;
        self.fresh = true;
    }

    /// Starts a new page unless `height` still fits on this one (or this one is empty).
    fn need(&mut self, height: f32) {
        if !self.fresh && self.y + height > self.limit() {
            self.break_page();
        }
    }

    fn gap(&mut self, height: f32) {
        if !self.fresh {
            self.y += height;
        }
    }

    fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.push(item);
        }
        self.fresh = false;
    }

    /// Wraps `text` and places it line by line, breaking pages between lines.
    fn lines(&mut self, text: &str, font: Font, lh: f32, align: Align) {
        for line in wrap(text, font, self.width()) {
            self.place(&line, font, lh, self.left(), self.width(), align);
        }
    }

    /// Places one line in the box `x..x + width` at the cursor and moves the cursor down.
    fn place(&mut self, text: &str, font: Font, lh: f32, x: f32, width: f32, align: Align) {
        self.need(lh);
        let dx = match align {
            Align::Left => 0.0,
            Align::Center => (width - font.width(text)) / 2.0,
            Align::Right => width - font.width(text),
        };
        let baseline = font.baseline(self.y, lh);
        if !text.is_empty() {
            self.push(Item::Text {
                x: x + dx.max(0.0),
                baseline,
                text: text.to_string(),
                font,
            });
        }
        self.y += lh;
    }

    fn rule(&mut self, width: f32) {
        self.line_across(width, self.theme.rule);
    }

    fn line_across(&mut self, width: f32, grey: f32) {
        let (x1, x2, y) = (self.left(), self.left() + self.width(), self.y);
        self.push(Item::Line {
            x1,
            y1: y,
            x2,
            y2: y,
            width,
            grey,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn table_head(
        &mut self,
        head: &[Vec<String>],
        cols: &[(f32, f32)],
        font: Font,
        lh: f32,
        height: f32,
        pad_x: f32,
        pad_y: f32,
    ) {
        let top = self.y;
        if let Some(fill) = self.theme.fill {
            self.push(Item::Rect {
                x: self.left(),
                top,
                width: self.width(),
                height,
                fill: Some(fill),
                stroke: None,
            });
        }
        for (lines, (x, _)) in head.iter().zip(cols) {
            for (k, text) in lines.iter().enumerate() {
                let baseline = font.baseline(top + pad_y + k as f32 * lh, lh);
                self.push(Item::Text {
                    x: x + pad_x,
                    baseline,
                    text: text.clone(),
                    font,
                });
            }
        }
        self.y = top + height;
        let grey = if self.theme.centered { 0.0 } else { 0.35 };
        self.line_across(0.6, grey);
    }

    /// Footer of every A4 page: a hairline, the footer text at the left, "n / N" at the right.
    fn page_footers(&mut self, page_height: f32) {
        let t = self.theme;
        let font = Font::new(Face::Regular, t.footer, t.muted);
        let total = self.pages.len();
        let rule_y = page_height - t.margin_bottom + mm(7.0);
        let lh = t.footer * 1.35;
        let (left, width) = (self.left(), self.width());
        for (i, page) in self.pages.iter_mut().enumerate() {
            let number = format!("{} / {}", i + 1, total);
            let number_w = font.width(&number);
            page.push(Item::Line {
                x1: left,
                y1: rule_y,
                x2: left + width,
                y2: rule_y,
                width: 0.4,
                grey: 0.75,
            });
            let baseline = font.baseline(rule_y + 2.0, lh);
            page.push(Item::Text {
                x: left + width - number_w,
                baseline,
                text: number,
                font,
            });
            if let Some(text) = &self.footer {
                for (k, line) in wrap(text, font, width - number_w - mm(8.0))
                    .into_iter()
                    .take(2)
                    .enumerate()
                {
                    page.push(Item::Text {
                        x: left,
                        baseline: baseline + k as f32 * lh,
                        text: line,
                        font,
                    });
                }
            }
        }
    }
}

/// Greedy line breaking with the face's real advance widths. Hard breaks at `\n`; words longer
/// than the width are broken between characters. Always returns at least one line.
///
/// Widths are added up in font units as words join a line (exactly what measuring the joined
/// line gives, since the sum is an integer); a long report breaks some 300,000 characters.
fn wrap(text: &str, font: Font, width: f32) -> Vec<String> {
    let metrics = font.face.metrics();
    let space = metrics.advance(' ');
    let mut lines = Vec::new();
    for hard in text.split('\n') {
        let hard = font.face.drawable(hard);
        let mut line = String::new();
        // Advance units and character count of `line`.
        let (mut units, mut chars) = (0, 0);
        for word in hard.split_whitespace() {
            let (word_units, word_chars) = word
                .chars()
                .fold((0, 0), |(u, n), c| (u + metrics.advance(c), n + 1));
            let (joined_units, joined_chars) = if line.is_empty() {
                (word_units, word_chars)
            } else {
                (units + space + word_units, chars + 1 + word_chars)
            };
            if font.measure(joined_units, joined_chars) <= width {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                (units, chars) = (joined_units, joined_chars);
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if font.measure(word_units, word_chars) <= width {
                line = word.to_string();
                (units, chars) = (word_units, word_chars);
                continue;
            }
            (units, chars) = (0, 0);
            for c in word.chars() {
                let advance = metrics.advance(c);
                line.push(c);
                units += advance;
                chars += 1;
                if font.measure(units, chars) > width && chars > 1 {
                    line.pop();
                    lines.push(std::mem::replace(&mut line, c.to_string()));
                    (units, chars) = (advance, 1);
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// Splits a code for display: the caller's own grouping (spaces or dashes) is kept, otherwise
/// groups of four characters.
fn code_groups(code: &str) -> Vec<String> {
    let parts: Vec<&str> = code
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > 1 {
        return parts.iter().map(|p| p.to_string()).collect();
    }
    let chars: Vec<char> = code.chars().filter(|c| !c.is_whitespace()).collect();
    chars.chunks(4).map(|g| g.iter().collect()).collect()
}

/// Rounds to 1/100 pt: invisible, and keeps content streams short.
fn round(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
pub(crate) mod tests {
    use std::process::{Command, Stdio};

    use chrono::TimeZone;

    use super::*;

    #[test]
    fn paper_has_the_names_the_shells_send() {
        for (name, paper) in [("\"a4\"", Paper::A4), ("\"roll80\"", Paper::Roll80)] {
            assert_eq!(
                serde_json::from_str::<Paper>(name).expect("a known paper name parses"),
                paper,
                "the UI sends {name}"
            );
        }
        assert!(
            serde_json::from_str::<Paper>("\"letter\"").is_err(),
            "an unknown paper is refused, not defaulted"
        );
    }

    fn meta(title: &str) -> Meta {
        Meta {
            title: title.to_string(),
            author: "Datahjelpen Ørje AS".to_string(),
            subject: String::new(),
            language: "nb-NO".to_string(),
            created: Utc
                .with_ymd_and_hms(2026, 3, 14, 9, 30, 0)
                .single()
                .expect("valid date"),
            keywords: String::new(),
        }
    }

    fn shop() -> ShopHeader {
        ShopHeader {
            name: "Datahjelpen Ørje AS".to_string(),
            org_number: "Org.nr. 912 345 678 MVA".to_string(),
            address_lines: vec!["Storgata 12".to_string(), "1870 Ørje".to_string()],
            contact: vec!["69 81 23 45".to_string(), "post@datahjelpen-orje.no".to_string()],
        }
    }

    /// Runs a poppler/qpdf tool on `pdf`; these tools are required (poppler-utils, qpdf).
    fn tool(program: &str, args: &[&str], pdf: &[u8]) -> (bool, String) {
        let dir = tempfile::tempdir().expect("temp dir for the test PDF");
        let path = dir.path().join("test.pdf");
        std::fs::write(&path, pdf).expect("write test PDF");
        let output = Command::new(program)
            .args(args)
            .arg(&path)
            .args(if program == "pdftotext" {
                &["-"][..]
            } else {
                &[][..]
            })
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| {
                panic!("{program} must be installed (apt-get install poppler-utils qpdf): {e}")
            });
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        (output.status.success(), text)
    }

    /// Every PDF a test makes goes through qpdf's structural check.
    fn checked(pdf: Vec<u8>) -> Vec<u8> {
        let (ok, report) = tool("qpdf", &["--check"], &pdf);
        assert!(
            ok,
            "qpdf --check must accept the PDF without errors or warnings:\n{report}"
        );
        assert!(
            report.contains("No syntax or stream encoding errors"),
            "qpdf must find no errors:\n{report}"
        );
        pdf
    }

    /// `-raw` keeps the content stream's own characters; poppler's default mode re-derives
    /// spaces from glyph gaps and prints a short "1 / 2" as "1/2".
    fn text_of_page(pdf: &[u8], page: usize) -> String {
        let p = page.to_string();
        let (ok, text) = tool("pdftotext", &["-raw", "-f", &p, "-l", &p], pdf);
        assert!(ok, "pdftotext must read page {page}: {text}");
        text
    }

    fn text(pdf: &[u8]) -> String {
        let (ok, text) = tool("pdftotext", &["-raw"], pdf);
        assert!(ok, "pdftotext must read the PDF: {text}");
        text
    }

    fn page_sizes(pdf: &[u8]) -> Vec<(f32, f32)> {
        let doc = lopdf::Document::load_mem(pdf).expect("lopdf reads our PDF");
        doc.get_pages()
            .values()
            .map(|id| {
                let page = doc.get_dictionary(*id).expect("page dictionary");
                let mb = page
                    .get(b"MediaBox")
                    .and_then(lopdf::Object::as_array)
                    .expect("MediaBox");
                let num = |o: &lopdf::Object| {
                    o.as_float()
                        .or_else(|_| o.as_i64().map(|i| i as f32))
                        .expect("number")
                };
                (num(&mb[2]) - num(&mb[0]), num(&mb[3]) - num(&mb[1]))
            })
            .collect()
    }

    fn rows(n: usize) -> Vec<Vec<String>> {
        (1..=n)
            .map(|i| {
                vec![
                    format!("R{i:03}"),
                    format!("Seagate ST{i}000DM008 med litt lengre tekst"),
                    "Knust".into(),
                ]
            })
            .collect()
    }

    /// The sample certificate used for the size budget and for looking at the output.
    pub(super) fn certificate(paper: Paper) -> Vec<u8> {
        let mut l = Layout::new(
            paper,
            Meta {
                subject: "Sletting av lagringsmedier".into(),
                ..meta("Sletteattest")
            },
        );
        l.header(&shop());
        l.title("Attest for sletting av data");
        l.fields(&[
            ("Attestnummer", "SK-2026-000142"),
            ("Kunde", "Kari Nordmann"),
            ("Mottatt", "14.03.2026, inntak 2026-0311"),
            ("Kilde", "Bærbar PC, Lenovo ThinkPad T14 Gen 3, serienr. PF3XK2Q9"),
            (
                "Metode",
                "Fysisk destruksjon (Destroy), makulert i Intimus 1000 til partikler ≤ 10 mm² (H-6)",
            ),
        ]);
        l.heading("Lagringsmedier");
        l.table(
            &[
                ("Nr.", 0.6),
                ("Produsent og modell", 2.2),
                ("Serienummer", 1.4),
                ("Type", 0.8),
                ("Resultat", 1.2),
            ],
            &[
                vec![
                    "1".into(),
                    "Samsung PM9A1 512 GB".into(),
                    "S69ENF0R123456".into(),
                    "SSD".into(),
                    "Destruert (E-5)".into(),
                ],
                vec![
                    "2".into(),
                    "Seagate Barracuda 2 TB".into(),
                    "ZFL0ABCD".into(),
                    "HDD".into(),
                    "Destruert (H-6)".into(),
                ],
                vec![
                    "3".into(),
                    "SanDisk Ultra Fit 32 GB".into(),
                    "4C530001230617".into(),
                    "Flash".into(),
                    "Destruert (E-5)".into(),
                ],
            ],
        );
        l.paragraph(
            "Mediene over er ødelagt slik at data ikke kan gjenskapes. Sikkerhetskopier tatt under reparasjonen \
             er slettet. Attesten kan kontrolleres med koden under.",
        );
        l.code("Kontrollkode", "7KQ2M9XD4HTR");
        l.qr(
            "https://datahjelpen-orje.no/attest/SK-2026-000142?k=7KQ2M9XD4HTR",
            "Skann for å kontrollere attesten, eller oppgi kontrollkoden til oss.",
        )
        .expect("short URL fits in a QR code");
        l.signatures(&[
            "Utført av: Ola Nordmann, tekniker",
            "Kontrollert av: Anna Svensson, daglig leder",
        ]);
        l.footer_text("Datahjelpen Ørje AS · Storgata 12, 1870 Ørje · Org.nr. 912 345 678 MVA");
        l.finish().expect("certificate renders")
    }

    pub(super) fn receipt() -> Vec<u8> {
        let mut l = Layout::new(Paper::Roll80, meta("Inntakskvittering"));
        l.header(&shop());
        l.title("Inntakskvittering");
        l.fields(&[
            ("Kvittering", "2026-0311"),
            ("Dato", "14.03.2026 09:30"),
            ("Kunde", "Kari Nordmann"),
            ("Mobil", "912 34 567"),
        ]);
        l.heading("Enhet");
        l.fields(&[
            ("Type", "Bærbar PC"),
            ("Modell", "Lenovo ThinkPad T14 Gen 3"),
            ("Serienr.", "PF3XK2Q9"),
            ("Tilbehør", "Lader, veske"),
            ("Feil", "Maskinen starter ikke etter at det ble sølt kaffe på tastaturet. Kunden trenger bildene på disken."),
        ]);
        l.table(
            &[("Tjeneste", 3.0), ("Pris", 1.0)],
            &[
                vec!["Feilsøking".into(), "590,-".into()],
                vec!["Datarekonstruksjon".into(), "fra 1 490,-".into()],
            ],
        );
        l.small("Sikkerhetskopier slettes 14 dager etter utlevering. Enheter til destruksjon oppbevares låst i 14 dager.");
        l.code("Hentekode", "4821");
        l.signatures(&["Kunde", "Mottatt av"]);
        l.footer_text("Takk for at du handler lokalt!");
        l.finish().expect("receipt renders")
    }

    #[test]
    fn nordic_text_survives_text_extraction() {
        let mut l = Layout::new(Paper::A4, meta("Innsynsrapport"));
        l.header(&shop());
        l.title("Blåbærsyltetøy på Ærø");
        l.heading("Ørjeveien – ÆØÅ");
        l.paragraph("Kunden Kari Nordmann ønsker innsyn: æøå ÆØÅ äö ÄÖ é.");
        l.fields(&[("Förnamn", "Anna Svensson, Göteborg")]);
        let pdf = checked(l.finish().expect("renders"));
        let text = text(&pdf);
        for expected in [
            "Datahjelpen Ørje AS",
            "Blåbærsyltetøy på Ærø",
            "Ørjeveien – ÆØÅ",
            "æøå ÆØÅ äö ÄÖ é.",
            "Förnamn",
            "Anna Svensson, Göteborg",
            "1 / 1",
        ] {
            assert!(
                text.contains(expected),
                "extracted text must contain {expected:?}; got:\n{text}"
            );
        }
    }

    #[test]
    fn fonts_are_embedded_subsets() {
        let pdf = checked(certificate(Paper::A4));
        let (ok, fonts) = tool("pdffonts", &[], &pdf);
        assert!(ok, "pdffonts must read the PDF: {fonts}");
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert_eq!(rows.len(), 2, "exactly the two DejaVu faces are used:\n{fonts}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            assert!(
                row.contains("+DejaVuSans"),
                "font must be a tagged DejaVu subset: {row}"
            );
            assert_eq!(
                &cols[cols.len() - 5..cols.len() - 2],
                &["yes", "yes", "yes"],
                "emb, sub, uni must be yes: {row}"
            );
        }
    }

    #[test]
    fn one_page_certificate_stays_small() {
        let pdf = checked(certificate(Paper::A4));
        assert_eq!(
            page_sizes(&pdf).len(),
            1,
            "the sample certificate must fit on one page"
        );
        assert!(
            pdf.len() <= 60_000,
            "one-page certificate must be at most 60 KB, is {} bytes",
            pdf.len()
        );
    }

    #[test]
    fn long_table_breaks_over_pages_with_repeated_header() {
        let mut l = Layout::new(Paper::A4, meta("Lang tabell"));
        l.header(&shop());
        l.title("Lagringsmedier");
        l.table(
            &[("Løpenr.", 1.0), ("Beskrivelse", 4.0), ("Status", 1.0)],
            &rows(90),
        );
        l.footer_text("Datahjelpen Ørje AS");
        let pdf = checked(l.finish().expect("renders"));
        let pages = page_sizes(&pdf).len();
        assert!(
            pages >= 2,
            "90 rows cannot fit on one A4 page, got {pages} page(s)"
        );
        let mut seen = 0;
        for page in 1..=pages {
            let text = text_of_page(&pdf, page);
            for title in ["Løpenr.", "Beskrivelse", "Status"] {
                assert!(
                    text.contains(title),
                    "page {page} must repeat header {title:?}:\n{text}"
                );
            }
            assert!(
                text.contains(&format!("{page} / {pages}")),
                "page {page} must say {page} / {pages}:\n{text}"
            );
            seen += text.matches("Seagate ST").count();
        }
        assert_eq!(seen, 90, "every row must appear exactly once across the pages");
        let full = text(&pdf);
        assert!(
            full.contains("R001") && full.contains("R090"),
            "first and last rows must be present"
        );
    }

    #[test]
    fn table_row_taller_than_a_page_is_split_not_lost() {
        let long: String = (1..=120).map(|i| format!("Linje{i:03}\n")).collect();
        let mut l = Layout::new(Paper::A4, meta("Høy rad"));
        l.table(
            &[("Felt", 1.0), ("Innhold", 3.0)],
            &[vec!["Notat".into(), long], vec!["Neste".into(), "rad".into()]],
        );
        let pdf = checked(l.finish().expect("renders"));
        let pages = page_sizes(&pdf).len();
        assert!(pages >= 2, "a 120-line cell cannot fit on one page");
        let all = text(&pdf);
        for i in [1, 60, 120] {
            assert_eq!(
                all.matches(&format!("Linje{i:03}")).count(),
                1,
                "line {i} must appear exactly once"
            );
        }
        assert!(
            text_of_page(&pdf, 2).contains("Innhold"),
            "the continued row sits under a repeated header"
        );
        assert!(all.contains("Neste"), "the row after the tall one is still there");
    }

    #[test]
    fn empty_header_lines_leave_no_gaps_or_errors() {
        let mut l = Layout::new(Paper::A4, meta("Tom"));
        l.header(&ShopHeader {
            name: "Kun navn AS".into(),
            ..ShopHeader::default()
        });
        l.title("Tittel");
        let pdf = checked(l.finish().expect("renders"));
        let text = text(&pdf);
        assert!(
            text.contains("Kun navn AS") && text.contains("Tittel"),
            "name and title are shown:\n{text}"
        );
    }

    #[test]
    fn page_numbers_count_all_pages() {
        let mut l = Layout::new(Paper::A4, meta("To sider"));
        for i in 0..70 {
            l.paragraph(&format!(
                "Avsnitt {i}: Personopplysninger lagres kryptert og slettes etter fristen."
            ));
        }
        let pdf = checked(l.finish().expect("renders"));
        assert_eq!(page_sizes(&pdf).len(), 2, "70 short paragraphs fill two pages");
        assert!(
            text_of_page(&pdf, 1).contains("1 / 2"),
            "page 1 must be numbered 1 / 2"
        );
        assert!(
            text_of_page(&pdf, 2).contains("2 / 2"),
            "page 2 must be numbered 2 / 2"
        );
    }

    #[test]
    fn roll_is_one_page_that_grows_with_content() {
        let roll = |paragraphs: usize| {
            let mut l = Layout::new(Paper::Roll80, meta("Kvittering"));
            l.header(&shop());
            for i in 0..paragraphs {
                l.paragraph(&format!(
                    "Linje {i} på kvitteringen, lang nok til å brytes over flere linjer på rullen."
                ));
            }
            l.footer_text("Takk for besøket");
            checked(l.finish().expect("renders"))
        };
        let short = page_sizes(&roll(2));
        let long = page_sizes(&roll(60));
        assert_eq!((short.len(), long.len()), (1, 1), "a roll is always one page");
        assert!(
            (short[0].0 - mm(80.0)).abs() < 0.5,
            "roll must be 80 mm wide, is {} pt",
            short[0].0
        );
        assert!(
            long[0].1 > short[0].1 + 58.0 * 8.0,
            "60 paragraphs must make a much longer roll: {short:?} vs {long:?}"
        );
        assert!(
            long[0].1 > mm(297.0),
            "a long roll is not cut at A4 height: {long:?}"
        );
        let text = text(&roll(60));
        assert!(
            text.contains("Linje 59") && text.contains("Takk for besøket"),
            "nothing is cut off the roll:\n{text}"
        );
        assert!(!text.contains("1 / 1"), "the roll carries no page number");
    }

    #[test]
    fn receipt_renders_on_the_roll() {
        let pdf = checked(receipt());
        let text = text(&pdf);
        for expected in [
            "Inntakskvittering",
            "Kari Nordmann",
            "Hentekode",
            "4821",
            "Mottatt av",
            "Takk for at du handler lokalt!",
        ] {
            assert!(text.contains(expected), "receipt must show {expected:?}:\n{text}");
        }
    }

    #[test]
    fn code_is_grouped_and_extractable() {
        let pdf = checked(certificate(Paper::A4));
        let text = text(&pdf);
        assert!(
            text.contains("7KQ2 M9XD 4HTR"),
            "code must read back in groups of four:\n{text}"
        );
        assert_eq!(
            code_groups("AB-CD EF"),
            ["AB", "CD", "EF"],
            "the caller's own grouping is kept"
        );
        assert_eq!(
            code_groups("123456789"),
            ["1234", "5678", "9"],
            "ungrouped codes get groups of four"
        );
    }

    #[test]
    fn metadata_is_written_and_consistent() {
        let pdf = checked(certificate(Paper::A4));
        let (ok, info) = tool("pdfinfo", &["-meta"], &pdf);
        assert!(ok, "pdfinfo must read the PDF: {info}");
        for expected in [
            "<pdfaid:part>2</pdfaid:part>",
            "<pdfaid:conformance>B</pdfaid:conformance>",
            "<rdf:li xml:lang=\"x-default\">Sletteattest</rdf:li>",
            "<rdf:li>Datahjelpen Ørje AS</rdf:li>",
            "<xmp:CreateDate>2026-03-14T09:30:00Z</xmp:CreateDate>",
        ] {
            assert!(
                info.contains(expected),
                "XMP metadata must contain {expected}:\n{info}"
            );
        }
        let (_, info) = tool("pdfinfo", &[], &pdf);
        for expected in [
            "Title:           Sletteattest",
            "Author:          Datahjelpen Ørje AS",
            "Subject:         Sletting av lagringsmedier",
        ] {
            assert!(
                info.contains(expected),
                "Info dictionary must contain {expected:?}:\n{info}"
            );
        }
        let doc = lopdf::Document::load_mem(&pdf).expect("lopdf reads our PDF");
        let catalog = doc.catalog().expect("catalog");
        let lang = catalog
            .get(b"Lang")
            .and_then(lopdf::decode_text_string)
            .expect("catalog /Lang");
        assert_eq!(
            lang, "nb-NO",
            "the document language must be declared for screen readers and PDF/A"
        );
        let intents = catalog
            .get(b"OutputIntents")
            .and_then(lopdf::Object::as_array)
            .expect("OutputIntents");
        let intent = intents[0].as_dict().expect("OutputIntent dictionary");
        assert_eq!(
            intent.get(b"S").and_then(lopdf::Object::as_name).ok(),
            Some(&b"GTS_PDFA1"[..]),
            "PDF/A output intent"
        );
    }

    /// Line breaking as it was before widths were added up: every candidate line measured
    /// from scratch.
    fn wrap_by_measuring(text: &str, font: Font, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for hard in text.split('\n') {
            let hard = font.face.drawable(hard);
            let mut line = String::new();
            for word in hard.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if font.width(&candidate) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if font.width(word) <= width {
                    line = word.to_string();
                    continue;
                }
                for c in word.chars() {
                    line.push(c);
                    if font.width(&line) > width && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::replace(&mut line, c.to_string()));
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    #[test]
    fn adding_up_widths_breaks_lines_exactly_like_measuring_them() {
        let texts = [
            "Maskinen starter ikke etter at det ble sølt kaffe på tastaturet, og Supercalifragilisticexpialidociousordet må deles.",
            "Tilbehør: Lader, veske\nFeil: Skjermen flimrer – «av og til» … ÆØÅ äö\tslutt",
            "7KQ2 M9XD 4HTR ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567 ABCD EFGH IJKL MNOP QRST UVWX YZ23",
            "Göteborg\u{a0}Strömstad  dobbel  mellomrom \u{10FFFD} ukjent tegn",
            "",
        ];
        for face in [Face::Regular, Face::Bold] {
            for (size, tracking) in [(7.5, 0.0), (9.0, 0.0), (17.0, 1.02)] {
                let font = Font {
                    tracking,
                    ..Font::new(face, size, 0.0)
                };
                for width in [12.0, 41.3, 90.0, 200.0, 481.89] {
                    for text in texts {
                        assert_eq!(
                            wrap(text, font, width),
                            wrap_by_measuring(text, font, width),
                            "{face:?} {size} pt, tracking {tracking}, {width} pt wide: {text:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn wrapped_lines_never_exceed_the_width() {
        let font = Font::new(Face::Regular, 9.5, 0.0);
        let text = "Maskinen starter ikke etter at det ble sølt kaffe på tastaturet, og Supercalifragilisticexpialidociousordet må deles.";
        for width in [40.0, 90.0, 200.0] {
            let lines = wrap(text, font, width);
            assert!(lines.len() > 1, "text this long must wrap at {width} pt");
            for line in &lines {
                assert!(
                    font.width(line) <= width + 0.01,
                    "line {line:?} is wider than {width} pt"
                );
            }
            let rejoined: String = lines.concat().split_whitespace().collect();
            let original: String = text.split_whitespace().collect();
            assert_eq!(rejoined, original, "wrapping must not lose or reorder characters");
        }
        assert_eq!(
            wrap("a\n\nb", font, 100.0),
            ["a", "", "b"],
            "hard breaks and blank lines are kept"
        );
    }

    /// Renders page 1 of `pdf` the way a printer would (greyscale raster at `dpi`) and reads
    /// back every QR code on it, as a handheld scanner would.
    pub(crate) fn scan_qr_codes(pdf: &[u8], dpi: &str) -> Vec<String> {
        let dir = tempfile::tempdir().expect("temp dir for the raster");
        let path = dir.path().join("qr.pdf");
        std::fs::write(&path, pdf).expect("write test PDF");
        let prefix = dir.path().join("qr");
        let status = Command::new("pdftoppm")
            .args(["-gray", "-singlefile", "-r", dpi])
            .arg(&path)
            .arg(&prefix)
            .status()
            .expect("pdftoppm must be installed (apt-get install poppler-utils)");
        assert!(status.success(), "pdftoppm must rasterise the document");
        let pgm = std::fs::read(prefix.with_extension("pgm")).expect("pdftoppm wrote a PGM");
        // Binary PGM: "P5", width, height, maxval, one whitespace byte, then the pixels.
        let mut fields = Vec::new();
        let mut pos = 0;
        while fields.len() < 4 {
            while pgm[pos].is_ascii_whitespace() {
                pos += 1;
            }
            let start = pos;
            while !pgm[pos].is_ascii_whitespace() {
                pos += 1;
            }
            fields.push(String::from_utf8_lossy(&pgm[start..pos]).into_owned());
        }
        assert_eq!(fields[0], "P5", "pdftoppm -gray writes binary PGM");
        let (w, h): (usize, usize) = (
            fields[1].parse().expect("width"),
            fields[2].parse().expect("height"),
        );
        let pixels = &pgm[pos + 1..];
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
        image
            .detect_grids()
            .iter()
            .map(|g| g.decode().expect("a QR code found must decode").1)
            .collect()
    }

    #[test]
    fn qr_code_scans_back_to_its_text() {
        for (paper, dpi) in [(Paper::A4, "150"), (Paper::Roll80, "203")] {
            let codes = scan_qr_codes(&checked(certificate(paper)), dpi);
            assert_eq!(
                codes,
                ["https://datahjelpen-orje.no/attest/SK-2026-000142?k=7KQ2M9XD4HTR"],
                "{paper:?}: exactly one QR code, carrying exactly the text it was given"
            );
        }
    }

    #[test]
    fn too_long_qr_text_is_an_error_not_a_panic() {
        let mut l = Layout::new(Paper::A4, meta("QR"));
        let err = l
            .qr(&"x".repeat(5000), "")
            .expect_err("5000 bytes do not fit in any QR code");
        assert!(
            matches!(err, LayoutError::Qr(_)),
            "must report a QR error, got {err:?}"
        );
    }
}
