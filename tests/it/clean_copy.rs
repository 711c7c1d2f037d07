//! `--clean`: the copy holds exactly the kept documents, each at its own path and in its own
//! format, with the file's own bytes where the text was decoded; a folder neardup did not
//! write is refused before scanning, and one it wrote is replaced whole.

use std::io::{Read, Write};
use std::path::Path;

use crate::support::{annotations, neardup, stderr, stdout, write_tree};

/// A header and footer on three pages of one site, around three different stories.
fn site_pages(site: &str) -> Vec<(String, String)> {
    let stories = [
        "The harbour board voted on Tuesday to close the old ferry pier for repairs that engineers say cannot wait another winter, and the ferries will land at the cargo quay until spring.",
        "A new library branch opens in the north district next month with longer evening hours, a children's reading room and a workshop where residents can borrow tools.",
        "Farmers at the Saturday market say the late frost cut their strawberry harvest by half, and prices for the first crates of the season are the highest in a decade.",
    ];
    stories
        .iter()
        .enumerate()
        .map(|(i, story)| {
            (
                format!("{site}/page-{i}.txt"),
                format!("HARBOUR TIMES | News | Sport | Weather | Contact us\n\n{story}\n\nCopyright Harbour Times Media, all rights reserved worldwide\n"),
            )
        })
        .collect()
}

fn scan_clean(corpus: &Path, clean: &Path, extra: &[&str]) -> std::process::Output {
    let out = corpus.parent().expect("parent");
    let report = out.join("report.json");
    let mut args = vec![
        "scan",
        corpus.to_str().expect("path"),
        "--report",
        report.to_str().expect("path"),
        "--clean",
        clean.to_str().expect("path"),
    ];
    args.extend_from_slice(extra);
    neardup(out, &args)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

fn gunzip(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect("open"))
        .read_to_end(&mut out)
        .expect("gunzip");
    out
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("under dir");
            rel.to_string_lossy().into_owned()
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_file_and_its_compressed_namesake_are_two_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = tmp.path().join("corpus");
    let (a, b, c) = (
        "An article about the new tram line and the works it needs on the bridge over the river this summer.",
        "A different article, about the school year and the teachers the district still has to hire before September.",
        "A third text on the price of bread, which rose again in March as flour costs climbed for the bakeries in town.",
    );
    write_tree(
        &corpus,
        &[
            ("a.txt", a.as_bytes()),
            ("a.txt.gz", &gzip(b.as_bytes())),
            ("c.txt", c.as_bytes()),
        ],
    );
    let clean = tmp.path().join("clean");
    let o = scan_clean(&corpus, &clean, &["--site", "none"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("3 documents kept"));
    assert_eq!(
        files_under(&clean),
        [".neardup-clean", "a.txt", "a.txt.gz", "c.txt"]
    );
    assert_eq!(std::fs::read(clean.join("a.txt")).expect("a"), a.as_bytes());
    assert_eq!(gunzip(&clean.join("a.txt.gz")), b.as_bytes());
}

#[test]
fn every_frame_of_a_zstd_file_is_copied() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = tmp.path().join("corpus");
    let line = |id: &str, text: &str| format!("{{\"id\":\"{id}\",\"text\":\"{text}\"}}\n");
    let first = line(
        "one",
        "The first record, about the harbour board and its vote on the ferry pier repairs.",
    );
    let second = line(
        "two",
        "The second record, about a library branch that opens next month in the north.",
    );
    // Two frames, as pzstd or `cat a.zst b.zst` writes them.
    let mut bytes = ruzstd::encoding::compress_to_vec(
        first.as_bytes(),
        ruzstd::encoding::CompressionLevel::Fastest,
    );
    bytes.extend(ruzstd::encoding::compress_to_vec(
        second.as_bytes(),
        ruzstd::encoding::CompressionLevel::Fastest,
    ));
    write_tree(&corpus, &[("feed.jsonl.zst", &bytes)]);
    let clean = tmp.path().join("clean");
    let o = scan_clean(&corpus, &clean, &["--site", "none"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut text = String::new();
    ruzstd::decoding::StreamingDecoder::new(
        std::fs::File::open(clean.join("feed.jsonl.zst")).expect("written"),
    )
    .expect("zstd")
    .read_to_string(&mut text)
    .expect("decode");
    assert_eq!(text, format!("{first}{second}"));
}

#[test]
fn json_values_keep_their_order_and_digits() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = tmp.path().join("corpus");
    let record = r#"{"zeta":1,"id":"doc-1","big":123456789012345678901234567890,"ratio":1.10,"text":"Keep every other field as it was written in the input file, please.","meta":{"b":2,"a":1}}"#;
    write_tree(&corpus, &[("feed.jsonl", format!("{record}\n").as_bytes())]);
    let clean = tmp.path().join("clean");
    let o = scan_clean(&corpus, &clean, &["--site", "none"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let written = std::fs::read_to_string(clean.join("feed.jsonl")).expect("written");
    assert_eq!(written, format!("{record}\n"));
}

#[test]
fn latin1_text_keeps_its_bytes_and_lone_cr_its_line_ends() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = tmp.path().join("corpus");
    let mut pages = site_pages("times");
    // One page in Latin-1 (é as the byte E9), one with old Mac line ends.
    let latin1: Vec<u8> = pages[0]
        .1
        .replace("harbour board", "caf\u{e9} board")
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    pages[1].1 = pages[1].1.replace('\n', "\r");
    let mut files: Vec<(&str, &[u8])> = vec![(pages[0].0.as_str(), latin1.as_slice())];
    files.extend(pages[1..].iter().map(|(p, t)| (p.as_str(), t.as_bytes())));
    write_tree(&corpus, &files);
    let clean = tmp.path().join("clean");
    let o = scan_clean(&corpus, &clean, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let kept = std::fs::read(clean.join("times/page-0.txt")).expect("kept");
    assert!(kept.windows(9).any(|w| w == &b"caf\xe9 boar"[..]));
    assert!(!kept.windows(3).any(|w| w == "\u{fffd}".as_bytes()));
    assert!(
        !String::from_utf8_lossy(&kept).contains("HARBOUR TIMES"),
        "template stripped"
    );
    let mac = std::fs::read(clean.join("times/page-1.txt")).expect("kept");
    assert!(mac.contains(&b'\r') && !mac.contains(&b'\n'), "{mac:?}");
    assert!(!String::from_utf8_lossy(&mac).contains("HARBOUR TIMES"));
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_stay_apart_and_real() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    let names: [&[u8]; 2] = [b"caf\xe9.txt", b"caf\xe8.txt"];
    let texts = [
        "One text about the harbour board and the vote on closing the old ferry pier this winter.",
        "Another text about a library branch with longer hours that opens next month in the north.",
    ];
    for (name, text) in names.iter().zip(texts) {
        let path = corpus.join(std::ffi::OsStr::from_bytes(name));
        if std::fs::write(&path, text).is_err() {
            eprintln!("skipped: this file system refuses names that are not UTF-8");
            return;
        }
    }
    let clean = tmp.path().join("clean");
    let o = scan_clean(&corpus, &clean, &["--site", "none"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: neardup::Report = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("report.json")).expect("report"),
    )
    .expect("parse");
    assert_eq!(report.summary.documents, 2);
    for (name, text) in names.iter().zip(texts) {
        let path = clean.join(std::ffi::OsStr::from_bytes(name));
        assert_eq!(std::fs::read_to_string(path).expect("real name"), text);
    }
    // The ids say which byte each name holds.
    let ann = tmp.path().join("ann.jsonl");
    let o = neardup(
        tmp.path(),
        &[
            "scan",
            corpus.to_str().expect("path"),
            "--annotations",
            ann.to_str().expect("path"),
            "--report",
            tmp.path().join("r2.json").to_str().expect("path"),
            "--site",
            "none",
        ],
    );
    assert!(o.status.success());
    let ids: Vec<String> = annotations(&std::fs::read_to_string(ann).expect("ann"))
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, [r"caf\xE8.txt", r"caf\xE9.txt"]);
}

#[test]
fn a_folder_of_other_files_is_refused_and_an_old_copy_replaced() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = tmp.path().join("corpus");
    let pages = site_pages("times");
    let files: Vec<(&str, &[u8])> = pages
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_bytes()))
        .collect();
    write_tree(&corpus, &files);
    // Somebody's folder: refused before the scan, and left as it was.
    let theirs = tmp.path().join("theirs");
    write_tree(&theirs, &[("notes.txt", b"my notes")]);
    let o = scan_clean(&corpus, &theirs, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("holds files neardup did not write"));
    assert!(
        !tmp.path().join("report.json").exists(),
        "refused before scanning"
    );
    assert_eq!(files_under(&theirs), ["notes.txt"]);
    // A new folder in a folder that does not exist: refused, as for the other outputs.
    let o = scan_clean(&corpus, &tmp.path().join("missing/clean"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"));
    // A copy neardup wrote is replaced whole: a page gone from the corpus goes from the copy.
    let clean = tmp.path().join("clean");
    assert!(scan_clean(&corpus, &clean, &[]).status.success());
    assert!(clean.join("times/page-2.txt").exists());
    std::fs::remove_file(corpus.join("times/page-2.txt")).expect("rm");
    std::fs::write(clean.join("stale.txt"), "left by hand").expect("write");
    let o = scan_clean(&corpus, &clean, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        files_under(&clean),
        [".neardup-clean", "times/page-0.txt", "times/page-1.txt"]
    );
    // Nothing is left beside it.
    let beside: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("ls")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("neardup-"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}
