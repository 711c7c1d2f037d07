//! `neardup.MinHash` and `neardup.MinHashLSH` (datasketch's interface): the library's
//! one-permutation MinHash sketches ([`MinHasher::sketch_into`], [`MinHasher::finish`]) and LSH
//! band keys ([`band_keys`]), the same kernels a scan signs and buckets documents with.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use neardup::sketch::lsh::{band_keys, lsh_params, LshParams};
use neardup::sketch::minhash::{estimate_jaccard, MinHasher};
use neardup::sketch::Thresholds;
use neardup::Config;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

/// The library's own check of `num_perm` and a Jaccard `threshold` (the messages name them as
/// keywords): no second copy of the bounds.
fn check(num_perm: usize, threshold: f64) -> PyResult<()> {
    let mut cfg = Config::new(".");
    cfg.near.num_perm = num_perm;
    cfg.near.threshold = threshold;
    cfg.validate()
        .map_err(|e| PyValueError::new_err(crate::options::python_message(&e.to_string())))
}

/// The hashers built so far, by (num_perm, seed).
type Hashers = Mutex<HashMap<(usize, u64), Arc<MinHasher>>>;

/// One hasher per (num_perm, seed), shared: building one precomputes its probes.
fn hasher(num_perm: usize, seed: u64) -> Arc<MinHasher> {
    static HASHERS: OnceLock<Hashers> = OnceLock::new();
    let mut all = HASHERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    all.entry((num_perm, seed))
        .or_insert_with(|| Arc::new(MinHasher::new(num_perm, seed)))
        .clone()
}

/// A MinHash sketch being filled: its bins before densification.
#[pyclass(module = "neardup._native")]
pub struct Sketch {
    hasher: Arc<MinHasher>,
    seed: u64,
    raw: Vec<u32>,
}

#[pymethods]
impl Sketch {
    /// An empty sketch of `num_perm` values with `seed`.
    #[new]
    fn new(num_perm: usize, seed: u64) -> PyResult<Sketch> {
        check(num_perm, Config::new(".").near.threshold)?;
        let hasher = hasher(num_perm, seed);
        Ok(Sketch {
            raw: hasher.empty_sketch(),
            hasher,
            seed,
        })
    }

    /// Adds values (bytes; a str is taken as its UTF-8), each hashed with XXH3.
    fn update(&mut self, values: Vec<Vec<u8>>) {
        let hashes: Vec<u64> = values
            .iter()
            .map(|v| xxhash_rust::xxh3::xxh3_64(v))
            .collect();
        self.hasher.sketch_into(&hashes, &mut self.raw);
    }

    /// Adds the union of `other` (same num_perm and seed).
    fn merge(&mut self, other: &Sketch) -> PyResult<()> {
        self.check_same(other)?;
        for (mine, theirs) in self.raw.iter_mut().zip(&other.raw) {
            *mine = (*mine).min(*theirs);
        }
        Ok(())
    }

    /// The signature: `num_perm` values.
    fn digest(&self) -> Vec<u32> {
        self.hasher.finish(&self.raw)
    }

    /// The Jaccard similarity of the two sets, estimated from their signatures.
    fn jaccard(&self, other: &Sketch) -> PyResult<f64> {
        self.check_same(other)?;
        Ok(estimate_jaccard(&self.digest(), &other.digest()))
    }

    /// Whether nothing was added.
    fn is_empty(&self) -> bool {
        self.raw.iter().all(|&v| v == u32::MAX)
    }

    /// A copy.
    fn copy(&self) -> Sketch {
        Sketch {
            hasher: self.hasher.clone(),
            seed: self.seed,
            raw: self.raw.clone(),
        }
    }

    /// Whether both sketches hold the same values (same num_perm and seed).
    fn same(&self, other: &Sketch) -> bool {
        self.seed == other.seed && self.raw == other.raw
    }

    /// num_perm and seed.
    fn params(&self) -> (usize, u64) {
        (self.raw.len(), self.seed)
    }
}

impl Sketch {
    fn check_same(&self, other: &Sketch) -> PyResult<()> {
        if self.raw.len() != other.raw.len() || self.seed != other.seed {
            return Err(PyValueError::new_err(format!(
                "the two MinHashes differ: num_perm {} and {}, seed {} and {}",
                self.raw.len(),
                other.raw.len(),
                self.seed,
                other.seed
            )));
        }
        Ok(())
    }
}

/// The bands and rows for an LSH index of Jaccard `threshold` over `num_perm` values, as a scan
/// chooses them (catching a pair at the threshold at least 98% of the time).
#[pyfunction]
pub fn lsh_bands(threshold: f64, num_perm: usize) -> PyResult<(usize, usize)> {
    check(num_perm, threshold)?;
    let thresholds = Thresholds {
        jaccard: threshold,
        containment: None,
        containment_min_shingles: 0,
    };
    let p = lsh_params(&thresholds, num_perm, None, None);
    Ok((p.bands, p.rows))
}

/// The band keys of `signature` for `bands` bands of `rows` rows.
#[pyfunction]
pub fn signature_band_keys(signature: Vec<u32>, bands: usize, rows: usize) -> PyResult<Vec<u64>> {
    if bands == 0 || rows == 0 || bands.saturating_mul(rows) > signature.len() {
        return Err(PyTypeError::new_err(format!(
            "{bands} bands of {rows} rows need {} values; the MinHash has {}",
            bands.saturating_mul(rows),
            signature.len()
        )));
    }
    Ok(band_keys(&signature, LshParams { bands, rows }))
}
