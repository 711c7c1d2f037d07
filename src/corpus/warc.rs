//! WARC archives (`.warc`, `.warc.gz` with a gzip member per record, as crawlers write them):
//! each `response` record whose HTTP payload is HTML or plain text is a document, its id the
//! record's `WARC-Target-URI` and its site the URI's host. Records of other types (request,
//! metadata, warcinfo…) are counted, not read.

use std::io::{BufRead, BufReader, Read};

use super::html::{charset_param, page_document};
use super::read::{read_error_reason, FileOutcome};
use super::{Document, InputFile, SkipReason};
use crate::config::InputOptions;

/// Longest header block of a record or its HTTP response that is read.
const MAX_HEADER: usize = 64 * 1024;

/// One record's WARC headers that matter here.
#[derive(Debug, Default)]
struct RecordHeader {
    kind: String,
    uri: String,
    content_type: String,
    length: u64,
}

/// Reads a WARC file, calling `emit` per document in record order (`Document::line` is the
/// record's 1-based number, so annotations and the clean copy find it).
pub(super) fn read_warc(
    file: &InputFile,
    opts: &InputOptions,
    reader: Box<dyn Read>,
    outcome: &mut FileOutcome,
    emit: &mut impl FnMut(Document),
) {
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    let mut number: u32 = 0;
    let mut others: u64 = 0;
    loop {
        let header = match read_header(&mut reader, file) {
            Ok(Some(h)) => h,
            Ok(None) => break,
            Err(HeaderError::CutOff(reason)) if number > 0 => {
                // Nothing of another record was read: the last record's gzip member ends
                // early (its trailer), or the next one does before its first line. Either
                // way there is no record `number + 1` to name; the file and the record the
                // cut follows are what is true.
                outcome.skip(&file.rel, cut_off_after(reason, number));
                break;
            }
            Err(HeaderError::CutOff(reason) | HeaderError::Record(reason)) => {
                outcome.skip(&format!("{}:{}", file.rel, number + 1), reason);
                break;
            }
        };
        number += 1;
        let at = format!("{}:{}", file.rel, number);
        let wanted = header.kind == "response"
            && header.content_type.starts_with("application/http")
            && header.length <= opts.max_bytes;
        if !wanted {
            if header.kind == "response" && header.length > opts.max_bytes {
                outcome.skip(&at, SkipReason::DecompressedTooLarge);
            } else if header.kind != "response" {
                others += 1;
            }
            if let Err(e) =
                std::io::copy(&mut (&mut reader).take(header.length), &mut std::io::sink())
            {
                outcome.skip(&at, read_error_reason(file, &e));
                break;
            }
            continue;
        }
        let mut block = Vec::with_capacity(header.length as usize);
        match (&mut reader).take(header.length).read_to_end(&mut block) {
            Ok(n) if (n as u64) < header.length => {
                outcome.skip(&at, SkipReason::TruncatedRecord);
                break;
            }
            Ok(_) => {}
            Err(e) => {
                outcome.skip(&at, read_error_reason(file, &e));
                break;
            }
        }
        match response_document(&block, opts.max_bytes) {
            Ok(page) => {
                outcome.bytes += block.len() as u64;
                emit(Document {
                    site: super::site::of_url(&header.uri, &opts.site_mode)
                        .or_else(|| file.site.clone()),
                    id: if header.uri.is_empty() {
                        at.clone()
                    } else {
                        header.uri.clone()
                    },
                    path: file.rel.clone(),
                    line: number,
                    text: page.text,
                    lossy_utf8: page.lossy,
                    boilerplate: page.boilerplate,
                });
            }
            Err(reason) => outcome.skip(&at, reason),
        }
    }
    if others > 0 {
        outcome.skip(&file.rel, SkipReason::OtherWarcRecords(others));
    }
}

/// Why the next record's header was not read.
#[derive(Debug)]
enum HeaderError {
    /// The archive could not be read further before any byte of another record: a gzip
    /// member cut off in the previous record's trailer or before the next record's first line.
    CutOff(SkipReason),
    /// A record starts but its header is cut off or malformed.
    Record(SkipReason),
}

/// A read error met between records, said as what it is: the archive cut off after record
/// `number` (the error's own words kept).
fn cut_off_after(reason: SkipReason, number: u32) -> SkipReason {
    let said = |e: String| format!("{e} (the archive is cut off after record {number})");
    match reason {
        SkipReason::BrokenGzip(e) => SkipReason::BrokenGzip(said(e)),
        SkipReason::BrokenZstd(e) => SkipReason::BrokenZstd(said(e)),
        SkipReason::Unreadable(e) => SkipReason::Unreadable(said(e)),
        other => other,
    }
}

/// The next record's header, `None` at the end of the archive. The blank lines that end the
/// previous record are passed over.
fn read_header(
    reader: &mut impl BufRead,
    file: &InputFile,
) -> Result<Option<RecordHeader>, HeaderError> {
    let mut line = Vec::new();
    // the version line, after the CRLF CRLF that ends the previous record
    loop {
        line.clear();
        let n = read_line(reader, &mut line, file).map_err(HeaderError::CutOff)?;
        if n == 0 {
            return Ok(None);
        }
        if !line.trim_ascii().is_empty() {
            break;
        }
    }
    record_header(reader, file, &line)
        .map(Some)
        .map_err(HeaderError::Record)
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
fn response_document(block: &[u8], max_bytes: u64) -> Result<super::html::Page, SkipReason> {
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
            let html = format!("<pre>{}</pre>", escape(&String::from_utf8_lossy(&body)));
            page_document(html.as_bytes(), None)
        }
        other => Err(SkipReason::NotText(other.to_string())),
    }
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
        if size == 0 || at + size > body.len() {
            out.extend_from_slice(&body[at..(at + size).min(body.len())]);
            break;
        }
        out.extend_from_slice(&body[at..at + size]);
        at += size + 2;
        if at >= body.len() {
            break;
        }
    }
    out
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
