//! Scoring a scan against labels: pair-level precision and recall for near-duplicates,
//! line-level for template lines and repeated blocks.
//!
//! The label file (`truth.json`, as in `samples/`) says which documents are copies of one
//! another and which lines are template or repeated; see [`Truth`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::report::{Annotation, Report};

/// Labels for a corpus.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Truth {
    /// Groups of document ids that are copies of one another; every pair inside a group is a
    /// duplicate pair, every other pair is not.
    pub duplicate_clusters: Vec<Vec<String>>,
    /// Pairs that must not be joined (hard negatives), for reading; they are already counted
    /// as negatives by `duplicate_clusters`.
    #[serde(default)]
    pub not_duplicates: Vec<Vec<String>>,
    /// Document id → 1-based line numbers that are template.
    #[serde(default)]
    pub template_lines: BTreeMap<String, Vec<u32>>,
    /// Document id → 1-based line numbers that repeat an earlier block of the same document.
    #[serde(default)]
    pub repeated_lines: BTreeMap<String, Vec<u32>>,
    /// Content similarity of labelled duplicate pairs, where known (generated corpora).
    #[serde(default)]
    pub pair_similarity: Vec<PairSimilarity>,
}

/// Content similarity of a labelled duplicate pair.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PairSimilarity {
    /// First id.
    pub a: String,
    /// Second id.
    pub b: String,
    /// Exact Jaccard of the word 5-gram sets of the two documents' content (template excluded).
    pub jaccard: f64,
    /// Containment of the smaller content in the larger.
    pub containment: f64,
}

/// Counts of a binary decision and the figures derived from them.
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
    /// TP / (TP + FP); 1 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        let d = self.true_positives + self.false_positives;
        if d == 0 {
            1.0
        } else {
            self.true_positives as f64 / d as f64
        }
    }

    /// TP / (TP + FN); 1 when nothing was labelled.
    pub fn recall(&self) -> f64 {
        let d = self.true_positives + self.false_negatives;
        if d == 0 {
            1.0
        } else {
            self.true_positives as f64 / d as f64
        }
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn of_sets<T: Ord>(predicted: &BTreeSet<T>, labelled: &BTreeSet<T>) -> Score {
        let tp = predicted.intersection(labelled).count() as u64;
        Score {
            true_positives: tp,
            false_positives: predicted.len() as u64 - tp,
            false_negatives: labelled.len() as u64 - tp,
        }
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

/// The scores of one scan.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Evaluation {
    /// Near-duplicate pairs.
    pub pairs: Score,
    /// Template lines.
    pub template_lines: Score,
    /// Repeated-block lines.
    pub repeated_lines: Score,
    /// Recall on labelled pairs whose content Jaccard is at or above the threshold, and the
    /// threshold (only with `pair_similarity` labels).
    pub pairs_above_threshold: Option<(f64, Score)>,
    /// Recall on labelled pairs below the threshold (truncated copies and heavy edits).
    pub pairs_below_threshold: Option<(f64, Score)>,
    /// Predicted pairs that are not labelled, for reading (at most 20).
    pub false_pairs: Vec<(String, String)>,
    /// Labelled pairs that were missed, for reading (at most 20).
    pub missed_pairs: Vec<(String, String)>,
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "near-duplicate pairs  {}", self.pairs)?;
        if let Some((t, s)) = &self.pairs_above_threshold {
            writeln!(
                f,
                "  pairs with content Jaccard >= {t}: recall {:.4} ({} of {})",
                s.recall(),
                s.true_positives,
                s.true_positives + s.false_negatives
            )?;
        }
        if let Some((t, s)) = &self.pairs_below_threshold {
            writeln!(
                f,
                "  pairs with content Jaccard <  {t}: recall {:.4} ({} of {})",
                s.recall(),
                s.true_positives,
                s.true_positives + s.false_negatives
            )?;
        }
        writeln!(f, "template lines        {}", self.template_lines)?;
        writeln!(f, "repeated lines        {}", self.repeated_lines)?;
        for (a, b) in &self.false_pairs {
            writeln!(f, "  false pair   {a}  ~  {b}")?;
        }
        for (a, b) in &self.missed_pairs {
            writeln!(f, "  missed pair  {a}  ~  {b}")?;
        }
        Ok(())
    }
}

/// Every unordered pair inside each group, as (smaller id, larger id).
pub fn pairs_of<'a>(groups: impl Iterator<Item = Vec<&'a str>>) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for g in groups {
        for (i, a) in g.iter().enumerate() {
            for b in &g[i + 1..] {
                let (x, y) = if a < b { (a, b) } else { (b, a) };
                out.insert((x.to_string(), y.to_string()));
            }
        }
    }
    out
}

/// Scores a scan's clusters and annotations against `truth`.
pub fn evaluate(report: &Report, annotations: &[Annotation], truth: &Truth) -> Evaluation {
    let threshold = report.summary.parameters.threshold;
    let predicted = pairs_of(
        report
            .duplicate_clusters
            .iter()
            .map(|c| c.documents.iter().map(|m| m.id.as_str()).collect()),
    );
    let labelled = pairs_of(
        truth
            .duplicate_clusters
            .iter()
            .map(|g| g.iter().map(String::as_str).collect()),
    );
    let split = |above: bool| {
        if truth.pair_similarity.is_empty() {
            return None;
        }
        let mut s = Score::default();
        for p in &truth.pair_similarity {
            if (p.jaccard >= threshold) != above {
                continue;
            }
            let key = if p.a < p.b {
                (p.a.clone(), p.b.clone())
            } else {
                (p.b.clone(), p.a.clone())
            };
            if predicted.contains(&key) {
                s.true_positives += 1;
            } else {
                s.false_negatives += 1;
            }
        }
        Some((threshold, s))
    };
    let false_pairs = predicted.difference(&labelled).take(20).cloned().collect();
    let missed_pairs = labelled.difference(&predicted).take(20).cloned().collect();
    Evaluation {
        pairs: Score::of_sets(&predicted, &labelled),
        template_lines: score_lines(annotations, &truth.template_lines, "template"),
        repeated_lines: score_lines(annotations, &truth.repeated_lines, "repeated"),
        pairs_above_threshold: split(true),
        pairs_below_threshold: split(false),
        false_pairs,
        missed_pairs,
    }
}

/// Line-level score of the spans of `kind` against labelled lines.
fn score_lines(
    annotations: &[Annotation],
    labelled: &BTreeMap<String, Vec<u32>>,
    kind: &str,
) -> Score {
    let mut predicted: BTreeSet<(&str, u32)> = BTreeSet::new();
    for a in annotations {
        for s in a.spans.iter().filter(|s| s.kind == kind) {
            for line in s.start_line..=s.end_line {
                predicted.insert((a.id.as_str(), line));
            }
        }
    }
    let truth: BTreeSet<(&str, u32)> = labelled
        .iter()
        .flat_map(|(id, lines)| lines.iter().map(move |&l| (id.as_str(), l)))
        .collect();
    Score::of_sets(&predicted, &truth)
}

/// Scores from labelled pairs (`a<TAB>b<TAB>label`, label 1 = duplicate, 0 = not): only the
/// listed pairs count. Lines that cannot be parsed are returned as errors.
pub fn score_labelled_pairs(report: &Report, tsv: &str) -> (Score, Vec<String>) {
    let mut cluster_of: HashMap<&str, u64> = HashMap::new();
    for c in &report.duplicate_clusters {
        for m in &c.documents {
            cluster_of.insert(m.id.as_str(), c.id);
        }
    }
    let mut score = Score::default();
    let mut errors = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < 3 || line.trim().is_empty() {
            continue;
        }
        let label = match fields[2].trim() {
            "1" => true,
            "0" => false,
            _ if n == 0 => continue, // a header line
            other => {
                errors.push(format!("line {}: label '{other}' is not 0 or 1", n + 1));
                continue;
            }
        };
        let joined = match (cluster_of.get(fields[0]), cluster_of.get(fields[1])) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        };
        match (joined, label) {
            (true, true) => score.true_positives += 1,
            (true, false) => score.false_positives += 1,
            (false, true) => score.false_negatives += 1,
            (false, false) => {}
        }
    }
    (score, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_figures() {
        let s = Score {
            true_positives: 8,
            false_positives: 2,
            false_negatives: 8,
        };
        assert!((s.precision() - 0.8).abs() < 1e-12);
        assert!((s.recall() - 0.5).abs() < 1e-12);
        assert!((s.f1() - 2.0 * 0.4 / 1.3).abs() < 1e-12);
        assert_eq!(Score::default().f1(), 1.0);
    }

    #[test]
    fn pairs_of_groups() {
        let p = pairs_of(vec![vec!["c", "a", "b"], vec!["d"]].into_iter());
        let want: BTreeSet<(String, String)> = [("a", "c"), ("b", "c"), ("a", "b")]
            .iter()
            .map(|(x, y)| (x.to_string(), y.to_string()))
            .collect();
        assert_eq!(p, want);
    }
}
