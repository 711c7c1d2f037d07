//! Round two, after clustering: units counted by cluster (copies once) and by where they
//! stand; the [`TemplateSet`] every stage asks.

use rustc_hash::FxHashSet as HashSet;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::count::{WatchList, CROSS_SITE_MAX_WORDS};
use super::occurrences::{Hit, HEADLINE_MIN_WORDS};
use super::reuse::{ReusedBlock, SharedBlock};
use crate::detect::per_doc::PerDoc;
use crate::detect::units::{Context, Region};

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

/// What round two decided for a unit.
#[derive(Debug, Clone, Serialize, Deserialize)]
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

/// The final template decision.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSet {
    /// Template `(site, key)` pairs.
    pub on_site: HashSet<(u32, u64)>,
    /// Keys template on every site (short boilerplate shared across sites).
    pub everywhere: HashSet<u64>,
    /// `(document, key)` occurrences that are a headline in its own article: content.
    pub own_headlines: HashSet<(u32, u64)>,
    /// Template `(site, key)` pairs the site stamps on nearly every page
    /// (`on_nearly_every_page`): chrome wherever it stands, even inside a page's article
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

    /// Adds one unit's decision (in any order: the set is the same), giving back the unit
    /// for the report.
    pub fn apply(&mut self, d: UnitDecision) -> Option<TemplateUnit> {
        if d.everywhere {
            self.everywhere.insert(d.key);
        }
        self.on_site.extend(d.on_sites.iter().map(|&s| (s, d.key)));
        self.stamped.extend(d.stamped.iter().map(|&s| (s, d.key)));
        self.own_headlines
            .extend(d.own_headlines.iter().map(|&doc| (doc, d.key)));
        d.unit
    }

    /// The set as bytes (postcard and a checksum).
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::packed::sealed::to_bytes(self)
    }

    /// A set from [`TemplateSet::to_bytes`]; `None` for bytes that are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<TemplateSet> {
        crate::packed::sealed::from_bytes(bytes)
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

/// Whether an occurrence on `site` takes part in round two: a short unit (template on every
/// site when enough sites hold it) or a candidate of its site.
fn takes_part(h: &Hit, site: u32, watch: &WatchList) -> bool {
    h.words <= CROSS_SITE_MAX_WORDS || watch.is_candidate(site, h.key)
}

/// One occurrence of a watched unit with its document's site and cluster: the evidence round
/// two decides on, emitted document by document ([`TemplateEvidence::of_document`]), grouped by
/// [`TemplateEvidence::key`] anywhere (a shuffle), and decided group by group
/// ([`decide_unit`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateEvidence {
    /// The document's index.
    pub doc: u32,
    /// Its site's index.
    pub site: u32,
    /// Its cluster: the smallest member's index (its own when it has no copy).
    pub cluster: u32,
    /// The occurrence's place among the document's watched units.
    pub index: u32,
    /// The occurrence.
    pub hit: Hit,
}

impl TemplateEvidence {
    /// The unit's key: occurrences of one key are decided together.
    pub fn key(&self) -> u64 {
        self.hit.key
    }

    /// The rows as bytes (postcard and a checksum), to cross to the process that decides
    /// their key.
    pub fn to_bytes(rows: &[TemplateEvidence]) -> Vec<u8> {
        crate::packed::sealed::to_bytes(&rows)
    }

    /// Rows from [`TemplateEvidence::to_bytes`]; `None` for bytes that are not such.
    pub fn from_bytes(bytes: &[u8]) -> Option<Vec<TemplateEvidence>> {
        crate::packed::sealed::from_bytes(bytes)
    }

    fn row(&self) -> Row {
        (self.hit.key, self.site, self.cluster, self.doc, self.index)
    }

    /// The occurrences of document `doc` (of `site`, in `cluster`) that take part in round
    /// two, from its watched units `hits` (in their order).
    pub fn of_document(
        (doc, site, cluster): (u32, u32, u32),
        hits: &[Hit],
        watch: &WatchList,
    ) -> Vec<TemplateEvidence> {
        hits.iter()
            .enumerate()
            .filter(|(_, h)| takes_part(h, site, watch))
            .map(|(i, h)| TemplateEvidence {
                doc,
                site,
                cluster,
                index: i as u32,
                hit: h.clone(),
            })
            .collect()
    }
}

/// Whether the decision `after` changes what is left out of document `doc` of `site` with
/// watched units `hits`, signed with `before` (its site's candidates when `None`): the test
/// that sends a document to be signed again in the rounds.
pub fn left_out_changed(
    hits: &[Hit],
    (doc, site): (u32, u32),
    watch: &WatchList,
    before: Option<&TemplateSet>,
    after: &TemplateSet,
) -> bool {
    hits.iter().any(|h| {
        let was = match before {
            None => watch.is_candidate_at(site, h.key, watch.floor()),
            Some(set) => set.is_template(doc, site, h.key),
        };
        was != after.is_template(doc, site, h.key)
    })
}

/// The distinct (site, cluster) pairs of a corpus, gathered batch by batch and merged in any
/// order: how many clusters each site holds ([`SiteClusters::per_site`]), what round two
/// measures "nearly every page" against.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct SiteClusters(HashSet<(u32, u32)>);

impl SiteClusters {
    /// Adds a document of `site` in `cluster`.
    pub fn add(&mut self, site: u32, cluster: u32) {
        self.0.insert((site, cluster));
    }

    /// Adds another batch's pairs.
    pub fn merge(&mut self, other: SiteClusters) {
        self.0.extend(other.0);
    }

    /// The number of clusters of each site, indexed by site.
    pub fn per_site(&self) -> Vec<u32> {
        let sites = self
            .0
            .iter()
            .map(|&(s, _)| s as usize + 1)
            .max()
            .unwrap_or(0);
        let mut counts = vec![0u32; sites];
        for &(s, _) in &self.0 {
            counts[s as usize] += 1;
        }
        counts
    }

    /// The pairs as bytes (postcard and a checksum).
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::packed::sealed::to_bytes(self)
    }

    /// Pairs from [`SiteClusters::to_bytes`]; `None` for bytes that are not such.
    pub fn from_bytes(bytes: &[u8]) -> Option<SiteClusters> {
        crate::packed::sealed::from_bytes(bytes)
    }
}

/// Round two's decision on one unit from all its occurrences (`evidence`, every one of one
/// key, in any order), as the scan's round two decides it: `None` when it is template nowhere.
/// `site_clusters` is [`SiteClusters::per_site`] of the whole corpus.
pub fn decide_unit(
    evidence: &[TemplateEvidence],
    watch: &WatchList,
    min_docs: usize,
    site_clusters: &[u32],
) -> Option<UnitDecision> {
    let first = evidence.first()?;
    if evidence.iter().any(|e| e.key() != first.key()) {
        return None;
    }
    // finalize's order: by site, cluster, document and place in the document
    let mut order: Vec<usize> = (0..evidence.len()).collect();
    order.sort_unstable_by_key(|&i| evidence[i].row());
    let rows: Vec<Row> = order
        .iter()
        .map(|&i| {
            let (key, site, cluster, doc, _) = evidence[i].row();
            (key, site, cluster, doc, i as u32)
        })
        .collect();
    let hit = |r: &Row| &evidence[r.4 as usize].hit;
    decide(&rows, &hit, watch, min_docs, site_clusters)
}

impl UnitDecision {
    /// The decision as bytes (postcard and a checksum).
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::packed::sealed::to_bytes(self)
    }

    /// A decision from [`UnitDecision::to_bytes`]; `None` for bytes that are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<UnitDecision> {
        crate::packed::sealed::from_bytes(bytes)
    }
}

/// What round two decided for one unit ([`decide_unit`]); [`TemplateSet::apply`] adds it
/// to the set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitDecision {
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
fn own_headlines<'h>(
    group: &[Row],
    hit: &impl Fn(&Row) -> &'h Hit,
    counts: impl Fn(&Row) -> bool,
    min_docs: usize,
) -> Vec<u32> {
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
fn decide<'h>(
    group: &[Row],
    hit: &impl Fn(&Row) -> &'h Hit,
    watch: &WatchList,
    min_docs: usize,
    site_clusters: &[u32],
) -> Option<UnitDecision> {
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
        let here = site_clusters.get(s as usize).copied().unwrap_or(0);
        let everywhere_here = on_nearly_every_page(&contexts, here, min_docs);
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
    let own_headlines = own_headlines(group, hit, |r| counts(&r), min_docs);
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
    Some(UnitDecision {
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
/// each other site where it has members — the distinct (site, cluster) pairs, which
/// [`SiteClusters`] counts batch by batch.
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
            takes_part(h, s, watch).then_some((h.key, s, c, d as u32, i as u32))
        }));
    }
    rows.par_sort_unstable();
    let site_clusters = clusters_per_site(site, cluster);
    let hit = |r: &Row| &hits[r.3 as usize][r.4 as usize];
    let decisions: Vec<UnitDecision> = rows
        .par_chunk_by(|a, b| a.0 == b.0)
        .filter_map(|group| decide(group, &hit, watch, min_docs, &site_clusters))
        .collect();
    let mut set = TemplateSet::default();
    let mut units = Vec::new();
    for d in decisions {
        units.extend(set.apply(d));
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

    #[test]
    fn site_clusters_merged_from_batches_count_as_the_scan_does() {
        // documents 0..8 on sites 0, 0, 1, 1, 2, 0, 1, 2; clusters 0 = {0, 2, 5}, 1 = {1, 4},
        // 3 = {3, 6}, 7 alone
        let site = [0, 0, 1, 1, 2, 0, 1, 2];
        let cluster = [0, 1, 0, 3, 1, 0, 3, 7];
        let mut merged = SiteClusters::default();
        for (chunk_sites, chunk_clusters) in site.chunks(3).zip(cluster.chunks(3)).rev() {
            let mut batch = SiteClusters::default();
            for (&s, &c) in chunk_sites.iter().zip(chunk_clusters) {
                batch.add(s, c);
            }
            merged.merge(SiteClusters::from_bytes(&batch.to_bytes()).expect("pairs"));
        }
        // site 0: clusters 0, 1; site 1: 0, 3; site 2: 1, 7
        assert_eq!(merged.per_site(), vec![2, 2, 2]);
        assert_eq!(merged.per_site(), clusters_per_site(&site, &cluster));
        assert!(SiteClusters::from_bytes(b"not pairs").is_none());
    }
}
