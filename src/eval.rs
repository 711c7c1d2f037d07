//! Scoring a scan against labels: pair-level precision and recall for near-duplicates,
//! line-level for template lines and repeated blocks.
//!
//! Two label files are read (see [`parse_labels`]):
//! - the project's own (`truth.json`, as in `samples/`): which documents are copies of one
//!   another and which lines are template or repeated; see [`Truth`] and [`evaluate`];
//! - page line labels in the Big9 format (`{"site/page.txt": {"content": [..],
//!   "boilerplate": [..], "ignore": [..]}}`, 1-based lines): which lines are the article and
//!   which are site chrome; see [`LineLabels`] and [`evaluate_lines`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::human::{count, noun};
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
    /// [`parse_labels`]; a `Truth` read otherwise scores every section.
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
        f1(self.precision(), self.recall())
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

/// The score of a scan on labelled pairs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairLabels {
    /// Pairs whose documents are both in the scan.
    pub score: Score,
    /// Pairs read.
    pub pairs: u64,
    /// Pairs not scored because a document is not in the scan.
    pub unknown_pairs: u64,
    /// Ids not in the scan (at most 10).
    pub unknown_ids: Vec<String>,
    /// Lines that could not be parsed.
    pub errors: Vec<String>,
}

/// Scores from labelled pairs (`a<TAB>b<TAB>label`, label 1 = duplicate, 0 = not): only the
/// listed pairs whose documents both are in the scan (have an annotation) count. Lines that
/// cannot be parsed are returned as errors.
pub fn score_labelled_pairs(report: &Report, annotations: &[Annotation], tsv: &str) -> PairLabels {
    let mut cluster_of: HashMap<&str, u64> = HashMap::new();
    for c in &report.duplicate_clusters {
        for m in &c.documents {
            cluster_of.insert(m.id.as_str(), c.id);
        }
    }
    let known: std::collections::HashSet<&str> =
        annotations.iter().map(|a| a.id.as_str()).collect();
    let mut out = PairLabels::default();
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
                out.errors
                    .push(format!("line {}: label '{other}' is not 0 or 1", n + 1));
                continue;
            }
        };
        out.pairs += 1;
        let unknown: Vec<&str> = fields[..2]
            .iter()
            .copied()
            .filter(|id| !known.contains(id))
            .collect();
        if !unknown.is_empty() {
            out.unknown_pairs += 1;
            for id in unknown {
                if out.unknown_ids.len() < 10 && !out.unknown_ids.iter().any(|u| u == id) {
                    out.unknown_ids.push(id.to_string());
                }
            }
            continue;
        }
        let joined = match (cluster_of.get(fields[0]), cluster_of.get(fields[1])) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        };
        let score = &mut out.score;
        match (joined, label) {
            (true, true) => score.true_positives += 1,
            (true, false) => score.false_positives += 1,
            (false, true) => score.false_negatives += 1,
            (false, false) => {}
        }
    }
    out
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

/// The line labels of one page (Big9 format): 1-based line numbers of its article text, of its
/// boilerplate, and of lines that are neither (not scored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLabels {
    /// Lines of the article (a line of at least three words found word for word in it).
    #[serde(default)]
    pub content: Vec<u32>,
    /// Lines most of whose words never occur in the article.
    #[serde(default)]
    pub boilerplate: Vec<u32>,
    /// Lines that are neither.
    #[serde(default)]
    pub ignore: Vec<u32>,
}

/// Line labels of a corpus: document id (`site/page.txt`) → its [`PageLabels`].
pub type LineLabels = BTreeMap<String, PageLabels>;

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

/// The texts of the documents of `cfg`'s corpus whose ids are in `wanted`, read as the scan
/// reads them.
pub fn read_texts(cfg: &Config, wanted: &BTreeSet<&str>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let tree = crate::corpus::walk_inputs(&cfg.input_set());
    for file in &tree.files {
        crate::corpus::read_documents(file, &cfg.input, |doc| {
            if wanted.contains(doc.id.as_str()) {
                out.entry(doc.id).or_insert(doc.text);
            }
        });
    }
    out
}

/// Pages of a site that must hold a boilerplate line's text for it to count toward recall.
pub const RECURRING_MIN_PAGES: usize = 3;

/// A line's text as line labels compare it: lower-cased, whitespace collapsed, digits as `0`.
pub fn label_line_key(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for word in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            if c.is_numeric() {
                out.push('0');
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

/// The site of a labelled page: its id's first folder (`""` for none).
fn site_of_id(id: &str) -> &str {
    id.split_once('/').map_or("", |(site, _)| site)
}

/// Lines of one text, gathered over the pages of a site, that a score got wrong.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineMiss {
    /// The site.
    pub site: String,
    /// The text, as on the first page listed.
    pub text: String,
    /// Labelled lines of this text that were got wrong.
    pub lines: u64,
    /// Pages of the site whose text holds a line of this text (any label).
    pub pages: u64,
    /// Up to three `id:line` where it was got wrong.
    pub examples: Vec<String>,
    /// Whether the report lists a template block of the site with this text, digits as `0`
    /// (then the misses are occurrences the annotations do not mark).
    pub template_block: bool,
}

/// Line figures of one site.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SiteLines {
    /// The site.
    pub site: String,
    /// Pages scored.
    pub pages: u64,
    /// Lines flagged as template.
    pub flagged: u64,
    /// Of them, labelled content.
    pub flagged_content: u64,
    /// Boilerplate lines whose text recurs on at least [`RECURRING_MIN_PAGES`] pages.
    pub recurring: u64,
    /// Of them, flagged.
    pub recurring_found: u64,
}

impl SiteLines {
    /// Share of the flagged lines that are not content; 1 when nothing was flagged.
    pub fn precision(&self) -> f64 {
        ratio(self.flagged - self.flagged_content, self.flagged)
    }

    /// Share of the recurring boilerplate lines flagged; 1 when there are none.
    pub fn recall(&self) -> f64 {
        ratio(self.recurring_found, self.recurring)
    }
}

/// The harmonic mean of a precision and a recall (0 when both are).
pub(crate) fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// The template-line score of a scan against page line labels.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LineEvaluation {
    /// Pages in the label file.
    pub labelled_pages: u64,
    /// Of them, pages read from the corpus and scored.
    pub scored_pages: u64,
    /// Labelled pages not in the corpus (at most 20 listed).
    pub missing_pages: Vec<String>,
    /// Labelled line numbers past the end of their page (a sign of labels for another text).
    pub lines_out_of_range: u64,
    /// Labelled lines: content, boilerplate, ignore.
    pub labelled: [u64; 3],
    /// Lines flagged as template (template spans of the annotations), on scored pages.
    pub flagged: u64,
    /// Of them, labelled content (false positives).
    pub flagged_content: u64,
    /// Boilerplate lines flagged, whether their text recurs or not.
    pub boilerplate_flagged: u64,
    /// Boilerplate lines whose text recurs on at least [`RECURRING_MIN_PAGES`] pages of
    /// their site.
    pub recurring: u64,
    /// Of them, flagged.
    pub recurring_found: u64,
    /// Figures per site, by site.
    pub sites: Vec<SiteLines>,
    /// Content lines flagged, by text, most lines first.
    pub content_flagged: Vec<LineMiss>,
    /// Recurring boilerplate lines not flagged, by text, most lines first.
    pub recurring_missed: Vec<LineMiss>,
}

impl LineEvaluation {
    /// Of the lines flagged as template, the share that are not content.
    pub fn precision(&self) -> f64 {
        ratio(self.flagged - self.flagged_content, self.flagged)
    }

    /// Of the boilerplate lines that recur on at least [`RECURRING_MIN_PAGES`] pages of their
    /// site, the share flagged.
    pub fn recall(&self) -> f64 {
        ratio(self.recurring_found, self.recurring)
    }

    /// Whether any page was scored.
    pub fn scored(&self) -> bool {
        self.scored_pages > 0
    }

    /// The figures, and with `verbose` > 0 the figures per site and the lines got wrong (at
    /// most 40 texts per list; all with `verbose` > 1).
    pub fn render(&self, verbose: u8) -> String {
        let mut s = String::new();
        let [content, boilerplate, ignore] = self.labelled;
        s.push_str(&format!(
            "pages                 {} scored of {} labelled; lines labelled: {content} content, \
             {boilerplate} boilerplate, {ignore} ignore\n",
            self.scored_pages, self.labelled_pages
        ));
        s.push_str(&format!(
            "template lines        precision {:.4}  ({} flagged, {} of them content = FP)\n",
            self.precision(),
            self.flagged,
            self.flagged_content
        ));
        s.push_str(&format!(
            "recurring boilerplate recall {:.4}  ({} of {} on >= {RECURRING_MIN_PAGES} \
             pages of their site flagged, {} missed = FN)\n",
            self.recall(),
            self.recurring_found,
            count(self.recurring, "line"),
            self.recurring - self.recurring_found
        ));
        s.push_str(&format!(
            "all boilerplate       {} of {} flagged ({:.4})\n",
            self.boilerplate_flagged,
            count(boilerplate, "line"),
            ratio(self.boilerplate_flagged, boilerplate)
        ));
        if !self.missing_pages.is_empty() {
            s.push_str(&format!(
                "  labelled pages not in the corpus: {}{}\n",
                self.missing_pages.join(", "),
                if (self.labelled_pages - self.scored_pages) as usize > self.missing_pages.len() {
                    ", …"
                } else {
                    ""
                }
            ));
        }
        if self.lines_out_of_range > 0 {
            s.push_str(&format!(
                "  labelled lines past the end of their page: {}\n",
                self.lines_out_of_range
            ));
        }
        if verbose > 0 {
            self.render_details(&mut s, verbose);
        }
        s
    }

    /// Figures per site and the lines got wrong.
    fn render_details(&self, s: &mut String, verbose: u8) {
        s.push_str("\nper site              pages  precision  (FP of flagged)  recall  (FN of recurring)\n");
        for x in &self.sites {
            s.push_str(&format!(
                "  {:<20} {:>5}  {:.4}     ({} of {})  {:.4}  ({} of {})\n",
                x.site,
                x.pages,
                x.precision(),
                x.flagged_content,
                x.flagged,
                x.recall(),
                x.recurring - x.recurring_found,
                x.recurring
            ));
        }
        let limit = if verbose > 1 { usize::MAX } else { 40 };
        let list = |s: &mut String, title: &str, misses: &[LineMiss]| {
            let total: u64 = misses.iter().map(|m| m.lines).sum();
            s.push_str(&format!(
                "\n{title}: {}, {}\n  (lines × text, site, pages \
                 of the site holding it, T = a template block of the site in the report, digits as 0)\n",
                count(total, "line"),
                count(misses.len() as u64, "distinct text")
            ));
            for m in misses.iter().take(limit) {
                let mut text: String = m.text.chars().take(100).collect();
                if text.len() < m.text.len() {
                    text.push('…');
                }
                s.push_str(&format!(
                    "  {:>3} × {:<16} {:>3} {:<5} {} {:?}  e.g. {}\n",
                    m.lines,
                    m.site,
                    m.pages,
                    noun(m.pages, "page"),
                    if m.template_block { "T" } else { " " },
                    text,
                    m.examples.join(" ")
                ));
            }
            if misses.len() > limit {
                s.push_str(&format!(
                    "  … {} more (-vv lists all)\n",
                    count((misses.len() - limit) as u64, "text")
                ));
            }
        };
        list(
            s,
            "content lines flagged as template (FP)",
            &self.content_flagged,
        );
        list(
            s,
            "recurring boilerplate lines missed (FN)",
            &self.recurring_missed,
        );
    }
}

/// The (site, line key) of every template block of the report.
fn template_block_keys(report: &Report) -> BTreeSet<(&str, String)> {
    report
        .template_blocks
        .iter()
        .flat_map(|b| {
            let key = label_line_key(&b.text);
            b.sites.keys().map(move |s| (s.as_str(), key.clone()))
        })
        .collect()
}

/// A labelled page with a text: its lines and their keys ([`label_line_key`]).
struct ScoredPage<'a> {
    id: &'a str,
    page: &'a PageLabels,
    lines: Vec<&'a str>,
    keys: Vec<String>,
}

/// Each annotated document's lines inside template spans.
fn template_lines_of(annotations: &[Annotation]) -> HashMap<&str, BTreeSet<u32>> {
    annotations
        .iter()
        .map(|a| {
            let lines = a
                .spans
                .iter()
                .filter(|s| s.kind == crate::report::SpanKind::Template)
                .flat_map(|s| s.start_line..=s.end_line)
                .collect();
            (a.id.as_str(), lines)
        })
        .collect()
}

/// The labelled pages that have a text; the others are listed in `ev.missing_pages`.
fn scored_pages<'a>(
    labels: &'a LineLabels,
    texts: &'a HashMap<String, String>,
    ev: &mut LineEvaluation,
) -> Vec<ScoredPage<'a>> {
    let mut pages = Vec::new();
    for (id, page) in labels {
        match texts.get(id) {
            Some(text) => {
                let lines: Vec<&str> = text
                    .split('\n')
                    .map(|l| l.strip_suffix('\r').unwrap_or(l))
                    .collect();
                let keys = lines.iter().map(|l| label_line_key(l)).collect();
                pages.push(ScoredPage {
                    id: id.as_str(),
                    page,
                    lines,
                    keys,
                });
            }
            None if ev.missing_pages.len() < 20 => ev.missing_pages.push(id.clone()),
            None => {}
        }
    }
    pages
}

/// On how many pages of its site each (site, line key) occurs.
fn pages_of_key<'a>(pages: &'a [ScoredPage]) -> HashMap<(&'a str, &'a str), u64> {
    let mut pages_of_key: HashMap<(&str, &str), u64> = HashMap::new();
    for p in pages {
        let distinct: BTreeSet<&str> = p
            .keys
            .iter()
            .map(String::as_str)
            .filter(|k| !k.is_empty())
            .collect();
        for k in distinct {
            *pages_of_key.entry((site_of_id(p.id), k)).or_default() += 1;
        }
    }
    pages_of_key
}

/// Scores the template spans of `annotations` against page line labels, reading each labelled
/// page's text from `texts` (id → text; pages without one are not scored). `report` tells
/// which texts are template blocks, for reading the misses.
///
/// Precision: of the lines flagged as template, the share not labelled `content`. Recall: of
/// the `boilerplate` lines whose text ([`label_line_key`]) occurs on at least
/// [`RECURRING_MIN_PAGES`] scored pages of the same site (the id's first folder), the share
/// flagged.
pub fn evaluate_lines(
    report: &Report,
    annotations: &[Annotation],
    labels: &LineLabels,
    texts: &HashMap<String, String>,
) -> LineEvaluation {
    let flagged_of = template_lines_of(annotations);
    let mut ev = LineEvaluation {
        labelled_pages: labels.len() as u64,
        ..LineEvaluation::default()
    };
    let pages = scored_pages(labels, texts, &mut ev);
    let pages_of_key = pages_of_key(&pages);
    let blocks = template_block_keys(report);
    let mut sites: BTreeMap<&str, SiteLines> = BTreeMap::new();
    // (site, key) → miss, for the two lists.
    let mut fp: BTreeMap<(&str, &str), LineMiss> = BTreeMap::new();
    let mut fn_: BTreeMap<(&str, &str), LineMiss> = BTreeMap::new();
    let empty = BTreeSet::new();
    for ScoredPage {
        id,
        page,
        lines,
        keys,
    } in &pages
    {
        let site = site_of_id(id);
        let flagged = flagged_of.get(id).unwrap_or(&empty);
        let st = sites.entry(site).or_insert_with(|| SiteLines {
            site: site.to_string(),
            ..SiteLines::default()
        });
        st.pages += 1;
        ev.scored_pages += 1;
        let n = lines.len() as u32;
        let valid = |l: &&u32| **l >= 1 && **l <= n;
        for list in [&page.content, &page.boilerplate, &page.ignore] {
            ev.lines_out_of_range += list.iter().filter(|l| !valid(l)).count() as u64;
        }
        for (count, list) in
            ev.labelled
                .iter_mut()
                .zip([&page.content, &page.boilerplate, &page.ignore])
        {
            *count += list.iter().filter(valid).count() as u64;
        }
        let content: BTreeSet<u32> = page.content.iter().copied().collect();
        for &l in flagged.iter().filter(|l| **l >= 1 && **l <= n) {
            st.flagged += 1;
            ev.flagged += 1;
            if content.contains(&l) {
                st.flagged_content += 1;
                ev.flagged_content += 1;
                let key = keys[l as usize - 1].as_str();
                add_miss(
                    &mut fp,
                    (site, key),
                    lines[l as usize - 1],
                    pages_of_key.get(&(site, key)).copied().unwrap_or(0),
                    id,
                    l,
                );
            }
        }
        for &l in page.boilerplate.iter().filter(valid) {
            let is_flagged = flagged.contains(&l);
            ev.boilerplate_flagged += is_flagged as u64;
            let key = keys[l as usize - 1].as_str();
            let on_pages = pages_of_key.get(&(site, key)).copied().unwrap_or(0);
            if key.is_empty() || (on_pages as usize) < RECURRING_MIN_PAGES {
                continue;
            }
            st.recurring += 1;
            ev.recurring += 1;
            if is_flagged {
                st.recurring_found += 1;
                ev.recurring_found += 1;
            } else {
                add_miss(
                    &mut fn_,
                    (site, key),
                    lines[l as usize - 1],
                    on_pages,
                    id,
                    l,
                );
            }
        }
    }
    ev.sites = sites.into_values().collect();
    let sorted = |m: BTreeMap<(&str, &str), LineMiss>| {
        let mut v: Vec<LineMiss> = m.into_values().collect();
        v.sort_by_key(|m| std::cmp::Reverse(m.lines)); // stable: ties stay by site and text
        v
    };
    ev.content_flagged = sorted(fp);
    ev.recurring_missed = sorted(fn_);
    for m in ev
        .content_flagged
        .iter_mut()
        .chain(ev.recurring_missed.iter_mut())
    {
        m.template_block = blocks.contains(&(m.site.as_str(), label_line_key(&m.text)));
    }
    ev
}

fn add_miss<'a>(
    map: &mut BTreeMap<(&'a str, &'a str), LineMiss>,
    key: (&'a str, &'a str),
    text: &str,
    pages: u64,
    id: &str,
    line: u32,
) {
    let m = map.entry(key).or_insert_with(|| LineMiss {
        site: key.0.to_string(),
        text: text.trim().to_string(),
        lines: 0,
        pages,
        examples: Vec::new(),
        template_block: false,
    });
    m.lines += 1;
    if m.examples.len() < 3 {
        m.examples.push(format!("{id}:{line}"));
    }
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

    fn annotation(id: &str, template: &[(u32, u32)]) -> Annotation {
        Annotation {
            id: id.to_string(),
            path: id.to_string(),
            line: None,
            site: id.split_once('/').map(|(s, _)| s.to_string()),
            cluster: None,
            duplicate_of: None,
            lossy_utf8: false,
            spans: template
                .iter()
                .map(|&(start_line, end_line)| crate::report::Span {
                    kind: crate::report::SpanKind::Template,
                    start_line,
                    end_line,
                    start_byte: 0,
                    end_byte: 0,
                    reason: None,
                })
                .collect(),
        }
    }

    fn report(template_blocks: &[(&str, &str)]) -> Report {
        Report {
            version: crate::report::SCHEMA_VERSION,
            summary: Default::default(),
            timing: None,
            skipped: Vec::new(),
            duplicate_clusters: Vec::new(),
            template_blocks: template_blocks
                .iter()
                .map(|(site, text)| crate::report::TemplateBlock {
                    text: text.to_string(),
                    words: 1,
                    sites: [(site.to_string(), 1)].into_iter().collect(),
                    documents: 3,
                    occurrences: 3,
                    position: crate::report::Position::Header,
                    examples: Vec::new(),
                })
                .collect(),
            repeated_blocks: Vec::new(),
        }
    }

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

    #[test]
    fn label_line_keys_fold_case_space_and_digits() {
        assert_eq!(
            label_line_key("  Posted  9 Sep 2005\t| News "),
            "posted 0 sep 0000 | news"
        );
        assert_eq!(label_line_key("ÉTÉ 2012"), "été 0000");
        assert_eq!(label_line_key(" \t "), "");
    }

    /// Three pages of one site and one of another: chrome lines 1 and 4 ("Home", a year),
    /// the article in between, and a boilerplate line that only two pages hold.
    fn line_fixture() -> (LineLabels, HashMap<String, String>) {
        let pages = [
            (
                "s/a.txt",
                "Home\nStory A one\nStory A two\n© 2012\nonly twice",
            ),
            (
                "s/b.txt",
                "HOME\nStory B one\nStory B two\n© 2013\nonly twice",
            ),
            (
                "s/c.txt",
                "Home\nStory C one\nStory C two\n© 2014\r\nunique",
            ),
            ("t/d.txt", "Home\nStory D"),
        ];
        let texts = pages
            .iter()
            .map(|(id, t)| (id.to_string(), t.to_string()))
            .collect();
        let page = |content: &[u32], boilerplate: &[u32]| PageLabels {
            content: content.to_vec(),
            boilerplate: boilerplate.to_vec(),
            ignore: Vec::new(),
        };
        let mut labels = LineLabels::new();
        labels.insert("s/a.txt".into(), page(&[2, 3], &[1, 4, 5]));
        labels.insert("s/b.txt".into(), page(&[2, 3], &[1, 4, 5]));
        labels.insert("s/c.txt".into(), page(&[2, 3], &[1, 4, 5]));
        labels.insert("t/d.txt".into(), page(&[2], &[1]));
        (labels, texts)
    }

    #[test]
    fn line_labels_score_flagged_and_recurring_lines() {
        let (labels, texts) = line_fixture();
        // a: all chrome found; b: the year missed, the first story line flagged; c: nothing
        // flagged; d: its lone "Home" flagged (its site has one page: not recurring)
        let anns = vec![
            annotation("s/a.txt", &[(1, 1), (4, 5)]),
            annotation("s/b.txt", &[(1, 2)]),
            annotation("s/c.txt", &[]),
            annotation("t/d.txt", &[(1, 1)]),
        ];
        let ev = evaluate_lines(&report(&[("s", "Home")]), &anns, &labels, &texts);
        assert_eq!((ev.labelled_pages, ev.scored_pages), (4, 4));
        assert_eq!(ev.labelled, [7, 10, 0]);
        // flagged: a 1,4,5; b 1,2; d 1 = 6, one of them content
        assert_eq!((ev.flagged, ev.flagged_content), (6, 1));
        assert!((ev.precision() - 5.0 / 6.0).abs() < 1e-12);
        // recurring: "home" and "© 0000" on the three pages of s; "only twice" is on two
        assert_eq!((ev.recurring, ev.recurring_found), (6, 3));
        assert!((ev.recall() - 0.5).abs() < 1e-12);
        assert_eq!(ev.boilerplate_flagged, 5);
        assert_eq!(ev.sites.len(), 2);
        assert_eq!((ev.sites[1].site.as_str(), ev.sites[1].recurring), ("t", 0));
        assert_eq!(ev.sites[1].recall(), 1.0);

        assert_eq!(ev.content_flagged.len(), 1);
        assert_eq!(ev.content_flagged[0].examples, vec!["s/b.txt:2"]);
        assert_eq!(ev.content_flagged[0].pages, 1);
        // missed: the year on b and c (one text), "Home" on c
        let missed: Vec<(&str, u64, u64, bool)> = ev
            .recurring_missed
            .iter()
            .map(|m| (m.text.as_str(), m.lines, m.pages, m.template_block))
            .collect();
        assert_eq!(missed, vec![("© 2013", 2, 3, false), ("Home", 1, 3, true)]);
        assert_eq!(
            ev.recurring_missed[0].examples,
            vec!["s/b.txt:4", "s/c.txt:4"]
        );

        let text = ev.render(0);
        assert!(text.contains("precision 0.8333"), "{text}");
        assert!(text.contains("recall 0.5000"), "{text}");
        assert!(!text.contains("per site"), "{text}");
        let text = ev.render(1);
        assert!(text.contains("per site"), "{text}");
        // one line of one text on one page, each said in the singular
        assert!(
            text.contains("content lines flagged as template (FP): 1 line, 1 distinct text\n"),
            "{text}"
        );
        assert!(text.contains("  1 × s                  1 page  "), "{text}");
        assert!(text.contains(": 3 lines, 2 distinct texts\n"), "{text}");
        assert!(
            text.contains("\"© 2013\"  e.g. s/b.txt:4 s/c.txt:4"),
            "{text}"
        );
    }

    #[test]
    fn line_labels_of_pages_not_in_the_corpus_are_not_scored() {
        let (mut labels, texts) = line_fixture();
        labels.insert(
            "s/gone.txt".into(),
            PageLabels {
                content: vec![1],
                ..PageLabels::default()
            },
        );
        labels.get_mut("t/d.txt").expect("d").boilerplate.push(9);
        let ev = evaluate_lines(&report(&[]), &[], &labels, &texts);
        assert_eq!((ev.labelled_pages, ev.scored_pages), (5, 4));
        assert_eq!(ev.missing_pages, vec!["s/gone.txt"]);
        assert_eq!(ev.lines_out_of_range, 1);
        assert_eq!((ev.flagged, ev.precision()), (0, 1.0));
        assert_eq!(ev.recall(), 0.0);
        assert!(ev.scored());
        let none = evaluate_lines(&report(&[]), &[], &labels, &HashMap::new());
        assert!(!none.scored());
        assert!(none.render(0).contains("0 scored of 5 labelled"));
    }

    #[test]
    fn labelled_pairs_with_unknown_documents_are_not_scored() {
        let mut r = report(&[]);
        r.duplicate_clusters.push(crate::report::Cluster {
            id: 1,
            representative: "a".into(),
            exact: false,
            chained: false,
            documents: ["a", "b"]
                .iter()
                .map(|id| crate::report::ClusterMember {
                    id: id.to_string(),
                    duplicate_of: None,
                    similarity: 1.0,
                    containment: 1.0,
                })
                .collect(),
        });
        let anns: Vec<Annotation> = ["a", "b", "c"]
            .iter()
            .map(|id| annotation(id, &[]))
            .collect();
        let tsv = "doc_a\tdoc_b\tlabel\na\tb\t1\na\tc\t0\nb\tc\t1\na\tx\t1\nb\tc\t2\n";
        let s = score_labelled_pairs(&r, &anns, tsv);
        assert_eq!(s.pairs, 4);
        assert_eq!(
            (s.unknown_pairs, s.unknown_ids.clone()),
            (1, vec!["x".to_string()])
        );
        assert_eq!(
            (
                s.score.true_positives,
                s.score.false_positives,
                s.score.false_negatives
            ),
            (1, 0, 1)
        );
        assert_eq!(s.errors, vec!["line 6: label '2' is not 0 or 1"]);
    }
}
