//! The scan pipeline, pass by pass (see ARCHITECTURE.md):
//!
//! walk → [`pass1`]: read + segment + count units, spill each document's parts → [`recount`]:
//! the template candidates counted exactly → [`sign`]: sign content from the spill, record watched units → [`rounds`]: LSH →
//! verify → cluster → templates counted by cluster → re-sign documents whose content changed →
//! cluster again → [`output`]: report + annotations.
//!
//! Only compact per-document data survives a pass in memory: ids, hashes, the signature, the
//! spans of watched units, and where the document's record lies in the spill (see
//! [`crate::spill`]). Documents are read again only for the texts the report quotes, or when no
//! spill could be written.

mod batches;
mod context;
mod output;
mod pass1;
mod recount;
mod rounds;
mod sign;
mod state;

pub use batches::Scanner;
pub use pass1::{prepare, PreparedDocument};
pub use rounds::{settled, MAX_ROUNDS};
pub use sign::{SignedDocument, SigningContext};
pub use state::decode_snapshot_payload;

/// How the scan names a document whose id is taken (`ID#2`), for `explain FILE#ID`.
pub(crate) use pass1::unique_id;

use crate::cache::CacheMiss;
use crate::config::{Config, ConfigError};
use crate::corpus::{walk_inputs, FieldsSeen, Format, InputFile, Skipped};
use crate::detect::templates::Chrome;
use crate::human::count;
use crate::report::clean::{CleanSource, StoredTexts};
use crate::report::{Annotation, PairRecord, Report};
use crate::sketch::{lsh_params, LshParams, MinHasher};
use crate::spill::SpillState;
use state::{RoundState, Snapshot};

pub(crate) use context::thresholds;
pub(crate) use context::DocMeta;
use context::{ChangedDocs, Ctx, Stopwatch};
pub(crate) use pass1::{document_parts, RepeatRecord};
pub use sign::Basis;
pub(crate) use sign::{content_shingles, left_out_lines, ContentFigures};

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
    /// The xxh3 of each annotated document's text as the scan read it, in the order of
    /// `annotations`: the clean copy writes a document only if it still reads the same.
    pub text_hashes: Vec<u64>,
    /// What the user should know about the input (a field flag that no input could use).
    pub warnings: Vec<String>,
    /// Why the scan's result must not be used as if the corpus had been read (exit code 3):
    /// no document was read, or a named field is missing from every record.
    pub input_error: Option<String>,
    /// The extracted texts of the pages (HTML, WARC, Parquet) and documents given in memory,
    /// as the scan's temporary file of records keeps them: the clean copy writes them without
    /// parsing a page again. The file is removed when the last clone of the output is dropped
    /// (or this is set to `None`).
    pub stored_texts: Option<std::sync::Arc<dyn StoredTexts>>,
}

impl ScanOutput {
    /// What a clean copy of this scan is made from ([`crate::report::clean::write_clean_corpus`]).
    pub fn clean_source(&self) -> CleanSource<'_> {
        CleanSource {
            files: &self.files,
            annotations: &self.annotations,
            text_hashes: &self.text_hashes,
            stored: self.stored_texts.as_deref(),
        }
    }
}

/// The texts the records of a scan's temporary file keep, held with the file.
#[derive(Debug)]
struct RecordTexts {
    spill: crate::spill::Spill,
    records: Vec<crate::spill::Record>,
}

impl StoredTexts for RecordTexts {
    fn text(&self, doc: usize) -> Option<String> {
        let parts = self.spill.read(*self.records.get(doc)?).ok()?;
        (!parts.text.is_empty()).then_some(parts.text)
    }
}

/// The texts a scan's records keep, when there is a record of every document and some
/// document's record keeps its text (an input read again would cost a parse).
fn record_texts(
    spill: SpillState,
    documents: usize,
    files: &[InputFile],
) -> Option<std::sync::Arc<dyn StoredTexts>> {
    let holds_texts = files.iter().any(|f| f.format.costly_to_read_again());
    let file = spill
        .file
        .filter(|_| holds_texts && spill.records.len() == documents)?;
    Some(std::sync::Arc::new(RecordTexts {
        spill: file,
        records: spill.records,
    }))
}

/// Why a scan could not run at all (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// An option is out of range or contradicts another.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An input cannot be read.
    #[error("cannot read corpus '{path}': {reason}")]
    UnreadableRoot {
        /// The root as given.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// An input is neither a folder nor a file (a device, a socket).
    #[error(
        "'{0}' is neither a folder nor a file: give the folders and files that hold the documents"
    )]
    NotADirectory(String),
    /// The worker threads could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    /// Documents handed over in memory need a temporary file for their records (no file
    /// holds them to be read again), and none could be made.
    #[error("documents given in memory need a temporary file of records, and it is {0}: set a temporary folder with room (Config::temp_dir, TMPDIR)")]
    NoRecordFile(String),
}

/// Runs a whole scan.
pub fn scan(cfg: &Config) -> Result<ScanOutput, ScanError> {
    cfg.validate()?;
    for input in cfg.inputs() {
        if input.as_os_str() == "-" {
            continue;
        }
        let name = input.display().to_string();
        let meta = std::fs::metadata(input).map_err(|e| ScanError::UnreadableRoot {
            path: name.clone(),
            reason: e.to_string(),
        })?;
        if !(meta.is_dir() || meta.is_file()) {
            return Err(ScanError::NotADirectory(name));
        }
        // A folder that cannot be listed is a failed scan, not an empty corpus.
        if meta.is_dir() {
            if let Err(e) = std::fs::read_dir(input) {
                return Err(ScanError::UnreadableRoot {
                    path: name,
                    reason: e.to_string(),
                });
            }
        }
    }
    let pool = thread_pool(cfg)?;
    Ok(pool.install(|| run(cfg, pool.current_num_threads())))
}

/// The scan's worker threads: `--threads`, or every core.
fn thread_pool(cfg: &Config) -> Result<rayon::ThreadPool, ScanError> {
    // More threads than a few per core only cost start-up time (-j 5000 on 25 documents).
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cfg.threads.map_or(0, |n| n.min(4 * cores));
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| ScanError::Threads(e.to_string()))
}

/// The scan's LSH bands and rows: the user's, or derived from the thresholds.
pub(crate) fn scan_lsh_params(cfg: &Config) -> LshParams {
    lsh_params(
        &thresholds(cfg),
        cfg.near.num_perm,
        cfg.near.bands,
        cfg.near.rows,
    )
}

/// The snapshot from the cache when it can be used, else from reading the corpus (`read`);
/// and what `timing.cache` says: reused, built, or rebuilt and why (which option or what of the
/// corpus changed, where the cache kept its fingerprint's parts).
fn load_or_read(
    cfg: &Config,
    cache_file: Option<&std::path::Path>,
    parts: Option<&crate::cache::FingerprintParts>,
    clock: &mut Stopwatch,
    read: &mut dyn FnMut(&mut Stopwatch) -> Snapshot,
) -> (Snapshot, Option<String>) {
    let Some(path) = cache_file else {
        return (read(clock), None);
    };
    let fingerprint = parts.map_or(0, crate::cache::digest);
    match crate::cache::load::<Snapshot>(path, fingerprint) {
        Ok(mut snap) => match snap.watch.with_min_docs(cfg.blocks.template_min_docs) {
            Some(watch) => {
                snap.watch = watch;
                clock.lap("load cache");
                (snap, Some("reused".to_string()))
            }
            None => {
                let floor = snap.watch.floor();
                let status = format!("rebuilt: --template-min-docs below the cached {floor}");
                (read(clock), Some(status))
            }
        },
        Err(CacheMiss::NoCacheYet) => (read(clock), Some("built".to_string())),
        Err(miss) => {
            let why = match (&miss, parts) {
                (CacheMiss::Changed, Some(now)) => crate::cache::what_changed(path, now),
                _ => None,
            };
            let why = why.unwrap_or_else(|| miss.to_string());
            (read(clock), Some(format!("rebuilt: {why}")))
        }
    }
}

fn run(cfg: &Config, threads: usize) -> ScanOutput {
    let mut clock = Stopwatch::new();
    let tree = walk_inputs(&cfg.input_set());
    clock.lap("walk");
    let files = tree.files;
    let cache_file = cfg.cache.as_deref().map(crate::cache::path_in);
    // The fingerprint stats every file again: only worth it with a cache.
    let parts = cache_file
        .as_ref()
        .map(|_| crate::cache::fingerprint_parts(cfg, &files, pass1::repeat_floor(cfg)));
    let fingerprint = parts.as_ref().map_or(0, crate::cache::digest);
    let mut spill = SpillState::new(cfg, crate::spill::room_needed(&files, cfg.input.max_bytes));
    let mut read = |clock: &mut Stopwatch| {
        let counter = pass1::read_corpus(cfg, &files, tree.skipped.clone(), &spill);
        let pass1 = recount::finish_pass1(cfg, &files, counter, &mut spill, clock);
        sign::sign_corpus(cfg, &files, pass1, clock, &spill)
    };
    let (mut snap, cache_status) = load_or_read(
        cfg,
        cache_file.as_deref(),
        parts.as_ref(),
        &mut clock,
        &mut read,
    );
    let mut out = settle_and_report(cfg, &files, &mut snap, &spill, clock, threads);
    // A scan that reused the cache read no document: a temporary file it lacked room for
    // cost nothing.
    let read_documents = !matches!(cache_status.as_deref(), Some("reused"));
    let cache_status = match (&cache_file, cache_status) {
        (Some(path), status) => match crate::cache::save(path, fingerprint, snap.compacted())
            .and_then(|()| {
                parts
                    .as_ref()
                    .map_or(Ok(()), |p| crate::cache::save_parts(path, p))
            }) {
            Ok(()) => Some(status.unwrap_or_else(|| "built".to_string())),
            Err(e) => Some(format!("not saved: {e}")),
        },
        (None, status) => status,
    };
    if let Some(timing) = out.report.timing.as_mut() {
        timing.cache = cache_status;
    }
    out.files = files;
    conclude(cfg, &mut out, &snap, spill, read_documents);
    out
}

/// The scan after pass 1 and the first signing: the rounds (candidates, verification,
/// clusters, templates by cluster, re-signing), then the report and annotations.
fn settle_and_report(
    cfg: &Config,
    files: &[InputFile],
    snap: &mut Snapshot,
    spill: &SpillState,
    mut clock: Stopwatch,
    threads: usize,
) -> ScanOutput {
    let params = scan_lsh_params(cfg);
    // The context borrows what the rounds only read; the rounds borrow the rest.
    let spill_usable = spill.file.is_some() && spill.records.len() == snap.metas.len();
    let site_docs = sign::site_doc_counts(&snap.metas);
    let chrome = Chrome::new(
        &snap.watch,
        &site_docs,
        cfg.blocks.template_min_docs,
        cfg.near.frequent_docs,
    );
    let changed = ChangedDocs::default();
    let ctx = Ctx {
        changed: &changed,
        chrome: &chrome,
        cfg,
        files,
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
    output::build(
        &ctx,
        output::BuildInput {
            snap,
            templates: &templates,
            round: &final_round,
            params,
            clock,
            threads,
        },
    )
}

/// What every scan adds to its output last: the temporary file's account, where the texts
/// are, and what the user must know about the input (an error, warnings).
fn conclude(
    cfg: &Config,
    out: &mut ScanOutput,
    snap: &Snapshot,
    spill: SpillState,
    read_documents: bool,
) {
    if let Some(timing) = out.report.timing.as_mut() {
        timing.spill = Some(spill.describe());
    }
    record_where_texts_are(cfg, out);
    let read = InputsRead {
        fields: &snap.fields,
        documents: snap.metas.len(),
        skipped: &snap.skipped,
        files: &out.files,
    };
    out.input_error = input_error(cfg, &read);
    out.warnings = input_warnings(cfg, &read);
    out.warnings
        .extend(spill.warning().filter(|_| read_documents));
    out.stored_texts = record_texts(spill, snap.metas.len(), &out.files);
}

/// Records in the report's timing where `neardup report --html` reads the texts again (the
/// corpus; every input, as given, and the working folder when there are several or a file)
/// and the hashes of the texts its page compares.
fn record_where_texts_are(cfg: &Config, out: &mut ScanOutput) {
    if out.report.timing.is_none() {
        return;
    }
    let shown = crate::report::html::wanted_ids(&out.report, &Default::default());
    let hashes = out
        .annotations
        .iter()
        .zip(&out.text_hashes)
        .filter(|(a, _)| shown.contains(&a.id))
        .map(|(a, h)| (a.id.clone(), format!("{h:016x}")))
        .collect();
    let Some(timing) = out.report.timing.as_mut() else {
        return;
    };
    timing.text_hashes = hashes;
    let root = std::fs::canonicalize(&cfg.root).unwrap_or_else(|_| cfg.root.clone());
    timing.corpus = Some(root.display().to_string());
    // Ids are paths as given when there are several inputs or a file: all are recorded.
    let inputs = cfg.inputs();
    if inputs.len() > 1 || !cfg.root.is_dir() {
        timing.inputs = inputs
            .iter()
            .filter(|p| p.as_os_str() != "-")
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        timing.working_dir = std::env::current_dir()
            .ok()
            .map(|d| d.display().to_string());
    }
}

/// What reading the inputs gave, for the messages about it.
struct InputsRead<'a> {
    fields: &'a FieldsSeen,
    documents: usize,
    skipped: &'a [Skipped],
    files: &'a [InputFile],
}

/// The field flags given, with the name each gives and how many records held it.
fn named_fields<'a>(cfg: &'a Config, fields: &FieldsSeen) -> Vec<(&'static str, &'a str, u64)> {
    let input = &cfg.input;
    let mut out = vec![("--text-field", input.text_field.as_str(), fields.text)];
    // Records without the default `id` field get FILE:LINE ids, as documented; a field the
    // user named is expected to be there.
    if input.id_field != "id" {
        out.push(("--id-field", input.id_field.as_str(), fields.id));
    }
    if let Some(site) = &input.site_field {
        out.push(("--site-field", site.as_str(), fields.site));
    }
    out
}

/// Why the result cannot stand for the corpus: no document read, or a field flag that no
/// record of the inputs answers (the message lists the fields the first records have).
fn input_error(cfg: &Config, read: &InputsRead) -> Option<String> {
    let fields = read.fields;
    if fields.records > 0 {
        let missing: Vec<String> = named_fields(cfg, fields)
            .into_iter()
            .filter(|(_, _, seen)| *seen == 0)
            .map(|(flag, name, _)| format!("'{name}' ({flag})"))
            .collect();
        if !missing.is_empty() {
            let of = match fields.records {
                1 => "the record".to_string(),
                n => format!("the {n} records"),
            };
            return Some(format!(
                "none of {of} has the field {}: the first records have {}; name the fields \
                 with --text-field, --id-field, --site-field (dotted paths reach nested fields: \
                 content.body)",
                missing.join(" or "),
                fields.listed()
            ));
        }
    }
    if read.documents > 0 {
        return None;
    }
    let names: Vec<String> = cfg
        .inputs()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let found = if read.skipped.is_empty() && read.files.is_empty() {
        "no file neardup reads was found (.txt, .md, .jsonl, .json, .html, .warc, .parquet…; \
         hidden files need --hidden; --format reads other names)"
            .to_string()
    } else if read.skipped.is_empty() {
        // found and read, yet nothing in them is a document or a reason (F18: a WARC of
        // nothing but blank lines)
        format!(
            "{} read, holding no document and nothing to skip (no record, no text)",
            count(read.files.len() as u64, "file")
        )
    } else {
        let mut reasons: std::collections::BTreeMap<String, u64> = Default::default();
        for s in read.skipped {
            *reasons.entry(s.reason.label()).or_default() += 1;
        }
        let reasons: Vec<String> = reasons.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
        let found = count(read.skipped.len() as u64, "input");
        format!(
            "{found} skipped ({}; the report's 'skipped' says which and why)",
            reasons.join(", ")
        )
    };
    Some(format!(
        "no document was read from {}: {found}",
        names.join(" ")
    ))
}

/// Warnings about the input: a field flag given where no input has fields (text, HTML and
/// WARC files are read whole), so that it would otherwise be ignored without a word.
fn input_warnings(cfg: &Config, read: &InputsRead) -> Vec<String> {
    let with_fields = read
        .files
        .iter()
        .any(|f| matches!(f.format, Format::JsonLines | Format::Parquet));
    if with_fields || read.files.is_empty() {
        return Vec::new();
    }
    let input = &cfg.input;
    let named = [
        (
            "--text-field",
            Some(&input.text_field).filter(|f| *f != "text"),
        ),
        ("--id-field", Some(&input.id_field).filter(|f| *f != "id")),
        ("--site-field", input.site_field.as_ref()),
    ];
    let flags: Vec<String> = named
        .iter()
        .filter_map(|(flag, name)| name.map(|n| format!("{flag} {n}")))
        .collect();
    if flags.is_empty() {
        return Vec::new();
    }
    let n = read.files.len() as u64;
    vec![format!(
        "{} names a field, but no input has fields: the {} {} read whole (as text, HTML or \
         WARC) and the flag was not used; --format jsonl reads files as JSON Lines",
        flags.join(", "),
        count(n, "file"),
        crate::human::noun(n, "was")
    )]
}
