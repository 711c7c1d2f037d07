//! How the corpus is read: the input options every reader takes, and the inputs of one scan.

use std::path::Path;

use serde::Serialize;

/// Default largest document (and file, for non-JSONL inputs) read, in bytes.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// How documents are assigned to sites (template blocks are counted per site).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SiteMode {
    /// The top-level folder under the corpus root (`DIR/site/...`); JSONL documents may
    /// override it with a field when [`InputOptions::site_field`] is set. A URL (a WARC
    /// record's target URI, a field holding a URL) gives its host without `www.` and port.
    Dir,
    /// As [`SiteMode::Dir`], with every host reduced to its registrable domain by the Public
    /// Suffix List (`news.bbc.co.uk` → `bbc.co.uk`): a URL's host, and a folder name or field
    /// value that is a host name. IP addresses and names without a known public suffix are
    /// kept as they are.
    Domain,
    /// The whole corpus is one site.
    None,
}

impl SiteMode {
    /// Its name, as `--site` takes it and the report's parameters record it.
    pub fn name(&self) -> &'static str {
        match self {
            SiteMode::Dir => "dir",
            SiteMode::Domain => "domain",
            SiteMode::None => "none",
        }
    }

    /// The mode a report's parameters name (`dir` for a name it does not know).
    pub fn from_name(name: &str) -> SiteMode {
        match name {
            "none" => SiteMode::None,
            "domain" => SiteMode::Domain,
            _ => SiteMode::Dir,
        }
    }
}

/// How the files of the inputs are read (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
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

impl InputFormat {
    /// Its name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Text => "text",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Html => "html",
            InputFormat::Warc => "warc",
            InputFormat::Parquet => "parquet",
        }
    }

    /// Whether documents of this format have named fields (`--text-field`…); `Auto` may.
    pub fn has_fields(self) -> bool {
        matches!(
            self,
            InputFormat::Auto | InputFormat::Jsonl | InputFormat::Parquet
        )
    }
}

/// Options for reading the corpus.
#[derive(Debug, Clone, Serialize)]
pub struct InputOptions {
    /// How files are read: by their names (`Auto`), or all in one format.
    pub format: InputFormat,
    /// JSONL field holding a document's text.
    pub text_field: String,
    /// JSONL field holding a document's id (falls back to `path:line`).
    pub id_field: String,
    /// JSONL field holding a document's site (falls back to the folder).
    pub site_field: Option<String>,
    /// How sites are assigned.
    pub site_mode: SiteMode,
    /// Files (plain text) and documents larger than this are skipped.
    pub max_bytes: u64,
    /// Walk hidden files and folders (names starting with `.`) too.
    pub hidden: bool,
    /// `--glob` patterns, as ripgrep's `-g`: files matching one are read (all files when
    /// none is given), `!PATTERN` leaves files and folders out.
    pub globs: Vec<String>,
}

impl Default for InputOptions {
    /// Files read by their names, `text` and `id` fields, sites by folder, 64 MiB at most,
    /// hidden files left out, no patterns.
    fn default() -> InputOptions {
        InputOptions {
            format: InputFormat::Auto,
            text_field: "text".to_string(),
            id_field: "id".to_string(),
            site_field: None,
            site_mode: SiteMode::Dir,
            max_bytes: DEFAULT_MAX_BYTES,
            hidden: false,
            globs: Vec::new(),
        }
    }
}

/// The inputs of one scan and how to read them: what walking them needs.
#[derive(Debug, Clone)]
pub struct InputSet<'a> {
    /// Every input as given: folders, files, `-` for standard input.
    pub paths: Vec<&'a Path>,
    /// Where standard input was copied, when `-` is an input (it is read more than once).
    pub stdin_copy: Option<&'a Path>,
    /// How files are read.
    pub options: &'a InputOptions,
}
