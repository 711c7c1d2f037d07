//! What the passes share: the context of the per-document work ([`Ctx`]), the documents found
//! changed when read again, the stage clock, and the helpers that map work over the documents
//! of a file in parallel batches, in file order.

use std::time::Instant;

use rayon::prelude::*;

use crate::config::Config;
use crate::corpus::{
    read_documents, Document, FileOutcome, InputFile, InputOptions, SkipReason, Skipped,
};
use crate::detect::near::Thresholds;
use crate::detect::templates::Chrome;
use crate::progress::{Stage, StageProgress};
use crate::report::StageTime;
use crate::sketch::MinHasher;
use crate::spill::{Record, Spill};

/// Compact data kept per document from pass 1.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct DocMeta {
    /// Its id, made unique.
    pub id: String,
    /// Its 1-based line in a JSONL file; 0 for a whole-file document.
    pub line: u32,
    /// Index of its input file.
    pub file: u32,
    /// Index of its site.
    pub site: u32,
    /// Hash of its whole normalised text (exact duplicates).
    pub exact: u128,
    /// Whether invalid UTF-8 was replaced while decoding.
    pub lossy: bool,
    /// xxh3 of its decoded text: a document read again later (template texts, `--no-spill`,
    /// the clean copy) is used only if it still has this hash.
    pub text_hash: u64,
}

/// The hash that tells whether a document read again is the one pass 1 read.
pub(crate) fn text_hash(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// Everything the per-document passes share.
pub(super) struct Ctx<'a> {
    pub cfg: &'a Config,
    pub files: &'a [InputFile],
    pub metas: &'a [DocMeta],
    pub first_doc: &'a [u32],
    pub hasher: MinHasher,
    /// The documents' records, when pass 1 could write them (else documents are read again).
    pub spill: Option<&'a Spill>,
    /// Each document's record in `spill` (length 0: none).
    pub records: &'a [Record],
    /// Which units are site chrome (what thin documents are compared without).
    pub chrome: &'a Chrome<'a>,
    /// Documents that were different or gone when read again.
    pub changed: &'a ChangedDocs,
}

impl Ctx<'_> {
    /// Whether `text`, document `d` read again, is the text pass 1 read; if not, `d` is marked
    /// changed and the caller must not use it.
    pub fn same_text(&self, d: u32, text: &str) -> bool {
        let same = self.metas[d as usize].text_hash == text_hash(text);
        if !same {
            self.changed.mark(d);
        }
        same
    }
}

/// Documents found different (or gone) when read again after pass 1: a file changed while it
/// was scanned. They are reported as skipped, never used with their new text.
#[derive(Default)]
pub(super) struct ChangedDocs(std::sync::Mutex<std::collections::BTreeSet<u32>>);

impl ChangedDocs {
    /// Marks document `d` as changed.
    pub fn mark(&self, d: u32) {
        if let Ok(mut set) = self.0.lock() {
            set.insert(d);
        }
    }

    /// The skipped entries of the documents marked so far (each once), in document order.
    pub fn take_skipped(&self, files: &[InputFile], metas: &[DocMeta]) -> Vec<Skipped> {
        let Ok(mut set) = self.0.lock() else {
            return Vec::new();
        };
        std::mem::take(&mut *set)
            .into_iter()
            .map(|d| {
                let meta = &metas[d as usize];
                let rel = &files[meta.file as usize].rel;
                Skipped {
                    path: match meta.line {
                        0 => rel.clone(),
                        line => format!("{rel}:{line}"),
                    },
                    reason: SkipReason::ChangedDuringScan,
                }
            })
            .collect()
    }
}

/// Wall time of the stages of a scan.
pub(super) struct Stopwatch {
    pub started: Instant,
    pub last: Instant,
    pub stages: Vec<StageTime>,
}

impl Stopwatch {
    pub fn new() -> Stopwatch {
        let now = Instant::now();
        Stopwatch {
            started: now,
            last: now,
            stages: Vec::new(),
        }
    }

    /// Ends the stage `name`.
    pub fn lap(&mut self, name: &str) {
        let now = Instant::now();
        self.stages.push(StageTime {
            stage: name.to_string(),
            seconds: round4((now - self.last).as_secs_f64()),
        });
        self.last = now;
    }
}

/// The thresholds a pair must pass, from the configuration.
pub(crate) fn thresholds(cfg: &Config) -> Thresholds {
    Thresholds {
        jaccard: cfg.near.threshold,
        containment: cfg.near.containment,
        containment_min_shingles: cfg.near.containment_min_shingles,
    }
}

/// Document indexes of the given files, in order.
pub(super) fn doc_range<'a>(
    first_doc: &'a [u32],
    files: &'a [u32],
) -> impl Iterator<Item = u32> + 'a {
    files
        .iter()
        .flat_map(move |&f| first_doc[f as usize]..first_doc[f as usize + 1])
}

/// Documents of one file batched before they are processed in parallel: a JSONL shard of a
/// million documents keeps every core busy, not one.
const DOCUMENT_BATCH: usize = 256;

/// Reads `file` and maps `f(index in file, document)` over its documents in parallel batches,
/// keeping file order.
pub(super) fn map_documents<T: Send>(
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
pub(super) fn stage_progress<'a>(
    ctx: &Ctx<'a>,
    file_ids: &[u32],
    stage: Stage,
) -> StageProgress<'a> {
    let total: u64 = file_ids.iter().map(|&f| ctx.files[f as usize].size).sum();
    ctx.cfg.progress.start(stage, file_ids.len() as u64, total)
}

/// `x` rounded to four decimals, as the report states figures.
pub(super) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
