//! Property tests: MinHash estimates agree with exact Jaccard within the sampling error, and
//! the estimator is unbiased.

use neardup::sketch::{estimate_jaccard, mix64, MinHasher};
use neardup::text::jaccard_and_containment;
use proptest::prelude::*;

/// Two sets with `shared` common elements and `only_a`, `only_b` of their own, drawn from
/// distinct random 64-bit values (as shingle hashes are).
fn sets(seed: u64, shared: usize, only_a: usize, only_b: usize) -> (Vec<u64>, Vec<u64>) {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let common: Vec<u64> = (0..shared).map(|_| next()).collect();
    let mut a = common.clone();
    a.extend((0..only_a).map(|_| next()));
    let mut b = common;
    b.extend((0..only_b).map(|_| next()));
    a.sort_unstable();
    a.dedup();
    b.sort_unstable();
    b.dedup();
    (a, b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Each estimate lies within five standard deviations sqrt(J(1-J)/N) of the exact value
    /// (plus one step of 1/N for the discreteness of the estimate).
    #[test]
    fn estimate_within_sampling_error(
        seed in any::<u64>(),
        perm_seed in any::<u64>(),
        shared in 0usize..400,
        only_a in 0usize..400,
        only_b in 0usize..400,
        num_perm in prop::sample::select(vec![64usize, 128, 256]),
    ) {
        prop_assume!(shared + only_a > 0 && shared + only_b > 0);
        let (a, b) = sets(seed, shared, only_a, only_b);
        let (exact, _) = jaccard_and_containment(&a, &b);
        let m = MinHasher::new(num_perm, perm_seed);
        let est = estimate_jaccard(&m.signature(&a), &m.signature(&b));
        let sd = (exact * (1.0 - exact) / num_perm as f64).sqrt();
        prop_assert!((est - exact).abs() <= 5.0 * sd + 1.0 / num_perm as f64,
            "exact {exact:.4} estimate {est:.4} sd {sd:.4}");
    }
}

/// Averaged over many independent permutation seeds, the estimate's error is centred on zero.
#[test]
fn estimator_is_unbiased() {
    for &(shared, only) in &[(300usize, 100usize), (100, 200), (50, 500), (450, 25)] {
        let (a, b) = sets(42, shared, only, only);
        let (exact, _) = jaccard_and_containment(&a, &b);
        let trials = 400;
        let mean: f64 = (0..trials)
            .map(|t| {
                let m = MinHasher::new(128, 1000 + t);
                estimate_jaccard(&m.signature(&a), &m.signature(&b))
            })
            .sum::<f64>()
            / trials as f64;
        let se = (exact * (1.0 - exact) / 128.0 / trials as f64).sqrt();
        assert!(
            (mean - exact).abs() <= 4.0 * se,
            "J={exact:.4}: mean estimate {mean:.4}, standard error {se:.5}"
        );
    }
}

/// Structured keys (consecutive integers), hashed first as the signature's contract asks,
/// give estimates within the error for every seed.
#[test]
fn structured_keys_estimate_well() {
    for &(a_end, b_start, b_end) in &[(400u64, 200u64, 600u64), (1000, 100, 1000), (300, 0, 150)] {
        let mut a: Vec<u64> = (0..a_end).map(mix64).collect();
        let mut b: Vec<u64> = (b_start..b_end).map(mix64).collect();
        a.sort_unstable();
        b.sort_unstable();
        let (exact, _) = jaccard_and_containment(&a, &b);
        let mut worst: f64 = 0.0;
        for seed in 0..20 {
            let m = MinHasher::new(128, seed);
            let est = estimate_jaccard(&m.signature(&a), &m.signature(&b));
            worst = worst.max((est - exact).abs());
        }
        let sd = (exact * (1.0 - exact) / 128.0).sqrt();
        assert!(
            worst <= 5.0 * sd + 1.0 / 128.0,
            "J={exact:.3}: worst error {worst:.3}"
        );
    }
}
