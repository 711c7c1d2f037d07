//! A scan fed in batches ([`neardup::Scanner`]) runs the same kernels as a scan of files: the
//! report does not depend on how the documents are cut into batches, and it finds what the
//! scan of the same documents as files finds.

use std::path::Path;

use neardup::{Config, Document, Report, Scanner};

/// Every `.txt` file under `root`, in path order, as a document with the id and site a scan
/// of the folder gives it (its path, its top folder).
fn documents_of(root: &Path) -> Vec<Document> {
    let mut paths = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("list corpus") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "txt") {
                paths.push(path);
            }
        }
    }
    let rel = |p: &Path| {
        p.strip_prefix(root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/")
    };
    paths.sort_by_key(|p| rel(p));
    paths
        .iter()
        .map(|p| {
            let id = rel(p);
            let mut doc = Document::new(id.clone(), std::fs::read_to_string(p).expect("read"));
            doc.site = id.split_once('/').map(|(site, _)| site.to_string());
            doc
        })
        .collect()
}

/// The report (without timing) and annotations of a scan of `docs` fed `batch` at a time.
fn scan_in_batches(cfg: &Config, docs: &[Document], batch: usize) -> (Report, String) {
    let mut scanner = Scanner::new(cfg).expect("valid options");
    for chunk in docs.chunks(batch) {
        scanner.add_documents("corpus", chunk.to_vec());
    }
    let mut out = scanner.finish();
    out.report.timing = None;
    let annotations = out
        .annotations
        .iter()
        .map(|a| serde_json::to_string(a).expect("json"))
        .collect::<Vec<_>>()
        .join("\n");
    (out.report, annotations)
}

#[test]
fn batches_of_1_7_and_1000_give_the_same_report_and_annotations() {
    let dir = tempfile::tempdir().expect("tempdir");
    crate::support::generated_corpus(dir.path(), 120, 5, 33);
    let docs = documents_of(dir.path());
    assert!(docs.len() > 100, "{} documents", docs.len());
    let mut cfg = Config::new("corpus");
    cfg.threads = Some(2);
    let (report, annotations) = scan_in_batches(&cfg, &docs, 1000);
    let report_json = serde_json::to_string_pretty(&report).expect("json");
    assert!(!report.duplicate_clusters.is_empty() && !report.template_blocks.is_empty());
    for batch in [1, 7] {
        let (other, other_annotations) = scan_in_batches(&cfg, &docs, batch);
        assert_eq!(
            serde_json::to_string_pretty(&other).expect("json"),
            report_json,
            "report of batches of {batch}"
        );
        assert_eq!(
            other_annotations, annotations,
            "annotations of batches of {batch}"
        );
    }
}

#[test]
fn batches_find_what_the_scan_of_the_files_finds() {
    let dir = tempfile::tempdir().expect("tempdir");
    crate::support::generated_corpus(dir.path(), 120, 5, 33);
    let docs = documents_of(dir.path());
    let cfg = Config::new(dir.path());
    let (from_batches, _) = scan_in_batches(&cfg, &docs, 64);
    let mut from_files = neardup::scan(&cfg).expect("scan");
    from_files.report.timing = None;
    assert_eq!(
        json(&from_batches.duplicate_clusters),
        json(&from_files.report.duplicate_clusters)
    );
    assert_eq!(
        json(&from_batches.template_blocks),
        json(&from_files.report.template_blocks)
    );
    assert_eq!(
        json(&from_batches.repeated_blocks),
        json(&from_files.report.repeated_blocks)
    );
    assert_eq!(
        from_batches.summary.documents,
        from_files.report.summary.documents
    );
    assert_eq!(
        from_batches.summary.duplicate_documents,
        from_files.report.summary.duplicate_documents
    );
}

/// A report part as JSON, for comparison.
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("json")
}

#[test]
fn documents_without_ids_are_named_by_their_source_and_record() {
    let mut scanner = Scanner::new(&Config::new("t")).expect("valid");
    let text = "A line long enough to be a document of its own in this small table of texts.";
    scanner.add_documents(
        "table",
        vec![Document::new("", text), Document::new("x", text)],
    );
    scanner.add_documents("table", vec![Document::new("", text)]);
    let out = scanner.finish();
    let ids: Vec<&str> = out.annotations.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["table:1", "x", "table:3"]);
    assert_eq!(out.annotations[2].duplicate_of.as_deref(), Some("table:1"));
}
