//! The one score of every evaluation: counts of a binary decision (true positives, false
//! positives, false negatives) and the precision, recall and F1 they give.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

/// Counts of a binary decision and the figures derived from them. A unit is whatever the
/// evaluation counts: a pair of documents, a line, a word of a bag.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Score {
    /// Predicted and labelled.
    pub true_positives: u64,
    /// Predicted, not labelled.
    pub false_positives: u64,
    /// Labelled, not predicted.
    pub false_negatives: u64,
}

impl Score {
    /// The score of `predicted` against `labelled` counts of one unit: `shared` of them in
    /// both (a bag intersection or a set intersection). `shared` is at most each count.
    pub fn of_counts(shared: u64, predicted: u64, labelled: u64) -> Score {
        Score {
            true_positives: shared,
            false_positives: predicted.saturating_sub(shared),
            false_negatives: labelled.saturating_sub(shared),
        }
    }

    /// The score of a predicted set against a labelled one.
    pub fn of_sets<T: Ord>(predicted: &BTreeSet<T>, labelled: &BTreeSet<T>) -> Score {
        let shared = predicted.intersection(labelled).count() as u64;
        Score::of_counts(shared, predicted.len() as u64, labelled.len() as u64)
    }

    /// Predicted units: TP + FP.
    pub fn predicted(&self) -> u64 {
        self.true_positives + self.false_positives
    }

    /// Labelled units: TP + FN.
    pub fn labelled(&self) -> u64 {
        self.true_positives + self.false_negatives
    }

    /// TP / (TP + FP); 1 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.true_positives, self.predicted())
    }

    /// TP / (TP + FN); 1 when nothing was labelled.
    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.labelled())
    }

    /// Harmonic mean of precision and recall (0 when both are).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// Adds another score's counts (a sum over pages or sites).
    pub fn add(&mut self, other: Score) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.false_negatives += other.false_negatives;
    }
}

/// `a / b`, 1 when `b` is 0 (nothing to be wrong about).
fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "precision {:.4}  recall {:.4}  F1 {:.4}  (TP {}, FP {}, FN {})",
            self.precision(),
            self.recall(),
            self.f1(),
            self.true_positives,
            self.false_positives,
            self.false_negatives
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_from_counts() {
        let s = Score {
            true_positives: 8,
            false_positives: 2,
            false_negatives: 8,
        };
        assert!((s.precision() - 0.8).abs() < 1e-12);
        assert!((s.recall() - 0.5).abs() < 1e-12);
        assert!((s.f1() - 2.0 * 0.4 / 1.3).abs() < 1e-12);
        assert_eq!((s.predicted(), s.labelled()), (10, 16));
        assert_eq!(
            s.to_string(),
            "precision 0.8000  recall 0.5000  F1 0.6154  (TP 8, FP 2, FN 8)"
        );
    }

    #[test]
    fn nothing_predicted_or_labelled_is_perfect_and_nothing_shared_is_zero() {
        assert_eq!(Score::default().precision(), 1.0);
        assert_eq!(Score::default().recall(), 1.0);
        assert_eq!(Score::default().f1(), 1.0);
        let none_right = Score::of_counts(0, 3, 4);
        assert_eq!((none_right.precision(), none_right.f1()), (0.0, 0.0));
    }

    #[test]
    fn sets_counts_and_sums_agree() {
        let predicted: BTreeSet<u32> = [1, 2, 3, 4].into_iter().collect();
        let labelled: BTreeSet<u32> = [3, 4, 5].into_iter().collect();
        let s = Score::of_sets(&predicted, &labelled);
        assert_eq!(s, Score::of_counts(2, 4, 3));
        assert_eq!((s.false_positives, s.false_negatives), (2, 1));
        let mut sum = s;
        sum.add(Score::of_counts(1, 1, 1));
        assert_eq!(sum, Score::of_counts(3, 5, 4));
    }
}
