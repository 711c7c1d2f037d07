//! Acting on a scan: a cleaned copy of the corpus (one copy of each duplicate cluster, template
//! and repeated spans removed) and a list of the documents to drop.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::types::{Annotation, SpanKind};
use crate::config::Config;
use crate::corpus::{read_documents, Compression, Format, InputFile, JsonRecord};
use crate::human::{count, noun};

/// What writing a cleaned corpus did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CleanSummary {
    /// Documents written.
    pub kept: u64,
    /// Duplicates left out.
    pub dropped: u64,
    /// Bytes of the duplicates left out.
    pub dropped_bytes: u64,
    /// Bytes of template and repeated spans removed from the documents written.
    pub stripped_bytes: u64,
    /// Of those, bytes of template (site chrome) spans.
    pub template_bytes: u64,
    /// Of those, bytes of repeated spans (later copies of a block of the same document).
    pub repeated_bytes: u64,
    /// Of those, bytes of reused spans (later occurrences of a block other documents share).
    pub reused_bytes: u64,
    /// Of those, bytes of an HTML page's structural boilerplate not counted above.
    pub boilerplate_bytes: u64,
    /// Documents not written because their text changed since the scan (or is gone).
    pub changed: u64,
}

impl CleanSummary {
    /// Counts one kept document: `text` before cleaning, `cleaned` after, `a` its spans.
    fn kept(&mut self, text: &str, cleaned: &str, a: &Annotation) {
        self.kept += 1;
        self.stripped_bytes += (text.len() - cleaned.len().min(text.len())) as u64;
        let [template, repeated, reused, boilerplate] = bytes_by_kind(a, text.len());
        self.template_bytes += template;
        self.repeated_bytes += repeated;
        self.reused_bytes += reused;
        self.boilerplate_bytes += boilerplate;
    }

    /// Counts one dropped duplicate of `bytes` bytes.
    fn dropped(&mut self, bytes: usize) {
        self.dropped += 1;
        self.dropped_bytes += bytes as u64;
    }

    /// One line for the summary: what the clean copy kept and removed, by kind.
    pub fn describe(&self) -> String {
        format!(
            "{} kept, {} dropped ({}); removed {} of template, {} of repeated blocks, {} of later copies of shared blocks{}",
            count(self.kept, "document"),
            count(self.dropped, "duplicate"),
            crate::human::bytes(self.dropped_bytes),
            crate::human::bytes(self.template_bytes),
            crate::human::bytes(self.repeated_bytes),
            crate::human::bytes(self.reused_bytes),
            match self.boilerplate_bytes {
                0 => String::new(),
                n => format!(", {} of pages' boilerplate", crate::human::bytes(n)),
            }
        ) + &match self.changed {
            0 => String::new(),
            n => format!(
                "; {} changed since the scan {} not written (scan again)",
                count(n, "document"),
                noun(n, "was")
            ),
        }
    }
}

/// Bytes covered by template spans, by repeated spans outside them, by reused spans outside
/// both, and by a page's boilerplate spans outside all three, in a text of `len` bytes.
fn bytes_by_kind(a: &Annotation, len: usize) -> [u64; 4] {
    let covered = |kind: SpanKind, skip: &[(usize, usize)]| -> Vec<(usize, usize)> {
        let mut r: Vec<(usize, usize)> = a
            .spans
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| {
                (
                    (s.start_byte as usize).min(len),
                    (s.end_byte as usize).min(len),
                )
            })
            .collect();
        r.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (x, y) in r {
            match merged.last_mut() {
                Some(last) if x <= last.1 => last.1 = last.1.max(y),
                _ => merged.push((x, y)),
            }
        }
        // Bytes already counted under another kind are not counted again.
        merged
            .into_iter()
            .flat_map(|(x, y)| {
                let mut parts = vec![(x, y)];
                for &(p, q) in skip {
                    parts = parts
                        .into_iter()
                        .flat_map(|(u, v)| [(u, v.min(p)), (u.max(q), v)])
                        .filter(|(u, v)| u < v)
                        .collect();
                }
                parts
            })
            .collect()
    };
    let total = |r: &[(usize, usize)]| r.iter().map(|(x, y)| (y - x) as u64).sum::<u64>();
    let template = covered(SpanKind::Template, &[]);
    let repeated = covered(SpanKind::Repeated, &template);
    let counted: Vec<(usize, usize)> = template.iter().chain(&repeated).copied().collect();
    let reused = covered(SpanKind::Reused, &counted);
    let counted: Vec<(usize, usize)> = counted.iter().chain(&reused).copied().collect();
    let boilerplate = covered(SpanKind::Boilerplate, &counted);
    [
        total(&template),
        total(&repeated),
        total(&reused),
        total(&boilerplate),
    ]
}

/// `text` without the byte ranges of `spans`, with runs of blank lines the removal leaves
/// collapsed to one.
pub fn strip_spans(text: &str, spans: &[(usize, usize)]) -> String {
    match String::from_utf8(strip_byte_spans(text.as_bytes(), spans)) {
        Ok(kept) => kept,
        // A span that ends inside a character (never one the scan made) cuts it.
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// A kept document's text as the clean copy writes it: `text` (the document's text as the
/// scan read it) without the spans of its annotation `a`.
pub fn cleaned_text(text: &str, a: &Annotation) -> String {
    strip_spans(text, &spans_of(a))
}

/// The hidden file that marks a folder as a clean copy neardup wrote: the next `--clean` into
/// it may replace it whole.
pub const CLEAN_MARKER: &str = ".neardup-clean";

/// Whether `dir` may receive a clean copy: it does not exist, is empty, or holds a clean copy
/// an earlier run wrote (which is then replaced whole, so no stale file stays). Called before
/// anything is read, so that a scan never runs only to be refused at the end.
pub fn check_clean_target(dir: &Path) -> Result<(), String> {
    let shown = dir.display();
    // `.`, `..`, `DIR/.` and `/` name a folder that cannot be moved into place by name.
    let last = dir.to_string_lossy();
    let last = last.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if matches!(last, "" | "." | "..") {
        return Err(format!(
            "--clean '{shown}' names no folder by its name (the copy is built beside it and moved into place); give one, such as ../clean"
        ));
    }
    match std::fs::symlink_metadata(dir) {
        // A new folder, in a folder that exists (as for the other outputs).
        Err(e) if e.kind() == io::ErrorKind::NotFound => match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() && !p.is_dir() => Err(format!(
                "cannot use --clean '{shown}': the folder '{}' does not exist",
                p.display()
            )),
            _ => Ok(()),
        },
        Err(e) => Err(format!("cannot use --clean '{shown}': {e}")),
        Ok(m) if !m.is_dir() => Err(format!(
            "--clean '{shown}' is not a folder: give a new or empty folder"
        )),
        Ok(_) => {
            let mut entries =
                std::fs::read_dir(dir).map_err(|e| format!("cannot use --clean '{shown}': {e}"))?;
            if entries.next().is_none() || dir.join(CLEAN_MARKER).is_file() {
                Ok(())
            } else {
                Err(format!(
                    "--clean '{shown}' holds files neardup did not write; give a new or empty folder \
                     (a folder an earlier --clean wrote is replaced whole)"
                ))
            }
        }
    }
}

/// The texts a scan still holds of the documents it read, by document (the order of its
/// annotations): an extracted page's text, so that the clean copy need not read and parse the
/// page again. `None` for a document whose text is not held.
pub trait StoredTexts: std::fmt::Debug + Send + Sync {
    /// The text of document `doc` as the scan read it.
    fn text(&self, doc: usize) -> Option<String>;
}

/// What a clean copy is made from: the scan's files, annotations and text hashes
/// ([`crate::ScanOutput::clean_source`]).
#[derive(Debug, Clone, Copy)]
pub struct CleanSource<'a> {
    /// The input files the scan read (`ScanOutput::files`).
    pub files: &'a [InputFile],
    /// One annotation per document (`ScanOutput::annotations`).
    pub annotations: &'a [Annotation],
    /// The hash of each annotated document's text (`ScanOutput::text_hashes`), in the same
    /// order; empty: not checked.
    pub text_hashes: &'a [u64],
    /// The texts the scan still holds (pages' extracted texts), read instead of the files;
    /// `None`: every file is read again.
    pub stored: Option<&'a dyn StoredTexts>,
}

/// One document's annotation and the hash of the text it was made for.
#[derive(Clone, Copy)]
struct Planned<'a> {
    annotation: &'a Annotation,
    text_hash: Option<u64>,
}

impl Planned<'_> {
    /// Whether `text` is still the text the scan annotated.
    fn reads_the_same(&self, text: &str) -> bool {
        self.text_hash
            .is_none_or(|h| h == xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
    }
}

/// The annotation of document `line` of `file` (read again as `text`) when the copy keeps it;
/// `None`, counted, for a document the scan did not see there or that changed since, and for
/// a duplicate.
fn kept_annotation<'a>(
    by_place: &HashMap<(&str, u32), Planned<'a>>,
    file: &InputFile,
    line: u32,
    text: &str,
    summary: &mut CleanSummary,
) -> Option<&'a Annotation> {
    let Some(planned) = by_place
        .get(&(file.rel.as_str(), line))
        .filter(|p| p.reads_the_same(text))
    else {
        summary.changed += 1;
        return None;
    };
    let a = planned.annotation;
    if a.duplicate_of.is_some() {
        summary.dropped(text.len());
        return None;
    }
    Some(a)
}

/// Writes the cleaned corpus of a scan into `out`: every document that is not the duplicate of
/// another, without its template, repeated and reused spans, at its own path and in its own
/// format (a `.gz` or `.zst` input is written compressed the same way, JSONL lines keep their
/// other fields, key order and numbers as written). The folder is built beside `out` and
/// moved into place when complete; a clean copy an earlier run wrote there is replaced whole.
/// Only the files the scan read are copied, and a document whose text changed since the scan
/// is left out and counted (`CleanSummary::changed`).
pub fn write_clean_corpus(
    cfg: &Config,
    source: CleanSource,
    out: &Path,
) -> io::Result<CleanSummary> {
    check_clean_target(out).map_err(io::Error::other)?;
    let by_place: HashMap<(&str, u32), Planned> = source
        .annotations
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let planned = Planned {
                annotation: a,
                text_hash: source.text_hashes.get(i).copied(),
            };
            ((a.path.as_str(), a.line.unwrap_or(0)), planned)
        })
        .collect();
    let stored = source
        .stored
        .map(|texts| StoredByFile::new(texts, source.annotations));
    let staging = sibling(out, "tmp");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    std::fs::create_dir_all(&staging)?;
    let names = copy_names(source.files);
    let written = (|| {
        let mut marker = "A clean copy written by `neardup scan --clean`; the next --clean into this folder replaces it.\n".to_string();
        for (file, name) in source.files.iter().zip(&names) {
            if *name != natural_copy_rel(file) {
                marker.push_str(&format!("{name} is the copy of {}\n", file.rel));
            }
        }
        std::fs::write(staging.join(CLEAN_MARKER), marker)?;
        let mut summary = CleanSummary::default();
        for (file, name) in source.files.iter().zip(&names) {
            let content = match file.format {
                Format::Text => {
                    clean_text(file, cfg, &by_place, &mut summary).map(|b| compress(file, b))
                }
                Format::JsonLines => {
                    clean_jsonl(file, cfg, &by_place, &mut summary).map(|b| compress(file, b))
                }
                Format::Html | Format::Warc | Format::Parquet | Format::Memory => {
                    let as_ = match file.format {
                        Format::Html => ExtractedAs::Text,
                        _ => ExtractedAs::Records,
                    };
                    let texts = stored.as_ref().and_then(|s| s.texts_of(file));
                    clean_extracted(file, cfg, &by_place, &mut summary, as_, texts).map(Ok)
                }
            };
            if let Some(bytes) = content {
                let target = staging.join(crate::corpus::path_of_id(name));
                if let Some(dir) = target.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(&target, bytes?)?;
            }
        }
        Ok(summary)
    })();
    let summary = match written.and_then(|s| replace_dir(&staging, out).map(|()| s)) {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    Ok(summary)
}

/// Where the copy named `name` ([`copy_name`]) goes under the clean folder, as an id
/// (`/`-separated, escaped names as in ids): a file named by an absolute path or through `..`
/// is copied under the folder all the same (`..` becomes `_`).
fn copy_rel(name: &str) -> String {
    let parts: Vec<&str> = name
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .map(|p| if p == ".." { "_" } else { p })
        .collect();
    parts.join("/")
}

/// The place of `file`'s copy when no other copy wants it.
fn natural_copy_rel(file: &InputFile) -> String {
    copy_rel(&copy_name(file))
}

/// The places of the copies of `files` under the clean folder (as ids, in the files' order),
/// one per file and never two alike. A copy that keeps its file's own name (text and JSON Lines
/// read from inside the folders given) keeps it; every other copy takes its natural name
/// ([`copy_name`]) when no earlier one has it, else the first of `NAME~2.EXT`, `NAME~3.EXT`…
/// that is free (`~N` before the first dot of the file name): `page.txt` stays, `page.html`
/// becomes `page~2.txt`, `page.htm` `page~3.txt`; `crawl.warc` beside `crawl.warc.jsonl`
/// becomes `crawl~2.warc.jsonl`. Files are taken in path order, so the names are the same on
/// every run; the clean folder's `.neardup-clean` lists each copy that was renamed.
pub fn copy_names(files: &[InputFile]) -> Vec<String> {
    let natural: Vec<String> = files.iter().map(natural_copy_rel).collect();
    let own = |i: usize| {
        matches!(files[i].format, Format::Text | Format::JsonLines) && natural[i] == files[i].rel
    };
    let mut taken: std::collections::HashSet<String> = (0..files.len())
        .filter(|&i| own(i))
        .map(|i| natural[i].clone())
        .collect();
    let mut names = natural.clone();
    for (i, name) in names.iter_mut().enumerate() {
        if own(i) {
            continue;
        }
        if taken.insert(name.clone()) {
            continue;
        }
        let (dir, file_name) = match name.rsplit_once('/') {
            Some((dir, f)) => (format!("{dir}/"), f.to_string()),
            None => (String::new(), name.clone()),
        };
        let (stem, ext) = match file_name[1.min(file_name.len())..].find('.') {
            Some(at) => file_name.split_at(at + 1),
            None => (file_name.as_str(), ""),
        };
        let free = (2u64..)
            .map(|n| format!("{dir}{stem}~{n}{ext}"))
            .find(|candidate| !taken.contains(candidate))
            .unwrap_or_default();
        taken.insert(free.clone());
        *name = free;
    }
    names
}

/// `DIR/.NAME.neardup-KIND-PID`, beside `dir` (a rename between them stays on one file system).
fn sibling(dir: &Path, kind: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "clean".to_string());
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!(".{name}.neardup-{kind}-{}", std::process::id()))
}

/// Moves the complete folder `staging` to `out`, replacing the clean copy there.
fn replace_dir(staging: &Path, out: &Path) -> io::Result<()> {
    if out.exists() {
        let old = sibling(out, "old");
        std::fs::rename(out, &old)?;
        if let Err(e) = std::fs::rename(staging, out) {
            let _ = std::fs::rename(&old, out);
            return Err(e);
        }
        std::fs::remove_dir_all(&old)
    } else {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(staging, out)
    }
}

/// The name of a file's copy in the clean folder, `/`-separated: its own for text and JSON
/// Lines; an HTML page's text for a page (`page.html` or `page.html.gz` → `page.txt`); JSON
/// Lines beside an archive (`crawl.warc.gz` → `crawl.warc.gz.jsonl`).
pub fn copy_name(file: &InputFile) -> String {
    match file.format {
        Format::Text | Format::JsonLines => file.clean_rel.clone(),
        Format::Html => text_name(file),
        Format::Warc | Format::Parquet | Format::Memory => format!("{}.jsonl", file.clean_rel),
    }
}

/// The name of an HTML page's text: `page.html` (or `page.html.gz`) → `page.txt`.
fn text_name(file: &InputFile) -> String {
    let name = match file.compression {
        Compression::None => file.clean_rel.as_str(),
        Compression::Gzip => file.clean_rel.trim_end_matches(".gz"),
        Compression::Zstd => file.clean_rel.trim_end_matches(".zst"),
    };
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) if !stem.ends_with('/') && !stem.is_empty() => stem,
        _ => name,
    };
    format!("{stem}.txt")
}

/// How the text a reader extracted (HTML, WARC, Parquet) is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ExtractedAs {
    /// The one document's cleaned text.
    Text,
    /// One JSON line `{id, site, text}` per kept document.
    Records,
}

/// The texts a scan holds, found by file: each file's documents (line, annotation index) in
/// order.
struct StoredByFile<'a> {
    texts: &'a dyn StoredTexts,
    by_file: HashMap<&'a str, Vec<(u32, usize)>>,
}

impl<'a> StoredByFile<'a> {
    fn new(texts: &'a dyn StoredTexts, annotations: &'a [Annotation]) -> StoredByFile<'a> {
        let mut by_file: HashMap<&str, Vec<(u32, usize)>> = HashMap::new();
        for (i, a) in annotations.iter().enumerate() {
            by_file
                .entry(a.path.as_str())
                .or_default()
                .push((a.line.unwrap_or(0), i));
        }
        StoredByFile { texts, by_file }
    }

    /// Every document of `file` with its text, in order; `None` when one text is not held
    /// (the file is read again).
    fn texts_of(&self, file: &InputFile) -> Option<Vec<(u32, String)>> {
        self.by_file
            .get(file.rel.as_str())?
            .iter()
            .map(|&(line, i)| Some((line, self.texts.text(i)?)))
            .collect()
    }
}

/// The cleaned extracted text of a file whose documents are not its bytes (HTML pages, WARC
/// and Parquet records), or `None` when nothing of it is kept: from the texts the scan holds
/// (`stored`: each document's line and text), else the file read and parsed again.
fn clean_extracted(
    file: &InputFile,
    cfg: &Config,
    by_place: &HashMap<(&str, u32), Planned>,
    summary: &mut CleanSummary,
    as_: ExtractedAs,
    stored: Option<Vec<(u32, String)>>,
) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut write = |line: u32, text: &str| {
        let Some(a) = kept_annotation(by_place, file, line, text, summary) else {
            return;
        };
        let cleaned = cleaned_text(text, a);
        summary.kept(text, &cleaned, a);
        match as_ {
            ExtractedAs::Text => out.extend_from_slice(cleaned.as_bytes()),
            ExtractedAs::Records => {
                let record = serde_json::json!({"id": a.id, "site": a.site, "text": cleaned});
                out.extend_from_slice(record.to_string().as_bytes());
                out.push(b'\n');
            }
        }
    };
    match stored {
        Some(texts) => texts.iter().for_each(|(line, text)| write(*line, text)),
        None => {
            read_documents(file, &cfg.input, |doc| write(doc.line, &doc.text));
        }
    }
    (!out.is_empty()).then_some(out)
}

/// `bytes` compressed as the input `file` was.
fn compress(file: &InputFile, bytes: Vec<u8>) -> io::Result<Vec<u8>> {
    Ok(match file.compression {
        Compression::None => bytes,
        Compression::Gzip => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(&bytes)?;
            gz.finish()?
        }
        Compression::Zstd => ruzstd::encoding::compress_to_vec(
            bytes.as_slice(),
            ruzstd::encoding::CompressionLevel::Fastest,
        ),
    })
}

/// The cleaned bytes of a text file, or `None` when nothing of it is written (a duplicate, a
/// document the scan skipped, or one that changed since). The file keeps its own bytes (line
/// ends, invalid UTF-8 such as Latin-1): the spans, offsets into the decoded text, are mapped
/// back to the file's bytes. A UTF-16 file is written as UTF-8.
fn clean_text(
    file: &InputFile,
    cfg: &Config,
    by_place: &HashMap<(&str, u32), Planned>,
    summary: &mut CleanSummary,
) -> Option<Vec<u8>> {
    by_place.get(&(file.rel.as_str(), 0))?; // a file the scan took no document from
    let read = crate::corpus::open(file)
        .and_then(|reader| crate::corpus::read_whole(file, &cfg.input, reader))
        .and_then(|raw| Ok((crate::corpus::decode_text(raw.clone())?.0, raw)));
    let Ok((text, raw)) = read else {
        summary.changed += 1; // unreadable now
        return None;
    };
    let a = kept_annotation(by_place, file, 0, &text, summary)?;
    let cleaned = cleaned_text(&text, a);
    summary.kept(&text, &cleaned, a);
    if crate::corpus::is_utf16(&raw) {
        return Some(cleaned.into_bytes());
    }
    let map = LossyMap::of(&raw);
    let spans: Vec<(usize, usize)> = spans_of(a)
        .into_iter()
        .map(|(x, y)| (map.to_raw(x), map.to_raw(y)))
        .collect();
    Some(strip_byte_spans(&raw, &spans))
}

/// Offsets in a lossily decoded text mapped back to the bytes it was decoded from: each
/// invalid sequence became U+FFFD (3 bytes) in the text.
struct LossyMap {
    /// (offset in the text, offset in the bytes) at the start of each valid run.
    starts: Vec<(usize, usize)>,
}

impl LossyMap {
    fn of(raw: &[u8]) -> LossyMap {
        let mut starts = vec![(0, 0)];
        let (mut text_at, mut raw_at) = (0, 0);
        for chunk in raw.utf8_chunks() {
            text_at += chunk.valid().len();
            raw_at += chunk.valid().len();
            if !chunk.invalid().is_empty() {
                text_at += '\u{FFFD}'.len_utf8();
                raw_at += chunk.invalid().len();
                starts.push((text_at, raw_at));
            }
        }
        LossyMap { starts }
    }

    fn to_raw(&self, text_offset: usize) -> usize {
        let i = self.starts.partition_point(|&(t, _)| t <= text_offset);
        let (t, r) = self.starts[i.saturating_sub(1)];
        r + (text_offset - t)
    }
}

/// `raw` without the byte ranges of `spans`, with runs of blank lines the removal leaves
/// collapsed to one and the line ends before the first line dropped.
fn strip_byte_spans(raw: &[u8], spans: &[(usize, usize)]) -> Vec<u8> {
    let mut ranges: Vec<(usize, usize)> = spans
        .iter()
        .map(|&(a, b)| (a.min(raw.len()), b.min(raw.len())))
        .filter(|(a, b)| a < b)
        .collect();
    ranges.sort_unstable();
    let mut kept = Vec::with_capacity(raw.len());
    let mut at = 0;
    for (a, b) in ranges {
        if a > at {
            kept.extend_from_slice(&raw[at..a]);
        }
        // A removed span that held a paragraph break (a caption between two paragraphs,
        // with the blank line after it) leaves one, not the paragraphs joined by a newline.
        let from = at.max(a);
        if b > from && holds_blank_line(&raw[from..b]) && has_text(&kept) && has_text(&raw[b..]) {
            kept.extend_from_slice(b"\n\n");
        }
        at = at.max(b);
    }
    kept.extend_from_slice(raw.get(at..).unwrap_or(&[]));
    let mut out = Vec::with_capacity(kept.len());
    let mut blank_run = 0;
    for line in kept.split_inclusive(|&b| b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.extend_from_slice(line);
    }
    let first = out
        .iter()
        .position(|&b| b != b'\n' && b != b'\r')
        .unwrap_or(out.len());
    out.split_off(first)
}

/// Whether `bytes` hold a blank line: two line ends with only spaces or tabs between them.
fn holds_blank_line(bytes: &[u8]) -> bool {
    let mut since_line_end: Option<bool> = None; // Some(only blanks since the last line end)
    for &c in bytes {
        match c {
            b'\n' if since_line_end == Some(true) => return true,
            b'\n' => since_line_end = Some(true),
            b' ' | b'\t' | b'\r' => {}
            _ => since_line_end = since_line_end.map(|_| false),
        }
    }
    false
}

/// Whether `bytes` hold anything but whitespace.
fn has_text(bytes: &[u8]) -> bool {
    bytes.iter().any(|c| !c.is_ascii_whitespace())
}

fn spans_of(a: &Annotation) -> Vec<(usize, usize)> {
    a.spans
        .iter()
        .map(|s| (s.start_byte as usize, s.end_byte as usize))
        .collect()
}

/// The cleaned lines of a JSONL file (kept documents with their text field stripped), or
/// `None` when no line is kept. Lines are read by the scan's own reader, so both agree on
/// which line is which document; a line is written back with its keys in their order and its
/// numbers as written (serde_json's `preserve_order` and `arbitrary_precision`).
fn clean_jsonl(
    file: &InputFile,
    cfg: &Config,
    by_place: &HashMap<(&str, u32), Planned>,
    summary: &mut CleanSummary,
) -> Option<Vec<u8>> {
    let reader = crate::corpus::open(file).ok()?;
    let mut out = Vec::new();
    let mut outcome = crate::corpus::FileOutcome::default();
    crate::corpus::for_each_json_record(file, &cfg.input, reader, &mut outcome, |record| {
        let JsonRecord { doc, mut value } = record;
        let Some(a) = kept_annotation(by_place, file, doc.line, &doc.text, summary) else {
            return;
        };
        if let Some(Value::String(text)) =
            crate::corpus::field_mut(&mut value, &cfg.input.text_field)
        {
            // The field as written (lone CRs kept): its bytes stand where the document's do,
            // so its spans and the byte counts are the same.
            let cleaned = cleaned_text(text, a);
            summary.kept(text, &cleaned, a);
            *text = cleaned;
        }
        out.extend_from_slice(value.to_string().as_bytes());
        out.push(b'\n');
    });
    (!out.is_empty()).then_some(out)
}

/// Writes the ids of the documents to drop (every duplicate but its cluster's
/// representative), one per line. An id that could not stand on one line as it is (a control
/// character such as a line break, or a leading `"`) is written as a JSON string.
pub fn write_drop_list(path: &Path, annotations: &[Annotation]) -> io::Result<()> {
    crate::files::write_atomically(path, |out| {
        for a in annotations.iter().filter(|a| a.duplicate_of.is_some()) {
            out.write_all(drop_list_line(&a.id).as_bytes())?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })
}

/// An id as a line of the drop list: as it is, or quoted as JSON when it must be.
fn drop_list_line(id: &str) -> String {
    if id.starts_with('"') || id.chars().any(char::is_control) {
        serde_json::Value::String(id.to_string()).to_string()
    } else {
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_list_ids_stay_on_one_line() {
        assert_eq!(drop_list_line("site/page.txt"), "site/page.txt");
        assert_eq!(drop_list_line("two\nlines"), "\"two\\nlines\"");
        assert_eq!(drop_list_line("\"quoted"), "\"\\\"quoted\"");
    }

    #[test]
    fn removed_bytes_are_counted_once_by_kind() {
        let span = |kind, start_byte, end_byte| crate::report::Span {
            kind,
            start_line: 1,
            end_line: 1,
            start_byte,
            end_byte,
            reason: None,
        };
        let a = Annotation {
            id: "a".into(),
            path: "a".into(),
            line: None,
            site: None,
            cluster: None,
            duplicate_of: None,
            lossy_utf8: false,
            spans: vec![
                span(SpanKind::Template, 0, 10),
                span(SpanKind::Template, 5, 20),
                span(SpanKind::Repeated, 15, 40),
            ],
        };
        assert_eq!(bytes_by_kind(&a, 100), [20, 20, 0, 0]);
        assert_eq!(bytes_by_kind(&a, 30), [20, 10, 0, 0]);
        let mut page = a.clone();
        page.spans.push(span(SpanKind::Boilerplate, 35, 60));
        assert_eq!(bytes_by_kind(&page, 100), [20, 20, 0, 20]);
    }

    #[test]
    fn strips_spans_and_collapses_blank_lines() {
        let text = "HEADER\n\nStory line one.\n\nFOOTER\n\nLinks\n";
        let header = (0, 6);
        let footer = (text.find("FOOTER").unwrap_or(0), text.len() - 1);
        assert_eq!(strip_spans(text, &[footer, header]), "Story line one.\n\n");
        assert_eq!(strip_spans("abc", &[(1, 99)]), "a");
        assert_eq!(strip_spans("abc", &[]), "abc");
    }

    #[test]
    fn a_removed_caption_leaves_the_paragraph_break() {
        // the caption's span takes the blank line after it with it
        let text = "First paragraph.\nA caption.\n\nSecond paragraph.\n";
        let start = text.find("A caption").unwrap_or(0);
        let end = text.find("Second").unwrap_or(0);
        assert_eq!(
            strip_spans(text, &[(start, end)]),
            "First paragraph.\n\nSecond paragraph.\n"
        );
        // a span inside one paragraph's lines joins nothing that was apart
        assert_eq!(strip_spans("a\nb\nc\n", &[(2, 4)]), "a\nc\n");
        // at the end of the text, no break is added
        assert_eq!(strip_spans("a\n\nb\n\n", &[(3, 7)]), "a\n\n");
        assert!(holds_blank_line(b"x\n \r\n") && !holds_blank_line(b"x\ny\n"));
    }
}
