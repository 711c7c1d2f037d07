//! The public kernels (`neardup::kernels`) composed by hand over batches, each value crossing
//! a batch boundary as bytes, as a pipeline on several machines would run them: the signatures
//! do not depend on the batches, and the pairs they find are the scan's.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use neardup::kernels::{
    band_keys, bucket_pairs, judge, lsh_params, prepare, stored_signature, thresholds,
    PreparedDocument, SignedDocument, SigningContext, SiteUnitCounts, MAX_BUCKET,
};
use neardup::{Config, Document, Scanner};

use crate::batches::documents_of;

/// Each document's site index, by first appearance (what the scan numbers them by).
fn site_indices(docs: &[Document]) -> Vec<u32> {
    let mut index: HashMap<Option<String>, u32> = HashMap::new();
    docs.iter()
        .map(|d| {
            let next = index.len() as u32;
            *index.entry(d.site.clone()).or_insert(next)
        })
        .collect()
}

/// The documents prepared, counted and signed `batch` at a time; every prepared document,
/// count and context goes through bytes, and the batches' counts merge in reverse order.
fn signed_in_batches(cfg: &Config, docs: &[Document], batch: usize) -> Vec<SignedDocument> {
    let sites = site_indices(docs);
    let prepared: Vec<PreparedDocument> = docs
        .chunks(batch)
        .flat_map(|chunk| {
            let bytes: Vec<Vec<u8>> = chunk
                .iter()
                .map(|d| prepare(cfg, d.clone(), true).to_bytes())
                .collect();
            bytes
                .into_iter()
                .map(|b| PreparedDocument::from_bytes(&b).expect("a prepared document"))
        })
        .collect();
    let batch_counts: Vec<Vec<u8>> = prepared
        .chunks(batch)
        .zip(sites.chunks(batch))
        .map(|(chunk, chunk_sites)| {
            let mut counts = SiteUnitCounts::default();
            for (doc, &site) in chunk.iter().zip(chunk_sites) {
                counts.add_document(site, doc.unit_keys());
            }
            counts.to_bytes()
        })
        .collect();
    let mut merged = SiteUnitCounts::default();
    for bytes in batch_counts.iter().rev() {
        merged.merge(SiteUnitCounts::from_bytes(bytes).expect("counts"));
    }
    let mut site_docs = vec![0u32; sites.iter().max().map_or(0, |&s| s as usize + 1)];
    for &s in &sites {
        site_docs[s as usize] += 1;
    }
    let context = SigningContext::new(merged.watch_list(cfg.blocks.template_min_docs), site_docs);
    let context = SigningContext::from_bytes(&context.to_bytes()).expect("a context");
    let with_sites: Vec<(u32, &PreparedDocument)> = sites.iter().copied().zip(&prepared).collect();
    with_sites
        .chunks(batch)
        .flat_map(|chunk| context.sign_batch(cfg, chunk))
        .map(|s| SignedDocument::from_bytes(&s.to_bytes()).expect("a signed document"))
        .collect()
}

fn as_bytes(signed: &[SignedDocument]) -> Vec<Vec<u8>> {
    signed.iter().map(SignedDocument::to_bytes).collect()
}

#[test]
fn kernels_over_batches_of_1_7_and_1000_sign_alike() {
    let dir = tempfile::tempdir().expect("tempdir");
    crate::support::generated_corpus(dir.path(), 120, 5, 33);
    let docs = documents_of(dir.path());
    let cfg = Config::new("corpus");
    let whole = signed_in_batches(&cfg, &docs, 1000);
    assert!(whole.iter().filter(|s| s.signature().is_some()).count() > 100);
    for batch in [1, 7] {
        assert!(
            as_bytes(&signed_in_batches(&cfg, &docs, batch)) == as_bytes(&whole),
            "signed in batches of {batch}"
        );
    }
    // The counts matter: without its site's template candidates left out, a page signs
    // differently (its navigation and footer lines become content).
    let mut alone = cfg.clone();
    alone.blocks.template_min_docs = 100_000;
    let unwatched = signed_in_batches(&alone, &docs, 1000);
    let differ = whole
        .iter()
        .zip(&unwatched)
        .filter(|(a, b)| a.signature() != b.signature())
        .count();
    assert!(differ > docs.len() / 2, "{differ} of {} differ", docs.len());
}

/// The candidate pairs of the kernels' signatures: band keys, buckets, each bucket's pairs.
fn kernel_candidates(cfg: &Config, signed: &[SignedDocument]) -> BTreeSet<(u32, u32)> {
    let params = lsh_params(cfg);
    let mut buckets: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
    for (d, s) in signed.iter().enumerate() {
        let Some(signature) = s.signature() else {
            continue;
        };
        for key in band_keys(&stored_signature(signature), params) {
            buckets.entry(key).or_default().push(d as u32);
        }
    }
    let mut pairs = Vec::new();
    for members in buckets.values() {
        bucket_pairs(members, MAX_BUCKET, &mut pairs);
    }
    pairs.into_iter().collect()
}

#[test]
fn kernels_find_and_judge_the_pairs_the_scan_finds() {
    let dir = tempfile::tempdir().expect("tempdir");
    crate::support::generated_corpus(dir.path(), 80, 4, 7);
    let docs = documents_of(dir.path());
    let mut cfg = Config::new("corpus");
    // No unit is a template candidate: the scan's first signatures are its last (no round
    // re-signs a document), so its pairs can be compared with the kernels' first signing.
    cfg.blocks.template_min_docs = 100_000;
    let mut scanner = Scanner::new(&cfg).expect("valid options");
    scanner.add_documents("corpus", docs.clone());
    let out = scanner.finish();
    assert!(out.pairs.len() > 20, "{} pairs", out.pairs.len());
    let signed = signed_in_batches(&cfg, &docs, 7);
    let candidates = kernel_candidates(&cfg, &signed);
    let index: HashMap<&str, u32> = docs
        .iter()
        .enumerate()
        .map(|(d, doc)| (doc.id.as_str(), d as u32))
        .collect();
    let limits = thresholds(&cfg);
    for pair in &out.pairs {
        let (a, b) = (index[pair.a.as_str()], index[pair.b.as_str()]);
        let key = (a.min(b), a.max(b));
        assert!(
            candidates.contains(&key),
            "{} / {} not a candidate",
            pair.a,
            pair.b
        );
        let verdict = judge(
            key,
            &signed[key.0 as usize],
            &signed[key.1 as usize],
            &limits,
        )
        .expect("both signed");
        let estimate = (verdict.verdict.pair.jaccard * 1e4).round() / 1e4;
        assert_eq!(
            Some(estimate),
            pair.estimated_jaccard,
            "{} / {}",
            pair.a,
            pair.b
        );
    }
    // And every pair the kernels accept beyond doubt is one the scan reports.
    let reported: BTreeSet<(u32, u32)> = out
        .pairs
        .iter()
        .map(|p| {
            let (a, b) = (index[p.a.as_str()], index[p.b.as_str()]);
            (a.min(b), a.max(b))
        })
        .collect();
    for &(a, b) in &candidates {
        let Some(v) = judge((a, b), &signed[a as usize], &signed[b as usize], &limits) else {
            continue;
        };
        if v.verdict.accepted && !v.borderline {
            assert!(
                reported.contains(&(a, b)),
                "{} / {} accepted, not reported",
                docs[a as usize].id,
                docs[b as usize].id
            );
        }
    }
}
