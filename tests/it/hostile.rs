//! Hostile crawls (issue 20): damaged WARC archives, Parquet files and pages, edited reports,
//! colliding outputs. Each case runs the real binary on inputs built here; none may panic,
//! abort or hang, every record that can be read is read, and every one that cannot is named
//! with its reason.

use std::path::Path;
use std::process::Output;

use crate::support::skipped_entries as skipped;
use crate::support::{annotations, gzip, neardup, parse_report, stderr, stdout, write_tree};
use neardup::Report;

/// One WARC record, as crawlers write it.
fn record(kind: &str, uri: &str, length: Option<usize>, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nContent-Type: application/http\r\nContent-Length: {}\r\n\r\n",
        length.unwrap_or(block.len())
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

/// An HTTP response holding a short page of `words`.
fn page(name: &str) -> Vec<u8> {
    let words: Vec<String> = (0..40).map(|i| format!("{name}{i}")).collect();
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>{}</p>",
        words.join(" ")
    )
    .into_bytes()
}

/// Runs `neardup` and checks it neither panicked nor aborted.
fn run(cwd: &Path, args: &[&str]) -> Output {
    let out = neardup(cwd, args);
    let stderr = stderr(&out);
    assert!(
        out.status.code().is_some_and(|c| c != 101) && !stderr.contains("panicked"),
        "{args:?}: {:?}\n{stderr}",
        out.status
    );
    out
}

/// Scans `input` (in `dir`) and returns the report.
fn scan(dir: &Path, input: &str, extra: &[&str]) -> Report {
    let mut args = vec!["scan", input, "--report", "r.json", "-q", "--no-timing"];
    args.extend_from_slice(extra);
    let out = run(dir, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.join("r.json")).expect("report");
    serde_json::from_str(&text).expect("report parses")
}

/// F01: a chunk size near `usize::MAX` is a broken chunk, in scan, explain and --clean.
#[test]
fn f01_a_chunk_size_near_usize_max_is_no_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, size) in [
        ("a.warc", "ffffffffffffffff"),
        ("b.warc", "fffffffffffffff0"),
    ] {
        let body = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n{size}\r\nhello\r\n0\r\n\r\n"
        );
        write_tree(
            dir.path(),
            &[(
                name,
                &record("response", "http://a.example/", None, body.as_bytes()),
            )],
        );
    }
    for name in ["a.warc", "b.warc"] {
        let report = scan(dir.path(), name, &["--clean", "out"]);
        assert_eq!(
            report.summary.documents, 1,
            "{name}: the chunk's bytes are read"
        );
        std::fs::remove_dir_all(dir.path().join("out")).expect("rm");
        let id = format!("{name}#1");
        let out = run(dir.path(), &["explain", &id, &id]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

/// F06: damaged Parquet files that panic inside the parquet crate are skipped with the reason.
#[test]
fn f06_a_damaged_parquet_file_is_skipped_with_its_reason() {
    let good = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-arrow.parquet"),
    )
    .expect("fixture");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("ok.parquet"), &good).expect("write");
    assert_eq!(scan(dir.path(), "ok.parquet", &[]).summary.documents, 1);
    // one changed byte each: four different panic sites of the parquet crate
    for (at, byte) in [(28, 0o377), (12, 0), (71, 0o177), (119, 0o177)] {
        let mut bad = good.clone();
        bad[at] = byte;
        std::fs::write(dir.path().join("m.parquet"), &bad).expect("write");
        // nothing read: exit code 3 (issue 23), the report still says why
        let out = run(
            dir.path(),
            &[
                "scan",
                "m.parquet",
                "--report",
                "r.json",
                "-q",
                "--no-timing",
            ],
        );
        assert_eq!(out.status.code(), Some(3));
        let text = std::fs::read_to_string(dir.path().join("r.json")).expect("report");
        let report = parse_report(&text);
        let entries = skipped(&report);
        assert_eq!(entries.len(), 1, "byte {at}: {entries:?}");
        assert!(entries[0].0.starts_with("m.parquet"), "{entries:?}");
        assert!(
            entries[0].1.starts_with("unreadable Parquet: "),
            "{entries:?}"
        );
    }
}

/// F06: every single-byte change of a small Parquet file, through the library's reader: a
/// document or a reason, never a panic.
#[test]
fn f06_every_single_byte_change_of_a_parquet_file_is_read_or_named() {
    let good = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-arrow.parquet"),
    )
    .expect("fixture");
    let opts = neardup::Config::new(".").input;
    for at in 0..good.len() {
        for byte in [0u8, 1, 0x7f, 0x80, 0xff, good[at] ^ 0x10] {
            let mut bad = good.clone();
            bad[at] = byte;
            let mut documents = 0;
            let outcome = neardup::internals::read_bytes(
                bad,
                neardup::Format::Parquet,
                neardup::Compression::None,
                &opts,
                |_| documents += 1,
            );
            assert!(documents > 0 || !outcome.skipped.is_empty(), "byte {at}");
        }
    }
}

/// F07: `neardup report` reads with a size limit no larger than the command line allows,
/// whatever an edited report says, and a WARC claiming 1e17 bytes costs nothing.
#[test]
fn f07_report_does_not_trust_an_edited_max_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(
        dir.path(),
        &[(
            "c/a.txt",
            b"some words of text here for one document alpha bravo charlie",
        )],
    );
    run(dir.path(), &["scan", "c", "--report", "r.json", "-q"]);
    let head = "WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http\r\nContent-Length: 100000000000000000\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
    write_tree(dir.path(), &[("c/b.warc", head.as_bytes())]);
    let report = std::fs::read_to_string(dir.path().join("r.json")).expect("report");
    let mut json: serde_json::Value = serde_json::from_str(&report).expect("json");
    json["summary"]["parameters"]["max_bytes"] = serde_json::json!(1_000_000_000_000_000_000u64);
    std::fs::write(dir.path().join("r.json"), json.to_string()).expect("write");
    let out = run(dir.path(), &["report", "r.json", "--html", "p.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// F02: a record whose Content-Length runs past the end of the archive (a request, or a
/// response over --max-bytes) is named, and the records inside what it claimed are read.
#[test]
fn f02_a_content_length_past_the_end_swallows_no_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut request = record(
        "request",
        "http://e.example/req",
        Some(1_000_000),
        &page("req"),
    );
    request.extend(record(
        "response",
        "http://e.example/one",
        None,
        &page("one"),
    ));
    request.extend(record(
        "response",
        "http://e.example/two",
        None,
        &page("two"),
    ));
    let mut oversized = record(
        "response",
        "http://e.example/big",
        Some(1_000_000_000_000_000_000),
        &page("big"),
    );
    oversized.extend(record(
        "response",
        "http://e.example/one",
        None,
        &page("one"),
    ));
    oversized.extend(record(
        "response",
        "http://e.example/two",
        None,
        &page("two"),
    ));
    write_tree(dir.path(), &[("a.warc", &request), ("b.warc", &oversized)]);
    for name in ["a.warc", "b.warc"] {
        let report = scan(dir.path(), name, &[]);
        assert_eq!(
            report.summary.documents,
            2,
            "{name}: {:?}",
            skipped(&report)
        );
        let entries = skipped(&report);
        let first = entries
            .iter()
            .find(|(p, _)| p == &format!("{name}:1"))
            .unwrap_or_else(|| panic!("record 1 named: {entries:?}"));
        assert!(
            first.1.contains("truncated WARC record") && first.1.contains("Content-Length"),
            "{first:?}"
        );
    }
    // a clean copy reads the archive as the scan did
    let out = run(dir.path(), &["scan", "a.warc", "--clean", "out", "-q"]);
    assert!(out.status.success());
    let copy = std::fs::read_to_string(dir.path().join("out/a.warc.jsonl")).expect("copy");
    assert_eq!(copy.lines().count(), 2, "{copy}");
}

/// F04: after a damaged gzip member, the intact members after it are read.
#[test]
fn f04_records_after_a_damaged_gzip_member_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let member = |name: &str| {
        gzip(&record(
            "response",
            &format!("http://e.example/{name}"),
            None,
            &page(name),
        ))
    };
    let mut warc = member("one");
    warc.extend_from_slice(&member("two")[..60]);
    warc.extend(member("three"));
    // garbage between members, then an intact one
    warc.extend_from_slice(b"garbage that is no gzip member");
    warc.extend(member("four"));
    write_tree(dir.path(), &[("a.warc.gz", &warc)]);
    let report = scan(dir.path(), "a.warc.gz", &["--annotations", "a.jsonl"]);
    let ann = std::fs::read_to_string(dir.path().join("a.jsonl")).expect("annotations");
    let ids: Vec<String> = annotations(&ann).into_iter().map(|a| a.id).collect();
    assert_eq!(
        ids,
        [
            "http://e.example/one",
            "http://e.example/three",
            "http://e.example/four"
        ],
        "{:?}",
        skipped(&report)
    );
    // the damaged member is named (as record 2, whose header it cut, or as a gzip error), and
    // nothing says the archive ends there
    let entries = skipped(&report);
    assert!(
        entries.iter().all(
            |(p, r)| (p == "a.warc.gz:2" || r.starts_with("broken gzip stream"))
                && !r.contains("cut off")
        ),
        "{entries:?}"
    );
    assert!(entries
        .iter()
        .any(|(_, r)| r.contains("reading went on at the next member")));
}

/// F16: a text/plain payload is decoded in the charset its Content-Type declares.
#[test]
fn f16_a_plain_text_payload_is_read_in_its_charset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut body = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nCaf\xe9 cr\xe8me br\xfbl\xe9e for the harbour bridge council debate".to_vec();
    let latin = record("response", "http://x.example/", None, &body);
    // undeclared bytes that are not UTF-8: replaced, and counted as lossy
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nCaf\xe9 for the harbour bridge council debate".to_vec();
    let undeclared = record("response", "http://y.example/", None, &body);
    write_tree(dir.path(), &[("a.warc", &latin), ("b.warc", &undeclared)]);
    let report = scan(dir.path(), "a.warc", &["--clean", "out"]);
    assert_eq!(report.summary.lossy_utf8_documents, 0);
    let copy = std::fs::read_to_string(dir.path().join("out/a.warc.jsonl")).expect("copy");
    assert!(copy.contains("Café crème brûlée"), "{copy}");
    let report = scan(dir.path(), "b.warc", &[]);
    assert_eq!(report.summary.lossy_utf8_documents, 1);
}

/// F03: past 512 nested elements, script and style are still no text of the page.
#[test]
fn f03_script_and_style_past_512_nested_elements_stay_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let html = format!(
        "<title>t</title>{}<script>stealCookies()</script><style>.x{{}}</style><p>The story text of the page goes here with words.</p>",
        "<div>".repeat(600)
    );
    write_tree(dir.path(), &[("p.html", html.as_bytes())]);
    scan(dir.path(), "p.html", &["--clean", "out"]);
    let copy = std::fs::read_to_string(dir.path().join("out/p.txt")).expect("copy");
    assert!(copy.contains("The story text"), "{copy}");
    assert!(
        !copy.contains("stealCookies") && !copy.contains(".x{}"),
        "{copy}"
    );
}

/// F18: blank lines between records are passed over (fast, by whole buffers), and the record
/// after them is read.
#[test]
fn f18_blank_lines_between_records_are_passed_over() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut warc = b"\r\n".repeat(1 << 20);
    warc.extend(record(
        "response",
        "http://e.example/one",
        None,
        &page("one"),
    ));
    warc.extend(b"\r\n".repeat(1 << 20));
    warc.extend(b"stray bytes\r\n");
    warc.extend(record(
        "response",
        "http://e.example/two",
        None,
        &page("two"),
    ));
    write_tree(dir.path(), &[("a.warc.gz", &gzip(&warc))]);
    let report = scan(dir.path(), "a.warc.gz", &[]);
    assert_eq!(report.summary.documents, 2);
    let entries = skipped(&report);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(
        entries[0]
            .1
            .contains("10 bytes after record 1 that are no WARC record"),
        "{entries:?}"
    );
    // nothing but blank lines: the file was found and read, and the message says so
    write_tree(
        dir.path(),
        &[("b.warc.gz", &gzip(&b"\r\n".repeat(1 << 20)))],
    );
    let out = run(
        dir.path(),
        &["scan", "b.warc.gz", "--report", "b.json", "-q"],
    );
    assert_eq!(out.status.code(), Some(3));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("no document was read from b.warc.gz: 1 file read, holding no document and nothing to skip"),
        "{said}"
    );
}

/// `count` words that no other call with another `name` shares.
fn words(name: &str) -> String {
    (0..60)
        .map(|i| format!("{name}{i} word{i}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// F10: files whose clean copies would share a name each get their own: a file's own name
/// stays, the others take `~2`, `~3`… before the first dot, and the marker lists them.
#[test]
fn f10_clean_copies_never_share_a_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = |title: &str, name: &str| format!("<title>{title}</title><p>{}</p>", words(name));
    let warc = record(
        "response",
        "http://x.example/",
        None,
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>{}</p>",
            words("delta")
        )
        .as_bytes(),
    );
    write_tree(
        dir.path(),
        &[
            ("c/s/page.html", page("A", "alpha").as_bytes()),
            ("c/s/page.htm", page("C", "charlie").as_bytes()),
            ("c/s/page.html.gz", &gzip(page("G", "golf").as_bytes())),
            ("c/s/page.txt", words("bravo").as_bytes()),
            ("c/crawl.warc", &warc),
            (
                "c/crawl.warc.jsonl",
                format!("{{\"text\":\"{}\"}}\n", words("echo")).as_bytes(),
            ),
            ("x/a.txt", words("hotel").as_bytes()),
            ("w/_/x/a.txt", words("india").as_bytes()),
        ],
    );
    let report = scan(dir.path(), "c", &["--clean", "out"]);
    assert_eq!(report.summary.documents, 6);
    let mut copies: Vec<String> = walk_files(&dir.path().join("out"));
    copies.sort();
    assert_eq!(
        copies,
        [
            ".neardup-clean",
            "crawl.warc.jsonl",
            "crawl~2.warc.jsonl",
            "s/page.txt",
            "s/page~2.txt",
            "s/page~3.txt",
            "s/page~4.txt"
        ]
    );
    let own = std::fs::read_to_string(dir.path().join("out/s/page.txt")).expect("copy");
    assert!(
        own.starts_with("bravo0"),
        "a file's own name stays its own: {own}"
    );
    let marker = std::fs::read_to_string(dir.path().join("out/.neardup-clean")).expect("marker");
    assert!(
        marker.contains("s/page~2.txt is the copy of s/page.htm"),
        "{marker}"
    );
    // `../x/a.txt` and `_/x/a.txt` given from one folder
    let out = run(
        &dir.path().join("w"),
        &[
            "scan",
            "../x/a.txt",
            "_/x/a.txt",
            "--clean",
            "../out2",
            "-q",
            "--report",
            "../r2.json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let mut copies = walk_files(&dir.path().join("out2"));
    copies.sort();
    // named under the deepest folder holding both inputs (issue 23): no `..`, no collision
    assert_eq!(copies, [".neardup-clean", "w/_/x/a.txt", "x/a.txt"]);
}

/// Files under `root`, as `/`-separated relative paths.
fn walk_files(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).expect("under root");
                found.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found
}

/// F11: two outputs naming one file (by the same name, `./`, or a symbolic link), or an output
/// inside the --clean folder: refused before the scan, exit 2, nothing written.
#[test]
fn f11_outputs_that_name_one_file_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(
        dir.path(),
        &[(
            "c/a.txt",
            b"alpha bravo charlie delta echo foxtrot golf hotel",
        )],
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink("out2.json", dir.path().join("link.json")).expect("symlink");
    let cases: &[&[&str]] = &[
        &["--report", "out.json", "--html", "out.json"],
        &["--report", "out.json", "--pairs", "./out.json"],
        &["--report", "out.json", "--drop-list", "c/../out.json"],
        &["--report", "out2.json", "--annotations", "link.json"],
        &["--report", "clean/r.json", "--clean", "clean"],
    ];
    for case in cases {
        let mut args = vec!["scan", "c", "-q"];
        args.extend_from_slice(case);
        let out = run(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{case:?}");
        let said = stderr(&out);
        assert!(
            said.contains("name the same file") || said.contains("inside --clean"),
            "{said}"
        );
        assert!(!dir.path().join("out.json").exists() && !dir.path().join("out2.json").exists());
    }
}

/// F15: `--clean .` (or `DIR/.`) is refused before the scan, and leaves nothing behind.
#[test]
fn f15_clean_into_dot_is_refused_up_front() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(
        dir.path(),
        &[(
            "c/a.txt",
            b"alpha bravo charlie delta echo foxtrot golf hotel",
        )],
    );
    std::fs::create_dir(dir.path().join("out")).expect("mkdir");
    for (cwd, target) in [("out", "."), (".", "out/."), ("out", "../out/")] {
        let out = run(
            &dir.path().join(cwd),
            &[
                "scan",
                dir.path().join("c").to_str().expect("utf-8"),
                "--clean",
                target,
                "-q",
                "--report",
                "-",
            ],
        );
        if target == "../out/" {
            // a folder given by its name (with a trailing slash) is fine
            assert!(out.status.success(), "{}", stderr(&out));
            continue;
        }
        assert_eq!(out.status.code(), Some(2), "{target}");
        assert_eq!(
            std::fs::read_dir(dir.path().join("out"))
                .expect("ls")
                .count(),
            0
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("ls").count(),
            2,
            "no staging copy left"
        );
    }
}

/// F09: Parquet compressed with each codec writers use is read.
#[test]
fn f09_parquet_of_every_common_codec_is_read() {
    use parquet::basic::{BrotliLevel, Compression, GzipLevel, ZstdLevel};
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use std::sync::Arc;
    let dir = tempfile::tempdir().expect("tempdir");
    let codecs = [
        ("none", Compression::UNCOMPRESSED),
        ("snappy", Compression::SNAPPY),
        ("gzip", Compression::GZIP(GzipLevel::default())),
        ("zstd", Compression::ZSTD(ZstdLevel::default())),
        ("lz4", Compression::LZ4_RAW),
        ("lz4-hadoop", Compression::LZ4),
        ("brotli", Compression::BROTLI(BrotliLevel::default())),
    ];
    for (name, codec) in codecs {
        let schema = Arc::new(
            parquet::schema::parser::parse_message_type(
                "message schema { REQUIRED BYTE_ARRAY text (UTF8); }",
            )
            .expect("schema"),
        );
        let props = Arc::new(WriterProperties::builder().set_compression(codec).build());
        let file =
            std::fs::File::create(dir.path().join(format!("{name}.parquet"))).expect("create");
        let mut writer = SerializedFileWriter::new(file, schema, props).expect("writer");
        let mut group = writer.next_row_group().expect("group");
        let mut col = group.next_column().expect("column").expect("one column");
        let texts: Vec<ByteArray> = (0..3)
            .map(|i| ByteArray::from(words(&format!("{name}{i}x")).as_str()))
            .collect();
        col.typed::<ByteArrayType>()
            .write_batch(&texts, None, None)
            .expect("write");
        col.close().expect("close");
        group.close().expect("close");
        writer.close().expect("close");
    }
    let report = scan(dir.path(), ".", &[]);
    assert_eq!(
        report.summary.documents,
        3 * codecs.len() as u64,
        "{:?}",
        skipped(&report)
    );
    assert!(report.skipped.is_empty());
}

/// F12: `explain FILE#URI#2` finds the record the scan named `URI#2` (a URI crawled twice),
/// and not a record whose URI really ends in `#2`.
#[test]
fn f12_explain_resolves_ids_as_the_scan_names_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut warc = Vec::new();
    for (uri, name) in [
        ("https://x.org/a", "one"),
        ("https://x.org/a#2", "literal"),
        ("https://x.org/a", "two"),
    ] {
        warc.extend(record("response", uri, None, &page(name)));
    }
    write_tree(dir.path(), &[("r.warc", &warc)]);
    scan(dir.path(), "r.warc", &["--annotations", "a.jsonl"]);
    let ann = std::fs::read_to_string(dir.path().join("a.jsonl")).expect("annotations");
    let ids: Vec<String> = annotations(&ann).into_iter().map(|a| a.id).collect();
    assert_eq!(
        ids,
        ["https://x.org/a", "https://x.org/a#2", "https://x.org/a#3"]
    );
    // the scan's `#2` is the literal record; the second crawl of `a` is `#3`
    let out = run(
        dir.path(),
        &["explain", "r.warc#https://x.org/a#3", "r.warc#3"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains("exact Jaccard of content shingles   1.0000"),
        "{said}"
    );
    let out = run(
        dir.path(),
        &["explain", "r.warc#https://x.org/a#2", "r.warc#2"],
    );
    let said = stdout(&out);
    assert!(
        said.contains("exact Jaccard of content shingles   1.0000"),
        "{said}"
    );
}

/// F08: after `scan a b`, `neardup report --html` reads the texts from every input the report
/// records (`timing.inputs`, from the folder they were given in), as the scan's page does.
#[test]
fn f08_report_html_reads_every_input_of_the_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = "The council approved the new harbour bridge on Tuesday after a long debate about costs and traffic in the city centre.";
    let text = format!("{t}\n\n{t} more.\n");
    write_tree(
        dir.path(),
        &[
            ("a/x.txt", text.as_bytes()),
            ("b/y.txt", text.as_bytes()),
            ("c.txt", text.as_bytes()),
        ],
    );
    let out = run(
        dir.path(),
        &[
            "scan",
            "a",
            "b",
            "c.txt",
            "--report",
            "r.json",
            "--html",
            "scan.html",
            "-q",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // from another folder: the report says where the inputs were given from
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    let out = run(&elsewhere, &["report", "../r.json", "--html", "rep.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let scan_page = std::fs::read_to_string(dir.path().join("scan.html")).expect("page");
    let page = std::fs::read_to_string(elsewhere.join("rep.html")).expect("page");
    let views = |p: &str| p.matches("class=\"sbs\"").count();
    assert!(views(&scan_page) > 0);
    assert_eq!(views(&page), views(&scan_page));
    assert!(!page.contains("Could not read again"), "texts read again");
}

/// F07: a saved report whose corpus is edited to name a folder far larger than the one it
/// scanned reads no text from it, and says why: a few more files are counted and refused, a
/// folder of many more is walked no further than its bound.
#[test]
fn f07_report_html_does_not_walk_a_corpus_far_larger_than_the_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = "The council approved the new harbour bridge on Tuesday after a long debate about costs and traffic in the city centre.";
    write_tree(
        dir.path(),
        &[("c/x.txt", t.as_bytes()), ("c/y.txt", t.as_bytes())],
    );
    let out = run(dir.path(), &["scan", "c", "--report", "r.json", "-q"]);
    assert!(out.status.success());
    for i in 0..1100 {
        write_tree(
            dir.path(),
            &[(&format!("big/f{i}.txt"), b"other words here")],
        );
    }
    // 5,000 folders of one file each: more entries than the walk's bound for a 2-file scan
    for i in 0..5000 {
        write_tree(
            dir.path(),
            &[(&format!("huge/d{i}/f.txt"), b"other words here")],
        );
    }
    let report = std::fs::read_to_string(dir.path().join("r.json")).expect("report");
    for (folder, said) in [
        ("big", "holds 1100 files where the scan found 2: it is not the corpus of this report"),
        ("huge", "holds more than 4008 entries where the scan found 2 files: it is not the corpus of this report, so it was not walked further"),
    ] {
        let mut json: serde_json::Value = serde_json::from_str(&report).expect("json");
        json["timing"]["corpus"] =
            serde_json::json!(dir.path().join(folder).display().to_string());
        std::fs::write(dir.path().join("r.json"), json.to_string()).expect("write");
        let out = run(dir.path(), &["report", "r.json", "--html", "p.html"]);
        assert!(
            out.status.success(),
            "{}",
            stderr(&out)
        );
        let page = std::fs::read_to_string(dir.path().join("p.html")).expect("page");
        assert!(page.contains(said), "{folder}: said on the page");
        let warned = String::from_utf8_lossy(&out.stderr);
        assert!(
            warned.contains(said) && warned.contains("pass --corpus DIR"),
            "{folder}: warned: {warned}"
        );
    }
}

/// Runs `neardup args` in `cwd`, killed if it has not ended within `secs` seconds; its output
/// and whether it ended in time.
fn run_within(cwd: &Path, args: &[&str], secs: u64) -> (Output, bool) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_neardup"))
        .current_dir(cwd)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the neardup binary runs");
    let started = std::time::Instant::now();
    let mut in_time = true;
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed().as_secs() >= secs {
            child.kill().expect("kill");
            in_time = false;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    (child.wait_with_output().expect("output"), in_time)
}

/// A change made to a saved report's JSON.
type Edit = dyn Fn(&mut serde_json::Value);

/// F07: a saved report edited to name `/` as its corpus (in `timing.corpus`, in
/// `timing.inputs`, or given as `--corpus /`) walks nothing: the page and a warning say that
/// the root of the file system is not a scan's corpus, and what to pass instead. (Before, the
/// whole file system was walked: more than 2 minutes and 1.2 GB.)
#[test]
fn f07_report_html_refuses_the_file_system_root_as_its_corpus() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = "The council approved the new harbour bridge on Tuesday after a long debate about costs and traffic in the city centre.";
    write_tree(
        dir.path(),
        &[("c/x.txt", t.as_bytes()), ("c/y.txt", t.as_bytes())],
    );
    let out = run(dir.path(), &["scan", "c", "--report", "r.json", "-q"]);
    assert!(out.status.success());
    let report = std::fs::read_to_string(dir.path().join("r.json")).expect("report");
    let edited = |edit: &Edit| {
        let mut json: serde_json::Value = serde_json::from_str(&report).expect("json");
        edit(&mut json);
        std::fs::write(dir.path().join("e.json"), json.to_string()).expect("write");
    };
    let cases: [(&str, &Edit, &[&str]); 4] = [
        (
            "timing.corpus",
            &|j| j["timing"]["corpus"] = "/".into(),
            &[],
        ),
        (
            "timing.inputs",
            &|j| {
                j["timing"]["inputs"] = serde_json::json!(["c", "/"]);
                j["timing"]["working_dir"] = serde_json::json!(".");
            },
            &[],
        ),
        (
            "/.. as corpus",
            &|j| j["timing"]["corpus"] = "/tmp/..".into(),
            &[],
        ),
        ("--corpus /", &|_| {}, &["--corpus", "/"]),
    ];
    for (case, edit, extra) in cases {
        edited(edit);
        let mut args = vec!["report", "e.json", "--html", "p.html"];
        args.extend_from_slice(extra);
        let (out, in_time) = run_within(dir.path(), &args, 60);
        assert!(in_time, "{case}: not walked");
        assert!(
            out.status.success(),
            "{case}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let said = "is the root of the file system, not a folder a scan read, so no text was read again (pass --corpus DIR, the folder the scan read)";
        let page = std::fs::read_to_string(dir.path().join("p.html")).expect("page");
        assert!(page.contains(said), "{case}: said on the page");
        let warned = String::from_utf8_lossy(&out.stderr);
        assert!(warned.contains(said), "{case}: warned: {warned}");
    }
}

/// F17: `neardup report --html` warns when a text it reads again is not the one the scan read
/// (the report records the hashes of the texts its page compares).
#[test]
fn f17_report_html_warns_when_a_text_changed_since_the_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = "The council approved the new harbour bridge on Tuesday after a long debate about costs and traffic in the city centre.";
    let text = format!("{t}\n\n{t} more.\n");
    write_tree(
        dir.path(),
        &[("c/x.txt", text.as_bytes()), ("c/y.txt", text.as_bytes())],
    );
    let out = run(dir.path(), &["scan", "c", "--report", "r.json", "-q"]);
    assert!(out.status.success());
    let out = run(dir.path(), &["report", "r.json", "--html", "same.html"]);
    assert!(out.status.success());
    let page = std::fs::read_to_string(dir.path().join("same.html")).expect("page");
    assert!(
        !page.contains("changed since the scan"),
        "nothing changed yet"
    );
    write_tree(
        dir.path(),
        &[("c/y.txt", b"ZEBRA YAK XYLOPHONE entirely different text")],
    );
    let out = run(dir.path(), &["report", "r.json", "--html", "p.html"]);
    assert!(out.status.success());
    let page = std::fs::read_to_string(dir.path().join("p.html")).expect("page");
    assert!(
        page.contains("Changed since the scan: y.txt"),
        "warned beside the text"
    );
    assert!(
        page.contains("1 text changed since the scan"),
        "warned above the clusters"
    );
}

/// F06, for longer runs: random damage (bytes changed, cut short, spliced, repeated) to small
/// Parquet files of several codecs and row groups, read through the library for
/// `NEARDUP_FUZZ_SECS` seconds (default 5): a document or a reason, never a panic. Run with
/// `NEARDUP_FUZZ_SECS=600 cargo test --release --test hostile_crawls -- --ignored`.
#[test]
#[ignore = "a timed fuzz run; see README (Reliability)"]
fn f06_random_damage_to_parquet_files_never_panics() {
    let secs: u64 = std::env::var("NEARDUP_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let seeds = parquet_seeds();
    let opts = {
        let mut cfg = neardup::Config::new(".");
        cfg.input.max_bytes = 4096;
        cfg.input
    };
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let started = std::time::Instant::now();
    let mut runs = 0u64;
    while started.elapsed().as_secs() < secs {
        let seed = &seeds[next() as usize % seeds.len()];
        let mut bytes = seed.clone();
        for _ in 0..1 + next() % 4 {
            let len = bytes.len().max(1);
            match next() % 5 {
                0 | 1 => {
                    let at = next() as usize % len;
                    if let Some(b) = bytes.get_mut(at) {
                        *b = next() as u8;
                    }
                }
                2 => bytes.truncate(next() as usize % len),
                3 => {
                    let at = next() as usize % len;
                    let other = &seeds[next() as usize % seeds.len()];
                    let from = next() as usize % other.len().max(1);
                    let piece: Vec<u8> = other[from..]
                        .iter()
                        .take(1 + next() as usize % 64)
                        .copied()
                        .collect();
                    bytes.splice(at.min(bytes.len())..at.min(bytes.len()), piece);
                }
                _ => {
                    let at = next() as usize % len;
                    let four: Vec<u8> = bytes[at..].iter().take(4).copied().collect();
                    for (i, b) in (next() as u32).to_le_bytes().into_iter().enumerate() {
                        if let Some(x) = bytes.get_mut(at + i) {
                            *x = if four.is_empty() { b } else { b ^ 0x80 };
                        }
                    }
                }
            }
        }
        let mut documents = 0;
        let outcome = neardup::internals::read_bytes(
            bytes,
            neardup::Format::Parquet,
            neardup::Compression::None,
            &opts,
            |d| {
                assert!(!d.text.trim().is_empty() && d.text.len() <= 4096);
                documents += 1;
            },
        );
        assert!(documents > 0 || !outcome.skipped.is_empty());
        runs += 1;
    }
    eprintln!("{runs} damaged Parquet files read in {secs} s, no panic");
}

/// Small valid Parquet files: the fixture, and files of several codecs, row groups and null
/// values written by the parquet crate.
fn parquet_seeds() -> Vec<Vec<u8>> {
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use std::sync::Arc;
    let mut seeds = vec![std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-arrow.parquet"),
    )
    .expect("fixture")];
    for codec in [
        Compression::UNCOMPRESSED,
        Compression::SNAPPY,
        Compression::ZSTD(ZstdLevel::default()),
        Compression::LZ4_RAW,
    ] {
        let schema = Arc::new(
            parquet::schema::parser::parse_message_type(
                "message schema { OPTIONAL BYTE_ARRAY id (UTF8); OPTIONAL BYTE_ARRAY text (UTF8); }",
            )
            .expect("schema"),
        );
        let props = Arc::new(WriterProperties::builder().set_compression(codec).build());
        let mut out = Vec::new();
        let mut writer = SerializedFileWriter::new(&mut out, schema, props).expect("writer");
        for g in 0..2 {
            let mut group = writer.next_row_group().expect("group");
            while let Some(mut col) = group.next_column().expect("column") {
                let values: Vec<ByteArray> = (0..3)
                    .map(|i| ByteArray::from(format!("row {g} {i} some words here").as_str()))
                    .collect();
                col.typed::<ByteArrayType>()
                    .write_batch(&values, Some(&[1, 0, 1, 1]), None)
                    .expect("write");
                col.close().expect("close");
            }
            group.close().expect("close");
        }
        writer.close().expect("close");
        seeds.push(out);
    }
    seeds
}

/// F06, the Parquet fuzz target's second finding: a damaged row group claiming more than
/// 2^32 rows, skipped, pushed the next row's number past `u32` (an overflow, a panic where
/// overflow is checked). Both row groups are skipped with their reasons, numbered in `u64`.
#[test]
fn f06_a_row_group_claiming_billions_of_rows_is_skipped_with_its_number() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-parquet-row-count.parquet"),
        dir.path().join("c.parquet"),
    )
    .expect("fixture");
    let out = run(
        dir.path(),
        &[
            "scan",
            "c.parquet",
            "--report",
            "r.json",
            "-q",
            "--no-timing",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("r.json")).expect("report");
    let entries = skipped(&parse_report(&text));
    let paths: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        paths,
        ["c.parquet:1", "c.parquet:4294967296"],
        "{entries:?}"
    );
    assert!(
        entries[0].1.contains("row group 1 not read")
            && entries[1].1.contains("row group 2 not read"),
        "{entries:?}"
    );
}

/// F06 (fuzz run 3): a 230-byte file whose row group claims 4,294,967,295 rows of a damaged
/// page. Each row failed alone, so the report grew by an entry a row (2 GB, then out of
/// memory); the rest of a group whose page is damaged is now one entry.
#[test]
fn f06_a_damaged_page_claiming_billions_of_rows_is_one_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-parquet-bad-rows.parquet"),
        dir.path().join("b.parquet"),
    )
    .expect("fixture");
    let (out, finished) = run_within(
        dir.path(),
        &["scan", "b.parquet", "--report", "r.json", "-q"],
        60,
    );
    assert!(finished, "the scan did not end within a minute");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("r.json")).expect("report");
    let entries = skipped(&parse_report(&text));
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].0, "b.parquet:1-4294967295");
    assert!(
        entries[0]
            .1
            .starts_with("unreadable Parquet: rows not read: "),
        "{entries:?}"
    );
}

/// Skipped rows in a run with one reason are one entry `file:A-B` (run-length encoded nulls
/// claim a million rows in a few bytes); the rows between runs are read and numbered as ever.
#[test]
fn runs_of_skipped_parquet_rows_are_one_entry_each() {
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use std::sync::Arc;
    let dir = tempfile::tempdir().expect("tempdir");
    let schema = parquet::schema::parser::parse_message_type(
        "message schema { OPTIONAL BYTE_ARRAY text (UTF8); }",
    )
    .expect("schema");
    let props = Arc::new(WriterProperties::builder().build());
    let file = std::fs::File::create(dir.path().join("n.parquet")).expect("create");
    let mut writer = SerializedFileWriter::new(file, Arc::new(schema), props).expect("writer");
    // rows 1-100000 null, 100001-100002 text, 100003-100007 blank, 100008 text
    let mut levels = vec![0i16; 100_000];
    levels.extend([1i16; 8]);
    let values: Vec<ByteArray> = ["one text", "two texts", "", " ", "", "\t", "", "last"]
        .iter()
        .map(|s| ByteArray::from(*s))
        .collect();
    let mut group = writer.next_row_group().expect("row group");
    let mut column = group.next_column().expect("column").expect("a column");
    column
        .typed::<ByteArrayType>()
        .write_batch(&values, Some(&levels), None)
        .expect("write");
    column.close().expect("close column");
    group.close().expect("close group");
    writer.close().expect("close file");
    let report = scan(dir.path(), "n.parquet", &[]);
    assert_eq!(report.summary.documents, 3);
    let entries = skipped(&report);
    let paths: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(paths, ["n.parquet:1-100000", "n.parquet:100003-100007"]);
    assert!(entries[0].1.contains("text"), "{entries:?}");
}
