//! Round one: documents holding each unit per site (a Bloom filter keeps units seen once out
//! of the counters), then an exact count of the units that could be candidates
//! ([`WatchRecount`]), which gives the watch list the signing reads.

use std::sync::atomic::{AtomicU32, Ordering};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::{Deserialize, Serialize};

/// Most words a unit may have to count as template across sites (see [`super::finalize`]).
pub const CROSS_SITE_MAX_WORDS: u32 = 12;

/// Documents holding each unit, per site and over the whole corpus (round one).
///
/// Most lines of a corpus occur once. A Bloom filter remembers the keys seen once, in about one
/// byte per distinct unit, and only a key seen a second time gets an exact counter, so memory
/// grows with the units that repeat (templates, copies), not with every line of the corpus. A
/// false positive of the filter starts a counter one too high, so these counts are exact or
/// one over: their watch list is a superset of the true one, which [`WatchRecount`] counts
/// again exactly. No result depends on the filter's size (a guess from file sizes, which
/// compression changes) or on its false positives.
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
    /// or more documents anywhere (possible reused blocks). The counts may be one over where
    /// the filter gave a false positive: this is a superset of the exact list, to be counted
    /// again by [`WatchRecount`].
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

/// A Bloom filter of 64-bit keys with three probes that grows: when its newest layer holds
/// as many keys as it was sized for, a layer for four times as many is added (up to 1 GiB in
/// all), so an expectation too low (documents handed over in batches, compressed files) does
/// not fill it with ones and make every key look seen. Every layer is asked, so the rates of
/// the layers add up: few layers (growing fourfold) with more bits per key each keep the sum
/// low.
#[derive(Debug, Clone)]
struct Bloom {
    layers: Vec<BloomLayer>,
    /// Keys put in the newest layer.
    in_newest: u64,
}

/// Most bits of all layers together (1 GiB).
const BLOOM_MAX_BITS: u64 = 1 << 33;

/// Bits per key the first layer is sized for (a false-positive rate near 3%); each later layer
/// has two more (near 1.7%, 1%, …).
const BLOOM_BITS_PER_KEY: u64 = 8;

impl Bloom {
    /// A filter sized for about `expected` keys (from 2^16 to 2^30): the expectation comes from
    /// file sizes, which a sparse or mislabelled file can make absurd (a 4 TB file asked for
    /// 256 GB and aborted the scan).
    fn new(expected: u64) -> Bloom {
        Bloom {
            layers: vec![BloomLayer::new(
                expected.clamp(1 << 16, 1 << 30),
                BLOOM_BITS_PER_KEY,
            )],
            in_newest: 0,
        }
    }

    /// Sets `key`'s bits; returns whether it was seen before (or looks so).
    fn insert(&mut self, key: u64) -> bool {
        let (newest, older) = match self.layers.split_last_mut() {
            Some(split) => split,
            None => return false,
        };
        if older.iter().any(|l| l.contains(key)) {
            return true;
        }
        if newest.insert(key) {
            return true;
        }
        self.in_newest += 1;
        if self.in_newest >= newest.capacity() {
            self.grow();
        }
        false
    }

    /// Adds a layer twice the size of the newest, while the total stays under the cap.
    fn grow(&mut self) {
        let bits: u64 = self.layers.iter().map(BloomLayer::bits).sum();
        let next = self.layers.last().map_or(1 << 16, |l| l.capacity() * 4);
        let bits_per_key = BLOOM_BITS_PER_KEY + 2 * self.layers.len() as u64;
        if bits + next * bits_per_key <= BLOOM_MAX_BITS {
            self.layers.push(BloomLayer::new(next, bits_per_key));
            self.in_newest = 0;
        }
    }
}

/// One layer of [`Bloom`].
#[derive(Debug, Clone)]
struct BloomLayer {
    bits: Vec<u64>,
    /// Keys it is sized for.
    capacity: u64,
}

impl BloomLayer {
    /// A layer for `keys` keys at `bits_per_key` (rounded up to a power of two of 64-bit
    /// words).
    fn new(keys: u64, bits_per_key: u64) -> BloomLayer {
        let words = (keys * bits_per_key / 64).next_power_of_two();
        BloomLayer {
            bits: vec![0; words as usize],
            capacity: words * 64 / bits_per_key,
        }
    }

    fn bits(&self) -> u64 {
        self.bits.len() as u64 * 64
    }

    /// Keys it is sized for.
    fn capacity(&self) -> u64 {
        self.capacity
    }

    /// The three bits of `key`.
    fn probes(&self, key: u64) -> [(usize, u64); 3] {
        let mask = self.bits() - 1;
        let mut h = key;
        std::array::from_fn(|_| {
            h = h.wrapping_mul(0xff51_afd7_ed55_8ccd).rotate_left(29) ^ (h >> 31);
            let bit = h & mask;
            ((bit / 64) as usize, bit % 64)
        })
    }

    fn contains(&self, key: u64) -> bool {
        self.probes(key)
            .iter()
            .all(|&(w, b)| self.bits[w] >> b & 1 == 1)
    }

    /// Sets `key`'s bits; returns whether they were all set already.
    fn insert(&mut self, key: u64) -> bool {
        let mut present = true;
        for (w, b) in self.probes(key) {
            present &= self.bits[w] >> b & 1 == 1;
            self.bits[w] |= 1 << b;
        }
        present
    }
}

/// The exact count of the units on a superset of the watch list (pass 1's, whose counts may
/// be one over): documents are added in any order and from any thread, and the exact watch
/// list keeps the candidates and shared units whose true counts qualify. Counts are sums, so
/// they merge: batches of a corpus counted apart give the same list.
#[derive(Debug)]
pub struct WatchRecount {
    per_site: HashMap<u64, AtomicU32>,
    global: HashMap<u64, AtomicU32>,
    min_docs: usize,
}

impl WatchRecount {
    /// Counters for every unit of `superset` (pass 1's watch list, taken so that its memory
    /// goes as the counters come), at zero.
    pub fn new(superset: WatchList) -> WatchRecount {
        WatchRecount {
            per_site: superset
                .candidates
                .into_keys()
                .map(|k| (k, AtomicU32::new(0)))
                .collect(),
            global: superset
                .shared
                .into_iter()
                .map(|k| (k, AtomicU32::new(0)))
                .collect(),
            min_docs: superset.floor,
        }
    }

    /// Counts documents, each a site and its unit keys (each distinct key once per document).
    /// A batch is tallied apart first, so that threads meet only once per unit and batch.
    pub fn add_documents<'a>(&self, documents: impl IntoIterator<Item = (u32, &'a [u64])>) {
        let mut per_site: HashMap<u64, u32> = HashMap::default();
        let mut global: HashMap<u64, u32> = HashMap::default();
        let mut seen: Vec<u64> = Vec::new();
        for (site, keys) in documents {
            seen.clear();
            seen.extend_from_slice(keys);
            seen.sort_unstable();
            seen.dedup();
            for &key in &seen {
                let in_site = site_key(site, key);
                if self.per_site.contains_key(&in_site) {
                    *per_site.entry(in_site).or_default() += 1;
                }
                if self.global.contains_key(&key) {
                    *global.entry(key).or_default() += 1;
                }
            }
        }
        for (tally, counters) in [(per_site, &self.per_site), (global, &self.global)] {
            for (key, n) in tally {
                if let Some(counter) = counters.get(&key) {
                    counter.fetch_add(n, Ordering::Relaxed);
                }
            }
        }
    }

    /// The exact watch list: candidates held by at least `min_docs` documents of their site,
    /// units held by two or more documents anywhere.
    pub fn finish(self) -> WatchList {
        WatchList::from_exact_counts(
            self.per_site.into_iter().map(|(k, n)| (k, n.into_inner())),
            self.global.into_iter().map(|(k, n)| (k, n.into_inner())),
            self.min_docs,
        )
    }
}

/// Exact unit counts of a batch of documents, per site and over the whole corpus, without a
/// filter: the counting kernel of a pipeline that counts batches apart (a partition of a
/// cluster, a Python table) and merges them. Counts are sums, so batches merge in any order
/// into the counts of the whole; memory grows with the batch's distinct units, so a pipeline
/// over a corpus larger than memory counts partitions and merges them by key (the counts
/// travel as bytes: [`SiteUnitCounts::to_bytes`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteUnitCounts {
    per_site: HashMap<u64, u32>,
    global: HashMap<u64, u32>,
}

impl SiteUnitCounts {
    /// Counts one document of `site` holding the units `keys` (each distinct key once).
    pub fn add_document(&mut self, site: u32, keys: &[u64]) {
        let mut seen: Vec<u64> = keys.to_vec();
        seen.sort_unstable();
        seen.dedup();
        for key in seen {
            *self.per_site.entry(site_key(site, key)).or_default() += 1;
            *self.global.entry(key).or_default() += 1;
        }
    }

    /// Adds the counts of another batch.
    pub fn merge(&mut self, other: SiteUnitCounts) {
        for (mine, theirs) in [
            (&mut self.per_site, other.per_site),
            (&mut self.global, other.global),
        ] {
            for (key, n) in theirs {
                *mine.entry(key).or_default() += n;
            }
        }
    }

    /// The watch list of these counts: the same decision as the scan's (candidates held by at
    /// least `min_docs` documents of their site, units held by two or more anywhere).
    pub fn watch_list(&self, min_docs: usize) -> WatchList {
        WatchList::from_exact_counts(
            self.per_site.iter().map(|(&k, &n)| (k, n)),
            self.global.iter().map(|(&k, &n)| (k, n)),
            min_docs,
        )
    }

    /// The counts as rows to sum by key across batches (a shuffle, where merging whole
    /// counts on one machine would hold every distinct unit of the corpus): each site's
    /// units (site and unit combined in one key) and every unit anywhere.
    /// [`WatchList::from_exact_counts`] of the summed rows is [`SiteUnitCounts::watch_list`].
    pub fn into_rows(self) -> UnitCountRows {
        let mut per_site: Vec<(u64, u32)> = self.per_site.into_iter().collect();
        let mut anywhere: Vec<(u64, u32)> = self.global.into_iter().collect();
        per_site.sort_unstable();
        anywhere.sort_unstable();
        UnitCountRows { per_site, anywhere }
    }

    /// The counts as bytes (postcard).
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::packed::sealed::to_bytes(self)
    }

    /// Counts from [`SiteUnitCounts::to_bytes`]; `None` for bytes that are not counts.
    pub fn from_bytes(bytes: &[u8]) -> Option<SiteUnitCounts> {
        crate::packed::sealed::from_bytes(bytes)
    }
}

/// Unit counts as `(key, documents)` rows, sorted by key ([`SiteUnitCounts::into_rows`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitCountRows {
    /// Documents of a site holding a unit (the key combines the site and the unit).
    pub per_site: Vec<(u64, u32)>,
    /// Documents anywhere holding a unit.
    pub anywhere: Vec<(u64, u32)>,
}

/// The units round two looks at.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The watch list of exact counts: `per_site` (site and unit combined, as counted) and
    /// `global` (unit) document counts. The one decision every counter ends in.
    pub fn from_exact_counts(
        per_site: impl Iterator<Item = (u64, u32)>,
        global: impl Iterator<Item = (u64, u32)>,
        min_docs: usize,
    ) -> WatchList {
        WatchList {
            candidates: per_site.filter(|&(_, n)| n as usize >= min_docs).collect(),
            shared: global.filter(|&(_, n)| n >= 2).map(|(k, _)| k).collect(),
            min_docs,
            floor: min_docs,
        }
    }

    /// The watch list as bytes (postcard), for signing in another process.
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::packed::sealed::to_bytes(self)
    }

    /// A watch list from [`WatchList::to_bytes`]; `None` for bytes that are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<WatchList> {
        crate::packed::sealed::from_bytes(bytes)
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    /// A corpus of `docs` documents on 3 sites, each with a few template lines, lines shared
    /// by a handful of documents and many lines of its own.
    fn corpus(docs: u64) -> Vec<(u32, Vec<u64>)> {
        (0..docs)
            .map(|d| {
                let site = (d % 3) as u32;
                let mut keys: Vec<u64> = (0..4).map(|t| 1000 + t + 10 * site as u64).collect();
                keys.push(1_000_000 + d / 5); // shared by five documents in a row
                keys.extend((0..40).map(|i| (d << 20 | i).wrapping_mul(0x9E37_79B9_7F4A_7C15)));
                (site, keys)
            })
            .collect()
    }

    /// The watch list from exact counts in plain maps.
    fn by_brute_force(corpus: &[(u32, Vec<u64>)], min_docs: usize) -> WatchList {
        let mut per_site: HashMap<u64, u32> = HashMap::default();
        let mut global: HashMap<u64, u32> = HashMap::default();
        for (site, keys) in corpus {
            let distinct: HashSet<u64> = keys.iter().copied().collect();
            for key in distinct {
                *per_site.entry(site_key(*site, key)).or_default() += 1;
                *global.entry(key).or_default() += 1;
            }
        }
        WatchList {
            candidates: per_site
                .into_iter()
                .filter(|&(_, n)| n as usize >= min_docs)
                .collect(),
            shared: global
                .into_iter()
                .filter(|&(_, n)| n >= 2)
                .map(|(k, _)| k)
                .collect(),
            min_docs,
            floor: min_docs,
        }
    }

    fn exact(corpus: &[(u32, Vec<u64>)], expected_units: u64, min_docs: usize) -> WatchList {
        let mut counts = UnitCounts::with_expected_units(expected_units);
        for (site, keys) in corpus {
            counts.add_document(*site, keys);
        }
        let recount = WatchRecount::new(counts.watch_list(min_docs));
        // Counted in two batches, the second first: sums do not depend on the order.
        let (first, second) = corpus.split_at(corpus.len() / 3);
        for batch in [second, first] {
            recount.add_documents(batch.iter().map(|(s, k)| (*s, k.as_slice())));
        }
        recount.finish()
    }

    #[test]
    fn the_recount_is_exact_whatever_the_filter_size() {
        let corpus = corpus(6_000);
        let truth = by_brute_force(&corpus, 3);
        // The smallest filter (an expectation of nothing) and a generous one.
        assert_eq!(exact(&corpus, 0, 3), truth);
        assert_eq!(exact(&corpus, 10_000_000, 3), truth);
        assert!(truth.is_candidate(0, 1000) && !truth.is_candidate(0, 1010));
        assert!(truth.is_shared(1_000_000 + 7) && truth.documents(1, 1011) == 2_000);
    }

    #[test]
    fn the_filter_grows_instead_of_filling_up() {
        let mut bloom = Bloom::new(0);
        let keys = 2_000_000u64;
        let false_positives = (0..keys)
            .filter(|&k| bloom.insert(k.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 77))
            .count();
        assert!(bloom.layers.len() > 1, "{} layers", bloom.layers.len());
        // Each layer 3% or less; all together stay far from a full filter's 100%.
        assert!(
            (false_positives as f64) < 0.06 * keys as f64,
            "{false_positives} of {keys}"
        );
    }
}
