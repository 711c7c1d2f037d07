//! Helpers shared by the integration tests: running the real binary, building corpora.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The path of the `samples/` corpus.
pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// Runs `neardup` with `args` in `cwd`.
pub fn neardup(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neardup"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("the neardup binary runs")
}

/// Runs a scan of `dir` writing report and annotations into `out`; returns (report text,
/// annotations text, process output).
pub fn scan_to(dir: &Path, out: &Path, extra: &[&str]) -> (String, String, Output) {
    let report = out.join("report.json");
    let ann = out.join("annotations.jsonl");
    let mut args = vec![
        "scan",
        dir.to_str().expect("utf-8 path"),
        "--report",
        report.to_str().expect("utf-8 path"),
        "--annotations",
        ann.to_str().expect("utf-8 path"),
        "--no-timing",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let output = neardup(out, &args);
    assert!(
        output.status.success(),
        "scan failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let r = std::fs::read_to_string(&report).expect("report written");
    let a = std::fs::read_to_string(&ann).expect("annotations written");
    (r, a, output)
}

/// Runs a scan of `dir` that also writes a clean copy into `out/clean`; returns (report text,
/// annotations text, the clean copy's folder).
pub fn scan_with_clean(dir: &Path, out: &Path) -> (String, String, PathBuf) {
    let clean = out.join("clean");
    let (report, annotations, _) =
        scan_to(dir, out, &["--clean", clean.to_str().expect("utf-8 path")]);
    (report, annotations, clean)
}

/// Writes `files` (relative path, contents) under `root`.
pub fn write_tree(root: &Path, files: &[(&str, &[u8])]) {
    for (rel, bytes) in files {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, bytes).expect("write file");
    }
}

/// Writes `files` (relative path, text) under `root`.
pub fn write_texts(root: &Path, files: &[(String, String)]) {
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_bytes()))
        .collect();
    write_tree(root, &refs);
}

/// Parses annotations JSON lines.
pub fn annotations(text: &str) -> Vec<neardup::Annotation> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("annotation line parses"))
        .collect()
}

/// Lines of `doc` covered by spans of `kind`.
pub fn span_lines(anns: &[neardup::Annotation], doc: &str, kind: &str) -> Vec<u32> {
    let a = anns
        .iter()
        .find(|a| a.id == doc)
        .unwrap_or_else(|| panic!("no annotation for {doc}"));
    a.spans
        .iter()
        .filter(|s| s.kind == kind)
        .flat_map(|s| s.start_line..=s.end_line)
        .collect()
}

/// `bytes` gzipped in memory, at the fast level.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).expect("gzip into memory");
    gz.finish().expect("gzip into memory")
}

/// A run's standard output, as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A run's standard error, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A report's JSON text, parsed.
pub fn parse_report(text: &str) -> neardup::Report {
    serde_json::from_str(text).expect("a report parses")
}

/// The report's skipped entries as (path, reason as the report words it).
pub fn skipped_entries(report: &neardup::Report) -> Vec<(String, String)> {
    report
        .skipped
        .iter()
        .map(|s| (s.path.clone(), s.reason.to_string()))
        .collect()
}

/// The report written at `path`, parsed.
pub fn read_report(path: &Path) -> neardup::Report {
    parse_report(&std::fs::read_to_string(path).expect("the report is written"))
}

/// Writes the synthetic labelled corpus of `stories` stories on `sites` sites (seed `seed`, the
/// generator's other options at their defaults) into `dir`.
pub fn generated_corpus(dir: &Path, stories: usize, sites: usize, seed: u64) {
    let opts = neardup_synth::SynthOptions {
        stories,
        sites,
        seed,
        ..neardup_synth::SynthOptions::default()
    };
    let texts = neardup_synth::synthetic_stories(stories, seed);
    neardup_synth::generate(&texts, &opts, dir).expect("generate the synthetic corpus");
}

/// Writes string columns as a Parquet file of `rows_per_group` rows a row group, compressed
/// with `compression`.
pub fn write_parquet(
    path: &Path,
    columns: &[&str],
    rows: &[Vec<String>],
    rows_per_group: usize,
    compression: parquet::basic::Compression,
) {
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use std::sync::Arc;
    let message = format!(
        "message schema {{ {} }}",
        columns
            .iter()
            .map(|c| format!("REQUIRED BYTE_ARRAY {c} (UTF8);"))
            .collect::<String>()
    );
    let schema = Arc::new(parquet::schema::parser::parse_message_type(&message).expect("schema"));
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(compression)
            .build(),
    );
    let file = std::fs::File::create(path).expect("create");
    let mut writer = SerializedFileWriter::new(file, schema, props).expect("writer");
    for chunk in rows.chunks(rows_per_group.max(1)) {
        let mut group = writer.next_row_group().expect("row group");
        let mut c = 0;
        while let Some(mut col) = group.next_column().expect("column") {
            let values: Vec<ByteArray> = chunk
                .iter()
                .map(|r| ByteArray::from(r[c].as_str()))
                .collect();
            col.typed::<ByteArrayType>()
                .write_batch(&values, None, None)
                .expect("write");
            col.close().expect("close column");
            c += 1;
        }
        group.close().expect("close group");
    }
    writer.close().expect("close");
}
