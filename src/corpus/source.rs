//! Opening an input file and what reading it produced: regular files only (a FIFO never
//! blocks), compression undone (gzip, zstd frames), whole-file reads bounded by `--max-bytes`,
//! binary files told by a NUL byte, and [`FileOutcome`], each reader's record of what it
//! skipped and read. Every reader (text, JSON Lines, HTML, WARC, Parquet) stands on these.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};

use serde_json::Value;

use super::InputOptions;
use super::{Compression, Format, InputFile, SkipReason, Skipped};

/// What reading one file produced besides its documents.
#[derive(Debug, Default)]
pub struct FileOutcome {
    /// Documents or the whole file that could not be used.
    pub skipped: Vec<Skipped>,
    /// Decompressed bytes of the documents read (skipped files and lines not counted).
    pub bytes: u64,
    /// Which named fields the JSON records held.
    pub fields: FieldsSeen,
}

impl FileOutcome {
    /// Adds the entries of documents left out after they were read (with their text's
    /// length): their bytes no longer count as read.
    pub(super) fn count_out(&mut self, skipped: Vec<(Skipped, u64)>) {
        for (entry, bytes) in skipped {
            self.bytes = self.bytes.saturating_sub(bytes);
            self.skipped.push(entry);
        }
    }

    pub(super) fn skip(&mut self, path: &str, reason: SkipReason) {
        self.skipped.push(Skipped {
            path: path.to_string(),
            reason,
        });
    }
}

/// Opens `path` for reading without ever blocking on it: a FIFO or device put where a file was
/// walked is opened without waiting for a writer, and refused once its type is seen.
pub(crate) fn open_regular(path: &std::path::Path) -> Result<File, SkipReason> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let f = options
        .open(path)
        .map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    match f.metadata() {
        Ok(m) if m.is_file() => Ok(f),
        Ok(_) => Err(SkipReason::NotARegularFile),
        Err(e) => Err(SkipReason::Unreadable(e.to_string())),
    }
}

/// Opens `file` and undoes its compression: the bytes its documents are read from.
pub(crate) fn open(file: &InputFile) -> Result<Box<dyn Read>, SkipReason> {
    let f = open_regular(&file.path)?;
    // Plain text files are read whole into a buffer of their size (read_text); a buffer in
    // between would only add a copy, and a large one costs a fresh mapping per file.
    if file.compression == Compression::None && matches!(file.format, Format::Text | Format::Html) {
        return Ok(Box::new(f));
    }
    decompressed(file.compression, BufReader::with_capacity(64 * 1024, f))
}

/// `source` with its compression undone.
pub(crate) fn decompressed(
    compression: Compression,
    source: impl BufRead + 'static,
) -> Result<Box<dyn Read>, SkipReason> {
    Ok(match compression {
        Compression::None => Box::new(source),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(source)),
        Compression::Zstd => Box::new(ZstdFrames::new(source)?),
    })
}

type ZstdDecoder<R> = ruzstd::decoding::StreamingDecoder<R, ruzstd::decoding::FrameDecoder>;

/// A zstd stream of one or more frames (pzstd and concatenated files write several); the
/// decoder reads one frame, so a new one starts where the last ended.
struct ZstdFrames<R: BufRead> {
    decoder: Option<ZstdDecoder<R>>,
}

impl<R: BufRead> ZstdFrames<R> {
    fn new(source: R) -> Result<ZstdFrames<R>, SkipReason> {
        let decoder = ruzstd::decoding::StreamingDecoder::new(source)
            .map_err(|e| SkipReason::BrokenZstd(e.to_string()))?;
        Ok(ZstdFrames {
            decoder: Some(decoder),
        })
    }
}

impl<R: BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let Some(decoder) = self.decoder.as_mut() else {
                return Ok(0);
            };
            let n = decoder.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // End of a frame: another one follows unless the input is exhausted.
            let Some(mut source) = self.decoder.take().map(|d| d.into_inner()) else {
                return Ok(0);
            };
            if source.fill_buf()?.is_empty() {
                return Ok(0);
            }
            let next = ruzstd::decoding::StreamingDecoder::new(source)
                .map_err(|e| std::io::Error::other(format!("{e}")))?;
            self.decoder = Some(next);
        }
    }
}

pub(crate) fn read_error_reason(file: &InputFile, err: &std::io::Error) -> SkipReason {
    match file.compression {
        Compression::None => SkipReason::Unreadable(err.to_string()),
        Compression::Gzip => SkipReason::BrokenGzip(err.to_string()),
        Compression::Zstd => SkipReason::BrokenZstd(err.to_string()),
    }
}

/// The bytes of a whole-file document (`reader`: the file with compression undone), read no
/// further than one byte past `--max-bytes`, which tells an oversized file from one exactly at
/// the limit.
pub(crate) fn read_whole(
    file: &InputFile,
    opts: &InputOptions,
    reader: Box<dyn Read>,
) -> Result<Vec<u8>, SkipReason> {
    let mut bytes = Vec::with_capacity(file.size.min(opts.max_bytes) as usize + 1);
    reader
        .take(opts.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| read_error_reason(file, &err))?;
    if bytes.len() as u64 > opts.max_bytes {
        return Err(SkipReason::DecompressedTooLarge);
    }
    Ok(bytes)
}

/// A NUL byte in the first 8 KiB marks a binary file, as in most text tools.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}

/// How many JSON records were read, and how many held each named field: a field that no
/// record holds is a misspelt flag, which the scan reports instead of falling back silently,
/// naming the fields the first records do have.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldsSeen {
    /// JSON objects read.
    pub records: u64,
    /// Records holding `--text-field`.
    pub text: u64,
    /// Records holding `--id-field`.
    pub id: u64,
    /// Records holding `--site-field`.
    pub site: u64,
    /// The fields of the first records (dotted paths into nested objects), in the order
    /// first seen: what a message about a missing field lists.
    pub names: Vec<String>,
}

/// How many records' fields [`FieldsSeen::names`] lists, and how many names at most.
pub(super) const NAMED_RECORDS: u64 = 3;
const NAMES_KEPT: usize = 24;

impl FieldsSeen {
    /// Adds another file's counts (the names of the first file's records first).
    pub fn add(&mut self, other: FieldsSeen) {
        self.records += other.records;
        self.text += other.text;
        self.id += other.id;
        self.site += other.site;
        for name in other.names {
            self.note_name(name);
        }
    }

    fn note_name(&mut self, name: String) {
        if self.names.len() < NAMES_KEPT && !self.names.contains(&name) {
            self.names.push(name);
        }
    }

    /// Notes the fields of one of the first records: its keys, and the keys of objects in it
    /// as dotted paths (`content.body`), two levels deep.
    pub(crate) fn note_fields(&mut self, obj: &serde_json::Map<String, Value>) {
        for (key, value) in obj {
            match value.as_object() {
                Some(inner) if !inner.is_empty() => {
                    for (k, v) in inner {
                        match v.as_object() {
                            Some(deeper) if !deeper.is_empty() => {
                                for k2 in deeper.keys() {
                                    self.note_name(format!("{key}.{k}.{k2}"));
                                }
                            }
                            _ => self.note_name(format!("{key}.{k}")),
                        }
                    }
                }
                _ => self.note_name(key.clone()),
            }
        }
    }

    /// The fields the first records have, for a message: `url, timestamp, content.body`.
    pub fn listed(&self) -> String {
        if self.names.is_empty() {
            return "none".to_string();
        }
        self.names.join(", ")
    }
}
