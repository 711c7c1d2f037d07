//! `neardup.kernels`: the library's stage kernels ([`neardup::kernels`]) on batches of
//! documents, for a pipeline that runs them in several processes or machines (Ray, Spark,
//! multiprocessing). Every value that crosses a batch goes as `bytes`: the same bytes in every
//! process, so batches can be prepared, counted and signed anywhere and in any order.

use neardup::kernels::{
    band_keys, bucket_pairs, decide_unit, judge, judge_exact, lsh_params, prepare,
    stored_signature, thresholds, PreparedDocument, SignedDocument, SigningContext, SiteClusters,
    SiteUnitCounts, TemplateEvidence, TemplateSet, UnitDecision, MAX_BUCKET,
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

/// One value decoded from the bytes of the kernel named in `what` ("a template set (bytes
/// from Kernels.template_set)"), or a `ValueError` that names them.
fn decoded<T>(bytes: &[u8], decode: fn(&[u8]) -> Option<T>, what: &str) -> PyResult<T> {
    decode(bytes).ok_or_else(|| PyValueError::new_err(format!("not {what}")))
}

/// Each item decoded, or a `ValueError` that names the first item that is not one.
fn each_decoded<T>(
    items: &[Vec<u8>],
    decode: fn(&[u8]) -> Option<T>,
    what: &str,
) -> PyResult<Vec<T>> {
    items
        .iter()
        .enumerate()
        .map(|(i, b)| {
            decode(b).ok_or_else(|| PyValueError::new_err(format!("item {i} is not {what}")))
        })
        .collect()
}

fn prepared(bytes: &[Vec<u8>]) -> PyResult<Vec<PreparedDocument>> {
    let what = "a prepared document (bytes from Kernels.prepare)";
    each_decoded(bytes, PreparedDocument::from_bytes, what)
}

fn signed(bytes: &[Vec<u8>]) -> PyResult<Vec<SignedDocument>> {
    let what = "a signed document (bytes from Kernels.sign_documents or Kernels.resign)";
    each_decoded(bytes, SignedDocument::from_bytes, what)
}

fn context_of(bytes: &[u8]) -> PyResult<SigningContext> {
    let what = "a signing context (bytes from Kernels.signing_context)";
    decoded(bytes, SigningContext::from_bytes, what)
}

fn template_set_of(bytes: &[u8]) -> PyResult<TemplateSet> {
    let what = "a template set (bytes from Kernels.template_set)";
    decoded(bytes, TemplateSet::from_bytes, what)
}

fn site_clusters_of(bytes: &[u8]) -> PyResult<SiteClusters> {
    let what = "site clusters (bytes from Kernels.site_clusters)";
    decoded(bytes, SiteClusters::from_bytes, what)
}

fn counts_of(bytes: &[u8]) -> PyResult<SiteUnitCounts> {
    decoded(
        bytes,
        SiteUnitCounts::from_bytes,
        "unit counts (bytes from Kernels.count)",
    )
}

/// Checks that every list has `n` items.
fn same_length(n: usize, lengths: &[usize], what: &str) -> PyResult<()> {
    if lengths.iter().any(|&l| l != n) {
        return Err(PyValueError::new_err(format!(
            "{what} must have the same length"
        )));
    }
    Ok(())
}

/// The (document index, site, prepared document) triples of a batch.
fn indexed<'a>(
    docs: &[u32],
    sites: &[u32],
    prepared_docs: &'a [PreparedDocument],
) -> Vec<(u32, u32, &'a PreparedDocument)> {
    docs.iter()
        .zip(sites)
        .zip(prepared_docs)
        .map(|((&d, &s), p)| (d, s, p))
        .collect()
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
        same_length(
            texts.len(),
            &[ids.len(), sites.len()],
            "texts, ids and sites",
        )?;
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
        same_length(prepared_docs.len(), &[sites.len()], "prepared and sites")?;
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
        let context = context_of(&context)?;
        same_length(prepared_docs.len(), &[sites.len()], "prepared and sites")?;
        let docs = prepared(&prepared_docs)?;
        let batch: Vec<(u32, &PreparedDocument)> = sites.into_iter().zip(&docs).collect();
        let signed = py.detach(|| context.sign_batch(&self.cfg, &batch));
        Ok(signed
            .iter()
            .map(|s| s.signature().map(<[u32]>::to_vec))
            .collect())
    }

    /// Each prepared document (with its site's index) signed under the context, as bytes: its
    /// signature, figures and watched units (what the later kernels read).
    fn sign_documents<'py>(
        &self,
        py: Python<'py>,
        context: Vec<u8>,
        prepared_docs: Vec<Vec<u8>>,
        sites: Vec<u32>,
    ) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        let context = context_of(&context)?;
        same_length(prepared_docs.len(), &[sites.len()], "prepared and sites")?;
        let docs = prepared(&prepared_docs)?;
        let batch: Vec<(u32, &PreparedDocument)> = sites.into_iter().zip(&docs).collect();
        let encoded: Vec<Vec<u8>> = py.detach(|| {
            context
                .sign_batch(&self.cfg, &batch)
                .iter()
                .map(SignedDocument::to_bytes)
                .collect()
        });
        Ok(encoded.iter().map(|b| PyBytes::new(py, b)).collect())
    }

    /// The signature of a signed document (`None` when it has no content to sign).
    #[staticmethod]
    fn signature(signed_doc: Vec<u8>) -> PyResult<Option<Vec<u32>>> {
        let doc = signed(&[signed_doc])?.remove(0);
        Ok(doc.signature().map(<[u32]>::to_vec))
    }

    /// The candidate pairs of one LSH bucket (its documents' indices): every pair, or in a
    /// hot bucket each member with its neighbour and the first (a deterministic cap).
    #[staticmethod]
    fn bucket_pairs(mut docs: Vec<u32>) -> Vec<(u32, u32)> {
        docs.sort_unstable();
        docs.dedup();
        let mut pairs = Vec::new();
        bucket_pairs(&docs, MAX_BUCKET, &mut pairs);
        pairs
    }

    /// The verdict on a candidate pair from its two signed documents, as the scan judges by
    /// signature: `(jaccard, containment, accepted, borderline)`, or `None` when either has no
    /// signature. A borderline verdict is one `verify="auto"` checks on exact sets.
    fn judge(
        &self,
        pair: (u32, u32),
        a: Vec<u8>,
        b: Vec<u8>,
    ) -> PyResult<Option<(f64, f64, bool, bool)>> {
        let docs = signed(&[a, b])?;
        Ok(
            judge(pair, &docs[0], &docs[1], &thresholds(&self.cfg)).map(|v| {
                let p = v.verdict.pair;
                (p.jaccard, p.containment, v.verdict.accepted, v.borderline)
            }),
        )
    }

    /// Each signed document's template evidence (document index, site index, cluster: the
    /// smallest member's index) as `(key, bytes)` rows: a unit's rows, gathered by key from
    /// every batch, are decided together (`decide_unit`).
    fn template_evidence<'py>(
        &self,
        py: Python<'py>,
        context: Vec<u8>,
        signed_docs: Vec<Vec<u8>>,
        docs: Vec<u32>,
        sites: Vec<u32>,
        clusters: Vec<u32>,
    ) -> PyResult<Vec<(u64, Bound<'py, PyBytes>)>> {
        let context = context_of(&context)?;
        let n = signed_docs.len();
        same_length(
            n,
            &[docs.len(), sites.len(), clusters.len()],
            "signed, docs, sites and clusters",
        )?;
        let signed_docs = signed(&signed_docs)?;
        let mut rows = Vec::new();
        for (i, s) in signed_docs.iter().enumerate() {
            for e in s.template_evidence((docs[i], sites[i], clusters[i]), context.watch_list()) {
                let bytes = TemplateEvidence::to_bytes(std::slice::from_ref(&e));
                rows.push((e.key(), PyBytes::new(py, &bytes)));
            }
        }
        Ok(rows)
    }

    /// The (site, cluster) pairs of a batch, to count each site's clusters.
    #[staticmethod]
    fn site_clusters<'py>(
        py: Python<'py>,
        sites: Vec<u32>,
        clusters: Vec<u32>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        same_length(sites.len(), &[clusters.len()], "sites and clusters")?;
        let mut pairs = SiteClusters::default();
        for (s, c) in sites.into_iter().zip(clusters) {
            pairs.add(s, c);
        }
        Ok(PyBytes::new(py, &pairs.to_bytes()))
    }

    /// Site-cluster pairs of several batches merged (in any order).
    #[staticmethod]
    fn merge_site_clusters<'py>(
        py: Python<'py>,
        parts: Vec<Vec<u8>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let mut merged = SiteClusters::default();
        for bytes in &parts {
            merged.merge(site_clusters_of(bytes)?);
        }
        Ok(PyBytes::new(py, &merged.to_bytes()))
    }

    /// Round two's decision on one unit from all its evidence rows (one key, any order), or
    /// `None` when it is template nowhere.
    fn decide_unit<'py>(
        &self,
        py: Python<'py>,
        context: Vec<u8>,
        evidence: Vec<Vec<u8>>,
        site_clusters: Vec<u8>,
    ) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let context = context_of(&context)?;
        let per_site = site_clusters_of(&site_clusters)?.per_site();
        let what = "template evidence (bytes from Kernels.template_evidence)";
        let rows: Vec<TemplateEvidence> =
            each_decoded(&evidence, TemplateEvidence::from_bytes, what)?
                .into_iter()
                .flatten()
                .collect();
        if rows.windows(2).any(|w| w[0].key() != w[1].key()) {
            return Err(PyValueError::new_err(
                "evidence of several units: decide each key's rows together",
            ));
        }
        let min_docs = self.cfg.blocks.template_min_docs;
        Ok(
            decide_unit(&rows, context.watch_list(), min_docs, &per_site)
                .map(|d| PyBytes::new(py, &d.to_bytes())),
        )
    }

    /// The template set of a round from its units' decisions (in any order), added to `base`
    /// when given.
    #[staticmethod]
    #[pyo3(signature = (decisions, base=None))]
    fn template_set<'py>(
        py: Python<'py>,
        decisions: Vec<Vec<u8>>,
        base: Option<Vec<u8>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let mut set = match base {
            Some(bytes) => template_set_of(&bytes)?,
            None => TemplateSet::default(),
        };
        let what = "a unit decision (bytes from Kernels.decide_unit)";
        for d in each_decoded(&decisions, UnitDecision::from_bytes, what)? {
            set.apply(d);
        }
        Ok(PyBytes::new(py, &set.to_bytes()))
    }

    /// Whether the decision `after` changes what is left out of each signed document (with its
    /// index and site), signed with `before` (its first signing's candidates when `None`).
    #[pyo3(signature = (context, signed_docs, docs, sites, after, before=None))]
    fn changed(
        &self,
        context: Vec<u8>,
        signed_docs: Vec<Vec<u8>>,
        docs: Vec<u32>,
        sites: Vec<u32>,
        after: Vec<u8>,
        before: Option<Vec<u8>>,
    ) -> PyResult<Vec<bool>> {
        let context = context_of(&context)?;
        same_length(
            signed_docs.len(),
            &[docs.len(), sites.len()],
            "signed, docs and sites",
        )?;
        let after = template_set_of(&after)?;
        let before = before.map(|b| template_set_of(&b)).transpose()?;
        Ok(signed(&signed_docs)?
            .iter()
            .enumerate()
            .map(|(i, s)| {
                s.changed_by(
                    (docs[i], sites[i]),
                    context.watch_list(),
                    before.as_ref(),
                    &after,
                )
            })
            .collect())
    }

    /// Each prepared document (with its index and site) signed again with a round's template
    /// set left out, as bytes.
    fn resign<'py>(
        &self,
        py: Python<'py>,
        context: Vec<u8>,
        template_set: Vec<u8>,
        prepared_docs: Vec<Vec<u8>>,
        docs: Vec<u32>,
        sites: Vec<u32>,
    ) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        let context = context_of(&context)?;
        let set = template_set_of(&template_set)?;
        same_length(
            prepared_docs.len(),
            &[docs.len(), sites.len()],
            "prepared, docs and sites",
        )?;
        let prepared_docs = prepared(&prepared_docs)?;
        let batch = indexed(&docs, &sites, &prepared_docs);
        let encoded: Vec<Vec<u8>> = py.detach(|| {
            context
                .resign_batch(&self.cfg, &set, &batch)
                .iter()
                .map(SignedDocument::to_bytes)
                .collect()
        });
        Ok(encoded.iter().map(|b| PyBytes::new(py, b)).collect())
    }

    /// Each prepared document's exact shingle set (sorted, distinct) with a round's template
    /// set left out; empty for a document left without content.
    fn exact_shingles(
        &self,
        py: Python<'_>,
        context: Vec<u8>,
        template_set: Vec<u8>,
        prepared_docs: Vec<Vec<u8>>,
        docs: Vec<u32>,
        sites: Vec<u32>,
    ) -> PyResult<Vec<Vec<u64>>> {
        let context = context_of(&context)?;
        let set = template_set_of(&template_set)?;
        same_length(
            prepared_docs.len(),
            &[docs.len(), sites.len()],
            "prepared, docs and sites",
        )?;
        let prepared_docs = prepared(&prepared_docs)?;
        let batch = indexed(&docs, &sites, &prepared_docs);
        Ok(py.detach(|| context.exact_shingles(&self.cfg, &set, &batch)))
    }

    /// The verdict on a pair from its exact shingle sets: `(jaccard, containment, accepted)`.
    fn judge_exact(&self, pair: (u32, u32), a: Vec<u64>, b: Vec<u64>) -> (f64, f64, bool) {
        let mut a = a;
        let mut b = b;
        for set in [&mut a, &mut b] {
            set.sort_unstable();
            set.dedup();
        }
        let j = judge_exact(pair, &a, &b, &thresholds(&self.cfg));
        (j.pair.jaccard, j.pair.containment, j.accepted)
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
