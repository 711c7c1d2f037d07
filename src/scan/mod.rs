//! The scan pipeline, pass by pass (see ARCHITECTURE.md):
//!
//! walk → [`pass1`]: read + segment + count units, spill each document's parts → template
//! candidates → [`sign`]: sign content from the spill, record watched units → [`rounds`]: LSH →
//! verify → cluster → templates counted by cluster → re-sign documents whose content changed →
//! cluster again → [`output`]: report + annotations.
//!
//! Only compact per-document data survives a pass in memory: ids, hashes, the signature, the
//! spans of watched units, and where the document's record lies in the spill (see
//! [`crate::spill`]). Documents are read again only for the texts the report quotes, or when no
//! spill could be written.

mod output;
mod pass1;
mod rounds;
mod sign;

use std::time::Instant;

use rayon::prelude::*;

use crate::cache::{CacheMiss, RoundState, Snapshot};
use crate::config::{Config, ConfigError, InputOptions};
use crate::corpus::{read_documents, walk, Document, FileOutcome, InputFile};
use crate::detect::near::Thresholds;
use crate::progress::Progress;
use crate::report::{Annotation, PairRecord, Report, StageTime};
use crate::sketch::{lsh_params, LshParams, MinHasher};
use crate::spill::{Record, Spill, SpillState};

pub(crate) use pass1::{document_parts, DocMeta, RepeatRecord};
pub(crate) use sign::{content_shingles, Basis, Chrome, ContentFigures, CHROME_SHARE};

/// What a scan produces.
#[derive(Debug, Clone)]
pub struct ScanOutput {
    /// The JSON report.
    pub report: Report,
    /// One annotation per document, in document order.
    pub annotations: Vec<Annotation>,
    /// Every verified pair, in the order of their documents (what `--pairs` writes).
    pub pairs: Vec<PairRecord>,
    /// The input files the scan read, in walk order: what `--clean` copies from, so that a tree
    /// that changes after the scan cannot give a clean copy of other files.
    pub files: Vec<InputFile>,
}

/// Why a scan could not run at all (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// An option is out of range or contradicts another.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The corpus root cannot be read.
    #[error("cannot read corpus directory '{path}': {reason}")]
    UnreadableRoot {
        /// The root as given.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// The corpus root is a file, not a folder.
    #[error("'{0}' is not a directory: give the folder that holds the documents")]
    NotADirectory(String),
    /// The worker threads could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

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
    /// Which units are site chrome (what thin documents are compared without).
    chrome: &'a Chrome<'a>,
}

/// Runs a whole scan.
pub fn scan(cfg: &Config) -> Result<ScanOutput, ScanError> {
    cfg.validate()?;
    let root = cfg.root.display().to_string();
    let meta = std::fs::metadata(&cfg.root).map_err(|e| ScanError::UnreadableRoot {
        path: root.clone(),
        reason: e.to_string(),
    })?;
    if !meta.is_dir() {
        return Err(ScanError::NotADirectory(root));
    }
    // More threads than a few per core only cost start-up time (-j 5000 on 25 documents).
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cfg.threads.map_or(0, |n| n.min(4 * cores));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| ScanError::Threads(e.to_string()))?;
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
            seconds: output::round4((now - self.last).as_secs_f64()),
        });
        self.last = now;
    }
}

/// The thresholds a pair must pass, from the configuration.
fn thresholds(cfg: &Config) -> Thresholds {
    Thresholds {
        jaccard: cfg.near.threshold,
        containment: cfg.near.containment,
    }
}

/// The scan's LSH bands and rows: the user's, or derived from the thresholds.
fn scan_lsh_params(cfg: &Config) -> LshParams {
    lsh_params(
        &thresholds(cfg),
        cfg.near.num_perm,
        cfg.near.bands,
        cfg.near.rows,
    )
}

fn run(cfg: &Config, threads: usize) -> ScanOutput {
    let mut clock = Stopwatch::new();
    let tree = walk(&cfg.root, &cfg.input.site_mode);
    clock.lap("walk");
    let files = tree.files;
    let cache_file = cfg.cache.as_deref().map(crate::cache::path_in);
    // The fingerprint stats every file again: only worth it with a cache.
    let fingerprint = match &cache_file {
        Some(_) => crate::cache::fingerprint(cfg, &files, pass1::repeat_floor(cfg)),
        None => 0,
    };
    let mut spill = SpillState::new(cfg);
    let mut read = |clock: &mut Stopwatch| {
        let snap = pass1::read_corpus(cfg, &files, tree.skipped.clone(), clock, &mut spill);
        sign::sign_corpus(cfg, &files, snap, clock, &spill)
    };
    let (mut snap, cache_status) = match cache_file.as_deref() {
        None => (read(&mut clock), None),
        Some(path) => match crate::cache::load::<Snapshot>(path, fingerprint) {
            Ok(mut snap) => match snap.watch.with_min_docs(cfg.blocks.template_min_docs) {
                Some(watch) => {
                    snap.watch = watch;
                    clock.lap("load cache");
                    (snap, Some("reused".to_string()))
                }
                None => {
                    let floor = snap.watch.floor();
                    let status = format!("rebuilt: --template-min-docs below the cached {floor}");
                    (read(&mut clock), Some(status))
                }
            },
            Err(CacheMiss::NoCacheYet) => (read(&mut clock), Some("built".to_string())),
            Err(miss) => (read(&mut clock), Some(format!("rebuilt: {miss}"))),
        },
    };

    let params = scan_lsh_params(cfg);
    // The context borrows what the rounds only read; the rounds borrow the rest.
    let spill_usable = spill.file.is_some() && spill.records.len() == snap.metas.len();
    let site_docs = sign::site_doc_counts(&snap.metas);
    let chrome = Chrome::new(&snap.watch, &site_docs, cfg.blocks.template_min_docs);
    let ctx = Ctx {
        chrome: &chrome,
        cfg,
        files: &files,
        metas: &snap.metas,
        first_doc: &snap.first_doc,
        hasher: MinHasher::new(cfg.near.num_perm, cfg.near.seed),
        spill: spill.file.as_ref().filter(|_| spill_usable),
        records: &spill.records,
    };
    let state = RoundState {
        watch: &snap.watch,
        figures: &mut snap.figures,
        hits: &snap.hits,
        shared: &snap.shared,
        sigs: &mut snap.sigs,
        versions: &mut snap.versions,
        signed_with: &mut snap.signed_with,
    };
    let (final_round, templates) = rounds::settle(&ctx, state, params);
    clock.lap("cluster, templates, re-sign");

    let mut out = output::build(
        &ctx,
        output::BuildInput {
            snap: &snap,
            templates: &templates,
            round: &final_round,
            params,
            clock,
            threads,
        },
    );
    let cache_status = match (&cache_file, cache_status) {
        (Some(path), status) => match crate::cache::save(path, fingerprint, snap.compacted()) {
            Ok(()) => Some(status.unwrap_or_else(|| "built".to_string())),
            Err(e) => Some(format!("not saved: {e}")),
        },
        (None, status) => status,
    };
    if let Some(timing) = out.report.timing.as_mut() {
        timing.cache = cache_status;
        timing.spill = Some(spill.describe());
        let root = std::fs::canonicalize(&cfg.root).unwrap_or_else(|_| cfg.root.clone());
        timing.corpus = Some(root.display().to_string());
    }
    out.files = files;
    out
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
    input: &InputOptions,
    f: impl Fn(usize, Document) -> T + Sync,
) -> (Vec<T>, FileOutcome) {
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
