//! Bad input never crashes the run and never vanishes: every case ends up in `skipped` (or the
//! lossy count) with a reason, and exit codes tell success from failure.

use crate::support::{annotations, neardup, parse_report, scan_to, stderr, write_tree};

#[test]
fn every_bad_file_is_counted_with_a_reason() {
    let corpus = tempfile::tempdir().expect("tempdir");
    let root = corpus.path();
    let zst_ok = ruzstd::encoding::compress_to_vec(
        &b"a zstd compressed page about the harbour"[..],
        ruzstd::encoding::CompressionLevel::Fastest,
    );
    let big = "x ".repeat(600);
    write_tree(
        root,
        &[
            ("site/ok.txt", b"A perfectly normal page about the harbour."),
            ("site/ok.txt.zst", &zst_ok),
            ("site/broken.txt.zst", b"\x28\xb5\x2f\xfd garbage after magic"),
            ("site/nul.md", b"text\0with a NUL"),
            ("site/blank.txt", b"   \n\t\n"),
            ("site/latin1.txt", b"caf\xe9 au lait in the old town"),
            ("site/big.txt", big.as_bytes()),
            ("site/notes.docx", b"PK\x03\x04"),
            (
                "site/docs.jsonl",
                b"{\"id\":\"j1\",\"text\":\"first jsonl document here\"}\n{oops\n{\"id\":\"j3\",\"text\":\"\"}\n{\"id\":\"j4\",\"text\":7}\n",
            ),
        ],
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("site"), root.join("site/loop")).expect("symlink");

    let out = tempfile::tempdir().expect("tempdir");
    let (raw, ann, _) = scan_to(root, out.path(), &["--max-bytes", "1000"]);
    let report = parse_report(&raw);
    let reason = |path: &str| {
        report
            .skipped
            .iter()
            .find(|s| s.path == path)
            .map(|s| s.reason.to_string())
            .unwrap_or_else(|| panic!("{path} not skipped: {:?}", report.skipped))
    };
    assert!(reason("site/broken.txt.zst").starts_with("broken zstd stream"));
    assert!(reason("site/nul.md").starts_with("binary file"));
    assert!(reason("site/blank.txt").starts_with("empty document"));
    assert!(reason("site/big.txt").contains("--max-bytes"));
    assert!(reason("site/notes.docx").starts_with("unsupported file type"));
    assert!(reason("site/docs.jsonl:2").starts_with("malformed JSON"));
    assert!(reason("site/docs.jsonl:3").starts_with("empty document"));
    assert!(reason("site/docs.jsonl:4").contains("not a string"));
    #[cfg(unix)]
    assert!(reason("site/loop").contains("symlink loop"));
    assert_eq!(report.summary.lossy_utf8_documents, 1);
    // ok.txt, ok.txt.zst, latin1.txt, j1
    assert_eq!(report.summary.documents, 4, "{:?}", report.skipped);
    assert_eq!(ann.lines().count(), 4);
    // the annotation says its offsets are into the decoded text
    let lossy: Vec<String> = annotations(&ann)
        .into_iter()
        .filter(|a| a.lossy_utf8)
        .map(|a| a.id)
        .collect();
    assert_eq!(lossy, vec!["site/latin1.txt".to_string()]);
}

#[test]
fn missing_or_wrong_corpus_exits_2_with_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = neardup(dir.path(), &["scan", "does-not-exist"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("cannot read corpus 'does-not-exist'"), "{err}");
    assert!(!dir.path().join("neardup-report.json").exists());

    #[cfg(unix)]
    {
        let out = neardup(dir.path(), &["scan", "/dev/null"]);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(err.contains("is neither a folder nor a file"), "{err}");
    }
}

#[test]
fn bad_flags_exit_2_and_say_what_to_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("c")).expect("mkdir");
    let out = neardup(dir.path(), &["scan", "c", "--threshold", "1.5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--threshold must be in (0, 1]"));
    let out = neardup(dir.path(), &["scan", "c", "--bands", "64", "--rows", "4"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("exceeds --num-perm"));
    let out = neardup(dir.path(), &["scan", "c", "--shingle", "letters"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unwritable_report_exits_1_and_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("c")).expect("mkdir");
    std::fs::write(dir.path().join("c/a.txt"), "some text here").expect("write");
    // A folder where the report file should go: the scan runs, the write fails.
    std::fs::create_dir(dir.path().join("report.json")).expect("mkdir");
    let out = neardup(dir.path(), &["scan", "c", "--report", "report.json", "-q"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot write the report"));
    // A report in a folder that does not exist is refused before the scan.
    let out = neardup(
        dir.path(),
        &["scan", "c", "--report", "no-such-dir/report.json", "-q"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_empty_corpus_is_exit_code_3_with_an_empty_report() {
    let corpus = tempfile::tempdir().expect("tempdir");
    let out = tempfile::tempdir().expect("tempdir");
    let report = out.path().join("r.json");
    let ann = out.path().join("a.jsonl");
    let run = neardup(
        out.path(),
        &[
            "scan",
            corpus.path().to_str().expect("utf-8"),
            "-q",
            "--report",
            report.to_str().expect("utf-8"),
            "--annotations",
            ann.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(run.status.code(), Some(3));
    let raw = std::fs::read_to_string(&report).expect("the report is written");
    let report = parse_report(&raw);
    assert_eq!(report.summary.documents, 0);
    assert!(std::fs::read_to_string(&ann)
        .expect("annotations")
        .is_empty());
}

#[test]
fn duplicate_jsonl_ids_are_renamed_and_counted() {
    let corpus = tempfile::tempdir().expect("tempdir");
    write_tree(
        corpus.path(),
        &[
            (
                "a.jsonl",
                b"{\"id\":\"x\",\"text\":\"one document text\"}\n",
            ),
            (
                "b.jsonl",
                b"{\"id\":\"x\",\"text\":\"another document text\"}\n",
            ),
        ],
    );
    let out = tempfile::tempdir().expect("tempdir");
    let (raw, ann, _) = scan_to(corpus.path(), out.path(), &[]);
    let report = parse_report(&raw);
    assert_eq!(report.summary.renamed_duplicate_ids, 1);
    assert!(ann.contains("\"id\":\"x#2\""));
}
