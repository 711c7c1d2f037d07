//! Where shared text is kept and where it is stripped, decided over the whole corpus.
//!
//! Frequent text inside a page's article is content, not chrome: in a run of more than
//! [`CROSS_SITE_MAX_WORDS`] words (the docs of a method many types implement), each line stays
//! in one page and is a later copy elsewhere; shorter runs (a label above a link list) and
//! what the site stamps on nearly every page stay chrome. A reused block, and such a line, is
//! kept by the holder where it is most the page's own text: inside its article, as its own
//! headline, in the page that holds the fewest shared blocks (a chapter rather than the
//! whole-book page that prints every chapter), then the first by path. An own headline is
//! never stripped. With `--strip-reused auto`, a document that the later copies would leave with
//! under `--stub-share` of its words keeps them.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::clusters::ClusterOf;
use super::spans::{bytes_inside, lines_covered, words_left, Bytes, LineSpan, Lines};
use super::texts::{line_spans, line_words, WantedRanges};
use crate::config::StripReused;
use crate::corpus::Boilerplate;
use crate::detect::templates::{Finalized, Hit, CROSS_SITE_MAX_WORDS};
use crate::report::SharedTextCounts;
use crate::scan::context::Ctx;
use crate::scan::state::Snapshot;

/// What the annotations strip of the text documents share.
pub(super) struct SharedSpans {
    /// Later copies to strip (`reused` spans), per document.
    pub reused: HashMap<u32, Vec<LineSpan>>,
    /// Indexes (sorted) of the template hits of each document that are content there and stay.
    pub content: HashMap<u32, Vec<u32>>,
    /// How many documents each rule touched.
    pub counts: SharedTextCounts,
}

/// A run of frequent text inside a page's article: consecutive template lines (boilerplate
/// lines between them do not break it) that the page's structure puts in its main block.
struct FrequentRun {
    span: LineSpan,
    words: u32,
    /// Indexes of the document's hits inside it.
    hits: Vec<u32>,
    /// Whether the site stamps each of its template units on nearly every page: chrome after
    /// all.
    stamped: bool,
}

/// One document holding a block of shared text, and how it holds it.
#[derive(Clone, Copy)]
struct Holder {
    doc: u32,
    span: LineSpan,
    /// Whether its structure puts the occurrence outside its article (a link list, a menu).
    outside_article: bool,
    /// Whether the occurrence is the document's own headline (at its top, or the headline the
    /// template stage found heading its article).
    own_headline: bool,
}

/// A holder of a run's unit, by the unit's key.
struct RunUnit {
    key: u64,
    holder: Holder,
}

/// A later copy to strip: a run whose lines are known, or a block known by its bytes.
enum Later {
    Span(LineSpan),
    Bytes(LineSpan),
}

/// The later copies of each document.
type WantedSpans = BTreeMap<u32, Vec<Later>>;

/// The frequent content of the corpus: which template hits stay where they are content, and
/// the units of those runs in kept documents.
struct FrequentContent {
    /// Indexes (sorted) of each document's hits in its runs.
    content: HashMap<u32, Vec<u32>>,
    /// The units of the runs of kept documents.
    units: Vec<RunUnit>,
}

/// Whether the byte range `bytes` lies inside one of a page's boilerplate runs.
fn in_boilerplate(runs: &[Boilerplate], bytes: Bytes) -> bool {
    runs.iter().any(|b| bytes_inside(b.bytes, bytes))
}

/// Whether every line from `first` to `last` lies in a boilerplate run (true when empty).
fn lines_in_boilerplate(runs: &[Boilerplate], first: u32, last: u32) -> bool {
    lines_covered(runs.iter().map(|b| b.lines), first, last)
}

/// How a holder ranks for keeping its shared text (smallest first): inside its article, as its
/// own headline, holding the fewest shared blocks, first by path.
fn preference(h: &Holder, blocks_held: &[u32]) -> (bool, bool, u32, u32) {
    (
        h.outside_article,
        !h.own_headline,
        blocks_held[h.doc as usize],
        h.doc,
    )
}

/// Where shared text is kept and where it is stripped (see the module docs).
pub(super) fn shared_spans(
    ctx: &Ctx,
    snap: &Snapshot,
    templates: &Finalized,
    cluster_of: &ClusterOf,
) -> SharedSpans {
    let mut counts = SharedTextCounts::default();
    let FrequentContent { content, units } = frequent_content(ctx, snap, templates, cluster_of);
    counts.frequent_content_documents = content.len() as u64;
    let blocks_held = blocks_held(ctx.metas.len(), templates);
    let mut later: WantedSpans = BTreeMap::new();
    counts.frequent_content_kept_once = keep_runs_once(units, &blocks_held, &mut later);
    counts.own_headlines_kept =
        keep_reused_once(snap, templates, cluster_of, &blocks_held, &mut later);
    let reused = match ctx.cfg.blocks.strip_reused {
        StripReused::Never => HashMap::default(),
        StripReused::Always => later_spans(ctx, &later),
        StripReused::Auto => {
            let mut spans = later_spans(ctx, &later);
            let whole = stubs(ctx, snap, templates, &content, &spans);
            counts.kept_whole = whole.len() as u64;
            for d in whole {
                spans.remove(&d);
            }
            spans
        }
    };
    SharedSpans {
        reused,
        content,
        counts,
    }
}

/// The frequent runs inside every document's article: their hits stay as content, and their
/// units in kept documents compete for the one copy that stays.
fn frequent_content(
    ctx: &Ctx,
    snap: &Snapshot,
    templates: &Finalized,
    cluster_of: &ClusterOf,
) -> FrequentContent {
    let mut content: HashMap<u32, Vec<u32>> = HashMap::default();
    let mut units: Vec<RunUnit> = Vec::new();
    let per_doc: Vec<Vec<FrequentRun>> = (0..ctx.metas.len())
        .into_par_iter()
        .map(|d| frequent_runs(snap, templates, d, ctx.metas[d].site))
        .collect();
    for (d, runs) in per_doc.into_iter().enumerate() {
        if runs.is_empty() {
            continue;
        }
        let d = d as u32;
        let mut hits: Vec<u32> = Vec::new();
        for r in runs {
            hits.extend(&r.hits);
            for &i in r.hits.iter().filter(|_| cluster_of.is_kept(d)) {
                let h = &snap.hits[d as usize][i as usize];
                let holder = Holder {
                    doc: d,
                    span: LineSpan::new(h.lines, h.bytes),
                    outside_article: false,
                    own_headline: false,
                };
                units.push(RunUnit { key: h.key, holder });
            }
        }
        hits.sort_unstable();
        content.insert(d, hits);
    }
    FrequentContent { content, units }
}

/// How many shared blocks each document holds: a page that prints many others (a whole-book
/// print page, an index of excerpts) holds far more than any one of them.
fn blocks_held(documents: usize, templates: &Finalized) -> Vec<u32> {
    let mut held = vec![0u32; documents];
    for r in &templates.reused {
        for &d in &r.documents {
            held[d as usize] += 1;
        }
    }
    held
}

/// Each unit of a frequent run stays with its preferred holder and is a later copy in the
/// others; the number of documents keeping some unit.
fn keep_runs_once(mut units: Vec<RunUnit>, blocks_held: &[u32], later: &mut WantedSpans) -> u64 {
    units.sort_by_key(|u| (u.key, preference(&u.holder, blocks_held)));
    let mut keepers: Vec<u32> = Vec::new();
    for group in units.chunk_by(|a, b| a.key == b.key) {
        keepers.push(group[0].holder.doc);
        for u in &group[1..] {
            let h = &u.holder;
            later.entry(h.doc).or_default().push(Later::Span(h.span));
        }
    }
    keepers.sort_unstable();
    keepers.dedup();
    keepers.len() as u64
}

/// Each reused block stays with its preferred holder among kept documents and is a later copy
/// in the others, except where it is a document's own headline; the number of documents whose
/// own headline stays where the first by path would have kept it.
fn keep_reused_once(
    snap: &Snapshot,
    templates: &Finalized,
    cluster_of: &ClusterOf,
    blocks_held: &[u32],
    later: &mut WantedSpans,
) -> u64 {
    let mut protected: Vec<u32> = Vec::new();
    for r in &templates.reused {
        let mut holders: Vec<Holder> = r
            .documents
            .iter()
            .copied()
            .filter(|&d| cluster_of.is_kept(d))
            .filter_map(|d| reused_holder(snap, templates, d, r.key))
            .collect();
        let first_by_path = holders.iter().map(|h| h.doc).min();
        holders.sort_by_key(|h| preference(h, blocks_held));
        for (i, h) in holders.iter().enumerate() {
            if h.own_headline {
                if Some(h.doc) != first_by_path {
                    protected.push(h.doc); // the first by path would have kept it
                }
            } else if i > 0 {
                later.entry(h.doc).or_default().push(Later::Bytes(h.span));
            }
        }
    }
    protected.sort_unstable();
    protected.dedup();
    protected.len() as u64
}

impl FrequentRun {
    /// A run of one watched line, `template` or not (then it only joins what stands around it).
    fn start(i: usize, h: &Hit, template: bool, stamped: bool) -> FrequentRun {
        FrequentRun {
            span: LineSpan::new(h.lines, h.bytes),
            words: if template { h.words } else { 0 },
            hits: if template { vec![i as u32] } else { Vec::new() },
            stamped,
        }
    }

    /// Whether hit `h` continues the run: it starts by the run's next line, or only
    /// boilerplate lines stand between them.
    fn joined_by(&self, h: &Hit, runs: &[Boilerplate]) -> bool {
        h.lines.0 <= self.span.end_line + 1
            || lines_in_boilerplate(runs, self.span.end_line + 1, h.lines.0 - 1)
    }

    /// Adds hit `i`: a unit not inside the run's last one adds its lines, and its words when
    /// it is `template` (then it is among the run's hits too).
    fn add(&mut self, i: usize, h: &Hit, template: bool, stamped: bool) {
        if template {
            self.hits.push(i as u32);
        }
        if h.lines.1 > self.span.end_line {
            self.span.end_line = h.lines.1;
            self.span.end_byte = self.span.end_byte.max(h.bytes.1);
            if template {
                self.words += h.words;
            }
        }
        self.stamped &= stamped;
    }

    /// Whether its template lines make a passage of more than [`CROSS_SITE_MAX_WORDS`] words:
    /// shared text, kept once. Fewer (a label, a dateline inside a news story) are chrome.
    fn is_passage(&self) -> bool {
        self.words > CROSS_SITE_MAX_WORDS
    }
}

/// The runs of frequent text inside the article of document `d`: its template occurrences
/// that the page's structure does not put in a boilerplate run, joined across watched lines
/// that are no template (a reference page's "Source" link and `§` anchor between one
/// method's shared docs and the next: frequent, but standing in too many places to be
/// template) and across boilerplate, broken by a line of the page's own. Only template
/// lines count toward a run's words, so a dateline beside a frequent headline stays a short
/// run. Only a page whose structure was read (an HTML page with boilerplate runs) has an
/// article to tell chrome from content by; short boilerplate shared by several sites ("Share
/// this article") stays chrome everywhere, and so does a run whose every template unit the
/// site stamps on nearly every page.
fn frequent_runs(snap: &Snapshot, templates: &Finalized, d: usize, site: u32) -> Vec<FrequentRun> {
    let runs = &snap.boilerplate[d];
    if runs.is_empty() {
        return Vec::new();
    }
    let hits = &snap.hits[d];
    let set = &templates.set;
    let mut inside: Vec<(usize, &Hit)> = hits
        .iter()
        .enumerate()
        .filter(|(_, h)| !set.everywhere.contains(&h.key) && !in_boilerplate(runs, h.bytes))
        .collect();
    inside.sort_by_key(|(i, h)| (h.lines.0, std::cmp::Reverse(h.lines.1), *i));
    let mut out: Vec<FrequentRun> = Vec::new();
    for (i, h) in inside {
        let template = set.is_template(d as u32, site, h.key);
        let stamped = !template || set.stamped.contains(&(site, h.key));
        match out.last_mut() {
            Some(r) if r.joined_by(h, runs) => r.add(i, h, template, stamped),
            _ => out.push(FrequentRun::start(i, h, template, stamped)),
        }
    }
    out.retain(|r| !r.stamped && r.is_passage());
    out
}

/// How document `d` holds the reused block `key`, when its occurrence can be found.
fn reused_holder(snap: &Snapshot, templates: &Finalized, d: u32, key: u64) -> Option<Holder> {
    let runs = &snap.boilerplate[d as usize];
    let hit = snap.hits[d as usize].iter().find(|h| h.key == key);
    let bytes = hit.map(|h| h.bytes).or_else(|| {
        snap.shared[d as usize]
            .iter()
            .find(|b| b.key == key)
            .map(|b| (b.start_byte, b.end_byte))
    })?;
    (bytes.0 < bytes.1).then(|| Holder {
        doc: d,
        span: LineSpan::new((0, 0), bytes),
        outside_article: in_boilerplate(runs, bytes),
        own_headline: hit.is_some_and(|h| {
            (h.at_top || templates.set.own_headlines.contains(&(d, key)))
                && !in_boilerplate(runs, bytes)
        }),
    })
}

/// The line spans of the later copies: runs as they are, blocks with their lines found from
/// the documents' records (or their texts read again).
fn later_spans(ctx: &Ctx, later: &WantedSpans) -> HashMap<u32, Vec<LineSpan>> {
    let mut by_doc: HashMap<u32, Vec<LineSpan>> = HashMap::default();
    let mut wanted: WantedRanges = BTreeMap::new();
    for (&d, spans) in later {
        for s in spans {
            match s {
                Later::Span(span) => by_doc.entry(d).or_default().push(*span),
                Later::Bytes(span) => wanted
                    .entry(d)
                    .or_default()
                    .push((span.start_byte, span.end_byte)),
            }
        }
    }
    for ((d, _), span) in line_spans(ctx, &wanted) {
        by_doc.entry(d).or_default().push(span);
    }
    by_doc
}

/// The documents that their later copies would leave with under `--stub-share` of their words
/// (counted outside the template, repeated and boilerplate lines they lose anyway): they keep
/// them, whole rather than a stub.
fn stubs(
    ctx: &Ctx,
    snap: &Snapshot,
    templates: &Finalized,
    content: &HashMap<u32, Vec<u32>>,
    later: &HashMap<u32, Vec<LineSpan>>,
) -> Vec<u32> {
    let wanted: WantedRanges = later.keys().map(|&d| (d, vec![(0, 0)])).collect();
    let words = line_words(ctx, &wanted);
    let share = ctx.cfg.blocks.stub_share;
    let mut whole: Vec<u32> = later
        .iter()
        .filter_map(|(&d, spans)| {
            let lines = words.get(&d)?;
            let gone = lines_lost_anyway(ctx, snap, templates, content, d);
            let copies: Vec<Lines> = spans.iter().map(|s| s.lines()).collect();
            let words = words_left(lines, &gone, &copies);
            ((words.left as f64) < share * words.own as f64).then_some(d)
        })
        .collect();
    whole.sort_unstable();
    whole
}

/// The lines document `d` loses whatever its later copies: its template lines (less those
/// that are content there), its repeated blocks and its boilerplate runs.
fn lines_lost_anyway(
    ctx: &Ctx,
    snap: &Snapshot,
    templates: &Finalized,
    content: &HashMap<u32, Vec<u32>>,
    d: u32,
) -> Vec<Lines> {
    let site = ctx.metas[d as usize].site;
    let kept_hits = content.get(&d).map_or(&[][..], |v| v.as_slice());
    let mut gone: Vec<Lines> = snap.hits[d as usize]
        .iter()
        .enumerate()
        .filter(|(i, h)| {
            templates.set.is_template(d, site, h.key)
                && kept_hits.binary_search(&(*i as u32)).is_err()
        })
        .map(|(_, h)| h.lines)
        .collect();
    gone.extend(snap.repeats[d as usize].iter().map(|r| r.lines));
    gone.extend(snap.boilerplate[d as usize].iter().map(|b| b.lines));
    gone
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::BoilerplateReason;
    use crate::detect::units::{Context, Region};

    fn hit(lines: Lines, bytes: Bytes, words: u32) -> Hit {
        Hit {
            key: 1,
            is_block: false,
            whole_block: true,
            lines,
            bytes,
            region: Region::Body,
            at_top: false,
            heads_text: false,
            context: Context::default(),
            words,
        }
    }

    fn menu(lines: Lines, bytes: Bytes) -> Boilerplate {
        Boilerplate {
            lines,
            bytes,
            reason: BoilerplateReason::Navigation,
        }
    }

    #[test]
    fn boilerplate_holds_a_range_inside_one_run_and_covers_gaps() {
        let runs = [menu((1, 2), (0, 20)), menu((3, 4), (21, 40))];
        assert!(in_boilerplate(&runs, (5, 20)));
        assert!(
            !in_boilerplate(&runs, (15, 25)),
            "across two runs is inside neither"
        );
        assert!(
            lines_in_boilerplate(&runs, 2, 4),
            "adjacent runs cover the gap"
        );
        assert!(!lines_in_boilerplate(&runs, 4, 5));
        assert!(lines_in_boilerplate(&[], 6, 5), "no line between");
    }

    #[test]
    fn a_run_goes_on_across_boilerplate_and_counts_only_new_lines() {
        let runs = [menu((4, 5), (30, 50))];
        let mut run = FrequentRun::start(0, &hit((1, 3), (0, 29), 10), true, false);
        assert!(
            run.joined_by(&hit((4, 4), (30, 40), 2), &runs),
            "the next line"
        );
        assert!(
            run.joined_by(&hit((6, 6), (51, 60), 5), &runs),
            "past boilerplate only"
        );
        assert!(
            !run.joined_by(&hit((7, 7), (61, 70), 5), &runs),
            "past a line of text"
        );
        run.add(1, &hit((2, 2), (10, 20), 4), true, false);
        assert_eq!(
            (run.span.end_line, run.words),
            (3, 10),
            "a unit inside adds nothing"
        );
        run.add(2, &hit((6, 7), (51, 70), 5), true, true);
        assert_eq!(run.span, LineSpan::new((1, 7), (0, 70)));
        assert_eq!((run.words, run.hits.clone()), (15, vec![0, 1, 2]));
        assert!(!run.stamped, "stamped only when every unit is");
        assert!(run.is_passage(), "15 words: a passage of its own");
        // a watched line that is no template joins the run but adds no words and no hit
        run.add(3, &hit((8, 8), (71, 80), 3), false, true);
        assert_eq!((run.span.end_line, run.words), (8, 15));
        assert_eq!(run.hits, vec![0, 1, 2]);
        let mut dateline = FrequentRun::start(4, &hit((9, 9), (81, 90), 7), true, false);
        dateline.add(5, &hit((10, 10), (91, 99), 9), false, true);
        assert!(
            !dateline.is_passage(),
            "a dateline beside a frequent headline is short"
        );
    }

    #[test]
    fn holders_rank_article_then_headline_then_fewest_blocks_then_path() {
        let holder = |doc, outside_article, own_headline| Holder {
            doc,
            span: LineSpan::new((0, 0), (0, 1)),
            outside_article,
            own_headline,
        };
        let held = [0, 5, 1, 0];
        let mut holders = [
            holder(3, true, false),
            holder(2, false, false),
            holder(1, false, false),
            holder(0, false, true),
        ];
        holders.sort_by_key(|h| preference(h, &held));
        let order: Vec<u32> = holders.iter().map(|h| h.doc).collect();
        assert_eq!(order, vec![0, 2, 1, 3]);
        let mut later = WantedSpans::new();
        let unit = |key, doc| RunUnit {
            key,
            holder: holder(doc, false, false),
        };
        let units = vec![unit(7, 2), unit(7, 1), unit(8, 1), unit(9, 3)];
        assert_eq!(
            keep_runs_once(units, &held, &mut later),
            3,
            "docs 1, 2 and 3 keep units"
        );
        let docs: Vec<u32> = later.keys().copied().collect();
        assert_eq!(docs, vec![1], "unit 7 stays in doc 2, holding fewer blocks");
    }
}
