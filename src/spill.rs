//! The compact form of each document that pass 1 leaves in a temporary file, so that signing
//! (pass 2) and the later rounds work without reading, decoding and segmenting the documents
//! again.
//!
//! A document's [`DocParts`] are its lines and blocks (numbers, byte spans, word counts), its
//! units, and 32 bits of the hash of every word: what signing and template tracking read, without the
//! text. The file is anonymous (deleted when the scan ends, however it ends) and written
//! while pass 1 runs; each document's record is found by its offset. Where no temporary file
//! can be written, the scan reads the documents again instead.

use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::detect::units::Unit;

mod codec;
use crate::text::{shingle_word, Segmented};

/// A line of a document, without its text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinePart {
    /// 1-based line number.
    pub number: u32,
    /// Byte range in the document (half-open).
    pub bytes: (u32, u32),
    /// Index of its first word in [`DocParts::words`].
    pub first_word: u32,
    /// Words.
    pub words: u32,
    /// Byte range of its normalised form in [`DocParts::norm`] (character shingles only).
    pub norm: (u32, u32),
}

/// A block (paragraph) of a document, without its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockPart {
    /// Indexes of its lines (half-open).
    pub lines: (u32, u32),
    /// Byte range in the document (half-open).
    pub bytes: (u32, u32),
}

/// What signing and template tracking need of a document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocParts {
    /// Non-blank lines.
    pub lines: Vec<LinePart>,
    /// Blocks in order.
    pub blocks: Vec<BlockPart>,
    /// The units counted across documents.
    pub units: Vec<Unit>,
    /// The [`shingle_word`] of every word, in order.
    #[serde(with = "crate::packed::u32s")]
    pub words: Vec<u32>,
    /// The normalised text, kept only for character shingles (empty otherwise).
    pub norm: String,
    /// Indexes into `lines` of the lines the document's own structure shows to be no part of
    /// its content whatever the templates say: an HTML page's boilerplate runs (menus,
    /// teaser lists, footers, the `<title>` its headline repeats). They are left out of every
    /// basis a document is compared on.
    pub not_content: Vec<u32>,
    /// The document's text, kept only where reading it again costs more than storing it
    /// (an HTML page's extracted text is a tenth of its markup and needs a parse to get
    /// again; see [`crate::corpus::Format::costly_to_read_again`]); empty otherwise.
    pub text: String,
}

impl DocParts {
    /// The parts of a segmented document with its units; `keep_norm` keeps the normalised
    /// text (needed by character shingles).
    pub fn of(seg: &Segmented, units: Vec<Unit>, keep_norm: bool) -> DocParts {
        DocParts {
            lines: seg
                .lines
                .iter()
                .map(|l| LinePart {
                    number: l.number,
                    bytes: (l.bytes.start as u32, l.bytes.end as u32),
                    first_word: l.first_word,
                    words: l.words,
                    norm: (l.norm.start as u32, l.norm.end as u32),
                })
                .collect(),
            blocks: seg
                .blocks
                .iter()
                .map(|b| BlockPart {
                    lines: (b.lines.start as u32, b.lines.end as u32),
                    bytes: (b.bytes.start as u32, b.bytes.end as u32),
                })
                .collect(),
            units,
            words: seg.word_hashes.iter().map(|&h| shingle_word(h)).collect(),
            norm: if keep_norm {
                seg.norm.clone()
            } else {
                String::new()
            },
            not_content: Vec::new(),
            text: String::new(),
        }
    }

    /// The shingle words of a line.
    pub fn line_words(&self, line: &LinePart) -> &[u32] {
        let start = line.first_word as usize;
        &self.words[start..start + line.words as usize]
    }

    /// The normalised text of a line (empty unless the text was kept).
    pub fn line_norm(&self, line: &LinePart) -> &str {
        self.norm
            .get(line.norm.0 as usize..line.norm.1 as usize)
            .unwrap_or("")
    }
}

/// Where a document's record lies in the spill file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Record {
    /// Byte offset.
    pub offset: u64,
    /// Length in bytes.
    pub len: u32,
}

thread_local! {
    /// Each thread's buffer for the record it encodes or reads.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Bytes of the file set aside at a time for one writer's buffer.
const EXTENT: usize = 1 << 20;

/// A buffer of records bound for a reserved range of the file that starts at `base`.
#[derive(Debug)]
struct Extent {
    base: u64,
    reserved: usize,
    buf: Vec<u8>,
}

/// The temporary file of document records, written by several threads at once and read by
/// offset.
///
/// A writer takes a buffer from a pool, appends its record, and puts the buffer back; a full
/// buffer is written out at its reserved offset by the thread that filled it, outside any
/// lock. Records therefore land at offsets that depend on thread timing, but each is read back
/// by its own offset, so what a scan computes does not.
#[derive(Debug)]
pub struct Spill {
    file: File,
    /// Where the next extent starts.
    next_base: AtomicU64,
    /// Bytes of records written.
    written: AtomicU64,
    pool: Mutex<Vec<Extent>>,
}

impl Spill {
    /// An anonymous temporary file in the system's temporary directory (`TMPDIR`).
    pub fn create() -> io::Result<Spill> {
        Spill::with_file(tempfile::tempfile()?)
    }

    /// An anonymous temporary file in `dir`.
    pub fn create_in(dir: &std::path::Path) -> io::Result<Spill> {
        Spill::with_file(tempfile::tempfile_in(dir)?)
    }

    fn with_file(file: File) -> io::Result<Spill> {
        Ok(Spill {
            file,
            next_base: AtomicU64::new(0),
            written: AtomicU64::new(0),
            pool: Mutex::new(Vec::new()),
        })
    }

    fn new_extent(&self, at_least: usize) -> Extent {
        let reserved = at_least.max(EXTENT);
        Extent {
            base: self.next_base.fetch_add(reserved as u64, Ordering::Relaxed),
            reserved,
            buf: Vec::with_capacity(reserved),
        }
    }

    /// Appends the record of one document and says where it lies.
    pub fn write(&self, parts: &DocParts) -> io::Result<Record> {
        SCRATCH.with_borrow_mut(|bytes| {
            bytes.clear();
            codec::encode(parts, bytes);
            self.append(bytes)
        })
    }

    /// Appends one encoded record.
    fn append(&self, bytes: &[u8]) -> io::Result<Record> {
        let len = u32::try_from(bytes.len())
            .map_err(|_| io::Error::other("a document record over 4 GiB"))?;
        let taken = self.pool.lock().map_err(|_| lock_error())?.pop();
        let mut extent = match taken {
            Some(e) if e.buf.len() + bytes.len() <= e.reserved => e,
            Some(full) => {
                write_all_at(&self.file, &full.buf, full.base)?;
                self.new_extent(bytes.len())
            }
            None => self.new_extent(bytes.len()),
        };
        let record = Record {
            offset: extent.base + extent.buf.len() as u64,
            len,
        };
        extent.buf.extend_from_slice(bytes);
        self.written
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.pool.lock().map_err(|_| lock_error())?.push(extent);
        Ok(record)
    }

    /// Writes out what is buffered; records are readable once this returns.
    pub fn finish_writing(&self) -> io::Result<()> {
        let extents = std::mem::take(&mut *self.pool.lock().map_err(|_| lock_error())?);
        for e in extents {
            write_all_at(&self.file, &e.buf, e.base)?;
        }
        Ok(())
    }

    /// Bytes of records written.
    pub fn len(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads one document's record back (after [`Spill::finish_writing`]).
    pub fn read(&self, record: Record) -> io::Result<DocParts> {
        SCRATCH.with_borrow_mut(|bytes| {
            // The buffer is reused: no zeroed allocation per record.
            bytes.resize(record.len as usize, 0);
            read_exact_at(&self.file, bytes, record.offset)?;
            codec::decode(bytes)
        })
    }

    /// Reads only the unit keys of one document's record (they lead it): most of a record is
    /// never read.
    pub fn read_unit_keys(&self, record: Record) -> io::Result<Vec<u64>> {
        // Keys of a typical page fit the first read; a document of many units needs a second.
        const FIRST_READ: usize = 2048;
        SCRATCH.with_borrow_mut(|bytes| {
            let len = record.len as usize;
            bytes.resize(len.min(FIRST_READ), 0);
            read_exact_at(&self.file, bytes, record.offset)?;
            let needed = codec::unit_keys_len(bytes).unwrap_or(len).min(len);
            if needed > bytes.len() {
                let have = bytes.len();
                bytes.resize(needed, 0);
                read_exact_at(&self.file, &mut bytes[have..], record.offset + have as u64)?;
            }
            codec::decode_unit_keys(bytes)
        })
    }
}

fn lock_error() -> io::Error {
    io::Error::other("the temporary file's lock was poisoned")
}

#[cfg(unix)]
fn write_all_at(file: &File, buf: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
}

#[cfg(windows)]
fn write_all_at(file: &File, mut buf: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_write(buf, offset)? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            n => {
                buf = &buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn write_all_at(_: &File, _: &[u8], _: u64) -> io::Result<()> {
    Err(io::Error::other("positioned writes are not supported here"))
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn read_exact_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(io::Error::other("positioned reads are not supported here"))
}

/// The temporary file of document records and what became of it during a scan.
#[derive(Debug)]
pub(crate) struct SpillState {
    /// The file, while it is usable.
    pub file: Option<Spill>,
    /// Each document's record, in document order.
    pub records: Vec<Record>,
    /// The first write that failed.
    failure: Option<String>,
    /// For the report: empty while the file is in use, else why no file was used.
    status: String,
}

/// Bytes of records a byte of text takes at most: measured 1.0 on news pages, 1.15 on the
/// samples, 1.9 on man pages and 2.0 on /usr/share/doc (short lines and words cost most).
pub(crate) const SPILL_PER_TEXT_BYTE: u64 = 2;

/// How much text a compressed input is counted as, a byte of it (text compresses 3–5×).
const TEXT_PER_COMPRESSED_BYTE: u64 = 5;

/// The room the temporary file needs for `files`, at most (plain text files over
/// `max_bytes` are skipped, not read).
pub(crate) fn room_needed(files: &[crate::corpus::InputFile], max_bytes: u64) -> u64 {
    use crate::corpus::{Compression, Format};
    files
        .iter()
        .map(|f| match (f.compression, f.format) {
            (Compression::None, Format::Text) if f.size > max_bytes => 0,
            (Compression::None, _) => f.size,
            _ => f.size.saturating_mul(TEXT_PER_COMPRESSED_BYTE),
        })
        .sum::<u64>()
        .saturating_mul(SPILL_PER_TEXT_BYTE)
}

/// Bytes this user may still write in the file system of `dir` (`None` where that cannot be
/// asked).
pub(crate) fn free_bytes(dir: &std::path::Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        // SAFETY: statvfs only writes into the struct it is given; the path is NUL-terminated.
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(path.as_ptr(), &mut st) } != 0 {
            return None;
        }
        #[allow(clippy::unnecessary_cast)] // the field types differ between platforms
        Some((st.f_bavail as u64).saturating_mul(st.f_frsize as u64))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// Why the temporary file is not written to `dir`: less room than `needed`.
fn lacks_room(dir: &std::path::Path, needed: u64) -> Option<String> {
    let free = free_bytes(dir)?;
    (free < needed).then(|| {
        format!(
            "not used: {} free in '{}', the temporary file may need {} (free some, or set --temp-dir)",
            crate::human::bytes(free),
            dir.display(),
            crate::human::bytes(needed)
        )
    })
}

impl SpillState {
    /// A new temporary file in `--temp-dir` (or `TMPDIR`) for records of about `needed`
    /// bytes, unless `--no-spill`, the folder has less room than that, or no file can be made.
    pub fn new(cfg: &crate::config::Config, needed: u64) -> SpillState {
        let dir = cfg.temp_dir.clone().unwrap_or_else(std::env::temp_dir);
        let (file, status) = if !cfg.spill {
            (None, "not used: --no-spill".to_string())
        } else if let Some(status) = lacks_room(&dir, needed) {
            (None, status)
        } else {
            let created = match &cfg.temp_dir {
                Some(dir) => Spill::create_in(dir),
                None => Spill::create(),
            };
            match created {
                Ok(f) => (Some(f), String::new()),
                Err(e) => (None, format!("not used: no temporary file ({e})")),
            }
        };
        SpillState {
            file,
            records: Vec::new(),
            failure: None,
            status,
        }
    }

    /// Adds the next document's record, or remembers the first write that failed.
    pub fn add_record(&mut self, written: io::Result<Record>) {
        match written {
            Ok(r) => self.records.push(r),
            Err(e) if self.failure.is_none() => self.failure = Some(e.to_string()),
            Err(_) => {}
        }
    }

    /// Ends pass 1's writing; a file with a failed write is given up (its documents are read
    /// again instead).
    pub fn finish_writing(&mut self) {
        if let (Some(file), None) = (&self.file, &self.failure) {
            if let Err(e) = file.finish_writing() {
                self.failure = Some(e.to_string());
            }
        }
        if let Some(reason) = &self.failure {
            self.status = format!("not used: {reason}");
            self.file = None;
            self.records = Vec::new();
        }
    }

    /// Why the temporary file was not used, when the user should hear of it (not for
    /// `--no-spill`, which they asked for).
    pub fn warning(&self) -> Option<String> {
        (self.file.is_none() && self.status != "not used: --no-spill").then(|| {
            format!(
                "temporary file {}; the documents are read again instead (slower)",
                self.status
            )
        })
    }

    /// The report's account of the temporary file.
    pub fn describe(&self) -> String {
        match &self.file {
            Some(f) if self.status.is_empty() && !self.records.is_empty() => {
                format!("{} in a temporary file", crate::human::bytes(f.len()))
            }
            Some(_) if self.status.is_empty() => "not used: documents not read".to_string(),
            _ => self.status.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::units::units;
    use crate::text::segment;

    #[test]
    fn a_folder_without_room_is_not_used_and_says_why() {
        let dir = tempfile::tempdir().expect("tempdir");
        let free = free_bytes(dir.path());
        #[cfg(unix)]
        assert!(free.is_some_and(|f| f > 0));
        let mut cfg = crate::config::Config::new(".");
        cfg.temp_dir = Some(dir.path().to_path_buf());
        let state = SpillState::new(&cfg, 1 << 20);
        assert!(state.file.is_some() || free.is_none_or(|f| f < 1 << 20));
        assert_eq!(state.warning(), None);
        if free.is_some() {
            let state = SpillState::new(&cfg, u64::MAX);
            assert!(state.file.is_none());
            let warning = state.warning().expect("a warning");
            assert!(warning.contains("free in"), "{warning}");
            assert!(state.describe().starts_with("not used:"));
        }
        cfg.spill = false;
        assert_eq!(SpillState::new(&cfg, 0).warning(), None);
    }

    #[test]
    fn hash_arrays_are_packed_and_a_torn_one_is_an_error() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Hashes(#[serde(with = "crate::packed::u32s")] Vec<u32>);
        let words = Hashes(vec![u32::MAX, 0, 0x8000_0001]);
        let bytes = postcard::to_stdvec(&words).expect("serialise");
        // a length byte and four bytes a value, where varints would take five for large ones
        assert_eq!(bytes.len(), 1 + 12);
        assert_eq!(postcard::from_bytes::<Hashes>(&bytes).expect("read"), words);
        let torn = [&[11u8][..], &bytes[1..12]].concat();
        assert!(postcard::from_bytes::<Hashes>(&torn).is_err());
    }

    #[test]
    fn records_come_back_by_offset() {
        let spill = Spill::create().expect("temporary file");
        // The last has more unit keys than the first read of `read_unit_keys` holds.
        let long: String = (0..400)
            .map(|i| format!("line number {i} of many\n\n"))
            .collect();
        let texts = [
            "First line\n\nSecond para here",
            "Only one line of text",
            "",
            &long,
        ];
        let mut written = Vec::new();
        for t in texts {
            let seg = segment(t, false);
            let parts = DocParts::of(&seg, units(t, &seg), true);
            let record = spill.write(&parts).expect("write");
            written.push((record, parts));
        }
        assert!(!spill.is_empty());
        spill.finish_writing().expect("flush");
        for (record, parts) in written.iter().rev() {
            assert_eq!(&spill.read(*record).expect("read"), parts);
            let keys: Vec<u64> = parts.units.iter().map(|u| u.key).collect();
            assert_eq!(spill.read_unit_keys(*record).expect("keys"), keys);
        }
        assert!(written[3].1.units.len() * 8 > 2048);
        // a record past the end is an error, never a silent empty document
        let beyond = Record {
            offset: spill.len() + 1_000_000,
            len: 16,
        };
        assert!(spill.read(beyond).is_err());
        assert!(spill.read_unit_keys(beyond).is_err());
        let (_, first) = &written[0];
        assert_eq!(first.line_norm(&first.lines[1]), "second para here");
        assert_eq!(first.line_words(&first.lines[1]).len(), 3);
    }
}
