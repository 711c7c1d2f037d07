//! Locality-sensitive hashing by banding: parameter choice and candidate pairs.
//!
//! A signature of `b·r` values is cut into `b` bands of `r` rows; two documents whose values
//! agree in every row of at least one band become a candidate pair. A pair of true Jaccard `s`
//! becomes a candidate with probability `1 - (1 - s^r)^b` (the S-curve).

use rayon::prelude::*;
use serde::Serialize;

use crate::human::count;

/// Bands and rows of an LSH index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LshParams {
    /// Number of bands.
    pub bands: usize,
    /// Rows (signature values) per band.
    pub rows: usize,
}

/// Weight of the false-negative area when choosing parameters. Verification against the full
/// signature removes false positives at the cost of a few comparisons each, while a missed
/// pair is lost for good, so misses weigh nine times as much as extra candidates.
pub const FALSE_NEGATIVE_WEIGHT: f64 = 0.9;

/// Probability that a pair of Jaccard `s` shares at least one band.
pub fn catch_probability(s: f64, params: LshParams) -> f64 {
    1.0 - (1.0 - s.powi(params.rows as i32)).powi(params.bands as i32)
}

/// Area under `f` on `[lo, hi]` by the trapezoidal rule (the integrands are smooth).
fn integrate(f: impl Fn(f64) -> f64, lo: f64, hi: f64) -> f64 {
    const STEPS: usize = 200;
    let h = (hi - lo) / STEPS as f64;
    let inner: f64 = (1..STEPS).map(|i| f(lo + i as f64 * h)).sum();
    h * (inner + (f(lo) + f(hi)) / 2.0)
}

/// The bands and rows (with `bands·rows ≤ num_perm`) that minimise the weighted areas of false
/// positives (catch probability below `threshold`) and false negatives (miss probability above
/// it), with false negatives weighted by [`FALSE_NEGATIVE_WEIGHT`].
pub fn optimal_params(threshold: f64, num_perm: usize) -> LshParams {
    optimal_params_catching(threshold, num_perm, 0.0)
}

/// Catch probability that derived parameters must reach at the Jaccard threshold itself (where
/// they can within the signature): the area-weighted optimum alone catches only 80–90% of the
/// pairs that sit right at the threshold, and those are lost for good.
pub const MIN_CATCH_AT_THRESHOLD: f64 = 0.98;

/// [`optimal_params`] among the bands and rows that catch a pair of Jaccard `must_catch` with
/// probability at least [`MIN_CATCH_AT_THRESHOLD`]; the plain optimum when none does.
pub fn optimal_params_catching(threshold: f64, num_perm: usize, must_catch: f64) -> LshParams {
    let fn_weight = FALSE_NEGATIVE_WEIGHT;
    let fp_weight = 1.0 - fn_weight;
    let mut best = LshParams { bands: 1, rows: 1 };
    let mut best_cost = f64::INFINITY;
    let catches = |p: LshParams| catch_probability(must_catch, p) >= MIN_CATCH_AT_THRESHOLD;
    let any_catches = must_catch <= 0.0
        || (1..=num_perm).any(|rows| {
            catches(LshParams {
                bands: num_perm / rows,
                rows,
            })
        });
    for bands in 1..=num_perm {
        for rows in 1..=num_perm / bands {
            let p = LshParams { bands, rows };
            if any_catches && must_catch > 0.0 && !catches(p) {
                continue;
            }
            let fp = integrate(|s| catch_probability(s, p), 0.0, threshold);
            let fneg = integrate(|s| 1.0 - catch_probability(s, p), threshold, 1.0);
            let cost = fp_weight * fp + fn_weight * fneg;
            if cost < best_cost - 1e-12 {
                best_cost = cost;
                best = p;
            }
        }
    }
    best
}

/// Thresholds a pair must pass.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    /// Jaccard threshold.
    pub jaccard: f64,
    /// Containment threshold, if containment counts.
    pub containment: Option<f64>,
    /// Distinct shingles the smaller document needs for a join by containment: a short list
    /// or a sentence inside a large page is no truncated copy of it.
    pub containment_min_shingles: usize,
}

impl Thresholds {
    /// Whether a pair with these figures is a duplicate, the smaller of its documents holding
    /// `smaller` distinct shingles.
    pub fn accept(&self, jaccard: f64, containment: f64, smaller: usize) -> bool {
        jaccard >= self.jaccard
            || (smaller >= self.containment_min_shingles
                && self.containment.is_some_and(|c| containment >= c))
    }

    /// The Jaccard that LSH must catch: with containment on, a copy holding half of a longer
    /// document with containment `c` has Jaccard `c·r/(1+r−c·r)` at size ratio `r = 0.5`, which
    /// is lower than the Jaccard threshold; the bands are chosen for the lower of the two.
    pub fn lsh_design_threshold(&self) -> f64 {
        match self.containment {
            Some(c) => {
                let r = CONTAINMENT_MIN_RATIO;
                self.jaccard.min(c * r / (1.0 + r - c * r))
            }
            None => self.jaccard,
        }
    }
}

/// Shortest copy, relative to the longer document, that containment candidates are designed
/// to catch reliably.
pub const CONTAINMENT_MIN_RATIO: f64 = 0.5;

/// Buckets with more documents than this yield linear pairs (see [`candidate_pairs`]).
pub const MAX_BUCKET: usize = 128;

/// The LSH parameters for a scan: the user's bands and rows, or derived ones.
pub fn lsh_params(
    thresholds: &Thresholds,
    num_perm: usize,
    bands: Option<usize>,
    rows: Option<usize>,
) -> LshParams {
    let derived = optimal_params_catching(
        thresholds.lsh_design_threshold(),
        num_perm,
        thresholds.jaccard,
    );
    match (bands, rows) {
        (Some(b), Some(r)) => LshParams { bands: b, rows: r },
        (Some(b), None) => LshParams {
            bands: b,
            rows: (num_perm / b).max(1),
        },
        (None, Some(r)) => LshParams {
            bands: (num_perm / r).max(1),
            rows: r,
        },
        (None, None) => derived,
    }
}

/// Bytes a document costs beyond its signature, measured on generated corpora (ids, spans of
/// template lines, bookkeeping); see README, "Performance".
pub const BYTES_PER_DOCUMENT_BESIDES_SIGNATURE: usize = 1_900;

/// A text for `neardup params`: the bands and rows a configuration gives, the S-curve, and the
/// memory signatures need.
pub fn describe(
    thresholds: &Thresholds,
    num_perm: usize,
    bands: Option<usize>,
    rows: Option<usize>,
) -> String {
    use std::fmt::Write;
    let p = lsh_params(thresholds, num_perm, bands, rows);
    let mut out = String::new();
    let design = thresholds.lsh_design_threshold();
    let _ = writeln!(
        out,
        "threshold {} (containment {}), {}",
        thresholds.jaccard,
        thresholds
            .containment
            .map(|c| c.to_string())
            .unwrap_or_else(|| "off".to_string()),
        count(num_perm as u64, "permutation")
    );
    let _ = writeln!(
        out,
        "LSH: {} x {} ({} of {} used), designed for Jaccard {:.3}",
        count(p.bands as u64, "band"),
        count(p.rows as u64, "row"),
        p.bands * p.rows,
        count(num_perm as u64, "value"),
        design
    );
    if let Some(c) = thresholds
        .containment
        .filter(|_| design < thresholds.jaccard)
    {
        let _ = writeln!(
            out,
            "  (the Jaccard of a copy that holds half of a document at containment {c})"
        );
    }
    let _ = writeln!(out, "\nprobability that a pair becomes a candidate:");
    let _ = writeln!(out, "  Jaccard   P(candidate)");
    // From 0.5, or from below the design point when containment lowers it, so that the point
    // the bands were chosen for is on the curve.
    let first = (((design - 0.1) / 0.05).floor() as i64).clamp(1, 10);
    let mut points: Vec<f64> = (first..=20).map(|i| i as f64 * 0.05).collect();
    if !points.iter().any(|s| (s - design).abs() < 1e-9) {
        points.push(design);
        points.sort_by(f64::total_cmp);
    }
    for s in points {
        let pr = catch_probability(s, p);
        let bar = "#".repeat((pr * 40.0).round() as usize);
        let mark = if (s - thresholds.jaccard).abs() < 1e-9 {
            " <- threshold"
        } else if (s - design).abs() < 1e-9 {
            " <- design (half copy)"
        } else {
            ""
        };
        let _ = writeln!(out, "  {s:.2}      {pr:.4}  {bar}{mark}");
    }
    // two bytes a value: the signature store keeps 16 bits of each
    let sig = 2 * num_perm;
    let _ = writeln!(
        out,
        "\nmemory per million documents: signatures {} MB, whole scan about {:.1} GB",
        sig,
        (sig + BYTES_PER_DOCUMENT_BESIDES_SIGNATURE) as f64 / 1e3
    );
    out
}

/// Candidate pairs `(i, j)` with `i < j`, sorted and deduplicated, among the signatures given.
/// `None` entries (documents without shingles) take no part. A bucket of more than
/// `max_bucket` documents yields only the pairs of each member with its first member and with
/// its neighbour, which keeps huge buckets (thousands of copies of one page) linear while still
/// connecting every member for clustering.
pub fn candidate_pairs<T: Copy + Into<u64> + Sync>(
    signatures: &[Option<&[T]>],
    params: LshParams,
    max_bucket: usize,
) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = (0..params.bands)
        .into_par_iter()
        .flat_map_iter(|band| {
            let lo = band * params.rows;
            let hi = lo + params.rows;
            let mut keys: Vec<(u64, u32)> = signatures
                .iter()
                .enumerate()
                .filter_map(|(doc, sig)| sig.map(|s| (band_key(band, &s[lo..hi]), doc as u32)))
                .collect();
            keys.sort_unstable();
            let mut out = Vec::new();
            let mut members: Vec<u32> = Vec::new();
            for bucket in keys.chunk_by(|a, b| a.0 == b.0) {
                members.clear();
                members.extend(bucket.iter().map(|&(_, d)| d));
                bucket_pairs(&members, max_bucket, &mut out);
            }
            out
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// The key of each band of `signature` (`params.bands` keys; `signature` holds at least
/// `bands × rows` values): two signatures share a key in band `b` exactly when their values
/// agree in every row of band `b`, up to a collision of about 2^-64.
pub fn band_keys<T: Copy + Into<u64>>(signature: &[T], params: LshParams) -> Vec<u64> {
    (0..params.bands)
        .map(|band| {
            let lo = band * params.rows;
            band_key(band, &signature[lo..lo + params.rows])
        })
        .collect()
}

/// A 64-bit key of one band of a signature: a multiply-rotate fold of its values, finished
/// with an avalanche. Two different bands collide by accident with probability about 2^-64
/// (or that of their values, when a band holds fewer than 64 bits).
#[inline]
fn band_key<T: Copy + Into<u64>>(band: usize, values: &[T]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (band as u64 + 1).wrapping_mul(K);
    for &v in values {
        h = (h.rotate_left(27) ^ v.into()).wrapping_mul(K);
    }
    h ^= h >> 31;
    h = h.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    h ^ (h >> 32)
}

/// The candidate pairs of one LSH bucket (the documents whose signatures share one band key,
/// in ascending order), appended to `out` as `(smaller, larger)`: every pair, or, in a bucket
/// of more than `max_bucket` documents, each member with its neighbour and with the first
/// member (linear, and still connected). The kernel [`candidate_pairs`] runs on every bucket;
/// a pipeline that shuffles documents by band key runs it on each bucket it gathers.
pub fn bucket_pairs(docs: &[u32], max_bucket: usize, out: &mut Vec<(u32, u32)>) {
    if docs.len() <= max_bucket {
        for (i, &a) in docs.iter().enumerate() {
            for &b in &docs[i + 1..] {
                out.push((a.min(b), a.max(b)));
            }
        }
    } else {
        for w in docs.windows(2) {
            out.push((w[0].min(w[1]), w[0].max(w[1])));
        }
        for &b in docs.get(2..).unwrap_or(&[]) {
            out.push((docs[0].min(b), docs[0].max(b)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s_curve_is_monotone_and_bounded() {
        let p = LshParams { bands: 16, rows: 8 };
        assert!(catch_probability(0.0, p) == 0.0);
        assert!((catch_probability(1.0, p) - 1.0).abs() < 1e-12);
        let mut last = 0.0;
        for i in 1..=10 {
            let c = catch_probability(i as f64 / 10.0, p);
            assert!(c >= last);
            last = c;
        }
    }

    #[test]
    fn derived_params_use_the_budget_and_catch_pairs_at_threshold() {
        for &(t, n) in &[(0.5, 128), (0.7, 128), (0.8, 128), (0.9, 256), (0.8, 64)] {
            let p = optimal_params(t, n);
            assert!(p.bands * p.rows <= n);
            assert!(catch_probability(t, p) > 0.8, "{t} {n} {p:?}");
            assert!(catch_probability(t + 0.1, p) > 0.98, "{t} {n} {p:?}");
            assert!(catch_probability(t - 0.3, p) < 0.5, "{t} {n} {p:?}");
        }
    }

    #[test]
    fn describe_states_bands_and_curve() {
        let t = Thresholds {
            jaccard: 0.8,
            containment: None,
            containment_min_shingles: 0,
        };
        let text = describe(&t, 128, None, None);
        assert!(text.contains("LSH: 17 bands x 7 rows"), "{text}");
        assert!(text.contains("0.80      0.98"), "{text}");
        assert!(text.contains("signatures 256 MB"), "{text}");
    }

    #[test]
    fn known_params() {
        // Regression values for the documented weights; the S-curve figures are in README.
        assert_eq!(optimal_params(0.7, 128), LshParams { bands: 20, rows: 6 });
        assert_eq!(optimal_params(0.8, 128), LshParams { bands: 14, rows: 9 });
    }

    #[test]
    fn pairs_at_the_threshold_are_caught() {
        for &(t, n) in &[(0.5, 128), (0.7, 128), (0.8, 128), (0.9, 128), (0.8, 256)] {
            let p = optimal_params_catching(t, n, t);
            assert!(p.bands * p.rows <= n);
            assert!(
                catch_probability(t, p) >= MIN_CATCH_AT_THRESHOLD,
                "{t} {n} {p:?}"
            );
            // still a threshold, not a catch-all
            assert!(catch_probability(t - 0.4, p) < 0.3, "{t} {n} {p:?}");
        }
        // with too few values to reach it, the plain optimum
        assert_eq!(optimal_params_catching(0.1, 8, 0.1), optimal_params(0.1, 8));
    }

    #[test]
    fn buckets_pair_identical_bands_only() {
        let a = [1u32, 2, 3, 4];
        let b = [1u32, 2, 9, 9];
        let c = [7u32, 7, 7, 7];
        let sigs = vec![Some(&a[..]), Some(&b[..]), Some(&c[..]), None];
        let pairs = candidate_pairs(&sigs, LshParams { bands: 2, rows: 2 }, 100);
        assert_eq!(pairs, vec![(0, 1)]);
    }

    #[test]
    fn huge_buckets_stay_connected_and_linear() {
        let s = [5u32; 4];
        let sigs: Vec<Option<&[u32]>> = (0..1000).map(|_| Some(&s[..])).collect();
        let pairs = candidate_pairs(&sigs, LshParams { bands: 1, rows: 4 }, 10);
        assert!(pairs.len() < 2000);
        assert!(pairs.contains(&(0, 999)) && pairs.contains(&(500, 501)));
    }
}
