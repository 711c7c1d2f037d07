//! Walking the inputs: which files are read, in a deterministic order.
//!
//! Folders are walked as fd and ripgrep walk them (the `ignore` crate's parallel walker, so one
//! huge flat folder is listed by every thread): hidden files and folders are left out unless
//! `--hidden`, `--glob` patterns choose files, and `.gitignore` files are not honoured (a
//! corpus is data: files a repository ignores are often the very documents to scan).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use ignore::overrides::{Override, OverrideBuilder};
use ignore::{WalkBuilder, WalkState};
use rayon::prelude::*;

use super::{Compression, Format, InputFile, SkipReason, Skipped};
use super::{InputFormat, InputOptions, InputSet, SiteMode};

/// The result of walking a corpus root.
#[derive(Debug, Default)]
pub struct Walk {
    /// Input files, sorted by relative path.
    pub files: Vec<InputFile>,
    /// Files (and tree entries) that were not inputs, with the reason.
    pub skipped: Vec<Skipped>,
    /// Whether the walk stopped at its bound of entries ([`walk_inputs_within`]), so that
    /// `files` and `skipped` are only part of the tree.
    pub cut_short: bool,
}

/// The name standard input (`-`) gets: its documents' ids are `stdin:LINE`.
const STDIN_NAME: &str = "stdin";

/// Lists the input files under one folder `root`, with default input options (hidden files
/// left out, no patterns). Ids are paths under the root.
pub fn walk(root: &Path, site_mode: &SiteMode) -> Walk {
    let options = InputOptions {
        site_mode: site_mode.clone(),
        ..InputOptions::default()
    };
    walk_inputs(&InputSet {
        paths: vec![root],
        stdin_copy: None,
        options: &options,
    })
}

/// Lists the input files of every input of `cfg` (its root and further inputs): folders
/// walked, files taken as they are, `-` the copy of standard input. With one folder, a
/// document's id is its path under the folder; with several inputs, or a file, it is the
/// path as given (`b/site/x.txt`, `c.txt`), so that ids stay unique across inputs. The order
/// is the byte order of those paths, whatever the file system or the walker's threads say.
pub fn walk_inputs(inputs: &InputSet) -> Walk {
    walk_inputs_from(inputs, None)
}

/// [`walk_inputs`] with relative inputs taken from the folder `base` (the working folder a
/// saved report records) instead of the current one; ids are the same.
pub fn walk_inputs_from(set: &InputSet, base: Option<&Path>) -> Walk {
    walk_inputs_within(set, base, u64::MAX)
}

/// [`walk_inputs_from`] that stops after `most_entries` entries (folders, files and other
/// entries alike) and says so in [`Walk::cut_short`]: a saved report's corpus is walked again
/// no further than its scan's size, whatever folder an edited report names.
pub fn walk_inputs_within(set: &InputSet, base: Option<&Path>, most_entries: u64) -> Walk {
    let budget = Budget {
        most: most_entries,
        seen: AtomicU64::new(0),
        spent: AtomicBool::new(false),
    };
    let inputs = set.paths.clone();
    let at = |input: &Path| base.map_or_else(|| input.to_path_buf(), |b| b.join(input));
    let alone = inputs.len() == 1 && at(inputs[0]).is_dir();
    let common = common_folder(&inputs);
    let mut out = Walk::default();
    for input in inputs {
        let first = out.files.len();
        let path = at(input);
        if input.as_os_str() == "-" {
            take_stdin(set.stdin_copy, &mut out);
        } else if path.is_dir() {
            let prefix = (!alone).then(|| as_given(input));
            walk_folder(&path, prefix.as_deref(), set.options, &budget, &mut out);
        } else {
            take_file(&path, as_given(input), set.options.format, &mut out);
        }
        if !alone && input.as_os_str() != "-" {
            let given = as_given(input);
            let under = under_common(input, common.as_deref());
            for f in &mut out.files[first..] {
                // `given` is a prefix of each file's name: the folder as given, or the file
                let rest = f.rel.get(given.len()..).unwrap_or_default();
                f.clean_rel = match (under.is_empty(), rest.strip_prefix('/')) {
                    (true, Some(rest)) => rest.to_string(),
                    _ => format!("{under}{rest}"),
                };
            }
        }
    }
    out.cut_short = budget.spent.load(Ordering::Relaxed);
    // A folder's entries are listed by one thread; their sizes are asked for on all, and
    // the first record of a `.json` file read.
    let sniffed: Vec<Option<Skipped>> = out
        .files
        .par_iter_mut()
        .map(|f| {
            f.size = std::fs::metadata(&f.path).map_or(0, |m| m.len());
            (set.options.format == InputFormat::Auto && is_json_name(&f.path))
                .then(|| sniff_json_lines(f, set.options))
                .flatten()
        })
        .collect();
    if sniffed.iter().any(Option::is_some) {
        let files = std::mem::take(&mut out.files);
        for (f, not_lines) in files.into_iter().zip(sniffed) {
            match not_lines {
                Some(skipped) => out.skipped.push(skipped),
                None => out.files.push(f),
            }
        }
    }
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    // A file named twice (`scan a/ a/x.txt`) is read once.
    out.files.dedup_by(|a, b| a.rel == b.rel);
    out.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    out.skipped.dedup();
    out
}

/// Standard input, copied to a file by the caller (it is read more than once).
fn take_stdin(copy: Option<&Path>, out: &mut Walk) {
    let Some(path) = copy else {
        out.skipped.push(Skipped {
            path: STDIN_NAME.to_string(),
            reason: SkipReason::Unreadable(
                "standard input is read by the command line only".to_string(),
            ),
        });
        return;
    };
    out.files.push(InputFile {
        path: path.to_path_buf(),
        rel: STDIN_NAME.to_string(),
        clean_rel: STDIN_NAME.to_string(),
        site: None,
        format: Format::JsonLines,
        compression: Compression::None,
        size: std::fs::metadata(path).map_or(0, |m| m.len()),
    });
}

/// A file named as an input: read whatever its extension (`.jsonl` and `.ndjson` as JSON
/// Lines, anything else as text, unless `--format` says), as fd and ripgrep read a file they
/// are given. `rel` is its name as given, `path` where it is (under a saved report's folder).
fn take_file(path: &Path, rel: String, format: InputFormat, out: &mut Walk) {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => {
            let (format, compression) =
                classify_as(path, format).unwrap_or_else(|| (Format::Text, compression_of(path)));
            out.files.push(InputFile {
                path: path.to_path_buf(),
                clean_rel: rel.clone(),
                rel,
                site: None,
                format,
                compression,
                size: m.len(),
            });
        }
        Ok(_) => out.skipped.push(Skipped {
            path: rel,
            reason: SkipReason::NotARegularFile,
        }),
        Err(e) => out.skipped.push(Skipped {
            path: rel,
            reason: SkipReason::Unreadable(e.to_string()),
        }),
    }
}

/// The patterns of `--glob` for a walk of `root`; the error names the pattern.
pub fn overrides(root: &Path, globs: &[String]) -> Result<Override, String> {
    let mut builder = OverrideBuilder::new(root);
    for g in globs {
        builder
            .add(g)
            .map_err(|e| format!("--glob '{g}' is not a pattern: {e}"))?;
    }
    builder.build().map_err(|e| e.to_string())
}

/// Walks the folder `root` (following symbolic links; loops are reported, not followed),
/// adding its input files and skipped entries to `out`, named `prefix/PATH` when a prefix is
/// given, else `PATH` under the root.
fn walk_folder(
    root: &Path,
    prefix: Option<&str>,
    opts: &InputOptions,
    budget: &Budget,
    out: &mut Walk,
) {
    let name = |under: String| match prefix {
        Some(p) if under.is_empty() => p.to_string(),
        Some(p) => format!("{p}/{under}"),
        None => under,
    };
    // The patterns were checked with the configuration; an error here leaves them out.
    let patterns = overrides(root, &opts.globs).unwrap_or_else(|_| Override::empty());
    let found = Mutex::new(Walk::default());
    WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(!opts.hidden)
        .follow_links(true)
        .overrides(patterns)
        .threads(rayon::current_num_threads())
        .build_parallel()
        .run(|| {
            // Each thread collects into its own list, handed over when the walk ends.
            let mut mine = Collected {
                walk: Walk::default(),
                into: &found,
            };
            let name = &name;
            Box::new(move |entry| {
                if !budget.take_one() {
                    return WalkState::Quit;
                }
                let item = match entry {
                    Ok(entry) => visit(root, &entry, opts),
                    Err(err) => {
                        let (path, reason) = error_reason(&err);
                        let under = path.map_or_else(|| "?".to_string(), |p| relative(root, &p));
                        Some(Err(Skipped {
                            path: under,
                            reason,
                        }))
                    }
                };
                match item {
                    Some(Ok(mut file)) => {
                        file.rel = name(std::mem::take(&mut file.rel));
                        mine.walk.files.push(file);
                    }
                    Some(Err(mut skipped)) => {
                        skipped.path = name(std::mem::take(&mut skipped.path));
                        mine.walk.skipped.push(skipped);
                    }
                    None => {}
                }
                WalkState::Continue
            })
        });
    let found = found.into_inner().unwrap_or_default();
    out.files.extend(found.files);
    out.skipped.extend(found.skipped);
}

/// How many entries a walk may still visit, shared by the walker's threads.
struct Budget {
    most: u64,
    seen: AtomicU64,
    /// Set when an entry past `most` was refused: the walk is cut short.
    spent: AtomicBool,
}

impl Budget {
    /// Counts one entry; false (and the budget marked spent) past the bound.
    fn take_one(&self) -> bool {
        if self.seen.fetch_add(1, Ordering::Relaxed) < self.most {
            return true;
        }
        self.spent.store(true, Ordering::Relaxed);
        false
    }
}

/// One walker thread's findings, added to the shared list when the thread is done.
struct Collected<'a> {
    walk: Walk,
    into: &'a Mutex<Walk>,
}

impl Drop for Collected<'_> {
    fn drop(&mut self) {
        if let Ok(mut all) = self.into.lock() {
            all.files.append(&mut self.walk.files);
            all.skipped.append(&mut self.walk.skipped);
        }
    }
}

/// One walked entry: an input file, a skipped entry, or nothing (folders).
fn visit(
    root: &Path,
    entry: &ignore::DirEntry,
    opts: &InputOptions,
) -> Option<Result<InputFile, Skipped>> {
    let file_type = entry.file_type()?;
    if file_type.is_dir() {
        return None;
    }
    let rel = relative(root, entry.path());
    if !file_type.is_file() {
        return Some(Err(Skipped {
            path: rel,
            reason: SkipReason::NotARegularFile,
        }));
    }
    let Some((format, compression)) = classify_as(entry.path(), opts.format) else {
        return Some(Err(Skipped {
            path: rel,
            reason: SkipReason::UnsupportedType,
        }));
    };
    let site = site_of(&rel).and_then(|top| super::site::of_name(&top, &opts.site_mode));
    Some(Ok(InputFile {
        path: entry.path().to_path_buf(),
        clean_rel: rel.clone(),
        rel,
        site,
        format,
        compression,
        size: 0, // read by `walk_inputs` on every thread: a flat folder's are listed by one
    }))
}

/// The entry a walk error is about, and why it was skipped.
fn error_reason(err: &ignore::Error) -> (Option<PathBuf>, SkipReason) {
    match err {
        ignore::Error::Loop { child, .. } => (Some(child.clone()), SkipReason::SymlinkLoop),
        ignore::Error::WithPath { path, err } => {
            let (inner, reason) = error_reason(err);
            (inner.or_else(|| Some(path.clone())), reason)
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_reason(err)
        }
        ignore::Error::Partial(errs) if !errs.is_empty() => error_reason(&errs[0]),
        ignore::Error::Io(e) => (None, SkipReason::Unreadable(e.to_string())),
        other => (None, SkipReason::Unreadable(other.to_string())),
    }
}

/// A path as the user gave it, `/`-separated, without `./` and trailing separators: the
/// name of a file input and the prefix of the ids of a folder among several inputs.
fn as_given(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::RootDir => parts.push(String::new()),
            other => parts.push(super::names::escape_component(other.as_os_str())),
        }
    }
    match parts.as_slice() {
        [] => ".".to_string(),
        [root] if root.is_empty() => "/".to_string(),
        _ => parts.join("/"),
    }
}

/// The path of `path` under `root`, with `/` separators, for ids and the report (names that
/// are not UTF-8 escaped reversibly: `corpus::names`).
fn relative(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let parts: Vec<String> = rel
        .components()
        .map(|c| super::names::escape_component(c.as_os_str()))
        .collect();
    parts.join("/")
}

/// The top-level folder of a relative path; files directly under the root have no site.
fn site_of(rel: &str) -> Option<String> {
    rel.split_once('/').map(|(top, _)| top.to_string())
}

/// The format and compression of a file as `--format` reads it: from its name (`Auto`), or
/// the format given, with the compression its name says.
fn classify_as(path: &Path, format: InputFormat) -> Option<(Format, Compression)> {
    let forced = match format {
        InputFormat::Auto => return classify(path),
        InputFormat::Text => Format::Text,
        InputFormat::Jsonl => Format::JsonLines,
        InputFormat::Html => Format::Html,
        InputFormat::Warc => Format::Warc,
        InputFormat::Parquet => Format::Parquet,
    };
    Some((forced, compression_of(path)))
}

/// The compression a file's name says (`.gz`, `.zst`).
fn compression_of(path: &Path) -> Compression {
    let name = path.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".gz") {
        Compression::Gzip
    } else if name.ends_with(".zst") {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// Whether a file is named `.json` (optionally `.gz` or `.zst`): JSON Lines when its first
/// record parses as one (C4, Dolma, RedPajama and FineWeb shards are named so).
fn is_json_name(path: &Path) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    let stem = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(&name);
    stem.ends_with(".json")
}

/// `None` when the `.json` file `file` is JSON Lines (its first non-blank line is a JSON
/// object, or it holds none, or it cannot be read: the reader says why); else why it is not.
fn sniff_json_lines(file: &InputFile, opts: &InputOptions) -> Option<Skipped> {
    let reader = super::source::open(file).ok()?;
    let first = super::read::first_record_line(reader, opts.max_bytes)?;
    let record = first.strip_prefix('\u{feff}').unwrap_or(&first).trim();
    match serde_json::from_str::<serde_json::Value>(record) {
        Ok(serde_json::Value::Object(_)) => None,
        _ => Some(Skipped {
            path: file.rel.clone(),
            reason: SkipReason::NotJsonLines,
        }),
    }
}

/// The deepest folder holding every input (a file's folder, a folder itself), as an absolute
/// path without `.` and `..`; `None` without inputs on disk.
fn common_folder(inputs: &[&Path]) -> Option<PathBuf> {
    let mut common: Option<PathBuf> = None;
    for input in inputs.iter().filter(|p| p.as_os_str() != "-") {
        let full = absolute(input);
        let folder = if input.is_dir() {
            full
        } else {
            full.parent().map(Path::to_path_buf).unwrap_or(full)
        };
        common = Some(match common {
            None => folder,
            Some(c) => c
                .components()
                .zip(folder.components())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    common
}

/// `path` made absolute (from the working folder) and without `.` and `..` (lexically: a
/// name, not a place on disk).
fn absolute(path: &Path) -> PathBuf {
    let joined = std::env::current_dir().map_or_else(|_| path.to_path_buf(), |d| d.join(path));
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The name of an input under the folder holding every input (`../data/a.warc.gz` alone →
/// `a.warc.gz`; `/x/a/` and `/x/b.txt` → `a`, `b.txt`): where a clean copy writes it.
fn under_common(input: &Path, common: Option<&Path>) -> String {
    let full = absolute(input);
    let rel = common
        .and_then(|c| full.strip_prefix(c).ok())
        .unwrap_or(&full);
    relative(Path::new(""), rel)
}

/// The format and compression of a file, from its name; `None` for files that are not inputs.
pub fn classify(path: &Path) -> Option<(Format, Compression)> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let (stem, compression) = if let Some(s) = name.strip_suffix(".gz") {
        (s, Compression::Gzip)
    } else if let Some(s) = name.strip_suffix(".zst") {
        (s, Compression::Zstd)
    } else {
        (name.as_str(), Compression::None)
    };
    let ext = stem.rsplit_once('.').map(|(_, e)| e)?;
    let format = match ext {
        "txt" | "md" | "markdown" | "text" => Format::Text,
        // `.json`: JSON Lines when its first record parses as one (checked by the walk)
        "jsonl" | "ndjson" | "json" => Format::JsonLines,
        "html" | "htm" | "xhtml" => Format::Html,
        "warc" => Format::Warc,
        // a Parquet file compresses its pages itself and is read by seeking
        "parquet" if compression == Compression::None => Format::Parquet,
        _ => return None,
    };
    Some((format, compression))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_extension() {
        let c = |p: &str| classify(Path::new(p));
        assert_eq!(c("a/b.txt"), Some((Format::Text, Compression::None)));
        assert_eq!(c("b.MD.gz"), Some((Format::Text, Compression::Gzip)));
        assert_eq!(
            c("b.jsonl.zst"),
            Some((Format::JsonLines, Compression::Zstd))
        );
        assert_eq!(c("b.ndjson"), Some((Format::JsonLines, Compression::None)));
        assert_eq!(c("b.png"), None);
        assert_eq!(c("README"), None);
        assert_eq!(c("x.gz"), None);
    }

    #[cfg(unix)]
    #[test]
    fn links_back_to_the_root_are_loops_and_nothing_is_listed_twice() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for (p, t) in [
            ("a/x.txt", "x"),
            ("a/b/y.txt", "y"),
            ("c/z.md", "z"),
            ("top.txt", "t"),
        ] {
            let path = root.join(p);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, t).expect("write");
        }
        std::os::unix::fs::symlink(root, root.join("a/b/to-root")).expect("symlink");
        std::os::unix::fs::symlink(root.join("a"), root.join("c/to-a")).expect("symlink");
        let w = walk(root, &SiteMode::Dir);
        let rels: Vec<&str> = w.files.iter().map(|f| f.rel.as_str()).collect();
        // c/to-a is a link to a sibling folder, not a loop: its files are listed there too
        assert_eq!(
            rels,
            vec![
                "a/b/y.txt",
                "a/x.txt",
                "c/to-a/b/y.txt",
                "c/to-a/x.txt",
                "c/z.md",
                "top.txt"
            ]
        );
        let loops: Vec<&str> = w
            .skipped
            .iter()
            .filter(|s| s.reason == SkipReason::SymlinkLoop)
            .map(|s| s.path.as_str())
            .collect();
        assert!(loops.contains(&"a/b/to-root"), "{:?}", w.skipped);
        assert_eq!(w.files[0].site.as_deref(), Some("a"));
    }

    #[test]
    fn site_is_top_folder() {
        assert_eq!(site_of("siteA/x/y.txt"), Some("siteA".to_string()));
        assert_eq!(site_of("y.txt"), None);
    }
}
