//! Near-duplicate documents: LSH candidates → verification → clusters.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rayon::prelude::*;

use crate::detect::union_find::UnionFind;
use crate::sketch::{candidate_pairs, containment_from_jaccard, estimate_jaccard, LshParams};
use crate::text::jaccard_and_containment;

pub use crate::sketch::lsh::MAX_BUCKET;
pub use crate::sketch::Thresholds;

/// Signatures of a whole corpus, stored flat: `num_perm` values per document, each cut to its
/// high 16 bits. Half the memory of the full values; two different values then agree by chance
/// once in 65,536 positions, which moves a Jaccard estimate by at most 1.5·10⁻⁵, and a band of
/// two or more rows still has a 32-bit key.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Signatures {
    num_perm: usize,
    #[serde(with = "crate::packed::u16s")]
    values: Vec<u16>,
    /// Distinct shingles per document; 0 marks a document without a signature.
    sizes: Vec<u32>,
}

impl Signatures {
    /// Room for `docs` documents of `num_perm` values, all without a signature.
    pub fn new(num_perm: usize, docs: usize) -> Signatures {
        Signatures {
            num_perm,
            values: vec![u16::MAX; num_perm * docs],
            sizes: vec![0; docs],
        }
    }

    /// Sets document `doc`'s signature (full values, kept cut to 16 bits) and distinct shingle
    /// count.
    pub fn set(&mut self, doc: usize, signature: &[u32], size: u32) {
        let n = self.num_perm;
        for (slot, &v) in self.values[doc * n..(doc + 1) * n]
            .iter_mut()
            .zip(signature)
        {
            *slot = cut(v);
        }
        self.sizes[doc] = size;
    }

    /// Marks document `doc` as having no signature.
    pub fn clear(&mut self, doc: usize) {
        self.sizes[doc] = 0;
    }

    /// Document `doc`'s signature (values cut to 16 bits), if it has shingles.
    pub fn get(&self, doc: usize) -> Option<&[u16]> {
        let n = self.num_perm;
        (self.sizes[doc] > 0).then(|| &self.values[doc * n..(doc + 1) * n])
    }

    /// Distinct shingles of document `doc`.
    pub fn size(&self, doc: usize) -> u32 {
        self.sizes[doc]
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.sizes.len()
    }
}

/// A signature value as the store keeps it: its high 16 bits.
pub fn cut(value: u32) -> u16 {
    (value >> 16) as u16
}

/// A candidate pair that passed verification.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerifiedPair {
    /// Smaller document index.
    pub a: u32,
    /// Larger document index.
    pub b: u32,
    /// (Estimated or exact) Jaccard similarity.
    pub jaccard: f64,
    /// Containment of the smaller shingle set in the larger.
    pub containment: f64,
    /// Whether the figures come from exact shingle sets (else from the signatures).
    pub exact: bool,
}

/// Candidate pairs of the corpus.
pub fn candidates(sigs: &Signatures, params: LshParams) -> Vec<(u32, u32)> {
    let refs: Vec<Option<&[u16]>> = (0..sigs.len()).map(|d| sigs.get(d)).collect();
    candidate_pairs(&refs, params, MAX_BUCKET)
}

/// Verifies candidates against the full signatures.
pub fn verify_by_signature(
    pairs: &[(u32, u32)],
    sigs: &Signatures,
    thresholds: &Thresholds,
) -> (Vec<VerifiedPair>, Vec<f64>) {
    split_judged(
        judge_by_signature(pairs, sigs, thresholds)
            .into_iter()
            .map(|v| v.verdict)
            .collect(),
    )
}

/// The signature verdict on each candidate pair (pairs with a document without a signature
/// are left out), flagged when it is borderline (see [`is_borderline`]).
pub fn judge_by_signature(
    pairs: &[(u32, u32)],
    sigs: &Signatures,
    thresholds: &Thresholds,
) -> Vec<SignatureVerdict> {
    pairs
        .par_iter()
        .filter_map(|&(a, b)| {
            let (sa, sb) = (sigs.get(a as usize)?, sigs.get(b as usize)?);
            let sizes = (sigs.size(a as usize), sigs.size(b as usize));
            Some(signature_verdict((a, b), (sa, sb), sizes, thresholds))
        })
        .collect()
}

/// The verdict on documents `pair` from their signatures (cut to 16 bits, [`cut`]) and
/// distinct shingle counts: the one judgement of a candidate pair by signature.
pub fn signature_verdict(
    pair: (u32, u32),
    signatures: (&[u16], &[u16]),
    sizes: (u32, u32),
    thresholds: &Thresholds,
) -> SignatureVerdict {
    let (sa, sb) = signatures;
    let (size_a, size_b) = (sizes.0 as usize, sizes.1 as usize);
    let jaccard = estimate_jaccard(sa, sb);
    let containment = containment_from_jaccard(jaccard, size_a, size_b);
    let verified = VerifiedPair {
        a: pair.0,
        b: pair.1,
        jaccard,
        containment,
        exact: false,
    };
    SignatureVerdict {
        verdict: Judged {
            pair: verified,
            accepted: thresholds.accept(jaccard, containment, size_a.min(size_b)),
        },
        borderline: is_borderline(jaccard, size_a, size_b, sa.len(), thresholds),
    }
}

/// Standard errors of the estimated Jaccard within which a signature verdict is not trusted
/// under `--verify auto`: at 2.5, about one pair in 80 whose true figure lies on the other
/// side of a threshold would otherwise be judged wrong.
pub const BORDERLINE_STANDARD_ERRORS: f64 = 2.5;

/// Whether the signature verdict on a candidate pair could flip within the estimation error:
/// the pair is accepted at its estimated Jaccard plus [`BORDERLINE_STANDARD_ERRORS`] standard
/// errors (`sqrt(J(1−J)/m)` for `m` signature values, at least that of one value in `m`) and
/// rejected at the estimate minus as many.
pub fn is_borderline(
    estimate: f64,
    size_a: usize,
    size_b: usize,
    num_perm: usize,
    thresholds: &Thresholds,
) -> bool {
    let m = num_perm.max(1) as f64;
    let spread = (estimate * (1.0 - estimate) / m).max(1.0 / (m * m)).sqrt();
    let margin = BORDERLINE_STANDARD_ERRORS * spread;
    let judge = |j: f64| {
        let j = j.clamp(0.0, 1.0);
        thresholds.accept(
            j,
            containment_from_jaccard(j, size_a, size_b),
            size_a.min(size_b),
        )
    };
    judge(estimate + margin) != judge(estimate - margin)
}

/// A verdict on a candidate pair: its figures and whether it passed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judged {
    /// The pair and its figures.
    pub pair: VerifiedPair,
    /// Whether it passes the thresholds.
    pub accepted: bool,
}

/// A verdict from signatures, and whether it could flip within the estimation error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignatureVerdict {
    /// The verdict on the estimated figures.
    pub verdict: Judged,
    /// Whether it is borderline: it could flip within the estimation error, so `--verify auto`
    /// judges the pair on its exact shingle sets.
    pub borderline: bool,
}

/// Judges the pairs whose documents both have an exact shingle set in `sets` (sorted and
/// deduplicated); the others are left out.
pub fn judge_exact(
    pairs: &[(u32, u32)],
    sets: &HashMap<u32, Vec<u64>>,
    thresholds: &Thresholds,
) -> Vec<Judged> {
    pairs
        .par_iter()
        .filter_map(|&(a, b)| {
            Some(judge_pair_exactly(
                (a, b),
                (sets.get(&a)?, sets.get(&b)?),
                thresholds,
            ))
        })
        .collect()
}

/// The verdict on the pair `(a, b)` (`a` < `b`) from their exact shingle sets (sorted,
/// distinct).
pub fn judge_pair_exactly(
    (a, b): (u32, u32),
    (sa, sb): (&[u64], &[u64]),
    thresholds: &Thresholds,
) -> Judged {
    let (jaccard, containment) = jaccard_and_containment(sa, sb);
    let pair = VerifiedPair {
        a,
        b,
        jaccard,
        containment,
        exact: true,
    };
    Judged {
        pair,
        accepted: thresholds.accept(jaccard, containment, sa.len().min(sb.len())),
    }
}

/// Accepted pairs, and the Jaccard of the rejected ones (near misses, for histograms), in
/// the order given.
pub fn split_judged(judged: Vec<Judged>) -> (Vec<VerifiedPair>, Vec<f64>) {
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    for j in judged {
        if j.accepted {
            accepted.push(j.pair);
        } else {
            rejected.push(j.pair.jaccard);
        }
    }
    (accepted, rejected)
}

/// Shingles of exact sets held at once while borderline pairs are checked (8 bytes each):
/// memory stays bounded however many pairs are borderline.
pub const VERIFY_BATCH_SHINGLES: u64 = 1 << 20;

/// `pairs` in consecutive batches whose documents hold at most `budget` shingles in all
/// (a batch holds at least one pair).
pub fn batches_by_shingles<'a>(
    pairs: &'a [(u32, u32)],
    sigs: &Signatures,
    budget: u64,
) -> Vec<&'a [(u32, u32)]> {
    let mut batches = Vec::new();
    let mut docs: HashSet<u32> = HashSet::default();
    let (mut start, mut cost) = (0, 0u64);
    for (i, &(a, b)) in pairs.iter().enumerate() {
        let added: u64 = [a, b]
            .iter()
            .filter(|d| !docs.contains(d))
            .map(|&d| sigs.size(d as usize) as u64)
            .sum();
        if i > start && cost + added > budget {
            batches.push(&pairs[start..i]);
            (start, cost) = (i, 0);
            docs.clear();
        }
        cost += [a, b]
            .iter()
            .filter(|&&d| docs.insert(d))
            .map(|&d| sigs.size(d as usize) as u64)
            .sum::<u64>();
    }
    if start < pairs.len() {
        batches.push(&pairs[start..]);
    }
    batches
}

/// Exact duplicates (the same hash of the normalised text, `exact[d]`) join whatever their
/// length.
pub fn join_exact_duplicates(exact: &[u128], uf: &mut UnionFind) {
    for (a, b) in exact_duplicate_links(exact) {
        uf.union(a, b);
    }
}

/// Pairs of documents with the same text (`exact[d]`, the hash of the normalised text), each
/// document linked to the next one with its text: enough to connect every group of copies.
pub fn exact_duplicate_links(exact: &[u128]) -> Vec<(u32, u32)> {
    let mut by_exact: Vec<(u128, u32)> = exact
        .iter()
        .enumerate()
        .map(|(d, &h)| (h, d as u32))
        .collect();
    by_exact.sort_unstable();
    by_exact
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| (w[0].1, w[1].1))
        .collect()
}

/// The borderline candidate pairs (see [`is_borderline`]) whose verdict can change a
/// cluster or a direct match: the accepted ones (any may become a dropped document's
/// `duplicate_of`), and the rejected ones whose documents the clearly accepted pairs (and exact
/// duplicates, by `exact[d]`) do not already connect: in a cluster of many copies most rejected
/// borderline pairs are redundant, and checking them exactly would only re-read documents.
pub fn borderline_pairs_that_matter(
    judged: &[SignatureVerdict],
    exact: &[u128],
) -> Vec<(u32, u32)> {
    let mut uf = UnionFind::new(exact.len());
    for v in judged {
        if v.verdict.accepted && !v.borderline {
            uf.union(v.verdict.pair.a, v.verdict.pair.b);
        }
    }
    join_exact_duplicates(exact, &mut uf);
    let mut matter = Vec::new();
    for v in judged {
        let pair = v.verdict.pair;
        // An accepted borderline pair can become a dropped document's direct match, so its
        // verdict must hold exactly; a rejected one matters where it would join two groups.
        if v.borderline && (v.verdict.accepted || uf.find(pair.a) != uf.find(pair.b)) {
            matter.push((pair.a, pair.b));
        }
    }
    matter
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::{lsh_params, mix64, MinHasher};

    #[test]
    fn borderline_only_near_a_threshold() {
        let t = Thresholds {
            jaccard: 0.7,
            containment: None,
            containment_min_shingles: 0,
        };
        assert!(is_borderline(0.7, 100, 100, 128, &t));
        assert!(is_borderline(0.62, 100, 100, 128, &t));
        assert!(!is_borderline(0.95, 100, 100, 128, &t));
        assert!(!is_borderline(0.3, 100, 100, 128, &t));
        // with containment, a small set inside a large one is near the containment threshold
        let c = Thresholds {
            jaccard: 0.7,
            containment: Some(0.8),
            containment_min_shingles: 0,
        };
        let j_at_c = 0.8 * 50.0 / (100.0 + 50.0 - 0.8 * 50.0);
        assert!(is_borderline(j_at_c, 50, 100, 128, &c));
        assert!(!is_borderline(j_at_c, 50, 100, 128, &t));
        // more values, smaller error
        assert!(!is_borderline(0.62, 100, 100, 4096, &t));
    }

    #[test]
    fn truncated_copy_found_by_containment_only() {
        let m = MinHasher::new(128, 3);
        let full: Vec<u64> = (0..400).map(mix64).collect();
        let half: Vec<u64> = (0..200).map(mix64).collect();
        let other: Vec<u64> = (1000..1400).map(mix64).collect();
        let mut sigs = Signatures::new(128, 3);
        sigs.set(0, &m.signature(&full), 400);
        sigs.set(1, &m.signature(&half), 200);
        sigs.set(2, &m.signature(&other), 400);
        let strict = Thresholds {
            jaccard: 0.7,
            containment: None,
            containment_min_shingles: 0,
        };
        let with_c = Thresholds {
            jaccard: 0.7,
            containment: Some(0.8),
            containment_min_shingles: 0,
        };
        let params = lsh_params(&with_c, 128, None, None);
        let pairs = candidates(&sigs, params);
        assert!(pairs.contains(&(0, 1)));
        assert!(!pairs.iter().any(|&(a, b)| a == 2 || b == 2));
        let (ok, _) = verify_by_signature(&pairs, &sigs, &strict);
        assert!(ok.is_empty());
        let (ok, _) = verify_by_signature(&pairs, &sigs, &with_c);
        assert_eq!(ok.len(), 1);
        assert!(ok[0].containment > 0.85, "{:?}", ok[0]);
    }

    #[test]
    fn design_threshold_is_lowered_by_containment() {
        let t = Thresholds {
            jaccard: 0.7,
            containment: Some(0.8),
            containment_min_shingles: 0,
        };
        assert!((t.lsh_design_threshold() - 0.4 / 1.1).abs() < 1e-9);
        let p = lsh_params(&t, 128, Some(16), None);
        assert_eq!(p, LshParams { bands: 16, rows: 8 });
    }
}
