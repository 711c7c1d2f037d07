//! A scan fed in batches ([`neardup::Scanner`]) runs the same kernels as a scan of files: the
//! report does not depend on how the documents are cut into batches, and it finds what the
//! scan of the same documents as files finds.

use std::path::Path;

use neardup::{Config, Document, Report, Scanner};

/// Every `.txt` file under `root`, in path order, as a document with the id and site a scan
/// of the folder gives it (its path, its top folder).
pub(crate) fn documents_of(root: &Path) -> Vec<Document> {
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

/// A word of pseudo-random letters from `n` (distinct `n`, distinct words, no digits: digits
/// are folded in unit keys).
fn word(n: u64) -> String {
    let mut h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5851_F42D_4C95_7F2D;
    (0..7)
        .map(|_| {
            h = h.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            char::from(b'a' + (h >> 59) as u8 % 26)
        })
        .collect()
}

/// `count` words from `first` on, as one line.
fn words(first: u64, count: u64) -> String {
    (first..first + count)
        .map(word)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One site of documents that fills round one's counting filter at its smallest size: 2,000
/// documents of lines of their own (over 100,000 distinct units, a false-positive rate near
/// 10% in a filter that did not grow), and 150 pairs of near copies whose likeness rests on a
/// long passage only the two of them hold (a count one over would make it a template
/// candidate, left out of both signatures in the first round).
fn filter_sensitive_corpus() -> Vec<Document> {
    let mut docs = Vec::new();
    for d in 0..2_000u64 {
        let text: Vec<String> = (0..30).map(|l| words((d * 30 + l) * 8, 8)).collect();
        docs.push(Document::new(format!("filler-{d}"), text.join("\n\n")));
    }
    for p in 0..150u64 {
        let base = 1_000_000_000 + p * 1_000;
        let passage = words(base, 100);
        let own = |copy: u64| -> String {
            // 40 words; the second copy changes two of them.
            (0..40)
                .map(|i| match (copy, i) {
                    (1, 13) | (1, 27) => word(base + 900 + i),
                    _ => word(base + 500 + i),
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        for copy in 0..2 {
            let text = format!("{passage}\n\n{}", own(copy));
            docs.insert(
                (p * 13 % 2_000) as usize,
                Document::new(format!("pair-{p}-{copy}"), text),
            );
        }
    }
    docs
}

/// Round one counts units with a filter sized from the input's bytes (none are known for
/// batches, and a gzipped file's size understates its text), whose false positives once
/// changed which lines were left out of the signatures (the unit test
/// `the_recount_is_exact_whatever_the_filter_size` holds the counts exact). The same documents
/// must give the same result however they arrive: plain, gzipped, or in batches; and the pairs
/// must be joined.
#[test]
fn results_do_not_depend_on_compression_or_batches() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = filter_sensitive_corpus();
    let jsonl: String = docs
        .iter()
        .map(|d| format!("{}\n", serde_json::json!({"id": d.id, "text": d.text})))
        .collect();
    let plain = dir.path().join("plain");
    let gz = dir.path().join("gz");
    crate::support::write_tree(&plain, &[("corpus.jsonl", jsonl.as_bytes())]);
    let gzipped = crate::support::gzip(jsonl.as_bytes());
    crate::support::write_tree(&gz, &[("corpus.jsonl.gz", &gzipped)]);
    let scan = |root: &Path| {
        let out = root.join("out");
        std::fs::create_dir_all(&out).expect("mkdir");
        let (_, annotations, _) = crate::support::scan_to(root, &out, &["-j", "2"]);
        annotations
    };
    // Each document's id, what it duplicates and its spans (its path names the file).
    let results = |annotations: &[neardup::Annotation]| -> Vec<String> {
        annotations
            .iter()
            .map(|a| format!("{} {:?} {}", a.id, a.duplicate_of, json(&a.spans)))
            .collect()
    };
    let joined_pairs = |annotations: &[neardup::Annotation]| {
        annotations
            .iter()
            .filter(|a| a.id.starts_with("pair-") && a.duplicate_of.is_some())
            .count()
    };
    let from_plain = crate::support::annotations(&scan(&plain));
    assert_eq!(from_plain.len(), docs.len());
    assert_eq!(joined_pairs(&from_plain), 150);
    let expected = results(&from_plain);
    let from_gz = crate::support::annotations(&scan(&gz));
    assert_eq!(joined_pairs(&from_gz), 150, "gzipped");
    assert_eq!(results(&from_gz), expected, "gzipped");
    let mut scanner = Scanner::new(&Config::new("corpus")).expect("valid options");
    for chunk in docs.chunks(500) {
        scanner.add_documents("corpus", chunk.to_vec());
    }
    let from_batches = scanner.finish().annotations;
    assert_eq!(joined_pairs(&from_batches), 150, "in batches");
    assert_eq!(results(&from_batches), expected, "in batches");
}
