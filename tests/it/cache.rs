//! `--cache`: a re-run with other thresholds reuses what reading produced; a stale cache is
//! detected and rebuilt, never silently reused.

use crate::support::{neardup, read_report, samples, stderr, write_tree};
use neardup::Report;

fn copy_samples(to: &std::path::Path) {
    for entry in walkdir::WalkDir::new(samples()) {
        let entry = entry.expect("walk samples");
        let rel = entry.path().strip_prefix(samples()).expect("under samples");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

fn scan(corpus: &std::path::Path, out: &std::path::Path, extra: &[&str]) -> Report {
    let report = out.join("r.json");
    let mut args = vec![
        "scan",
        corpus.to_str().expect("path"),
        "--report",
        report.to_str().expect("path"),
        "-q",
    ];
    args.extend_from_slice(extra);
    let o = neardup(out, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    read_report(&report)
}

fn status(r: &Report) -> String {
    r.timing
        .as_ref()
        .and_then(|t| t.cache.clone())
        .unwrap_or_default()
}

fn without_timing(mut r: Report) -> Report {
    r.timing = None;
    r
}

#[test]
fn rerun_with_other_thresholds_reuses_the_cache() {
    let out = tempfile::tempdir().expect("tempdir");
    let cache = out.path().join("cache");
    let c = cache.to_str().expect("path");
    let first = scan(&samples(), out.path(), &["--cache", c]);
    assert_eq!(status(&first), "built");
    for flags in [
        vec!["--threshold", "0.5"],
        vec!["--no-containment"],
        vec!["--template-min-docs", "4"],
        vec!["--repeat-similarity", "1"],
    ] {
        let mut with_cache = flags.clone();
        with_cache.extend(["--cache", c]);
        let cached = scan(&samples(), out.path(), &with_cache);
        assert_eq!(status(&cached), "reused", "{flags:?}");
        let fresh = scan(&samples(), out.path(), &flags);
        assert_eq!(without_timing(cached), without_timing(fresh), "{flags:?}");
    }
}

#[test]
fn stale_cache_is_rebuilt() {
    let corpus = tempfile::tempdir().expect("tempdir");
    copy_samples(corpus.path());
    let out = tempfile::tempdir().expect("tempdir");
    let cache = out.path().join("cache");
    let c = cache.to_str().expect("path");
    assert_eq!(
        status(&scan(corpus.path(), out.path(), &["--cache", c])),
        "built"
    );
    assert_eq!(
        status(&scan(corpus.path(), out.path(), &["--cache", c])),
        "reused"
    );
    // a new file: the corpus changed
    write_tree(
        corpus.path(),
        &[(
            "metrowire/new-page.txt",
            b"A brand new page about something else entirely.",
        )],
    );
    let r = scan(corpus.path(), out.path(), &["--cache", c]);
    assert_eq!(
        status(&r),
        "rebuilt: the corpus changed: 24 files then, 25 now"
    );
    assert_eq!(r.summary.documents, 26);
    // other shingles: the reading options changed, and which
    let r = scan(corpus.path(), out.path(), &["--cache", c, "--ngram", "4"]);
    assert_eq!(status(&r), "rebuilt: reading options changed: ngram 5 → 4");
    // fewer documents for a template than the cache recorded
    let r = scan(
        corpus.path(),
        out.path(),
        &["--cache", c, "--ngram", "4", "--template-min-docs", "2"],
    );
    assert_eq!(
        status(&r),
        "rebuilt: --template-min-docs below the cached 3"
    );
    // a damaged cache file
    std::fs::write(cache.join("neardup.cache"), b"garbage that is not a cache").expect("write");
    let r = scan(corpus.path(), out.path(), &["--cache", c]);
    assert!(
        status(&r).starts_with("rebuilt: cache from another version"),
        "{}",
        status(&r)
    );
}

/// Changes the last letter of `path` for another (same size) and gives it back its time, as an
/// edit within the clock's granularity or an `rsync -t` does: the cache cannot see it.
fn change_unseen(path: &std::path::Path) {
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("mtime");
    let mut bytes = std::fs::read(path).expect("read");
    let at = bytes
        .iter()
        .rposition(u8::is_ascii_lowercase)
        .expect("a letter");
    bytes[at] = if bytes[at] == b'q' { b'x' } else { b'q' };
    std::fs::write(path, &bytes).expect("write");
    let file = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open");
    file.set_modified(modified).expect("set mtime");
}

#[test]
fn a_document_changed_after_it_was_read_is_reported_not_used() {
    let corpus = tempfile::tempdir().expect("tempdir");
    copy_samples(corpus.path());
    let out = tempfile::tempdir().expect("tempdir");
    let cache = out.path().join("cache");
    let c = cache.to_str().expect("path");
    let first = scan(corpus.path(), out.path(), &["--cache", c]);
    // The first example of a template block that lives in a file of its own.
    let (block, example) = first
        .template_blocks
        .iter()
        .enumerate()
        .find_map(|(i, b)| {
            let e = b.examples.first()?;
            (e.ends_with(".txt") && b.examples.len() > 1).then(|| (i, e.clone()))
        })
        .expect("a template block with examples in text files");
    change_unseen(&corpus.path().join(&example));
    let second = scan(corpus.path(), out.path(), &["--cache", c]);
    assert_eq!(status(&second), "reused");
    let changed: Vec<&str> = second
        .skipped
        .iter()
        .filter(|s| s.reason == neardup::SkipReason::ChangedDuringScan)
        .map(|s| s.path.as_str())
        .collect();
    assert_eq!(changed, [example.as_str()]);
    assert_eq!(
        second
            .summary
            .skipped_by_reason
            .get("changed while scanned"),
        Some(&1)
    );
    // The block's text comes from another example, the same as before.
    assert_eq!(
        second.template_blocks[block].text,
        first.template_blocks[block].text
    );
    assert!(!second.template_blocks[block].text.is_empty());
}

/// A damaged cache is always noticed and rebuilt: flipped bytes anywhere (header, body,
/// checksum), cuts and growth never give a panic or a different report.
#[test]
fn every_damage_to_the_cache_is_detected() {
    let out = tempfile::tempdir().expect("tempdir");
    let cache = out.path().join("cache");
    let c = cache.to_str().expect("path");
    let fresh = without_timing(scan(&samples(), out.path(), &["--cache", c]));
    let file = cache.join("neardup.cache");
    let good = std::fs::read(&file).expect("cache written");
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as usize
    };
    for case in 0..40 {
        let mut bad = good.clone();
        match case % 4 {
            // the first bytes (version, fingerprint), then anywhere
            0 => bad[case % 16] ^= 1 << (case % 8),
            1 | 2 => {
                let at = next() % bad.len();
                bad[at] ^= 1 << (next() % 8);
            }
            _ if case % 8 == 3 => bad.truncate(next() % bad.len()),
            _ => bad.extend_from_slice(&[0u8; 7]),
        }
        std::fs::write(&file, &bad).expect("damage the cache");
        let r = scan(&samples(), out.path(), &["--cache", c]);
        assert!(
            status(&r).starts_with("rebuilt"),
            "case {case}: {}",
            status(&r)
        );
        assert_eq!(without_timing(r), fresh, "case {case}");
    }
}

mod decoder {
    //! The cache decoder itself, reached past the checksum: damaged payloads give an error,
    //! never a panic or an absurd allocation.
    use proptest::prelude::*;

    /// The payload of a real cache (between its 12-byte header and 8-byte checksum).
    fn payload() -> &'static [u8] {
        static PAYLOAD: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        PAYLOAD.get_or_init(|| {
            let out = tempfile::tempdir().expect("tempdir");
            let cache = out.path().join("cache");
            super::scan(
                &super::samples(),
                out.path(),
                &["--cache", cache.to_str().expect("path")],
            );
            let bytes = std::fs::read(cache.join("neardup.cache")).expect("cache");
            bytes[12..bytes.len() - 8].to_vec()
        })
    }

    #[test]
    fn the_real_payload_decodes() {
        assert!(neardup::internals::decode_snapshot_payload(payload()).is_ok());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        #[test]
        fn damaged_payloads_are_errors_not_crashes(
            at in any::<usize>(), bit in 0u8..8, cut in any::<usize>(),
            splice in prop::collection::vec(any::<u8>(), 1..12), how in 0u8..3,
        ) {
            let mut bad = payload().to_vec();
            match how {
                0 => { let i = at % bad.len(); bad[i] ^= 1 << bit; }
                1 => bad.truncate(cut % bad.len()),
                _ => { let i = at % bad.len(); bad.splice(i..i, splice); }
            }
            let _ = neardup::internals::decode_snapshot_payload(&bad);
        }

        #[test]
        fn random_payloads_are_errors_not_crashes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = neardup::internals::decode_snapshot_payload(&bytes);
        }
    }
}
