//! Issue 23, as a new user meets the tool: shards named as datasets name them, exit codes
//! that tell, tuning that can be read, `explain` that agrees with the scan, `eval` that
//! scores what is labelled, clean-copy names of files given on the command line, and the
//! smaller surprises. Every test runs the binary on real files.

use std::path::Path;

use crate::support::{gzip, neardup, samples, stderr, stdout, write_tree};

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A story of `n` words that no other story shares a 5-gram with.
fn story(seed: u32, n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "w{}x{}",
                seed,
                (i as u32).wrapping_mul(2_654_435_761) % 9973
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A C4-style folder: `.json.gz` shards of JSON Lines, the text under `content.body`; the
/// second shard holds copies of three stories of the first.
fn c4_folder(root: &Path) {
    for shard in 0..2u32 {
        let mut lines = String::new();
        for i in 0..5u32 {
            let seed = if shard == 1 && i < 3 {
                i
            } else {
                shard * 10 + i
            };
            let record = serde_json::json!({
                "url": format!("https://site{shard}.example.com/{i}"),
                "timestamp": "2019-04-25T12:57:54Z",
                "content": {"body": story(seed, 80), "lang": "en"},
            });
            lines.push_str(&format!("{record}\n"));
        }
        let name = format!("c4/en/c4-train.0000{shard}-of-01024.json.gz");
        write_tree(root, &[(&name, &gzip(lines.as_bytes()))]);
    }
}

#[test]
fn a_c4_folder_of_json_gz_shards_scans_with_one_flag_and_no_other_surprise() {
    let dir = tempfile::tempdir().expect("tempdir");
    c4_folder(dir.path());
    let out = neardup(
        dir.path(),
        &[
            "scan",
            "c4",
            "--text-field",
            "content.body",
            "--report",
            "r.json",
            "--clean",
            "clean",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "no warning, no error");
    let text = stdout(&out);
    assert!(text.contains("10 read"), "{text}");
    assert!(text.contains("0 skipped"), "{text}");
    assert!(text.contains("3 clusters"), "{text}");
    // the clean copy keeps the shards' names and format, the text field changed in place
    let kept = std::fs::read(dir.path().join("clean/en/c4-train.00000-of-01024.json.gz"))
        .expect("the first shard is copied");
    let mut plain = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&kept[..]), &mut plain)
        .expect("gzip");
    let first: serde_json::Value =
        serde_json::from_str(plain.lines().next().expect("a line")).expect("JSON");
    assert!(first["content"]["body"].is_string());
    assert_eq!(first["content"]["lang"], "en");

    // without the flag: exit code 3, naming the fields the records do have, and no clean copy
    let out = neardup(
        dir.path(),
        &[
            "scan", "c4", "-q", "--report", "r.json", "--clean", "clean2",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("'text' (--text-field)"), "{err}");
    assert!(err.contains("content.body"), "{err}");
    assert!(err.contains("url"), "{err}");
    assert!(!dir.path().join("clean2").exists(), "no empty clean copy");
}

#[test]
fn formats_can_be_named_and_a_json_file_that_is_not_json_lines_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let record = format!("{{\"text\":\"{}\"}}\n", story(1, 40));
    write_tree(
        dir.path(),
        &[
            ("j/part-00000", record.as_bytes()),
            ("j/config.json", b"{\n  \"name\": \"a dataset\"\n}\n"),
            ("t/a.text", story(2, 40).as_bytes()),
            ("t/b.markdown", story(3, 40).as_bytes()),
            (
                "t/c.xhtml",
                format!("<html><body><p>{}</p></body></html>", story(4, 40)).as_bytes(),
            ),
        ],
    );
    // a .json holding one JSON document is skipped with its reason; part-00000 has no known
    // extension
    let out = neardup(dir.path(), &["scan", "j", "--report", "r.json"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stdout(&out).contains("JSON that is not JSON Lines ×1"),
        "{}",
        stdout(&out)
    );
    // --format jsonl reads every file as JSON Lines
    let out = neardup(
        dir.path(),
        &[
            "scan",
            "j/part-00000",
            "--format",
            "jsonl",
            "-q",
            "--report",
            "r.json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // .text, .markdown and .xhtml are read
    let out = neardup(dir.path(), &["scan", "t", "--report", "r.json"]);
    assert!(stdout(&out).contains("3 read"), "{}", stdout(&out));
    // a field flag where no input has fields: a warning, never silence
    let out = neardup(
        dir.path(),
        &[
            "scan",
            "t",
            "--text-field",
            "body",
            "-q",
            "--report",
            "r.json",
        ],
    );
    assert!(out.status.success());
    assert!(stderr(&out).contains("--text-field body names a field, but no input has fields"));
    // and with a format that has none: refused
    let out = neardup(
        dir.path(),
        &[
            "scan",
            "t",
            "--format",
            "text",
            "--text-field",
            "body",
            "--report",
            "r.json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--format text documents have no fields"));
}

#[test]
fn reading_nothing_is_exit_code_3_with_the_reasons() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(dir.path(), &[("empty/photo.png", b"\x89PNG")]);
    let out = neardup(
        dir.path(),
        &[
            "scan",
            "empty",
            "-q",
            "--report",
            "r.json",
            "--drop-list",
            "d.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("no document was read from empty"), "{err}");
    assert!(err.contains("unsupported file type ×1"), "{err}");
    assert!(
        dir.path().join("r.json").exists(),
        "the report says what was skipped"
    );
    assert!(!dir.path().join("d.txt").exists(), "nothing to act on");
}

#[test]
fn the_summary_splits_drops_and_the_threshold_says_when_containment_decides() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = samples();
    let out = neardup(
        dir.path(),
        &["scan", path(&s), "--report", "a.json", "--no-timing"],
    );
    let text = stdout(&out);
    let report: neardup::Report =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("a.json")).expect("report"))
            .expect("report");
    let (mut jaccard, mut containment) = (0, 0);
    for c in &report.duplicate_clusters {
        for m in c.documents.iter().skip(1) {
            if m.similarity < 0.7 {
                containment += 1;
            } else {
                jaccard += 1;
            }
        }
    }
    assert!(
        containment > 0,
        "samples/ has truncated copies joined by containment"
    );
    let line = format!(
        "{} documents to drop ({jaccard} by Jaccard ≥ 0.7, {containment} by containment ≥ 0.8)",
        report.summary.duplicate_documents
    );
    assert!(text.contains(&line), "{line}\n{text}");
    assert!(
        !stderr(&out).contains("decides no pair"),
        "no note at the defaults"
    );
    let out = neardup(
        dir.path(),
        &["scan", path(&s), "-t", "0.85", "-q", "--report", "b.json"],
    );
    assert!(
        stderr(&out).contains("--threshold 0.85 decides no pair"),
        "{}",
        stderr(&out)
    );
    let out = neardup(dir.path(), &["params", "-t", "0.9"]);
    let text = stdout(&out);
    assert!(
        text.contains("joined: pairs with Jaccard ≥ 0.9, or where the smaller lies ≥ 0.8"),
        "{text}"
    );
    assert!(text.contains("decides no pair"), "{text}");
    let out = neardup(dir.path(), &["params", "-t", "0.6"]);
    assert!(!stdout(&out).contains("decides no pair"));
}

#[test]
fn diff_says_what_a_re_run_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = samples();
    for (report, extra) in [("a.json", vec![]), ("b.json", vec!["--no-containment"])] {
        let mut args = vec!["scan", path(&s), "-q", "--report", report];
        args.extend(extra);
        assert!(neardup(dir.path(), &args).status.success());
    }
    let out = neardup(dir.path(), &["diff", "a.json", "b.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("parameter containment: 0.8 → none"), "{text}");
    assert!(text.contains("newly kept (dropped in A): 2"), "{text}");
    assert!(text.contains("metrowire/bridge-vote.txt"), "{text}");
    let out = neardup(dir.path(), &["diff", "a.json", "a.json"]);
    assert!(stdout(&out).contains("no change"), "{}", stdout(&out));
    let out = neardup(dir.path(), &["diff", "a.json", "nope.json"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn explain_of_two_files_agrees_with_a_scan_of_their_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = samples();
    let a = s.join("metrowire/bridge-vote.txt");
    let b = s.join("dailyherald/harbour-bridge.txt");
    let out = neardup(dir.path(), &["explain", path(&a), path(&b)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("site context: a scan of '"), "{text}");
    assert!(
        text.contains("DUPLICATES"),
        "the scan of samples/ joins them: {text}"
    );
    let out = neardup(dir.path(), &["explain", "--alone", path(&a), path(&b)]);
    let text = stdout(&out);
    assert!(text.starts_with("site context: none (--alone)"), "{text}");
    assert!(text.contains("--corpus DIR"), "{text}");
}

#[test]
fn eval_scores_only_what_the_truth_labels_and_names_every_kind_of_label() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = samples();
    write_tree(
        dir.path(),
        &[(
            "clusters.json",
            br#"{"duplicate_clusters": [["archive-school", "wire-school"]]}"#,
        )],
    );
    let out = neardup(dir.path(), &["eval", path(&s), "--truth", "clusters.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("near-duplicate pairs"), "{text}");
    assert!(!text.contains("template lines        precision"), "{text}");
    assert!(
        text.contains(
            "not scored (the truth file does not label them): template lines, repeated lines"
        ),
        "{text}"
    );
    let out = neardup(dir.path(), &["eval", path(&s)]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for flag in ["--truth", "--labels", "--gold"] {
        assert!(err.contains(flag), "{err}");
    }
}

#[test]
fn a_clean_copy_of_files_named_by_relative_or_absolute_paths_stays_inside_its_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).expect("mkdir");
    write_tree(
        dir.path(),
        &[
            ("data/one.txt", story(1, 60).as_bytes()),
            ("data/sub/two.txt", story(2, 60).as_bytes()),
        ],
    );
    let out = neardup(
        &work,
        &[
            "scan",
            "../data/one.txt",
            "../data/sub/two.txt",
            "-q",
            "--clean",
            "out",
            "--report",
            "r.json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(work.join("out/one.txt").is_file());
    assert!(work.join("out/sub/two.txt").is_file());
    assert!(!work.join("out/_").exists());
    let absolute = dir.path().join("data/one.txt");
    let out = neardup(
        &work,
        &[
            "scan",
            path(&absolute),
            "-q",
            "--clean",
            "abs",
            "--report",
            "r.json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        work.join("abs/one.txt").is_file(),
        "the file's name, not its whole path"
    );
}

#[test]
fn the_smaller_surprises() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // explain on JSON Lines without --text-field names the fields the records have
    write_tree(
        d,
        &[("f.jsonl", b"{\"id\":\"a\",\"body\":\"some words here\"}\n")],
    );
    let out = neardup(d, &["explain", "f.jsonl#a", "f.jsonl#a"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("its records have the fields id, body"),
        "{err}"
    );
    assert!(!err.contains("0 ()"), "{err}");
    // man makes the pages of the commands it names
    let out = neardup(d, &["man", "scan"]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains(".TH neardup-scan 1"),
        "{}",
        stdout(&out)
    );
    assert_eq!(neardup(d, &["man", "nope"]).status.code(), Some(2));
    // the cache says which reading option changed
    let s = samples();
    let run = |extra: &[&str]| {
        let mut args = vec!["scan", path(&s), "--cache", "cache", "--report", "r.json"];
        args.extend(extra);
        stdout(&neardup(d, &args))
    };
    run(&[]);
    let text = run(&["--ngram", "4"]);
    assert!(
        text.contains("rebuilt: reading options changed: ngram 5 → 4"),
        "{text}"
    );
    // --keep says what "first" means
    let help = stdout(&neardup(d, &["scan", "--help"]));
    assert!(
        help.contains("the smallest id (path order), not the"),
        "{help}"
    );
    // Parquet with a nested --site-field: named as JSON Lines names it (exit code 3)
    crate::support::write_parquet(
        &d.join("p.parquet"),
        &["text", "url"],
        &[vec![story(5, 30), "https://a.example/x".into()]],
        usize::MAX,
        parquet::basic::Compression::UNCOMPRESSED,
    );
    let out = neardup(
        d,
        &[
            "scan",
            "p.parquet",
            "--site-field",
            "meta.domain",
            "-q",
            "--report",
            "r.json",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("'meta.domain' (--site-field)"), "{err}");
    assert!(err.contains("the first records have text, url"), "{err}");
    // the HTML page shows whole ids and says what a verified bar below the threshold is
    let out = neardup(
        d,
        &[
            "scan",
            path(&s),
            "-q",
            "--report",
            "r.json",
            "--html",
            "r.html",
        ],
    );
    assert!(out.status.success());
    let page = std::fs::read_to_string(d.join("r.html")).expect("page");
    assert!(page.contains("are containment joins"));
    assert!(
        page.contains("dailyherald/harbour-bridge.txt, metrowire/bridge-vote.txt, wire-harbour")
    );
}
