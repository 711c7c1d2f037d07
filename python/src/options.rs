//! The keyword options of `neardup.scan` and `neardup.dedup`: one table of names, defaults and
//! help (what `help(neardup.dedup)` shows), and how each fills a [`Config`]. The names are the
//! command line's flags in snake_case, the defaults the library's constants.

use std::path::PathBuf;

use neardup::config::{
    InputFormat, KeepPolicy, ShingleKind, SiteMode, StripReused, VerifyMode, DEFAULT_CONTAINMENT,
    DEFAULT_CONTAINMENT_MIN_SHINGLES, DEFAULT_FREQUENT_DOCS, DEFAULT_MAX_BYTES, DEFAULT_NGRAM,
    DEFAULT_NUM_PERM, DEFAULT_REPEAT_MIN_WORDS, DEFAULT_REPEAT_SIMILARITY, DEFAULT_STUB_SHARE,
    DEFAULT_TEMPLATE_MIN_DOCS, DEFAULT_THIN_SHARE, DEFAULT_THIN_WORDS, DEFAULT_THRESHOLD,
};
use neardup::Config;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// An option's default, as Python shows it.
#[derive(Debug, Clone, Copy)]
pub enum DefaultValue {
    /// `None`.
    Nothing,
    /// `True` or `False`.
    Bool(bool),
    /// An integer.
    Int(u64),
    /// A float.
    Float(f64),
    /// A string.
    Str(&'static str),
    /// An empty list.
    EmptyList,
}

/// Which call takes an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `scan` and `dedup`: what is found and how fast.
    Both,
    /// `scan` only: how files are found and read (a table has no files).
    ScanOnly,
}

/// One keyword option.
#[derive(Debug, Clone, Copy)]
pub struct OptionSpec {
    /// Its keyword (the flag in snake_case).
    pub name: &'static str,
    /// Its default (the library's).
    pub default: DefaultValue,
    /// What it does (the flag's help).
    pub help: &'static str,
    /// Which calls take it.
    pub scope: Scope,
}

const fn both(name: &'static str, default: DefaultValue, help: &'static str) -> OptionSpec {
    OptionSpec {
        name,
        default,
        help,
        scope: Scope::Both,
    }
}

const fn scan_only(name: &'static str, default: DefaultValue, help: &'static str) -> OptionSpec {
    OptionSpec {
        name,
        default,
        help,
        scope: Scope::ScanOnly,
    }
}

use DefaultValue::{Bool, EmptyList, Float, Int, Nothing, Str};

/// The MinHash seed the command line uses (`--seed`).
const DEFAULT_SEED: u64 = 0x6e65_6172_6475_7030;

/// Every option, in the order `help()` lists them.
pub const OPTIONS: &[OptionSpec] = &[
    both("threshold", Float(DEFAULT_THRESHOLD), "Jaccard similarity at or above which two documents are near-duplicates, in (0, 1]."),
    both("containment", Float(DEFAULT_CONTAINMENT), "Also join a document whose shingles lie this much inside another's (truncated copies); None turns containment off."),
    both("no_containment", Bool(false), "Join documents on Jaccard only (as containment=None)."),
    both("ngram", Int(DEFAULT_NGRAM as u64), "Shingle size: words (or characters with shingle='chars') per shingle."),
    both("shingle", Str("words"), "Shingle kind: 'words' or 'chars'."),
    both("num_perm", Int(DEFAULT_NUM_PERM as u64), "MinHash values per document, 1 to 4096 (more: finer estimates, more memory and time)."),
    both("thin_words", Int(DEFAULT_THIN_WORDS as u64), "Content (text less template) shorter than this many words is thin: judged on the text outside site chrome."),
    both("thin_share", Float(DEFAULT_THIN_SHARE), "Content under this share of the text outside site chrome is thin, in [0, 1] (0 turns the share test off)."),
    both("frequent_docs", Int(DEFAULT_FREQUENT_DOCS as u64), "Lines on more documents of a site than this are shared text: never a thin document's own words."),
    both("containment_min_shingles", Int(DEFAULT_CONTAINMENT_MIN_SHINGLES as u64), "Join a document by containment only if it has at least this many distinct shingles."),
    both("fold_digits", Bool(false), "Fold every digit to 0 before comparing documents (dates, counts and prices stop mattering)."),
    both("seed", Int(DEFAULT_SEED), "Seed of the MinHash permutations."),
    both("bands", Nothing, "LSH bands (None: derived from threshold and num_perm)."),
    both("rows", Nothing, "LSH rows per band (None: derived from threshold and num_perm)."),
    both("verify", Str("auto"), "How candidates are verified: 'auto' (MinHash estimate, exact check within its error of a threshold), 'signature' (estimate only) or 'exact' (exact shingle sets)."),
    both("keep", Str("first"), "Which member of a cluster to keep: 'first' (smallest id), 'longest' or 'shortest' (by content words)."),
    both("min_words", Int(0), "Documents with fewer content words are matched exactly only (0: the shingle size)."),
    both("template_min_docs", Int(DEFAULT_TEMPLATE_MIN_DOCS as u64), "Different documents of one site (copies counted once) that must hold a line for it to be template, at least 2."),
    both("repeat_similarity", Float(DEFAULT_REPEAT_SIMILARITY), "Share of a block's words inside an earlier, similar-length block for it to be a repeat, in (0, 1]."),
    both("repeat_min_words", Int(DEFAULT_REPEAT_MIN_WORDS as u64), "Blocks with fewer words never count as repeats."),
    both("strip_reused", Str("auto"), "Strip later copies of shared text: 'auto' (except where it would leave a document a stub), 'always' or 'never'."),
    both("stub_share", Float(DEFAULT_STUB_SHARE), "With strip_reused='auto', a document that stripping would leave with under this share of its words keeps its copies, in [0, 1]."),
    both("threads", Nothing, "Worker threads (None: every core)."),
    both("temp_dir", Nothing, "Folder of the temporary file of document records (None: TMPDIR, else the system's)."),
    scan_only("cache", Nothing, "Keep what reading the corpus produced in this folder; a re-run with other thresholds reuses it."),
    scan_only("no_spill", Bool(false), "Read the documents again in pass 2 instead of keeping their compact form in a temporary file."),
    scan_only("hidden", Bool(false), "Walk hidden files and folders (names starting with '.') too."),
    scan_only("globs", EmptyList, "Read only files matching these patterns, or leave out those matching '!PATTERN' (as ripgrep's -g)."),
    scan_only("format", Str("auto"), "How files are read: 'auto' (by their names), 'text', 'jsonl', 'html', 'warc' or 'parquet'."),
    scan_only("site", Str("dir"), "How documents get their site: 'dir' (top-level folder, or a URL's host), 'domain' (registrable domain) or 'none' (one site)."),
    scan_only("text_field", Str("text"), "JSON Lines / Parquet field holding the text."),
    scan_only("id_field", Str("id"), "JSON Lines / Parquet field holding the id (falls back to path:line)."),
    scan_only("site_field", Nothing, "JSON Lines / Parquet field holding the site (falls back to the folder)."),
    scan_only("max_bytes", Int(DEFAULT_MAX_BYTES), "Skip documents (and plain files) larger than this many bytes (an int, or a string such as '64M', '2G')."),
];

/// The options of a stream (`neardup.Deduplicator`): those of the near-duplicate search that
/// a stream can apply (no containment, verification, sites or templates).
pub const STREAM_OPTIONS: [&str; 9] = [
    "threshold",
    "ngram",
    "shingle",
    "num_perm",
    "bands",
    "rows",
    "min_words",
    "seed",
    "fold_digits",
];

/// The options `call` takes (`scan` takes all of them).
pub fn names_for(call: Call) -> Vec<&'static str> {
    OPTIONS
        .iter()
        .filter(|o| match call {
            Call::Scan => true,
            Call::Dedup => o.scope == Scope::Both,
            Call::Stream => STREAM_OPTIONS.contains(&o.name),
        })
        .map(|o| o.name)
        .collect()
}

/// The Python function being called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `neardup.scan(paths, ...)`.
    Scan,
    /// `neardup.dedup(data, ...)`.
    Dedup,
    /// `neardup.Deduplicator(...)`.
    Stream,
}

impl Call {
    fn name(self) -> &'static str {
        match self {
            Call::Scan => "scan",
            Call::Dedup => "dedup",
            Call::Stream => "Deduplicator",
        }
    }
}

/// A configuration with every default, the root, and each option of `options` applied; an
/// unknown option is a `TypeError` naming the valid ones, a bad value a `ValueError` with the
/// library's message (its flags named as keywords).
pub fn config(
    roots: &[PathBuf],
    options: Option<&Bound<'_, PyDict>>,
    call: Call,
) -> PyResult<Config> {
    let mut cfg = Config::new(roots.first().cloned().unwrap_or_else(|| PathBuf::from(".")));
    cfg.more_roots = roots.iter().skip(1).cloned().collect();
    let valid = names_for(call);
    let mut no_containment = false;
    if let Some(options) = options {
        for (key, value) in options.iter() {
            let name: String = key.extract()?;
            if !valid.contains(&name.as_str()) {
                return Err(PyTypeError::new_err(format!(
                    "{}() got an unexpected keyword argument '{name}'; its options are: {}",
                    call.name(),
                    valid.join(", ")
                )));
            }
            if name == "no_containment" {
                no_containment = value.extract()?;
                continue;
            }
            let applied = apply_compare(&mut cfg, &name, &value)?
                || apply_detect(&mut cfg, &name, &value)?
                || apply_input(&mut cfg, &name, &value)?;
            debug_assert!(applied, "option {name} is in the table but not applied");
        }
    }
    if no_containment {
        cfg.near.containment = None;
    }
    cfg.validate()
        .map_err(|e| PyValueError::new_err(python_message(&e.to_string())))?;
    Ok(cfg)
}

/// A library message with its `--flag-name`s written as the keywords `flag_name`.
pub fn python_message(message: &str) -> String {
    let mut names: Vec<&str> = OPTIONS.iter().map(|o| o.name).collect();
    names.push("glob");
    // Longer names first, so that --num-perm is not read as --num followed by -perm.
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut out = message.to_string();
    for name in names {
        out = out.replace(&format!("--{}", name.replace('_', "-")), name);
    }
    out
}

/// The options that change how two documents compare; whether `name` is one of them.
fn apply_compare(cfg: &mut Config, name: &str, value: &Bound<'_, PyAny>) -> PyResult<bool> {
    let near = &mut cfg.near;
    match name {
        "threshold" => near.threshold = value.extract()?,
        "containment" => near.containment = value.extract()?,
        "ngram" => near.ngram = value.extract()?,
        "shingle" => {
            near.shingle = choice(
                name,
                value,
                &[("words", ShingleKind::Words), ("chars", ShingleKind::Chars)],
            )?
        }
        "num_perm" => near.num_perm = value.extract()?,
        "thin_words" => near.thin_words = value.extract()?,
        "thin_share" => near.thin_share = value.extract()?,
        "frequent_docs" => near.frequent_docs = value.extract()?,
        "containment_min_shingles" => near.containment_min_shingles = value.extract()?,
        "seed" => near.seed = value.extract()?,
        "fold_digits" => cfg.fold_digits = value.extract()?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// The options of candidate search, clustering, templates and repeats, and of the run.
fn apply_detect(cfg: &mut Config, name: &str, value: &Bound<'_, PyAny>) -> PyResult<bool> {
    let (near, blocks) = (&mut cfg.near, &mut cfg.blocks);
    match name {
        "bands" => near.bands = value.extract()?,
        "rows" => near.rows = value.extract()?,
        "verify" => {
            near.verify = choice(
                name,
                value,
                &[
                    ("auto", VerifyMode::Auto),
                    ("signature", VerifyMode::Signature),
                    ("exact", VerifyMode::Exact),
                ],
            )?
        }
        "keep" => {
            near.keep = choice(
                name,
                value,
                &[
                    ("first", KeepPolicy::First),
                    ("longest", KeepPolicy::Longest),
                    ("shortest", KeepPolicy::Shortest),
                ],
            )?
        }
        "min_words" => near.min_words = value.extract()?,
        "template_min_docs" => blocks.template_min_docs = value.extract()?,
        "repeat_similarity" => blocks.repeat_similarity = value.extract()?,
        "repeat_min_words" => blocks.repeat_min_words = value.extract()?,
        "strip_reused" => {
            blocks.strip_reused = choice(
                name,
                value,
                &[
                    ("auto", StripReused::Auto),
                    ("always", StripReused::Always),
                    ("never", StripReused::Never),
                ],
            )?
        }
        "stub_share" => blocks.stub_share = value.extract()?,
        "threads" => {
            let threads: Option<usize> = value.extract()?;
            if threads == Some(0) {
                return Err(PyValueError::new_err(
                    "threads must be at least 1 (None: every core)",
                ));
            }
            cfg.threads = threads;
        }
        "temp_dir" => cfg.temp_dir = value.extract()?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// The options of how files are found and read (`scan` only).
fn apply_input(cfg: &mut Config, name: &str, value: &Bound<'_, PyAny>) -> PyResult<bool> {
    let input = &mut cfg.input;
    match name {
        "cache" => cfg.cache = value.extract()?,
        "no_spill" => cfg.spill = !value.extract::<bool>()?,
        "hidden" => input.hidden = value.extract()?,
        "globs" => {
            input.globs = match value.extract::<String>() {
                Ok(one) => vec![one],
                Err(_) => value.extract()?,
            }
        }
        "format" => {
            input.format = choice(
                name,
                value,
                &[
                    ("auto", InputFormat::Auto),
                    ("text", InputFormat::Text),
                    ("jsonl", InputFormat::Jsonl),
                    ("html", InputFormat::Html),
                    ("warc", InputFormat::Warc),
                    ("parquet", InputFormat::Parquet),
                ],
            )?
        }
        "site" => {
            input.site_mode = choice(
                name,
                value,
                &[
                    ("dir", SiteMode::Dir),
                    ("domain", SiteMode::Domain),
                    ("none", SiteMode::None),
                ],
            )?
        }
        "text_field" => input.text_field = value.extract()?,
        "id_field" => input.id_field = value.extract()?,
        "site_field" => input.site_field = value.extract()?,
        "max_bytes" => input.max_bytes = size(value)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// One of a fixed set of names.
fn choice<T: Clone>(name: &str, value: &Bound<'_, PyAny>, values: &[(&str, T)]) -> PyResult<T> {
    let given: String = value.extract()?;
    values
        .iter()
        .find(|(n, _)| *n == given)
        .map(|(_, v)| v.clone())
        .ok_or_else(|| {
            let names: Vec<String> = values.iter().map(|(n, _)| format!("'{n}'")).collect();
            PyValueError::new_err(format!(
                "{name} must be one of {}, got '{given}'",
                names.join(", ")
            ))
        })
}

/// A size in bytes: an int, or a string of digits with K, M or G (binary multiples).
fn size(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    if let Ok(n) = value.extract::<u64>() {
        return Ok(n);
    }
    let text: String = value.extract()?;
    parse_size(&text).ok_or_else(|| {
        PyValueError::new_err(format!(
            "max_bytes must be a number of bytes, or one with K, M or G (64M, 2G), got '{text}'"
        ))
    })
}

/// `64M` → 67,108,864; `None` when it is no size.
fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, shift) = match text.chars().last()?.to_ascii_uppercase() {
        'K' => (&text[..text.len() - 1], 10),
        'M' => (&text[..text.len() - 1], 20),
        'G' => (&text[..text.len() - 1], 30),
        _ => (text, 0),
    };
    let n: u64 = digits.trim().parse().ok()?;
    n.checked_mul(1u64 << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_the_command_line_reads_them() {
        assert_eq!(parse_size("64M"), Some(64 << 20));
        assert_eq!(parse_size("2g"), Some(2 << 30));
        assert_eq!(parse_size("1000"), Some(1000));
        assert_eq!(parse_size("M"), None);
        assert_eq!(parse_size("lots"), None);
    }

    #[test]
    fn library_messages_name_keywords() {
        assert_eq!(
            python_message("--bands 20 × --rows 10 = 200 exceeds --num-perm 128"),
            "bands 20 × rows 10 = 200 exceeds num_perm 128"
        );
    }

    #[test]
    fn every_option_is_named_once() {
        let mut names: Vec<&str> = OPTIONS.iter().map(|o| o.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), OPTIONS.len());
    }
}
