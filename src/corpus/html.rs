//! HTML pages as text: the page's charset, then one line per block element, with what the
//! page's structure says about each line (its tag, its ancestors' roles, its links) for the
//! boilerplate classifier (`boilerplate.rs`).
//!
//! The markup is tokenized by html5gum (a WHATWG-conformant tokenizer) and the tree kept as a
//! light stack of open elements with HTML's implied end tags for `p`, `li`, `td` and their
//! kin: enough for "one line per block" and each line's ancestry, at tokenizer speed.

use std::borrow::Cow;

use encoding_rs::Encoding;
use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter, Tokenizer};

/// An emitter that asks the tokenizer for no parse errors: checking every character for them
/// is a sixth of the tokenizer's time, and a page's errors change nothing here.
struct Quiet<E>(E);

impl<E: Emitter> ForwardingEmitter for Quiet<E> {
    type Token = E::Token;
    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.0
    }
    fn should_emit_errors(&mut self) -> bool {
        false
    }
}

use super::boilerplate::{classify, Boilerplate};
use super::read::{looks_binary, FileOutcome};
use super::{Document, InputFile, SkipReason};
use crate::config::InputOptions;

/// Roles a line takes from its element and its ancestors (bits of [`Flags`]).
pub(crate) mod role {
    /// `<nav>`, `role=navigation`, or a class or id that says navigation or menu.
    pub const NAV: u16 = 1;
    /// `<header>`, `role=banner`.
    pub const HEADER: u16 = 1 << 1;
    /// `<footer>`, `role=contentinfo`, or a class or id that says footer.
    pub const FOOTER: u16 = 1 << 2;
    /// `<aside>`, `role=complementary`, or a class or id that says sidebar, related, share…
    pub const ASIDE: u16 = 1 << 3;
    /// `<form>` (inputs, search boxes, newsletter sign-ups).
    pub const FORM: u16 = 1 << 4;
    /// Inside a list (`ul`, `ol`, `menu`, `dl`).
    pub const LIST: u16 = 1 << 5;
    /// A heading (`h1`–`h6`).
    pub const HEADING: u16 = 1 << 6;
    /// The page's `<title>`.
    pub const TITLE: u16 = 1 << 7;
    /// A class or id that says comments.
    pub const COMMENTS: u16 = 1 << 8;
    /// A figure, its caption, a photo gallery.
    pub const FIGURE: u16 = 1 << 9;
    /// `<article>`, `<main>`, `role=main` or `itemprop=articleBody`.
    pub const ARTICLE: u16 = 1 << 10;
    /// `<p>`.
    pub const PARAGRAPH: u16 = 1 << 11;
}

/// Role bits, see [`role`].
pub(crate) type Flags = u16;

/// One block element that holds lines, as the classifier scores it.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// Its parent block (the root is its own parent).
    pub parent: u32,
    /// Its own roles and its ancestors'.
    pub flags: Flags,
    /// Its tag and `class` value, hashed: blocks of one kind on a page (the paragraphs of
    /// its story) share it. 0 for the root.
    pub shape: u32,
    /// Whether it has a `class` (a shape of bare tags says little).
    pub classed: bool,
}

/// One line of the extracted text and the page's evidence about it.
#[derive(Debug, Clone)]
pub(crate) struct PageLine {
    /// Its byte range in the text.
    pub start: u32,
    /// One past its end.
    pub end: u32,
    /// The innermost block element that holds it.
    pub node: u32,
    /// Words (runs of characters between white space).
    pub words: u32,
    /// Bytes of its text inside links.
    pub link_bytes: u32,
    /// Roles of its element and ancestors.
    pub flags: Flags,
}

impl PageLine {
    /// The share of its text inside links.
    pub fn link_density(&self) -> f32 {
        let len = (self.end - self.start).max(1);
        self.link_bytes as f32 / len as f32
    }
}

/// A page read as text.
#[derive(Debug)]
pub(crate) struct Page {
    /// One line per block element, `\n`-separated.
    pub text: String,
    /// Whether its bytes were not valid in its charset (replaced), or a charset was guessed.
    pub lossy: bool,
    /// The boilerplate the page's structure shows, as line spans with reasons.
    pub boilerplate: Vec<Boilerplate>,
}

/// Reads an HTML file as one document: its text, one line per block element, and the
/// boilerplate its structure shows.
pub(super) fn read_html(
    file: &InputFile,
    opts: &InputOptions,
    reader: Box<dyn std::io::Read>,
    outcome: &mut FileOutcome,
    emit: &mut impl FnMut(Document),
) {
    let bytes = match super::read::read_whole(file, opts, reader) {
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
            });
        }
        Err(reason) => outcome.skip(&file.rel, reason),
    }
}

/// A page's bytes as a document's parts, or why they are none: NUL bytes outside UTF-16 are
/// a binary file, and a page without text is empty.
pub(super) fn page_document(bytes: &[u8], http_charset: Option<&str>) -> Result<Page, SkipReason> {
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
    Page {
        text,
        lossy,
        boilerplate,
    }
}

/// The page's text: the byte-order mark wins, then the HTTP header, then `<meta charset>` or
/// `http-equiv` in its first 4 KiB, then UTF-8. Undeclared bytes that are not UTF-8 are read
/// as windows-1252 (what browsers guess for them) and the decode counts as lossy, like one
/// with bytes invalid in the declared charset.
pub(crate) fn decode<'a>(bytes: &'a [u8], http_charset: Option<&str>) -> (Cow<'a, str>, bool) {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, lossy) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (text, lossy);
    }
    let declared = http_charset
        .and_then(|c| Encoding::for_label(c.trim().as_bytes()))
        .or_else(|| meta_charset(&bytes[..bytes.len().min(4096)]))
        // a page that says UTF-16 in ASCII bytes is not UTF-16 (HTML's rule)
        .map(|e| e.output_encoding());
    match declared {
        Some(enc) => enc.decode_without_bom_handling(bytes),
        None => match std::str::from_utf8(bytes) {
            Ok(s) => (Cow::Borrowed(s), false),
            Err(_) => {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                (text, true)
            }
        },
    }
}

/// The charset a `<meta charset>` or `<meta http-equiv=content-type content=…>` in `head`
/// declares, found by tokenizing it (read as windows-1252, which maps every byte).
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let (ascii, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(head);
    let mut found: Option<&'static Encoding> = None;
    let mut in_meta = false;
    let mut attr = Vec::new();
    let mut emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, _: html5gum::Span<()>| {
        match event {
            CallbackEvent::OpenStartTag { name } => in_meta = name == b"meta",
            CallbackEvent::AttributeName { name } => {
                attr.clear();
                attr.extend_from_slice(name);
            }
            CallbackEvent::AttributeValue { value } if in_meta && found.is_none() => {
                if attr == b"charset" {
                    found = Encoding::for_label(value);
                } else if attr == b"content" {
                    found = charset_param(value).and_then(Encoding::for_label);
                }
            }
            _ => {}
        }
        None::<std::convert::Infallible>
    });
    emitter.naively_switch_states(true);
    for _ in Tokenizer::new_with_emitter(ascii.as_ref(), Quiet(emitter)) {}
    found
}

/// The `charset=` parameter of a Content-Type value (`text/html; charset="utf-8"`).
pub(crate) fn charset_param(value: &[u8]) -> Option<&[u8]> {
    let lower = value.to_ascii_lowercase();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let rest = &value[at..];
    let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
    let end = rest
        .iter()
        .position(|&b| b == b'"' || b == b';' || b == b' ' || b == b'\'')
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// How an element takes part in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Starts and ends a line, and is a node of the tree the classifier scores.
    Block,
    /// Text flows through it (`span`, `b`, `a`…).
    Inline,
    /// Its content is no text of the page (`script`, `style`, `svg`…).
    Skipped,
    /// Has no content and no end tag (`img`, `input`…); `br` and `hr` end a line.
    Void,
}

fn kind_of(name: &[u8]) -> Kind {
    match name {
        b"script" | b"style" | b"noscript" | b"template" | b"svg" | b"math" | b"select"
        | b"textarea" | b"iframe" | b"object" | b"noembed" | b"noframes" | b"title" => {
            Kind::Skipped
        }
        b"br" | b"hr" | b"img" | b"input" | b"meta" | b"link" | b"wbr" | b"area" | b"base"
        | b"col" | b"embed" | b"source" | b"track" | b"param" | b"keygen" => Kind::Void,
        b"address" | b"article" | b"aside" | b"blockquote" | b"body" | b"caption" | b"center"
        | b"dd" | b"details" | b"dialog" | b"dir" | b"div" | b"dl" | b"dt" | b"fieldset"
        | b"figcaption" | b"figure" | b"footer" | b"form" | b"h1" | b"h2" | b"h3" | b"h4"
        | b"h5" | b"h6" | b"header" | b"hgroup" | b"html" | b"legend" | b"li" | b"main"
        | b"menu" | b"nav" | b"ol" | b"p" | b"pre" | b"section" | b"summary" | b"table"
        | b"tbody" | b"td" | b"tfoot" | b"th" | b"thead" | b"tr" | b"ul" | b"frameset"
        | b"frame" => Kind::Block,
        _ => Kind::Inline,
    }
}

/// The roles an element's own tag gives it.
fn tag_flags(name: &[u8]) -> Flags {
    match name {
        b"nav" | b"menu" => role::NAV,
        b"header" => role::HEADER,
        b"footer" => role::FOOTER,
        b"aside" => role::ASIDE,
        b"form" | b"fieldset" => role::FORM,
        b"ul" | b"ol" | b"dl" => role::LIST,
        b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => role::HEADING,
        b"title" => role::TITLE,
        b"figure" | b"figcaption" => role::FIGURE,
        b"article" | b"main" => role::ARTICLE,
        b"p" => role::PARAGRAPH,
        _ => 0,
    }
}

/// The words of a `class` or `id` value: split at anything but letters and digits and
/// where camel case starts a word (`galleryCaption001` → gallery, caption, 001).
fn hint_words(value: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    value
        .split(|b| !b.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .flat_map(|part| {
            let mut words = Vec::new();
            let mut start = 0;
            for i in 1..part.len() {
                if part[i].is_ascii_uppercase() && part[i - 1].is_ascii_lowercase() {
                    words.push(part[start..i].to_ascii_lowercase());
                    start = i;
                }
            }
            words.push(part[start..].to_ascii_lowercase());
            words
        })
}

/// The roles a `class`, `id` or `role` attribute names. Words are matched whole (a class
/// `main-content-with-sidebar` says content as much as sidebar, so it says nothing).
fn hint_flags(value: &[u8]) -> Flags {
    let mut flags = 0;
    let mut content = false;
    for word in hint_words(value) {
        flags |= match word.as_slice() {
            b"nav" | b"navbar" | b"navigation" | b"menu" | b"breadcrumb" | b"breadcrumbs"
            | b"topnav" | b"subnav" | b"masthead" | b"banner" | b"skip" => role::NAV,
            b"footer" | b"foot" | b"copyright" | b"contentinfo" => role::FOOTER,
            b"sidebar" | b"aside" | b"related" | b"share" | b"sharing" | b"social" | b"promo"
            | b"advert" | b"advertisement" | b"ad" | b"ads" | b"sponsor" | b"sponsored"
            | b"newsletter" | b"subscribe" | b"signup" | b"popular" | b"trending"
            | b"complementary" | b"widget" | b"toolbar" | b"tools" | b"recommended"
            | b"outbrain" | b"taboola" => role::ASIDE,
            b"comment" | b"comments" | b"disqus" => role::COMMENTS,
            b"caption" | b"captions" | b"gallery" | b"slideshow" | b"carousel" => role::FIGURE,
            b"article" | b"story" | b"content" | b"body" | b"entry" | b"post" | b"main"
            | b"text" | b"articlebody" => {
                content = true;
                0
            }
            _ => 0,
        };
    }
    if content {
        0
    } else {
        flags
    }
}

/// An element on the stack of open elements.
#[derive(Debug)]
struct Open {
    name: Box<[u8]>,
    kind: Kind,
    /// The block node it is (a block) or sits in.
    node: u32,
    /// Its roles and its ancestors'.
    flags: Flags,
}

/// The walk over the tokens: the stack, the line being built, the lines and nodes so far.
struct Walker {
    stack: Vec<Open>,
    nodes: Vec<Node>,
    lines: Vec<PageLine>,
    text: String,
    /// The line being built: its start in `text`, whether it holds a word yet, its links.
    line_start: usize,
    line_node: u32,
    line_flags: Flags,
    link_bytes: u32,
    pending_space: bool,
    /// Open `<a href>` elements.
    links: u32,
    /// Open skipped elements.
    skipping: u32,
    /// The start tag being read.
    tag: Vec<u8>,
    tag_flags: Flags,
    /// xxh3 of the start tag's `class` value (0: none).
    tag_class: u64,
    tag_href: bool,
    attr: Vec<u8>,
    in_start_tag: bool,
    /// Skipped elements (`script`, `style`…) opened past [`MAX_DEPTH`]: not on the stack, still
    /// skipped until their end tags, which come before any end tag of the stack.
    deep_skipped: usize,
}

/// Deepest stack kept: past it, elements are not pushed (their text still counts).
const MAX_DEPTH: usize = 512;

impl Walker {
    fn new(capacity: usize) -> Walker {
        Walker {
            stack: Vec::new(),
            nodes: vec![Node {
                parent: 0,
                flags: 0,
                shape: 0,
                classed: false,
            }],
            lines: Vec::new(),
            text: String::with_capacity(capacity / 4),
            line_start: 0,
            line_node: 0,
            line_flags: 0,
            link_bytes: 0,
            pending_space: false,
            links: 0,
            skipping: 0,
            tag: Vec::new(),
            tag_flags: 0,
            tag_class: 0,
            tag_href: false,
            attr: Vec::new(),
            in_start_tag: false,
            deep_skipped: 0,
        }
    }

    fn current(&self) -> (u32, Flags) {
        self.stack.last().map_or((0, 0), |o| (o.node, o.flags))
    }

    fn on(&mut self, event: CallbackEvent<'_>) {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.tag.clear();
                self.tag.extend_from_slice(name);
                self.tag_flags = 0;
                self.tag_class = 0;
                self.tag_href = false;
                self.in_start_tag = true;
            }
            CallbackEvent::AttributeName { name } => {
                self.attr.clear();
                self.attr.extend_from_slice(name);
                if self.in_start_tag && name == b"href" {
                    self.tag_href = true;
                }
            }
            CallbackEvent::AttributeValue { value } if self.in_start_tag => {
                if self.attr == b"class" && !value.is_empty() {
                    self.tag_class = xxhash_rust::xxh3::xxh3_64(value) | 1;
                }
                self.tag_flags |= match self.attr.as_slice() {
                    b"class" | b"id" => hint_flags(value),
                    b"role" => match value {
                        b"navigation" | b"menu" | b"menubar" => role::NAV,
                        b"banner" => role::HEADER,
                        b"contentinfo" => role::FOOTER,
                        b"complementary" => role::ASIDE,
                        b"main" | b"article" => role::ARTICLE,
                        _ => 0,
                    },
                    b"itemprop" if value.eq_ignore_ascii_case(b"articlebody") => role::ARTICLE,
                    _ => 0,
                };
            }
            CallbackEvent::CloseStartTag { .. } if self.in_start_tag => {
                self.in_start_tag = false;
                let name = std::mem::take(&mut self.tag);
                self.start_tag(&name);
                self.tag = name;
            }
            CallbackEvent::EndTag { name } => {
                self.in_start_tag = false;
                self.end_tag(name);
            }
            CallbackEvent::String { value } if self.skipping == 0 => self.push_text(value),
            _ => {}
        }
    }

    fn start_tag(&mut self, name: &[u8]) {
        let kind = kind_of(name);
        if kind == Kind::Block {
            self.close_implied(name);
        }
        match kind {
            Kind::Void => {
                if name == b"br" || name == b"hr" {
                    self.end_line();
                }
                return;
            }
            Kind::Block => self.end_line(),
            Kind::Skipped => self.skipping += 1,
            Kind::Inline => {
                if name == b"a" && self.tag_href {
                    self.links += 1;
                }
            }
        }
        if self.stack.len() >= MAX_DEPTH {
            if kind == Kind::Skipped {
                self.deep_skipped += 1;
            }
            return;
        }
        let (parent, parent_flags) = self.current();
        // A class on `html` or `body` describes the page (`disable-wide-advert`), not a block.
        let hints = if name == b"body" || name == b"html" {
            0
        } else {
            self.tag_flags
        };
        let flags = parent_flags | tag_flags(name) | hints;
        let node = if kind == Kind::Block {
            let tag = xxhash_rust::xxh3::xxh3_64(name);
            self.nodes.push(Node {
                parent,
                flags,
                shape: (tag ^ self.tag_class.rotate_left(17)) as u32,
                classed: self.tag_class != 0,
            });
            self.nodes.len() as u32 - 1
        } else {
            parent
        };
        let link = name == b"a" && self.tag_href;
        let mut stored: Box<[u8]> = name.into();
        if link {
            // an `a` that counts as a link ends with the marker, so its end tag knows
            stored = [name, b"+"].concat().into();
        }
        self.stack.push(Open {
            name: stored,
            kind,
            node,
            flags,
        });
    }

    /// HTML's implied end tags: a new `p`-closing block ends an open `p`; a new `li`, `dt`,
    /// `dd`, `tr`, `td` or `th` ends the open one of its kind within its list or table.
    fn close_implied(&mut self, name: &[u8]) {
        let (same, stop): (&[&[u8]], &[&[u8]]) = match name {
            b"li" => (&[b"li"], &[b"ul", b"ol", b"menu"]),
            b"dt" | b"dd" => (&[b"dt", b"dd"], &[b"dl"]),
            b"tr" => (
                &[b"tr", b"td", b"th"],
                &[b"table", b"tbody", b"thead", b"tfoot"],
            ),
            b"td" | b"th" => (&[b"td", b"th"], &[b"tr", b"table"]),
            b"tbody" | b"thead" | b"tfoot" => (
                &[b"tbody", b"thead", b"tfoot", b"tr", b"td", b"th"],
                &[b"table"],
            ),
            _ => (&[], &[]),
        };
        if self.stack.last().is_some_and(|o| &*o.name == b"p") && closes_p(name) {
            self.pop_to(self.stack.len() - 1);
        }
        if same.is_empty() {
            return;
        }
        for i in (0..self.stack.len()).rev() {
            let n = &*self.stack[i].name;
            if stop.contains(&n) {
                return;
            }
            if same.contains(&n) {
                self.pop_to(i);
                return;
            }
        }
    }

    fn end_tag(&mut self, name: &[u8]) {
        if name == b"br" || name == b"p" && !self.stack.iter().any(|o| &*o.name == b"p") {
            self.end_line();
            return;
        }
        if self.deep_skipped > 0 && kind_of(name) == Kind::Skipped {
            self.deep_skipped -= 1;
            self.skipping = self.skipping.saturating_sub(1);
            return;
        }
        let link_name: &[u8] = if name == b"a" { b"a+" } else { b"" };
        // Search only as far as an element that a stray end tag must not close across.
        if let Some(i) = self
            .stack
            .iter()
            .rposition(|o| &*o.name == name || &*o.name == link_name)
        {
            self.pop_to(i);
        }
    }

    /// Closes the elements from `i` up.
    fn pop_to(&mut self, i: usize) {
        while self.stack.len() > i {
            let Some(open) = self.stack.pop() else { return };
            match open.kind {
                Kind::Block => self.end_line(),
                Kind::Skipped => self.skipping = self.skipping.saturating_sub(1),
                Kind::Inline if open.name.ends_with(b"+") => {
                    self.links = self.links.saturating_sub(1)
                }
                _ => {}
            }
        }
    }

    /// Appends text with white space collapsed.
    fn push_text(&mut self, value: &[u8]) {
        let Ok(value) = std::str::from_utf8(value) else {
            return; // the input is a &str, so the tokenizer's strings are UTF-8
        };
        for (i, word) in value.split(is_space).enumerate() {
            if i > 0 {
                self.pending_space = true;
            }
            if word.is_empty() {
                continue;
            }
            let started = self.text.len() > self.line_start;
            if !started {
                let (node, flags) = self.current();
                self.line_node = node;
                self.line_flags = flags;
            } else if self.pending_space {
                self.text.push(' ');
                if self.links > 0 {
                    self.link_bytes += 1;
                }
            }
            self.pending_space = false;
            self.text.push_str(word);
            if self.links > 0 {
                self.link_bytes += word.len() as u32;
            }
        }
    }

    fn end_line(&mut self) {
        self.pending_space = false;
        if self.text.len() > self.line_start {
            let line = &self.text[self.line_start..];
            self.lines.push(PageLine {
                start: self.line_start as u32,
                end: self.text.len() as u32,
                node: self.line_node,
                words: line.split(' ').count() as u32,
                link_bytes: self.link_bytes,
                flags: self.line_flags,
            });
            self.text.push('\n');
        }
        self.line_start = self.text.len();
        self.link_bytes = 0;
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}'
}

/// Whether a start tag of `name` ends an open `p` (HTML's list of such tags).
fn closes_p(name: &[u8]) -> bool {
    matches!(
        name,
        b"address"
            | b"article"
            | b"aside"
            | b"blockquote"
            | b"details"
            | b"dialog"
            | b"div"
            | b"dl"
            | b"fieldset"
            | b"figcaption"
            | b"figure"
            | b"footer"
            | b"form"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"header"
            | b"hgroup"
            | b"main"
            | b"menu"
            | b"nav"
            | b"ol"
            | b"p"
            | b"pre"
            | b"section"
            | b"table"
            | b"ul"
    )
}

/// The text of `html` (one line per block element), its lines' evidence and the block tree.
pub(crate) fn extract(html: &str) -> (String, Vec<PageLine>, Vec<Node>) {
    let html = &*close_broken_title(html);
    let mut walker = Walker::new(html.len());
    {
        let mut emitter =
            CallbackEmitter::new(|event: CallbackEvent<'_>, _: html5gum::Span<()>| {
                walker.on(event);
                None::<std::convert::Infallible>
            });
        emitter.naively_switch_states(true);
        for _ in Tokenizer::new_with_emitter(html, Quiet(emitter)) {}
    }
    walker.end_line();
    // The title goes first, wherever the page puts it (some put it in the body too).
    let Walker {
        mut text,
        mut lines,
        nodes,
        ..
    } = walker;
    if let Some(title) = title_of(html) {
        let shift = title.len() as u32 + 1;
        for l in &mut lines {
            l.start += shift;
            l.end += shift;
        }
        lines.insert(
            0,
            PageLine {
                start: 0,
                end: title.len() as u32,
                node: 0,
                words: title.split(' ').count() as u32,
                link_bytes: 0,
                flags: role::TITLE,
            },
        );
        text.insert(0, '\n');
        text.insert_str(0, &title);
    }
    if text.ends_with('\n') {
        text.pop();
    }
    (text, lines, nodes)
}

/// `html` with its first `<title>` closed where markup starts inside it, when its end tag is
/// missing or mangled (`</titl>`, bytes lost in a crawl). A title is raw text up to
/// `</title>`, so such a page would be all title: no body text, and its markup read as
/// words. Old browsers and libxml2 end the title at the first tag instead; so does this.
fn close_broken_title(html: &str) -> Cow<'_, str> {
    let head = &html.as_bytes()[..html.len().min(64 * 1024)];
    let Some(open) = find_ascii_ci(head, b"<title") else {
        return Cow::Borrowed(html);
    };
    let Some(body) = head[open..]
        .iter()
        .position(|&b| b == b'>')
        .map(|i| open + i + 1)
    else {
        return Cow::Borrowed(html);
    };
    // the first `<` inside the title that starts a tag, an end tag or a comment
    let tag = head[body..]
        .windows(2)
        .position(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'));
    let Some(at) = tag.map(|i| body + i) else {
        return Cow::Borrowed(html);
    };
    if head[at..].len() >= 8 && head[at..at + 8].eq_ignore_ascii_case(b"</title>") {
        return Cow::Borrowed(html); // closed properly
    }
    Cow::Owned(format!("{}</title>{}", &html[..at], &html[at..]))
}

/// The first place `needle` (ASCII) occurs in `hay`, ignoring ASCII case.
fn find_ascii_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// The page's first `<title>`, white space collapsed.
fn title_of(html: &str) -> Option<String> {
    let mut state = 0u8; // 0 before, 1 inside, 2 done
    let mut title = String::new();
    let mut emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, _: html5gum::Span<()>| {
        match event {
            CallbackEvent::OpenStartTag { name } if state == 0 && name == b"title" => state = 1,
            CallbackEvent::OpenStartTag { name } if state == 0 && name == b"body" => state = 2,
            CallbackEvent::EndTag { name } if state == 1 && name == b"title" => state = 2,
            CallbackEvent::String { value } if state == 1 => {
                title.push_str(&String::from_utf8_lossy(value));
            }
            _ => {}
        }
        None::<std::convert::Infallible>
    });
    emitter.naively_switch_states(true);
    // The title is in the head: the first 64 KiB hold it on any real page.
    let mut end = html.len().min(64 * 1024);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    for _ in Tokenizer::new_with_emitter(&html[..end], Quiet(emitter)) {}
    let collapsed = title.split(is_space).filter(|w| !w.is_empty());
    let title = collapsed.collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(html: &str) -> String {
        extract(html).0
    }

    #[test]
    fn a_title_without_its_end_tag_ends_at_the_first_tag() {
        // `</titl>` or bytes lost in a crawl: the page is not all title, its markup no text
        for html in [
            "<html><head><title>Storm hits</titavaScript\" src=a.js></script></head><body><p>The storm came.</p></body></html>",
            "<html><head><title>Storm hits<!-- i library--></head><body><p>The storm came.</p></body></html>",
        ] {
            assert_eq!(text_of(html), "Storm hits\nThe storm came.", "{html}");
        }
        // a proper title, and one holding a lone `<`, are left alone
        assert_eq!(text_of("<title>a < b</title><p>x</p>"), "a < b\nx");
        assert_eq!(text_of("<TITLE>T</TITLE><p>x</p>"), "T\nx");
    }

    #[test]
    fn one_line_per_block_and_no_scripts() {
        let html = "<html><head><title>The  Title</title><style>p{}</style>\
            <script>var x = '<p>no</p>';</script></head><body>\
            <div>first <b>bold</b> line<p>para &amp; more</div>\
            <ul><li>one<li>two</ul><noscript>enable js</noscript>\
            <template><p>hidden</p></template><svg><text>svg</text></svg>\
            a<br>b<table><tr><td>c1<td>c2</table></body></html>";
        assert_eq!(
            text_of(html),
            "The Title\nfirst bold line\npara & more\none\ntwo\na\nb\nc1\nc2"
        );
    }

    #[test]
    fn lines_know_their_links_and_roles() {
        let html = "<body><nav><a href=/>Home</a> <a href=/w>World</a></nav>\
            <div class=story><p>Text with <a href=x>a link</a> inside it.</p></div>\
            <div id=footer>About us</div></body>";
        let (text, lines, _) = extract(html);
        assert_eq!(text, "Home World\nText with a link inside it.\nAbout us");
        assert_eq!(lines[0].flags & role::NAV, role::NAV);
        assert!(lines[0].link_density() > 0.99);
        assert!(lines[1].link_density() < 0.3 && lines[1].flags & role::PARAGRAPH != 0);
        assert_eq!(lines[2].flags & role::FOOTER, role::FOOTER);
    }

    #[test]
    fn charsets_from_bom_header_and_meta() {
        let latin = b"<meta charset=\"iso-8859-1\"><p>caf\xe9</p>";
        let (text, lossy) = decode(latin, None);
        assert!(text.contains("caf\u{e9}") && !lossy);
        let equiv = b"<meta http-equiv=Content-Type content='text/html; charset=windows-1251'><p>\xcf\xf0\xe8</p>";
        assert!(decode(equiv, None).0.contains("\u{41f}\u{440}\u{438}"));
        // the HTTP header wins over the page
        assert!(
            decode(latin, Some("utf-8")).1,
            "latin-1 bytes read as UTF-8 are lossy"
        );
        let bom = b"\xef\xbb\xbf<meta charset=iso-8859-1><p>\xc3\xa9</p>";
        assert!(decode(bom, None).0.contains('\u{e9}'));
        // undeclared and not UTF-8: windows-1252, counted as lossy
        let (text, lossy) = decode(b"<p>na\xefve</p>", None);
        assert!(text.contains("na\u{ef}ve") && lossy);
        assert_eq!(
            charset_param(b"text/html; charset=\"UTF-8\""),
            Some(&b"UTF-8"[..])
        );
    }

    proptest::proptest! {
        /// Any bytes: no panic, text bounded by the input (a byte decodes to at most three
        /// of UTF-8), boilerplate runs inside the text.
        #[test]
        fn any_bytes_are_read_without_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2000)) {
            let page = read_page(&bytes, None);
            proptest::prop_assert!(page.text.len() <= 3 * bytes.len());
            for b in &page.boilerplate {
                proptest::prop_assert!(b.bytes.0 <= b.bytes.1 && b.bytes.1 as usize <= page.text.len());
            }
        }

        /// Markup-shaped input (tags, attributes, entities in any order) too.
        #[test]
        fn tag_soup_is_read_without_panic(parts in proptest::collection::vec("<[a-z]{1,6}( class=[a-z]{1,8})?>|</[a-z]{1,6}>|[a-z ]{0,12}|&[a-z]{2,5};|<br>|<!--", 0..80)) {
            let html = parts.concat();
            let page = read_page(html.as_bytes(), None);
            proptest::prop_assert!(page.text.len() <= 3 * html.len());
        }
    }

    #[test]
    fn malformed_markup_still_gives_text() {
        let html = "<div><p>unclosed <b>bold <i>both</div></span></p>tail<p>x</td></tr>";
        assert_eq!(text_of(html), "unclosed bold both\ntail\nx");
        assert_eq!(text_of("<<<>>> </a></div> plain"), "<<<>>> plain");
        let deep = "<div>".repeat(5000) + "deep text" + &"</div>".repeat(5000);
        assert_eq!(text_of(&deep), "deep text");
    }
}
