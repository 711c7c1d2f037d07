//! Pass 1: read and decode every document, segment it, count its units per site, find the
//! blocks it repeats, and write its compact parts to the spill.

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use xxhash_rust::xxh3::xxh3_128;

use super::context::{map_documents, text_hash, DocMeta};
use crate::config::{Config, ShingleKind};
use crate::corpus::{Boilerplate, BoilerplateReason, Document, FieldsSeen, InputFile, Skipped};
use crate::detect::per_doc::PerDoc;
use crate::detect::repeats::find_repeats;
use crate::detect::templates::{Chrome, UnitCounts, WatchList};
use crate::detect::units::units;
use crate::progress::Stage;
use crate::spill::{DocParts, Record, Spill, SpillState};
use crate::text::{segment, Segmented};

/// Files read in parallel before their unit keys are counted (bounds pass 1's memory).
pub(super) const PASS1_CHUNK: usize = 2048;

/// Repeats are recorded down to this similarity (or the threshold, if lower).
const REPEAT_FLOOR: f64 = 0.8;

/// The similarity down to which repeats are recorded: `--repeat-similarity` can then be raised
/// on a cached scan without reading documents again.
pub(crate) fn repeat_floor(cfg: &Config) -> f64 {
    REPEAT_FLOOR.min(cfg.blocks.repeat_similarity)
}

/// A block that repeats an earlier block of its document.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct RepeatRecord {
    /// First and last line of the later copy.
    pub lines: (u32, u32),
    /// Its byte range.
    pub bytes: (u32, u32),
    /// Its similarity to the earlier block.
    pub similarity: f64,
    /// Its own key (digit-folded, a unit's).
    pub key: u64,
    /// The earlier block's key, bytes and words.
    pub of_key: u64,
    pub of_bytes: (u32, u32),
    pub of_words: u32,
}

impl RepeatRecord {
    /// Whether it counts at the scan's `--repeat-similarity`, in a document of `site`. A copy
    /// counts only when the site does not print both blocks word for word on more than
    /// `--frequent-docs` pages: a caption scraped twice, edited and credited, is on one page,
    /// but the docs of `eq` and `ne` ("are equal to" / "are unequal to"), or the "Panics if
    /// there is not enough remaining data" of every reading method, which a reference site
    /// prints on every page of an iterator or a buffer, are the site's own recurring text
    /// (whether it stays is the template stage's to say, not a scraped duplicate's).
    pub fn counts(&self, cfg: &Config, chrome: &Chrome, site: u32) -> bool {
        self.similarity >= cfg.blocks.repeat_similarity
            && !(chrome.is_frequent(site, self.key) && chrome.is_frequent(site, self.of_key))
    }
}

/// What pass 1 learns about the corpus.
pub(super) struct Pass1 {
    pub metas: Vec<DocMeta>,
    /// Index of each file's first document; one more entry at the end.
    pub first_doc: Vec<u32>,
    pub site_names: Vec<Option<String>>,
    pub skipped: Vec<Skipped>,
    pub bytes_read: u64,
    /// Which named fields the JSON records held.
    pub fields: FieldsSeen,
    /// Ids that were taken already and got a `#N` suffix.
    pub renamed: u64,
    /// Units held by enough documents of a site to be template candidates.
    pub watch: WatchList,
    /// Later copies of blocks, down to [`repeat_floor`].
    pub repeats: PerDoc<RepeatRecord>,
    /// What the structure of HTML pages shows to be boilerplate.
    pub boilerplate: PerDoc<Boilerplate>,
}

/// Pass 1's kernel's result for one document ([`prepare`]): its identity (id, source,
/// record, site), its exact and text hashes, its unit keys (what counting reads), the blocks
/// it repeats, its page boilerplate, and its parts (what signing reads). It depends on the
/// document and the configuration alone, and it round-trips through bytes
/// ([`PreparedDocument::to_bytes`]), so batches can be prepared anywhere and in any order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PreparedDocument {
    id: String,
    line: u32,
    site: Option<String>,
    lossy_utf8: bool,
    boilerplate: Vec<Boilerplate>,
    exact: u128,
    text_hash: u64,
    unit_keys: Vec<u64>,
    repeats: Vec<RepeatRecord>,
    parts: DocParts,
}

impl PreparedDocument {
    /// Its id as given (made unique only when the documents are counted in order).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its site as given.
    pub fn site(&self) -> Option<&str> {
        self.site.as_deref()
    }

    /// The keys of its units (standalone lines and multi-line blocks, digit-folded): what the
    /// template counts count, each distinct key once per document.
    pub fn unit_keys(&self) -> &[u64] {
        &self.unit_keys
    }

    /// The hash of its whole normalised text: two documents with the same are exact copies.
    pub fn exact_hash(&self) -> u128 {
        self.exact
    }

    /// The document as bytes (postcard), for a batch that crosses a process.
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::packed::sealed::to_bytes(self)
    }

    /// A document from [`PreparedDocument::to_bytes`]; `None` for bytes that are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<PreparedDocument> {
        crate::packed::sealed::from_bytes(bytes)
    }

    /// Its parts, what signing reads.
    pub(crate) fn parts(&self) -> &DocParts {
        &self.parts
    }
}

/// Pass 1's kernel, one document: segments it, finds its units and repeats, and hashes it;
/// its text is kept in its parts when `keep_text` (reading it again would cost a parse, or is
/// impossible). Depends on the document and the configuration alone, so a batch of any size,
/// in any thread or process, gives the same result.
pub fn prepare(cfg: &Config, mut doc: Document, keep_text: bool) -> PreparedDocument {
    let (mut parts, seg) = document_parts(cfg, &doc.text, &doc.boilerplate);
    let exact = xxh3_128(seg.norm.as_bytes());
    let unit_keys = parts.units.iter().map(|u| u.key).collect();
    let repeats = repeat_records(&seg, cfg, &doc.boilerplate, &doc.items);
    let text_hash = text_hash(&doc.text);
    drop(seg);
    if keep_text {
        parts.text = std::mem::take(&mut doc.text);
    }
    PreparedDocument {
        id: doc.id,
        line: doc.line,
        site: doc.site,
        lossy_utf8: doc.lossy_utf8,
        boilerplate: doc.boilerplate,
        exact,
        text_hash,
        unit_keys,
        repeats,
        parts,
    }
}

/// What pass 1 keeps of one document while its batch waits for counting: the prepared
/// document without its parts, and where its parts went.
pub(super) struct ReadDocument {
    prepared: PreparedDocument,
    record: Option<std::io::Result<Record>>,
}

/// The documents of one file, what was skipped in it, and its decompressed bytes.
struct ReadFile {
    docs: Vec<ReadDocument>,
    skipped: Vec<Skipped>,
    bytes: u64,
    fields: FieldsSeen,
}

/// [`prepare`], with the parts written to `spill`: only compact data waits for counting.
pub(super) fn prepare_document(
    cfg: &Config,
    doc: Document,
    keep_text: bool,
    spill: Option<&Spill>,
) -> ReadDocument {
    let mut prepared = prepare(cfg, doc, keep_text);
    let record = spill.map(|s| s.write(&prepared.parts));
    prepared.parts = DocParts::default();
    ReadDocument { prepared, record }
}

/// Pass 1 over the whole corpus, up to its counts (see [`super::recount`] for the rest).
/// Files go in chunks, so that only the unit keys of one chunk wait for counting, which runs
/// in file order (deterministic) on one thread while the next chunk is read on the others.
pub(super) fn read_corpus(
    cfg: &Config,
    files: &[InputFile],
    skipped: Vec<Skipped>,
    spill: &SpillState,
) -> Counter {
    let total_bytes: u64 = files.iter().map(|f| f.size).sum();
    let progress = cfg
        .progress
        .start(Stage::Reading, files.len() as u64, total_bytes);
    let spill_file = spill.file.as_ref();
    let process = |chunk: &[InputFile]| -> Vec<ReadFile> {
        chunk
            .par_iter()
            .map(|file| {
                let keep_text = file.format.costly_to_read_again();
                let (docs, outcome) = map_documents(file, &cfg.input, |_, doc| {
                    prepare_document(cfg, doc, keep_text, spill_file)
                });
                progress.file_done(file.size);
                ReadFile {
                    docs,
                    skipped: outcome.skipped,
                    bytes: outcome.bytes,
                    fields: outcome.fields,
                }
            })
            .collect()
    };
    // About one unit per 40 bytes of text (the filter grows if there are more).
    let mut counter = Counter::new(skipped, total_bytes / 40, files.len());
    let mut pending: Option<Vec<ReadFile>> = None;
    for chunk in files.chunks(PASS1_CHUNK) {
        let previous = pending.take();
        let (_, results) = rayon::join(
            || {
                if let Some(r) = previous {
                    counter.count(r);
                }
            },
            || process(chunk),
        );
        pending = Some(results);
    }
    if let Some(r) = pending {
        counter.count(r);
    }
    progress.finish();
    counter
}

/// The in-order half of pass 1 (the counting kernel): unit counts per site, sites, unique
/// ids, the documents' records, file by file and document by document in input order.
pub(super) struct Counter {
    metas: Vec<DocMeta>,
    first_doc: Vec<u32>,
    counts: UnitCounts,
    site_names: Vec<Option<String>>,
    site_index: HashMap<Option<String>, u32>,
    seen_ids: HashSet<u128>,
    renamed: u64,
    bytes_read: u64,
    fields: FieldsSeen,
    skipped: Vec<Skipped>,
    repeats: PerDoc<RepeatRecord>,
    boilerplate: PerDoc<Boilerplate>,
    /// What writing each document's record to the spill gave.
    records: Vec<std::io::Result<Record>>,
}

impl Counter {
    pub fn new(skipped: Vec<Skipped>, expected_units: u64, files: usize) -> Counter {
        Counter {
            metas: Vec::new(),
            first_doc: Vec::with_capacity(files + 1),
            counts: UnitCounts::with_expected_units(expected_units),
            site_names: Vec::new(),
            site_index: HashMap::default(),
            seen_ids: HashSet::default(),
            renamed: 0,
            bytes_read: 0,
            fields: FieldsSeen::default(),
            skipped,
            repeats: PerDoc::default(),
            boilerplate: PerDoc::default(),
            records: Vec::new(),
        }
    }

    /// Counts the files of one chunk, in file order.
    fn count(&mut self, results: Vec<ReadFile>) {
        for file in results {
            self.start_file(file.skipped, file.bytes, file.fields);
            for read in file.docs {
                self.add_document(read);
            }
        }
    }

    /// Starts the next file (its documents follow): what was skipped in it, its bytes, the
    /// fields its records held.
    pub fn start_file(&mut self, skipped: Vec<Skipped>, bytes: u64, fields: FieldsSeen) {
        self.first_doc.push(self.metas.len() as u32);
        self.skipped.extend(skipped);
        self.bytes_read += bytes;
        self.fields.add(fields);
    }

    /// Counts the next document of the current file.
    pub fn add_document(&mut self, read: ReadDocument) {
        self.records.extend(read.record);
        self.add_prepared(read.prepared);
    }

    /// Counts the next document of the current file, prepared by [`prepare`].
    pub fn add_prepared(&mut self, prepared: PreparedDocument) {
        let file_index = self.first_doc.len() as u32 - 1;
        let PreparedDocument {
            id,
            line,
            site,
            lossy_utf8,
            boilerplate,
            exact,
            text_hash,
            unit_keys,
            repeats,
            ..
        } = prepared;
        self.repeats.push(repeats);
        self.boilerplate.push(boilerplate);
        let site = self.site_of(&site);
        self.counts.add_document(site, &unit_keys);
        let id = unique_id(id, &mut self.seen_ids, &mut self.renamed);
        self.metas.push(DocMeta {
            id,
            line,
            file: file_index,
            site,
            exact,
            lossy: lossy_utf8,
            text_hash,
        });
    }

    /// Adds `bytes` to the bytes read (documents given in memory).
    pub fn add_bytes(&mut self, bytes: u64) {
        self.bytes_read += bytes;
    }

    /// The records written to the spill, in document order (moved out).
    pub fn take_records(&mut self) -> Vec<std::io::Result<Record>> {
        std::mem::take(&mut self.records)
    }

    /// The index of `site`, given one when it is new.
    fn site_of(&mut self, site: &Option<String>) -> u32 {
        if let Some(&s) = self.site_index.get(site) {
            return s;
        }
        let next = self.site_names.len() as u32;
        self.site_names.push(site.clone());
        self.site_index.insert(site.clone(), next);
        next
    }

    /// Pass 1's result, its watch list from the counts as they are (a superset of the exact
    /// one: see [`super::recount`]).
    pub fn finish(mut self, cfg: &Config) -> Pass1 {
        self.first_doc.push(self.metas.len() as u32);
        Pass1 {
            watch: self.counts.watch_list(cfg.blocks.template_min_docs),
            metas: self.metas,
            first_doc: self.first_doc,
            site_names: self.site_names,
            skipped: self.skipped,
            bytes_read: self.bytes_read,
            fields: self.fields,
            renamed: self.renamed,
            repeats: self.repeats,
            boilerplate: self.boilerplate,
        }
    }
}

/// `id`, or `id#2`, `id#3`… when it is already taken (ids are remembered by 128-bit hash).
pub(crate) fn unique_id(id: String, seen: &mut HashSet<u128>, renamed: &mut u64) -> String {
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

/// A document's parts (see [`DocParts`]) and its segmentation; `boilerplate` is what the
/// structure of an HTML page shows (empty for other documents).
pub(crate) fn document_parts(
    cfg: &Config,
    text: &str,
    boilerplate: &[Boilerplate],
) -> (DocParts, Segmented) {
    let seg = segment(text, cfg.fold_digits);
    let doc_units = units(text, &seg);
    let keep_norm = cfg.near.shingle == ShingleKind::Chars;
    let mut parts = DocParts::of(&seg, doc_units, keep_norm);
    parts.not_content = not_content(&parts, boilerplate);
    (parts, seg)
}

/// The lines of a page that are never its content ([`DocParts::not_content`]): the runs its
/// structure shows to be boilerplate (menus, teaser lists, footers, the `<title>` its
/// headline repeats). Two stories of one site do not match on a shared menu, and one story
/// on two sites matches whatever surrounds it.
fn not_content(parts: &DocParts, boilerplate: &[Boilerplate]) -> Vec<u32> {
    boilerplate
        .iter()
        .flat_map(|b| b.lines.0..=b.lines.1)
        .filter_map(|n| parts.lines.binary_search_by_key(&n, |l| l.number).ok())
        .map(|i| i as u32)
        .collect()
}

/// The blocks of a document that repeat earlier ones, found down to a floor and filtered by
/// `--repeat-similarity` when the output is built (so a cached scan can change that threshold
/// without reading documents again). They do not depend on templates: pass 1 finds them.
/// The later copies of blocks inside the document. A copy of the page's `<title>` (the
/// headline that repeats it) is no repeat: the title, metadata more than text, goes as
/// `page_title`, and the headline is the one copy kept. (Other text whose first copy is
/// boilerplate stays a repeat: a "Share this" bar twice is boilerplate twice.) Nor is a copy
/// in another item of a reference page (`items`: each item's first line): the docs two
/// methods share are each one's own.
fn repeat_records(
    seg: &Segmented,
    cfg: &Config,
    boilerplate: &[Boilerplate],
    items: &[u32],
) -> Vec<RepeatRecord> {
    let in_boilerplate = |first: u32, last: u32| {
        boilerplate.iter().any(|b| {
            b.reason == BoilerplateReason::PageTitle && b.lines.0 <= last && first <= b.lines.1
        })
    };
    let item_of = |line: u32| items.partition_point(|&start| start <= line);
    find_repeats(seg, cfg.blocks.repeat_min_words, repeat_floor(cfg))
        .iter()
        .filter(|r| {
            let (b, o) = (&seg.blocks[r.block], &seg.blocks[r.of_block]);
            !in_boilerplate(o.start_line, o.end_line)
                && item_of(b.start_line) == item_of(o.start_line)
        })
        .map(|r| {
            let (b, o) = (&seg.blocks[r.block], &seg.blocks[r.of_block]);
            RepeatRecord {
                lines: (b.start_line, b.end_line),
                bytes: (b.bytes.start as u32, b.bytes.end as u32),
                similarity: r.similarity,
                key: b.folded_hash,
                of_key: o.folded_hash,
                of_bytes: (o.bytes.start as u32, o.bytes.end as u32),
                of_words: o.words,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
