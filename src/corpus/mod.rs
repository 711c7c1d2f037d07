//! The corpus: walking the tree, reading and decoding files into [`Document`]s.

mod read;
mod walk;

use std::path::PathBuf;

pub use read::{read_documents, FileOutcome};
pub use walk::{classify, walk, Walk};

/// How a file holds its documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The whole file is one document (`.txt`, `.md`).
    Text,
    /// One JSON object per line (`.jsonl`, `.ndjson`).
    JsonLines,
}

/// How a file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain bytes.
    None,
    /// `.gz`.
    Gzip,
    /// `.zst`.
    Zstd,
}

/// One input file found by the walk.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Where to read it.
    pub path: PathBuf,
    /// Its path under the corpus root, `/`-separated: the id of a text document.
    pub rel: String,
    /// The site its documents belong to (unless a JSONL field says otherwise).
    pub site: Option<String>,
    /// How it holds documents.
    pub format: Format,
    /// How it is compressed.
    pub compression: Compression,
    /// Its size on disk.
    pub size: u64,
}

/// One decoded document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Its id: the relative path for text files, the id field (or `path:line`) for JSONL.
    pub id: String,
    /// The relative path of the file it came from.
    pub path: String,
    /// Its 1-based line in a JSONL file; 0 for a whole-file document.
    pub line: u32,
    /// Its site, if any.
    pub site: Option<String>,
    /// Its text (for JSONL: the decoded text field).
    pub text: String,
    /// Whether invalid UTF-8 was replaced while decoding.
    pub lossy_utf8: bool,
}

/// A file, JSONL line or tree entry that was not used, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Skipped {
    /// Relative path (with `:line` for a JSONL line).
    pub path: String,
    /// Why it was skipped, in words a user can act on.
    pub reason: String,
}
