//! The scan pipeline, stage by stage (see ARCHITECTURE.md):
//!
//! walk → read + segment + count units, spill each document's parts (pass 1) → template
//! candidates → sign content from the spill, record watched units (pass 2) → LSH → verify →
//! cluster → templates counted by cluster → re-sign documents whose content changed → cluster
//! again → report + annotations.
//!
//! Only compact per-document data survives a pass in memory: ids, hashes, the signature, the
//! spans of watched units, and where the document's record lies in the spill (see
//! [`crate::spill`]). Documents are read again only for the texts the report quotes, or when no
//! spill could be written.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::time::Instant;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_128;

use crate::config::{Config, KeepPolicy, ShingleKind, SiteMode, VerifyMode};
use crate::corpus::{read_documents, walk, Document, InputFile, Skipped};
use crate::detect::cluster::{representative, UnionFind};
use crate::detect::near::{self, Signatures, Thresholds, VerifiedPair};
use crate::detect::per_doc::PerDoc;
use crate::detect::repeats::find_repeats;
use crate::detect::templates::{
    finalize, reused_blocks, Finalized, Hit, SharedBlock, TemplateSet, UnitCounts, WatchList,
    CROSS_SITE_MAX_WORDS,
};
use crate::detect::units::{units, Region};
use crate::progress::Progress;
use crate::report::{
    Annotation, Cluster, ClusterMember, Parameters, RepeatedBlock, Report, Span, StageTime,
    Summary, TemplateBlock, Timing, SCHEMA_VERSION,
};
use crate::sketch::{catch_probability, estimate_jaccard, LshParams, MinHasher};
use crate::spill::{DocParts, Record, Spill};
use crate::text::{count_distinct, segment, shingle_into, word_shingles_of_hashes, Segmented};

/// What a scan produces.
#[derive(Debug, Clone)]
pub struct ScanOutput {
    /// The JSON report.
    pub report: Report,
    /// One annotation per document, in document order.
    pub annotations: Vec<Annotation>,
}

/// Why a scan could not run at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanError {
    /// The corpus or an option is unusable (exit code 2).
    Input(String),
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScanError::Input(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ScanError {}

/// Files read in parallel before their unit keys are counted (bounds pass 1's memory).
const PASS1_CHUNK: usize = 2048;

/// Compact data kept per document from pass 1.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct DocMeta {
    id: String,
    line: u32,
    file: u32,
    site: u32,
    exact: u128,
    lossy: bool,
}

/// What signing found about one document's content, kept for the report.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
struct ContentFigures {
    shingles: u32,
    content_words: u32,
    in_full: bool,
}

impl Analysis {
    fn figures(&self) -> ContentFigures {
        ContentFigures {
            shingles: self.shingles,
            content_words: self.content_words,
            in_full: self.in_full,
        }
    }
}

/// What pass 2 learns about one document.
#[derive(Debug, Clone, Default)]
struct Analysis {
    signature: Option<Vec<u32>>,
    shingles: u32,
    content_words: u32,
    in_full: bool,
    hits: Vec<Hit>,
    /// Long whole blocks that other documents hold too (for the reuse report).
    shared: Vec<SharedBlock>,
    /// Sorted distinct shingles, kept only when asked (exact verification).
    set: Option<Vec<u64>>,
}

/// Repeats are recorded down to this similarity (or the threshold, if lower).
const REPEAT_FLOOR: f64 = 0.8;

/// A block that repeats an earlier block of its document.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct RepeatRecord {
    /// First and last line of the later copy.
    lines: (u32, u32),
    /// Its byte range.
    bytes: (u32, u32),
    /// Its similarity to the earlier block.
    similarity: f64,
    /// The earlier block's key, bytes and words.
    of_key: u64,
    of_bytes: (u32, u32),
    of_words: u32,
}

impl RepeatRecord {
    fn counts(&self, cfg: &Config) -> bool {
        self.similarity >= cfg.blocks.repeat_similarity
    }
}

/// Which units are left out of the shingles.
enum Exclusion<'a> {
    Candidates(&'a WatchList),
    Final(&'a TemplateSet),
}

impl Exclusion<'_> {
    fn excludes(&self, doc: u32, site: u32, key: u64) -> bool {
        match self {
            Exclusion::Candidates(w) => w.is_candidate(site, key),
            Exclusion::Final(t) => t.is_template(doc, site, key),
        }
    }
}

/// Most rounds of clustering and template counting (see [`run`]).
const MAX_ROUNDS: usize = 3;

/// A round that changes at most one document in this many (at least one document) is the
/// last: those documents are signed again, and only their candidate pairs judged again.
const SETTLED_SHARE_INVERSE: usize = 200;

/// Everything the per-document passes share.
struct Ctx<'a> {
    cfg: &'a Config,
    files: &'a [InputFile],
    metas: &'a [DocMeta],
    first_doc: &'a [u32],
    hasher: MinHasher,
    /// The documents' records, when pass 1 could write them (else documents are read again).
    spill: Option<&'a Spill>,
    /// Each document's record in `spill` (length 0: none).
    records: &'a [Record],
}

/// Runs a whole scan.
pub fn scan(cfg: &Config) -> Result<ScanOutput, ScanError> {
    cfg.validate().map_err(ScanError::Input)?;
    let meta = std::fs::metadata(&cfg.root).map_err(|e| {
        ScanError::Input(format!(
            "cannot read corpus directory '{}': {e}",
            cfg.root.display()
        ))
    })?;
    if !meta.is_dir() {
        return Err(ScanError::Input(format!(
            "'{}' is not a directory: give the folder that holds the documents",
            cfg.root.display()
        )));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads.unwrap_or(0))
        .build()
        .map_err(|e| ScanError::Input(format!("cannot start worker threads: {e}")))?;
    Ok(pool.install(|| run(cfg, pool.current_num_threads())))
}

/// Wall time of the stages of a scan.
struct Stopwatch {
    started: Instant,
    last: Instant,
    stages: Vec<StageTime>,
}

impl Stopwatch {
    fn new() -> Stopwatch {
        let now = Instant::now();
        Stopwatch {
            started: now,
            last: now,
            stages: Vec::new(),
        }
    }

    /// Ends the stage `name`.
    fn lap(&mut self, name: &str) {
        let now = Instant::now();
        self.stages.push(StageTime {
            stage: name.to_string(),
            seconds: round4((now - self.last).as_secs_f64()),
        });
        self.last = now;
    }
}

/// What reading the corpus produced, and the signing state after the last round: all that a
/// re-run with other thresholds needs (see `cache`).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Snapshot {
    metas: Vec<DocMeta>,
    first_doc: Vec<u32>,
    site_names: Vec<Option<String>>,
    skipped: Vec<Skipped>,
    bytes_read: u64,
    renamed: u64,
    watch: WatchList,
    figures: Vec<ContentFigures>,
    hits: PerDoc<Hit>,
    shared: PerDoc<SharedBlock>,
    /// Later copies of blocks, down to [`REPEAT_FLOOR`].
    repeats: PerDoc<RepeatRecord>,
    sigs: Signatures,
    /// Template decisions documents were signed with.
    versions: Vec<TemplateSet>,
    /// Per document: an index into `versions`, or [`SIGNED_WITH_CANDIDATES`].
    signed_with: Vec<u32>,
}

/// A document signed with the round-one candidates (at the watch list's floor).
const SIGNED_WITH_CANDIDATES: u32 = u32::MAX;

fn run(cfg: &Config, threads: usize) -> ScanOutput {
    let mut clock = Stopwatch::new();
    let tree = walk(&cfg.root, &cfg.input.site_mode);
    clock.lap("walk");
    let files = tree.files;
    let repeat_floor = REPEAT_FLOOR.min(cfg.blocks.repeat_similarity);
    let cache_file = cfg.cache.as_deref().map(crate::cache::path_in);
    // The fingerprint stats every file again: only worth it with a cache.
    let fingerprint = match &cache_file {
        Some(_) => crate::cache::fingerprint(cfg, &files, repeat_floor),
        None => 0,
    };
    let mut spill = SpillState::new(cfg);
    let cached: Option<Result<Snapshot, String>> = cache_file
        .as_deref()
        .map(|p| crate::cache::load::<Snapshot>(p, fingerprint));
    let (mut snap, cache_status) = match cached {
        Some(Ok(mut snap)) => match snap.watch.with_min_docs(cfg.blocks.template_min_docs) {
            Some(watch) => {
                snap.watch = watch;
                clock.lap("load cache");
                (snap, Some("reused".to_string()))
            }
            None => {
                let floor = snap.watch.floor();
                let snap = read_corpus(cfg, &files, tree.skipped, &mut clock, &mut spill);
                (
                    snap,
                    Some(format!(
                        "rebuilt: --template-min-docs below the cached {floor}"
                    )),
                )
            }
        },
        Some(Err(reason)) => {
            let snap = read_corpus(cfg, &files, tree.skipped, &mut clock, &mut spill);
            let status = if reason == crate::cache::NO_CACHE_YET {
                "built".to_string()
            } else {
                format!("rebuilt: {reason}")
            };
            (snap, Some(status))
        }
        None => (
            read_corpus(cfg, &files, tree.skipped, &mut clock, &mut spill),
            None,
        ),
    };

    let thresholds = Thresholds {
        jaccard: cfg.near.threshold,
        containment: cfg.near.containment,
    };
    let params = near::lsh_params(
        &thresholds,
        cfg.near.num_perm,
        cfg.near.bands,
        cfg.near.rows,
    );
    // The context borrows what the rounds only read; the rounds borrow the rest.
    let spill_usable = spill.file.is_some() && spill.records.len() == snap.metas.len();
    let ctx = Ctx {
        cfg,
        files: &files,
        metas: &snap.metas,
        first_doc: &snap.first_doc,
        hasher: MinHasher::new(cfg.near.num_perm, cfg.near.seed),
        spill: spill.file.as_ref().filter(|_| spill_usable),
        records: &spill.records,
    };
    let (mut final_round, templates) = rounds(
        &ctx,
        RoundState {
            watch: &snap.watch,
            figures: &mut snap.figures,
            hits: &snap.hits,
            shared: &snap.shared,
            sigs: &mut snap.sigs,
            versions: &mut snap.versions,
            signed_with: &mut snap.signed_with,
        },
        &thresholds,
        params,
    );
    if cfg.near.verify != VerifyMode::Signature || final_round.stale {
        let pairs = std::mem::take(&mut final_round.pairs);
        final_round = cluster_round(
            &ctx,
            &snap.sigs,
            &thresholds,
            params,
            Some(&templates.set),
            Some(pairs),
        );
    }
    clock.lap("cluster, templates, re-sign");

    let mut out = build_output(
        &ctx,
        BuildInput {
            figures: &snap.figures,
            repeats: &snap.repeats,
            sigs: &snap.sigs,
            hits: &snap.hits,
            shared: &snap.shared,
            templates: &templates,
            round: &final_round,
            params,
            skipped: snap.skipped.clone(),
            bytes_read: snap.bytes_read,
            renamed: snap.renamed,
            site_names: &snap.site_names,
            clock,
            threads,
        },
    );
    let cache_status = match (&cache_file, cache_status) {
        (Some(path), status) => match crate::cache::save(path, fingerprint, compacted(&mut snap)) {
            Ok(()) => Some(status.unwrap_or_else(|| "built".to_string())),
            Err(e) => Some(format!("not saved: {e}")),
        },
        (None, status) => status,
    };
    if let Some(timing) = out.report.timing.as_mut() {
        timing.cache = cache_status;
        timing.spill = Some(spill.describe());
    }
    out
}

/// The snapshot with only the template decisions some document is still signed with.
fn compacted(snap: &mut Snapshot) -> &Snapshot {
    let mut used: Vec<u32> = snap
        .signed_with
        .iter()
        .copied()
        .filter(|&v| v != SIGNED_WITH_CANDIDATES)
        .collect();
    used.sort_unstable();
    used.dedup();
    let versions = std::mem::take(&mut snap.versions);
    snap.versions = used.iter().map(|&v| versions[v as usize].clone()).collect();
    for v in snap.signed_with.iter_mut() {
        if *v != SIGNED_WITH_CANDIDATES {
            *v = used
                .binary_search(v)
                .map(|i| i as u32)
                .unwrap_or(SIGNED_WITH_CANDIDATES);
        }
    }
    snap
}

/// The temporary file of document records (see [`crate::spill`]) and what became of it.
struct SpillState {
    file: Option<Spill>,
    /// Each document's record, in document order.
    records: Vec<Record>,
    /// The first write that failed.
    failure: Option<String>,
    /// For the report: how much was written, or why no file was used.
    status: String,
}

impl SpillState {
    fn new(cfg: &Config) -> SpillState {
        let (file, status) = if !cfg.spill {
            (None, "not used: --no-spill".to_string())
        } else {
            let created = match &cfg.temp_dir {
                Some(dir) => Spill::create_in(dir),
                None => Spill::create(),
            };
            match created {
                Ok(f) => (Some(f), String::new()),
                Err(e) => (None, format!("not used: no temporary file ({e})")),
            }
        };
        SpillState {
            file,
            records: Vec::new(),
            failure: None,
            status,
        }
    }

    /// The report's account of the temporary file.
    fn describe(&self) -> String {
        match &self.file {
            Some(f) if self.status.is_empty() && !self.records.is_empty() => {
                let bytes = f.len() as f64;
                if bytes < 1e6 {
                    format!("{:.1} KB in a temporary file", bytes / 1e3)
                } else {
                    format!("{:.1} MB in a temporary file", bytes / 1e6)
                }
            }
            Some(_) if self.status.is_empty() => "not used: documents not read".to_string(),
            _ => self.status.clone(),
        }
    }
}

/// Pass 1 and pass 2 over the whole corpus.
fn read_corpus(
    cfg: &Config,
    files: &[InputFile],
    mut skipped: Vec<Skipped>,
    clock: &mut Stopwatch,
    spill: &mut SpillState,
) -> Snapshot {
    // Pass 1: read, segment, hash; count units per site. Files go in chunks, so that only the
    // unit keys of one chunk wait for counting, which runs in file order (deterministic).
    let total_bytes: u64 = files.iter().map(|f| f.size).sum();
    let progress = Progress::new(cfg.progress, "reading", files.len() as u64, total_bytes);
    type Pass1Doc = (
        Document,
        u128,
        Vec<u64>,
        Vec<RepeatRecord>,
        Option<std::io::Result<Record>>,
    );
    let spill_file = spill.file.as_ref();
    let mut metas: Vec<DocMeta> = Vec::new();
    let mut first_doc: Vec<u32> = Vec::with_capacity(files.len() + 1);
    // About one unit per 40 bytes of text.
    let mut counts = UnitCounts::with_expected_units(total_bytes / 40);
    let mut site_names: Vec<Option<String>> = Vec::new();
    let mut site_index: HashMap<Option<String>, u32> = HashMap::default();
    let mut seen_ids: HashSet<u128> = HashSet::default();
    let mut renamed = 0u64;
    let mut bytes_read = 0u64;
    let mut repeats: PerDoc<RepeatRecord> = PerDoc::default();
    type FileResult = (Vec<Pass1Doc>, Vec<Skipped>, u64);
    let process = |chunk: &[InputFile]| -> Vec<FileResult> {
        chunk
            .par_iter()
            .map(|file| {
                let (docs, outcome) = map_documents(file, &cfg.input, |_, mut doc| {
                    let (parts, seg) = document_parts(cfg, &doc.text);
                    let exact = xxh3_128(seg.norm.as_bytes());
                    let keys: Vec<u64> = parts.units.iter().map(|u| u.key).collect();
                    let repeats = repeat_records(&seg, cfg);
                    let record = spill_file.map(|s| s.write(&parts));
                    doc.text = String::new(); // only compact data outlives the pass
                    (doc, exact, keys, repeats, record)
                });
                progress.file_done(file.size);
                (docs, outcome.skipped, outcome.bytes)
            })
            .collect()
    };
    // Counting runs in file order on one thread, while the next chunk is read on the others.
    let mut count = |chunk_no: usize, results: Vec<FileResult>| {
        for (i, (docs, file_skipped, bytes)) in results.into_iter().enumerate() {
            let fi = chunk_no * PASS1_CHUNK + i;
            first_doc.push(metas.len() as u32);
            skipped.extend(file_skipped);
            bytes_read += bytes;
            for (doc, exact, keys, doc_repeats, record) in docs {
                repeats.push(doc_repeats);
                match record {
                    Some(Ok(r)) => spill.records.push(r),
                    Some(Err(e)) if spill.failure.is_none() => spill.failure = Some(e.to_string()),
                    _ => {}
                }
                let next = site_names.len() as u32;
                let site = *site_index.entry(doc.site.clone()).or_insert_with(|| {
                    site_names.push(doc.site.clone());
                    next
                });
                counts.add_document(site, &keys);
                let id = unique_id(doc.id, &mut seen_ids, &mut renamed);
                metas.push(DocMeta {
                    id,
                    line: doc.line,
                    file: fi as u32,
                    site,
                    exact,
                    lossy: doc.lossy_utf8,
                });
            }
        }
    };
    let mut pending: Option<(usize, Vec<FileResult>)> = None;
    for (chunk_no, chunk) in files.chunks(PASS1_CHUNK).enumerate() {
        let previous = pending.take();
        let (_, results) = rayon::join(
            || {
                if let Some((n, r)) = previous {
                    count(n, r);
                }
            },
            || process(chunk),
        );
        pending = Some((chunk_no, results));
    }
    if let Some((n, r)) = pending {
        count(n, r);
    }
    progress.finish();
    first_doc.push(metas.len() as u32);
    let watch = counts.watch_list(cfg.blocks.template_min_docs);
    drop(counts);
    clock.lap("read, segment, count units, spill");

    // Pass 2: sign content (text less template candidates), record watched units and repeats.
    if let (Some(file), None) = (&spill.file, &spill.failure) {
        if let Err(e) = file.finish_writing() {
            spill.failure = Some(e.to_string());
        }
    }
    if let Some(reason) = &spill.failure {
        spill.status = format!("not used: {reason}");
        spill.file = None;
        spill.records = Vec::new();
    }
    let ctx = Ctx {
        cfg,
        files,
        metas: &metas,
        first_doc: &first_doc,
        hasher: MinHasher::new(cfg.near.num_perm, cfg.near.seed),
        spill: spill.file.as_ref(),
        records: &spill.records,
    };
    // In chunks of files, so that only one chunk's signatures wait as separate vectors before
    // they move into the flat store.
    let mut sigs = Signatures::new(cfg.near.num_perm, metas.len());
    let mut figures: Vec<ContentFigures> = Vec::with_capacity(metas.len());
    let mut hits: PerDoc<Hit> = PerDoc::with_documents(metas.len());
    let mut shared: PerDoc<SharedBlock> = PerDoc::with_documents(metas.len());
    let all_files: Vec<u32> = (0..files.len() as u32).collect();
    let progress = stage_progress(&ctx, &all_files, "signing");
    for chunk in all_files.chunks(PASS1_CHUNK) {
        let done = analyze_files(
            &ctx,
            chunk,
            &Exclusion::Candidates(&watch),
            &watch,
            false,
            None,
            &progress,
        );
        for a in done {
            let d = figures.len();
            if let Some(s) = &a.signature {
                sigs.set(d, s, a.shingles);
            }
            figures.push(a.figures());
            hits.push(a.hits);
            shared.push(a.shared);
        }
    }
    hits.shrink_to_fit();
    shared.shrink_to_fit();
    progress.finish();
    clock.lap("sign content");
    let n = metas.len();
    Snapshot {
        metas,
        first_doc,
        site_names,
        skipped,
        bytes_read,
        renamed,
        watch,
        figures,
        hits,
        shared,
        repeats,
        sigs,
        versions: Vec::new(),
        signed_with: vec![SIGNED_WITH_CANDIDATES; n],
    }
}

/// The parts of a [`Snapshot`] that the rounds read and update.
struct RoundState<'a> {
    watch: &'a WatchList,
    figures: &'a mut [ContentFigures],
    hits: &'a PerDoc<Hit>,
    shared: &'a PerDoc<SharedBlock>,
    sigs: &'a mut Signatures,
    versions: &'a mut Vec<TemplateSet>,
    signed_with: &'a mut [u32],
}

/// Cluster, count templates by cluster, sign again the documents whose left-out units changed,
/// and repeat until nothing changes (or [`MAX_ROUNDS`]).
fn rounds(
    ctx: &Ctx,
    state: RoundState,
    thresholds: &Thresholds,
    params: LshParams,
) -> (Round, Finalized) {
    let RoundState {
        watch,
        figures,
        hits,
        shared,
        sigs,
        versions,
        signed_with,
    } = state;
    let cfg = ctx.cfg;
    let sites: Vec<u32> = ctx.metas.iter().map(|m| m.site).collect();
    let decide = |round: &Round| {
        finalize(
            hits,
            shared,
            &sites,
            &round.cluster_of,
            watch,
            cfg.blocks.template_min_docs,
            None,
        )
    };
    let mut round = cluster_round(ctx, sigs, thresholds, params, None, None);
    let mut templates = decide(&round);
    // Once only a handful of documents change, they are signed again but the corpus is not
    // clustered again for them: the final verification re-judges their candidate pairs.
    let settled = (ctx.metas.len() / SETTLED_SHARE_INVERSE).max(1);
    for _ in 0..MAX_ROUNDS {
        let signed: &[u32] = signed_with;
        let changed: Vec<u32> = (0..ctx.metas.len() as u32)
            .into_par_iter()
            .filter(|&d| {
                let s = sites[d as usize];
                hits[d as usize].iter().any(|h| {
                    let before = match signed[d as usize] {
                        SIGNED_WITH_CANDIDATES => watch.is_candidate_at(s, h.key, watch.floor()),
                        v => versions[v as usize].is_template(d, s, h.key),
                    };
                    before != templates.set.is_template(d, s, h.key)
                })
            })
            .collect();
        let changed: HashSet<u32> = changed.into_iter().collect();
        if changed.is_empty() {
            break;
        }
        let changed_files: BTreeSet<u32> = changed
            .iter()
            .map(|&d| ctx.metas[d as usize].file)
            .collect();
        let changed_files: Vec<u32> = changed_files.into_iter().collect();
        let progress = stage_progress(ctx, &changed_files, "re-signing");
        let again = analyze_files(
            ctx,
            &changed_files,
            &Exclusion::Final(&templates.set),
            watch,
            false,
            Some(&changed),
            &progress,
        );
        progress.finish();
        for (d, a) in doc_range(ctx.first_doc, &changed_files).zip(again) {
            if changed.contains(&d) {
                match &a.signature {
                    Some(sig) => sigs.set(d as usize, sig, a.shingles),
                    None => sigs.clear(d as usize),
                }
                figures[d as usize] = a.figures();
                signed_with[d as usize] = versions.len() as u32;
            }
        }
        versions.push(templates.set.clone());
        if changed.len() <= settled {
            round.stale = true;
            break;
        }
        round = cluster_round(ctx, sigs, thresholds, params, None, None);
        templates = decide(&round);
    }
    templates.reused = reused_blocks(
        hits,
        shared,
        &sites,
        &round.cluster_of,
        &templates.set,
        watch,
        cfg.blocks.repeat_min_words,
    );
    (round, templates)
}

/// `id`, or `id#2`, `id#3`… when it is already taken (ids are remembered by 128-bit hash).
fn unique_id(id: String, seen: &mut HashSet<u128>, renamed: &mut u64) -> String {
    if seen.insert(xxh3_128(id.as_bytes())) {
        return id;
    }
    *renamed += 1;
    let mut n = 2;
    loop {
        let candidate = format!("{id}#{n}");
        if seen.insert(xxh3_128(candidate.as_bytes())) {
            return candidate;
        }
        n += 1;
    }
}

/// Document indexes of the given files, in order.
fn doc_range<'a>(first_doc: &'a [u32], files: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
    files
        .iter()
        .flat_map(move |&f| first_doc[f as usize]..first_doc[f as usize + 1])
}

/// Documents of one file batched before they are processed in parallel: a JSONL shard of a
/// million documents keeps every core busy, not one.
const DOCUMENT_BATCH: usize = 256;

/// Reads `file` and maps `f(index in file, document)` over its documents in parallel batches,
/// keeping file order.
fn map_documents<T: Send>(
    file: &InputFile,
    input: &crate::config::InputOptions,
    f: impl Fn(usize, Document) -> T + Sync,
) -> (Vec<T>, crate::corpus::FileOutcome) {
    let mut out: Vec<T> = Vec::new();
    let mut batch: Vec<Document> = Vec::new();
    let run = |batch: &mut Vec<Document>, out: &mut Vec<T>| {
        let base = out.len();
        let done: Vec<T> = std::mem::take(batch)
            .into_par_iter()
            .enumerate()
            .map(|(i, doc)| f(base + i, doc))
            .collect();
        out.extend(done);
    };
    let outcome = read_documents(file, input, |doc| {
        batch.push(doc);
        if batch.len() >= DOCUMENT_BATCH {
            run(&mut batch, &mut out);
        }
    });
    if batch.len() == 1 {
        // one document per file: no batch to spread
        let doc = batch.pop().map(|doc| f(out.len(), doc));
        out.extend(doc);
    } else {
        run(&mut batch, &mut out);
    }
    (out, outcome)
}

/// A progress bar over the given files.
fn stage_progress(ctx: &Ctx, file_ids: &[u32], stage: &str) -> Progress {
    let total: u64 = file_ids.iter().map(|&f| ctx.files[f as usize].size).sum();
    Progress::new(ctx.cfg.progress, stage, file_ids.len() as u64, total)
}

/// Pass 2 over `file_ids`: one analysis per document, in document order. With `only`, the
/// other documents of those files are not analysed (they get an empty analysis) and the
/// ones analysed are only signed (re-signing, exact verification); `keep_sets` also keeps
/// their shingle sets.
fn analyze_files(
    ctx: &Ctx,
    file_ids: &[u32],
    exclusion: &Exclusion,
    watch: &WatchList,
    keep_sets: bool,
    only: Option<&HashSet<u32>>,
    progress: &Progress,
) -> Vec<Analysis> {
    let wanted = |d: u32| only.is_none_or(|o| o.contains(&d));
    let run = |d: u32, parts: &DocParts| {
        analyze(ctx, d, parts, exclusion, watch, keep_sets, only.is_some())
    };
    if let Some(spill) = ctx.spill {
        // From the documents' records: no file is opened again.
        let docs: Vec<u32> = doc_range(ctx.first_doc, file_ids).collect();
        let read: Vec<Option<Analysis>> = docs
            .par_iter()
            .map(|&d| {
                let record = ctx.records[d as usize];
                if !wanted(d) {
                    return Some(Analysis::default());
                }
                spill.read(record).ok().map(|parts| run(d, &parts))
            })
            .collect();
        for &f in file_ids {
            progress.file_done(ctx.files[f as usize].size);
        }
        // A record that cannot be read back (a failing disk) is not a reason to lose its
        // document: those documents are read from their files instead.
        let unreadable: HashSet<u32> = docs
            .iter()
            .zip(&read)
            .filter(|(_, a)| a.is_none())
            .map(|(&d, _)| d)
            .collect();
        let mut again: HashMap<u32, Analysis> = HashMap::default();
        if !unreadable.is_empty() {
            let mut files: Vec<u32> = unreadable
                .iter()
                .map(|&d| ctx.metas[d as usize].file)
                .collect();
            files.sort_unstable();
            files.dedup();
            let from_files = Ctx {
                spill: None,
                hasher: ctx.hasher.clone(),
                ..*ctx
            };
            let hidden = Progress::new(false, "", 0, 0);
            let analysed = analyze_files(
                &from_files,
                &files,
                exclusion,
                watch,
                keep_sets,
                Some(&unreadable),
                &hidden,
            );
            for (d, a) in doc_range(ctx.first_doc, &files).zip(analysed) {
                if unreadable.contains(&d) {
                    again.insert(d, a);
                }
            }
        }
        return docs
            .iter()
            .zip(read)
            .map(|(d, a)| a.or_else(|| again.remove(d)).unwrap_or_default())
            .collect();
    }
    let per_file: Vec<Vec<Analysis>> = file_ids
        .par_iter()
        .map(|&f| {
            let file = &ctx.files[f as usize];
            let (lo, hi) = (ctx.first_doc[f as usize], ctx.first_doc[f as usize + 1]);
            let (mut out, _) = map_documents(file, &ctx.cfg.input, |k, doc| {
                let d = lo + k as u32;
                if d >= hi {
                    return None; // the file grew since pass 1; its new documents are ignored
                }
                if !wanted(d) {
                    return None;
                }
                let (parts, _) = document_parts(ctx.cfg, &doc.text);
                Some(run(d, &parts))
            });
            out.truncate((hi - lo) as usize);
            let mut out: Vec<Analysis> = out.into_iter().map(Option::unwrap_or_default).collect();
            // A file that shrank or broke since pass 1 leaves its documents without analysis.
            out.resize_with((hi - lo) as usize, Default::default);
            progress.file_done(file.size);
            out
        })
        .collect();
    per_file.into_iter().flatten().collect()
}

/// A document's parts (see [`DocParts`]) and its segmentation.
fn document_parts(cfg: &Config, text: &str) -> (DocParts, Segmented) {
    let seg = segment(text, cfg.fold_digits);
    let doc_units = units(text, &seg);
    let keep_norm = cfg.near.shingle == ShingleKind::Chars;
    (DocParts::of(&seg, doc_units, keep_norm), seg)
}

/// The blocks of a document that repeat earlier ones, found down to a floor and filtered by
/// `--repeat-similarity` when the output is built (so a cached scan can change that threshold
/// without reading documents again). They do not depend on templates: pass 1 finds them.
fn repeat_records(seg: &Segmented, cfg: &Config) -> Vec<RepeatRecord> {
    let floor = REPEAT_FLOOR.min(cfg.blocks.repeat_similarity);
    find_repeats(seg, cfg.blocks.repeat_min_words, floor)
        .iter()
        .map(|r| {
            let (b, o) = (&seg.blocks[r.block], &seg.blocks[r.of_block]);
            RepeatRecord {
                lines: (b.start_line, b.end_line),
                bytes: (b.bytes.start as u32, b.bytes.end as u32),
                similarity: r.similarity,
                of_key: o.folded_hash,
                of_bytes: (o.bytes.start as u32, o.bytes.end as u32),
                of_words: o.words,
            }
        })
        .collect()
}

/// Pass 2 for one document, from its parts. With `sign_only` (re-signing, exact
/// verification), the watched units are not recorded again.
fn analyze(
    ctx: &Ctx,
    d: u32,
    parts: &DocParts,
    exclusion: &Exclusion,
    watch: &WatchList,
    keep_set: bool,
    sign_only: bool,
) -> Analysis {
    let cfg = ctx.cfg;
    let site = ctx.metas[d as usize].site;
    let mut excluded = vec![false; parts.lines.len()];
    let mut hits = Vec::new();
    let mut shared = Vec::new();
    for u in &parts.units {
        if exclusion.excludes(d, site, u.key) {
            excluded[u.lines.clone()].iter_mut().for_each(|e| *e = true);
        }
        if sign_only {
            continue;
        }
        let is_shared = watch.is_shared(u.key);
        let block = &parts.blocks[u.block];
        let whole_block = block.lines == (u.lines.start as u32, u.lines.end as u32);
        if is_shared && u.words > CROSS_SITE_MAX_WORDS && whole_block {
            shared.push(SharedBlock {
                key: u.key,
                words: u.words,
                start_byte: block.bytes.0,
                end_byte: block.bytes.1,
            });
        }
        let short = u.words <= CROSS_SITE_MAX_WORDS;
        if watch.is_candidate(site, u.key) || (short && is_shared) {
            let (first, last) = (&parts.lines[u.lines.start], &parts.lines[u.lines.end - 1]);
            hits.push(Hit {
                key: u.key,
                is_block: u.lines.len() > 1,
                whole_block,
                lines: (first.number, last.number),
                bytes: (first.bytes.0, last.bytes.1),
                region: u.region,
                at_top: u.at_top,
                context: u.context,
                words: u.words,
            });
        }
    }

    let min_units = cfg.near.ngram.max(cfg.near.min_words);
    let all_words = parts.words.len();
    let mut shingles = Vec::new();
    let mut in_full = false;
    let content_words;
    match cfg.near.shingle {
        ShingleKind::Words => {
            // The content's word hashes, from segmentation: no text is joined or split again.
            let mut content: Vec<u32> = Vec::with_capacity(all_words);
            for (line, _) in parts.lines.iter().zip(&excluded).filter(|(_, &ex)| !ex) {
                content.extend_from_slice(parts.line_words(line));
            }
            content_words = content.len();
            if content_words >= min_units {
                word_shingles_of_hashes(&content, cfg.near.ngram, &mut shingles);
            } else if all_words >= min_units {
                in_full = true;
                word_shingles_of_hashes(&parts.words, cfg.near.ngram, &mut shingles);
            }
        }
        ShingleKind::Chars => {
            let (content, words) = content_text(parts, &excluded);
            content_words = words;
            let long_enough = |text: &str, words: usize| {
                words >= cfg.near.min_words && text.chars().count() >= cfg.near.ngram
            };
            if long_enough(&content, content_words) {
                shingle_into(&content, cfg.near.shingle, cfg.near.ngram, &mut shingles);
            } else if long_enough(&parts.norm, all_words) {
                in_full = true;
                shingle_into(&parts.norm, cfg.near.shingle, cfg.near.ngram, &mut shingles);
            }
        }
    }
    // A MinHash signature is the same for a set and for a list with repeats, so the shingles
    // are only sorted when the set itself is kept; otherwise they are just counted.
    let distinct = if keep_set {
        shingles.sort_unstable();
        shingles.dedup();
        shingles.len()
    } else {
        count_distinct(&shingles)
    };
    let signature = (!shingles.is_empty()).then(|| ctx.hasher.signature(&shingles));

    Analysis {
        shingles: distinct as u32,
        content_words: if in_full {
            all_words as u32
        } else {
            content_words as u32
        },
        in_full,
        signature,
        hits,
        shared,
        set: keep_set.then_some(shingles),
    }
}

/// The normalised text of the lines not excluded, and its word count.
fn content_text(parts: &DocParts, excluded: &[bool]) -> (String, usize) {
    let mut content = String::with_capacity(parts.norm.len());
    let mut words = 0usize;
    for (line, &ex) in parts.lines.iter().zip(excluded) {
        if ex || line.words == 0 {
            continue;
        }
        if !content.is_empty() {
            content.push(' ');
        }
        content.push_str(parts.line_norm(line));
        words += line.words as usize;
    }
    (content, words)
}

/// The outcome of one round of candidates → verification → clusters.
struct Round {
    /// Each document's cluster: the smallest member's index (its own when alone).
    cluster_of: Vec<u32>,
    /// Groups of two or more, each sorted, ordered by smallest member.
    groups: Vec<Vec<u32>>,
    candidates: u64,
    /// The candidate pairs.
    pairs: Vec<(u32, u32)>,
    verified: Vec<VerifiedPair>,
    near_misses: Vec<f64>,
    /// Exact shingle sets of the candidate documents (`--verify exact` only).
    sets: HashMap<u32, Vec<u64>>,
    /// Candidate pairs judged on exact shingle sets.
    exactly_checked: u64,
    /// Whether some documents were signed again after these pairs were verified.
    stale: bool,
}

fn cluster_round(
    ctx: &Ctx,
    sigs: &Signatures,
    thresholds: &Thresholds,
    params: LshParams,
    final_set: Option<&TemplateSet>,
    known_pairs: Option<Vec<(u32, u32)>>,
) -> Round {
    let n = sigs.len();
    let pairs = known_pairs.unwrap_or_else(|| near::candidates(sigs, params));
    let mut sets = HashMap::default();
    let mut exactly_checked = 0u64;
    let (verified, near_misses) = match (ctx.cfg.near.verify, final_set) {
        (VerifyMode::Signature, _) | (_, None) => {
            near::verify_by_signature(&pairs, sigs, thresholds)
        }
        (VerifyMode::Exact, Some(set)) => {
            let docs: HashSet<u32> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
            sets = shingle_sets(ctx, &docs, set);
            let judged = near::verify_exact(&pairs, &sets, thresholds);
            exactly_checked = (judged.0.len() + judged.1.len()) as u64;
            judged
        }
        (VerifyMode::Auto, Some(set)) => {
            let judged = near::judge_by_signature(&pairs, sigs, thresholds);
            let checked = borderline_pairs_that_matter(ctx, &judged, n);
            let mut exact: HashMap<(u32, u32), near::Judged> = HashMap::default();
            for batch in batches_by_shingles(&checked, sigs, VERIFY_BATCH_SHINGLES) {
                let docs: HashSet<u32> = batch.iter().flat_map(|&(a, b)| [a, b]).collect();
                let batch_sets = shingle_sets(ctx, &docs, set);
                for j in near::judge_exact(batch, &batch_sets, thresholds) {
                    exact.insert((j.0.a, j.0.b), j);
                }
            }
            exactly_checked = exact.len() as u64;
            near::split_judged(
                judged
                    .into_iter()
                    .map(|(j, _)| exact.remove(&(j.0.a, j.0.b)).unwrap_or(j))
                    .collect(),
            )
        }
    };
    let mut uf = UnionFind::new(n);
    for p in &verified {
        uf.union(p.a, p.b);
    }
    join_exact_duplicates(ctx, &mut uf);
    let groups = uf.groups();
    let mut cluster_of: Vec<u32> = (0..n as u32).collect();
    for g in &groups {
        for &m in g {
            cluster_of[m as usize] = g[0];
        }
    }
    Round {
        cluster_of,
        groups,
        exactly_checked,
        stale: false,
        candidates: pairs.len() as u64,
        pairs,
        verified,
        near_misses,
        sets,
    }
}

/// Shingles of exact sets held at once while borderline pairs are checked (8 bytes each):
/// memory stays bounded however many pairs are borderline.
const VERIFY_BATCH_SHINGLES: u64 = 1 << 20;

/// `pairs` in consecutive batches whose documents hold at most `budget` shingles in all
/// (a batch holds at least one pair).
fn batches_by_shingles<'a>(
    pairs: &'a [(u32, u32)],
    sigs: &Signatures,
    budget: u64,
) -> Vec<&'a [(u32, u32)]> {
    let mut batches = Vec::new();
    let mut docs: HashSet<u32> = HashSet::default();
    let (mut start, mut cost) = (0, 0u64);
    for (i, &(a, b)) in pairs.iter().enumerate() {
        let added: u64 = [a, b]
            .iter()
            .filter(|d| !docs.contains(d))
            .map(|&d| sigs.size(d as usize) as u64)
            .sum();
        if i > start && cost + added > budget {
            batches.push(&pairs[start..i]);
            (start, cost) = (i, 0);
            docs.clear();
        }
        cost += [a, b]
            .iter()
            .filter(|&&d| docs.insert(d))
            .map(|&d| sigs.size(d as usize) as u64)
            .sum::<u64>();
    }
    if start < pairs.len() {
        batches.push(&pairs[start..]);
    }
    batches
}

/// The exact shingle sets of `docs` with the final templates left out (their files re-read).
fn shingle_sets(ctx: &Ctx, docs: &HashSet<u32>, templates: &TemplateSet) -> HashMap<u32, Vec<u64>> {
    let mut files: Vec<u32> = docs.iter().map(|&d| ctx.metas[d as usize].file).collect();
    files.sort_unstable();
    files.dedup();
    let empty = WatchList::default();
    let progress = stage_progress(ctx, &files, "verifying");
    let again = analyze_files(
        ctx,
        &files,
        &Exclusion::Final(templates),
        &empty,
        true,
        Some(docs),
        &progress,
    );
    progress.finish();
    let mut sets = HashMap::default();
    for (d, a) in doc_range(ctx.first_doc, &files).zip(again) {
        if let Some(s) = a.set {
            sets.insert(d, s);
        }
    }
    sets
}

/// Exact duplicates (the same normalised text) join whatever their length.
fn join_exact_duplicates(ctx: &Ctx, uf: &mut UnionFind) {
    let mut by_exact: Vec<(u128, u32)> = ctx
        .metas
        .iter()
        .enumerate()
        .map(|(d, m)| (m.exact, d as u32))
        .collect();
    by_exact.sort_unstable();
    for w in by_exact.windows(2) {
        if w[0].0 == w[1].0 {
            uf.union(w[0].1, w[1].1);
        }
    }
}

/// The borderline candidate pairs (see [`near::is_borderline`]) whose verdict can change a
/// cluster: those whose documents the clearly accepted pairs do not already connect. In a
/// cluster of many copies most borderline pairs are redundant, and checking them exactly
/// would only re-read documents.
fn borderline_pairs_that_matter(
    ctx: &Ctx,
    judged: &[(near::Judged, bool)],
    docs: usize,
) -> Vec<(u32, u32)> {
    let mut uf = UnionFind::new(docs);
    for ((pair, accepted), borderline) in judged {
        if *accepted && !borderline {
            uf.union(pair.a, pair.b);
        }
    }
    join_exact_duplicates(ctx, &mut uf);
    let mut matter = Vec::new();
    for ((pair, _), borderline) in judged {
        if *borderline && uf.find(pair.a) != uf.find(pair.b) {
            matter.push((pair.a, pair.b));
        }
    }
    matter
}

struct BuildInput<'a> {
    figures: &'a [ContentFigures],
    repeats: &'a PerDoc<RepeatRecord>,
    sigs: &'a Signatures,
    hits: &'a PerDoc<Hit>,
    shared: &'a PerDoc<SharedBlock>,
    templates: &'a Finalized,
    round: &'a Round,
    params: LshParams,
    skipped: Vec<Skipped>,
    bytes_read: u64,
    renamed: u64,
    site_names: &'a [Option<String>],
    clock: Stopwatch,
    threads: usize,
}

fn histogram(values: impl Iterator<Item = f64>) -> Vec<u64> {
    let mut h = vec![0u64; 20];
    for v in values {
        let i = ((v * 20.0).floor() as usize).min(19);
        h[i] += 1;
    }
    h
}

fn build_output(ctx: &Ctx, input: BuildInput) -> ScanOutput {
    let cfg = ctx.cfg;
    let metas = ctx.metas;
    let BuildInput {
        figures,
        repeats,
        sigs,
        hits,
        shared,
        templates,
        round,
        params,
        mut skipped,
        bytes_read,
        renamed,
        site_names,
        mut clock,
        threads,
    } = input;
    skipped.sort_by(|a, b| a.path.cmp(&b.path).then(a.reason.cmp(&b.reason)));

    // Clusters.
    let pair_sim: HashMap<(u32, u32), (f64, f64)> = round
        .verified
        .iter()
        .map(|p| ((p.a, p.b), (p.jaccard, p.containment)))
        .collect();
    let similarity = |a: u32, b: u32| -> (f64, f64) {
        if a == b || metas[a as usize].exact == metas[b as usize].exact {
            return (1.0, 1.0);
        }
        let key = (a.min(b), a.max(b));
        if let (Some(sa), Some(sb)) = (round.sets.get(&a), round.sets.get(&b)) {
            return crate::text::jaccard_and_containment(sa, sb);
        }
        if let Some(&v) = pair_sim.get(&key) {
            return v;
        }
        match (sigs.get(a as usize), sigs.get(b as usize)) {
            (Some(x), Some(y)) => {
                let j = estimate_jaccard(x, y);
                let c = crate::sketch::containment_from_jaccard(
                    j,
                    sigs.size(a as usize) as usize,
                    sigs.size(b as usize) as usize,
                );
                (j, c)
            }
            _ => (0.0, 0.0),
        }
    };
    let mut clusters = Vec::with_capacity(round.groups.len());
    let mut cluster_id: HashMap<u32, (u64, u32)> = HashMap::default(); // doc -> (cluster id, rep)
    let mut exact_clusters = 0u64;
    for (i, g) in round.groups.iter().enumerate() {
        let mut g = g.clone();
        g.sort_by(|&a, &b| metas[a as usize].id.cmp(&metas[b as usize].id));
        let rep = representative(&g, cfg.near.keep, |d| {
            figures[d as usize].content_words as u64
        });
        let id = i as u64 + 1;
        let exact = g
            .iter()
            .all(|&d| metas[d as usize].exact == metas[rep as usize].exact);
        exact_clusters += exact as u64;
        let mut members = vec![ClusterMember {
            id: metas[rep as usize].id.clone(),
            similarity: 1.0,
            containment: 1.0,
        }];
        for &d in &g {
            cluster_id.insert(d, (id, rep));
            if d != rep {
                let (s, c) = similarity(rep, d);
                members.push(ClusterMember {
                    id: metas[d as usize].id.clone(),
                    similarity: round4(s),
                    containment: round4(c),
                });
            }
        }
        clusters.push(Cluster {
            id,
            representative: metas[rep as usize].id.clone(),
            exact,
            documents: members,
        });
    }

    // Texts of template and repeated blocks, read again from one example document each.
    let mut wanted: BTreeMap<u32, Vec<(u32, u32)>> = BTreeMap::new();
    let mut template_text_at: Vec<(u32, (u32, u32))> = Vec::new();
    for t in &templates.units {
        let d = t.examples[0];
        let h = hits[d as usize]
            .iter()
            .find(|h| h.key == t.key)
            .map(|h| h.bytes);
        let bytes = h.unwrap_or((0, 0));
        wanted.entry(d).or_default().push(bytes);
        template_text_at.push((d, bytes));
    }
    // Within-document repeats grouped by block.
    let mut within: BTreeMap<u64, WithinRepeat> = BTreeMap::new();
    for (d, doc_repeats) in repeats.iter().enumerate() {
        for r in doc_repeats.iter().filter(|r| r.counts(cfg)) {
            let e = within
                .entry(r.of_key)
                .or_insert_with(|| (Vec::new(), r.of_bytes, r.of_words));
            if e.0.is_empty() {
                wanted.entry(d as u32).or_default().push(r.of_bytes);
            }
            if e.0.last() != Some(&(d as u32)) {
                e.0.push(d as u32);
            }
        }
    }
    let mut reused_at = Vec::new();
    for r in &templates.reused {
        let d = r.documents[0];
        let bytes = hits[d as usize]
            .iter()
            .find(|h| h.key == r.key)
            .map(|h| h.bytes)
            .or_else(|| {
                shared[d as usize]
                    .iter()
                    .find(|b| b.key == r.key)
                    .map(|b| (b.start_byte, b.end_byte))
            })
            .unwrap_or((0, 0));
        wanted.entry(d).or_default().push(bytes);
        reused_at.push((d, bytes));
    }
    let texts = fetch_texts(ctx, &wanted);
    let text_of = |d: u32, bytes: (u32, u32)| texts.get(&(d, bytes)).cloned().unwrap_or_default();

    let site_name = |s: u32| site_names[s as usize].clone().unwrap_or_default();
    let template_blocks: Vec<TemplateBlock> = templates
        .units
        .iter()
        .zip(&template_text_at)
        .map(|(t, &(d, bytes))| TemplateBlock {
            text: text_of(d, bytes),
            words: t.words,
            sites: t
                .sites
                .iter()
                .map(|&(s, n)| (site_name(s), n as u64))
                .collect(),
            documents: t.documents as u64,
            occurrences: t.occurrences as u64,
            position: match t.region {
                Region::Header => "header",
                Region::Body => "body",
                Region::Footer => "footer",
            }
            .to_string(),
            examples: t
                .examples
                .iter()
                .map(|&d| metas[d as usize].id.clone())
                .collect(),
        })
        .collect();
    let mut repeated_blocks: Vec<RepeatedBlock> = within
        .values()
        .map(|(docs, bytes, words)| RepeatedBlock {
            kind: "within".to_string(),
            text: text_of(docs[0], *bytes),
            words: *words,
            documents: docs.iter().map(|&d| metas[d as usize].id.clone()).collect(),
        })
        .collect();
    repeated_blocks.sort_by(|a, b| a.documents.cmp(&b.documents).then(a.text.cmp(&b.text)));
    repeated_blocks.extend(
        templates
            .reused
            .iter()
            .zip(&reused_at)
            .map(|(r, &(d, bytes))| RepeatedBlock {
                kind: "across".to_string(),
                text: text_of(d, bytes),
                words: r.words,
                documents: r
                    .documents
                    .iter()
                    .map(|&d| metas[d as usize].id.clone())
                    .collect(),
            }),
    );

    // Annotations.
    let mut template_spans = 0u64;
    let mut repeated_spans = 0u64;
    let annotations: Vec<Annotation> = metas
        .iter()
        .enumerate()
        .map(|(d, m)| {
            let mut tspans: Vec<(u32, u32, u32, u32)> = hits[d]
                .iter()
                .filter(|h| templates.set.is_template(d as u32, m.site, h.key))
                .map(|h| (h.lines.0, h.lines.1, h.bytes.0, h.bytes.1))
                .collect();
            tspans.sort_unstable();
            let merged = merge_spans(&tspans);
            template_spans += merged.len() as u64;
            let repeat_spans: Vec<(u32, u32, u32, u32)> = repeats[d]
                .iter()
                .filter(|r| r.counts(cfg))
                .map(|r| (r.lines.0, r.lines.1, r.bytes.0, r.bytes.1))
                .collect();
            repeated_spans += repeat_spans.len() as u64;
            let mut spans: Vec<Span> = merged
                .into_iter()
                .map(|s| span("template", s))
                .chain(repeat_spans.into_iter().map(|s| span("repeated", s)))
                .collect();
            spans.sort_by_key(|s| (s.start_line, s.end_line, s.kind.clone()));
            let (cluster, duplicate_of) = match cluster_id.get(&(d as u32)) {
                Some(&(id, rep)) if rep != d as u32 => {
                    (Some(id), Some(metas[rep as usize].id.clone()))
                }
                Some(&(id, _)) => (Some(id), None),
                None => (None, None),
            };
            Annotation {
                id: m.id.clone(),
                path: ctx.files[m.file as usize].rel.clone(),
                line: (m.line > 0).then_some(m.line),
                site: site_names[m.site as usize].clone(),
                cluster,
                duplicate_of,
                spans,
            }
        })
        .collect();

    let mut skipped_by_reason: BTreeMap<String, u64> = BTreeMap::new();
    for s in &skipped {
        let reason = s.reason.split(':').next().unwrap_or(&s.reason).trim();
        let reason = reason.split(" (").next().unwrap_or(reason).to_string();
        *skipped_by_reason.entry(reason).or_insert(0) += 1;
    }
    let t = cfg.near.threshold;
    let s_curve: BTreeMap<String, f64> = [t - 0.1, t, t + 0.1]
        .into_iter()
        .filter(|s| (0.0..=1.0).contains(s))
        .map(|s| (format!("{s:.2}"), round4(catch_probability(s, params))))
        .collect();
    let thresholds = Thresholds {
        jaccard: cfg.near.threshold,
        containment: cfg.near.containment,
    };
    let summary = Summary {
        files: ctx.files.len() as u64,
        documents: metas.len() as u64,
        bytes: bytes_read,
        skipped: skipped.len() as u64,
        skipped_by_reason,
        lossy_utf8_documents: metas.iter().filter(|m| m.lossy).count() as u64,
        renamed_duplicate_ids: renamed,
        documents_without_shingles: (0..sigs.len()).filter(|&d| sigs.size(d) == 0).count() as u64,
        documents_shingled_in_full: figures.iter().filter(|a| a.in_full).count() as u64,
        exact_duplicate_clusters: exact_clusters,
        duplicate_clusters: clusters.len() as u64,
        duplicate_documents: round.groups.iter().map(|g| g.len() as u64 - 1).sum(),
        candidate_pairs: round.candidates,
        verified_pairs: round.verified.len() as u64,
        exactly_checked_pairs: round.exactly_checked,
        template_blocks: template_blocks.len() as u64,
        template_spans,
        repeated_spans,
        reused_blocks: templates.reused.len() as u64,
        similarity_histogram: histogram(round.verified.iter().map(|p| p.jaccard)),
        near_miss_histogram: histogram(round.near_misses.iter().copied()),
        parameters: Parameters {
            threshold: cfg.near.threshold,
            containment: cfg.near.containment,
            shingle: match cfg.near.shingle {
                ShingleKind::Words => "words",
                ShingleKind::Chars => "chars",
            }
            .to_string(),
            ngram: cfg.near.ngram,
            num_perm: cfg.near.num_perm,
            bands: params.bands,
            rows: params.rows,
            lsh_design_threshold: round4(thresholds.lsh_design_threshold()),
            s_curve,
            verify: match cfg.near.verify {
                VerifyMode::Auto => "auto",
                VerifyMode::Signature => "signature",
                VerifyMode::Exact => "exact",
            }
            .to_string(),
            keep: match cfg.near.keep {
                KeepPolicy::First => "first",
                KeepPolicy::Longest => "longest",
                KeepPolicy::Shortest => "shortest",
            }
            .to_string(),
            min_words: cfg.near.min_words,
            fold_digits: cfg.fold_digits,
            template_min_docs: cfg.blocks.template_min_docs,
            repeat_similarity: cfg.blocks.repeat_similarity,
            repeat_min_words: cfg.blocks.repeat_min_words,
            site: match cfg.input.site_mode {
                SiteMode::Dir => "dir",
                SiteMode::None => "none",
            }
            .to_string(),
            text_field: cfg.input.text_field.clone(),
            id_field: cfg.input.id_field.clone(),
            site_field: cfg.input.site_field.clone(),
            max_bytes: cfg.input.max_bytes,
        },
    };
    let report = Report {
        version: SCHEMA_VERSION,
        summary,
        timing: Some({
            clock.lap("report");
            Timing {
                seconds: round4(clock.started.elapsed().as_secs_f64()),
                threads,
                stages: clock.stages,
                cache: None,
                spill: None,
            }
        }),
        skipped,
        duplicate_clusters: clusters,
        template_blocks,
        repeated_blocks,
    };
    ScanOutput {
        report,
        annotations,
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn span(kind: &str, s: (u32, u32, u32, u32)) -> Span {
    Span {
        kind: kind.to_string(),
        start_line: s.0,
        end_line: s.1,
        start_byte: s.2,
        end_byte: s.3,
    }
}

/// Merges sorted line spans that overlap or touch (next line) into one.
fn merge_spans(spans: &[(u32, u32, u32, u32)]) -> Vec<(u32, u32, u32, u32)> {
    let mut out: Vec<(u32, u32, u32, u32)> = Vec::new();
    for &s in spans {
        match out.last_mut() {
            Some(last) if s.0 <= last.1 + 1 => {
                last.1 = last.1.max(s.1);
                last.3 = last.3.max(s.3);
            }
            _ => out.push(s),
        }
    }
    out
}

/// Reads the byte ranges `wanted[doc]` of the given documents' texts.
/// A document and a byte range of its text.
type TextAt = (u32, (u32, u32));

/// Documents holding a block repeated inside them, its first occurrence's bytes, its words.
type WithinRepeat = (Vec<u32>, (u32, u32), u32);

fn fetch_texts(ctx: &Ctx, wanted: &BTreeMap<u32, Vec<(u32, u32)>>) -> HashMap<TextAt, String> {
    let mut files: Vec<u32> = wanted.keys().map(|&d| ctx.metas[d as usize].file).collect();
    files.dedup();
    let found: Vec<Vec<(TextAt, String)>> = files
        .par_iter()
        .map(|&f| {
            let lo = ctx.first_doc[f as usize];
            let mut k = 0u32;
            let mut out = Vec::new();
            read_documents(&ctx.files[f as usize], &ctx.cfg.input, |doc| {
                let d = lo + k;
                k += 1;
                if let Some(ranges) = wanted.get(&d) {
                    for &(a, b) in ranges {
                        let text = doc
                            .text
                            .get(a as usize..b as usize)
                            .unwrap_or("")
                            .to_string();
                        out.push(((d, (a, b)), text));
                    }
                }
            });
            out
        })
        .collect();
    found.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_touching_spans() {
        let s = vec![(1, 1, 0, 5), (2, 3, 6, 20), (3, 3, 12, 20), (6, 6, 30, 40)];
        assert_eq!(merge_spans(&s), vec![(1, 3, 0, 20), (6, 6, 30, 40)]);
    }

    #[test]
    fn unique_ids_get_suffixes() {
        let mut seen = HashSet::default();
        let mut n = 0;
        assert_eq!(unique_id("a".into(), &mut seen, &mut n), "a");
        assert_eq!(unique_id("a".into(), &mut seen, &mut n), "a#2");
        assert_eq!(unique_id("a".into(), &mut seen, &mut n), "a#3");
        assert_eq!(n, 2);
    }
}
