//! WARC archives (`.warc`, `.warc.gz` with a gzip member per record, as crawlers write them):
//! each `response` record whose HTTP payload is HTML or plain text is a document, its id the
//! record's `WARC-Target-URI` and its site the URI's host. Records of other types (request,
//! metadata, warcinfo…) are counted, not read.

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

use super::page::{charset_param, page_document};
use super::source::{read_error_reason, FileOutcome};
use super::InputOptions;
use super::{Compression, Document, InputFile, SkipReason};

/// Longest header block of a record or its HTTP response that is read.
const MAX_HEADER: usize = 64 * 1024;

/// How many times reading starts again inside a record whose Content-Length runs past the end
/// of the archive (each time the archive is read again from its start to that point).
const MAX_RESTARTS: u32 = 64;

/// What starts a record: its version line, `WARC/1.0` or `WARC/1.1`.
const VERSION: &[u8] = b"WARC/1.";

/// One record's WARC headers that matter here.
#[derive(Debug, Default)]
struct RecordHeader {
    kind: String,
    uri: String,
    content_type: String,
    length: u64,
}

/// Opens the archive again from its start, its compression undone: a record whose
/// Content-Length runs past the end sends reading back to the record header found inside it.
pub(super) type Opener<'a> = &'a dyn Fn() -> Result<Box<dyn Read>, SkipReason>;

/// The archive `raw` with its compression undone, for [`read_warc`]: a gzip stream read member
/// by member, going on after a damaged one ([`GzipMembers`]).
pub(super) fn warc_stream<R: Read + Seek + 'static>(
    raw: R,
    compression: Compression,
) -> Result<Box<dyn Read>, SkipReason> {
    Ok(match compression {
        Compression::None => Box::new(raw),
        Compression::Gzip => Box::new(GzipMembers::new(raw)),
        Compression::Zstd => super::source::decompressed(
            Compression::Zstd,
            BufReader::with_capacity(64 * 1024, raw),
        )?,
    })
}

/// The reading state that lasts across restarts.
#[derive(Default)]
struct Progress {
    /// Records met so far (their 1-based numbers name them).
    number: u32,
    /// Records of other types than `response`.
    others: u64,
    /// A gzip error met between records, reported once it is known whether records follow.
    pending: Option<SkipReason>,
}

/// Reads a WARC file, calling `emit` per document in record order (`Document::line` is the
/// record's 1-based number, so annotations and the clean copy find it). Nothing a record
/// claims costs more than the bytes that are there: a record whose Content-Length runs past the
/// end of the archive is named, and reading goes on at the first record header inside it; bytes
/// between records that are no record are named and passed over; in a `.warc.gz`, a damaged
/// gzip member is named and reading goes on at the next member.
pub(super) fn read_warc(
    file: &InputFile,
    opts: &InputOptions,
    open: Opener,
    outcome: &mut FileOutcome,
    emit: &mut impl FnMut(Document),
) {
    let mut progress = Progress::default();
    let mut start = 0u64;
    for restart in 0..=MAX_RESTARTS {
        let mut reader = match open_at(open, start) {
            Ok(r) => r,
            Err(reason) => {
                outcome.skip(&file.rel, reason);
                break;
            }
        };
        match read_records(&mut reader, file, opts, &mut progress, outcome, emit) {
            Some(at) if restart < MAX_RESTARTS => start = at,
            Some(_) => outcome.skip(
                &file.rel,
                SkipReason::MalformedWarc(format!(
                    "reading stopped after {MAX_RESTARTS} records whose Content-Length runs past the end of the archive"
                )),
            ),
            None => break,
        }
    }
    if progress.others > 0 {
        outcome.skip(&file.rel, SkipReason::OtherWarcRecords(progress.others));
    }
}

/// A reader that counts the bytes it passed on.
struct Counted {
    inner: Box<dyn Read>,
    read: u64,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// The archive's bytes, buffered, with their offset known.
type Stream = BufReader<Counted>;

/// Offset of the next byte `reader` gives, in the archive with compression undone.
fn position(reader: &Stream) -> u64 {
    reader.get_ref().read - reader.buffer().len() as u64
}

/// The archive opened and read up to `start`.
fn open_at(open: Opener, start: u64) -> Result<Stream, SkipReason> {
    let inner = open()?;
    let mut reader = BufReader::with_capacity(64 * 1024, Counted { inner, read: 0 });
    if start > 0 {
        std::io::copy(&mut (&mut reader).take(start), &mut std::io::sink())
            .map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    }
    Ok(reader)
}

/// Reads records to the end of the archive (`None`), or to a record whose Content-Length runs
/// past the end with a record header inside it: that header's offset, where to read on.
fn read_records(
    reader: &mut Stream,
    file: &InputFile,
    opts: &InputOptions,
    progress: &mut Progress,
    outcome: &mut FileOutcome,
    emit: &mut impl FnMut(Document),
) -> Option<u64> {
    // After a damaged gzip member, reading goes on at the next one; other streams end.
    let goes_on = file.compression == Compression::Gzip;
    loop {
        let header = match next_header(reader, file, progress, outcome) {
            HeaderStep::Record(h) => h,
            HeaderStep::Again => continue,
            HeaderStep::Bad if goes_on => continue,
            HeaderStep::End | HeaderStep::Bad => return None,
        };
        progress.number += 1;
        let at = format!("{}:{}", file.rel, progress.number);
        let response = header.kind == "response";
        if !response {
            progress.others += 1;
        }
        let wanted = response
            && header.content_type.starts_with("application/http")
            && header.length <= opts.max_bytes;
        let block = read_block(reader, header.length, wanted);
        if let Some(e) = &block.error {
            outcome.skip(&at, read_error_reason(file, e));
            if goes_on {
                continue;
            }
            return None;
        }
        if block.got < header.length {
            return match block.next_header {
                Some(offset) => {
                    let reason = format!(
                        "truncated WARC record: its Content-Length is {} bytes, the archive holds {} of them and a record header inside them, where reading went on",
                        header.length, block.got
                    );
                    outcome.skip(&at, SkipReason::MalformedWarc(reason));
                    Some(offset)
                }
                None => {
                    outcome.skip(&at, SkipReason::TruncatedRecord);
                    None
                }
            };
        }
        if response && header.length > opts.max_bytes {
            outcome.skip(&at, SkipReason::DecompressedTooLarge);
        }
        if !wanted {
            continue;
        }
        match response_document(&block.bytes, opts.max_bytes) {
            Ok(page) => {
                outcome.bytes += block.bytes.len() as u64;
                emit(Document {
                    site: super::site::of_url(&header.uri, &opts.site_mode)
                        .or_else(|| file.site.clone()),
                    id: if header.uri.is_empty() {
                        at.clone()
                    } else {
                        header.uri.clone()
                    },
                    path: file.rel.clone(),
                    line: progress.number,
                    text: page.text,
                    lossy_utf8: page.lossy,
                    boilerplate: page.boilerplate,
                    items: page.items,
                });
            }
            Err(reason) => outcome.skip(&at, reason),
        }
    }
}

/// A record's block as read.
struct Block {
    /// Its bytes, when they were wanted.
    bytes: Vec<u8>,
    /// How many of its bytes the archive held.
    got: u64,
    /// Offset of the first line inside it that starts a record (`WARC/1.`).
    next_header: Option<u64>,
    /// The read error that ended it.
    error: Option<std::io::Error>,
}

/// Reads the `length` bytes of a record's block, keeping them when `keep`; never more than
/// the archive holds, and never a buffer larger than the bytes read.
fn read_block(reader: &mut Stream, length: u64, keep: bool) -> Block {
    let start = position(reader);
    let mut block = Block {
        bytes: Vec::with_capacity(if keep {
            length.min(1 << 20) as usize
        } else {
            0
        }),
        got: 0,
        next_header: None,
        error: None,
    };
    // Bytes not kept are looked through for a record header as they pass.
    let mut spotter = VersionSpotter::new();
    while block.got < length {
        let chunk = match reader.fill_buf() {
            Ok([]) => break,
            Ok(c) => c,
            Err(e) => {
                block.error = Some(e);
                break;
            }
        };
        let n = (length - block.got).min(chunk.len() as u64) as usize;
        if keep {
            block.bytes.extend_from_slice(&chunk[..n]);
        } else if block.next_header.is_none() {
            if let Some(end) = spotter.feed(&chunk[..n]) {
                block.next_header = Some(start + block.got + (end - VERSION.len()) as u64);
            }
        }
        reader.consume(n);
        block.got += n as u64;
    }
    if keep && block.got < length {
        block.next_header = VersionSpotter::new()
            .feed(&block.bytes)
            .map(|end| start + (end - VERSION.len()) as u64);
    }
    block
}

/// Finds `WARC/1.` at the start of a line in bytes given piece by piece.
struct VersionSpotter {
    /// Bytes of [`VERSION`] matched so far.
    matched: usize,
    /// Whether the next byte starts a line.
    line_start: bool,
}

impl VersionSpotter {
    /// A spotter at the start of a line.
    fn new() -> VersionSpotter {
        VersionSpotter {
            matched: 0,
            line_start: true,
        }
    }

    /// The index just past the first `WARC/1.` that starts a line in `bytes`, if any.
    fn feed(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut i = 0;
        while i < bytes.len() {
            if self.matched == 0 && !self.line_start {
                let eol = bytes[i..].iter().position(|&b| b == b'\n')?;
                i += eol + 1;
                self.line_start = true;
                continue;
            }
            let b = bytes[i];
            i += 1;
            if b == VERSION[self.matched] {
                self.matched += 1;
                self.line_start = false;
                if self.matched == VERSION.len() {
                    self.matched = 0;
                    return Some(i);
                }
            } else {
                self.matched = 0;
                self.line_start = b == b'\n';
            }
        }
        None
    }
}

/// What looking for the next record gave.
enum HeaderStep {
    /// A record's header.
    Record(RecordHeader),
    /// The end of the archive.
    End,
    /// A read error, named in the outcome; in a `.warc.gz` what follows may be read.
    Bad,
    /// A malformed record header, named in the outcome; its block is passed over as bytes
    /// that are no record.
    Again,
}

/// The next record's header. Blank lines between records are passed over; other bytes there
/// are named (how many) and passed over too, to the next line that starts a record.
fn next_header(
    reader: &mut Stream,
    file: &InputFile,
    progress: &mut Progress,
    outcome: &mut FileOutcome,
) -> HeaderStep {
    let number = progress.number;
    let (first, junk) = match record_start(reader, file) {
        Ok(found) => found,
        Err(reason) => {
            // Nothing of another record was read: a gzip member cut off in the previous
            // record's trailer, or before the next record's first line.
            if progress.pending.is_none() {
                progress.pending = Some(reason);
            }
            return HeaderStep::Bad;
        }
    };
    let Some(first) = first else {
        if let Some(reason) = progress.pending.take() {
            if number > 0 {
                outcome.skip(&file.rel, cut_off_after(reason, number));
            } else {
                outcome.skip(&format!("{}:1", file.rel), reason);
            }
        } else if junk > 0 && number == 0 {
            outcome.skip(
                &format!("{}:1", file.rel),
                SkipReason::MalformedWarc(
                    "a record does not start with a WARC/1.x version line".into(),
                ),
            );
        } else if junk > 0 {
            outcome.skip(&file.rel, junk_after(junk, number));
        }
        return HeaderStep::End;
    };
    if let Some(reason) = progress.pending.take() {
        outcome.skip(&file.rel, damaged_member_after(reason, number));
    }
    if junk > 0 {
        outcome.skip(&file.rel, junk_after(junk, number));
    }
    match record_header(reader, file, &first) {
        Ok(h) => HeaderStep::Record(h),
        Err(reason) => {
            progress.number += 1;
            let malformed = matches!(reason, SkipReason::MalformedWarc(_));
            outcome.skip(&format!("{}:{}", file.rel, progress.number), reason);
            if malformed {
                HeaderStep::Again
            } else {
                HeaderStep::Bad
            }
        }
    }
}

/// Bytes between records that are no record, said as what they are.
fn junk_after(junk: u64, number: u32) -> SkipReason {
    let place = if number == 0 {
        "before the first record".to_string()
    } else {
        format!("after record {number}")
    };
    SkipReason::MalformedWarc(format!(
        "{} {place} that are no WARC record (passed over to the next record header)",
        crate::human::count(junk, "byte")
    ))
}

/// A read error met between records, said as what it is: the archive cut off after record
/// `number` (the error's own words kept).
fn cut_off_after(reason: SkipReason, number: u32) -> SkipReason {
    said_after(
        reason,
        &format!("the archive is cut off after record {number}"),
    )
}

/// A read error met between records when more records follow: a damaged gzip member, passed
/// over to the next one.
fn damaged_member_after(reason: SkipReason, number: u32) -> SkipReason {
    let place = if number == 0 {
        "before the first record".to_string()
    } else {
        format!("after record {number}")
    };
    said_after(
        reason,
        &format!("a damaged gzip member {place}; reading went on at the next member"),
    )
}

/// `reason` with `note` in brackets after the error's own words.
fn said_after(reason: SkipReason, note: &str) -> SkipReason {
    let said = |e: String| format!("{e} ({note})");
    match reason {
        SkipReason::BrokenGzip(e) => SkipReason::BrokenGzip(said(e)),
        SkipReason::BrokenZstd(e) => SkipReason::BrokenZstd(said(e)),
        SkipReason::Unreadable(e) => SkipReason::Unreadable(said(e)),
        other => other,
    }
}

/// Passes over bytes to the next line that starts a record: that line (`None` at the end of
/// the archive) and how many bytes other than white space were passed over.
fn record_start(
    reader: &mut Stream,
    file: &InputFile,
) -> Result<(Option<Vec<u8>>, u64), SkipReason> {
    let mut spotter = VersionSpotter::new();
    let mut junk = 0u64;
    loop {
        let chunk = reader.fill_buf().map_err(|e| read_error_reason(file, &e))?;
        if chunk.is_empty() {
            return Ok((None, junk));
        }
        let found = spotter.feed(chunk);
        let end = found.unwrap_or(chunk.len());
        junk += chunk[..end]
            .iter()
            .filter(|b| !b.is_ascii_whitespace())
            .count() as u64;
        reader.consume(end);
        if found.is_some() {
            // the version's own bytes were counted, wherever they began
            junk -= VERSION.len() as u64;
            let mut line = VERSION.to_vec();
            read_line(reader, &mut line, file)?;
            return Ok((Some(line), junk));
        }
    }
}

/// The header of a record whose first line is `first`: its fields up to the blank line.
fn record_header(
    reader: &mut impl BufRead,
    file: &InputFile,
    first: &[u8],
) -> Result<RecordHeader, SkipReason> {
    let read_line = |reader: &mut _, line: &mut _| read_line(reader, line, file);
    let mut line = Vec::new();
    if !first.starts_with(b"WARC/") {
        return Err(SkipReason::MalformedWarc(
            "a record does not start with a WARC/1.x version line".into(),
        ));
    }
    let mut header = RecordHeader::default();
    let mut length = None;
    let mut total = 0;
    loop {
        line.clear();
        let n = read_line(reader, &mut line)?;
        total += n;
        if n == 0 {
            return Err(SkipReason::TruncatedRecord);
        }
        if total > MAX_HEADER {
            return Err(SkipReason::MalformedWarc(
                "record header over 64 KiB".into(),
            ));
        }
        let text = String::from_utf8_lossy(line.trim_ascii());
        if text.is_empty() {
            break;
        }
        let Some((name, value)) = text.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "warc-type" => header.kind = value.to_ascii_lowercase(),
            "warc-target-uri" => header.uri = value.trim_matches(['<', '>']).to_string(),
            "content-type" => header.content_type = value.to_ascii_lowercase(),
            "content-length" => length = value.parse().ok(),
            _ => {}
        }
    }
    header.length = length
        .ok_or_else(|| SkipReason::MalformedWarc("a record has no valid Content-Length".into()))?;
    Ok(header)
}

/// Reads one line through its `\n`, at most [`MAX_HEADER`] bytes of it.
fn read_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    file: &InputFile,
) -> Result<usize, SkipReason> {
    reader
        .take(MAX_HEADER as u64)
        .read_until(b'\n', line)
        .map_err(|e| read_error_reason(file, &e))
}

/// The document an HTTP response holds: HTML or plain text, de-chunked and decompressed.
fn response_document(block: &[u8], max_bytes: u64) -> Result<super::page::Page, SkipReason> {
    let Some(split) = block
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
    else {
        return Err(SkipReason::MalformedWarc(
            "HTTP response without headers".into(),
        ));
    };
    let head = String::from_utf8_lossy(&block[..split]).to_ascii_lowercase();
    let field = |name: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
            .unwrap_or_default()
    };
    let content_type = field("content-type:");
    let mut body = block[split..].to_vec();
    if field("transfer-encoding:").contains("chunked") {
        body = dechunk(&body);
    }
    let encoding = field("content-encoding:");
    if encoding.contains("gzip") {
        let mut plain = Vec::new();
        flate2::read::MultiGzDecoder::new(&body[..])
            .take(max_bytes + 1)
            .read_to_end(&mut plain)
            .map_err(|e| SkipReason::BrokenGzip(e.to_string()))?;
        if plain.len() as u64 > max_bytes {
            return Err(SkipReason::DecompressedTooLarge);
        }
        body = plain;
    }
    let media = content_type.split(';').next().unwrap_or("").trim();
    let charset =
        charset_param(content_type.as_bytes()).map(|c| String::from_utf8_lossy(c).into_owned());
    match media {
        "text/html" | "application/xhtml+xml" | "" => page_document(&body, charset.as_deref()),
        "text/plain" => {
            let (text, lossy) = plain_text(&body, charset.as_deref());
            let html = format!("<pre>{}</pre>", escape(&text));
            let mut page = page_document(html.as_bytes(), Some("utf-8"))?;
            page.lossy |= lossy;
            Ok(page)
        }
        other => Err(SkipReason::NotText(other.to_string())),
    }
}

/// A plain text payload decoded: by its byte-order mark, else the charset its Content-Type
/// declares, else UTF-8; whether bytes were invalid there (replaced).
fn plain_text(body: &[u8], charset: Option<&str>) -> (String, bool) {
    use encoding_rs::Encoding;
    if let Some((enc, bom)) = Encoding::for_bom(body) {
        let (text, lossy) = enc.decode_without_bom_handling(&body[bom..]);
        return (text.into_owned(), lossy);
    }
    let enc = charset
        .and_then(|c| Encoding::for_label(c.trim().as_bytes()))
        .map_or(encoding_rs::UTF_8, |e| e.output_encoding());
    let (text, lossy) = enc.decode_without_bom_handling(body);
    (text.into_owned(), lossy)
}

/// `text` with the characters markup gives meaning to escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

/// The body of a chunked transfer: the chunks' bytes without their size lines. A broken
/// chunk ends it.
fn dechunk(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut at = 0;
    while let Some(eol) = body[at..].windows(2).position(|w| w == b"\r\n") {
        let size_line = String::from_utf8_lossy(&body[at..at + eol]);
        let size_hex = size_line.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_hex, 16) else {
            break;
        };
        at += eol + 2;
        // a size past the body (however large: no sum wraps) ends it with what is there
        let rest = body.len() - at;
        if size == 0 || size > rest {
            out.extend_from_slice(&body[at..at + size.min(rest)]);
            break;
        }
        out.extend_from_slice(&body[at..at + size]);
        at += size;
        if rest - size <= 2 {
            break;
        }
        at += 2;
    }
    out
}

/// A gzip stream of members read one after another, as `MultiGzDecoder` reads them, except
/// that a damaged member does not end it: its error is returned once, and reading goes on at
/// the next gzip header (`1f 8b 08`) after the damaged member's first byte. Crawlers write a
/// member per record, so what follows a damaged member is the next record.
pub(super) struct GzipMembers<R: Read + Seek> {
    /// The compressed bytes, between members.
    source: Option<BufReader<R>>,
    /// The member being read.
    decoder: Option<flate2::bufread::GzDecoder<BufReader<R>>>,
    /// Offset of that member's first byte.
    member_start: u64,
}

impl<R: Read + Seek> GzipMembers<R> {
    /// Members of `raw`, from its start.
    pub(super) fn new(raw: R) -> GzipMembers<R> {
        GzipMembers {
            source: Some(BufReader::with_capacity(64 * 1024, raw)),
            decoder: None,
            member_start: 0,
        }
    }
}

impl<R: Read + Seek> Read for GzipMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if let Some(decoder) = self.decoder.as_mut() {
                match decoder.read(buf) {
                    Ok(0) => self.source = self.decoder.take().map(|d| d.into_inner()),
                    Ok(n) => return Ok(n),
                    Err(e) => {
                        if let Some(mut source) = self.decoder.take().map(|d| d.into_inner()) {
                            source.seek(SeekFrom::Start(self.member_start + 1))?;
                            skip_to_gzip_header(&mut source)?;
                            self.source = Some(source);
                        }
                        return Err(e);
                    }
                }
            }
            let Some(mut source) = self.source.take() else {
                return Ok(0);
            };
            if source.fill_buf()?.is_empty() {
                return Ok(0);
            }
            self.member_start = source.stream_position()?;
            self.decoder = Some(flate2::bufread::GzDecoder::new(source));
        }
    }
}

/// Passes over bytes to the next gzip header (`1f 8b 08`), or to the end.
fn skip_to_gzip_header<R: Read + Seek>(source: &mut BufReader<R>) -> std::io::Result<()> {
    const MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];
    let mut matched = 0;
    loop {
        let chunk = source.fill_buf()?;
        if chunk.is_empty() {
            return Ok(());
        }
        let mut found = None;
        for (i, &b) in chunk.iter().enumerate() {
            matched = if b == MAGIC[matched] {
                matched + 1
            } else {
                usize::from(b == MAGIC[0])
            };
            if matched == MAGIC.len() {
                found = Some(i + 1);
                break;
            }
        }
        let end = found.unwrap_or(chunk.len());
        source.consume(end);
        if found.is_some() {
            return source.seek_relative(-(MAGIC.len() as i64));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Any bytes as an HTTP response: no panic.
        #[test]
        fn any_response_is_read_without_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..1000)) {
            let mut block = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            block.extend_from_slice(&bytes);
            let _ = response_document(&block, 1 << 20);
            let _ = response_document(&bytes, 1 << 20);
            let _ = dechunk(&bytes);
        }
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            dechunk(b"4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n"),
            b"Wikipedia"
        );
        assert_eq!(dechunk(b"zz\r\nbroken"), b"");
    }

    #[test]
    fn responses_of_every_kind() {
        let page = response_document(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n<p>caf\xe9</p>",
            1 << 20,
        )
        .expect("html");
        assert_eq!(page.text, "caf\u{e9}");
        let plain = response_document(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\na <b> & c",
            1 << 20,
        )
        .expect("text");
        assert_eq!(plain.text, "a <b> & c");
        let image = response_document(
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
            1 << 20,
        );
        assert_eq!(image.err(), Some(SkipReason::NotText("image/png".into())));
        assert!(response_document(b"no headers", 1 << 20).is_err());
    }
}
