//! MinHash signatures by one-permutation hashing with optimal densification.
//!
//! Classic MinHash applies N hash functions to every shingle: N multiplications per shingle,
//! whatever the instruction set. One-permutation hashing (Li, Owen and Zhang, 2012) hashes each
//! shingle once, splits the hash range into N bins, and keeps the smallest value that falls in
//! each bin: one multiplication per shingle, tens of times faster. A bin that no shingle
//! reaches is filled by optimal densification (Shrivastava, 2017): bin `i` probes bins
//! `p(i, 0), p(i, 1), …` with a hash sequence that depends only on `i` and the seed, and copies
//! the first non-empty bin's value. Two documents with the same empty bins copy the same bins,
//! so the chance that two signatures agree in a position is still exactly their Jaccard
//! similarity (the estimator is unbiased), and for documents with more shingles than bins the
//! variance is lower than classic MinHash's, since the bins sample without replacement.
//!
//! Shingle hashes are already well-mixed 64-bit values; they are mixed once more with the seed
//! so that another seed gives independent signatures. The high 32 bits choose the bin and the
//! low 32 bits are the value kept, so a signature costs 4 bytes per position (the corpus-wide
//! store, `detect::near::Signatures`, keeps the high 16 bits of each).

/// The seeded hashing of a MinHash signature.
#[derive(Debug, Clone)]
pub struct MinHasher {
    num_perm: usize,
    seed: u64,
    /// The first [`CACHED_PROBES`] probes of every bin, precomputed.
    probes: Vec<u16>,
}

/// The murmur3 64-bit finaliser: a bijection that spreads every input bit over the output.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    z = (z ^ (z >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    z ^ (z >> 33)
}

/// `x` scaled from `[0, 2^32)` to `[0, n)` without a division.
#[inline]
fn scale(x: u32, n: usize) -> usize {
    ((x as u64 * n as u64) >> 32) as usize
}

/// Probes an empty bin may make before giving up (only an empty set gets that far: with one
/// non-empty bin of N, a probe finds it with probability 1/N each time).
const MAX_PROBES: u32 = 1 << 16;

/// Probes precomputed per bin; most empty bins find a filled one within them.
const CACHED_PROBES: usize = 8;

impl MinHasher {
    /// A signature of `num_perm` values drawn with `seed`; the same seed gives the same
    /// signatures.
    pub fn new(num_perm: usize, seed: u64) -> MinHasher {
        let seed = mix64(seed ^ 0x6e65_6172_6475_7021);
        let mut h = MinHasher {
            num_perm,
            seed,
            probes: Vec::new(),
        };
        h.probes = (0..num_perm)
            .flat_map(|i| (0..CACHED_PROBES as u32).map(move |a| (i, a)))
            .map(|(i, a)| h.probe(i, a) as u16)
            .collect();
        h
    }

    /// The bin that empty bin `i` looks at on its `attempt`-th probe.
    #[inline]
    fn probe(&self, i: usize, attempt: u32) -> usize {
        let p = mix64(self.seed ^ ((i as u64) << 32 | attempt as u64));
        scale(p as u32, self.num_perm)
    }

    /// Signature length.
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }

    /// The signature of a set of shingle hashes (duplicates allowed). The hashes must be
    /// uniformly distributed 64-bit values, as [`crate::text::shingle_into`] produces; hash
    /// any other keys first (with [`mix64`], say). An empty set gives a signature of
    /// `u32::MAX` in every position.
    pub fn signature(&self, shingles: &[u64]) -> Vec<u32> {
        let mut sig = vec![u32::MAX; self.num_perm];
        self.sign_into(shingles, &mut sig);
        sig
    }

    /// The signatures of many sets at once, row-major in one vector: set `i` is
    /// `flat[offsets[i]..offsets[i + 1]]` (the layout of a batch of documents).
    pub fn sign_batch(&self, flat: &[u64], offsets: &[usize]) -> Vec<u32> {
        let n = self.num_perm;
        let rows = offsets.len().saturating_sub(1);
        let mut out = vec![u32::MAX; rows * n];
        for (row, w) in out.chunks_mut(n).zip(offsets.windows(2)) {
            self.sign_into(&flat[w[0]..w[1]], row);
        }
        out
    }

    /// An empty sketch: the bins of a signature before densification, to be updated one
    /// value at a time ([`MinHasher::sketch_into`]), merged with another by position-wise
    /// minimum, and made a signature by [`MinHasher::finish`] (the streaming form of
    /// [`MinHasher::signature`], as datasketch's `MinHash.update` and `merge` need).
    pub fn empty_sketch(&self) -> Vec<u32> {
        vec![u32::MAX; self.num_perm]
    }

    /// Adds the hashes `shingles` to the sketch `raw` (`num_perm` bins of
    /// [`MinHasher::empty_sketch`]).
    pub fn sketch_into(&self, shingles: &[u64], raw: &mut [u32]) {
        self.scatter(shingles, raw);
    }

    /// The signature of a sketch: the same as [`MinHasher::signature`] of every hash added
    /// to it, whatever the order, the batches or the merges.
    pub fn finish(&self, raw: &[u32]) -> Vec<u32> {
        let mut sig = raw.to_vec();
        self.densify(&mut sig);
        sig
    }

    /// Writes the signature of `shingles` into `sig` (`num_perm` values, all `u32::MAX`).
    fn sign_into(&self, shingles: &[u64], sig: &mut [u32]) {
        self.scatter(shingles, sig);
        self.densify(sig);
    }

    /// Keeps in each bin of `sig` the smallest value of the hashes of `shingles` that fall in
    /// it (one-permutation hashing, before densification).
    fn scatter(&self, shingles: &[u64], sig: &mut [u32]) {
        let n = self.num_perm;
        // Shingle hashes are uniform 64-bit values (the contract of this function), so one
        // seeded multiply and a xor-shift suffice: the high half chooses the bin and the low
        // half is the value, kept below u32::MAX, which marks an empty bin. (A bitset of
        // filled bins, updated per shingle, would chain every update to the last one.)
        let mul = self.seed | 1;
        // Hash a block of shingles first (the compiler vectorises this), then scatter.
        const BLOCK: usize = 16;
        let mut bins = [0u32; BLOCK];
        let mut values = [0u32; BLOCK];
        for block in shingles.chunks(BLOCK) {
            for (k, &x) in block.iter().enumerate() {
                let mut h = (x ^ self.seed).wrapping_mul(mul);
                h ^= h >> 29;
                bins[k] = scale((h >> 32) as u32, n) as u32;
                values[k] = (h as u32).min(u32::MAX - 1);
            }
            for k in 0..block.len() {
                let bin = bins[k] as usize;
                sig[bin] = sig[bin].min(values[k]);
            }
        }
    }

    /// Fills the empty bins of `sig` by optimal densification: each copies the first
    /// non-empty bin among its probes, judged on the bins as they were before densification.
    fn densify(&self, sig: &mut [u32]) {
        let n = self.num_perm;
        // The empty bins are listed first and their values found before any is written, so
        // that filling one cannot change what a later probe sees. Branch-free listing: the
        // index is always stored and the count moves on only for an empty bin.
        let mut small = [0u32; 512];
        let mut large = Vec::new();
        let (empty, values) = if n <= 256 {
            small.split_at_mut(256)
        } else {
            large.resize(2 * n, 0);
            large.split_at_mut(n)
        };
        let mut count = 0;
        for (i, &v) in sig.iter().enumerate() {
            empty[count] = i as u32;
            count += (v == u32::MAX) as usize;
        }
        if count == 0 || count == n {
            return;
        }
        for (&i, value) in empty[..count].iter().zip(values.iter_mut()) {
            let i = i as usize;
            let cached = &self.probes[i * CACHED_PROBES..(i + 1) * CACHED_PROBES];
            let mut found = u32::MAX;
            for &j in cached {
                let v = sig[j as usize];
                if v != u32::MAX {
                    found = v;
                    break;
                }
            }
            if found == u32::MAX {
                found = (CACHED_PROBES as u32..MAX_PROBES)
                    .map(|a| sig[self.probe(i, a)])
                    .find(|&v| v != u32::MAX)
                    .unwrap_or(u32::MAX);
            }
            *value = found;
        }
        for (&i, &v) in empty[..count].iter().zip(values.iter()) {
            sig[i as usize] = v;
        }
    }
}

/// The share of equal positions of two signatures: an unbiased estimate of Jaccard similarity
/// (of full 32-bit values; values cut to 16 bits, as the corpus store keeps
/// them, also agree by chance once in 65,536 positions).
pub fn estimate_jaccard<T: PartialEq>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() {
        return 0.0;
    }
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f64 / a.len() as f64
}

/// Containment of the smaller set in the larger, estimated from Jaccard and the set sizes:
/// |A∩B| = J·(|A|+|B|)/(1+J), divided by min(|A|, |B|) and capped at 1.
pub fn containment_from_jaccard(jaccard: f64, size_a: usize, size_b: usize) -> f64 {
    let small = size_a.min(size_b);
    if small == 0 {
        return 0.0;
    }
    let inter = jaccard * (size_a + size_b) as f64 / (1.0 + jaccard);
    (inter / small as f64).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A sketch fed in any split, merged by position-wise minimum, finishes as the
        /// signature of the whole set.
        #[test]
        fn sketches_split_and_merged_give_the_signature(
            values in proptest::collection::vec(proptest::num::u64::ANY, 0..300),
            cut in 0usize..300,
        ) {
            let h = MinHasher::new(64, 3);
            let cut = cut.min(values.len());
            let (mut a, mut b) = (h.empty_sketch(), h.empty_sketch());
            h.sketch_into(&values[..cut], &mut a);
            for v in &values[cut..] {
                h.sketch_into(std::slice::from_ref(v), &mut b);
            }
            let merged: Vec<u32> = a.iter().zip(&b).map(|(x, y)| *x.min(y)).collect();
            proptest::prop_assert_eq!(h.finish(&merged), h.signature(&values));
        }
    }

    #[test]
    fn identical_sets_identical_signatures() {
        let m = MinHasher::new(100, 7);
        let a = m.signature(&[1, 2, 3, 99]);
        let b = m.signature(&[99, 3, 2, 1, 1]);
        assert_eq!(a, b);
        assert_eq!(estimate_jaccard(&a, &b), 1.0);
        assert_eq!(a.len(), 100);
    }

    #[test]
    fn small_sets_are_densified_consistently() {
        let m = MinHasher::new(128, 9);
        let a = m.signature(&[mix64(10), mix64(20), mix64(30)]);
        assert!(a.iter().all(|&v| v != u32::MAX));
        // three shingles: at most three distinct values
        let mut distinct = a.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert!(distinct.len() <= 3);
        assert_eq!(a, m.signature(&[mix64(30), mix64(10), mix64(20)]));
        assert_ne!(
            a,
            MinHasher::new(128, 10).signature(&[mix64(10), mix64(20), mix64(30)])
        );
        assert!(m.signature(&[]).iter().all(|&v| v == u32::MAX));
    }

    #[test]
    fn batch_equals_one_by_one() {
        let m = MinHasher::new(64, 4);
        let flat: Vec<u64> = (0..300u64).map(mix64).collect();
        let offsets = [0, 10, 10, 150, 300];
        let batch = m.sign_batch(&flat, &offsets);
        for (i, w) in offsets.windows(2).enumerate() {
            assert_eq!(
                &batch[i * 64..(i + 1) * 64],
                &m.signature(&flat[w[0]..w[1]])[..]
            );
        }
    }

    #[test]
    fn containment_formula() {
        // |A|=100, |B|=50, B ⊂ A: J = 0.5, containment of B in A = 1.
        assert!((containment_from_jaccard(0.5, 100, 50) - 1.0).abs() < 1e-9);
        assert_eq!(containment_from_jaccard(0.5, 0, 50), 0.0);
    }
}
