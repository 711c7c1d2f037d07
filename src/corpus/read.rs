//! Reading and decoding one input file into documents.
//!
//! Every problem becomes a [`Skipped`] entry with a reason; nothing here panics or aborts the
//! scan.

use std::io::{BufRead, BufReader, Read};

use serde_json::Value;

use super::source::{
    decompressed, looks_binary, open, open_regular, read_error_reason, read_whole, FieldsSeen,
    FileOutcome, NAMED_RECORDS,
};
use super::InputOptions;
use super::{Compression, Document, Format, InputFile, SkipReason, Skipped};

/// Reads `file`, calling `emit` once per document in file order. Every reader's documents
/// pass `bounded`: ids are capped, and a document of more lines than its segments may cost
/// is skipped with the reason.
pub fn read_documents(
    file: &InputFile,
    opts: &InputOptions,
    mut emit: impl FnMut(Document),
) -> FileOutcome {
    let mut too_long = Vec::new();
    let mut outcome = read_unbounded(file, opts, |doc| match bounded(doc, opts) {
        Ok(doc) => emit(doc),
        Err(skipped) => too_long.push(skipped),
    });
    outcome.count_out(too_long);
    outcome
}

/// Longest document id kept whole; a longer id (a JSONL or Parquet id field, a WARC URI) is
/// cut to its first [`ID_KEPT_BYTES`] bytes, `…` and the xxh3 of the whole id in hex, so that
/// ids stay distinct and every output that names documents stays small.
pub const MAX_ID_BYTES: usize = 1024;

/// Bytes of a capped id kept before its hash.
const ID_KEPT_BYTES: usize = 1000;

/// Most lines a document may have per byte of `--max-bytes`: segmenting costs about 300
/// bytes per line, so the segments of one document stay within about 1.2 × `--max-bytes`
/// (262,144 lines by default) however short its lines are.
pub const BYTES_PER_LINE_ALLOWED: u64 = 256;

/// Lines every document may have, however small `--max-bytes` is.
pub const MIN_LINES_ALLOWED: u64 = 4096;

/// `doc` with its id capped ([`MAX_ID_BYTES`]), or its skip entry when it has more lines than
/// `--max-bytes / 256` (at least [`MIN_LINES_ALLOWED`]).
fn bounded(mut doc: Document, opts: &InputOptions) -> Result<Document, (Skipped, u64)> {
    let max_lines = (opts.max_bytes / BYTES_PER_LINE_ALLOWED).max(MIN_LINES_ALLOWED);
    if doc.text.len() as u64 > max_lines {
        let lines = doc.text.bytes().filter(|&b| b == b'\n').count() as u64 + 1;
        if lines > max_lines {
            let path = match doc.line {
                0 => doc.path,
                n => format!("{}:{n}", doc.path),
            };
            let skipped = Skipped {
                path,
                reason: SkipReason::TooManyLines(max_lines),
            };
            return Err((skipped, doc.text.len() as u64));
        }
    }
    if doc.id.len() > MAX_ID_BYTES && doc.id != doc.path {
        let mut cut = ID_KEPT_BYTES;
        while !doc.id.is_char_boundary(cut) {
            cut -= 1;
        }
        let hash = xxhash_rust::xxh3::xxh3_64(doc.id.as_bytes());
        doc.id = format!("{}…{hash:016x}", &doc.id[..cut]);
    }
    Ok(doc)
}

/// [`read_documents`] without the bounds.
fn read_unbounded(
    file: &InputFile,
    opts: &InputOptions,
    mut emit: impl FnMut(Document),
) -> FileOutcome {
    let mut outcome = FileOutcome::default();
    if file.compression == Compression::None
        && matches!(file.format, Format::Text | Format::Html)
        && file.size > opts.max_bytes
    {
        outcome.skip(&file.rel, SkipReason::FileTooLarge(file.size));
        return outcome;
    }
    if file.format == Format::Parquet {
        super::parquet::read_parquet(file, opts, &mut outcome, &mut emit);
        return outcome;
    }
    if file.format == Format::Memory {
        return outcome;
    }
    if file.format == Format::Warc {
        let open = || super::warc::warc_stream(open_regular(&file.path)?, file.compression);
        super::warc::read_warc(file, opts, &open, &mut outcome, &mut emit);
        return outcome;
    }
    match open(file) {
        Ok(reader) => read_from(file, opts, reader, &mut outcome, &mut emit),
        Err(reason) => outcome.skip(&file.rel, reason),
    }
    outcome
}

/// Reads the documents of `file` from `reader`, the file's bytes with compression undone.
fn read_from(
    file: &InputFile,
    opts: &InputOptions,
    reader: Box<dyn Read>,
    outcome: &mut FileOutcome,
    emit: &mut impl FnMut(Document),
) {
    match file.format {
        Format::Text => read_text(file, opts, reader, outcome, emit),
        Format::JsonLines => read_jsonl(file, opts, reader, outcome, emit),
        Format::Html => super::page::read_html(file, opts, reader, outcome, emit),
        // read by read_documents and read_bytes: they need a file they can open again
        Format::Warc | Format::Parquet => {}
        // no file holds them: their text is in the scan's records
        Format::Memory => {}
    }
}

/// Reads documents from `bytes` as from a file `input` of this format and compression: the
/// fuzz targets' entry point (no file is opened; the limits of `opts` apply as to a file).
pub fn read_bytes(
    bytes: Vec<u8>,
    format: Format,
    compression: Compression,
    opts: &InputOptions,
    mut emit: impl FnMut(Document),
) -> FileOutcome {
    let mut too_long = Vec::new();
    let mut outcome = read_bytes_unbounded(bytes, format, compression, opts, |doc| {
        match bounded(doc, opts) {
            Ok(doc) => emit(doc),
            Err(skipped) => too_long.push(skipped),
        }
    });
    outcome.count_out(too_long);
    outcome
}

/// [`read_bytes`] without the bounds.
fn read_bytes_unbounded(
    bytes: Vec<u8>,
    format: Format,
    compression: Compression,
    opts: &InputOptions,
    mut emit: impl FnMut(Document),
) -> FileOutcome {
    let file = InputFile {
        path: std::path::PathBuf::from("input"),
        rel: "input".to_string(),
        clean_rel: "input".to_string(),
        site: None,
        format,
        compression,
        size: bytes.len() as u64,
    };
    let mut outcome = FileOutcome::default();
    let whole = matches!(format, Format::Text | Format::Html);
    if compression == Compression::None && whole && file.size > opts.max_bytes {
        outcome.skip(&file.rel, SkipReason::FileTooLarge(file.size));
        return outcome;
    }
    if format == Format::Warc {
        let bytes: std::sync::Arc<[u8]> = bytes.into();
        let open = || super::warc::warc_stream(std::io::Cursor::new(bytes.clone()), compression);
        super::warc::read_warc(&file, opts, &open, &mut outcome, &mut emit);
        return outcome;
    }
    if format == Format::Parquet {
        super::parquet::read_parquet_bytes(bytes, &file, opts, &mut outcome, &mut emit);
        return outcome;
    }
    match decompressed(compression, std::io::Cursor::new(bytes)) {
        Ok(reader) => read_from(&file, opts, reader, &mut outcome, &mut emit),
        Err(reason) => outcome.skip(&file.rel, reason),
    }
    outcome
}

fn read_text(
    file: &InputFile,
    opts: &InputOptions,
    reader: Box<dyn Read>,
    outcome: &mut FileOutcome,
    emit: &mut impl FnMut(Document),
) {
    let bytes = match read_whole(file, opts, reader) {
        Ok(bytes) => bytes,
        Err(reason) => {
            outcome.skip(&file.rel, reason);
            return;
        }
    };
    let read = bytes.len() as u64;
    let (text, lossy) = match decode_text(bytes) {
        Ok(decoded) => decoded,
        Err(reason) => {
            outcome.skip(&file.rel, reason);
            return;
        }
    };
    outcome.bytes += read; // only documents used count, not skipped files
    emit(Document {
        id: file.rel.clone(),
        path: file.rel.clone(),
        line: 0,
        site: file.site.clone(),
        text,
        lossy_utf8: lossy,
        boilerplate: Vec::new(),
        items: Vec::new(),
    });
}

/// The text of a whole-file document from its bytes (UTF-16 by its byte-order mark, else UTF-8
/// with invalid sequences replaced; lone CRs end lines) and whether anything was replaced.
pub(crate) fn decode_text(bytes: Vec<u8>) -> Result<(String, bool), SkipReason> {
    let (text, lossy) = match utf16_order(&bytes) {
        Some(big_endian) => (decode_utf16(&bytes[2..], big_endian), false),
        None if looks_binary(&bytes) => return Err(SkipReason::BinaryFile),
        None => decode_utf8(bytes),
    };
    let text = lone_cr_to_lf(text);
    if text.trim().is_empty() {
        return Err(SkipReason::Empty);
    }
    Ok((text, lossy))
}

/// Whether a whole-file document's bytes are UTF-16 (its text is then not its bytes).
pub(crate) fn is_utf16(bytes: &[u8]) -> bool {
    utf16_order(bytes).is_some()
}

/// The value of `name` in a JSON object: the key itself, or a dotted path into nested objects
/// (`meta.domain`) when no key has that name.
fn field<'v>(obj: &'v serde_json::Map<String, Value>, name: &str) -> Option<&'v Value> {
    if let Some(v) = obj.get(name) {
        return Some(v);
    }
    let mut parts = name.split('.');
    let mut value = obj.get(parts.next()?)?;
    for part in parts {
        value = value.as_object()?.get(part)?;
    }
    Some(value)
}

/// [`field`], for changing the value (the clean copy writes the cleaned text back).
pub(crate) fn field_mut<'v>(value: &'v mut Value, name: &str) -> Option<&'v mut Value> {
    let obj = value.as_object_mut()?;
    if obj.contains_key(name) {
        return obj.get_mut(name);
    }
    let mut parts = name.split('.');
    let mut value = obj.get_mut(parts.next()?)?;
    for part in parts {
        value = value.as_object_mut()?.get_mut(part)?;
    }
    Some(value)
}

/// The byte order of a UTF-16 text, from its byte-order mark (`true`: big-endian).
fn utf16_order(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0xFF, 0xFE, ..] => Some(false),
        [0xFE, 0xFF, ..] => Some(true),
        _ => None,
    }
}

/// Decodes UTF-16 (without its byte-order mark), replacing invalid sequences.
fn decode_utf16(bytes: &[u8], big_endian: bool) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| {
            if big_endian {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        })
        .collect();
    String::from_utf16_lossy(&units)
}

/// Old Mac line ends: a CR not followed by LF ends a line too. Replaced in place (one byte for
/// one), so byte offsets into the text do not move.
fn lone_cr_to_lf(text: String) -> String {
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return text;
    }
    let mut bytes = text.into_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    // Only an ASCII byte changed for another: still UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Reads one line (through its `\n`) into `buf`, keeping at most `max + 1` bytes of it: a line
/// longer than the limit is read to its end but not held, so memory stays bounded. Returns the
/// bytes the line had (0 at the end of the input).
fn read_line_bounded(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: u64,
) -> std::io::Result<u64> {
    let keep = max.saturating_add(1);
    let mut total = 0u64;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(total);
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        let room = keep.saturating_sub(buf.len() as u64).min(take as u64) as usize;
        buf.extend_from_slice(&chunk[..room]);
        reader.consume(take);
        total += take as u64;
        if done {
            return Ok(total);
        }
    }
}

/// Decodes UTF-8, replacing invalid sequences; the flag says whether any were replaced.
fn decode_utf8(bytes: Vec<u8>) -> (String, bool) {
    // simdutf8 checks valid text several times faster than the standard library, which still
    // finds where invalid text goes wrong.
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: the bytes were just checked to be UTF-8.
        return (unsafe { String::from_utf8_unchecked(bytes) }, false);
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, false),
        Err(err) => (String::from_utf8_lossy(err.as_bytes()).into_owned(), true),
    }
}

/// The first line of `reader` that is not blank, read no further than `max` bytes: what tells
/// a `.json` file of JSON Lines from one JSON document. `None` when there is none or it
/// cannot be read.
pub(crate) fn first_record_line(reader: Box<dyn Read>, max: u64) -> Option<String> {
    let mut reader = BufReader::new(reader);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match read_line_bounded(&mut reader, &mut buf, max) {
            Ok(0) | Err(_) => return None,
            Ok(_) if buf.iter().all(|b| b.is_ascii_whitespace()) => continue,
            Ok(_) => return Some(String::from_utf8_lossy(&buf).into_owned()),
        }
    }
}

fn read_jsonl(
    file: &InputFile,
    opts: &InputOptions,
    reader: Box<dyn Read>,
    outcome: &mut FileOutcome,
    emit: &mut impl FnMut(Document),
) {
    for_each_json_record(file, opts, reader, outcome, |record| emit(record.doc));
}

/// One JSON Lines record: the document and the object it was read from (whose text field
/// holds the text before line ends were normalised; byte offsets are the same in both).
pub(crate) struct JsonRecord {
    /// The document, as a scan reads it.
    pub doc: Document,
    /// The parsed line.
    pub value: Value,
}

/// Reads the records of a JSON Lines file, calling `each` for every line that is a document;
/// every other line is a skipped entry in `outcome`. The scan and the clean copy read lines
/// through this one function, so they agree on what each line holds.
pub(crate) fn for_each_json_record(
    file: &InputFile,
    opts: &InputOptions,
    reader: Box<dyn Read>,
    outcome: &mut FileOutcome,
    mut each: impl FnMut(JsonRecord),
) {
    let mut reader = BufReader::new(reader);
    let mut buf = Vec::new();
    let mut line_no: u32 = 0;
    loop {
        buf.clear();
        let line_bytes = match read_line_bounded(&mut reader, &mut buf, opts.max_bytes) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) => {
                let path = format!("{}:{}", file.rel, line_no + 1);
                outcome.skip(&path, read_error_reason(file, &err));
                break;
            }
        };
        line_no += 1;
        let where_ = format!("{}:{}", file.rel, line_no);
        if line_no == 1 && utf16_order(&buf).is_some() {
            outcome.skip(&file.rel, SkipReason::Utf16JsonLines);
            break;
        }
        if line_no == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3); // a UTF-8 byte-order mark is not part of the first record
        }
        if buf.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        if line_bytes > opts.max_bytes {
            outcome.skip(&where_, SkipReason::JsonLineTooLarge);
            continue;
        }
        let line = std::mem::take(&mut buf);
        match json_record(file, opts, line_no, line, &mut outcome.fields) {
            Ok(record) => {
                outcome.bytes += line_bytes; // only documents used count, not skipped lines
                each(record);
            }
            Err(reason) => outcome.skip(&where_, reason),
        }
    }
}

/// What is wrong with a JSON Lines record: serde's message with the column in the record, not
/// serde's line (always 1: the skipped entry's path `file:line` names the file's line).
fn json_error(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let position = format!(" at line {} column {}", err.line(), err.column());
    match text.strip_suffix(&position) {
        Some(message) if err.line() == 1 => format!("{message} at column {}", err.column()),
        _ => text,
    }
}

/// The document of JSON line `line_no` (its bytes with their line end), or why it is none.
fn json_record(
    file: &InputFile,
    opts: &InputOptions,
    line_no: u32,
    line: Vec<u8>,
    seen: &mut FieldsSeen,
) -> Result<JsonRecord, SkipReason> {
    let (line, lossy) = decode_utf8(line);
    // The record without its line end, so that serde sees one line and its column is one in
    // the record (a record cut off inside a string ends there, not at a control character on
    // "line 2").
    let record = line.strip_suffix('\n').unwrap_or(&line);
    let record = record.strip_suffix('\r').unwrap_or(record);
    let value: Value =
        serde_json::from_str(record).map_err(|err| SkipReason::MalformedJson(json_error(&err)))?;
    let obj = value.as_object().ok_or(SkipReason::NotAnObject)?;
    if seen.records < NAMED_RECORDS {
        seen.note_fields(obj);
    }
    seen.records += 1;
    seen.text += u64::from(field(obj, &opts.text_field).is_some());
    seen.id += u64::from(field(obj, &opts.id_field).is_some());
    if let Some(name) = &opts.site_field {
        seen.site += u64::from(field(obj, name).is_some());
    }
    let text = match field(obj, &opts.text_field) {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(SkipReason::FieldNotString(opts.text_field.clone())),
        None => return Err(SkipReason::MissingField(opts.text_field.clone())),
    };
    if text.contains('\0') {
        return Err(SkipReason::BinaryText);
    }
    if text.trim().is_empty() {
        return Err(SkipReason::Empty);
    }
    let text = lone_cr_to_lf(text);
    let id = match field(obj, &opts.id_field) {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => format!("{}:{}", file.rel, line_no),
    };
    let site = match &opts.site_field {
        Some(name) => match field(obj, name) {
            Some(Value::String(s)) if !s.is_empty() => super::site::of_value(s, &opts.site_mode),
            Some(Value::Number(n)) => super::site::of_name(&n.to_string(), &opts.site_mode),
            _ => file.site.clone(),
        },
        None => file.site.clone(),
    };
    let doc = Document {
        id,
        path: file.rel.clone(),
        line: line_no,
        site,
        text,
        lossy_utf8: lossy,
        boilerplate: Vec::new(),
        items: Vec::new(),
    };
    Ok(JsonRecord { doc, value })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use std::io::Write;

    fn input(dir: &std::path::Path, name: &str, bytes: &[u8]) -> InputFile {
        let path = dir.join(name);
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(bytes))
            .expect("write test file");
        let (format, compression) = super::super::walk::classify(&path).expect("input type");
        InputFile {
            size: bytes.len() as u64,
            path,
            rel: name.to_string(),
            clean_rel: name.to_string(),
            site: Some("s".to_string()),
            format,
            compression,
        }
    }

    fn read_all(file: &InputFile) -> (Vec<Document>, FileOutcome) {
        let cfg = Config::new(".");
        let mut docs = Vec::new();
        let out = read_documents(file, &cfg.input, |d| docs.push(d));
        (docs, out)
    }

    #[test]
    fn jsonl_fields_fallbacks_and_bad_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let body = b"{\"id\":\"a\",\"text\":\"hello world\"}\n\n{\"text\":\"no id\"}\nnot json\n{\"id\":3,\"body\":\"x\"}\n[1]\n";
        let f = input(dir.path(), "d.jsonl", body);
        let (docs, out) = read_all(&f);
        let ids: Vec<_> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, vec!["a", "d.jsonl:3"]);
        let reasons: Vec<String> = out.skipped.iter().map(|s| s.reason.to_string()).collect();
        assert_eq!(reasons.len(), 3);
        assert!(reasons[0].starts_with("malformed JSON"));
        assert!(reasons[1].contains("no 'text' field"));
        assert!(reasons[2].contains("not an object"));
        assert_eq!(out.skipped[0].path, "d.jsonl:4");
    }

    #[test]
    fn gzip_and_zstd_round_trip_and_broken_streams() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"compressed text here").expect("gzip");
        let gz = gz.finish().expect("gzip");
        let (docs, _) = read_all(&input(dir.path(), "a.txt.gz", &gz));
        assert_eq!(docs[0].text, "compressed text here");
        let zst = ruzstd::encoding::compress_to_vec(
            &b"zstd text"[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        let (docs, _) = read_all(&input(dir.path(), "b.txt.zst", &zst));
        assert_eq!(docs[0].text, "zstd text");
        // two frames, as pzstd or `cat a.zst b.zst` write them
        let second = ruzstd::encoding::compress_to_vec(
            &b" and more"[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        let two = [zst.clone(), second].concat();
        let (docs, out) = read_all(&input(dir.path(), "f.txt.zst", &two));
        assert_eq!(docs[0].text, "zstd text and more", "{:?}", out.skipped);
        let (docs, out) = read_all(&input(dir.path(), "c.txt.gz", &gz[..gz.len() / 2]));
        assert!(docs.is_empty());
        assert!(matches!(out.skipped[0].reason, SkipReason::BrokenGzip(_)));
        let (docs, out) = read_all(&input(dir.path(), "d.txt.zst", b"not zstd at all"));
        assert!(docs.is_empty());
        assert!(matches!(out.skipped[0].reason, SkipReason::BrokenZstd(_)));
    }

    #[test]
    fn binary_empty_and_lossy() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (d, out) = read_all(&input(dir.path(), "b.txt", b"ab\0cd"));
        assert!(d.is_empty() && out.skipped[0].reason == SkipReason::BinaryFile);
        let (d, out) = read_all(&input(dir.path(), "e.txt", b"  \n\n "));
        assert!(d.is_empty() && out.skipped[0].reason == SkipReason::Empty);
        let (d, _) = read_all(&input(dir.path(), "l.txt", b"caf\xe9 ok"));
        assert!(d[0].lossy_utf8);
        assert_eq!(d[0].text, "caf\u{fffd} ok");
    }

    #[test]
    fn a_byte_order_mark_does_not_cost_the_first_record() {
        let dir = tempfile::tempdir().expect("tempdir");
        let body = b"\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"first record\"}\n{\"id\":\"b\",\"text\":\"second\"}\n";
        let (docs, out) = read_all(&input(dir.path(), "bom.jsonl", body));
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, vec!["a", "b"], "{:?}", out.skipped);
    }

    #[test]
    fn utf16_text_is_decoded_and_utf16_jsonl_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut le = vec![0xFF, 0xFE];
        le.extend(
            "Grüße aus Köln\nzweite Zeile"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        let (docs, out) = read_all(&input(dir.path(), "le.txt", &le));
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        assert_eq!(docs[0].text, "Grüße aus Köln\nzweite Zeile");
        let mut be = vec![0xFE, 0xFF];
        be.extend("big endian".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(
            read_all(&input(dir.path(), "be.md", &be)).0[0].text,
            "big endian"
        );
        let mut jsonl = vec![0xFF, 0xFE];
        jsonl.extend(
            "{\"text\":\"x\"}\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        let (docs, out) = read_all(&input(dir.path(), "w.jsonl", &jsonl));
        assert!(docs.is_empty());
        assert_eq!(out.skipped[0].reason, SkipReason::Utf16JsonLines);
    }

    #[test]
    fn lone_carriage_returns_end_lines_and_keep_offsets() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (docs, _) = read_all(&input(dir.path(), "mac.txt", b"one\rtwo\r\nthree\r"));
        assert_eq!(docs[0].text, "one\ntwo\r\nthree\n");
    }

    #[test]
    fn an_overlong_json_line_is_skipped_without_being_held() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut body = b"{\"text\":\"".to_vec();
        body.extend(std::iter::repeat_n(b'a', 5000));
        body.extend(b"\"}\n{\"id\":\"after\",\"text\":\"short\"}\n");
        let f = input(dir.path(), "long.jsonl", &body);
        let mut cfg = Config::new(".");
        cfg.input.max_bytes = 100;
        let mut docs = Vec::new();
        let out = read_documents(&f, &cfg.input, |d| docs.push(d));
        assert_eq!(out.skipped[0].reason, SkipReason::JsonLineTooLarge);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].id, "after");
        // the bounded reader holds at most the limit and one byte of a line
        let mut buf = Vec::new();
        let mut reader = std::io::BufReader::new(&body[..]);
        let n = read_line_bounded(&mut reader, &mut buf, 100).expect("read");
        assert_eq!(n, 5012);
        assert_eq!(buf.len(), 101);
    }

    /// A file replaced by a FIFO after the walk is refused, never waited on.
    #[cfg(unix)]
    #[test]
    fn a_fifo_in_place_of_a_file_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = input(dir.path(), "page.txt", b"some text");
        std::fs::remove_file(&f.path).expect("rm");
        let c = std::ffi::CString::new(f.path.to_str().expect("path")).expect("c string");
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a file system entry.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let (docs, out) = read_all(&f);
        assert!(docs.is_empty());
        assert_eq!(out.skipped[0].reason, SkipReason::NotARegularFile);
        let cfg = Config::new(".");
        let err = crate::explain::from_files(&cfg, f.path.to_str().expect("path"), "x");
        assert!(err.is_err());
    }

    #[test]
    fn fields_can_be_dotted_paths_into_nested_objects() {
        let dir = tempfile::tempdir().expect("tempdir");
        let body = b"{\"meta\":{\"id\":\"n1\",\"domain\":\"example.org\"},\"content\":{\"body\":\"nested text here\"}}\n{\"meta.id\":\"flat\",\"content\":{\"body\":\"a key with a dot wins\"}}\n";
        let f = input(dir.path(), "n.jsonl", body);
        let mut cfg = Config::new(".");
        cfg.input.text_field = "content.body".into();
        cfg.input.id_field = "meta.id".into();
        cfg.input.site_field = Some("meta.domain".into());
        let mut docs = Vec::new();
        let out = read_documents(&f, &cfg.input, |d| docs.push(d));
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        assert_eq!(docs[0].id, "n1");
        assert_eq!(docs[0].site.as_deref(), Some("example.org"));
        assert_eq!(docs[0].text, "nested text here");
        assert_eq!(docs[1].id, "flat");
    }
}
