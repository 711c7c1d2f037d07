//! Walking the corpus tree: which files are inputs, in a deterministic order.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use super::{Compression, Format, InputFile, SkipReason, Skipped};
use crate::config::SiteMode;

/// The result of walking a corpus root.
#[derive(Debug, Default)]
pub struct Walk {
    /// Input files, sorted by relative path.
    pub files: Vec<InputFile>,
    /// Files (and tree entries) that were not inputs, with the reason.
    pub skipped: Vec<Skipped>,
}

/// Lists the input files under `root`, following symbolic links (loops are reported, not
/// followed). The folders directly under the root are walked in parallel. The order is the
/// byte order of relative paths, whatever the file system says.
pub fn walk(root: &Path, site_mode: &SiteMode) -> Walk {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    // The root's own entries first; then each folder among them, in parallel.
    let mut top = Walk::default();
    let mut folders = Vec::new();
    walk_one(
        root,
        root,
        &canonical_root,
        site_mode,
        Some(1),
        &mut top,
        &mut folders,
    );
    let parts: Vec<Walk> = folders
        .par_iter()
        .map(|folder| {
            let mut part = Walk::default();
            walk_one(
                root,
                folder,
                &canonical_root,
                site_mode,
                None,
                &mut part,
                &mut Vec::new(),
            );
            part
        })
        .collect();
    let mut out = top;
    for part in parts {
        out.files.extend(part.files);
        out.skipped.extend(part.skipped);
    }
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Walks `from` (the root, one level deep, collecting its folders into `folders`; or a folder
/// under it, all the way down), adding input files and skipped entries to `out`.
fn walk_one(
    root: &Path,
    from: &Path,
    canonical_root: &Path,
    site_mode: &SiteMode,
    max_depth: Option<usize>,
    out: &mut Walk,
    folders: &mut Vec<PathBuf>,
) {
    let mut walker = WalkDir::new(from).follow_links(true);
    if let Some(depth) = max_depth {
        walker = walker.max_depth(depth);
    }
    let mut it = walker.into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| "?".to_string());
                let reason = if err.loop_ancestor().is_some() {
                    SkipReason::SymlinkLoop
                } else {
                    SkipReason::Unreadable(io_reason(&err))
                };
                out.skipped.push(Skipped { path, reason });
                continue;
            }
        };
        if entry.file_type().is_dir() {
            // A link back to the root (or above it) is a loop that a walk started below the
            // root cannot see by itself.
            if entry.path_is_symlink() && entry.depth() > 0 {
                let target = std::fs::canonicalize(entry.path()).unwrap_or_default();
                if canonical_root.starts_with(&target) {
                    out.skipped.push(Skipped {
                        path: relative(root, entry.path()),
                        reason: SkipReason::SymlinkLoop,
                    });
                    it.skip_current_dir();
                    continue;
                }
            }
            if max_depth.is_some() && entry.depth() == 1 {
                folders.push(entry.path().to_path_buf());
            }
            continue;
        }
        let rel = relative(root, entry.path());
        if !entry.file_type().is_file() {
            out.skipped.push(Skipped {
                path: rel,
                reason: SkipReason::NotARegularFile,
            });
            continue;
        }
        let Some((format, compression)) = classify(entry.path()) else {
            out.skipped.push(Skipped {
                path: rel,
                reason: SkipReason::UnsupportedType,
            });
            continue;
        };
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        let site = match site_mode {
            SiteMode::None => None,
            SiteMode::Dir => site_of(&rel),
        };
        out.files.push(InputFile {
            path: entry.path().to_path_buf(),
            rel,
            site,
            format,
            compression,
            size,
        });
    }
}

fn io_reason(err: &walkdir::Error) -> String {
    match err.io_error() {
        Some(io) => io.to_string(),
        None => err.to_string(),
    }
}

/// The path of `path` under `root`, with `/` separators, for ids and the report.
fn relative(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// The top-level folder of a relative path; files directly under the root have no site.
fn site_of(rel: &str) -> Option<String> {
    rel.split_once('/').map(|(top, _)| top.to_string())
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
        "jsonl" | "ndjson" => Format::JsonLines,
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
