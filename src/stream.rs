//! Deduplication of a stream: documents arrive in batches and each is answered at once, new
//! or a near-duplicate of one seen before (as rensa's and datasketch's streaming indexes do).
//! It uses the scan's own kernels — normalisation, script-aware shingles, the MinHash
//! permutations and the LSH bands of [`crate::sketch`] — with the scan's parameters and
//! defaults, so a pair the scan would join by Jaccard is a duplicate here too. What a stream
//! cannot have is what needs the whole corpus first: site templates, repeated and reused
//! blocks, boilerplate, containment and exact verification of borderline pairs (a pair is
//! judged on its signatures' estimate). For those, scan the corpus (or use [`crate::Scanner`]).
//!
//! A batch is signed in parallel, then its documents are looked up and indexed one after the
//! other in batch order, so a copy inside one batch is found and the answers do not depend on
//! how the stream is cut into batches.

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use crate::config::{ConfigError, NearDupOptions};
use crate::sketch::lsh::{band_keys, lsh_params, LshParams, MAX_BUCKET};
use crate::sketch::minhash::{estimate_jaccard, MinHasher};
use crate::sketch::Thresholds;
use crate::text::normalize::{hash_normalized, normalize};
use crate::text::shingle::shingle_set;

/// What the stream says of one document.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Not a near-duplicate of any document kept before it: kept and indexed.
    New,
    /// A near-duplicate of the kept document `of` (its index in the stream, from 0), with the
    /// Jaccard similarity their signatures estimate; not indexed.
    Duplicate {
        /// The stream index of the kept document it repeats.
        of: u64,
        /// Estimated Jaccard similarity (at or above the threshold).
        similarity: f64,
    },
    /// No words to compare (empty, or only punctuation): kept, never a duplicate, never
    /// matched.
    Empty,
}

/// The options a stream uses: those of a scan's near-duplicate search.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// The scan's near-duplicate options (threshold, shingles, permutations, bands, seed);
    /// containment, verification and the thin-page rules do not apply to a stream.
    pub near: NearDupOptions,
    /// Whether digits are folded before shingling, as in a scan (`--fold-digits`).
    pub fold_digits: bool,
}

impl Default for StreamOptions {
    fn default() -> StreamOptions {
        let cfg = crate::Config::new(".");
        StreamOptions {
            near: cfg.near,
            fold_digits: cfg.fold_digits,
        }
    }
}

/// A streaming near-duplicate index; see the module's documentation.
///
/// ```
/// use neardup::stream::{Deduplicator, StreamOptions, Verdict};
/// let mut stream = Deduplicator::new(StreamOptions::default()).expect("valid options");
/// let story = "The harbour bridge reopens on Monday after two years of repairs, the city said.";
/// let verdicts = stream.add_batch(&[story, "Rain is expected all week.", story]);
/// assert_eq!(verdicts[0], Verdict::New);
/// assert!(matches!(verdicts[2], Verdict::Duplicate { of: 0, .. }));
/// ```
pub struct Deduplicator {
    options: StreamOptions,
    hasher: MinHasher,
    params: LshParams,
    /// Per band: the kept documents (stream indexes) whose band has each key, at most
    /// [`MAX_BUCKET`] a key (a bucket of that many copies finds any other copy in it).
    buckets: Vec<HashMap<u64, Vec<u64>>>,
    /// Signatures of the kept documents by stream index (empty for one not kept).
    signatures: HashMap<u64, Vec<u32>>,
    /// Documents seen so far.
    seen: u64,
}

impl Deduplicator {
    /// An empty index with `options`; an error names a value out of range.
    pub fn new(options: StreamOptions) -> Result<Deduplicator, ConfigError> {
        let mut check = crate::Config::new(".");
        check.near = options.near.clone();
        check.fold_digits = options.fold_digits;
        check.validate()?;
        let near = &options.near;
        let thresholds = Thresholds {
            jaccard: near.threshold,
            containment: None,
            containment_min_shingles: near.containment_min_shingles,
        };
        let params = lsh_params(&thresholds, near.num_perm, near.bands, near.rows);
        Ok(Deduplicator {
            hasher: MinHasher::new(near.num_perm, near.seed),
            buckets: vec![HashMap::default(); params.bands],
            params,
            options,
            signatures: HashMap::default(),
            seen: 0,
        })
    }

    /// Documents seen so far (the stream index the next one gets).
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// Documents kept so far (new or empty).
    pub fn kept(&self) -> u64 {
        self.signatures.len() as u64
    }

    /// The bands and rows of the index.
    pub fn lsh_params(&self) -> LshParams {
        self.params
    }

    /// Answers each text of `texts` in order; see [`Verdict`].
    pub fn add_batch<S: AsRef<str> + Sync>(&mut self, texts: &[S]) -> Vec<Verdict> {
        let signatures: Vec<Option<Vec<u32>>> = texts
            .par_iter()
            .map(|t| self.signature(t.as_ref()))
            .collect();
        signatures
            .into_iter()
            .map(|signature| self.add_signed(signature))
            .collect()
    }

    /// The MinHash signature of `text`, or `None` when it has no words. A text of fewer than
    /// `min_words` words (or too few for one shingle) is one shingle, its whole normalised
    /// text, as in a scan: only an exact copy matches it.
    fn signature(&self, text: &str) -> Option<Vec<u32>> {
        let near = &self.options.near;
        let norm = normalize(text, self.options.fold_digits);
        let words = norm.split(' ').filter(|w| !w.is_empty()).count();
        if words == 0 {
            return None;
        }
        let mut shingles = match words < near.min_words {
            true => Vec::new(),
            false => shingle_set(&norm, near.shingle, near.ngram),
        };
        if shingles.is_empty() {
            shingles.push(hash_normalized(&norm));
        }
        Some(self.hasher.signature(&shingles))
    }

    /// Looks one signed document up, then indexes it if it is kept.
    fn add_signed(&mut self, signature: Option<Vec<u32>>) -> Verdict {
        let index = self.seen;
        self.seen += 1;
        let Some(signature) = signature else {
            self.signatures.insert(index, Vec::new());
            return Verdict::Empty;
        };
        let keys = band_keys(&signature, self.params);
        if let Some((of, similarity)) = self.best_match(&signature, &keys) {
            return Verdict::Duplicate { of, similarity };
        }
        for (band, key) in keys.into_iter().enumerate() {
            let bucket = self.buckets[band].entry(key).or_default();
            if bucket.len() < MAX_BUCKET {
                bucket.push(index);
            }
        }
        self.signatures.insert(index, signature);
        Verdict::New
    }

    /// The kept document most like `signature` among those sharing a band with it, when its
    /// estimated Jaccard reaches the threshold (ties: the earliest).
    fn best_match(&self, signature: &[u32], keys: &[u64]) -> Option<(u64, f64)> {
        let mut candidates: Vec<u64> = keys
            .iter()
            .enumerate()
            .filter_map(|(band, key)| self.buckets[band].get(key))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut best: Option<(u64, f64)> = None;
        for of in candidates {
            let Some(kept) = self.signatures.get(&of) else {
                continue;
            };
            let similarity = estimate_jaccard(signature, kept);
            if similarity >= self.options.near.threshold && best.is_none_or(|(_, s)| similarity > s)
            {
                best = Some((of, similarity));
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The harbour bridge reopens to traffic on Monday after two years of \
        repairs, the city council said on Friday, and buses return the same week. The ferry \
        that carried commuters across the river during the works stops running at the end of \
        the month, when its crew moves to the summer service on the lakes. Shops near the \
        southern ramp, which lost trade while the road was closed, plan a street market on \
        the first weekend, and the mayor will walk across with the engineers at nine.";

    #[test]
    fn a_copy_is_a_duplicate_of_the_first_and_an_edit_too() {
        let mut stream = Deduplicator::new(StreamOptions::default()).expect("defaults");
        let edited = STORY.replace("Friday", "Thursday");
        let note = "Rain all week here.";
        let verdicts = stream.add_batch(&[STORY, "", STORY, &edited, note, "Rain all week.", note]);
        assert_eq!(verdicts[0], Verdict::New);
        assert_eq!(verdicts[1], Verdict::Empty);
        assert_eq!(
            verdicts[2],
            Verdict::Duplicate {
                of: 0,
                similarity: 1.0
            }
        );
        assert!(
            matches!(verdicts[3], Verdict::Duplicate { of: 0, similarity } if (0.8..1.0).contains(&similarity))
        );
        // short texts: only an exact copy (after normalisation) matches
        assert_eq!(verdicts[4], Verdict::New);
        assert_eq!(verdicts[5], Verdict::New);
        assert!(matches!(verdicts[6], Verdict::Duplicate { of: 4, .. }));
        assert_eq!((stream.seen(), stream.kept()), (7, 4));
    }

    #[test]
    fn batches_do_not_change_the_answers() {
        let texts: Vec<String> = (0..60)
            .map(|i| match i % 3 {
                0 => format!("{STORY} Story number {} of the day.", i / 6),
                1 => format!(
                    "A note on item {i}, with its own words and figures: {}.",
                    i * 7
                ),
                _ => STORY.to_string(),
            })
            .collect();
        let whole = Deduplicator::new(StreamOptions::default())
            .expect("defaults")
            .add_batch(&texts);
        for size in [1, 7, 25] {
            let mut stream = Deduplicator::new(StreamOptions::default()).expect("defaults");
            let parts: Vec<Verdict> = texts
                .chunks(size)
                .flat_map(|c| stream.add_batch(c))
                .collect();
            assert_eq!(parts, whole, "batches of {size}");
        }
        assert!(whole.iter().any(|v| matches!(v, Verdict::Duplicate { .. })));
    }

    #[test]
    fn bad_options_are_refused() {
        let mut options = StreamOptions::default();
        options.near.threshold = 1.5;
        assert!(Deduplicator::new(options).is_err());
    }
}
