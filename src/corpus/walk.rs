//! Walking the corpus tree: which files are inputs, in a deterministic order.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::{Compression, Format, InputFile, Skipped};
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
/// followed). The order is the byte order of relative paths, whatever the file system says.
pub fn walk(root: &Path, site_mode: &SiteMode) -> Walk {
    let mut out = Walk::default();
    for entry in WalkDir::new(root).follow_links(true) {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| "?".to_string());
                let reason = if err.loop_ancestor().is_some() {
                    "symlink loop".to_string()
                } else {
                    format!("unreadable: {}", io_reason(&err))
                };
                out.skipped.push(Skipped { path, reason });
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = relative(root, entry.path());
        if !entry.file_type().is_file() {
            out.skipped.push(Skipped {
                path: rel,
                reason: "not a regular file".to_string(),
            });
            continue;
        }
        let Some((format, compression)) = classify(entry.path()) else {
            out.skipped.push(Skipped {
                path: rel,
                reason: "unsupported file type (expected .txt, .md, .jsonl, .ndjson, optionally .gz or .zst)".to_string(),
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
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    out
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

    #[test]
    fn site_is_top_folder() {
        assert_eq!(site_of("siteA/x/y.txt"), Some("siteA".to_string()));
        assert_eq!(site_of("y.txt"), None);
    }
}
