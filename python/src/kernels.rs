//! `neardup.kernels`: the library's stage kernels ([`neardup::kernels`]) on batches of
//! documents, for a pipeline that runs them in several processes or machines (Ray, Spark,
//! multiprocessing). Every value that crosses a batch goes as `bytes`: the same bytes in every
//! process, so batches can be prepared, counted and signed anywhere and in any order.

use std::sync::{Arc, Mutex};

use neardup::config::VerifyMode;
use neardup::kernels::{
    band_keys, borderline_in_group, bucket_pairs, cluster_group, decide_unit, input_file_bytes,
    input_file_from_bytes, input_files, judge, judge_exact, kept_apart, lsh_params, prepare,
    read_input, settled, stored_signature, thresholds, GroupMember, Judged, PreparedDocument,
    SignatureVerdict, SignedDocument, SigningContext, SiteClusters, SiteUnitCounts,
    TemplateEvidence, TemplateSet, UnitDecision, VerifiedPair, WatchList, MAX_BUCKET, MAX_ROUNDS,
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
    /// The last signing context decoded, by the hash of its bytes: a pipeline passes the same
    /// context to every call (one per document or unit key), and decoding it (the whole watch
    /// list) each time would cost more than the kernel.
    context: Mutex<Option<(u128, Arc<SigningContext>)>>,
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

/// Documents read and prepared: `(id, site, prepared)`.
type ReadDocuments<'py> = Vec<(String, Option<String>, Bound<'py, PyBytes>)>;

/// Unit counts as `(key, documents)` rows.
type CountRows = Vec<(u64, u32)>;

/// A cluster as Python sees it: its members, its representative, each other member's direct
/// match.
type FoundCluster = (Vec<u32>, u32, Vec<(u32, u32)>);

/// An exact hash from the 16 bytes of `Kernels.exact_hashes`.
fn exact_hash_of(bytes: &[u8]) -> PyResult<u128> {
    let bytes: [u8; 16] = bytes.try_into().map_err(|_| {
        PyValueError::new_err("an exact hash is 16 bytes (from Kernels.exact_hashes)")
    })?;
    Ok(u128::from_le_bytes(bytes))
}

fn prepared(bytes: &[Vec<u8>]) -> PyResult<Vec<PreparedDocument>> {
    let what = "a prepared document (bytes from Kernels.prepare)";
    each_decoded(bytes, PreparedDocument::from_bytes, what)
}

fn signed(bytes: &[Vec<u8>]) -> PyResult<Vec<SignedDocument>> {
    let what = "a signed document (bytes from Kernels.sign_documents or Kernels.resign)";
    each_decoded(bytes, SignedDocument::from_bytes, what)
}

impl Kernels {
    /// The signing context of `bytes`, decoded once for as long as the same bytes come.
    fn context_of(&self, bytes: &[u8]) -> PyResult<Arc<SigningContext>> {
        let key = xxhash_rust::xxh3::xxh3_128(bytes);
        let mut last = self
            .context
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((k, context)) = last.as_ref() {
            if *k == key {
                return Ok(Arc::clone(context));
            }
        }
        let what = "a signing context (bytes from Kernels.signing_context)";
        let context = Arc::new(decoded(bytes, SigningContext::from_bytes, what)?);
        *last = Some((key, Arc::clone(&context)));
        Ok(context)
    }
}

/// A message for an input that could not be used: its place and why.
fn skipped_message(skipped: &neardup::Skipped) -> String {
    format!("{}: {}", skipped.path, skipped.reason)
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
            context: Mutex::new(None),
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

    /// What a driver of the rounds needs to know of these options and of a corpus of
    /// `documents`: `(verify, max_rounds, settled, template_min_docs, threshold)`. `verify` is "auto",
    /// "signature" or "exact"; the rounds stop after `max_rounds`, or after one that signs
    /// at most `settled` documents again (their pairs are judged again at the end).
    fn plan(&self, documents: usize) -> (&'static str, usize, usize, usize, f64) {
        let verify = match self.cfg.near.verify {
            VerifyMode::Auto => "auto",
            VerifyMode::Signature => "signature",
            VerifyMode::Exact => "exact",
        };
        (
            verify,
            MAX_ROUNDS,
            settled(documents),
            self.cfg.blocks.template_min_docs,
            thresholds(&self.cfg).jaccard,
        )
    }

    /// The input files of `paths` (folders walked, files as they are) as the scan lists them:
    /// `(files, skipped)`, each file as bytes in the scan's order (its index is its ordinal),
    /// and a message for every entry that is not an input.
    fn input_files<'py>(
        &self,
        py: Python<'py>,
        paths: Vec<std::path::PathBuf>,
    ) -> PyResult<(Vec<Bound<'py, PyBytes>>, Vec<String>)> {
        let Some((first, rest)) = paths.split_first() else {
            return Err(PyValueError::new_err("no input: give one or more paths"));
        };
        let mut cfg = self.cfg.clone();
        cfg.root = first.clone();
        cfg.more_roots = rest.to_vec();
        let walk = py.detach(|| input_files(&cfg));
        let files = walk
            .files
            .iter()
            .map(|f| PyBytes::new(py, &input_file_bytes(f)))
            .collect();
        let skipped = walk.skipped.iter().map(skipped_message).collect();
        Ok((files, skipped))
    }

    /// One input file (bytes from `input_files`) read and each document prepared, as the scan
    /// reads it: `(documents, skipped)`, each document `(id, site, prepared)` in the file's
    /// order, and a message for what could not be used.
    fn read_prepared<'py>(
        &self,
        py: Python<'py>,
        file: Vec<u8>,
    ) -> PyResult<(ReadDocuments<'py>, Vec<String>)> {
        let file = input_file_from_bytes(&file).ok_or_else(|| {
            PyValueError::new_err("not an input file (bytes from Kernels.input_files)")
        })?;
        let (documents, skipped) = py.detach(|| {
            let (documents, outcome) = read_input(&self.cfg, &file);
            let documents: Vec<(String, Option<String>, Vec<u8>)> = documents
                .into_iter()
                .map(|d| {
                    let (id, site) = (d.id.clone(), d.site.clone());
                    (id, site, prepare(&self.cfg, d, true).to_bytes())
                })
                .collect();
            let skipped: Vec<String> = outcome.skipped.iter().map(skipped_message).collect();
            (documents, skipped)
        });
        let documents = documents
            .into_iter()
            .map(|(id, site, bytes)| (id, site, PyBytes::new(py, &bytes)))
            .collect();
        Ok((documents, skipped))
    }

    /// The exact unit counts of a batch as rows to sum by key across batches (a shuffle):
    /// `(per_site, anywhere)`, each a list of `(key, documents)`; `per_site` keys combine the
    /// site and the unit. `signing_context_from_rows` of the summed rows is the same context as
    /// `signing_context` of the merged counts.
    fn count_rows(
        &self,
        prepared_docs: Vec<Vec<u8>>,
        sites: Vec<u32>,
    ) -> PyResult<(CountRows, CountRows)> {
        same_length(prepared_docs.len(), &[sites.len()], "prepared and sites")?;
        let docs = prepared(&prepared_docs)?;
        let mut counts = SiteUnitCounts::default();
        for (doc, site) in docs.iter().zip(sites) {
            counts.add_document(site, doc.unit_keys());
        }
        let rows = counts.into_rows();
        Ok((rows.per_site, rows.anywhere))
    }

    /// The signing context from unit counts summed by key over the whole corpus (the rows of
    /// `count_rows`; rows below the thresholds may be left out) and the documents of each site.
    fn signing_context_from_rows<'py>(
        &self,
        py: Python<'py>,
        per_site: Vec<(u64, u32)>,
        anywhere: Vec<(u64, u32)>,
        site_docs: Vec<u32>,
    ) -> Bound<'py, PyBytes> {
        let watch = WatchList::from_exact_counts(
            per_site.into_iter(),
            anywhere.into_iter(),
            self.cfg.blocks.template_min_docs,
        );
        PyBytes::new(py, &SigningContext::new(watch, site_docs).to_bytes())
    }

    /// The hash of each prepared document's normalised text, as 16 bytes (little-endian):
    /// documents with equal hashes are copies whatever their length.
    #[staticmethod]
    fn exact_hashes<'py>(
        py: Python<'py>,
        prepared_docs: Vec<Vec<u8>>,
    ) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        Ok(prepared(&prepared_docs)?
            .iter()
            .map(|d| PyBytes::new(py, &d.exact_hash().to_le_bytes()))
            .collect())
    }

    /// What clustering reads of each signed document: `(shingles, content_words)`.
    #[staticmethod]
    fn facts(signed_docs: Vec<Vec<u8>>) -> PyResult<Vec<(u32, u32)>> {
        Ok(signed(&signed_docs)?
            .iter()
            .map(|s| (s.shingles(), s.content_words()))
            .collect())
    }

    /// Whether a pair that passed the thresholds is kept apart all the same (two narrow
    /// documents whose bulks differ), as the scan decides before clustering.
    #[staticmethod]
    fn kept_apart(a: Vec<u8>, b: Vec<u8>) -> PyResult<bool> {
        let docs = signed(&[a, b])?;
        Ok(kept_apart(&docs[0], &docs[1]))
    }

    /// The clusters of one connected group of documents (a connected component of the
    /// accepted pairs and the links between copies), as the scan's report clusters them.
    /// `members`: `(index, id, shingles, content_words, exact_hash)`; `pairs`: the accepted
    /// pairs `(a, b, jaccard, containment)` (those with a document outside the group are left
    /// out). Returns each cluster as `(members, representative, [(member, direct match)])`.
    fn cluster_group(
        &self,
        members: Vec<(u32, String, u32, u32, Vec<u8>)>,
        pairs: Vec<(u32, u32, f64, f64)>,
    ) -> PyResult<Vec<FoundCluster>> {
        let members = members
            .into_iter()
            .map(|(index, id, shingles, content_words, exact)| {
                Ok(GroupMember {
                    index,
                    id,
                    shingles,
                    content_words,
                    exact: exact_hash_of(&exact)?,
                })
            })
            .collect::<PyResult<Vec<GroupMember>>>()?;
        let pairs: Vec<VerifiedPair> = pairs
            .into_iter()
            .map(|(a, b, jaccard, containment)| VerifiedPair {
                a,
                b,
                jaccard,
                containment,
                exact: false,
            })
            .collect();
        let jaccard = thresholds(&self.cfg).jaccard;
        Ok(cluster_group(&members, &pairs, jaccard, self.cfg.near.keep)
            .into_iter()
            .map(|c| (c.members, c.representative, c.duplicate_of))
            .collect())
    }

    /// The borderline verdicts that `verify="auto"` checks exactly, among those touching one
    /// connected group (of the accepted pairs, kept apart or not, and copies): `members` are
    /// its `(index, exact_hash)`, `judged` the verdicts `(a, b, jaccard, containment,
    /// accepted, borderline)` with a document in it. A borderline pair leaving the group
    /// always matters.
    #[staticmethod]
    fn borderline_in_group(
        members: Vec<(u32, Vec<u8>)>,
        judged: Vec<(u32, u32, f64, f64, bool, bool)>,
    ) -> PyResult<Vec<(u32, u32)>> {
        let members = members
            .into_iter()
            .map(|(index, exact)| Ok((index, exact_hash_of(&exact)?)))
            .collect::<PyResult<Vec<(u32, u128)>>>()?;
        let judged: Vec<SignatureVerdict> = judged
            .into_iter()
            .map(
                |(a, b, jaccard, containment, accepted, borderline)| SignatureVerdict {
                    verdict: Judged {
                        pair: VerifiedPair {
                            a,
                            b,
                            jaccard,
                            containment,
                            exact: false,
                        },
                        accepted,
                    },
                    borderline,
                },
            )
            .collect();
        Ok(borderline_in_group(&members, &judged))
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
        let context = self.context_of(&context)?;
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
        let context = self.context_of(&context)?;
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
        let context = self.context_of(&context)?;
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
        let per_site = site_clusters_of(&site_clusters)?.per_site();
        self.decide_unit_counted(py, context, evidence, per_site)
    }

    /// `decide_unit` with each site's number of clusters given as counts (`per_site[s]`, a
    /// document alone counting as its own cluster), as a pipeline finds them by counting the
    /// distinct (site, cluster) pairs in a shuffle.
    fn decide_unit_counted<'py>(
        &self,
        py: Python<'py>,
        context: Vec<u8>,
        evidence: Vec<Vec<u8>>,
        per_site: Vec<u32>,
    ) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let context = self.context_of(&context)?;
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
        let context = self.context_of(&context)?;
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
        let context = self.context_of(&context)?;
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
        let context = self.context_of(&context)?;
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
