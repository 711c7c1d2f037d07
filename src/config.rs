//! Every threshold and option of a scan, with its default, in one place.
//!
//! The CLI (`main.rs`) fills a [`Config`] from flags; tests and benches build one directly with
//! [`Config::new`] and change the fields they care about.

use std::path::PathBuf;

use serde::Serialize;

use crate::progress::ProgressReporter;

pub use crate::corpus::{InputFormat, InputOptions, InputSet, SiteMode, DEFAULT_MAX_BYTES};
pub use crate::text::ShingleKind;

/// Default similarity threshold for near-duplicate documents (estimated Jaccard of shingle sets).
pub const DEFAULT_THRESHOLD: f64 = 0.7;
/// Default containment threshold: a copy holding this share of a longer document's shingles
/// is clustered with it even when their Jaccard is low (truncated copies).
pub const DEFAULT_CONTAINMENT: f64 = 0.8;
/// Default number of MinHash values per document.
pub const DEFAULT_NUM_PERM: usize = 128;
/// Default shingle size (words or characters, see [`ShingleKind`]).
pub const DEFAULT_NGRAM: usize = 5;
/// Default `--thin-words`: content shorter than this is a handful of shingles, no evidence.
pub const DEFAULT_THIN_WORDS: usize = 20;
/// Default `--thin-share`: content under a quarter of the text outside site chrome means the
/// template candidates took the document's own text (a story on several pages of its site).
pub const DEFAULT_THIN_SHARE: f64 = 0.25;
/// Default `--frequent-docs`: a story republished on a site's print, mobile and archive pages
/// is on a handful of its pages, where a documentation site's blanket-impl lists and shared
/// method docs are on hundreds; a thin page is compared on neither chrome nor such text.
pub const DEFAULT_FREQUENT_DOCS: usize = 10;
/// Default `--containment-min-shingles`: a document of fewer shingles (a short list, a
/// sentence) lying inside a large page is a quotation of it, not a truncated copy.
pub const DEFAULT_CONTAINMENT_MIN_SHINGLES: usize = 30;
/// Default number of distinct documents (near-duplicate copies counted once) of one site that
/// must hold a line or paragraph before it counts as template.
pub const DEFAULT_TEMPLATE_MIN_DOCS: usize = 3;
/// Default share of a block's distinct words that must lie inside an earlier block of the same
/// document (of similar length) for it to be a repeat.
pub const DEFAULT_REPEAT_SIMILARITY: f64 = 0.9;
/// Default minimum number of words of a block that can count as a repeat.
pub const DEFAULT_REPEAT_MIN_WORDS: usize = 4;
/// Default share of its words under which stripping later copies of shared text would leave a
/// document a stub (`--stub-share`): it keeps them instead.
pub const DEFAULT_STUB_SHARE: f64 = 0.5;
/// How LSH candidate pairs are verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VerifyMode {
    /// Estimated Jaccard from the full MinHash signatures; pairs whose estimate lies within
    /// the estimation error of a threshold are checked exactly (their documents re-read).
    Auto,
    /// Estimated Jaccard from the full MinHash signatures only.
    Signature,
    /// Exact Jaccard and containment from re-shingled documents (slower, re-reads candidates).
    Exact,
}

/// Whether the annotations strip later copies of shared text (`reused` spans: blocks other
/// documents hold, and long runs of frequent content inside a page's article).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StripReused {
    /// Strip them, except in a document they would leave with under `--stub-share` of its
    /// words (it keeps them: kept whole rather than a stub).
    Auto,
    /// Strip them everywhere, whatever is left.
    Always,
    /// Never strip them: only template, repeated blocks and page boilerplate go.
    Never,
}

impl StripReused {
    /// The name the flag takes and the report states.
    pub fn name(self) -> &'static str {
        match self {
            StripReused::Auto => "auto",
            StripReused::Always => "always",
            StripReused::Never => "never",
        }
    }
}

/// Which member of a duplicate cluster is kept as its representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeepPolicy {
    /// The smallest id.
    First,
    /// The document with the most content words (ties: smallest id).
    Longest,
    /// The document with the fewest content words (ties: smallest id).
    Shortest,
}

/// Options for the near-duplicate stage.
#[derive(Debug, Clone, Serialize)]
pub struct NearDupOptions {
    /// Jaccard threshold for a verified pair.
    pub threshold: f64,
    /// Containment threshold (|A∩B|/|A| for the smaller A); `None` turns containment off.
    pub containment: Option<f64>,
    /// Shingle size.
    pub ngram: usize,
    /// Shingle kind.
    pub shingle: ShingleKind,
    /// MinHash values per document.
    pub num_perm: usize,
    /// LSH bands; derived from the threshold when `None`.
    pub bands: Option<usize>,
    /// LSH rows per band; derived from the threshold when `None`.
    pub rows: Option<usize>,
    /// How candidates are verified.
    pub verify: VerifyMode,
    /// Representative choice.
    pub keep: KeepPolicy,
    /// Documents with fewer content words than this are only matched exactly.
    pub min_words: usize,
    /// A document whose content (text less template) has fewer words than this is thin.
    pub thin_words: usize,
    /// A document whose content is less than this share of its text outside site chrome is
    /// thin. Thin documents are compared on their text outside site chrome, not on what
    /// template removal left of them.
    pub thin_share: f64,
    /// A unit held by more documents of a site than this is frequent: shared text, never a
    /// thin document's own (see [`DEFAULT_FREQUENT_DOCS`]).
    pub frequent_docs: usize,
    /// A document joins another by containment only with at least this many distinct
    /// shingles (see [`DEFAULT_CONTAINMENT_MIN_SHINGLES`]).
    pub containment_min_shingles: usize,
    /// Seed of the MinHash permutations.
    pub seed: u64,
}

/// Options for template and repeat detection.
#[derive(Debug, Clone, Serialize)]
pub struct BlockOptions {
    /// Documents of one site (duplicate copies counted once) that must hold a block for it to be
    /// template.
    pub template_min_docs: usize,
    /// Similarity of two blocks in one document for them to be repeats.
    pub repeat_similarity: f64,
    /// Blocks with fewer words never count as repeats.
    pub repeat_min_words: usize,
    /// Whether later copies of shared text are stripped.
    pub strip_reused: StripReused,
    /// With [`StripReused::Auto`], a document that stripping later copies would leave with
    /// under this share of its words (outside template and boilerplate) keeps them.
    pub stub_share: f64,
}

/// A whole scan's configuration.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// The corpus: a folder, a file, or `-` for JSON Lines on standard input (see
    /// [`Config::stdin_copy`]).
    pub root: PathBuf,
    /// Further inputs after the root (`scan a.jsonl b/ c.txt`).
    #[serde(skip)]
    pub more_roots: Vec<PathBuf>,
    /// Where standard input was copied, when `-` is an input: it is read more than once.
    #[serde(skip)]
    pub stdin_copy: Option<PathBuf>,
    /// Worker threads; `None` uses every core.
    #[serde(skip)]
    pub threads: Option<usize>,
    /// Where the scan reports its progress (nowhere by default; the command line's bars).
    #[serde(skip)]
    pub progress: ProgressReporter,
    /// Where to keep what reading the corpus produced, for fast re-runs (see `cache`).
    #[serde(skip)]
    pub cache: Option<PathBuf>,
    /// Keep each document's compact form in a temporary file during the scan, so that pass 2
    /// does not read and segment the documents again (see `spill`).
    #[serde(skip)]
    pub spill: bool,
    /// Where the spill goes; `None` uses `TMPDIR` (else the system's temporary directory).
    #[serde(skip)]
    pub temp_dir: Option<PathBuf>,
    /// Fold every digit to `0` in the normalised text used for exact duplicates and shingles.
    pub fold_digits: bool,
    /// Input options.
    pub input: InputOptions,
    /// Near-duplicate options.
    pub near: NearDupOptions,
    /// Template and repeat options.
    pub blocks: BlockOptions,
}

impl Config {
    /// A configuration with every default, scanning `root`.
    pub fn new(root: impl Into<PathBuf>) -> Config {
        Config {
            root: root.into(),
            more_roots: Vec::new(),
            stdin_copy: None,
            threads: None,
            progress: ProgressReporter::default(),
            cache: None,
            spill: true,
            temp_dir: None,
            fold_digits: false,
            input: InputOptions::default(),
            near: NearDupOptions {
                threshold: DEFAULT_THRESHOLD,
                containment: Some(DEFAULT_CONTAINMENT),
                ngram: DEFAULT_NGRAM,
                shingle: ShingleKind::Words,
                num_perm: DEFAULT_NUM_PERM,
                bands: None,
                rows: None,
                verify: VerifyMode::Auto,
                keep: KeepPolicy::First,
                min_words: 0,
                thin_words: DEFAULT_THIN_WORDS,
                thin_share: DEFAULT_THIN_SHARE,
                frequent_docs: DEFAULT_FREQUENT_DOCS,
                containment_min_shingles: DEFAULT_CONTAINMENT_MIN_SHINGLES,
                seed: 0x6e65_6172_6475_7030,
            },
            blocks: BlockOptions {
                template_min_docs: DEFAULT_TEMPLATE_MIN_DOCS,
                repeat_similarity: DEFAULT_REPEAT_SIMILARITY,
                repeat_min_words: DEFAULT_REPEAT_MIN_WORDS,
                strip_reused: StripReused::Auto,
                stub_share: DEFAULT_STUB_SHARE,
            },
        }
    }

    /// What the corpus readers need of the configuration: the inputs and how to read them.
    pub fn input_set(&self) -> InputSet<'_> {
        InputSet {
            paths: self.inputs(),
            stdin_copy: self.stdin_copy.as_deref(),
            options: &self.input,
        }
    }

    /// Every input: the root, then the further ones.
    pub fn inputs(&self) -> Vec<&std::path::Path> {
        std::iter::once(self.root.as_path())
            .chain(self.more_roots.iter().map(PathBuf::as_path))
            .collect()
    }

    /// Checks values that flags cannot check on their own; the message says what to change.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.check().map_err(ConfigError)
    }

    fn check(&self) -> Result<(), String> {
        let near = &self.near;
        if !(near.threshold > 0.0 && near.threshold <= 1.0) {
            return Err(format!(
                "--threshold must be in (0, 1], got {}",
                near.threshold
            ));
        }
        if let Some(c) = near.containment {
            if !(c > 0.0 && c <= 1.0) {
                return Err(format!("--containment must be in (0, 1], got {c}"));
            }
        }
        if near.ngram == 0 {
            return Err("--ngram must be at least 1".to_string());
        }
        if near.num_perm == 0 || near.num_perm > 4096 {
            return Err(format!(
                "--num-perm must be between 1 and 4096, got {}",
                near.num_perm
            ));
        }
        match (near.bands, near.rows) {
            (Some(b), Some(r)) if b * r > near.num_perm => {
                return Err(format!(
                    "--bands {b} × --rows {r} = {} exceeds --num-perm {}; lower one of them",
                    b * r,
                    near.num_perm
                ))
            }
            (Some(0), _) | (_, Some(0)) => {
                return Err("--bands and --rows must be at least 1".to_string())
            }
            (Some(b), _) | (_, Some(b)) if b > near.num_perm => {
                return Err(format!(
                    "--bands and --rows cannot exceed --num-perm {} (got {b})",
                    near.num_perm
                ))
            }
            _ => {}
        }
        if self.input.max_bytes >= u32::MAX as u64 {
            return Err(
                "--max-bytes must be below 4 GiB (spans are 32-bit byte offsets)".to_string(),
            );
        }
        if self.blocks.template_min_docs < 2 {
            return Err("--template-min-docs must be at least 2".to_string());
        }
        let ts = self.near.thin_share;
        if !(0.0..=1.0).contains(&ts) {
            return Err(format!("--thin-share must be in [0, 1], got {ts}"));
        }
        if self.input.site_mode == SiteMode::None {
            if let Some(field) = &self.input.site_field {
                return Err(format!(
                    "--site none makes the corpus one site, and --site-field {field} would give \
                     each document its own: leave one of them out"
                ));
            }
        }
        self.check_fields_have_a_format()?;
        crate::corpus::check_globs(&self.input.globs)?;
        let rs = self.blocks.repeat_similarity;
        if !(rs > 0.0 && rs <= 1.0) {
            return Err(format!("--repeat-similarity must be in (0, 1], got {rs}"));
        }
        let ss = self.blocks.stub_share;
        if !(0.0..=1.0).contains(&ss) {
            return Err(format!("--stub-share must be in [0, 1], got {ss}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Config::new("x").validate(), Ok(()));
    }

    #[test]
    fn rejects_bad_threshold_and_band_product() {
        let mut c = Config::new("x");
        c.near.threshold = 1.5;
        assert!(c.validate().unwrap_err().0.contains("--threshold"));
        let mut c = Config::new("x");
        c.near.bands = Some(20);
        c.near.rows = Some(10);
        assert!(c.validate().unwrap_err().0.contains("exceeds --num-perm"));
        let mut c = Config::new("x");
        c.near.bands = Some(200);
        assert!(c
            .validate()
            .unwrap_err()
            .0
            .contains("cannot exceed --num-perm"));
        let mut c = Config::new("x");
        c.input.site_mode = SiteMode::None;
        c.input.site_field = Some("url".into());
        assert!(c.validate().unwrap_err().0.contains("--site none"));
        let mut c = Config::new("x");
        c.input.max_bytes = 5 << 30;
        assert!(c.validate().unwrap_err().0.contains("--max-bytes"));
    }
}

impl Config {
    /// A field flag given with a `--format` whose documents have no fields would be ignored:
    /// refused instead.
    fn check_fields_have_a_format(&self) -> Result<(), String> {
        let input = &self.input;
        if input.format.has_fields() {
            return Ok(());
        }
        let named = [
            (
                "--text-field",
                Some(&input.text_field).filter(|f| *f != "text"),
            ),
            ("--id-field", Some(&input.id_field).filter(|f| *f != "id")),
            ("--site-field", input.site_field.as_ref()),
        ];
        match named.iter().find(|(_, v)| v.is_some()) {
            Some((flag, Some(name))) => Err(format!(
                "{flag} {name} names a field, but --format {} documents have no fields (a file is \
                 read whole): use --format jsonl or parquet, or leave {flag} out",
                input.format.name()
            )),
            _ => Ok(()),
        }
    }
}

/// An option that is out of range or contradicts another; the message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);
