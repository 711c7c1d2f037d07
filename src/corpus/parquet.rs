//! Parquet shards (`.parquet`, as dataset hubs publish them): one document per row, the text,
//! id and site in the columns `--text-field`, `--id-field` and `--site-field` name, as for
//! JSON Lines. Row groups are read one at a time and only those columns, so a shard is never
//! held whole in memory.

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use parquet::schema::types::Type;

use super::read::{open_regular, FileOutcome};
use super::{Document, InputFile, SkipReason};
use crate::config::InputOptions;

/// Reads a Parquet file, calling `emit` per row in file order (`Document::line` is the row's
/// 1-based number, so annotations and the clean copy find it).
pub(super) fn read_parquet(
    file: &InputFile,
    opts: &InputOptions,
    outcome: &mut FileOutcome,
    emit: &mut impl FnMut(Document),
) {
    let reader = match open_regular(&file.path).and_then(|f| {
        SerializedFileReader::new(f).map_err(|e| SkipReason::MalformedParquet(e.to_string()))
    }) {
        Ok(r) => r,
        Err(reason) => {
            outcome.skip(&file.rel, reason);
            return;
        }
    };
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
        outcome.skip(&file.rel, SkipReason::MissingField(opts.text_field.clone()));
        return;
    }
    let wanted: Vec<&str> = [Some(opts.text_field.as_str()), Some(opts.id_field.as_str())]
        .into_iter()
        .chain([opts.site_field.as_deref()])
        .flatten()
        .collect();
    let fields = schema
        .get_fields()
        .iter()
        .filter(|f| wanted.contains(&f.name()))
        .cloned()
        .collect();
    let projection = match Type::group_type_builder(schema.name())
        .with_fields(fields)
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            outcome.skip(&file.rel, SkipReason::MalformedParquet(e.to_string()));
            return;
        }
    };
    let mut row_no: u32 = 0;
    for group in 0..reader.num_row_groups() {
        let rows = reader.get_row_group(group).and_then(|g| {
            g.get_row_iter(Some(projection.clone()))
                .map(|it| it.collect::<Vec<_>>())
        });
        let rows = match rows {
            Ok(rows) => rows,
            Err(e) => {
                outcome.skip(
                    &format!("{}:{}", file.rel, row_no + 1),
                    SkipReason::MalformedParquet(e.to_string()),
                );
                return;
            }
        };
        for row in rows {
            row_no += 1;
            let at = format!("{}:{}", file.rel, row_no);
            let row = match row {
                Ok(r) => r,
                Err(e) => {
                    outcome.skip(&at, SkipReason::MalformedParquet(e.to_string()));
                    continue;
                }
            };
            match row_document(&row, file, opts, row_no) {
                Ok(doc) => {
                    outcome.bytes += doc.text.len() as u64;
                    emit(doc);
                }
                Err(reason) => outcome.skip(&at, reason),
            }
        }
    }
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
