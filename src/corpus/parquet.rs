//! Parquet shards (`.parquet`, as dataset hubs publish them): one document per row, the text,
//! id and site in the columns `--text-field`, `--id-field` and `--site-field` name, as for
//! JSON Lines. Row groups are read one at a time and only those columns, so a shard is never
//! held whole in memory.

use std::cell::Cell;
use std::panic::AssertUnwindSafe;

use parquet::file::reader::{ChunkReader, FileReader, SerializedFileReader};
use parquet::record::reader::RowIter;
use parquet::record::Field;
use parquet::schema::types::Type;

use super::parquet_check::{check_footer, check_row_group, Shared};
use super::source::{open_regular, FileOutcome};
use super::InputOptions;
use super::{Document, InputFile, SkipReason, Skipped};

/// Rows decoded at a time from a row group: the values of one batch are references into the
/// decoded page (or its dictionary), and only one row's text is copied out at a time.
const ROW_BATCH: usize = 64;

/// Reads a Parquet file, calling `emit` per row in file order (`Document::line` is the row's
/// 1-based number, so annotations and the clean copy find it).
pub(super) fn read_parquet(
    file: &InputFile,
    opts: &InputOptions,
    outcome: &mut FileOutcome,
    emit: &mut impl FnMut(Document),
) {
    match open_regular(&file.path) {
        Ok(f) => read_chunks(f, file, opts, outcome, emit),
        Err(reason) => outcome.skip(&file.rel, reason),
    }
}

/// [`read_parquet`] on a file's bytes held in memory (the fuzz targets' entry point).
pub(super) fn read_parquet_bytes(
    bytes: Vec<u8>,
    file: &InputFile,
    opts: &InputOptions,
    outcome: &mut FileOutcome,
    emit: &mut impl FnMut(Document),
) {
    read_chunks(bytes::Bytes::from(bytes), file, opts, outcome, emit);
}

/// Reads the rows of a Parquet file from `source`. The parquet crate panics on some damaged
/// files (bad levels, offsets, sizes); every call into it runs behind [`guarded`], so a panic
/// becomes the file's (or the row's) skip entry with its message, and the rows before it stay.
fn read_chunks<R: ChunkReader + 'static>(
    source: R,
    file: &InputFile,
    opts: &InputOptions,
    outcome: &mut FileOutcome,
    emit: &mut impl FnMut(Document),
) {
    let source = Shared(std::sync::Arc::new(source));
    // What the file claims is checked before the crate allocates it (parquet_check).
    if let Err(damage) = check_footer(&source) {
        return outcome.skip(&file.rel, malformed(damage));
    }
    let reader = match guarded(|| SerializedFileReader::new(source.clone())) {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return outcome.skip(&file.rel, malformed(e.to_string())),
        Err(panic) => return outcome.skip(&file.rel, malformed(panic)),
    };
    let projection = match projection(&reader, opts, outcome) {
        Ok(p) => p,
        Err(reason) => return outcome.skip(&file.rel, reason),
    };
    let columns = read_columns(opts);
    let mut row_no: u32 = 0;
    for group in 0..reader.num_row_groups() {
        let next_at = |row_no: u32| format!("{}:{}", file.rel, u64::from(row_no) + 1);
        let group_meta = reader.metadata().row_group(group);
        if let Err(damage) = check_row_group(&source, group_meta, &columns, opts.max_bytes) {
            let damage = format!("row group {} not read: {damage}", group + 1);
            outcome.skip(&next_at(row_no), malformed(damage));
            // the rows after it keep their numbers (the ids of rows without an id column)
            match row_no.checked_add(claimed_rows(group_meta)) {
                Some(after) => row_no = after,
                None if group + 1 < reader.num_row_groups() => {
                    let rest = format!(
                        "row groups {} to {} not read: the row groups before them claim more \
                         than {} rows",
                        group + 2,
                        reader.num_row_groups(),
                        u32::MAX
                    );
                    return outcome.skip(&file.rel, malformed(rest));
                }
                None => row_no = u32::MAX,
            }
            continue;
        }
        let group_reader = match guarded(|| reader.get_row_group(group)) {
            Ok(Ok(g)) => g,
            Ok(Err(e)) => return outcome.skip(&next_at(row_no), malformed(e.to_string())),
            Err(panic) => return outcome.skip(&next_at(row_no), malformed(panic)),
        };
        let iter =
            guarded(|| RowIter::from_row_group(Some(projection.clone()), group_reader.as_ref()));
        let mut iter = match iter {
            Ok(Ok(it)) => it.with_batch_size(ROW_BATCH),
            Ok(Err(e)) => return outcome.skip(&next_at(row_no), malformed(e.to_string())),
            Err(panic) => return outcome.skip(&next_at(row_no), malformed(panic)),
        };
        let group_end = row_no.saturating_add(claimed_rows(group_meta));
        let rows = GroupRows {
            file,
            opts,
            end: group_end,
        };
        match rows.read(&mut iter, &mut row_no, outcome, emit) {
            Ok(()) => {}
            Err(entry) => return outcome.skipped.push(entry),
        }
    }
    if row_no == 0 {
        // a file without rows (or whose metadata, damaged, says so) does not vanish silently
        outcome.skip(&file.rel, SkipReason::Empty);
    }
}

/// One row group being read: the rows it claims end at `end` (a 1-based row number).
struct GroupRows<'a> {
    file: &'a InputFile,
    opts: &'a InputOptions,
    end: u32,
}

impl GroupRows<'_> {
    /// Emits the group's rows, advancing `row_no`. Skipped rows in a run with one reason are
    /// one entry (`file:A-B`): a few bytes of run-length encoded nulls can claim millions of
    /// rows, and the report must stay bounded by the file. `Err` is the entry that ends the
    /// file (the reader failed past recovery).
    fn read<I>(
        &self,
        iter: &mut I,
        row_no: &mut u32,
        outcome: &mut FileOutcome,
        emit: &mut impl FnMut(Document),
    ) -> Result<(), Skipped>
    where
        I: Iterator<Item = Result<parquet::record::Row, parquet::errors::ParquetError>>,
    {
        let mut run = SkippedRun::default();
        let result = loop {
            let row = match guarded(|| iter.next()) {
                Ok(Some(row)) => row,
                Ok(None) => break Ok(()),
                Err(panic) => break Err(self.entry_at(row_no.saturating_add(1), malformed(panic))),
            };
            let Some(next) = row_no.checked_add(1) else {
                let rest = format!("rows past row {} not read", u32::MAX);
                break Err(self.entry_at(*row_no, malformed(rest)));
            };
            *row_no = next;
            let row = match row {
                Ok(r) => r,
                Err(e) => {
                    // A damaged page fails every row after it (millions, if the metadata
                    // claims them): one entry for the rest of the group, then the next group.
                    let last = self.end.max(*row_no);
                    run.add(
                        self,
                        *row_no,
                        last,
                        malformed(format!("rows not read: {e}")),
                        outcome,
                    );
                    *row_no = last;
                    break Ok(());
                }
            };
            match row_document(&row, self.file, self.opts, *row_no) {
                Ok(doc) => {
                    run.flush(self, outcome);
                    outcome.bytes += doc.text.len() as u64;
                    emit(doc);
                }
                Err(reason) => run.add(self, *row_no, *row_no, reason, outcome),
            }
        };
        run.flush(self, outcome);
        result
    }

    /// The entry of one row (`file:N`).
    fn entry_at(&self, row_no: u32, reason: SkipReason) -> Skipped {
        let path = format!("{}:{}", self.file.rel, row_no.max(1));
        Skipped { path, reason }
    }
}

/// Consecutive skipped rows with one reason, not yet entered in the outcome.
#[derive(Default)]
struct SkippedRun {
    open: Option<(u32, u32, SkipReason)>,
}

impl SkippedRun {
    /// Adds rows `first..=last` skipped for `reason`: they extend the open run, or close it
    /// and open their own.
    fn add(
        &mut self,
        rows: &GroupRows<'_>,
        first: u32,
        last: u32,
        reason: SkipReason,
        outcome: &mut FileOutcome,
    ) {
        if let Some((_, end, open_reason)) = &mut self.open {
            if *open_reason == reason && end.checked_add(1) == Some(first) {
                *end = last;
                return;
            }
        }
        self.flush(rows, outcome);
        self.open = Some((first, last, reason));
    }

    /// Enters the open run, if any: `file:N` for one row, `file:A-B` for several.
    fn flush(&mut self, rows: &GroupRows<'_>, outcome: &mut FileOutcome) {
        let Some((first, last, reason)) = self.open.take() else {
            return;
        };
        let path = match first == last {
            true => format!("{}:{first}", rows.file.rel),
            false => format!("{}:{first}-{last}", rows.file.rel),
        };
        outcome.skipped.push(Skipped { path, reason });
    }
}

/// A damaged-file reason.
fn malformed(damage: String) -> SkipReason {
    SkipReason::MalformedParquet(damage)
}

/// The rows a row group claims to hold (its metadata may lie: a count, never an allocation).
fn claimed_rows(group: &parquet::file::metadata::RowGroupMetaData) -> u32 {
    u32::try_from(group.num_rows().max(0)).unwrap_or(u32::MAX)
}

/// The columns read: text, id and site, when the file has a text column.
fn projection<R: ChunkReader + 'static>(
    reader: &SerializedFileReader<R>,
    opts: &InputOptions,
    outcome: &mut FileOutcome,
) -> Result<Type, SkipReason> {
    let schema = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .root_schema();
    let has = |name: &str| schema.get_fields().iter().any(|f| f.name() == name);
    // The columns count as JSON Lines fields do: a field no row has is reported, with the
    // columns the file does have.
    let rows = reader.metadata().file_metadata().num_rows().max(0) as u64;
    note_columns(outcome, schema, rows, opts, &has);
    if !has(&opts.text_field) {
        return Err(SkipReason::MissingField(opts.text_field.clone()));
    }
    let wanted = read_columns(opts);
    let fields = schema
        .get_fields()
        .iter()
        .filter(|f| wanted.contains(&f.name()))
        .cloned()
        .collect();
    Type::group_type_builder(schema.name())
        .with_fields(fields)
        .build()
        .map_err(|e| SkipReason::MalformedParquet(e.to_string()))
}

/// The names of the columns read: text, id and site.
fn read_columns(opts: &InputOptions) -> Vec<&str> {
    [Some(opts.text_field.as_str()), Some(opts.id_field.as_str())]
        .into_iter()
        .chain([opts.site_field.as_deref()])
        .flatten()
        .collect()
}

thread_local! {
    /// Whether a panic on this thread is being caught by [`guarded`] (and is not printed).
    static CAUGHT: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`; a panic inside it becomes `Err` with the panic's message, and is not printed
/// (other panics still are, by the hook that was there before).
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CAUGHT.with(Cell::get) {
                previous(info);
            }
        }));
    });
    CAUGHT.with(|c| c.set(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    CAUGHT.with(|c| c.set(false));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        format!("the Parquet reader failed on a damaged file ({message})")
    })
}

/// Counts the rows of a file as records holding the named fields its columns hold, and notes
/// the column names (a nested column by its dotted path, which the reader does not reach).
fn note_columns(
    outcome: &mut FileOutcome,
    schema: &Type,
    rows: u64,
    opts: &InputOptions,
    has: &dyn Fn(&str) -> bool,
) {
    let seen = &mut outcome.fields;
    seen.records += rows;
    seen.text += if has(&opts.text_field) { rows } else { 0 };
    seen.id += if has(&opts.id_field) { rows } else { 0 };
    if let Some(site) = &opts.site_field {
        seen.site += if has(site) { rows } else { 0 };
    }
    let mut names = serde_json::Map::new();
    for f in schema.get_fields() {
        let inner = if f.is_group() {
            let nested: serde_json::Map<String, serde_json::Value> = f
                .get_fields()
                .iter()
                .map(|c| (c.name().to_string(), serde_json::Value::Null))
                .collect();
            serde_json::Value::Object(nested)
        } else {
            serde_json::Value::Null
        };
        names.insert(f.name().to_string(), inner);
    }
    seen.note_fields(&names);
}

/// The document of one row, or why it is none.
fn row_document(
    row: &parquet::record::Row,
    file: &InputFile,
    opts: &InputOptions,
    row_no: u32,
) -> Result<Document, SkipReason> {
    let value = |name: &str| {
        row.get_column_iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, f)| f)
    };
    let text = match value(&opts.text_field) {
        Some(Field::Str(s)) => s.clone(),
        Some(Field::Null) | None => return Err(SkipReason::MissingField(opts.text_field.clone())),
        Some(_) => return Err(SkipReason::FieldNotString(opts.text_field.clone())),
    };
    if text.len() as u64 > opts.max_bytes {
        return Err(SkipReason::DecompressedTooLarge);
    }
    if text.contains('\0') {
        return Err(SkipReason::BinaryText);
    }
    if text.trim().is_empty() {
        return Err(SkipReason::Empty);
    }
    let id = scalar(value(&opts.id_field)).unwrap_or_else(|| format!("{}:{row_no}", file.rel));
    let site = opts
        .site_field
        .as_deref()
        .and_then(|name| scalar(value(name)))
        .filter(|s| !s.is_empty())
        .map(|s| super::site::of_value(&s, &opts.site_mode)) // a URL gives its host, as in JSON Lines
        .unwrap_or_else(|| file.site.clone());
    Ok(Document {
        id,
        path: file.rel.clone(),
        line: row_no,
        site,
        text,
        lossy_utf8: false,
        boilerplate: Vec::new(),
        items: Vec::new(),
    })
}

/// A string or integer column value as text (ids and sites may be either); `None` when
/// missing, null or empty.
fn scalar(field: Option<&Field>) -> Option<String> {
    let s = match field? {
        Field::Str(s) => s.clone(),
        Field::Int(n) => n.to_string(),
        Field::Long(n) => n.to_string(),
        Field::UInt(n) => n.to_string(),
        Field::ULong(n) => n.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;

    use super::*;
    use crate::config::Config;

    /// Writes rows of (column → optional string) as a Parquet file, `per_group` rows per row
    /// group, snappy-compressed as pyarrow writes them.
    pub(crate) fn write_parquet(
        path: &std::path::Path,
        columns: &[&str],
        rows: &[Vec<Option<&str>>],
        per_group: usize,
    ) {
        let message = format!(
            "message schema {{ {} }}",
            columns
                .iter()
                .map(|c| format!("OPTIONAL BYTE_ARRAY {c} (UTF8);"))
                .collect::<String>()
        );
        let schema = Arc::new(parse_message_type(&message).expect("schema"));
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(parquet::basic::Compression::SNAPPY)
                .build(),
        );
        let file = std::fs::File::create(path).expect("create");
        let mut writer = SerializedFileWriter::new(file, schema, props).expect("writer");
        for chunk in rows.chunks(per_group.max(1)) {
            let mut group = writer.next_row_group().expect("row group");
            let mut c = 0;
            while let Some(mut col) = group.next_column().expect("column") {
                let values: Vec<ByteArray> = chunk
                    .iter()
                    .filter_map(|r| r[c].map(ByteArray::from))
                    .collect();
                let defs: Vec<i16> = chunk.iter().map(|r| i16::from(r[c].is_some())).collect();
                col.typed::<ByteArrayType>()
                    .write_batch(&values, Some(&defs), None)
                    .expect("write");
                col.close().expect("close column");
                c += 1;
            }
            group.close().expect("close group");
        }
        writer.close().expect("close");
    }

    fn input(path: &std::path::Path) -> InputFile {
        InputFile {
            size: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
            path: path.to_path_buf(),
            rel: "d.parquet".into(),
            clean_rel: "d.parquet".into(),
            site: Some("s".into()),
            format: super::super::Format::Parquet,
            compression: super::super::Compression::None,
        }
    }

    #[test]
    fn rows_of_every_row_group_are_documents() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.parquet");
        let rows = vec![
            vec![Some("a"), Some("first text"), Some("x.example")],
            vec![Some("b"), None, Some("x.example")],
            vec![None, Some("third text"), None],
            vec![Some("d"), Some("  "), Some("y.example")],
            vec![Some("e"), Some("fifth text"), Some("y.example")],
            vec![
                Some("f"),
                Some("sixth text"),
                Some("https://www.news.x.co.uk/a"),
            ],
        ];
        write_parquet(&path, &["id", "text", "url"], &rows, 2);
        let mut cfg = Config::new(".");
        cfg.input.site_field = Some("url".into());
        let mut docs = Vec::new();
        let mut out = FileOutcome::default();
        read_parquet(&input(&path), &cfg.input, &mut out, &mut |d| docs.push(d));
        let got: Vec<(&str, u32, Option<&str>)> = docs
            .iter()
            .map(|d| (d.id.as_str(), d.line, d.site.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a", 1, Some("x.example")),
                ("d.parquet:3", 3, Some("s")),
                ("e", 5, Some("y.example")),
                ("f", 6, Some("news.x.co.uk"))
            ]
        );
        // --site domain: a URL's host reduced to its registrable domain
        cfg.input.site_mode = crate::config::SiteMode::Domain;
        let mut sites = Vec::new();
        read_parquet(
            &input(&path),
            &cfg.input,
            &mut FileOutcome::default(),
            &mut |d| sites.push(d.site),
        );
        assert_eq!(sites.last(), Some(&Some("x.co.uk".to_string())));
        let reasons: Vec<String> = out.skipped.iter().map(|s| s.reason.to_string()).collect();
        assert_eq!(
            reasons,
            vec!["no 'text' field (set --text-field)", "empty document"]
        );
    }

    #[test]
    fn a_missing_column_or_a_broken_file_is_a_reason() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.parquet");
        write_parquet(&path, &["id", "body"], &[vec![Some("a"), Some("t")]], 10);
        let cfg = Config::new(".");
        let mut out = FileOutcome::default();
        read_parquet(&input(&path), &cfg.input, &mut out, &mut |_| {
            panic!("no document")
        });
        assert_eq!(
            out.skipped[0].reason,
            SkipReason::MissingField("text".into())
        );
        std::fs::write(&path, b"PAR1 not really").expect("write");
        let mut out = FileOutcome::default();
        read_parquet(&input(&path), &cfg.input, &mut out, &mut |_| {
            panic!("no document")
        });
        assert!(matches!(
            out.skipped[0].reason,
            SkipReason::MalformedParquet(_)
        ));
    }

    proptest::proptest! {
        /// Any bytes as a Parquet file: a reason, never a panic.
        #[test]
        fn any_bytes_are_refused_without_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("d.parquet");
            let mut body = bytes.clone();
            body.extend_from_slice(b"PAR1");
            std::fs::write(&path, &body).expect("write");
            let mut out = FileOutcome::default();
            let mut n = 0;
            read_parquet(&input(&path), &Config::new(".").input, &mut out, &mut |_| n += 1);
            proptest::prop_assert!(n > 0 || !out.skipped.is_empty());
        }
    }
}
