//! The report and annotation types: the product's contract with outside tools.
//!
//! Changing a field name or meaning is a breaking change and needs a new `version`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::corpus::Skipped;

/// Version of the report and annotation schema.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON report of a scan.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub version: u32,
    /// Counts and the parameters used.
    pub summary: Summary,
    /// Wall time and threads; the one part that differs between runs (omitted by `--no-timing`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    /// Files, JSONL lines and tree entries not used, with the reason.
    pub skipped: Vec<Skipped>,
    /// Groups of duplicate documents, largest first, numbered 1..n in this order.
    pub duplicate_clusters: Vec<Cluster>,
    /// Lines and paragraphs that sites repeat on many pages.
    pub template_blocks: Vec<TemplateBlock>,
    /// Blocks repeated inside documents or reused by a few different documents.
    pub repeated_blocks: Vec<RepeatedBlock>,
}

/// Counts of a scan.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Summary {
    /// Input files found (by extension).
    pub files: u64,
    /// Documents read.
    pub documents: u64,
    /// Bytes of text read (after decompression).
    pub bytes: u64,
    /// Entries in `skipped`.
    pub skipped: u64,
    /// `skipped` counted by reason (the part of the reason before any `:`).
    pub skipped_by_reason: BTreeMap<String, u64>,
    /// Documents whose invalid UTF-8 was replaced by U+FFFD.
    pub lossy_utf8_documents: u64,
    /// Documents whose id was already taken and got `#N` appended.
    pub renamed_duplicate_ids: u64,
    /// Documents with too little content to shingle: matched exactly only.
    pub documents_without_shingles: u64,
    /// Documents whose own words were shorter than one shingle, compared on their text outside
    /// frequent text (on a small site, a story on half of its pages counts as chrome).
    pub documents_shingled_in_full: u64,
    /// Documents whose own text (outside template, site chrome and frequent text) is shorter
    /// than one shingle: compared as one whole, joined only to a document with the same own
    /// text (two versions of one constant's page), never on chrome or shared lists.
    #[serde(default)]
    pub documents_compared_whole: u64,
    /// Documents whose content was thin (see `--thin-words`, `--thin-share`), compared on
    /// their own text: outside site chrome and frequent text (`--frequent-docs`).
    #[serde(default)]
    pub documents_judged_outside_chrome: u64,
    /// Documents whose compared text is under `--thin-share` of their text outside site
    /// chrome (a reference page's own lines above the method docs it shares): the rest, their
    /// bulk, can keep two of them apart; left out of the report when there are none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub documents_narrow: u64,
    /// Pairs that passed the thresholds on their compared text but were kept apart because
    /// both are narrow and their bulks mostly differ (namesake reference pages of different
    /// items); left out of the report when there are none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pairs_kept_apart_by_bulk: u64,
    /// Clusters whose members all have the same normalised text.
    pub exact_duplicate_clusters: u64,
    /// Clusters with a member that matches the representative only through other members.
    #[serde(default)]
    pub chained_clusters: u64,
    /// All duplicate clusters.
    pub duplicate_clusters: u64,
    /// Documents that are a non-representative member of a cluster (what dedup drops).
    pub duplicate_documents: u64,
    /// LSH candidate pairs.
    pub candidate_pairs: u64,
    /// Candidate pairs that passed verification.
    pub verified_pairs: u64,
    /// Candidate pairs judged on exact shingle sets (`--verify auto` checks the borderline
    /// ones, `--verify exact` all of them).
    #[serde(default)]
    pub exactly_checked_pairs: u64,
    /// Distinct template blocks.
    pub template_blocks: u64,
    /// Template spans marked in the annotations.
    pub template_spans: u64,
    /// Blocks repeated inside a document, marked in the annotations.
    pub repeated_spans: u64,
    /// Later occurrences of reused blocks marked in the annotations (`reused` spans).
    #[serde(default)]
    pub reused_spans: u64,
    /// Runs of HTML lines the page's structure shows to be boilerplate (`boilerplate` spans);
    /// left out of the report when there are none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub boilerplate_spans: u64,
    /// Blocks reused across different documents.
    pub reused_blocks: u64,
    /// What the rules that keep shared text did (see [`SharedTextCounts`]); left out of the
    /// report when no rule applied.
    #[serde(default, skip_serializing_if = "SharedTextCounts::is_empty")]
    pub shared_text: SharedTextCounts,
    /// Histogram of verified pair similarities (Jaccard), buckets of 0.05 from 0 to 1.
    pub similarity_histogram: Vec<u64>,
    /// Histogram of rejected candidate similarities (near misses), same buckets.
    pub near_miss_histogram: Vec<u64>,
    /// The parameters used.
    pub parameters: Parameters,
}

/// How many documents each rule that keeps shared text touched.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct SharedTextCounts {
    /// Documents whose frequent text inside their article (lines that are template by
    /// repetition, not chrome by place) stays in them: short runs everywhere, long runs in
    /// one document.
    #[serde(default)]
    pub frequent_content_documents: u64,
    /// Documents that keep a long run of frequent article text as its one copy.
    #[serde(default)]
    pub frequent_content_kept_once: u64,
    /// Documents whose own headline stayed although an earlier document held it too.
    #[serde(default)]
    pub own_headlines_kept: u64,
    /// Documents kept whole: stripping later copies would have left them under
    /// `--stub-share` of their words.
    #[serde(default)]
    pub kept_whole: u64,
}

impl SharedTextCounts {
    /// Whether no rule applied.
    pub fn is_empty(&self) -> bool {
        *self == SharedTextCounts::default()
    }
}

/// The parameters a scan ran with (defaults and derived values included).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Parameters {
    /// Jaccard threshold.
    pub threshold: f64,
    /// Containment threshold, or null when off.
    pub containment: Option<f64>,
    /// Shingle kind: `words` or `chars`.
    pub shingle: String,
    /// Shingle size.
    pub ngram: usize,
    /// MinHash values per document.
    pub num_perm: usize,
    /// LSH bands used.
    pub bands: usize,
    /// LSH rows per band used.
    pub rows: usize,
    /// The Jaccard the bands were chosen to catch (lower than `threshold` with containment).
    pub lsh_design_threshold: f64,
    /// Probability that LSH makes a pair a candidate, at threshold − 0.1, threshold, + 0.1.
    pub s_curve: BTreeMap<String, f64>,
    /// `auto`, `signature` or `exact`.
    pub verify: String,
    /// `first`, `longest` or `shortest`.
    pub keep: String,
    /// Least content words for a document to be shingled.
    pub min_words: usize,
    /// Content shorter than this is thin (`--thin-words`).
    #[serde(default)]
    pub thin_words: usize,
    /// Content under this share of the text outside site chrome is thin (`--thin-share`).
    #[serde(default)]
    pub thin_share: f64,
    /// `--frequent-docs`.
    #[serde(default)]
    pub frequent_docs: usize,
    /// `--containment-min-shingles`.
    #[serde(default)]
    pub containment_min_shingles: usize,
    /// Seed of the MinHash permutations.
    #[serde(default)]
    pub seed: u64,
    /// Digits folded to 0 for exact and near-duplicate comparison.
    pub fold_digits: bool,
    /// Clusters of one site that must hold a block for it to be template.
    pub template_min_docs: usize,
    /// Similarity for two blocks of one document to be repeats.
    pub repeat_similarity: f64,
    /// Least words of a repeated block.
    pub repeat_min_words: usize,
    /// `auto`, `always` or `never` (`--strip-reused`).
    #[serde(default)]
    pub strip_reused: String,
    /// Share of its words under which a document keeps its later copies (`--stub-share`).
    #[serde(default)]
    pub stub_share: f64,
    /// `dir`, `domain` or `none` (`--site`).
    pub site: String,
    /// JSONL text field.
    pub text_field: String,
    /// JSONL id field.
    pub id_field: String,
    /// JSONL site field, if any.
    pub site_field: Option<String>,
    /// Largest document read.
    pub max_bytes: u64,
}

/// Wall time of a scan.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Timing {
    /// Seconds from start to report.
    pub seconds: f64,
    /// Worker threads.
    pub threads: usize,
    /// Wall time of each stage, in order.
    #[serde(default)]
    pub stages: Vec<StageTime>,
    /// With `--cache`: `built`, `reused`, `rebuilt: <why>` or `not saved: <why>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<String>,
    /// The temporary file of document records: its size, or `not used: <why>` (the documents
    /// were then read again for signing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spill: Option<String>,
    /// The corpus folder scanned (absolute where it could be resolved): where
    /// `neardup report --html` reads the texts again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corpus: Option<String>,
    /// Every input the scan was given, as given, when there were several or a file (ids are
    /// then those paths): with `working_dir`, where `neardup report --html` reads texts again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<String>,
    /// The folder `inputs` were given from (absolute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// The xxh3 (16 hex digits) of the text of each document the HTML page compares side by
    /// side (at the default `--html-limit`): `neardup report --html` warns when a text it
    /// reads again is another.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub text_hashes: BTreeMap<String, String>,
}

/// Wall time of one stage of a scan.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StageTime {
    /// Stage name.
    pub stage: String,
    /// Seconds.
    pub seconds: f64,
}

/// A group of duplicate documents.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Cluster {
    /// 1-based, in the report's order: largest cluster first, ties in order of their
    /// smallest member (the first document in file order).
    pub id: u64,
    /// The id of the document kept.
    pub representative: String,
    /// Whether every member has the same normalised text.
    pub exact: bool,
    /// Whether some member matches the representative only through other members (a chain
    /// of edits, or a truncated copy of a member): its `duplicate_of` names the member it
    /// matches directly.
    #[serde(default)]
    pub chained: bool,
    /// Every member, the representative first, then by id order.
    pub documents: Vec<ClusterMember>,
}

/// A member of a cluster.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ClusterMember {
    /// Document id.
    pub id: String,
    /// The member it matches directly, when that is not the representative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// Jaccard similarity to the document it matches directly (1 for the representative).
    pub similarity: f64,
    /// Containment of the smaller of the two in the other.
    pub containment: f64,
}

/// A line or paragraph that is template.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TemplateBlock {
    /// Its text, as in its first example document.
    pub text: String,
    /// Words.
    pub words: u32,
    /// Sites holding it, with the occurrences marked on each (`""` for no site).
    pub sites: BTreeMap<String, u64>,
    /// Distinct documents holding it, near-duplicate copies counted once.
    pub documents: u64,
    /// Occurrences marked in the annotations.
    pub occurrences: u64,
    /// Where it usually sits: `header`, `body` or `footer`.
    pub position: Position,
    /// Up to three document ids holding it.
    pub examples: Vec<String>,
}

/// A block repeated inside a document, or reused by a few different documents.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RepeatedBlock {
    /// `within` (repeated inside each listed document) or `across` (reused by them).
    pub kind: RepeatKind,
    /// Its text, as in its first document.
    pub text: String,
    /// Words.
    pub words: u32,
    /// Documents holding it.
    pub documents: Vec<String>,
}

/// One line of the annotations file: what to do with one document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Annotation {
    /// Document id.
    pub id: String,
    /// Relative path of its file.
    pub path: String,
    /// Its place in a file of several documents: the JSONL line, the WARC record or the
    /// Parquet row (1-based); none for a whole-file document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Its site, if any.
    pub site: Option<String>,
    /// The id of its duplicate cluster (members and representative), or null.
    pub cluster: Option<u64>,
    /// The representative's id, for every member but the representative; null otherwise.
    pub duplicate_of: Option<String>,
    /// Present and true when invalid UTF-8 was replaced while decoding: span byte offsets are
    /// then offsets into the decoded text (each invalid sequence became U+FFFD), not the file.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lossy_utf8: bool,
    /// Spans to strip, in document order.
    pub spans: Vec<Span>,
}

/// A span of a document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Span {
    /// `template`, `repeated`, `reused` or `boilerplate`.
    pub kind: SpanKind,
    /// 1-based first line.
    pub start_line: u32,
    /// 1-based last line, inclusive.
    pub end_line: u32,
    /// Byte offset of its start in the document text.
    pub start_byte: u32,
    /// Byte offset just past its end.
    pub end_byte: u32,
    /// For a `boilerplate` span: what in the page's structure shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<crate::corpus::BoilerplateReason>,
}

/// Where on its pages a template block usually sits.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    /// Before the page's main text.
    Header,
    /// Inside it.
    Body,
    /// After it.
    Footer,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            Position::Header => "header",
            Position::Body => "body",
            Position::Footer => "footer",
        })
    }
}

/// How a block is repeated.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum RepeatKind {
    /// Repeated inside each listed document (a caption scraped twice).
    Within,
    /// Reused by a few different documents that are not copies of each other.
    Across,
}

/// What a span of a document is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum SpanKind {
    /// Site template: strip it from every page.
    Template,
    /// A later copy of a block of the same document: strip it, the first copy stays.
    Repeated,
    /// A later occurrence of a block that different documents share below the template
    /// threshold (a paragraph, a license, a caption): strip it, its first occurrence in a kept
    /// document stays.
    Reused,
    /// Lines of an HTML page that its structure shows to be no part of the article
    /// (navigation, footer, sidebar, form, comments, link list, outside the article), seen
    /// once or often: strip it. Its `reason` says which.
    Boilerplate,
}

impl SpanKind {
    /// Its name in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Template => "template",
            SpanKind::Repeated => "repeated",
            SpanKind::Reused => "reused",
            SpanKind::Boilerplate => "boilerplate",
        }
    }
}

impl PartialEq<&str> for SpanKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One verified pair, as `--pairs` writes it (a JSON line each).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PairRecord {
    /// First document id.
    pub a: String,
    /// Second document id.
    pub b: String,
    /// Jaccard similarity of their content shingles (exact when `judged` is `exact`).
    pub jaccard: f64,
    /// Jaccard estimated from their signatures, when both have one.
    pub estimated_jaccard: Option<f64>,
    /// Containment of the smaller shingle set in the larger.
    pub containment: f64,
    /// Where the figures come from.
    pub judged: Judgement,
    /// Which threshold the pair passed.
    pub joined_by: JoinedBy,
}

/// Where a pair's figures come from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Judgement {
    /// The MinHash signatures (an estimate).
    Signature,
    /// The exact shingle sets.
    Exact,
}

/// Which threshold a pair passed.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum JoinedBy {
    /// Jaccard at or above `--threshold`: a symmetric pair.
    Jaccard,
    /// Containment at or above `--containment`: the smaller lies inside the larger.
    Containment,
}

/// Whether a count is zero (serde leaves such fields out).
fn is_zero(n: &u64) -> bool {
    *n == 0
}
