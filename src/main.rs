//! The `neardup` command line: flags → [`neardup::Config`] → [`neardup::scan`] → files.

#![warn(clippy::too_many_lines)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use neardup::config::{
    InputFormat, KeepPolicy, ShingleKind, SiteMode, StripReused, VerifyMode, DEFAULT_CONTAINMENT,
    DEFAULT_CONTAINMENT_MIN_SHINGLES, DEFAULT_FREQUENT_DOCS, DEFAULT_NGRAM, DEFAULT_NUM_PERM,
    DEFAULT_REPEAT_MIN_WORDS, DEFAULT_REPEAT_SIMILARITY, DEFAULT_STUB_SHARE,
    DEFAULT_TEMPLATE_MIN_DOCS, DEFAULT_THIN_SHARE, DEFAULT_THIN_WORDS, DEFAULT_THRESHOLD,
};
use neardup::internals::count;
use neardup::report::{clean, summary, write};
use neardup::Config;

/// Find near-duplicate documents, site template blocks and repeated captions in a corpus.
#[derive(Parser, Debug)]
#[command(name = "neardup", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
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

/// Exit code of a scan that read no document, or whose named field no record has.
const EXIT_NOTHING_READ: u8 = 3;

#[derive(Args, Debug)]
struct DiffArgs {
    /// The earlier report (written by `neardup scan`).
    a: PathBuf,
    /// The later report.
    b: PathBuf,
}

#[derive(Args, Debug)]
struct ExplainArgs {
    /// First document: a file, read as a scan reads it (an HTML page's text, a .gz or .zst
    /// decompressed; FILE#ID for one document of a JSONL, WARC or Parquet file, by id or line,
    /// record or row number), or an id in --corpus.
    a: String,
    /// Second document: as the first.
    b: String,
    /// A corpus directory: A and B are document ids in it, and its template lines are left out.
    /// Without it, two files are compared as a scan of the folder holding both compares them
    /// (when it lies at most 3 levels above them and holds at most 20,000 files, 512 MB).
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
    /// Compare two files alone, without the site context of their folder.
    #[arg(long, conflicts_with = "corpus")]
    alone: bool,
    #[command(flatten)]
    compare: CompareArgs,
    /// With --corpus: different documents of one site that must hold a line for it to be template.
    #[arg(long, default_value_t = DEFAULT_TEMPLATE_MIN_DOCS, value_name = "N", help_heading = "Templates and repeats")]
    template_min_docs: usize,
    #[command(flatten)]
    input: InputArgs,
}

#[derive(Args, Debug)]
struct ReportArgs {
    /// A JSON report written by `neardup scan`.
    report: PathBuf,
    /// Write the report as one self-contained HTML page to PATH.
    #[arg(long, value_name = "PATH")]
    html: Option<PathBuf>,
    /// Where to read the texts of the side-by-side views [default: the corpus the report records].
    #[arg(long, value_name = "DIR", requires = "html")]
    corpus: Option<PathBuf>,
    /// Rows of each list in the HTML page (clusters, template and repeated blocks, skipped inputs).
    #[arg(long, default_value_t = neardup::report::html::DEFAULT_LIMIT, value_name = "N", requires = "html")]
    html_limit: usize,
}

#[derive(Args, Debug)]
struct ParamsArgs {
    /// Jaccard threshold.
    #[arg(short, long, default_value_t = DEFAULT_THRESHOLD, value_name = "T")]
    threshold: f64,
    /// MinHash values per document.
    #[arg(long, default_value_t = DEFAULT_NUM_PERM, value_name = "N")]
    num_perm: usize,
    /// Containment threshold (lowers the Jaccard the bands are designed for).
    #[arg(long, default_value_t = DEFAULT_CONTAINMENT, value_name = "C")]
    containment: f64,
    /// Design for Jaccard only.
    #[arg(long)]
    no_containment: bool,
    /// LSH bands [default: derived].
    #[arg(long, value_name = "B")]
    bands: Option<usize>,
    /// LSH rows per band [default: derived].
    #[arg(long, value_name = "R")]
    rows: Option<usize>,
}

#[derive(Args, Debug)]
struct EvalArgs {
    /// Labels as JSON: duplicate clusters, template and repeated lines (samples/truth.json), or
    /// page line labels {"site/page.txt": {"content": [..], "boilerplate": [..], "ignore": [..]}}.
    #[arg(long, value_name = "FILE")]
    truth: Option<PathBuf>,
    /// Labelled pairs as TSV: id_a, id_b, label (1 = duplicate, 0 = not); a header line is skipped.
    #[arg(long, value_name = "FILE")]
    labels: Option<PathBuf>,
    /// The article text of each page, `site/page.txt` for `site/page.html`: the scan's cleaned
    /// copy (in a scratch folder) is scored against it, words summed over pages.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["truth", "labels"])]
    gold: Option<PathBuf>,
    /// With --gold: DIR is already cleaned text (another extractor's output); score it as it
    /// is, without a scan.
    #[arg(long, requires = "gold")]
    cleaned: bool,
    /// With page line labels: figures per site and the lines got wrong, by text (-vv: all).
    /// With --gold: the score of each page.
    #[arg(short, long, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(flatten)]
    scan: CorpusArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum SiteArg {
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

/// `scan`: the corpus and how to scan it, and what to write.
#[derive(Args, Debug)]
struct ScanArgs {
    #[command(flatten)]
    corpus: CorpusArgs,
    #[command(flatten)]
    out: OutputArgs,
}

/// The corpus and how to scan it (scan and eval).
#[derive(Args, Debug)]
struct CorpusArgs {
    /// Folders (walked: .txt, .md, .jsonl, .ndjson, .html, .htm, .warc, optionally .gz or .zst;
    /// .parquet), files (read whatever their name), or - for JSON Lines on standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Worker threads [default: all cores].
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,
    /// Keep what reading the corpus produced in DIR; a re-run with other thresholds reuses it.
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Read the documents again in pass 2 instead of keeping their compact form (word hashes,
    /// line spans) in a temporary file: slower, no temporary disk space.
    #[arg(long, conflicts_with = "temp_dir")]
    no_spill: bool,
    /// Where the temporary file of document records goes (1 to 2 bytes per byte of text: 2 for
    /// man pages and other short lines; checked for room first) [default: TMPDIR, else the
    /// system's temporary directory].
    #[arg(long, value_name = "DIR")]
    temp_dir: Option<PathBuf>,

    #[command(flatten)]
    detect: DetectArgs,
}

/// What `scan` writes (`eval` prints scores instead).
#[derive(Args, Debug)]
struct OutputArgs {
    /// Where to write the JSON report ('-' for standard output).
    #[arg(long, default_value = "neardup-report.json", value_name = "PATH")]
    report: PathBuf,
    /// Also write one JSON line per document (cluster, duplicate_of, spans to strip).
    #[arg(long, value_name = "PATH")]
    annotations: Option<PathBuf>,
    /// Also write one JSON line per verified pair (ids, Jaccard exact or estimated, containment).
    #[arg(long, value_name = "PATH")]
    pairs: Option<PathBuf>,
    /// Leave wall time and thread count out of the report, so runs compare byte for byte.
    #[arg(long)]
    no_timing: bool,
    /// Print no summary and no progress bars.
    #[arg(short, long)]
    quiet: bool,
    /// Write a cleaned corpus to DIR: one copy per duplicate cluster, template, repeats and later copies of shared blocks removed.
    #[arg(long, value_name = "DIR")]
    clean: Option<PathBuf>,
    /// Write the ids of the documents to drop (duplicates of a kept document), one per line.
    #[arg(long, value_name = "PATH")]
    drop_list: Option<PathBuf>,
    /// Also write the report as one self-contained HTML page (clusters side by side, templates, charts).
    #[arg(long, value_name = "PATH")]
    html: Option<PathBuf>,
    /// Rows of each list in the HTML page (clusters, template and repeated blocks, skipped inputs).
    #[arg(long, default_value_t = neardup::report::html::DEFAULT_LIMIT, value_name = "N")]
    html_limit: usize,
}

/// The flags that decide what is found (scan and eval): explain's, and those of candidate
/// search, clustering and repeats.
#[derive(Args, Debug)]
struct DetectArgs {
    #[command(flatten)]
    compare: CompareArgs,
    /// LSH bands [default: derived from --threshold and --num-perm].
    #[arg(long, value_name = "B", help_heading = "Near-duplicates")]
    bands: Option<usize>,
    /// LSH rows per band [default: derived from --threshold and --num-perm].
    #[arg(long, value_name = "R", help_heading = "Near-duplicates")]
    rows: Option<usize>,
    /// Verify candidates by MinHash estimate, checking exactly the pairs within its error of a
    /// threshold (auto), by estimate only (signature) or by exact shingle sets (exact; re-reads
    /// every candidate).
    #[arg(long, value_enum, default_value_t = VerifyMode::Auto, help_heading = "Near-duplicates")]
    verify: VerifyMode,
    /// Which member of a cluster to keep: first = the smallest id (path order), not the
    /// cleanest copy; longest keeps the most complete one.
    #[arg(long, value_enum, default_value_t = KeepPolicy::First, help_heading = "Near-duplicates")]
    keep: KeepPolicy,
    /// Documents with fewer content words are matched exactly only (0: the shingle size).
    #[arg(
        long,
        default_value_t = 0,
        value_name = "N",
        help_heading = "Near-duplicates"
    )]
    min_words: usize,

    /// Different documents of one site (copies counted once) that must hold a line for it to be template.
    #[arg(long, default_value_t = DEFAULT_TEMPLATE_MIN_DOCS, value_name = "N", help_heading = "Templates and repeats")]
    template_min_docs: usize,
    /// Share of a block's words inside an earlier, similar-length block for it to be a repeat (1 = all).
    #[arg(long, default_value_t = DEFAULT_REPEAT_SIMILARITY, value_name = "S", help_heading = "Templates and repeats")]
    repeat_similarity: f64,
    /// Blocks with fewer words never count as repeats.
    #[arg(long, default_value_t = DEFAULT_REPEAT_MIN_WORDS, value_name = "N", help_heading = "Templates and repeats")]
    repeat_min_words: usize,
    /// Strip later copies of shared text: auto (except where it would leave a document a stub), always, never.
    #[arg(long, value_enum, default_value_t = StripReused::Auto, value_name = "WHEN", help_heading = "Templates and repeats")]
    strip_reused: StripReused,
    /// With --strip-reused auto, a document that stripping would leave with under this share of its words keeps its copies.
    #[arg(long, default_value_t = DEFAULT_STUB_SHARE, value_name = "S", help_heading = "Templates and repeats")]
    stub_share: f64,

    #[command(flatten)]
    input: InputArgs,
}

/// The flags that change how two documents compare (all that `explain` takes, with
/// [`InputArgs`] and --template-min-docs).
#[derive(Args, Debug)]
struct CompareArgs {
    /// Jaccard similarity at or above which two documents are near-duplicates.
    #[arg(short, long, default_value_t = DEFAULT_THRESHOLD, value_name = "T", help_heading = "Near-duplicates")]
    threshold: f64,
    /// Also join a document whose shingles lie this much inside another's (truncated copies).
    #[arg(long, default_value_t = DEFAULT_CONTAINMENT, value_name = "C", help_heading = "Near-duplicates")]
    containment: f64,
    /// Join documents on Jaccard only (turns --containment off).
    #[arg(long, help_heading = "Near-duplicates")]
    no_containment: bool,
    /// Shingle size: words (or characters with --shingle chars) per shingle.
    #[arg(long, default_value_t = DEFAULT_NGRAM, value_name = "K", help_heading = "Near-duplicates")]
    ngram: usize,
    /// Shingle kind.
    #[arg(long, value_enum, default_value_t = ShingleArg::Words, help_heading = "Near-duplicates")]
    shingle: ShingleArg,
    /// MinHash values per document (more: finer estimates, more memory and time).
    #[arg(long, default_value_t = DEFAULT_NUM_PERM, value_name = "N", help_heading = "Near-duplicates")]
    num_perm: usize,
    /// Content (text less template) shorter than this is thin: judged on the text outside site chrome.
    #[arg(long, default_value_t = DEFAULT_THIN_WORDS, value_name = "N", help_heading = "Near-duplicates")]
    thin_words: usize,
    /// Content under this share of the text outside site chrome is thin (0 turns the share test off).
    #[arg(long, default_value_t = DEFAULT_THIN_SHARE, value_name = "S", help_heading = "Near-duplicates")]
    thin_share: f64,
    /// Lines on more pages of a site than this are shared text: never a thin page's own words.
    #[arg(long, default_value_t = DEFAULT_FREQUENT_DOCS, value_name = "N", help_heading = "Near-duplicates")]
    frequent_docs: usize,
    /// Join a document by containment only if it has at least this many distinct shingles.
    #[arg(long, default_value_t = DEFAULT_CONTAINMENT_MIN_SHINGLES, value_name = "N", help_heading = "Near-duplicates")]
    containment_min_shingles: usize,
    /// Fold every digit to 0 before comparing documents (dates, counts and prices stop mattering).
    #[arg(long, help_heading = "Near-duplicates")]
    fold_digits: bool,
    /// Seed of the MinHash permutations.
    #[arg(
        long,
        default_value_t = 0x6e65_6172_6475_7030,
        value_name = "N",
        help_heading = "Near-duplicates"
    )]
    seed: u64,
}

/// The flags that say how documents are found and read.
#[derive(Args, Debug)]
struct InputArgs {
    /// Walk hidden files and folders (names starting with '.') too.
    #[arg(long, help_heading = "Input")]
    hidden: bool,
    /// Read only files matching GLOB, or leave out those matching !GLOB (repeatable; paths
    /// under each folder given, as ripgrep's -g: -g '*.txt' -g '!drafts/**').
    #[arg(
        short = 'g',
        long = "glob",
        value_name = "GLOB",
        help_heading = "Input"
    )]
    globs: Vec<String>,
    /// How files are read: by their names (auto: .json as JSON Lines when its first record
    /// is one), or every file in one format (compression still from .gz / .zst).
    #[arg(long, value_enum, default_value_t = InputFormat::Auto, help_heading = "Input")]
    format: InputFormat,
    /// How documents get their site (template blocks are counted per site).
    #[arg(long, value_enum, default_value_t = SiteArg::Dir, help_heading = "Input")]
    site: SiteArg,
    /// JSONL field holding the text.
    #[arg(
        long,
        default_value = "text",
        value_name = "NAME",
        help_heading = "Input"
    )]
    text_field: String,
    /// JSONL field holding the id (falls back to path:line).
    #[arg(
        long,
        default_value = "id",
        value_name = "NAME",
        help_heading = "Input"
    )]
    id_field: String,
    /// JSONL field holding the site (falls back to the folder).
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    site_field: Option<String>,
    /// Skip documents (and plain files) larger than this (bytes, or with K, M, G: 64M, 2G).
    #[arg(long, default_value = "64M", value_name = "SIZE", value_parser = parse_size, help_heading = "Input")]
    max_bytes: u64,
}

impl CorpusArgs {
    fn to_config(&self) -> Config {
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
    fn corpus_name(&self) -> String {
        let names: Vec<String> = self.paths.iter().map(|p| p.display().to_string()).collect();
        names.join(" ")
    }

    /// Copies standard input to a temporary file when `-` is an input (the scan reads its
    /// inputs more than once); the file lives as long as the returned handle.
    fn copy_stdin(&self, cfg: &mut Config) -> Result<Option<tempfile::NamedTempFile>, ExitCode> {
        match self.paths.iter().filter(|p| p.as_os_str() == "-").count() {
            0 => return Ok(None),
            1 => {}
            _ => {
                eprintln!("neardup: '-' (standard input) can be given once");
                return Err(ExitCode::from(2));
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
            Err(e) => {
                eprintln!(
                    "neardup: cannot copy standard input to a temporary file: {e} (set --temp-dir to a folder with room)"
                );
                Err(ExitCode::from(2))
            }
        }
    }
}

impl DetectArgs {
    fn apply(&self, cfg: &mut Config) {
        self.compare.apply(cfg);
        self.input.apply(cfg);
        cfg.near.bands = self.bands;
        cfg.near.rows = self.rows;
        cfg.near.verify = self.verify;
        cfg.near.keep = self.keep;
        cfg.near.min_words = self.min_words;
        cfg.blocks.template_min_docs = self.template_min_docs;
        cfg.blocks.repeat_similarity = self.repeat_similarity;
        cfg.blocks.repeat_min_words = self.repeat_min_words;
        cfg.blocks.strip_reused = self.strip_reused;
        cfg.blocks.stub_share = self.stub_share;
    }
}

impl CompareArgs {
    fn apply(&self, cfg: &mut Config) {
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
    fn apply(&self, cfg: &mut Config) {
        cfg.input.format = self.format;
        cfg.input.text_field = self.text_field.clone();
        cfg.input.id_field = self.id_field.clone();
        cfg.input.site_field = self.site_field.clone();
        cfg.input.site_mode = match self.site {
            SiteArg::Dir => SiteMode::Dir,
            SiteArg::Domain => SiteMode::Domain,
            SiteArg::None => SiteMode::None,
        };
        cfg.input.max_bytes = self.max_bytes;
        cfg.input.hidden = self.hidden;
        cfg.input.globs = self.globs.clone();
    }
}

/// `--shingle`: what a shingle is made of (the library's [`ShingleKind`], named for the CLI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ShingleArg {
    /// k consecutive normalised words.
    Words,
    /// k consecutive characters of the normalised text (spaces included).
    Chars,
}

impl From<ShingleArg> for ShingleKind {
    fn from(arg: ShingleArg) -> ShingleKind {
        match arg {
            ShingleArg::Words => ShingleKind::Words,
            ShingleArg::Chars => ShingleKind::Chars,
        }
    }
}

/// A size in bytes: a number, optionally with a binary unit (K, M, G, T; `KB`, `KiB` alike).
fn parse_size(text: &str) -> Result<u64, String> {
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

/// Refuses outputs that cannot be written, before anything is read: two JSON documents on
/// standard output, and files in folders that do not exist.
fn check_outputs(args: &ScanArgs) -> Result<(), ExitCode> {
    let report_out = write::is_stdout(&args.out.report);
    let on_stdout = [
        Some(&args.out.report),
        args.out.annotations.as_ref(),
        args.out.pairs.as_ref(),
        args.out.html.as_ref(),
    ]
    .into_iter()
    .flatten()
    .filter(|p| write::is_stdout(p))
    .count();
    if on_stdout > 1 {
        eprintln!(
            "neardup: --report, --annotations, --pairs and --html would mix JSON documents and pages on standard output; give all but one of them a file"
        );
        return Err(ExitCode::from(2));
    }
    if args.out.annotations.as_deref() == Some(args.out.report.as_path()) && !report_out {
        eprintln!(
            "neardup: --report and --annotations name the same file '{}'; give each its own path",
            args.out.report.display()
        );
        return Err(ExitCode::from(2));
    }
    check_distinct_outputs(args)?;
    if let Some(dir) = args.corpus.temp_dir.as_ref().filter(|d| !d.is_dir()) {
        eprintln!(
            "neardup: --temp-dir '{}' is not a folder (create it, or leave the flag out to use TMPDIR)",
            dir.display()
        );
        return Err(ExitCode::from(2));
    }
    let files = [
        args.out.pairs.as_ref(),
        Some(&args.out.report),
        args.out.annotations.as_ref(),
        args.out.drop_list.as_ref(),
        args.out.html.as_ref(),
    ];
    for path in files.into_iter().flatten() {
        if write::is_stdout(path) {
            continue;
        }
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(folder) = folder.filter(|f| !f.is_dir()) {
            eprintln!(
                "neardup: cannot write '{}': the folder '{}' does not exist (create it first)",
                path.display(),
                folder.display()
            );
            return Err(ExitCode::from(2));
        }
    }
    Ok(())
}

/// Refuses two outputs that name one file (by another name, `./`, `..` or a symbolic link),
/// and an output file inside the `--clean` folder (which is replaced whole): one would
/// silently replace the other.
fn check_distinct_outputs(args: &ScanArgs) -> Result<(), ExitCode> {
    let outputs = [
        ("--report", Some(&args.out.report)),
        ("--annotations", args.out.annotations.as_ref()),
        ("--pairs", args.out.pairs.as_ref()),
        ("--drop-list", args.out.drop_list.as_ref()),
        ("--html", args.out.html.as_ref()),
    ];
    let mut seen: Vec<(&str, &PathBuf, PathBuf)> = Vec::new();
    for (flag, path) in outputs {
        let Some(path) = path.filter(|p| !write::is_stdout(p)) else {
            continue;
        };
        let target = link_target(path);
        if let Some((other, other_path, _)) = seen.iter().find(|(_, _, t)| *t == target) {
            eprintln!(
                "neardup: {other} '{}' and {flag} '{}' name the same file; give each its own path",
                other_path.display(),
                path.display()
            );
            return Err(ExitCode::from(2));
        }
        if let Some(clean) = &args.out.clean {
            if target.starts_with(resolved_path(clean)) {
                eprintln!(
                    "neardup: {flag} '{}' lies inside --clean '{}', which is replaced whole; write it elsewhere",
                    path.display(),
                    clean.display()
                );
                return Err(ExitCode::from(2));
            }
        }
        seen.push((flag, path, target));
    }
    Ok(())
}

/// The file `p` names once symbolic links (even to a file not there yet) are followed.
fn link_target(p: &std::path::Path) -> PathBuf {
    let mut path = p.to_path_buf();
    for _ in 0..40 {
        let Ok(target) = std::fs::read_link(&path) else {
            break;
        };
        path = match path.parent() {
            Some(dir) => dir.join(target),
            None => target,
        };
    }
    resolved_path(&path)
}

/// A path as it will be once created, resolved through its longest existing ancestor.
fn resolved_path(p: &std::path::Path) -> PathBuf {
    let mut existing = p;
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let base = if existing.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        existing
    };
    let mut full = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    full.extend(rest.iter().rev());
    full
}

/// Refuses a `--clean` folder inside the corpus (or holding it), or one holding files neardup
/// did not write, before anything is read.
fn check_clean_outside_corpus(args: &ScanArgs) -> Result<(), ExitCode> {
    let Some(dir) = &args.out.clean else {
        return Ok(());
    };
    let clean_dir = resolved_path(dir);
    for input in args.corpus.paths.iter().filter(|p| p.as_os_str() != "-") {
        let corpus_dir = resolved_path(input);
        if clean_dir.starts_with(&corpus_dir) || corpus_dir.starts_with(&clean_dir) {
            eprintln!(
                "neardup: --clean '{}' must lie outside the corpus '{}'",
                dir.display(),
                input.display()
            );
            return Err(ExitCode::from(2));
        }
    }
    if let Err(message) = clean::check_clean_target(dir) {
        eprintln!("neardup: {message}");
        return Err(ExitCode::from(2));
    }
    Ok(())
}

/// `--html`: the page of the scan, its texts read again from the files the scan read.
fn write_html(args: &ScanArgs, cfg: &Config, out: &neardup::ScanOutput) -> Result<(), ExitCode> {
    let Some(path) = &args.out.html else {
        return Ok(());
    };
    let opts = neardup::report::html::HtmlOptions {
        limit: args.out.html_limit,
    };
    let (r, files, anns) = (&out.report, &out.files, &out.annotations);
    neardup::report::html::write_for_scan(path, r, files, anns, &cfg.input, &opts).map_err(|e| {
        eprintln!(
            "neardup: cannot write the HTML report to '{}': {e} (choose another path with --html)",
            path.display()
        );
        ExitCode::from(1)
    })
}

fn run_scan(args: &ScanArgs) -> ExitCode {
    if let Err(code) = check_clean_outside_corpus(args).and_then(|()| check_outputs(args)) {
        return code;
    }
    if args.corpus.detect.compare.num_perm < 16 {
        eprintln!(
            "neardup: warning: --num-perm {} gives rough estimates (a standard error of {:.2} at Jaccard 0.5); 64 or more is usual",
            args.corpus.detect.compare.num_perm,
            (0.25 / args.corpus.detect.compare.num_perm.max(1) as f64).sqrt()
        );
    }
    let mut cfg = args.corpus.to_config();
    cfg.progress = !args.out.quiet;
    let _stdin = match args.corpus.copy_stdin(&mut cfg) {
        Ok(copy) => copy,
        Err(code) => return code,
    };
    let mut out = match neardup::scan(&cfg) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("neardup: {e}");
            return ExitCode::from(2);
        }
    };
    for warning in &out.warnings {
        eprintln!("neardup: warning: {warning}");
    }
    // At the default threshold the note is a property of the defaults, not news: it is for a
    // user who set --threshold and would otherwise read its effect into the result.
    let threshold_given = args.corpus.detect.compare.threshold != DEFAULT_THRESHOLD;
    let note = summary::threshold_note(cfg.near.threshold, cfg.near.containment);
    if let Some(note) = note.filter(|_| threshold_given) {
        eprintln!("neardup: warning: {note}");
    }
    if args.out.no_timing {
        out.report.timing = None;
    }
    // Another scan writing into the same folder finishes first: outputs never mix two scans.
    let _lock = write::OutputLock::acquire(&args.out.report);
    let cleaned = match write_outputs(args, &cfg, &out) {
        Ok(cleaned) => cleaned,
        Err(code) => return code,
    };
    if !args.out.quiet {
        print_summary(args, &out.report, cleaned.as_ref());
    }
    match &out.input_error {
        Some(error) => {
            let unwritten = match (&args.out.clean, &args.out.drop_list) {
                (None, None) => String::new(),
                _ => " (no clean copy or drop list was written)".to_string(),
            };
            eprintln!("neardup: error: {error}{unwritten}");
            ExitCode::from(EXIT_NOTHING_READ)
        }
        None => ExitCode::SUCCESS,
    }
}

/// The summary: on standard output, unless JSON goes there (then on standard error).
fn print_summary(args: &ScanArgs, report: &neardup::Report, cleaned: Option<&clean::CleanSummary>) {
    let mut text = summary::render(report, &args.corpus.corpus_name());
    if let (Some(dir), Some(s)) = (&args.out.clean, cleaned) {
        text.push_str(&format!(
            "  cleaned     {}: {}\n",
            s.describe(),
            dir.display()
        ));
    }
    if !write::is_stdout(&args.out.report) {
        text.push_str(&format!("  report      {}\n", args.out.report.display()));
    }
    if let Some(path) = &args.out.annotations {
        text.push_str(&format!("  annotations {}\n", path.display()));
    }
    if let Some(path) = &args.out.html {
        text.push_str(&format!("  html        {}\n", path.display()));
    }
    // Keep stdout clean for JSON (or the page) when the report or annotations go there.
    let outputs = [
        args.out.annotations.as_deref(),
        args.out.pairs.as_deref(),
        args.out.html.as_deref(),
    ];
    let on_stdout =
        write::is_stdout(&args.out.report) || outputs.into_iter().flatten().any(write::is_stdout);
    if on_stdout {
        eprint!("{text}");
    } else {
        emit(&text);
    }
}

/// Writes what a scan was asked to write: the report, annotations, pairs, drop list and clean
/// copy; says what the clean copy did.
fn write_outputs(
    args: &ScanArgs,
    cfg: &neardup::Config,
    out: &neardup::ScanOutput,
) -> Result<Option<clean::CleanSummary>, ExitCode> {
    if let Err(e) = write::write_report(&args.out.report, &out.report) {
        eprintln!(
            "neardup: cannot write the report to '{}': {e} (choose another path with --report)",
            args.out.report.display()
        );
        return Err(ExitCode::from(1));
    }
    if let Some(path) = &args.out.annotations {
        if let Err(e) = write::write_annotations(path, &out.annotations) {
            eprintln!(
                "neardup: cannot write annotations to '{}': {e} (choose another path with --annotations)",
                path.display()
            );
            return Err(ExitCode::from(1));
        }
    }
    if let Some(path) = &args.out.pairs {
        if let Err(e) = write::write_pairs(path, &out.pairs) {
            eprintln!(
                "neardup: cannot write the pairs to '{}': {e} (choose another path with --pairs)",
                path.display()
            );
            return Err(ExitCode::from(1));
        }
    }
    // A scan that read nothing (or not the field named) has nothing to act on: no drop list,
    // no clean copy, which would be empty or lack every record (exit code 3).
    if out.input_error.is_some() {
        write_html(args, cfg, out)?;
        return Ok(None);
    }
    if let Some(path) = &args.out.drop_list {
        if let Err(e) = write::write_drop_list(path, &out.annotations) {
            eprintln!(
                "neardup: cannot write the drop list to '{}': {e}",
                path.display()
            );
            return Err(ExitCode::from(1));
        }
    }
    write_html(args, cfg, out)?;
    let Some(dir) = &args.out.clean else {
        return Ok(None);
    };
    let source = clean::CleanSource {
        files: &out.files,
        annotations: &out.annotations,
        text_hashes: &out.text_hashes,
    };
    clean::write_clean_corpus(cfg, source, dir)
        .map(Some)
        .map_err(|e| {
            eprintln!(
                "neardup: cannot write the cleaned corpus to '{}': {e}",
                dir.display()
            );
            ExitCode::from(1)
        })
}

/// Thresholds `eval --labels` scores besides the one given.
const EVAL_SWEEP: [f64; 6] = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

fn run_eval(args: &EvalArgs) -> ExitCode {
    if let Some(gold) = &args.gold {
        return run_gold_eval(args, gold);
    }
    if args.truth.is_none() && args.labels.is_none() {
        eprintln!(
            "neardup: eval needs labels to score against: --truth FILE (duplicate clusters, \
             template and repeated lines as samples/truth.json, or page line labels), --labels \
             FILE (pairs: id_a<TAB>id_b<TAB>1|0) or --gold DIR (the article text of each page)"
        );
        return ExitCode::from(2);
    }
    // The label files are read first: a bad one fails before the scan.
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).map_err(|e| {
            eprintln!("neardup: cannot read '{}': {e}", path.display());
            ExitCode::from(2)
        })
    };
    let truth = match &args.truth {
        None => None,
        Some(path) => {
            let text = match read(path) {
                Ok(t) => t,
                Err(code) => return code,
            };
            match neardup::eval::parse_labels(&text) {
                Ok(l) => Some((path, l)),
                Err(e) => {
                    eprintln!(
                        "neardup: '{}' is not a label file: {e} (formats: README, \"Tuning\", step 5)",
                        path.display()
                    );
                    return ExitCode::from(2);
                }
            }
        }
    };
    let labels = match &args.labels {
        None => None,
        Some(path) => match read(path) {
            Ok(t) => Some((path, t)),
            Err(code) => return code,
        },
    };
    let mut cfg = args.scan.to_config();
    cfg.progress = false;
    let _stdin = match args.scan.copy_stdin(&mut cfg) {
        Ok(copy) => copy,
        Err(code) => return code,
    };
    // With labels, a threshold sweep follows; it re-runs the scan from a cache of what reading
    // produced (the user's --cache, or a scratch one removed at the end).
    let scratch = std::env::temp_dir().join(format!("neardup-eval-{}", std::process::id()));
    if labels.is_some() && cfg.cache.is_none() {
        cfg.cache = Some(scratch.clone());
    }
    let code = score_eval(args, &cfg, truth, labels);
    let _ = std::fs::remove_dir_all(&scratch);
    code
}

/// `eval --gold`: the cleaned copy (made by a scan, or given with --cleaned) scored against
/// the gold article texts.
fn run_gold_eval(args: &EvalArgs, gold: &std::path::Path) -> ExitCode {
    if !gold.is_dir() {
        eprintln!(
            "neardup: the gold folder '{}' is not a folder: give the folder of gold texts \
             (GOLD/site/page.txt for DIR/site/page.html)",
            gold.display()
        );
        return ExitCode::from(2);
    }
    // the clean-copy paths of pages a scan dropped as duplicates (a clean copy keeps one)
    let mut dropped: std::collections::HashSet<String> = std::collections::HashSet::new();
    let scratch = std::env::temp_dir().join(format!("neardup-gold-{}", std::process::id()));
    let cleaned = if args.cleaned {
        match args.scan.paths.as_slice() {
            [dir] => dir.clone(),
            _ => {
                eprintln!("neardup: eval --cleaned scores one folder of cleaned texts; give one");
                return ExitCode::from(2);
            }
        }
    } else {
        match scan_and_clean(args, &scratch, &mut dropped) {
            Ok(target) => target,
            Err(code) => return code,
        }
    };
    let score = neardup::cleaning::score_dirs(&cleaned, gold);
    let _ = std::fs::remove_dir_all(&scratch);
    match score {
        Ok(score) => {
            if args.verbose > 0 {
                for (page, s) in &score.pages {
                    emit(&format!("  {page:<40} {s}\n"));
                }
            }
            emit(&score.to_string());
            let as_duplicates = score
                .missing_pages
                .iter()
                .filter(|p| dropped.contains(*p))
                .count() as u64;
            if as_duplicates > 0 {
                emit(&format!(
                    "  {as_duplicates} of them {} dropped as a near-duplicate of another page \
                     (a clean copy keeps one copy; its words count as lost here)\n",
                    neardup::internals::noun(as_duplicates, "was")
                ));
            }
            if score.missing > 0 && score.missing as usize == score.pages.len() {
                eprintln!(
                    "neardup: no gold page has a cleaned file: the gold folder must mirror the \
                     corpus (GOLD/site/page.txt for DIR/site/page.html); WARC and Parquet inputs \
                     are cleaned to JSON Lines, which --gold cannot score"
                );
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "neardup: cannot score '{}' against '{}': {e}",
                cleaned.display(),
                gold.display()
            );
            ExitCode::from(2)
        }
    }
}

/// `eval --gold` without --cleaned: scans the corpus and writes its clean copy into
/// `scratch`, noting in `dropped` the clean-copy names of the pages dropped as duplicates.
fn scan_and_clean(
    args: &EvalArgs,
    scratch: &std::path::Path,
    dropped: &mut std::collections::HashSet<String>,
) -> Result<PathBuf, ExitCode> {
    let mut cfg = args.scan.to_config();
    cfg.progress = false;
    let out = match neardup::scan(&cfg) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("neardup: {e}");
            return Err(ExitCode::from(2));
        }
    };
    if let Some(error) = &out.input_error {
        eprintln!("neardup: error: {error}");
        return Err(ExitCode::from(EXIT_NOTHING_READ));
    }
    let names = clean::copy_names(&out.files);
    let name_of: std::collections::HashMap<&str, &String> = out
        .files
        .iter()
        .zip(&names)
        .map(|(f, name)| (f.rel.as_str(), name))
        .collect();
    for a in out.annotations.iter().filter(|a| a.duplicate_of.is_some()) {
        if let Some(name) = name_of.get(a.path.as_str()) {
            dropped.insert((*name).clone());
        }
    }
    let target = scratch.to_path_buf();
    let source = clean::CleanSource {
        files: &out.files,
        annotations: &out.annotations,
        text_hashes: &out.text_hashes,
    };
    if let Err(e) = clean::write_clean_corpus(&cfg, source, &target) {
        eprintln!(
            "neardup: cannot write the cleaned corpus to '{}': {e}",
            target.display()
        );
        let _ = std::fs::remove_dir_all(scratch);
        return Err(ExitCode::from(1));
    }
    Ok(target)
}

/// The scan of `eval` and its scores; exit code 2 when a label file names nothing in the scan.
fn score_eval(
    args: &EvalArgs,
    cfg: &Config,
    truth: Option<(&PathBuf, neardup::eval::Labels)>,
    labels: Option<(&PathBuf, String)>,
) -> ExitCode {
    use neardup::eval::{self, Labels};
    let out = match neardup::scan(cfg) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("neardup: {e}");
            return ExitCode::from(2);
        }
    };
    for warning in &out.warnings {
        eprintln!("neardup: warning: {warning}");
    }
    if let Some(error) = &out.input_error {
        eprintln!("neardup: error: {error}");
        return ExitCode::from(EXIT_NOTHING_READ);
    }
    let dir = args.scan.corpus_name();
    let mut code = ExitCode::SUCCESS;
    match truth {
        Some((path, Labels::Truth(truth))) => {
            let known: std::collections::HashSet<&str> =
                out.annotations.iter().map(|a| a.id.as_str()).collect();
            let ids = eval::truth_ids(&truth);
            if ids.iter().any(|id| known.contains(id)) {
                emit(&eval::evaluate(&out.report, &out.annotations, &truth).to_string());
            } else {
                eprintln!(
                    "neardup: nothing to score: none of the {} named in '{}' is in '{dir}'",
                    count(ids.len() as u64, "document"),
                    path.display(),
                );
                code = ExitCode::from(2);
            }
        }
        Some((path, Labels::Lines(lines))) => {
            let wanted = lines.keys().map(String::as_str).collect();
            let texts = eval::read_texts(cfg, &wanted);
            let ev = eval::evaluate_lines(&out.report, &out.annotations, &lines, &texts);
            if ev.scored() {
                emit(&ev.render(args.verbose));
            } else {
                eprintln!(
                    "neardup: nothing to score: none of the {} labelled in '{}' is in '{dir}'",
                    count(lines.len() as u64, "page"),
                    path.display(),
                );
                code = ExitCode::from(2);
            }
        }
        None => {}
    }
    if let Some((path, text)) = labels {
        let scored = eval::score_labelled_pairs(&out.report, &out.annotations, &text);
        for e in &scored.errors {
            eprintln!("neardup: {}: {e}", path.display());
        }
        if scored.unknown_pairs > 0 {
            eprintln!(
                "neardup: {}: {} of {} not scored, a document is not in '{dir}' (e.g. {})",
                path.display(),
                scored.unknown_pairs,
                count(scored.pairs, "pair"),
                scored.unknown_ids.join(", ")
            );
        }
        if scored.pairs == scored.unknown_pairs {
            eprintln!("neardup: nothing to score in '{}'", path.display());
            return ExitCode::from(2);
        }
        emit(&format!("labelled pairs        {}\n", scored.score));
        let mut sweep = String::from(
            "\nthreshold sweep (other flags as given):\n  threshold  precision  recall  F1\n",
        );
        for t in EVAL_SWEEP {
            let mut c = cfg.clone();
            c.near.threshold = t;
            c.near.bands = None;
            c.near.rows = None;
            if let Ok(o) = neardup::scan(&c) {
                let s = eval::score_labelled_pairs(&o.report, &o.annotations, &text).score;
                sweep.push_str(&format!(
                    "  {t:.2}       {:.4}     {:.4}  {:.4}\n",
                    s.precision(),
                    s.recall(),
                    s.f1()
                ));
            }
        }
        emit(&sweep);
    }
    code
}

fn run_params(args: &ParamsArgs) -> ExitCode {
    let mut cfg = Config::new(".");
    cfg.near.threshold = args.threshold;
    cfg.near.num_perm = args.num_perm;
    cfg.near.containment = (!args.no_containment).then_some(args.containment);
    cfg.near.bands = args.bands;
    cfg.near.rows = args.rows;
    if let Err(msg) = cfg.validate() {
        eprintln!("neardup: {msg}");
        return ExitCode::from(2);
    }
    let thresholds = neardup::sketch::Thresholds {
        jaccard: cfg.near.threshold,
        containment: cfg.near.containment,
        containment_min_shingles: cfg.near.containment_min_shingles,
    };
    let mut text = neardup::sketch::lsh::describe(
        &thresholds,
        cfg.near.num_perm,
        cfg.near.bands,
        cfg.near.rows,
    );
    text.push_str(&joins(cfg.near.threshold, cfg.near.containment));
    emit(&text);
    ExitCode::SUCCESS
}

/// `params`: which rule joins a pair at these thresholds, and whether the threshold matters.
fn joins(threshold: f64, containment: Option<f64>) -> String {
    let Some(c) = containment else {
        return format!("\njoined: pairs with Jaccard ≥ {threshold} (containment off)\n");
    };
    let mut text = format!(
        "\n{}",
        wrapped(&format!(
            "joined: pairs with Jaccard ≥ {threshold}, or where the smaller lies ≥ {c} inside \
             the larger (containment; copies of similar length reach it from Jaccard {:.2})",
            c / (2.0 - c)
        ))
    );
    if let Some(note) = summary::threshold_note(threshold, containment) {
        text.push_str(&wrapped(&format!("note: {note}")));
    }
    text
}

/// `text` in lines of at most 80 columns (params fits a terminal), the lines after the first
/// indented by two spaces.
fn wrapped(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if line.trim().is_empty() {
            line.push_str(word);
            continue;
        }
        if line.chars().count() + 1 + word.chars().count() > 80 {
            out.push_str(&line);
            out.push('\n');
            line = format!("  {word}");
        } else {
            line.push(' ');
            line.push_str(word);
        }
    }
    out.push_str(&line);
    out.push('\n');
    out
}

fn run_report(args: &ReportArgs) -> ExitCode {
    let report = match read_report(&args.report) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let Some(path) = &args.html else {
        let corpus = report.timing.as_ref().and_then(|t| t.corpus.clone());
        let name = corpus.unwrap_or_else(|| args.report.display().to_string());
        emit(&summary::render(&report, &name));
        return ExitCode::SUCCESS;
    };
    let opts = neardup::report::html::HtmlOptions {
        limit: args.html_limit,
    };
    match neardup::report::html::write_for_report(path, &report, args.corpus.as_deref(), &opts) {
        Ok(unavailable) => {
            if let Some(why) = unavailable {
                eprintln!("neardup: warning: {why}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "neardup: cannot write the HTML report to '{}': {e} (choose another path with --html)",
                path.display()
            );
            ExitCode::from(1)
        }
    }
}

fn run_explain(args: &ExplainArgs) -> ExitCode {
    let mut cfg = Config::new(args.corpus.clone().unwrap_or_else(|| PathBuf::from(".")));
    args.compare.apply(&mut cfg);
    args.input.apply(&mut cfg);
    cfg.blocks.template_min_docs = args.template_min_docs;
    if let Err(msg) = cfg.validate() {
        eprintln!("neardup: {msg}");
        return ExitCode::from(2);
    }
    let (subjects, context) = match &args.corpus {
        Some(_) => (neardup::explain::from_corpus(&cfg, &args.a, &args.b), None),
        None => explain_files(args, &cfg),
    };
    match subjects {
        Ok((a, b)) => {
            let mut text = context.map(|c| format!("{c}\n\n")).unwrap_or_default();
            text.push_str(&neardup::explain::explain(&a, &b, &cfg).to_string());
            emit(&text);
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("neardup: {msg}");
            ExitCode::from(2)
        }
    }
}

type Subjects =
    Result<(neardup::explain::Subject, neardup::explain::Subject), neardup::explain::ExplainError>;

/// `explain A B` of two files: in the site context of the folder holding both (as a scan of
/// it compares them), or alone; and the line that says which.
fn explain_files(args: &ExplainArgs, cfg: &Config) -> (Subjects, Option<String>) {
    use neardup::explain::{self, Context};
    // Read alone first: a file that cannot be read, or that holds several documents and names
    // none, is refused the same way in either context.
    let alone = explain::from_files(cfg, &args.a, &args.b);
    if alone.is_err() {
        return (alone, None);
    }
    let why = if args.alone {
        "--alone".to_string()
    } else {
        match explain::context_of(cfg, &args.a, &args.b) {
            Context::Folder(dir) => {
                let line = format!(
                    "site context: a scan of '{}', the folder holding both (its template lines \
                     left out as that scan leaves them; --corpus DIR for another folder, --alone \
                     for none)",
                    dir.display()
                );
                return (
                    explain::from_files_in(cfg, &dir, &args.a, &args.b),
                    Some(line),
                );
            }
            Context::Alone(why) => why,
        }
    };
    let line = format!(
        "site context: none ({why}): the two files are compared alone, template lines \
         included; --corpus DIR (the folder a scan reads) leaves out their sites' template \
         lines, as that scan does"
    );
    (alone, Some(line))
}

/// Writes to standard output; a closed pipe (`neardup … | head`) ends the output quietly
/// instead of panicking.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("neardup: cannot write to standard output: {e}");
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Eval(args) => run_eval(args),
        Command::Params(args) => run_params(args),
        Command::Explain(args) => run_explain(args),
        Command::Report(args) => run_report(args),
        Command::Diff(args) => run_diff(args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut cmd, "neardup", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man { command } => run_man(command.as_deref()),
    }
}

/// `neardup man [COMMAND]`: the top page, or one command's page.
fn run_man(command: Option<&str>) -> ExitCode {
    let top = <Cli as clap::CommandFactory>::command();
    let page = match command {
        None => top,
        Some(name) => {
            let names: Vec<String> = top
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            match top.find_subcommand(name) {
                Some(sub) => sub.clone().display_name(format!("neardup-{name}")),
                None => {
                    eprintln!(
                        "neardup: no command '{name}': the commands are {}",
                        names.join(", ")
                    );
                    return ExitCode::from(2);
                }
            }
        }
    };
    match clap_mangen::Man::new(page).render(&mut std::io::stdout()) {
        Ok(()) => ExitCode::SUCCESS,
        // `neardup man | head`: the reader stopped, nothing went wrong
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("neardup: cannot write the manual page: {e}");
            ExitCode::from(1)
        }
    }
}

/// Reads a saved report; the message says what to give instead.
fn read_report(path: &std::path::Path) -> Result<neardup::Report, ExitCode> {
    std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
        .map_err(|e| {
            eprintln!(
                "neardup: cannot read the report '{}': {e} (give a JSON report written by `neardup scan`)",
                path.display()
            );
            ExitCode::from(2)
        })
}

/// `neardup diff A B`: what changed from report A to report B.
fn run_diff(args: &DiffArgs) -> ExitCode {
    let (a, b) = match (read_report(&args.a), read_report(&args.b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    emit(&format!(
        "A: {}\nB: {}\n{}",
        args.a.display(),
        args.b.display(),
        neardup::diff::diff(&a, &b)
    ));
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::parse_size;

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
}
