//! What the markup pass hands the verdict: the page's lines with their evidence (roles of
//! their ancestors, link bytes, words, the block that holds them) and the blocks.

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
    /// A table cell (`td`, `th`).
    pub const CELL: u16 = 1 << 12;
    /// Preformatted text (`pre`): code samples, whose highlighter's classes (`comment`,
    /// `c1`) name tokens of the code, not regions of the page.
    pub const CODE: u16 = 1 << 13;
}

/// A block's tag as [`Node::tag`] holds it: the tag name hashed.
pub(crate) fn tag_hash(name: &[u8]) -> u32 {
    xxhash_rust::xxh3::xxh3_64(name) as u32
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
    /// Its tag alone, hashed (0 for the root): the paragraphs of a story whose classes
    /// number them (`p.graph17`, `p.graph18`) share it.
    pub tag: u32,
    /// Whether it has a `class` (a shape of bare tags says little).
    pub classed: bool,
    /// Whether it holds a link to its own `id` (a permalink: a reference page's item, a
    /// heading's `§`).
    pub anchored: bool,
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
    /// Words outside links that hold a letter or a digit: a quantity, a label, a word of its
    /// own (a list whose every item has one is no list of links).
    pub own_words: u32,
    /// Roles of its element and ancestors.
    pub flags: Flags,
}

impl PageLine {
    /// Its text in the page's text.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start as usize..self.end as usize]
    }

    /// The share of its text inside links.
    pub fn link_density(&self) -> f32 {
        let len = (self.end - self.start).max(1);
        self.link_bytes as f32 / len as f32
    }
}
