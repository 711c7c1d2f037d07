//! An HTML page read as a document: the markup pass ([`markup`]: charset, tokens, one line per
//! block element with its evidence, in [`lines`]) and the structure's verdict ([`verdict`]:
//! the article, its headline, and boilerplate runs with their reasons).

mod lines;
mod markup;
mod verdict;

use super::source::{looks_binary, FileOutcome};
use super::InputOptions;
use super::{Document, InputFile, SkipReason};

use markup::extract;
pub(crate) use markup::{charset_param, decode};
use verdict::{classify, item_starts};
pub use verdict::{Boilerplate, BoilerplateReason};

/// A page read as text.
#[derive(Debug)]
pub(crate) struct Page {
    /// One line per block element, `\n`-separated.
    pub text: String,
    /// Whether its bytes were not valid in its charset (replaced), or a charset was guessed.
    pub lossy: bool,
    /// The boilerplate the page's structure shows, as line spans with reasons.
    pub boilerplate: Vec<Boilerplate>,
    /// The first line of each item of a reference page ([`verdict::item_starts`]).
    pub items: Vec<u32>,
}

/// Reads an HTML file as one document: its text, one line per block element, and the
/// boilerplate its structure shows.
pub(crate) fn read_html(
    file: &InputFile,
    opts: &InputOptions,
    reader: Box<dyn std::io::Read>,
    outcome: &mut FileOutcome,
    emit: &mut impl FnMut(Document),
) {
    let bytes = match super::source::read_whole(file, opts, reader) {
        Ok(bytes) => bytes,
        Err(reason) => {
            outcome.skip(&file.rel, reason);
            return;
        }
    };
    match page_document(&bytes, None) {
        Ok(page) => {
            outcome.bytes += bytes.len() as u64;
            emit(Document {
                id: file.rel.clone(),
                path: file.rel.clone(),
                line: 0,
                site: file.site.clone(),
                text: page.text,
                lossy_utf8: page.lossy,
                boilerplate: page.boilerplate,
                items: page.items,
            });
        }
        Err(reason) => outcome.skip(&file.rel, reason),
    }
}

/// A page's bytes as a document's parts, or why they are none: NUL bytes outside UTF-16 are
/// a binary file, and a page without text is empty.
pub(crate) fn page_document(bytes: &[u8], http_charset: Option<&str>) -> Result<Page, SkipReason> {
    let utf16 = matches!(bytes, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]);
    if !utf16 && looks_binary(bytes) {
        return Err(SkipReason::BinaryFile);
    }
    let page = read_page(bytes, http_charset);
    if page.text.trim().is_empty() {
        return Err(SkipReason::Empty);
    }
    Ok(page)
}

/// Decodes `bytes` (charset from the byte-order mark, `http_charset`, then `<meta>`) and
/// extracts its text and boilerplate evidence.
pub(crate) fn read_page(bytes: &[u8], http_charset: Option<&str>) -> Page {
    let (html, lossy) = decode(bytes, http_charset);
    let (text, lines, nodes) = extract(&html);
    let boilerplate = classify(&text, &lines, &nodes);
    let items = item_starts(&lines, &nodes);
    Page {
        text,
        lossy,
        boilerplate,
        items,
    }
}
