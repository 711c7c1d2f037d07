//! A scan of documents handed over in batches (a table of the Python package, a stream of
//! records) instead of files: the same kernels as a scan of files. Each document of a batch
//! goes through pass 1's kernel ([`super::pass1::prepare_document`]) in parallel, then the
//! counting kernel in input order; [`Scanner::finish`] runs the same signing, rounds and
//! report as [`super::scan`]. A document depends only on its own text and the
//! configuration, and counting follows input order, so the report does not depend on how
//! the documents were cut into batches.

use rayon::prelude::*;

use super::context::Stopwatch;
use super::pass1::{prepare_document, Counter, ReadDocument};
use super::{conclude, recount, settle_and_report, sign, ScanError, ScanOutput};
use crate::config::Config;
use crate::corpus::{Compression, Document, FieldsSeen, Format, InputFile};
use crate::spill::SpillState;

/// A scan fed with documents in batches; see the module's documentation.
///
/// ```
/// let mut scanner = neardup::Scanner::new(&neardup::Config::new("table")).expect("valid");
/// let story = "The harbour bridge reopens on Monday after two years of repairs, the city said.";
/// let docs: Vec<neardup::Document> = ["a", "b"]
///     .iter()
///     .map(|id| neardup::Document::new(*id, story))
///     .collect();
/// scanner.add_documents("table", docs);
/// let out = scanner.finish();
/// assert_eq!(out.annotations.len(), 2);
/// assert_eq!(out.annotations[1].duplicate_of.as_deref(), Some("a"));
/// ```
pub struct Scanner {
    cfg: Config,
    pool: rayon::ThreadPool,
    threads: usize,
    spill: SpillState,
    counter: Counter,
    /// One entry per source, in the order sources were given.
    sources: Vec<InputFile>,
    /// Documents of the current source so far (their record numbers).
    in_source: u32,
    clock: Stopwatch,
}

impl Scanner {
    /// A scan with the options of `cfg`. Its input options are not used (the inputs, format,
    /// fields, `max_bytes`, site mode and globs: the documents come from the caller as they
    /// are, with the site each names), nor its cache and `--no-spill`: their records always go
    /// to a temporary file, since no file holds them to be read again.
    pub fn new(cfg: &Config) -> Result<Scanner, ScanError> {
        cfg.validate()?;
        let pool = super::thread_pool(cfg)?;
        let threads = pool.current_num_threads();
        let mut with_spill = cfg.clone();
        with_spill.spill = true;
        let spill = SpillState::new(&with_spill, 0);
        if spill.file.is_none() {
            return Err(ScanError::NoRecordFile(spill.describe()));
        }
        Ok(Scanner {
            cfg: cfg.clone(),
            pool,
            threads,
            spill,
            counter: Counter::new(Vec::new(), 0, 0),
            sources: Vec::new(),
            in_source: 0,
            clock: Stopwatch::new(),
        })
    }

    /// Adds the next documents of the source `source` (a table's or a stream's name; a new
    /// name starts a new source). Each document keeps its id (made unique as a scan of files
    /// does: `ID#2`), or is named `SOURCE:N` by its record number N in the source when its id
    /// is empty; its site is its own `site`.
    pub fn add_documents(&mut self, source: &str, documents: Vec<Document>) {
        if self.sources.last().is_none_or(|s| s.rel != source) {
            self.sources.push(InputFile {
                path: source.into(),
                rel: source.to_string(),
                clean_rel: source.to_string(),
                site: None,
                format: Format::Memory,
                compression: Compression::None,
                size: 0,
            });
            self.counter
                .start_file(Vec::new(), 0, FieldsSeen::default());
            self.in_source = 0;
        }
        let first = self.in_source;
        self.in_source += documents.len() as u32;
        let bytes: u64 = documents.iter().map(|d| d.text.len() as u64).sum();
        if let Some(file) = self.sources.last_mut() {
            file.size += bytes;
        }
        self.counter.add_bytes(bytes);
        let (cfg, spill) = (&self.cfg, self.spill.file.as_ref());
        let prepared: Vec<ReadDocument> = self.pool.install(|| {
            documents
                .into_par_iter()
                .enumerate()
                .map(|(i, mut doc)| {
                    doc.line = first + i as u32 + 1;
                    doc.path = source.to_string();
                    if doc.id.is_empty() {
                        doc.id = format!("{source}:{}", doc.line);
                    }
                    prepare_document(cfg, doc, true, spill)
                })
                .collect()
        });
        for read in prepared {
            self.counter.add_document(read);
        }
    }

    /// Ends the scan: templates, signing, candidates, clusters, the rounds, and the report
    /// and annotations of every document added, in the order they were added.
    pub fn finish(self) -> ScanOutput {
        let Scanner {
            cfg,
            pool,
            threads,
            mut spill,
            counter,
            sources,
            mut clock,
            ..
        } = self;
        pool.install(|| {
            let pass1 = recount::finish_pass1(&cfg, &sources, counter, &mut spill, &mut clock);
            let mut snap = sign::sign_corpus(&cfg, &sources, pass1, &mut clock, &spill);
            let mut out = settle_and_report(&cfg, &sources, &mut snap, &spill, clock, threads);
            out.files = sources;
            conclude(&cfg, &mut out, &snap, spill, true);
            out
        })
    }
}
