//! The `params` and `explain` commands, and the checks of scan outputs, on the real binary.

use crate::support::{neardup, samples, scan_to, stderr, stdout, write_tree};

#[test]
fn params_prints_bands_curve_and_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = neardup(
        dir.path(),
        &[
            "params",
            "--threshold",
            "0.8",
            "--num-perm",
            "128",
            "--no-containment",
        ],
    );
    assert!(out.status.success());
    let text = stdout(&out);
    // the bands catch at least 98% of the pairs right at the threshold
    assert!(text.contains("LSH: 17 bands x 7 rows"), "{text}");
    assert!(text.contains("0.80      0.9817"), "{text}");
    assert!(text.contains("<- threshold"), "{text}");
    assert!(
        text.contains("memory per million documents: signatures 256 MB"),
        "{text}"
    );
    // with containment the bands are designed for a lower Jaccard
    let text = stdout(&neardup(dir.path(), &["params"]));
    assert!(text.contains("designed for Jaccard 0.364"), "{text}");
    let out = neardup(dir.path(), &["params", "--threshold", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn explain_two_files_and_two_corpus_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = samples();
    let s = |p: &str| root.join(p).to_string_lossy().into_owned();
    // as files alone, the short articles share their long template
    let out = neardup(
        dir.path(),
        &[
            "explain",
            "--alone",
            &s("techbeat/brief-1.txt"),
            &s("techbeat/brief-2.txt"),
        ],
    );
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("template lines left out: none"), "{text}");
    assert!(text.contains("exact Jaccard of content shingles"), "{text}");
    // by default, in the context of their folder (techbeat/), the template is left out
    let out = neardup(
        dir.path(),
        &[
            "explain",
            &s("techbeat/brief-1.txt"),
            &s("techbeat/brief-2.txt"),
        ],
    );
    let text = stdout(&out);
    assert!(text.contains("site context: a scan of '"), "{text}");
    assert!(text.contains("template lines left out: 1-"), "{text}");
    // in the corpus, the template is left out and nothing is shared
    let corpus = root.to_string_lossy().into_owned();
    let out = neardup(
        dir.path(),
        &[
            "explain",
            "--corpus",
            &corpus,
            "techbeat/brief-1.txt",
            "techbeat/brief-2.txt",
        ],
    );
    let text = stdout(&out);
    assert!(text.contains("template lines left out: 1-"), "{text}");
    assert!(
        text.contains("exact Jaccard of content shingles   0.0000"),
        "{text}"
    );
    assert!(text.contains("not duplicates"), "{text}");
    // the trimmed syndicated copy lies inside the original
    let out = neardup(
        dir.path(),
        &[
            "explain",
            "--corpus",
            &corpus,
            "metrowire/bridge-vote.txt",
            "dailyherald/harbour-bridge.txt",
        ],
    );
    let text = stdout(&out);
    assert!(
        text.contains("DUPLICATES (the shorter lies inside the longer"),
        "{text}"
    );
    assert!(text.contains("identical paragraphs: 5"), "{text}");
    // a JSONL id works too, and a missing one is a clear error
    let out = neardup(
        dir.path(),
        &[
            "explain",
            "--corpus",
            &corpus,
            "wire-school",
            "archive-school",
        ],
    );
    assert!(stdout(&out).contains("same normalised text"));
    let out = neardup(
        dir.path(),
        &["explain", "--corpus", &corpus, "nope", "wire-school"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no document 'nope'"));
}

/// Outputs that cannot be written are refused before the corpus is read, with exit code 2.
#[test]
fn impossible_outputs_are_refused_before_scanning() {
    let samples = samples();
    let dir = samples.to_str().expect("utf-8 path");
    let o = neardup(
        &samples,
        &["scan", dir, "--report", "-", "--annotations", "-"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("would mix JSON documents"));
    assert!(o.stdout.is_empty(), "nothing was scanned");
    let o = neardup(
        &samples,
        &["scan", dir, "--report", "/nonexistent-folder/r.json"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"));
}

/// `--max-bytes` takes sizes with units.
#[test]
fn max_bytes_takes_units() {
    let out = tempfile::tempdir().expect("tempdir");
    let (report, _, _) = scan_to(&samples(), out.path(), &["--max-bytes", "1K"]);
    let report: neardup::Report = serde_json::from_str(&report).expect("report parses");
    assert_eq!(report.summary.parameters.max_bytes, 1024);
    assert!(report.summary.skipped_by_reason["file larger than --max-bytes"] > 0);
    let o = neardup(&samples(), &["scan", ".", "--max-bytes", "12 parsecs"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Shell completions and the manual page come from the same definitions as `--help`.
#[test]
fn completions_and_manual_page() {
    let o = neardup(&samples(), &["completions", "bash"]);
    assert!(o.status.success());
    let script = stdout(&o);
    assert!(
        script.contains("_neardup") && script.contains("--thin-words"),
        "{script}"
    );
    let o = neardup(&samples(), &["completions", "fish"]);
    assert!(stdout(&o).contains("complete -c neardup"));
    let o = neardup(&samples(), &["man"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains(".TH neardup"));
    assert_eq!(
        neardup(&samples(), &["completions", "cmd"]).status.code(),
        Some(2)
    );
}

/// `--pairs` writes every verified pair with its figures and how it was judged.
#[test]
fn pairs_are_written_one_per_line() {
    let out = tempfile::tempdir().expect("tempdir");
    let pairs = out.path().join("pairs.jsonl");
    let (report, _, _) = scan_to(
        &samples(),
        out.path(),
        &["--pairs", pairs.to_str().expect("path")],
    );
    let report: neardup::Report = serde_json::from_str(&report).expect("report");
    let text = std::fs::read_to_string(&pairs).expect("pairs written");
    let records: Vec<neardup::report::PairRecord> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a pair record"))
        .collect();
    assert_eq!(records.len() as u64, report.summary.verified_pairs);
    let p = &report.summary.parameters;
    for r in &records {
        assert!(
            r.jaccard >= p.threshold || p.containment.is_some_and(|c| r.containment >= c),
            "{r:?}"
        );
    }
    assert!(records
        .iter()
        .any(|r| r.joined_by == neardup::report::JoinedBy::Containment));
    let o = neardup(&samples(), &["scan", ".", "--report", "-", "--pairs", "-"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Nested JSONL fields: the text under `content.body` is read, and the clean copy strips the
/// template from that field, not from a new top-level key.
#[test]
fn nested_fields_are_read_and_cleaned_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stories = [
        "The council approved the budget after a long debate about roads and schools in the north.",
        "Farmers reported an early harvest as warm weather moved across the valley this autumn season.",
        "The museum reopened its east wing with a collection of maps donated by a local family trust.",
        "Rail services were cut back on Sunday while engineers replaced signals along the coast line.",
    ];
    let mut lines = String::new();
    for (i, story) in stories.iter().enumerate() {
        let body = format!("Valley Gazette | News | Sport | Weather\n\n{story}\n\nCopyright Valley Gazette Media, all rights reserved");
        let record = serde_json::json!({"meta": {"id": format!("s{i}"), "domain": "gazette"}, "content": {"body": body}});
        lines.push_str(&record.to_string());
        lines.push('\n');
    }
    write_tree(dir.path(), &[("c/feed.jsonl", lines.as_bytes())]);
    let clean = dir.path().join("clean");
    let o = neardup(
        dir.path(),
        &[
            "scan",
            "c",
            "-q",
            "--text-field",
            "content.body",
            "--id-field",
            "meta.id",
            "--site-field",
            "meta.domain",
            "--clean",
            clean.to_str().expect("path"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = std::fs::read_to_string(clean.join("feed.jsonl")).expect("clean copy");
    let records: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(records.len(), 4);
    for r in &records {
        let body = r["content"]["body"].as_str().expect("nested body kept");
        assert!(!body.contains("Valley Gazette |"), "{body}");
        assert!(r.get("content.body").is_none());
    }
    assert!(records[0]["content"]["body"]
        .as_str()
        .is_some_and(|b| b.contains("council approved")));
}
