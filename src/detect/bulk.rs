//! The bulk of a narrow document: the text outside site chrome that its comparison leaves out.
//!
//! A reference page is compared on its own text only (frequent text, the docs of methods many
//! types implement, is never evidence to join it). When that own text is a small part of the
//! page, two pages of different items with the same name (`Iter<'a, T>` in two crates) can agree
//! on it, the rendered auto-trait lines, while everything else on them differs: the one's bulk
//! is a parallel iterator's methods, the other's a sequential one's. Shared text is no
//! evidence to join pages, but text that differs is evidence to keep them apart: two narrow
//! documents whose bulks mostly differ are not copies, whatever their own text says.

use crate::text::count_distinct;

/// Values a [`BulkSketch`] keeps: the smallest this many distinct shingle hashes. The
/// estimate's standard error at a true Jaccard of 0.5 is about 0.09, well inside the gap
/// between copies (bulks alike) and namesakes (bulks that share a few lines).
pub const BULK_SKETCH_VALUES: usize = 32;

/// Estimated Jaccard of two narrow documents' bulks below which they are kept apart.
pub const BULK_MIN_JACCARD: f64 = 1.0 / 3.0;

/// A bottom-k sketch of a document's bulk: the [`BULK_SKETCH_VALUES`] smallest distinct
/// shingle hashes (their high 32 bits), sorted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BulkSketch(Box<[u32]>);

impl BulkSketch {
    /// The sketch of a bulk's shingles (with repeats, any order); `None` when there are none.
    pub fn of(shingles: &[u64]) -> Option<BulkSketch> {
        if shingles.is_empty() {
            return None;
        }
        let mut values: Vec<u32> = Vec::with_capacity(count_distinct(shingles));
        values.extend(shingles.iter().map(|&h| (h >> 32) as u32));
        values.sort_unstable();
        values.dedup();
        values.truncate(BULK_SKETCH_VALUES);
        Some(BulkSketch(values.into_boxed_slice()))
    }

    /// Estimated Jaccard of the two bulks: of the smallest values of their union (as many as
    /// a sketch keeps), the share both hold. A value among the union's smallest that one bulk
    /// holds is among that bulk's smallest, so each sketch answers for its own bulk.
    pub fn jaccard(&self, other: &BulkSketch) -> f64 {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j) = (0, 0);
        let (mut seen, mut both) = (0usize, 0usize);
        while seen < BULK_SKETCH_VALUES {
            match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) if x == y => {
                    both += 1;
                    i += 1;
                    j += 1;
                }
                (Some(x), Some(y)) if x < y => i += 1,
                (Some(_), Some(_)) | (None, Some(_)) => j += 1,
                (Some(_), None) => i += 1,
                (None, None) => break,
            }
            seen += 1;
        }
        if seen == 0 {
            return 1.0;
        }
        both as f64 / seen as f64
    }
}

/// Whether two documents are kept apart by their bulks: both are narrow (have a bulk sketch)
/// and their bulks mostly differ.
pub fn kept_apart(a: Option<&BulkSketch>, b: Option<&BulkSketch>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.jaccard(b) < BULK_MIN_JACCARD,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::mix64;

    fn sketch(range: std::ops::Range<u64>) -> BulkSketch {
        let shingles: Vec<u64> = range.map(mix64).collect();
        BulkSketch::of(&shingles).expect("shingles")
    }

    #[test]
    fn alike_bulks_stay_together_and_different_ones_apart() {
        let a = sketch(0..1000);
        assert_eq!(a.jaccard(&a), 1.0);
        let copy = sketch(50..1050); // Jaccard 0.9
        assert!(a.jaccard(&copy) > 0.6, "{}", a.jaccard(&copy));
        assert!(!kept_apart(Some(&a), Some(&copy)));
        let other = sketch(900..2000); // Jaccard 0.05
        assert!(a.jaccard(&other) < 0.25, "{}", a.jaccard(&other));
        assert!(kept_apart(Some(&a), Some(&other)));
    }

    #[test]
    fn only_two_narrow_documents_are_kept_apart() {
        let a = sketch(0..100);
        let other = sketch(500..600);
        assert!(!kept_apart(Some(&a), None));
        assert!(!kept_apart(None, Some(&other)));
        assert!(!kept_apart(None, None));
        assert!(BulkSketch::of(&[]).is_none());
    }

    #[test]
    fn small_bulks_are_compared_whole() {
        // fewer values than a sketch keeps: the sketches are the sets
        let a = sketch(0..10);
        let b = sketch(5..15);
        assert!(
            (a.jaccard(&b) - 5.0 / 15.0).abs() < 1e-9,
            "{}",
            a.jaccard(&b)
        );
        // repeats count once
        let twice: Vec<u64> = (0..10).chain(0..10).map(mix64).collect();
        assert_eq!(BulkSketch::of(&twice), Some(a));
    }

    proptest::proptest! {
        #[test]
        fn estimate_is_symmetric_and_bounded(x in 0u64..300, y in 0u64..300, n in 1u64..300) {
            let (a, b) = (sketch(x..x + n), sketch(y..y + n));
            let j = a.jaccard(&b);
            proptest::prop_assert!((0.0..=1.0).contains(&j));
            proptest::prop_assert_eq!(j, b.jaccard(&a));
        }
    }
}
