//! Clustering verified pairs, and choosing each cluster's representative.
//!
//! Similar pairs (Jaccard at or above the threshold, or the same text) are symmetric: their
//! connected components are clusters. A pair joined only by containment is directional: the
//! document that lies inside the other is dropped in favour of the one that contains it, and it
//! joins that document's cluster alone, so two documents that both lie inside a third are never
//! joined to each other through it, and a document inside two unrelated ones joins one of them
//! (the one it lies deepest in). Every dropped document names a document it matches directly.

use std::collections::VecDeque;

use rustc_hash::FxHashMap as HashMap;

use super::near::{exact_duplicate_links, VerifiedPair};
use super::union_find::UnionFind;
use crate::config::KeepPolicy;

/// The member kept for a cluster. `members` must be sorted by id, so that the first is the
/// smallest id and ties go to it; `weight` gives the content length used by `longest` and
/// `shortest`.
pub fn representative(members: &[u32], policy: KeepPolicy, weight: impl Fn(u32) -> u64) -> u32 {
    let first = members[0];
    match policy {
        KeepPolicy::First => first,
        KeepPolicy::Longest => {
            members.iter().copied().fold(
                first,
                |best, m| if weight(m) > weight(best) { m } else { best },
            )
        }
        KeepPolicy::Shortest => {
            members.iter().copied().fold(
                first,
                |best, m| if weight(m) < weight(best) { m } else { best },
            )
        }
    }
}

/// A cluster of duplicates: the member kept, and for every other member the document it
/// matches directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateCluster {
    /// Members, sorted by index.
    pub members: Vec<u32>,
    /// The member kept.
    pub representative: u32,
    /// Every other member with the document it matches directly (the representative where it
    /// can), in member order.
    pub duplicate_of: Vec<(u32, u32)>,
}

impl DuplicateCluster {
    /// Whether some member matches the representative only through other members.
    pub fn chained(&self) -> bool {
        self.duplicate_of
            .iter()
            .any(|&(_, m)| m != self.representative)
    }
}

/// What [`cluster`] needs besides the pairs.
pub struct ClusterInput<'a> {
    /// Documents.
    pub documents: usize,
    /// Accepted pairs (Jaccard, or containment of the smaller in the larger).
    pub pairs: &'a [VerifiedPair],
    /// Jaccard at or above which a pair is symmetric.
    pub jaccard: f64,
    /// Hash of each document's normalised text: equal hashes are the same text.
    pub exact: &'a [u128],
    /// Distinct shingles of each document (which of a containment pair is the smaller).
    pub size: &'a dyn Fn(u32) -> u32,
    /// Chooses the member kept among candidates sorted by index (see [`representative`]).
    pub choose: &'a dyn Fn(&[u32]) -> u32,
    /// Whether to find each member's direct match (the report needs it; the clustering rounds,
    /// which only count clusters, do not).
    pub matches: bool,
}

/// Clusters of two or more documents, ordered by smallest member (see the module docs).
pub fn cluster(input: &ClusterInput) -> Vec<DuplicateCluster> {
    let n = input.documents;
    let mut uf = UnionFind::new(n);
    let mut similar: HashMap<u32, Vec<u32>> = HashMap::default();
    let mut link = |a: u32, b: u32, uf: &mut UnionFind| {
        uf.union(a, b);
        similar.entry(a).or_default().push(b);
        similar.entry(b).or_default().push(a);
    };
    for p in input.pairs.iter().filter(|p| p.jaccard >= input.jaccard) {
        link(p.a, p.b, &mut uf);
    }
    for (a, b) in exact_duplicate_links(input.exact) {
        link(a, b, &mut uf);
    }
    let contained = containment_links(input, &mut uf);
    let parent_of = attach_components(input, &mut uf, &contained);
    // Documents in a component of two or more, and the two ends of every attachment.
    let mut involved: Vec<u32> = similar.keys().copied().collect();
    for &(into, from) in parent_of.values() {
        involved.extend([into, from]);
    }
    involved.sort_unstable();
    involved.dedup();
    // The pairs of each document involved, by index.
    let mut pairs_of: HashMap<u32, Vec<u32>> = HashMap::default();
    for (i, p) in input.pairs.iter().enumerate().filter(|_| input.matches) {
        for d in [p.a, p.b] {
            pairs_of.entry(d).or_default().push(i as u32);
        }
    }
    let mut by_root: HashMap<u32, Vec<u32>> = HashMap::default();
    for &d in &involved {
        // Each component goes to the root of its chain of attachments.
        let mut r = uf.find(d);
        while let Some(&(into, _)) = parent_of.get(&r) {
            r = uf.find(into);
        }
        by_root.entry(r).or_default().push(d);
    }
    let mut clusters: Vec<DuplicateCluster> = by_root
        .into_iter()
        .filter(|(_, m)| m.len() > 1)
        .map(|(root, members)| {
            if !input.matches {
                return DuplicateCluster {
                    representative: members[0],
                    members,
                    duplicate_of: Vec::new(),
                };
            }
            let mut comps: HashMap<u32, Vec<u32>> = HashMap::default();
            for &d in &members {
                comps.entry(uf.find(d)).or_default().push(d);
            }
            let rep = (input.choose)(&comps[&root]);
            let mut duplicate_of = Vec::new();
            for (&c, comp) in &comps {
                let start = if c == root {
                    rep
                } else {
                    let (into, from) = parent_of[&c];
                    duplicate_of.push((from, into));
                    from
                };
                breadth_first(start, comp, &similar, &mut duplicate_of);
            }
            prefer_representative(input, &pairs_of, rep, &mut duplicate_of);
            duplicate_of.sort_unstable();
            DuplicateCluster {
                members,
                representative: rep,
                duplicate_of,
            }
        })
        .collect();
    clusters.sort_unstable_by_key(|c| c.members[0]);
    clusters
}

/// Containment pairs between different components, as (smaller, larger, containment).
fn containment_links(input: &ClusterInput, uf: &mut UnionFind) -> Vec<(u32, u32, f64)> {
    let size = input.size;
    input
        .pairs
        .iter()
        .filter(|p| p.jaccard < input.jaccard)
        .filter_map(|p| {
            let (small, large) = if (size(p.a), p.b) < (size(p.b), p.a) {
                (p.a, p.b)
            } else {
                (p.b, p.a)
            };
            (uf.find(small) != uf.find(large)).then_some((small, large, p.containment))
        })
        .collect()
}

/// For each component holding a document that lies inside a document of another component, the
/// component it joins: (the container, the contained document), keyed by the component's root.
/// A component only joins one whose largest document is larger, so attachments never cycle.
fn attach_components(
    input: &ClusterInput,
    uf: &mut UnionFind,
    contained: &[(u32, u32, f64)],
) -> HashMap<u32, (u32, u32)> {
    let mut largest: HashMap<u32, (u32, u32)> = HashMap::default();
    for &(small, large, _) in contained {
        for d in [small, large] {
            let c = uf.find(d);
            let rank = ((input.size)(d), u32::MAX - d);
            let e = largest.entry(c).or_insert(rank);
            *e = (*e).max(rank);
        }
    }
    let mut best: HashMap<u32, (f64, u32, u32)> = HashMap::default();
    for &(small, large, c) in contained {
        let (cs, cl) = (uf.find(small), uf.find(large));
        if largest[&cl] <= largest[&cs] {
            continue;
        }
        let e = best.entry(cs).or_insert((c, large, small));
        if c > e.0 || (c == e.0 && large < e.1) {
            *e = (c, large, small);
        }
    }
    best.into_iter()
        .map(|(comp, (_, large, small))| (comp, (large, small)))
        .collect()
}

/// Points every member that matches the representative directly at it: a similar pair, or a
/// containment pair in which the member is the smaller (a container is never dropped in favour
/// of a document inside it).
fn prefer_representative(
    input: &ClusterInput,
    pairs_of: &HashMap<u32, Vec<u32>>,
    rep: u32,
    duplicate_of: &mut [(u32, u32)],
) {
    let size = input.size;
    let mut direct: HashMap<u32, ()> = HashMap::default();
    let rep_pairs = pairs_of.get(&rep).map_or(&[][..], |v| v.as_slice());
    for p in rep_pairs.iter().map(|&i| &input.pairs[i as usize]) {
        let other = if p.a == rep { p.b } else { p.a };
        if p.jaccard >= input.jaccard || (size(other), other) < (size(rep), rep) {
            direct.insert(other, ());
        }
    }
    for (d, matched) in duplicate_of.iter_mut() {
        if direct.contains_key(d) {
            *matched = rep;
        }
    }
}

/// Adds (member, the member it was reached from) for every member of `component` reached from
/// `start` over similar pairs.
fn breadth_first(
    start: u32,
    component: &[u32],
    similar: &HashMap<u32, Vec<u32>>,
    out: &mut Vec<(u32, u32)>,
) {
    let mut seen: HashMap<u32, ()> = HashMap::default();
    seen.insert(start, ());
    let mut queue = VecDeque::from([start]);
    while let Some(d) = queue.pop_front() {
        let mut next: Vec<u32> = similar.get(&d).cloned().unwrap_or_default();
        next.sort_unstable();
        for m in next {
            if seen.insert(m, ()).is_none() {
                out.push((m, d));
                queue.push_back(m);
            }
        }
    }
    debug_assert!(component.iter().all(|m| seen.contains_key(m)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_join_into_one_group() {
        let mut uf = UnionFind::new(6);
        uf.union(0, 1);
        uf.union(1, 2);
        uf.union(4, 5);
        assert_eq!(uf.groups(), vec![vec![0, 1, 2], vec![4, 5]]);
    }

    #[test]
    fn representative_policies_break_ties_by_first() {
        let w = |m: u32| [10u64, 30, 30, 5][m as usize];
        let members = [0, 1, 2, 3];
        assert_eq!(representative(&members, KeepPolicy::First, w), 0);
        assert_eq!(representative(&members, KeepPolicy::Longest, w), 1);
        assert_eq!(representative(&members, KeepPolicy::Shortest, w), 3);
    }

    fn pair(a: u32, b: u32, jaccard: f64, containment: f64) -> VerifiedPair {
        VerifiedPair {
            a,
            b,
            jaccard,
            containment,
            exact: false,
        }
    }

    /// Clusters of `pairs` over documents whose sizes are `sizes`, keeping the first member.
    fn clusters_of(pairs: &[VerifiedPair], sizes: &[u32]) -> Vec<DuplicateCluster> {
        let exact: Vec<u128> = (0..sizes.len() as u128).collect();
        let size = |d: u32| sizes[d as usize];
        cluster(&ClusterInput {
            documents: sizes.len(),
            pairs,
            jaccard: 0.7,
            exact: &exact,
            size: &size,
            choose: &|m: &[u32]| m[0],
            matches: true,
        })
    }

    #[test]
    fn two_documents_inside_a_third_join_it_not_each_other() {
        // 0 and 1 are different short documents, both inside the long 2.
        let c = clusters_of(
            &[pair(0, 2, 0.2, 0.95), pair(1, 2, 0.3, 0.9)],
            &[20, 30, 100],
        );
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].representative, 2,
            "the container is kept, whatever --keep says"
        );
        assert_eq!(c[0].duplicate_of, vec![(0, 2), (1, 2)]);
        assert!(!c[0].chained());
    }

    #[test]
    fn a_document_inside_two_unrelated_ones_joins_only_the_deeper() {
        // 0 lies inside 1 (0.85) and inside 2 (0.95); 1 and 2 are unrelated.
        let c = clusters_of(
            &[pair(0, 1, 0.2, 0.85), pair(0, 2, 0.1, 0.95)],
            &[20, 80, 200],
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].members, vec![0, 2]);
        assert_eq!(c[0].duplicate_of, vec![(0, 2)]);
    }

    #[test]
    fn chains_name_the_member_matched_directly() {
        // 0 ~ 1 ~ 2 by Jaccard, 0 and 2 below the threshold.
        let c = clusters_of(
            &[pair(0, 1, 0.8, 0.9), pair(1, 2, 0.75, 0.9)],
            &[50, 52, 55],
        );
        assert_eq!(c[0].representative, 0);
        assert_eq!(c[0].duplicate_of, vec![(1, 0), (2, 1)]);
        assert!(c[0].chained());
    }

    #[test]
    fn a_truncated_copy_of_a_member_joins_through_it() {
        // 0 ~ 1 similar; 2 is a truncated copy of 1 only.
        let c = clusters_of(
            &[pair(0, 1, 0.9, 0.95), pair(1, 2, 0.4, 0.9)],
            &[100, 100, 40],
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].representative, 0);
        assert_eq!(c[0].duplicate_of, vec![(1, 0), (2, 1)]);
    }
}
