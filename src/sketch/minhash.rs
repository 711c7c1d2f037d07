//! MinHash signatures.
//!
//! The permutation family is multiply-add-shift on 64-bit keys (Dietzfelbinger et al., 1996):
//! `h_i(x) = (a_i·x + b_i mod 2^64) >> 32` with odd random `a_i`. Shingle hashes are already
//! well-mixed 64-bit xxh3 values, so a 2-universal family suffices for unbiased estimates, and
//! this one costs one multiply and one add per lane, with no modulo by a prime (the Mersenne-prime
//! family of datasketch needs a 128-bit product and a reduction). The top 32 bits are kept:
//! collisions between different shingles at 32 bits shift the estimate by about 2^-32 per pair,
//! far below the sampling error, and half the memory of 64-bit values.

/// The permutations of a MinHash: one `(a, b)` pair per signature value.
#[derive(Debug, Clone)]
pub struct MinHasher {
    mul: Vec<u64>,
    add: Vec<u64>,
}

/// SplitMix64: a tiny, well-known generator, enough to draw permutation parameters from a seed.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl MinHasher {
    /// `num_perm` permutations drawn from `seed`; the same seed gives the same signatures.
    pub fn new(num_perm: usize, seed: u64) -> MinHasher {
        let mut state = seed;
        let mut mul = Vec::with_capacity(num_perm);
        let mut add = Vec::with_capacity(num_perm);
        for _ in 0..num_perm {
            mul.push(splitmix64(&mut state) | 1);
            add.push(splitmix64(&mut state));
        }
        MinHasher { mul, add }
    }

    /// Signature length.
    pub fn num_perm(&self) -> usize {
        self.mul.len()
    }

    /// The signature of a set of shingle hashes (duplicates allowed). An empty set gives a
    /// signature of `u32::MAX`, which never matches a non-empty one by chance in a whole band.
    pub fn signature(&self, shingles: &[u64]) -> Vec<u32> {
        let mut sig = vec![u32::MAX; self.mul.len()];
        self.update(&mut sig, shingles);
        sig
    }

    /// Lowers `sig` with `shingles`: MinHash of a union is the element-wise minimum.
    pub fn update(&self, sig: &mut [u32], shingles: &[u64]) {
        // Fixed-width chunks of lanes let the compiler keep them in vector registers
        // across the shingle loop.
        const LANES: usize = 16;
        let n = sig.len();
        let whole = n - n % LANES;
        for start in (0..whole).step_by(LANES) {
            let mul: &[u64; LANES] = self.mul[start..start + LANES]
                .try_into()
                .expect("chunk of LANES");
            let add: &[u64; LANES] = self.add[start..start + LANES]
                .try_into()
                .expect("chunk of LANES");
            let mut acc = [u32::MAX; LANES];
            acc.copy_from_slice(&sig[start..start + LANES]);
            for &x in shingles {
                for l in 0..LANES {
                    let h = (mul[l].wrapping_mul(x).wrapping_add(add[l]) >> 32) as u32;
                    acc[l] = acc[l].min(h);
                }
            }
            sig[start..start + LANES].copy_from_slice(&acc);
        }
        for ((slot, &mul), &add) in sig[whole..]
            .iter_mut()
            .zip(&self.mul[whole..])
            .zip(&self.add[whole..])
        {
            for &x in shingles {
                *slot = (*slot).min((mul.wrapping_mul(x).wrapping_add(add) >> 32) as u32);
            }
        }
    }
}

/// The share of equal positions of two signatures: an unbiased estimate of Jaccard similarity.
pub fn estimate_jaccard(a: &[u32], b: &[u32]) -> f64 {
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
    fn update_is_union() {
        let m = MinHasher::new(64, 1);
        let mut s = m.signature(&[1, 2]);
        m.update(&mut s, &[3, 4]);
        assert_eq!(s, m.signature(&[1, 2, 3, 4]));
    }

    #[test]
    fn containment_formula() {
        // |A|=100, |B|=50, B ⊂ A: J = 0.5, containment of B in A = 1.
        assert!((containment_from_jaccard(0.5, 100, 50) - 1.0).abs() < 1e-9);
        assert_eq!(containment_from_jaccard(0.5, 0, 50), 0.0);
    }
}
