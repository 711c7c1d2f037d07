//! The corpus: walking the tree, reading and decoding files into [`Document`]s.

mod names;
mod options;
mod page;
mod parquet;
mod parquet_check;
mod parquet_thrift;
mod read;
mod site;
mod source;
mod walk;
mod warc;

use crate::human::count;
use std::path::PathBuf;

pub use names::path_of_id;
pub use options::{InputFormat, InputOptions, InputSet, SiteMode, DEFAULT_MAX_BYTES};
pub use page::{Boilerplate, BoilerplateReason};
pub(crate) use read::{decode_text, field_mut, for_each_json_record, is_utf16, JsonRecord};
pub use read::{read_bytes, read_documents};
pub(crate) use source::{open, read_whole};
pub use source::{FieldsSeen, FileOutcome};
pub use walk::{walk, walk_inputs, walk_inputs_within, Walk};

/// Checks `--glob` patterns; the error names the one that is not a pattern.
pub(crate) fn check_globs(globs: &[String]) -> Result<(), String> {
    walk::overrides(std::path::Path::new("."), globs).map(|_| ())
}

/// An HTML page's text (one line per block element) and the boilerplate runs its structure
/// shows: the reader's work on one page, for the benches.
pub fn html_page(bytes: &[u8]) -> (String, Vec<Boilerplate>) {
    let page = page::read_page(bytes, None);
    (page.text, page.boilerplate)
}

/// How a file holds its documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    /// The whole file is one document (`.txt`, `.md`).
    Text,
    /// One JSON object per line (`.jsonl`, `.ndjson`).
    JsonLines,
    /// One HTML page (`.html`, `.htm`), read as one line per block element.
    Html,
    /// A WARC archive (`.warc`): each HTML or text response record is a document.
    Warc,
    /// A Parquet file (`.parquet`, not compressed outside): one document per row.
    Parquet,
    /// Documents a program handed over in memory (a table of the Python package, a
    /// [`crate::Scanner`] batch): no file holds them, so their text is kept with their record.
    Memory,
}

impl Format {
    /// Whether a document of this format costs more to read again than to keep its text
    /// (an HTML page or WARC record is parsed and extracted again, a Parquet row group is
    /// decompressed whole), so that the scan keeps the text with the document's record.
    pub fn costly_to_read_again(self) -> bool {
        matches!(
            self,
            Format::Html | Format::Warc | Format::Parquet | Format::Memory
        )
    }
}

/// How a file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Compression {
    /// Plain bytes.
    None,
    /// `.gz`.
    Gzip,
    /// `.zst`.
    Zstd,
}

/// One input file found by the walk.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InputFile {
    /// Where to read it.
    pub path: PathBuf,
    /// Its path under the corpus root, `/`-separated: the id of a text document.
    pub rel: String,
    /// Its path in a clean copy: `rel` under one folder; with several inputs, or a file, the
    /// path under the deepest folder holding every input (never `..` or an absolute path).
    pub clean_rel: String,
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
    /// Whether invalid UTF-8 was replaced while decoding (for HTML: bytes invalid in the
    /// page's charset, or no charset and no UTF-8).
    pub lossy_utf8: bool,
    /// For an HTML page: the runs of lines its structure shows to be boilerplate.
    pub boilerplate: Vec<Boilerplate>,
    /// For a reference page: the first line (1-based) of each of its items (a method's
    /// section and its docs); a block repeated in two items is each one's own text.
    pub items: Vec<u32>,
}

impl Document {
    /// A document of plain text with this id, no site, as a program hands one over
    /// ([`crate::Scanner`]); set `site` for template counting per site.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Document {
        Document {
            id: id.into(),
            path: String::new(),
            line: 0,
            site: None,
            text: text.into(),
            lossy_utf8: false,
            boilerplate: Vec::new(),
            items: Vec::new(),
        }
    }
}

/// A file, JSONL line or tree entry that was not used, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Skipped {
    /// Relative path (with `:line` for a JSONL line).
    pub path: String,
    /// Why it was skipped, in words a user can act on.
    pub reason: SkipReason,
}

/// Why an input was not used. In the report it is one string (its [`Display`] form); the
/// summary counts entries by [`SkipReason::label`].
///
/// [`Display`]: std::fmt::Display
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The file or folder cannot be opened or read (the system's reason).
    Unreadable(String),
    /// A gzip stream is broken or truncated.
    BrokenGzip(String),
    /// A zstd stream is broken or truncated.
    BrokenZstd(String),
    /// A plain file larger than `--max-bytes` (its size).
    FileTooLarge(u64),
    /// A compressed file whose text is larger than `--max-bytes`.
    DecompressedTooLarge,
    /// NUL bytes: not text.
    BinaryFile,
    /// NUL characters in a JSON text field.
    BinaryText,
    /// Nothing but white space.
    Empty,
    /// A JSON line larger than `--max-bytes`.
    JsonLineTooLarge,
    /// A line that is not JSON (the parser's reason).
    MalformedJson(String),
    /// A JSON line that is not an object.
    NotAnObject,
    /// The text field (named) holds something other than a string.
    FieldNotString(String),
    /// The text field (named) is missing.
    MissingField(String),
    /// A symbolic link that leads back to a folder above it.
    SymlinkLoop,
    /// A device, socket or pipe.
    NotARegularFile,
    /// An extension neardup does not read.
    UnsupportedType,
    /// A JSON Lines file in UTF-16 (its byte-order mark says so).
    Utf16JsonLines,
    /// A `.json` file whose first line is not a JSON object: one JSON document, not JSON Lines.
    NotJsonLines,
    /// A document that was different (or gone) when read again after pass 1: the file changed
    /// while it was being scanned, so its results would be incomplete.
    ChangedDuringScan,
    /// A WARC record that ends before its Content-Length.
    TruncatedRecord,
    /// A WARC file whose records cannot be read (what is wrong).
    MalformedWarc(String),
    /// A WARC response whose payload is not HTML or text (its media type).
    NotText(String),
    /// A Parquet file that cannot be read (the reader's reason).
    MalformedParquet(String),
    /// WARC records of other types than `response` (request, metadata, warcinfo…): counted,
    /// not read.
    OtherWarcRecords(u64),
    /// A document of more lines than `--max-bytes / 256` (the limit given): its segments
    /// would cost more memory than the bound README states.
    TooManyLines(u64),
    /// A reason read back from a report that this version does not know.
    Other(String),
}

const UNSUPPORTED: &str =
    "unsupported file type (expected .txt, .text, .md, .markdown, .jsonl, .ndjson, .json, .html, .htm, .xhtml, .warc, optionally .gz or .zst; .parquet; or set --format)";

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Unreadable(e) => write!(f, "unreadable: {e}"),
            SkipReason::BrokenGzip(e) => write!(f, "broken gzip stream: {e}"),
            SkipReason::BrokenZstd(e) => write!(f, "broken zstd stream: {e}"),
            SkipReason::FileTooLarge(n) => {
                write!(f, "file larger than --max-bytes ({})", count(*n, "byte"))
            }
            SkipReason::DecompressedTooLarge => {
                f.write_str("decompressed text larger than --max-bytes")
            }
            SkipReason::BinaryFile => f.write_str("binary file (NUL bytes)"),
            SkipReason::BinaryText => f.write_str("binary text (NUL characters)"),
            SkipReason::Empty => f.write_str("empty document"),
            SkipReason::JsonLineTooLarge => f.write_str("JSON line larger than --max-bytes"),
            SkipReason::MalformedJson(e) => write!(f, "malformed JSON: {e}"),
            SkipReason::NotAnObject => f.write_str("JSON line is not an object"),
            SkipReason::FieldNotString(name) => write!(f, "field '{name}' is not a string"),
            SkipReason::MissingField(name) => write!(f, "no '{name}' field (set --text-field)"),
            SkipReason::SymlinkLoop => f.write_str("symlink loop"),
            SkipReason::NotARegularFile => f.write_str("not a regular file"),
            SkipReason::UnsupportedType => f.write_str(UNSUPPORTED),
            SkipReason::Utf16JsonLines => {
                f.write_str("JSON Lines in UTF-16 (convert the file to UTF-8)")
            }
            SkipReason::NotJsonLines => f.write_str(
                "JSON that is not JSON Lines (its first line is not an object; --format text reads it whole)",
            ),
            SkipReason::ChangedDuringScan => f.write_str(
                "changed while it was being scanned (read again with another text, or gone): scan again",
            ),
            SkipReason::TruncatedRecord => f.write_str("truncated WARC record"),
            SkipReason::MalformedWarc(e) => write!(f, "malformed WARC: {e}"),
            SkipReason::NotText(t) => write!(f, "WARC response is not HTML or text ({t})"),
            SkipReason::MalformedParquet(e) => write!(f, "unreadable Parquet: {e}"),
            SkipReason::OtherWarcRecords(n) => {
                write!(
                    f,
                    "{} not read (request, metadata, …: not responses)",
                    count(*n, "WARC record")
                )
            }
            SkipReason::TooManyLines(n) => write!(
                f,
                "document of more than {} (--max-bytes / 256, at least 4096)",
                count(*n, "line")
            ),
            SkipReason::Other(text) => f.write_str(text),
        }
    }
}

impl SkipReason {
    /// The reason without its details, as the summary counts it.
    pub fn label(&self) -> String {
        match self {
            SkipReason::Unreadable(_) => "unreadable".to_string(),
            SkipReason::BrokenGzip(_) => "broken gzip stream".to_string(),
            SkipReason::BrokenZstd(_) => "broken zstd stream".to_string(),
            SkipReason::FileTooLarge(_) => "file larger than --max-bytes".to_string(),
            SkipReason::BinaryFile => "binary file".to_string(),
            SkipReason::BinaryText => "binary text".to_string(),
            SkipReason::MalformedJson(_) => "malformed JSON".to_string(),
            SkipReason::MissingField(name) => format!("no '{name}' field"),
            SkipReason::UnsupportedType => "unsupported file type".to_string(),
            SkipReason::NotJsonLines => "JSON that is not JSON Lines".to_string(),
            SkipReason::ChangedDuringScan => "changed while scanned".to_string(),
            SkipReason::MalformedWarc(_) => "malformed WARC".to_string(),
            SkipReason::MalformedParquet(_) => "unreadable Parquet".to_string(),
            SkipReason::NotText(_) => "WARC response is not HTML or text".to_string(),
            SkipReason::OtherWarcRecords(_) => "WARC records not read".to_string(),
            SkipReason::TooManyLines(_) => "too many lines".to_string(),
            other => other.to_string(),
        }
    }

    /// The reason a report states as text (the inverse of its display form).
    pub fn parse(text: &str) -> SkipReason {
        let fixed = [
            SkipReason::DecompressedTooLarge,
            SkipReason::BinaryFile,
            SkipReason::BinaryText,
            SkipReason::Empty,
            SkipReason::JsonLineTooLarge,
            SkipReason::NotAnObject,
            SkipReason::SymlinkLoop,
            SkipReason::NotARegularFile,
            SkipReason::UnsupportedType,
            SkipReason::Utf16JsonLines,
            SkipReason::NotJsonLines,
            SkipReason::ChangedDuringScan,
            SkipReason::TruncatedRecord,
        ];
        if let Some(r) = fixed.into_iter().find(|r| r.to_string() == text) {
            return r;
        }
        let detail = |prefix: &str| text.strip_prefix(prefix).map(str::to_string);
        let quoted = |prefix: &str, suffix: &str| {
            text.strip_prefix(prefix)
                .and_then(|t| t.strip_suffix(suffix))
                .map(str::to_string)
        };
        if let Some(e) = detail("unreadable: ") {
            SkipReason::Unreadable(e)
        } else if let Some(e) = detail("broken gzip stream: ") {
            SkipReason::BrokenGzip(e)
        } else if let Some(e) = detail("broken zstd stream: ") {
            SkipReason::BrokenZstd(e)
        } else if let Some(e) = detail("malformed JSON: ") {
            SkipReason::MalformedJson(e)
        } else if let Some(e) = detail("malformed WARC: ") {
            SkipReason::MalformedWarc(e)
        } else if let Some(e) = detail("unreadable Parquet: ") {
            SkipReason::MalformedParquet(e)
        } else if let Some(t) = quoted("WARC response is not HTML or text (", ")") {
            SkipReason::NotText(t)
        } else if let Some(n) = [" WARC records", " WARC record"]
            .into_iter()
            .find_map(|noun| {
                text.strip_suffix(" not read (request, metadata, …: not responses)")?
                    .strip_suffix(noun)
            })
            .and_then(|n| n.parse().ok())
        {
            SkipReason::OtherWarcRecords(n)
        } else if let Some(n) = [" bytes)", " byte)"]
            .into_iter()
            .find_map(|suffix| quoted("file larger than --max-bytes (", suffix))
            .and_then(|n| n.parse().ok())
        {
            SkipReason::FileTooLarge(n)
        } else if let Some(n) = [" lines (--max-bytes / 256, at least 4096)"]
            .into_iter()
            .find_map(|suffix| quoted("document of more than ", suffix))
            .and_then(|n| n.parse().ok())
        {
            SkipReason::TooManyLines(n)
        } else if let Some(name) = quoted("field '", "' is not a string") {
            SkipReason::FieldNotString(name)
        } else if let Some(name) = quoted("no '", "' field (set --text-field)") {
            SkipReason::MissingField(name)
        } else {
            SkipReason::Other(text.to_string())
        }
    }
}

impl serde::Serialize for SkipReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for SkipReason {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SkipReason, D::Error> {
        let text = String::deserialize(d)?;
        Ok(SkipReason::parse(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_reasons_read_in_the_singular_and_read_back() {
        let one = SkipReason::OtherWarcRecords(1);
        assert_eq!(
            one.to_string(),
            "1 WARC record not read (request, metadata, …: not responses)"
        );
        assert_eq!(
            SkipReason::FileTooLarge(1).to_string(),
            "file larger than --max-bytes (1 byte)"
        );
        for reason in [
            one,
            SkipReason::OtherWarcRecords(3),
            SkipReason::FileTooLarge(1),
            SkipReason::FileTooLarge(70_000_000),
            SkipReason::TooManyLines(4096),
            SkipReason::TooManyLines(262_144),
        ] {
            assert_eq!(SkipReason::parse(&reason.to_string()), reason);
        }
    }
}
