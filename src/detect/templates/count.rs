//! Round one: documents holding each unit per site (a Bloom filter keeps units seen once out
//! of the counters), and the watch list of candidates the signing reads.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::{Deserialize, Serialize};

/// Most words a unit may have to count as template across sites (see [`super::finalize`]).
pub const CROSS_SITE_MAX_WORDS: u32 = 12;

/// Documents holding each unit, per site and over the whole corpus (round one).
///
/// Most lines of a corpus occur once. A Bloom filter remembers the keys seen once, in about one
/// byte per distinct unit, and only a key seen a second time gets an exact counter, so memory
/// grows with the units that repeat (templates, copies), not with every line of the corpus. A
/// false positive of the filter starts a counter one too high; round two counts exactly from
/// the occurrences, so it only costs a little extra tracking.
#[derive(Debug, Clone)]
pub struct UnitCounts {
    per_site: HashMap<u64, u32>,
    global: HashMap<u64, u32>,
    seen_once: Bloom,
}

/// The key of a unit on a site.
#[inline]
fn site_key(site: u32, key: u64) -> u64 {
    (key ^ (site as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)).rotate_left(17)
}

impl UnitCounts {
    /// Counters sized for about `expected_units` distinct units (a guess from the corpus size;
    /// more only raises the filter's false-positive rate).
    pub fn with_expected_units(expected_units: u64) -> UnitCounts {
        UnitCounts {
            per_site: HashMap::default(),
            global: HashMap::default(),
            seen_once: Bloom::new(expected_units.saturating_mul(2)),
        }
    }

    /// Counts one document of `site` holding the units `keys` (each distinct key once).
    pub fn add_document(&mut self, site: u32, keys: &[u64]) {
        let mut seen: Vec<u64> = keys.to_vec();
        seen.sort_unstable();
        seen.dedup();
        for key in seen {
            bump(&mut self.per_site, &mut self.seen_once, site_key(site, key));
            bump(&mut self.global, &mut self.seen_once, key);
        }
    }

    /// Units worth tracking in round two: template candidates (per site) and units held by two
    /// or more documents anywhere (possible reused blocks).
    pub fn watch_list(&self, min_docs: usize) -> WatchList {
        let candidates = self
            .per_site
            .iter()
            .filter(|(_, &n)| n as usize >= min_docs)
            .map(|(&k, &n)| (k, n))
            .collect();
        let shared = self.global.keys().copied().collect();
        WatchList {
            candidates,
            shared,
            min_docs,
            floor: min_docs,
        }
    }
}

/// Adds one to `key`'s counter, creating it (at two) only when the filter has seen the key.
fn bump(counts: &mut HashMap<u64, u32>, seen_once: &mut Bloom, key: u64) {
    if let Some(n) = counts.get_mut(&key) {
        *n += 1;
    } else if seen_once.insert(key) {
        counts.insert(key, 2);
    }
}

/// A Bloom filter of 64-bit keys with three probes.
#[derive(Debug, Clone)]
struct Bloom {
    bits: Vec<u64>,
}

impl Bloom {
    /// A filter with about eight bits per expected key (a false-positive rate near 3%), of at
    /// most 1 GiB: the expectation comes from file sizes, which a sparse or mislabelled file
    /// can make absurd (a 4 TB file asked for 256 GB and aborted the scan).
    fn new(expected: u64) -> Bloom {
        let words = (expected.clamp(1 << 16, 1 << 30) * 8 / 64).next_power_of_two() as usize;
        Bloom {
            bits: vec![0; words],
        }
    }

    /// Sets `key`'s bits; returns whether they were all set already (seen before).
    fn insert(&mut self, key: u64) -> bool {
        let mask = (self.bits.len() * 64 - 1) as u64;
        let mut h = key;
        let mut present = true;
        for _ in 0..3 {
            h = h.wrapping_mul(0xff51_afd7_ed55_8ccd).rotate_left(29) ^ (h >> 31);
            let bit = h & mask;
            let (w, b) = ((bit / 64) as usize, bit % 64);
            present &= self.bits[w] >> b & 1 == 1;
            self.bits[w] |= 1 << b;
        }
        present
    }
}

/// The units round two looks at.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct WatchList {
    /// Documents of a site holding each candidate (site and unit combined).
    candidates: HashMap<u64, u32>,
    shared: HashSet<u64>,
    /// Documents that make a candidate now.
    min_docs: usize,
    /// The `min_docs` the candidates were collected with: occurrences of every unit at or above
    /// it were recorded, so any `min_docs` at or above it can be used.
    floor: usize,
}

impl WatchList {
    /// Whether `key` may be template on `site` (it is left out of the shingles).
    pub fn is_candidate(&self, site: u32, key: u64) -> bool {
        self.is_candidate_at(site, key, self.min_docs)
    }

    /// Whether `key` would be a candidate on `site` with `min_docs`.
    pub fn is_candidate_at(&self, site: u32, key: u64, min_docs: usize) -> bool {
        self.candidates
            .get(&site_key(site, key))
            .is_some_and(|&n| n as usize >= min_docs)
    }

    /// The same list with another `min_docs`, if the recorded occurrences allow it (not below
    /// the one they were collected with).
    pub fn with_min_docs(&self, min_docs: usize) -> Option<WatchList> {
        (min_docs >= self.floor).then(|| WatchList {
            min_docs,
            ..self.clone()
        })
    }

    /// Documents of `site` holding `key`, when it is a candidate at the floor (else 0).
    pub fn documents(&self, site: u32, key: u64) -> usize {
        self.candidates
            .get(&site_key(site, key))
            .map_or(0, |&n| n as usize)
    }

    /// The `min_docs` that makes a candidate now.
    pub fn min_docs(&self) -> usize {
        self.min_docs
    }

    /// The `min_docs` the candidates were collected with.
    pub fn floor(&self) -> usize {
        self.floor
    }

    /// Whether `key` is held by two or more documents anywhere.
    pub fn is_shared(&self, key: u64) -> bool {
        self.shared.contains(&key)
    }
}
