//! The project's own labels (`truth.json`, as in `samples/`): duplicate clusters, template
//! and repeated lines, and the scores of a scan against them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::Score;
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
    /// The sections the file does not have (of [`SECTIONS`]): not scored. Set by
    /// [`super::parse_labels`]; a `Truth` read otherwise scores every section.
    #[serde(skip)]
    pub unlabelled: Vec<String>,
}

/// The sections of a truth file, each scored only when the file has it.
pub const SECTIONS: [&str; 3] = ["duplicate_clusters", "template_lines", "repeated_lines"];

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
    /// Sections the truth file does not label, not scored (see [`Truth::unlabelled`]).
    pub unlabelled: Vec<String>,
}

impl Evaluation {
    fn labelled(&self, section: &str) -> bool {
        !self.unlabelled.iter().any(|u| u == section)
    }
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.labelled("duplicate_clusters") {
            self.fmt_pairs(f)?;
        }
        if self.labelled("template_lines") {
            writeln!(f, "template lines        {}", self.template_lines)?;
        }
        if self.labelled("repeated_lines") {
            writeln!(f, "repeated lines        {}", self.repeated_lines)?;
        }
        if !self.unlabelled.is_empty() {
            let names: Vec<String> = self
                .unlabelled
                .iter()
                .map(|u| u.replace('_', " "))
                .collect();
            writeln!(
                f,
                "not scored (the truth file does not label them): {}",
                names.join(", ")
            )?;
        }
        Ok(())
    }
}

impl Evaluation {
    /// The pair scores and the pairs got wrong.
    fn fmt_pairs(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
        unlabelled: truth.unlabelled.clone(),
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

/// Which documents a [`Truth`] names (cluster members, template and repeated lines).
pub fn truth_ids(truth: &Truth) -> BTreeSet<&str> {
    truth
        .duplicate_clusters
        .iter()
        .flatten()
        .chain(truth.template_lines.keys())
        .chain(truth.repeated_lines.keys())
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_of_groups() {
        let p = pairs_of(vec![vec!["c", "a", "b"], vec!["d"]].into_iter());
        let want: BTreeSet<(String, String)> = [("a", "c"), ("b", "c"), ("a", "b")]
            .iter()
            .map(|(x, y)| (x.to_string(), y.to_string()))
            .collect();
        assert_eq!(p, want);
    }

    #[test]
    fn pairs_and_lines_are_scored_against_the_truth() {
        use super::super::test_support::{annotation, cluster, report};
        let mut r = report(&[]);
        r.summary.parameters.threshold = 0.7;
        r.duplicate_clusters.push(cluster(1, &["a", "b", "x"]));
        let mut b = annotation("b", &[(1, 2)]);
        b.spans[0].kind = crate::report::SpanKind::Repeated;
        let anns = vec![annotation("a", &[(1, 1), (5, 6)]), b];
        let truth = Truth {
            duplicate_clusters: vec![vec!["a".into(), "b".into(), "c".into()]],
            template_lines: [("a".to_string(), vec![1, 2, 5])].into_iter().collect(),
            repeated_lines: [("b".to_string(), vec![2])].into_iter().collect(),
            pair_similarity: vec![
                PairSimilarity {
                    a: "b".into(),
                    b: "a".into(),
                    jaccard: 0.9,
                    containment: 1.0,
                },
                PairSimilarity {
                    a: "a".into(),
                    b: "c".into(),
                    jaccard: 0.3,
                    containment: 0.5,
                },
            ],
            ..Truth::default()
        };
        let ev = evaluate(&r, &anns, &truth);
        // predicted a~b, a~x, b~x; labelled a~b, a~c, b~c
        assert_eq!(ev.pairs, Score::of_counts(1, 3, 3));
        assert_eq!(ev.template_lines, Score::of_counts(2, 3, 3));
        assert_eq!(ev.repeated_lines, Score::of_counts(1, 2, 1));
        assert_eq!(
            ev.pairs_above_threshold,
            Some((0.7, Score::of_counts(1, 1, 1)))
        );
        assert_eq!(
            ev.pairs_below_threshold,
            Some((0.7, Score::of_counts(0, 0, 1)))
        );
        assert_eq!(ev.false_pairs.len(), 2);
        assert_eq!(ev.missed_pairs.len(), 2);
        let text = ev.to_string();
        assert!(
            text.starts_with("near-duplicate pairs  precision 0.3333"),
            "{text}"
        );
        assert!(text.contains("  pairs with content Jaccard <  0.7: recall 0.0000 (0 of 1)"));
        assert!(text.contains("  missed pair  a  ~  c\n"), "{text}");
        assert!(!text.contains("not scored"), "{text}");

        let unlabelled = Truth {
            unlabelled: vec!["template_lines".into(), "repeated_lines".into()],
            ..truth
        };
        let text = evaluate(&r, &anns, &unlabelled).to_string();
        assert!(!text.contains("template lines "), "{text}");
        assert!(
            text.ends_with(
                "not scored (the truth file does not label them): template lines, repeated lines\n"
            ),
            "{text}"
        );
    }
}
