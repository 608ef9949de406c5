//! Writing the laid-out pages as a PDF: printpdf for the document, pages and embedded font
//! subsets; each page's content stream built with lopdf (`PageOps`) and compressed, on several
//! threads for long documents; then the PDF/A-2b parts printpdf does not write (`archival`).
//! See the parent module's comment for why each of these is done by hand.

use super::*;

/// zlib level for page streams and fonts. lopdf's own `compress` always uses 9 (best): about
/// 70 ms of a 158-page access report with miniz_oxide. Level 4 with zlib-rs took about 17 ms,
/// for a file about 4 % larger than level 6 (`benches/documents.rs`, 2026-11-22).
const DEFLATE_LEVEL: u32 = 4;

fn deflate(bytes: &[u8], level: u32) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::new(level),
    );
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// A page's content stream, compressed when that made it smaller.
struct PageContent {
    bytes: Vec<u8>,
    deflated: bool,
}

/// Below this many pages the content streams are written on the calling thread.
const PAGES_PER_THREAD: usize = 8;

/// Every page's content stream, built, encoded and compressed on up to four threads when the
/// document is long (pages are independent, and this is most of a long report's cost).
fn page_contents(
    pages: &[Vec<Item>],
    page_height: f32,
    faces: &[Option<Embedded>; 2],
) -> Result<Vec<PageContent>, LayoutError> {
    let one = |items: &Vec<Item>| -> Result<PageContent, LayoutError> {
        let mut page = PageOps::new(page_height, faces, items.len());
        for item in items {
            page.emit(item);
        }
        let plain = page
            .finish()
            .encode()
            .map_err(|e| LayoutError::Pdf(e.to_string()))?;
        let packed = deflate(&plain, DEFLATE_LEVEL).map_err(|e| LayoutError::Pdf(e.to_string()))?;
        // lopdf's rule: keep a stream that compression would not make smaller as it is.
        Ok(if packed.len() + 19 < plain.len() {
            PageContent {
                bytes: packed,
                deflated: true,
            }
        } else {
            PageContent {
                bytes: plain,
                deflated: false,
            }
        })
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(4)
        .min(pages.len() / PAGES_PER_THREAD);
    if threads <= 1 {
        return pages.iter().map(one).collect();
    }
    let chunk = pages.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = pages
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(one).collect::<Result<Vec<_>, _>>()))
            .collect();
        let mut out = Vec::with_capacity(pages.len());
        for worker in workers {
            let part = worker
                .join()
                .map_err(|_| LayoutError::Pdf("a page writer thread panicked".into()))??;
            out.extend(part);
        }
        Ok(out)
    })
}

/// `FlateDecode` for every stream that may be compressed and is not yet, as lopdf's
/// `Document::compress` does (including its rule to keep a stream that would not shrink).
fn compress(pdf: &mut lopdf::Document) -> std::io::Result<()> {
    for object in pdf.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            if !stream.allows_compression || stream.dict.has(b"Filter") {
                continue;
            }
            let packed = deflate(&stream.content, DEFLATE_LEVEL)?;
            if packed.len() + 19 < stream.content.len() {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(packed);
            }
        }
    }
    Ok(())
}

pub(super) fn write_pdf(
    meta: &Meta,
    pages: &[Vec<Item>],
    page_width: f32,
    page_height: f32,
) -> Result<Vec<u8>, LayoutError> {
    let mut doc = PdfDocument::new(&meta.title);

    // Subset each face to the characters actually drawn with it, then hand the subset to
    // printpdf as if it were the whole font (it embeds what it is given).
    let mut used: [BTreeSet<char>; 2] = [BTreeSet::new(), BTreeSet::new()];
    // Marked in a table first: a set insert per character drawn is slow for a long report.
    let mut seen = [vec![false; DIRECT_CODES], vec![false; DIRECT_CODES]];
    for item in pages.iter().flatten() {
        if let Item::Text { text, font, .. } = item {
            let face = font.face as usize;
            for c in text.chars() {
                match seen[face].get_mut(c as usize) {
                    Some(mark) => *mark = true,
                    None => {
                        used[face].insert(c);
                    }
                }
            }
        }
    }
    for (face, marks) in seen.iter().enumerate() {
        let marked = marks.iter().enumerate().filter(|(_, m)| **m);
        used[face].extend(marked.filter_map(|(code, _)| char::from_u32(code as u32)));
    }
    let mut faces: [Option<Embedded>; 2] = [None, None];
    // printpdf writes a font's /W widths and /ToUnicode map from the text it sees drawn, so it
    // is shown each face's characters once (on page 1, whose content is replaced below).
    let mut usage = Vec::new();
    for (face, tag) in [(Face::Regular, "SKRAAA"), (Face::Bold, "SKRAAB")] {
        let chars = &used[face as usize];
        if chars.is_empty() {
            continue;
        }
        let bytes = face.subset(chars).map_err(LayoutError::Font)?;
        let mut warnings = Vec::new();
        let mut parsed = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
            .ok_or_else(|| LayoutError::Font(format!("subset of {face:?} does not parse: {warnings:?}")))?;
        // The six-letter tag marks the embedded program as a subset (ISO 32000-1 9.6.4).
        parsed.font_name = Some(format!("{tag}+{}", face.postscript_name()));
        let embedded = Embedded::new(&parsed, chars);
        let id = doc.add_font(&parsed);
        usage.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(id.clone()),
                size: Pt(1.0),
            },
            Op::ShowText {
                items: vec![TextItem::Text(chars.iter().collect())],
            },
            Op::EndTextSection,
        ]);
        faces[face as usize] = Some(Embedded {
            resource: id.0.into_bytes(),
            ..embedded
        });
    }

    let (width, height) = (Mm(page_width / PT_PER_MM), Mm(page_height / PT_PER_MM));
    let mut pdf_pages = vec![PdfPage::new(width, height, usage)];
    pdf_pages.resize_with(pages.len().max(1), || PdfPage::new(width, height, Vec::new()));
    doc.with_pages(pdf_pages);

    let info = &mut doc.metadata.info;
    info.author = meta.author.clone();
    info.subject = meta.subject.clone();
    info.creator = CREATOR.to_string();
    info.producer = PRODUCER.to_string();

    // Fonts are already subset; printpdf's own subsetter needs its text_layout feature anyway.
    let opts = PdfSaveOptions {
        subset_fonts: false,
        ..PdfSaveOptions::default()
    };
    let mut warnings = Vec::new();
    let mut pdf = doc.to_lopdf_document(&opts, &mut warnings);
    let errors: Vec<String> = warnings
        .iter()
        .filter(|w| w.severity == PdfParseErrorSeverity::Error)
        .map(|w| w.msg.clone())
        .collect();
    if !errors.is_empty() {
        return Err(LayoutError::Pdf(errors.join("; ")));
    }
    let page_ids: Vec<lopdf::ObjectId> = pdf.get_pages().into_values().collect();
    for (id, content) in page_ids
        .into_iter()
        .zip(page_contents(pages, page_height, &faces)?)
    {
        // Not `Document::change_page_content`: it compresses again, at level 9.
        let stream = pdf
            .get_dictionary(id)
            .and_then(|page| page.get(b"Contents"))
            .and_then(Object::as_reference)
            .and_then(|contents| pdf.get_object_mut(contents))
            .and_then(Object::as_stream_mut)
            .map_err(|e| LayoutError::Pdf(e.to_string()))?;
        stream.set_plain_content(content.bytes);
        if content.deflated {
            stream.dict.set("Filter", "FlateDecode");
        }
    }
    archival::complete(&mut pdf, meta).map_err(|e| LayoutError::Pdf(e.to_string()))?;
    compress(&mut pdf).map_err(|e| LayoutError::Pdf(e.to_string()))?;
    let mut out = Vec::new();
    pdf.save_to(&mut out)
        .map_err(|e| LayoutError::Pdf(e.to_string()))?;
    Ok(out)
}

/// A face as embedded in one document: printpdf's resource name for it and the subset's own
/// character-to-glyph map, which gives the two-byte codes (Identity-H) the page shows.
struct Embedded {
    resource: Vec<u8>,
    /// Glyph id by code point below [`DIRECT_CODES`]; 0 = none.
    direct: Vec<u16>,
    /// Glyph ids of the (rare) characters above.
    other: std::collections::BTreeMap<u32, u16>,
}

/// Code points looked up by index rather than in a map (Latin, Greek, Cyrillic, punctuation).
const DIRECT_CODES: usize = 0x2100;

impl Embedded {
    fn new(font: &ParsedFont, chars: &BTreeSet<char>) -> Embedded {
        let mut direct = vec![0; DIRECT_CODES];
        let mut other = std::collections::BTreeMap::new();
        for c in chars {
            let gid = font.lookup_glyph_index(*c as u32).unwrap_or(0);
            match direct.get_mut(*c as usize) {
                Some(slot) => *slot = gid,
                None => {
                    other.insert(*c as u32, gid);
                }
            }
        }
        Embedded {
            resource: Vec::new(),
            direct,
            other,
        }
    }

    /// `text` as big-endian glyph ids, the way printpdf encodes text in an embedded font
    /// (a character without a glyph becomes 0, `.notdef`).
    fn codes(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let gid = match self.direct.get(c as usize) {
                Some(gid) => *gid,
                None => self.other.get(&(c as u32)).copied().unwrap_or(0),
            };
            out.extend_from_slice(&gid.to_be_bytes());
        }
        out
    }
}

/// One page's items as content-stream operations, built with lopdf's content model.
///
/// printpdf draws the same operators, but its writer looks up, collects and hex-formats every
/// character one at a time; for a 158-page access report (23,000 runs, 320,000 characters) that
/// was about 55 ms, over half the document. Here consecutive runs of text share one text
/// object (`BT … ET`), font, fill grey and letter spacing are written only when they change,
/// and glyph ids are written as binary strings (two bytes per glyph instead of four hex
/// digits). printpdf still writes the document, its fonts (with `/W` and `/ToUnicode`) and the
/// page objects; this only replaces each page's content stream.
struct PageOps<'a> {
    page_height: f32,
    faces: &'a [Option<Embedded>; 2],
    ops: Vec<Operation>,
    /// Inside `BT … ET`.
    in_text: bool,
    /// Face and size set by the last `Tf`; `None` before the first.
    font: Option<(Face, f32)>,
    /// Fill grey last set (by text or a filled rectangle); `None` before the first.
    fill: Option<f32>,
    /// Letter spacing (`Tc`) in force; a page starts at 0.
    tracking: f32,
}

impl<'a> PageOps<'a> {
    fn new(page_height: f32, faces: &'a [Option<Embedded>; 2], items: usize) -> PageOps<'a> {
        PageOps {
            page_height,
            faces,
            ops: Vec::with_capacity(items * 3),
            in_text: false,
            font: None,
            fill: None,
            tracking: 0.0,
        }
    }

    /// PDF's y axis points up from the bottom of the page; items measure down from the top.
    fn y(&self, top: f32) -> Object {
        Object::Real(round(self.page_height - top))
    }

    fn op(&mut self, operator: &str, operands: Vec<Object>) {
        self.ops.push(Operation::new(operator, operands));
    }

    fn set_fill(&mut self, level: f32) {
        if self.fill != Some(level) {
            self.op("g", vec![Object::Real(level.clamp(0.0, 1.0))]);
            self.fill = Some(level);
        }
    }

    fn set_stroke(&mut self, level: f32, width: f32) {
        self.op("G", vec![Object::Real(level.clamp(0.0, 1.0))]);
        self.op("w", vec![Object::Real(width)]);
    }

    /// Path operators are not allowed inside a text object.
    fn end_text(&mut self) {
        if self.in_text {
            self.op("ET", Vec::new());
            self.in_text = false;
        }
    }

    fn finish(mut self) -> Content<Vec<Operation>> {
        self.end_text();
        Content { operations: self.ops }
    }

    fn emit(&mut self, item: &Item) {
        match item {
            Item::Text {
                x,
                baseline,
                text,
                font,
            } => {
                let faces = self.faces;
                let Some(face) = &faces[font.face as usize] else {
                    return;
                };
                if !self.in_text {
                    self.op("BT", Vec::new());
                    self.in_text = true;
                }
                if self.font != Some((font.face, font.size)) {
                    let name = Object::Name(face.resource.clone());
                    self.op("Tf", vec![name, Object::Real(font.size)]);
                    self.font = Some((font.face, font.size));
                }
                self.set_fill(font.grey);
                let tracking = round(font.tracking);
                if self.tracking != tracking {
                    self.op("Tc", vec![Object::Real(tracking)]);
                    self.tracking = tracking;
                }
                let (one, zero) = (Object::Integer(1), Object::Integer(0));
                let (x, y) = (Object::Real(round(*x)), self.y(*baseline));
                self.op("Tm", vec![one.clone(), zero.clone(), zero, one, x, y]);
                let codes = Object::String(face.codes(text), StringFormat::Literal);
                self.op("Tj", vec![codes]);
            }
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                grey,
            } => {
                self.end_text();
                self.set_stroke(*grey, *width);
                let (from, to) = ((round(*x1), self.y(*y1)), (round(*x2), self.y(*y2)));
                self.op("m", vec![Object::Real(from.0), from.1]);
                self.op("l", vec![Object::Real(to.0), to.1]);
                self.op("S", Vec::new());
            }
            Item::Rect {
                x,
                top,
                width,
                height,
                fill,
                stroke,
            } => {
                self.end_text();
                if let Some(level) = fill {
                    self.set_fill(*level);
                }
                if let Some(level) = stroke {
                    self.set_stroke(*level, 0.5);
                }
                let y = self.y(top + height);
                self.op(
                    "re",
                    vec![
                        Object::Real(round(*x)),
                        y,
                        Object::Real(round(*width)),
                        Object::Real(round(*height)),
                    ],
                );
                // Nonzero winding: fill and stroke, stroke only, or fill.
                let paint = match (fill, stroke) {
                    (Some(_), Some(_)) => "B",
                    (None, Some(_)) => "S",
                    _ => "f",
                };
                self.op(paint, Vec::new());
            }
        }
    }
}

/// The parts of PDF/A-2b and of the document metadata that printpdf does not write (see the
/// module comment), added through lopdf's object model.
mod archival {
    use std::sync::OnceLock;

    use lopdf::{dictionary, text_string, Dictionary, Document, Object, Stream};

    use super::{Meta, CREATOR, PRODUCER, SRGB_ICC};

    pub fn complete(pdf: &mut Document, meta: &Meta) -> lopdf::Result<()> {
        pdf.version = "1.7".to_string();
        let pdf_date = meta.created.format("D:%Y%m%d%H%M%S+00'00'").to_string();
        let xmp_date = meta.created.format("%Y-%m-%dT%H:%M:%SZ").to_string();

        let mut info = Dictionary::new();
        info.set("Title", text_string(&meta.title));
        info.set("Author", text_string(&meta.author));
        if !meta.subject.is_empty() {
            info.set("Subject", text_string(&meta.subject));
        }
        if !meta.keywords.is_empty() {
            info.set("Keywords", text_string(&meta.keywords));
        }
        info.set("Creator", text_string(CREATOR));
        info.set("Producer", text_string(PRODUCER));
        info.set("CreationDate", Object::string_literal(pdf_date.clone()));
        info.set("ModDate", Object::string_literal(pdf_date));
        // Replace printpdf's Info dictionary (empty Subject/Keywords, a GTS_PDFXVersion) outright.
        if let Ok(old) = pdf.trailer.get(b"Info").and_then(Object::as_reference) {
            pdf.objects.remove(&old);
        }
        let info_id = pdf.add_object(info);
        pdf.trailer.set("Info", info_id);

        let xmp = Stream::new(
            dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
            xmp_packet(meta, &xmp_date).into_bytes(),
        )
        // PDF/A wants the metadata readable by tools that do not parse PDF streams.
        .with_compression(false);
        let xmp_id = pdf.add_object(xmp);

        // The profile never changes: compressed once per process, at the best level.
        static PACKED_ICC: OnceLock<Vec<u8>> = OnceLock::new();
        let packed = PACKED_ICC.get_or_init(|| super::deflate(SRGB_ICC, 9).unwrap_or_default());
        let icc = if packed.is_empty() {
            Stream::new(dictionary! { "N" => 3 }, SRGB_ICC.to_vec())
        } else {
            Stream::new(
                dictionary! { "N" => 3, "Filter" => "FlateDecode" },
                packed.clone(),
            )
        };
        let icc_id = pdf.add_object(icc);
        let intent = dictionary! {
            "Type" => "OutputIntent",
            "S" => "GTS_PDFA1",
            "OutputConditionIdentifier" => Object::string_literal("sRGB IEC61966-2.1"),
            "Info" => Object::string_literal("sRGB IEC61966-2.1"),
            "DestOutputProfile" => icc_id,
        };

        let root = pdf.trailer.get(b"Root")?.as_reference()?;
        let catalog = pdf.get_object_mut(root)?.as_dict_mut()?;
        catalog.set("Lang", text_string(&meta.language));
        catalog.set("Metadata", xmp_id);
        catalog.set("OutputIntents", vec![Object::Dictionary(intent)]);
        Ok(())
    }

    fn xml_escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    fn xmp_packet(meta: &Meta, date: &str) -> String {
        let description = if meta.subject.is_empty() {
            String::new()
        } else {
            format!(
                "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n",
                xml_escape(&meta.subject)
            )
        };
        format!(
            "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" \
xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n\
<dc:format>application/pdf</dc:format>\n\
<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>\n\
{description}\
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n\
<xmp:CreateDate>{date}</xmp:CreateDate>\n\
<xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
<xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
<xmp:CreatorTool>{creator}</xmp:CreatorTool>\n\
<pdf:Producer>{producer}</pdf:Producer>\n\
{keywords}\
<pdfaid:part>2</pdfaid:part>\n\
<pdfaid:conformance>B</pdfaid:conformance>\n\
</rdf:Description>\n\
</rdf:RDF>\n\
</x:xmpmeta>\n\
<?xpacket end=\"w\"?>",
            title = xml_escape(&meta.title),
            author = xml_escape(&meta.author),
            lang = xml_escape(&meta.language),
            keywords = if meta.keywords.is_empty() {
                String::new()
            } else {
                format!("<pdf:Keywords>{}</pdf:Keywords>\n", xml_escape(&meta.keywords))
            },
            creator = CREATOR,
            producer = PRODUCER,
        )
    }
}
