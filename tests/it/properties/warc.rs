//! The WARC reader on arbitrary bytes and on archives built the way crawlers write them
//! (requests, responses of HTML, text and images, metadata; one gzip member per record or
//! none), then damaged. Whatever the input: no panic; every response of an intact archive is
//! one document or one skip entry with its reason, the other records counted; documents never
//! outnumber the record headers there, and their text is never empty and bounded by the
//! input's size and by `--max-bytes`.

use neardup::internals::read_bytes;
use neardup::{Compression, Config, Format, SkipReason};
use proptest::prelude::*;

use super::broken;
use crate::support::gzip;

/// Small limits, so that the bounds are reached by small inputs.
const MAX_BYTES: u64 = 4096;

/// A byte of input decodes to at most 3 bytes of UTF-8.
const GROWTH: u64 = 3;

fn options() -> neardup::config::InputOptions {
    let mut cfg = Config::new(".");
    cfg.input.max_bytes = MAX_BYTES;
    cfg.input
}

/// One record of an archive: its type, target, HTTP payload, and whether it is a response.
#[derive(Debug, Clone)]
struct Record {
    kind: &'static str,
    uri: String,
    payload: Vec<u8>,
}

impl Record {
    fn bytes(&self) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.1\r\nWARC-Type: {}\r\nWARC-Target-URI: {}\r\nContent-Type: application/http; msgtype={}\r\nContent-Length: {}\r\n\r\n",
            self.kind,
            self.uri,
            self.kind,
            self.payload.len()
        )
        .into_bytes();
        r.extend_from_slice(&self.payload);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }
}

/// An HTTP response: a page, plain text, an image, chunked or not, in a charset or not.
fn payload() -> impl Strategy<Value = Vec<u8>> {
    let body = prop::collection::vec("[a-zé日本 ]{1,40}", 0..40).prop_map(|p| p.join(" "));
    (
        prop_oneof![
            Just("text/html; charset=utf-8"),
            Just("text/html; charset=windows-1252"),
            Just("text/html"),
            Just("text/plain; charset=utf-8"),
            Just("image/png"),
        ],
        body,
        any::<bool>(),
    )
        .prop_map(|(content_type, body, chunked)| {
            let page = if content_type.starts_with("text/html") {
                format!("<html><head><title>t</title></head><body><nav>Home | News</nav><p>{body}</p></body></html>")
            } else {
                body
            };
            let mut r = format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n").into_bytes();
            if chunked {
                r.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
                for piece in page.as_bytes().chunks(50) {
                    r.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
                    r.extend_from_slice(piece);
                    r.extend_from_slice(b"\r\n");
                }
                r.extend_from_slice(b"0\r\n\r\n");
            } else {
                r.extend_from_slice(b"\r\n");
                r.extend_from_slice(page.as_bytes());
            }
            r
        })
}

fn record() -> impl Strategy<Value = Record> {
    (
        prop_oneof![
            4 => Just("response"),
            1 => Just("request"),
            1 => Just("metadata"),
        ],
        "[a-z]{1,8}",
        0u32..1000,
        payload(),
    )
        .prop_map(|(kind, host, n, payload)| Record {
            kind,
            uri: format!("https://{host}.example/page/{n}"),
            payload,
        })
}

/// An archive: its records, and its bytes (one gzip member per record when `gzipped`).
fn archive(records: &[Record], gzipped: bool) -> Vec<u8> {
    records
        .iter()
        .flat_map(|r| if gzipped { gzip(&r.bytes()) } else { r.bytes() })
        .collect()
}

/// Reads `bytes` as a WARC file; checks what holds for any input and returns the documents'
/// ids and the skip entries.
fn read(
    bytes: Vec<u8>,
    compression: Compression,
) -> Result<(Vec<String>, Vec<neardup::Skipped>), TestCaseError> {
    let plain = (compression == Compression::None).then_some(bytes.len() as u64);
    let headers = bytes.windows(7).filter(|w| w == b"WARC/1.").count();
    let mut docs = Vec::new();
    let outcome = read_bytes(bytes, Format::Warc, compression, &options(), |d| {
        docs.push(d)
    });
    for s in &outcome.skipped {
        prop_assert!(
            !s.reason.to_string().trim().is_empty(),
            "a skip without a reason"
        );
    }
    let mut text = 0u64;
    for d in &docs {
        prop_assert!(!d.text.trim().is_empty(), "an empty document was emitted");
        prop_assert!(
            d.text.len() as u64 <= GROWTH * MAX_BYTES,
            "{} bytes",
            d.text.len()
        );
        text += d.text.len() as u64;
    }
    if let Some(plain) = plain {
        prop_assert!(
            docs.len() <= headers,
            "{} documents from {headers} record headers",
            docs.len()
        );
        prop_assert!(
            text <= GROWTH * plain,
            "{text} bytes of text from {plain} bytes of archive"
        );
    }
    Ok((docs.into_iter().map(|d| d.id).collect(), outcome.skipped))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn every_response_of_an_intact_archive_is_read_or_named(
        records in prop::collection::vec(record(), 0..8), gzipped in any::<bool>(),
    ) {
        let compression = if gzipped { Compression::Gzip } else { Compression::None };
        let (ids, skipped) = read(archive(&records, gzipped), compression)?;
        let responses: Vec<&Record> = records.iter().filter(|r| r.kind == "response").collect();
        let others = (records.len() - responses.len()) as u64;
        let named: Vec<_> = skipped
            .iter()
            .filter(|s| !matches!(s.reason, SkipReason::OtherWarcRecords(_)))
            .collect();
        prop_assert_eq!(ids.len() + named.len(), responses.len(), "{:?} {:?}", ids, named);
        let counted: Vec<u64> = skipped
            .iter()
            .filter_map(|s| match s.reason {
                SkipReason::OtherWarcRecords(n) => Some(n),
                _ => None,
            })
            .collect();
        prop_assert_eq!(counted, if others > 0 { vec![others] } else { vec![] });
        for id in &ids {
            prop_assert!(responses.iter().any(|r| &r.uri == id), "{} is no response's target", id);
        }
    }

    #[test]
    fn warc_reader_holds_on_damaged_archives(
        records in prop::collection::vec(record(), 1..6), gzipped in any::<bool>(),
        cut in any::<usize>(), flip in any::<usize>(),
        splice in prop::collection::vec(any::<u8>(), 0..16), how in any::<u8>(),
    ) {
        let compression = if gzipped { Compression::Gzip } else { Compression::None };
        read(broken(archive(&records, gzipped), cut, flip, splice, how), compression)?;
    }

    #[test]
    fn warc_reader_holds_on_random_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..1024), header in any::<bool>(),
    ) {
        // with a record header in front, the reader gets past the first line
        let bytes = if header { [b"WARC/1.0\r\n".as_slice(), &bytes].concat() } else { bytes };
        read(bytes, Compression::None)?;
    }
}

/// The archives the properties build are read as crawlers' archives are: two pages and an
/// image, beside a request.
#[test]
fn a_built_archive_reads_as_its_records_say() {
    let page = |n: u32| Record {
        kind: "response",
        uri: format!("https://a.example/page/{n}"),
        payload: format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>page {n} of the site, a story</p>"
        )
        .into_bytes(),
    };
    let image = Record {
        kind: "response",
        uri: "https://a.example/logo.png".into(),
        payload: b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG".to_vec(),
    };
    let request = Record {
        kind: "request",
        ..page(0)
    };
    for gzipped in [false, true] {
        let compression = if gzipped {
            Compression::Gzip
        } else {
            Compression::None
        };
        let records = [request.clone(), page(1), image.clone(), page(2)];
        let (ids, skipped) = read(archive(&records, gzipped), compression).expect("holds");
        assert_eq!(
            ids,
            ["https://a.example/page/1", "https://a.example/page/2"]
        );
        let reasons: Vec<String> = skipped.iter().map(|s| s.reason.to_string()).collect();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(
            matches!(skipped[1].reason, SkipReason::OtherWarcRecords(1)),
            "{reasons:?}"
        );
    }
}
