//! The pipeline's stages as kernels on batches: what the command line, [`crate::Scanner`] and
//! a pipeline on several machines call, so that every face gives the same answers.
//!
//! Each kernel depends only on its inputs, and the values that travel between stages turn into
//! bytes and back (`to_bytes`, `from_bytes`; postcard), so a batch can be processed in another
//! thread, process or machine (postcard and a checksum: damaged bytes are refused):
//!
//! 0. [`input_files`]: the files of `cfg`'s inputs as the scan walks them (their order is
//!    the file ordinal); [`read_input`]: one file's documents as the scan reads them.
//! 1. [`prepare`]: one [`crate::Document`] → a [`PreparedDocument`] (segmented, its units'
//!    keys, its repeats, its hashes; pass 1 of the scan calls it for every document).
//! 2. [`SiteUnitCounts`]: a batch's exact unit counts per site, merged in any order →
//!    [`WatchList`] (the template candidates; the scan's recount ends in the same decision,
//!    [`WatchList::from_exact_counts`]).
//! 3. [`SigningContext::sign_batch`]: a batch of prepared documents, each with its site's
//!    index, → [`SignedDocument`]s (content less the candidates, its signature, its watched
//!    units; the scan's pass 2 signs every document with the same function).
//! 4. [`band_keys`] of a signature ([`stored_signature`], under [`lsh_params`]); [`bucket_pairs`]: the candidate pairs of one LSH bucket
//!    (what [`crate::sketch::candidate_pairs`] runs on every bucket).
//! 5. [`judge`]: the verdict on one candidate pair from its signatures (the scan's
//!    verification by signature).
//! 6. [`UnionFind`]: connected components of an edge list.
//! 7. Round two, the template decision by cluster: [`SignedDocument::template_evidence`] (a
//!    document's watched units with its site and cluster), [`SiteClusters`] (how many
//!    clusters each site holds, merged in any order), [`decide_unit`] on every row of one
//!    unit key (a shuffle by [`TemplateEvidence::key`]), [`TemplateSet::apply`] of each
//!    decision, in any order.
//! 8. The re-signing rounds: [`SignedDocument::changed_by`] (whether a round's decision
//!    changes what is left out of a document), [`SigningContext::resign_batch`] (a batch
//!    signed again with the decision left out).
//! 9. Exact verification: [`SigningContext::exact_shingles`] of a batch under a decision,
//!    [`judge_exact`] of a pair from its two sets; [`kept_apart`] of a pair that passed.
//! 10. Clustering by groups: [`borderline_in_group`] (which borderline verdicts of one
//!     connected group `--verify auto` checks exactly) and [`cluster_group`] (the report's
//!     clusters of one connected group: directional containment, representatives, direct
//!     matches), where a group is a connected component of the accepted pairs and copies; the
//!     rounds stop after [`MAX_ROUNDS`] or one that signs at most [`settled`] documents again.
//!
//! Reused blocks and the report run in [`crate::Scanner::finish`] and [`crate::scan`]. A
//! site's index is the caller's to give: any fixed numbering of the sites, the same in
//! counting and signing (the scan numbers them by first appearance); a document's
//! index likewise (own headlines are kept per document).
//!
//! ```
//! use neardup::kernels::{prepare, SigningContext, SiteUnitCounts};
//! use neardup::{Config, Document};
//!
//! let cfg = Config::new("table");
//! let story = "The harbour bridge reopens on Monday after two years of repairs, the city said.";
//! let docs: Vec<_> = ["a", "b"]
//!     .iter()
//!     .map(|id| prepare(&cfg, Document::new(*id, story), true))
//!     .collect();
//! let mut counts = SiteUnitCounts::default();
//! for doc in &docs {
//!     counts.add_document(0, doc.unit_keys());
//! }
//! let context = SigningContext::new(counts.watch_list(cfg.blocks.template_min_docs), vec![2]);
//! let batch: Vec<_> = docs.iter().map(|d| (0, d)).collect();
//! let signed = context.sign_batch(&cfg, &batch);
//! assert_eq!(signed[0].signature(), signed[1].signature());
//! ```

pub use crate::config::KeepPolicy;
pub use crate::detect::cluster::DuplicateCluster;
pub use crate::detect::near::{Judged, SignatureVerdict, VerifiedPair};
pub use crate::detect::templates::{
    decide_unit, SiteClusters, SiteUnitCounts, TemplateEvidence, TemplateSet, TemplateUnit,
    UnitCountRows, UnitDecision, WatchList,
};
pub use crate::detect::union_find::UnionFind;
pub use crate::scan::{
    prepare, settled, Basis, PreparedDocument, SignedDocument, SigningContext, MAX_ROUNDS,
};
pub use crate::sketch::lsh::{band_keys, bucket_pairs, LshParams, Thresholds, MAX_BUCKET};

use crate::config::Config;
use crate::corpus::{read_documents, walk_inputs, FileOutcome, InputFile, Walk};
use crate::detect::cluster::{cluster, representative, ClusterInput};
use crate::detect::near::{
    borderline_pairs_that_matter, cut, judge_pair_exactly, signature_verdict,
};

/// The input files of `cfg`'s inputs (its root and further inputs) as the scan walks them:
/// sorted by path, so that a file's index is its ordinal, and a document's (file ordinal,
/// record) its place in the scan's order. An [`InputFile`] travels as bytes
/// ([`input_file_bytes`]).
pub fn input_files(cfg: &Config) -> Walk {
    walk_inputs(&cfg.input_set())
}

/// One input file's documents, in order, as the scan reads them (the same readers, options
/// and bounds), and what could not be used.
pub fn read_input(cfg: &Config, file: &InputFile) -> (Vec<crate::Document>, FileOutcome) {
    let mut documents = Vec::new();
    let outcome = read_documents(file, &cfg.input, |doc| documents.push(doc));
    (documents, outcome)
}

/// An input file as bytes (postcard and a checksum), to hand it to another process.
pub fn input_file_bytes(file: &InputFile) -> Vec<u8> {
    crate::packed::sealed::to_bytes(file)
}

/// An input file from [`input_file_bytes`]; `None` for bytes that are not one.
pub fn input_file_from_bytes(bytes: &[u8]) -> Option<InputFile> {
    crate::packed::sealed::from_bytes(bytes)
}

/// The thresholds a pair is judged by under `cfg` (`--threshold`, `--containment`,
/// `--containment-min-shingles`), as the scan judges.
pub fn thresholds(cfg: &Config) -> Thresholds {
    crate::scan::thresholds(cfg)
}

/// The LSH bands and rows of a scan under `cfg`: the user's, or derived from the thresholds.
pub fn lsh_params(cfg: &Config) -> LshParams {
    crate::scan::scan_lsh_params(cfg)
}

/// A signature's values as the scan's candidate search and verification see them (the high
/// 16 bits of each: what [`band_keys`] of the scan's buckets is computed on).
pub fn stored_signature(signature: &[u32]) -> Vec<u16> {
    signature.iter().map(|&v| cut(v)).collect()
}

/// The verdict on documents `a` and `b` (indices the caller gives them) from their signatures,
/// as the scan judges a candidate pair by signature; `None` when either has no signature.
/// A borderline verdict (see [`SignatureVerdict::borderline`]) is one the scan checks on the
/// exact shingle sets under `--verify auto`.
pub fn judge(
    pair: (u32, u32),
    a: &SignedDocument,
    b: &SignedDocument,
    thresholds: &Thresholds,
) -> Option<SignatureVerdict> {
    let sa = stored_signature(a.signature()?);
    let sb = stored_signature(b.signature()?);
    Some(signature_verdict(
        pair,
        (&sa, &sb),
        (a.shingles(), b.shingles()),
        thresholds,
    ))
}

/// Whether two documents whose pair passed the thresholds are kept apart all the same: both
/// are narrow (little text of their own beside a bulk, such as a table) and their bulks
/// mostly differ, as the scan decides before clustering.
pub fn kept_apart(a: &SignedDocument, b: &SignedDocument) -> bool {
    crate::detect::bulk::kept_apart(a.bulk(), b.bulk())
}

/// A document of a connected group, with what clustering reads of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMember {
    /// Its index (the caller's numbering, as in every other kernel).
    pub index: u32,
    /// Its id: `--keep first` keeps the smallest id of a cluster's core.
    pub id: String,
    /// Its distinct content shingles ([`SignedDocument::shingles`]): which of a containment
    /// pair lies inside the other.
    pub shingles: u32,
    /// Its content words ([`SignedDocument::content_words`]), for `--keep longest|shortest`.
    pub content_words: u32,
    /// The hash of its normalised text ([`PreparedDocument::exact_hash`]): equal hashes are
    /// copies whatever their length.
    pub exact: u128,
}

/// The clusters of one connected group of documents, as the scan's report clusters them: a
/// group is a connected component of the graph whose edges are the accepted pairs (by Jaccard
/// or containment, not kept apart) and the links between documents of the same text. The
/// directional containment rules, the representative under `keep` and each member's direct
/// match only look inside such a group, so a pipeline that finds the groups (connected
/// components over many machines) and calls this on each gives the scan's clusters. `pairs`
/// may hold pairs with a document outside `members`: they are left out. Clusters come
/// ordered by smallest member, with the members' indices.
pub fn cluster_group(
    members: &[GroupMember],
    pairs: &[VerifiedPair],
    jaccard: f64,
    keep: KeepPolicy,
) -> Vec<DuplicateCluster> {
    let mut members: Vec<&GroupMember> = members.iter().collect();
    members.sort_unstable_by_key(|m| m.index);
    members.dedup_by_key(|m| m.index);
    let local = |index: u32| {
        members
            .binary_search_by_key(&index, |m| m.index)
            .ok()
            .map(|l| l as u32)
    };
    let mut inside: Vec<VerifiedPair> = pairs
        .iter()
        .filter_map(|p| {
            let (a, b) = (local(p.a)?, local(p.b)?);
            // the same order as the scan's: by the smaller index first
            Some(VerifiedPair {
                a: a.min(b),
                b: a.max(b),
                ..*p
            })
        })
        .collect();
    inside.sort_unstable_by_key(|p| (p.a, p.b));
    inside.dedup_by_key(|p| (p.a, p.b));
    let exact: Vec<u128> = members.iter().map(|m| m.exact).collect();
    let size = |d: u32| members[d as usize].shingles;
    let choose = |core: &[u32]| {
        let mut by_id = core.to_vec();
        by_id.sort_by(|&a, &b| members[a as usize].id.cmp(&members[b as usize].id));
        representative(&by_id, keep, |d| members[d as usize].content_words as u64)
    };
    let global = |d: u32| members[d as usize].index;
    cluster(&ClusterInput {
        documents: members.len(),
        pairs: &inside,
        jaccard,
        exact: &exact,
        size: &size,
        choose: &choose,
        matches: true,
    })
    .into_iter()
    .map(|c| DuplicateCluster {
        members: c.members.iter().map(|&d| global(d)).collect(),
        representative: global(c.representative),
        duplicate_of: c
            .duplicate_of
            .iter()
            .map(|&(d, m)| (global(d), global(m)))
            .collect(),
    })
    .collect()
}

/// The borderline verdicts of one connected group (see [`cluster_group`]; here the accepted
/// pairs count whether or not they are kept apart) that `--verify auto` checks on exact sets,
/// as the scan chooses them: the accepted ones, and the rejected ones whose documents the
/// clearly accepted pairs and the links between copies do not already connect. `members` are
/// the group's `(index, exact hash)`; a borderline pair with a document outside the group
/// always matters (nothing clear connects two groups).
pub fn borderline_in_group(
    members: &[(u32, u128)],
    judged: &[SignatureVerdict],
) -> Vec<(u32, u32)> {
    let mut members = members.to_vec();
    members.sort_unstable();
    members.dedup_by_key(|m| m.0);
    let local = |index: u32| {
        members
            .binary_search_by_key(&index, |m| m.0)
            .ok()
            .map(|l| l as u32)
    };
    let mut crossing = Vec::new();
    let mut inside = Vec::new();
    for v in judged {
        let pair = v.verdict.pair;
        match (local(pair.a), local(pair.b)) {
            (Some(a), Some(b)) => {
                let mut v = *v;
                (v.verdict.pair.a, v.verdict.pair.b) = (a, b);
                inside.push(v);
            }
            _ if v.borderline => crossing.push((pair.a, pair.b)),
            _ => {}
        }
    }
    let exact: Vec<u128> = members.iter().map(|m| m.1).collect();
    let mut matter: Vec<(u32, u32)> = borderline_pairs_that_matter(&inside, &exact)
        .into_iter()
        .map(|(a, b)| (members[a as usize].0, members[b as usize].0))
        .chain(crossing)
        .collect();
    matter.sort_unstable();
    matter.dedup();
    matter
}

/// The verdict on documents `a` and `b` from their exact shingle sets
/// ([`SigningContext::exact_shingles`]), as the scan judges a pair exactly.
pub fn judge_exact(pair: (u32, u32), a: &[u64], b: &[u64], thresholds: &Thresholds) -> Judged {
    let (sa, sb) = if pair.0 <= pair.1 { (a, b) } else { (b, a) };
    judge_pair_exactly(
        (pair.0.min(pair.1), pair.0.max(pair.1)),
        (sa, sb),
        thresholds,
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::detect::per_doc::PerDoc;
    use std::collections::BTreeSet;

    use crate::detect::templates::{finalize, Hit, SharedBlock};
    use crate::Document;

    /// A generated corpus of several sites (navigation, footers, syndicated copies), each
    /// document with its site's index by first appearance.
    fn corpus() -> (Vec<Document>, Vec<u32>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let opts = neardup_synth::SynthOptions {
            stories: 90,
            sites: 4,
            seed: 11,
            ..neardup_synth::SynthOptions::default()
        };
        let texts = neardup_synth::synthetic_stories(opts.stories, opts.seed);
        neardup_synth::generate(&texts, &opts, dir.path()).expect("generate");
        let mut paths = Vec::new();
        for site in std::fs::read_dir(dir.path()).expect("list") {
            let site = site.expect("entry").path();
            if site.is_dir() {
                for page in std::fs::read_dir(&site).expect("list site") {
                    paths.push(page.expect("entry").path());
                }
            }
        }
        paths.sort();
        let mut index: BTreeMap<String, u32> = BTreeMap::new();
        let mut sites = Vec::new();
        let docs = paths
            .iter()
            .map(|p| {
                let rel = p.strip_prefix(dir.path()).expect("under the corpus");
                let site = rel
                    .iter()
                    .next()
                    .expect("a site")
                    .to_string_lossy()
                    .into_owned();
                let next = index.len() as u32;
                sites.push(*index.entry(site.clone()).or_insert(next));
                let mut doc = Document::new(
                    rel.to_string_lossy(),
                    std::fs::read_to_string(p).expect("read"),
                );
                doc.site = Some(site);
                doc
            })
            .collect();
        (docs, sites)
    }

    /// Round one by the kernels: prepared, counted, signed; candidates by bucket, judged by
    /// signature, joined; each document's cluster its smallest member.
    fn round_one(
        cfg: &Config,
        docs: &[Document],
        sites: &[u32],
    ) -> (SigningContext, Vec<SignedDocument>, Vec<u32>) {
        let prepared: Vec<PreparedDocument> =
            docs.iter().map(|d| prepare(cfg, d.clone(), true)).collect();
        let mut counts = SiteUnitCounts::default();
        let mut site_docs = vec![0u32; sites.iter().max().map_or(0, |&s| s as usize + 1)];
        for (doc, &site) in prepared.iter().zip(sites) {
            counts.add_document(site, doc.unit_keys());
            site_docs[site as usize] += 1;
        }
        let context =
            SigningContext::new(counts.watch_list(cfg.blocks.template_min_docs), site_docs);
        let batch: Vec<(u32, &PreparedDocument)> = sites.iter().copied().zip(&prepared).collect();
        let signed = context.sign_batch(cfg, &batch);
        let params = lsh_params(cfg);
        let mut buckets: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
        for (d, s) in signed.iter().enumerate() {
            if let Some(signature) = s.signature() {
                for key in band_keys(&stored_signature(signature), params) {
                    buckets.entry(key).or_default().push(d as u32);
                }
            }
        }
        let mut pairs = Vec::new();
        for members in buckets.values() {
            bucket_pairs(members, MAX_BUCKET, &mut pairs);
        }
        let limits = thresholds(cfg);
        let mut components = UnionFind::new(docs.len());
        for (a, b) in pairs {
            let (sa, sb) = (&signed[a as usize], &signed[b as usize]);
            if judge((a, b), sa, sb, &limits).is_some_and(|v| v.verdict.accepted) {
                components.union(a, b);
            }
        }
        let mut cluster: Vec<u32> = (0..docs.len() as u32).collect();
        for group in components.groups() {
            let smallest = group.iter().copied().min().unwrap_or(0);
            for d in group {
                cluster[d as usize] = smallest;
            }
        }
        (context, signed, cluster)
    }

    /// Round two by the kernels: evidence emitted `batch` documents at a time, through
    /// bytes, grouped by key in a scrambled order, each group decided, the decisions applied.
    fn decided_by_evidence(
        cfg: &Config,
        (context, signed): (&SigningContext, &[SignedDocument]),
        sites: &[u32],
        cluster: &[u32],
        batch: usize,
    ) -> TemplateSet {
        let watch = context.watch_list();
        let mut groups: BTreeMap<u64, Vec<TemplateEvidence>> = BTreeMap::new();
        let mut site_clusters = SiteClusters::default();
        for (start, chunk) in (0..).step_by(batch).zip(signed.chunks(batch)) {
            let mut here = SiteClusters::default();
            for (i, s) in chunk.iter().enumerate() {
                let d = start + i;
                here.add(sites[d], cluster[d]);
                let bytes = crate::packed::sealed::to_bytes(
                    &s.template_evidence((d as u32, sites[d], cluster[d]), watch),
                );
                let evidence: Vec<TemplateEvidence> =
                    crate::packed::sealed::from_bytes(&bytes).expect("evidence");
                for e in evidence.into_iter().rev() {
                    // scrambled: keyed by the key's bits reversed, members pushed in reverse
                    groups.entry(e.key().reverse_bits()).or_default().push(e);
                }
            }
            site_clusters.merge(SiteClusters::from_bytes(&here.to_bytes()).expect("pairs"));
        }
        let per_site = site_clusters.per_site();
        let mut set = TemplateSet::default();
        for group in groups.values().rev() {
            let decided = decide_unit(group, watch, cfg.blocks.template_min_docs, &per_site);
            if let Some(d) = decided {
                set.apply(d);
            }
        }
        TemplateSet::from_bytes(&set.to_bytes()).expect("a template set")
    }

    #[test]
    fn template_decision_by_evidence_groups_is_the_scans() {
        let cfg = Config::new("corpus");
        let (docs, sites) = corpus();
        let (context, signed, cluster) = round_one(&cfg, &docs, &sites);
        assert!(
            cluster
                .iter()
                .enumerate()
                .filter(|&(d, &c)| d as u32 != c)
                .count()
                > 10,
            "copies joined"
        );
        let hits: PerDoc<Hit> = signed.iter().map(|s| s.watched().0.to_vec()).collect();
        let shared: PerDoc<SharedBlock> = signed.iter().map(|s| s.watched().1.to_vec()).collect();
        let min_docs = cfg.blocks.template_min_docs;
        let watch = context.watch_list();
        let scans = finalize(&hits, &shared, &sites, &cluster, watch, min_docs, None).set;
        assert!(
            scans.on_site.len() > 10,
            "{} template units",
            scans.on_site.len()
        );
        for batch in [1, 7, 1000] {
            let composed = decided_by_evidence(&cfg, (&context, &signed), &sites, &cluster, batch);
            assert!(composed == scans, "batches of {batch}");
        }
        // The clusters matter: with every document alone, copies count as many pages and more
        // of their text reaches the threshold.
        let alone: Vec<u32> = (0..docs.len() as u32).collect();
        let apart = decided_by_evidence(&cfg, (&context, &signed), &sites, &alone, 7);
        assert!(apart != scans);
        assert_eq!(
            apart,
            finalize(&hits, &shared, &sites, &alone, watch, min_docs, None).set
        );
    }

    #[test]
    fn re_signing_with_a_decision_leaves_its_templates_out() {
        let cfg = Config::new("corpus");
        let (docs, sites) = corpus();
        let (context, signed, cluster) = round_one(&cfg, &docs, &sites);
        let hits: PerDoc<Hit> = signed.iter().map(|s| s.watched().0.to_vec()).collect();
        let shared: PerDoc<SharedBlock> = signed.iter().map(|s| s.watched().1.to_vec()).collect();
        let watch = context.watch_list();
        let min_docs = cfg.blocks.template_min_docs;
        let decided = finalize(&hits, &shared, &sites, &cluster, watch, min_docs, None).set;
        let prepared: Vec<PreparedDocument> = docs
            .iter()
            .map(|d| prepare(&cfg, d.clone(), true))
            .collect();
        let batch: Vec<(u32, u32, &PreparedDocument)> = (0..docs.len() as u32)
            .zip(sites.iter().copied())
            .zip(&prepared)
            .map(|((d, s), p)| (d, s, p))
            .collect();
        let again: Vec<SignedDocument> = batch
            .chunks(7)
            .flat_map(|chunk| context.resign_batch(&cfg, &decided, chunk))
            .collect();
        let whole = context.resign_batch(&cfg, &decided, &batch);
        let bytes = |v: &[SignedDocument]| v.iter().map(|s| s.to_bytes()).collect::<Vec<_>>();
        assert!(bytes(&again) == bytes(&whole), "batches of 7 and all");
        // The decision matters: with no template decided, the template text that is not also
        // frequent or chrome (which stay out whatever the decision) is content again.
        let nothing = context.resign_batch(&cfg, &TemplateSet::default(), &batch);
        let differ = whole
            .iter()
            .zip(&nothing)
            .filter(|(a, b)| a.signature() != b.signature())
            .count();
        assert!(differ > 0, "{differ} of {} differ", docs.len());
        // Only the documents whose left-out units the decision changes need signing again,
        // and those whose signature changed are among them.
        let changed: Vec<bool> = signed
            .iter()
            .enumerate()
            .map(|(d, s)| s.changed_by((d as u32, sites[d]), watch, None, &decided))
            .collect();
        assert!(changed.iter().any(|&c| c) && !changed.iter().all(|&c| c));
        for (d, (a, b)) in whole.iter().zip(&signed).enumerate() {
            if a.signature() != b.signature() {
                assert!(changed[d], "{} signs otherwise, unchanged", docs[d].id);
            }
            assert!(!a.changed_by((d as u32, sites[d]), watch, Some(&decided), &decided));
        }
        // The exact sets: a pair judged on them agrees with its estimate within the error.
        let sets = context.exact_shingles(&cfg, &decided, &batch);
        let limits = thresholds(&cfg);
        let mut compared = 0;
        for (a, b) in (0..docs.len() as u32).zip(1..docs.len() as u32) {
            let (sa, sb) = (&sets[a as usize], &sets[b as usize]);
            if sa.is_empty() || sb.is_empty() {
                continue;
            }
            let exact = judge_exact((b, a), sb, sa, &limits);
            assert_eq!((exact.pair.a, exact.pair.b), (a, b));
            assert_eq!(
                exact.pair.jaccard,
                judge_exact((a, b), sa, sb, &limits).pair.jaccard
            );
            if let Some(v) = judge((a, b), &whole[a as usize], &whole[b as usize], &limits) {
                assert!((v.verdict.pair.jaccard - exact.pair.jaccard).abs() < 0.3);
                compared += 1;
            }
        }
        assert!(compared > 100, "{compared} pairs compared");
        // The watched units are the first signing's.
        for (a, b) in whole.iter().zip(&signed) {
            assert_eq!(a.watched().0, b.watched().0);
        }
    }

    /// One round by the kernels, as the scan's `cluster_round`: candidates by bucket (or the
    /// pairs given), verdicts by signature, or under a final decision the borderline pairs
    /// that can change a cluster checked on exact sets; pairs kept apart by their bulks
    /// dropped; clusters. Returns each document's cluster and the candidate pairs.
    fn kernel_round(
        cfg: &Config,
        (context, prepared, sites): (&SigningContext, &[PreparedDocument], &[u32]),
        signed: &[SignedDocument],
        final_set: Option<(&TemplateSet, Vec<(u32, u32)>)>,
    ) -> (Vec<u32>, Vec<(u32, u32)>, Vec<VerifiedPair>) {
        use crate::detect::near::borderline_pairs_that_matter;
        let limits = thresholds(cfg);
        let exact: Vec<u128> = prepared.iter().map(PreparedDocument::exact_hash).collect();
        let (final_set, known) = match final_set {
            Some((set, pairs)) => (Some(set), Some(pairs)),
            None => (None, None),
        };
        let pairs = known.unwrap_or_else(|| {
            let mut buckets: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
            for (d, s) in signed.iter().enumerate() {
                if let Some(signature) = s.signature() {
                    for key in band_keys(&stored_signature(signature), lsh_params(cfg)) {
                        buckets.entry(key).or_default().push(d as u32);
                    }
                }
            }
            let mut pairs = Vec::new();
            for members in buckets.values() {
                bucket_pairs(members, MAX_BUCKET, &mut pairs);
            }
            pairs.sort_unstable();
            pairs.dedup();
            pairs
        });
        let judged: Vec<SignatureVerdict> = pairs
            .iter()
            .filter_map(|&(a, b)| judge((a, b), &signed[a as usize], &signed[b as usize], &limits))
            .collect();
        let mut verdicts: Vec<Judged> = judged.iter().map(|v| v.verdict).collect();
        if let Some(set) = final_set {
            let checked = borderline_pairs_that_matter(&judged, &exact);
            assert!(!checked.is_empty(), "some pairs are borderline");
            assert_eq!(borderline_by_group(&judged, &exact), {
                let mut c = checked.clone();
                c.sort_unstable();
                c
            });
            let docs: BTreeSet<u32> = checked.iter().flat_map(|&(a, b)| [a, b]).collect();
            let docs: Vec<u32> = docs.into_iter().collect();
            let batch: Vec<(u32, u32, &PreparedDocument)> = docs
                .iter()
                .map(|&d| (d, sites[d as usize], &prepared[d as usize]))
                .collect();
            let sets: BTreeMap<u32, Vec<u64>> = docs
                .iter()
                .copied()
                .zip(context.exact_shingles(cfg, set, &batch))
                .collect();
            let exactly: BTreeMap<(u32, u32), Judged> = checked
                .iter()
                .map(|&(a, b)| ((a, b), judge_exact((a, b), &sets[&a], &sets[&b], &limits)))
                .collect();
            for v in &mut verdicts {
                if let Some(j) = exactly.get(&(v.pair.a, v.pair.b)) {
                    *v = *j;
                }
            }
        }
        let verified: Vec<VerifiedPair> = verdicts
            .into_iter()
            .filter(|v| v.accepted)
            .map(|v| v.pair)
            .filter(|p| !kept_apart(&signed[p.a as usize], &signed[p.b as usize]))
            .collect();
        let size = |d: u32| signed[d as usize].shingles();
        let clusters = cluster(&ClusterInput {
            documents: signed.len(),
            pairs: &verified,
            jaccard: limits.jaccard,
            exact: &exact,
            size: &size,
            choose: &|members: &[u32]| members[0],
            matches: false,
        });
        let mut cluster_of: Vec<u32> = (0..signed.len() as u32).collect();
        for c in clusters {
            for &m in &c.members {
                cluster_of[m as usize] = c.members[0];
            }
        }
        (cluster_of, pairs, verified)
    }

    /// The borderline pairs that matter, found group by group: each connected group of the
    /// accepted pairs and copies with the verdicts that touch it.
    fn borderline_by_group(judged: &[SignatureVerdict], exact: &[u128]) -> Vec<(u32, u32)> {
        let mut components = UnionFind::new(exact.len());
        for v in judged.iter().filter(|v| v.verdict.accepted) {
            components.union(v.verdict.pair.a, v.verdict.pair.b);
        }
        for (a, b) in crate::detect::near::exact_duplicate_links(exact) {
            components.union(a, b);
        }
        let mut matter: Vec<(u32, u32)> = Vec::new();
        let mut touching: BTreeMap<u32, Vec<SignatureVerdict>> = BTreeMap::new();
        for v in judged {
            let (a, b) = (v.verdict.pair.a, v.verdict.pair.b);
            let (ra, rb) = (components.find(a), components.find(b));
            touching.entry(ra).or_default().push(*v);
            if rb != ra {
                touching.entry(rb).or_default().push(*v);
            }
        }
        for group in components.groups() {
            let root = components.find(group[0]);
            let members: Vec<(u32, u128)> = group.iter().map(|&d| (d, exact[d as usize])).collect();
            let these = touching.get(&root).map_or(&[][..], Vec::as_slice);
            matter.extend(borderline_in_group(&members, these));
        }
        matter.sort_unstable();
        matter.dedup();
        matter
    }

    /// Round two by the kernels: evidence grouped by key, decided, applied.
    fn kernel_decision(
        cfg: &Config,
        context: &SigningContext,
        signed: &[SignedDocument],
        (sites, cluster): (&[u32], &[u32]),
    ) -> TemplateSet {
        decided_by_evidence(cfg, (context, signed), sites, cluster, 7)
    }

    #[test]
    fn kernels_compose_into_the_scans_clusters() {
        let cfg = Config::new("corpus");
        let (docs, sites) = corpus();
        let prepared: Vec<PreparedDocument> = docs
            .iter()
            .map(|d| prepare(&cfg, d.clone(), true))
            .collect();
        let (context, mut signed, _) = round_one(&cfg, &docs, &sites);
        let parts = (&context, prepared.as_slice(), sites.as_slice());
        let watch = context.watch_list();
        // the scan's rounds: cluster, decide, sign again what the decision changes
        let (mut cluster, mut pairs, _) = kernel_round(&cfg, parts, &signed, None);
        let mut decided = kernel_decision(&cfg, &context, &signed, (&sites, &cluster));
        let mut signed_with: Vec<Option<usize>> = vec![None; docs.len()];
        let mut versions: Vec<TemplateSet> = Vec::new();
        let settled = (docs.len() / 200).max(1);
        let mut rounds = 0;
        for _ in 0..3 {
            let changed: Vec<u32> = (0..docs.len() as u32)
                .filter(|&d| {
                    let before = signed_with[d as usize].map(|v| &versions[v]);
                    let doc = (d, sites[d as usize]);
                    signed[d as usize].changed_by(doc, watch, before, &decided)
                })
                .collect();
            if changed.is_empty() {
                break;
            }
            rounds += 1;
            let batch: Vec<(u32, u32, &PreparedDocument)> = changed
                .iter()
                .map(|&d| (d, sites[d as usize], &prepared[d as usize]))
                .collect();
            for (&d, again) in changed
                .iter()
                .zip(context.resign_batch(&cfg, &decided, &batch))
            {
                // the first signing's watched units stay: they do not depend on the decision
                signed[d as usize] = again;
                signed_with[d as usize] = Some(versions.len());
            }
            versions.push(decided.clone());
            if changed.len() <= settled {
                break; // the final verification re-judges their pairs
            }
            (cluster, pairs, _) = kernel_round(&cfg, parts, &signed, None);
            decided = kernel_decision(&cfg, &context, &signed, (&sites, &cluster));
        }
        // the final verification against the final decision (`--verify auto`, the default)
        let (cluster, _, verified) = kernel_round(&cfg, parts, &signed, Some((&decided, pairs)));
        let mut composed: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        for (d, &c) in cluster.iter().enumerate() {
            composed.entry(c).or_default().push(docs[d].id.clone());
        }
        let mut composed: Vec<Vec<String>> =
            composed.into_values().filter(|m| m.len() > 1).collect();
        composed.sort();
        let mut scanner = crate::Scanner::new(&cfg).expect("valid options");
        scanner.add_documents("corpus", docs.clone());
        let out = scanner.finish();
        let mut scans: Vec<Vec<String>> = report_clusters(&out)
            .into_iter()
            .map(|(_, ids)| ids)
            .collect();
        scans.sort();
        assert!(scans.len() > 10, "{} clusters", scans.len());
        assert!(rounds > 0, "no round signed a document again");
        assert_eq!(composed, scans);
        let verified_signed = (verified.as_slice(), signed.as_slice());
        groups_cluster_as_the_report(&cfg, (&docs, &prepared), verified_signed, &out);
    }

    /// The report's clusters, by connected groups: each group clustered on its own gives the
    /// scan's representatives and direct matches, and the same as the whole at once.
    fn groups_cluster_as_the_report(
        cfg: &Config,
        (docs, prepared): (&[Document], &[PreparedDocument]),
        (verified, signed): (&[VerifiedPair], &[SignedDocument]),
        out: &crate::ScanOutput,
    ) {
        let members: Vec<GroupMember> = docs
            .iter()
            .enumerate()
            .map(|(d, doc)| GroupMember {
                index: d as u32,
                id: doc.id.clone(),
                shingles: signed[d].shingles(),
                content_words: signed[d].content_words(),
                exact: prepared[d].exact_hash(),
            })
            .collect();
        let by_group = clusters_by_group(&members, verified, cfg);
        let scans_clusters = report_clusters(out);
        let mut grouped: Vec<(String, Vec<String>)> = by_group
            .iter()
            .map(|c| {
                let mut ids: Vec<String> = c
                    .members
                    .iter()
                    .map(|&d| docs[d as usize].id.clone())
                    .collect();
                ids.sort();
                (docs[c.representative as usize].id.clone(), ids)
            })
            .collect();
        let mut scans_clusters = scans_clusters;
        grouped.sort();
        scans_clusters.sort();
        assert_eq!(grouped, scans_clusters);
        let whole = clusters_whole(&members, verified, cfg);
        assert_eq!(by_group, whole);
    }

    /// The report's clusters: each one's representative and its members' ids, sorted.
    fn report_clusters(out: &crate::ScanOutput) -> Vec<(String, Vec<String>)> {
        out.report
            .duplicate_clusters
            .iter()
            .map(|c| {
                let mut ids: Vec<String> = c.documents.iter().map(|m| m.id.clone()).collect();
                ids.sort();
                (c.representative.clone(), ids)
            })
            .collect()
    }

    /// The clusters of the whole corpus in one call, as the scan's report finds them.
    fn clusters_whole(
        members: &[GroupMember],
        verified: &[VerifiedPair],
        cfg: &Config,
    ) -> Vec<DuplicateCluster> {
        let jaccard = thresholds(cfg).jaccard;
        cluster_group(members, verified, jaccard, cfg.near.keep)
    }

    /// The clusters found group by group: connected components of every accepted pair and
    /// every pair of copies, each group's members given in a scrambled order.
    fn clusters_by_group(
        members: &[GroupMember],
        verified: &[VerifiedPair],
        cfg: &Config,
    ) -> Vec<DuplicateCluster> {
        let mut components = UnionFind::new(members.len());
        for p in verified {
            components.union(p.a, p.b);
        }
        let exact: Vec<u128> = members.iter().map(|m| m.exact).collect();
        for (a, b) in crate::detect::near::exact_duplicate_links(&exact) {
            components.union(a, b);
        }
        let jaccard = thresholds(cfg).jaccard;
        let mut found: Vec<DuplicateCluster> = components
            .groups()
            .into_iter()
            .filter(|g| g.len() > 1)
            .flat_map(|group| {
                let mut these: Vec<GroupMember> =
                    group.iter().map(|&d| members[d as usize].clone()).collect();
                these.reverse();
                cluster_group(&these, verified, jaccard, cfg.near.keep)
            })
            .collect();
        found.sort_unstable_by_key(|c| c.members[0]);
        found
    }
}
