//! Reports and annotations compared byte for byte with copies stored in `tests/golden/`.
//!
//! They pin the scan's output while its code is reorganised: a change that is meant to change
//! detection regenerates them (`NEARDUP_BLESS=1 cargo test --release --test golden`) and says
//! why in its commit; any other change must leave them as they are.

use crate::support::{samples, scan_to};

use std::path::Path;

/// Compares `actual` with the stored file `name`, or writes it when blessing.
fn check(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("NEARDUP_BLESS").is_some() {
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with NEARDUP_BLESS=1 to create it)",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map_or(expected.lines().count().min(actual.lines().count()), |i| i);
        panic!(
            "{name} differs from the stored copy from line {}:\n  stored: {:?}\n  now:    {:?}",
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

#[test]
fn samples_report_and_annotations_are_unchanged() {
    let out = tempfile::tempdir().expect("tempdir");
    let (report, annotations, _) = scan_to(&samples(), out.path(), &[]);
    check("samples-report.json", &report);
    check("samples-annotations.jsonl", &annotations);
}

#[test]
fn generated_report_and_annotations_are_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    crate::support::generated_corpus(dir.path(), 150, 6, 21);
    let out = tempfile::tempdir().expect("tempdir");
    let (report, annotations, _) = scan_to(dir.path(), out.path(), &[]);
    check("generated-report.json", &report);
    check("generated-annotations.jsonl", &annotations);
}
