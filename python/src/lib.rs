//! `neardup._native`: the Python package's extension module. It calls the library's
//! [`neardup::scan`] and [`neardup::Scanner`], never a second implementation; the Python side
//! (python/neardup/__init__.py) turns what it returns into Arrow tables and report objects.
//! Every call releases the GIL while the library works.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use arrow::RecordBatchReader;
use neardup::progress::ProgressReporter;
use neardup::report::clean;
use neardup::report::JoinedBy;
use neardup::stream::{Deduplicator, StreamOptions, Verdict};
use neardup::{Annotation, Config, Document, ScanError, ScanOutput, Scanner};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

mod arrow;
mod options;
mod progress;
mod sketch;

use options::{Call, DefaultValue, OPTIONS};

/// A span to strip, as Python receives it: kind, first and last line, start and end byte.
type SpanTuple = (String, u32, u32, u32, u32);

/// What writing a clean copy did, as `Report.clean` returns it (a dict in Python).
#[derive(IntoPyObject)]
struct CleanCounts {
    kept: u64,
    dropped: u64,
    dropped_bytes: u64,
    stripped_bytes: u64,
    template_bytes: u64,
    repeated_bytes: u64,
    reused_bytes: u64,
    boilerplate_bytes: u64,
    changed: u64,
}

impl From<&clean::CleanSummary> for CleanCounts {
    fn from(c: &clean::CleanSummary) -> CleanCounts {
        CleanCounts {
            kept: c.kept,
            dropped: c.dropped,
            dropped_bytes: c.dropped_bytes,
            stripped_bytes: c.stripped_bytes,
            template_bytes: c.template_bytes,
            repeated_bytes: c.repeated_bytes,
            reused_bytes: c.reused_bytes,
            boilerplate_bytes: c.boilerplate_bytes,
            changed: c.changed,
        }
    }
}

/// The columns of the annotations, one entry per document in input order.
type AnnotationColumns = (
    Vec<String>,
    Vec<Option<u64>>,
    Vec<Option<String>>,
    Vec<Vec<SpanTuple>>,
);

/// A library error as the Python exception a user expects: options are `ValueError`, inputs
/// that cannot be read `OSError`, the rest `RuntimeError`.
fn scan_error(e: ScanError) -> PyErr {
    let message = options::python_message(&e.to_string());
    match e {
        ScanError::Config(_) => PyValueError::new_err(message),
        ScanError::UnreadableRoot { .. } | ScanError::NotADirectory(_) => {
            PyOSError::new_err(message)
        }
        _ => PyRuntimeError::new_err(message),
    }
}

/// The annotations' columns.
fn annotation_columns(annotations: &[Annotation]) -> AnnotationColumns {
    let mut columns: AnnotationColumns = Default::default();
    for a in annotations {
        columns.0.push(a.id.clone());
        columns.1.push(a.cluster);
        columns.2.push(a.duplicate_of.clone());
        columns.3.push(
            a.spans
                .iter()
                .map(|s| {
                    let kind = s.kind.as_str().to_string();
                    (kind, s.start_line, s.end_line, s.start_byte, s.end_byte)
                })
                .collect(),
        );
    }
    columns
}

/// The result of `scan`: the library's output and the configuration it ran with.
#[pyclass(frozen, module = "neardup._native")]
struct ScanResult {
    out: ScanOutput,
    cfg: Config,
    /// The texts of a `dedup` asked for its cleaned text, in input order.
    texts: Option<Vec<String>>,
}

impl ScanResult {
    /// Per document in annotation order: the rule that joined it and its similarity.
    fn joined(&self) -> impl ExactSizeIterator<Item = Option<(&'static str, f64)>> + '_ {
        let joined: HashMap<&str, (JoinedBy, f64)> =
            neardup::report::summary::member_joins(&self.out.report)
                .map(|(m, rule)| (m.id.as_str(), (rule, m.similarity)))
                .collect();
        self.out.annotations.iter().map(move |a| {
            joined.get(a.id.as_str()).map(|&(rule, similarity)| {
                let name = match rule {
                    JoinedBy::Jaccard => "jaccard",
                    JoinedBy::Containment => "containment",
                };
                (name, similarity)
            })
        })
    }
}

#[pymethods]
impl ScanResult {
    /// The JSON report, as `neardup scan --report` writes it (`timing=False`: as with
    /// `--no-timing`).
    #[pyo3(signature = (timing = true))]
    fn report_json(&self, timing: bool) -> PyResult<String> {
        let mut report = self.out.report.clone();
        if !timing {
            report.timing = None;
        }
        serde_json::to_string(&report).map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// The annotations as JSON Lines, as `neardup scan --annotations` writes them.
    fn annotations_jsonl(&self) -> PyResult<String> {
        let mut text = String::new();
        for a in &self.out.annotations {
            text.push_str(
                &serde_json::to_string(a).map_err(|e| PyRuntimeError::new_err(e.to_string()))?,
            );
            text.push('\n');
        }
        Ok(text)
    }

    /// The annotations' columns: ids, clusters, duplicate_of, spans.
    fn annotation_columns(&self) -> AnnotationColumns {
        annotation_columns(&self.out.annotations)
    }

    /// Each annotation's path, line and site.
    fn annotation_places(&self) -> (Vec<String>, Vec<Option<u32>>, Vec<Option<String>>) {
        let a = &self.out.annotations;
        (
            a.iter().map(|a| a.path.clone()).collect(),
            a.iter().map(|a| a.line).collect(),
            a.iter().map(|a| a.site.clone()).collect(),
        )
    }

    /// What the user should know about the input.
    fn warnings(&self) -> Vec<String> {
        self.out.warnings.clone()
    }

    /// Why the result must not be used as if the corpus had been read, if so.
    fn input_error(&self) -> Option<String> {
        self.out.input_error.clone()
    }

    /// For each document: the rule that joined it to the member it matches ("jaccard" or
    /// "containment") and its Jaccard similarity to that member; `None` for a document kept.
    fn joins(&self) -> (Vec<Option<&'static str>>, Vec<Option<f64>>) {
        self.joined()
            .map(|j| j.map_or((None, None), |(rule, s)| (Some(rule), Some(s))))
            .unzip()
    }

    /// The result table (id, cluster, duplicate_of, keep, joined_by, similarity, spans) as an
    /// object with `__arrow_c_stream__`: built in Rust, no Python object per document.
    fn result_stream(&self, py: Python<'_>) -> PyResult<arrow::ResultStream> {
        py.detach(|| {
            let rows = self
                .out
                .annotations
                .iter()
                .zip(self.joined())
                .map(|(annotation, joined)| arrow::ResultRow { annotation, joined });
            arrow::ResultStream::new(rows)
        })
    }

    /// Each document's text as the clean copy writes it (`None` for a duplicate dropped);
    /// only for a `dedup` that kept its texts.
    fn cleaned_texts(&self, py: Python<'_>) -> PyResult<Vec<Option<String>>> {
        let Some(texts) = &self.texts else {
            return Err(PyRuntimeError::new_err(
                "this result holds no texts: pass cleaned_text=True to dedup()",
            ));
        };
        let annotations = &self.out.annotations;
        Ok(py.detach(|| {
            annotations
                .iter()
                .zip(texts)
                .map(|(a, text)| {
                    a.duplicate_of
                        .is_none()
                        .then(|| neardup::report::clean::cleaned_text(text, a))
                })
                .collect()
        }))
    }

    /// Writes the clean copy of a scan of files into `dir` (`neardup scan --clean DIR`): kept
    /// documents without their template, repeated and boilerplate spans, duplicates left out.
    /// Returns what it did.
    fn clean(&self, py: Python<'_>, dir: PathBuf) -> PyResult<CleanCounts> {
        let (out, cfg) = (&self.out, &self.cfg);
        if out
            .files
            .iter()
            .all(|f| f.format == neardup::Format::Memory)
        {
            return Err(PyRuntimeError::new_err(
                "clean() writes the clean copy of a scan of files; for a table, pass \
                 cleaned_text=True to dedup() for a cleaned_text column",
            ));
        }
        if let Some(reason) = &out.input_error {
            return Err(PyRuntimeError::new_err(format!("no clean copy: {reason}")));
        }
        clean::check_clean_target(&dir).map_err(PyOSError::new_err)?;
        let source = out.clean_source();
        let done = py
            .detach(|| clean::write_clean_corpus(cfg, source, &dir))
            .map_err(|e| {
                PyOSError::new_err(format!(
                    "cannot write the cleaned corpus to '{}': {e}",
                    dir.display()
                ))
            })?;
        Ok(CleanCounts::from(&done))
    }

    /// Writes the HTML page of the scan (texts read again from its files).
    fn write_html(&self, py: Python<'_>, path: PathBuf, limit: usize) -> PyResult<()> {
        let opts = neardup::report::html::HtmlOptions { limit };
        let (out, cfg) = (&self.out, &self.cfg);
        py.detach(|| {
            neardup::report::html::write_for_scan(
                &path,
                &out.report,
                &out.files,
                &out.annotations,
                &cfg.input,
                &opts,
            )
        })
        .map_err(|e| {
            PyOSError::new_err(format!(
                "cannot write the HTML report to '{}': {e}",
                path.display()
            ))
        })
    }
}

/// Sends the scan's progress to `callable(stage, done, total)`, if given.
fn report_progress(cfg: &mut Config, callable: Option<Py<PyAny>>) {
    if let Some(callable) = callable {
        cfg.progress = ProgressReporter::new(Arc::new(progress::PythonProgress::new(callable)));
    }
}

/// Scans the folders and files `paths` with the options `options` (keywords as
/// `neardup.scan` documents them).
#[pyfunction]
#[pyo3(signature = (paths, options = None, progress = None))]
fn scan(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    options: Option<&Bound<'_, PyDict>>,
    progress: Option<Py<PyAny>>,
) -> PyResult<ScanResult> {
    if paths.is_empty() {
        return Err(PyValueError::new_err(
            "scan() needs at least one folder or file",
        ));
    }
    let mut cfg = options::config(&paths, options, Call::Scan)?;
    report_progress(&mut cfg, progress);
    let out = py.detach(|| neardup::scan(&cfg)).map_err(scan_error)?;
    Ok(ScanResult {
        out,
        cfg,
        texts: None,
    })
}

/// A scan of documents handed over in batches (`neardup.dedup`): the library's [`Scanner`].
#[pyclass(module = "neardup._native")]
struct BatchScan {
    /// `None` once finished.
    scanner: Option<Scanner>,
    cfg: Config,
    documents: usize,
    /// The texts added, when the cleaned text is wanted.
    texts: Option<Vec<String>>,
}

#[pymethods]
impl BatchScan {
    /// A scan with the options `options` (keywords as `neardup.dedup` documents them);
    /// `keep_texts`: hold the texts added, for the cleaned text of each (memory: the texts).
    #[new]
    #[pyo3(signature = (options = None, progress = None, keep_texts = false))]
    fn new(
        options: Option<&Bound<'_, PyDict>>,
        progress: Option<Py<PyAny>>,
        keep_texts: bool,
    ) -> PyResult<BatchScan> {
        let mut cfg = options::config(&[PathBuf::from("table")], options, Call::Dedup)?;
        report_progress(&mut cfg, progress);
        let scanner = Scanner::new(&cfg).map_err(scan_error)?;
        Ok(BatchScan {
            scanner: Some(scanner),
            cfg,
            documents: 0,
            texts: keep_texts.then(Vec::new),
        })
    }

    /// Adds the next documents: their texts, ids (`None` or empty: named `table:N` by their
    /// row N) and sites (`None`: no site).
    #[pyo3(signature = (texts, ids = None, sites = None))]
    fn add(
        &mut self,
        py: Python<'_>,
        texts: Vec<String>,
        ids: Option<Vec<Option<String>>>,
        sites: Option<Vec<Option<String>>>,
    ) -> PyResult<()> {
        let n = texts.len();
        for (column, values) in [("ids", &ids), ("sites", &sites)] {
            if let Some(values) = values {
                if values.len() != n {
                    return Err(PyValueError::new_err(format!(
                        "{column} has {} values for {n} texts",
                        values.len()
                    )));
                }
            }
        }
        let Some(scanner) = self.scanner.as_mut() else {
            return Err(PyRuntimeError::new_err("this scan has finished"));
        };
        let mut ids = ids.map(Vec::into_iter);
        let mut sites = sites.map(Vec::into_iter);
        let documents: Vec<Document> = texts
            .into_iter()
            .map(|text| {
                let id = ids.as_mut().and_then(Iterator::next).flatten();
                let mut doc = Document::new(id.unwrap_or_default(), text);
                doc.site = sites.as_mut().and_then(Iterator::next).flatten();
                doc
            })
            .collect();
        self.documents += n;
        if let Some(texts) = self.texts.as_mut() {
            texts.extend(documents.iter().map(|d| d.text.clone()));
        }
        py.detach(|| scanner.add_documents("table", documents));
        Ok(())
    }

    /// Adds every row of an object that exports an Arrow stream (`__arrow_c_stream__`: a
    /// pyarrow Table or RecordBatchReader, a polars DataFrame), `batch_size` rows at a time,
    /// read from its buffers: the text of `text`, the ids of `id` and the sites of `site`
    /// (string columns).
    #[pyo3(signature = (data, text, id = None, site = None, batch_size = 10_000))]
    fn add_arrow(
        &mut self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        text: String,
        id: Option<String>,
        site: Option<String>,
        batch_size: usize,
    ) -> PyResult<()> {
        let reader = arrow::stream_of(data)?;
        let columns = arrow::Columns { text, id, site };
        arrow::check_columns(&reader.schema(), &columns)?;
        let Some(scanner) = self.scanner.as_mut() else {
            return Err(PyRuntimeError::new_err("this scan has finished"));
        };
        let batch_size = batch_size.max(1);
        let texts = &mut self.texts;
        let added = py.detach(|| -> Result<usize, String> {
            let mut added = 0;
            for batch in reader {
                let batch = batch.map_err(|e| format!("cannot read the Arrow stream: {e}"))?;
                let mut start = 0;
                while start < batch.num_rows() {
                    let len = batch_size.min(batch.num_rows() - start);
                    let part = batch.slice(start, len);
                    let documents = arrow::documents(&part, &columns);
                    if let Some(texts) = texts.as_mut() {
                        texts.extend(documents.iter().map(|d| d.text.clone()));
                    }
                    scanner.add_documents("table", documents);
                    added += len;
                    start += len;
                }
            }
            Ok(added)
        });
        match added {
            Ok(n) => {
                self.documents += n;
                Ok(())
            }
            Err(e) => {
                // Some rows went in: this scan no longer describes the table.
                self.scanner = None;
                Err(PyValueError::new_err(e))
            }
        }
    }

    /// Ends the scan: its result, one annotation per document added, in order.
    fn finish(&mut self, py: Python<'_>) -> PyResult<ScanResult> {
        let Some(scanner) = self.scanner.take() else {
            return Err(PyRuntimeError::new_err("this scan has finished"));
        };
        let out = py.detach(|| scanner.finish());
        if out.annotations.len() != self.documents {
            return Err(PyRuntimeError::new_err(format!(
                "the scan annotated {} documents of {}",
                out.annotations.len(),
                self.documents
            )));
        }
        Ok(ScanResult {
            out,
            cfg: self.cfg.clone(),
            texts: self.texts.take(),
        })
    }
}

/// A streaming index (`neardup.Deduplicator`): the library's [`Deduplicator`].
#[pyclass(module = "neardup._native")]
struct StreamIndex {
    index: Deduplicator,
    /// The ids of the documents kept, by stream index (a duplicate names the one it repeats).
    kept_ids: HashMap<u64, String>,
}

/// What the stream says of a batch: for each document its id, the id of the kept document it
/// repeats (or `None`) and their estimated Jaccard similarity (or `None`).
type StreamAnswers = (Vec<String>, Vec<Option<String>>, Vec<Option<f64>>);

#[pymethods]
impl StreamIndex {
    /// An empty index with the options `options` (keywords as `neardup.Deduplicator`
    /// documents them).
    #[new]
    #[pyo3(signature = (options = None))]
    fn new(options: Option<&Bound<'_, PyDict>>) -> PyResult<StreamIndex> {
        let cfg = options::config(&[PathBuf::from("stream")], options, Call::Stream)?;
        let stream = StreamOptions {
            near: cfg.near,
            fold_digits: cfg.fold_digits,
        };
        let index = Deduplicator::new(stream)
            .map_err(|e| PyValueError::new_err(options::python_message(&e.to_string())))?;
        Ok(StreamIndex {
            index,
            kept_ids: HashMap::new(),
        })
    }

    /// Answers the next documents in order: `texts`, with their `ids` (`None` or a `None`
    /// entry: named `stream:N` by their place N in the stream, from 1).
    #[pyo3(signature = (texts, ids = None))]
    fn add(
        &mut self,
        py: Python<'_>,
        texts: Vec<String>,
        ids: Option<Vec<Option<String>>>,
    ) -> PyResult<StreamAnswers> {
        if let Some(ids) = &ids {
            if ids.len() != texts.len() {
                return Err(PyValueError::new_err(format!(
                    "ids has {} values for {} texts",
                    ids.len(),
                    texts.len()
                )));
            }
        }
        let first = self.index.seen();
        let index = &mut self.index;
        let verdicts = py.detach(|| index.add_batch(&texts));
        let mut ids = ids.map(Vec::into_iter);
        let mut answers: StreamAnswers = Default::default();
        for (n, verdict) in (first..).zip(verdicts) {
            let id = ids.as_mut().and_then(Iterator::next).flatten();
            let id = id.unwrap_or_else(|| format!("stream:{}", n + 1));
            let (of, similarity) = match verdict {
                Verdict::Duplicate { of, similarity } => {
                    (self.kept_ids.get(&of).cloned(), Some(similarity))
                }
                Verdict::New | Verdict::Empty => {
                    self.kept_ids.insert(n, id.clone());
                    (None, None)
                }
            };
            answers.0.push(id);
            answers.1.push(of);
            answers.2.push(similarity);
        }
        Ok(answers)
    }

    /// Documents seen so far.
    fn seen(&self) -> u64 {
        self.index.seen()
    }

    /// Documents kept so far.
    fn kept(&self) -> u64 {
        self.index.kept()
    }

    /// The bands and rows of the index.
    fn lsh_params(&self) -> (usize, usize) {
        let p = self.index.lsh_params();
        (p.bands, p.rows)
    }
}

/// Every option: (name, default, help, whether `dedup` takes it).
#[pyfunction(name = "options")]
fn option_table(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let rows = PyList::empty(py);
    for o in OPTIONS {
        let default: Py<PyAny> = match o.default {
            DefaultValue::Nothing => py.None(),
            DefaultValue::Bool(b) => b.into_pyobject(py)?.to_owned().into_any().unbind(),
            DefaultValue::Int(n) => n.into_pyobject(py)?.into_any().unbind(),
            DefaultValue::Float(x) => x.into_pyobject(py)?.into_any().unbind(),
            DefaultValue::Str(s) => s.into_pyobject(py)?.into_any().unbind(),
            DefaultValue::EmptyList => PyList::empty(py).into_any().unbind(),
        };
        let for_dedup = o.scope == options::Scope::Both;
        rows.append((o.name, default, o.help, for_dedup))?;
    }
    Ok(rows)
}

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scan, m)?)?;
    m.add_function(wrap_pyfunction!(option_table, m)?)?;
    m.add_class::<ScanResult>()?;
    m.add_class::<arrow::ResultStream>()?;
    m.add_class::<BatchScan>()?;
    m.add_class::<StreamIndex>()?;
    m.add_class::<sketch::Sketch>()?;
    m.add_function(wrap_pyfunction!(sketch::lsh_bands, m)?)?;
    m.add_function(wrap_pyfunction!(sketch::signature_band_keys, m)?)?;
    m.add("STREAM_OPTIONS", options::STREAM_OPTIONS.to_vec())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("HTML_LIMIT", neardup::report::html::DEFAULT_LIMIT)?;
    Ok(())
}
