//! The memory bounds README states, held by measuring the peak resident memory of the real
//! binary (`wait4`'s rusage of the child) on inputs built to break them (issue 20: F05 Parquet
//! row groups, F13 documents of short lines, F14 huge ids). The tests run one at a time, so a
//! child has the machine's memory to itself.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// One measured run at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs `neardup args` in `cwd`; its exit code and peak resident memory in MB. The child is
/// waited for by `wait4` (for its rusage), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn peak_mb(cwd: &Path, args: &[&str]) -> (i32, u64) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let child = Command::new(env!("CARGO_BIN_EXE_neardup"))
        .current_dir(cwd)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the neardup binary runs");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data, written by the kernel; the child is ours and waited once.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, usage.ru_maxrss as u64 / 1024)
}

fn gzip_to(path: &Path, chunks: impl Iterator<Item = Vec<u8>>) {
    let file = std::fs::File::create(path).expect("create");
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    for chunk in chunks {
        gz.write_all(&chunk).expect("gzip");
    }
    gz.finish().expect("gzip");
}

/// F13: a document of short lines costs about 300 bytes a line to segment; one of more than
/// `--max-bytes / 256` lines is skipped with the reason, so a 23 KB `.txt.gz` of six million
/// lines no longer takes 1.8 GB; a document just under the limit stays within its bound.
#[test]
fn f13_documents_of_short_lines_stay_within_their_bound() {
    let dir = tempfile::tempdir().expect("tempdir");
    gzip_to(
        &dir.path().join("many.txt.gz"),
        (0..60).map(|_| b"x y\n".repeat(100_000)),
    );
    gzip_to(
        &dir.path().join("page.html.gz"),
        std::iter::once(b"<title>t</title>".to_vec())
            .chain((0..60).map(|_| b"<p>x y</p>".repeat(100_000))),
    );
    gzip_to(
        &dir.path().join("under.txt.gz"),
        (0..26).map(|_| b"x y\n".repeat(10_000)),
    );
    let (code, many) = peak_mb(
        dir.path(),
        &["scan", "many.txt.gz", "-q", "--report", "r1.json"],
    );
    // its one document skipped, nothing was read: exit 3, and the report says why
    assert_eq!(code, 3);
    let report = std::fs::read_to_string(dir.path().join("r1.json")).expect("report");
    assert!(
        report.contains("document of more than 262144 lines"),
        "{report}"
    );
    assert!(many < 150, "6 million short lines (text): {many} MB");
    let (code, page) = peak_mb(
        dir.path(),
        &["scan", "page.html.gz", "-q", "--report", "r2.json"],
    );
    assert_eq!(code, 3);
    // the page's extraction (about 5 bytes per byte of page) comes before the line count
    assert!(page < 500, "6 million short lines (HTML): {page} MB");
    let (code, under) = peak_mb(
        dir.path(),
        &["scan", "under.txt.gz", "-q", "--report", "r3.json"],
    );
    assert_eq!(code, 0);
    let report = std::fs::read_to_string(dir.path().join("r3.json")).expect("report");
    assert!(report.contains("\"documents\": 1"), "{report}");
    // 260,000 lines: within 1.2 × --max-bytes of segments, plus the process
    assert!(under < 150, "260,000 short lines: {under} MB");
}

/// F14: ids are capped at 1 KiB (a longer one keeps 1,000 bytes and its hash), so ten 5 MB ids
/// make neither a huge page nor huge pairs, nor a 1 GB peak.
#[test]
fn f14_huge_ids_are_capped() {
    let dir = tempfile::tempdir().expect("tempdir");
    gzip_to(
        &dir.path().join("i.jsonl.gz"),
        (0..10).map(|i| {
            format!(
                "{{\"id\":\"{i}{}\",\"text\":\"the council approved the new harbour bridge plans today\"}}\n",
                "a".repeat(5_000_000)
            )
            .into_bytes()
        }),
    );
    let args = [
        "scan",
        "i.jsonl.gz",
        "-q",
        "--report",
        "r.json",
        "--html",
        "h.html",
        "--pairs",
        "p.jsonl",
        "--annotations",
        "a.jsonl",
    ];
    let (code, peak) = peak_mb(dir.path(), &args);
    assert_eq!(code, 0);
    assert!(peak < 200, "{peak} MB");
    for out in ["h.html", "p.jsonl", "r.json"] {
        let size = std::fs::metadata(dir.path().join(out))
            .expect("written")
            .len();
        assert!(size < 2_000_000, "{out}: {size} bytes");
    }
    let ann = std::fs::read_to_string(dir.path().join("a.jsonl")).expect("annotations");
    let ids: Vec<String> = ann
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("json")["id"]
                .as_str()
                .expect("id")
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), 10);
    assert!(
        ids.iter().all(|id| id.len() <= 1024 && id.contains('…')),
        "capped"
    );
    let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), 10, "capped ids stay distinct");
}

/// F05: a Parquet row group is read 64 rows at a time, its text values references into the
/// decoded page or dictionary: a 1,000-row group of one 1 MB dictionary string no longer
/// peaks at 1 GB (what the same rows cost as JSON Lines, the documents in flight, remains).
#[test]
fn f05_a_parquet_row_group_is_not_held_whole() {
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use std::sync::Arc;
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "lorem ipsum dolor sit amet consectetur ".repeat(25_642)[..1_000_000].to_string();
    let schema = Arc::new(
        parquet::schema::parser::parse_message_type(
            "message schema { REQUIRED BYTE_ARRAY text (UTF8); }",
        )
        .expect("schema"),
    );
    let props = Arc::new(
        WriterProperties::builder()
            .set_dictionary_page_size_limit(4 << 20)
            .set_compression(parquet::basic::Compression::SNAPPY)
            .build(),
    );
    let path = dir.path().join("d.parquet");
    let file = std::fs::File::create(&path).expect("create");
    let mut writer = SerializedFileWriter::new(file, schema, props).expect("writer");
    let mut group = writer.next_row_group().expect("group");
    let mut col = group.next_column().expect("column").expect("one column");
    let value = ByteArray::from(text.as_str());
    for _ in 0..10 {
        let batch = vec![value.clone(); 100];
        col.typed::<ByteArrayType>()
            .write_batch(&batch, None, None)
            .expect("write");
    }
    col.close().expect("close");
    group.close().expect("close");
    writer.close().expect("close");
    let size = std::fs::metadata(&path).expect("written").len();
    assert!(size < 1_000_000, "dictionary-encoded: {size} bytes");
    let (code, peak) = peak_mb(
        dir.path(),
        &["scan", "d.parquet", "-q", "--report", "r.json"],
    );
    assert_eq!(code, 0);
    let report = std::fs::read_to_string(dir.path().join("r.json")).expect("report");
    assert!(report.contains("\"documents\": 1000"), "{report}");
    assert!(peak < 450, "{peak} MB");
}

/// A Parquet file whose dictionary page claims 150 million values in a few bytes: the parquet
/// crate would allocate a slot for each (about 4.8 GB) before reading one. The page is checked
/// first and its row group skipped with the reason; the rows of the other row group are read.
#[test]
fn a_parquet_dictionary_claiming_more_values_than_its_bytes_is_skipped() {
    use bytes::Bytes;
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::metadata::{
        ParquetMetaData, ParquetMetaDataReader, ParquetMetaDataWriter, RowGroupMetaData,
    };
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use std::sync::Arc;
    let schema = Arc::new(
        parquet::schema::parser::parse_message_type(
            "message schema { REQUIRED BYTE_ARRAY text (UTF8); }",
        )
        .expect("schema"),
    );
    let props = Arc::new(WriterProperties::builder().build());
    let mut valid = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut valid, schema, props).expect("writer");
    for words in ["alpha bravo charlie", "delta echo foxtrot"] {
        let mut group = writer.next_row_group().expect("group");
        let mut col = group.next_column().expect("column").expect("one column");
        let rows: Vec<ByteArray> = ["one", "two", "three"]
            .iter()
            .map(|n| ByteArray::from(format!("{words} {n} golf hotel india").as_str()))
            .collect();
        col.typed::<ByteArrayType>()
            .write_batch(&rows, None, None)
            .expect("write");
        col.close().expect("close");
        group.close().expect("close");
    }
    writer.close().expect("close");
    // The first row group's dictionary header: field 7 (a struct), whose field 1 (an i32)
    // says 3 values (zigzag 6); it is made to say 150,000,000 (5 bytes: the rest moves by 4).
    let meta = ParquetMetaDataReader::new()
        .parse_and_finish(&Bytes::from(valid.clone()))
        .expect("metadata");
    let first = meta.row_group(0).column(0);
    let dict = first.dictionary_page_offset().expect("a dictionary") as usize;
    let at = dict
        + valid[dict..]
            .windows(3)
            .position(|w| w == [0x4c, 0x15, 0x06])
            .expect("the dictionary's header")
        + 2;
    let claim = [0x80, 0xc6, 0x86, 0x8f, 0x01]; // zigzag(150,000,000) as a varint
    let footer_at = valid.len()
        - 8
        - u32::from_le_bytes(
            valid[valid.len() - 8..valid.len() - 4]
                .try_into()
                .expect("4 bytes"),
        ) as usize;
    let mut damaged = valid[..at].to_vec();
    damaged.extend_from_slice(&claim);
    damaged.extend_from_slice(&valid[at + 1..footer_at]);
    let moved = (claim.len() - 1) as i64;
    let groups: Vec<RowGroupMetaData> = meta
        .row_groups()
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let columns = group
                .columns()
                .iter()
                .map(|c| {
                    let b = c.clone().into_builder();
                    let b = if g == 0 {
                        b.set_data_page_offset(c.data_page_offset() + moved)
                            .set_total_compressed_size(c.compressed_size() + moved)
                    } else {
                        b.set_data_page_offset(c.data_page_offset() + moved)
                            .set_dictionary_page_offset(
                                c.dictionary_page_offset().map(|o| o + moved),
                            )
                    };
                    b.build().expect("column")
                })
                .collect();
            group
                .clone()
                .into_builder()
                .set_column_metadata(columns)
                .set_file_offset(group.file_offset().unwrap_or(0) + if g == 0 { 0 } else { moved })
                .build()
                .expect("row group")
        })
        .collect();
    let edited = ParquetMetaData::new(meta.file_metadata().clone(), groups);
    ParquetMetaDataWriter::new(&mut damaged, &edited)
        .finish()
        .expect("footer");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("d.parquet"), &damaged).expect("write");
    let (code, peak) = peak_mb(
        dir.path(),
        &["scan", "d.parquet", "-q", "--report", "r.json"],
    );
    assert_eq!(code, 0);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).expect("report"))
            .expect("json");
    assert_eq!(
        report["summary"]["documents"], 3,
        "the second row group is read"
    );
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains(
            "row group 1 not read: column 'text': dictionary page 1 claims 150000000 values"
        ),
        "{skipped}"
    );
    assert!(peak < 100, "{peak} MB");
}

/// A Parquet file of a hand-written footer whose `num_rows` (field 3, an i64) is stated as a
/// binary of 7 bytes; the parquet crate reads an i64 whatever the type stated, so it takes
/// those 7 bytes as the next field: `row_groups` (field 4), a list claiming 2^30 structs, for
/// which it reserves tens of gigabytes. A walk that followed the stated types passed over them
/// as the binary's bytes; the footer is now checked with the format's own types.
fn parquet_with_a_footer_out_of_step() -> Vec<u8> {
    let mut footer = vec![0x15, 0x04]; // field 1, version: an i32, 2
    footer.extend([0x19, 0x2c]); // field 2, schema: a list of 2 structs
    footer.extend([0x48, 6]); // the root: field 4, name, "schema"
    footer.extend(b"schema");
    footer.extend([0x15, 0x02, 0]); // field 5, num_children 1; the end of the struct
    footer.extend([0x15, 0x0c, 0x25, 0x02, 0x18, 4]); // type BYTE_ARRAY, OPTIONAL, name "text"
    footer.extend(b"text");
    footer.push(0);
    // field 3 stated as a binary of 7 bytes: field 4, a list of 2^30 structs, as the crate reads
    footer.extend([0x18, 7, 0x19, 0xfc, 0x80, 0x80, 0x80, 0x80, 0x04]);
    footer.push(0);
    let mut file = b"PAR1".to_vec();
    file.extend(&footer);
    file.extend((footer.len() as u32).to_le_bytes());
    file.extend(b"PAR1");
    file
}

/// F06 (the Parquet fuzz target's finding): the file above is skipped with the reason its
/// footer's check gives, before the crate reserves anything, so a run under a limit of address
/// space (`ulimit -v`, 4 GB here) reads the good file beside it and exits 0 (it aborted).
#[test]
fn a_parquet_footer_stating_other_types_than_the_formats_is_skipped_under_ulimit() {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("bad.parquet"),
        parquet_with_a_footer_out_of_step(),
    )
    .expect("write");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-arrow.parquet"),
        dir.path().join("good.parquet"),
    )
    .expect("fixture");
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut command = Command::new(env!("CARGO_BIN_EXE_neardup"));
    command.current_dir(dir.path()).args([
        "scan",
        ".",
        "--threads",
        "2",
        "-q",
        "--report",
        "r.json",
    ]);
    // SAFETY: setrlimit is async-signal-safe and touches only the child's own limits.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 4 << 30,
                rlim_max: 4 << 30,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = command.output().expect("the neardup binary runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = crate::support::read_report(&dir.path().join("r.json"));
    assert_eq!(report.summary.documents, 1);
    let skipped = crate::support::skipped_entries(&report);
    assert_eq!(
        skipped,
        vec![(
            "bad.parquet".to_string(),
            "unreadable Parquet: damaged file metadata: FileMetaData.num_rows (field 3) is \
             stated as a binary where the Parquet format has an i64"
                .to_string()
        )]
    );
}
