//! Sketches: MinHash signatures and LSH banding.

pub mod lsh;
pub mod minhash;

pub use lsh::{
    bucket_pairs, candidate_pairs, catch_probability, lsh_params, optimal_params,
    optimal_params_catching, LshParams, Thresholds, CONTAINMENT_MIN_RATIO,
};
pub use minhash::{containment_from_jaccard, estimate_jaccard, mix64, MinHasher};
