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
use html5gum::{Emitter, ForwardingEmitter, State, Tokenizer};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// An emitter that asks the tokenizer for no parse errors (checking every character for them
/// is a sixth of the tokenizer's time, and a page's errors change nothing here) and switches
/// it into the states of elements whose content is text (`title`, `script`, `style`…) as a
/// browser does: never inside `<svg>` or `<math>`, where a `<title/>` or `<style>` is an
/// element like any other (an icon's `<title/>` read as the start of a title swallowed the
/// rest of its page). `noscript` is read as markup, as a browser
/// without scripts shows it.
struct Markup<E> {
    inner: E,
    /// The tag being read: its name, whether a start tag, whether self-closing.
    name: Vec<u8>,
    start: bool,
    self_closing: bool,
    /// Open `<svg>` and `<math>` elements.
    foreign: u32,
}

impl<E> Markup<E> {
    fn new(inner: E) -> Markup<E> {
        Markup {
            inner,
            name: Vec::new(),
            start: false,
            self_closing: false,
            foreign: 0,
        }
    }

    /// The state the tag just read puts the tokenizer in. A self-closing tag is closed only
    /// in SVG and MathML (HTML ignores the `/` of `<script/>`); HTML's block and phrase tags
    /// break out of them, as a browser's tree builder does with a `<svg>` never closed.
    fn next_state(&mut self) -> Option<State> {
        let foreign_root = matches!(self.name.as_slice(), b"svg" | b"math");
        if !self.start {
            if foreign_root {
                self.foreign = self.foreign.saturating_sub(1);
            }
            return None;
        }
        if self.foreign > 0 && breaks_out_of_foreign(&self.name) {
            self.foreign = 0;
        }
        if foreign_root && !self.self_closing {
            self.foreign += 1;
        }
        if self.foreign > 0 {
            return None;
        }
        match self.name.as_slice() {
            b"title" | b"textarea" => Some(State::RcData),
            b"script" => Some(State::ScriptData),
            b"style" | b"iframe" | b"xmp" | b"noembed" | b"noframes" => Some(State::RawText),
            b"plaintext" => Some(State::PlainText),
            _ => None,
        }
    }
}

/// HTML start tags that end open SVG or MathML content (the HTML standard's list).
fn breaks_out_of_foreign(name: &[u8]) -> bool {
    matches!(
        name,
        b"b" | b"big"
            | b"blockquote"
            | b"body"
            | b"br"
            | b"center"
            | b"code"
            | b"dd"
            | b"div"
            | b"dl"
            | b"dt"
            | b"em"
            | b"embed"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"head"
            | b"hr"
            | b"i"
            | b"img"
            | b"li"
            | b"listing"
            | b"menu"
            | b"meta"
            | b"nobr"
            | b"ol"
            | b"p"
            | b"pre"
            | b"ruby"
            | b"s"
            | b"small"
            | b"span"
            | b"strong"
            | b"strike"
            | b"sub"
            | b"sup"
            | b"table"
            | b"tt"
            | b"u"
            | b"ul"
            | b"var"
    )
}

impl<E: Emitter> ForwardingEmitter for Markup<E> {
    type Token = E::Token;
    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.inner
    }
    fn should_emit_errors(&mut self) -> bool {
        false
    }
    fn init_start_tag(&mut self) {
        self.inner.init_start_tag();
        self.name.clear();
        self.start = true;
        self.self_closing = false;
    }
    fn init_end_tag(&mut self) {
        self.inner.init_end_tag();
        self.name.clear();
        self.start = false;
    }
    fn push_tag_name(&mut self, s: &[u8]) {
        self.inner.push_tag_name(s);
        // the names that matter are short: a longer one only has to stay unequal to them
        if self.name.len() < 16 {
            self.name.extend_from_slice(s);
        }
    }
    fn set_self_closing(&mut self) {
        self.inner.set_self_closing();
        self.self_closing = self.start;
    }
    fn emit_current_tag(&mut self) -> Option<State> {
        let _ = self.inner.emit_current_tag(); // None: the inner emitter switches nothing
        let next = self.next_state();
        if next.is_some() {
            self.inner.init_string();
        }
        next
    }
    fn adjusted_current_node_present_but_not_in_html_namespace(&mut self) -> bool {
        self.foreign > 0 // CDATA sections are text in SVG and MathML
    }
}

use super::lines::{role, tag_hash, Flags, Node, PageLine};
use super::verdict::is_prose;

/// The page's text: the byte-order mark wins, then the HTTP header, then `<meta charset>` or
/// `http-equiv` in its first 4 KiB, then UTF-8. A page whose `<meta>` declares another
/// charset but whose bytes are all valid UTF-8, with characters beyond ASCII, is read as
/// UTF-8: a page saved or re-encoded after it was served keeps its old declaration (a
/// Chinese page saved as UTF-8 that still says `gb2312`, an English one whose quotes would
/// read `â€™` as latin-1), and text in a legacy charset is almost never valid UTF-8 beyond a
/// few bytes. Undeclared bytes that are not UTF-8 are read as windows-1252 (what browsers
/// guess for them) and the decode counts as lossy, like one with bytes invalid in the
/// declared charset.
pub(crate) fn decode<'a>(bytes: &'a [u8], http_charset: Option<&str>) -> (Cow<'a, str>, bool) {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, lossy) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (text, lossy);
    }
    let from_http = http_charset.and_then(|c| Encoding::for_label(c.trim().as_bytes()));
    let declared = from_http
        .or_else(|| meta_charset(&bytes[..bytes.len().min(4096)]))
        // a page that says UTF-16 in ASCII bytes is not UTF-16 (HTML's rule)
        .map(|e| e.output_encoding());
    match declared {
        Some(enc) if from_http.is_some() || enc == encoding_rs::UTF_8 => {
            enc.decode_without_bom_handling(bytes)
        }
        Some(enc) => match std::str::from_utf8(bytes) {
            Ok(s) if !s.is_ascii() => (Cow::Borrowed(s), false),
            _ => enc.decode_without_bom_handling(bytes),
        },
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
    let emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, _: html5gum::Span<()>| {
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
    for _ in Tokenizer::new_with_emitter(ascii.as_ref(), Markup::new(emitter)) {}
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
        // a form control's content is its label or value, not the page's text: a button
        // reads "Copy item path", "Menu" or "Share" however the page styles it
        b"script" | b"style" | b"noscript" | b"template" | b"svg" | b"math" | b"select"
        | b"textarea" | b"button" | b"iframe" | b"object" | b"noembed" | b"noframes" | b"title"
        | b"rt" | b"rp" => Kind::Skipped,
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
        b"td" | b"th" => role::CELL,
        b"pre" => role::CODE,
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
/// `main-content-with-sidebar` says content as much as sidebar, so it says nothing; but
/// comments named after the content, `post-comments`, are the post's comments).
fn hint_flags(value: &[u8]) -> Flags {
    let mut flags = 0;
    let mut content = false;
    // comments named after a content word: the comments of a post (`post-comments`)
    let mut comments_after_content = false;
    for word in hint_words(value) {
        if content && matches!(word.as_slice(), b"comment" | b"comments") {
            comments_after_content = true;
        }
        flags |= match word.as_slice() {
            b"nav" | b"navbar" | b"navigation" | b"menu" | b"breadcrumb" | b"breadcrumbs"
            | b"topnav" | b"subnav" | b"masthead" | b"banner" | b"skip" => role::NAV,
            b"footer" | b"foot" | b"copyright" | b"contentinfo" => role::FOOTER,
            b"sidebar" | b"aside" | b"related" | b"share" | b"sharing" | b"social" | b"promo"
            | b"advert" | b"advertisement" | b"ad" | b"ads" | b"sponsor" | b"sponsored"
            | b"newsletter" | b"subscribe" | b"signup" | b"popular" | b"trending"
            | b"complementary" | b"widget" | b"toolbar" | b"tools" | b"recommended"
            | b"outbrain" | b"taboola" | b"cta" | b"disclaimer" | b"disclosure"
            | b"subscription" | b"donate" | b"promotion" | b"tags" | b"tag" | b"topics"
            | b"keywords" | b"follow" | b"shares" | b"pagination" | b"pager" => role::ASIDE,
            b"credit" | b"credits" => role::FIGURE,
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
    if comments_after_content {
        role::COMMENTS
    } else if content {
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
    /// Whether it hides its content from a reader (see [`Walker::concealed`]).
    concealing: bool,
    /// xxh3 of its `id` (0: none).
    id: u64,
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
    own_words: u32,
    pending_space: bool,
    /// Open `<a href>` elements.
    links: u32,
    /// Open skipped elements.
    skipping: u32,
    /// Whether the content of `noscript` and of elements the page hides (the `hidden`
    /// attribute, `display:none`, a class that says hidden) is read as text: only for a page
    /// whose text is nearly all there (an article in `noscript`, a page hidden until its
    /// scripts run).
    show_concealed: bool,
    /// Open elements that hide their content, and the bytes of text they hid.
    concealed: u32,
    concealed_bytes: usize,
    /// The start tag being read.
    tag: Vec<u8>,
    tag_flags: Flags,
    /// xxh3 of the start tag's `class` value (0: none).
    tag_class: u64,
    tag_href: bool,
    /// Whether its `href` points into the page itself (`#section`).
    tag_fragment: bool,
    /// xxh3 of the start tag's `id` value and of its `href`'s fragment (0: none).
    tag_id: u64,
    tag_fragment_id: u64,
    /// Whether its attributes hide it.
    tag_hidden: bool,
    attr: Vec<u8>,
    in_start_tag: bool,
    /// Skipped elements (`script`, `style`…) opened past [`MAX_DEPTH`]: not on the stack, still
    /// skipped until their end tags, which come before any end tag of the stack.
    deep_skipped: usize,
}

/// Open elements a permalink may sit in below the element whose `id` it links to.
const ANCHOR_REACH: usize = 4;

/// Deepest stack kept: past it, elements are not pushed (their text still counts).
const MAX_DEPTH: usize = 512;

impl Walker {
    fn new(capacity: usize, show_concealed: bool) -> Walker {
        Walker {
            stack: Vec::new(),
            nodes: vec![Node {
                parent: 0,
                flags: 0,
                shape: 0,
                tag: 0,
                classed: false,
                anchored: false,
            }],
            lines: Vec::new(),
            text: String::with_capacity(capacity / 4),
            line_start: 0,
            line_node: 0,
            line_flags: 0,
            link_bytes: 0,
            own_words: 0,
            pending_space: false,
            links: 0,
            skipping: 0,
            show_concealed,
            concealed: 0,
            concealed_bytes: 0,
            tag: Vec::new(),
            tag_flags: 0,
            tag_class: 0,
            tag_href: false,
            tag_fragment: false,
            tag_id: 0,
            tag_fragment_id: 0,
            tag_hidden: false,
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
                self.tag_fragment = false;
                self.tag_id = 0;
                self.tag_fragment_id = 0;
                self.tag_hidden = false;
                self.in_start_tag = true;
            }
            CallbackEvent::AttributeName { name } => {
                self.attr.clear();
                self.attr.extend_from_slice(name);
                if self.in_start_tag && name == b"href" {
                    self.tag_href = true;
                }
                if self.in_start_tag && name == b"hidden" {
                    self.tag_hidden = true;
                }
            }
            CallbackEvent::AttributeValue { value } if self.in_start_tag => {
                if self.attr == b"class" && !value.is_empty() {
                    self.tag_class = xxhash_rust::xxh3::xxh3_64(value) | 1;
                    self.tag_hidden |= class_hides(value);
                }
                if self.attr == b"style" {
                    self.tag_hidden |= style_hides(value);
                }
                if self.attr == b"href" {
                    self.tag_fragment = value.len() > 1 && value[0] == b'#';
                    if self.tag_fragment {
                        self.tag_fragment_id = xxhash_rust::xxh3::xxh3_64(&value[1..]) | 1;
                    }
                }
                if self.attr == b"id" && !value.is_empty() {
                    self.tag_id = xxhash_rust::xxh3::xxh3_64(value) | 1;
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
            // text only a concealing element keeps from the page (no script or style in it)
            CallbackEvent::String { value }
                if self.concealed > 0 && self.skipping == self.concealed =>
            {
                self.concealed_bytes += value.iter().filter(|b| !b.is_ascii_whitespace()).count();
            }
            _ => {}
        }
    }

    fn start_tag(&mut self, name: &[u8]) {
        let concealing = !self.show_concealed
            && (name == b"noscript" || self.tag_hidden && !matches!(name, b"html" | b"body"));
        let kind = match kind_of(name) {
            Kind::Void => Kind::Void,
            _ if concealing => Kind::Skipped,
            // shown: a block, as a browser without scripts shows it
            Kind::Skipped if name == b"noscript" => Kind::Block,
            kind => kind,
        };
        if self.skipping > 0 && breaks_out_of_foreign(name) {
            // an `<svg>` or `<math>` left open ends where HTML resumes
            if let Some(i) = self
                .stack
                .iter()
                .rposition(|o| matches!(&*o.name, b"svg" | b"math"))
            {
                self.pop_to(i);
            }
        }
        if kind == Kind::Block || matches!(name, b"rt" | b"rp" | b"button") {
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
            Kind::Skipped | Kind::Inline => {}
        }
        if self.stack.len() >= MAX_DEPTH {
            if kind == Kind::Skipped {
                // not on the stack, still skipped until its own end tag
                self.deep_skipped += 1;
                self.skipping += 1;
            }
            return;
        }
        if kind == Kind::Skipped {
            self.skipping += 1;
        }
        if concealing {
            self.concealed += 1;
        }
        let (parent, parent_flags) = self.current();
        // A link into the page itself from a heading is the heading's own anchor (`§`, a
        // heading that links to itself): its text is the heading's, not a link's.
        let link = name == b"a"
            && self.tag_href
            && !(self.tag_fragment && parent_flags & role::HEADING != 0);
        if link {
            self.links += 1;
        }
        if name == b"a" && self.tag_fragment {
            self.mark_anchored();
        }
        // A class on `html` or `body` describes the page (`disable-wide-advert`), not a block;
        // one inside a code sample names a token (a comment of the code), not a region.
        let hints = if name == b"body" || name == b"html" || parent_flags & role::CODE != 0 {
            0
        } else {
            self.tag_flags
        };
        let flags = parent_flags | tag_flags(name) | hints;
        let node = if kind == Kind::Block {
            let tag = tag_hash(name);
            self.nodes.push(Node {
                parent,
                flags,
                shape: tag ^ self.tag_class.rotate_left(17) as u32,
                tag,
                classed: self.tag_class != 0,
                anchored: false,
            });
            self.nodes.len() as u32 - 1
        } else {
            parent
        };
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
            concealing,
            id: self.tag_id,
        });
    }

    /// A link to the `id` of an element it sits in, near it (a permalink beside an item's
    /// signature, a heading's `§`): that element's block is an anchored item.
    fn mark_anchored(&mut self) {
        let target = self.tag_fragment_id;
        if let Some(open) = self
            .stack
            .iter()
            .rev()
            .take(ANCHOR_REACH)
            .find(|o| o.id == target)
        {
            self.nodes[open.node as usize].anchored = true;
        }
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
            b"rt" | b"rp" => (&[b"rt", b"rp"], &[b"ruby"]),
            // a button left open ends where the next begins, as in a browser
            b"button" => (&[b"button"], &[b"form"]),
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
            if open.concealing {
                self.concealed = self.concealed.saturating_sub(1);
            }
            match open.kind {
                Kind::Block => self.end_line(),
                Kind::Skipped => self.skipping = self.skipping.saturating_sub(1),
                _ => {}
            }
            // a link, even one the page hides
            if open.name.ends_with(b"+") {
                self.links = self.links.saturating_sub(1);
            }
        }
    }

    /// Appends text with white space collapsed.
    fn push_text(&mut self, value: &[u8]) {
        let Ok(value) = std::str::from_utf8(value) else {
            return; // the input is a &str, so the tokenizer's strings are UTF-8
        };
        let visible;
        let value = if !value.is_ascii() && value.contains(is_invisible) {
            visible = value.replace(is_invisible, "");
            visible.as_str()
        } else {
            value
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
            } else if word.chars().any(char::is_alphanumeric) {
                self.own_words += 1;
            }
        }
    }

    fn end_line(&mut self) {
        self.pending_space = false;
        if self.text.len() > self.line_start {
            let line = &self.text[self.line_start..];
            // characters that may not be composed start at U+0300 (a lead byte of 0xCC on)
            if line.bytes().any(|b| b >= 0xCC) && is_nfc_quick(line.chars()) != IsNormalized::Yes {
                // composed as a reader's text is (`e` + U+0301 is `é`)
                let composed: String = line.nfc().collect();
                self.text.truncate(self.line_start);
                self.text.push_str(&composed);
            }
            let line = &self.text[self.line_start..];
            self.lines.push(PageLine {
                start: self.line_start as u32,
                end: self.text.len() as u32,
                node: self.line_node,
                words: word_count(line),
                link_bytes: self.link_bytes.min(line.len() as u32),
                own_words: self.own_words,
                flags: self.line_flags,
            });
            self.text.push('\n');
        }
        self.line_start = self.text.len();
        self.link_bytes = 0;
        self.own_words = 0;
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}'
}

/// Characters a reader never sees inside a word: the soft hyphen (shown only where a line
/// breaks), the zero-width space, the word joiner and a stray byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}' | '\u{2060}' | '\u{feff}')
}

/// A line's words as a reader counts them: runs between spaces, and in scripts written
/// without spaces one word per two characters (a Chinese or Japanese word is one to three),
/// so that prose in those scripts is prose to the classifier.
fn word_count(line: &str) -> u32 {
    let spaced = line.split(' ').count() as u32;
    // those scripts are all past U+0E00: three or four bytes in UTF-8
    if !line.bytes().any(|b| b >= 0xE0) {
        return spaced;
    }
    let unspaced = line
        .chars()
        .filter(|&c| crate::text::normalize::is_unspaced(c))
        .count() as u32;
    spaced + unspaced / 2
}

/// Whether a `class` value names an element the page hides: a class `hidden` (whole, not
/// `hidden-xs`, shown on larger screens), `hideme`, or one for screen readers only.
fn class_hides(value: &[u8]) -> bool {
    const HIDING: [&[u8]; 6] = [
        b"hidden",
        b"hideme",
        b"visually-hidden",
        b"visuallyhidden",
        b"sr-only",
        b"screen-reader-text",
    ];
    value
        .split(|b| b.is_ascii_whitespace())
        .filter(|c| (6..=18).contains(&c.len()))
        .any(|c| HIDING.iter().any(|h| c.eq_ignore_ascii_case(h)))
}

/// Whether a `style` value hides its element: `display: none`, `visibility: hidden`,
/// `font-size: 0`.
fn style_hides(value: &[u8]) -> bool {
    let mentions = |needle: &[u8]| {
        value
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    if !(mentions(b"none") || mentions(b"hidden") || mentions(b"font-size")) {
        return false; // most styles hide nothing: no copy of them
    }
    let compact: Vec<u8> = value
        .iter()
        .filter(|b| !b.is_ascii_whitespace())
        .map(u8::to_ascii_lowercase)
        .collect();
    let has = |needle: &[u8]| compact.windows(needle.len()).position(|w| w == needle);
    if has(b"display:none").is_some() || has(b"visibility:hidden").is_some() {
        return true;
    }
    // `font-size:0`, `0px`, `0em`, not `0.9em`
    compact
        .windows(11)
        .enumerate()
        .filter(|(_, w)| *w == b"font-size:0")
        .any(|(i, _)| {
            let rest = &compact[i + 11..];
            !rest
                .first()
                .is_some_and(|&b| b == b'.' || b.is_ascii_digit())
        })
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
    let mut walker = walk(html, false);
    // A page whose text is nearly all concealed (its article in `noscript`, its body hidden
    // until scripts run) is read as a browser without scripts shows it, when that gives it
    // the prose it lacked.
    let prose = prose_bytes(&walker.lines);
    if prose < CONCEALED_ARTICLE && walker.concealed_bytes > prose + CONCEALED_ARTICLE {
        let shown = walk(html, true);
        if prose_bytes(&shown.lines) > prose + CONCEALED_ARTICLE {
            walker = shown;
        }
    }
    // The title goes first, wherever the page puts it (some put it in the body too).
    let Walker {
        mut text,
        mut lines,
        nodes,
        ..
    } = walker;
    if let Some(title) = title_of(html) {
        let title = visible_text(&title);
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
                words: word_count(&title),
                link_bytes: 0,
                own_words: word_count(&title),
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

/// Bytes of prose a page must have for its concealed text to be left out (two or three
/// paragraphs), and that its concealed text must add to be read instead.
const CONCEALED_ARTICLE: usize = 400;

/// One walk over the page's tokens.
fn walk(html: &str, show_concealed: bool) -> Walker {
    let mut walker = Walker::new(html.len(), show_concealed);
    {
        let emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, _: html5gum::Span<()>| {
            walker.on(event);
            None::<std::convert::Infallible>
        });
        for _ in Tokenizer::new_with_emitter(html, Markup::new(emitter)) {}
    }
    walker.end_line();
    walker
}

/// Bytes of the lines that are prose.
fn prose_bytes(lines: &[PageLine]) -> usize {
    lines
        .iter()
        .filter(|l| is_prose(l))
        .map(|l| (l.end - l.start) as usize)
        .sum()
}

/// Text without invisible characters, composed (NFC).
fn visible_text(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    text.chars().filter(|&c| !is_invisible(c)).nfc().collect()
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
    let emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, _: html5gum::Span<()>| {
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
    // The title is in the head: the first 64 KiB hold it on any real page.
    let mut end = html.len().min(64 * 1024);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    for _ in Tokenizer::new_with_emitter(&html[..end], Markup::new(emitter)) {}
    let collapsed = title.split(is_space).filter(|w| !w.is_empty());
    let title = collapsed.collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

#[cfg(test)]
mod tests {
    use super::super::read_page;
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
    fn a_self_closing_title_in_an_svg_icon_swallows_nothing() {
        // An icon's `<title/>` is an SVG element: read as the start of an HTML title, the
        // rest of the page was title text until a `</title>` that never comes.
        for icon in [
            "<svg viewBox='0 0 8 8'><title/><path d='M0 0'/></svg>",
            "<svg><style/><title>Share</title><use href='#i'/></svg>",
            "<math><mi>x</mi><title/></math>",
        ] {
            let html = format!(
                "<html><head><title>Page</title></head><body><p>Before the icon.</p>{icon}\
                 <p>After the icon the story goes on.</p><p>Last line.</p></body></html>"
            );
            assert_eq!(
                text_of(&html),
                "Page\nBefore the icon.\nAfter the icon the story goes on.\nLast line.",
                "{icon}"
            );
        }
        // outside foreign content a script is still script, even written `<script/>`
        assert_eq!(
            text_of("<p>a</p><script>if (a<b) x='<p>no</p>'</script><p>b</p>"),
            "a\nb"
        );
        assert_eq!(
            text_of("<p>a</p><script src=x.js /><script>s='<title>'</script><p>b</p>"),
            "a\nb"
        );
        // an `<svg>` never closed ends where HTML resumes
        assert_eq!(text_of("<p>a</p><svg><path d='M0'><p>b</p>"), "a\nb");
        // a hidden link ends: the text after it is no link text
        let (_, lines, _) =
            extract("<p><a href=/x class=hidden>Share</a>The story goes on without links.</p>");
        assert_eq!(lines[0].link_bytes, 0);
    }

    #[test]
    fn ruby_annotations_do_not_run_into_the_words() {
        let html = "<p><ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp>字<rt>じ</ruby>を読む。</p>\
            <p><ruby>東京<rt>とうきょう</ruby>へ行く</p>";
        assert_eq!(text_of(html), "漢字を読む。\n東京へ行く");
    }

    #[test]
    fn soft_hyphens_go_and_text_is_composed() {
        // a soft hyphen shows only where a line breaks; `e` + U+0301 is `é`
        let html = "<p>Donau\u{ad}dampf\u{ad}schiff\u{200b}fahrt</p><p>Cafe\u{301} au lait, ne\u{301}e</p>";
        assert_eq!(text_of(html), "Donaudampfschifffahrt\nCafé au lait, née");
        assert_eq!(
            text_of("<title>Ca\u{301}\u{ad}fe</title><p>x</p>"),
            "Cáfe\nx"
        );
    }

    #[test]
    fn unspaced_scripts_count_their_words() {
        let (_, lines, _) = extract("<p>日本語の文章には単語の間に空白がありませんが、それでも文です。</p><p>ภาษาไทยไม่มีช่องว่างระหว่างคำ</p><p>two words</p>");
        assert!(lines[0].words >= 10, "{}", lines[0].words);
        assert!(lines[1].words >= 10, "{}", lines[1].words);
        assert_eq!(lines[2].words, 2);
    }

    #[test]
    fn text_the_page_hides_is_no_text() {
        let html = "<body><p>Shown.</p><p class='x hidden'>Hidden by class.</p>\
            <div style='display: none'>Hidden by style.</div><div hidden>Hidden attribute.</div>\
            <span style='font-size:0'>zero</span><p style='font-size:0.9em'>Small but shown.</p>\
            <p class=hidden-xs>Shown on large screens.</p>\
            <details><summary class=hideme><span>Expand description</span></summary><p>Docs.</p></details>\
            <noscript>Please enable JavaScript.</noscript></body>";
        assert_eq!(
            text_of(html),
            "Shown.\nSmall but shown.\nShown on large screens.\nDocs."
        );
        // a page hidden until its scripts run, or whose article is in `noscript`, is read
        let para =
            "The committee met on Tuesday and agreed on a plan for the new bridge over the river. ";
        let body = para.repeat(8);
        let hidden_body =
            format!("<body><div id=app style='display:none'><p>{body}</p></div></body>");
        assert!(text_of(&hidden_body).contains("The committee met"));
        let app = format!("<body><div id=root></div><noscript><article><p>{body}</p><p>{body}</p></article></noscript></body>");
        assert_eq!(text_of(&app).matches("The committee met").count(), 16);
    }

    #[test]
    fn a_control_s_label_is_no_text() {
        // a button inside a heading is no part of its words; one left open ends at the next
        // button or with the element that holds it
        let html = "<h1>Struktur <span>Grenze</span>&nbsp;<button id=copy-path>Pfad kopieren</button></h1>\
            <div><button>Menü<button>Teilen</div><p>Der Text der Seite bleibt.</p>";
        assert_eq!(text_of(html), "Struktur Grenze\nDer Text der Seite bleibt.");
    }

    #[test]
    fn a_heading_that_links_to_itself_is_no_link() {
        let html = "<h2 id=usage><a class=header href='#usage'>Usage</a></h2>\
            <h2 id=x>Errors<a href='#x' class=anchor>§</a></h2>\
            <h3><a href='/other-story'>Another story</a></h3><p><a href='#top'>Back to top</a></p>";
        let (text, lines, _) = extract(html);
        assert_eq!(text, "Usage\nErrors§\nAnother story\nBack to top");
        assert!(lines[0].link_density() == 0.0 && lines[1].link_density() == 0.0);
        assert!(lines[2].link_density() > 0.99 && lines[3].link_density() > 0.99);
    }

    #[test]
    fn a_block_that_links_to_its_own_id_is_anchored() {
        let html = "<section id=m.len><a href=/src>Source</a><a href='#m.len'>§</a>\
            <h4>fn len() -> usize</h4></section>\
            <div id=t><p><a href='#other'>Elsewhere</a></p></div><div id=other>Other</div>\
            <div id=share><a href='#'>Share</a></div>";
        let (_, lines, nodes) = extract(html);
        let anchored: Vec<bool> = lines
            .iter()
            .map(|l| nodes[l.node as usize].anchored)
            .collect();
        // the section's own line (its links), not its heading's node; nothing else
        assert_eq!(anchored, [true, false, false, false, false]);
        let heading = &nodes[lines[1].node as usize];
        assert!(nodes[heading.parent as usize].anchored);
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
    fn class_words_name_roles_and_content_words_cancel_them() {
        // a content word says the block holds content, whatever else its class says
        assert_eq!(hint_flags(b"main-content-with-sidebar"), 0);
        assert_eq!(hint_flags(b"article-tags"), 0);
        // but the comments of a post are comments
        assert_eq!(hint_flags(b"post-comments"), role::COMMENTS);
        assert_eq!(hint_flags(b"articleComments"), role::COMMENTS);
        // what follows a story: a call to action, a disclosure, a credit
        assert_eq!(hint_flags(b"newsletter-cta"), role::ASIDE);
        assert_eq!(hint_flags(b"affiliate disclosure"), role::ASIDE);
        assert_eq!(hint_flags(b"photo-credit"), role::FIGURE);
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
        // a page re-encoded as UTF-8 that still declares its old charset is read as UTF-8;
        // in a header the declaration wins
        let resaved = "<meta charset=gb2312><p>人工智能</p>".as_bytes();
        assert!(decode(resaved, None).0.contains("人工智能"));
        let curly = "<meta charset=iso-8859-1><p>it\u{2019}s</p>".as_bytes();
        assert!(decode(curly, None).0.contains("it\u{2019}s"));
        assert!(!decode(curly, Some("iso-8859-1")).0.contains("it\u{2019}s"));
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
