//! The pipeline's stages as kernels on batches: what the command line, [`crate::Scanner`] and
//! a pipeline on several machines call, so that every face gives the same answers.
//!
//! Each kernel depends only on its inputs, and the values that travel between stages turn into
//! bytes and back (`to_bytes`, `from_bytes`; postcard), so a batch can be processed in another
//! thread, process or machine (postcard and a checksum: damaged bytes are refused):
//!
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
//!
//! The rounds' loop itself (when the clusters settle), which borderline pairs are checked
//! exactly, clustering with directional containment, reused blocks and the report run in
//! [`crate::Scanner::finish`] and [`crate::scan`]. A site's index is the caller's to give: any fixed numbering of the sites,
//! the same in counting and signing (the scan numbers them by first appearance); a document's
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

pub use crate::detect::near::{Judged, SignatureVerdict, VerifiedPair};
pub use crate::detect::templates::{
    decide_unit, SiteClusters, SiteUnitCounts, TemplateEvidence, TemplateSet, TemplateUnit,
    UnitDecision, WatchList,
};
pub use crate::detect::union_find::UnionFind;
pub use crate::scan::{prepare, Basis, PreparedDocument, SignedDocument, SigningContext};
pub use crate::sketch::lsh::{band_keys, bucket_pairs, LshParams, Thresholds, MAX_BUCKET};

use crate::config::Config;
use crate::detect::near::{cut, judge_pair_exactly, signature_verdict};

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
    ) -> (Vec<u32>, Vec<(u32, u32)>) {
        use crate::detect::cluster::{cluster, ClusterInput};
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
        (cluster_of, pairs)
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
        let (mut cluster, mut pairs) = kernel_round(&cfg, parts, &signed, None);
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
            (cluster, pairs) = kernel_round(&cfg, parts, &signed, None);
            decided = kernel_decision(&cfg, &context, &signed, (&sites, &cluster));
        }
        // the final verification against the final decision (`--verify auto`, the default)
        let (cluster, _) = kernel_round(&cfg, parts, &signed, Some((&decided, pairs)));
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
        let mut scans: Vec<Vec<String>> = out
            .report
            .duplicate_clusters
            .iter()
            .map(|c| {
                let mut ids: Vec<String> = c.documents.iter().map(|m| m.id.clone()).collect();
                ids.sort();
                ids
            })
            .collect();
        scans.sort();
        assert!(scans.len() > 10, "{} clusters", scans.len());
        assert!(rounds > 0, "no round signed a document again");
        assert_eq!(composed, scans);
    }
}
