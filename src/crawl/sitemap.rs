//! sitemap.xml and sitemap indexes: every `<loc>` is an extra seed. A gzip-compressed sitemap
//! (`sitemap.xml.gz`, served as `application/gzip` without `Content-Encoding`) is decompressed
//! with the same size cap as a page.

use std::io::Read;

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

/// What a sitemap document lists.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sitemap {
    /// Page URLs (`<urlset>`).
    pub pages: Vec<String>,
    /// Further sitemaps (`<sitemapindex>`).
    pub sitemaps: Vec<String>,
}

/// Parse a sitemap or sitemap index; malformed XML yields what was read before the error.
pub fn parse_sitemap(xml: &str) -> Sitemap {
    let mut reader = Reader::from_str(xml);
    let mut out = Sitemap::default();
    // Text of the `<loc>` being read; entity references arrive as events of their own.
    let mut loc: Option<String> = None;
    let mut in_index = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "sitemapindex" => in_index = true,
                "loc" => loc = Some(String::new()),
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == "loc" => {
                let text = loc.take().unwrap_or_default().trim().to_owned();
                if !text.is_empty() {
                    if in_index {
                        out.sitemaps.push(text);
                    } else {
                        out.pages.push(text);
                    }
                }
            }
            Ok(Event::Text(text)) => {
                if let Some(loc) = &mut loc {
                    loc.push_str(&text.xml_content(XmlVersion::Implicit1_0));
                }
            }
            Ok(Event::CData(text)) => {
                if let Some(loc) = &mut loc {
                    loc.push_str(&text.xml_content(XmlVersion::Implicit1_0));
                }
            }
            Ok(Event::GeneralRef(reference)) => {
                if let Some(loc) = &mut loc {
                    loc.push_str(&resolve_entity(&reference));
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => {
                tracing::warn!("sitemap: malformed XML: {e}");
                break;
            }
            _ => {}
        }
    }
    out
}

/// The bytes of a sitemap file: gzip data (told by its magic number, whatever the headers say)
/// is decompressed, at most `max` bytes of it; a broken stream yields what was read before the
/// error.
pub fn decompress(bytes: Vec<u8>, max: usize) -> Vec<u8> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return bytes;
    }
    let mut out = Vec::new();
    let mut decoder = flate2::read::GzDecoder::new(&bytes[..]).take(max as u64);
    if let Err(e) = decoder.read_to_end(&mut out) {
        tracing::warn!("sitemap: broken gzip data: {e}");
    }
    out
}

fn resolve_entity(reference: &quick_xml::events::BytesRef<'_>) -> String {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return c.to_string();
    }
    match reference.xml_content(XmlVersion::Implicit1_0).as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_sitemaps_are_read_within_the_cap() {
        use std::io::Write;
        let xml = "<urlset><url><loc>https://s.nl/a</loc></url></urlset>";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(xml.as_bytes()).unwrap();
        let packed = gz.finish().unwrap();
        assert_eq!(decompress(packed.clone(), 1024), xml.as_bytes());
        assert_eq!(decompress(packed, 10), &xml.as_bytes()[..10]);
        assert_eq!(decompress(xml.as_bytes().to_vec(), 5), xml.as_bytes());
        // A gzip bomb stops at the cap.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![b' '; 50 << 20]).unwrap();
        assert_eq!(decompress(gz.finish().unwrap(), 1 << 20).len(), 1 << 20);
    }

    #[test]
    fn urlset_and_index() {
        let set = r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc> https://s.nl/a?x=1&amp;y=2 </loc></url><url><loc>https://s.nl/b</loc></url></urlset>"#;
        assert_eq!(
            parse_sitemap(set).pages,
            ["https://s.nl/a?x=1&y=2", "https://s.nl/b"]
        );
        let index =
            r#"<sitemapindex><sitemap><loc>https://s.nl/s1.xml</loc></sitemap></sitemapindex>"#;
        assert_eq!(parse_sitemap(index).sitemaps, ["https://s.nl/s1.xml"]);
        assert_eq!(
            parse_sitemap("<urlset><url><loc>https://s.nl/a</loc>").pages,
            ["https://s.nl/a"]
        );
    }
}
