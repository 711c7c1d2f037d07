//! Template blocks: lines and paragraphs that a site stamps on many of its otherwise different
//! pages, and blocks reused across different documents below that threshold.
//!
//! Counting runs in two rounds. Round one counts, per site, how many documents hold each unit
//! (see [`super::units`]); units held by at least `--template-min-docs` documents are
//! *candidates*, left out of the near-duplicate shingles. Round two, after near-duplicate
//! clustering, counts clusters instead of documents: copies of one story (the same article
//! republished on three pages of a site, or syndicated) count once, so their paragraphs fall back
//! below the threshold and stay content.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::per_doc::PerDoc;
use super::units::{Context, Region};

/// Most words a unit may have to count as template across sites (see [`finalize`]).
pub const CROSS_SITE_MAX_WORDS: u32 = 12;

/// Share of the clusters holding a unit on a site that must agree on one feature of their
/// [`Context`] (same line before, same line after, same distance from top or bottom) for the
/// unit to be that site's template. A cluster agrees when any of its occurrences has the
/// value: a section name that a page carries in three menus stands in the same place in one of
/// them on every page.
pub const MIN_CONTEXT_AGREEMENT: f64 = 0.5;

/// Share of a site's clusters that hold a unit on nearly every page of the site (see
/// [`on_nearly_every_page`]).
pub const NEARLY_EVERY_PAGE: f64 = 0.8;

/// Whether a site stamps the unit on nearly every one of its pages ([`NEARLY_EVERY_PAGE`] of
/// its `site_clusters` clusters, and the site has at least twice `min_docs` of them), which
/// makes it template wherever it stands: "Expand full story" or "___" under the last paragraph
/// of every article, "Feature Articles" under a list of the day's headlines, stand after text
/// that differs on every page and before one of several blocks. A label that most pages hold
/// inside a table of figures ("Year" on a site of earnings reports) is still judged by its
/// neighbours. `occurrences` are (cluster, context), sorted by cluster.
fn on_nearly_every_page(
    occurrences: &[(u32, Context)],
    site_clusters: u32,
    min_docs: usize,
) -> bool {
    let clusters: Vec<&[(u32, Context)]> = occurrences.chunk_by(|a, b| a.0 == b.0).collect();
    let in_table = clusters
        .iter()
        .filter(|c| c.iter().all(|o| o.1.in_table))
        .count();
    site_clusters as usize >= 2 * min_docs
        && clusters.len() as f64 >= NEARLY_EVERY_PAGE * site_clusters as f64
        && in_table * 2 < clusters.len()
}

/// Whether the clusters holding a unit agree on where it stands (see
/// [`MIN_CONTEXT_AGREEMENT`]). `occurrences` are (cluster, context), sorted by cluster.
///
/// A unit that most clusters hold only inside tables of figures ([`Context::in_table`])
/// agrees only through the lines beside it, and only when two or more clusters share them,
/// never through its distance from the top or the bottom: a label of an earnings table
/// ("Year", "12 mths") stands at the same line of every such story of a site, but between
/// other figures in each, while the items of a site's widgets ("7 Days" between "24 Hrs" and
/// "30 Days", "Read" between two numbered "Most read" lists) have the same neighbours on every
/// page. A row of figures itself ([`Context::figures`]) inside a table never agrees: the same
/// figures between the same figures are a copied table, not a widget.
fn consistent_context(occurrences: &[(u32, Context)]) -> bool {
    let clusters: Vec<&[(u32, Context)]> = occurrences.chunk_by(|a, b| a.0 == b.0).collect();
    let n = clusters.len();
    if n == 0 {
        return false;
    }
    let in_table = clusters
        .iter()
        .filter(|c| c.iter().all(|o| o.1.in_table))
        .count();
    let mut need = (MIN_CONTEXT_AGREEMENT * n as f64).ceil() as usize;
    let mut features = 0..4;
    if in_table * 2 >= n {
        if occurrences.iter().any(|o| o.1.figures) {
            return false;
        }
        need = need.max(2);
        features = 0..2;
    }
    let mut values: Vec<u64> = Vec::with_capacity(occurrences.len());
    let mut of_cluster: Vec<u64> = Vec::new();
    features.into_iter().any(|f| {
        values.clear();
        for c in &clusters {
            of_cluster.clear();
            of_cluster.extend(c.iter().map(|o| o.1.features()[f].1));
            of_cluster.sort_unstable();
            of_cluster.dedup();
            values.extend_from_slice(&of_cluster);
        }
        values.sort_unstable();
        values.chunk_by(|a, b| a == b).any(|run| run.len() >= need)
    })
}

/// A headline heads its article when a line of at least [`HEADLINE_TEXT_WORDS`] words that is
/// not a template candidate (a paragraph of the article) follows it within this many
/// non-blank lines; the lines between are the date, the byline, share buttons, a subtitle, a
/// photo with its caption and credit, a box of tags or related links.
pub const HEADLINE_TEXT_LINES: usize = 15;

/// Words of the line of body text that shows that a headline heads its article (one sentence
/// of prose; teasers in link lists are shorter, or recur with their headline).
pub const HEADLINE_TEXT_WORDS: u32 = 20;

/// Fewest words of a line that [`Hit::heads_text`] makes a headline: a headline names its
/// story in a phrase, where a line of one or two words above a page's text is a section name
/// or a label ("Investing", "Full Coverage").
pub const HEADLINE_MIN_WORDS: u32 = 3;

/// For each line of a document, whether body text follows it: a line of at least
/// [`HEADLINE_TEXT_WORDS`] words that is no template candidate, within the next
/// [`HEADLINE_TEXT_LINES`] lines. `words[i]` are the words of line `i`, `candidate[i]` whether
/// it lies in a candidate unit of the document's site. (Hard-wrapped text has no line that
/// long; there a headline is told by standing at the top, [`Hit::at_top`].)
pub fn text_follows(words: &[u32], candidate: &[bool]) -> Vec<bool> {
    let mut follows = vec![false; words.len()];
    let mut next_text = usize::MAX;
    for i in (0..words.len()).rev() {
        follows[i] = next_text - i <= HEADLINE_TEXT_LINES;
        if words[i] >= HEADLINE_TEXT_WORDS && !candidate[i] {
            next_text = i;
        }
    }
    follows
}

/// Documents holding each unit, per site and over the whole corpus (round one).
///
/// Most lines of a corpus occur once. A Bloom filter remembers the keys seen once, in about one
/// byte per distinct unit, and only a key seen a second time gets an exact counter, so memory
/// grows with the units that repeat (templates, copies), not with every line of the corpus. A
/// false positive of the filter starts a counter one too high; round two counts exactly from
/// the occurrences, so it only costs a little extra tracking.
#[derive(Debug, Clone)]
pub struct UnitCounts {
    per_site: HashMap<u64, u32>,
    global: HashMap<u64, u32>,
    seen_once: Bloom,
}

/// The key of a unit on a site.
#[inline]
fn site_key(site: u32, key: u64) -> u64 {
    (key ^ (site as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)).rotate_left(17)
}

impl UnitCounts {
    /// Counters sized for about `expected_units` distinct units (a guess from the corpus size;
    /// more only raises the filter's false-positive rate).
    pub fn with_expected_units(expected_units: u64) -> UnitCounts {
        UnitCounts {
            per_site: HashMap::default(),
            global: HashMap::default(),
            seen_once: Bloom::new(expected_units.saturating_mul(2)),
        }
    }

    /// Counts one document of `site` holding the units `keys` (each distinct key once).
    pub fn add_document(&mut self, site: u32, keys: &[u64]) {
        let mut seen: Vec<u64> = keys.to_vec();
        seen.sort_unstable();
        seen.dedup();
        for key in seen {
            bump(&mut self.per_site, &mut self.seen_once, site_key(site, key));
            bump(&mut self.global, &mut self.seen_once, key);
        }
    }

    /// Units worth tracking in round two: template candidates (per site) and units held by two
    /// or more documents anywhere (possible reused blocks).
    pub fn watch_list(&self, min_docs: usize) -> WatchList {
        let candidates = self
            .per_site
            .iter()
            .filter(|(_, &n)| n as usize >= min_docs)
            .map(|(&k, &n)| (k, n))
            .collect();
        let shared = self.global.keys().copied().collect();
        WatchList {
            candidates,
            shared,
            min_docs,
            floor: min_docs,
        }
    }
}

/// Adds one to `key`'s counter, creating it (at two) only when the filter has seen the key.
fn bump(counts: &mut HashMap<u64, u32>, seen_once: &mut Bloom, key: u64) {
    if let Some(n) = counts.get_mut(&key) {
        *n += 1;
    } else if seen_once.insert(key) {
        counts.insert(key, 2);
    }
}

/// A Bloom filter of 64-bit keys with three probes.
#[derive(Debug, Clone)]
struct Bloom {
    bits: Vec<u64>,
}

impl Bloom {
    /// A filter with about eight bits per expected key (a false-positive rate near 3%), of at
    /// most 1 GiB: the expectation comes from file sizes, which a sparse or mislabelled file
    /// can make absurd (a 4 TB file asked for 256 GB and aborted the scan).
    fn new(expected: u64) -> Bloom {
        let words = (expected.clamp(1 << 16, 1 << 30) * 8 / 64).next_power_of_two() as usize;
        Bloom {
            bits: vec![0; words],
        }
    }

    /// Sets `key`'s bits; returns whether they were all set already (seen before).
    fn insert(&mut self, key: u64) -> bool {
        let mask = (self.bits.len() * 64 - 1) as u64;
        let mut h = key;
        let mut present = true;
        for _ in 0..3 {
            h = h.wrapping_mul(0xff51_afd7_ed55_8ccd).rotate_left(29) ^ (h >> 31);
            let bit = h & mask;
            let (w, b) = ((bit / 64) as usize, bit % 64);
            present &= self.bits[w] >> b & 1 == 1;
            self.bits[w] |= 1 << b;
        }
        present
    }
}

/// The units round two looks at.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct WatchList {
    /// Documents of a site holding each candidate (site and unit combined).
    candidates: HashMap<u64, u32>,
    shared: HashSet<u64>,
    /// Documents that make a candidate now.
    min_docs: usize,
    /// The `min_docs` the candidates were collected with: occurrences of every unit at or above
    /// it were recorded, so any `min_docs` at or above it can be used.
    floor: usize,
}

impl WatchList {
    /// Whether `key` may be template on `site` (it is left out of the shingles).
    pub fn is_candidate(&self, site: u32, key: u64) -> bool {
        self.is_candidate_at(site, key, self.min_docs)
    }

    /// Whether `key` would be a candidate on `site` with `min_docs`.
    pub fn is_candidate_at(&self, site: u32, key: u64, min_docs: usize) -> bool {
        self.candidates
            .get(&site_key(site, key))
            .is_some_and(|&n| n as usize >= min_docs)
    }

    /// The same list with another `min_docs`, if the recorded occurrences allow it (not below
    /// the one they were collected with).
    pub fn with_min_docs(&self, min_docs: usize) -> Option<WatchList> {
        (min_docs >= self.floor).then(|| WatchList {
            min_docs,
            ..self.clone()
        })
    }

    /// Documents of `site` holding `key`, when it is a candidate at the floor (else 0).
    pub fn documents(&self, site: u32, key: u64) -> usize {
        self.candidates
            .get(&site_key(site, key))
            .map_or(0, |&n| n as usize)
    }

    /// The `min_docs` that makes a candidate now.
    pub fn min_docs(&self) -> usize {
        self.min_docs
    }

    /// The `min_docs` the candidates were collected with.
    pub fn floor(&self) -> usize {
        self.floor
    }

    /// Whether `key` is held by two or more documents anywhere.
    pub fn is_shared(&self, key: u64) -> bool {
        self.shared.contains(&key)
    }
}

/// A whole block, held by two or more documents of the corpus and too long to be cross-site
/// boilerplate, kept from round two for the reuse report: 24 bytes, where a [`Hit`] is larger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedBlock {
    /// The block's key.
    pub key: u64,
    /// Its words.
    pub words: u32,
    /// Byte offset of its start.
    pub start_byte: u32,
    /// Byte offset just past its end.
    pub end_byte: u32,
}

/// Blocks reused by documents of two or more clusters, where they are not template: whole
/// blocks among the short hits, and the long shared blocks.
pub fn reused_blocks(
    hits: &PerDoc<Hit>,
    shared: &PerDoc<SharedBlock>,
    site: &[u32],
    cluster: &[u32],
    set: &TemplateSet,
    watch: &WatchList,
    reuse_min_words: usize,
) -> Vec<ReusedBlock> {
    // (key, cluster, document, words)
    let mut rows: Vec<(u64, u32, u32, u32)> = Vec::new();
    for (d, doc_hits) in hits.iter().enumerate() {
        for h in doc_hits {
            if h.whole_block && h.words <= CROSS_SITE_MAX_WORDS && watch.is_shared(h.key) {
                rows.push((h.key, cluster[d], d as u32, h.words));
            }
        }
    }
    for (d, blocks) in shared.iter().enumerate() {
        rows.extend(
            blocks
                .iter()
                .map(|b| (b.key, cluster[d], d as u32, b.words)),
        );
    }
    rows.sort_unstable();
    let mut reused = Vec::new();
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        let (key, words) = (group[0].0, group[0].3);
        if set.everywhere.contains(&key) || (words as usize) < reuse_min_words {
            continue;
        }
        let live: Vec<&(u64, u32, u32, u32)> = group
            .iter()
            .filter(|r| !set.on_site.contains(&(site[r.2 as usize], key)))
            .collect();
        let mut clusters: Vec<u32> = live.iter().map(|r| r.1).collect();
        clusters.sort_unstable();
        clusters.dedup();
        if clusters.len() < 2 {
            continue;
        }
        let mut documents: Vec<u32> = live.iter().map(|r| r.2).collect();
        documents.sort_unstable();
        documents.dedup();
        reused.push(ReusedBlock {
            key,
            documents,
            clusters: clusters.len() as u32,
            words,
        });
    }
    reused.sort_unstable_by(|a, b| {
        b.clusters
            .cmp(&a.clusters)
            .then(a.documents.cmp(&b.documents))
            .then(a.key.cmp(&b.key))
    });
    reused
}

/// One occurrence of a watched unit in a document, kept from round two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    /// The unit's key.
    pub key: u64,
    /// Whether the unit is a whole multi-line block (else a line).
    pub is_block: bool,
    /// Whether the unit is a whole block (one line or several): reused-block reports use these.
    pub whole_block: bool,
    /// 1-based first and last line.
    pub lines: (u32, u32),
    /// Byte range in the document text.
    pub bytes: (u32, u32),
    /// Where it sits.
    pub region: Region,
    /// Whether it stands among the first three lines.
    pub at_top: bool,
    /// Whether body text follows it closely (see [`text_follows`]): where a headline stands
    /// in the article it heads, and a link-list entry does not.
    pub heads_text: bool,
    /// Its surroundings.
    pub context: Context,
    /// Words.
    pub words: u32,
}

/// What round two decided for a unit.
#[derive(Debug, Clone)]
pub struct TemplateUnit {
    /// The unit's key.
    pub key: u64,
    /// Sites holding it, with the occurrences marked there.
    pub sites: Vec<(u32, u32)>,
    /// Distinct clusters holding it over the corpus.
    pub documents: u32,
    /// Occurrences marked as template.
    pub occurrences: u32,
    /// Where it usually sits.
    pub region: Region,
    /// Smallest document indexes holding it (for examples).
    pub examples: Vec<u32>,
    /// Words.
    pub words: u32,
}

/// A block reused by several different documents below the template threshold.
#[derive(Debug, Clone)]
pub struct ReusedBlock {
    /// The unit's key.
    pub key: u64,
    /// Documents holding it, sorted.
    pub documents: Vec<u32>,
    /// Distinct clusters among them.
    pub clusters: u32,
    /// Words.
    pub words: u32,
}

/// The final template decision.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct TemplateSet {
    /// Template `(site, key)` pairs.
    pub on_site: HashSet<(u32, u64)>,
    /// Keys template on every site (short boilerplate shared across sites).
    pub everywhere: HashSet<u64>,
    /// `(document, key)` occurrences that are a headline in its own article: content.
    pub own_headlines: HashSet<(u32, u64)>,
    /// Template `(site, key)` pairs the site stamps on nearly every page
    /// ([`on_nearly_every_page`]): chrome wherever it stands, even inside a page's article
    /// ("(Story continues below)"), where other template text inside an article is frequent
    /// content.
    #[serde(default)]
    pub stamped: HashSet<(u32, u64)>,
}

impl TemplateSet {
    /// Whether the occurrence of `key` in document `doc` of `site` is template.
    pub fn is_template(&self, doc: u32, site: u32, key: u64) -> bool {
        (self.on_site.contains(&(site, key)) || self.everywhere.contains(&key))
            && !self.own_headlines.contains(&(doc, key))
    }
}

/// The outcome of round two.
#[derive(Debug, Default)]
pub struct Finalized {
    /// What is template.
    pub set: TemplateSet,
    /// Template units, ordered by decreasing documents then key.
    pub units: Vec<TemplateUnit>,
    /// Reused blocks, ordered by decreasing documents then first document.
    pub reused: Vec<ReusedBlock>,
}

/// An occurrence: (key, site, cluster, document, index of the hit in the document).
type Row = (u64, u32, u32, u32, u32);

/// What round two decides for one unit.
struct Decision {
    key: u64,
    everywhere: bool,
    on_sites: Vec<u32>,
    /// Sites of `on_sites` that stamp it on nearly every page.
    stamped: Vec<u32>,
    /// Documents where the unit is their own headline.
    own_headlines: Vec<u32>,
    unit: Option<TemplateUnit>,
}

/// The documents where the unit is the headline of their own article, content there while
/// the other pages carry it in link lists. Its occurrences in fewer than `min_docs` clusters
/// head their page (stand at its top, or body text follows them closely, see
/// [`Hit::heads_text`]) — the article, and perhaps a follow-up that quotes it as a
/// subheading — and there the line after it is none of the lines that follow it elsewhere (a
/// link list goes on with the next headline; site chrome that happens to stand above one
/// page's text is followed by the same line as on every page). A line that heads text on
/// `min_docs` clusters or more is a label of the site ("Business" above every article).
/// Occurrences that fail `counts` take no part.
fn own_headlines(
    group: &[Row],
    hits: &PerDoc<Hit>,
    counts: impl Fn(&Row) -> bool,
    min_docs: usize,
) -> Vec<u32> {
    let hit = |r: &Row| &hits[r.3 as usize][r.4 as usize];
    let heads = |r: &Row| {
        let h = hit(r);
        counts(r) && (h.at_top || (h.heads_text && h.words >= HEADLINE_MIN_WORDS))
    };
    let mut heading_clusters: Vec<u32> = group.iter().filter(|r| heads(r)).map(|r| r.2).collect();
    heading_clusters.sort_unstable();
    heading_clusters.dedup();
    let heading_cluster = |r: &Row| heading_clusters.binary_search(&r.2).is_ok();
    let elsewhere: HashSet<u32> = group
        .iter()
        .filter(|r| counts(r) && !heading_cluster(r))
        .map(|r| hit(r).context.next)
        .collect();
    if heading_clusters.is_empty() || heading_clusters.len() >= min_docs || elsewhere.is_empty() {
        return Vec::new();
    }
    let heading: Vec<&Row> = group.iter().filter(|r| heads(r)).collect();
    if heading
        .iter()
        .any(|r| elsewhere.contains(&hit(r).context.next))
    {
        return Vec::new();
    }
    let mut docs: Vec<u32> = heading.iter().map(|r| r.3).collect();
    docs.sort_unstable();
    docs.dedup();
    docs
}

/// The decision for one unit from its occurrences (`group`, sorted by site then cluster);
/// `None` when it is not template anywhere.
fn decide(
    group: &[Row],
    hits: &PerDoc<Hit>,
    watch: &WatchList,
    min_docs: usize,
    site_clusters: &[u32],
) -> Option<Decision> {
    let hit = |r: &Row| &hits[r.3 as usize][r.4 as usize];
    let key = group[0].0;
    let words = hit(&group[0]).words;
    let short = words <= CROSS_SITE_MAX_WORDS;
    // Occurrences that take part in the template decision.
    let counts = |r: &&Row| short || watch.is_candidate(r.1, key);
    let mut clusters: Vec<u32> = group.iter().filter(counts).map(|r| r.2).collect();
    clusters.sort_unstable();
    clusters.dedup();
    let mut on_sites: Vec<u32> = Vec::new();
    let mut stamped: Vec<u32> = Vec::new();
    let mut consistent_sites = 0;
    let mut contexts: Vec<(u32, Context)> = Vec::new();
    for per_site in group.chunk_by(|a, b| a.1 == b.1) {
        let s = per_site[0].1;
        if !(short || watch.is_candidate(s, key)) {
            continue;
        }
        contexts.clear();
        contexts.extend(per_site.iter().map(|r| (r.2, hit(r).context)));
        let mut cl: Vec<u32> = per_site.iter().map(|r| r.2).collect();
        cl.dedup();
        let everywhere_here = on_nearly_every_page(&contexts, site_clusters[s as usize], min_docs);
        let consistent = everywhere_here || consistent_context(&contexts);
        consistent_sites += consistent as usize;
        if consistent && cl.len() >= min_docs && watch.is_candidate(s, key) {
            on_sites.push(s);
            if everywhere_here {
                stamped.push(s);
            }
        }
    }
    let everywhere = short && consistent_sites >= min_docs && clusters.len() >= min_docs;
    if !everywhere && on_sites.is_empty() {
        return None;
    }
    let is_template_site = |s: u32| everywhere || on_sites.binary_search(&s).is_ok();
    let own_headlines = own_headlines(group, hits, |r| counts(&r), min_docs);
    let mut occurrences = 0u32;
    let mut regions = [0u32; 3];
    let mut docs: Vec<u32> = Vec::new();
    let mut per_site: Vec<(u32, u32)> = Vec::new();
    for r in group.iter().filter(|r| is_template_site(r.1)) {
        let h = hit(r);
        if own_headlines.binary_search(&r.3).is_ok() {
            continue;
        }
        occurrences += 1;
        regions[h.region as usize] += 1;
        docs.push(r.3);
        match per_site.last_mut() {
            Some((s, n)) if *s == r.1 => *n += 1,
            _ => per_site.push((r.1, 1)),
        }
    }
    let unit = (occurrences > 0).then(|| {
        docs.sort_unstable();
        docs.dedup();
        docs.truncate(3);
        let region = [Region::Header, Region::Body, Region::Footer]
            .into_iter()
            .max_by_key(|r| (regions[*r as usize], std::cmp::Reverse(*r as usize)))
            .unwrap_or(Region::Body);
        TemplateUnit {
            key,
            sites: per_site,
            documents: clusters.len() as u32,
            occurrences,
            region,
            examples: docs,
            words,
        }
    });
    Some(Decision {
        key,
        everywhere,
        on_sites,
        stamped,
        own_headlines,
        unit,
    })
}

/// The number of distinct clusters among each site's documents, indexed by site. A cluster is
/// named by its smallest member (see [`finalize`]): it counts on that member's site, and on
/// each other site where it has members.
fn clusters_per_site(site: &[u32], cluster: &[u32]) -> Vec<u32> {
    let sites = site.iter().max().map_or(0, |&m| m as usize + 1);
    let mut counts = vec![0u32; sites];
    let mut elsewhere: HashSet<(u32, u32)> = HashSet::default();
    for (d, (&s, &c)) in site.iter().zip(cluster).enumerate() {
        let first_here =
            c as usize == d || (site.get(c as usize) != Some(&s) && elsewhere.insert((s, c)));
        counts[s as usize] += first_here as u32;
    }
    counts
}

/// Round two: decides templates counting each near-duplicate cluster once.
///
/// `hits[d]` are the watched occurrences of document `d`, `site[d]` its site, `cluster[d]` its
/// cluster (its own index when it has no duplicate). A unit is template on a site when at least
/// `min_docs` clusters of that site hold it in a consistent place (see [`Context`] and
/// [`consistent_context`]; labels inside tables of figures count only by their neighbours) or
/// on nearly every page of the site ([`on_nearly_every_page`]), and template
/// everywhere when it has at most [`CROSS_SITE_MAX_WORDS`] words and at least `min_docs` sites
/// (each holding it in a consistent place) and clusters hold it (short boilerplate such as
/// "Share this article"). A unit that heads its page (at the top, or above body text) in
/// fewer than `min_docs` clusters and stands elsewhere in others is those articles' headline
/// (see [`own_headlines`]): content there, template in the others' "related stories" lists.
/// Blocks of at least `reuse_min_words` words held by several clusters are listed as reused
/// when it is given.
pub fn finalize(
    hits: &PerDoc<Hit>,
    shared: &PerDoc<SharedBlock>,
    site: &[u32],
    cluster: &[u32],
    watch: &WatchList,
    min_docs: usize,
    reuse_min_words: Option<usize>,
) -> Finalized {
    // Every occurrence that can matter, sorted so that each unit's occurrences are together,
    // by site, then cluster: (key, site, cluster, document, index of the hit).
    // Filled in place with room for every hit: a parallel collect would hold each thread's
    // part and their concatenation at once, the largest transient of the whole scan.
    let mut rows: Vec<Row> = Vec::with_capacity(hits.total());
    for (d, doc_hits) in hits.iter().enumerate() {
        let (s, c) = (site[d], cluster[d]);
        rows.extend(doc_hits.iter().enumerate().filter_map(|(i, h)| {
            (h.words <= CROSS_SITE_MAX_WORDS || watch.is_candidate(s, h.key))
                .then_some((h.key, s, c, d as u32, i as u32))
        }));
    }
    rows.par_sort_unstable();
    let site_clusters = clusters_per_site(site, cluster);
    let decisions: Vec<Decision> = rows
        .par_chunk_by(|a, b| a.0 == b.0)
        .filter_map(|group| decide(group, hits, watch, min_docs, &site_clusters))
        .collect();
    let mut set = TemplateSet::default();
    let mut units = Vec::new();
    for d in decisions {
        if d.everywhere {
            set.everywhere.insert(d.key);
        }
        set.on_site.extend(d.on_sites.iter().map(|&s| (s, d.key)));
        set.stamped.extend(d.stamped.iter().map(|&s| (s, d.key)));
        set.own_headlines
            .extend(d.own_headlines.iter().map(|&doc| (doc, d.key)));
        units.extend(d.unit);
    }

    // Reused blocks are only reported, so the rounds that only need the template set skip them.
    let reused = match reuse_min_words {
        Some(words) => reused_blocks(hits, shared, site, cluster, &set, watch, words),
        None => Vec::new(),
    };

    // A paragraph whose every line is template on its own is reported through its lines.
    let set_ref = &set;
    units.retain(|u| {
        let d = u.examples[0];
        let (s, doc_hits) = (site[d as usize], &hits[d as usize]);
        let Some(h) = doc_hits.iter().find(|h| h.key == u.key && h.is_block) else {
            return true;
        };
        let covered = |line: u32| {
            doc_hits
                .iter()
                .any(|o| !o.is_block && o.lines.0 == line && set_ref.is_template(d, s, o.key))
        };
        !(h.lines.0..=h.lines.1).all(covered)
    });
    units.sort_unstable_by(|a, b| {
        b.documents
            .cmp(&a.documents)
            .then(a.examples.cmp(&b.examples))
            .then(a.key.cmp(&b.key))
    });

    Finalized { set, units, reused }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(key: u64, line: u32, at_top: bool) -> Hit {
        Hit {
            key,
            is_block: false,
            whole_block: true,
            lines: (line, line),
            bytes: (0, 1),
            region: if at_top {
                Region::Header
            } else {
                Region::Footer
            },
            at_top,
            heads_text: false,
            context: Context {
                prev: 0,
                next: 9,
                from_top: line as u16,
                from_bottom: 3,
                in_table: false,
                figures: false,
            },
            words: 20,
        }
    }

    /// [`finalize`] over lists given per document.
    fn finalize_lists(
        hits: &[Vec<Hit>],
        shared: &[Vec<SharedBlock>],
        site: &[u32],
        cluster: &[u32],
        watch: &WatchList,
        min_docs: usize,
        reuse_min_words: usize,
    ) -> Finalized {
        let hits: PerDoc<Hit> = hits.iter().cloned().collect();
        let shared: PerDoc<SharedBlock> = shared.iter().cloned().collect();
        finalize(
            &hits,
            &shared,
            site,
            cluster,
            watch,
            min_docs,
            Some(reuse_min_words),
        )
    }

    fn none(n: usize) -> Vec<Vec<SharedBlock>> {
        vec![Vec::new(); n]
    }

    fn watch(hits: &[Vec<Hit>], site: &[u32], min_docs: usize) -> WatchList {
        let mut counts = UnitCounts::with_expected_units(1000);
        for (d, h) in hits.iter().enumerate() {
            let keys: Vec<u64> = h.iter().map(|h| h.key).collect();
            counts.add_document(site[d], &keys);
        }
        counts.watch_list(min_docs)
    }

    #[test]
    fn copies_count_once() {
        // key 1: footer on 4 different pages; key 2: a story paragraph on 3 copies of one story.
        let hits = vec![
            vec![hit(1, 9, false), hit(2, 2, false)],
            vec![hit(1, 9, false), hit(2, 2, false)],
            vec![hit(1, 9, false), hit(2, 2, false)],
            vec![hit(1, 9, false)],
            vec![hit(1, 9, false)],
        ];
        let site = [0; 5];
        let w = watch(&hits, &site, 3);
        assert!(w.is_candidate(0, 2));
        let f = finalize_lists(&hits, &none(5), &site, &[0, 0, 0, 3, 4], &w, 3, 4);
        assert!(f.set.is_template(3, 0, 1));
        assert!(!f.set.is_template(0, 0, 2));
        assert_eq!(f.units.len(), 1);
        assert_eq!(f.units[0].documents, 3);
        assert_eq!(f.units[0].occurrences, 5);
        // with each page its own cluster, key 2 is template
        let f = finalize_lists(&hits, &none(5), &site, &[0, 1, 2, 3, 4], &w, 3, 4);
        assert!(f.set.is_template(0, 0, 2));
    }

    #[test]
    fn short_boilerplate_on_several_sites_is_template_everywhere() {
        // one page on each of three sites, "Share this article" (short) at the same place
        let mut short = hit(11, 30, false);
        short.words = 3;
        let hits = vec![
            vec![short.clone()],
            vec![short.clone()],
            vec![short],
            vec![],
        ];
        let site = [0, 1, 2, 3];
        let w = watch(&hits, &site, 3);
        let f = finalize_lists(&hits, &none(4), &site, &[0, 1, 2, 3], &w, 3, 4);
        assert!(f.set.everywhere.contains(&11));
        assert!(f.set.is_template(0, 0, 11) && f.set.is_template(2, 2, 11));
        assert_eq!(f.units[0].sites, vec![(0, 1), (1, 1), (2, 1)]);
        // a long paragraph on three sites is not (a quoted statement, say)
        let long = hit(12, 30, false);
        let hits = vec![vec![long.clone()], vec![long.clone()], vec![long]];
        let w = watch(&hits, &site[..3], 3);
        let f = finalize_lists(&hits, &none(3), &site[..3], &[0, 1, 2], &w, 3, 4);
        assert!(f.units.is_empty());
    }

    #[test]
    fn own_headline_is_content() {
        // at the top of its article, followed by the story; in the others' "Related" lists,
        // followed by the next headline
        let mut top = hit(7, 1, true);
        top.context.next = 5;
        let hits = vec![
            vec![top],
            vec![hit(7, 20, false)],
            vec![hit(7, 20, false)],
            vec![hit(7, 20, false)],
        ];
        let site = [0; 4];
        let w = watch(&hits, &site, 3);
        let f = finalize_lists(&hits, &none(4), &site, &[0, 1, 2, 3], &w, 3, 4);
        assert!(!f.set.is_template(0, 0, 7));
        assert!(f.set.is_template(1, 0, 7));
        assert_eq!(f.units[0].occurrences, 3);
    }

    /// A unit with the given surroundings and words.
    fn hit_in(key: u64, context: Context, words: u32) -> Hit {
        Hit {
            lines: (context.from_top as u32 + 1, context.from_top as u32 + 1),
            region: Region::Body,
            at_top: false,
            context,
            words,
            ..hit(key, 1, false)
        }
    }

    fn ctx(prev: u32, next: u32, from_top: u16) -> Context {
        Context {
            prev,
            next,
            from_top,
            from_bottom: 200 - from_top,
            in_table: false,
            figures: false,
        }
    }

    /// Whether `key` is template on site 0 in each of `n` documents, each its own cluster.
    fn template_in(hits: &[Vec<Hit>], key: u64) -> Vec<bool> {
        let n = hits.len();
        let site = vec![0; n];
        let cluster: Vec<u32> = (0..n as u32).collect();
        let w = watch(hits, &site, 3);
        let f = finalize_lists(hits, &none(n), &site, &cluster, &w, 3, 4);
        (0..n as u32)
            .map(|d| f.set.is_template(d, 0, key))
            .collect()
    }

    /// A news site that names a section in three menus of every page (top navigation, a
    /// sidebar, the footer), each menu a little different from page to page: a third of the
    /// occurrences stand in any one place, but every page has one in the same place.
    #[test]
    fn section_name_in_several_menus_is_template() {
        let pages: Vec<Vec<Hit>> = (0..4u32)
            .map(|p| {
                vec![
                    hit_in(21, ctx(100, 101, 12), 1),
                    hit_in(21, ctx(200 + p, 300 + p, 40 + p as u16), 1),
                    hit_in(21, ctx(400 + p, 500 + p, 90 + 3 * p as u16), 1),
                ]
            })
            .collect();
        assert_eq!(template_in(&pages, 21), vec![true; 4]);
        // in a different place on every page, it is not
        let pages: Vec<Vec<Hit>> = (0..4u32)
            .map(|p| {
                vec![
                    hit_in(22, ctx(100 + p, 110 + p, 12 + p as u16), 1),
                    hit_in(22, ctx(200 + p, 300 + p, 40 + p as u16), 1),
                ]
            })
            .collect();
        assert_eq!(template_in(&pages, 22), vec![false; 4]);
    }

    /// Earnings stories of one site put "Year" between rows of figures at the same line; a
    /// "24 Hrs / 7 Days / 30 Days" widget of a news site has "7 Days" between the same two
    /// tabs on every page, wherever the widget stands; the same rows of figures between the
    /// same rows are one table copied on three pages.
    #[test]
    fn table_labels_stay_content_and_widget_cells_are_template() {
        let in_table = |prev, next, from_top, figures| Context {
            in_table: true,
            figures,
            ..ctx(prev, next, from_top)
        };
        let label: Vec<Vec<Hit>> = (0..4)
            .map(|p| vec![hit_in(31, in_table(10 + p, 20 + p, 8, false), 1)])
            .collect();
        assert_eq!(template_in(&label, 31), vec![false; 4]);
        let widget: Vec<Vec<Hit>> = (0..4)
            .map(|p| vec![hit_in(32, in_table(10, 20, 100 + p as u16, false), 2)])
            .collect();
        assert_eq!(template_in(&widget, 32), vec![true; 4]);
        let copied: Vec<Vec<Hit>> = (0..3)
            .map(|_| vec![hit_in(33, in_table(10, 20, 8, true), 4)])
            .collect();
        assert_eq!(template_in(&copied, 33), vec![false; 3]);
    }

    /// "Expand full story" under the last paragraph of every article of a site: after text
    /// that differs on every page, before the comments, a page list or a comment count.
    #[test]
    fn chrome_on_nearly_every_page_is_template_wherever_it_stands() {
        let end = |p: u32, next| vec![hit_in(51, ctx(100 + p, next, 60 + 7 * p as u16), 3)];
        let pages: Vec<Vec<Hit>> = (0..8).map(|p| end(p, 200 + p % 3)).collect();
        assert_eq!(template_in(&pages, 51), vec![true; 8]);
        // on half of the pages, it is not
        let pages: Vec<Vec<Hit>> = (0..8)
            .map(|p| {
                if p % 2 == 0 {
                    end(p, 200 + p)
                } else {
                    Vec::new()
                }
            })
            .collect();
        assert!(template_in(&pages, 51).iter().all(|&t| !t));
        // "Year" inside the tables of a site of earnings reports is not
        let year = |p: u32| {
            let c = Context {
                in_table: true,
                ..ctx(100 + p, 200 + p, 8)
            };
            vec![hit_in(52, c, 1)]
        };
        let pages: Vec<Vec<Hit>> = (0..8).map(year).collect();
        assert_eq!(template_in(&pages, 52), vec![false; 8]);
    }

    /// A news page: toolbar and navigation, then the headline, a date and a byline, then the
    /// story; the same headline stands in the "Most read" list of three other pages.
    #[test]
    fn headline_under_page_chrome_is_content_in_its_article() {
        let headline = |p: u32| {
            let mut h = if p == 0 {
                hit_in(41, ctx(100, 500, 40), 7)
            } else {
                hit_in(41, ctx(600 + p, 700 + p, 80), 7)
            };
            h.heads_text = p == 0;
            h
        };
        let pages: Vec<Vec<Hit>> = (0..4).map(|p| vec![headline(p)]).collect();
        assert_eq!(template_in(&pages, 41), vec![false, true, true, true]);
        // a follow-up that quotes the story under the same headline: content in both
        let mut pages = pages;
        pages[1][0].heads_text = true;
        pages.push(vec![headline(4)]);
        assert_eq!(
            template_in(&pages, 41),
            vec![false, false, true, true, true]
        );
    }

    /// Site chrome above one page's text is not that page's headline: "Share this page"
    /// followed by the share buttons as everywhere, a section label above the story of
    /// every page, a two-word label.
    #[test]
    fn chrome_above_the_text_is_template() {
        let page = |key, p: u32, heads_text, next, words| {
            let mut h = hit_in(key, ctx(100, next, 30 + p as u16), words);
            h.heads_text = heads_text;
            vec![h]
        };
        let share: Vec<Vec<Hit>> = (0..4).map(|p| page(42, p, p == 0, 700, 3)).collect();
        assert_eq!(template_in(&share, 42), vec![true; 4]);
        let section: Vec<Vec<Hit>> = (0..4).map(|p| page(43, p, true, 800 + p, 3)).collect();
        assert_eq!(template_in(&section, 43), vec![true; 4]);
        let label: Vec<Vec<Hit>> = (0..4).map(|p| page(44, p, p == 0, 900 + p, 2)).collect();
        assert_eq!(template_in(&label, 44), vec![true; 4]);
    }

    #[test]
    fn text_follows_within_a_few_lines() {
        // headline, date, byline, a candidate paragraph (a caption on many pages), the story
        let words = [7, 3, 2, 25, 30, 28];
        let candidate = [true, true, true, true, false, false];
        assert_eq!(
            text_follows(&words, &candidate),
            vec![true, true, true, true, true, false]
        );
        let far: Vec<u32> = [7]
            .into_iter()
            .chain([1; HEADLINE_TEXT_LINES])
            .chain([30])
            .collect();
        let follows = text_follows(&far, &vec![false; far.len()]);
        assert!(!follows[0] && follows[1]);
    }

    #[test]
    fn reuse_below_threshold_and_across_sites() {
        let hits = vec![vec![hit(5, 3, false)], vec![hit(5, 4, false)], vec![]];
        let block = SharedBlock {
            key: 5,
            words: 20,
            start_byte: 0,
            end_byte: 1,
        };
        let shared = vec![vec![block], vec![block], vec![]];
        let site = [0, 1, 1];
        let w = watch(&hits, &site, 3);
        let f = finalize_lists(&hits, &shared, &site, &[0, 1, 2], &w, 3, 4);
        assert!(f.units.is_empty());
        assert_eq!(f.reused.len(), 1);
        assert_eq!(f.reused[0].documents, vec![0, 1]);
        // the same block in two copies of one story is not reuse
        let f = finalize_lists(&hits, &shared, &site, &[0, 0, 2], &w, 3, 4);
        assert!(f.reused.is_empty());
    }
}
