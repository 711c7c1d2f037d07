//! The pipeline's stages as kernels on batches: what the command line, [`crate::Scanner`] and
//! a pipeline on several machines call, so that every face gives the same answers.
//!
//! Each kernel depends only on its inputs, and the values that travel between stages turn into
//! bytes and back (`to_bytes`, `from_bytes`; postcard), so a batch can be processed in another
//! thread, process or machine:
//!
//! 1. [`prepare`]: one [`crate::Document`] → a [`PreparedDocument`] (segmented, its units'
//!    keys, its repeats, its hashes; pass 1 of the scan calls it for every document).
//! 2. [`SiteUnitCounts`]: a batch's exact unit counts per site, merged in any order →
//!    [`WatchList`] (the template candidates; the scan's recount ends in the same decision,
//!    [`WatchList::from_exact_counts`]).
//! 3. [`SigningContext::sign_batch`]: a batch of prepared documents, each with its site's
//!    index, → [`SignedDocument`]s (content less the candidates, its signature, its watched
//!    units; the scan's pass 2 signs every document with the same function).
//! 4. [`band_keys`] of a signature ([`stored_signature`], under [`lsh_params`]); [`bucket_pairs`]: the candidate pairs of one LSH bucket
//!    (what [`crate::sketch::candidate_pairs`] runs on every bucket).
//! 5. [`judge`]: the verdict on one candidate pair from its signatures (the scan's
//!    verification by signature).
//! 6. [`UnionFind`]: connected components of an edge list.
//!
//! The rest — the template decision by cluster, the re-signing rounds and the report — needs
//! the whole corpus's clusters and runs in [`crate::Scanner::finish`] and [`crate::scan`]. A
//! site's index is the caller's to give: any fixed numbering of the sites, the same in
//! counting and signing (the scan numbers them by first appearance).
//!
//! ```
//! use neardup::kernels::{prepare, SigningContext, SiteUnitCounts};
//! use neardup::{Config, Document};
//!
//! let cfg = Config::new("table");
//! let story = "The harbour bridge reopens on Monday after two years of repairs, the city said.";
//! let docs: Vec<_> = ["a", "b"]
//!     .iter()
//!     .map(|id| prepare(&cfg, Document::new(*id, story), true))
//!     .collect();
//! let mut counts = SiteUnitCounts::default();
//! for doc in &docs {
//!     counts.add_document(0, doc.unit_keys());
//! }
//! let context = SigningContext::new(counts.watch_list(cfg.blocks.template_min_docs), vec![2]);
//! let batch: Vec<_> = docs.iter().map(|d| (0, d)).collect();
//! let signed = context.sign_batch(&cfg, &batch);
//! assert_eq!(signed[0].signature(), signed[1].signature());
//! ```

pub use crate::detect::near::{Judged, SignatureVerdict, VerifiedPair};
pub use crate::detect::templates::{SiteUnitCounts, WatchList};
pub use crate::detect::union_find::UnionFind;
pub use crate::scan::{prepare, Basis, PreparedDocument, SignedDocument, SigningContext};
pub use crate::sketch::lsh::{band_keys, bucket_pairs, LshParams, Thresholds, MAX_BUCKET};

use crate::config::Config;
use crate::detect::near::{cut, signature_verdict};

/// The thresholds a pair is judged by under `cfg` (`--threshold`, `--containment`,
/// `--containment-min-shingles`), as the scan judges.
pub fn thresholds(cfg: &Config) -> Thresholds {
    crate::scan::thresholds(cfg)
}

/// The LSH bands and rows of a scan under `cfg`: the user's, or derived from the thresholds.
pub fn lsh_params(cfg: &Config) -> LshParams {
    crate::scan::scan_lsh_params(cfg)
}

/// A signature's values as the scan's candidate search and verification see them (the high
/// 16 bits of each: what [`band_keys`] of the scan's buckets is computed on).
pub fn stored_signature(signature: &[u32]) -> Vec<u16> {
    signature.iter().map(|&v| cut(v)).collect()
}

/// The verdict on documents `a` and `b` (indices the caller gives them) from their signatures,
/// as the scan judges a candidate pair by signature; `None` when either has no signature.
/// A borderline verdict (see [`SignatureVerdict::borderline`]) is one the scan checks on the
/// exact shingle sets under `--verify auto`.
pub fn judge(
    pair: (u32, u32),
    a: &SignedDocument,
    b: &SignedDocument,
    thresholds: &Thresholds,
) -> Option<SignatureVerdict> {
    let sa = stored_signature(a.signature()?);
    let sb = stored_signature(b.signature()?);
    Some(signature_verdict(
        pair,
        (&sa, &sb),
        (a.shingles(), b.shingles()),
        thresholds,
    ))
}
