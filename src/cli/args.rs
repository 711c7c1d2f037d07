//! The command line's flags (clap), and how they fill a [`Config`]. Every enum a flag takes is
//! the CLI's own, mapped here to the library's: the library knows no clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use neardup::config::{
    InputFormat, KeepPolicy, ShingleKind, SiteMode, StripReused, VerifyMode, DEFAULT_CONTAINMENT,
    DEFAULT_CONTAINMENT_MIN_SHINGLES, DEFAULT_FREQUENT_DOCS, DEFAULT_NGRAM, DEFAULT_NUM_PERM,
    DEFAULT_REPEAT_MIN_WORDS, DEFAULT_REPEAT_SIMILARITY, DEFAULT_STUB_SHARE,
    DEFAULT_TEMPLATE_MIN_DOCS, DEFAULT_THIN_SHARE, DEFAULT_THIN_WORDS, DEFAULT_THRESHOLD,
};
use neardup::Config;

use super::CliError;

/// A flag's value set, named for the command line and mapped to the library's enum: the
/// variants' doc comments are the help of each value.
macro_rules! mirrored_enum {
    ($(#[$meta:meta])* $name:ident => $lib:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl From<$name> for $lib {
            fn from(arg: $name) -> $lib {
                match arg {
                    $($name::$variant => $lib::$variant),+
                }
            }
        }
    };
}

/// Find near-duplicate documents, site template blocks and repeated captions in a corpus.
#[derive(Parser, Debug)]
#[command(name = "neardup", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan a directory of documents and write a dedup report.
    Scan(ScanArgs),
    /// Scan a directory and score the result against labels (precision, recall, F1).
    Eval(EvalArgs),
    /// Show the LSH bands and rows a threshold gives, the S-curve, and the memory it needs.
    Params(ParamsArgs),
    /// Explain why two documents are, or are not, near-duplicates.
    Explain(ExplainArgs),
    /// Print the summary of a saved report, or write its HTML page (--html).
    Report(ReportArgs),
    /// Say what a re-run changed between two saved reports: parameters, clusters joined or
    /// split, documents newly dropped or kept.
    Diff(DiffArgs),
    /// Print a completion script for a shell (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), from the same definitions as --help; with a command, that
    /// command's page (neardup man scan > neardup-scan.1).
    Man {
        /// The command whose page to print [default: the top page].
        command: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The earlier report (written by `neardup scan`).
    pub a: PathBuf,
    /// The later report.
    pub b: PathBuf,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// First document: a file, read as a scan reads it (an HTML page's text, a .gz or .zst
    /// decompressed; FILE#ID for one document of a JSONL, WARC or Parquet file, by id or line,
    /// record or row number), or an id in --corpus.
    pub a: String,
    /// Second document: as the first.
    pub b: String,
    /// A corpus directory: A and B are document ids in it, and its template lines are left out.
    /// Without it, two files are compared as a scan of the folder holding both compares them
    /// (when it lies at most 3 levels above them and holds at most 20,000 files, 512 MB).
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Compare two files alone, without the site context of their folder.
    #[arg(long, conflicts_with = "corpus")]
    pub alone: bool,
    #[command(flatten)]
    pub compare: CompareArgs,
    /// With --corpus: different documents of one site that must hold a line for it to be template.
    #[arg(long, default_value_t = DEFAULT_TEMPLATE_MIN_DOCS, value_name = "N", help_heading = "Templates and repeats")]
    pub template_min_docs: usize,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// A JSON report written by `neardup scan`.
    pub report: PathBuf,
    /// Write the report as one self-contained HTML page to PATH.
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
    /// Where to read the texts of the side-by-side views [default: the corpus the report records].
    #[arg(long, value_name = "DIR", requires = "html")]
    pub corpus: Option<PathBuf>,
    /// Rows of each list in the HTML page (clusters, template and repeated blocks, skipped inputs).
    #[arg(long, default_value_t = neardup::report::html::DEFAULT_LIMIT, value_name = "N", requires = "html")]
    pub html_limit: usize,
}

#[derive(Args, Debug)]
pub struct ParamsArgs {
    /// Jaccard threshold.
    #[arg(short, long, default_value_t = DEFAULT_THRESHOLD, value_name = "T")]
    pub threshold: f64,
    /// MinHash values per document.
    #[arg(long, default_value_t = DEFAULT_NUM_PERM, value_name = "N")]
    pub num_perm: usize,
    /// Containment threshold (lowers the Jaccard the bands are designed for).
    #[arg(long, default_value_t = DEFAULT_CONTAINMENT, value_name = "C")]
    pub containment: f64,
    /// Design for Jaccard only.
    #[arg(long)]
    pub no_containment: bool,
    /// LSH bands [default: derived].
    #[arg(long, value_name = "B")]
    pub bands: Option<usize>,
    /// LSH rows per band [default: derived].
    #[arg(long, value_name = "R")]
    pub rows: Option<usize>,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Labels as JSON: duplicate clusters, template and repeated lines (samples/truth.json), or
    /// page line labels {"site/page.txt": {"content": [..], "boilerplate": [..], "ignore": [..]}}.
    #[arg(long, value_name = "FILE")]
    pub truth: Option<PathBuf>,
    /// Labelled pairs as TSV: id_a, id_b, label (1 = duplicate, 0 = not); a header line is skipped.
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// The article text of each page, `site/page.txt` for `site/page.html`: the scan's cleaned
    /// copy (in a scratch folder) is scored against it, words summed over pages.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["truth", "labels"])]
    pub gold: Option<PathBuf>,
    /// With --gold: DIR is already cleaned text (another extractor's output); score it as it
    /// is, without a scan.
    #[arg(long, requires = "gold")]
    pub cleaned: bool,
    /// With page line labels: figures per site and the lines got wrong, by text (-vv: all).
    /// With --gold: the score of each page.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(flatten)]
    pub scan: CorpusArgs,
}

mirrored_enum! {
    /// `--site`: how documents get their site.
    SiteArg => SiteMode {
        /// The top-level folder under DIR; a URL (a WARC record's, a --site-field value) gives its
        /// host without www. and port (news.example.com stays its own site).
        Dir,
        /// As dir, with hosts reduced to their registrable domain by the Public Suffix List
        /// (news.bbc.co.uk → bbc.co.uk): URL hosts, and folder names and field values that are host
        /// names; IP addresses, localhost and other names stay as they are.
        Domain,
        /// No sites: the whole corpus is one site.
        None,
    }
}

/// `scan`: the corpus and how to scan it, and what to write.
#[derive(Args, Debug)]
pub struct ScanArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// The corpus and how to scan it (scan and eval).
#[derive(Args, Debug)]
pub struct CorpusArgs {
    /// Folders (walked: .txt, .md, .jsonl, .ndjson, .html, .htm, .warc, optionally .gz or .zst;
    /// .parquet), files (read whatever their name), or - for JSON Lines on standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Worker threads [default: all cores].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Keep what reading the corpus produced in DIR; a re-run with other thresholds reuses it.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Read the documents again in pass 2 instead of keeping their compact form (word hashes,
    /// line spans) in a temporary file: slower, no temporary disk space.
    #[arg(long, conflicts_with = "temp_dir")]
    pub no_spill: bool,
    /// Where the temporary file of document records goes (1 to 2 bytes per byte of text: 2 for
    /// man pages and other short lines; checked for room first) [default: TMPDIR, else the
    /// system's temporary directory].
    #[arg(long, value_name = "DIR")]
    pub temp_dir: Option<PathBuf>,

    #[command(flatten)]
    pub detect: DetectArgs,
}

/// What `scan` writes (`eval` prints scores instead).
#[derive(Args, Debug)]
pub struct OutputArgs {
    /// Where to write the JSON report ('-' for standard output).
    #[arg(long, default_value = "neardup-report.json", value_name = "PATH")]
    pub report: PathBuf,
    /// Also write one JSON line per document (cluster, duplicate_of, spans to strip).
    #[arg(long, value_name = "PATH")]
    pub annotations: Option<PathBuf>,
    /// Also write one JSON line per verified pair (ids, Jaccard exact or estimated, containment).
    #[arg(long, value_name = "PATH")]
    pub pairs: Option<PathBuf>,
    /// Leave wall time and thread count out of the report, so runs compare byte for byte.
    #[arg(long)]
    pub no_timing: bool,
    /// Print no summary and no progress bars.
    #[arg(short, long)]
    pub quiet: bool,
    /// Write a cleaned corpus to DIR: one copy per duplicate cluster, template, repeats and later copies of shared blocks removed.
    #[arg(long, value_name = "DIR")]
    pub clean: Option<PathBuf>,
    /// Write the ids of the documents to drop (duplicates of a kept document), one per line.
    #[arg(long, value_name = "PATH")]
    pub drop_list: Option<PathBuf>,
    /// Also write the report as one self-contained HTML page (clusters side by side, templates, charts).
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
    /// Rows of each list in the HTML page (clusters, template and repeated blocks, skipped inputs).
    #[arg(long, default_value_t = neardup::report::html::DEFAULT_LIMIT, value_name = "N")]
    pub html_limit: usize,
}

/// The flags that decide what is found (scan and eval): explain's, and those of candidate
/// search, clustering and repeats.
#[derive(Args, Debug)]
pub struct DetectArgs {
    #[command(flatten)]
    pub compare: CompareArgs,
    /// LSH bands [default: derived from --threshold and --num-perm].
    #[arg(long, value_name = "B", help_heading = "Near-duplicates")]
    pub bands: Option<usize>,
    /// LSH rows per band [default: derived from --threshold and --num-perm].
    #[arg(long, value_name = "R", help_heading = "Near-duplicates")]
    pub rows: Option<usize>,
    /// Verify candidates by MinHash estimate, checking exactly the pairs within its error of a
    /// threshold (auto), by estimate only (signature) or by exact shingle sets (exact; re-reads
    /// every candidate).
    #[arg(long, value_enum, default_value_t = VerifyArg::Auto, help_heading = "Near-duplicates")]
    pub verify: VerifyArg,
    /// Which member of a cluster to keep: first = the smallest id (path order), not the
    /// cleanest copy; longest keeps the most complete one.
    #[arg(long, value_enum, default_value_t = KeepArg::First, help_heading = "Near-duplicates")]
    pub keep: KeepArg,
    /// Documents with fewer content words are matched exactly only (0: the shingle size).
    #[arg(
        long,
        default_value_t = 0,
        value_name = "N",
        help_heading = "Near-duplicates"
    )]
    pub min_words: usize,

    /// Different documents of one site (copies counted once) that must hold a line for it to be template.
    #[arg(long, default_value_t = DEFAULT_TEMPLATE_MIN_DOCS, value_name = "N", help_heading = "Templates and repeats")]
    pub template_min_docs: usize,
    /// Share of a block's words inside an earlier, similar-length block for it to be a repeat (1 = all).
    #[arg(long, default_value_t = DEFAULT_REPEAT_SIMILARITY, value_name = "S", help_heading = "Templates and repeats")]
    pub repeat_similarity: f64,
    /// Blocks with fewer words never count as repeats.
    #[arg(long, default_value_t = DEFAULT_REPEAT_MIN_WORDS, value_name = "N", help_heading = "Templates and repeats")]
    pub repeat_min_words: usize,
    /// Strip later copies of shared text: auto (except where it would leave a document a stub), always, never.
    #[arg(long, value_enum, default_value_t = StripReusedArg::Auto, value_name = "WHEN", help_heading = "Templates and repeats")]
    pub strip_reused: StripReusedArg,
    /// With --strip-reused auto, a document that stripping would leave with under this share of its words keeps its copies.
    #[arg(long, default_value_t = DEFAULT_STUB_SHARE, value_name = "S", help_heading = "Templates and repeats")]
    pub stub_share: f64,

    #[command(flatten)]
    pub input: InputArgs,
}

/// The flags that change how two documents compare (all that `explain` takes, with
/// [`InputArgs`] and --template-min-docs).
#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Jaccard similarity at or above which two documents are near-duplicates.
    #[arg(short, long, default_value_t = DEFAULT_THRESHOLD, value_name = "T", help_heading = "Near-duplicates")]
    pub threshold: f64,
    /// Also join a document whose shingles lie this much inside another's (truncated copies).
    #[arg(long, default_value_t = DEFAULT_CONTAINMENT, value_name = "C", help_heading = "Near-duplicates")]
    pub containment: f64,
    /// Join documents on Jaccard only (turns --containment off).
    #[arg(long, help_heading = "Near-duplicates")]
    pub no_containment: bool,
    /// Shingle size: words (or characters with --shingle chars) per shingle.
    #[arg(long, default_value_t = DEFAULT_NGRAM, value_name = "K", help_heading = "Near-duplicates")]
    pub ngram: usize,
    /// Shingle kind.
    #[arg(long, value_enum, default_value_t = ShingleArg::Words, help_heading = "Near-duplicates")]
    pub shingle: ShingleArg,
    /// MinHash values per document (more: finer estimates, more memory and time).
    #[arg(long, default_value_t = DEFAULT_NUM_PERM, value_name = "N", help_heading = "Near-duplicates")]
    pub num_perm: usize,
    /// Content (text less template) shorter than this is thin: judged on the text outside site chrome.
    #[arg(long, default_value_t = DEFAULT_THIN_WORDS, value_name = "N", help_heading = "Near-duplicates")]
    pub thin_words: usize,
    /// Content under this share of the text outside site chrome is thin (0 turns the share test off).
    #[arg(long, default_value_t = DEFAULT_THIN_SHARE, value_name = "S", help_heading = "Near-duplicates")]
    pub thin_share: f64,
    /// Lines on more pages of a site than this are shared text: never a thin page's own words.
    #[arg(long, default_value_t = DEFAULT_FREQUENT_DOCS, value_name = "N", help_heading = "Near-duplicates")]
    pub frequent_docs: usize,
    /// Join a document by containment only if it has at least this many distinct shingles.
    #[arg(long, default_value_t = DEFAULT_CONTAINMENT_MIN_SHINGLES, value_name = "N", help_heading = "Near-duplicates")]
    pub containment_min_shingles: usize,
    /// Fold every digit to 0 before comparing documents (dates, counts and prices stop mattering).
    #[arg(long, help_heading = "Near-duplicates")]
    pub fold_digits: bool,
    /// Seed of the MinHash permutations.
    #[arg(
        long,
        default_value_t = 0x6e65_6172_6475_7030,
        value_name = "N",
        help_heading = "Near-duplicates"
    )]
    pub seed: u64,
}

/// The flags that say how documents are found and read.
#[derive(Args, Debug)]
pub struct InputArgs {
    /// Walk hidden files and folders (names starting with '.') too.
    #[arg(long, help_heading = "Input")]
    pub hidden: bool,
    /// Read only files matching GLOB, or leave out those matching !GLOB (repeatable; paths
    /// under each folder given, as ripgrep's -g: -g '*.txt' -g '!drafts/**').
    #[arg(
        short = 'g',
        long = "glob",
        value_name = "GLOB",
        help_heading = "Input"
    )]
    pub globs: Vec<String>,
    /// How files are read: by their names (auto: .json as JSON Lines when its first record
    /// is one), or every file in one format (compression still from .gz / .zst).
    #[arg(long, value_enum, default_value_t = FormatArg::Auto, help_heading = "Input")]
    pub format: FormatArg,
    /// How documents get their site (template blocks are counted per site).
    #[arg(long, value_enum, default_value_t = SiteArg::Dir, help_heading = "Input")]
    pub site: SiteArg,
    /// JSONL field holding the text.
    #[arg(
        long,
        default_value = "text",
        value_name = "NAME",
        help_heading = "Input"
    )]
    pub text_field: String,
    /// JSONL field holding the id (falls back to path:line).
    #[arg(
        long,
        default_value = "id",
        value_name = "NAME",
        help_heading = "Input"
    )]
    pub id_field: String,
    /// JSONL field holding the site (falls back to the folder).
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub site_field: Option<String>,
    /// Skip documents (and plain files) larger than this (bytes, or with K, M, G: 64M, 2G).
    #[arg(long, default_value = "64M", value_name = "SIZE", value_parser = parse_size, help_heading = "Input")]
    pub max_bytes: u64,
}

impl CorpusArgs {
    pub fn to_config(&self) -> Config {
        let mut cfg = Config::new(&self.paths[0]);
        cfg.more_roots = self.paths[1..].to_vec();
        cfg.threads = self.threads;
        cfg.cache = self.cache.clone();
        cfg.spill = !self.no_spill;
        cfg.temp_dir = self.temp_dir.clone();
        self.detect.apply(&mut cfg);
        cfg
    }
}

impl CorpusArgs {
    /// The inputs as the messages name them.
    pub fn corpus_name(&self) -> String {
        let names: Vec<String> = self.paths.iter().map(|p| p.display().to_string()).collect();
        names.join(" ")
    }

    /// Copies standard input to a temporary file when `-` is an input (the scan reads its
    /// inputs more than once); the file lives as long as the returned handle.
    pub fn copy_stdin(
        &self,
        cfg: &mut Config,
    ) -> Result<Option<tempfile::NamedTempFile>, CliError> {
        match self.paths.iter().filter(|p| p.as_os_str() == "-").count() {
            0 => return Ok(None),
            1 => {}
            _ => {
                return Err(CliError::usage("'-' (standard input) can be given once"));
            }
        }
        let made = match &cfg.temp_dir {
            Some(dir) => tempfile::NamedTempFile::new_in(dir),
            None => tempfile::NamedTempFile::new(),
        };
        let copied = made.and_then(|mut file| {
            std::io::copy(&mut std::io::stdin().lock(), &mut file)?;
            Ok(file)
        });
        match copied {
            Ok(file) => {
                cfg.stdin_copy = Some(file.path().to_path_buf());
                Ok(Some(file))
            }
            Err(e) => Err(CliError::usage(format!(
                "cannot copy standard input to a temporary file: {e} (set --temp-dir to a folder with room)"
            ))),
        }
    }
}

impl DetectArgs {
    pub fn apply(&self, cfg: &mut Config) {
        self.compare.apply(cfg);
        self.input.apply(cfg);
        cfg.near.bands = self.bands;
        cfg.near.rows = self.rows;
        cfg.near.verify = self.verify.into();
        cfg.near.keep = self.keep.into();
        cfg.near.min_words = self.min_words;
        cfg.blocks.template_min_docs = self.template_min_docs;
        cfg.blocks.repeat_similarity = self.repeat_similarity;
        cfg.blocks.repeat_min_words = self.repeat_min_words;
        cfg.blocks.strip_reused = self.strip_reused.into();
        cfg.blocks.stub_share = self.stub_share;
    }
}

impl CompareArgs {
    pub fn apply(&self, cfg: &mut Config) {
        cfg.fold_digits = self.fold_digits;
        cfg.near.threshold = self.threshold;
        cfg.near.containment = (!self.no_containment).then_some(self.containment);
        cfg.near.ngram = self.ngram;
        cfg.near.shingle = self.shingle.into();
        cfg.near.num_perm = self.num_perm;
        cfg.near.thin_words = self.thin_words;
        cfg.near.thin_share = self.thin_share;
        cfg.near.frequent_docs = self.frequent_docs;
        cfg.near.containment_min_shingles = self.containment_min_shingles;
        cfg.near.seed = self.seed;
    }
}

impl InputArgs {
    pub fn apply(&self, cfg: &mut Config) {
        cfg.input.format = self.format.into();
        cfg.input.text_field = self.text_field.clone();
        cfg.input.id_field = self.id_field.clone();
        cfg.input.site_field = self.site_field.clone();
        cfg.input.site_mode = self.site.into();
        cfg.input.max_bytes = self.max_bytes;
        cfg.input.hidden = self.hidden;
        cfg.input.globs = self.globs.clone();
    }
}

mirrored_enum! {
    /// `--shingle`: what a shingle is made of.
    ShingleArg => ShingleKind {
        /// k consecutive normalised words.
        Words,
        /// k consecutive characters of the normalised text (spaces included).
        Chars,
    }
}

mirrored_enum! {
    /// `--verify`: how candidate pairs are checked.
    VerifyArg => VerifyMode {
        /// Estimated Jaccard from the full MinHash signatures; pairs whose estimate lies within
        /// the estimation error of a threshold are checked exactly (their documents re-read).
        Auto,
        /// Estimated Jaccard from the full MinHash signatures only.
        Signature,
        /// Exact Jaccard and containment from re-shingled documents (slower, re-reads candidates).
        Exact,
    }
}

mirrored_enum! {
    /// `--keep`: which member of a duplicate cluster is kept.
    KeepArg => KeepPolicy {
        /// The smallest id.
        First,
        /// The document with the most content words (ties: smallest id).
        Longest,
        /// The document with the fewest content words (ties: smallest id).
        Shortest,
    }
}

mirrored_enum! {
    /// `--strip-reused`: whether later copies of shared text are stripped.
    StripReusedArg => StripReused {
        /// Strip them, except in a document they would leave with under `--stub-share` of its
        /// words (it keeps them: kept whole rather than a stub).
        Auto,
        /// Strip them everywhere, whatever is left.
        Always,
        /// Never strip them: only template, repeated blocks and page boilerplate go.
        Never,
    }
}

mirrored_enum! {
    /// `--format`: how the files of the inputs are read.
    FormatArg => InputFormat {
        /// By the file name: `.txt`, `.md`, `.jsonl`, `.json` (JSON Lines when its first record
        /// parses as one), `.html`, `.warc`, `.parquet`…, optionally `.gz` or `.zst`.
        Auto,
        /// Every file is one document of plain text.
        Text,
        /// Every file holds one JSON object per line.
        Jsonl,
        /// Every file is one HTML page.
        Html,
        /// Every file is a WARC archive.
        Warc,
        /// Every file is a Parquet file.
        Parquet,
    }
}

/// A size in bytes: a number, optionally with a binary unit (K, M, G, T; `KB`, `KiB` alike).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a size (examples: 1000000, 64M, 2G)"))?;
    let shift = match unit
        .trim()
        .to_ascii_uppercase()
        .trim_end_matches("IB")
        .trim_end_matches('B')
    {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return Err(format!("unknown unit in '{text}' (use K, M, G or T)")),
    };
    let bytes = number * (1u64 << shift) as f64;
    if !(bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64) {
        return Err(format!("'{text}' is out of range"));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("512kib"), Ok(512 << 10));
        assert_eq!(parse_size("1.5K"), Ok(1536));
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("").is_err());
        // the default written in --help is the library's
        assert_eq!(parse_size("64M"), Ok(neardup::config::DEFAULT_MAX_BYTES));
    }

    #[test]
    fn every_flag_value_maps_to_the_library_value_of_its_name() {
        use clap::ValueEnum;
        for arg in VerifyArg::value_variants() {
            let name = arg.to_possible_value().map(|v| v.get_name().to_string());
            let lib: VerifyMode = (*arg).into();
            assert_eq!(
                name.as_deref(),
                Some(format!("{lib:?}").to_lowercase().as_str())
            );
        }
        for arg in FormatArg::value_variants() {
            let name = arg.to_possible_value().map(|v| v.get_name().to_string());
            let lib: InputFormat = (*arg).into();
            assert_eq!(name.as_deref(), Some(lib.name()));
        }
        for arg in StripReusedArg::value_variants() {
            let name = arg.to_possible_value().map(|v| v.get_name().to_string());
            let lib: StripReused = (*arg).into();
            assert_eq!(name.as_deref(), Some(lib.name()));
        }
        for arg in SiteArg::value_variants() {
            let name = arg.to_possible_value().map(|v| v.get_name().to_string());
            let lib: SiteMode = (*arg).into();
            assert_eq!(name.as_deref(), Some(lib.name()));
        }
        // the command line parses as a whole (flags, defaults, conflicts)
        Cli::command().debug_assert();
    }
}
