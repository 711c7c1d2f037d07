//! The report's duplicate clusters and verified pairs: the representative chosen by `--keep`,
//! every other member with the document it matches directly and their figures, clusters
//! numbered largest first.

use rustc_hash::FxHashMap as HashMap;

use super::round4;
use crate::config::KeepPolicy;
use crate::detect::cluster::{cluster, representative, ClusterInput, DuplicateCluster};
use crate::detect::near::{Signatures, VerifiedPair};
use crate::report::{Cluster, ClusterMember, JoinedBy, Judgement, PairRecord};
use crate::scan::{ContentFigures, DocMeta};
use crate::sketch::{containment_from_jaccard, estimate_jaccard};

/// What the clusters are built from.
pub(super) struct ClusterSource<'a> {
    pub metas: &'a [DocMeta],
    pub figures: &'a [ContentFigures],
    pub sigs: &'a Signatures,
    /// The final round's verified pairs.
    pub verified: &'a [VerifiedPair],
    /// Exact shingle sets of candidate documents (`--verify exact` only).
    pub exact_sets: &'a HashMap<u32, Vec<u64>>,
    /// `--threshold`: the Jaccard at or above which a pair is similar (else contained).
    pub threshold: f64,
    pub keep: KeepPolicy,
}

/// A clustered document's cluster and the document it matches directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Membership {
    /// The cluster's number in the report.
    pub cluster: u64,
    /// The document it matches directly; itself for the representative.
    pub matches: u32,
}

/// What the clusters give the rest of the output.
#[derive(Debug, Default)]
pub(super) struct ClusterOf {
    /// Each clustered document's membership.
    pub of: HashMap<u32, Membership>,
    /// Clusters of documents with the same normalised text.
    pub exact: u64,
    /// Clusters where some member matches the representative only through others.
    pub chained: u64,
}

impl ClusterOf {
    /// Whether document `d` is kept: in no cluster, or its representative.
    pub fn is_kept(&self, d: u32) -> bool {
        self.of.get(&d).is_none_or(|m| m.matches == d)
    }
}

/// How alike two documents are.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Likeness {
    jaccard: f64,
    containment: f64,
}

/// Verified pairs' figures, by (smaller, larger) document index.
type VerifiedFigures = HashMap<(u32, u32), Likeness>;

/// The report's clusters (the representative chosen by `--keep`, every other member with the
/// document it matches directly), and each clustered document's membership.
pub(super) fn clusters(src: &ClusterSource) -> (Vec<Cluster>, ClusterOf) {
    let verified: VerifiedFigures = src
        .verified
        .iter()
        .map(|p| {
            let likeness = Likeness {
                jaccard: p.jaccard,
                containment: p.containment,
            };
            ((p.a, p.b), likeness)
        })
        .collect();
    let mut of = ClusterOf::default();
    let clusters = found_clusters(src)
        .iter()
        .enumerate()
        .map(|(i, c)| report_cluster(src, &verified, i as u64 + 1, c, &mut of))
        .collect();
    (clusters, of)
}

/// The clusters, numbered in the order everything shows them: largest first, then by
/// smallest member (the order `cluster` gives, kept by the stable sort), so the numbers never
/// depend on thread timing.
fn found_clusters(src: &ClusterSource) -> Vec<DuplicateCluster> {
    let metas = src.metas;
    let exact_hashes: Vec<u128> = metas.iter().map(|m| m.exact).collect();
    let size = |d: u32| src.sigs.size(d as usize);
    let choose = |members: &[u32]| {
        let mut by_id = members.to_vec();
        by_id.sort_by(|&a, &b| metas[a as usize].id.cmp(&metas[b as usize].id));
        representative(&by_id, src.keep, |d| {
            src.figures[d as usize].content_words as u64
        })
    };
    let mut found = cluster(&ClusterInput {
        documents: metas.len(),
        pairs: src.verified,
        jaccard: src.threshold,
        exact: &exact_hashes,
        size: &size,
        choose: &choose,
        matches: true,
    });
    found.sort_by_key(|c| std::cmp::Reverse(c.members.len()));
    found
}

/// Cluster `c` as the report shows it: the representative first, the other members by id,
/// each with the figures of its direct match; their memberships go to `of`.
fn report_cluster(
    src: &ClusterSource,
    verified: &VerifiedFigures,
    id: u64,
    c: &DuplicateCluster,
    of: &mut ClusterOf,
) -> Cluster {
    let metas = src.metas;
    let rep = c.representative;
    let exact = c
        .members
        .iter()
        .all(|&d| metas[d as usize].exact == metas[rep as usize].exact);
    of.exact += exact as u64;
    of.chained += c.chained() as u64;
    of.of.insert(
        rep,
        Membership {
            cluster: id,
            matches: rep,
        },
    );
    let mut others: Vec<(u32, u32)> = c.duplicate_of.clone();
    others.sort_by(|a, b| metas[a.0 as usize].id.cmp(&metas[b.0 as usize].id));
    let mut members = vec![ClusterMember {
        id: metas[rep as usize].id.clone(),
        duplicate_of: None,
        similarity: 1.0,
        containment: 1.0,
    }];
    for (d, matched) in others {
        of.of.insert(
            d,
            Membership {
                cluster: id,
                matches: matched,
            },
        );
        let likeness = pair_likeness(src, verified, (matched, d));
        members.push(ClusterMember {
            id: metas[d as usize].id.clone(),
            duplicate_of: (matched != rep).then(|| metas[matched as usize].id.clone()),
            similarity: round4(likeness.jaccard),
            containment: round4(likeness.containment),
        });
    }
    Cluster {
        id,
        representative: metas[rep as usize].id.clone(),
        exact,
        chained: c.chained(),
        documents: members,
    }
}

/// The similarity and containment of two documents of a cluster, from the best evidence at
/// hand: the same text, exact sets, the verified pair, or their signatures.
fn pair_likeness(src: &ClusterSource, verified: &VerifiedFigures, (a, b): (u32, u32)) -> Likeness {
    let metas = src.metas;
    if a == b || metas[a as usize].exact == metas[b as usize].exact {
        return Likeness {
            jaccard: 1.0,
            containment: 1.0,
        };
    }
    if let (Some(sa), Some(sb)) = (src.exact_sets.get(&a), src.exact_sets.get(&b)) {
        let (jaccard, containment) = crate::text::jaccard_and_containment(sa, sb);
        return Likeness {
            jaccard,
            containment,
        };
    }
    if let Some(&v) = verified.get(&(a.min(b), a.max(b))) {
        return v;
    }
    let sigs = src.sigs;
    match (sigs.get(a as usize), sigs.get(b as usize)) {
        (Some(x), Some(y)) => {
            let jaccard = estimate_jaccard(x, y);
            let containment = containment_from_jaccard(
                jaccard,
                sigs.size(a as usize) as usize,
                sigs.size(b as usize) as usize,
            );
            Likeness {
                jaccard,
                containment,
            }
        }
        _ => Likeness {
            jaccard: 0.0,
            containment: 0.0,
        },
    }
}

/// Every verified pair with its ids, figures and how it was judged.
pub(super) fn pair_records(src: &ClusterSource) -> Vec<PairRecord> {
    let id = |d: u32| src.metas[d as usize].id.clone();
    src.verified
        .iter()
        .map(|p| {
            let estimate = match (src.sigs.get(p.a as usize), src.sigs.get(p.b as usize)) {
                (Some(x), Some(y)) => Some(round4(estimate_jaccard(x, y))),
                _ => None,
            };
            PairRecord {
                a: id(p.a),
                b: id(p.b),
                jaccard: round4(p.jaccard),
                estimated_jaccard: estimate,
                containment: round4(p.containment),
                judged: if p.exact {
                    Judgement::Exact
                } else {
                    Judgement::Signature
                },
                joined_by: if p.jaccard >= src.threshold {
                    JoinedBy::Jaccard
                } else {
                    JoinedBy::Containment
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::Basis;

    /// A small corpus: documents by id, their content words, exact-text groups and pairs.
    struct Corpus {
        metas: Vec<DocMeta>,
        figures: Vec<ContentFigures>,
        sigs: Signatures,
        verified: Vec<VerifiedPair>,
        exact_sets: HashMap<u32, Vec<u64>>,
    }

    impl Corpus {
        /// Documents `(id, content words, exact-text group)`, in index order.
        fn new(docs: &[(&str, u32, u128)]) -> Corpus {
            Corpus {
                metas: docs
                    .iter()
                    .enumerate()
                    .map(|(i, &(id, _, exact))| DocMeta {
                        id: id.to_string(),
                        line: 0,
                        file: i as u32,
                        site: 0,
                        exact,
                        lossy: false,
                        text_hash: i as u64,
                    })
                    .collect(),
                figures: docs
                    .iter()
                    .map(|&(_, words, _)| ContentFigures {
                        shingles: words,
                        content_words: words,
                        basis: Basis::Content,
                        bulk: None,
                    })
                    .collect(),
                sigs: Signatures::new(8, docs.len()),
                verified: Vec::new(),
                exact_sets: HashMap::default(),
            }
        }

        /// A verified pair of documents `a` < `b`.
        fn pair(mut self, a: u32, b: u32, jaccard: f64, containment: f64) -> Corpus {
            self.verified.push(VerifiedPair {
                a,
                b,
                jaccard,
                containment,
                exact: false,
            });
            self
        }

        fn source(&self, keep: KeepPolicy) -> ClusterSource<'_> {
            ClusterSource {
                metas: &self.metas,
                figures: &self.figures,
                sigs: &self.sigs,
                verified: &self.verified,
                exact_sets: &self.exact_sets,
                threshold: 0.8,
                keep,
            }
        }
    }

    /// (id, duplicate_of, similarity) of each member as the report lists them.
    fn members(c: &Cluster) -> Vec<(&str, Option<&str>, f64)> {
        c.documents
            .iter()
            .map(|m| (m.id.as_str(), m.duplicate_of.as_deref(), m.similarity))
            .collect()
    }

    #[test]
    fn the_representative_follows_the_keep_policy() {
        // Index order differs from id order: "first" means first by id.
        let corpus = Corpus::new(&[("c", 50, 1), ("a", 10, 2), ("b", 90, 3)])
            .pair(0, 1, 0.9, 0.9)
            .pair(0, 2, 0.9, 0.9)
            .pair(1, 2, 0.9, 0.9);
        let rep = |keep| clusters(&corpus.source(keep)).0[0].representative.clone();
        assert_eq!(rep(KeepPolicy::First), "a");
        assert_eq!(rep(KeepPolicy::Longest), "b");
        assert_eq!(rep(KeepPolicy::Shortest), "a");
    }

    #[test]
    fn members_follow_the_representative_by_id_with_their_direct_match() {
        // a ~ b ~ c, but a and c are no verified pair: c matches b directly (a chain).
        let corpus = Corpus::new(&[("a", 10, 1), ("c", 10, 2), ("b", 10, 3)])
            .pair(0, 2, 0.9, 0.95)
            .pair(1, 2, 0.85, 0.9);
        let (found, of) = clusters(&corpus.source(KeepPolicy::First));
        assert_eq!(found.len(), 1);
        let c = &found[0];
        assert_eq!((c.id, c.representative.as_str()), (1, "a"));
        assert!(c.chained && !c.exact);
        assert_eq!(
            members(c),
            vec![("a", None, 1.0), ("b", None, 0.9), ("c", Some("b"), 0.85)]
        );
        assert_eq!(c.documents[2].containment, 0.9);
        assert_eq!((of.exact, of.chained), (0, 1));
        assert_eq!(
            of.of[&1],
            Membership {
                cluster: 1,
                matches: 2
            }
        );
        assert!(of.is_kept(0), "the representative");
        assert!(!of.is_kept(1) && !of.is_kept(2));
        assert!(!of.of.contains_key(&3));
    }

    #[test]
    fn clusters_are_numbered_largest_first_then_by_smallest_member() {
        let corpus = Corpus::new(&[
            ("p1", 10, 1),
            ("p2", 10, 2),
            ("q1", 10, 3),
            ("q2", 10, 4),
            ("q3", 10, 5),
            ("r1", 10, 6),
            ("r2", 10, 7),
            ("alone", 10, 8),
        ])
        .pair(0, 1, 0.9, 0.9)
        .pair(2, 3, 0.9, 0.9)
        .pair(2, 4, 0.9, 0.9)
        .pair(5, 6, 0.9, 0.9);
        let (found, of) = clusters(&corpus.source(KeepPolicy::First));
        let reps: Vec<(u64, &str, usize)> = found
            .iter()
            .map(|c| (c.id, c.representative.as_str(), c.documents.len()))
            .collect();
        assert_eq!(reps, vec![(1, "q1", 3), (2, "p1", 2), (3, "r1", 2)]);
        assert!(of.is_kept(7), "a document in no cluster is kept");
        assert_eq!(of.of.len(), 7);
    }

    #[test]
    fn the_same_text_is_an_exact_cluster_of_full_similarity() {
        let corpus = Corpus::new(&[("a", 10, 7), ("b", 10, 7)]);
        let (found, of) = clusters(&corpus.source(KeepPolicy::First));
        assert_eq!(found.len(), 1);
        assert!(found[0].exact);
        assert_eq!(members(&found[0]), vec![("a", None, 1.0), ("b", None, 1.0)]);
        assert_eq!(of.exact, 1);
    }

    #[test]
    fn pair_records_say_how_each_pair_was_joined() {
        let corpus = Corpus::new(&[("a", 10, 1), ("b", 10, 2), ("c", 10, 3)])
            .pair(0, 1, 0.91234, 0.95)
            .pair(1, 2, 0.5, 0.97);
        let pairs = pair_records(&corpus.source(KeepPolicy::First));
        let shown: Vec<(&str, &str, f64, JoinedBy, Option<f64>)> = pairs
            .iter()
            .map(|p| {
                (
                    p.a.as_str(),
                    p.b.as_str(),
                    p.jaccard,
                    p.joined_by,
                    p.estimated_jaccard,
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                ("a", "b", 0.9123, JoinedBy::Jaccard, None),
                ("b", "c", 0.5, JoinedBy::Containment, None),
            ]
        );
    }
}
