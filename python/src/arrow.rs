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
