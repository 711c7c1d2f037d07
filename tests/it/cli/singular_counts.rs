//! One of anything is said in the singular: "1 file", "1 cluster", never "1 files", in the
//! summary, the clean copy's line, the HTML page, warnings, `explain` and `eval`.

use crate::support::{neardup, stderr, stdout, write_tree};

fn text(out: &std::process::Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
}

/// Two copies of one 80-word story in one JSON Lines file.
fn one_pair(root: &std::path::Path) {
    let story: Vec<String> = (0..80).map(|i| format!("word{i}")).collect();
    let line = |id: &str| format!("{{\"id\":\"{id}\",\"text\":\"{}\"}}\n", story.join(" "));
    let jsonl = format!("{}{}", line("a"), line("b"));
    write_tree(root, &[("one.jsonl", jsonl.as_bytes())]);
}

#[test]
fn a_scan_of_one_of_everything_says_so_in_the_singular() {
    let dir = tempfile::tempdir().expect("tempdir");
    one_pair(&dir.path().join("corpus"));
    let out = neardup(
        dir.path(),
        &[
            "scan",
            "corpus",
            "-j",
            "1",
            "--html",
            "page.html",
            "--clean",
            "cleaned",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    for singular in [
        "(1 thread)",
        "from 1 file;",
        "1 cluster (1 exact), 1 document to drop",
        "1 candidate pair (",
        "1 document kept, 1 duplicate dropped",
    ] {
        assert!(said.contains(singular), "{singular:?} not in:\n{said}");
    }
    assert!(!said.contains("0 template block "), "{said}");
    let page = std::fs::read_to_string(dir.path().join("page.html")).expect("page");
    for singular in [
        "of text from 1 file<",
        "<span>duplicate cluster</span>",
        "<span>document to drop</span>",
        "of 1 candidate pair verified",
        "1 thread<",
    ] {
        assert!(page.contains(singular), "{singular:?} not on the page");
    }
}

#[test]
fn warnings_explain_and_eval_count_one_in_the_singular() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write_tree(
        root,
        &[
            ("odd/data.bin", b"\x00\x01"),
            ("word.txt", b"hello\n"),
            (
                "truth.json",
                br#"{"duplicate_clusters": [], "template_lines": {"gone": [1]}}"#,
            ),
            ("lines.json", br#"{"s/gone.txt": {"content": [1]}}"#),
        ],
    );
    one_pair(&root.join("corpus"));
    // nothing read: the error names the one input skipped
    let out = neardup(root, &["scan", "odd", "--quiet"]);
    let said = text(&out);
    assert!(
        said.contains("1 input skipped (unsupported file type ×1"),
        "{said}"
    );
    // explain: a one-word document, compared whole as one shingle
    let out = neardup(root, &["explain", "--alone", "word.txt", "word.txt"]);
    let said = text(&out);
    assert!(
        said.contains("1 word, 1 content word, 1 shingle;"),
        "{said}"
    );
    // eval: labels naming documents the corpus does not hold
    let out = neardup(root, &["eval", "corpus", "--truth", "truth.json"]);
    let said = text(&out);
    assert!(said.contains("none of the 1 document named"), "{said}");
    let out = neardup(root, &["eval", "corpus", "--truth", "lines.json"]);
    let said = text(&out);
    assert!(said.contains("none of the 1 page labelled"), "{said}");
    std::fs::write(root.join("pairs.tsv"), "a\telsewhere\t1\n").expect("labels");
    let out = neardup(root, &["eval", "corpus", "--labels", "pairs.tsv"]);
    let said = text(&out);
    assert!(said.contains("1 of 1 pair not scored"), "{said}");
}
