//! Boilerplate from a page's structure: which lines of an HTML page are the article and which
//! are navigation, footers, sidebars, forms, comment threads and link lists, with the reason.
//!
//! The article is found the way readability-style extractors find it: prose lines (several words,
//! few of them in links, outside navigation, footers and sidebars) credit the block that holds them
//! and its parent in full and its grandparent in half; the best-scored block (or, scoring half as
//! much, the block under the line that repeats the page title: a story follows its headline,
//! and a block after it beside the headline is the rest of the story) and
//! those of its siblings that hold a good share of prose are the article, widened to the blocks of
//! its paragraphs' shape (a story in columns or cards, a reference page's method docs) and to
//! the paragraphs of a run of boxes of the kind that holds it (a how-to's steps). Between its
//! first and last lines, lines the markup gives no other role and that are no link lists are the
//! article's too (signatures, lists of ingredients or specs, short items, the items of a list each
//! of which has words outside its links, or the cells of a table each of whose rows has, however
//! linked, among its paragraphs, or right after them where they link names, not headlines;
//! and the lines of an
//! anchored item, a block that links to its own `id`, however linked), and so is a heading
//! right above one of its blocks. The headline is the heading before it that repeats the page title
//! (or, when the title only names the site, the heading just above it); the title itself goes.
//! Sentences between the headline and the article's first line are its lead, and a list under
//! its own heading there is its structured content (ingredients, specifications), and a run of
//! bullets that are clauses its key points, and so is a short paragraph there that ends a
//! sentence; headings after its
//! last paragraph head what follows it and go, and so does what stands after the article's
//! body outside it (an author's box, a call to subscribe, teasers), or, past its last
//! sentence, in a block unlike its paragraphs (a credit, a date line, tags). Everything else is boilerplate with the role its
//! ancestors or its links give it. Inside the article only link lists and blocks the markup marks
//! as navigation, sidebar, form or comments go, and a comment thread a line such as "Comments"
//! opens after the story; never other prose. The per-site repetition the scan counts (templates)
//! removes, beside this, what repeats inside articles.

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::lines::{role, tag_hash, Flags, Node, PageLine};

/// Why lines of a page are boilerplate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoilerplateReason {
    /// Inside `<nav>`, a menu or an element named navigation.
    Navigation,
    /// Inside the page's `<header>` (banner).
    Header,
    /// Inside `<footer>` or an element named footer.
    Footer,
    /// Inside `<aside>` or an element named sidebar, related, share, promo, advert…
    Aside,
    /// Inside a `<form>`: search boxes, sign-ups, logins.
    Form,
    /// Inside an element named comments.
    Comments,
    /// A figure, its caption or a photo gallery.
    Caption,
    /// Mostly link text: a list or bar of links.
    LinkList,
    /// The `<title>`, repeated by the headline.
    PageTitle,
    /// Outside the article's blocks, and no prose.
    OutsideArticle,
}

impl BoilerplateReason {
    /// Its name in the report and the annotations.
    pub fn as_str(self) -> &'static str {
        match self {
            BoilerplateReason::Navigation => "navigation",
            BoilerplateReason::Header => "header",
            BoilerplateReason::Footer => "footer",
            BoilerplateReason::Aside => "aside",
            BoilerplateReason::Form => "form",
            BoilerplateReason::Comments => "comments",
            BoilerplateReason::Caption => "caption",
            BoilerplateReason::LinkList => "link list",
            BoilerplateReason::PageTitle => "page title",
            BoilerplateReason::OutsideArticle => "outside the article",
        }
    }
}

/// A run of lines of a page that its structure shows to be boilerplate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Boilerplate {
    /// First and last line, 1-based, inclusive.
    pub lines: (u32, u32),
    /// Byte range in the document text.
    pub bytes: (u32, u32),
    /// Why.
    pub reason: BoilerplateReason,
}

/// Roles that mark a block as no part of an article.
const NOT_ARTICLE: Flags = role::NAV | role::HEADER | role::FOOTER | role::ASIDE | role::COMMENTS;

/// A line of prose: a sentence's worth of words, mostly outside links.
pub(crate) fn is_prose(l: &PageLine) -> bool {
    l.words >= 10 && l.link_density() < 0.3
}

/// The boilerplate runs of a page's lines (`text` is the page text the lines index).
pub(crate) fn classify(text: &str, lines: &[PageLine], nodes: &[Node]) -> Vec<Boilerplate> {
    let verdicts = verdicts(text, lines, nodes);
    let mut runs: Vec<Boilerplate> = Vec::new();
    for (i, (line, verdict)) in lines.iter().zip(verdicts).enumerate() {
        let Some(reason) = verdict else { continue };
        let n = i as u32 + 1;
        match runs.last_mut() {
            Some(r) if r.reason == reason && r.lines.1 + 1 == n => {
                r.lines.1 = n;
                r.bytes.1 = line.end;
            }
            _ => runs.push(Boilerplate {
                lines: (n, n),
                bytes: (line.start, line.end),
                reason,
            }),
        }
    }
    runs
}

/// The first line (1-based) of each item of a reference page: anchored blocks that are no
/// heading (a method's or an implementation's section, with its permalink), of a shape the
/// page repeats at least [`ITEMS_IN_A_RUN`] times. The docs after an item, up to the next,
/// are its own: a sentence two methods share ("Panics if the buffer is empty") is each
/// one's text, no repeat of the page's.
pub(crate) fn item_starts(lines: &[PageLine], nodes: &[Node]) -> Vec<u32> {
    let mut starts: Vec<(u32, usize)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(n) = anchored_item(l, nodes) else {
            continue;
        };
        if nodes[n].flags & role::HEADING == 0 && starts.last().is_none_or(|&(_, m)| m != n) {
            starts.push((i as u32 + 1, n));
        }
    }
    let mut shapes: FxHashMap<u32, usize> = FxHashMap::default();
    for &(_, n) in &starts {
        *shapes.entry(nodes[n].shape).or_default() += 1;
    }
    starts
        .into_iter()
        .filter(|&(_, n)| shapes[&nodes[n].shape] >= ITEMS_IN_A_RUN)
        .map(|(line, _)| line)
        .collect()
}

/// The article's blocks: the best-scored block (or the block right under the page's
/// headline, see [`block_under_headline`]) and its siblings that hold prose.
fn article_nodes(
    text: &str,
    lines: &[PageLine],
    nodes: &[Node],
    title_line: Option<usize>,
) -> Vec<bool> {
    let mut score = vec![0f32; nodes.len()];
    for l in lines
        .iter()
        .filter(|l| is_prose(l) && l.flags & role::TITLE == 0)
    {
        // Prose the markup calls navigation, footer or sidebar counts for little: a block of
        // it is the article only where the markup calls everything so.
        let w = if l.flags & NOT_ARTICLE != 0 {
            l.words as f32 / 10.0
        } else {
            l.words as f32
        };
        {
            let parent = nodes[l.node as usize].parent;
            let grandparent = nodes[parent as usize].parent;
            score[l.node as usize] += w;
            if parent != l.node {
                score[parent as usize] += w;
            }
            if grandparent != parent {
                score[grandparent as usize] += w / 2.0;
            }
        }
    }
    let mut in_article = vec![false; nodes.len()];
    // the last of equal scores: the deeper block, children being numbered after parents
    let Some((best, &top)) = score
        .iter()
        .enumerate()
        .skip(1)
        .max_by(|a, b| a.1.total_cmp(b.1).then(a.0.cmp(&b.0)))
    else {
        return in_article;
    };
    if top == 0.0 {
        return in_article;
    }
    let scored_best = best;
    let best = title_line.map_or(best, |h| {
        block_under_headline(text, lines, nodes, h, (&score, best))
    });
    let top = score[best];
    let parent = nodes[best].parent;
    // A sibling holding a fifth of the article's prose, or a paragraph of its own (a lead
    // above the body, a credit line below it), is the article too; not one that holds the
    // block the headline's story won over, unless it follows the story in the container
    // that holds the headline too: the rest of a story split across blocks (the part behind
    // a paywall, the text after an inserted box), not a box beside it.
    let enough = (0.2 * top).min(10.0);
    let not_article = NOT_ARTICLE | role::FIGURE;
    let headline_beside = best != scored_best
        && title_line.is_some_and(|h| is_ancestor(parent as usize, lines[h].node as usize, nodes));
    for (n, node) in nodes.iter().enumerate().skip(1) {
        let rest_of_story = headline_beside && n > best;
        let sibling = node.parent == parent
            && n != best
            && (rest_of_story || !is_ancestor(n, scored_best, nodes));
        if n == best
            || sibling && score[n] >= enough && node.flags & not_article & !nodes[best].flags == 0
        {
            in_article[n] = true;
        }
    }
    join_repeated_boxes(lines, nodes, best, &mut in_article);
    extend_by_shape(lines, nodes, best, &mut in_article);
    in_article
}

/// Levels above the article's block a box of a repeated kind may stand.
const BOX_DEPTH: usize = 4;

/// Boxes of one kind, the article's among them, that make a run of steps or answers.
const BOXES_IN_A_RUN: usize = 3;

/// An article split into boxes of one kind, one step or answer each (a how-to's steps, the
/// text boxes of a grid): the best-scored block is the first box's text only, and the others
/// differ from it by a class. Climbing from the block through the ancestors that hold no
/// prose but its own (up to [`BOX_DEPTH`] levels), the siblings of the same tag and class as
/// a classed ancestor that are mostly prose (half their words), and are given no other role,
/// hold paragraphs of the article when there are [`BOXES_IN_A_RUN`] of them in all.
fn join_repeated_boxes(lines: &[PageLine], nodes: &[Node], best: usize, in_article: &mut [bool]) {
    // words of prose and of all lines under each block
    let (mut prose_in, mut words_in) = (vec![0u32; nodes.len()], vec![0u32; nodes.len()]);
    for l in lines.iter().filter(|l| l.flags & role::TITLE == 0) {
        for m in ancestors(l.node as usize, nodes) {
            words_in[m] += l.words;
            if is_prose(l) {
                prose_in[m] += l.words;
            }
        }
    }
    let own = prose_in[best];
    let not_article = NOT_ARTICLE | role::FIGURE;
    let context = nodes[best].flags;
    let (prose_in, words_in) = (&prose_in, &words_in);
    let boxes: Vec<usize> = ancestors(best, nodes)
        .take(BOX_DEPTH + 1)
        .take_while(|&a| prose_in[a] == own)
        .filter(|&a| nodes[a].classed && nodes[a].parent as usize != a)
        .flat_map(|a| {
            let (parent, shape) = (nodes[a].parent, nodes[a].shape);
            let others: Vec<usize> = (0..nodes.len())
                .filter(|&n| {
                    let node = &nodes[n];
                    n != a
                        && node.parent == parent
                        && node.shape == shape
                        && prose_in[n] > 0
                        && prose_in[n] * 2 >= words_in[n]
                        && node.flags & not_article & !context == 0
                })
                .collect();
            // a run of boxes, not a page's header row and body row of one grid class
            if others.len() + 1 >= BOXES_IN_A_RUN {
                others
            } else {
                Vec::new()
            }
        })
        .collect();
    // their paragraphs, not the boxes: a box's other lines are the article's only between
    // its first and last paragraphs (a newsletter line closing the last box is not)
    for l in lines
        .iter()
        .filter(|l| is_prose(l) && role_reason(l.flags, context).is_none())
    {
        if ancestors(l.node as usize, nodes).any(|m| boxes.contains(&m)) {
            in_article[l.node as usize] = true;
        }
    }
}

/// Lines after the page's headline its article's first paragraph may stand at (a byline, a
/// date, share buttons between them).
const LEAD_REACH: usize = 8;

/// The share of the best block's score that the block right under the headline needs to be
/// the article instead.
const UNDER_HEADLINE: f32 = 0.5;

/// The block that holds the first paragraph right under the page's headline `h` (see
/// [`title_line`]), when it scores at least [`UNDER_HEADLINE`] of the best block and neither
/// holds the other: a story follows its headline, and a longer block elsewhere (a readers'
/// comment box beside it, a sidebar of teasers, a reference list) is not the story. Else `best`.
fn block_under_headline(
    text: &str,
    lines: &[PageLine],
    nodes: &[Node],
    h: usize,
    (score, best): (&[f32], usize),
) -> usize {
    let Some(lead) = lines[h + 1..]
        .iter()
        .take(LEAD_REACH)
        .find(|l| is_sentence(text, l) && l.flags & (NOT_ARTICLE | role::FIGURE) == 0)
    else {
        return best;
    };
    // the best-scored of its block, the block's parent and grandparent; the deeper of equals
    let Some(block) = ancestors(lead.node as usize, nodes)
        .take(3)
        .max_by(|&a, &b| score[a].total_cmp(&score[b]).then(a.cmp(&b)))
    else {
        return best;
    };
    let related = is_ancestor(block, best, nodes) || is_ancestor(best, block, nodes);
    if related || score[block] < UNDER_HEADLINE * score[best] {
        return best;
    }
    // a block of one short paragraph is a teaser or standfirst above the story (kept as its
    // lead), not the story
    let mut paragraphs = lines
        .iter()
        .filter(|l| is_prose(l) && is_ancestor(block, l.node as usize, nodes));
    if let (Some(only), None) = (paragraphs.next(), paragraphs.next()) {
        if only.words < LEAD_WORDS {
            return best;
        }
    }
    block
}

/// Words under which a block's only paragraph is a teaser or standfirst rather than a story.
const LEAD_WORDS: u32 = 50;

/// The page's headline as its `<title>` names it: of the lines that are no link, no
/// navigation, sidebar, footer or comment, whose words are nearly all the title's (four in
/// five, two at least) and that are a heading or hold half of the title's words, the one
/// that holds most of the title's words, the first of equals. The site's name in a heading
/// of the masthead ("Daily Post" of "Storm hits the coast | Daily Post") names the page too,
/// but the headline repeats more of it: under the masthead stand the site's teasers, not
/// the story.
fn title_line(text: &str, lines: &[PageLine]) -> Option<usize> {
    let title = lines.first().filter(|l| l.flags & role::TITLE != 0)?;
    let title_words = words_of(title.text(text));
    // an article's own `<header>` holds its headline
    let elsewhere = NOT_ARTICLE & !role::HEADER;
    let shared = |l: &PageLine| {
        if l.words < 2 || l.words > 40 || l.flags & elsewhere != 0 || l.link_density() >= 0.5 {
            return 0;
        }
        let w = words_of(l.text(text));
        let n = w.iter().filter(|x| title_words.contains(x)).count();
        let names_page = n >= 2
            && n * 5 >= w.len() * 4
            && (l.flags & role::HEADING != 0 || n * 2 >= title_words.len());
        if names_page {
            n
        } else {
            0
        }
    };
    (1..lines.len())
        .map(|i| (i, shared(&lines[i])))
        .filter(|&(_, n)| n > 0)
        .max_by_key(|&(i, n)| (n, std::cmp::Reverse(i)))
        .map(|(i, _)| i)
}

/// A line of prose that is a sentence, not a line of dates and times: fewer than a quarter
/// of its words hold a digit ("Mon 18 Nov 2019 18.54 GMT Last modified on …" holds six in 14).
fn is_sentence(text: &str, l: &PageLine) -> bool {
    is_prose(l) && few_numbers(text, l)
}

/// Share of a paragraph's text in links up to which a sentence of it is still the story's.
const LINKED_SENTENCE: f32 = 0.7;

/// A paragraph (`<p>`, not a table cell) of a sentence's worth of words, not a line of dates
/// (see [`is_sentence`]), with some of its text outside links: a story's sentence that links
/// the people and places it names, not a list of links (whose lines are all link, or cells).
fn is_linked_sentence(text: &str, l: &PageLine) -> bool {
    if l.flags & role::PARAGRAPH == 0
        || l.flags & role::CELL != 0
        || l.words < 10
        || l.link_density() >= LINKED_SENTENCE
    {
        return false;
    }
    few_numbers(text, l)
}

/// The shape of a line's block: the tag and class of its element and of the block that holds
/// it when that block has a class (a reference page's `div.docblock`, at any depth: the top
/// description and each method's), else of its element, its parent and its grandparent;
/// `None` where none of them has a class (bare tags say too little).
fn path_shape(l: &PageLine, nodes: &[Node]) -> Option<u64> {
    let n = &nodes[l.node as usize];
    let p = &nodes[n.parent as usize];
    let g = &nodes[p.parent as usize];
    if p.classed {
        return Some(u64::from(n.shape) ^ u64::from(p.shape).rotate_left(21));
    }
    (n.classed || p.classed || g.classed).then(|| {
        u64::from(n.shape) ^ u64::from(p.shape).rotate_left(21) ^ u64::from(g.shape).rotate_left(42)
    })
}

/// A story the page splits into several blocks (columns, cards, sections between photos)
/// is one article: prose elsewhere on the page in blocks of the shape of the article's own
/// paragraphs (same tags and classes three levels up, seen on at least two of its lines)
/// joins it, with the block that holds it (so that its subheadings come along).
fn extend_by_shape(lines: &[PageLine], nodes: &[Node], best: usize, in_article: &mut [bool]) {
    let context = nodes[best].flags;
    let mut article_shapes: Vec<(u64, u32)> = Vec::new();
    for l in lines
        .iter()
        .filter(|l| is_prose(l) && inside(l, nodes, in_article))
    {
        if let Some(shape) = path_shape(l, nodes) {
            match article_shapes.iter_mut().find(|(s, _)| *s == shape) {
                Some((_, n)) => *n += 1,
                None => article_shapes.push((shape, 1)),
            }
        }
    }
    // a recurring paragraph form; a lone paragraph's own form when that is all there is
    if article_shapes.len() > 1 || article_shapes.iter().any(|&(_, n)| n >= 2) {
        article_shapes.retain(|&(_, n)| n >= 2);
    }
    if article_shapes.is_empty() {
        return;
    }
    let not_article = NOT_ARTICLE | role::FIGURE;
    let joining: Vec<u32> = lines
        .iter()
        .filter(|l| is_prose(l) && l.flags & role::TITLE == 0)
        .filter(|l| l.flags & not_article & !context == 0)
        .filter(|l| !inside(l, nodes, in_article))
        .filter(|l| {
            path_shape(l, nodes).is_some_and(|s| article_shapes.iter().any(|&(a, _)| a == s))
        })
        .map(|l| {
            // the block holding the paragraph, unless that block holds the article itself
            let parent = nodes[l.node as usize].parent;
            if is_ancestor(parent as usize, best, nodes) {
                l.node
            } else {
                parent
            }
        })
        .collect();
    for n in joining {
        in_article[n as usize] = true;
    }
}

/// Node `n` and its ancestors, up to the root (its own parent).
fn ancestors(n: usize, nodes: &[Node]) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(Some(n), move |&m| {
        let p = nodes[m].parent as usize;
        (p != m).then_some(p)
    })
}

/// Whether `a` is `n` or one of its ancestors.
fn is_ancestor(a: usize, n: usize, nodes: &[Node]) -> bool {
    ancestors(n, nodes).any(|m| m == a)
}

/// Levels above a line an anchored item's block may stand (its signature's `where` clause
/// sits in the heading in the item's block).
const ITEM_DEPTH: usize = 3;

/// Whether line `l` belongs to an anchored item: a block that links to its own `id` (a
/// reference page's method or impl section with its permalink, signature and source link; a
/// documentation heading). Teasers and related links point elsewhere.
fn in_anchored_item(l: &PageLine, nodes: &[Node]) -> bool {
    anchored_item(l, nodes).is_some()
}

/// The anchored item block line `l` belongs to (see [`in_anchored_item`]).
fn anchored_item(l: &PageLine, nodes: &[Node]) -> Option<usize> {
    ancestors(l.node as usize, nodes)
        .take(ITEM_DEPTH)
        .find(|&m| nodes[m].anchored)
}

/// The article's first and last lines, carried over the anchored items that continue it on
/// either side: a reference page's method and implementation sections, whose docs are a line
/// each and no prose. Items of the shape of anchored items inside the article, or of a run of
/// them beside it (see [`repeated_item_shapes`]), join it, with the lines after each (their
/// docs), up to a line the markup gives another role; after it, so does a section under a
/// heading that links to itself (a module page's list of items and their one-line
/// descriptions under "Structs §"). Before the article too: where the
/// page's own description is too short to be prose, the best block is a doc deep in its
/// sections, and the sections above it are the page's as much as those below.
fn carry_over_items(
    lines: &[PageLine],
    nodes: &[Node],
    (first, last): (usize, usize),
    context: Flags,
) -> (usize, usize) {
    let mut shapes: Vec<u32> = lines[first..=last]
        .iter()
        .filter_map(|l| anchored_item(l, nodes))
        .map(|n| nodes[n].shape)
        .collect();
    // the sections beside it may be of other kinds (trait implementations after methods)
    let unroled = |l: &&PageLine| role_reason(l.flags, context).is_none();
    shapes.extend(repeated_item_shapes(
        lines[last + 1..].iter().take_while(unroled),
        nodes,
    ));
    shapes.extend(repeated_item_shapes(
        lines[..first].iter().rev().take_while(unroled),
        nodes,
    ));
    let of_shape =
        |l: &PageLine| anchored_item(l, nodes).is_some_and(|n| shapes.contains(&nodes[n].shape));
    // a heading that links to itself opens one more section of the document (documentation
    // generators anchor every section heading; a box of related links has no permalink)
    let opens_section = |l: &PageLine| l.flags & role::HEADING != 0 && in_anchored_item(l, nodes);
    let mut start = first;
    for (i, l) in lines.iter().enumerate().take(first).rev() {
        if role_reason(l.flags, context).is_some() {
            break;
        }
        if of_shape(l) {
            start = i;
        }
    }
    let mut end = last;
    let mut after_item = false;
    for (i, l) in lines.iter().enumerate().skip(last + 1) {
        if role_reason(l.flags, context).is_some() {
            break;
        }
        if of_shape(l) || opens_section(l) {
            end = i;
            after_item = true;
        } else if after_item {
            end = i;
        }
    }
    (start, end)
}

/// Anchored items of one shape a section must repeat to carry on an article that holds none.
const ITEMS_IN_A_RUN: usize = 3;

/// Shapes of the anchored items among `lines` (those beside the article, up to a line the
/// markup gives another role) that recur [`ITEMS_IN_A_RUN`] times: a reference page whose
/// description is followed by implementation sections only.
fn repeated_item_shapes<'a>(lines: impl Iterator<Item = &'a PageLine>, nodes: &[Node]) -> Vec<u32> {
    let mut items: Vec<usize> = lines.filter_map(|l| anchored_item(l, nodes)).collect();
    items.dedup();
    let mut counts: Vec<(u32, usize)> = Vec::new();
    for n in items {
        match counts.iter_mut().find(|(s, _)| *s == nodes[n].shape) {
            Some((_, c)) => *c += 1,
            None => counts.push((nodes[n].shape, 1)),
        }
    }
    counts
        .into_iter()
        .filter(|&(_, c)| c >= ITEMS_IN_A_RUN)
        .map(|(s, _)| s)
        .collect()
}

/// Whether line `l` sits in one of the article's blocks.
fn inside(l: &PageLine, nodes: &[Node], in_article: &[bool]) -> bool {
    ancestors(l.node as usize, nodes).any(|m| in_article[m])
}

/// The reason the roles of a line give, beyond those of `context` (the article's own).
fn role_reason(flags: Flags, context: Flags) -> Option<BoilerplateReason> {
    let own = flags & !context;
    let reasons = [
        (role::COMMENTS, BoilerplateReason::Comments),
        (role::FIGURE, BoilerplateReason::Caption),
        (role::NAV, BoilerplateReason::Navigation),
        (role::FOOTER, BoilerplateReason::Footer),
        (role::ASIDE, BoilerplateReason::Aside),
        (role::HEADER, BoilerplateReason::Header),
        (role::FORM, BoilerplateReason::Form),
    ];
    reasons
        .into_iter()
        .find(|(bit, _)| own & bit != 0)
        .map(|(_, r)| r)
}

/// Lower-cased words of a line.
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The headline: the heading before the article's first line (or its first line) most of
/// whose words the page title repeats.
fn headline(text: &str, lines: &[PageLine], first: usize) -> Option<usize> {
    let title = lines.first().filter(|l| l.flags & role::TITLE != 0)?;
    let title_words = words_of(title.text(text));
    let shared = |l: &PageLine| {
        let w = words_of(l.text(text));
        let n = w.iter().filter(|x| title_words.contains(x)).count();
        (n, w.len())
    };
    (1..=first.min(lines.len() - 1))
        .rev()
        .filter(|&i| lines[i].flags & role::HEADING != 0 || i == first)
        .map(|i| (i, shared(&lines[i])))
        .filter(|&(_, (n, len))| len > 0 && n * 2 >= len && n >= 2)
        .max_by_key(|&(i, (n, _))| (n, i))
        .map(|(i, _)| i)
}

/// Lines before the article a headline the title does not repeat may stand (a `<title>` that
/// is only the site's name): the heading right above the story.
const HEADLINE_REACH: usize = 3;

/// The heading just above the article's first line (within [`HEADLINE_REACH`] lines), when
/// the title names none: not mostly links, not in navigation, a sidebar or a footer.
fn heading_above(lines: &[PageLine], first: usize) -> Option<usize> {
    (first.saturating_sub(HEADLINE_REACH)..first)
        .rev()
        .find(|&i| {
            let l = &lines[i];
            l.flags & role::HEADING != 0
                && l.flags & (role::TITLE | NOT_ARTICLE) == 0
                && l.words >= 2
                && l.link_density() < 0.5
        })
}

/// A verdict per line: `None` keeps it.
fn verdicts(text: &str, lines: &[PageLine], nodes: &[Node]) -> Vec<Option<BoilerplateReason>> {
    let title_line = title_line(text, lines);
    let in_article = article_nodes(text, lines, nodes, title_line);
    let inside: Vec<bool> = lines
        .iter()
        .map(|l| l.flags & role::TITLE == 0 && inside(l, nodes, &in_article))
        .collect();
    let (Some(first), Some(last)) = (
        inside.iter().position(|&x| x),
        inside.iter().rposition(|&x| x),
    ) else {
        return vec![None; lines.len()]; // no article found: the page is left to the templates
    };
    let context = lines[first].flags & lines[last].flags;
    let (first, carried) = carry_over_items(lines, nodes, (first, last), context);
    // the docs of anchored items that carry the article on are its own, however short
    let items_end = (carried > last).then_some(carried);
    let last = carried;
    // a headline the markup does not make a heading (a bold line above the story) still is one
    let head = headline(text, lines, first)
        .or_else(|| title_line.filter(|&t| t < first && first - t <= LEAD_REACH));
    let head_above = head
        .is_none()
        .then(|| heading_above(lines, first))
        .flatten();
    // A lead or standfirst between the headline and the story, styled unlike the body (in
    // the article's `<header>`, a `p.lead`, a `div.intro`): prose there is the article's.
    let lead_lines = head.or(head_above).map_or(0..0, |h| h + 1..first);
    let mut lead_lists = headed_lists((lines, nodes), lead_lines.clone(), context);
    lead_lists.extend(bulleted_lead(
        text,
        (lines, nodes),
        lead_lines.clone(),
        context,
    ));
    lead_lists.extend(
        lead_lines
            .clone()
            .filter(|&i| is_short_lead(text, &lines[i], context)),
    );
    let sections_first = in_anchored_item(&lines[first], nodes);
    let has_title = lines.first().is_some_and(|l| l.flags & role::TITLE != 0);
    let plain_lists = PlainLists::new(lines, nodes);
    // A plain list or table is the story's content among its paragraphs, whatever its items
    // link, and right after its last paragraph (before any line of another role) where they
    // link a name (a reference page's re-exports); a list whose items link whole headlines
    // there, or one past a comment thread or a sidebar, follows the story (related stories
    // with their city, date or author; categories with their counts).
    let last_prose = (0..lines.len())
        .rev()
        .find(|&i| {
            inside[i] && is_prose(&lines[i]) && role_reason(lines[i].flags, context).is_none()
        })
        .unwrap_or(0);
    let tail_end = (last_prose + 1..lines.len())
        .find(|&i| role_reason(lines[i].flags, context).is_some())
        .unwrap_or(lines.len());
    let plain_item = |i: usize, l: &PageLine| {
        let among_paragraphs = inside[i] && i < last_prose;
        let right_after = (last_prose + 1..tail_end).contains(&i) && !links_a_headline(l);
        (among_paragraphs || right_after) && plain_lists.is_plain_item(l, nodes)
    };
    let mut verdicts: Vec<Option<BoilerplateReason>> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 && has_title {
                // the browser's tab, not the page: the headline, or the heading the page
                // names itself by, is what a reader sees
                return Some(BoilerplateReason::PageTitle);
            }
            if Some(i) == head || Some(i) == head_above {
                return None;
            }
            let roles = role_reason(l.flags, context);
            // an item's signature and permalink lines are its own, however linked, and so is
            // code whose names link to their definitions (a declaration); a sentence of the
            // story that links a few names is no link list, nor an item of a plain list or
            // table in the story (see `PlainLists`)
            let link_list = l.link_density() >= 0.5
                && l.flags & role::CODE == 0
                && !in_anchored_item(l, nodes)
                && !is_linked_sentence(text, l)
                && !plain_item(i, l);
            if lead_lines.contains(&i)
                && (is_lead(text, l, (roles, link_list), sections_first) || lead_lists.contains(&i))
            {
                return None;
            }
            if inside[i] || (first..=last).contains(&i) && is_prose(l) && roles.is_none() {
                return match (is_prose(l), roles) {
                    // captions and comments are prose that is no part of the article
                    (
                        true,
                        Some(r @ (BoilerplateReason::Caption | BoilerplateReason::Comments)),
                    ) => Some(r),
                    (true, _) => None,
                    (false, Some(r)) => Some(r),
                    (false, None) if link_list => Some(BoilerplateReason::LinkList),
                    (false, None) => None,
                };
            }
            // Between the article's first and last lines, what the markup gives no other role
            // and is no link list is the article's: a reference page's signatures and one-line
            // descriptions, ingredient and spec lists, short items, subheadings. So is a
            // heading right above one of its blocks.
            let in_range = (first..=last).contains(&i);
            let heads_article = l.flags & role::HEADING != 0 && inside.get(i + 1) == Some(&true);
            if (in_range || heads_article) && roles.is_none() && !link_list {
                return None;
            }
            Some(roles.unwrap_or(if link_list {
                BoilerplateReason::LinkList
            } else {
                BoilerplateReason::OutsideArticle
            }))
        })
        .collect();
    mark_comment_thread(text, (lines, nodes), (first, last), &mut verdicts);
    drop_after_the_body(text, (lines, nodes), items_end, &mut verdicts);
    verdicts
}

/// Items a list needs for its items to be judged by the list (see [`PlainLists`]).
const PLAIN_LIST_ITEMS: u32 = 3;

/// Share of a list's text in links under which a list whose every item has text of its own
/// is structured content, not a list of links.
const PLAIN_LIST_LINKS: f32 = 0.8;

/// The lists and tables of a page (list items by the block that holds them, table rows by
/// the table) and how much of their text is in links. In a list each of whose items has text
/// outside its links, no item is a link list: an ingredient list whose items link the
/// ingredient ("250 g di <a>ceci</a>"), a specification list that links a brand or a
/// standard, an infobox's `Capital: <a>…</a>`. So in a table each of whose rows has such
/// text: a release history whose version cells are links beside their dates, a list of films
/// whose title cells link the film beside its year and summary. A menu, a list of related
/// stories or tags has items that are all link. (A category list whose links carry a count,
/// `Fashion (26)`, or related stories with their city, are plain by this measure too: where
/// such a list stands, among the story's paragraphs or after them, decides; see `verdicts`.)
struct PlainLists {
    /// Lists by the block that holds their items.
    lists: FxHashMap<u32, PlainList>,
    /// Tables by the block that holds their rows; a row is an item.
    tables: FxHashMap<u32, PlainList>,
    cells: CellTags,
}

/// One list's items (or one table's rows), their bytes in links and in all, and whether
/// each has text of its own.
#[derive(Default)]
struct PlainList {
    items: u32,
    links: u32,
    bytes: u32,
    all_own_text: bool,
}

impl PlainList {
    fn add(&mut self, l: &PageLine) {
        self.links += l.link_bytes;
        self.bytes += l.end - l.start;
    }

    /// At least [`PLAIN_LIST_ITEMS`] items, each with text outside its links, under
    /// [`PLAIN_LIST_LINKS`] of whose text is in links.
    fn is_plain(&self) -> bool {
        self.all_own_text
            && self.items >= PLAIN_LIST_ITEMS
            && (self.links as f32) < PLAIN_LIST_LINKS * self.bytes as f32
    }
}

/// Levels above a line its table cell may stand (a cell's paragraphs and spans).
const CELL_DEPTH: usize = 3;

impl PlainLists {
    fn new(lines: &[PageLine], nodes: &[Node]) -> PlainLists {
        let fresh = || PlainList {
            all_own_text: true,
            ..PlainList::default()
        };
        let mut lists: FxHashMap<u32, PlainList> = FxHashMap::default();
        for (i, l) in lines.iter().enumerate() {
            if l.flags & role::LIST == 0 {
                continue;
            }
            let e = lists
                .entry(nodes[l.node as usize].parent)
                .or_insert_with(fresh);
            e.items += 1;
            e.add(l);
            e.all_own_text &= has_own_text(l) || described_term(lines, nodes, i);
        }
        // whether each row has text of its own, in any of its cells
        let cells = CellTags::new();
        let mut rows: FxHashMap<u32, bool> = FxHashMap::default();
        let mut tables: FxHashMap<u32, PlainList> = FxHashMap::default();
        for l in lines.iter().filter(|l| l.flags & role::CELL != 0) {
            let Some(cell) = cells.cell_of(l, nodes) else {
                continue;
            };
            let row = nodes[cell].parent;
            let table = nodes[row as usize].parent;
            *rows.entry(row).or_default() |= has_own_text(l);
            tables.entry(table).or_insert_with(fresh).add(l);
        }
        for (row, own_text) in rows {
            if let Some(t) = tables.get_mut(&nodes[row as usize].parent) {
                t.items += 1;
                t.all_own_text &= own_text;
            }
        }
        PlainLists {
            lists,
            tables,
            cells,
        }
    }

    /// Whether `l` is an item of a plain list (see [`PlainList::is_plain`]) or a cell of a
    /// table whose rows are such items.
    fn is_plain_item(&self, l: &PageLine, nodes: &[Node]) -> bool {
        let in_list = || {
            self.lists
                .get(&nodes[l.node as usize].parent)
                .is_some_and(PlainList::is_plain)
        };
        let in_table = || {
            self.cells.cell_of(l, nodes).is_some_and(|cell| {
                let table = nodes[nodes[cell].parent as usize].parent;
                self.tables.get(&table).is_some_and(PlainList::is_plain)
            })
        };
        l.flags & role::LIST != 0 && in_list() || l.flags & role::CELL != 0 && in_table()
    }
}

/// Whether line `i` is a term of a definition list (`dt`) whose description (the `dd` after
/// it) has text of its own: the term and its description are one item, as an index of
/// linked names each with its one-line summary (a reference module's items), a glossary.
fn described_term(lines: &[PageLine], nodes: &[Node], i: usize) -> bool {
    let term = &lines[i];
    let list = nodes[term.node as usize].parent;
    nodes[term.node as usize].tag == tag_hash(b"dt")
        && lines.get(i + 1).is_some_and(|d| {
            // the description's first line, in the `dd` or in a paragraph inside it
            let in_description = ancestors(d.node as usize, nodes)
                .take(2)
                .any(|m| nodes[m].tag == tag_hash(b"dd") && nodes[m].parent == list);
            in_description && has_own_text(d)
        })
}

/// The tags of table cells, to find the cell that holds a line.
struct CellTags([u32; 2]);

impl CellTags {
    fn new() -> CellTags {
        CellTags([tag_hash(b"td"), tag_hash(b"th")])
    }

    /// The innermost cell that holds line `l`, within [`CELL_DEPTH`] levels.
    fn cell_of(&self, l: &PageLine, nodes: &[Node]) -> Option<usize> {
        ancestors(l.node as usize, nodes)
            .take(CELL_DEPTH)
            .find(|&m| self.0.contains(&nodes[m].tag))
    }
}

/// Words in links from which a list item's link is a headline (a teaser of another story),
/// not a name.
const HEADLINE_LINK_WORDS: u32 = 5;

/// Whether the words of `l` outside its own text (its links) are a headline's worth (see
/// [`HEADLINE_LINK_WORDS`]).
fn links_a_headline(l: &PageLine) -> bool {
    l.link_bytes > 0 && l.words.saturating_sub(l.own_words) >= HEADLINE_LINK_WORDS
}

/// Whether a line has text outside its links (a quantity, a word), not only a separator.
fn has_own_text(l: &PageLine) -> bool {
    l.own_words > 0
}

/// Items a list needs, under a heading of its own between the headline and the story, to be
/// structured content of the article rather than a stray line.
const HEADED_LIST_ITEMS: usize = 3;

/// The lines in `range` (between the headline and the article's first line) that are a list
/// under its own heading: a heading, then at least [`HEADED_LIST_ITEMS`] list items or table
/// cells in a row, none of them a link list or given another role by the markup. A
/// recipe's ingredients above its method, a product's specifications or a fact box above the
/// review: structured content of the article whose items are too short to be prose, in any
/// language. A byline or date list heads nothing, a table of contents is links.
fn headed_lists(
    (lines, nodes): (&[PageLine], &[Node]),
    range: std::ops::Range<usize>,
    context: Flags,
) -> FxHashSet<usize> {
    let plain = |l: &PageLine| {
        role_reason(l.flags, context).is_none()
            && l.link_density() < 0.5
            && !in_anchored_item(l, nodes)
    };
    let item = |l: &PageLine| {
        l.flags & (role::LIST | role::CELL) != 0 && l.flags & role::HEADING == 0 && plain(l)
    };
    let mut kept = FxHashSet::default();
    let mut i = range.start;
    while i < range.end {
        let l = &lines[i];
        if l.flags & role::HEADING == 0 || !plain(l) {
            i += 1;
            continue;
        }
        let items = lines[i + 1..range.end]
            .iter()
            .take_while(|l| item(l))
            .count();
        if items >= HEADED_LIST_ITEMS {
            kept.extend(i..=i + items);
        }
        i += items + 1;
    }
    kept
}

/// Items a run of bullets between the headline and the story needs to be its lead.
const LEAD_BULLETS: usize = 2;

/// Words a bullet of a lead needs: a clause, not a name or a date.
const LEAD_BULLET_WORDS: u32 = 5;

/// The lines in `range` (between the headline and the article's first line) that are a
/// standfirst in bullets: at least [`LEAD_BULLETS`] list items in a row, each a clause of
/// [`LEAD_BULLET_WORDS`] words or more with few links and few numbers, given no role but
/// the article header's ("Story highlights", key points under the headline, in any
/// language). A byline or date list is names and numbers, a table of contents links.
fn bulleted_lead(
    text: &str,
    (lines, nodes): (&[PageLine], &[Node]),
    range: std::ops::Range<usize>,
    context: Flags,
) -> FxHashSet<usize> {
    let bullet = |l: &PageLine| {
        l.flags & role::LIST != 0
            && l.flags & (role::HEADING | role::CELL) == 0
            && at_most_header(l, context)
            && l.words >= LEAD_BULLET_WORDS
            && l.link_density() < 0.3
            && few_numbers(text, l)
            && !in_anchored_item(l, nodes)
    };
    let mut kept = FxHashSet::default();
    let mut i = range.start;
    while i < range.end {
        let run = lines[i..range.end].iter().take_while(|l| bullet(l)).count();
        if run >= LEAD_BULLETS {
            kept.extend(i..i + run);
        }
        i += run.max(1);
    }
    kept
}

/// Words a paragraph between the headline and the story needs to be a short lead.
const SHORT_LEAD_WORDS: u32 = 5;

/// Whether `l`, between the headline and the story, is a lead too short to be prose: a
/// paragraph of [`SHORT_LEAD_WORDS`] words or more that ends a sentence (`.`, `!`, `?`, or
/// their CJK forms), holds no link and few numbers, and has no role but the article
/// header's. A byline or a date line ends in no full stop, or is numbers.
fn is_short_lead(text: &str, l: &PageLine, context: Flags) -> bool {
    let line = l.text(text);
    l.flags & role::PARAGRAPH != 0
        && l.flags & (role::LIST | role::CELL | role::HEADING) == 0
        && l.words >= SHORT_LEAD_WORDS
        && l.link_bytes == 0
        && at_most_header(l, context)
        && line.trim_end().ends_with(['.', '!', '?', '。', '！', '？'])
        && few_numbers(text, l)
}

/// Whether the markup gives `l` no role but the article header's.
fn at_most_header(l: &PageLine, context: Flags) -> bool {
    matches!(
        role_reason(l.flags, context),
        None | Some(BoilerplateReason::Header)
    )
}

/// Whether fewer than a quarter of a line's words hold a digit (no line of dates and times).
fn few_numbers(text: &str, l: &PageLine) -> bool {
    let numbers = l
        .text(text)
        .split_whitespace()
        .filter(|w| w.bytes().any(|b| b.is_ascii_digit()))
        .count();
    numbers * 4 < l.words as usize
}

/// Whether line `l`, between the headline and the article's first line, is the article's: a
/// sentence of a lead or standfirst (in the article's `<header>` too); a code block of no
/// other role (a declaration or signature above the text that explains it); and, where the
/// article opens with an anchored item (`sections_first`: a reference page whose best block
/// is its sections), any line of no other role that is no link list, the item's short
/// description and its section headings.
fn is_lead(
    text: &str,
    l: &PageLine,
    (roles, link_list): (Option<BoilerplateReason>, bool),
    sections_first: bool,
) -> bool {
    match roles {
        None => is_sentence(text, l) || !link_list && (l.flags & role::CODE != 0 || sections_first),
        Some(BoilerplateReason::Header) => is_sentence(text, l),
        Some(_) => false,
    }
}

/// What the page keeps after its article's body. Headings after its last sentence open
/// what follows it ("Related coverage", "More stories", a newsletter box), in any language,
/// and go with what they head. Past the body's last sentence, what stands outside the body
/// (an author's box, a call to subscribe or donate, teasers of other stories) goes, and so
/// does a short line in a block unlike the body's paragraphs (a credit, tags, a date, a
/// share count). The body is the block whose children hold most of the article's sentences,
/// with the boxes of the kind of it or of one of its classed ancestors beside them (a body
/// split by advertisements, a how-to's steps, a page's sections); a line after it stays in a
/// block of the body's sentences, in a block of their tag beside them (a short last
/// paragraph, a results list under `<br>`s), or as a list or table item that is no prose.
fn drop_after_the_body(
    text: &str,
    (lines, nodes): (&[PageLine], &[Node]),
    items_end: Option<usize>,
    verdicts: &mut [Option<BoilerplateReason>],
) {
    let sentence = |l: &PageLine| is_prose(l) || is_linked_sentence(text, l);
    let kept: Vec<usize> = (0..lines.len())
        .filter(|&i| verdicts[i].is_none() && sentence(&lines[i]))
        .collect();
    let Some(&last_sentence) = kept.last() else {
        return;
    };
    let in_body = body_region(lines, nodes, &kept);
    let last_body = kept
        .iter()
        .rev()
        .find(|&&i| in_body(&lines[i]))
        .map_or(last_sentence, |&i| i);
    let view = Tail {
        lines,
        nodes,
        kept: &kept,
        in_body: &in_body,
    };
    let mut gone = view.outside(verdicts, last_body, last_sentence);
    // prose outside the body that outweighs a share of it is more of the story (its later
    // sections in blocks of another kind), not a box after it: only what follows the last
    // sentence is judged then
    let words = |is: &mut dyn Iterator<Item = &usize>| -> u32 {
        is.filter(|&&i| sentence(&lines[i]))
            .map(|&i| lines[i].words)
            .sum()
    };
    let body_words = words(&mut kept.iter().take_while(|&&i| i <= last_body));
    if words(&mut gone.iter()) as f32 > TAIL_SHARE * body_words as f32 {
        gone = view.outside(verdicts, last_sentence, last_sentence);
    }
    // within the items, only the headings after the last sentence (the anchored ones
    // are their items' signatures, never gone)
    let judged = |i: usize| {
        items_end.is_none_or(|end| i > end)
            || i > last_sentence && lines[i].flags & role::HEADING != 0
    };
    for i in gone.into_iter().filter(|&i| judged(i)) {
        verdicts[i] = Some(BoilerplateReason::OutsideArticle);
    }
}

/// Share of the body's words up to which prose outside it, after it, is a box that follows
/// the story (an author's note, a call to subscribe, teasers) rather than more of the story.
const TAIL_SHARE: f32 = 0.3;

/// A page's lines, its article's sentences and body, as [`drop_after_the_body`] reads them.
struct Tail<'a> {
    lines: &'a [PageLine],
    nodes: &'a [Node],
    kept: &'a [usize],
    in_body: &'a dyn Fn(&PageLine) -> bool,
}

impl Tail<'_> {
    /// The kept lines after `last_body` that are none of the article's.
    fn outside(
        &self,
        verdicts: &[Option<BoilerplateReason>],
        last_body: usize,
        last_sentence: usize,
    ) -> Vec<usize> {
        let (lines, nodes) = (self.lines, self.nodes);
        // the blocks of the body's sentences, and their kind beside one another
        let (mut blocks, mut kinds) = (FxHashSet::default(), FxHashSet::default());
        for &i in self.kept.iter().take_while(|&&i| i <= last_body) {
            let n = &nodes[lines[i].node as usize];
            blocks.insert(lines[i].node);
            kinds.insert((n.shape, n.parent));
            kinds.insert((n.tag, n.parent));
        }
        let mut gone = Vec::new();
        for (i, l) in lines.iter().enumerate().skip(last_body + 1) {
            // an anchored item's heading is its signature, and heads its own docs
            if verdicts[i].is_some() || in_anchored_item(l, nodes) {
                continue;
            }
            let n = &nodes[l.node as usize];
            let beside = blocks.contains(&l.node)
                || kinds.contains(&(n.shape, n.parent))
                || kinds.contains(&(n.tag, n.parent))
                || l.flags & (role::LIST | role::CELL) != 0 && !is_prose(l);
            let own = if l.flags & role::HEADING != 0 {
                i < last_sentence && (self.in_body)(l)
            } else if i < last_sentence {
                (self.in_body)(l) || beside
            } else {
                beside
            };
            if !own {
                gone.push(i);
            }
        }
        gone
    }
}

/// The article's body as a test on lines (see [`drop_after_the_body`]): the block whose
/// children hold most words of the `kept` sentences, and the boxes beside it, or beside one
/// of its classed ancestors within [`BOX_DEPTH`] levels, of the same kind.
fn body_region<'a>(
    lines: &[PageLine],
    nodes: &'a [Node],
    kept: &[usize],
) -> impl Fn(&PageLine) -> bool + 'a {
    let mut by_parent: FxHashMap<u32, u32> = FxHashMap::default();
    for &i in kept {
        *by_parent
            .entry(nodes[lines[i].node as usize].parent)
            .or_default() += lines[i].words;
    }
    // the most words; of equals, the first block
    let body = by_parent
        .iter()
        .max_by_key(|&(&p, &w)| (w, std::cmp::Reverse(p)))
        .map_or(0, |(&p, _)| p as usize);
    let mut boxes: Vec<(u32, u32)> = vec![(nodes[body].parent, nodes[body].shape)];
    for a in ancestors(body, nodes).take(BOX_DEPTH + 1) {
        if nodes[a].classed && nodes[a].parent as usize != a {
            boxes.push((nodes[a].parent, nodes[a].shape));
        }
    }
    let mut above_body = vec![false; nodes.len()];
    for a in ancestors(body, nodes) {
        above_body[a] = true;
    }
    move |l: &PageLine| {
        body != 0
            && ancestors(l.node as usize, nodes).any(|m| {
                // a box beside the body's block or beside one of its ancestors, not the
                // ancestor itself (which holds the whole page)
                m == body || !above_body[m] && boxes.contains(&(nodes[m].parent, nodes[m].shape))
            })
    }
}

/// Article prose (words) that must come before a line that opens a comment thread: a
/// "Comments" link beside the headline opens nothing.
const PROSE_BEFORE_COMMENTS: u32 = 80;

/// A comment thread the markup does not name (old table layouts, blogs): from a kept line
/// that opens one ("Comments", "Post a comment", "Posted by … on …") after the article's
/// prose, to the end of the article's range, with prose after it, the lines are comments.
fn mark_comment_thread(
    text: &str,
    (lines, nodes): (&[PageLine], &[Node]),
    (first, last): (usize, usize),
    verdicts: &mut [Option<BoilerplateReason>],
) {
    let kept = |i: usize| verdicts[i].is_none();
    let mut prose_words = 0;
    let mut opener = None;
    for (i, l) in lines.iter().enumerate().take(last + 1).skip(first) {
        if kept(i) && is_prose(l) {
            prose_words += l.words;
        } else if kept(i)
            && prose_words >= PROSE_BEFORE_COMMENTS
            && opens_comments(l.text(text))
            && !heads_a_column(lines, nodes, i)
        {
            opener = Some(i);
            break;
        }
    }
    let Some(opener) = opener else { return };
    let prose_after = (opener + 1..=last)
        .filter(|&i| kept(i) && is_prose(&lines[i]))
        .count();
    if prose_after < 2 {
        return;
    }
    for v in &mut verdicts[opener..=last] {
        if v.is_none() {
            *v = Some(BoilerplateReason::Comments);
        }
    }
}

/// Whether line `i` is a table's column header: a short line in a cell beside another cell
/// of short text (a "Comment" column of a table in the story opens no comment thread).
fn heads_a_column(lines: &[PageLine], nodes: &[Node], i: usize) -> bool {
    let Some(prev) = i.checked_sub(1).map(|p| &lines[p]) else {
        return false;
    };
    let cell = |l: &PageLine| {
        // the outermost cell holding the line: a layout table's cell holds the whole page
        ancestors(l.node as usize, nodes)
            .filter(|&m| nodes[m].flags & role::CELL != 0)
            .last()
    };
    let l = &lines[i];
    !is_prose(l)
        && !is_prose(prev)
        && cell(l).is_some()
        && cell(prev).is_some()
        && cell(l) != cell(prev)
}

/// "Comments" (or "comment", "reactions", "discussion"), alone on a line or with a count, in
/// the languages of Europe and East Asia: the heading of a thread under the story.
const COMMENTS_WORDS: &[&str] = &[
    "kommentare",
    "kommentar",
    "commentaires",
    "commentaire",
    "réactions",
    "comentarios",
    "comentario",
    "commenti",
    "commento",
    "comentários",
    "comentário",
    "reacties",
    "reactie",
    "komentarze",
    "komentarz",
    "kommentarer",
    "kommentit",
    "komentáře",
    "komentáre",
    "hozzászólások",
    "kommentek",
    "yorumlar",
    "σχόλια",
    "комментарии",
    "коментарі",
    "коментари",
    "komentari",
    "komentarji",
    "comentarii",
    "kommentaarid",
    "komentāri",
    "komentarai",
    "评论",
    "評論",
    "留言",
    "コメント",
    "댓글",
];

/// Whether a short line opens a comment thread: "Comments", "12 comments", "Comments (3)",
/// "Reader comments", "Comments are closed", "Post a comment", "Leave a reply", "Have your
/// say", "Join the discussion", or a comment's signature "Posted by NAME on DATE".
fn opens_comments(line: &str) -> bool {
    let words: Vec<String> = line
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect();
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    if w.len() > 12 {
        return false;
    }
    match w.as_slice() {
        [word] if COMMENTS_WORDS.contains(word) => true,
        ["comments" | "comment"]
        | ["reader" | "readers" | "user" | "your", "comments"]
        | ["have", "your", "say"]
        | ["join", "the", "discussion" | "conversation"] => true,
        ["comments", "are", "closed" | "now", ..]
        | ["post" | "add" | "leave", "a" | "your", "comment" | "reply", ..] => w.len() <= 6,
        ["posted", "by", rest @ ..] => {
            rest.len() >= 2 && rest[1..].iter().any(|x| matches!(*x, "on" | "at"))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::markup::extract;
    use super::*;

    fn kept(html: &str) -> Vec<String> {
        let (text, lines, nodes) = extract(html);
        let v = verdicts(&text, &lines, &nodes);
        lines
            .iter()
            .zip(v)
            .filter(|(_, v)| v.is_none())
            .map(|(l, _)| l.text(&text).to_string())
            .collect()
    }

    const PAGE: &str = "<html><head><title>Storm hits the coast | Daily News</title></head>\
        <body><div id=masthead><a href=/>Daily News</a></div>\
        <nav><ul><li><a href=/w>World</a><li><a href=/s>Sports</a></ul></nav>\
        <div class=main><h1>Storm hits the coast</h1><p class=byline>By A. Writer</p>\
        <div class=story><p>The storm reached the coast on Monday night and left thousands of homes without power.</p>\
        <p>Officials said the damage would take weeks to repair, and schools stayed closed.</p>\
        <ul class=related><li><a href=/a>Earlier storm story</a><li><a href=/b>Another one</a></ul>\
        <p>Residents were told to stay indoors until the wind dropped below gale force.</p></div>\
        <div class=comments><p>Great article, thanks for writing it up so quickly, very useful.</p></div></div>\
        <form><input name=q> Sign up for our newsletter</form>\
        <div id=footer><a href=/c>Contact</a> Copyright 2005 Daily News</div></body></html>";

    #[test]
    fn keeps_the_article_and_its_headline() {
        assert_eq!(
            kept(PAGE),
            vec![
                "Storm hits the coast",
                "The storm reached the coast on Monday night and left thousands of homes without power.",
                "Officials said the damage would take weeks to repair, and schools stayed closed.",
                "Residents were told to stay indoors until the wind dropped below gale force.",
            ]
        );
    }

    #[test]
    fn says_why_each_run_goes() {
        let (text, lines, nodes) = extract(PAGE);
        let runs = classify(&text, &lines, &nodes);
        let reasons: Vec<&str> = runs.iter().map(|r| r.reason.as_str()).collect();
        assert_eq!(
            reasons,
            vec![
                "page title",
                "navigation",
                "outside the article",
                "aside",
                "comments",
                "form",
                "footer"
            ]
        );
        assert!(runs
            .iter()
            .all(|r| r.bytes.0 < r.bytes.1 && r.lines.0 <= r.lines.1));
    }

    #[test]
    fn a_story_split_into_columns_is_one_article() {
        // Paragraphs in sibling columns (a newspaper's companion columns, cards, sections
        // between photos): the best-scored column alone is not the story; blocks of its
        // paragraphs' shape are. A teaser of another shape stays out.
        let column = |a: &str, b: &str| {
            format!(
                "<div class=column><div class=inner><p class=para>{a}</p><h2>Subheading here</h2>\
                 <p class=para>{b}</p></div></div>"
            )
        };
        let page = format!(
            "<html><head><title>Trade war keeps the world guessing</title></head><body>\
             <h1>Trade war keeps the world guessing</h1><section class=story>{}\
             <div class=promo-box><p>Sign in to read more stories like this one every single day of the week.</p></div>{}</section>\
             <div class=teasers><div class=card><p class=blurb>Another story about tariffs that you may want to read after this one today.</p></div></div>\
             </body></html>",
            column(
                "When the advisers suggested that the buyers resume purchases of farm produce, the president wanted more.",
                "The approach has not yet produced the deal that businesses around the world had been hoping for."
            ),
            column(
                "Executives say they have no choice but to postpone some hiring and investment until the dispute ends.",
                "The uncertainty is weighing on the economy, particularly manufacturing, which has slumped for months."
            ),
        );
        let kept = kept(&page);
        assert!(
            kept.iter().any(|l| l.starts_with("When the advisers")),
            "{kept:?}"
        );
        assert!(
            kept.iter().any(|l| l.starts_with("Executives say")),
            "{kept:?}"
        );
        assert!(
            kept.iter().any(|l| l.starts_with("The uncertainty")),
            "{kept:?}"
        );
        assert_eq!(
            kept.iter().filter(|l| *l == "Subheading here").count(),
            2,
            "{kept:?}"
        );
        assert!(!kept.iter().any(|l| l.contains("tariffs")), "{kept:?}");
        assert!(!kept.iter().any(|l| l.starts_with("Sign in")), "{kept:?}");
    }

    #[test]
    fn a_comment_thread_the_markup_does_not_name_goes() {
        let para = |s: &str| {
            format!("<p>{s} and the rest of the sentence goes on for a while longer.</p>")
        };
        let story: String = (0..6)
            .map(|i| para(&format!("Paragraph {i} of the story says what happened")))
            .collect();
        let page = format!(
            "<html><head><title>Manager leaves the club</title></head><body><table><tr><td>\
             <h1>Manager leaves the club</h1><p>Comments (12)</p>{story}<b>Comments</b>\
             {}<p>Posted by Idealist on January 10, 2008 5:58 PM</p>{}</td></tr></table></body></html>",
            para("What a marvellous opportunity for him, I doubt many will think that way"),
            para("Newcastle must be barking mad to change managers with the frequency they do"),
        );
        let kept = kept(&page);
        assert_eq!(
            kept.iter().filter(|l| l.starts_with("Paragraph")).count(),
            6,
            "{kept:?}"
        );
        assert!(
            !kept
                .iter()
                .any(|l| l.contains("marvellous") || l.contains("barking")),
            "{kept:?}"
        );
        assert!(opens_comments("Posted by John on January 10, 2008 5:29 PM"));
        assert!(opens_comments("34 Comments"));
        for other in [
            "Kommentare (12)",
            "12 commentaires",
            "Komentarze",
            "评论",
            "Σχόλια",
        ] {
            assert!(opens_comments(other), "{other}");
        }
        assert!(!opens_comments("Kommentare der Minister"));
        assert!(!opens_comments("Posted by"));
        assert!(!opens_comments(
            "Comments from the minister angered the opposition"
        ));
    }

    /// A paragraph of prose: `s`, then the same long tail.
    fn paragraph(s: &str) -> String {
        format!("<p>{s} and the rest of the sentence goes on for a while longer here.</p>")
    }

    /// Six paragraphs of prose, "Paragraph N of `subject`".
    fn six_paragraphs(subject: &str) -> String {
        (0..6)
            .map(|i| paragraph(&format!("Paragraph {i} of {subject}")))
            .collect()
    }

    #[test]
    fn a_comment_column_of_a_table_in_the_story_opens_no_thread() {
        let story = six_paragraphs("the design note explains the queue");
        let page = format!(
            "<html><head><title>How the task queue works</title></head><body><article>\
             <h1>How the task queue works</h1>{story}<table><tr><th><p>Status</p></th><th><p>Comment</p></th></tr>\
             <tr><td><p>new</p></td><td><p>scheduled for later</p></td></tr></table>{}{}</article></body></html>",
            paragraph("After the table the note goes on to say how retries are spaced out"),
            paragraph("Finally it tells how a stuck task is found and put back on the queue"),
        );
        let k = kept(&page);
        assert!(k.iter().any(|l| l.starts_with("After the table")), "{k:?}");
        assert!(k.iter().any(|l| l.starts_with("Finally")), "{k:?}");
    }

    #[test]
    fn a_code_sample_whose_comment_says_comments_opens_no_thread() {
        // A documentation page: prose, then a highlighted code sample whose comments are
        // spans of class "comment", then more prose. A code comment is no comment thread.
        let story = six_paragraphs("the guide explains the parser");
        let page = format!(
            "<html><head><title>Parsing input</title></head><body><main>\
             <h1>Parsing input</h1>{story}<pre class=rust><code><span class=comment>// Comments \
             go first</span>\nlet text = strip(input);\n<span class=comment>// then the \
             parse</span>\nparse(&amp;text)?;</code></pre>{}{}</main></body></html>",
            paragraph("After the sample the guide goes on to say how errors are reported"),
            paragraph("Finally it shows how a partial parse is resumed from its last token"),
        );
        let k = kept(&page);
        assert!(k.iter().any(|l| l.starts_with("After the sample")), "{k:?}");
        assert!(k.iter().any(|l| l.starts_with("Finally")), "{k:?}");
        assert!(
            k.iter().any(|l| l.starts_with("// Comments go first")),
            "{k:?}"
        );
        assert!(
            k.iter().any(|l| l.contains("let text = strip(input);")),
            "{k:?}"
        );
    }

    #[test]
    fn a_title_that_only_names_the_site_leaves_the_heading_above_the_story() {
        let page = "<html><head><title>Cape Argus</title></head><body>\
            <div class=top><h1>No promises made to the striking teachers</h1></div>\
            <div class=story><p>The minister said on Monday that no promises had been made to the teachers who went on strike.</p>\
            <p>Talks will resume next week, a spokesman said, and schools are expected to stay open.</p></div></body></html>";
        let k = kept(page);
        assert_eq!(
            k.first().map(String::as_str),
            Some("No promises made to the striking teachers"),
            "{k:?}"
        );
        assert!(!k.iter().any(|l| l == "Cape Argus"), "{k:?}");
    }

    #[test]
    fn the_headline_is_the_line_that_repeats_the_title() {
        let page = "<html><head><title>Harbour lock opens after six years | The Gazette</title></head>\
            <body><ul><li><a href=/a>Harbour lock opens after six years</a></ul>\
            <div class=kicker>Harbour</div><div class=head>Harbour lock opens after six years</div>\
            <p>The new sea lock opened on Friday, six years after the first pile went into the mud.</p></body></html>";
        let (text, lines, _) = extract(page);
        let line = title_line(&text, &lines).map(|i| lines[i].text(&text));
        // not the link in the list above it, nor the one-word kicker
        assert_eq!(line, Some("Harbour lock opens after six years"));
    }

    #[test]
    fn a_line_of_dates_is_no_sentence() {
        let (text, lines, _) = extract(
            "<p>Mon 18 Nov 2019 18.54 GMT Last modified on Mon 18 Nov 2019 18.56 GMT</p>\
             <p>The council voted on 18 November to close the old bridge to cars for good.</p>",
        );
        assert!(is_prose(&lines[0]) && !is_sentence(&text, &lines[0]));
        assert!(is_sentence(&text, &lines[1]));
    }

    #[test]
    fn headings_after_the_last_paragraph_go_and_those_before_it_stay() {
        let para = "<p>The committee met for six hours and agreed on a plan to rebuild the harbour wall.</p>";
        let page = format!(
            "<html><head><title>Harbour wall | Gazette</title></head><body><article>\
             <h1>Harbour wall</h1>{para}<h2>What happens next</h2>{para}{para}\
             <h2>More from the coast</h2><h3>Sign up</h3></article></body></html>"
        );
        let k = kept(&page);
        assert!(k.iter().any(|l| l == "What happens next"), "{k:?}");
        assert!(
            !k.iter()
                .any(|l| l == "More from the coast" || l == "Sign up"),
            "{k:?}"
        );
    }

    #[test]
    fn what_stands_after_the_body_goes_and_the_body_s_own_tail_stays() {
        // A story in Italian: its body's paragraphs (classes that number them), a short last
        // paragraph and a results list under `<br>`s, a box of questions inside the body;
        // after the body an update line, an author's box, and a call to donate beside it.
        let body: String = (0..8)
            .map(|i| {
                format!(
                    "<p class=par{i}>Il paragrafo {i} racconta come il consiglio ha deciso di \
                     riaprire il vecchio ponte sul fiume.</p>"
                )
            })
            .collect();
        let page = format!(
            "<html><head><title>Il ponte riapre</title></head><body><div class=pagina>\
             <h1>Il ponte riapre</h1><div class=testo>{body}<div class=riquadro><h3>Quando si \
             passa?</h3><p>Dal primo maggio il ponte resta aperto alle biciclette e ai pedoni \
             di giorno e di notte.</p></div><p class=par9>Tempi di apertura:<br>pedoni 6-22\
             <br>bici 7-21</p><p class=par10>Ne riparleremo in estate.</p></div>\
             <div class=agg>Aggiornato alle 18:40</div>\
             <div class=autore><p>Mario Rossi scrive di città e trasporti per il giornale da \
             vent'anni e vive vicino al fiume.</p></div>\
             <div class=appello><h4>Sostienici</h4><p>Se ti è piaciuto questo articolo, aiutaci \
             a continuare il nostro lavoro con una piccola donazione mensile.</p></div>\
             </div></body></html>"
        );
        let k = kept(&page);
        for wanted in [
            "Il paragrafo 7",
            "Quando si passa?",
            "Dal primo maggio",
            "pedoni 6-22",
            "Ne riparleremo in estate.",
        ] {
            assert!(k.iter().any(|l| l.starts_with(wanted)), "{wanted}: {k:?}");
        }
        for gone in [
            "Aggiornato",
            "Mario Rossi",
            "Sostienici",
            "Se ti è piaciuto",
        ] {
            assert!(!k.iter().any(|l| l.starts_with(gone)), "{gone}: {k:?}");
        }
    }

    #[test]
    fn a_list_under_its_own_heading_above_the_story_is_the_article_s() {
        // a recipe card in Portuguese: the ingredients under their heading, between the
        // headline and the method (the best block); a list of byline items heads nothing
        // and a table of contents is links
        let html = "<html><head><title>Bolo de laranja | Receitas</title></head><body>\
            <article><h1>Bolo de laranja</h1>\
            <ul class=meta><li>Por Ana Lima</li><li>3 de março</li><li>Leitura de 5 min</li></ul>\
            <div class=sumario><h3>Nesta página</h3><ul><li><a href=#i>Ingredientes</a></li>\
            <li><a href=#m>Modo de preparo</a></li><li><a href=#d>Dicas</a></li></ul></div>\
            <div class=ingredientes><h2 id=i>Ingredientes</h2><ul><li>3 ovos</li><li>2 laranjas</li>\
            <li>200 g de açúcar</li><li>250 g de farinha</li></ul></div>\
            <div class=preparo><h2 id=m>Modo de preparo</h2>\
            <p>Bata os ovos com o açúcar e o suco das laranjas até obter um creme claro e fofo.</p>\
            <p>Junte a farinha aos poucos, despeje na forma untada e asse por quarenta minutos.</p>\
            </div></article></body></html>";
        let kept = kept(html);
        for wanted in ["Ingredientes", "3 ovos", "250 g de farinha", "Bata os ovos"] {
            assert!(
                kept.iter().any(|l| l == wanted || l.starts_with(wanted)),
                "{wanted}: {kept:?}"
            );
        }
        for gone in ["Por Ana Lima", "Leitura de 5 min", "Nesta página", "Dicas"] {
            assert!(!kept.iter().any(|l| l == gone), "{gone}: {kept:?}");
        }
    }

    #[test]
    fn a_list_whose_items_link_a_word_each_is_no_link_list() {
        // Swedish: each ingredient links the ingredient (half or more of an item's text),
        // every item has text of its own; the list of related recipes after it is all links
        let html = "<html><head><title>Kanelbullar | Bakning</title></head><body><article>\
            <h1>Kanelbullar</h1>\
            <p>Kanelbullar är ett svenskt bakverk som många bakar hemma till fikat, särskilt i oktober.</p>\
            <ul><li>50 g <a href=/jast>jäst</a></li><li>5 dl <a href=/mjolk>mjölk</a></li>\
            <li>150 g <a href=/smor>smör</a></li><li>1 dl <a href=/socker>strösocker</a></li></ul>\
            <p>Smält smöret, värm mjölken och rör ut jästen i degvätskan innan mjölet arbetas in.</p>\
            <ul><li><a href=/a>Sju sorters kakor</a></li><li><a href=/b>Lussekatter</a></li>\
            <li><a href=/c>Semlor med mandelmassa</a></li></ul>\
            <p>Låt degen jäsa en halvtimme, kavla ut den, bred på fyllningen och rulla ihop till bullar.</p>\
            </article></body></html>";
        let kept = kept(html);
        for wanted in [
            "50 g jäst",
            "5 dl mjölk",
            "1 dl strösocker",
            "Låt degen jäsa",
        ] {
            assert!(
                kept.iter().any(|l| l.starts_with(wanted)),
                "{wanted}: {kept:?}"
            );
        }
        for gone in ["Lussekatter", "Semlor med mandelmassa"] {
            assert!(!kept.iter().any(|l| l == gone), "{gone}: {kept:?}");
        }
    }

    #[test]
    fn a_declaration_whose_names_link_to_their_definitions_is_no_link_list() {
        // Turkish: a reference page's declaration, each type name a link, in a code block
        let html = "<html><head><title>Sıra | Belgeler</title></head><body><main><h1>Yapı Sıra</h1>\
            <pre class=decl><code>pub enum <a href=a.html>Öğe</a> { <a href=b.html>Sayı</a>(<a href=c.html>Tamsayı</a>), \
            <a href=d.html>Metin</a>(<a href=e.html>Dizgi</a>) }</code></pre>\
            <p>Sıra, üreticiler ile tüketiciler arasında paylaşılan ve uzunluğu sınırlı olan bir kuyruktur.</p>\
            <p>Her işlem kuyruğu yalnızca kısa bir süre kilitler, bu yüzden iş parçacıkları arasında güvenle paylaşılır.</p>\
            </main><nav><ul><li><a href=/a>Giriş</a></li><li><a href=/b>Kılavuz</a></li></ul></nav></body></html>";
        let kept = kept(html);
        assert!(
            kept.iter()
                .any(|l| l.starts_with("pub enum Öğe { Sayı(Tamsayı)")),
            "{kept:?}"
        );
        assert!(!kept.iter().any(|l| l == "Kılavuz"), "{kept:?}");
    }

    #[test]
    fn a_definition_list_of_linked_terms_with_descriptions_is_no_link_list() {
        // Polish: a module's index, each linked name with its one-line summary (the term and
        // its description are one item); a list of terms linked and nothing more still goes
        let html = "<html><head><title>Moduł kolejka | Dokumentacja</title></head><body><main>\
            <h1>Moduł kolejka</h1>\
            <p>Ten moduł zawiera kolejki używane przez wątki producentów i konsumentów w całym programie.</p>\
            <dl class=items><dt><a href=a.html>Kolejka</a></dt><dd>Kolejka o stałej długości.</dd>\
            <dt><a href=b.html>Bilet</a></dt><dd><p>Potwierdzenie dodania elementu.</p></dd>\
            <dt><a href=c.html>Strażnik</a></dt><dd>Zamyka kolejkę przy wyjściu.</dd></dl>\
            <p>Kolejki można bezpiecznie współdzielić między wątkami, ponieważ każda operacja blokuje je krótko.</p>\
            <dl><dt><a href=/x>Wątki</a></dt><dd><a href=/y>Kanały</a></dd><dt><a href=/z>Zamki</a></dt>\
            <dd><a href=/w>Bariery</a></dd></dl></main></body></html>";
        let kept = kept(html);
        for wanted in [
            "Kolejka",
            "Kolejka o stałej długości.",
            "Bilet",
            "Potwierdzenie dodania elementu.",
            "Strażnik",
            "Kolejki można bezpiecznie",
        ] {
            assert!(
                kept.iter().any(|l| l.starts_with(wanted)),
                "{wanted}: {kept:?}"
            );
        }
        for gone in ["Kanały", "Bariery"] {
            assert!(!kept.iter().any(|l| l == gone), "{gone}: {kept:?}");
        }
    }

    #[test]
    fn a_table_whose_rows_have_text_of_their_own_is_no_link_list() {
        // Dutch: a release history whose version cells are links beside their dates; after
        // the story's last paragraph, related stories whose items carry a city and a date of their own
        let html = "<html><head><title>Nieuwe versie | Software</title></head><body><article>\
            <h1>Nieuwe versie</h1>\
            <p>Het project brengt sinds vorig jaar elke maand een nieuwe versie uit, vaker dan ooit tevoren.</p>\
            <table><tr><th>Versie</th><th>Datum</th></tr>\
            <tr><td><a href=/v/41>4.1</a></td><td>april 2014</td></tr>\
            <tr><td><a href=/v/42>4.2</a></td><td>mei 2014</td></tr>\
            <tr><td><a href=/v/43>4.3</a></td><td>juli 2014</td></tr></table>\
            <p>De ontwikkelaars zeggen dat het snellere ritme de gebruikers eerder nieuwe functies geeft.</p>\
            <ul><li><a href=/a>Gemeente kiest voor open software op alle werkplekken</a> (Utrecht, 12 maart)</li>\
            <li><a href=/b>Ziekenhuis stapt over op een nieuw patiëntensysteem</a> (Leiden, 10 maart)</li>\
            <li><a href=/c>Provincie opent een datacentrum voor haar diensten</a> (Zwolle, 9 maart)</li></ul>\
            </article></body></html>";
        let kept = kept(html);
        for wanted in ["4.1", "4.3", "juli 2014", "De ontwikkelaars zeggen"] {
            assert!(
                kept.iter().any(|l| l == wanted || l.starts_with(wanted)),
                "{wanted}: {kept:?}"
            );
        }
        for gone in ["Gemeente kiest", "Provincie opent"] {
            assert!(
                !kept.iter().any(|l| l.starts_with(gone)),
                "{gone}: {kept:?}"
            );
        }
    }

    #[test]
    fn the_headline_that_repeats_most_of_the_title_beats_the_site_s_name() {
        // Hungarian: the site's name in a heading above a longer block of teasers, then the
        // story under its headline; the title names both, the headline repeats more of it
        let html = "<html><head><title>Árvíz a folyón | Napi Hírek</title></head><body><div class=top><h1>Napi Hírek</h1>\
            <div class=ticker><p>A kormány szerdán bejelentette, hogy jövőre jelentősen emeli a vidéki kórházak támogatását, és új orvosokat toboroz a kisebb településekre is, ahol régóta hiány van szakemberekből.</p>\
            <p>A fővárosi közlekedési vállalat új villamosokat állít forgalomba a nyár elején, a régi szerelvények egy részét pedig felújítják és a külső kerületekben használják tovább.</p>\
            <p>A tanév végén több ezer diák vizsgázik egyszerre, az iskolák ezért előre kérték a szülőket, hogy a reggeli órákban kerüljék az intézmények környékét autóval.</p>\
            <p>A nemzeti bank a vártnál kisebb mértékben emelte az alapkamatot, az elemzők szerint azonban az infláció még hónapokig magas maradhat az országban.</p>\
            <p>A labdarúgó-válogatott kedden barátságos mérkőzést játszik, a szövetségi kapitány több fiatal játékost is meghívott a keretbe a sérültek helyére.</p>\
            <p>Az időjárás-előrejelzés szerint a hét második felében lehűlés érkezik, a hegyekben pedig akár havazás is előfordulhat a magasabb részeken.</p>\
            </div></div>\
            <div class=main><div class=story>\
            <h1>Árvíz a folyón</h1><p>A folyó vízszintje csütörtök reggelre minden eddigi mérésnél magasabbra emelkedett, ezért a városban több utcát lezártak, és a lakókat is figyelmeztették a veszélyre.</p>\
            <p>A polgármester elmondta, hogy a gátakat éjszaka homokzsákokkal erősítették meg, és több száz önkéntes segített a munkában a part menti településeken.</p>\
            <p>A szakemberek szerint a tetőzés péntek délután várható, addig a hatóságok azt kérik, hogy senki ne menjen le a partra, és kövessék a hivatalos tájékoztatást.</p>\
            <p>A kitelepített családok ideiglenesen az iskolákban kaptak szállást, ahol meleg ételt és orvosi ellátást is biztosítanak számukra a következő napokban.</p>\
            </div></div></body></html>";
        let kept = kept(html);
        for wanted in [
            "Árvíz a folyón",
            "A folyó vízszintje",
            "A kitelepített családok",
        ] {
            assert!(
                kept.iter().any(|l| l.starts_with(wanted)),
                "{wanted}: {kept:?}"
            );
        }
        for gone in ["A kormány szerdán", "A nemzeti bank"] {
            assert!(
                !kept.iter().any(|l| l.starts_with(gone)),
                "{gone}: {kept:?}"
            );
        }
    }

    #[test]
    fn the_rest_of_a_story_after_its_first_block_is_the_story_s() {
        // Czech: the story's first two paragraphs under the headline, a teaser box, then
        // the rest (behind a paywall) in a block of its own that scores more than the first
        let html = "<html><head><title>Nová lávka přes řeku | Noviny</title></head><body>\
            <article><h1>Nová lávka přes řeku</h1><div class=volny>\
            <p>Město v pondělí otevřelo novou lávku pro pěší a cyklisty, která spojuje obě části parku.</p>\
            <p>Stavba trvala necelé dva roky a stála přibližně osmdesát milionů korun z městského rozpočtu.</p></div>\
            <aside class=ctete-take><a href=/x>Most na okruhu se zavře</a></aside>\
            <div class=placeny><section>\
            <p>Lávka je široká čtyři metry a v noci ji osvětlují úsporné lampy zabudované přímo do zábradlí.</p>\
            <p>Radnice slibuje, že na jaře přibudou lavičky a stromy na obou koncích nové lávky přes řeku.</p>\
            <p>Obyvatelé okolních ulic si stěžovali hlavně na hluk během stavby, který často trval až do večera.</p>\
            </section></div></article></body></html>";
        let kept = kept(html);
        for wanted in [
            "Město v pondělí",
            "Stavba trvala",
            "Lávka je široká",
            "Obyvatelé okolních",
        ] {
            assert!(
                kept.iter().any(|l| l.starts_with(wanted)),
                "{wanted}: {kept:?}"
            );
        }
        assert!(
            !kept.iter().any(|l| l.starts_with("Most na okruhu")),
            "{kept:?}"
        );
    }

    #[test]
    fn key_points_in_bullets_under_the_headline_are_the_lead() {
        // Spanish: the story's key points as bullets in the article's header, a byline list
        // (names and a date) beside them
        let html = "<html><head><title>El tranvía vuelve a la ciudad | Diario</title></head><body>\
            <article><header><h1>El tranvía vuelve a la ciudad</h1>\
            <ul class=claves><li>La primera línea unirá la estación con el puerto</li>\
            <li>Los vecinos podrán viajar gratis durante el primer mes</li></ul>\
            <ul class=firma><li>Por Luis Gil</li><li>4 de marzo de 2024</li></ul></header>\
            <div class=cuerpo><p>El ayuntamiento aprobó el lunes el proyecto del tranvía, que volverá a circular cuarenta años después.</p>\
            <p>Las obras empezarán en otoño y durarán dos años, según el calendario presentado por la alcaldesa.</p></div>\
            </article></body></html>";
        let kept = kept(html);
        for wanted in [
            "La primera línea",
            "Los vecinos podrán",
            "El ayuntamiento aprobó",
        ] {
            assert!(
                kept.iter().any(|l| l.starts_with(wanted)),
                "{wanted}: {kept:?}"
            );
        }
        for gone in ["Por Luis Gil", "4 de marzo de 2024"] {
            assert!(!kept.iter().any(|l| l == gone), "{gone}: {kept:?}");
        }
    }

    #[test]
    fn a_short_lead_that_ends_a_sentence_stays_and_a_byline_goes() {
        // Finnish: a five-word standfirst, too short to be prose, between the headline and
        // the body; the byline and the date beside it end in no full stop
        let html = "<html><head><title>Kirjasto avataan | Lehti</title></head><body><article>\
            <h1>Kirjasto avataan</h1><p class=lead>Uusi kirjasto avataan ensi viikolla.</p>\
            <p class=byline>Teksti Matti Virtanen ja Liisa Korhonen</p><p class=date>12.3.2024 klo 14.05</p>\
            <div class=body><p>Kaupungin uusi pääkirjasto avataan maanantaina, ja sinne odotetaan tuhansia kävijöitä.</p>\
            <p>Rakennuksessa on kirjojen lisäksi työpajoja, studioita ja lukusaleja kaikkien käyttöön.</p></div>\
            </article></body></html>";
        let kept = kept(html);
        for wanted in ["Uusi kirjasto avataan ensi viikolla.", "Kaupungin uusi"] {
            assert!(
                kept.iter().any(|l| l.starts_with(wanted)),
                "{wanted}: {kept:?}"
            );
        }
        for gone in ["Teksti Matti", "12.3.2024"] {
            assert!(
                !kept.iter().any(|l| l.starts_with(gone)),
                "{gone}: {kept:?}"
            );
        }
    }

    #[test]
    fn a_page_without_prose_is_left_alone() {
        assert_eq!(kept("<ul><li><a href=/>Home</a><li>About</ul>").len(), 2);
        assert!(kept("").is_empty());
    }
}
