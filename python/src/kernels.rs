//! `neardup.kernels`: the library's stage kernels ([`neardup::kernels`]) on batches of
//! documents, for a pipeline that runs them in several processes or machines (Ray, Spark,
//! multiprocessing). Every value that crosses a batch goes as `bytes`: the same bytes in every
//! process, so batches can be prepared, counted and signed anywhere and in any order.

use neardup::kernels::{
    band_keys, lsh_params, prepare, stored_signature, PreparedDocument, SigningContext,
    SiteUnitCounts,
};
use neardup::{Config, Document};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::options::{config, Call};

/// The kernels under one set of options (those of `dedup`).
#[pyclass(frozen, module = "neardup._native", name = "Kernels")]
pub struct Kernels {
    cfg: Config,
}

fn prepared(bytes: &[Vec<u8>]) -> PyResult<Vec<PreparedDocument>> {
    bytes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            PreparedDocument::from_bytes(b).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "item {i} is not a prepared document (bytes from Kernels.prepare)"
                ))
            })
        })
        .collect()
}

fn counts_of(bytes: &[u8]) -> PyResult<SiteUnitCounts> {
    SiteUnitCounts::from_bytes(bytes)
        .ok_or_else(|| PyValueError::new_err("not unit counts (bytes from Kernels.count)"))
}

#[pymethods]
impl Kernels {
    #[new]
    #[pyo3(signature = (**options))]
    fn new(options: Option<&Bound<'_, PyDict>>) -> PyResult<Kernels> {
        Ok(Kernels {
            cfg: config(&[], options, Call::Dedup)?,
        })
    }

    /// Each text (with its id and site) prepared: segmented, its units' keys, repeats and
    /// hashes, its text kept; one `bytes` per document.
    fn prepare<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        ids: Vec<String>,
        sites: Vec<Option<String>>,
    ) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        if ids.len() != texts.len() || sites.len() != texts.len() {
            return Err(PyValueError::new_err(
                "texts, ids and sites must have the same length",
            ));
        }
        let cfg = &self.cfg;
        // One batch on one thread: a pipeline runs a batch per core.
        let encoded: Vec<Vec<u8>> = py.detach(|| {
            texts
                .into_iter()
                .zip(ids)
                .zip(sites)
                .map(|((text, id), site)| {
                    let mut doc = Document::new(id, text);
                    doc.site = site;
                    prepare(cfg, doc, true).to_bytes()
                })
                .collect()
        });
        Ok(encoded.iter().map(|b| PyBytes::new(py, b)).collect())
    }

    /// The exact unit counts of a batch of prepared documents, each with its site's index.
    fn count<'py>(
        &self,
        py: Python<'py>,
        prepared_docs: Vec<Vec<u8>>,
        sites: Vec<u32>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        if sites.len() != prepared_docs.len() {
            return Err(PyValueError::new_err(
                "prepared and sites must have the same length",
            ));
        }
        let docs = prepared(&prepared_docs)?;
        let mut counts = SiteUnitCounts::default();
        for (doc, site) in docs.iter().zip(sites) {
            counts.add_document(site, doc.unit_keys());
        }
        Ok(PyBytes::new(py, &counts.to_bytes()))
    }

    /// Counts of several batches merged (in any order: the sums are the same).
    #[staticmethod]
    fn merge_counts<'py>(py: Python<'py>, counts: Vec<Vec<u8>>) -> PyResult<Bound<'py, PyBytes>> {
        let mut merged = SiteUnitCounts::default();
        for bytes in &counts {
            merged.merge(counts_of(bytes)?);
        }
        Ok(PyBytes::new(py, &merged.to_bytes()))
    }

    /// The signing context of the whole corpus: its merged counts and the documents of each
    /// site (`site_docs[s]`).
    fn signing_context<'py>(
        &self,
        py: Python<'py>,
        counts: Vec<u8>,
        site_docs: Vec<u32>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let watch = counts_of(&counts)?.watch_list(self.cfg.blocks.template_min_docs);
        Ok(PyBytes::new(
            py,
            &SigningContext::new(watch, site_docs).to_bytes(),
        ))
    }

    /// The MinHash signature of each prepared document (with its site's index) under the
    /// context, as the scan first signs it; `None` for a document without content to sign.
    fn sign(
        &self,
        py: Python<'_>,
        context: Vec<u8>,
        prepared_docs: Vec<Vec<u8>>,
        sites: Vec<u32>,
    ) -> PyResult<Vec<Option<Vec<u32>>>> {
        let context = SigningContext::from_bytes(&context).ok_or_else(|| {
            PyValueError::new_err("not a signing context (bytes from Kernels.signing_context)")
        })?;
        if sites.len() != prepared_docs.len() {
            return Err(PyValueError::new_err(
                "prepared and sites must have the same length",
            ));
        }
        let docs = prepared(&prepared_docs)?;
        let batch: Vec<(u32, &PreparedDocument)> = sites.into_iter().zip(&docs).collect();
        let signed = py.detach(|| context.sign_batch(&self.cfg, &batch));
        Ok(signed
            .iter()
            .map(|s| s.signature().map(<[u32]>::to_vec))
            .collect())
    }

    /// The LSH band keys of a signature under these options: two documents share a key when
    /// they fall into one bucket of the scan.
    fn band_keys(&self, signature: Vec<u32>) -> PyResult<Vec<u64>> {
        let params = lsh_params(&self.cfg);
        if signature.len() < params.bands * params.rows {
            return Err(PyValueError::new_err(format!(
                "a signature of {} values; these options need {}",
                signature.len(),
                params.bands * params.rows
            )));
        }
        Ok(band_keys(&stored_signature(&signature), params))
    }
}
