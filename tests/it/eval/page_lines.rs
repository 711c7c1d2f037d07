//! `neardup eval` with page line labels (the Big9 format) and its errors, on a corpus built
//! in a temporary directory.

use crate::support::{neardup, stderr, stdout, write_tree};

/// Five pages of one site: a navigation line and a footer on every page, the story between.
fn site_corpus(root: &std::path::Path) -> serde_json::Value {
    let stories = [
        "The council approved the new harbour bridge after a long debate on Tuesday night.",
        "Farmers at the weekend market reported record sales of early strawberries this spring.",
        "The city library will open on Sundays from next month, the mayor told reporters.",
        "Night trams return to the eastern line after two years of track repairs and delays.",
        "A local school hired twelve new teachers to cope with the growing number of pupils.",
    ];
    let mut labels = serde_json::Map::new();
    for (i, story) in stories.iter().enumerate() {
        let id = format!("news/page{i}.txt");
        let text = format!(
            "Home | World | Sport | Weather\n{story}\nReported by {} for the morning edition.\n© 2024 News Corp. All rights reserved.\n",
            ["Ann Lee", "Bo Chen", "Cy Park", "Di Ross", "Ed Marsh"][i]
        );
        write_tree(root, &[(id.as_str(), text.as_bytes())]);
        labels.insert(
            id,
            serde_json::json!({"content": [2, 3], "boilerplate": [1, 4], "ignore": []}),
        );
    }
    serde_json::Value::Object(labels)
}

fn run(cwd: &std::path::Path, args: &[&str]) -> (bool, Option<i32>, String, String) {
    let out = neardup(cwd, args);
    (
        out.status.success(),
        out.status.code(),
        stdout(&out),
        stderr(&out),
    )
}

#[test]
fn page_line_labels_are_scored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    let labels = site_corpus(&corpus);
    let truth = dir.path().join("truth.json");
    std::fs::write(&truth, labels.to_string()).expect("write labels");
    let (ok, _, text, err) = run(
        dir.path(),
        &["eval", "corpus", "--truth", "truth.json", "-v"],
    );
    assert!(ok, "{err}");
    assert!(text.contains("5 scored of 5 labelled"), "{text}");
    assert!(
        text.contains("10 content, 10 boilerplate, 0 ignore"),
        "{text}"
    );
    // the chrome is on all five pages, so all of it counts toward recall
    assert!(
        text.contains("of 10 lines on >= 3 pages of their site flagged"),
        "{text}"
    );
    assert!(
        text.contains("template lines        precision 1.0000"),
        "{text}"
    );
    assert!(text.contains("per site"), "{text}");
    assert!(
        text.contains("content lines flagged as template (FP): 0 lines"),
        "{text}"
    );
}

#[test]
fn bad_label_files_fail_with_exit_code_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    site_corpus(&corpus);
    let cases: [(&str, &str, &str); 4] = [
        (
            "broken.json",
            "{\"news/page0.txt\": {\"content\": [1,",
            "not JSON",
        ),
        (
            "zero.json",
            r#"{"news/page0.txt": {"content": [0]}}"#,
            "start at 1",
        ),
        (
            "other.json",
            r#"{"news/page0.txt": {"words": [1]}}"#,
            "neither",
        ),
        (
            "elsewhere.json",
            r#"{"blog/x.txt": {"content": [1], "boilerplate": [2]}}"#,
            "nothing to score",
        ),
    ];
    for (name, body, want) in cases {
        std::fs::write(dir.path().join(name), body).expect("write");
        let (ok, code, _, err) = run(dir.path(), &["eval", "corpus", "--truth", name]);
        assert!(!ok && code == Some(2), "{name}: {code:?} {err}");
        assert!(err.contains(want), "{name}: {err}");
    }
    let (ok, code, _, err) = run(dir.path(), &["eval", "corpus", "--truth", "missing.json"]);
    assert!(
        !ok && code == Some(2) && err.contains("cannot read"),
        "{err}"
    );
    // labelled pairs that name no document of the corpus
    std::fs::write(dir.path().join("pairs.tsv"), "a\tb\tlabel\nx\ty\t1\n").expect("write");
    let (ok, code, _, err) = run(dir.path(), &["eval", "corpus", "--labels", "pairs.tsv"]);
    assert!(!ok && code == Some(2), "{code:?} {err}");
    assert!(err.contains("1 of 1 pair not scored"), "{err}");
}
