//! Scoring a scan against what a person or a generator says it should have found: one
//! capability, used by `neardup eval`, the tests and the development sets.
//!
//! Every evaluation counts a binary decision in one [`Score`] (true positives, false positives,
//! false negatives → precision, recall, F1):
//! - [`truth`]: the project's own labels (`truth.json`, as in `samples/`): which documents are
//!   copies of one another and which lines are template or repeated ([`Truth`], [`evaluate`]);
//! - [`pairs`]: pairs labelled one by one (`id_a<TAB>id_b<TAB>1|0`,
//!   [`score_labelled_pairs`]), and the threshold sweep that scans again at other thresholds
//!   ([`threshold_sweep`]);
//! - [`lines`]: page line labels in the Big9 format (`{"site/page.txt": {"content": [..],
//!   "boilerplate": [..], "ignore": [..]}}`, 1-based lines): which lines are the article and
//!   which are site chrome ([`LineLabels`], [`evaluate_lines`]);
//! - [`gold`]: a clean copy against the text a person marked as each page's article, words as
//!   a bag ([`gold::evaluate_gold`], [`gold::score_dirs`]).
//!
//! [`parse_labels`] reads a label file of the first or the third kind, telling them apart.

pub mod gold;
pub mod lines;
pub mod pairs;
pub mod score;
pub mod truth;

#[cfg(test)]
mod test_support;

pub use lines::{
    evaluate_lines, label_line_key, read_texts, LineEvaluation, LineLabels, LineMiss, PageLabels,
    SiteLines, RECURRING_MIN_PAGES,
};
pub use pairs::{score_labelled_pairs, threshold_sweep, PairLabels, Sweep, SweepRow, SWEEP};
pub use score::Score;
pub use truth::{evaluate, pairs_of, truth_ids, Evaluation, PairSimilarity, Truth, SECTIONS};

/// A label file, of either format.
#[derive(Debug, Clone)]
pub enum Labels {
    /// The project's own format (`samples/truth.json`).
    Truth(Box<Truth>),
    /// Page line labels (Big9 format).
    Lines(LineLabels),
}

/// Reads a label file, telling the two formats apart: an object with `duplicate_clusters` is a
/// [`Truth`]; an object whose every value is an object with `content`, `boilerplate` or
/// `ignore` lists is [`LineLabels`]. Anything else, and line numbers below 1, are errors.
pub fn parse_labels(text: &str) -> Result<Labels, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let serde_json::Value::Object(map) = &value else {
        return Err("expected a JSON object".to_string());
    };
    if SECTIONS.iter().any(|k| map.contains_key(*k)) {
        let unlabelled = SECTIONS
            .iter()
            .filter(|k| !map.contains_key(**k))
            .map(|k| k.to_string())
            .collect();
        let mut truth: Truth = serde_json::from_value(value).map_err(|e| e.to_string())?;
        truth.unlabelled = unlabelled;
        return Ok(Labels::Truth(Box::new(truth)));
    }
    let mut labels = LineLabels::new();
    for (id, page) in map {
        let is_page = page.as_object().is_some_and(|o| {
            ["content", "boilerplate", "ignore"]
                .iter()
                .any(|k| o.contains_key(*k))
        });
        if !is_page {
            return Err(format!(
                "'{id}' is neither `duplicate_clusters` (samples/truth.json) nor page line \
                 labels ({{\"content\": [..], \"boilerplate\": [..], \"ignore\": [..]}})"
            ));
        }
        let page: PageLabels =
            serde_json::from_value(page.clone()).map_err(|e| format!("'{id}': {e}"))?;
        if page
            .content
            .iter()
            .chain(&page.boilerplate)
            .chain(&page.ignore)
            .any(|&l| l == 0)
        {
            return Err(format!("'{id}': line numbers start at 1"));
        }
        labels.insert(id.clone(), page);
    }
    Ok(Labels::Lines(labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_files_of_both_formats_are_told_apart() {
        let truth = r#"{"duplicate_clusters": [["a", "b"]], "template_lines": {"a": [1]}}"#;
        match parse_labels(truth) {
            Ok(Labels::Truth(t)) => {
                assert_eq!(t.duplicate_clusters, vec![vec!["a", "b"]]);
                assert_eq!(truth_ids(&t), ["a", "b"].into_iter().collect());
            }
            other => panic!("{other:?}"),
        }
        let lines = r#"{"s/p.txt": {"content": [2], "boilerplate": [1, 3], "ignore": []},
                        "s/q.txt": {"boilerplate": [1]}}"#;
        match parse_labels(lines) {
            Ok(Labels::Lines(l)) => {
                assert_eq!(l.len(), 2);
                assert_eq!(l["s/p.txt"].boilerplate, vec![1, 3]);
                assert_eq!(l["s/q.txt"].content, Vec::<u32>::new());
            }
            other => panic!("{other:?}"),
        }
        // an empty map is line labels with no pages (nothing to score, said by the caller)
        assert!(matches!(parse_labels("{}"), Ok(Labels::Lines(l)) if l.is_empty()));
    }

    #[test]
    fn malformed_label_files_are_errors() {
        let err = |t: &str| parse_labels(t).expect_err(t);
        assert!(err("not json").contains("not JSON"));
        assert!(err("[1, 2]").contains("object"));
        assert!(err(r#"{"s/p.txt": [1, 2]}"#).contains("neither"));
        assert!(err(r#"{"s/p.txt": {"lines": [1]}}"#).contains("neither"));
        assert!(err(r#"{"s/p.txt": {"content": ["x"]}}"#).contains("s/p.txt"));
        assert!(err(r#"{"s/p.txt": {"content": [-1]}}"#).contains("s/p.txt"));
        assert!(err(r#"{"s/p.txt": {"content": [0]}}"#).contains("start at 1"));
        assert!(err(r#"{"duplicate_clusters": 3}"#).contains("invalid type"));
    }
}
