//! Arrow tables read through the Arrow C stream interface (an object's
//! `__arrow_c_stream__`): the text columns are read from the Arrow buffers, with no Python
//! string per document, one record batch at a time.

use arrow_array::ffi_stream::{ArrowArrayStreamReader, FFI_ArrowArrayStream};
pub use arrow_array::RecordBatchReader;
use arrow_array::{Array, LargeStringArray, RecordBatch, StringArray, StringViewArray};
use arrow_schema::DataType;
use neardup::Document;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// The columns a table's documents come from.
#[derive(Debug, Clone)]
pub struct Columns {
    /// The text column.
    pub text: String,
    /// The id column, if any.
    pub id: Option<String>,
    /// The site column, if any.
    pub site: Option<String>,
}

/// The stream of record batches an object exports (`__arrow_c_stream__`).
pub fn stream_of(data: &Bound<'_, PyAny>) -> PyResult<ArrowArrayStreamReader> {
    let capsule = data.call_method0("__arrow_c_stream__")?;
    let capsule = capsule
        .cast::<PyCapsule>()
        .map_err(|_| PyTypeError::new_err("__arrow_c_stream__ did not return a PyCapsule"))?;
    let pointer = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
    // SAFETY: a capsule named "arrow_array_stream" holds an FFI_ArrowArrayStream (the Arrow
    // PyCapsule interface); from_raw moves the stream out and leaves a released one behind,
    // which the capsule's destructor then leaves alone.
    let reader = unsafe {
        ArrowArrayStreamReader::from_raw(pointer.as_ptr().cast::<FFI_ArrowArrayStream>())
    };
    reader.map_err(|e| PyValueError::new_err(format!("cannot read the Arrow stream: {e}")))
}

/// Checks that the columns exist and hold strings.
pub fn check_columns(schema: &arrow_schema::Schema, columns: &Columns) -> PyResult<()> {
    let named = [
        Some(&columns.text),
        columns.id.as_ref(),
        columns.site.as_ref(),
    ];
    for name in named.into_iter().flatten() {
        let Ok(field) = schema.field_with_name(name) else {
            let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            return Err(PyValueError::new_err(format!(
                "no column '{name}' in the table; its columns are {names:?}"
            )));
        };
        if !matches!(
            field.data_type(),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ) {
            return Err(PyTypeError::new_err(format!(
                "column '{name}' holds {}, not strings: cast it to string first",
                field.data_type()
            )));
        }
    }
    Ok(())
}

/// A string column's values (`None` for a null).
fn strings(batch: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let Some(column) = batch.column_by_name(name) else {
        return vec![None; batch.num_rows()];
    };
    let any = column.as_any();
    let own = |v: Option<&str>| v.map(str::to_string);
    if let Some(a) = any.downcast_ref::<StringArray>() {
        a.iter().map(own).collect()
    } else if let Some(a) = any.downcast_ref::<LargeStringArray>() {
        a.iter().map(own).collect()
    } else if let Some(a) = any.downcast_ref::<StringViewArray>() {
        a.iter().map(own).collect()
    } else {
        vec![None; column.len()]
    }
}

/// The documents of one record batch (a null text is an empty document, a null id a
/// document named by its row, a null site no site).
pub fn documents(batch: &RecordBatch, columns: &Columns) -> Vec<Document> {
    let texts = strings(batch, &columns.text);
    let ids = columns.id.as_deref().map(|name| strings(batch, name));
    let sites = columns.site.as_deref().map(|name| strings(batch, name));
    texts
        .into_iter()
        .enumerate()
        .map(|(row, text)| {
            let id = ids.as_ref().and_then(|ids| ids[row].clone());
            let mut doc = Document::new(id.unwrap_or_default(), text.unwrap_or_default());
            doc.site = sites.as_ref().and_then(|sites| sites[row].clone());
            doc
        })
        .collect()
}

/// The per-document result of `dedup` as one Arrow record batch, handed to Python through the
/// Arrow C stream interface (an object with `__arrow_c_stream__`), so that no Python object is
/// made per document or span and pyarrow (or any Arrow library) takes the buffers as they are.
#[pyclass(frozen, module = "neardup._native")]
pub struct ResultStream {
    batch: std::sync::Mutex<Option<RecordBatch>>,
}

/// One document's row of the result table.
pub struct ResultRow<'a> {
    /// The annotation (id, cluster, duplicate_of, spans).
    pub annotation: &'a neardup::Annotation,
    /// The rule that joined it to its cluster and its similarity, for a document dropped.
    pub joined: Option<(&'static str, f64)>,
}

impl ResultStream {
    /// The result table of `rows`.
    pub fn new<'a>(rows: impl ExactSizeIterator<Item = ResultRow<'a>>) -> PyResult<ResultStream> {
        let batch = result_batch(rows)
            .map_err(|e| PyValueError::new_err(format!("cannot build the result table: {e}")))?;
        Ok(ResultStream {
            batch: std::sync::Mutex::new(Some(batch)),
        })
    }
}

#[pymethods]
impl ResultStream {
    /// The Arrow C stream of the table (once: the buffers move to the caller).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema; // the table has one schema; a caller casts if it wants
        let batch = self
            .batch
            .lock()
            .map_err(|_| PyValueError::new_err("the result stream's lock was poisoned"))?
            .take()
            .ok_or_else(|| PyValueError::new_err("the result table was taken already"))?;
        let schema = batch.schema();
        let reader = arrow_array::RecordBatchIterator::new([Ok(batch)], schema);
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        // The capsule owns the stream; a consumer moves it out and leaves a released one,
        // which dropping the capsule then leaves alone.
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }
}

/// The fields of a span to strip, in the order of the CLI's annotations (nullable, as in the
/// tables pyarrow builds from lists: the same schema as before).
fn span_fields() -> arrow_schema::Fields {
    use arrow_schema::Field;
    vec![
        Field::new("kind", DataType::Utf8, true),
        Field::new("start_line", DataType::UInt32, true),
        Field::new("end_line", DataType::UInt32, true),
        Field::new("start_byte", DataType::UInt32, true),
        Field::new("end_byte", DataType::UInt32, true),
    ]
    .into()
}

/// The result batch: id, cluster, duplicate_of, keep, joined_by, similarity, spans.
fn result_batch<'a>(
    rows: impl ExactSizeIterator<Item = ResultRow<'a>>,
) -> Result<RecordBatch, arrow_schema::ArrowError> {
    use arrow_array::builder::{
        BooleanBuilder, Float64Builder, StringBuilder, UInt32Builder, UInt64Builder,
    };
    use arrow_array::{ArrayRef, ListArray, StructArray};
    use arrow_buffer::OffsetBuffer;
    use arrow_schema::{Field, Schema};
    use std::sync::Arc;

    let n = rows.len();
    let mut id = StringBuilder::with_capacity(n, n * 16);
    let mut cluster = UInt64Builder::with_capacity(n);
    let mut duplicate_of = StringBuilder::with_capacity(n, n * 4);
    let mut keep = BooleanBuilder::with_capacity(n);
    let mut joined_by = StringBuilder::with_capacity(n, n * 2);
    let mut similarity = Float64Builder::with_capacity(n);
    let mut span_lengths: Vec<usize> = Vec::with_capacity(n);
    let (mut kind, mut start_line, mut end_line, mut start_byte, mut end_byte) = (
        StringBuilder::new(),
        UInt32Builder::new(),
        UInt32Builder::new(),
        UInt32Builder::new(),
        UInt32Builder::new(),
    );
    for row in rows {
        let a = row.annotation;
        id.append_value(&a.id);
        cluster.append_option(a.cluster);
        duplicate_of.append_option(a.duplicate_of.as_deref());
        keep.append_value(a.duplicate_of.is_none());
        joined_by.append_option(row.joined.map(|(rule, _)| rule));
        similarity.append_option(row.joined.map(|(_, s)| s));
        span_lengths.push(a.spans.len());
        for s in &a.spans {
            kind.append_value(s.kind.as_str());
            start_line.append_value(s.start_line);
            end_line.append_value(s.end_line);
            start_byte.append_value(s.start_byte);
            end_byte.append_value(s.end_byte);
        }
    }
    let span_children: Vec<ArrayRef> = vec![
        Arc::new(kind.finish()),
        Arc::new(start_line.finish()),
        Arc::new(end_line.finish()),
        Arc::new(start_byte.finish()),
        Arc::new(end_byte.finish()),
    ];
    let spans_struct = StructArray::try_new(span_fields(), span_children, None)?;
    let item = Arc::new(Field::new("item", DataType::Struct(span_fields()), true));
    let spans = ListArray::try_new(
        item.clone(),
        OffsetBuffer::from_lengths(span_lengths),
        Arc::new(spans_struct),
        None,
    )?;
    let schema = Schema::new(vec![
        Field::new("id", DataType::Utf8, true),
        Field::new("cluster", DataType::UInt64, true),
        Field::new("duplicate_of", DataType::Utf8, true),
        Field::new("keep", DataType::Boolean, true),
        Field::new("joined_by", DataType::Utf8, true),
        Field::new("similarity", DataType::Float64, true),
        Field::new("spans", DataType::List(item), true),
    ]);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(id.finish()),
        Arc::new(cluster.finish()),
        Arc::new(duplicate_of.finish()),
        Arc::new(keep.finish()),
        Arc::new(joined_by.finish()),
        Arc::new(similarity.finish()),
        Arc::new(spans),
    ];
    RecordBatch::try_new(Arc::new(schema), columns)
}
