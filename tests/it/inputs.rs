//! Inputs as a pipeline has them: several paths, single files, standard input; and folders
//! walked as fd and ripgrep walk them (hidden files, --glob patterns, a stable order).

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::{annotations, neardup, stderr, write_tree};

const TEXT: &[u8] = b"The harbour board met on Tuesday to discuss the new ferry timetable and the repairs to the old pier.";

/// Runs `neardup` in `cwd` with `stdin` on its standard input.
fn neardup_with_stdin(cwd: &std::path::Path, args: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_neardup"))
        .current_dir(cwd)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the neardup binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

/// The ids of an annotations file, in order.
fn ids(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("annotations written");
    annotations(&text).into_iter().map(|a| a.id).collect()
}

#[test]
fn several_paths_files_and_stdin_give_unique_ids_named_as_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(
        dir.path(),
        &[
            ("a/site/x.txt", TEXT),
            ("b/site/x.txt", TEXT),
            ("c.txt", TEXT),
            ("notes", TEXT),
        ],
    );
    let jsonl = format!(
        "{{\"id\":\"s1\",\"text\":\"{}\"}}\n{{\"text\":\"{}\"}}\n",
        String::from_utf8_lossy(TEXT),
        String::from_utf8_lossy(TEXT)
    );
    let out = neardup_with_stdin(
        dir.path(),
        &[
            "scan",
            "./a/",
            "b",
            "c.txt",
            "notes",
            "-",
            "-q",
            "--annotations",
            "ann.jsonl",
        ],
        jsonl.as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // sorted by path as given; a file is read whatever its name; stdin lines are stdin:LINE
    assert_eq!(
        ids(&dir.path().join("ann.jsonl")),
        vec![
            "a/site/x.txt",
            "b/site/x.txt",
            "c.txt",
            "notes",
            "s1",
            "stdin:2"
        ]
    );
    let anns = annotations(&std::fs::read_to_string(dir.path().join("ann.jsonl")).expect("read"));
    // sites are the top folders under each folder given; files given by name have none
    assert_eq!(anns[0].site.as_deref(), Some("site"));
    assert_eq!(anns[2].site, None);
    // one folder alone keeps ids relative to it, as before
    let out = neardup(
        dir.path(),
        &["scan", "a", "-q", "--annotations", "one.jsonl"],
    );
    assert!(out.status.success());
    assert_eq!(ids(&dir.path().join("one.jsonl")), vec!["site/x.txt"]);
    // standard input twice is refused before anything is read
    let out = neardup_with_stdin(dir.path(), &["scan", "-", "-"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("can be given once"));
}

#[test]
fn the_clean_copy_of_inputs_named_through_dot_dot_stays_in_its_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(
        dir.path(),
        &[
            ("corpus/s/x.txt", TEXT),
            (
                "other/y.txt",
                b"Another page entirely, about the weather in the hills this spring.",
            ),
        ],
    );
    let work = dir.path().join("work");
    std::fs::create_dir(&work).expect("mkdir");
    let out = neardup(
        &work,
        &[
            "scan",
            "../corpus",
            "../other/y.txt",
            "-q",
            "--clean",
            "cleaned",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // under the deepest folder holding both inputs (`..`), never outside the clean folder
    assert!(work.join("cleaned/corpus/s/x.txt").is_file());
    assert!(work.join("cleaned/other/y.txt").is_file());
    assert!(!work.join("cleaned/_").exists());
}

#[test]
fn hidden_files_are_left_out_unless_asked_and_globs_choose_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(
        dir.path(),
        &[
            ("c/s/page.txt", TEXT),
            ("c/s/.draft.txt", TEXT),
            ("c/.git/notes.md", TEXT),
            ("c/drafts/old.md", TEXT),
            ("c/s/other.md", TEXT),
        ],
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["scan", "c", "-q", "--annotations", "ann.jsonl"];
        args.extend_from_slice(extra);
        let out = neardup(dir.path(), &args);
        assert!(out.status.success(), "{}", stderr(&out));
        ids(&dir.path().join("ann.jsonl"))
    };
    assert_eq!(run(&[]), vec!["drafts/old.md", "s/other.md", "s/page.txt"]);
    assert_eq!(
        run(&["--hidden"]),
        vec![
            ".git/notes.md",
            "drafts/old.md",
            "s/.draft.txt",
            "s/other.md",
            "s/page.txt"
        ]
    );
    assert_eq!(run(&["-g", "*.md", "-g", "!drafts/**"]), vec!["s/other.md"]);
    assert_eq!(run(&["--glob", "!*.md"]), vec!["s/page.txt"]);
    let out = neardup(dir.path(), &["scan", "c", "-g", "[oops"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--glob '[oops' is not a pattern"));
}

#[test]
fn a_wide_flat_folder_is_listed_in_the_same_order_on_any_number_of_threads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = dir.path().join("c");
    std::fs::create_dir(&c).expect("mkdir");
    for i in 0..400 {
        let text = format!(
            "Page {i} of a flat folder: {} words about item {i}.",
            "many ".repeat(i % 7 + 3)
        );
        std::fs::write(c.join(format!("p{:03}.txt", (i * 37) % 400)), text).expect("write");
    }
    let mut reports = Vec::new();
    for threads in ["1", "2", "7"] {
        let report = format!("r{threads}.json");
        let out = neardup(
            dir.path(),
            &[
                "scan",
                "c",
                "-q",
                "--no-timing",
                "-j",
                threads,
                "--report",
                &report,
                "--annotations",
                "ann.jsonl",
            ],
        );
        assert!(out.status.success());
        let listed = ids(&dir.path().join("ann.jsonl"));
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(listed, sorted);
        assert_eq!(listed.len(), 400);
        reports.push(std::fs::read(dir.path().join(&report)).expect("report"));
    }
    assert_eq!(reports[0], reports[1]);
    assert_eq!(reports[0], reports[2]);
}

#[test]
fn a_url_field_gives_the_host_as_site_and_missing_fields_are_warned_about() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = String::from_utf8_lossy(TEXT);
    let jsonl = format!(
        "{{\"id\":\"a\",\"url\":\"https://www.Example.org:8443/news/1\",\"text\":\"{text}\"}}\n{{\"id\":\"b\",\"url\":\"http://example.org/2\",\"text\":\"{text} More.\"}}\n"
    );
    let out = neardup_with_stdin(
        dir.path(),
        &[
            "scan",
            "-",
            "--site-field",
            "url",
            "-q",
            "--annotations",
            "ann.jsonl",
        ],
        jsonl.as_bytes(),
    );
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    let anns = annotations(&std::fs::read_to_string(dir.path().join("ann.jsonl")).expect("read"));
    let sites: Vec<Option<&str>> = anns.iter().map(|a| a.site.as_deref()).collect();
    assert_eq!(sites, vec![Some("example.org"), Some("example.org")]);

    // misspelt fields: an error (exit code 3) naming each, not a silent fallback, with the
    // fields the records do have
    let out = neardup_with_stdin(
        dir.path(),
        &[
            "scan",
            "-",
            "-q",
            "--site-field",
            "domain",
            "--id-field",
            "ID",
            "--text-field",
            "body",
        ],
        jsonl.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains(
            "has the field 'body' (--text-field) or 'ID' (--id-field) or 'domain' (--site-field)"
        ),
        "{err}"
    );
    assert!(
        err.contains("the first records have id, url, text"),
        "{err}"
    );
    // the default id field may be missing: FILE:LINE ids are the documented fallback
    let out = neardup_with_stdin(
        dir.path(),
        &["scan", "-", "-q"],
        format!("{{\"text\":\"{text}\"}}\n").as_bytes(),
    );
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn an_empty_input_is_an_error_with_exit_code_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
    let out = neardup(dir.path(), &["scan", "empty", "-q"]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("error: no document was read from empty: no file neardup reads was found"),
        "{err}"
    );
    assert!(dir.path().join("neardup-report.json").is_file());
}

#[test]
fn a_temporary_folder_without_room_is_refused_up_front_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(dir.path(), &[("c/s/page.txt", TEXT)]);
    // A sparse compressed file that claims far more room than any disk has (counted at
    // five bytes of text a byte); reading it fails at once (no gzip header).
    let huge = std::fs::File::create(dir.path().join("c/s/huge.txt.gz")).expect("create");
    if huge.set_len(1 << 42).is_err() {
        return; // a file system without sparse files of that size: nothing to test here
    }
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).expect("mkdir");
    let out = neardup(
        dir.path(),
        &["scan", "c", "-q", "--temp-dir", "tmp", "--report", "r.json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("warning: temporary file not used:"), "{err}");
    assert!(err.contains("free in 'tmp'"), "{err}");
    let report: neardup::Report =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).expect("report"))
            .expect("report");
    assert_eq!(report.summary.documents, 1);
    let spill = report.timing.and_then(|t| t.spill).expect("spill status");
    assert!(spill.starts_with("not used:"), "{spill}");
}

#[test]
fn a_malformed_json_line_is_named_by_its_line_and_column_in_the_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stdin = b"{\"id\":\"a\",\"text\":\"a first document\"}\n\n{\"id\": \"b\" \"text\": \"x\"}\n{\"id\":\"c\",\"text\":\"cut off\n";
    let out = neardup_with_stdin(
        dir.path(),
        &["scan", "-", "--report", "-", "--quiet", "--no-timing"],
        stdin,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report: neardup::Report = serde_json::from_slice(&out.stdout).expect("report");
    let skipped = crate::support::skipped_entries(&report);
    // the path names the line; the reason the column inside that one-line record, never
    // serde's "line 1" (or "line 2" for the line end of a record cut off inside a string)
    assert_eq!(
        skipped,
        vec![
            (
                "stdin:3".to_string(),
                "malformed JSON: expected `,` or `}` at column 12".to_string()
            ),
            (
                "stdin:4".to_string(),
                "malformed JSON: EOF while parsing a string at column 25".to_string()
            ),
        ]
    );
}
