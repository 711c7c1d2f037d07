//! A fuzz harness that runs in every test run: the text, JSONL, gzip and zstd readers on
//! arbitrary bytes and on valid inputs broken by flips, cuts and splices. Whatever the input,
//! a reader never panics, never hangs, keeps each document within `--max-bytes`, and every
//! byte it reports read belongs to a document. (The `fuzz/` folder holds the same targets for
//! `cargo fuzz`, coverage-guided, for longer runs.)

use super::broken;
use crate::support::gzip;
use neardup::internals::read_bytes;
use neardup::{Compression, Config, Format};
use proptest::prelude::*;

/// Small limits, so that the bounds are reached by small inputs.
const MAX_BYTES: u64 = 2048;

fn options() -> neardup::config::InputOptions {
    let mut cfg = Config::new(".");
    cfg.input.max_bytes = MAX_BYTES;
    cfg.input.site_field = Some("meta.site".to_string());
    cfg.input
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(bytes, ruzstd::encoding::CompressionLevel::Fastest)
}

/// Reads `bytes` and checks what every reader must hold.
fn check(bytes: Vec<u8>, format: Format, compression: Compression) -> Result<(), TestCaseError> {
    let opts = options();
    let mut docs = Vec::new();
    let outcome = read_bytes(bytes, format, compression, &opts, |d| docs.push(d));
    let mut text_bytes = 0u64;
    for d in &docs {
        prop_assert!(!d.text.trim().is_empty(), "an empty document was emitted");
        // Decoding may grow text (an invalid byte becomes 3 bytes of U+FFFD) but is bounded.
        prop_assert!(
            d.text.len() as u64 <= 3 * MAX_BYTES,
            "document of {} bytes",
            d.text.len()
        );
        text_bytes += d.text.len() as u64;
    }
    // Only documents' bytes count, each within the limit (a JSON line with its line end).
    prop_assert!(
        outcome.bytes <= docs.len() as u64 * (MAX_BYTES + 1),
        "{} bytes",
        outcome.bytes
    );
    prop_assert!(text_bytes <= docs.len() as u64 * 3 * MAX_BYTES);
    Ok(())
}

/// A JSON line: a record, a near-record, or garbage.
fn json_line() -> impl Strategy<Value = String> {
    prop_oneof![
        ("[a-z ]{0,80}", "[a-z0-9]{0,8}", any::<u64>()).prop_map(|(text, id, n)| format!(
            r#"{{"id":"{id}","n":{n},"meta":{{"site":"s{}"}},"text":"{text}"}}"#,
            n % 3
        )),
        "[a-z ]{0,40}".prop_map(|t| format!(r#"{{"text":{t:?},"id":123456789012345678901234}}"#)),
        "\\PC{0,60}".prop_map(|t| format!(r#"{{"text":"{t}"}}"#)),
        Just(r#"{"text": 5}"#.to_string()),
        Just(r#"["not", "an", "object"]"#.to_string()),
        Just("\u{feff}{\"text\":\"bom\"}".to_string()),
        "\\PC{0,100}",
    ]
}

fn jsonl_file() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(json_line(), 0..12).prop_map(|lines| {
        let mut out = lines.join("\n").into_bytes();
        out.push(b'\n');
        out
    })
}

fn text_file() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        "\\PC{0,400}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..600),
        // UTF-16 with a byte-order mark, odd lengths included
        prop::collection::vec(any::<u8>(), 0..200).prop_map(|b| [&[0xFF, 0xFE][..], &b].concat()),
        // past the limit
        Just(vec![b'a'; MAX_BYTES as usize + 1]),
    ]
}

fn compressions() -> impl Strategy<Value = Compression> {
    prop_oneof![
        Just(Compression::None),
        Just(Compression::Gzip),
        Just(Compression::Zstd)
    ]
}

fn compress(bytes: &[u8], c: Compression) -> Vec<u8> {
    match c {
        Compression::None => bytes.to_vec(),
        Compression::Gzip => gzip(bytes),
        Compression::Zstd => zstd(bytes),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn jsonl_reader_holds_on_anything(
        file in jsonl_file(), c in compressions(), cut in any::<usize>(), flip in any::<usize>(),
        splice in prop::collection::vec(any::<u8>(), 0..16), how in any::<u8>(),
    ) {
        check(broken(compress(&file, c), cut, flip, splice, how), Format::JsonLines, c)?;
    }

    #[test]
    fn text_reader_holds_on_anything(
        file in text_file(), c in compressions(), cut in any::<usize>(), flip in any::<usize>(),
        splice in prop::collection::vec(any::<u8>(), 0..16), how in any::<u8>(),
    ) {
        check(broken(compress(&file, c), cut, flip, splice, how), Format::Text, c)?;
    }

    #[test]
    fn readers_hold_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512), c in compressions()) {
        check(bytes.clone(), Format::Text, c)?;
        check(bytes, Format::JsonLines, c)?;
    }
}

/// A compressed file that inflates far past the limit is cut at the limit while it is read.
#[test]
fn a_bomb_is_read_only_to_the_limit() {
    let line = vec![b'a'; 50 * MAX_BYTES as usize];
    for c in [Compression::Gzip, Compression::Zstd] {
        let mut docs = 0;
        let out = read_bytes(compress(&line, c), Format::JsonLines, c, &options(), |_| {
            docs += 1
        });
        assert_eq!(docs, 0);
        assert_eq!(out.skipped.len(), 1, "{:?}", out.skipped);
        let out = read_bytes(compress(&line, c), Format::Text, c, &options(), |_| {
            docs += 1
        });
        assert_eq!(docs, 0);
        assert_eq!(
            out.skipped[0].reason,
            neardup::SkipReason::DecompressedTooLarge
        );
    }
}
